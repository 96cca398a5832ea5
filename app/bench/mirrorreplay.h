#pragma once

#include <cstdint>
#include <vector>

#include "foresight/mirror/mirrortable.h"
#include "foresight/prediction/statepredictor.h"
#include "mirrortraces.h"

// Replays a MirrorTrace against a source (the primary's state, with the state engine forecasting
// each key's next change) through one read policy, in simulated time: reading the source costs
// one poll and returns its current value at once; a read served from a copy is stale when the
// source changed the key after the copy was read. The same trace, the same source, every policy.
namespace foresight::bench {

// The state engine's forecast made at each write of a trace, in write order, as the agent
// would send it with a read once its model has published (forecastDelayMs after the write).
struct TraceForecast
{
    std::int64_t visibleAtMs = 0;
    int key = 0;
    std::int64_t nextChangeMs = 0; // absent forecasts are not listed
    double intervalMs = 0;
    double confidence = 0;
};
std::vector<TraceForecast> forecastTrace(const MirrorTrace &trace,
                                         prediction::StateModelKind model,
                                         std::int64_t forecastDelayMs);

struct MirrorReplayResult
{
    std::int64_t reads = 0;
    std::int64_t polls = 0;          // reads that went to the source
    std::int64_t staleReads = 0;     // reads that returned a value older than the source's then
    std::int64_t pushes = 0;         // change events sent to the client
    std::vector<std::int64_t> hitNs; // the measured time of each read served from a copy
    mirror::MirrorMetrics metrics;   // the mirror policies' own account

    double pollsPerRead() const { return reads > 0 ? double(polls) / double(reads) : 0.0; }
};

// A fixed-TTL cache: a copy is served for ttlMs after it was read, then read again.
MirrorReplayResult replayTtlCache(const MirrorTrace &trace, std::int64_t ttlMs);

struct MirrorReplayOptions
{
    mirror::MirrorPolicy policy;
    bool events = true;            // the client subscribes to change events
    std::int64_t eventDelayMs = 1; // from a write to its event's arrival (coalesced per ms)
};
// The predictive mirror (mirror::MirrorTable), with the forecasts forecastTrace() made.
MirrorReplayResult replayMirror(const MirrorTrace &trace,
                                const std::vector<TraceForecast> &forecasts,
                                const MirrorReplayOptions &options);

} // namespace foresight::bench
