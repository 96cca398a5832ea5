// The primary's staleness partitions (issue 20, docs/partitions.md): the classifier every agent
// holding the application keeps, the partitions a primary re-clusters in the background from its
// usage profile, the history of when each partition changed, and what the status reports of
// them: sizes, use, and per replica its staleness and score.

#include <algorithm>
#include <limits>

#include <QCborArray>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"
#include "foresight/partitioning/stalenessimpact.h"

namespace foresight::agent {

using config::ImpactClass;
using partitioning::PartitionId;
using partitioning::PartitionSet;

namespace {

// The first clustering waits until the profile has seen some use; later ones follow shifting
// patterns without spending a core on keys whose use has not changed.
constexpr std::int64_t kFirstClusteringMs = 5'000;
constexpr std::int64_t kReclusterEveryMs = 30'000;
constexpr std::int64_t kStatusEveryMs = 500;
constexpr std::int64_t kForgetEveryMs = 1'000;
constexpr qsizetype kSampleKeys = 5;

constexpr std::array kClasses{ImpactClass::Low, ImpactClass::Medium, ImpactClass::High, ImpactClass::Critical};

// Whether a replica's stream carries a partition: hot and cold replicas get everything (deltas,
// snapshots), a warm one the critical keys, and the others too when its primary schedules them.
bool holds(Tier tier, ImpactClass impactClass, bool scheduled)
{
    return tier != Tier::Warm || impactClass == ImpactClass::Critical || scheduled;
}

// The new partitions' histories: a clustered partition takes those of the partitions its keys
// were in; a cold one also those of every partition of its class, since keys that left the
// profile's tracked set went there unseen. An over-estimate at worst (partitionchangelog.h).
QHash<PartitionId, QList<PartitionId>> inheritance(const PartitionSet &before,
                                                   const PartitionSet &after,
                                                   const partitioning::KeyClassifier &classifier)
{
    QHash<PartitionId, QList<PartitionId>> inherits;
    for (const partitioning::Partition &partition : after.partitions) {
        QList<PartitionId> &from = inherits[partition.id];
        for (const QString &key : partition.keys) {
            const PartitionId old = before.partitionOf(key, classifier.classify(key).impactClass);
            if (!from.contains(old))
                from.append(old);
        }
        if (partitioning::isColdPartition(partition.id)) {
            for (const partitioning::Partition &old : before.partitions) {
                if (old.impactClass == partition.impactClass && !from.contains(old.id))
                    from.append(old.id);
            }
        }
    }
    return inherits;
}

} // namespace

Status Agent::Impl::configurePartitions(AppInstance &app)
{
    AppPartitions &partitions = app.partitions;
    if (partitions.configured && partitions.rules == app.impact.rules() && partitions.critical == app.config.critical)
        return {}; // an assign that changes something else keeps the partitions
    auto classifier = partitioning::KeyClassifier::create(app.impact, app.config.critical);
    if (!classifier)
        return std::unexpected(classifier.error());
    partitions.configured = true;
    partitions.rules = app.impact.rules();
    partitions.critical = app.config.critical;
    app.partitions.classifier = *classifier;
    app.state.setKeyClassifier(
        [classifier = *classifier](const QString &key) { return int(classifier.classify(key).impactClass); });
    // Partitions ranked by the old classes must not outlive them: the next clustering is soon.
    ++app.partitions.generation;
    app.partitions.clustering = false;
    if (app.partitions.set) {
        app.partitions.set = std::make_shared<const PartitionSet>(
            partitioning::coldOnlyPartitions(app.partitions.set->algorithm, app.partitions.classifier));
        app.partitions.changes.clear();
        app.partitions.nextClusteringMs = now() + kFirstClusteringMs;
        regroupWarmSchedules(app);
    }
    app.partitions.statusBuiltMs = -1;
    return {};
}

const PartitionSet &Agent::Impl::ensurePartitions(AppInstance &app)
{
    AppPartitions &partitions = app.partitions;
    if (!partitions.set) {
        const auto algorithm = partitioning::clusteringAlgorithmFromName(app.config.partitioning);
        partitions.set = std::make_shared<const PartitionSet>(
            partitioning::coldOnlyPartitions(algorithm.value_or(partitioning::ClusteringAlgorithm::KMeans),
                                             partitions.classifier));
        partitions.changes.clear();
        partitions.nextClusteringMs = now() + kFirstClusteringMs;
    }
    return *partitions.set;
}

void Agent::Impl::notePartitionChange(AppInstance &app, const state::StateDelta &delta)
{
    const PartitionId partition = ensurePartitions(app).partitionOf(delta.key, ImpactClass(app.state.lastKeyClass()));
    app.partitions.changes.record(partition, delta.seq, m_clock.monotonicMs());
    scheduleChange(app, delta, partition);
}

void Agent::Impl::dropPartitions(AppInstance &app)
{
    ++app.partitions.generation;
    app.partitions.set.reset();
    app.partitions.changes.clear();
    app.partitions.warm.clear();
    app.partitions.clustering = false;
    app.partitions.lastError.clear();
    app.partitions.statusBuiltMs = -1;
    app.partitions.forecastHints.clear();
    app.partitions.forecastHintsBuiltMs = -1;
}

void Agent::Impl::partitionTimers()
{
    if (m_partitionWorker) {
        while (auto done = m_partitionWorker->take()) {
            AppInstance *app = findApp(done->app);
            if (!app || app->partitions.generation != done->generation || !app->partitions.set)
                continue; // demoted, reconfigured or gone since: the result describes another time
            AppPartitions &partitions = app->partitions;
            partitions.clustering = false;
            partitions.lastClusteringTookMs = done->tookMs;
            if (!done->partitions) {
                partitions.lastError = done->partitions.error().toString();
                qCWarning(lcAgent, "%s: clustering failed: %s", qPrintable(app->name), qPrintable(partitions.lastError));
                continue;
            }
            partitions.lastError.clear();
            auto next = std::make_shared<const PartitionSet>(std::move(*done->partitions));
            partitions.changes.regroup(inheritance(*partitions.set, *next, partitions.classifier));
            partitions.set = std::move(next);
            partitions.forecastHintsBuiltMs = -1; // the hints name the old partitions
            regroupWarmSchedules(*app);
            partitions.statusBuiltMs = -1;
        }
    }
    const std::int64_t t = now();
    for (auto &[name, app] : m_apps) {
        AppPartitions &partitions = app->partitions;
        if (app->role != Role::Primary || !partitions.set)
            continue;
        if (t - partitions.forgottenMs >= kForgetEveryMs) {
            // What every replica holds is history nobody's staleness depends on any more.
            std::uint64_t held = app->state.seq();
            for (const replication::ReplicaLink &link : app->stream.links())
                held = std::min(held, link.ackedSeq);
            partitions.changes.forgetHeld(held);
            partitions.forgottenMs = t;
        }
        if (partitions.clustering || t < partitions.nextClusteringMs || !app->usage || app->usage->trackedKeys() == 0)
            continue;
        if (!m_partitionWorker)
            m_partitionWorker = std::make_unique<PartitionWorker>();
        PartitionJob job;
        job.app = name;
        job.generation = partitions.generation;
        job.features = app->usage->features();
        job.classifier = partitions.classifier;
        job.previous = partitions.set;
        job.options.algorithm = partitioning::clusteringAlgorithmFromName(app->config.partitioning)
                                    .value_or(partitioning::ClusteringAlgorithm::KMeans);
        job.options.seed = qHash(name);
        job.nowWallMs = m_clock.wallMs();
        m_partitionWorker->submit(std::move(job));
        partitions.clustering = true;
        partitions.nextClusteringMs = t + kReclusterEveryMs;
    }
}

void Agent::Impl::addPartitionStatus(const AppInstance &app, QCborMap &status) const
{
    const AppPartitions &partitions = app.partitions;
    if (app.role != Role::Primary || !partitions.set)
        return;
    const std::int64_t t = now();
    if (partitions.statusBuiltMs >= 0 && t - partitions.statusBuiltMs < kStatusEveryMs) {
        status.insert(QStringLiteral("partitions"), partitions.status);
        return;
    }
    const PartitionSet &set = *partitions.set;
    const std::int64_t monotonicNow = m_clock.monotonicMs();
    const std::int64_t wallNow = m_clock.wallMs();

    // Sizes: a clustered partition's from its keys, a cold one's as what is left of its class.
    std::array<state::KeyValueState::ClassTally, 4> unclustered;
    for (ImpactClass impactClass : kClasses)
        unclustered[std::size_t(impactClass)] = app.state.classTally(int(impactClass));
    QHash<PartitionId, state::KeyValueState::ClassTally> sizes;
    for (const partitioning::Partition &partition : set.partitions) {
        if (partitioning::isColdPartition(partition.id))
            continue;
        state::KeyValueState::ClassTally &size = sizes[partition.id];
        for (const QString &key : partition.keys) {
            if (const auto value = app.state.get(key)) {
                ++size.keys;
                size.valueBytes += value->size();
                if (const auto keyClass = app.state.keyClassOf(key); keyClass && *keyClass < int(unclustered.size())) {
                    unclustered[std::size_t(*keyClass)].keys -= 1;
                    unclustered[std::size_t(*keyClass)].valueBytes -= value->size();
                }
            }
        }
    }

    // The last access as of now (the partition's figure is as of its clustering).
    const auto lastAccessOf = [&app](const partitioning::Partition &partition) {
        qint64 last = partition.lastAccessWallMs;
        if (app.usage) {
            for (const QString &key : partition.keys)
                last = std::max(last, app.usage->lastAccessWallMs(key).value_or(0));
        }
        return last;
    };
    QCborArray list;
    qint64 trackedKeys = 0;
    for (const partitioning::Partition &partition : set.partitions) {
        trackedKeys += partition.keys.size();
        const bool cold = partitioning::isColdPartition(partition.id);
        const state::KeyValueState::ClassTally size = cold ? unclustered[std::size_t(partition.impactClass)]
                                                           : sizes.value(partition.id);
        QCborArray sample;
        for (qsizetype i = 0; i < std::min(kSampleKeys, partition.keys.size()); ++i)
            sample.append(partition.keys[i]);
        double score = 0;
        QCborArray replicas;
        for (const replication::ReplicaLink &link : app.stream.links()) {
            const auto schedule = partitions.warm.constFind(link.identity);
            const bool scheduled = schedule != partitions.warm.cend();
            const bool held = holds(link.tier, partition.impactClass, scheduled);
            QCborMap replica{{QStringLiteral("agent"), link.agent},
                             {QStringLiteral("tier"), tierName(link.tier)},
                             {QStringLiteral("held"), held}};
            if (held) {
                // A warm replica's critical keys (the state's critical patterns: the critical
                // class exactly, see effectiveCriticalPatterns) follow the stream's position; its
                // other keys are what its scheduled backlog still owes it.
                const bool viaSchedule = scheduled && partition.impactClass != ImpactClass::Critical;
                const std::int64_t staleness = viaSchedule ? schedule->backlog.stalenessMs(partition.id, monotonicNow)
                                                           : partitions.changes.stalenessMs(partition.id,
                                                                                            link.ackedSeq,
                                                                                            monotonicNow);
                const double replicaScore = partitioning::stalenessImpactScore(partition.impactClass,
                                                                               partition.accessesPerSecond,
                                                                               staleness,
                                                                               partition.toleratedStalenessMs);
                replica.insert(QStringLiteral("staleness-ms"), qint64(staleness));
                replica.insert(QStringLiteral("score"), replicaScore);
                score = std::max(score, replicaScore);
            }
            replicas.append(replica);
        }
        const auto lastChange = partitions.changes.lastChangeMs(partition.id);
        list.append(QCborMap{
            {QStringLiteral("id"), qint64(partition.id)},
            {QStringLiteral("cold"), cold},
            {QStringLiteral("class"), config::impactClassName(partition.impactClass)},
            {QStringLiteral("tolerated-ms"), partition.toleratedStalenessMs},
            {QStringLiteral("keys"), qint64(std::max<qsizetype>(0, size.keys))},
            {QStringLiteral("bytes"), qint64(std::max<qsizetype>(0, size.valueBytes))},
            {QStringLiteral("sample"), sample},
            {QStringLiteral("rate"), partition.accessesPerSecond},
            {QStringLiteral("last-access-ms"), lastAccessOf(partition)},
            {QStringLiteral("last-change-ms"), lastChange ? qint64(wallNow - (monotonicNow - *lastChange)) : qint64(0)},
            {QStringLiteral("score"), score},
            {QStringLiteral("replicas"), replicas},
        });
    }
    QCborMap map{{QStringLiteral("algorithm"), partitioning::clusteringAlgorithmName(set.algorithm)},
                 {QStringLiteral("clustered-ms"), set.clusteredWallMs},
                 {QStringLiteral("clusters"), set.clusters},
                 {QStringLiteral("tracked-keys"), trackedKeys},
                 {QStringLiteral("list"), list}};
    if (set.quality)
        map.insert(QStringLiteral("quality"), *set.quality);
    if (!partitions.lastError.isEmpty())
        map.insert(QStringLiteral("error"), partitions.lastError);
    partitions.status = map;
    partitions.statusBuiltMs = t;
    status.insert(QStringLiteral("partitions"), map);
}

} // namespace foresight::agent
