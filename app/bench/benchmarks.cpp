#include "benchmarks.h"

#include <cstdio>

#include <QStringList>

#include "failoverbench.h"
#include "mirrorbench.h"
#ifdef FORESIGHT_BENCH_GUI
#include "guibench.h"
#endif
#include "nabbench.h"
#include "predictbench.h"
#include "psebench.h"
#include "replicationbench.h"
#include "riskbench.h"
#include "simnetbench.h"
#include "swapbench.h"
#include "syncbench.h"

namespace foresight::bench {

namespace {

// A benchmark that reads no datasets, in the table's shape.
template<int (*run)(const BenchOptions &)>
int withoutDatasets(const BenchOptions &options, const QString &)
{
    return run(options);
}

const Benchmark kBenchmarks[] = {
    {"replication",
     "acknowledged hot-tier writes/s and ack latency p50/p99 vs Redis SET+WAIT, ZeroMQ and Unix socket "
     "echoes, the write path's floor on the same transports with no work, and the state model's and the "
     "usage profile's cost",
     &withoutDatasets<&runReplicationBench>},
    {"failover",
     "kill -9 of the primary under load: time to the first acknowledged write on the new primary and "
     "acknowledged writes lost, vs Redis Sentinel",
     &withoutDatasets<&runFailoverBench>},
    {"swap",
     "switchover onto a caught-up hot replica at 10k, 100k and 1M keys under writers: write pause p50/p99 as "
     "the engine measures it and as a writer sees it, vs stop-and-copy of the whole state",
     &withoutDatasets<&runSwapBench>},
    {"nab",
     "HealthBaseline's NAB scores (standard, low FP, low FN) vs Numenta HTM and ARTime; windowedGaussian "
     "re-scored as a check",
     &runNabBench},
    {"predict-failure",
     "the xgboost failure predictor on asd/ and smd/, leave one machine out, time-ordered: F1 with and "
     "without point adjustment, lead time, vs a static threshold and HealthBaseline",
     &runPredictFailureBench},
    {"pse",
     "the Predictive State Engine on application delta traces derived from NAB and SMD, held out in time "
     "order: value and change-time MAE of xgboost and the online GRU vs last value and linear extrapolation, "
     "the family picked per application, training time and forecast latency",
     &runPseBench},
    {"risk",
     "the console's live failure prediction on 500 synthetic hosts at 1 sample/s: per-host sample cost with "
     "the model vs without it, the share of a core that takes, and the time to train a model",
     &withoutDatasets<&runRiskBench>},
    {"simnet",
     "the simulated network's forwarding (demo and training clusters): 64-byte round trip p50/p99 and bulk "
     "throughput through a front on a latency-0 link vs direct loopback TCP, CPU per round trip and per MiB",
     &withoutDatasets<&runSimnetBench>},
    {"sync",
     "the demo shop's recorded workload replayed over a link slower than its writes (simulated, no sockets): "
     "impact-weighted staleness under the staleness scheduler vs first-in-first-out and last-modified-first, "
     "and the critical keys' largest staleness",
     &withoutDatasets<&runSyncBench>},
    {"mirror",
     "resource-change traces (periodic, bursty, random, the demo shop's) replayed through predictive mirrors "
     "with and without change events vs a fixed-TTL cache at the same poll rate and reading the source every "
     "time: stale reads, polls per read, valid mirror read p50/p99",
     &withoutDatasets<&runMirrorBench>},
#ifdef FORESIGHT_BENCH_GUI
    {"gui",
     "the console window offscreen under 500 hosts and 2,000 replicas at 10 Hz: snapshot to painted frame p50/p99 "
     "and the memory the window adds",
     &withoutDatasets<&runGuiBench>},
#endif
};

} // namespace

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

void printBenchmarkNames()
{
    for (const Benchmark &benchmark : kBenchmarks)
        std::printf("%s\n", benchmark.name);
}

} // namespace foresight::bench
