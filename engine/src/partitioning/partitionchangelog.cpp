#include "foresight/partitioning/partitionchangelog.h"

#include <algorithm>

namespace foresight::partitioning {

PartitionChangeLog::PartitionChangeLog(int resolutionMs, int maxCheckpoints)
    : m_resolutionMs(std::max(1, resolutionMs))
    , m_maxCheckpoints(std::max(2, maxCheckpoints))
{}

void PartitionChangeLog::record(PartitionId p, std::uint64_t seq, std::int64_t atMs)
{
    History &history = m_partitions[p];
    history.lastChangeMs = atMs;
    history.changed = true;
    if (!history.checkpoints.empty() && atMs - history.checkpoints.back().firstMs < m_resolutionMs) {
        history.checkpoints.back().lastSeq = seq;
        return;
    }
    history.checkpoints.push_back({seq, seq, atMs});
    bound(history);
}

void PartitionChangeLog::bound(History &history) const
{
    while (qsizetype(history.checkpoints.size()) > m_maxCheckpoints) {
        // The two oldest become one that starts at the older's time: staleness only grows.
        const Checkpoint oldest = history.checkpoints.front();
        history.checkpoints.pop_front();
        history.checkpoints.front().firstSeq = oldest.firstSeq;
        history.checkpoints.front().firstMs = oldest.firstMs;
    }
}

std::int64_t PartitionChangeLog::stalenessMs(PartitionId p, std::uint64_t heldSeq, std::int64_t nowMs) const
{
    const auto it = m_partitions.constFind(p);
    if (it == m_partitions.cend())
        return 0;
    const std::deque<Checkpoint> &checkpoints = it->checkpoints;
    // The first checkpoint with a change after heldSeq holds the oldest change the replica lacks.
    const auto first = std::partition_point(checkpoints.begin(), checkpoints.end(), [heldSeq](const Checkpoint &c) {
        return c.lastSeq <= heldSeq;
    });
    if (first == checkpoints.end())
        return 0;
    return std::max<std::int64_t>(0, nowMs - first->firstMs);
}

std::optional<std::int64_t> PartitionChangeLog::lastChangeMs(PartitionId p) const
{
    const auto it = m_partitions.constFind(p);
    if (it == m_partitions.cend() || !it->changed)
        return std::nullopt;
    return it->lastChangeMs;
}

void PartitionChangeLog::forgetHeld(std::uint64_t seq)
{
    for (History &history : m_partitions) {
        while (!history.checkpoints.empty() && history.checkpoints.front().lastSeq <= seq)
            history.checkpoints.pop_front();
    }
}

void PartitionChangeLog::regroup(const QHash<PartitionId, QList<PartitionId>> &inherits)
{
    QHash<PartitionId, History> next;
    for (auto it = inherits.cbegin(); it != inherits.cend(); ++it) {
        History merged;
        for (PartitionId old : *it) {
            const auto from = m_partitions.constFind(old);
            if (from == m_partitions.cend())
                continue;
            merged.checkpoints.insert(merged.checkpoints.end(), from->checkpoints.begin(), from->checkpoints.end());
            if (from->changed) {
                merged.lastChangeMs = merged.changed ? std::max(merged.lastChangeMs, from->lastChangeMs)
                                                     : from->lastChangeMs;
                merged.changed = true;
            }
        }
        // Sorted by seq, and checkpoints of different old partitions whose ranges overlap made
        // one (the earlier time kept), so that ranges stay disjoint and ascending for the search.
        std::sort(merged.checkpoints.begin(), merged.checkpoints.end(), [](const Checkpoint &a, const Checkpoint &b) {
            return a.firstSeq < b.firstSeq;
        });
        std::deque<Checkpoint> disjoint;
        for (const Checkpoint &checkpoint : merged.checkpoints) {
            if (!disjoint.empty() && checkpoint.firstSeq <= disjoint.back().lastSeq) {
                disjoint.back().lastSeq = std::max(disjoint.back().lastSeq, checkpoint.lastSeq);
                disjoint.back().firstMs = std::min(disjoint.back().firstMs, checkpoint.firstMs);
            } else {
                disjoint.push_back(checkpoint);
            }
        }
        merged.checkpoints = std::move(disjoint);
        bound(merged);
        next.insert(it.key(), std::move(merged));
    }
    m_partitions = std::move(next);
}

qsizetype PartitionChangeLog::checkpoints(PartitionId p) const
{
    const auto it = m_partitions.constFind(p);
    return it == m_partitions.cend() ? 0 : qsizetype(it->checkpoints.size());
}

} // namespace foresight::partitioning
