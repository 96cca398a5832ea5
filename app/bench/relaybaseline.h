#pragma once

#include "foresight/core/result.h"
#include "writeload.h"

namespace foresight::bench {

// The floor of a hot write on Foresight's transports: the write path with the agents' work taken
// out. spec.writers threads, each with a blocking Unix stream connection (the SDK's unix://
// leg), send a spec.valueBytes request and wait for a short reply. A relay thread (the primary)
// reads every request that is ready (epoll), sends them as one ZeroMQ message over a DEALER
// socket on tcp://127.0.0.1 to a replica thread's ROUTER socket, and, when the replica answers
// that batch, replies to each of its writers. Relay and replica have their own ZeroMQ contexts,
// as two agents would; with spec.curve the link between them uses CURVE. Nothing is decoded,
// stored, logged or digested, so the agents, which do all of that besides, cannot beat this on
// the same machine. Every reply counts as acknowledged.
Result<LoadResult> runRelayFloorLoad(const LoadSpec &spec);

} // namespace foresight::bench
