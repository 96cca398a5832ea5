#include "mirrorbench.h"

#include <algorithm>

#include "mirrorreplay.h"
#include "mirrorsdkread.h"

namespace foresight::bench {

namespace {

const QString kBench = QStringLiteral("mirror");
// From a write to its forecast being sent with reads: the agent's PredictionWorker publishes
// its tables every 100 ms (kPublishIntervalMs).
constexpr std::int64_t kForecastDelayMs = 100;
// From a write to its change event reaching the client: the agent coalesces a loop turn's
// writes into one event; on loopback that is about a millisecond.
constexpr std::int64_t kEventDelayMs = 1;
constexpr double kTargetStaleRatio = 4;
constexpr double kTargetHitP99Us = 5;

double quantileUs(std::vector<std::int64_t> ns, double q)
{
    if (ns.empty())
        return 0;
    const auto at = std::size_t(q * double(ns.size() - 1));
    std::nth_element(ns.begin(), ns.begin() + std::ptrdiff_t(at), ns.end());
    return double(ns[at]) / 1000.0;
}

// The longest TTL whose cache polls at least as often as `pollsPerRead`: the TTL cache gets the
// mirror's poll budget or more, never less.
std::int64_t ttlForPollRate(const MirrorTrace &trace, double pollsPerRead)
{
    std::int64_t low = 1;                 // polls the most
    std::int64_t high = trace.durationMs; // polls the least
    if (replayTtlCache(trace, high).pollsPerRead() >= pollsPerRead)
        return high;
    while (high - low > 1) {
        const std::int64_t mid = low + (high - low) / 2;
        if (replayTtlCache(trace, mid).pollsPerRead() >= pollsPerRead)
            low = mid;
        else
            high = mid;
    }
    return low;
}

} // namespace

MirrorBenchOutput mirrorBenchLines(const BenchOptions &options)
{
    MirrorBenchOutput output;
    MirrorTraceShape shape;
    if (options.quick) {
        shape.durationMs = 60'000;
        shape.keys = 30;
    }
    const MirrorTrace traces[] = {periodicTrace(shape), burstyTrace(shape), randomTrace(shape), shopTrace(shape)};

    for (const MirrorTrace &trace : traces) {
        logProgress(QStringLiteral("mirror: %1: forecasting").arg(trace.name));
        const auto forecasts = forecastTrace(trace, prediction::StateModelKind::Gru, kForecastDelayMs);
        std::int64_t writes = 0;
        for (const MirrorTraceEvent &event : trace.events)
            writes += event.write ? 1 : 0;
        const std::int64_t reads = trace.events.size() - writes;
        output.lines << noteJsonLine(kBench,
                                     trace.name,
                                     QStringLiteral("%1 keys, %2 writes and %3 reads in %4 s of simulated time; "
                                                    "forecasts by the GRU state engine, sent %5 ms after each "
                                                    "write; change events arrive %6 ms after their write")
                                         .arg(trace.keys.size())
                                         .arg(writes)
                                         .arg(reads)
                                         .arg(trace.durationMs / 1000)
                                         .arg(kForecastDelayMs)
                                         .arg(kEventDelayMs));

        for (const bool events : {true, false}) {
            const QString with = events ? QStringLiteral("with") : QStringLiteral("without");
            logProgress(QStringLiteral("mirror: %1: replaying the mirror %2 events").arg(trace.name, with));
            MirrorReplayOptions mirrorOptions;
            mirrorOptions.events = events;
            mirrorOptions.eventDelayMs = kEventDelayMs;
            const MirrorReplayResult ours = replayMirror(trace, forecasts, mirrorOptions);
            const std::int64_t ttl = ttlForPollRate(trace, ours.pollsPerRead());
            const MirrorReplayResult cache = replayTtlCache(trace, ttl);
            const QString caseName = QStringLiteral("%1, predictive mirror %2 events").arg(trace.name, with);
            const QString ttlName = QStringLiteral("fixed-TTL cache, TTL %1 ms (the same poll rate or more)").arg(ttl);

            output.lines << toJsonLine({kBench,
                                        caseName,
                                        QStringLiteral("stale_reads"),
                                        QStringLiteral("reads"),
                                        Better::Lower,
                                        0,
                                        double(ours.staleReads),
                                        ttlName,
                                        double(cache.staleReads),
                                        kTargetStaleRatio});
            output.lines << toJsonLine({kBench,
                                        caseName,
                                        QStringLiteral("polls_per_read"),
                                        QStringLiteral("1"),
                                        Better::Lower,
                                        4,
                                        ours.pollsPerRead(),
                                        ttlName,
                                        cache.pollsPerRead(),
                                        std::nullopt});
            output.lines << toJsonLine({kBench,
                                        caseName,
                                        QStringLiteral("polls_per_read"),
                                        QStringLiteral("1"),
                                        Better::Lower,
                                        4,
                                        ours.pollsPerRead(),
                                        QStringLiteral("reading the source every time"),
                                        1.0,
                                        std::nullopt});
            output.lines << toJsonLine({kBench,
                                        caseName,
                                        QStringLiteral("valid_read_p50_us"),
                                        QStringLiteral("us"),
                                        Better::Lower,
                                        3,
                                        quantileUs(ours.hitNs, 0.5),
                                        QString(),
                                        std::nullopt,
                                        std::nullopt});
            output.lines << toJsonLine({kBench,
                                        caseName,
                                        QStringLiteral("valid_read_p99_us"),
                                        QStringLiteral("us"),
                                        Better::Lower,
                                        3,
                                        quantileUs(ours.hitNs, 0.99),
                                        QString(),
                                        std::nullopt,
                                        kTargetHitP99Us});
            const mirror::MirrorMetrics &m = ours.metrics;
            output.lines << noteJsonLine(
                kBench,
                caseName,
                QStringLiteral("hit ratio %1; refreshes: first %2, expired %3, invalidated %4, forecast %5, resync %6; "
                               "forecast windows %7, right %8, missed %9 (accuracy %10); unannounced changes found "
                               "%11; events %12; reads from the source for keys out of sync %13")
                    .arg(m.hitRatio(), 0, 'f', 4)
                    .arg(m.refreshes[0])
                    .arg(m.refreshes[1])
                    .arg(m.refreshes[2])
                    .arg(m.refreshes[3])
                    .arg(m.refreshes[4])
                    .arg(m.forecastWindows)
                    .arg(m.forecastsRight)
                    .arg(m.forecastsMissed)
                    .arg(m.forecastAccuracy(), 0, 'f', 3)
                    .arg(m.unannouncedChanges)
                    .arg(ours.pushes)
                    .arg(m.outOfSyncReads));
        }
    }

    // The product's read path: the SDK's mirror on a real agent, with events flowing.
    logProgress(QStringLiteral("mirror: timing sdk::MirroredClient reads against a real agent"));
    const int keys = 100;
    const int mirrorReads = options.quick ? 20'000 : 200'000;
    const int sourceReads = options.quick ? 2'000 : 20'000;
    const QString sdkCase = QStringLiteral("sdk::MirroredClient on a real agent over unix://, %1 keys, change events "
                                           "flowing")
                                .arg(keys);
    auto sdk = measureSdkMirrorReads(keys, mirrorReads, sourceReads);
    if (!sdk) {
        output.lines << noteJsonLine(kBench, sdkCase, sdk.error().toString());
        output.exitCode = 1;
        return output;
    }
    const QString sourceName = QStringLiteral("a read from the primary (Freshness::Source)");
    output.lines << toJsonLine({kBench,
                                sdkCase,
                                QStringLiteral("read_p50_us"),
                                QStringLiteral("us"),
                                Better::Lower,
                                3,
                                quantileUs(sdk->mirrorNs, 0.5),
                                sourceName,
                                quantileUs(sdk->sourceNs, 0.5),
                                std::nullopt});
    output.lines << toJsonLine({kBench,
                                sdkCase,
                                QStringLiteral("read_p99_us"),
                                QStringLiteral("us"),
                                Better::Lower,
                                3,
                                quantileUs(sdk->mirrorNs, 0.99),
                                sourceName,
                                quantileUs(sdk->sourceNs, 0.99),
                                std::nullopt});
    output.lines << toJsonLine({kBench,
                                sdkCase,
                                QStringLiteral("valid_read_p99_us"),
                                QStringLiteral("us"),
                                Better::Lower,
                                3,
                                quantileUs(sdk->mirrorNs, 0.99),
                                QString(),
                                std::nullopt,
                                kTargetHitP99Us});
    output.lines << noteJsonLine(kBench,
                                 sdkCase,
                                 QStringLiteral("%1 mirror reads timed (%2 went to the primary), %3 reads from the "
                                                "primary; change events %4")
                                     .arg(sdk->mirrorNs.size())
                                     .arg(sdk->notFromMirror)
                                     .arg(sdk->sourceNs.size())
                                     .arg(sdk->eventsLive ? QStringLiteral("live")
                                                          : QStringLiteral("not live: ") + sdk->eventsError));
    if (!sdk->eventsLive)
        output.exitCode = 1;
    return output;
}

int runMirrorBench(const BenchOptions &options)
{
    const MirrorBenchOutput output = mirrorBenchLines(options);
    printLines(output.lines);
    return output.exitCode;
}

} // namespace foresight::bench
