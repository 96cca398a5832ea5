#include "consolecommandline.h"

#include <unistd.h>

#include <QByteArray>
#include <QCommandLineParser>

#include "demoapps.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/control/consolecontrol.h"
#include "foresight/core/clock.h"
#include "shadowapi.h"
#ifdef FORESIGHT_WITH_WINDOW
#include "windowrunner.h"
#endif

using namespace foresight;

namespace {

[[maybe_unused]] bool hasArgument(int argc, char *argv[], const char *name)
{
    for (int i = 1; i < argc; ++i) {
        if (QByteArray(argv[i]) == name)
            return true;
    }
    return false;
}

#ifdef FORESIGHT_WITH_WINDOW
bool wantsWindow(int argc, char *argv[])
{
    for (const char *terminal : {"--headless", "--help", "-h", "--help-all", "--version", "-v", "--plain"}) {
        if (hasArgument(argc, argv, terminal))
            return false;
    }
    if (!hasArgument(argc, argv, "--demo")) { // --scenario alone is a usage error, said after parsing
        for (int i = 1; i < argc; ++i) {
            if (QByteArray(argv[i]).startsWith("--scenario"))
                return false;
        }
    }
    if (hasArgument(argc, argv, "--screenshot") && !haveDisplay())
        qputenv("QT_QPA_PLATFORM", "offscreen");
    return !hasArgument(argc, argv, "--demo") || haveDisplay();
}
#endif

std::unexpected<Error> usage(const QString &message)
{
    return fail(ErrorCode::InvalidArgument, message + QStringLiteral(" (see foresight --help)"));
}

} // namespace

Result<bool> chooseWindow(int argc, char *argv[])
{
#ifdef FORESIGHT_WITH_WINDOW
    const bool window = wantsWindow(argc, argv);
    if (window && !haveDisplay() && !hasArgument(argc, argv, "--demo"))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("no display for the window (DISPLAY is not set): run `foresight --headless` for "
                                   "the terminal view of the same engine, or `foresight --demo`"));
    return window;
#else
    Q_UNUSED(argc);
    Q_UNUSED(argv);
    return false;
#endif
}

