#pragma once

// When each partition changed, in bounded memory: what a replica's staleness per partition is
// computed from (issue 20, section 2: "per replica its current staleness"; docs/partitions.md).
// A replica that holds every change up to seq H lacks, of partition p, the changes of p after H;
// its staleness for p is how long it has lacked the oldest of them: now minus that change's time.
//
// Changes are kept as checkpoints: the first change of a partition within each `resolutionMs`
// starts one, later ones within it extend it. A staleness is thus an over-estimate by less than
// the resolution, never an under-estimate. When a partition holds more than maxCheckpoints,
// its two oldest merge (keeping the older time): resolution coarsens only where nothing
// recent is. forgetHeld() drops what every replica holds.
//
// Times are the owner's monotonic milliseconds. Not thread-safe: the primary agent's thread.

#include <cstdint>
#include <deque>
#include <optional>

#include <QHash>
#include <QList>

#include "foresight/partitioning/partitionmatching.h"

namespace foresight::partitioning {

class PartitionChangeLog final
{
public:
    static constexpr int kDefaultResolutionMs = 10;
    static constexpr int kDefaultMaxCheckpoints = 4096;

    explicit PartitionChangeLog(int resolutionMs = kDefaultResolutionMs, int maxCheckpoints = kDefaultMaxCheckpoints);

    // A change of partition p at seq (increasing across calls) and time atMs.
    void record(PartitionId p, std::uint64_t seq, std::int64_t atMs);

    // How long a replica holding every change up to heldSeq has lacked a change of p, at nowMs;
    // 0 when it lacks none (or p is unknown).
    std::int64_t stalenessMs(PartitionId p, std::uint64_t heldSeq, std::int64_t nowMs) const;
    // The latest change of p recorded, or nullopt.
    std::optional<std::int64_t> lastChangeMs(PartitionId p) const;

    // Every replica holds every change up to seq: their checkpoints go, except that each
    // partition's last change time stays for lastChangeMs().
    void forgetHeld(std::uint64_t seq);

    // New partitions replace the old ones: `inherits` maps each new identity to the old ones
    // its keys came from. A new partition takes all their checkpoints (an old partition split
    // in two gives its history to both), so a staleness stays an over-estimate, never lost;
    // old identities nobody inherits are dropped.
    void regroup(const QHash<PartitionId, QList<PartitionId>> &inherits);

    void clear() { m_partitions.clear(); }
    qsizetype checkpoints(PartitionId p) const;

private:
    struct Checkpoint
    {
        std::uint64_t firstSeq = 0;
        std::uint64_t lastSeq = 0;
        std::int64_t firstMs = 0;
    };
    struct History
    {
        std::deque<Checkpoint> checkpoints; // ascending seq, disjoint
        std::int64_t lastChangeMs = 0;
        bool changed = false;
    };
    void bound(History &history) const;

    int m_resolutionMs;
    int m_maxCheckpoints;
    QHash<PartitionId, History> m_partitions;
};

} // namespace foresight::partitioning
