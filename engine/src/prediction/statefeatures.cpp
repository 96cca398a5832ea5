#include "statefeatures.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace foresight::prediction::Internal {
namespace {

constexpr double kFeatureClip = 8.0;
constexpr std::int64_t kDayMs = 24 * 3600 * 1000;

double clipFeature(double x)
{
    if (!std::isfinite(x))
        return 0.0;
    return std::clamp(x, -kFeatureClip, kFeatureClip);
}

// The weight of the newest observation in a running mean: the plain mean while there are fewer
// than 1/alpha observations, so that early scales are not dominated by the first one, then
// exponential forgetting.
double weight(double alpha, std::int64_t seenBefore)
{
    return std::max(alpha, 1.0 / static_cast<double>(seenBefore + 1));
}

void pushBounded(std::deque<double> &queue, double value, int bound)
{
    queue.push_back(value);
    while (static_cast<int>(queue.size()) > bound)
        queue.pop_front();
}

} // namespace

void KeyHistory::update(const state::StateDelta &delta, std::optional<double> numeric)
{
    if (changes > 0) {
        // A wall clock may step back: such an interval counts as 0.
        const double interval = static_cast<double>(std::max<std::int64_t>(delta.timestampMs - lastChangeMs, 0));
        pushBounded(intervals, interval, lags);
        const double w = weight(alpha, intervalCount);
        intervalScale = (1.0 - w) * intervalScale + w * interval;
        intervalSum += interval;
        ++intervalCount;
    }
    const bool put = delta.op == state::DeltaOp::Put;
    if (put && numeric && value) {
        const double change = *numeric - *value;
        pushBounded(diffs, change, lags);
        const double w = weight(alpha, numericChanges);
        residualScale = (1.0 - w) * residualScale + w * std::fabs(change - drift);
        changeScale = (1.0 - w) * changeScale + w * std::fabs(change);
        const double sign = change > 0 ? 1.0 : (change < 0 ? -1.0 : 0.0);
        direction = (1.0 - w) * direction + w * sign;
        drift = (1.0 - w) * drift + w * change;
        ++numericChanges;
    }
    if (put && numeric) {
        // The level's statistics move more slowly than the change scale: it is a reference.
        const double levelAlpha = weight(alpha * 0.4, levelCount);
        ++levelCount;
        if (levelCount == 1) {
            levelMean = *numeric;
        } else {
            const double deviation = *numeric - levelMean;
            levelMean += levelAlpha * deviation;
            levelVar = (1.0 - levelAlpha) * (levelVar + levelAlpha * deviation * deviation);
        }
    }
    present = put;
    value = put ? numeric : std::nullopt;
    if (!put || !numeric)
        diffs.clear(); // the numeric run is broken: changes across it mean nothing
    lastChangeMs = delta.timestampMs;
    ++changes;
}

double KeyHistory::safeChangeScale() const
{
    const double level = value ? std::fabs(*value) : 0.0;
    return std::max(changeScale, 1e-9 * std::max(1.0, level));
}

double KeyHistory::safeResidualScale() const
{
    return std::max(residualScale, 0.01 * safeChangeScale());
}

int featureCount(int lags)
{
    return 2 * lags + 7;
}

void computeFeatures(const KeyHistory &history, std::span<float> out)
{
    std::fill(out.begin(), out.end(), 0.0f);
    const int lags = history.lags;
    const double scale = history.safeChangeScale();
    int i = 0;
    for (auto it = history.diffs.rbegin(); it != history.diffs.rend() && i < lags; ++it, ++i)
        out[static_cast<std::size_t>(i)] = static_cast<float>(clipFeature(*it / scale));
    i = 0;
    for (auto it = history.intervals.rbegin(); it != history.intervals.rend() && i < lags; ++it, ++i)
        out[static_cast<std::size_t>(lags + i)] = static_cast<float>(
            clipFeature(intervalTarget(*it, history.intervalScale)));
    const auto base = static_cast<std::size_t>(2 * lags);
    if (history.value) {
        const double stddev = std::sqrt(history.levelVar);
        out[base] = stddev > 0.0 ? static_cast<float>(clipFeature((*history.value - history.levelMean) / stddev))
                                 : 0.0f;
        out[base + 3] = 1.0f;
    }
    std::int64_t ofDay = history.lastChangeMs % kDayMs;
    if (ofDay < 0)
        ofDay += kDayMs;
    const double angle = 2.0 * std::numbers::pi * static_cast<double>(ofDay) / static_cast<double>(kDayMs);
    out[base + 1] = static_cast<float>(std::sin(angle));
    out[base + 2] = static_cast<float>(std::cos(angle));
    out[base + 4] = static_cast<float>(history.direction);
    out[base + 5] = static_cast<float>(std::log10(history.intervalScale + 1.0) / 4.0);
    out[base + 6] = static_cast<float>(clipFeature(history.drift / scale));
}

double clipTarget(double target)
{
    if (!std::isfinite(target))
        return 0.0;
    return std::clamp(target, -kTargetClip, kTargetClip);
}

double intervalTarget(double intervalMs, double intervalScale)
{
    return std::log((std::max(intervalMs, 0.0) + 1.0) / (std::max(intervalScale, 0.0) + 1.0));
}

double intervalFromTarget(double target, double intervalScale)
{
    return std::max(std::exp(clipTarget(target)) * (std::max(intervalScale, 0.0) + 1.0) - 1.0, 0.0);
}

} // namespace foresight::prediction::Internal
