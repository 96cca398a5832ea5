#pragma once

// Private: the console store's own thread. The engine thread decides failovers on a 5 ms tick
// and must never wait for the disk (an fsync on a busy machine took 200 ms in testing, enough
// to make every agent look dead), so journal entries, incidents and configuration changes are
// queued here and written in order by this thread.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "foresight/storage/consolestore.h"

namespace foresight::storage {

class StoreWriter final
{
public:
    struct Opened
    {
        std::unique_ptr<StoreWriter> writer;
        qint64 lastIncidentId = 0; // the engine numbers new incidents from here
        qint64 journalHead = 0;
    };

    static Result<Opened> open(const QString &path, const Clock &clock);
    ~StoreWriter(); // writes everything queued, then stops

    // Runs `work` on the store's thread, after everything posted before it.
    void post(std::function<void(ConsoleStore &)> work);

private:
    StoreWriter() = default;
    void run(const QString &path, const Clock &clock, std::promise<Result<Opened>> &opened);

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void(ConsoleStore &)>> m_queue;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace foresight::storage
