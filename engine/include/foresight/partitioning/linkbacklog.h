#pragma once

// What one warm replica still lacks, per staleness partition: the primary's side of a scheduled
// stream (docs/partitions.md, "Not yet here": the replication stream's use of the scheduler).
// Changes wait here, grouped by partition; planSync() is given them (planInput()), the batch it
// chooses leaves (send()), and the replica's acknowledgement of that batch clears it (acknowledge()).
//
// Order: every change gets a ticket, increasing in the order add() is called; within a partition
// changes leave in ticket order. A key belongs to one partition at a time, and regroup() moves a
// key's waiting changes with it, merged in ticket order, so no key's changes are ever reordered,
// whatever order the partitions leave in. Tickets, not sequence numbers, order the queue, so that
// a replica's initial fill (the current values of the keys it lacks, all "as of" one position)
// queues like any change.
//
// Coalescing: a change to a key that already has a change waiting (not sent yet) takes that
// change's place: its delta becomes the newer one (a put or delete carries the key's whole
// value, so the newer delta alone brings the replica to the same state), its ticket and time stay
// the older change's. A replica that is behind is sent each key's latest value once rather than
// every value it had meanwhile, so a link slower than the writes carries each rewritten key once
// per turn instead of once per write. It skips the intermediate values, which a warm replica,
// whose non-critical keys are not a log, never needs; it never moves one key's changes past each
// other, and never touches a change already sent (that one's order on the wire is fixed).
//
// Staleness: a partition's is how long the replica has lacked its oldest change not yet
// acknowledged (sent or not): now minus that change's time. A coalesced change keeps the older
// change's time: the replica has lacked the key since then.
//
// Memory: the changes hold their keys and values implicitly shared with the state and the log;
// each waiting change costs about 150 bytes besides (the entry and its key's place in the
// coalescing index). Coalescing bounds the waiting changes by the keys, the sent ones by the
// window. The owner bounds the total (pendingDeltas(), pendingBytes()) and resynchronises a
// replica that falls too far behind.
//
// Not thread-safe: the primary agent's thread.

#include <cstdint>
#include <deque>
#include <functional>

#include <QHash>
#include <QList>

#include "foresight/core/result.h"
#include "foresight/partitioning/partitioner.h"
#include "foresight/partitioning/syncscheduler.h"
#include "foresight/state/statedelta.h"

namespace foresight::partitioning {

class LinkBacklog final
{
public:
    // A change the replica lacks, in partition p, made (or, for an initial fill, read) at atMs.
    // Coalesced into the key's waiting change when it has one in p (above).
    void add(PartitionId p, const state::StateDelta &delta, std::int64_t atMs);

    // The partitions were re-clustered: every waiting change goes to its key's partition in
    // `next` (partitionOf(key, classOf(key))), sent ones included.
    void regroup(const PartitionSet &next, const std::function<config::ImpactClass(const QString &)> &classOf);

    // planSync()'s input: one PartitionBacklog per partition with changes not yet sent, its
    // impact and rate from `partitions` (a cold partition's figures for an identity `partitions`
    // does not know). PendingDelta::seq carries the ticket. With maxPending >= 0 each partition
    // but a critical one lists only its first maxPending waiting changes: enough for a plan of
    // one batch (at most MessageLimits::maxItems changes), and the cost of a call no longer
    // grows with the backlog, which a warm link's fill makes as large as the state. A critical
    // partition lists them all: planSync's deadline rule reads the time its whole backlog takes
    // to ship (a warm link's backlog never holds critical keys; coalesced, a critical backlog
    // is at most one change per key).
    QList<PartitionBacklog> planInput(const PartitionSet &partitions, qsizetype maxPending = -1) const;

    // The batch leaves as batch number `batchNo` (increasing): its changes, in the batch's order,
    // move from waiting to sent. InvalidArgument, changing nothing, when the batch does not match
    // what waits (a slice that is not the front of its partition's queue, an unknown partition).
    Result<QList<state::StateDelta>> send(const SyncBatch &batch, std::uint64_t batchNo);
    // The replica holds every batch up to batchNo.
    void acknowledge(std::uint64_t batchNo);
    // The replica lost what was sent and not acknowledged (a reconnection): it waits again, at
    // the front of its partitions' queues, in ticket order.
    void resend();

    std::int64_t stalenessMs(PartitionId p, std::int64_t nowMs) const;
    qsizetype pendingDeltas() const { return m_deltas; } // waiting and sent, not acknowledged
    qsizetype pendingBytes() const { return m_bytes; }
    qsizetype sentDeltas() const;
    // How many changes were coalesced into a waiting one since construction or clear().
    std::int64_t coalescedDeltas() const { return m_coalesced; }
    void clear();

private:
    struct Entry
    {
        std::uint64_t ticket = 0;
        std::uint64_t batch = 0; // 0: not sent
        std::int64_t atMs = 0;
        state::StateDelta delta;
    };
    struct Queue
    {
        std::deque<Entry> sent;    // ascending ticket
        std::deque<Entry> waiting; // ascending ticket
    };

    // Where each key's newest waiting change is: its partition and ticket.
    struct WaitingAt
    {
        PartitionId partition = 0;
        std::uint64_t ticket = 0;
    };
    Entry *waitingEntry(const WaitingAt &at);
    void reindexWaiting();

    QHash<PartitionId, Queue> m_queues;
    QHash<QString, WaitingAt> m_newestWaiting;
    std::uint64_t m_nextTicket = 1;
    std::int64_t m_coalesced = 0;
    qsizetype m_deltas = 0;
    qsizetype m_bytes = 0;
};

} // namespace foresight::partitioning
