#pragma once

#include "benchreport.h"

namespace foresight::bench {

// `foresight-bench replication`: acknowledged hot-tier writes per second and ack latency
// p50/p99, for 1 and 16 writers with CURVE off and on, 100-byte values, beside the raw ZeroMQ
// req/rep and Redis SET+WAIT baselines measured in the same run. Prints JSON lines on stdout.
// Returns the process exit code: 0 when every Foresight case ran, 1 when one could not.
int runReplicationBench(const BenchOptions &options);

} // namespace foresight::bench
