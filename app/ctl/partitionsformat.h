#pragma once

#include <QCborMap>
#include <QJsonObject>
#include <QString>

// An application's staleness partitions (docs/protocol.md 9.2, `partitions`; docs/partitions.md)
// for terminals and scripts. The agent's status-reply (9.2) and the console's
// console-status-reply (15.4) carry the same `partitions` map, so these read either.

// `foresightctl partitions APP`: a header line (the algorithm, when the keys were clustered, the
// clusters and the quality; then why the last clustering failed, if it did) and one row per partition: id (`cold/CLASS` for the cold ones),
// class, tolerated staleness, keys, bytes, rate, last access, score and each replica as
// `agent:staleness` or `agent:not held`. Times are shown as ages against nowWallMs (the
// snapshot's taken-ms).
QString formatPartitions(const QString &app, const QString &primary, const QCborMap &partitions, qint64 nowWallMs);
// One line for `status` and `cluster status`: "partitions: 6 (2 critical), stalest critical:
// charlie 1.3s". Empty for an empty map (the application's primary reports none).
QString partitionsSummary(const QCborMap &partitions);
// `foresightctl partitions APP --json`, the same as the HTTP API's GET /partitions (docs/api.md):
// {"cluster", "taken-ms", "app", "primary", "partitions"} from a console-status-reply and its
// application map.
QJsonObject partitionsReplyJson(const QCborMap &status, const QCborMap &app);
// Why an application has no `partitions` in the console's reply, as one sentence.
QString noPartitionsReason(const QCborMap &app);

// Sizes and durations for tables: 512B, 4.0KiB, 1.5MiB; 250ms, 1.2s, 10min, 3h, 2d.
QString compactBytes(qint64 bytes);
QString compactDuration(qint64 ms);
