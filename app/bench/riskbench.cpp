// The metrics are synthetic (steady hosts with noise, a few leaking memory until they fail), as
// the figures are costs, not accuracy: accuracy is `predict-failure`'s, on real datasets. Both
// monitors see the same samples in the same order; only the model differs.

#include "riskbench.h"

#include <chrono>
#include <vector>

#include <QRandomGenerator>

#include "foresight/prediction/hostriskmonitor.h"
#include "writeload.h"

namespace foresight::bench {

namespace {

const QString kBench = QStringLiteral("risk");
constexpr qint64 kStartMs = 1'700'000'000'000;

metrics::HostMetrics sampleOf(QRandomGenerator &random, double leak)
{
    metrics::HostMetrics m;
    m.cpuBusy = 0.3 + random.bounded(0.1);
    m.cpuIowait = random.bounded(0.02);
    m.memUsedFraction = std::min(0.99, 0.4 + 0.55 * leak + random.bounded(0.02));
    m.swapUsedFraction = leak > 0.6 ? leak - 0.6 : 0.0;
    m.load1 = 1.0 + random.bounded(0.5) + 2 * leak;
    m.diskIoBusyFraction = 0.1 + random.bounded(0.05);
    m.netRxErrorsPerSec = random.bounded(100) == 0 ? 1 : 0;
    m.procsBlocked = leak > 0.8 ? 2 : 0;
    return m;
}

struct Run
{
    std::vector<qint64> costsNs; // one per host sample
    double seconds = 0;          // all samples together
};

// Feeds `seconds` of samples of `hosts` hosts to the monitor; host i leaks when i % 50 == 7,
// failing after a 10-minute leak and coming back 1 minute later.
Run feed(prediction::HostRiskMonitor &monitor, int hosts, int seconds, qint64 startMs, bool record)
{
    QRandomGenerator random(7);
    Run run;
    if (record)
        run.costsNs.reserve(std::size_t(hosts) * std::size_t(seconds));
    const auto began = std::chrono::steady_clock::now();
    for (int s = 0; s < seconds; ++s) {
        const qint64 t = startMs + qint64(s) * 1000;
        for (int h = 0; h < hosts; ++h) {
            const QString name = QStringLiteral("host-%1").arg(h, 3, 10, QLatin1Char('0'));
            double leak = 0;
            if (h % 50 == 7) {
                const int phase = (s + h * 37) % 900; // 4 min healthy, 10 min leaking, 1 min down
                if (phase >= 840)
                    continue;
                if (phase >= 240)
                    leak = (phase - 240) / 600.0;
                if (phase == 839)
                    monitor.markIncident(name, t);
            }
            const metrics::HostMetrics metrics = sampleOf(random, leak);
            const auto before = std::chrono::steady_clock::now();
            monitor.observe(name, t, metrics);
            if (record)
                run.costsNs.push_back(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - before)
                        .count());
        }
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    return run;
}

double mean(const std::vector<qint64> &values)
{
    double sum = 0;
    for (qint64 v : values)
        sum += double(v);
    return values.empty() ? 0 : sum / double(values.size());
}

} // namespace

int runRiskBench(const BenchOptions &options)
{
    const int hosts = options.quick ? 100 : 500;
    const int learnSeconds = options.quick ? 1200 : 3600;
    const int measureSeconds = options.quick ? 30 : 120;
    config::PredictionSettings settings; // the defaults the console runs with
    const QString caseName = QStringLiteral("%1 hosts, 1 sample/s, %2 min learned").arg(hosts).arg(learnSeconds / 60);

    auto withModel = prediction::HostRiskMonitor::create(settings);
    auto withoutModel = prediction::HostRiskMonitor::create(settings);
    if (!withModel || !withoutModel) {
        printNote(kBench, caseName, withModel ? withoutModel.error().toString() : withModel.error().toString());
        return 1;
    }
    logProgress(QStringLiteral("risk: %1 hosts x %2 s of samples").arg(hosts).arg(learnSeconds));
    feed(**withModel, hosts, learnSeconds, kStartMs, false);
    const qint64 now = kStartMs + qint64(learnSeconds) * 1000;
    auto set = (*withModel)->trainingSet(now);
    if (!set) {
        printNote(kBench, caseName, set.error().toString());
        return 1;
    }
    const auto trained = prediction::trainRiskModel(*set, settings);
    if (!trained) {
        printNote(kBench, caseName, trained.error().toString());
        return 1;
    }
    if (Status installed = (*withModel)->install(trained->predictor, 1); !installed) {
        printNote(kBench, caseName, installed.error().toString());
        return 1;
    }
    // The baseline monitor learns the same hour, so its windows and baselines are as warm.
    feed(**withoutModel, hosts, learnSeconds, kStartMs, false);

    const Run model = feed(**withModel, hosts, measureSeconds, now, true);
    const Run anomalyOnly = feed(**withoutModel, hosts, measureSeconds, now, true);
    const auto us = [](std::optional<double> ns) -> std::optional<double> {
        return ns ? std::optional<double>(*ns / 1e3) : std::nullopt;
    };
    const QString baseline = QStringLiteral("the same monitor without a model (features and health baselines only)");
    for (const auto &[figure, percentile] :
         {std::pair{QStringLiteral("host_sample_p50_us"), 50}, std::pair{QStringLiteral("host_sample_p99_us"), 99}}) {
        printFigure({kBench,
                     caseName,
                     figure,
                     QStringLiteral("us"),
                     Better::Lower,
                     1,
                     us(percentileNs(QList<qint64>(model.costsNs.begin(), model.costsNs.end()), percentile)),
                     baseline,
                     us(percentileNs(QList<qint64>(anomalyOnly.costsNs.begin(), anomalyOnly.costsNs.end()), percentile)),
                     {}});
    }
    // The prediction thread's load: one second of samples for every host, as a share of a core.
    printFigure({kBench,
                 caseName,
                 QStringLiteral("core_share_at_1_sample_per_s"),
                 QStringLiteral("fraction"),
                 Better::Lower,
                 3,
                 mean(model.costsNs) * hosts / 1e9,
                 baseline,
                 mean(anomalyOnly.costsNs) * hosts / 1e9,
                 {}});
    printFigure({kBench,
                 caseName,
                 QStringLiteral("train_ms"),
                 QStringLiteral("ms"),
                 Better::Lower,
                 0,
                 double(trained->trainMs),
                 {},
                 {},
                 {}});
    printNote(kBench,
              caseName,
              QStringLiteral("trained on %1 rows (%2 before a failure, %3 incidents; the training set keeps at most "
                             "100000 healthy rows), %4 rounds, depth %5, one thread; held out: %6")
                  .arg(set->features.rows)
                  .arg(trained->evaluation.value(QStringLiteral("positives")).toInteger())
                  .arg(set->incidents)
                  .arg(settings.rounds)
                  .arg(settings.maxDepth)
                  .arg(trained->evaluation.contains(QStringLiteral("f1"))
                           ? QStringLiteral("F1 %1")
                                 .arg(trained->evaluation.value(QStringLiteral("f1")).toDouble(), 0, 'f', 2)
                           : trained->evaluation.value(QStringLiteral("held-out")).toString()));
    return 0;
}

} // namespace foresight::bench
