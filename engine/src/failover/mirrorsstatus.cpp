// An application's client mirrors between the primary's status (docs/protocol.md 9.2, `mirrors`)
// and the snapshot, and back to CBOR with the same field names for console-status-reply (15.4).

#include <limits>

#include <QCborArray>

#include "foresight/failover/clustersnapshot.h"

namespace foresight::failover {

std::optional<MirrorsView> mirrorsFromStatus(const QCborMap &appStatus, QString *problem)
{
    const QCborValue value = appStatus.value(QStringLiteral("mirrors"));
    if (value.isUndefined())
        return std::nullopt;
    const auto wrong = [problem](const QString &why) -> std::optional<MirrorsView> {
        if (problem)
            *problem = QStringLiteral("mirrors: %1").arg(why);
        return std::nullopt;
    };
    if (!value.isMap())
        return wrong(QStringLiteral("is not a map"));
    const QCborMap map = value.toMap();
    MirrorsView view;
    const QCborValue subscriptions = map.value(QStringLiteral("subscriptions"));
    const QCborValue events = map.value(QStringLiteral("events-sent"));
    if (!subscriptions.isInteger() || subscriptions.toInteger() < 0 || !events.isInteger() || events.toInteger() < 0)
        return wrong(QStringLiteral("subscriptions and events-sent must be whole numbers of 0 or more"));
    view.subscriptions = int(qMin<qint64>(subscriptions.toInteger(), std::numeric_limits<int>::max()));
    view.eventsSent = events.toInteger();
    const QCborValue clients = map.value(QStringLiteral("clients"));
    if (!clients.isUndefined() && !clients.isArray())
        return wrong(QStringLiteral("clients is not an array"));
    for (const QCborValue &entry : clients.toArray()) {
        const QCborMap client = entry.toMap();
        if (!entry.isMap() || !client.value(QStringLiteral("metrics")).isMap())
            return wrong(QStringLiteral("a client is not a map with metrics"));
        view.clients.append({client.value(QStringLiteral("client")).toString(),
                             client.value(QStringLiteral("reported-ms-ago")).toInteger(),
                             client.value(QStringLiteral("metrics")).toMap()});
    }
    return view;
}

QCborMap mirrorsToCbor(const MirrorsView &mirrors)
{
    QCborArray clients;
    for (const MirrorClientView &client : mirrors.clients) {
        clients.append(QCborMap{{QStringLiteral("client"), client.client},
                                {QStringLiteral("reported-ms-ago"), client.reportedMsAgo},
                                {QStringLiteral("metrics"), client.metrics}});
    }
    return QCborMap{{QStringLiteral("subscriptions"), mirrors.subscriptions},
                    {QStringLiteral("events-sent"), mirrors.eventsSent},
                    {QStringLiteral("clients"), clients}};
}

} // namespace foresight::failover
