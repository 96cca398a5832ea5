#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/vocabulary/processspec.h"
#include "foresight/vocabulary/roles.h"

namespace foresight {

// Per-application replication settings. On a replica, the primary's settings win where they
// concern the stream (critical patterns travel in the replica-welcome message).
// The clustering algorithms AppConfig::partitioning names.
bool isPartitioningAlgorithm(const QString &name);

struct AppConfig
{
    QStringList critical;             // glob patterns of the keys a warm replica receives
    int syncReplicas = 1;             // hot acknowledgements a replicated write needs
    int ackTimeoutMs = 2000;          // how long a write waits for them
    int snapshotIntervalMs = 5000;    // how often cold replicas receive a snapshot
    qsizetype logMaxDeltas = 100'000; // delta log bounds, for catch-up without snapshots
    qsizetype logMaxBytes = 64 * 1024 * 1024;
    // Write lease: 0 turns leases off (a standalone agent, the demo). Above 0, the primary takes
    // writes only while it holds a lease from its console (the lease message), measured on its
    // own monotonic clock from when the grant arrived; a console promotes another replica only
    // once the old lease has certainly expired. No split brain, even when the old primary was
    // frozen or cut off and does not know it has been replaced.
    int leaseMs = 0;
    // The application's process, when the agents are to run it (docs/managed-apps.md); unset:
    // state only. In JSON the key `process`: null when unset (toJson writes it always, so that
    // an assign built from it removes a process); mergeJson keeps it when absent, clears it on null.
    ProcessSpec process;
    // How the primary clusters the keys into staleness partitions (docs/partitions.md): "kmeans"
    // (k chosen by the silhouette) or "dbscan" (density-shaped groups, sparse keys left cold).
    QString partitioning = QStringLiteral("kmeans");

    Status validate() const;
    QJsonObject toJson() const;
    // Fields absent from json keep this object's values; bad values give InvalidArgument.
    Status mergeJson(const QJsonObject &json, const QString &where);
};

// An application's role on this agent. A replica names the primary's agent endpoint and key.
struct AppAssignment
{
    QString app;
    Role role = Role::Primary;
    Tier tier = Tier::None;
    QString primaryUrl;
    QByteArray primaryPublicKey;
    AppConfig config;
    // A hot replica that is the application's shadow: its agent runs a passive instance of the
    // application's process (`assign` field `shadow`, docs/protocol.md 9.3).
    bool shadow = false;

    Status validate() const;
};

} // namespace foresight
