#include "failoverload.h"

#include <algorithm>
#include <thread>

namespace foresight::bench {

QString failoverKey(qint64 index)
{
    return QStringLiteral("k%1").arg(index);
}

QByteArray failoverValue(qint64 index, int bytes)
{
    QByteArray value = QByteArray::number(index) + ':';
    if (value.size() < bytes)
        value.append(QByteArray(bytes - value.size(), 'v'));
    return value;
}

void WriteLog::accepted(qint64 index, std::uint64_t generation, bool durable, FailoverClock::time_point at)
{
    std::lock_guard lock(m_mutex);
    if (m_changes.isEmpty() || m_changes.last().generation != generation) {
        m_changes.append({generation, at});
        m_durableRun = 0;
    }
    if (durable) {
        m_durable.append(index);
        ++m_durableRun;
    } else {
        ++m_failed;
    }
}

void WriteLog::failed(const QString &why)
{
    std::lock_guard lock(m_mutex);
    ++m_failed;
    m_lastFailure = why;
}

void WriteLog::fatal(const QString &why)
{
    std::lock_guard lock(m_mutex);
    m_fatal = why;
}

std::optional<FailoverClock::time_point> WriteLog::firstAcceptedAfter(FailoverClock::time_point after,
                                                                      std::uint64_t old) const
{
    std::lock_guard lock(m_mutex);
    // Changes are in time order; the first one after the kill to another generation is the
    // new primary's first write (a write at the old generation acknowledged just after the
    // kill, if any, is no change and is skipped).
    const auto found = std::find_if(m_changes.cbegin(), m_changes.cend(), [&](const Change &change) {
        return change.at > after && change.generation != old;
    });
    if (found == m_changes.cend())
        return std::nullopt;
    return found->at;
}

std::uint64_t WriteLog::currentGeneration() const
{
    std::lock_guard lock(m_mutex);
    return m_changes.isEmpty() ? 0 : m_changes.last().generation;
}

qint64 WriteLog::durableRun() const
{
    std::lock_guard lock(m_mutex);
    return m_durableRun;
}

QList<qint64> WriteLog::durableIndexes() const
{
    std::lock_guard lock(m_mutex);
    return m_durable;
}

qint64 WriteLog::failedCount() const
{
    std::lock_guard lock(m_mutex);
    return m_failed;
}

QString WriteLog::lastFailure() const
{
    std::lock_guard lock(m_mutex);
    return m_lastFailure;
}

QString WriteLog::fatalError() const
{
    std::lock_guard lock(m_mutex);
    return m_fatal;
}

Pacer::Pacer(int perSecond)
    : m_interval(std::chrono::duration_cast<FailoverClock::duration>(std::chrono::seconds(1)) / std::max(1, perSecond))
    , m_next(FailoverClock::now())
{}

void Pacer::wait()
{
    const auto now = FailoverClock::now();
    if (m_next > now)
        std::this_thread::sleep_until(m_next);
    else if (now - m_next > m_interval)
        m_next = now;
    m_next += m_interval;
}

} // namespace foresight::bench
