#pragma once

// From a usage profile to staleness partitions (issue 20, section 2; docs/partitions.md): the
// whole pipeline one re-clustering runs. Pure: no state of its own between calls, so the agent
// runs it on a worker thread with a snapshot of the profile's features and the previous
// partitions, and installs the result on its own thread.

#include <cstdint>
#include <optional>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/config/impactfunction.h"
#include "foresight/core/result.h"
#include "foresight/partitioning/keyclassifier.h"
#include "foresight/partitioning/partitionmatching.h"
#include "foresight/partitioning/usageprofile.h"

namespace foresight::partitioning {

enum class ClusteringAlgorithm { KMeans, Dbscan };
QString clusteringAlgorithmName(ClusteringAlgorithm algorithm); // "kmeans", "dbscan"
std::optional<ClusteringAlgorithm> clusteringAlgorithmFromName(const QString &name);

// The cold partitions: one per impact class, with fixed identities at and below
// kColdPartitionId (low 0, medium -1, high -2, critical -3), since they are never clustered and
// so never matched. Every key no clustering placed belongs to the one of its class.
PartitionId coldPartitionId(config::ImpactClass impactClass);
bool isColdPartition(PartitionId id);

struct PartitionerOptions
{
    ClusteringAlgorithm algorithm = ClusteringAlgorithm::KMeans;
    // k-means: k is chosen in [kMin, kMax] by the mean silhouette (kselection.h). With kMin 1 a
    // profile without structure stays one partition.
    int kMin = 1;
    int kMax = 8;
    // DBSCAN on the standardized features (one unit: one standard deviation of a feature).
    // Keys DBSCAN calls noise join the cold partition of their class.
    double dbscanEps = 0.5;
    int dbscanMinPts = 5;
    // Keys accessed less often than this (reads and writes per second over the window) are
    // cold: once every ten minutes. A handful of accesses says nothing about a pattern.
    double coldAccessesPerSecond = 1.0 / 600;
    MatchOptions matching;
    std::uint64_t seed = 0;

    Status validate() const; // InvalidArgument naming the field
};

// One partition: its keys share an impact class (a cluster whose keys have several classes is
// split by class, so that one rarely read critical key does not drag a busy low cluster ahead of
// everything, nor a critical key wait behind its low neighbours).
struct Partition
{
    PartitionId id = kFirstPartitionId;
    config::ImpactClass impactClass = config::ImpactClass::Low;
    int toleratedStalenessMs = 600'000; // the strictest of its keys' rules (partitionImpact())
    QStringList keys;                   // tracked keys, most frequent first (cold: tracked cold keys only)
    double accessesPerSecond = 0;       // sum over keys of reads and writes per second
    qint64 lastAccessWallMs = 0;        // the latest access of one of its keys; 0 if none
    // The time-of-day pattern of its keys together: their peaks (KeyFeatures::peakPhase and
    // peakStrength) averaged on the circle, weighted by frequency. 0 strength: no pattern.
    double peakPhase = 0;
    double peakStrength = 0;
};

// When a partition is next expected to be read, by its time-of-day pattern: the next time the
// UTC day reaches its peak, if the pattern is strong enough (peakStrength >= minStrength) to call
// it a habit; nullopt otherwise. The scheduler's prefetch hint (syncscheduler.h
// predictedReadMs), so a partition used every day at nine is fresh when nine comes.
std::optional<qint64> predictedReadWallMs(const Partition &partition, qint64 nowWallMs, double minStrength = 0.5);

// The result of one re-clustering. Immutable once made; the agent shares it between threads as
// std::shared_ptr<const PartitionSet>.
struct PartitionSet
{
    ClusteringAlgorithm algorithm = ClusteringAlgorithm::KMeans;
    qint64 clusteredWallMs = 0;             // 0: the empty set of an application not clustered yet
    int clusters = 0;                       // what the clustering made, before the split by class
    std::optional<double> quality;          // k-means: the chosen k's mean silhouette
    QList<Partition> partitions;            // clustered ones by ascending id, then the four cold ones
    PartitionId nextId = kFirstPartitionId; // for the next matchPartitions()
    QHash<QString, PartitionId> clustered;  // tracked key -> its clustered partition

    // The partition of any key: its clustered partition, or the cold one of its class.
    PartitionId partitionOf(const QString &key, config::ImpactClass keyClass) const
    {
        const auto it = clustered.constFind(key);
        return it != clustered.constEnd() ? *it : coldPartitionId(keyClass);
    }
    const Partition *find(PartitionId id) const;
};

// A set with only the four cold partitions: every key cold, until the first clustering.
PartitionSet coldOnlyPartitions(ClusteringAlgorithm algorithm, const KeyClassifier &classifier);

// Clusters the tracked keys' features (UsageProfile::features()), splits the clusters by impact
// class, puts the rarely used keys and DBSCAN's noise in the cold partitions, and matches the
// result to `previous` for stable identities. Deterministic in its arguments. nowWallMs stamps
// the set. Errors: InvalidArgument for bad options or features (NaN), naming them.
Result<PartitionSet> partitionKeys(const QList<KeyFeatures> &features,
                                   const KeyClassifier &classifier,
                                   const PartitionSet &previous,
                                   qint64 nowWallMs,
                                   const PartitionerOptions &options = {});

} // namespace foresight::partitioning
