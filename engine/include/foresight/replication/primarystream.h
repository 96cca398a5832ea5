#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include <QByteArray>
#include <QHash>
#include <QString>

#include "foresight/replication/batchpolicy.h"
#include "foresight/replication/replicalink.h"
#include "foresight/state/keyvaluestate.h"
#include "foresight/state/statedelta.h"
#include "foresight/state/statedigest.h"

namespace foresight::replication {

// One application's outgoing replication on its primary: the replicas' links, the deltas queued
// for each (as its BatchPolicy says), the digests of recent positions that replicas'
// acknowledgements are checked against, and which sequence enough hot replicas hold. It decides;
// the agent sends (sockets, snapshots, catch-up) and answers clients.
//
// Owned by the agent's AppInstance and used on the agent's thread only; no locks.
class PrimaryStream final
{
public:
    explicit PrimaryStream(std::shared_ptr<const BatchPolicy> policy = defaultBatchPolicy());

    const BatchPolicy &policy() const { return *m_policy; }

    QHash<QByteArray, ReplicaLink> &links() { return m_links; }
    const QHash<QByteArray, ReplicaLink> &links() const { return m_links; }
    ReplicaLink *link(const QByteArray &identity);
    // Adds the link, replacing any with the same identity.
    ReplicaLink &addLink(ReplicaLink link);
    // False when there was no such link.
    bool removeLink(const QByteArray &identity);
    // The application stops or starts being primary here: no links, and no positions, since the
    // history they describe may be rewritten before it is primary again.
    void reset();
    void clearPositions() { m_positions.clear(); }

    // A change this primary has just applied to `state`: remembers the position's digests and
    // queues the delta for every link whose stream carries it. Returns whether any link's batch
    // must now leave at once (see flushDue()).
    bool append(const state::StateDelta &delta, const state::KeyValueState &state);
    // Whether the link's batch must leave now rather than at the end of the round.
    bool flushDue(const ReplicaLink &link) const { return m_policy->flushNow(link); }
    // The body of a `deltas` message (docs/protocol.md) carrying the link's batch up to `upto`;
    // the batch is emptied.
    static QByteArray takeBatch(ReplicaLink &link, const QString &app, std::uint64_t epoch, std::uint64_t upto);
    // Drops what is queued: a snapshot sent to the link already holds it.
    static void clearBatch(ReplicaLink &link);

    // The highest sequence that at least `needed` hot replicas have acknowledged; nullopt while
    // fewer than `needed` hot replicas are linked; every sequence when `needed` is below 1.
    std::optional<std::uint64_t> durableSeq(int needed) const;
    struct HotCoverage
    {
        int links = 0;
        std::uint64_t highestAckedSeq = 0;
    };
    // What the hot replicas other than `agent` hold: for releasing that one safely.
    HotCoverage hotCoverageWithout(const QString &agent) const;

    // Compares the digest `link` acknowledged at `seq` with this primary's at that position (the
    // whole state's for hot, the critical keys' for warm), and keeps the verdict in
    // link.integrityNote: empty when they agree. A position no longer (or never) remembered, a
    // cold link or an unreadable digest leave the last verdict as it was. Returns true when a
    // disagreement other than the one already noted was found.
    bool checkDigest(ReplicaLink &link, std::uint64_t seq) const;

    // Positions remembered for checkDigest(): a replica acknowledges at most every
    // replicaAckIntervalMs (100 ms), so at 20,000 writes/s this covers its position several
    // times over. About 40 bytes each.
    static constexpr std::size_t kDigestHistory = 16384;

private:
    struct Position
    {
        std::uint64_t seq = 0;
        state::StateDigest digest;
        state::StateDigest criticalDigest;
    };

    std::shared_ptr<const BatchPolicy> m_policy;
    QHash<QByteArray, ReplicaLink> m_links;
    std::deque<Position> m_positions; // oldest first
};

} // namespace foresight::replication
