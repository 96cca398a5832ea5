// foresightctl: drives Foresight agents and a running console (the cluster commands) from a terminal.

#include <cstdio>
#include <cstring>
#include <memory>

#include <QCborArray>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "clustercommands.h"
#include "exitcodes.h"
#include "foresight/control/controlclient.h"
#include "statusformat.h"

using namespace foresight;

namespace {

const char *kCommandsHelp = R"(
Commands for one agent:
  status [APP]                      roles, tiers, epochs, sequence numbers, lag and digests
  assign APP --role primary|replica [--tier hot|warm|cold --primary-url URL --primary-key KEY]
         [--critical PATTERN,...] [--sync-replicas N] [--ack-timeout-ms N] [--snapshot-interval-ms N]
                                    give the agent a role for APP
  promote APP [--epoch N]           make the agent's replica of APP its primary, raising the epoch
  snapshot APP                      send a snapshot of APP to its cold replicas now (to the primary)
  keygen --out FILE                 write a CURVE key pair: FILE (secret, mode 0600) and FILE.pub

The agent is named by --agent (or FORESIGHT_AGENT), its public key by --agent-key (or
FORESIGHT_AGENT_KEY), this side's key pair by --key (or FORESIGHT_KEY).
)";

int printError(const Error &error)
{
    std::fprintf(stderr, "foresightctl: %s\n", qPrintable(error.message));
    switch (error.code) {
    case ErrorCode::Timeout:
    case ErrorCode::Network:
        return ExitUnreachable;
    case ErrorCode::Unauthorized:
        return ExitUnauthorized;
    case ErrorCode::InvalidArgument:
        return ExitUsage;
    default:
        return ExitRefused;
    }
}

// What the user gave on this side (key files, keys, values) is wrong, whatever the code says:
// a missing or world-readable key file is bad input, not a refusal by the agent.
int inputError(const Error &error)
{
    std::fprintf(stderr, "foresightctl: %s\n", qPrintable(error.message));
    return ExitUsage;
}

// The agent's answer to a command: an invalid-argument reply is the agent refusing the command
// (say, promoting what is already primary), not bad usage of foresightctl.
int agentError(const Error &error)
{
    if (error.code == ErrorCode::InvalidArgument) {
        std::fprintf(stderr, "foresightctl: %s\n", qPrintable(error.message));
        return ExitRefused;
    }
    return printError(error);
}

int usage(const QString &message)
{
    std::fprintf(stderr, "foresightctl: %s (see foresightctl --help)\n", qPrintable(message));
    return ExitUsage;
}

void printJson(const QCborMap &map)
{
    std::printf("%s\n", QJsonDocument(map.toJsonObject()).toJson(QJsonDocument::Indented).constData());
}

QString envOr(const QCommandLineParser &parser, const QCommandLineOption &option, const char *env)
{
    if (parser.isSet(option))
        return parser.value(option);
    return qEnvironmentVariable(env);
}

