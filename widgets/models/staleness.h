#pragma once

#include <optional>

#include <QColor>
#include <QCoreApplication>
#include <QString>

#include "foresight/failover/clustersnapshot.h"

namespace foresight::widgets {

// How a replica's copy of a partition stands against the staleness the partition tolerates
// (docs/partitions.md: R = staleness / tolerated). Increasing severity.
enum class StalenessLevel {
    Current, // nothing pending: staleness 0
    Within,  // behind, at most the tolerated staleness (R <= 1)
    Over,    // beyond it (1 < R <= kFarOverRatio)
    FarOver, // far beyond it (R > kFarOverRatio)
};

// What the console's views say about staleness: the level of one partition on one replica, its
// words and colour, and the figures over all of a replica's partitions that the Staleness panel,
// the topology's links and the command confirmations show. Pure functions of a snapshot's
// PartitionsView; GUI thread (the words are translated, the colours follow the palette).
class Staleness final
{
    Q_DECLARE_TR_FUNCTIONS(foresight::widgets::Staleness)

public:
    // Four times the tolerance: the factor by which one impact class outweighs the one below
    // (docs/partitions.md), so "far over" means the partition now weighs as much as if it were
    // one class more severe and at its limit.
    static constexpr double kFarOverRatio = 4;

    // A replica's worst partition: the one among those it holds with the largest R.
    struct Worst
    {
        qint64 partition = 0; // its id
        bool cold = false;
        config::ImpactClass impactClass = config::ImpactClass::Low;
        qint64 stalenessMs = 0;
        qint64 toleratedMs = 0;
        double ratio = 0; // stalenessMs / toleratedMs
        StalenessLevel level = StalenessLevel::Current;
    };

    // A tolerance of 0 or less (which the configuration does not allow) tolerates nothing: any
    // staleness is far over it.
    static StalenessLevel level(qint64 stalenessMs, qint64 toleratedMs);
    static double ratio(qint64 stalenessMs, qint64 toleratedMs);
    // "current", "within tolerance", "over tolerance", "far over tolerance".
    static QString levelText(StalenessLevel level);
    // The theme's text colour for the level (readable on the light and dark themes' bases).
    static QColor levelColor(StalenessLevel level);

    // "350 ms", "1.2 s", "4 min 5 s", "2 h 3 min": a staleness or tolerance, read at a glance.
    static QString durationText(qint64 ms);
    // "low", "medium", "high", "critical", translated.
    static QString impactClassText(config::ImpactClass impactClass);
    // A partition as the operator reads it: its id, or for a cold partition "cold · critical".
    static QString partitionName(qint64 id, bool cold, config::ImpactClass impactClass);

    // The agent's worst held partition; nullopt when it holds none (or is not listed).
    static std::optional<Worst> worst(const failover::PartitionsView &partitions, const QString &agent);
    // The agent's impact-weighted staleness: the sum over the partitions it holds of
    // W(class) x staleness in ms, W being partitioning::impactWeight (low 1 ... critical 64), the
    // figure the synchronization scheduler minimises and the benchmark measures.
    static double impactWeighted(const failover::PartitionsView &partitions, const QString &agent);
    // The agent's entry in a partition; nullptr if the partition lists no such replica.
    static const failover::PartitionReplicaView *replicaOf(const failover::PartitionView &partition,
                                                           const QString &agent);
};

} // namespace foresight::widgets
