#pragma once

#include <cstdint>

#include <QtGlobal>

#include "foresight/replication/batchpolicy.h"
#include "foresight/replication/replicalink.h"
#include "foresight/state/deltalog.h"
#include "foresight/state/keyvaluestate.h"

namespace foresight::replication {

// What a replica has not acknowledged yet, in keys and bytes: how much of the application's state
// differs on it (issue 19's "keys that differ, bytes"). Reported per replica link in the primary's
// status as lag-keys, lag-bytes and lag-partial (docs/protocol.md).
struct UnackedFigures
{
    std::int64_t keys = 0;       // distinct keys among the unacknowledged deltas the link carries
    std::int64_t valueBytes = 0; // the sum of those deltas' value sizes (a delete counts 0)
    // Lower bounds only: the unacknowledged window is longer than the scan limit, or the log no
    // longer holds its start (the replica will catch up by snapshot).
    bool partial = false;
};

// A heartbeat carries every link's figures up to ten times a second: 4,096 deltas keep a scan
// well under a millisecond, and a replica further behind than that is reported as partial.
inline constexpr qsizetype kUnackedScanLimit = 4096;

// Counted at status time over the log's deltas after link.ackedSeq, at most `scanLimit` of them,
// counting only the deltas `policy` says a hot or warm link carries (a warm link: the critical keys';
// a cold link, which takes snapshots, counts every delta). Costs
// nothing on the write path; at status time one hash set of keys, bounded by scanLimit. On the
// agent's thread, like the log and the link.
UnackedFigures unackedFigures(const ReplicaLink &link,
                              const state::DeltaLog &log,
                              const state::KeyValueState &state,
                              const BatchPolicy &policy,
                              qsizetype scanLimit = kUnackedScanLimit);

} // namespace foresight::replication
