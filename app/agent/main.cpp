// foresight-agent: holds application state, replicates it, obeys control commands. main() reads
// the command line (agentcommandline.h) and hands the options to the runner (agentrunner.h).

#include <cstdio>

#include <QCoreApplication>

#include "agentcommandline.h"
#include "agentrunner.h"

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("foresight-agent"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FORESIGHT_VERSION_STRING));

    const auto options = parseAgentCommandLine(QCoreApplication::arguments());
    if (!options) {
        std::fprintf(stderr, "foresight-agent: %s\n", qPrintable(options.error().message));
        return 2;
    }
    return runAgent(*options);
}
