// Ours, as the agent will run it: the usage profile fed with every access, partitions re-clustered
// from it now and then, and planSync() asked for the next batch each time the link is free.

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "foresight/core/clock.h"
#include "foresight/partitioning/usageprofile.h"
#include "syncorderers.h"

namespace foresight::bench {

namespace {

using partitioning::PartitionId;

// One partition's changes as the link to the replica sees them.
struct PartitionQueue
{
    std::deque<int> unsent;    // not sent yet, in sequence order (the order planSync ships them)
    std::set<int> undelivered; // not at the replica yet (sent or not): its oldest is lastSync
};

class StalenessOrderer final : public SyncOrderer
{
public:
    StalenessOrderer(const ReplayData &data,
                     const StalenessOrdererSettings &settings,
                     partitioning::UsageProfile profile,
                     std::unique_ptr<ManualClock> clock)
        : m_data(data)
        , m_settings(settings)
        , m_clock(std::move(clock))
        , m_profile(std::move(profile))
        , m_set(partitioning::coldOnlyPartitions(settings.partitioner.algorithm, settings.classifier))
        , m_nextReclusterMs(settings.firstClusteringMs)
    {}

    Status advanceTo(std::int64_t nowMs) override
    {
        m_clock->advance(nowMs - m_clock->monotonicMs());
        if (nowMs < m_nextReclusterMs)
            return {};
        m_nextReclusterMs += m_settings.reclusterMs;
        auto set = partitioning::partitionKeys(m_profile.features(),
                                               m_settings.classifier,
                                               m_set,
                                               m_clock->wallMs(),
                                               m_settings.partitioner);
        if (!set)
            return std::unexpected(set.error());
        m_set = std::move(*set);
        ++m_reclusterings;
        regroup();
        return {};
    }

    void accessed(const WorkloadAccess &access) override { m_profile.record(access.key, access.kind, access.client); }

    void written(int change) override
    {
        const ReplayChange &made = m_data.changes[std::size_t(change)];
        while (m_partitionOfKey.size() < m_data.keys.size())
            m_partitionOfKey.push_back(partitionOf(int(m_partitionOfKey.size())));
        PartitionQueue &queue = m_queues[m_partitionOfKey[std::size_t(made.key)]];
        queue.unsent.push_back(change);
        queue.undelivered.insert(change);
    }

    void delivered(int change) override
    {
        const ReplayChange &made = m_data.changes[std::size_t(change)];
        m_queues[m_partitionOfKey[std::size_t(made.key)]].undelivered.erase(change);
    }

    Result<QList<int>> nextBatch(std::int64_t nowMs, std::int64_t batchBytes) override
    {
        QList<partitioning::PartitionBacklog> backlogs;
        for (const auto &[id, queue] : m_queues) {
            if (!queue.unsent.empty())
                backlogs.append(backlogOf(id, queue, batchBytes));
        }
        if (backlogs.isEmpty())
            return QList<int>();
        const auto plan = partitioning::planSync(backlogs, m_settings.link, nowMs, m_settings.sync);
        if (!plan)
            return std::unexpected(plan.error());
        QList<int> batch;
        if (plan->batches.isEmpty())
            return batch;
        for (const partitioning::BatchSlice &slice : plan->batches.first().slices) {
            std::deque<int> &unsent = m_queues[slice.partition.toLongLong()].unsent;
            for (qsizetype i = 0; i < slice.deltas; ++i) {
                if (unsent.empty() || m_data.changes[std::size_t(unsent.front())].seq > slice.lastSeq)
                    return fail(ErrorCode::Internal,
                                QStringLiteral("plan slice beyond partition %1").arg(slice.partition));
                batch.append(unsent.front());
                unsent.pop_front();
            }
        }
        return batch;
    }

