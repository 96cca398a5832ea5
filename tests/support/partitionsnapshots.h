#pragma once

// Hand-made snapshots with staleness partitions, for the widget tests (the primary's report that
// fills them is built elsewhere): one application, "shop", whose primary alpha has a hot replica
// bravo, current on every partition, and a warm replica charlie that holds the critical
// partitions only.

#include <memory>

#include <QList>
#include <QString>

#include "foresight/failover/clustersnapshot.h"

namespace foresight::testing {

// 2026-01-01T00:00:00Z.
inline constexpr qint64 kStartMs = 1767225600000;

inline failover::PartitionReplicaView replica(const QString &agent, Tier tier, bool held, qint64 stalenessMs = 0)
{
    failover::PartitionReplicaView view;
    view.agent = agent;
    view.tier = tier;
    view.held = held;
    view.stalenessMs = held ? stalenessMs : 0;
    view.score = held && stalenessMs > 0 ? 1.5 : 0;
    return view;
}

inline failover::PartitionView partition(qint64 id,
                                         config::ImpactClass impactClass,
                                         qint64 toleratedMs,
                                         qint64 keys,
                                         qint64 bytes,
                                         QList<failover::PartitionReplicaView> replicas)
{
    failover::PartitionView view;
    view.id = id;
    view.cold = id <= 0;
    view.impactClass = impactClass;
    view.toleratedMs = toleratedMs;
    view.keys = keys;
    view.bytes = bytes;
    view.sample = {QStringLiteral("key-%1").arg(id)};
    view.rate = 2.5;
    view.lastAccessWallMs = kStartMs - 3000;
    view.replicas = std::move(replicas);
    return view;
}

// "shop": primary alpha, a hot replica bravo (holds everything, current) and a warm replica charlie
// (holds the critical partitions only). charlieCriticalMs is how stale charlie's copy of the
// critical partition 1 is; the cold critical partition -3 is 3 s stale on charlie (tolerated 1 s).
inline failover::AppView shopApp(qint64 charlieCriticalMs = 400, bool withPartitions = true)
{
    failover::AppView app;
    app.name = QStringLiteral("shop");
    app.primary = QStringLiteral("alpha");
    app.phase = failover::AppPhase::Healthy;
    app.replicas.resize(2);
    app.replicas[0].agent = QStringLiteral("bravo");
    app.replicas[0].tier = Tier::Hot;
    app.replicas[1].agent = QStringLiteral("charlie");
    app.replicas[1].tier = Tier::Warm;
    if (!withPartitions)
        return app;
    const QString bravo = QStringLiteral("bravo");
    const QString charlie = QStringLiteral("charlie");
    failover::PartitionsView partitions;
    partitions.algorithm = QStringLiteral("kmeans");
    partitions.clusteredWallMs = kStartMs - 120'000;
    partitions.clusters = 2;
    partitions.quality = 0.62;
    partitions.trackedKeys = 5000;
    partitions.list = {
        partition(1,
                  config::ImpactClass::Critical,
                  1000,
                  100,
                  10'000,
                  {replica(bravo, Tier::Hot, true), replica(charlie, Tier::Warm, true, charlieCriticalMs)}),
        partition(2,
                  config::ImpactClass::High,
                  5000,
                  2000,
                  1'000'000,
                  {replica(bravo, Tier::Hot, true), replica(charlie, Tier::Warm, false)}),
        partition(-3,
                  config::ImpactClass::Critical,
                  1000,
                  10,
                  500,
                  {replica(bravo, Tier::Hot, true), replica(charlie, Tier::Warm, true, 3000)}),
        partition(0,
                  config::ImpactClass::Low,
                  600'000,
                  10'400,
                  2'100'000,
                  {replica(bravo, Tier::Hot, true, 5000), replica(charlie, Tier::Warm, false)}),
    };
    app.partitions = std::move(partitions);
    return app;
}

inline std::shared_ptr<const failover::ClusterSnapshot> snapshotOf(QList<failover::AppView> apps,
                                                                   qint64 nowMs = kStartMs)
{
    auto snapshot = std::make_shared<failover::ClusterSnapshot>();
    snapshot->takenWallMs = nowMs;
    snapshot->clusterName = QStringLiteral("test");
    for (const char *name : {"alpha", "bravo", "charlie"}) {
        failover::AgentView agent;
        agent.name = QString::fromLatin1(name);
        agent.host = agent.name;
        agent.heard = true;
        snapshot->agents.append(agent);
    }
    snapshot->apps = std::move(apps);
    return snapshot;
}

} // namespace foresight::testing
