#include "partitionscommands.h"

#include <cstdio>

#include <QCborArray>
#include <QJsonDocument>

#include "clustercommands.h"
#include "ctlerrors.h"
#include "exitcodes.h"
#include "foresight/control/consoleclient.h"
#include "partitionsformat.h"

using namespace foresight;

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
    if (args.size() != 1 || args.first().isEmpty())
        return usage(QStringLiteral("partitions takes one application name"));
    for (const char *other :
         {"force", "dry-run", "at", "app", "after-id", "limit", "store", "for", "format", "out", "process"}) {
        if (parser.isSet(QLatin1String(other)))
            return usage(QStringLiteral("--%1 does not go with partitions").arg(QLatin1String(other)));
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
    if (!appMap.value(QStringLiteral("partitions")).isMap()) {
        std::fprintf(stderr, "foresightctl: %s\n", qPrintable(noPartitionsReason(appMap)));
        return ExitRefused;
    }
    if (parser.isSet(QStringLiteral("json"))) {
        std::printf("%s",
                    QJsonDocument(partitionsReplyJson(*reply, appMap)).toJson(QJsonDocument::Indented).constData());
        return ExitOk;
    }
    std::printf("%s\n",
                qPrintable(formatPartitions(app,
                                            appMap.value(QStringLiteral("primary")).toString(),
                                            appMap.value(QStringLiteral("partitions")).toMap(),
                                            reply->value(QStringLiteral("taken-ms")).toInteger())));
    return ExitOk;
}
