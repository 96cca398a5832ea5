#pragma once

// A copy of one resource whose owner announces every change by a version (issue 21: the console
// mirrors each host's inventory, whose agent puts the inventory's version in every heartbeat).
// The copy is good while the version announced is the one it holds, so an unchanged resource is
// never read again: each announcement that finds it current is a poll saved. A different
// version, or no copy yet, asks for one fetch at a time; a copy older than maxAgeMs is fetched
// again whatever is announced, the safety net should an announcement be wrong. Pure, on the
// caller's clock; the value itself is the caller's.

#include <cstdint>

namespace foresight::mirror {

class VersionedCopy final
{
public:
    static constexpr std::int64_t kDefaultMaxAgeMs = 10 * 60'000;
    static constexpr std::int64_t kDefaultFetchTimeoutMs = 10'000;

    explicit VersionedCopy(std::int64_t maxAgeMs = kDefaultMaxAgeMs,
                           std::int64_t fetchTimeoutMs = kDefaultFetchTimeoutMs);

    // The owner announced `version` at nowMs (0: it has none to offer). True when the caller
    // should fetch now: the copy is missing, differs or is older than maxAgeMs, and no fetch is
    // in flight (one unanswered for fetchTimeoutMs counts as failed).
    bool announce(std::uint64_t version, std::int64_t nowMs);
    // The fetch the last announce() asked for answered with `version`, or failed.
    void fetched(std::uint64_t version, std::int64_t nowMs);
    void fetchFailed();
    // Forgets the copy (its owner restarted, or was removed): the next announcement fetches.
    void reset();

    bool held() const { return m_version != 0; }
    std::uint64_t version() const { return m_version; }
    // Holds the version last announced: what the caller shows is what the owner has.
    bool current() const { return held() && m_version == m_announced; }
    std::int64_t fetchedMs() const { return m_fetchedMs; }

    std::int64_t announcements() const { return m_announcements; }
    std::int64_t pollsSaved() const { return m_pollsSaved; } // announcements that found the copy current
    std::int64_t fetches() const { return m_fetches; }
    std::int64_t failures() const { return m_failures; }

private:
    std::int64_t m_maxAgeMs;
    std::int64_t m_fetchTimeoutMs;
    std::uint64_t m_version = 0;   // held; 0: none
    std::uint64_t m_announced = 0; // last announced
    std::int64_t m_fetchedMs = 0;
    std::int64_t m_inFlightSinceMs = -1; // -1: no fetch in flight
    std::int64_t m_announcements = 0;
    std::int64_t m_pollsSaved = 0;
    std::int64_t m_fetches = 0;
    std::int64_t m_failures = 0;
};

} // namespace foresight::mirror
