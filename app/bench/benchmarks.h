#pragma once

#include <QString>

#include "benchreport.h"

namespace foresight::bench {

// One benchmark foresight-bench can run, by name.
struct Benchmark
{
    const char *name;
    const char *summary;
    // datasetsDir: --datasets, for the benchmarks that read the shared datasets (nab,
    // predict-failure, pse); the others ignore it. Returns the process exit code.
    int (*run)(const BenchOptions &options, const QString &datasetsDir);
};

// The benchmark called name; nullptr when there is none.
const Benchmark *findBenchmark(const QString &name);

// Every benchmark with its summary, one per line, and `list`: for --help.
QString benchmarkList();

// The names, comma-separated: for the error on an unknown name.
QString benchmarkNames();

// `foresight-bench list`: the names, one per line on stdout.
void printBenchmarkNames();

} // namespace foresight::bench
