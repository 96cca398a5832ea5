#pragma once

#include <QString>
#include <QStringList>

#include "benchmarks.h"
#include "benchreport.h"
#include "foresight/core/result.h"

namespace foresight::bench {

// What foresight-bench was asked to run.
struct BenchCommandLine
{
    const Benchmark *benchmark = nullptr; // nullptr: `list`
    BenchOptions options;
    QString datasetsDir; // --datasets; empty: the benchmark's default
};

// Reads the command line (QCoreApplication::arguments()). --help, --version and an unknown option
// print and exit the process, as QCommandLineParser does; anything else wrong is an
// InvalidArgument whose message main() prints after "foresight-bench: " before exiting with 2.
Result<BenchCommandLine> parseBenchCommandLine(const QStringList &arguments);

} // namespace foresight::bench
