#include "partitionsjson.h"

#include <QUrl>

#include "jsonbody.h"

namespace foresight::api {

namespace {
const QString kApp = QStringLiteral("app");
} // namespace

ApiResult<QString> parsePartitionsQuery(const QUrlQuery &query)
{
    QString app;
    bool given = false;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key != kApp)
            return apiFail(400,
                           QStringLiteral("unknown-field"),
                           QStringLiteral("unknown query parameter '%1': /partitions takes app only").arg(key),
                           key);
        given = true;
        app = value;
    }
    if (!given)
        return apiFail(400,
                       QStringLiteral("missing-field"),
                       QStringLiteral("/partitions needs the application: ask for /partitions?app=NAME"),
                       kApp);
    if (app.isEmpty() || app.size() > kMaxNameLength)
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       QStringLiteral("'app' must be an application name of 1 to %1 characters").arg(kMaxNameLength),
                       kApp);
    return app;
}

ApiResult<QJsonObject> partitionsStatusJson(const failover::ClusterSnapshot &snapshot, const QString &app)
{
    const failover::AppView *view = snapshot.app(app);
    if (!view)
        return apiFail(404,
                       QStringLiteral("not-found"),
                       QStringLiteral("no application '%1' in the cluster configuration").arg(app),
                       kApp);
    QJsonObject json{{QStringLiteral("cluster"), snapshot.clusterName},
                     {QStringLiteral("taken-ms"), snapshot.takenWallMs},
                     {kApp, view->name},
                     {QStringLiteral("primary"), view->primary},
                     {QStringLiteral("partitions"),
                      view->partitions ? QJsonValue(failover::partitionsJson(*view->partitions)) : QJsonValue()}};
    if (!view->partitions)
        json.insert(QStringLiteral("reason"),
                    view->primary.isEmpty()
                        ? QStringLiteral("%1 has no primary: its partitions come from the primary's status").arg(app)
                        : QStringLiteral("no partitions reported yet: the primary %1 reports them once it has "
                                         "accepted a write or linked a warm replica (an agent older than "
                                         "partitions reports none)")
                              .arg(view->primary));
    return json;
}

} // namespace foresight::api
