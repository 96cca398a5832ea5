#include "syncorderers.h"

#include <deque>
#include <set>
#include <utility>

namespace foresight::bench {

namespace {

// A batch is closed when the next change does not fit, as planSync() closes its batches, so the
// baselines' batches are the same size as ours and only the order differs.
bool fits(std::int64_t batchBytes, std::int64_t bytes, std::int64_t next, const QList<int> &batch)
{
    return batch.isEmpty() || bytes + next <= batchBytes;
}

class FifoOrderer final : public SyncOrderer
{
public:
    FifoOrderer(const ReplayData &data, Coalescing coalescing)
        : m_data(data)
        , m_coalescing(coalescing)
    {}
    Status advanceTo(std::int64_t) override { return {}; }
    void accessed(const WorkloadAccess &) override {}
    void written(int change) override
    {
        if (m_coalescing == Coalescing::Off) {
            m_unsent.push_back(change);
            return;
        }
        // The queue holds a key's oldest pending change; a later one only becomes its newest.
        const int key = m_data.changes[std::size_t(change)].key;
        if (std::size_t(key) >= m_newestOf.size())
            m_newestOf.resize(m_data.keys.size(), -1);
        if (m_newestOf[std::size_t(key)] < 0)
            m_unsent.push_back(change);
        m_newestOf[std::size_t(key)] = change;
    }
    void delivered(int) override {}
    Result<QList<int>> nextBatch(std::int64_t, std::int64_t batchBytes) override
    {
        QList<int> batch;
        std::int64_t bytes = 0;
        while (!m_unsent.empty()) {
            int change = m_unsent.front();
            if (m_coalescing == Coalescing::On)
                change = m_newestOf[std::size_t(m_data.changes[std::size_t(change)].key)];
            const std::int64_t next = m_data.changes[std::size_t(change)].bytes;
            if (!fits(batchBytes, bytes, next, batch))
                break;
            batch.append(change);
            bytes += next;
            m_unsent.pop_front();
            if (m_coalescing == Coalescing::On)
                m_newestOf[std::size_t(m_data.changes[std::size_t(change)].key)] = -1;
        }
        return batch;
    }

private:
    const ReplayData &m_data;
    Coalescing m_coalescing;
    std::deque<int> m_unsent;    // in sequence order; coalescing: each pending key's oldest
    std::vector<int> m_newestOf; // coalescing: per key, its newest pending change, or -1
};

class LastModifiedFirstOrderer final : public SyncOrderer
{
public:
    LastModifiedFirstOrderer(const ReplayData &data, Coalescing coalescing)
        : m_data(data)
        , m_coalescing(coalescing)
    {}
    Status advanceTo(std::int64_t) override { return {}; }
    void accessed(const WorkloadAccess &) override {}
    void written(int change) override
    {
        const ReplayChange &made = m_data.changes[std::size_t(change)];
        if (std::size_t(made.key) >= m_unsentOf.size())
            m_unsentOf.resize(m_data.keys.size());
        std::deque<int> &unsent = m_unsentOf[std::size_t(made.key)];
        if (!unsent.empty())
            m_byNewest.erase({m_data.changes[std::size_t(unsent.back())].seq, made.key});
        if (m_coalescing == Coalescing::On)
            unsent.clear(); // superseded: the newest goes alone
        unsent.push_back(change);
        m_byNewest.insert({made.seq, made.key});
    }
    void delivered(int) override {}
    Result<QList<int>> nextBatch(std::int64_t, std::int64_t batchBytes) override
    {
        QList<int> batch;
        std::int64_t bytes = 0;
        while (!m_byNewest.empty()) {
            // The newest change is the one with the highest seq: seq follows time.
            const auto newest = std::prev(m_byNewest.end());
            const int key = newest->second;
            std::deque<int> &unsent = m_unsentOf[std::size_t(key)];
            while (!unsent.empty()) {
                const std::int64_t next = m_data.changes[std::size_t(unsent.front())].bytes;
                if (!fits(batchBytes, bytes, next, batch))
                    return batch;
                batch.append(unsent.front());
                bytes += next;
                unsent.pop_front();
            }
            m_byNewest.erase(newest);
        }
        return batch;
    }

private:
    const ReplayData &m_data;
    Coalescing m_coalescing;
    std::vector<std::deque<int>> m_unsentOf;            // per key, in sequence order (coalescing: the newest)
    std::set<std::pair<std::uint64_t, int>> m_byNewest; // (newest unsent seq, key) of keys with any
};

} // namespace

std::unique_ptr<SyncOrderer> makeFifoOrderer(const ReplayData &data, Coalescing coalescing)
{
    return std::make_unique<FifoOrderer>(data, coalescing);
}

std::unique_ptr<SyncOrderer> makeLastModifiedFirstOrderer(const ReplayData &data, Coalescing coalescing)
{
    return std::make_unique<LastModifiedFirstOrderer>(data, coalescing);
}

} // namespace foresight::bench
