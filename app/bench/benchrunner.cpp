#include "benchrunner.h"

namespace foresight::bench {

int runBench(const BenchCommandLine &commandLine)
{
    if (!commandLine.benchmark) {
        printBenchmarkNames();
        return 0;
    }
    const BenchOptions &options = commandLine.options;
    printEnvironmentNote(QLatin1String(commandLine.benchmark->name), options.durationMs, options.warmupMs);
    return commandLine.benchmark->run(options, commandLine.datasetsDir);
}

} // namespace foresight::bench