Result<ConsoleCommandLine> parseConsoleCommandLine(const QStringList &arguments, bool window)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Foresight console.\n\n"
                       "Without --headless or --demo it opens the console's window on the cluster of the console "
                       "store (--cluster imports a configuration first; File > Open does the same later).\n\n"
                       "--headless runs the engine on a real cluster: it watches every agent of the cluster "
                       "configuration (--cluster imports one into the console store), renews primaries' write "
                       "leases, fails applications over when a primary dies, and shows agents, applications, "
                       "failover candidates and the journal until Ctrl-C; `foresightctl cluster` commands drive it "
                       "through its control API (--control).\n\n"
                       "--demo starts a local cluster of four real foresight-agent processes on loopback and four "
                       "applications of different kinds (shop: a web shop, arena: game state, prefs: user "
                       "settings, audit: an event log), each with its primary on another agent and a hot, a warm "
                       "and a cold replica on the other three, writing through the SDK (--writers and --rate "
                       "drive shop). With a display (and in a build with the window) the console's window "
                       "shows it, with the engine watching and failing over, and a Demo menu to kill and restart "
                       "agents; without one (or with --headless or --plain) a terminal view shows roles, tiers, "
                       "sequence numbers, lag and digests, and the engine's view, until Ctrl-C. The agents run on "
                       "simulated hosts; `foresightctl cluster fault` injects faults into them (crash, freeze, "
                       "degrade, partition, corrupt, ...) through the demo's control API (--control).\n\n"
                       "--demo --scenario <file|name> plays a training scenario (docs/scenarios.md) on the demo "
                       "cluster: its agents run on simulated hosts with fault injection, the engine watches and "
                       "fails over, the scenario's faults fire at their times, and its duration ends the demo. The "
                       "terminal view (or the window's Training panel) shows its time and events; at the end the "
                       "score (objectives met or failed, what went well and badly) is printed, and written as JSON "
                       "with --score-json. Ctrl-C cuts it short: what happened so far is scored and marked as cut "
                       "short. <name> is a file, else a scenario shipped with the program: %1 (also by number, "
                       "e.g. 01, or without it, e.g. primary-crash). A malformed scenario is refused before "
                       "anything starts, naming its file and line, with exit code 2.\n\n"
                       "--demo --time-scale N runs the demo's time N times as fast (agents, engine, faults and "
                       "scenario alike: a scenario of 2 minutes plays in 30 s at 4), for training and rehearsals; "
                       "network latency and the writers' pace stay real.")
            .arg(shippedScenarios().join(QStringLiteral(", "))));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run the engine on a real cluster, without a window; with --demo, "
                                                     "run the demo in the terminal view."));
    const QCommandLineOption cluster(QStringLiteral("cluster"),
                                     QStringLiteral(
                                         "Import the cluster configuration <file> (JSON, docs/cluster-config.md) "
                                         "into the console store before starting."),
                                     QStringLiteral("file"));
    const QCommandLineOption store(QStringLiteral("store"),
                                   QStringLiteral("The console store (SQLite: configuration, journal, incidents); "
                                                  "default %1.")
                                       .arg(defaultStorePath()),
                                   QStringLiteral("path"),
                                   defaultStorePath());
    const QCommandLineOption key(QStringLiteral("key"),
                                 QStringLiteral("The console's CURVE key pair (foresightctl keygen); default %1.")
                                     .arg(defaultKeyPath()),
                                 QStringLiteral("file"),
                                 defaultKeyPath());
    const QCommandLineOption control(QStringLiteral("control"),
                                     QStringLiteral("--headless: the control API's endpoint for foresightctl cluster "
                                                    "commands: ipc://PATH (this user only) or tcp://HOST:PORT (CURVE, "
                                                    "needs --control-allow); --demo: ipc://PATH only; default %1.")
                                         .arg(control::defaultConsoleControlUrl()),
                                     QStringLiteral("url"));
    const QCommandLineOption controlAllow(QStringLiteral("control-allow"),
                                          QStringLiteral("--headless with a tcp:// --control: the allowlist of "
                                                         "operators' public keys (role admin; docs/protocol.md 4.3)."),
                                          QStringLiteral("file"));
    const QCommandLineOption
        apiListen(QStringLiteral("api-listen"),
                  QStringLiteral(
                      "Window and --headless: where the HTTP API (docs/api.md: /shadow/...) listens, HOST:PORT; "
                      "default 127.0.0.1:%1 (a console that finds the default taken starts without the API). "
                      "A non-loopback address needs --api-cert and --api-key. \"off\": no HTTP API.")
                      .arg(api::kDefaultApiPort),
                  QStringLiteral("host:port"));
    const QCommandLineOption apiToken(QStringLiteral("api-token"),
                                      QStringLiteral("The HTTP API's bearer token file, created with mode 0600 when "
                                                     "absent; default: api-token beside the console store."),
                                      QStringLiteral("file"));
    const QCommandLineOption apiCert(QStringLiteral("api-cert"),
                                     QStringLiteral("Serve the HTTP API over TLS with this PEM certificate (chain); "
                                                    "needs --api-key."),
                                     QStringLiteral("file"));
    const QCommandLineOption apiKey(QStringLiteral("api-key"),
                                    QStringLiteral("The TLS certificate's unencrypted PEM private key (--api-cert)."),
                                    QStringLiteral("file"));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Run the local demo cluster."));
    const QCommandLineOption duration(QStringLiteral("duration"),
                                      QStringLiteral("Stop after <seconds> (default: run until Ctrl-C)."),
                                      QStringLiteral("seconds"),
                                      QStringLiteral("0"));
    const QCommandLineOption writers(QStringLiteral("writers"),
                                     QStringLiteral("Writer threads of the demo's shop application (default 3)."),
                                     QStringLiteral("n"),
                                     QStringLiteral("3"));
    const QCommandLineOption rate(QStringLiteral("rate"),
                                  QStringLiteral("Writes per second per shop writer (default 50)."),
                                  QStringLiteral("n"),
                                  QStringLiteral("50"));
    const QCommandLineOption insecure(QStringLiteral("insecure"), QStringLiteral("Run the demo agents without CURVE."));
    const QCommandLineOption
        workDir(QStringLiteral("work-dir"),
                QStringLiteral("Keep the demo's keys, logs and data in <dir> instead of a temporary directory."),
                QStringLiteral("dir"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("--demo: once the demo application is healthy and writes flow, "
                                                       "save the window as a PNG <file> and exit (renders offscreen "
                                                       "without a display)."),
                                        QStringLiteral("file"));
    const QCommandLineOption scenario(QStringLiteral("scenario"),
                                      QStringLiteral("--demo: play the training scenario <file|name> and score it "
                                                     "(see above)."),
                                      QStringLiteral("file|name"));
    const QCommandLineOption scoreJson(QStringLiteral("score-json"),
                                       QStringLiteral("--demo --scenario: also write the final score as one JSON "
                                                      "object to <file>."),
                                       QStringLiteral("file"));
    const QCommandLineOption
        timeScale(QStringLiteral("time-scale"),
                  QStringLiteral("--demo, for simulations only: the cluster's clock (its agents', the engine's, the "
                                 "scenario's) runs <N> times as fast as real time (1 to 100; default 1)."),
                  QStringLiteral("N"),
                  QStringLiteral("1"));
    const QCommandLineOption
        plain(QStringLiteral("plain"),
              QStringLiteral(
                  "Terminal view: print status blocks instead of redrawing the screen (default when stdout is not "
                  "a terminal); with --demo, use the terminal view even when there is a display."));
    parser.addOptions({headless, cluster, store,  key,        control,  controlAllow, apiListen,
                       apiToken, apiCert, apiKey, demo,       duration, writers,      rate,
                       insecure, workDir, plain,  screenshot, scenario, scoreJson,    timeScale});
    parser.process(arguments);

    if (!parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    bool durationOk = false;
    const int seconds = parser.value(duration).toInt(&durationOk);
    if (!durationOk || seconds < 0)
        return usage(QStringLiteral("--duration takes a whole number of seconds"));
    if (parser.isSet(screenshot) && !(window && parser.isSet(demo)))
        return usage(QStringLiteral("--screenshot goes with --demo (and a window build)"));
    if (parser.isSet(scenario) && !parser.isSet(demo))
        return usage(QStringLiteral("--scenario goes with --demo: foresight --demo --scenario <file|name>"));
    if (parser.isSet(scoreJson) && !parser.isSet(scenario))
        return usage(QStringLiteral("--score-json goes with --demo --scenario"));
    if (parser.isSet(scenario) && parser.isSet(duration))
        return usage(QStringLiteral("--duration does not go with --scenario: the scenario's duration ends the demo"));
    if (parser.isSet(timeScale) && !parser.isSet(demo))
        return usage(QStringLiteral("--time-scale goes with --demo (a real cluster runs in real time)"));
    bool scaleOk = false;
    const double scale = parser.value(timeScale).toDouble(&scaleOk);
    if (!scaleOk || !ScaledClock::validateScale(scale))
        return usage(QStringLiteral("--time-scale takes a number from 1 to %1, e.g. 4").arg(ScaledClock::kMaxScale));

    if (parser.isSet(apiListen) && parser.value(apiListen) != QLatin1String("off")) {
        api::ShadowApiOptions checked;
        if (auto parsed = api::parseApiListen(parser.value(apiListen), checked); !parsed)
            return usage(parsed.error().message);
    }
    if (parser.isSet(apiCert) != parser.isSet(apiKey))
        return usage(QStringLiteral("--api-cert and --api-key go together"));
    const auto setApi = [&](SessionOptions &session) {
        session.apiListen = parser.value(apiListen);
        session.apiTokenFile = parser.value(apiToken);
        session.apiCertFile = parser.value(apiCert);
        session.apiKeyFile = parser.value(apiKey);
    };

    ConsoleCommandLine commandLine;
    if (window && !parser.isSet(demo)) {
        for (const QCommandLineOption *headlessOnly : {&control, &controlAllow, &duration}) {
            if (parser.isSet(*headlessOnly))
                return usage(QStringLiteral("--%1 goes with --headless").arg(headlessOnly->names().constFirst()));
        }
        commandLine.mode = ConsoleCommandLine::Mode::Window;
        commandLine.session.clusterFile = parser.value(cluster);
        commandLine.session.storePath = parser.value(store);
        commandLine.session.keyFile = parser.value(key);
        setApi(commandLine.session);
        return commandLine;
    }
    if (!parser.isSet(demo) && !parser.isSet(headless)) {
#ifdef FORESIGHT_WITH_WINDOW
        // Of the options that keep a window build from its window, only --plain gets this far.
        const QString why = QStringLiteral("--plain is the terminal view of either");
#else
        const QString why = QStringLiteral("this build has no window");
#endif
        return usage(QStringLiteral("choose --headless (a real cluster) or --demo (a local demo cluster); ") + why);
    }
    const bool ansi = !parser.isSet(plain) && isatty(STDOUT_FILENO);

    if (parser.isSet(headless) && !parser.isSet(demo)) {
        commandLine.mode = ConsoleCommandLine::Mode::Headless;
        HeadlessOptions &options = commandLine.headless;
        options.session.clusterFile = parser.value(cluster);
        options.session.storePath = parser.value(store);
        options.session.keyFile = parser.value(key);
        options.session.controlUrl = parser.value(control);
        options.session.controlAllowFile = parser.value(controlAllow);
        setApi(options.session);
        options.durationSeconds = seconds;
        options.ansi = ansi;
        return commandLine;
    }
    for (const QCommandLineOption *headlessOnly : {&cluster, &controlAllow, &apiListen, &apiToken, &apiCert, &apiKey}) {
        if (parser.isSet(*headlessOnly))
            return usage(QStringLiteral("--%1 goes with --headless").arg(headlessOnly->names().constFirst()));
    }
    if (parser.isSet(control) && !parser.value(control).startsWith(QLatin1String("ipc://")))
        return usage(QStringLiteral("the demo's control API is local only: --control ipc://PATH"));

    commandLine.mode = window ? ConsoleCommandLine::Mode::WindowDemo : ConsoleCommandLine::Mode::TerminalDemo;
    DemoOptions &options = commandLine.demo;
    bool ok2 = false, ok3 = false;
    options.durationSeconds = seconds;
    options.writers = parser.value(writers).toInt(&ok2);
    options.writesPerSecond = parser.value(rate).toInt(&ok3);
    if (!ok2 || options.writers < 1 || options.writers > 64)
        return usage(QStringLiteral("--writers takes a number from 1 to 64"));
    if (!ok3 || options.writesPerSecond < 1 || options.writesPerSecond > 100000)
        return usage(QStringLiteral("--rate takes a number from 1 to 100000"));
    options.curve = !parser.isSet(insecure);
    options.workDir = parser.value(workDir);
    options.controlUrl = parser.value(control);
    options.ansi = ansi;
    options.timeScale = scale;
    commandLine.screenshotPath = parser.value(screenshot);
    commandLine.scoreJsonPath = parser.value(scoreJson);
    if (parser.isSet(scenario)) {
        // Refused before anything starts, with the parser's "file:line: what".
        auto choice = loadScenario(parser.value(scenario), demoApp(), cluster::LocalCluster::Options().agentNames);
        if (!choice)
            return std::unexpected(choice.error());
        commandLine.scenario = std::move(*choice);
    }
    return commandLine;
}
