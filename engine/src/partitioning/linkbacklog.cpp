#include "foresight/partitioning/linkbacklog.h"

#include <algorithm>
#include <limits>

namespace foresight::partitioning {

namespace {

bool byTicket(const auto &a, const auto &b)
{
    return a.ticket < b.ticket;
}

} // namespace

void LinkBacklog::add(PartitionId p, const state::StateDelta &delta, std::int64_t atMs)
{
    const auto at = m_newestWaiting.find(delta.key);
    if (at != m_newestWaiting.end() && at->partition == p) {
        if (Entry *entry = waitingEntry(*at)) {
            m_bytes += delta.byteSize() - entry->delta.byteSize();
            entry->delta = delta;
            ++m_coalesced;
            return;
        }
    }
    const std::uint64_t ticket = m_nextTicket++;
    m_queues[p].waiting.push_back({ticket, 0, atMs, delta});
    m_newestWaiting.insert(delta.key, {p, ticket});
    ++m_deltas;
    m_bytes += delta.byteSize();
}

LinkBacklog::Entry *LinkBacklog::waitingEntry(const WaitingAt &at)
{
    const auto queue = m_queues.find(at.partition);
    if (queue == m_queues.end())
        return nullptr;
    std::deque<Entry> &waiting = queue->waiting;
    const auto it = std::lower_bound(waiting.begin(), waiting.end(), at.ticket, [](const Entry &entry, std::uint64_t t) {
        return entry.ticket < t;
    });
    return it != waiting.end() && it->ticket == at.ticket ? &*it : nullptr;
}

// Each queue's waiting changes are in ticket order and a key's are all in one queue, so the last
// one seen per key is its newest.
void LinkBacklog::reindexWaiting()
{
    m_newestWaiting.clear();
    for (auto it = m_queues.cbegin(); it != m_queues.cend(); ++it) {
        for (const Entry &entry : it->waiting)
            m_newestWaiting.insert(entry.delta.key, {it.key(), entry.ticket});
    }
}

void LinkBacklog::regroup(const PartitionSet &next, const std::function<config::ImpactClass(const QString &)> &classOf)
{
    QHash<PartitionId, Queue> regrouped;
    for (Queue &queue : m_queues) {
        for (Entry &entry : queue.sent) {
            const PartitionId p = next.partitionOf(entry.delta.key, classOf(entry.delta.key));
            regrouped[p].sent.push_back(std::move(entry));
        }
        for (Entry &entry : queue.waiting) {
            const PartitionId p = next.partitionOf(entry.delta.key, classOf(entry.delta.key));
            regrouped[p].waiting.push_back(std::move(entry));
        }
    }
    // Each old queue was in ticket order; the merged ones are sorted again, which keeps every
    // key's changes in order since a key's changes all came from the one partition it was in.
    for (Queue &queue : regrouped) {
        std::stable_sort(queue.sent.begin(), queue.sent.end(), byTicket<Entry, Entry>);
        std::stable_sort(queue.waiting.begin(), queue.waiting.end(), byTicket<Entry, Entry>);
    }
    m_queues = std::move(regrouped);
    reindexWaiting();
}

QList<PartitionBacklog> LinkBacklog::planInput(const PartitionSet &partitions, qsizetype maxPending) const
{
    QList<PartitionBacklog> input;
    for (auto it = m_queues.cbegin(); it != m_queues.cend(); ++it) {
        const Queue &queue = *it;
        if (queue.waiting.empty())
            continue;
        PartitionBacklog backlog;
        backlog.id = QString::number(it.key());
        if (const Partition *partition = partitions.find(it.key())) {
            backlog.impactClass = partition->impactClass;
            backlog.toleratedStalenessMs = partition->toleratedStalenessMs;
            backlog.accessesPerSecond = partition->accessesPerSecond;
        } else if (const Partition *cold = partitions.find(kColdPartitionId)) {
            backlog.impactClass = cold->impactClass;
            backlog.toleratedStalenessMs = cold->toleratedStalenessMs;
        }
        backlog.lastSyncMs = queue.waiting.front().atMs;
        if (!queue.sent.empty())
            backlog.lastSyncMs = std::min(backlog.lastSyncMs, queue.sent.front().atMs);
        const bool whole = maxPending < 0 || backlog.impactClass == config::ImpactClass::Critical;
        const qsizetype listed = whole ? qsizetype(queue.waiting.size())
                                       : std::min(maxPending, qsizetype(queue.waiting.size()));
        backlog.pending.reserve(listed);
        for (qsizetype i = 0; i < listed; ++i) {
            const Entry &entry = queue.waiting[std::size_t(i)];
            backlog.pending.append({entry.ticket, entry.delta.byteSize()});
        }
        input.append(std::move(backlog));
    }
    // The scheduler's tie-break is by id; the input's order is the hash's, which is not stable.
    std::sort(input.begin(), input.end(), [](const PartitionBacklog &a, const PartitionBacklog &b) {
        return a.id < b.id;
    });
    return input;
}

Result<QList<state::StateDelta>> LinkBacklog::send(const SyncBatch &batch, std::uint64_t batchNo)
{
    // Checked in full first, so a mismatched batch changes nothing.
    for (const BatchSlice &slice : batch.slices) {
        bool ok = false;
        const PartitionId p = slice.partition.toLongLong(&ok);
        const auto it = m_queues.constFind(p);
        if (!ok || it == m_queues.cend() || qsizetype(it->waiting.size()) < slice.deltas || slice.deltas < 1
            || it->waiting.front().ticket != slice.firstSeq
            || it->waiting[std::size_t(slice.deltas - 1)].ticket != slice.lastSeq) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("batch slice of partition '%1' (%2..%3) is not what waits for the link")
                            .arg(slice.partition)
                            .arg(slice.firstSeq)
                            .arg(slice.lastSeq));
        }
    }
    QList<state::StateDelta> deltas;
    deltas.reserve(batch.deltas);
    for (const BatchSlice &slice : batch.slices) {
        Queue &queue = m_queues[slice.partition.toLongLong()];
        for (qsizetype i = 0; i < slice.deltas; ++i) {
            Entry entry = std::move(queue.waiting.front());
            queue.waiting.pop_front();
            if (const auto at = m_newestWaiting.constFind(entry.delta.key);
                at != m_newestWaiting.cend() && at->ticket == entry.ticket)
                m_newestWaiting.erase(at);
            entry.batch = batchNo;
            deltas.append(entry.delta);
            queue.sent.push_back(std::move(entry));
        }
    }
    return deltas;
}

