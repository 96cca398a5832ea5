#pragma once

#include <array>
#include <deque>
#include <utility>
#include <vector>

#include "foresight/core/result.h"

namespace foresight::prediction {

// Settings of one HealthBaseline. The defaults are the one parameter set used for every series of
// the NAB corpus (docs/benchmarks.md, `nab`); nothing is tuned per series.
struct HealthBaselineSettings
{
    // Trailing values the robust level baseline (median, MAD) is taken over. 8 .. 100000.
    int baselineWindow = 400;
    // Length of the recent pattern compared with earlier ones, in values. 2 .. 1000.
    int patternLength = 32;
    // How far back the fine pattern's nearest earlier match is searched, in values. Search cost
    // per value grows with it. patternLength .. 100000.
    int patternHistory = 1000;
    // The coarse pattern: moving averages over this many values, one every this many values,
    // patternLength of them (6 x 32: 192 values). 1 .. 1000.
    int coarseStep = 6;
    // How far back the coarse pattern's nearest match is searched, in values. patternLength ..
    // 100000.
    int coarseHistory = 3000;
    // Each surprise is compared with the referenceQuantile of that surprise's previous
    // referenceHistory values (0.9995 of 5000: the third largest). 10 .. 100000 and (0, 1].
    int referenceHistory = 5000;
    double referenceQuantile = 0.9995;
    // A value beyond the minimum or maximum of the previous rangeHistory values by more than
    // rangeTolerance times their range (max - min) is out of range. 2 .. 1000000 and [0, 100].
    int rangeHistory = 10000;
    double rangeTolerance = 0.03;
    // Values seen before a value may be out of range: in steady noise a new extreme among the
    // last n values has a chance of about 2 / n, too common to report while n is small.
    // 0 .. 1000000.
    int rangeWarmup = 1000;
    // Values seen before the score may leave 0; their surprises, measured against too few values,
    // are not kept as reference either. 2 .. 100000.
    int warmup = 60;
    // Values after a score of at least 0.5 whose scores are halved, so that one event raises one
    // alarm rather than a stream of them; a score over 1.3 times the one that raised the alarm
    // still gets through and starts a new period. Unless suppression is 0, the coarse surprise
    // stays halved for at least the coarse pattern's span (patternLength x coarseStep), as long as
    // the event is inside it. 0 .. 100000.
    int suppression = 100;

    // InvalidArgument naming the first field out of range and its allowed range.
    Status validate() const;
};

// An online health baseline for one metric series: each new value gets an anomaly score in
// [0, 1] computed from that value and the values before it only (no look-ahead: a given prefix
// always gets the same scores, whatever comes later).
//
// Three surprises are measured at every value:
//   level   |value - median| / robust deviation of the previous baselineWindow values
//   fine    distance from the latest patternLength values to the nearest earlier stretch of the
//           same length (not overlapping it) within patternHistory values: a shape never seen
//   coarse  the same on moving averages (coarseStep wide, one per coarseStep values), for slower
//           changes of shape such as a daily cycle that flattens
// Each surprise s is set against r, the referenceQuantile of its own previous values, as
// s / (s + r): 0.5 means "as surprising as the rarest 0.05% of this series' recent history", 1
// means far beyond it; a surprise is scored only once at least 100 earlier ones are kept. The
// score is the largest of the three, halved during suppression. Steady noise sits around 0.45 and
// touches 0.5 now and then; a clear spike or step scores 0.7 to 1. Besides, a value out of range
// (beyond the last rangeHistory values by more than rangeTolerance of their range, after
// rangeWarmup values) scores over 0.5, the farther out the nearer 1 (s / (s + r) again, s how far
// beyond, r the tolerance), and starts a suppression period even during one: the surprises are
// blind to it when an earlier incident still dominates their references, and a new extreme is
// what an operator wants to hear about.
//
// Memory is O(baselineWindow + referenceHistory + patternHistory + coarseHistory + rangeHistory);
// update() costs O(baselineWindow + referenceHistory) plus the pattern searches, O(patternLength
// x history) at worst and far less in practice (the searches stop early on poor matches). Not
// thread-safe: one instance per series, used by one thread at a time. Non-finite values are
// ignored (score 0, state unchanged).
class HealthBaseline final
{
public:
    // A baseline with the given settings, or the reason they are invalid.
    static Result<HealthBaseline> create(const HealthBaselineSettings &settings);
    // Settings must pass validate(); invalid ones are replaced by the defaults.
    explicit HealthBaseline(const HealthBaselineSettings &settings = {});

    const HealthBaselineSettings &settings() const { return m_settings; }

    // Takes the next value of the series and returns its anomaly score in [0, 1].
    double update(double value);
    // Forgets every value seen.
    void reset();

    // Scores a whole series with a fresh baseline: scores[i] = update(values[i]).
    static std::vector<double> scoreSeries(const std::vector<double> &values,
                                           const HealthBaselineSettings &settings = {});

private:
    // The recent values of one surprise, kept sorted for the quantile.
    struct Reference
    {
        std::deque<double> recent;
        std::vector<double> sorted;
    };

    double levelSurprise(double value);
    // -1 until the search has enough history. match: the previous best match's end + 1, in and out.
    double patternSurprise(const std::vector<double> &series, int step, int history, long *match) const;
    double relativeToReference(Reference &reference, double surprise, bool scoring);
    // How far value is beyond the range of the previous rangeHistory values, as s / (s + r) with r
    // the tolerance (over 0.5: out of range; 0 inside it); then records value.
    double rangeSurprise(double value);
    void trim(std::vector<double> &series, size_t keep, long *match);

    HealthBaselineSettings m_settings;
    long long m_seen = 0;
    std::deque<double> m_recent;   // the latest baselineWindow values, oldest first
    std::vector<double> m_sorted;  // the same values, sorted
    std::vector<double> m_scratch; // for the MAD
    std::vector<double> m_values;  // the latest values, for the fine pattern (trimmed lazily)
    std::vector<double> m_means;   // coarseStep-wide moving averages, one per value
    std::array<Reference, 3> m_references;
    std::array<long, 2> m_matches{-1, -1}; // fine, coarse: where the next best match probably ends
    // (index, value) of the values that may still become the maximum (highs, decreasing) or the
    // minimum (lows, increasing) of the previous rangeHistory values: a monotonic queue each.
    std::deque<std::pair<long long, double>> m_highs;
    std::deque<std::pair<long long, double>> m_lows;
    int m_suppressLeft = 0;
    int m_coarseSuppressLeft = 0;
    double m_suppressedBy = 0.0; // the score that started the current suppression
};

} // namespace foresight::prediction
