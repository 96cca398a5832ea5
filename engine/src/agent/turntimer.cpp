#include "agent/turntimer.h"

#include <algorithm>
#include <utility>

#include <QStringList>

namespace foresight::agent {

namespace {
std::int64_t microseconds(TurnTimer::Clock::duration d)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}
} // namespace

void TurnTimer::start(Clock::time_point now)
{
    m_start = now;
    m_last = now;
    m_count = 0;
}

void TurnTimer::phase(const char *name, Clock::time_point now)
{
    if (m_count < kMaxPhases)
        m_phases[m_count++] = {name, microseconds(now - m_last)};
    m_last = now;
}

std::optional<QString> TurnTimer::finish()
{
    const std::int64_t turnMs = microseconds(m_last - m_start) / 1000;
    if (turnMs > kSlowTurnMs) {
        ++m_slowTurns;
        m_longestMs = std::max(m_longestMs, turnMs);
        if (turnMs > m_pendingMs) {
            QStringList parts;
            for (std::size_t i = 0; i < m_count; ++i) {
                if (m_phases[i].us >= 1000)
                    parts << QStringLiteral("%1 %2 ms").arg(QLatin1String(m_phases[i].name)).arg(m_phases[i].us / 1000);
            }
            m_pending = QStringLiteral("agent loop turn of %1 ms: %2").arg(turnMs).arg(parts.join(QStringLiteral(", ")));
            m_pendingMs = turnMs;
        }
    }
    if (!m_pending || (m_lastWarning && m_last - *m_lastWarning < std::chrono::milliseconds(kWarnEveryMs)))
        return std::nullopt;
    m_lastWarning = m_last;
    m_pendingMs = 0;
    return std::exchange(m_pending, std::nullopt);
}

} // namespace foresight::agent
