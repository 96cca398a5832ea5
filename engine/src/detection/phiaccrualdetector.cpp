#include "foresight/detection/phiaccrualdetector.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <QLoggingCategory>

namespace foresight::detection {

namespace {

Q_LOGGING_CATEGORY(lcDetection, "foresight.detection", QtInfoMsg)

// Coefficients of the logistic approximation F(y) = 1 / (1 + exp(-(kLinear y + kCubic y^3))).
constexpr double kLinear = 1.5976;
constexpr double kCubic = 0.070566;

// Past |y| = 1000 phi is 0 (y < 0) or far above kMaxPhi (y > 0); clamping y there keeps y^3
// finite whatever the elapsed time and deviation.
constexpr double kMaxAbsY = 1000.0;

// ln(1 + exp(a)) without overflow for large a or loss of precision for very negative a.
double softplus(double a)
{
    return a > 0 ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a));
}

// The y at which kLinear y + kCubic y^3 = a. The cubic is strictly increasing, so there is exactly
// one real root: Cardano's formula for y^3 + p y + q = 0 with p > 0, written as u - p / (3u) to
// avoid cancellation, then one Newton step to polish the last bits.
double solveCubic(double a)
{
    const double p = kLinear / kCubic;
    const double q = -a / kCubic;
    const double root = std::sqrt(q * q / 4 + p * p * p / 27);
    const double u = std::cbrt(-q / 2 + (q <= 0 ? root : -root));
    double y = u - p / (3 * u);
    const double f = kCubic * y * y * y + kLinear * y - a;
    y -= f / (3 * kCubic * y * y + kLinear);
    return y;
}

// now - last as a non-negative number of milliseconds; never overflows.
std::uint64_t elapsedSince(std::int64_t lastMs, std::int64_t nowMs)
{
    if (nowMs <= lastMs)
        return 0;
    return std::uint64_t(nowMs) - std::uint64_t(lastMs);
}

} // namespace

Status PhiSettings::validate() const
{
    if (expectedIntervalMs <= 0 || expectedIntervalMs > PhiAccrualDetector::kMaxExpectedIntervalMs)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("phi detector: expected heartbeat interval %1 ms is out of range; use 1 to %2 ms")
                        .arg(expectedIntervalMs)
                        .arg(PhiAccrualDetector::kMaxExpectedIntervalMs));
    if (windowSize < 2 || windowSize > PhiAccrualDetector::kMaxWindowSize)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("phi detector: window size %1 is out of range; it needs at least 2 intervals "
                                   "for a deviation and at most %2")
                        .arg(windowSize)
                        .arg(PhiAccrualDetector::kMaxWindowSize));
    if (minStdDeviationMs
        && !(*minStdDeviationMs > 0 && *minStdDeviationMs <= PhiAccrualDetector::kMaxMinStdDeviationMs))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("phi detector: minimum standard deviation %1 ms is out of range; use more than 0 "
                                   "and at most %2 ms, or leave it unset for 10% of the expected interval")
                        .arg(*minStdDeviationMs, 0, 'g', 15)
                        .arg(qint64(PhiAccrualDetector::kMaxMinStdDeviationMs)));
    if (acceptableHeartbeatPauseMs < 0 || acceptableHeartbeatPauseMs > PhiAccrualDetector::kMaxAcceptablePauseMs)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("phi detector: acceptable heartbeat pause %1 ms is out of range; use 0 to %2 ms")
                        .arg(acceptableHeartbeatPauseMs)
                        .arg(PhiAccrualDetector::kMaxAcceptablePauseMs));
    if (!(threshold > 0 && threshold <= PhiAccrualDetector::kMaxPhi))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("phi detector: threshold %1 is out of range; use a value above 0 and at most %2 "
                                   "(8 is the usual choice)")
                        .arg(threshold, 0, 'g', 15)
                        .arg(PhiAccrualDetector::kMaxPhi));
    return {};
}

double PhiSettings::effectiveMinStdDeviationMs() const
{
    return minStdDeviationMs.value_or(double(expectedIntervalMs) / 10);
}

Result<PhiAccrualDetector> PhiAccrualDetector::create(const PhiSettings &settings)
{
    if (Status valid = settings.validate(); !valid)
        return std::unexpected(valid.error());
    return PhiAccrualDetector(settings);
}

PhiAccrualDetector::PhiAccrualDetector(const PhiSettings &settings)
    : m_settings(settings)
{
    if (Status valid = m_settings.validate(); !valid) {
        qCWarning(lcDetection).noquote() << valid.error().message << "- using the default settings";
        m_settings = PhiSettings{};
    }
    m_minStdDeviationMs = m_settings.effectiveMinStdDeviationMs();
    m_maxIntervalMs = std::int64_t(
        std::sqrt(double(std::numeric_limits<std::int64_t>::max() / std::int64_t(m_settings.windowSize))));
    // sqrt() in double may round up: step down until the square sum provably fits.
    while (m_maxIntervalMs > 0
           && m_maxIntervalMs > std::numeric_limits<std::int64_t>::max() / m_settings.windowSize / m_maxIntervalMs)
        --m_maxIntervalMs;
    m_intervals.assign(std::size_t(m_settings.windowSize), 0);
}

