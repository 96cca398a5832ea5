#include "foresight/prediction/healthbaseline.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace foresight::prediction {

namespace {

// Gaussian-consistent scale factors: sigma = 1.4826 MAD = 1.2533 mean absolute deviation.
constexpr double kMadToSigma = 1.4826;
constexpr double kMeanAbsToSigma = 1.2533;
// Keeps 0 / 0 at 0 when a series has never surprised (a flat line).
constexpr double kTiny = 1e-12;
// During suppression, a score this many times the one that raised the alarm is an escalation.
constexpr double kEscalation = 1.3;
// Surprises a reference must hold before it judges: its 99.95th percentile is then still its
// maximum, but no longer the maximum of a handful.
constexpr size_t kMinReference = 100;

enum Surprise { Level, FinePattern, CoarsePattern };

bool inRange(int value, int low, int high)
{
    return value >= low && value <= high;
}

} // namespace

Status HealthBaselineSettings::validate() const
{
    auto bad = [](const char *name, int value, int low, int high) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 is %2, allowed %3 .. %4").arg(QLatin1String(name)).arg(value).arg(low).arg(high));
    };
    if (!inRange(baselineWindow, 8, 100000))
        return bad("baselineWindow", baselineWindow, 8, 100000);
    if (!inRange(patternLength, 2, 1000))
        return bad("patternLength", patternLength, 2, 1000);
    if (!inRange(patternHistory, patternLength, 100000))
        return bad("patternHistory", patternHistory, patternLength, 100000);
    if (!inRange(coarseStep, 1, 1000))
        return bad("coarseStep", coarseStep, 1, 1000);
    if (!inRange(coarseHistory, patternLength, 100000))
        return bad("coarseHistory", coarseHistory, patternLength, 100000);
    if (!inRange(referenceHistory, 10, 100000))
        return bad("referenceHistory", referenceHistory, 10, 100000);
    if (!(referenceQuantile > 0.0 && referenceQuantile <= 1.0))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("referenceQuantile is %1, allowed (0, 1]").arg(referenceQuantile));
    if (!inRange(rangeHistory, 2, 1000000))
        return bad("rangeHistory", rangeHistory, 2, 1000000);
    if (!(rangeTolerance >= 0.0 && rangeTolerance <= 100.0))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("rangeTolerance is %1, allowed [0, 100]").arg(rangeTolerance));
    if (!inRange(rangeWarmup, 0, 1000000))
        return bad("rangeWarmup", rangeWarmup, 0, 1000000);
    if (!inRange(warmup, 2, 100000))
        return bad("warmup", warmup, 2, 100000);
    if (!inRange(suppression, 0, 100000))
        return bad("suppression", suppression, 0, 100000);
    return {};
}

Result<HealthBaseline> HealthBaseline::create(const HealthBaselineSettings &settings)
{
    if (Status ok = settings.validate(); !ok)
        return std::unexpected(ok.error());
    return HealthBaseline(settings);
}

HealthBaseline::HealthBaseline(const HealthBaselineSettings &settings)
    : m_settings(settings.validate() ? settings : HealthBaselineSettings{})
{}

void HealthBaseline::reset()
{
    *this = HealthBaseline(m_settings);
}

std::vector<double> HealthBaseline::scoreSeries(const std::vector<double> &values,
                                                const HealthBaselineSettings &settings)
{
    HealthBaseline baseline(settings);
    std::vector<double> scores;
    scores.reserve(values.size());
    for (const double value : values)
        scores.push_back(baseline.update(value));
    return scores;
}

double HealthBaseline::levelSurprise(double value)
{
    // The median and the deviation around it of the recent values, so that the outliers we look
    // for do not inflate the yardstick they are measured with. MAD alone is 0 on quantised or
    // mostly flat series, where any change would then be infinitely surprising; the mean absolute
    // deviation keeps a sensible floor there.
    const size_t n = m_sorted.size();
    if (n < 2)
        return 0.0;
    const double median = n % 2 ? m_sorted[n / 2] : 0.5 * (m_sorted[n / 2 - 1] + m_sorted[n / 2]);
    m_scratch.resize(n);
    double absSum = 0.0;
    for (size_t i = 0; i < n; ++i) {
        m_scratch[i] = std::abs(m_sorted[i] - median);
        absSum += m_scratch[i];
    }
    std::nth_element(m_scratch.begin(), m_scratch.begin() + std::ptrdiff_t(n / 2), m_scratch.end());
    const double scale = std::max(
        {kMadToSigma * m_scratch[n / 2], kMeanAbsToSigma * absSum / double(n), 1e-6 * std::abs(median), kTiny});
    return std::abs(value - median) / scale;
}

