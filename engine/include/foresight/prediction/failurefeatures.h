#pragma once

#include <cstddef>
#include <deque>
#include <span>
#include <vector>

#include <QStringList>

#include "foresight/core/result.h"

namespace foresight::prediction {

// A dense row-major matrix of float features: rows x names.size() values. The shape the
// failure predictor trains on and scores.
struct FeatureMatrix
{
    QStringList names; // one per column
    std::size_t rows = 0;
    std::vector<float> values; // rows * names.size(), row-major

    std::size_t columns() const { return static_cast<std::size_t>(names.size()); }
    float at(std::size_t row, std::size_t column) const { return values[row * columns() + column]; }
    std::span<const float> row(std::size_t r) const { return {values.data() + r * columns(), columns()}; }
};

// Which features are taken from a host's metric vectors, and over which windows (in samples).
struct FailureFeatureSettings
{
    // The recent window: level, trend, variability and error counts are taken over the latest
    // shortWindow samples (fewer at the start of a series). 2 .. 100000.
    int shortWindow = 12;
    // The baseline window: the longWindow samples that precede the recent window. The z-score
    // compares the recent mean with this baseline, so a burst does not hide itself by raising
    // its own baseline. 2 .. 1000000.
    int longWindow = 288;
    // |z| above this counts a metric as deviating (the "deviating" feature). > 0.
    double deviationThreshold = 3.0;
    // Metrics that are error counters (0-based indices into the sample vector): each also gets
    // the number of errors in the recent window (the sum) and the error rate per sample.
    std::vector<int> errorMetrics;
    // Names of the metrics, used in the feature names; empty means m0, m1, ...
    QStringList metricNames;
    // Optional: each metric's normal behaviour on this host, from an earlier period (e.g. a
    // training window known to be healthy). Empty, or one per metric. Adds "<m>.ref_z" and
    // "<m>.ref_excess" per metric (see FailureFeatureExtractor), which let one model serve hosts
    // whose normal levels differ.
    struct MetricReference
    {
        double mean = 0.0;
        double stddev = 0.0;
        double low = 0.0;  // e.g. the 0.1% quantile
        double high = 0.0; // e.g. the 99.9% quantile
    };
    std::vector<MetricReference> references;

    // InvalidArgument naming the first field out of range, for a host with metricCount metrics.
    Status validate(int metricCount) const;
};

// Failure-prediction features from rolling windows of one host's metric vectors, computed
// strictly causally: the row returned for sample t depends on samples 0..t only, so the same
// prefix always gives the same rows whatever follows.
//
// Per metric m (feature names "<m>.level", "<m>.slope", "<m>.std", "<m>.z"):
//   level  the latest value
//   slope  least-squares slope of the recent window, per sample (0 with one sample)
//   std    population standard deviation of the recent window
//   z      (recent mean - baseline mean) / baseline std, with the baseline std floored at
//          1e-3 * (1 + |baseline mean|) so a flat baseline does not give infinite z; 0 while
//          there is no baseline yet
// With references, also per metric: "<m>.ref_z" = (level - reference mean) / reference std
// (the same floor), and "<m>.ref_excess" = how far the level lies outside [low, high] (0 inside).
// Per error metric e: "<e>.errors" (sum over the recent window), "<e>.error_rate" (that sum
// divided by the recent window's length). Last: "deviating", the number of metrics whose |z|
// exceeds deviationThreshold.
//
// A non-finite value is replaced by the metric's previous value (0 before any), so one lost
// sample does not poison the windows. Cost per sample: O(metrics x shortWindow); memory
// O(metrics x (shortWindow + longWindow)). Not thread-safe: one extractor per host, one thread.
class FailureFeatureExtractor final
{
public:
    // An extractor for samples of metricCount values, or why the settings are invalid.
    static Result<FailureFeatureExtractor> create(int metricCount, const FailureFeatureSettings &settings);

    int metricCount() const { return m_metricCount; }
    const FailureFeatureSettings &settings() const { return m_settings; }
    // Column names of the rows push() returns, in order.
    const QStringList &featureNames() const { return m_names; }
    int featureCount() const { return static_cast<int>(m_names.size()); }

    // Takes the next sample (metricCount values) and appends its feature row to out.
    // InvalidArgument when the sample has the wrong size (state unchanged).
    Status push(std::span<const double> sample, std::vector<float> &out);
    // Forgets every sample seen.
    void reset();

    // Features of every row of a series (samples[t] is the metric vector at t), with a fresh
    // extractor: row t equals what push() returns for sample t.
    static Result<FeatureMatrix> compute(const std::vector<std::vector<double>> &samples,
                                         int metricCount,
                                         const FailureFeatureSettings &settings);

private:
    FailureFeatureExtractor() = default;
    void recomputeBaseline();

    FailureFeatureSettings m_settings;
    int m_metricCount = 0;
    QStringList m_names;
    std::deque<std::vector<double>> m_history; // the latest shortWindow + longWindow samples
    std::vector<double> m_last;                // the previous finite value per metric
    // Sums of the baseline window (history minus its latest shortWindow samples), per metric.
    std::vector<double> m_baseSum;
    std::vector<double> m_baseSumSq;
    std::size_t m_baseCount = 0;
    std::size_t m_sinceRecompute = 0;
};

} // namespace foresight::prediction
