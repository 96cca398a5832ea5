#pragma once

#include "benchreport.h"

namespace foresight::bench {

// `foresight-bench gui` (issue 5): the console window, offscreen, fed synthetic engine snapshots
// of 500 hosts and 2,000 replicas at 10 Hz from another thread, as the engine would feed it.
// Measures the time from a snapshot's hand-over to the end of its painted frame (p50, p99;
// target p99 under 16 ms), the frames skipped because the GUI was still busy, and the resident
// memory the window adds. Needs a QApplication (main.cpp makes one for this benchmark).
int runGuiBench(const BenchOptions &options);

} // namespace foresight::bench
