// Ours, as the agent runs it: the usage profile fed with every access, partitions re-clustered
// from it now and then, what the replica lacks in a LinkBacklog, and planSync() asked for the
// next batch each time the link is free.

#include <algorithm>

#include <QHash>

#include "foresight/core/clock.h"
#include "foresight/partitioning/linkbacklog.h"
#include "foresight/partitioning/usageprofile.h"
#include "syncorderers.h"

namespace foresight::bench {

namespace {

using partitioning::PartitionId;

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
        for (std::size_t key = 0; key < m_partitionOfKey.size(); ++key)
            m_partitionOfKey[key] = partitionOf(int(key));
        m_backlog.regroup(m_set, [this](const QString &key) {
            return m_data.keys[std::size_t(m_keyIndex.value(key))].impactClass;
        });
        return {};
    }

    void accessed(const WorkloadAccess &access) override { m_profile.record(access.key, access.kind, access.client); }

    void written(int change) override
    {
        const ReplayChange &made = m_data.changes[std::size_t(change)];
        while (m_partitionOfKey.size() < m_data.keys.size()) {
            const int key = int(m_partitionOfKey.size());
            m_keyIndex.insert(m_data.keys[std::size_t(key)].name, key);
            m_partitionOfKey.push_back(partitionOf(key));
        }
        m_batchOf.push_back(0);
        // A put of the change's size: the backlog counts StateDelta::byteSize(), the replay the
        // same (deltaBytes()), and a delete costs what an empty put does.
        const QString &name = m_data.keys[std::size_t(made.key)].name;
        const auto valueBytes = std::max<qsizetype>(0, qsizetype(made.bytes) - name.size() * 2 - 48);
        const state::StateDelta delta{1, made.seq, made.atMs, name, state::DeltaOp::Put, QByteArray(valueBytes, 'x')};
        m_backlog.add(m_partitionOfKey[std::size_t(made.key)], delta, made.atMs);
    }

    void delivered(int change) override { m_backlog.acknowledge(m_batchOf[std::size_t(change)]); }

    Result<QList<int>> nextBatch(std::int64_t nowMs, std::int64_t batchBytes) override
    {
        // One batch's worth of each partition (every change costs at least an empty put), a
        // critical one whole: what the agent gives planSync.
        const qsizetype oneBatch = qsizetype(batchBytes / state::StateDelta{}.byteSize()) + 1;
        const QList<partitioning::PartitionBacklog> input = m_backlog.planInput(m_set, oneBatch);
        if (input.isEmpty())
            return QList<int>();
        const auto plan = partitioning::planSync(input, m_settings.link, nowMs, m_settings.sync);
        if (!plan)
            return std::unexpected(plan.error());
        QList<int> batch;
        if (plan->batches.isEmpty())
            return batch;
        const auto sent = m_backlog.send(plan->batches.first(), ++m_batches);
        if (!sent)
            return std::unexpected(sent.error());
        for (const state::StateDelta &delta : *sent) {
            const int change = int(delta.seq) - 1;
            m_batchOf[std::size_t(change)] = m_batches;
            batch.append(change);
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
                              "4 cold; %6 keys tracked by the usage profile; %7 changes coalesced into a "
                              "newer one of their key while waiting")
            .arg(m_reclusterings)
            .arg(m_set.partitions.size())
            .arg(clustered.size())
            .arg(m_set.clusters)
            .arg(clustered.join(QStringLiteral(", ")))
            .arg(m_profile.trackedKeys())
            .arg(m_backlog.coalescedDeltas());
    }

private:
    PartitionId partitionOf(int key) const
    {
        const ReplayKey &k = m_data.keys[std::size_t(key)];
        return m_set.partitionOf(k.name, k.impactClass);
    }

    const ReplayData &m_data;
    StalenessOrdererSettings m_settings;
    std::unique_ptr<ManualClock> m_clock; // the replay's time, for the usage profile
    partitioning::UsageProfile m_profile;
    partitioning::PartitionSet m_set;
    partitioning::LinkBacklog m_backlog;       // what the replica lacks, as the agent keeps it
    std::vector<PartitionId> m_partitionOfKey; // per key of m_data.keys
    QHash<QString, int> m_keyIndex;            // key name to its index in m_data.keys
    std::vector<std::uint64_t> m_batchOf;      // per change: the batch it left in (0: not sent)
    std::uint64_t m_batches = 0;
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
