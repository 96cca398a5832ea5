#pragma once

// Private to the agent: the one thread that writes cold snapshots to SQLite. A save with
// synchronous=FULL waits for the disk (milliseconds); on the agent's thread it would stall every
// hot acknowledgement of every application the agent serves.

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/state/snapshot.h"
#include "foresight/storage/snapshotstore.h"

namespace foresight::agent {

class SnapshotWriter final
{
public:
    struct Saved
    {
        QString app;
        Result<storage::SnapshotInfo> result;
    };

    // The store file is opened by the writer thread on first use.
    explicit SnapshotWriter(const QString &path);
    ~SnapshotWriter(); // writes what is queued, then stops
    SnapshotWriter(const SnapshotWriter &) = delete;
    SnapshotWriter &operator=(const SnapshotWriter &) = delete;

    // Queues a snapshot. A newer snapshot of the same application replaces one still queued, so a
    // slow disk costs freshness, never memory.
    void save(state::Snapshot snapshot);
    // Blocks until the writer thread has read the newest intact snapshot of app.
    Result<std::optional<state::Snapshot>> loadLatest(const QString &app);

    // Readable (an eventfd) when saves have finished; then call takeFinished().
    int notifyFd() const { return m_notifyFd; }
    QList<Saved> takeFinished();

private:
    void run();
    storage::SnapshotStore *store();

    QString m_path;
    int m_notifyFd = -1;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;                          // guarded by m_mutex
    std::map<QString, state::Snapshot> m_pending; // guarded by m_mutex: newest per app
    std::deque<QString> m_order;                  // guarded by m_mutex
    std::deque<std::pair<QString, std::promise<Result<std::optional<state::Snapshot>>>>> m_loads; // guarded by m_mutex
    QList<Saved> m_finished;                                                                      // guarded by m_mutex
    std::unique_ptr<storage::SnapshotStore> m_store;                                              // writer thread only
};

} // namespace foresight::agent
