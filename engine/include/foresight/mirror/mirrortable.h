#pragma once

// A client's mirrors: its copies of the keys it reads, each served while it is known good and
// refreshed from the source (the primary) when it may not be (issue 21; docs/mirrors.md).
// Pure bookkeeping on an injected clock, no I/O: the SDK does the reads (sdk::MirroredClient),
// the benchmark replays traces through the same table.
//
// A copy is good while (a) no change event has named its key since it was read, (b) it is
// younger than the policy's max age, and (c) the key's forecast next change is not near. Near
// a forecast change, reads refresh it every so often until the change is found (the forecast
// was right) or the window closes (it was not; the next event or max age catches the change).
//
// Threading: not thread-safe; one owner (the SDK's Client is one per thread as well).

#include <cstdint>
#include <optional>

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include "foresight/mirror/mirrormetrics.h"
#include "foresight/mirror/mirrorpolicy.h"

namespace foresight::mirror {

// What the source said about a key's next change when it was read (get-reply's forecast fields).
struct ChangeForecast
{
    std::int64_t nextChangeInMs = 0; // from the moment of the read; negative: overdue
    double intervalMs = 0;           // the key's typical interval between changes (0: unknown)
    double confidence = 0;           // 0..1, the state engine's track record on this key
};

// One read from the source.
struct SourceRead
{
    std::optional<QByteArray> value; // nullopt: the key does not exist
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0; // the state's position when it was read
    std::optional<ChangeForecast> forecast;
};

// What a mirror read returns.
struct MirrorCopy
{
    std::optional<QByteArray> value;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;
    std::int64_t readAtMs = 0; // when it was read from the source (the owner's clock)
};

// A change event (docs/protocol.md 7.8): keys changed up to state position `seq`. `eventSeq`
// numbers the events of one subscription 1, 2, 3, ... so that a missed one shows.
struct ChangeEvent
{
    std::uint64_t eventSeq = 0;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;
    QStringList keys;
    bool overflow = false; // the agent dropped keys (too many at once): every copy may be stale
};

class MirrorTable final
{
public:
    // An invalid policy (MirrorPolicy::validate) is replaced by the defaults: validate first.
    explicit MirrorTable(const MirrorPolicy &policy = {});

    const MirrorPolicy &policy() const { return m_policy; }

    enum class Answer : std::uint8_t {
        Hit,     // serve `copy`
        Refresh, // read the source, then store() the result (and serve it)
        Source,  // read the source and do not mirror it (excluded, disabled, or out of sync)
    };
    struct Lookup
    {
        Answer answer = Answer::Source;
        RefreshCause cause = RefreshCause::First; // with Refresh
        const MirrorCopy *copy = nullptr;         // with Hit: valid until the next non-const call
    };
    // A read of key at nowMs: counted in the metrics as what it turns out to be.
    Lookup lookup(const QString &key, std::int64_t nowMs);

    // The source's answer to a Refresh lookup, read at nowMs, which took latencyUs.
    void store(
        const QString &key, RefreshCause cause, const SourceRead &read, std::int64_t nowMs, std::int64_t latencyUs);
    // This client wrote key (acknowledged at epoch/seq): its copy becomes what it wrote, so that
    // it reads its own writes. nullopt value: a delete.
    void recordWrite(const QString &key,
                     const std::optional<QByteArray> &value,
                     std::uint64_t epoch,
                     std::uint64_t seq,
                     std::int64_t nowMs);

    enum class EventOutcome : std::uint8_t {
        Applied, // the keys' copies read before the event's position are invalidated
        Gap,     // events were missed (or the agent overflowed): every copy is invalidated
        Old,     // an event already seen (or of an older subscription): ignored
    };
    EventOutcome applyEvent(const ChangeEvent &event, std::int64_t nowMs);
    // Events flow (a subscription is confirmed) or not (none yet, or the connection was lost).
    // A new subscription expects event 1 next, and invalidates the copies read before it (changes
    // since their read were announced to nobody). Without events copies live maxAgeMs at most.
    void setEventsLive(bool live);
    bool eventsLive() const { return m_eventsLive; }

    // Every copy must be read again before it is served (a failover to a new primary, a lost
    // subscription): nothing older than what the client has seen is served after it.
    void invalidateAll();
    // Drops every copy and its history (the application's state was replaced).
    void clear();

    int size() const { return int(m_entries.size()); }
    const MirrorMetrics &metrics() const { return m_metrics; }

private:
    struct Entry
    {
        MirrorCopy copy;
        std::int64_t windowStartMs = 0; // the forecast change's window; end <= start: none
        std::int64_t windowEndMs = 0;
        std::int64_t nextProbeMs = 0;      // inside the window, the next refresh
        std::int64_t forecastChangeMs = 0; // the forecast the window was made from
        bool invalidated = false;
        bool announced = false;           // an event named the key since the copy was read
        std::uint32_t changedHistory = 0; // refreshes that found an unannounced change, newest in bit 0
        int historyLength = 0;
        std::int64_t bypassUntilMs = 0;
    };

    std::int64_t maxAge() const { return m_eventsLive ? m_policy.maxAgeWithEventsMs : m_policy.maxAgeMs; }
    void openWindow(Entry &entry, const ChangeForecast &forecast, std::int64_t nowMs, bool changed);
    void noteUnannouncedChange(Entry &entry, bool changed, std::int64_t nowMs);

    MirrorPolicy m_policy;
    QHash<QString, Entry> m_entries;
    MirrorMetrics m_metrics;
    bool m_eventsLive = false;
    std::uint64_t m_lastEventSeq = 0;
};

} // namespace foresight::mirror
