#include "ctlrunner.h"

#include <cstdio>

#include "agentcommands.h"
#include "clustercommands.h"
#include "exitcodes.h"
#include "hostcommands.h"
#include "mirrorscommands.h"
#include "partitionscommands.h"
#include "shadowcommands.h"

namespace {

int usage(const QString &message)
{
    std::fprintf(stderr, "foresightctl: %s (see foresightctl --help)\n", qPrintable(message));
    return ExitUsage;
}

} // namespace

int runCtl(const QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        return usage(QStringLiteral("no command given"));
    const QString command = args.first();
    if (command == QLatin1String("keygen"))
        return runKeygen(parser);
    if (command == QLatin1String("cluster"))
        return runClusterCommand(parser, args.mid(1));
    if (command == QLatin1String("shadow"))
        return runShadowCommand(parser, args.mid(1));
    if (command == QLatin1String("host"))
        return runHostCommand(parser, args.mid(1));
    if (command == QLatin1String("partitions"))
        return runPartitionsCommand(parser, args.mid(1));
    if (command == QLatin1String("mirrors"))
        return runMirrorsCommand(parser, args.mid(1));
    if (command == QLatin1String("report"))
        return runReportCommand(parser, args.mid(1));

    static const QStringList kAgentCommands{QStringLiteral("status"),
                                            QStringLiteral("assign"),
                                            QStringLiteral("promote"),
                                            QStringLiteral("snapshot")};
    if (!kAgentCommands.contains(command))
        return usage(QStringLiteral("unknown command '%1'").arg(command));
    return runAgentCommand(parser, args);
}
