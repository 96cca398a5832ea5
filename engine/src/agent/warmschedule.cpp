// A warm replica's scheduled stream (issue 20, docs/partitions.md, docs/protocol.md 8.11). The
// critical keys reach a warm replica as before, in order with every write. Everything else it
// is owed waits in a LinkBacklog per partition, and planSync() picks what leaves next, in
// batches sized from the link as the stream measures it (DeliveryEstimator; the peer prober's
// figures until then): on a slow link the partitions whose staleness costs most go first. Batches are numbered; the replica acknowledges the last one it
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

// The least a scheduled stream keeps in flight: 4 KiB is a sixth of a second of a 24 KB/s link,
// which the critical keys' stream waits behind at most (8 KiB left them at 0.8 s of their 1 s
// on tst_warmschedule's saturated link, 4 KiB at 0.57 s), and 4 KiB per round trip is already
// 4 MB/s on a link of a millisecond; faster links measure a bandwidth x round trip above it, and
// the window grows with each measure.
constexpr qsizetype kMinWindowBytes = 4 * 1024;
// A batch out longer than this (plus four round trips) says the link has slowed since measured.
constexpr std::int64_t kStallMs = 250;
// The round trip the window, the batches and the stall rule are sized from is at most this. The
// measured one is a batch's sending to its acknowledgement, so it includes any queue on the
// link; once this stream itself keeps a queue standing (it did on scenario 05's slowed link, the
// critical stream and forecasts sharing it), the queue's delay reads as round trip, the window
// grows with it, and the queue with the window: the critical keys' staleness grew by 0.2 s every
// second. Capped, the stream keeps at most about 2 x 200 ms of the link queued ahead of the
// critical keys (a fifth of critical's default tolerance, 1 s), however the round trip reads.
constexpr double kMaxSizingRoundTripMs = 200;
// The state engine publishes its forecasts about once a second: the hints follow as often.
constexpr std::int64_t kForecastHintsEveryMs = 1000;

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
    // The critical class is exactly the state's critical keys (keyclassifier.h), which reach a
    // warm replica in order: the class the state just gave the key says so without a match.
    if (app.partitions.warm.isEmpty() || app.state.lastKeyClass() == int(config::ImpactClass::Critical))
        return;
    const std::int64_t t = m_clock.monotonicMs();
    for (WarmSchedule &schedule : app.partitions.warm)
        schedule.backlog.add(p, delta, t);
}

const QHash<PartitionId, std::int64_t> &Agent::Impl::forecastHints(AppInstance &app)
{
    AppPartitions &partitions = app.partitions;
    const std::int64_t t = m_clock.monotonicMs();
    if (partitions.forecastHintsBuiltMs >= 0 && t - partitions.forecastHintsBuiltMs < kForecastHintsEveryMs)
        return partitions.forecastHints;
    partitions.forecastHintsBuiltMs = t;
    partitions.forecastHints.clear();
    if (!m_predictions || !partitions.set)
        return partitions.forecastHints;
    const auto table = m_predictions->forecasts(app.name);
    QList<partitioning::ChangeForecast> forecasts;
    forecasts.reserve(table->keys.size());
    for (const prediction::KeyForecast &forecast : table->keys) {
        if (forecast.nextChangeMs)
            forecasts.append({forecast.key, *forecast.nextChangeMs, forecast.changeConfidence});
    }
    const auto classOf = [&app](const QString &key) {
        return config::ImpactClass(app.state.keyClassOf(key).value_or(0));
    };
    partitions.forecastHints
        = partitioning::earliestForecastChanges(*partitions.set, forecasts, classOf, m_clock.wallMs());
    return partitions.forecastHints;
}

void Agent::Impl::pumpWarmSchedules(AppInstance &app)
{
    if (app.partitions.warm.isEmpty() || !app.partitions.set)
        return;
    const partitioning::PartitionSet &partitions = *app.partitions.set;
    const QHash<PartitionId, std::int64_t> &changesForecast = forecastHints(app);
    QList<QPair<QByteArray, QString>> broken;
    const qint64 wallNow = m_clock.wallMs();
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
        conditions.roundTripMs = std::min(conditions.roundTripMs, kMaxSizingRoundTripMs);
        // In flight: about two bandwidth x round trips (room for the rate to grow), at least
        // kMinWindowBytes, in batches of at most half of it. Not two of the largest batches: a
        // window in bytes sized for a fast link is a long queue on one that just slowed, and the
        // critical keys' stream waits behind it.
        const qsizetype window = std::max<qsizetype>(kMinWindowBytes,
                                                     qsizetype(2 * conditions.bandwidthBytesPerSecond
                                                               * conditions.roundTripMs / 1000.0));
        settings.maxBatchBytes = std::max(settings.minBatchBytes, std::min(settings.maxBatchBytes, window / 2));
        // And nothing more while the oldest batch out has waited far longer than a round trip:
        // the link is slower than measured, and the acknowledgements to come will say how slow.
        const std::int64_t stallMs = kStallMs + 4 * std::int64_t(conditions.roundTripMs);
        if (const auto oldest = schedule.link.oldestInFlightSentMs();
            oldest && m_clock.monotonicMs() - *oldest > stallMs)
            continue;
        while (schedule.link.inFlightBytes() < window) {
            const std::int64_t monotonicNow = m_clock.monotonicMs();
            QList<partitioning::PartitionBacklog> input
                = schedule.backlog.planInput(partitions, settings.limits.maxItems); // one batch's worth
            // Prefetch: a partition whose daily habit says it is read soon, or whose keys the state
            // engine forecasts to change soon, goes earlier; the sooner of the two counts.
            for (partitioning::PartitionBacklog &backlog : input) {
                const PartitionId id = backlog.id.toLongLong();
                const partitioning::Partition *partition = partitions.find(id);
                std::optional<qint64> read = partition ? partitioning::predictedReadWallMs(*partition, wallNow)
                                                       : std::nullopt;
                if (const auto change = changesForecast.constFind(id); change != changesForecast.cend())
                    read = read ? std::min(*read, qint64(*change)) : qint64(*change);
                if (read)
                    backlog.predictedReadMs = monotonicNow + (*read - wallNow);
            }
            auto plan = partitioning::planSync(input, conditions, monotonicNow, settings);
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
