#include "partitionscommands.h"

#include <cstdio>

#include <QJsonDocument>

#include "appstatuscommand.h"
#include "exitcodes.h"
#include "partitionsformat.h"

namespace {

const char *kHelp = R"(
Staleness partitions (docs/partitions.md), on a running console, with the same --console,
--console-key and --key as the cluster commands:
  partitions APP [--json]           APP's partitions as its primary reports them: the clustering
                                    (algorithm, when, clusters, quality) and per partition its id
                                    (cold/CLASS for keys no clustering placed), impact class,
                                    tolerated staleness, keys, bytes, accesses per second, last
                                    access, staleness-impact score and each replica's staleness
                                    (agent:not held for a replica whose stream does not carry it);
                                    --json prints what GET /partitions?app=APP of the HTTP API
                                    answers. Exit code 1 for an unknown application and for one
                                    whose primary has not reported partitions yet
)";

} // namespace

QString partitionsCommandHelp()
{
    return QString::fromUtf8(kHelp);
}

int runPartitionsCommand(const QCommandLineParser &parser, const QStringList &args)
{
    int exitCode = ExitOk;
    const auto status = fetchAppStatus(parser, QStringLiteral("partitions"), args, &exitCode);
    if (!status)
        return exitCode;
    const QString &app = status->app;
    const QCborMap &appMap = status->appMap;
    const QCborMap &reply = status->reply;
    if (!appMap.value(QStringLiteral("partitions")).isMap()) {
        std::fprintf(stderr, "foresightctl: %s\n", qPrintable(noPartitionsReason(appMap)));
        return ExitRefused;
    }
    if (parser.isSet(QStringLiteral("json"))) {
        std::printf("%s", QJsonDocument(partitionsReplyJson(reply, appMap)).toJson(QJsonDocument::Indented).constData());
        return ExitOk;
    }
    std::printf("%s\n",
                qPrintable(formatPartitions(app,
                                            appMap.value(QStringLiteral("primary")).toString(),
                                            appMap.value(QStringLiteral("partitions")).toMap(),
                                            reply.value(QStringLiteral("taken-ms")).toInteger())));
    return ExitOk;
}
