#pragma once

// GET /partitions?app=NAME (docs/api.md) as pure functions: what the query means and the JSON of
// the answer, the same that `foresightctl partitions APP --json` prints. shadowapi.cpp routes the
// path here and answers from the engine's latest snapshot. Tested in tests/app/tst_apijson.cpp.

#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include "apijson.h"
#include "foresight/failover/clustersnapshot.h"

namespace foresight::api {

inline const QString kPartitionsPath = QStringLiteral("/partitions");

// The application asked for: `app` is required (400 missing-field), non-empty and at most
// kMaxNameLength characters (400 invalid-field); any other parameter is 400 unknown-field.
ApiResult<QString> parsePartitionsQuery(const QUrlQuery &query);

// 200 body: {"cluster", "taken-ms", "app", "primary", "partitions"}, partitions as
// failover::partitionsJson() (docs/protocol.md 9.2's field names), or null with a `reason` while
// the primary has reported none. 404 not-found naming the application when the snapshot has none
// by that name.
ApiResult<QJsonObject> partitionsStatusJson(const failover::ClusterSnapshot &snapshot, const QString &app);

} // namespace foresight::api