double HealthBaseline::patternSurprise(const std::vector<double> &series, int step, int history, long *match) const
{
    // The distance (Euclidean, on raw values, so that a shift of level counts as much as a change
    // of shape) from the latest pattern to its nearest earlier neighbour: large when the series
    // does something it has not done in the searched history, the "discord" of time-series
    // mining. The search starts once there are at least a pattern's span of candidates, so that
    // the first distances are not taken against a handful of neighbours.
    const long length = m_settings.patternLength;
    const long span = (length - 1) * step; // from a pattern's first value to its last
    const long last = long(series.size()) - 1;
    // Candidates end before the current pattern's first average starts (no shared raw values).
    const long newestCandidate = last - span - step;
    const long oldestCandidate = std::max(span, last - history);
    if (long(series.size()) < 3 * length * step || newestCandidate < oldestCandidate)
        return -1.0;

    // Each candidate is abandoned as soon as it is worse than the best so far; trying first the
    // continuation of the previous best match (usually close again) makes most abandon early.
    const double *values = series.data();
    auto distanceTo = [&](long end, double bound) {
        double distance = 0.0;
        const double *current = values + last;
        const double *candidate = values + end;
        for (long i = 0; i < length && distance < bound; ++i, current -= step, candidate -= step) {
            const double difference = *current - *candidate;
            distance += difference * difference;
        }
        return distance;
    };
    double best = std::numeric_limits<double>::infinity();
    long bestEnd = -1;
    if (*match >= oldestCandidate && *match <= newestCandidate) {
        best = distanceTo(*match, best);
        bestEnd = *match;
    }
    for (long end = newestCandidate; end >= oldestCandidate; --end) {
        const double distance = distanceTo(end, best);
        if (distance < best) {
            best = distance;
            bestEnd = end;
        }
    }
    *match = bestEnd + 1; // where the next value's best match probably ends
    return std::sqrt(best);
}

double HealthBaseline::relativeToReference(Reference &reference, double surprise, bool scoring)
{
    // Each surprise is judged against its own recent history, as Numenta's anomaly likelihood
    // and KNN-CAD's conformal step do: a noisy series is surprising all the time and only its
    // rarest surprises count, while on a calm series a moderate one already does. A quantile
    // rather than the maximum, so that one past incident does not blind the baseline to the next.
    // Surprises from the warm-up, measured against a handful of values, are not kept: they would
    // be the reference's largest for a long time and hide real events.
    if (!scoring)
        return 0.0;
    double relative = 0.0;
    if (reference.sorted.size() >= kMinReference) {
        const size_t index = std::min(reference.sorted.size() - 1,
                                      size_t(m_settings.referenceQuantile * double(reference.sorted.size())));
        relative = surprise / (surprise + reference.sorted[index] + kTiny);
    }
    reference.recent.push_back(surprise);
    reference.sorted.insert(std::upper_bound(reference.sorted.begin(), reference.sorted.end(), surprise), surprise);
    if (reference.recent.size() > size_t(m_settings.referenceHistory)) {
        reference.sorted.erase(
            std::lower_bound(reference.sorted.begin(), reference.sorted.end(), reference.recent.front()));
        reference.recent.pop_front();
    }
    return relative;
}

double HealthBaseline::rangeSurprise(double value)
{
    // Numenta's detector reports a value beyond the range seen so far at once (its "spatial
    // anomaly"), whatever its model says. The surprises above miss exactly these when an earlier
    // incident still dominates their references: a new extreme after a large spike is no more
    // surprising than the spike was. A tolerance keeps a noisy series' slowly growing range quiet;
    // a bounded history lets a metric that ran high long ago go back to being normal.
    const long long index = m_seen;
    while (!m_highs.empty() && m_highs.front().first < index - m_settings.rangeHistory)
        m_highs.pop_front();
    while (!m_lows.empty() && m_lows.front().first < index - m_settings.rangeHistory)
        m_lows.pop_front();
    double relative = 0.0;
    if (!m_highs.empty()) {
        const double high = m_highs.front().second;
        const double low = m_lows.front().second;
        const double beyond = std::max(value - high, low - value);
        if (high > low && beyond > 0.0)
            relative = beyond / (beyond + m_settings.rangeTolerance * (high - low));
    }
    while (!m_highs.empty() && m_highs.back().second <= value)
        m_highs.pop_back();
    m_highs.emplace_back(index, value);
    while (!m_lows.empty() && m_lows.back().second >= value)
        m_lows.pop_back();
    m_lows.emplace_back(index, value);
    return relative;
}

