#pragma once

#include "benchreport.h"

namespace foresight::bench {

// `foresight-bench swap` (issue 19): the write pause of a switchover onto a caught-up hot replica
// at 10k, 100k and 1M keys, with writers running, swapping back and forth, as the engine measures
// it and as a writer sees it; beside a stop-and-copy of the whole state (writes stopped, an empty
// hot replica catches up by snapshot, writes resume), measured in the same run on the same
// cluster. Returns the process exit code.
int runSwapBench(const BenchOptions &options);

} // namespace foresight::bench
