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

} // namespace foresight::mirror
