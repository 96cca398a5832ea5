// foresight: the operations console. Until the window lands (console issue), it runs the
// headless terminal view; --demo runs a local cluster of real agents under a demo workload.

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>

#include "demorunner.h"

namespace {

std::atomic<bool> g_stop{false};

void onSignal(int)
{
    g_stop.store(true);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("foresight"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FORESIGHT_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Foresight console. This version runs the headless terminal view only; the window arrives "
                       "with the console issue.\n\n"
                       "--demo starts a local cluster of four real foresight-agent processes on loopback (one "
                       "application with a primary, a hot, a warm and a cold replica), drives a demo workload "
                       "through the SDK and shows roles, tiers, sequence numbers, lag and digests until Ctrl-C."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run without a window (the only mode so far)."));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Run the local demo cluster."));
    const QCommandLineOption duration(QStringLiteral("duration"),
                                      QStringLiteral("Stop the demo after <seconds> (default: run until Ctrl-C)."),
                                      QStringLiteral("seconds"),
                                      QStringLiteral("0"));
    const QCommandLineOption writers(QStringLiteral("writers"),
                                     QStringLiteral("Demo writer threads (default 3)."),
                                     QStringLiteral("n"),
                                     QStringLiteral("3"));
    const QCommandLineOption rate(QStringLiteral("rate"),
                                  QStringLiteral("Writes per second per writer (default 50)."),
                                  QStringLiteral("n"),
                                  QStringLiteral("50"));
    const QCommandLineOption insecure(QStringLiteral("insecure"), QStringLiteral("Run the demo agents without CURVE."));
    const QCommandLineOption
        workDir(QStringLiteral("work-dir"),
                QStringLiteral("Keep the demo's keys, logs and data in <dir> instead of a temporary directory."),
                QStringLiteral("dir"));
    const QCommandLineOption
        plain(QStringLiteral("plain"),
              QStringLiteral(
                  "Print status blocks instead of redrawing the screen (default when stdout is not a terminal)."));
    parser.addOptions({headless, demo, duration, writers, rate, insecure, workDir, plain});
    parser.process(app);

    const auto usage = [](const QString &message) {
        std::fprintf(stderr, "foresight: %s (see foresight --help)\n", qPrintable(message));
        return 2;
    };
    if (!parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    if (!parser.isSet(demo))
        return usage(QStringLiteral(
            "nothing to run yet: use --demo (connecting to a real cluster arrives with the failover issue)"));

    DemoOptions options;
    bool ok1 = false, ok2 = false, ok3 = false;
    options.durationSeconds = parser.value(duration).toInt(&ok1);
    options.writers = parser.value(writers).toInt(&ok2);
    options.writesPerSecond = parser.value(rate).toInt(&ok3);
    if (!ok1 || options.durationSeconds < 0)
        return usage(QStringLiteral("--duration takes a whole number of seconds"));
    if (!ok2 || options.writers < 1 || options.writers > 64)
        return usage(QStringLiteral("--writers takes a number from 1 to 64"));
    if (!ok3 || options.writesPerSecond < 1 || options.writesPerSecond > 100000)
        return usage(QStringLiteral("--rate takes a number from 1 to 100000"));
    options.curve = !parser.isSet(insecure);
    options.workDir = parser.value(workDir);
    options.ansi = !parser.isSet(plain) && isatty(STDOUT_FILENO);

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    return runHeadlessDemo(options, g_stop);
}
