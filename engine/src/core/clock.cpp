#include "foresight/core/clock.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace foresight {

int Clock::realWaitMs(std::int64_t clockMs) const
{
    if (clockMs <= 0)
        return 0;
    const double real = std::ceil(double(clockMs) / rate());
    return real >= double(std::numeric_limits<int>::max()) ? std::numeric_limits<int>::max() : int(real);
}

std::int64_t SystemClock::monotonicMs() const
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::int64_t SystemClock::wallMs() const
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

SystemClock &SystemClock::instance()
{
    static SystemClock clock;
    return clock;
}

namespace {

double clampScale(double scale)
{
    if (std::isnan(scale) || scale < 1.0)
        return 1.0;
    return std::min(scale, ScaledClock::kMaxScale);
}

} // namespace

ScaledClock::ScaledClock(double scale, std::optional<std::int64_t> originWallMs)
    : m_scale(clampScale(scale))
{
    using namespace std::chrono;
    // Both real readings are taken once, together; afterwards only the steady clock is read, so
    // a step of the system's wall clock (NTP, an operator) cannot move this clock backwards.
    const steady_clock::time_point steadyNow = steady_clock::now();
    const std::int64_t wallNowMs = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    m_originWallMs = std::min(originWallMs.value_or(wallNowMs), wallNowMs);
    m_originSteady = steadyNow - milliseconds(wallNowMs - m_originWallMs);
    m_originMonotonicMs = duration_cast<milliseconds>(m_originSteady.time_since_epoch()).count();
}

std::int64_t ScaledClock::scaledSinceOriginMs() const
{
    const auto real = std::chrono::steady_clock::now() - m_originSteady;
    const double realMs = std::chrono::duration<double, std::milli>(real).count();
    return std::int64_t(std::floor(realMs * m_scale));
}

std::int64_t ScaledClock::monotonicMs() const
{
    if (m_scale == 1.0) // exactly the system clock, as documented
        return SystemClock::instance().monotonicMs();
    return m_originMonotonicMs + scaledSinceOriginMs();
}

std::int64_t ScaledClock::wallMs() const
{
    if (m_scale == 1.0)
        return SystemClock::instance().wallMs();
    return m_originWallMs + scaledSinceOriginMs();
}

Status ScaledClock::validateScale(double scale)
{
    if (std::isnan(scale) || scale < 1.0 || scale > kMaxScale)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the time scale must be a number from 1 (real time) to %1, e.g. 4 for four "
                                   "times as fast")
                        .arg(kMaxScale));
    return {};
}

} // namespace foresight
