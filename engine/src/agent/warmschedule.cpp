// A warm replica's scheduled stream (issue 20, docs/partitions.md, docs/protocol.md 8.11). The
// critical keys reach a warm replica as before, in order with every write. Everything else it
// is owed waits in a LinkBacklog per partition, and planSync() picks what leaves next, in
// batches sized from the link the peer prober measured: on a slow link the partitions whose
// staleness costs most go first. Batches are numbered; the replica acknowledges the last one it
// applied, and at most a window of them is in flight, so the backlog (not a socket buffer the
// scheduler cannot reorder) is where a slow link's queue forms.

#include <algorithm>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"
#include "foresight/protocol/codecs.h"

namespace foresight::agent {

using partitioning::PartitionId;

namespace {

// Batches before the link is measured: under 200 ms of a 24 KB/s link, and measured within a
// round trip or two on a fast one, which then gets larger ones.
constexpr qsizetype kUnmeasuredBatchBytes = 4 * 1024;

// Beyond the owed fill, a warm replica may fall this far behind (the delta log's own bound)
// before it is resynchronised from scratch.
qsizetype overflowBytes(const AppInstance &app, qsizetype fillBytes)
{
    return fillBytes + app.config.logMaxBytes;
}

} // namespace

void Agent::Impl::startWarmSchedule(AppInstance &app, const ReplicaLink &link)
{
    const partitioning::PartitionSet &partitions = ensurePartitions(app);
    WarmSchedule &schedule = app.partitions.warm[link.identity];
    schedule = WarmSchedule{};
    // The keys it lacks, as of now: their current values, queued like changes made now.
    const std::int64_t t = m_clock.monotonicMs();
    const state::Snapshot snapshot = app.state.snapshot(app.name, m_clock.wallMs());
    for (const auto &[key, value] : snapshot.entries) {
        if (app.state.isCritical(key))
            continue;
        const state::StateDelta delta{snapshot.epoch, snapshot.seq, snapshot.takenAtMs, key, state::DeltaOp::Put, value};
        const auto keyClass = app.state.keyClassOf(key).value_or(0);
        schedule.backlog.add(partitions.partitionOf(key, config::ImpactClass(keyClass)), delta, t);
    }
    schedule.fillBytes = schedule.backlog.pendingBytes();
}

void Agent::Impl::scheduleChange(AppInstance &app, const state::StateDelta &delta, PartitionId p)
{
    if (app.partitions.warm.isEmpty() || app.state.isCritical(delta.key))
        return;
    const std::int64_t t = m_clock.monotonicMs();
    for (WarmSchedule &schedule : app.partitions.warm)
        schedule.backlog.add(p, delta, t);
}

void Agent::Impl::pumpWarmSchedules(AppInstance &app)
{
    if (app.partitions.warm.isEmpty() || !app.partitions.set)
        return;
    const partitioning::PartitionSet &partitions = *app.partitions.set;
    QList<QPair<QByteArray, QString>> broken;
    for (auto it = app.partitions.warm.begin(); it != app.partitions.warm.end(); ++it) {
        WarmSchedule &schedule = *it;
        ReplicaLink *link = app.stream.link(it.key());
        if (!link)
            continue;
        if (schedule.backlog.pendingBytes() > overflowBytes(app, schedule.fillBytes)) {
            broken.append({it.key(),
                           QStringLiteral("its scheduled stream fell %1 bytes behind: resynchronising")
                               .arg(schedule.backlog.pendingBytes())});
            continue;
        }
        // The link as this stream measures it; before its first samples, as the prober did, if
        // it did; before either, small batches, so a slow link is not flooded while unknown.
        partitioning::SyncSettings settings;
        settings.limits = app.stream.policy().limits();
        settings.planHorizonMs = 1; // the first batch: priorities move, so the plan is redone each time
        partitioning::LinkConditions conditions = schedule.link.conditions();
        if (!schedule.link.measured() && m_prober) {
            const PeerProber::LinkFigures figures = m_prober->linkTo(link->agent);
            conditions = {figures.bandwidthBytesPerSecond, figures.roundTripMs};
        }
        if (conditions.bandwidthBytesPerSecond <= 0)
            settings.maxBatchBytes = kUnmeasuredBatchBytes;
        const qsizetype batchBytes = partitioning::batchBytesFor(conditions, settings);
        // About two bandwidth x round trips in flight (room for the rate to grow), never less than
        // two batches; the rest waits in the backlog, where the scheduler can still reorder it.
        const qsizetype window = std::max<qsizetype>(2 * batchBytes,
                                                     qsizetype(2 * conditions.bandwidthBytesPerSecond
                                                               * conditions.roundTripMs / 1000.0));
        while (schedule.link.inFlightBytes() < window) {
            auto plan = partitioning::planSync(schedule.backlog.planInput(partitions),
                                               conditions,
                                               m_clock.monotonicMs(),
                                               settings);
            if (!plan) {
                qCWarning(lcReplication,
                          "%s: scheduling failed: %s",
                          qPrintable(app.name),
                          qPrintable(plan.error().toString()));
                break;
            }
            if (plan->batches.isEmpty())
                break;
            const std::uint64_t batch = schedule.nextBatch++;
            auto deltas = schedule.backlog.send(plan->batches.first(), batch);
            if (!deltas) { // the plan was made from this backlog: a bug, not a condition
                qCWarning(lcReplication, "%s: %s", qPrintable(app.name), qPrintable(deltas.error().toString()));
                break;
            }
            QCborArray array;
            for (const state::StateDelta &delta : *deltas)
                array.append(protocol::deltaToCbor(delta));
            const QCborMap body{{QStringLiteral("app"), app.name},
                                {QStringLiteral("epoch"), qint64(app.epoch)},
                                {QStringLiteral("batch"), qint64(batch)},
                                {QStringLiteral("deltas"), array}};
            if (!transport::send(m_api,
                                 {link->identity},
                                 protocol::Message{protocol::MessageType::ScheduledDeltas, body})) {
                broken.append({it.key(), QStringLiteral("replica unreachable")});
                break;
            }
            schedule.link.sent(batch, plan->batches.first().bytes, m_clock.monotonicMs());
        }
    }
    for (const auto &[identity, why] : broken)
        dropLink(app, identity, why);
}

void Agent::Impl::acknowledgeScheduled(AppInstance &app, const QByteArray &identity, std::uint64_t batch)
{
    const auto it = app.partitions.warm.find(identity);
    if (it == app.partitions.warm.end())
        return;
    WarmSchedule &schedule = *it;
    if (batch >= schedule.nextBatch)
        return; // never sent on this link: an acknowledgement from an earlier one
    schedule.backlog.acknowledge(batch);
    schedule.link.acknowledged(batch, m_clock.monotonicMs());
}

void Agent::Impl::regroupWarmSchedules(AppInstance &app)
{
    if (app.partitions.warm.isEmpty() || !app.partitions.set)
        return;
    const auto classOf = [&app](const QString &key) {
        const auto held = app.state.keyClassOf(key);
        return held ? config::ImpactClass(*held) : app.partitions.classifier.classify(key).impactClass;
    };
    for (WarmSchedule &schedule : app.partitions.warm)
        schedule.backlog.regroup(*app.partitions.set, classOf);
}

} // namespace foresight::agent
