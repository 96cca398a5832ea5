#include "agentcommandline.h"

#include <QCommandLineParser>

#include "foresight/core/clock.h"

using namespace foresight;

namespace {

const char *kConfigHelp = R"(
Configuration file (JSON; flags override it):
  {
    "name": "db-1",                        agent name, unique in the cluster (default: host name)
    "listen": "tcp://0.0.0.0:7400",        control and replication endpoint (CURVE)
    "sdk": "unix:///run/foresight/agent.sock", endpoint for applications (unix://, ipc:// or tcp://)
    "keyFile": "/etc/foresight/db-1.key",  this agent's key pair (foresightctl keygen)
    "allowFile": "/etc/foresight/allow",   allowlist: '<public key> <admin|agent|client> [name]' per line
    "insecure": false,                     plain TCP without authentication (labs only; logged)
    "dataDir": "/var/lib/foresight",       where cold replicas keep snapshots (SQLite)
    "allowFaultInjection": false,          accept 'fault' messages from admins (labs, training, tests)
    "procRoot": "/proc",                   where host metrics are read (a simulated host's folder in demos)
    "sourceAddress": "127.0.0.11",         local IPv4 address outgoing connections leave from (simulated network)
    "timeScale": 1,                        for simulations only: the agent's clock runs N times as fast
    "timeOrigin": 0,                       with timeScale: Unix ms the scaled clock runs from (0: start)
    "predictionRate": 500,                 state model: deltas/s learnt per application (0: off)
    "usageProfile": true,                  primaries profile their keys' use to cluster staleness partitions
    "maxMessageBytes": 16777216,  "maxValueBytes": 1048576,  "replicaAckIntervalMs": 100,
    "apps": [
      { "name": "shop", "role": "primary",
        "config": { "critical": ["session/*"], "syncReplicas": 1, "ackTimeoutMs": 2000,
                    "snapshotIntervalMs": 5000, "logMaxDeltas": 100000, "logMaxBytes": 67108864 } },
      { "name": "chat", "role": "replica", "tier": "hot",
        "primary": { "url": "tcp://db-2:7400", "publicKey": "<z85 key of db-2>" } }
    ]
  }
Roles can also be assigned at run time with 'foresightctl assign'.
On start the agent prints one JSON line: {"event":"ready","agent":..,"listen":..,"sdk":..,"public-key":..}.
)";

} // namespace

Result<agent::AgentOptions> parseAgentCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Foresight agent: holds applications' state, replicates it to other agents in hot, warm "
                       "and cold tiers, and obeys promote and assign commands.")
        + QString::fromUtf8(kConfigHelp));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption config(QStringLiteral("config"),
                                    QStringLiteral("Read the JSON configuration <file>."),
                                    QStringLiteral("file"));
    const QCommandLineOption name(QStringLiteral("name"),
                                  QStringLiteral("Agent name (default: host name)."),
                                  QStringLiteral("name"));
    const QCommandLineOption listen(
        QStringLiteral("listen"),
        QStringLiteral(
            "Control/replication endpoint, tcp://HOST:PORT; port * picks a free one (default tcp://127.0.0.1:7400)."),
        QStringLiteral("url"));
    const QCommandLineOption sdk(QStringLiteral("sdk"),
                                 QStringLiteral(
                                     "SDK endpoint for applications: unix://PATH (fastest, local applications), "
                                     "ipc://PATH (ZeroMQ, local) or tcp://HOST:PORT (ZeroMQ with CURVE) "
                                     "(default unix://$XDG_RUNTIME_DIR/foresight-NAME.sock)."),
                                 QStringLiteral("url"));
    const QCommandLineOption key(QStringLiteral("key"),
                                 QStringLiteral("This agent's CURVE key pair file."),
                                 QStringLiteral("file"));
    const QCommandLineOption allow(QStringLiteral("allow"),
                                   QStringLiteral("Allowlist file of public keys and roles."),
                                   QStringLiteral("file"));
    const QCommandLineOption insecure(QStringLiteral("insecure"),
                                      QStringLiteral(
                                          "Plain TCP without encryption or authentication (labs and tests only)."));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("Directory for cold snapshots."),
                                     QStringLiteral("dir"));
    const QCommandLineOption primary(QStringLiteral("primary"),
                                     QStringLiteral("Hold <app> as primary (repeatable)."),
                                     QStringLiteral("app"));
    const QCommandLineOption faults(QStringLiteral("allow-fault-injection"),
                                    QStringLiteral("Accept fault injection (corrupting a replica) from admins: labs, "
                                                   "training and tests only."));
    const QCommandLineOption procRoot(QStringLiteral("proc-root"),
                                      QStringLiteral("Read host metrics from <dir> instead of /proc (a simulated "
                                                     "host's files, for demos and training)."),
                                      QStringLiteral("dir"));
    const QCommandLineOption sourceAddress(
        QStringLiteral("source-address"),
        QStringLiteral("Make outgoing TCP connections (to primaries and measured peers) from the local IPv4 <address>, "
                       "e.g. 127.0.0.11: a simulated network tells hosts apart by it (demos and training)."),
        QStringLiteral("address"));
    const QCommandLineOption
        timeScale(QStringLiteral("time-scale"),
                  QStringLiteral(
                      "For simulations only: the agent's clock runs <N> times as fast (1 to 100; default 1), so "
                      "heartbeats, leases, time-outs, snapshots and probes all come N times sooner. The console "
                      "watching it must run at the same scale (foresight --demo --time-scale N); a console at "
                      "another scale ignores its heartbeats, since leases would be unsafe."),
                  QStringLiteral("N"));
    const QCommandLineOption
        timeOrigin(QStringLiteral("time-origin"),
                   QStringLiteral(
                       "With --time-scale: the real Unix time in ms from which the scaled clock runs (default: when "
                       "the agent starts); a local cluster passes its own so its agents and console agree."),
                   QStringLiteral("ms"));
    const QCommandLineOption predictionRate(
        QStringLiteral("prediction-rate"),
        QStringLiteral("The Predictive State Engine (forecasts, model divergence, the predicted overlay at promotion) "
                       "learns from at most <N> deltas per second and application (default 500; 0 turns it off)."),
        QStringLiteral("N"));
    const QCommandLineOption
        noUsageProfile(QStringLiteral("no-usage-profile"),
                       QStringLiteral(
                           "Keep no usage profile (reads, writes, recency, time of day and co-access of each key, from "
                           "the SDK's gets and writes; at most 4 MiB per primary application). Without it the "
                           "staleness partitions are the impact classes alone, not clustered by use; warm replicas "
                           "are scheduled by them either way. Default: kept."));
    parser.addOptions({config,
                       name,
                       listen,
                       sdk,
                       key,
                       allow,
                       insecure,
                       dataDir,
                       primary,
                       faults,
                       procRoot,
                       sourceAddress,
                       predictionRate,
                       noUsageProfile,
                       timeScale,
                       timeOrigin});
    // The same as process(QCoreApplication &), which reads QCoreApplication::arguments(); taking
    // the list lets a test parse a command line without starting a process.
    parser.process(arguments);

    const auto usage = [](const QString &message) { return fail(ErrorCode::InvalidArgument, message); };
    if (!parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("unexpected argument '%1' (see --help)").arg(parser.positionalArguments().first()));

    agent::AgentOptions options;
    if (parser.isSet(config)) {
        auto loaded = agent::AgentOptions::fromFile(parser.value(config));
        if (!loaded)
            return std::unexpected(loaded.error());
        options = *loaded;
    }
    if (parser.isSet(name))
        options.name = parser.value(name);
    if (parser.isSet(listen))
        options.listenUrl = parser.value(listen);
    if (parser.isSet(sdk))
        options.sdkUrl = parser.value(sdk);
    if (parser.isSet(key))
        options.keyFile = parser.value(key);
    if (parser.isSet(allow))
        options.allowFile = parser.value(allow);
    if (parser.isSet(insecure))
        options.insecure = true;
    if (parser.isSet(dataDir))
        options.dataDir = parser.value(dataDir);
    if (parser.isSet(faults))
        options.allowFaultInjection = true;
    if (parser.isSet(procRoot))
        options.procRoot = parser.value(procRoot);
    if (parser.isSet(sourceAddress))
        options.sourceAddress = parser.value(sourceAddress);
    if (parser.isSet(timeScale)) {
        bool ok = false;
        options.timeScale = parser.value(timeScale).toDouble(&ok);
        if (!ok)
            return usage(QStringLiteral("--time-scale takes a number from 1 to %1, e.g. 4").arg(ScaledClock::kMaxScale));
    }
    if (parser.isSet(timeOrigin)) {
        bool ok = false;
        options.timeOriginWallMs = parser.value(timeOrigin).toLongLong(&ok);
        if (!ok)
            return usage(QStringLiteral("--time-origin takes a Unix time in milliseconds"));
    }
    if (parser.isSet(predictionRate)) {
        bool ok = false;
        options.predictionRate = parser.value(predictionRate).toInt(&ok);
        if (!ok || options.predictionRate < 0 || options.predictionRate > 100'000)
            return usage(QStringLiteral("--prediction-rate takes a whole number from 0 to 100000, e.g. 500"));
    }
    if (parser.isSet(noUsageProfile))
        options.usageProfile = false;
    for (const QString &appName : parser.values(primary)) {
        AppAssignment assignment;
        assignment.app = appName;
        options.apps.append(assignment);
    }
    if (auto ok = options.finalize(); !ok)
        return std::unexpected(ok.error());
    return options;
}
