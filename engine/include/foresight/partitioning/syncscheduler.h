#pragma once

#include <cstdint>
#include <optional>

#include <QList>
#include <QString>

#include "foresight/config/impactfunction.h"
#include "foresight/core/result.h"
#include "foresight/replication/batchpolicy.h"
#include "foresight/vocabulary/roles.h"

// The predictive synchronization scheduler of seed 9244993 (docs/partitions.md): for one replica
// link, which partitions' pending deltas ship next, in which order and in batches of what size.
// Pure: the caller (the primary's replication stream) supplies what is pending and what it
// knows of the link, and ships the batches in the order returned. Safe from any thread.
namespace foresight::partitioning {

// Hot replicas are never scheduled: a hot replica gets every delta at once, as part of the
// write's acknowledgement, and nothing here may delay that. Warm and cold replicas (and replicas
// catching up, which acknowledge no writes yet) are: true for Warm and Cold only.
bool isScheduled(Tier tier);

// One delta waiting for this replica: its position in the primary's sequence and its size.
struct PendingDelta
{
    std::uint64_t seq = 0;
    qsizetype bytes = 0; // StateDelta::byteSize(), what the link has to carry
};

// One partition as one replica link sees it.
struct PartitionBacklog
{
    QString id; // unique among the partitions of one call
    config::ImpactClass impactClass = config::ImpactClass::Low;
    int toleratedStalenessMs = 600'000; // config::kMin..kMaxToleratedStalenessMs
    double accessesPerSecond = 0;       // reads and writes, from the usage profile
    // When this replica last held every change of the partition: the primary's time of the
    // oldest change still pending for it. Its staleness is now - lastSyncMs while any is pending.
    std::int64_t lastSyncMs = 0;
    // The prefetch hint: when a read of the partition is predicted (the state engine's
    // change-time forecasts, the usage profile's time-of-day pattern). Unset: no prediction.
    std::optional<std::int64_t> predictedReadMs;
    // The deltas this replica does not have yet, in sequence order (strictly increasing seq).
    // They leave in this order, whatever the order of partitions: since a key belongs to one
    // partition, no key's deltas are ever reordered.
    QList<PendingDelta> pending;
};

// The link to the replica, as the agents measure it (docs/protocol.md 9.10, 9.11).
struct LinkConditions
{
    double bandwidthBytesPerSecond = 0; // 0 (or not finite): not measured yet
    double roundTripMs = 0;
};

struct SyncSettings
{
    // A batch is sized to occupy the link about this long plus one round trip (batchBytesFor()).
    int targetBatchMs = 50;
    qsizetype minBatchBytes = 1024;       // below this, message framing costs more than it carries
    qsizetype maxBatchBytes = 512 * 1024; // and never above limits.maxBytes
    replication::MessageLimits limits;    // replication's message limits: bytes and deltas
    // The deadline rule: a partition whose staleness, plus the time its pending bytes take to
    // cross the link, reaches this share of its tolerated staleness goes before everything that
    // is not due, whatever its class and frequency; due partitions go earliest deadline first.
    double deadlineShare = 0.5;
    // Prefetch: a partition whose read is predicted within this horizon has its priority
    // multiplied by 1 + prefetchBoost * (1 - lead / horizon): up to (1 + boost) for a read due now.
    int prefetchHorizonMs = 10'000;
    double prefetchBoost = 3.0;
    // Plan only the batches the link carries in this long (at least one batch); 0: plan
    // everything pending. The plan is meant to be redone as time passes: priorities move.
    int planHorizonMs = 0;
};

// Why a partition stands where it does in the plan.
struct PartitionRank
{
    QString id;
    double score = 0;    // stalenessImpactScore(): against its tolerance
    double cost = 0;     // stalenessCost(): what its staleness costs
    double priority = 0; // cost times the prefetch factor
    std::int64_t stalenessMs = 0;
    std::int64_t slackMs = 0; // tolerated staleness - staleness - time to ship what is pending
    bool due = false;         // the deadline rule put it first
    bool prefetch = false;    // a read is predicted within the prefetch horizon
};

// A run of one partition's pending deltas: from firstSeq to lastSeq, `deltas` of them, the
// oldest not yet planned. A partition's slices follow one another in sequence order across
// the plan's batches and appear at most once per batch.
struct BatchSlice
{
    QString partition;
    std::uint64_t firstSeq = 0;
    std::uint64_t lastSeq = 0;
    qsizetype deltas = 0;
    qsizetype bytes = 0;
};

// One message to the replica: at most SyncPlan::batchBytes and limits.maxItems deltas, except
// that a batch always holds one delta at least (a delta larger than a batch ships alone).
struct SyncBatch
{
    QList<BatchSlice> slices; // in priority order
    qsizetype bytes = 0;
    qsizetype deltas = 0;
};

struct SyncPlan
{
    qsizetype batchBytes = 0;     // the batch size used, from batchBytesFor()
    QList<PartitionRank> ranking; // partitions with anything pending, first to ship first
    QList<SyncBatch> batches;     // to ship in this order
};

// The batch size for a link: bandwidth * (targetBatchMs + roundTripMs), clamped to
// [minBatchBytes, min(maxBatchBytes, limits.maxBytes)]. Small on slow links, so an urgent change
// never waits long behind a batch on the wire; large on fast ones, so a batch covers the round
// trip its acknowledgement takes and the link stays busy. Unmeasured bandwidth: the largest.
qsizetype batchBytesFor(const LinkConditions &link, const SyncSettings &settings);

// The plan for one replica link at nowMs (the primary's clock, as lastSyncMs and
// predictedReadMs). Order: partitions due by the deadline rule, earliest deadline first; then by
// priority, highest first; ties by score, class, staleness, then id. Partitions
// with nothing pending are left out. InvalidArgument, naming the partition, for an empty or
// repeated id, a tolerated staleness out of range, pending deltas out of sequence order or of
// negative size.
Result<SyncPlan> planSync(const QList<PartitionBacklog> &partitions,
                          const LinkConditions &link,
                          std::int64_t nowMs,
                          const SyncSettings &settings = {});

} // namespace foresight::partitioning
