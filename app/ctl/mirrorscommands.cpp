#include "mirrorscommands.h"

#include <cstdio>

#include <QCborArray>
#include <QJsonDocument>

#include "clustercommands.h"
#include "ctlerrors.h"
#include "exitcodes.h"
#include "foresight/control/consoleclient.h"
#include "mirrorsformat.h"

using namespace foresight;

namespace {

const char *kHelp = R"(
Client mirrors (docs/mirrors.md), on a running console, with the same --console, --console-key
and --key as the cluster commands:
  mirrors APP [--json]              APP's mirrors as its primary reports them: its change-event
                                    subscriptions and events sent, and per client that reported
                                    in the last minute its reads, hit ratio, copies, mean age of
                                    the copies served, refresh p99, forecasts right/missed,
                                    unannounced changes found (stale reads detected), missed
                                    events, resyncs and whether events flow; --json prints the
                                    map as the primary reported it. Exit code 1 for an unknown
                                    application and for one whose primary reports no mirrors
)";

} // namespace

QString mirrorsCommandHelp()
{
    return QString::fromUtf8(kHelp);
}

int runMirrorsCommand(const QCommandLineParser &parser, const QStringList &args)
{
    if (args.size() != 1 || args.first().isEmpty())
        return usage(QStringLiteral("mirrors takes one application name"));
    for (const char *other :
         {"force", "dry-run", "at", "app", "after-id", "limit", "store", "for", "format", "out", "process"}) {
        if (parser.isSet(QLatin1String(other)))
            return usage(QStringLiteral("--%1 does not go with mirrors").arg(QLatin1String(other)));
    }
    const QString app = args.first();

    int exitCode = ExitOk;
    auto client = connectToConsole(parser, &exitCode);
    if (!client)
        return exitCode;
    auto reply = (*client)->status(app); // not-found for an application the console does not have
    if (!reply)
        return reportError(reply.error(), InvalidArgumentIs::Refusal);
    QCborMap appMap;
    for (const QCborValue &value : reply->value(QStringLiteral("apps")).toArray()) {
        if (value.toMap().value(QStringLiteral("name")).toString() == app)
            appMap = value.toMap();
    }
    if (appMap.isEmpty()) {
        std::fprintf(stderr, "foresightctl: the console's status has no application '%s'\n", qPrintable(app));
        return ExitRefused;
    }
    if (!appMap.value(QStringLiteral("mirrors")).isMap()) {
        std::fprintf(stderr, "foresightctl: %s\n", qPrintable(noMirrorsReason(appMap)));
        return ExitRefused;
    }
    if (parser.isSet(QStringLiteral("json"))) {
        std::printf("%s", QJsonDocument(mirrorsReplyJson(*reply, appMap)).toJson(QJsonDocument::Indented).constData());
        return ExitOk;
    }
    std::printf("%s\n",
                qPrintable(formatMirrors(app,
                                         appMap.value(QStringLiteral("primary")).toString(),
                                         appMap.value(QStringLiteral("mirrors")).toMap())));
    return ExitOk;
}
