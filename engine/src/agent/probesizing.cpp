#include "agent/probesizing.h"

#include <algorithm>

namespace foresight::agent {

namespace {
constexpr double kSlowedRttFactor = 4;
constexpr double kSlowedRttExtraUs = 5000;
} // namespace

qsizetype probePaddingBytes(const ProbeFigures &figures, qsizetype configured)
{
    if (figures.bandwidthBytesPerS < 0)
        return std::min(configured, kFirstPadBytes);
    const qsizetype smallest = std::min(configured, kMinPadBytes);
    const bool slowed = figures.lastRttUs >= 0 && figures.minRttUs >= 0
                        && figures.lastRttUs > kSlowedRttFactor * figures.minRttUs
                        && figures.lastRttUs - figures.minRttUs > kSlowedRttExtraUs;
    if (slowed)
        return smallest;
    return std::clamp<qsizetype>(qsizetype(figures.bandwidthBytesPerS / 10), smallest, std::max(configured, smallest));
}

double nextBandwidthEstimate(double previous, double measured)
{
    if (previous < 0)
        return measured;
    return std::min(measured, (previous + measured) / 2);
}

} // namespace foresight::agent
