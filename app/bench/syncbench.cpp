#include "syncbench.h"

#include <algorithm>
#include <limits>

#include "foresight/cluster/demoworkload.h"
#include "syncreplay.h"
#include "syncworkload.h"

namespace foresight::bench {

namespace {

using config::ImpactClass;

const QString kBench = QStringLiteral("sync");

// The link's default bandwidth as a share of the workload's mean write rate: short enough that
// the writes outrun it (a replica that falls behind, the case the scheduler is for), with room
// for the critical keys' changes (about a quarter of the shop's bytes, a third of this link).
constexpr double kDefaultBandwidthShare = 0.7;
constexpr double kRoundTripMs = 40;
constexpr double kTargetRatio = 3;

// The shop's impact rules, the demo's own (cluster::impactRulesOf): a session token critical
// (1 s), a cart high (5 s), the browsing history low (10 min).
Result<partitioning::KeyClassifier> shopClassifier()
{
    const auto function = config::ImpactFunction::compile(cluster::impactRulesOf(cluster::WorkloadShape::WebShop),
                                                          QStringLiteral("shop impact"));
    if (!function)
        return std::unexpected(function.error());
    return partitioning::KeyClassifier::create(*function, cluster::criticalKeysOf(cluster::WorkloadShape::WebShop));
}

// An ordered JSON object, one member at a time.
class JsonLine
{
public:
    JsonLine &add(const char *key, const QString &text) { return raw(key, jsonString(text)); }
    JsonLine &add(const char *key, double value, int decimals) { return raw(key, jsonNumber(value, decimals)); }
    JsonLine &add(const char *key, std::int64_t value) { return raw(key, QString::number(value)); }
    JsonLine &add(const QString &key, std::int64_t value) { return raw(key, QString::number(value)); }
    JsonLine &add(const QString &key, double value, int decimals) { return raw(key, jsonNumber(value, decimals)); }
    JsonLine &add(const char *key, bool value)
    {
        return raw(key, value ? QStringLiteral("true") : QStringLiteral("false"));
    }
    QString text() const { return QLatin1Char('{') + m_members.join(QLatin1Char(',')) + QLatin1Char('}'); }

private:
    JsonLine &raw(const char *key, const QString &value) { return raw(QLatin1String(key), value); }
    JsonLine &raw(const QString &key, const QString &value)
    {
        m_members << jsonString(key) + QLatin1Char(':') + value;
        return *this;
    }
    QStringList m_members;
};

const ClassFigures &figuresOf(const ReplayResult &result, ImpactClass impactClass)
{
    return result.classes[std::size_t(impactClass)];
}

// One line per scheduler: its figures and the simulation's checks.
JsonLine schedulerLine(const QString &caseName, const ReplayResult &result, double durationS)
{
    JsonLine line;
    line.add("bench", kBench)
        .add("case", caseName)
        .add("scheduler", syncSchedulerName(result.scheduler))
        .add("impact_weighted_staleness_ws2", result.impactWeightedStalenessWs2, 0)
        .add("mean_weighted_staleness_ws", result.impactWeightedStalenessWs2 / durationS, 1)
        .add("class_weighted_staleness_ws2", result.classWeightedStalenessWs2, 0);
    const std::pair<const char *, ImpactClass> classes[] = {{"critical", ImpactClass::Critical},
                                                            {"high", ImpactClass::High},
                                                            {"low", ImpactClass::Low}};
    for (const auto &[name, impactClass] : classes) {
        const ClassFigures &figures = figuresOf(result, impactClass);
        const QString prefix = QLatin1String(name) + QLatin1Char('_');
        line.add(prefix + QLatin1String("max_staleness_ms"), figures.maxDelayMs)
            .add(prefix + QLatin1String("p99_delay_ms"), figures.p99DelayMs)
            .add(prefix + QLatin1String("weighted_staleness_ws2"), figures.impactWeightedStalenessWs2, 0);
    }
    return line.add("batch_bytes", result.batchBytes)
        .add("batches", result.batches)
        .add("bytes_written", result.bytesWritten)
        .add("bytes_sent", result.bytesSent)
        .add("superseded_changes", result.supersededChanges)
        .add("bytes_delivered_in_recording", result.bytesDeliveredInRecording)
        .add("drained_at_ms", result.drainedAtMs)
        .add("every_change_once", result.everyChangeOnce)
        .add("key_order_kept", result.keyOrderKept);
}

} // namespace

SyncBenchOutput syncBenchLines(const BenchOptions &options)
{
    SyncBenchOutput output;
    const auto note = [&output](const QString &caseName, const QString &text) {
        output.lines << noteJsonLine(kBench, caseName, text);
    };
    const auto classifier = shopClassifier();
    if (!classifier) {
        note(QStringLiteral("setup"), classifier.error().toString());
        output.exitCode = 1;
        return output;
    }

    // Record (or read) the workload once; each scheduler replays the same one.
    SyncWorkload workload;
    if (!options.replayPath.isEmpty()) {
        auto read = readWorkload(options.replayPath);
        if (!read) {
            note(QStringLiteral("workload"), read.error().toString());
            output.exitCode = 1;
            return output;
        }
        workload = std::move(*read);
    } else {
        ShopRecording recording;
        recording.durationMs = options.durationMs;
        workload = recordShopWorkload(recording);
        if (!options.recordPath.isEmpty()) {
            if (auto written = writeWorkload(workload, options.recordPath); !written) {
                note(QStringLiteral("workload"), written.error().toString());
                output.exitCode = 1;
                return output;
            }
        }
    }

    // What the link has to carry, per class, to choose its bandwidth against.
    std::array<std::int64_t, 4> bytesOf{};
    std::int64_t reads = 0;
    std::int64_t writes = 0;
    for (const WorkloadAccess &access : std::as_const(workload.accesses)) {
        if (access.kind == partitioning::AccessKind::Read) {
            ++reads;
            continue;
        }
        ++writes;
        bytesOf[std::size_t(classifier->classify(access.key).impactClass)] += deltaBytes(access);
    }
    if (writes == 0) {
        note(QStringLiteral("workload"), QStringLiteral("the workload has no writes: nothing to synchronize"));
        output.exitCode = 1;
        return output;
    }
    const double durationS = double(workload.durationMs) / 1000;
    std::int64_t totalBytes = 0;
    for (const std::int64_t bytes : bytesOf)
        totalBytes += bytes;
    const double meanRate = double(totalBytes) / durationS;
    const auto classRate = [&](ImpactClass c) { return double(bytesOf[std::size_t(c)]) / durationS; };
    const double bandwidth = options.bandwidthBytesPerSecond > 0 ? options.bandwidthBytesPerSecond
                                                                 : std::max(100.0, kDefaultBandwidthShare * meanRate);

    ReplaySettings settings;
    settings.classifier = *classifier;
    settings.link = {bandwidth, kRoundTripMs};
    const QString caseName = QStringLiteral("%1, %2 s, link %3 B/s, round trip %4 ms")
                                 .arg(workload.shape)
                                 .arg(durationS, 0, 'f', 0)
                                 .arg(bandwidth, 0, 'f', 0)
                                 .arg(kRoundTripMs, 0, 'f', 0);
    note(QStringLiteral("workload"),
         QStringLiteral("%1 (%2): %3 writes and %4 reads in %5 s of simulated time; writes %6 B/s on average "
                        "(critical %7, high %8, low %9 B/s, as StateDelta::byteSize())")
             .arg(workload.shape,
                  options.replayPath.isEmpty() ? QStringLiteral("recorded, 4 writers x 75 writes/s, seed 20")
                                               : QStringLiteral("replayed from %1").arg(options.replayPath))
             .arg(writes)
             .arg(reads)
             .arg(durationS, 0, 'f', 0)
             .arg(meanRate, 0, 'f', 0)
             .arg(classRate(ImpactClass::Critical), 0, 'f', 0)
             .arg(classRate(ImpactClass::High), 0, 'f', 0)
             .arg(classRate(ImpactClass::Low), 0, 'f', 0));
    note(QStringLiteral("link"),
         QStringLiteral("%1 B/s (%2% of the mean write rate; the critical keys' changes need %3% of it, critical "
                        "and high together %4%), round trip %5 ms, one batch at a time of at most %6 bytes "
                        "(planSync's batchBytesFor) for every scheduler; a discrete-event simulation, no sockets")
             .arg(bandwidth, 0, 'f', 0)
             .arg(100 * bandwidth / meanRate, 0, 'f', 0)
             .arg(100 * classRate(ImpactClass::Critical) / bandwidth, 0, 'f', 0)
             .arg(100 * (classRate(ImpactClass::Critical) + classRate(ImpactClass::High)) / bandwidth, 0, 'f', 0)
             .arg(kRoundTripMs, 0, 'f', 0)
             .arg(partitioning::batchBytesFor(settings.link, settings.sync)));

    // Ours, then the two baselines as logs, then the same two coalescing as ours does:
    // coalescing alone gains much on a link slower than the writes, so the comparison that
    // counts is against the best of all four.
    constexpr std::size_t kSchedulers = 5;
    const SyncScheduler order[kSchedulers] = {SyncScheduler::Staleness,
                                              SyncScheduler::Fifo,
                                              SyncScheduler::LastModifiedFirst,
                                              SyncScheduler::FifoCoalescing,
                                              SyncScheduler::LastModifiedFirstCoalescing};
    std::array<ReplayResult, kSchedulers> results;
    for (std::size_t i = 0; i < kSchedulers; ++i) {
        logProgress(QStringLiteral("sync: replaying under %1").arg(syncSchedulerName(order[i])));
        auto result = replaySync(workload, order[i], settings);
        if (!result) {
            note(syncSchedulerName(order[i]), result.error().toString());
            output.exitCode = 1;
            return output;
        }
        results[i] = std::move(*result);
        if (!results[i].everyChangeOnce || !results[i].keyOrderKept)
            output.exitCode = 1;
    }
    const ReplayResult &ours = results[0];
    double best = std::numeric_limits<double>::infinity();
    double classBest = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < kSchedulers; ++i) {
        best = std::min(best, results[i].impactWeightedStalenessWs2);
        classBest = std::min(classBest, results[i].classWeightedStalenessWs2);
    }
    // null (not finite) when either side is 0: no staleness at all makes no ratio.
    const auto ratio = [](double baseline, double value) {
        return value > 0 && baseline > 0 ? baseline / value : std::numeric_limits<double>::quiet_NaN();
    };
    const ClassFigures &critical = figuresOf(ours, ImpactClass::Critical);
    const int tolerance = classifier->strictestTolerance(ImpactClass::Critical);