void LinkBacklog::acknowledge(std::uint64_t batchNo)
{
    for (Queue &queue : m_queues) {
        const auto held = std::remove_if(queue.sent.begin(), queue.sent.end(), [&](const Entry &entry) {
            if (entry.batch > batchNo)
                return false;
            --m_deltas;
            m_bytes -= entry.delta.byteSize();
            return true;
        });
        queue.sent.erase(held, queue.sent.end());
    }
    m_queues.removeIf([](const auto &it) { return it.value().sent.empty() && it.value().waiting.empty(); });
}

void LinkBacklog::resend()
{
    for (Queue &queue : m_queues) {
        for (Entry &entry : queue.sent)
            entry.batch = 0;
        queue.waiting.insert(queue.waiting.begin(),
                             std::make_move_iterator(queue.sent.begin()),
                             std::make_move_iterator(queue.sent.end()));
        queue.sent.clear();
        std::stable_sort(queue.waiting.begin(), queue.waiting.end(), byTicket<Entry, Entry>);
    }
    reindexWaiting();
}

std::int64_t LinkBacklog::stalenessMs(PartitionId p, std::int64_t nowMs) const
{
    const auto it = m_queues.constFind(p);
    if (it == m_queues.cend())
        return 0;
    std::int64_t oldest = std::numeric_limits<std::int64_t>::max();
    if (!it->sent.empty())
        oldest = it->sent.front().atMs;
    if (!it->waiting.empty())
        oldest = std::min(oldest, it->waiting.front().atMs);
    return oldest == std::numeric_limits<std::int64_t>::max() ? 0 : std::max<std::int64_t>(0, nowMs - oldest);
}

qsizetype LinkBacklog::sentDeltas() const
{
    qsizetype sent = 0;
    for (const Queue &queue : m_queues)
        sent += qsizetype(queue.sent.size());
    return sent;
}

void LinkBacklog::clear()
{
    m_queues.clear();
    m_newestWaiting.clear();
    m_coalesced = 0;
    m_deltas = 0;
    m_bytes = 0;
}

} // namespace foresight::partitioning
