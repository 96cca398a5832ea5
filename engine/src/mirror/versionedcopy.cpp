#include "foresight/mirror/versionedcopy.h"

namespace foresight::mirror {

VersionedCopy::VersionedCopy(std::int64_t maxAgeMs, std::int64_t fetchTimeoutMs)
    : m_maxAgeMs(maxAgeMs)
    , m_fetchTimeoutMs(fetchTimeoutMs)
{}

bool VersionedCopy::announce(std::uint64_t version, std::int64_t nowMs)
{
    ++m_announcements;
    m_announced = version;
    if (version == 0)
        return false; // nothing on offer: keep what is held, marked not current
    const bool good = m_version == version && nowMs - m_fetchedMs < m_maxAgeMs;
    if (good) {
        ++m_pollsSaved;
        return false;
    }
    if (m_inFlightSinceMs >= 0) {
        if (nowMs - m_inFlightSinceMs < m_fetchTimeoutMs)
            return false;
        ++m_failures; // unanswered: written off, asked again below
    }
    m_inFlightSinceMs = nowMs;
    ++m_fetches;
    return true;
}

void VersionedCopy::fetched(std::uint64_t version, std::int64_t nowMs)
{
    m_inFlightSinceMs = -1;
    m_version = version;
    m_fetchedMs = nowMs;
}

void VersionedCopy::fetchFailed()
{
    if (m_inFlightSinceMs < 0)
        return;
    m_inFlightSinceMs = -1;
    ++m_failures;
}

void VersionedCopy::reset()
{
    m_version = 0;
    m_announced = 0;
    m_fetchedMs = 0;
    m_inFlightSinceMs = -1;
}

} // namespace foresight::mirror
