#pragma once

#include "benchreport.h"

namespace foresight::bench {

// `foresight-bench risk` (issue 4 part 4): what the console's live failure prediction costs. A
// synthetic cluster of 500 hosts sampled once a second (prediction/hostriskmonitor.h) for an
// hour of simulated time, a few hosts failing after a memory leak: the cost of one host's sample
// (features, health baselines, the model's prediction) beside the same monitor without a model,
// the share of one core that takes at 500 hosts, and the time to train a model on what it saw.
// --quick: 100 hosts, 20 simulated minutes.
int runRiskBench(const BenchOptions &options);

} // namespace foresight::bench
