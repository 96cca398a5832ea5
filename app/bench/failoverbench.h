#pragma once

#include "benchreport.h"

namespace foresight::bench {

// `foresight-bench failover` (issue 3): rounds of kill -9 of the primary under a steady write
// load; the time from the kill to the first acknowledged write on the new primary (p50, p99, max)
// and the acknowledged writes lost, beside Redis Sentinel measured the same way in the same run
// (when redis-server and redis-sentinel are installed). options.rounds rounds per side (default
// 50, 5 with --quick). Returns 0 when every Foresight round ran and its writes were read back,
// 1 otherwise (the output says why).
int runFailoverBench(const BenchOptions &options);

} // namespace foresight::bench
