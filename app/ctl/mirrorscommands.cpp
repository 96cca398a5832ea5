#include "mirrorscommands.h"

#include <cstdio>

#include <QJsonDocument>

#include "appstatuscommand.h"
#include "exitcodes.h"
#include "mirrorsformat.h"

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
    int exitCode = ExitOk;
    const auto status = fetchAppStatus(parser, QStringLiteral("mirrors"), args, &exitCode);
    if (!status)
        return exitCode;
    const QString &app = status->app;
    const QCborMap &appMap = status->appMap;
    const QCborMap &reply = status->reply;
    if (!appMap.value(QStringLiteral("mirrors")).isMap()) {
        std::fprintf(stderr, "foresightctl: %s\n", qPrintable(noMirrorsReason(appMap)));
        return ExitRefused;
    }
    if (parser.isSet(QStringLiteral("json"))) {
        std::printf("%s", QJsonDocument(mirrorsReplyJson(reply, appMap)).toJson(QJsonDocument::Indented).constData());
        return ExitOk;
    }
    std::printf("%s\n",
                qPrintable(formatMirrors(app,
                                         appMap.value(QStringLiteral("primary")).toString(),
                                         appMap.value(QStringLiteral("mirrors")).toMap())));
    return ExitOk;
}