void PhiAccrualDetector::heartbeat(std::int64_t nowMs)
{
    if (!m_lastMs) {
        if (m_count == 0) {
            // Akka's bootstrap: two intervals with mean = expected and deviation = expected / 4.
            const std::int64_t expected = m_settings.expectedIntervalMs;
            record(expected - expected / 4);
            record(expected + expected / 4);
        }
        m_lastMs = nowMs;
        return;
    }
    // The first heartbeat after a suspected gap is not learned from: see the header.
    if (isAvailable(nowMs))
        record(std::int64_t(std::min<std::uint64_t>(elapsedSince(*m_lastMs, nowMs), std::uint64_t(m_maxIntervalMs))));
    m_lastMs = std::max(*m_lastMs, nowMs);
}

void PhiAccrualDetector::reset()
{
    m_lastMs.reset();
    std::fill(m_intervals.begin(), m_intervals.end(), 0);
    m_next = 0;
    m_count = 0;
    m_sum = 0;
    m_sumSquares = 0;
}

void PhiAccrualDetector::record(std::int64_t intervalMs)
{
    intervalMs = std::clamp<std::int64_t>(intervalMs, 0, m_maxIntervalMs);
    if (m_count == m_settings.windowSize) {
        const std::int64_t oldest = m_intervals[std::size_t(m_next)];
        m_sum -= oldest;
        m_sumSquares -= oldest * oldest;
    } else {
        ++m_count;
    }
    m_intervals[std::size_t(m_next)] = intervalMs;
    m_sum += intervalMs;
    m_sumSquares += intervalMs * intervalMs;
    m_next = (m_next + 1) % m_settings.windowSize;
}

double PhiAccrualDetector::meanIntervalMs() const
{
    return m_count == 0 ? 0.0 : double(m_sum) / m_count;
}

double PhiAccrualDetector::stdDeviationMs() const
{
    if (m_count == 0)
        return 0.0;
    const double mean = meanIntervalMs();
    // Rounding can leave a tiny negative variance for identical intervals.
    return std::sqrt(std::max(0.0, double(m_sumSquares) / m_count - mean * mean));
}

double PhiAccrualDetector::phiAtElapsed(double elapsedMs) const
{
    const double mean = meanIntervalMs() + double(m_settings.acceptableHeartbeatPauseMs);
    const double deviation = std::max(stdDeviationMs(), m_minStdDeviationMs);
    const double y = std::clamp((elapsedMs - mean) / deviation, -kMaxAbsY, kMaxAbsY);
    const double a = y * (kLinear + kCubic * y * y);
    return std::min(softplus(a) / std::numbers::ln10, kMaxPhi);
}

double PhiAccrualDetector::phi(std::int64_t nowMs) const
{
    if (!m_lastMs)
        return 0.0;
    return phiAtElapsed(double(elapsedSince(*m_lastMs, nowMs)));
}

bool PhiAccrualDetector::isAvailable(std::int64_t nowMs, double threshold) const
{
    return phi(nowMs) < threshold;
}

std::optional<std::int64_t> PhiAccrualDetector::suspectAfterMs(double threshold) const
{
    if (!m_lastMs || !(threshold > 0 && threshold <= kMaxPhi))
        return std::nullopt;

    // Invert phi = softplus(a) / ln 10: a = ln(10^threshold - 1), then y from the cubic.
    const double l = threshold * std::numbers::ln10;
    const double a = l + std::log(-std::expm1(-l));
    const double y = solveCubic(a);
    const double mean = meanIntervalMs() + double(m_settings.acceptableHeartbeatPauseMs);
    const double deviation = std::max(stdDeviationMs(), m_minStdDeviationMs);
    // Settings validation bounds mean, pause and deviation, so the crossing (y < 32 for
    // threshold <= kMaxPhi) is below 10^11 ms; the clamp only keeps the conversion defined.
    const double estimate = std::clamp(std::ceil(mean + y * deviation), 0.0, 0x1p52);

    // The estimate is within a millisecond or so; settle it against phi itself so that the answer
    // agrees exactly with phi() and isAvailable(). The step bound is a guard, never reached.
    auto elapsed = std::int64_t(estimate);
    for (int steps = 0; steps < 1000 && elapsed > 0 && phiAtElapsed(double(elapsed - 1)) >= threshold; ++steps)
        --elapsed;
    for (int steps = 0; steps < 1000 && phiAtElapsed(double(elapsed)) < threshold; ++steps)
        ++elapsed;
    return elapsed;
}

} // namespace foresight::detection
