#pragma once

#include <cstdint>

#include <QList>
#include <QString>
#include <QStringList>

// The resource-change traces `foresight-bench mirror` replays (docs/benchmarks.md, `mirror`):
// when each key changes and when it is read. Deterministic in their arguments (fixed seeds), so
// every policy replays the same trace.
namespace foresight::bench {

struct MirrorTraceEvent
{
    std::int64_t atMs = 0;
    int key = 0; // index into MirrorTrace::keys
    bool write = false;
};

struct MirrorTrace
{
    QString name; // "periodic", "bursty", "random", "demo shop"
    std::int64_t durationMs = 0;
    QStringList keys;
    QList<MirrorTraceEvent> events; // by time
};

struct MirrorTraceShape
{
    std::int64_t durationMs = 600'000;
    int keys = 100;
    double readsPerSecondPerKey = 10; // each key's readers, a Poisson process
    std::uint32_t seed = 21;
};

// Each key rewritten at its own steady period (0.5 to 5 s) with 5% jitter: a poller, a heartbeat.
MirrorTrace periodicTrace(const MirrorTraceShape &shape);
// Each key quiet for 5 to 30 s, then a burst of 5 to 20 changes 50 to 200 ms apart: a deploy, a
// failover, a batch job.
MirrorTrace burstyTrace(const MirrorTraceShape &shape);
// Each key changes as a Poisson process (mean interval 0.5 to 5 s): nothing to forecast.
MirrorTrace randomTrace(const MirrorTraceShape &shape);
// The demo web shop's recorded workload (the sync benchmark's recording): its own reads
// (a session and a cart before each cart change) and writes, plus readers as in the others.
MirrorTrace shopTrace(const MirrorTraceShape &shape);

} // namespace foresight::bench
