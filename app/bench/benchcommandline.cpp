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
                                            QStringLiteral("Recorded time per case in milliseconds (default 3000)."),
                                            QStringLiteral("N"));
    const QCommandLineOption quickOption(QStringLiteral("quick"),
                                         QStringLiteral(
                                             "Short run (500 ms per case, 200 ms warm-up) for smoke checks."));
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
    parser.addOption(durationOption);
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
    if (parser.isSet(quickOption)) {
        options.quick = true;
        options.durationMs = 500;
        options.warmupMs = 200;
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
    commandLine.datasetsDir = parser.value(datasetsOption);
    return commandLine;
}

} // namespace foresight::bench
