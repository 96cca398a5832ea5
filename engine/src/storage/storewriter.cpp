#include "storage/storewriter.h"

#include <future>

#include "foresight/core/logging.h"

namespace foresight::storage {

Result<StoreWriter::Opened> StoreWriter::open(const QString &path, const Clock &clock)
{
    std::unique_ptr<StoreWriter> writer(new StoreWriter());
    // Shared: the writer thread may still be inside set_value() when this thread wakes up.
    auto opened = std::make_shared<std::promise<Result<Opened>>>();
    auto result = opened->get_future();
    StoreWriter *raw = writer.get();
    // The SQLite connection belongs to the thread that opens it: the writer's own.
    writer->m_thread = std::thread([raw, path, &clock, opened] { raw->run(path, clock, *opened); });
    auto status = result.get();
    if (!status) {
        writer->m_thread.join();
        return std::unexpected(status.error());
    }
    status->writer = std::move(writer);
    return status;
}

void StoreWriter::run(const QString &path, const Clock &clock, std::promise<Result<Opened>> &opened)
{
    auto store = ConsoleStore::open(path, clock);
    if (!store) {
        opened.set_value(std::unexpected(store.error()));
        return;
    }
    Opened first;
    if (auto newest = (*store)->incidents({}, 1); newest && !newest->isEmpty())
        first.lastIncidentId = newest->first().id;
    opened.set_value(std::move(first));
    while (true) {
        std::deque<std::function<void(ConsoleStore &)>> work;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_queue.empty() && m_stop)
                break;
            work.swap(m_queue);
        }
        for (auto &item : work)
            item(**store);
    }
}

void StoreWriter::post(std::function<void(ConsoleStore &)> work)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(work));
    }
    m_wake.notify_one();
}

StoreWriter::~StoreWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace foresight::storage
