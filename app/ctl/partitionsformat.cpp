#include "partitionsformat.h"

#include <QCborArray>
#include <QList>
#include <QStringList>

#include "clusterformat.h"

namespace {

QString text(const QCborMap &map, const char *key)
{
    return map.value(QLatin1String(key)).toString();
}

qint64 number(const QCborMap &map, const char *key)
{
    return map.value(QLatin1String(key)).toInteger();
}

QCborArray list(const QCborMap &map, const char *key)
{
    return map.value(QLatin1String(key)).toArray();
}

// One decimal below ten units, none above: 4.0KiB, 512KiB; 1.2s, 42s.
QString scaled(double value, const char *unit)
{
    return QString::number(value, 'f', value < 10 ? 1 : 0) + QLatin1String(unit);
}

QString ago(qint64 wallMs, qint64 nowWallMs)
{
    if (wallMs <= 0)
        return QStringLiteral("never");
    return compactDuration(qMax<qint64>(0, nowWallMs - wallMs)) + QStringLiteral(" ago");
}

QString partitionId(const QCborMap &partition)
{
    if (partition.value(QStringLiteral("cold")).toBool())
        return QStringLiteral("cold/") + text(partition, "class");
    return QString::number(number(partition, "id"));
}

QString replicaCell(const QCborMap &replica)
{
    const QString agent = text(replica, "agent");
    if (!replica.value(QStringLiteral("held")).toBool())
        return agent + QStringLiteral(":not held");
    return agent + QLatin1Char(':') + compactDuration(number(replica, "staleness-ms"));
}

} // namespace

QString compactBytes(qint64 bytes)
{
    if (bytes < 1024)
        return QString::number(qMax<qint64>(0, bytes)) + QLatin1Char('B');
    const char *units[] = {"KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes) / 1024;
    int unit = 0;
    while (value >= 1024 && unit < 3) {
        value /= 1024;
        ++unit;
    }
    return scaled(value, units[unit]);
}

QString compactDuration(qint64 ms)
{
    ms = qMax<qint64>(0, ms);
    if (ms < 1000)
        return QString::number(ms) + QStringLiteral("ms");
    if (ms < 60'000)
        return ms % 1000 == 0 ? QString::number(ms / 1000) + QLatin1Char('s') : scaled(double(ms) / 1000, "s");
    if (ms < 3'600'000)
        return QString::number(ms / 60'000) + QStringLiteral("min");
    if (ms < 86'400'000)
        return QString::number(ms / 3'600'000) + QLatin1Char('h');
    return QString::number(ms / 86'400'000) + QLatin1Char('d');
}

QString formatPartitions(const QString &app, const QString &primary, const QCborMap &partitions, qint64 nowWallMs)
{
    const QCborArray partitionList = list(partitions, "list");
    const qint64 clusteredMs = number(partitions, "clustered-ms");
    QString clustering = clusteredMs > 0 ? QStringLiteral("%1, clustered %2: %3 clusters")
                                               .arg(text(partitions, "algorithm"), ago(clusteredMs, nowWallMs))
                                               .arg(number(partitions, "clusters"))
                                         : QStringLiteral("%1, not clustered yet (every key is in a cold partition)")
                                               .arg(text(partitions, "algorithm"));
    if (partitions.contains(QStringLiteral("quality")))
        clustering
            += QStringLiteral(", quality %1").arg(partitions.value(QStringLiteral("quality")).toDouble(), 0, 'f', 2);
    QStringList lines;
    lines << QStringLiteral("%1 (primary %2): %3 partitions; %4; %5 tracked keys")
                 .arg(app, primary)
                 .arg(partitionList.size())
                 .arg(clustering)
                 .arg(number(partitions, "tracked-keys"));
    if (const QString error = text(partitions, "error"); !error.isEmpty())
        lines << QStringLiteral("  the last clustering failed (the partitions before it stay): %1").arg(error);
    QList<QStringList> rows{{QStringLiteral("id"),
                             QStringLiteral("class"),
                             QStringLiteral("tolerated"),
                             QStringLiteral("keys"),
                             QStringLiteral("bytes"),
                             QStringLiteral("rate/s"),
                             QStringLiteral("last access"),
                             QStringLiteral("score"),
                             QStringLiteral("replicas (staleness)")}};
    for (const QCborValue &value : partitionList) {
        const QCborMap partition = value.toMap();
        QStringList replicas;
        for (const QCborValue &replica : list(partition, "replicas"))
            replicas << replicaCell(replica.toMap());
        rows << QStringList{partitionId(partition),
                            text(partition, "class"),
                            compactDuration(number(partition, "tolerated-ms")),
                            QString::number(number(partition, "keys")),
                            compactBytes(number(partition, "bytes")),
                            QString::number(partition.value(QStringLiteral("rate")).toDouble(), 'f', 2),
                            ago(number(partition, "last-access-ms"), nowWallMs),
                            QString::number(partition.value(QStringLiteral("score")).toDouble(), 'f', 1),
                            replicas.isEmpty() ? QStringLiteral("-") : replicas.join(QLatin1Char(' '))};
    }
    lines << alignedTable(rows, QStringLiteral("  "));
    return lines.join(QLatin1Char('\n'));
}

QString partitionsSummary(const QCborMap &partitions)
{
    if (partitions.isEmpty())
        return QString();
    const QCborArray partitionList = list(partitions, "list");
    int critical = 0;
    qint64 stalest = 0;
    QString stalestAgent;
    for (const QCborValue &value : partitionList) {
        const QCborMap partition = value.toMap();
        if (text(partition, "class") != QLatin1String("critical"))
            continue;
        ++critical;
        for (const QCborValue &item : list(partition, "replicas")) {
            const QCborMap replica = item.toMap();
            if (replica.value(QStringLiteral("held")).toBool() && number(replica, "staleness-ms") > stalest) {
                stalest = number(replica, "staleness-ms");
                stalestAgent = text(replica, "agent");
            }
        }
    }
    QString line = QStringLiteral("partitions: %1 (%2 critical)").arg(partitionList.size()).arg(critical);
    if (stalest > 0)
        line += QStringLiteral(", stalest critical: %1 %2").arg(stalestAgent, compactDuration(stalest));
    else if (critical > 0)
        line += QStringLiteral(", critical ones current on every replica holding them");
    return line;
}

QJsonObject partitionsReplyJson(const QCborMap &status, const QCborMap &app)
{
    const QCborValue partitions = app.value(QStringLiteral("partitions"));
    return QJsonObject{{QStringLiteral("cluster"), text(status, "cluster")},
                       {QStringLiteral("taken-ms"), number(status, "taken-ms")},
                       {QStringLiteral("app"), text(app, "name")},
                       {QStringLiteral("primary"), text(app, "primary")},
                       {QStringLiteral("partitions"),
                        partitions.isMap() ? QJsonValue(partitions.toMap().toJsonObject()) : QJsonValue()}};
}

QString noPartitionsReason(const QCborMap &app)
{
    const QString name = text(app, "name");
    const QString primary = text(app, "primary");
    if (primary.isEmpty())
        return QStringLiteral("%1 has no primary: its partitions come from the primary's status").arg(name);
    return QStringLiteral("no partitions reported yet for %1: its primary %2 reports them once it has accepted a "
                          "write or linked a warm replica (an agent older than partitions reports none)")
        .arg(name, primary);
}
