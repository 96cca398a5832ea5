#include "foresight/prediction/failurefeatures.h"

#include <algorithm>
#include <cmath>

namespace foresight::prediction {
namespace {

// Running sums drift when values are added and removed for a long time; recomputing them from
// the window now and then keeps the z-score exact to within rounding.
constexpr std::size_t kRecomputeEvery = 4096;

} // namespace

Status FailureFeatureSettings::validate(int metricCount) const
{
    if (metricCount < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("failure features need at least one metric"));
    if (shortWindow < 2 || shortWindow > 100000)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("shortWindow %1 is out of range (2 .. 100000)").arg(shortWindow));
    if (longWindow < 2 || longWindow > 1000000)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("longWindow %1 is out of range (2 .. 1000000)").arg(longWindow));
    if (!(deviationThreshold > 0.0) || !std::isfinite(deviationThreshold))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("deviationThreshold %1 must be a positive number").arg(deviationThreshold));
    for (int index : errorMetrics) {
        if (index < 0 || index >= metricCount)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("error metric %1 is not one of the %2 metrics").arg(index).arg(metricCount));
    }
    if (!metricNames.isEmpty() && metricNames.size() != metricCount)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 metric names given for %2 metrics").arg(metricNames.size()).arg(metricCount));
    if (!references.empty() && references.size() != static_cast<size_t>(metricCount))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 metric references given for %2 metrics").arg(references.size()).arg(metricCount));
    for (const MetricReference &reference : references) {
        if (!std::isfinite(reference.mean) || !(reference.stddev >= 0.0) || !std::isfinite(reference.stddev)
            || !std::isfinite(reference.low) || !std::isfinite(reference.high) || reference.low > reference.high)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("a metric reference needs a finite mean, stddev >= 0 and low <= high"));
    }
    return {};
}

Result<FailureFeatureExtractor> FailureFeatureExtractor::create(int metricCount, const FailureFeatureSettings &settings)
{
    if (auto status = settings.validate(metricCount); !status)
        return std::unexpected(status.error());
    FailureFeatureExtractor extractor;
    extractor.m_settings = settings;
    extractor.m_metricCount = metricCount;
    for (int m = 0; m < metricCount; ++m) {
        const QString metric = settings.metricNames.isEmpty() ? QStringLiteral("m%1").arg(m) : settings.metricNames[m];
        extractor.m_names << metric + QStringLiteral(".level") << metric + QStringLiteral(".slope")
                          << metric + QStringLiteral(".std") << metric + QStringLiteral(".z");
        if (!settings.references.empty())
            extractor.m_names << metric + QStringLiteral(".ref_z") << metric + QStringLiteral(".ref_excess");
    }
    for (int index : settings.errorMetrics) {
        const QString metric = settings.metricNames.isEmpty() ? QStringLiteral("m%1").arg(index)
                                                              : settings.metricNames[index];
        extractor.m_names << metric + QStringLiteral(".errors") << metric + QStringLiteral(".error_rate");
    }
    extractor.m_names << QStringLiteral("deviating");
    extractor.reset();
    return extractor;
}

void FailureFeatureExtractor::reset()
{
    const auto metrics = static_cast<std::size_t>(m_metricCount);
    m_history.clear();
    m_last.assign(metrics, 0.0);
    m_baseSum.assign(metrics, 0.0);
    m_baseSumSq.assign(metrics, 0.0);
    m_baseCount = 0;
    m_sinceRecompute = 0;
}

void FailureFeatureExtractor::recomputeBaseline()
{
    std::fill(m_baseSum.begin(), m_baseSum.end(), 0.0);
    std::fill(m_baseSumSq.begin(), m_baseSumSq.end(), 0.0);
    for (std::size_t i = 0; i < m_baseCount; ++i) {
        const auto &sample = m_history[i];
        for (std::size_t m = 0; m < sample.size(); ++m) {
            m_baseSum[m] += sample[m];
            m_baseSumSq[m] += sample[m] * sample[m];
        }
    }
    m_sinceRecompute = 0;
}