    QString describe() const override
    {
        // The clustered partitions, each with its class, size and access rate: what the ranking saw.
        QStringList clustered;
        for (const partitioning::Partition &partition : m_set.partitions) {
            if (partitioning::isColdPartition(partition.id))
                continue;
            clustered << QStringLiteral("%1 %2 keys %3/s")
                             .arg(config::impactClassName(partition.impactClass))
                             .arg(partition.keys.size())
                             .arg(partition.accessesPerSecond, 0, 'f', 1);
        }
        return QStringLiteral("%1 clusterings; at the end %2 partitions: %3 clustered from %4 clusters (%5) and "
                              "4 cold; %6 keys tracked by the usage profile")
            .arg(m_reclusterings)
            .arg(m_set.partitions.size())
            .arg(clustered.size())
            .arg(m_set.clusters)
            .arg(clustered.join(QStringLiteral(", ")))
            .arg(m_profile.trackedKeys());
    }

private:
    PartitionId partitionOf(int key) const
    {
        const ReplayKey &k = m_data.keys[std::size_t(key)];
        return m_set.partitionOf(k.name, k.impactClass);
    }

    // planSync needs a critical partition's whole backlog (the deadline rule counts the time it
    // takes to ship); for the others only the first batch's worth can matter, since only the
    // plan's first batch is shipped. Cutting them there keeps each plan cheap when a low
    // partition has tens of thousands of changes waiting, and changes nothing in that batch.
    partitioning::PartitionBacklog backlogOf(PartitionId id, const PartitionQueue &queue, std::int64_t batchBytes) const
    {
        const partitioning::Partition *partition = m_set.find(id);
        partitioning::PartitionBacklog backlog;
        backlog.id = QString::number(id);
        if (partition) {
            backlog.impactClass = partition->impactClass;
            backlog.toleratedStalenessMs = partition->toleratedStalenessMs;
            backlog.accessesPerSecond = partition->accessesPerSecond;
        }
        backlog.lastSyncMs = m_data.changes[std::size_t(*queue.undelivered.begin())].atMs;
        const bool whole = backlog.impactClass == config::ImpactClass::Critical;
        std::int64_t bytes = 0;
        for (const int change : queue.unsent) {
            const ReplayChange &c = m_data.changes[std::size_t(change)];
            backlog.pending.append({c.seq, qsizetype(c.bytes)});
            bytes += c.bytes;
            if (!whole && bytes > batchBytes)
                break;
        }
        return backlog;
    }

    // After a re-clustering keys may have moved: every waiting change goes to its key's new
    // partition, still in sequence order there.
    void regroup()
    {
        std::vector<int> unsent;
        std::vector<int> undelivered;
        for (auto &[id, queue] : m_queues) {
            unsent.insert(unsent.end(), queue.unsent.begin(), queue.unsent.end());
            undelivered.insert(undelivered.end(), queue.undelivered.begin(), queue.undelivered.end());
        }
        m_queues.clear();
        for (std::size_t key = 0; key < m_partitionOfKey.size(); ++key)
            m_partitionOfKey[key] = partitionOf(int(key));
        std::sort(unsent.begin(), unsent.end());
        const auto queueOf = [this](int change) -> PartitionQueue & {
            return m_queues[m_partitionOfKey[std::size_t(m_data.changes[std::size_t(change)].key)]];
        };
        for (const int change : unsent)
            queueOf(change).unsent.push_back(change);
        for (const int change : undelivered)
            queueOf(change).undelivered.insert(change);
    }

    const ReplayData &m_data;
    StalenessOrdererSettings m_settings;
    std::unique_ptr<ManualClock> m_clock; // the replay's time, for the usage profile
    partitioning::UsageProfile m_profile;
    partitioning::PartitionSet m_set;
    std::vector<PartitionId> m_partitionOfKey;      // per key of m_data.keys
    std::map<PartitionId, PartitionQueue> m_queues; // ordered: the same plan input every run
    std::int64_t m_nextReclusterMs;
    int m_reclusterings = 0;
};

} // namespace

Result<std::unique_ptr<SyncOrderer>> makeStalenessOrderer(const ReplayData &data,
                                                          const StalenessOrdererSettings &settings)
{
    // The profile keeps a reference to its clock, so the clock lives on the heap and moves with it.
    auto clock = std::make_unique<ManualClock>();
    auto profile = partitioning::UsageProfile::create({}, *clock);
    if (!profile)
        return std::unexpected(profile.error());
    return std::unique_ptr<SyncOrderer>(
        std::make_unique<StalenessOrderer>(data, settings, std::move(*profile), std::move(clock)));
}

} // namespace foresight::bench
