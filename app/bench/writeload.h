#pragma once

#include <functional>
#include <optional>

#include <QList>
#include <QtGlobal>

#include "foresight/core/result.h"

namespace foresight::bench {

// What a write-load run does: `writers` threads, each writing `valueBytes`-byte values as fast
// as its acknowledgements come back, for `warmupMs` (not recorded) and then `durationMs`
// (recorded).
struct LoadSpec
{
    int writers = 1;
    bool curve = false;
    // Foresight only: the agents' --prediction-rate; negative: their default (the state model on).
    int predictionRate = -1;
    // Foresight only: false starts the agents with --no-usage-profile.
    bool usageProfile = true;
    int valueBytes = 100;
    int durationMs = 3000;
    int warmupMs = 500;
};

// What a run measured, over the recorded window only. `latenciesNs` holds one entry per
// acknowledged write (request sent to acknowledgement received), in no particular order.
struct LoadResult
{
    qint64 acked = 0;
    qint64 failed = 0;  // writes that completed but were not acknowledged as required
    double seconds = 0; // length of the recorded window
    QList<qint64> latenciesNs;
};

// Nearest-rank percentile (`percent` in (0, 100]) of `valuesNs`; nullopt when empty.
std::optional<double> percentileNs(QList<qint64> valuesNs, double percent);
// Acknowledged writes per second over the recorded window; nullopt when nothing was recorded.
std::optional<double> ackedPerSecond(const LoadResult &result);

// One synchronous write: returns true when the write was acknowledged, false when it completed
// without the required acknowledgement, and an error when the writer cannot go on (connection
// lost, timeout). It must return within a bounded time (use socket timeouts).
using WriteOnce = std::function<Result<bool>()>;
// Called once on each writer's own thread, before the clock starts, with the writer's index
// (0 .. writers-1). The returned callable, and everything it captures, is used and destroyed on
// that thread only, so a ZeroMQ socket or a hiredis connection can live inside it.
using WriterFactory = std::function<Result<WriteOnce>(int writerIndex)>;

// Runs spec.writers threads against `factory`: all writers are set up first, then they start
// together; writes that begin and end inside the recorded window are counted. Returns the first
// setup or writer error, if any. Blocks the calling thread for about warmupMs + durationMs.
Result<LoadResult> runWriters(const LoadSpec &spec, const WriterFactory &factory);

} // namespace foresight::bench
