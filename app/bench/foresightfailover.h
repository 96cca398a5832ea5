#pragma once

#include "failoverload.h"
#include "foresight/core/result.h"

namespace foresight::bench {

// Foresight's side of `foresight-bench failover`: five real agents on loopback (CURVE), a
// console engine (ClusterEngine) with the default failover settings that deploys one application
// with a primary, two hot replicas (one synchronous acknowledgement) and one warm replica, so one
// agent is spare; one SDK writer knowing every agent writes at spec.writesPerSecond, each write
// acknowledged once replicated (sdk::Ack::Replicated). Each round, once the writer has written
// steadily for spec.settleMs on the current primary, kill -9s the primary, times the
// first acknowledged write at a higher epoch, acknowledges the failover (which lifts the engine's
// anti-flapping block, as an operator would), restarts the killed agent empty and waits until the
// engine reports the application healthy with all its desired replicas. At the end every
// acknowledged write is read back.
// Errors: the cluster or the engine could not start. A round that goes wrong (no failover, the
// cluster does not heal) stops the rounds and is described in FailoverOutcome::stopped, with the
// console journal's entries since the kill; the writes so far are still read back.
// Blocks the calling thread, which must be one that may own QProcess objects (no event loop
// needed).
Result<FailoverOutcome> runForesightFailover(const FailoverSpec &spec);

} // namespace foresight::bench
