// foresight-bench NAME [--duration-ms N] [--rounds N] [--quick] [--datasets DIR]: runs one benchmark and
// prints its figures as JSON lines on stdout (docs/benchmarks.md). Diagnostics go to stderr.
// main() makes the application object, reads the command line (benchcommandline.h) and hands over
// to the runner (benchrunner.h); the benchmarks are listed in benchmarks.cpp.

#include <cstdio>
#include <memory>

#include <QCoreApplication>
#ifdef FORESIGHT_BENCH_GUI
#include <QApplication>
#endif

#include "benchcommandline.h"
#include "benchrunner.h"

int main(int argc, char *argv[])
{
#ifdef FORESIGHT_BENCH_GUI
    // The window benchmark needs a QApplication, offscreen unless a platform is chosen.
    const bool gui = argc > 1 && QByteArray(argv[1]) == "gui";
    if (gui && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> app = gui ? std::make_unique<QApplication>(argc, argv)
                                                      : std::make_unique<QCoreApplication>(argc, argv);
#else
    const auto app = std::make_unique<QCoreApplication>(argc, argv);
#endif
    QCoreApplication::setApplicationName(QStringLiteral("foresight-bench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FORESIGHT_VERSION));

    const auto commandLine = foresight::bench::parseBenchCommandLine(QCoreApplication::arguments());
    if (!commandLine) {
        std::fprintf(stderr, "foresight-bench: %s\n", qPrintable(commandLine.error().message));
        return 2;
    }
    return foresight::bench::runBench(*commandLine);
}
