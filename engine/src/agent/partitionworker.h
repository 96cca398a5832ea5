#pragma once

// Private to the agent: the thread that re-clusters applications' keys into staleness
// partitions (issue 20, section 2). A clustering of 4,096 tracked keys takes tens of
// milliseconds (the silhouette for each k); on the agent's thread it would hold up every
// acknowledgement for that long. The agent hands over a snapshot of the profile's features and
// the previous partitions, and picks the result up on a later round.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/partitioning/partitioner.h"

namespace foresight::agent {

struct PartitionJob
{
    QString app;
    std::uint64_t generation = 0; // the application's, when submitted: a stale result is dropped
    QList<partitioning::KeyFeatures> features;
    partitioning::KeyClassifier classifier; // the worker's own copy (QRegularExpression per thread)
    std::shared_ptr<const partitioning::PartitionSet> previous;
    partitioning::PartitionerOptions options;
    qint64 nowWallMs = 0;
};

struct PartitionJobResult
{
    QString app;
    std::uint64_t generation = 0;
    Result<partitioning::PartitionSet> partitions;
    qint64 tookMs = 0;
};

class PartitionWorker final
{
public:
    PartitionWorker();
    ~PartitionWorker(); // drops what is queued, finishes the job under way, and stops
    PartitionWorker(const PartitionWorker &) = delete;
    PartitionWorker &operator=(const PartitionWorker &) = delete;

    // The agent's thread. A job for an application already queued replaces it.
    void submit(PartitionJob job);
    // The agent's thread: the next finished job, if any.
    std::optional<PartitionJobResult> take();

private:
    void run();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<PartitionJob> m_jobs;           // guarded by m_mutex
    std::deque<PartitionJobResult> m_finished; // guarded by m_mutex
    bool m_stop = false;                       // guarded by m_mutex
    std::thread m_thread;
};

} // namespace foresight::agent