// `report export` draws PDFs, which takes fonts, which take a QGuiApplication; foresightctl never
// shows a window, so its platform is offscreen (unless the caller chose one).
bool drawsReports(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "report") == 0)
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    if (drawsReports(argc, argv) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> app = drawsReports(argc, argv)
                                                      ? std::make_unique<QGuiApplication>(argc, argv)
                                                      : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("foresightctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FORESIGHT_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Drive Foresight agents and a running console from a terminal.")
                                     + QString::fromUtf8(kCommandsHelp) + clusterCommandsHelp());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("status, assign, promote, snapshot, keygen, cluster or report"));
    const QCommandLineOption agentOpt(QStringLiteral("agent"),
                                      QStringLiteral("The agent's endpoint, tcp://HOST:PORT."),
                                      QStringLiteral("url"));
    const QCommandLineOption agentKeyOpt(QStringLiteral("agent-key"),
                                         QStringLiteral("The agent's public key, or its .pub file."),
                                         QStringLiteral("key"));
    const QCommandLineOption
        keyOpt(QStringLiteral("key"),
               QStringLiteral("This side's key pair file (role admin in the agent's or console's allowlist)."),
               QStringLiteral("file"));
    const QCommandLineOption insecureOpt(QStringLiteral("insecure"),
                                         QStringLiteral("Talk to an agent started with --insecure."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"),
                                     QStringLiteral("Print the agent's or console's reply as JSON, for scripts."));
    const QCommandLineOption
        timeoutOpt(QStringLiteral("timeout-ms"),
                   QStringLiteral(
                       "How long to wait for the agent or console (default 3000; a switchover waits at least 60000)."),
                   QStringLiteral("ms"),
                   QStringLiteral("3000"));
    const QCommandLineOption outOpt(QStringLiteral("out"),
                                    QStringLiteral("keygen: the secret key file to write; report export: the "
                                                   "report's file (- for stdout)."),
                                    QStringLiteral("file"));
    const QCommandLineOption roleOpt(QStringLiteral("role"),
                                     QStringLiteral("assign: primary or replica."),
                                     QStringLiteral("role"));
    const QCommandLineOption tierOpt(QStringLiteral("tier"),
                                     QStringLiteral("assign: hot, warm or cold."),
                                     QStringLiteral("tier"));
    const QCommandLineOption primaryUrlOpt(QStringLiteral("primary-url"),
                                           QStringLiteral("assign: the primary agent's endpoint."),
                                           QStringLiteral("url"));
    const QCommandLineOption primaryKeyOpt(QStringLiteral("primary-key"),
                                           QStringLiteral("assign: the primary agent's public key or .pub file."),
                                           QStringLiteral("key"));
    const QCommandLineOption criticalOpt(QStringLiteral("critical"),
                                         QStringLiteral("assign: comma-separated glob patterns of critical keys."),
                                         QStringLiteral("patterns"));
    const QCommandLineOption syncOpt(QStringLiteral("sync-replicas"),
                                     QStringLiteral("assign: hot acknowledgements a write needs."),
                                     QStringLiteral("n"));
    const QCommandLineOption ackTimeoutOpt(QStringLiteral("ack-timeout-ms"),
                                           QStringLiteral("assign: how long a write waits for them."),
                                           QStringLiteral("ms"));
    const QCommandLineOption intervalOpt(QStringLiteral("snapshot-interval-ms"),
                                         QStringLiteral("assign: cold snapshot interval."),
                                         QStringLiteral("ms"));
    const QCommandLineOption epochOpt(QStringLiteral("epoch"),
                                      QStringLiteral("promote: the least epoch to take."),
                                      QStringLiteral("n"));
    parser.addOptions({agentOpt,
                       agentKeyOpt,
                       keyOpt,
                       insecureOpt,
                       jsonOpt,
                       timeoutOpt,
                       outOpt,
                       roleOpt,
                       tierOpt,
                       primaryUrlOpt,
                       primaryKeyOpt,
                       criticalOpt,
                       syncOpt,
                       ackTimeoutOpt,
                       intervalOpt,
                       epochOpt});
    addClusterOptions(parser);
    parser.process(*app);

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        return usage(QStringLiteral("no command given"));
    const QString command = args.first();
    const bool json = parser.isSet(jsonOpt);

    if (command == QLatin1String("keygen")) {
        if (!parser.isSet(outOpt))
            return usage(QStringLiteral("keygen needs --out FILE"));
        const QString out = parser.value(outOpt);
        if (QFileInfo::exists(out))
            return usage(QStringLiteral("%1 exists; refusing to overwrite a key").arg(out));
        auto pair = generateKeyPair();
        if (!pair)
            return printError(pair.error());
        if (auto ok = saveKeyPair(*pair, out); !ok)
            return printError(ok.error());
        if (json)
            printJson(QCborMap{{QStringLiteral("public-key"), QString::fromLatin1(pair->publicKey)},
                               {QStringLiteral("secret-file"), out},
                               {QStringLiteral("public-file"), QString(out + QStringLiteral(".pub"))}});
        else
            std::printf("wrote %s (secret, mode 0600) and %s.pub\npublic key: %s\n",
                        qPrintable(out),
                        qPrintable(out),
                        pair->publicKey.constData());
        return ExitOk;
    }

    if (command == QLatin1String("cluster"))
        return runClusterCommand(parser, args.mid(1));
    if (command == QLatin1String("report"))
        return runReportCommand(parser, args.mid(1));

    static const QStringList kCommands{QStringLiteral("status"),
                                       QStringLiteral("assign"),
                                       QStringLiteral("promote"),
                                       QStringLiteral("snapshot")};
    if (!kCommands.contains(command))
        return usage(QStringLiteral("unknown command '%1'").arg(command));

    control::ControlOptions options;
    options.url = envOr(parser, agentOpt, "FORESIGHT_AGENT");
    options.insecure = parser.isSet(insecureOpt);
    bool timeoutOk = false;
    options.timeoutMs = parser.value(timeoutOpt).toInt(&timeoutOk);
    if (!timeoutOk || options.timeoutMs <= 0)
        return usage(QStringLiteral("--timeout-ms must be a positive whole number"));
    if (options.url.isEmpty())
        return usage(QStringLiteral("name the agent with --agent tcp://HOST:PORT or FORESIGHT_AGENT"));
    if (!options.insecure && options.url.startsWith(QLatin1String("tcp://"))) {
        const QString agentKey = envOr(parser, agentKeyOpt, "FORESIGHT_AGENT_KEY");
        const QString keyFile = envOr(parser, keyOpt, "FORESIGHT_KEY");
        if (agentKey.isEmpty() || keyFile.isEmpty())
            return usage(QStringLiteral(
                "CURVE needs --agent-key (the agent's public key) and --key (this side's key pair), or --insecure"));
        auto serverKey = loadPublicKey(agentKey);
        if (!serverKey)
            return inputError(serverKey.error());
        auto pair = loadKeyPair(keyFile);
        if (!pair)
            return inputError(pair.error());
        options.serverPublicKey = *serverKey;
        options.keys = *pair;
    }
    auto client = control::ControlClient::connect(options);
    if (!client)
        return printError(client.error());

    Result<QCborMap> reply = fail(ErrorCode::Internal, QStringLiteral("no command ran"));
    if (command == QLatin1String("status")) {
        reply = (*client)->status(args.value(1));
    } else if (command == QLatin1String("assign")) {
        if (args.size() != 2)
            return usage(QStringLiteral("assign takes one application name"));
        AppAssignment assignment;
        assignment.app = args[1];
        const auto role = roleFromName(parser.value(roleOpt));
        if (!role)
            return usage(QStringLiteral("assign needs --role primary or --role replica"));
        assignment.role = *role;
        if (assignment.role == Role::Replica) {
            const auto tier = tierFromName(parser.value(tierOpt));
            if (!tier || *tier == Tier::None)
                return usage(QStringLiteral("a replica needs --tier hot, warm or cold"));
            assignment.tier = *tier;
            assignment.primaryUrl = parser.value(primaryUrlOpt);
            if (parser.isSet(primaryKeyOpt)) {
                auto key = loadPublicKey(parser.value(primaryKeyOpt));
                if (!key)
                    return inputError(key.error());
                assignment.primaryPublicKey = *key;
            }
        }
        QJsonObject config;
        if (parser.isSet(criticalOpt))
            config.insert(QStringLiteral("critical"),
                          QJsonArray::fromStringList(
                              parser.value(criticalOpt).split(QLatin1Char(','), Qt::SkipEmptyParts)));
        const auto intOption = [&](const QCommandLineOption &option, const char *name) -> bool {
            if (!parser.isSet(option))
                return true;
            bool ok = false;
            const int value = parser.value(option).toInt(&ok);
            if (ok)
                config.insert(QLatin1String(name), value);
            return ok;
        };
        if (!intOption(syncOpt, "syncReplicas") || !intOption(ackTimeoutOpt, "ackTimeoutMs")
            || !intOption(intervalOpt, "snapshotIntervalMs"))
            return usage(QStringLiteral("numeric options take whole numbers"));
        if (auto ok = assignment.config.mergeJson(config, QStringLiteral("assign")); !ok)
            return inputError(ok.error());
        if (auto ok = assignment.validate(); !ok)
            return inputError(ok.error());
        if (assignment.role == Role::Replica && assignment.primaryUrl.startsWith(QLatin1String("tcp://"))
            && !options.insecure && assignment.primaryPublicKey.isEmpty())
            return usage(QStringLiteral(
                "a replica of a tcp:// primary needs --primary-key (the primary agent's public key or .pub file)"));
        reply = (*client)->assign(assignment);
    } else if (command == QLatin1String("promote")) {
        if (args.size() != 2)
            return usage(QStringLiteral("promote takes one application name"));
        std::optional<std::uint64_t> epoch;
        if (parser.isSet(epochOpt)) {
            bool ok = false;
            epoch = parser.value(epochOpt).toULongLong(&ok);
            if (!ok)
                return usage(QStringLiteral("--epoch takes a whole number"));
        }
        reply = (*client)->promote(args[1], epoch);
    } else if (command == QLatin1String("snapshot")) {
        if (args.size() != 2)
            return usage(QStringLiteral("snapshot takes one application name"));
        reply = (*client)->takeSnapshot(args[1]);
    }
    if (!reply)
        return agentError(reply.error());

    QCborMap body = *reply;
    body.remove(QStringLiteral("id"));
    if (json) {
        printJson(body);
    } else if (command == QLatin1String("status")) {
        std::printf("%s\n", qPrintable(formatStatus(body)));
    } else if (command == QLatin1String("promote")) {
        std::printf("promoted %s to primary: epoch %lld, sequence %lld (was %s replica)\n",
                    qPrintable(args[1]),
                    body.value(QStringLiteral("epoch")).toInteger(),
                    body.value(QStringLiteral("seq")).toInteger(),
                    qPrintable(body.value(QStringLiteral("former-tier")).toString()));
    } else if (command == QLatin1String("snapshot")) {
        std::printf("snapshot of %s at sequence %lld sent to %lld cold replica(s)\n",
                    qPrintable(args[1]),
                    body.value(QStringLiteral("seq")).toInteger(),
                    body.value(QStringLiteral("cold-replicas")).toInteger());
    } else {
        std::printf("assigned %s\n", qPrintable(args[1]));
    }
    return ExitOk;
}
