// An application's staleness partitions between the primary's status (docs/protocol.md 9.2) and
// the snapshot: read from the status map, written as JSON with the same field names, so that
// console-status-reply (15.4), foresightctl and the HTTP API need one description.

#include "failover/partitionsstatus.h"

#include <limits>
#include <utility>

#include <QCborArray>
#include <QJsonArray>

#include "foresight/vocabulary/roles.h"

namespace foresight::failover {

namespace {

// Reads fields of one map, remembering the first one that is wrong; absent fields keep the
// caller's default. Every later read after a problem is a no-op, so the first problem is named.
class FieldReader final
{
public:
    FieldReader(QCborMap map, QString path, QString *problem)
        : m_map(std::move(map))
        , m_path(std::move(path))
        , m_problem(problem)
    {}

    bool ok() const { return m_problem->isEmpty(); }

    QCborValue value(const char *key) const { return m_map.value(QLatin1String(key)); }
    bool has(const char *key) const { return m_map.contains(QLatin1String(key)); }

    // A uint field (a CBOR integer, not negative).
    void count(const char *key, qint64 *out)
    {
        const QCborValue v = value(key);
        if (!ok() || v.isUndefined())
            return;
        if (!v.isInteger() || v.toInteger() < 0)
            return wrong(key, QStringLiteral("is not a whole number of 0 or more"));
        *out = v.toInteger();
    }
    void count(const char *key, int *out)
    {
        qint64 wide = *out;
        count(key, &wide);
        if (ok())
            *out = int(qMin<qint64>(wide, std::numeric_limits<int>::max()));
    }
    // An int field (the partition's id).
    void integer(const char *key, qint64 *out)
    {
        const QCborValue v = value(key);
        if (!ok() || v.isUndefined())
            return;
        if (!v.isInteger())
            return wrong(key, QStringLiteral("is not an integer"));
        *out = v.toInteger();
    }
    // A number field: a CBOR integer or float.
    void number(const char *key, double *out)
    {
        const QCborValue v = value(key);
        if (!ok() || v.isUndefined())
            return;
        if (!v.isInteger() && !v.isDouble())
            return wrong(key, QStringLiteral("is not a number"));
        *out = v.toDouble();
    }
    void flag(const char *key, bool *out)
    {
        const QCborValue v = value(key);
        if (!ok() || v.isUndefined())
            return;
        if (!v.isBool())
            return wrong(key, QStringLiteral("is not true or false"));
        *out = v.toBool();
    }
    void text(const char *key, QString *out)
    {
        const QCborValue v = value(key);
        if (!ok() || v.isUndefined())
            return;
        if (!v.isString())
            return wrong(key, QStringLiteral("is not text"));
        *out = v.toString();
    }
    void texts(const char *key, QStringList *out)
    {
        const QCborValue v = value(key);
        if (!ok() || v.isUndefined())
            return;
        if (!v.isArray())
            return wrong(key, QStringLiteral("is not an array"));
        QStringList list;
        for (const QCborValue &item : v.toArray()) {
            if (!item.isString())
                return wrong(key, QStringLiteral("holds something that is not text"));
            list.append(item.toString());
        }
        *out = list;
    }
    // An array of maps; each map is handed to `read` with its path.
    template<typename Read>
    void maps(const char *key, Read read)
    {
        const QCborValue v = value(key);
        if (!ok() || v.isUndefined())
            return;
        if (!v.isArray())
            return wrong(key, QStringLiteral("is not an array"));
        const QCborArray array = v.toArray();
        for (qsizetype i = 0; i < array.size() && ok(); ++i) {
            const QString path = QStringLiteral("%1.%2[%3]").arg(m_path, QLatin1String(key)).arg(i);
            if (!array[i].isMap()) {
                *m_problem = QStringLiteral("%1 is not a map").arg(path);
                return;
            }
            read(array[i].toMap(), path);
        }
    }

