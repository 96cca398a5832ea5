#include "models/staleness.h"

#include <algorithm>
#include <limits>

#include <QLocale>

#include "foresight/partitioning/stalenessimpact.h"
#include "theme/theme.h"

namespace foresight::widgets {

double Staleness::ratio(qint64 stalenessMs, qint64 toleratedMs)
{
    // The engine's own R (a tolerance below 1 ms counts as 1 ms), on a tolerance clamped into the
    // int it takes: the configuration allows a week at most.
    const auto tolerated = int(std::clamp<qint64>(toleratedMs, 0, std::numeric_limits<int>::max()));
    return partitioning::stalenessRatio(stalenessMs, tolerated);
}

StalenessLevel Staleness::level(qint64 stalenessMs, qint64 toleratedMs)
{
    if (stalenessMs <= 0)
        return StalenessLevel::Current;
    const double r = ratio(stalenessMs, toleratedMs);
    if (r <= 1)
        return StalenessLevel::Within;
    return r <= kFarOverRatio ? StalenessLevel::Over : StalenessLevel::FarOver;
}

QString Staleness::levelText(StalenessLevel level)
{
    switch (level) {
    case StalenessLevel::Current:
        return tr("current");
    case StalenessLevel::Within:
        return tr("within tolerance");
    case StalenessLevel::Over:
        return tr("over tolerance");
    case StalenessLevel::FarOver:
        return tr("far over tolerance");
    }
    return {};
}

QColor Staleness::levelColor(StalenessLevel level)
{
    switch (level) {
    case StalenessLevel::Current:
    case StalenessLevel::Within:
        return stateColor(StateColor::Good);
    case StalenessLevel::Over:
        return stateColor(StateColor::Warning);
    case StalenessLevel::FarOver:
        return stateColor(StateColor::Critical);
    }
    return {};
}

QString Staleness::durationText(qint64 ms)
{
    const QLocale locale;
    ms = std::max<qint64>(ms, 0);
    if (ms < 1000)
        return tr("%1 ms").arg(locale.toString(ms));
    if (ms < 60'000)
        return tr("%1 s").arg(locale.toString(double(ms) / 1000.0, 'f', ms < 10'000 ? 1 : 0));
    // Whole minutes and hours without a trailing "0 s": tolerances are mostly round figures.
    const qint64 seconds = ms / 1000;
    if (seconds < 3600)
        return seconds % 60 == 0 ? tr("%1 min").arg(seconds / 60)
                                 : tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    const qint64 minutes = seconds % 3600 / 60;
    return minutes == 0 ? tr("%1 h").arg(locale.toString(seconds / 3600))
                        : tr("%1 h %2 min").arg(locale.toString(seconds / 3600)).arg(minutes);
}

QString Staleness::impactClassText(config::ImpactClass impactClass)
{
    switch (impactClass) {
    case config::ImpactClass::Low:
        return tr("low");
    case config::ImpactClass::Medium:
        return tr("medium");
    case config::ImpactClass::High:
        return tr("high");
    case config::ImpactClass::Critical:
        return tr("critical");
    }
    return {};
}

QString Staleness::partitionName(qint64 id, bool cold, config::ImpactClass impactClass)
{
    // A cold partition holds the keys of one class that no cluster took (docs/protocol.md 9.2):
    // its class says more than its id (0 to -3).
    if (cold)
        return tr("cold · %1").arg(impactClassText(impactClass));
    return QString::number(id);
}

const failover::PartitionReplicaView *Staleness::replicaOf(const failover::PartitionView &partition,
                                                           const QString &agent)
{
    for (const failover::PartitionReplicaView &replica : partition.replicas) {
        if (replica.agent == agent)
            return &replica;
    }
    return nullptr;
}

std::optional<Staleness::Worst> Staleness::worst(const failover::PartitionsView &partitions, const QString &agent)
{
    std::optional<Worst> worst;
    for (const failover::PartitionView &partition : partitions.list) {
        const failover::PartitionReplicaView *replica = replicaOf(partition, agent);
        if (!replica || !replica->held)
            continue;
        const double r = ratio(replica->stalenessMs, partition.toleratedMs);
        // Ties go to the staler partition: the one a promotion would lose most of.
        if (!worst || r > worst->ratio || (r == worst->ratio && replica->stalenessMs > worst->stalenessMs))
            worst = Worst{partition.id,
                          partition.cold,
                          partition.impactClass,
                          replica->stalenessMs,
                          partition.toleratedMs,
                          r,
                          level(replica->stalenessMs, partition.toleratedMs)};
    }
    return worst;
}

double Staleness::impactWeighted(const failover::PartitionsView &partitions, const QString &agent)
{
    double sum = 0;
    for (const failover::PartitionView &partition : partitions.list) {
        const failover::PartitionReplicaView *replica = replicaOf(partition, agent);
        if (replica && replica->held)
            sum += partitioning::impactWeight(partition.impactClass)
                   * double(std::max<qint64>(replica->stalenessMs, 0));
    }
    return sum;
}

} // namespace foresight::widgets