Status FailureFeatureExtractor::push(std::span<const double> sample, std::vector<float> &out)
{
    const auto metrics = static_cast<std::size_t>(m_metricCount);
    if (sample.size() != metrics)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a sample has %1 values, the extractor expects %2").arg(sample.size()).arg(metrics));

    std::vector<double> clean(metrics);
    for (std::size_t m = 0; m < metrics; ++m) {
        if (std::isfinite(sample[m]))
            m_last[m] = sample[m];
        clean[m] = m_last[m];
    }
    m_history.push_back(std::move(clean));

    // Slide the windows: the sample shortWindow back from the newest joins the baseline, and the
    // oldest leaves it once the history is full.
    const auto shortWindow = static_cast<std::size_t>(m_settings.shortWindow);
    const auto capacity = shortWindow + static_cast<std::size_t>(m_settings.longWindow);
    if (m_history.size() > shortWindow) {
        const auto &joining = m_history[m_history.size() - 1 - shortWindow];
        for (std::size_t m = 0; m < metrics; ++m) {
            m_baseSum[m] += joining[m];
            m_baseSumSq[m] += joining[m] * joining[m];
        }
        ++m_baseCount;
    }
    if (m_history.size() > capacity) {
        const auto &leaving = m_history.front();
        for (std::size_t m = 0; m < metrics; ++m) {
            m_baseSum[m] -= leaving[m];
            m_baseSumSq[m] -= leaving[m] * leaving[m];
        }
        --m_baseCount;
        m_history.pop_front();
    }
    if (++m_sinceRecompute >= kRecomputeEvery)
        recomputeBaseline();

    const std::size_t recent = std::min(shortWindow, m_history.size());
    const std::size_t first = m_history.size() - recent;
    const auto n = static_cast<double>(recent);
    // x = 0 .. n-1 for the slope: sum x = n(n-1)/2, sum (x - mean x)^2 = n(n^2-1)/12.
    const double meanX = (n - 1.0) / 2.0;
    const double sxx = n * (n * n - 1.0) / 12.0;

    out.reserve(out.size() + m_names.size());
    int deviating = 0;
    for (std::size_t m = 0; m < metrics; ++m) {
        double sum = 0.0;
        for (std::size_t i = first; i < m_history.size(); ++i)
            sum += m_history[i][m];
        const double mean = sum / n;
        double sxy = 0.0;
        double ss = 0.0;
        for (std::size_t i = first; i < m_history.size(); ++i) {
            const double dy = m_history[i][m] - mean;
            sxy += (static_cast<double>(i - first) - meanX) * dy;
            ss += dy * dy;
        }
        const double slope = sxx > 0.0 ? sxy / sxx : 0.0;
        const double stddev = std::sqrt(ss / n);

        double z = 0.0;
        if (m_baseCount > 0) {
            const auto count = static_cast<double>(m_baseCount);
            const double baseMean = m_baseSum[m] / count;
            const double variance = std::max(0.0, m_baseSumSq[m] / count - baseMean * baseMean);
            const double floor = 1e-3 * (1.0 + std::abs(baseMean));
            z = (mean - baseMean) / std::max(std::sqrt(variance), floor);
        }
        if (std::abs(z) > m_settings.deviationThreshold)
            ++deviating;
        out.push_back(static_cast<float>(m_history.back()[m]));
        out.push_back(static_cast<float>(slope));
        out.push_back(static_cast<float>(stddev));
        out.push_back(static_cast<float>(z));
        if (!m_settings.references.empty()) {
            const auto &reference = m_settings.references[m];
            const double level = m_history.back()[m];
            const double floor = 1e-3 * (1.0 + std::abs(reference.mean));
            const double excess = level > reference.high  ? level - reference.high
                                  : level < reference.low ? level - reference.low
                                                          : 0.0;
            out.push_back(static_cast<float>((level - reference.mean) / std::max(reference.stddev, floor)));
            out.push_back(static_cast<float>(excess));
        }
    }
    for (int index : m_settings.errorMetrics) {
        double errors = 0.0;
        for (std::size_t i = first; i < m_history.size(); ++i)
            errors += m_history[i][static_cast<std::size_t>(index)];
        out.push_back(static_cast<float>(errors));
        out.push_back(static_cast<float>(errors / n));
    }
    out.push_back(static_cast<float>(deviating));
    return {};
}

Result<FeatureMatrix> FailureFeatureExtractor::compute(const std::vector<std::vector<double>> &samples,
                                                       int metricCount,
                                                       const FailureFeatureSettings &settings)
{
    auto extractor = create(metricCount, settings);
    if (!extractor)
        return std::unexpected(extractor.error());
    FeatureMatrix matrix;
    matrix.names = extractor->featureNames();
    matrix.values.reserve(samples.size() * matrix.columns());
    for (std::size_t t = 0; t < samples.size(); ++t) {
        if (auto status = extractor->push(samples[t], matrix.values); !status)
            return fail(status.error().code, QStringLiteral("sample %1: %2").arg(t).arg(status.error().message));
    }
    matrix.rows = samples.size();
    return matrix;
}

} // namespace foresight::prediction
