#pragma once

// A Client whose reads are served from client-side mirrors while they are good (issue 21;
// docs/mirrors.md): the first read of a key reads the primary and keeps a copy with the key's
// forecast next change; later reads return the copy (marked fromMirror, with its age) until it
// is older than the policy's max age or the forecast change is near, then read the primary
// again. Writes go to the primary and become the copy, so a client reads its own writes.
//
// Change events: on an agent's unix:// SDK endpoint the client subscribes to them (policy
// changeEvents), so a change invalidates the copy at once and copies may live maxAgeWithEventsMs.
// Before each read from a copy the connection is read, without waiting, for events that have
// arrived. A missed event (a gap in their numbers), an overflow, the feed's end (the agent is no
// longer primary) or three keep-alive intervals of silence invalidate every copy; the client
// subscribes again with its next read from the primary.
//
// Consistency: bounded staleness. A copy is never older than maxAgeMs (maxAgeWithEventsMs while
// events flow), never older than the last event received, never older than this client's last
// acknowledged write of the key, and after a failover (the client moved to another agent, or
// saw a higher epoch) every copy is read again before it is served. Ask for Freshness::Source
// where a read must see every write acknowledged before it.
//
// Threading: as Client, one per thread.

#include <memory>

#include "foresight/core/clock.h"
#include "foresight/mirror/mirrortable.h"
#include "foresight/sdk/client.h"

namespace foresight::sdk {

enum class Freshness {
    Mirror, // the copy if it is good, else the primary (and the copy is refreshed)
    Source, // the primary, always (the copy is refreshed too)
};

class MirroredClient final
{
public:
    // InvalidArgument naming the field when the policy is invalid; otherwise as Client::connect.
    // FORESIGHT_MIRRORS=off in the environment turns mirrors off (every read goes to the
    // primary), whatever the policy says. `clock` (monotonic time) must outlive the client.
    static Result<std::unique_ptr<MirroredClient>> connect(const ClientOptions &options,
                                                           const mirror::MirrorPolicy &policy = {},
                                                           const Clock &clock = SystemClock::instance());
    ~MirroredClient();
    MirroredClient(const MirroredClient &) = delete;
    MirroredClient &operator=(const MirroredClient &) = delete;

    Result<ReadResult> get(const QString &key, Freshness freshness = Freshness::Mirror);
    Result<WriteReceipt> put(const QString &key, const QByteArray &value, Ack ack = Ack::Replicated);
    Result<WriteReceipt> remove(const QString &key, Ack ack = Ack::Replicated);

    const mirror::MirrorMetrics &metrics() const { return m_table.metrics(); }
    // Whether change events flow now, and why not when they do not (empty before the first try).
    bool eventsLive() const { return m_table.eventsLive(); }
    const QString &eventsError() const { return m_eventsError; }
    const mirror::MirrorPolicy &policy() const { return m_table.policy(); }
    int mirrored() const { return m_table.size(); }
    Client &client() { return *m_client; }

private:
    MirroredClient(std::unique_ptr<Client> client, const mirror::MirrorPolicy &policy, const Clock &clock);
    // After any call to the primary: a move to another agent or a higher epoch invalidates
    // every copy (they may predate writes the old primary never replicated).
    void noticeFailover(std::uint64_t epoch);
    // Events: read what has arrived and check the feed is alive; subscribe when due.
    void pollEvents(std::int64_t nowMs);
    void subscribeIfDue(std::int64_t nowMs);
    void onEvent(const MirrorEventMessage &message);
    void eventsLost(const QString &why);
    // Sends the metrics to the primary when reportIntervalMs has passed (failures are ignored:
    // the report is for the console, and the next one comes soon).
    void reportIfDue(std::int64_t nowMs);

    std::unique_ptr<Client> m_client;
    mirror::MirrorTable m_table;
    const Clock &m_clock;
    QString m_agentUrl;
    std::uint64_t m_epoch = 0;
    std::uint64_t m_subscription = 0; // 0: none
    std::uint64_t m_subscribedConnection = 0;
    int m_eventIntervalMs = 0;
    std::int64_t m_lastEventMs = 0;
    std::int64_t m_nextSubscribeMs = 0; // after a refusal, not before this
    std::int64_t m_nextReportMs = 0;
    QString m_eventsError;
    QString m_lossReason; // why the last feed was lost, kept while subscribing again fails
};

} // namespace foresight::sdk
