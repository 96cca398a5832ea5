#include "benchcommandline.h"

#include <QCommandLineParser>

namespace foresight::bench {

Result<BenchCommandLine> parseBenchCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs a Foresight benchmark and prints one JSON object per line.\n\n"
                       "Benchmarks:\n")
        + benchmarkList());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The benchmark to run."));
    const QCommandLineOption durationOption(QStringLiteral("duration-ms"),
                                            QStringLiteral(
                                                "Recorded time per case in milliseconds (default 3000; sync: "
                                                "simulated time of the recorded workload, default 600000)."),
                                            QStringLiteral("N"));
    const QCommandLineOption
        quickOption(QStringLiteral("quick"),
                    QStringLiteral(
                        "Short run (500 ms per case, 200 ms warm-up; sync: 60 s simulated) for smoke checks."));
    const QCommandLineOption roundsOption(QStringLiteral("rounds"),
                                          QStringLiteral("Rounds per side for round-based benchmarks (failover: "
                                                         "default 50, 5 with --quick; simnet: recorded round "
                                                         "trips per case instead of --duration-ms)."),
                                          QStringLiteral("N"));
    const QCommandLineOption
        datasetsOption(QStringLiteral("datasets"),
                       QStringLiteral(
                           "Folder holding the shared datasets (nab/, asd/, smd/), for nab, predict-failure and pse "
                           "(default: $FORESIGHT_DATASETS, else ../shared/datasets "
                           "beside the source tree)."),
                       QStringLiteral("DIR"));
    const QCommandLineOption
        bandwidthOption(QStringLiteral("bandwidth"),
                        QStringLiteral("sync: the replica link's bandwidth in bytes per second (default: 70% of the "
                                       "recorded workload's mean write rate)."),
                        QStringLiteral("B"));
    const QCommandLineOption recordOption(QStringLiteral("record"),
                                          QStringLiteral("sync: also write the recorded workload to FILE."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption replayOption(QStringLiteral("replay"),
                                          QStringLiteral("sync: replay the workload in FILE (from --record) "
                                                         "instead of recording one; --duration-ms does not apply."),
                                          QStringLiteral("FILE"));
    parser.addOption(durationOption);
    parser.addOption(bandwidthOption);
    parser.addOption(recordOption);
    parser.addOption(replayOption);
    parser.addOption(datasetsOption);
    parser.addOption(roundsOption);
    parser.addOption(quickOption);
    parser.process(arguments);

    const auto usage = [](const QString &message) { return fail(ErrorCode::InvalidArgument, message); };
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usage(QStringLiteral("expected exactly one benchmark name; see --help"));
    BenchCommandLine commandLine;
    const QString name = positional.first();
    if (name == QLatin1String("list"))
        return commandLine;
    commandLine.benchmark = findBenchmark(name);
    if (!commandLine.benchmark)
        return usage(QStringLiteral("unknown benchmark '%1'; known: %2").arg(name, benchmarkNames()));

    BenchOptions &options = commandLine.options;
    if (name == QLatin1String("gui")) { // at 10 Hz, 3 s would be 30 frames: too few for a p99
        options.durationMs = 10'000;
        options.warmupMs = 2000;
    }
    const bool sync = name == QLatin1String("sync");
    if (sync) { // simulated time: ten minutes of the shop, no warm-up (the replica starts in sync)
        options.durationMs = 600'000;
        options.warmupMs = 0;
    }
    if (parser.isSet(quickOption)) {
        options.quick = true;
        options.durationMs = sync ? 60'000 : 500;
        options.warmupMs = sync ? 0 : 200;
    }
    if (parser.isSet(durationOption)) {
        bool ok = false;
        const int duration = parser.value(durationOption).toInt(&ok);
        if (!ok || duration < 1 || duration > 3600 * 1000)
            return usage(QStringLiteral("--duration-ms needs a whole number of milliseconds "
                                        "between 1 and 3600000, not '%1'")
                             .arg(parser.value(durationOption)));
        options.durationMs = duration;
    }
    if (parser.isSet(roundsOption)) {
        bool ok = false;
        const int rounds = parser.value(roundsOption).toInt(&ok);
        if (!ok || rounds < 1 || rounds > 10000)
            return usage(QStringLiteral("--rounds needs a whole number between 1 and 10000, not '%1'")
                             .arg(parser.value(roundsOption)));
        options.rounds = rounds;
    }
    if (parser.isSet(bandwidthOption)) {
        bool ok = false;
        const double bandwidth = parser.value(bandwidthOption).toDouble(&ok);
        if (!ok || !(bandwidth >= 100) || bandwidth > 1e12)
            return usage(QStringLiteral("--bandwidth needs bytes per second between 100 and 1e12, not '%1'")
                             .arg(parser.value(bandwidthOption)));
        options.bandwidthBytesPerSecond = bandwidth;
    }
    options.recordPath = parser.value(recordOption);
    options.replayPath = parser.value(replayOption);
    if (!options.recordPath.isEmpty() && !options.replayPath.isEmpty())
        return usage(QStringLiteral("--record and --replay exclude each other"));
    commandLine.datasetsDir = parser.value(datasetsOption);
    return commandLine;
}

} // namespace foresight::bench
