#pragma once

#include <memory>

#include <QtGlobal>

#include "foresight/replication/replicalink.h"
#include "foresight/state/keyvaluestate.h"
#include "foresight/state/statedelta.h"

namespace foresight::replication {

// How large one outgoing replication message may grow: a delta batch, a catch-up message or a
// snapshot chunk ends at whichever limit comes first, with at least one item. libzmq drops a
// message over the peer's maxMessageBytes and the connection with it, so these stay far below.
struct MessageLimits
{
    qsizetype maxBytes = 512 * 1024;
    qsizetype maxItems = 1000;
};

// Decides, per link, what a primary streams to a replica and when a batch leaves: the one place
// that knows which keys a warm replica gets and how batches are sized. The agent asks it for
// every delta and link; the staleness scheduler (partitioning/) plugs in here.
//
// Called on the agent's thread only, on the write path: implementations must be cheap and must
// not block. A policy is shared (std::shared_ptr<const>) and never changes once installed.
class BatchPolicy
{
public:
    virtual ~BatchPolicy();

    // Whether `link`'s delta stream carries `delta`, which `state` has just applied. Asked for hot
    // and warm links only: a cold replica takes snapshots, never deltas.
    virtual bool carries(const ReplicaLink &link,
                         const state::StateDelta &delta,
                         const state::KeyValueState &state) const = 0;
    // Whether the link's batch leaves at once, rather than at the end of the agent's poll round.
    virtual bool flushNow(const ReplicaLink &link) const = 0;
    virtual MessageLimits limits() const = 0;
};

// The tiers of the design: a hot replica gets every delta, a warm one the critical keys' only
// (the application's glob patterns), a cold one none.
class TierBatchPolicy final : public BatchPolicy
{
public:
    // A batch leaves before the end of the round once its encoded deltas reach this many bytes.
    // Until the replication module this was written as a comparison of the encoded size with the
    // item limit (1000), which is what the write-path figures of docs/benchmarks.md were measured
    // with; it stays, named for what it does, until a benchmark shows a better value.
    static constexpr qsizetype kEarlyFlushEncodedBytes = 1000;

    bool carries(const ReplicaLink &link,
                 const state::StateDelta &delta,
                 const state::KeyValueState &state) const override;
    bool flushNow(const ReplicaLink &link) const override;
    MessageLimits limits() const override { return {}; }
};

std::shared_ptr<const BatchPolicy> defaultBatchPolicy();

} // namespace foresight::replication
