#include "foresight/partitioning/partitioner.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <utility>
#include <vector>

#include "foresight/partitioning/coldpartition.h"
#include "partitioning/dbscan.h"
#include "partitioning/featurematrix.h"
#include "partitioning/kselection.h"

namespace foresight::partitioning {

using config::ImpactClass;

namespace {

constexpr std::array kClasses{ImpactClass::Low, ImpactClass::Medium, ImpactClass::High, ImpactClass::Critical};

Status invalidOption(const QString &field, const QString &rule)
{
    return fail(ErrorCode::InvalidArgument, QStringLiteral("partitioning.%1: %2").arg(field, rule));
}

// A group of tracked keys that becomes one partition: indices into the features, most frequent
// first (features() orders them so).
struct Group
{
    int cluster = -1; // -1: cold
    ImpactClass impactClass = ImpactClass::Low;
    std::vector<qsizetype> members;
};

Partition partitionOf(PartitionId id,
                      const Group &group,
                      const QList<KeyFeatures> &features,
                      const std::vector<config::Impact> &impacts,
                      const KeyClassifier &classifier)
{
    Partition partition;
    partition.id = id;
    partition.impactClass = group.impactClass;
    // A cold partition holds keys nobody tracked, whose rules are unknown here: it must honour
    // the strictest rule of its class. A clustered one knows all of its keys.
    partition.toleratedStalenessMs = group.cluster < 0 ? classifier.strictestTolerance(group.impactClass)
                                                       : config::kMaxToleratedStalenessMs;
    double peakX = 0;
    double peakY = 0;
    double weight = 0;
    for (qsizetype index : group.members) {
        const KeyFeatures &key = features[index];
        peakX += key.frequency * key.peakStrength * std::cos(key.peakPhase);
        peakY += key.frequency * key.peakStrength * std::sin(key.peakPhase);
        weight += key.frequency;
        partition.keys.append(key.key);
        partition.accessesPerSecond += key.readRate + key.writeRate;
        partition.lastAccessWallMs = std::max(partition.lastAccessWallMs, key.lastAccessWallMs);
        partition.toleratedStalenessMs = std::min(partition.toleratedStalenessMs,
                                                  impacts[std::size_t(index)].toleratedStalenessMs);
    }
    if (weight > 0) {
        partition.peakStrength = std::min(1.0, std::hypot(peakX, peakY) / weight);
        partition.peakPhase = std::atan2(peakY, peakX);
        if (partition.peakPhase < 0)
            partition.peakPhase += 2 * std::numbers::pi;
    }
    return partition;
}

struct Labelling
{
    std::vector<int> labels; // per active row; negative: noise (cold)
    int clusters = 0;
    std::optional<double> quality;
};

Result<Labelling> cluster(Eigen::MatrixXd points, const PartitionerOptions &options)
{
    Labelling labelling;
    if (points.rows() == 0)
        return labelling;
    if (auto standardized = standardizeColumns(points); !standardized)
        return std::unexpected(standardized.error());
    if (options.algorithm == ClusteringAlgorithm::Dbscan) {
        DbscanOptions dbscanOptions;
        dbscanOptions.eps = options.dbscanEps;
        dbscanOptions.minPts = options.dbscanMinPts;
        dbscanOptions.seed = options.seed;
        auto result = dbscan(points, dbscanOptions);
        if (!result)
            return std::unexpected(result.error());
        labelling.labels = std::move(result->labels);
        labelling.clusters = result->clusterCount;
        return labelling;
    }
    AutoKMeansOptions kmeansOptions;
    kmeansOptions.selection.kMin = options.kMin;
    kmeansOptions.selection.kMax = options.kMax;
    kmeansOptions.selection.kmeans.seed = options.seed;
    auto result = kMeansAuto(points, kmeansOptions);
    if (!result)
        return std::unexpected(result.error());
    labelling.labels = std::move(result->clustering.labels);
    labelling.clusters = result->clustering.k;
    for (const auto &[k, silhouette] : result->selection.silhouettes) {
        if (k == labelling.clusters)
            labelling.quality = silhouette;
    }
    return labelling;
}

} // namespace

QString clusteringAlgorithmName(ClusteringAlgorithm algorithm)
{
    return algorithm == ClusteringAlgorithm::Dbscan ? QStringLiteral("dbscan") : QStringLiteral("kmeans");
}

std::optional<ClusteringAlgorithm> clusteringAlgorithmFromName(const QString &name)
{
    if (name == QLatin1String("kmeans"))
        return ClusteringAlgorithm::KMeans;
    if (name == QLatin1String("dbscan"))
        return ClusteringAlgorithm::Dbscan;
    return std::nullopt;
}

std::optional<qint64> predictedReadWallMs(const Partition &partition, qint64 nowWallMs, double minStrength)
{
    if (partition.peakStrength < minStrength || partition.peakStrength <= 0)
        return std::nullopt;
    constexpr qint64 kDayMs = 24 * 3600 * 1000;
    const auto peakOfDay = qint64(std::llround(partition.peakPhase / (2 * std::numbers::pi) * double(kDayMs))) % kDayMs;
    const qint64 dayStart = nowWallMs - ((nowWallMs % kDayMs) + kDayMs) % kDayMs;
    qint64 next = dayStart + peakOfDay;
    if (next < nowWallMs)
        next += kDayMs;
    return next;
}

PartitionId coldPartitionId(ImpactClass impactClass)
{
    return kColdPartitionId - PartitionId(impactClass);
}

bool isColdPartition(PartitionId id)
{
    return id <= kColdPartitionId;
}

Status PartitionerOptions::validate() const
{
    if (kMin < 1 || kMax < kMin || kMax > 64)
        return invalidOption(QStringLiteral("k"), QStringLiteral("kMin must be at least 1 and kMax from kMin to 64"));
    if (!std::isfinite(dbscanEps) || dbscanEps <= 0)
        return invalidOption(QStringLiteral("dbscanEps"), QStringLiteral("must be a positive number"));
    if (dbscanMinPts < 1)
        return invalidOption(QStringLiteral("dbscanMinPts"), QStringLiteral("must be at least 1"));
    if (!std::isfinite(coldAccessesPerSecond) || coldAccessesPerSecond < 0)
        return invalidOption(QStringLiteral("coldAccessesPerSecond"), QStringLiteral("must not be negative"));
    return {};
}

const Partition *PartitionSet::find(PartitionId id) const
{
    for (const Partition &partition : partitions) {
        if (partition.id == id)
            return &partition;
    }
    return nullptr;
}

PartitionSet coldOnlyPartitions(ClusteringAlgorithm algorithm, const KeyClassifier &classifier)
{
    PartitionSet set;
    set.algorithm = algorithm;
    for (ImpactClass impactClass : kClasses) {
        Partition cold;
        cold.id = coldPartitionId(impactClass);
        cold.impactClass = impactClass;
        cold.toleratedStalenessMs = classifier.strictestTolerance(impactClass);
        set.partitions.append(cold);
    }
    return set;
}

Result<PartitionSet> partitionKeys(const QList<KeyFeatures> &features,
                                   const KeyClassifier &classifier,
                                   const PartitionSet &previous,
                                   qint64 nowWallMs,
                                   const PartitionerOptions &options)
{
    if (auto valid = options.validate(); !valid)
        return std::unexpected(valid.error());

    std::vector<config::Impact> impacts;
    std::vector<double> rates;
    impacts.reserve(std::size_t(features.size()));
    rates.reserve(std::size_t(features.size()));
    for (const KeyFeatures &key : features) {
        impacts.push_back(classifier.classify(key.key));
        rates.push_back(key.readRate + key.writeRate);
    }
    auto split = splitCold(rates, options.coldAccessesPerSecond);
    if (!split)
        return std::unexpected(split.error());

    Eigen::MatrixXd points(Eigen::Index(split->active.size()), KeyFeatures::kDimensions);
    for (std::size_t row = 0; row < split->active.size(); ++row) {
        const QList<double> vector = features[split->active[row]].vector();
        for (int column = 0; column < KeyFeatures::kDimensions; ++column)
            points(Eigen::Index(row), column) = vector[column];
    }
    auto labelling = cluster(std::move(points), options);
    if (!labelling)
        return std::unexpected(labelling.error());

    // Clusters split by class; rarely used keys and noise to the cold group of their class.
    // std::map keeps the groups in (cluster, class) order: the same input, the same partitions.
    std::map<std::pair<int, int>, Group> groups;
    const auto place = [&](int clusterLabel, qsizetype index) {
        const ImpactClass impactClass = impacts[std::size_t(index)].impactClass;
        Group &group = groups[{clusterLabel, int(impactClass)}];
        group.cluster = clusterLabel;
        group.impactClass = impactClass;
        group.members.push_back(index);
    };
    for (std::size_t row = 0; row < split->active.size(); ++row)
        place(std::max(-1, labelling->labels[row]), split->active[row]);
    for (qsizetype index : split->cold)
        place(-1, index);
    for (auto &[key, group] : groups) // ascending indices: most frequent first, as features() gave them
        std::sort(group.members.begin(), group.members.end());

    QList<const Group *> clusteredGroups;
    QList<QStringList> current;
    for (const auto &[key, group] : groups) {
        if (group.cluster < 0)
            continue;
        clusteredGroups.append(&group);
        QStringList keys;
        for (qsizetype index : group.members)
            keys.append(features[index].key);
        current.append(keys);
    }
    QList<PartitionMembers> before;
    for (const Partition &partition : previous.partitions) {
        if (!isColdPartition(partition.id))
            before.append({partition.id, partition.keys});
    }
    auto match = matchPartitions(before, current, std::max(previous.nextId, kFirstPartitionId), options.matching);
    if (!match)
        return std::unexpected(match.error());

    PartitionSet set;
    set.algorithm = options.algorithm;
    set.clusteredWallMs = nowWallMs;
    set.clusters = labelling->clusters;
    set.quality = labelling->quality;
    set.nextId = match->nextId;
    for (qsizetype i = 0; i < clusteredGroups.size(); ++i)
        set.partitions.append(
            partitionOf(match->ids[std::size_t(i)], *clusteredGroups[i], features, impacts, classifier));
    std::sort(set.partitions.begin(), set.partitions.end(), [](const Partition &a, const Partition &b) {
        return a.id < b.id;
    });
    for (const Partition &partition : set.partitions) {
        for (const QString &key : partition.keys)
            set.clustered.insert(key, partition.id);
    }
    for (ImpactClass impactClass : kClasses) {
        Group cold;
        cold.impactClass = impactClass;
        const auto it = groups.find({-1, int(impactClass)});
        if (it != groups.end())
            cold = it->second;
        set.partitions.append(partitionOf(coldPartitionId(impactClass), cold, features, impacts, classifier));
    }
    return set;
}

} // namespace foresight::partitioning
