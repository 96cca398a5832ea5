#pragma once

#include "benchcommandline.h"

namespace foresight::bench {

// Runs the benchmark the command line names, after the environment note its figures are read
// against, or prints the names for `list`. Returns the process exit code.
int runBench(const BenchCommandLine &commandLine);

} // namespace foresight::bench
