#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "foresight/core/result.h"

namespace foresight::detection {

// Settings of one PhiAccrualDetector. Defaults suit the agents' default 100 ms heartbeat.
struct PhiSettings
{
    // The heartbeat interval the sender is configured with. Seeds the history before the first
    // measured interval and sets the default minimum standard deviation. 1 ms .. 1 h.
    std::int64_t expectedIntervalMs = 100;
    // How many of the most recent inter-arrival times the mean and deviation are taken over.
    // 2 .. PhiAccrualDetector::kMaxWindowSize.
    int windowSize = 200;
    // Floor of the standard deviation, so that perfectly regular heartbeats do not make phi
    // shoot up at the first millisecond of lateness. Unset: 10% of expectedIntervalMs. (0, 1 h].
    std::optional<double> minStdDeviationMs;
    // Added to the mean: a pause that is normal for this sender (GC, a busy host), as Akka's
    // acceptable-heartbeat-pause. 0 .. 24 h.
    std::int64_t acceptableHeartbeatPauseMs = 0;
    // Phi at or above which the sender is suspected. Akka's documented default is 8
    // (1 - F = 1e-8: a heartbeat this late happens once in 10^8 under the observed distribution).
    // (0, PhiAccrualDetector::kMaxPhi].
    double threshold = 8.0;

    // InvalidArgument naming the first field out of range, and its allowed range.
    Status validate() const;
    double effectiveMinStdDeviationMs() const;
};

// The phi-accrual failure detector of Hayashibara, Défago, Yared and Katayama, "The phi accrual
// failure detector" (SRDS 2004), computed as Akka's PhiAccrualFailureDetector (and Cassandra)
// do. Instead of a yes/no verdict it reports phi, the suspicion level that the sender is down,
// on a scale that adapts to the observed heartbeat inter-arrival times:
//
//   mean, sd  over the last windowSize inter-arrival times (kept incrementally: O(1) per heartbeat)
//   sd'       = max(sd, minStdDeviationMs)
//   y         = (elapsed - (mean + acceptableHeartbeatPauseMs)) / sd'
//   F(y)      = 1 / (1 + exp(-(1.5976 y + 0.070566 y^3)))
//   phi       = -log10(1 - F(y)) = log10(1 + exp(1.5976 y + 0.070566 y^3))
//
// where elapsed is the time since the last heartbeat and F is the logistic approximation of the
// standard normal CDF (Bowling, Khasawneh, Kaewkuekool and Cho, "A logistic approximation to the
// cumulative normal distribution", J. Industrial Engineering and Management 2(1), 2009; maximum
// absolute error 1.4e-4), the one Akka uses. phi is evaluated in log space (a stable softplus), so
// it stays finite for any elapsed time, and is capped at kMaxPhi. phi is non-decreasing in elapsed.
//
// As in Akka: the first heartbeat seeds the history with two intervals, expected -/+ expected/4
// (mean = expected, sd = expected/4), so phi is meaningful from then on; a heartbeat that arrives
// while the sender is suspected (phi >= settings().threshold) updates the last arrival time but
// its interval is not recorded, so one long outage does not teach the detector that outages are
// normal. Consequently the detector does not learn a much longer interval by itself: when a
// sender's configured interval changes, reset() or replace the detector.
//
// Time comes only from the arguments (callers read the engine's Clock::monotonicMs()); arrival
// times should not go backwards: an earlier time counts as an interval of 0 and does not move the
// last arrival back. Not thread-safe: one detector per agent, owned by one thread.
class PhiAccrualDetector final
{
public:
    // The largest phi reported. 1 - F = 10^-1000 is far beyond any meaningful threshold (and
    // beyond what a double can hold), so larger values carry no information.
    static constexpr double kMaxPhi = 1000.0;
    static constexpr int kMaxWindowSize = 100'000;
    static constexpr std::int64_t kMaxExpectedIntervalMs = 3'600'000;
    static constexpr std::int64_t kMaxAcceptablePauseMs = 86'400'000;
    static constexpr double kMaxMinStdDeviationMs = 3'600'000;

    // A detector with the given settings, or the reason they are invalid.
    static Result<PhiAccrualDetector> create(const PhiSettings &settings);
    // Settings must pass validate(); invalid ones are replaced by the defaults, with a warning on
    // the foresight.detection logging category. Use create() where settings come from a user.
    explicit PhiAccrualDetector(const PhiSettings &settings = {});

    const PhiSettings &settings() const { return m_settings; }

    // Records a heartbeat that arrived at nowMs.
    void heartbeat(std::int64_t nowMs);
    // Forgets every heartbeat: the next one bootstraps the history again.
    void reset();

    // The suspicion level at nowMs, in [0, kMaxPhi]; 0 before the first heartbeat (a sender never
    // heard from is not suspected: callers time out initial contact separately).
    double phi(std::int64_t nowMs) const;
    // phi(nowMs) < threshold. A threshold above kMaxPhi never suspects; one <= 0 always does.
    bool isAvailable(std::int64_t nowMs, double threshold) const;
    bool isAvailable(std::int64_t nowMs) const { return isAvailable(nowMs, m_settings.threshold); }

    // The time after the last heartbeat at which phi reaches threshold: the smallest whole number
    // of milliseconds e >= 0 with phi(last + e) >= threshold, so the sender is available up to
    // last + e - 1 and suspected from last + e on ("suspected in e - (now - last) ms").
    // nullopt before the first heartbeat and for a threshold outside (0, kMaxPhi].
    std::optional<std::int64_t> suspectAfterMs(double threshold) const;
    std::optional<std::int64_t> suspectAfterMs() const { return suspectAfterMs(m_settings.threshold); }

    std::optional<std::int64_t> lastHeartbeatMs() const { return m_lastMs; }

    // The window's statistics, for status pages: number of intervals held (including the two
    // bootstrap ones until they are pushed out), their mean and (population) standard deviation
    // before the floor and the pause are applied. 0 while empty.
    int sampleCount() const { return m_count; }
    double meanIntervalMs() const;
    double stdDeviationMs() const;
    // Recorded intervals are clamped to this, so the exact integer sums cannot overflow:
    // floor(sqrt(INT64_MAX / windowSize)), about 2.4 days for the default window.
    std::int64_t maxRecordedIntervalMs() const { return m_maxIntervalMs; }

private:
    void record(std::int64_t intervalMs);
    double phiAtElapsed(double elapsedMs) const;

    PhiSettings m_settings;
    double m_minStdDeviationMs = 0;
    std::int64_t m_maxIntervalMs = 0;
    std::optional<std::int64_t> m_lastMs;
    // Ring buffer of the last windowSize intervals; m_next is where the next one goes.
    std::vector<std::int64_t> m_intervals;
    int m_next = 0;
    int m_count = 0;
    // Exact sums over the window (intervals are clamped to m_maxIntervalMs).
    std::int64_t m_sum = 0;
    std::int64_t m_sumSquares = 0;
};

} // namespace foresight::detection
