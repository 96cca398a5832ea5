#include "foresight/vocabulary/appconfig.h"

#include <QJsonArray>

#include "core/jsonfields.h"

namespace foresight {

bool isPartitioningAlgorithm(const QString &name)
{
    return name == QLatin1String("kmeans") || name == QLatin1String("dbscan");
}

Status AppConfig::validate() const
{
    if (syncReplicas < 0)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("syncReplicas must not be negative"));
    if (ackTimeoutMs < 1 || snapshotIntervalMs < 10 || logMaxDeltas < 1 || logMaxBytes < 1024)
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral(
                "ackTimeoutMs >= 1, snapshotIntervalMs >= 10, logMaxDeltas >= 1 and logMaxBytes >= 1024 are required"));
    if (!isPartitioningAlgorithm(partitioning))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("partitioning must be \"kmeans\" or \"dbscan\", not \"%1\"").arg(partitioning));
    for (const QString &pattern : critical) {
        if (pattern.isEmpty())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("critical-key patterns must not be empty"));
    }
    return {};
}

QJsonObject AppConfig::toJson() const
{
    QJsonObject json{{QStringLiteral("critical"), QJsonArray::fromStringList(critical)},
                     {QStringLiteral("syncReplicas"), syncReplicas},
                     {QStringLiteral("ackTimeoutMs"), ackTimeoutMs},
                     {QStringLiteral("snapshotIntervalMs"), snapshotIntervalMs},
                     {QStringLiteral("logMaxDeltas"), qint64(logMaxDeltas)},
                     {QStringLiteral("logMaxBytes"), qint64(logMaxBytes)},
                     {QStringLiteral("leaseMs"), leaseMs},
                     {QStringLiteral("partitioning"), partitioning}};
    // Always written, null without a process: an assign built from this JSON must take a
    // removed process away on the agent too, where an absent key would keep it.
    json.insert(QStringLiteral("process"), process.isSet() ? QJsonValue(process.toJson()) : QJsonValue());
    return json;
}

Status AppConfig::mergeJson(const QJsonObject &json, const QString &where)
{
    AppConfig next = *this;
    if (json.contains(QLatin1String("critical"))) {
        const QJsonValue value = json.value(QLatin1String("critical"));
        if (!value.isArray())
            return fail(ErrorCode::InvalidArgument,
                        where + QStringLiteral(": 'critical' must be an array of glob patterns"));
        next.critical.clear();
        for (const QJsonValue &item : value.toArray()) {
            if (!item.isString() || item.toString().isEmpty())
                return fail(ErrorCode::InvalidArgument,
                            where + QStringLiteral(": 'critical' patterns must be non-empty strings"));
            next.critical.append(item.toString());
        }
    }
    auto sync = intField(json, "syncReplicas", syncReplicas, 0, 64, where);
    auto ackTimeout = intField(json, "ackTimeoutMs", ackTimeoutMs, 1, 600'000, where);
    auto interval = intField(json, "snapshotIntervalMs", snapshotIntervalMs, 10, 86'400'000, where);
    auto logDeltas
        = intField(json, "logMaxDeltas", int(qMin<qsizetype>(logMaxDeltas, 100'000'000)), 1, 100'000'000, where);
    auto logBytes
        = intField(json, "logMaxBytes", int(qMin<qsizetype>(logMaxBytes, 2'000'000'000)), 1024, 2'000'000'000, where);
    auto lease = intField(json, "leaseMs", leaseMs, 0, 600'000, where);
    auto algorithm = stringField(json, "partitioning", partitioning, where);
    if (!algorithm)
        return std::unexpected(algorithm.error());
    if (!isPartitioningAlgorithm(*algorithm))
        return fail(ErrorCode::InvalidArgument,
                    where
                        + QStringLiteral(".partitioning: must be \"kmeans\" or \"dbscan\", not \"%1\"").arg(*algorithm));
    for (const auto *result : {&sync, &ackTimeout, &interval, &logDeltas, &logBytes, &lease}) {
        if (!*result)
            return std::unexpected(result->error());
    }
    if (json.contains(QLatin1String("process"))) {
        const QJsonValue value = json.value(QLatin1String("process"));
        if (value.isNull()) {
            next.process = {};
        } else {
            auto spec = ProcessSpec::fromJson(value, where + QStringLiteral(".process"));
            if (!spec)
                return std::unexpected(spec.error());
            next.process = *spec;
        }
    }
    next.leaseMs = *lease;
    next.partitioning = *algorithm;
    next.syncReplicas = *sync;
    next.ackTimeoutMs = *ackTimeout;
    next.snapshotIntervalMs = *interval;
    next.logMaxDeltas = *logDeltas;
    next.logMaxBytes = *logBytes;
    *this = next;
    return {};
}

Status AppAssignment::validate() const
{
    // Agent and application names together make a replica's ZeroMQ routing id (<= 255 bytes).
    if (app.isEmpty() || app.toUtf8().size() > 100 || app.contains(QLatin1Char('/')))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("an application needs a name of 1 to 100 bytes without '/'"));
    if (role == Role::Primary && tier != Tier::None)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("application '%1': a primary has no tier").arg(app));
    if (role == Role::Replica) {
        if (tier == Tier::None)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("application '%1': a replica needs a tier (hot, warm or cold)").arg(app));
        if (primaryUrl.isEmpty())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("application '%1': a replica needs its primary's endpoint").arg(app));
    }
    if (shadow && (role != Role::Replica || tier != Tier::Hot))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("application '%1': a shadow is a hot replica (role replica, tier hot)").arg(app));
    return config.validate();
}

} // namespace foresight
