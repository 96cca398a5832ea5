#include "agent/snapshotwriter.h"

#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "foresight/core/logging.h"

namespace foresight::agent {

SnapshotWriter::SnapshotWriter(const QString &path)
    : m_path(path)
    , m_notifyFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
    m_thread = std::thread([this] {
        pthread_setname_np(pthread_self(), "fs-sqlite");
        run();
    });
}

SnapshotWriter::~SnapshotWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
    if (m_notifyFd >= 0)
        ::close(m_notifyFd);
}

void SnapshotWriter::save(state::Snapshot snapshot)
{
    {
        std::lock_guard lock(m_mutex);
        const QString app = snapshot.app;
        if (!m_pending.contains(app))
            m_order.push_back(app);
        m_pending[app] = std::move(snapshot);
    }
    m_wake.notify_one();
}

Result<std::optional<state::Snapshot>> SnapshotWriter::loadLatest(const QString &app)
{
    std::future<Result<std::optional<state::Snapshot>>> answer;
    {
        std::lock_guard lock(m_mutex);
        m_loads.emplace_back(app, std::promise<Result<std::optional<state::Snapshot>>>());
        answer = m_loads.back().second.get_future();
    }
    m_wake.notify_one();
    return answer.get();
}

QList<SnapshotWriter::Saved> SnapshotWriter::takeFinished()
{
    std::uint64_t count;
    [[maybe_unused]] const auto got = ::read(m_notifyFd, &count, sizeof count);
    std::lock_guard lock(m_mutex);
    return std::exchange(m_finished, {});
}

storage::SnapshotStore *SnapshotWriter::store()
{
    if (!m_store) {
        auto opened = storage::SnapshotStore::open(m_path);
        if (!opened) {
            qCCritical(lcStorage) << "cannot open the cold snapshot store:" << opened.error().message;
            return nullptr;
        }
        m_store = std::move(*opened);
    }
    return m_store.get();
}

void SnapshotWriter::run()
{
    while (true) {
        std::optional<state::Snapshot> snapshot;
        std::optional<std::pair<QString, std::promise<Result<std::optional<state::Snapshot>>>>> load;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_order.empty() || !m_loads.empty(); });
            if (!m_loads.empty()) {
                load = std::move(m_loads.front());
                m_loads.pop_front();
            } else if (!m_order.empty()) {
                const QString app = m_order.front();
                m_order.pop_front();
                snapshot = std::move(m_pending[app]);
                m_pending.erase(app);
            } else {
                break; // stopping, and nothing left to write
            }
        }
        storage::SnapshotStore *s = store();
        if (load) {
            if (!s) {
                load->second.set_value(
                    fail(ErrorCode::IoError, QStringLiteral("the snapshot store %1 cannot be opened").arg(m_path)));
            } else {
                load->second.set_value(s->latest(load->first));
            }
            continue;
        }
        Saved saved{snapshot->app,
                    fail(ErrorCode::IoError, QStringLiteral("the snapshot store %1 cannot be opened").arg(m_path))};
        if (s) {
            if (auto ok = s->save(*snapshot); ok) {
                saved.result = storage::SnapshotInfo{snapshot->app,
                                                     snapshot->epoch,
                                                     snapshot->seq,
                                                     snapshot->digest,
                                                     snapshot->takenAtMs,
                                                     snapshot->entries.size()};
            } else {
                saved.result = std::unexpected(ok.error());
            }
        }
        {
            std::lock_guard lock(m_mutex);
            m_finished.append(std::move(saved));
        }
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(m_notifyFd, &one, sizeof one);
    }
    m_store.reset(); // its SQLite connection belongs to this thread
}

} // namespace foresight::agent
