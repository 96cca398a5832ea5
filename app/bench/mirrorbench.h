#pragma once

#include <QStringList>

#include "benchreport.h"

// `foresight-bench mirror` (issue 21, section 3; docs/benchmarks.md): resource-change traces
// (periodic, bursty, random, the demo shop's recording) replayed in simulated time through
// predictive mirrors (mirror::MirrorTable with the state engine's forecasts, with and without
// change events), a fixed-TTL cache at the same poll rate, and reading the source every time.
namespace foresight::bench {

struct MirrorBenchOutput
{
    QStringList lines;
    int exitCode = 0;
};
MirrorBenchOutput mirrorBenchLines(const BenchOptions &options);

int runMirrorBench(const BenchOptions &options);

} // namespace foresight::bench
