// foresight-bench NAME [--duration-ms N] [--rounds N] [--quick] [--datasets DIR]: runs one benchmark and
// prints its figures as JSON lines on stdout (docs/benchmarks.md). Diagnostics go to stderr.

#include <cstdio>
#include <memory>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStringList>

#include "benchreport.h"
#include "failoverbench.h"
#ifdef FORESIGHT_BENCH_GUI
#include <QApplication>

#include "guibench.h"
#endif
#include "nabbench.h"
#include "predictbench.h"
#include "psebench.h"
#include "replicationbench.h"
#include "riskbench.h"
#include "simnetbench.h"

namespace {

using foresight::bench::BenchOptions;

// --datasets, for the benchmarks that read the shared datasets (nab); set once in main().
QString g_datasetsDir;

int runNab(const BenchOptions &options)
{
    return foresight::bench::runNabBench(options, g_datasetsDir);
}

int runPredictFailure(const BenchOptions &options)
{
    return foresight::bench::runPredictFailureBench(options, g_datasetsDir);
}

int runPse(const BenchOptions &options)
{
    return foresight::bench::runPseBench(options, g_datasetsDir);
}

struct Benchmark
{
    const char *name;
    const char *summary;
    int (*run)(const BenchOptions &);
};

const Benchmark kBenchmarks[] = {
    {"replication",
     "acknowledged hot-tier writes/s and ack latency p50/p99 vs Redis SET+WAIT, ZeroMQ and Unix socket "
     "echoes, and the write path's floor on the same transports with no work",
     &foresight::bench::runReplicationBench},
    {"failover",
     "kill -9 of the primary under load: time to the first acknowledged write on the new primary and "
     "acknowledged writes lost, vs Redis Sentinel",
     &foresight::bench::runFailoverBench},
    {"nab",
     "HealthBaseline's NAB scores (standard, low FP, low FN) vs Numenta HTM and ARTime; windowedGaussian "
     "re-scored as a check",
     &runNab},
    {"predict-failure",
     "the xgboost failure predictor on asd/ and smd/, leave one machine out, time-ordered: F1 with and "
     "without point adjustment, lead time, vs a static threshold and HealthBaseline",
     &runPredictFailure},
    {"pse",
     "the Predictive State Engine on application delta traces derived from NAB and SMD, held out in time "
     "order: value and change-time MAE of xgboost and the online GRU vs last value and linear extrapolation, "
     "the family picked per application, training time and forecast latency",
     &runPse},
    {"risk",
     "the console's live failure prediction on 500 synthetic hosts at 1 sample/s: per-host sample cost with "
     "the model vs without it, the share of a core that takes, and the time to train a model",
     &foresight::bench::runRiskBench},
    {"simnet",
     "the simulated network's forwarding (demo and training clusters): 64-byte round trip p50/p99 and bulk "
     "throughput through a front on a latency-0 link vs direct loopback TCP, CPU per round trip and per MiB",
     &foresight::bench::runSimnetBench},
#ifdef FORESIGHT_BENCH_GUI
    {"gui",
     "the console window offscreen under 500 hosts and 2,000 replicas at 10 Hz: snapshot to painted frame p50/p99 "
     "and the memory the window adds",
     &foresight::bench::runGuiBench},
#endif
};

const Benchmark *findBenchmark(const QString &name)
{
    for (const Benchmark &benchmark : kBenchmarks) {
        if (name == QLatin1String(benchmark.name))
            return &benchmark;
    }
    return nullptr;
}

QString benchmarkList()
{
    auto row = [](const QString &name, const QString &summary) {
        return QStringLiteral("  %1  %2\n").arg(name, -12).arg(summary);
    };
    QString text;
    for (const Benchmark &benchmark : kBenchmarks)
        text += row(QLatin1String(benchmark.name), QLatin1String(benchmark.summary));
    return text + row(QStringLiteral("list"), QStringLiteral("print the benchmark names"));
}

QString benchmarkNames()
{
    QStringList names;
    for (const Benchmark &benchmark : kBenchmarks)
        names << QLatin1String(benchmark.name);
    return names.join(QStringLiteral(", "));
}

void printError(const QString &message)
{
    std::fprintf(stderr, "foresight-bench: %s\n", qPrintable(message));
}

} // namespace

int main(int argc, char *argv[])
{
#ifdef FORESIGHT_BENCH_GUI
    // The window benchmark needs a QApplication, offscreen unless a platform is chosen.
    const bool gui = argc > 1 && QByteArray(argv[1]) == "gui";
    if (gui && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> application = gui ? std::make_unique<QApplication>(argc, argv)
                                                        : std::make_unique<QCoreApplication>(argc, argv);
#else
    auto application = std::make_unique<QCoreApplication>(argc, argv);
#endif
    QCoreApplication &app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("foresight-bench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FORESIGHT_VERSION));

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
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        printError(QStringLiteral("expected exactly one benchmark name; see --help"));
        return 2;
    }
    const QString name = positional.first();
    if (name == QLatin1String("list")) {
        for (const Benchmark &benchmark : kBenchmarks)
            std::printf("%s\n", benchmark.name);
        return 0;
    }
    const Benchmark *benchmark = findBenchmark(name);
    if (!benchmark) {
        printError(QStringLiteral("unknown benchmark '%1'; known: %2").arg(name, benchmarkNames()));
        return 2;
    }

    BenchOptions options;
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
        if (!ok || duration < 1 || duration > 3600 * 1000) {
            printError(QStringLiteral("--duration-ms needs a whole number of milliseconds "
                                      "between 1 and 3600000, not '%1'")
                           .arg(parser.value(durationOption)));
            return 2;
        }
        options.durationMs = duration;
    }
    if (parser.isSet(roundsOption)) {
        bool ok = false;
        const int rounds = parser.value(roundsOption).toInt(&ok);
        if (!ok || rounds < 1 || rounds > 10000) {
            printError(QStringLiteral("--rounds needs a whole number between 1 and 10000, not '%1'")
                           .arg(parser.value(roundsOption)));
            return 2;
        }
        options.rounds = rounds;
    }
    g_datasetsDir = parser.value(datasetsOption);
    foresight::bench::printEnvironmentNote(name, options.durationMs, options.warmupMs);
    return benchmark->run(options);
}
