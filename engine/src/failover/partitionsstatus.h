#pragma once

// Private: an application's staleness partitions as its primary reports them in its status and
// heartbeats (docs/protocol.md 9.2, `partitions`), read into the snapshot's PartitionsView. Pure:
// no engine state, callable from any thread.

#include <optional>

#include <QCborMap>
#include <QString>

#include "foresight/failover/clustersnapshot.h"

namespace foresight::failover {

// The `partitions` map of one application's status map (9.2's per-application map). Unset when
// the map has none (an agent older than partitions, a replica, a primary without a usage
// profile) and when it is malformed: a field of the wrong kind, a negative count, an unknown
// impact class, a partition without an id. Absent fields take their defaults (0, empty, unset
// quality; a cold partition without `class` takes the one its id names). An unknown tier name
// is kept as Tier::None: the vocabulary may grow. With `problem`, a malformed map says there
// what is wrong ("partitions.list[2].class: 'urgent' is not an impact class"); it is cleared
// otherwise.
std::optional<PartitionsView> partitionsFromStatus(const QCborMap &appStatus, QString *problem = nullptr);

} // namespace foresight::failover
