#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>

#include "foresight/state/statedelta.h"

namespace foresight::prediction::Internal {

// What the predictor remembers of one key: only what its own past deltas showed, updated once
// per delta, so every feature and scale at a change is a function of the deltas up to it.
struct KeyHistory
{
    int lags = 4;
    double alpha = 0.05;

    bool present = false;        // false after a delete, or before the first put
    std::optional<double> value; // current value when it is numeric
    std::int64_t lastChangeMs = 0;
    std::int64_t changes = 0;     // deltas seen for this key
    std::deque<double> diffs;     // the latest `lags` numeric changes, newest last
    std::deque<double> intervals; // the latest `lags` inter-change intervals (ms), newest last

    // Running scales (the plain mean over the first 1/alpha observations, then exponentially
    // weighted with weight alpha for the newest):
    double changeScale = 0.0;   // mean |change|
    double intervalScale = 0.0; // mean interval, ms
    double levelMean = 0.0;     // value level
    double levelVar = 0.0;
    std::int64_t levelCount = 0;
    double direction = 0.0;     // mean sign of the changes: +1 for a counter
    double drift = 0.0;         // mean signed change: a counter's step, ~0 for a gauge
    double residualScale = 0.0; // mean |change - drift|: how much a change surprises
    std::int64_t numericChanges = 0;
    double intervalSum = 0.0; // all intervals, for the mean-interval baseline
    std::int64_t intervalCount = 0;

    // Applies one delta of this key (numeric: its parsed value, if any).
    void update(const state::StateDelta &delta, std::optional<double> numeric);

    bool timeReady() const { return intervalCount > 0; }
    bool valueReady() const { return value.has_value() && numericChanges > 0; }
    double meanInterval() const { return intervalCount > 0 ? intervalSum / static_cast<double>(intervalCount) : 0.0; }
    // changeScale, floored so that a key that never moved does not divide by zero.
    double safeChangeScale() const;
    // residualScale, floored at 1% of the change scale (a perfectly regular counter would
    // otherwise turn rounding noise into large targets).
    double safeResidualScale() const;
};

// Features of a key at its latest change: 2 * lags + 7 floats, all roughly in [-8, 8]:
//   [0, lags)          the latest changes / changeScale, newest first (0 when absent)
//   [lags, 2 lags)     log((interval + 1) / (intervalScale + 1)), newest first (0 when absent)
//   2 lags             (value - levelMean) / level stddev (0 when not numeric)
//   2 lags + 1, + 2    sin and cos of the time of day (UTC) of the change
//   2 lags + 3         1 when the value is numeric
//   2 lags + 4         direction (mean sign of the changes)
//   2 lags + 5         log10(intervalScale + 1) / 4: how fast the key moves, in absolute terms
//   2 lags + 6         drift / changeScale
int featureCount(int lags);
void computeFeatures(const KeyHistory &history, std::span<float> out);

// The targets the models learn, in the key's own scales at the time of the forecast:
//   value:    (next value - value - drift) / residualScale, clipped to +-kTargetClip: the change
//             beyond the key's usual drift, in units of the key's usual surprise, so that a
//             counter's steady step is not something a model shared by all keys has to learn
//             again, and a small error on a counter weighs as much as a large one on a gauge
//   interval: log((next interval + 1) / (intervalScale + 1)), clipped to +-kTargetClip
constexpr double kTargetClip = 12.0;
double clipTarget(double target);
double intervalTarget(double intervalMs, double intervalScale);
double intervalFromTarget(double target, double intervalScale);

} // namespace foresight::prediction::Internal
