#include "foresight/mirror/mirrormetrics.h"

#include <algorithm>
#include <bit>
#include <numeric>

namespace foresight::mirror {

const char *refreshCauseName(RefreshCause cause)
{
    switch (cause) {
    case RefreshCause::First:
        return "first";
    case RefreshCause::Expired:
        return "expired";
    case RefreshCause::Invalidated:
        return "invalidated";
    case RefreshCause::Forecast:
        return "forecast";
    case RefreshCause::Resync:
        return "resync";
    case RefreshCause::Requested:
        return "requested";
    }
    return "?";
}

void LatencyBuckets::add(std::int64_t us)
{
    us = std::max<std::int64_t>(us, 0);
    const int bucket = us == 0 ? 0 : std::min(kBuckets - 1, int(std::bit_width(std::uint64_t(us))) - 1);
    ++counts[std::size_t(bucket)];
    ++count;
    sumUs += us;
    maxUs = std::max(maxUs, us);
}

std::int64_t LatencyBuckets::quantileUpperBoundUs(double q) const
{
    if (count == 0)
        return 0;
    const auto rank = std::int64_t(q * double(count - 1)) + 1;
    std::int64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += counts[std::size_t(i)];
        if (seen >= rank)
            return i == kBuckets - 1 ? maxUs : std::min(maxUs, (std::int64_t(1) << (i + 1)) - 1);
    }
    return maxUs;
}

std::int64_t MirrorMetrics::refreshCount() const
{
    return std::accumulate(refreshes.begin(), refreshes.end(), std::int64_t(0));
}

double MirrorMetrics::forecastAccuracy() const
{
    const std::int64_t judged = forecastsRight + forecastsMissed;
    return judged > 0 ? double(forecastsRight) / double(judged) : 0.0;
}

QCborMap metricsToCbor(const MirrorMetrics &m)
{
    QCborMap refreshes;
    for (int i = 0; i < kRefreshCauses; ++i)
        refreshes.insert(QLatin1String(refreshCauseName(RefreshCause(i))), qint64(m.refreshes[std::size_t(i)]));
    return QCborMap{{QStringLiteral("reads"), qint64(m.reads)},
                    {QStringLiteral("hits"), qint64(m.hits)},
                    {QStringLiteral("hit-ratio"), m.hitRatio()},
                    {QStringLiteral("source-reads"), qint64(m.sourceReads)},
                    {QStringLiteral("out-of-sync-reads"), qint64(m.outOfSyncReads)},
                    {QStringLiteral("refreshes"), refreshes},
                    {QStringLiteral("refresh-p99-us"), qint64(m.refreshLatency.quantileUpperBoundUs(0.99))},
                    {QStringLiteral("refresh-max-us"), qint64(m.refreshLatency.maxUs)},
                    {QStringLiteral("mean-hit-age-ms"), m.meanHitAgeMs()},
                    {QStringLiteral("forecast-windows"), qint64(m.forecastWindows)},
                    {QStringLiteral("forecasts-right"), qint64(m.forecastsRight)},
                    {QStringLiteral("forecasts-missed"), qint64(m.forecastsMissed)},
                    {QStringLiteral("forecast-accuracy"), m.forecastAccuracy()},
                    {QStringLiteral("unannounced-changes"), qint64(m.unannouncedChanges)},
                    {QStringLiteral("events"), qint64(m.events)},
                    {QStringLiteral("event-invalidations"), qint64(m.eventInvalidations)},
                    {QStringLiteral("missed-events"), qint64(m.missedEvents)},
                    {QStringLiteral("resyncs"), qint64(m.resyncs)},
                    {QStringLiteral("writes-through"), qint64(m.writesThrough)}};
}

} // namespace foresight::mirror
