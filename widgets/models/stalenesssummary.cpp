#include "models/stalenesssummary.h"

#include <algorithm>

#include <QLocale>

#include "models/staleness.h"

namespace foresight::widgets {

std::optional<StalenessSummary::Figures> StalenessSummary::figures(const failover::AppView &app, const QString &agent)
{
    if (!app.partitions || agent.isEmpty())
        return std::nullopt;
    Figures figures;
    bool listed = false;
    for (const failover::PartitionView &partition : app.partitions->list) {
        const failover::PartitionReplicaView *replica = Staleness::replicaOf(partition, agent);
        if (!replica)
            continue;
        listed = true;
        figures.tier = replica->tier;
        if (!replica->held) {
            ++figures.notHeld;
            figures.notHeldKeys += partition.keys;
            figures.notHeldBytes += partition.bytes;
            continue;
        }
        if (partition.impactClass != config::ImpactClass::Critical)
            continue;
        ++figures.criticalHeld;
        figures.criticalStalenessMs = std::max(figures.criticalStalenessMs.value_or(0),
                                               std::max<qint64>(replica->stalenessMs, 0));
    }
    if (!listed)
        return std::nullopt;
    figures.shadow = app.shadow && app.shadow->agent == agent;
    return figures;
}

QString StalenessSummary::sentence(const failover::AppView &app, const QString &agent, Action action)
{
    const std::optional<Figures> known = figures(app, agent);
    if (!known)
        return {};
    const Figures &f = *known;
    QString replica;
    if (f.shadow) {
        replica = tr("this shadow");
    } else {
        switch (f.tier) {
        case Tier::Hot:
            replica = tr("this hot replica");
            break;
        case Tier::Warm:
            replica = tr("this warm replica");
            break;
        case Tier::Cold:
            replica = tr("this cold replica");
            break;
        case Tier::None:
            replica = tr("this replica");
            break;
        }
    }
    const qint64 stale = f.criticalStalenessMs.value_or(0);
    QString critical;
    if (action == Action::Promote) {
        critical
            = stale > 0
                  ? tr("Promoting %1 loses at most %2 of critical state").arg(replica, Staleness::durationText(stale))
                  : tr("Promoting %1 loses no critical state").arg(replica);
    } else {
        // The switchover waits for the replica to catch up: nothing is lost, it takes longer.
        critical = stale > 0 ? tr("Switching over to %1 waits for it to catch up on at most %2 of critical state")
                                   .arg(replica, Staleness::durationText(stale))
                             : tr("Switching over to %1 needs no catch-up of critical state").arg(replica);
    }
    if (f.notHeld == 0)
        return tr("%1.").arg(critical);
    const QLocale locale;
    // Singular and plural spelled out: the console ships no English translation to resolve %n.
    const QString keys = locale.toString(f.notHeldKeys);
    const QString bytes = locale.formattedDataSize(f.notHeldBytes);
    const QString missing
        = f.notHeld == 1
              ? tr("it does not hold 1 partition (%1 keys, %2)").arg(keys, bytes)
              : tr("it does not hold %1 partitions (%2 keys, %3)").arg(locale.toString(f.notHeld), keys, bytes);
    return tr("%1; %2.").arg(critical, missing);
}

} // namespace foresight::widgets