    void wrong(const char *key, const QString &what)
    {
        if (ok())
            *m_problem = QStringLiteral("%1.%2 %3").arg(m_path, QLatin1String(key), what);
    }

private:
    QCborMap m_map;
    QString m_path;
    QString *m_problem;
};

// The impact class of a cold partition, by its id (9.2): 0 low, -1 medium, -2 high, -3 critical.
std::optional<config::ImpactClass> coldClass(qint64 id)
{
    switch (id) {
    case 0:
        return config::ImpactClass::Low;
    case -1:
        return config::ImpactClass::Medium;
    case -2:
        return config::ImpactClass::High;
    case -3:
        return config::ImpactClass::Critical;
    default:
        return std::nullopt;
    }
}

void readReplica(const QCborMap &map, const QString &path, QString *problem, PartitionReplicaView *replica)
{
    FieldReader fields(map, path, problem);
    fields.text("agent", &replica->agent);
    QString tier;
    fields.text("tier", &tier);
    replica->tier = tierFromName(tier).value_or(Tier::None);
    fields.flag("held", &replica->held);
    fields.count("staleness-ms", &replica->stalenessMs);
    fields.number("score", &replica->score);
}

void readPartition(const QCborMap &map, const QString &path, QString *problem, PartitionView *partition)
{
    FieldReader fields(map, path, problem);
    if (!fields.has("id"))
        return fields.wrong("id", QStringLiteral("is missing"));
    fields.integer("id", &partition->id);
    partition->cold = partition->id <= 0;
    fields.flag("cold", &partition->cold);
    QString className;
    fields.text("class", &className);
    if (!fields.ok())
        return;
    if (className.isEmpty()) {
        const auto byId = partition->cold ? coldClass(partition->id) : std::nullopt;
        if (!byId)
            return fields.wrong("class", QStringLiteral("is missing"));
        partition->impactClass = *byId;
    } else if (const auto impactClass = config::impactClassFromName(className)) {
        partition->impactClass = *impactClass;
    } else {
        return fields.wrong("class", QStringLiteral("'%1' is not an impact class").arg(className));
    }
    fields.count("tolerated-ms", &partition->toleratedMs);
    fields.count("keys", &partition->keys);
    fields.count("bytes", &partition->bytes);
    fields.texts("sample", &partition->sample);
    fields.number("rate", &partition->rate);
    fields.count("last-access-ms", &partition->lastAccessWallMs);
    fields.count("last-change-ms", &partition->lastChangeWallMs);
    fields.number("score", &partition->score);
    fields.maps("replicas", [&](const QCborMap &item, const QString &itemPath) {
        PartitionReplicaView replica;
        readReplica(item, itemPath, problem, &replica);
        partition->replicas.append(replica);
    });
}

} // namespace

std::optional<PartitionsView> partitionsFromStatus(const QCborMap &appStatus, QString *problem)
{
    QString localProblem;
    QString &found = problem ? *problem : localProblem;
    found.clear();
    const QCborValue value = appStatus.value(QStringLiteral("partitions"));
    if (value.isUndefined())
        return std::nullopt;
    if (!value.isMap()) {
        found = QStringLiteral("partitions is not a map");
        return std::nullopt;
    }
    PartitionsView partitions;
    FieldReader fields(value.toMap(), QStringLiteral("partitions"), &found);
    fields.text("algorithm", &partitions.algorithm);
    fields.count("clustered-ms", &partitions.clusteredWallMs);
    fields.count("clusters", &partitions.clusters);
    if (fields.has("quality")) {
        double quality = 0;
        fields.number("quality", &quality);
        partitions.quality = quality;
    }
    fields.count("tracked-keys", &partitions.trackedKeys);
    fields.text("error", &partitions.error);
    fields.maps("list", [&](const QCborMap &item, const QString &path) {
        PartitionView partition;
        readPartition(item, path, &found, &partition);
        partitions.list.append(partition);
    });
    if (!found.isEmpty())
        return std::nullopt;
    return partitions;
}

QJsonObject partitionsJson(const PartitionsView &partitions)
{
    QJsonArray list;
    for (const PartitionView &partition : partitions.list) {
        QJsonArray replicas;
        for (const PartitionReplicaView &replica : partition.replicas) {
            QJsonObject json{{QStringLiteral("agent"), replica.agent},
                             {QStringLiteral("tier"), tierName(replica.tier)},
                             {QStringLiteral("held"), replica.held}};
            // As the primary reports them (9.2): a partition the replica does not hold has no staleness.
            if (replica.held) {
                json.insert(QStringLiteral("staleness-ms"), replica.stalenessMs);
                json.insert(QStringLiteral("score"), replica.score);
            }
            replicas.append(json);
        }
        list.append(QJsonObject{{QStringLiteral("id"), partition.id},
                                {QStringLiteral("cold"), partition.cold},
                                {QStringLiteral("class"), config::impactClassName(partition.impactClass)},
                                {QStringLiteral("tolerated-ms"), partition.toleratedMs},
                                {QStringLiteral("keys"), partition.keys},
                                {QStringLiteral("bytes"), partition.bytes},
                                {QStringLiteral("sample"), QJsonArray::fromStringList(partition.sample)},
                                {QStringLiteral("rate"), partition.rate},
                                {QStringLiteral("last-access-ms"), partition.lastAccessWallMs},
                                {QStringLiteral("last-change-ms"), partition.lastChangeWallMs},
                                {QStringLiteral("score"), partition.score},
                                {QStringLiteral("replicas"), replicas}});
    }
    QJsonObject json{{QStringLiteral("algorithm"), partitions.algorithm},
                     {QStringLiteral("clustered-ms"), partitions.clusteredWallMs},
                     {QStringLiteral("clusters"), partitions.clusters},
                     {QStringLiteral("tracked-keys"), partitions.trackedKeys},
                     {QStringLiteral("list"), list}};
    if (partitions.quality)
        json.insert(QStringLiteral("quality"), *partitions.quality);
    if (!partitions.error.isEmpty())
        json.insert(QStringLiteral("error"), partitions.error);
    return json;
}

} // namespace foresight::failover
