#include "foresight/partitioning/syncscheduler.h"

#include <algorithm>
#include <cmath>

#include <QSet>

#include "foresight/partitioning/stalenessimpact.h"

namespace foresight::partitioning {

namespace {

bool measured(double bandwidth)
{
    return std::isfinite(bandwidth) && bandwidth > 0;
}

// How long the partition's pending deltas take to reach the replica on their own: half a round
// trip of latency and their bytes at the link's bandwidth.
std::int64_t shipMs(const PartitionBacklog &partition, const LinkConditions &link)
{
    double bytes = 0;
    for (const PendingDelta &delta : partition.pending)
        bytes += double(delta.bytes);
    double ms = std::isfinite(link.roundTripMs) ? std::max(link.roundTripMs, 0.0) / 2 : 0;
    if (measured(link.bandwidthBytesPerSecond))
        ms += bytes * 1000 / link.bandwidthBytesPerSecond;
    return std::int64_t(std::ceil(ms));
}

double prefetchFactor(const PartitionBacklog &partition, std::int64_t nowMs, const SyncSettings &settings)
{
    if (!partition.predictedReadMs || settings.prefetchHorizonMs <= 0)
        return 1;
    // A predicted read already past is as urgent as one due now: it is still to come, only late.
    const std::int64_t lead = std::max<std::int64_t>(*partition.predictedReadMs - nowMs, 0);
    if (lead > settings.prefetchHorizonMs)
        return 1;
    return 1 + settings.prefetchBoost * (1 - double(lead) / settings.prefetchHorizonMs);
}

Status checkPartition(const PartitionBacklog &partition, QSet<QString> *seen)
{
    const auto bad = [&partition](const QString &what) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("partition '%1': %2").arg(partition.id, what));
    };
    if (partition.id.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a partition has no id"));
    if (seen->contains(partition.id))
        return bad(QStringLiteral("listed twice"));
    seen->insert(partition.id);
    if (partition.toleratedStalenessMs < config::kMinToleratedStalenessMs
        || partition.toleratedStalenessMs > config::kMaxToleratedStalenessMs) {
        return bad(QStringLiteral("tolerated staleness %1 ms is out of range %2..%3")
                       .arg(partition.toleratedStalenessMs)
                       .arg(config::kMinToleratedStalenessMs)
                       .arg(config::kMaxToleratedStalenessMs));
    }
    for (qsizetype i = 0; i < partition.pending.size(); ++i) {
        const PendingDelta &delta = partition.pending.at(i);
        if (delta.bytes < 0)
            return bad(QStringLiteral("delta %1 has a negative size").arg(delta.seq));
        // Shipping them in the order given is what keeps each key's deltas in order.
        if (i > 0 && delta.seq <= partition.pending.at(i - 1).seq) {
            return bad(QStringLiteral("pending delta %1 follows %2: deltas must be in sequence order")
                           .arg(delta.seq)
                           .arg(partition.pending.at(i - 1).seq));
        }
    }
    return {};
}

struct Ranked
{
    const PartitionBacklog *partition = nullptr;
    PartitionRank rank;
};

bool shipsBefore(const Ranked &a, const Ranked &b)
{
    if (a.rank.due != b.rank.due)
        return a.rank.due;
    if (a.rank.due && a.rank.slackMs != b.rank.slackMs)
        return a.rank.slackMs < b.rank.slackMs; // earliest deadline first
    if (a.rank.priority != b.rank.priority)
        return a.rank.priority > b.rank.priority;
    if (a.rank.score != b.rank.score)
        return a.rank.score > b.rank.score;
    if (a.partition->impactClass != b.partition->impactClass)
        return a.partition->impactClass > b.partition->impactClass;
    if (a.rank.stalenessMs != b.rank.stalenessMs)
        return a.rank.stalenessMs > b.rank.stalenessMs;
    return a.rank.id < b.rank.id;
}

// The seed's batching: partitions in order, a batch closed when the next delta does not fit.
// Unlike the seed, a partition larger than a batch is cut at a delta boundary and continues in
// the next batch; no lower-priority partition is pulled forward to fill a gap, so the order of
// the ranking is the order on the wire.
QList<SyncBatch> fillBatches(const QList<Ranked> &ranked,
                             qsizetype batchBytes,
                             qsizetype budgetBytes,
                             qsizetype maxItems)
{
    QList<SyncBatch> batches;
    SyncBatch current;
    qsizetype planned = 0;
    const auto close = [&] {
        if (current.deltas > 0) {
            planned += current.bytes;
            batches.append(std::move(current));
        }
        current = SyncBatch();
    };
    const auto budgetSpent = [&] { return budgetBytes > 0 && planned >= budgetBytes; };
    for (const Ranked &entry : ranked) {
        for (const PendingDelta &delta : entry.partition->pending) {
            const bool full = current.deltas > 0
                              && (current.bytes + delta.bytes > batchBytes || current.deltas >= maxItems);
            if (full) {
                close();
                if (budgetSpent())
                    return batches;
            }
            if (current.slices.isEmpty() || current.slices.last().partition != entry.rank.id)
                current.slices.append(BatchSlice{entry.rank.id, delta.seq, delta.seq, 0, 0});
            BatchSlice &slice = current.slices.last();
            slice.lastSeq = delta.seq;
            ++slice.deltas;
            slice.bytes += delta.bytes;
            ++current.deltas;
            current.bytes += delta.bytes;
        }
    }
    close();
    return batches;
}

} // namespace

