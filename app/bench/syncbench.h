#pragma once

#include <QStringList>

#include "benchreport.h"

// `foresight-bench sync` (issue 20, section 5; docs/benchmarks.md): the demo web shop's recorded
// workload replayed over a link of fixed bandwidth under our synchronization scheduler, first in
// first out, and last modified first, in the same run; impact-weighted staleness for each.
namespace foresight::bench {

// The benchmark's JSON lines and its exit status (0: every scheduler ran and the simulation's
// own checks held; 1: otherwise, a note says why). For tests, which parse the lines.
struct SyncBenchOutput
{
    QStringList lines;
    int exitCode = 0;
};
SyncBenchOutput syncBenchLines(const BenchOptions &options);

// Prints syncBenchLines() on stdout; the exit status.
int runSyncBench(const BenchOptions &options);

} // namespace foresight::bench
