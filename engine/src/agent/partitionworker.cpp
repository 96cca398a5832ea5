#include "agent/partitionworker.h"

#include <chrono>

#include <pthread.h>

namespace foresight::agent {

PartitionWorker::PartitionWorker()
    : m_thread([this] { run(); })
{}

PartitionWorker::~PartitionWorker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_jobs.clear();
    }
    m_wake.notify_all();
    m_thread.join();
}

void PartitionWorker::submit(PartitionJob job)
{
    {
        std::lock_guard lock(m_mutex);
        std::erase_if(m_jobs, [&job](const PartitionJob &queued) { return queued.app == job.app; });
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
}

std::optional<PartitionJobResult> PartitionWorker::take()
{
    std::lock_guard lock(m_mutex);
    if (m_finished.empty())
        return std::nullopt;
    PartitionJobResult result = std::move(m_finished.front());
    m_finished.pop_front();
    return result;
}

void PartitionWorker::run()
{
    pthread_setname_np(pthread_self(), "fs-partitions"); // 15 characters at most
    for (;;) {
        PartitionJob job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_stop)
                return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        const auto started = std::chrono::steady_clock::now();
        static const partitioning::PartitionSet kNone;
        auto partitions = partitioning::partitionKeys(job.features,
                                                      job.classifier,
                                                      job.previous ? *job.previous : kNone,
                                                      job.nowWallMs,
                                                      job.options);
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now()
                                                                                - started);
        std::lock_guard lock(m_mutex);
        m_finished.push_back({job.app, job.generation, std::move(partitions), qint64(took.count())});
    }
}

} // namespace foresight::agent
