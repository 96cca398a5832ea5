#pragma once

// A Client whose reads are served from client-side mirrors while they are good (issue 21;
// docs/mirrors.md): the first read of a key reads the primary and keeps a copy with the key's
// forecast next change; later reads return the copy (marked fromMirror, with its age) until it
// is older than the policy's max age or the forecast change is near, then read the primary
// again. Writes go to the primary and become the copy, so a client reads its own writes.
//
// Consistency: bounded staleness. A copy is never older than the policy's maxAgeMs, never older
// than this client's last acknowledged write of the key, and after a failover (the client moved
// to another agent, or saw a higher epoch) every copy is read again before it is served.
// Ask for Freshness::Source where a read must see every write acknowledged before it.
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
    const mirror::MirrorPolicy &policy() const { return m_table.policy(); }
    int mirrored() const { return m_table.size(); }
    Client &client() { return *m_client; }

private:
    MirroredClient(std::unique_ptr<Client> client, const mirror::MirrorPolicy &policy, const Clock &clock);
    // After any call to the primary: a move to another agent or a higher epoch invalidates
    // every copy (they may predate writes the old primary never replicated).
    void noticeFailover(std::uint64_t epoch);

    std::unique_ptr<Client> m_client;
    mirror::MirrorTable m_table;
    const Clock &m_clock;
    QString m_agentUrl;
    std::uint64_t m_epoch = 0;
};

} // namespace foresight::sdk
