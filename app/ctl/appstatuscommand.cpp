#include "appstatuscommand.h"

#include <cstdio>

#include <QCborArray>

#include "clustercommands.h"
#include "ctlerrors.h"
#include "exitcodes.h"
#include "foresight/control/consoleclient.h"

using namespace foresight;

std::optional<AppStatusReply> fetchAppStatus(const QCommandLineParser &parser,
                                             const QString &command,
                                             const QStringList &args,
                                             int *exitCode)
{
    if (args.size() != 1 || args.first().isEmpty()) {
        *exitCode = usage(QStringLiteral("%1 takes one application name").arg(command));
        return std::nullopt;
    }
    for (const char *other :
         {"force", "dry-run", "at", "app", "after-id", "limit", "store", "for", "format", "out", "process"}) {
        if (parser.isSet(QLatin1String(other))) {
            *exitCode = usage(QStringLiteral("--%1 does not go with %2").arg(QLatin1String(other), command));
            return std::nullopt;
        }
    }
    AppStatusReply result;
    result.app = args.first();
    *exitCode = ExitOk;
    auto client = connectToConsole(parser, exitCode);
    if (!client)
        return std::nullopt;
    auto reply = (*client)->status(result.app); // not-found for an application the console does not have
    if (!reply) {
        *exitCode = reportError(reply.error(), InvalidArgumentIs::Refusal);
        return std::nullopt;
    }
    result.reply = *reply;
    for (const QCborValue &value : reply->value(QStringLiteral("apps")).toArray()) {
        if (value.toMap().value(QStringLiteral("name")).toString() == result.app)
            result.appMap = value.toMap();
    }
    if (result.appMap.isEmpty()) {
        std::fprintf(stderr, "foresightctl: the console's status has no application '%s'\n", qPrintable(result.app));
        *exitCode = ExitRefused;
        return std::nullopt;
    }
    return result;
}