void HealthBaseline::trim(std::vector<double> &series, size_t keep, long *match)
{
    // Dropping the oldest values only when twice as many as needed are held keeps the cost
    // amortised O(1) per value.
    if (series.size() >= 2 * keep) {
        const size_t dropped = series.size() - keep;
        series.erase(series.begin(), series.begin() + std::ptrdiff_t(dropped));
        *match -= long(dropped);
    }
}

double HealthBaseline::update(double value)
{
    if (!std::isfinite(value))
        return 0.0;
    ++m_seen;
    const bool scoring = m_seen > m_settings.warmup;
    std::array<double, 3> relative{}; // each surprise against its reference, by Surprise

    // Level, against the values before this one.
    const double level = levelSurprise(value);
    if (m_sorted.size() >= 2)
        relative[Level] = relativeToReference(m_references[Level], level, scoring);
    m_recent.push_back(value);
    m_sorted.insert(std::upper_bound(m_sorted.begin(), m_sorted.end(), value), value);
    if (m_recent.size() > size_t(m_settings.baselineWindow)) {
        m_sorted.erase(std::lower_bound(m_sorted.begin(), m_sorted.end(), m_recent.front()));
        m_recent.pop_front();
    }

    // Fine pattern, on the values up to and including this one.
    const int length = m_settings.patternLength;
    const int step = m_settings.coarseStep;
    m_values.push_back(value);
    if (const double fine = patternSurprise(m_values, 1, m_settings.patternHistory, &m_matches[0]); fine >= 0)
        relative[FinePattern] = relativeToReference(m_references[FinePattern], fine, scoring);

    // Coarse pattern, on moving averages (summed afresh: a running sum drifts over long series).
    const size_t averaged = std::min(size_t(step), m_values.size());
    double sum = 0.0;
    for (size_t i = m_values.size() - averaged; i < m_values.size(); ++i)
        sum += m_values[i];
    m_means.push_back(sum / double(averaged));
    if (const double coarse = patternSurprise(m_means, step, m_settings.coarseHistory, &m_matches[1]); coarse >= 0)
        relative[CoarsePattern] = relativeToReference(m_references[CoarsePattern], coarse, scoring);

    trim(m_values, size_t(std::max(m_settings.patternHistory + 3 * length, step + 1)), &m_matches[0]);
    trim(m_means, size_t(m_settings.coarseHistory + 3 * length * step), &m_matches[1]);
    const double range = rangeSurprise(value);

    if (!scoring)
        return 0.0;
    // The coarse pattern holds an event for its whole span, longer than the suppression: without
    // this it would raise the same event again once the suppression ends.
    if (m_coarseSuppressLeft > 0) {
        --m_coarseSuppressLeft;
        if (m_suppressLeft == 0)
            relative[CoarsePattern] *= 0.5;
    }
    const double score = std::max({relative[Level], relative[FinePattern], relative[CoarsePattern]});
    auto startSuppression = [&](double by) {
        m_suppressLeft = m_settings.suppression;
        m_coarseSuppressLeft = m_settings.suppression > 0 ? std::max(m_settings.suppression, length * step) : 0;
        m_suppressedBy = by;
    };
    if (range > 0.5 && m_seen > m_settings.rangeWarmup) {
        startSuppression(range);
        return range;
    }
    // After an alarm, scores are halved for a while: an event raises one alarm, not a stream of
    // them. A much larger surprise than the one that raised the alarm still gets through (and
    // starts a new period), so that an incident that escalates is not hidden.
    if (m_suppressLeft > 0 && score <= kEscalation * m_suppressedBy) {
        --m_suppressLeft;
        return 0.5 * score;
    }
    if (score >= 0.5)
        startSuppression(score);
    return score;
}

} // namespace foresight::prediction