    output.lines << schedulerLine(caseName, ours, durationS)
                        .add("fifo_ws2", results[1].impactWeightedStalenessWs2, 0)
                        .add("lmf_ws2", results[2].impactWeightedStalenessWs2, 0)
                        .add("fifo_coalescing_ws2", results[3].impactWeightedStalenessWs2, 0)
                        .add("lmf_coalescing_ws2", results[4].impactWeightedStalenessWs2, 0)
                        .add("ratio_vs_best_baseline", ratio(best, ours.impactWeightedStalenessWs2), 2)
                        .add("class_ratio_vs_best_baseline", ratio(classBest, ours.classWeightedStalenessWs2), 2)
                        .add("target_ratio", kTargetRatio, 0)
                        .add("critical_tolerance_ms", std::int64_t(tolerance))
                        .add("critical_within_tolerance", critical.maxDelayMs <= tolerance)
                        .text();
    for (std::size_t i = 1; i < kSchedulers; ++i)
        output.lines << schedulerLine(caseName, results[i], durationS).text();
    if (!ours.orderer.isEmpty())
        note(QStringLiteral("staleness"), ours.orderer);

    // The same comparison as figures, in the shape every benchmark prints: ours against each
    // baseline (ratio = baseline / ours), and the critical keys' largest staleness alone.
    const QString baselineNames[kSchedulers] = {QString(),
                                                QStringLiteral("first in, first out"),
                                                QStringLiteral("last modified first"),
                                                QStringLiteral("first in, first out, coalescing"),
                                                QStringLiteral("last modified first, coalescing")};
    const auto figureLines =
        [&](const QString &figure, const QString &unit, auto valueOf, std::optional<double> target) {
            for (std::size_t i = 1; i < kSchedulers; ++i) {
                output.lines << toJsonLine({kBench,
                                            caseName,
                                            figure,
                                            unit,
                                            Better::Lower,
                                            0,
                                            valueOf(ours),
                                            baselineNames[i],
                                            valueOf(results[i]),
                                            target});
            }
        };
    figureLines(
        QStringLiteral("impact_weighted_staleness_ws2"),
        QStringLiteral("W*s^2"),
        [](const ReplayResult &r) { return r.impactWeightedStalenessWs2; },
        kTargetRatio);
    figureLines(
        QStringLiteral("class_weighted_staleness_ws2"),
        QStringLiteral("W*s^2"),
        [](const ReplayResult &r) { return r.classWeightedStalenessWs2; },
        kTargetRatio);
    figureLines(
        QStringLiteral("critical_max_staleness_ms"),
        QStringLiteral("ms"),
        [](const ReplayResult &r) { return double(figuresOf(r, ImpactClass::Critical).maxDelayMs); },
        std::nullopt);
    output.lines << toJsonLine({kBench,
                                caseName,
                                QStringLiteral("critical_max_staleness_ms"),
                                QStringLiteral("ms"),
                                Better::Lower,
                                0,
                                double(critical.maxDelayMs),
                                QString(),
                                std::nullopt,
                                double(tolerance)});
    if (output.exitCode != 0)
        note(QStringLiteral("checks"),
             QStringLiteral("the simulation's own checks failed: a change arrived twice or "
                            "never, or a key's changes out of order or an older one after a newer "
                            "(see the lines above)"));
    return output;
}

int runSyncBench(const BenchOptions &options)
{
    const SyncBenchOutput output = syncBenchLines(options);
    printLines(output.lines);
    return output.exitCode;
}

} // namespace foresight::bench