bool isScheduled(Tier tier)
{
    return tier == Tier::Warm || tier == Tier::Cold;
}

qsizetype batchBytesFor(const LinkConditions &link, const SyncSettings &settings)
{
    const qsizetype ceiling = std::max<qsizetype>(1, std::min(settings.maxBatchBytes, settings.limits.maxBytes));
    const qsizetype floor = std::clamp<qsizetype>(settings.minBatchBytes, 1, ceiling);
    if (!measured(link.bandwidthBytesPerSecond))
        return ceiling;
    const double roundTrip = std::isfinite(link.roundTripMs) ? std::max(link.roundTripMs, 0.0) : 0;
    const double bytes = link.bandwidthBytesPerSecond * (std::max(settings.targetBatchMs, 0) + roundTrip) / 1000;
    if (bytes >= double(ceiling))
        return ceiling;
    return std::max(floor, qsizetype(bytes));
}

Result<SyncPlan> planSync(const QList<PartitionBacklog> &partitions,
                          const LinkConditions &link,
                          std::int64_t nowMs,
                          const SyncSettings &settings)
{
    QSet<QString> seen;
    QList<Ranked> ranked;
    for (const PartitionBacklog &partition : partitions) {
        if (auto status = checkPartition(partition, &seen); !status)
            return std::unexpected(status.error());
        if (partition.pending.isEmpty())
            continue;
        Ranked entry{&partition, {}};
        PartitionRank &rank = entry.rank;
        rank.id = partition.id;
        rank.stalenessMs = std::max<std::int64_t>(nowMs - partition.lastSyncMs, 0);
        rank.score = stalenessImpactScore(partition.impactClass,
                                          partition.accessesPerSecond,
                                          rank.stalenessMs,
                                          partition.toleratedStalenessMs);
        rank.cost = stalenessCost(partition.impactClass, partition.accessesPerSecond, rank.stalenessMs);
        const double prefetch = prefetchFactor(partition, nowMs, settings);
        rank.prefetch = prefetch > 1;
        rank.priority = rank.cost * prefetch;
        const std::int64_t ship = shipMs(partition, link);
        rank.slackMs = partition.toleratedStalenessMs - rank.stalenessMs - ship;
        rank.due = double(rank.stalenessMs + ship) >= settings.deadlineShare * partition.toleratedStalenessMs;
        ranked.append(entry);
    }
    std::sort(ranked.begin(), ranked.end(), shipsBefore);

    SyncPlan plan;
    plan.batchBytes = batchBytesFor(link, settings);
    for (const Ranked &entry : std::as_const(ranked))
        plan.ranking.append(entry.rank);
    qsizetype budget = 0;
    if (settings.planHorizonMs > 0 && measured(link.bandwidthBytesPerSecond))
        budget = std::max<qsizetype>(1, qsizetype(link.bandwidthBytesPerSecond * settings.planHorizonMs / 1000));
    plan.batches = fillBatches(ranked, plan.batchBytes, budget, std::max<qsizetype>(settings.limits.maxItems, 1));
    return plan;
}

} // namespace foresight::partitioning
