// The window is measured exactly as the console runs it: the snapshots come from a thread of
// their own through ConsoleBridge::publish (so at most one waits), the main window's models and
// views update from them, and then the whole window is repainted synchronously (QWidget::repaint
// paints every child into the backing store): the time from publish() to the end of that repaint
// is a snapshot's way to the screen, an upper bound on what a live frame costs.
//
// QWidget::repaint() on the window does not reach the topology map's viewport (Qt 6.4: the map
// was painted only later, by the scene's own queued update, outside the measured time), so the
// map is repainted explicitly as part of each measured frame.

#include "guibench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QRandomGenerator>
#include <QTimer>

#include "bridge/consolebridge.h"
#include "mainwindow/mainwindow.h"
#include "topology/topologyview.h"
#include "writeload.h"

namespace foresight::bench {

namespace {

constexpr int kHosts = 500;
constexpr int kReplicasPerApp = 4; // 500 applications x 4 replicas = 2,000 replicas
constexpr int kSnapshotHz = 10;
const QString kBench = QStringLiteral("gui");

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * 4096 : -1;
}

QCborMap hostMetrics(QRandomGenerator &random)
{
    // The keys of docs/protocol.md 10.6 that the host charts read.
    return QCborMap{{QStringLiteral("cpu-busy"), random.bounded(1.0)},
                    {QStringLiteral("mem-total-bytes"), qint64(16) << 30},
                    {QStringLiteral("mem-available-bytes"), qint64(random.bounded(16)) << 30},
                    {QStringLiteral("load-1"), random.bounded(4.0)},
                    {QStringLiteral("net-rx-bytes-per-sec"), random.bounded(1e8)},
                    {QStringLiteral("net-tx-bytes-per-sec"), random.bounded(1e8)}};
}

// A cluster of kHosts agents, one application per host with its primary there and replicas on the
// next hosts; every call moves the numbers a little, suspects a host now and then and journals.
class SyntheticCluster
{
public:
    std::shared_ptr<const ClusterSnapshot> next()
    {
        ++m_round;
        auto snapshot = std::make_shared<ClusterSnapshot>();
        snapshot->clusterName = QStringLiteral("bench");
        snapshot->takenWallMs = QDateTime::currentMSecsSinceEpoch();
        const int suspect = m_round % 50 < 5 ? int(m_round / 50) % kHosts : -1;
        for (int i = 0; i < kHosts; ++i) {
            AgentView agent;
            agent.name = QStringLiteral("agent-%1").arg(i, 3, 10, QLatin1Char('0'));
            agent.host = QStringLiteral("host-%1").arg(i, 3, 10, QLatin1Char('0'));
            agent.heard = true;
            agent.suspected = i == suspect;
            agent.heardMsAgo = agent.suspected ? 900 : m_random.bounded(100);
            agent.hostMetrics = hostMetrics(m_random);
            snapshot->agents.append(agent);
        }
        for (int i = 0; i < kHosts; ++i) {
            AppView app;
            app.name = QStringLiteral("app-%1").arg(i, 3, 10, QLatin1Char('0'));
            app.primary = snapshot->agents[i].name;
            app.writable = true;
            app.phase = AppPhase::Healthy;
            app.epoch = 1;
            app.seq = m_round * 100;
            for (int r = 1; r <= kReplicasPerApp; ++r) {
                ReplicaView replica;
                replica.agent = snapshot->agents[(i + r) % kHosts].name;
                replica.tier = r == 1 ? Tier::Hot : r == 2 ? Tier::Warm : Tier::Cold;
                replica.lag = quint64(m_random.bounded(r == 1 ? 5 : 2000));
                replica.seq = app.seq - replica.lag;
                replica.connected = true;
                replica.rttMs = 0.2 + m_random.bounded(2.0);
                app.replicas.append(replica);
            }
            snapshot->apps.append(app);
        }
        JournalEntry entry;
        entry.wallMs = snapshot->takenWallMs;
        entry.kind = suspect >= 0 ? QStringLiteral("detection") : QStringLiteral("topology");
        entry.agent = suspect >= 0 ? snapshot->agents[suspect].name : QString();
        entry.message = suspect >= 0 ? QStringLiteral("suspected: phi 9.1")
                                     : QStringLiteral("hot replicas are on the closest hosts");
        m_journal.append(entry);
        while (m_journal.size() > 500)
            m_journal.removeFirst();
        snapshot->recentJournal = m_journal;
        snapshot->journalCount = m_round;
        return snapshot;
    }

private:
    qint64 m_round = 0;
    QList<JournalEntry> m_journal;
    QRandomGenerator m_random{42};
};

} // namespace

int runGuiBench(const BenchOptions &options)
{
    const int durationMs = options.durationMs;
    const int warmupMs = options.warmupMs;
    const QString caseName = QStringLiteral("%1 hosts, %2 replicas, %3 Hz, offscreen")
                                 .arg(kHosts)
                                 .arg(kHosts * kReplicasPerApp)
                                 .arg(kSnapshotHz);

    const qint64 rssBefore = residentBytes();
    widgets::ConsoleBridge bridge;
    widgets::MainWindow window(&bridge);
    window.resize(1600, 1000);
    window.show();
    const auto *map = window.findChild<widgets::TopologyView *>();
    if (!map) {
        printNote(kBench, caseName, QStringLiteral("the window has no topology view: nothing to measure"));
        return 1;
    }

    // Hand-over times by snapshot, written by the feeder thread, read on the GUI thread.
    std::mutex mutex;
    QHash<const ClusterSnapshot *, std::chrono::steady_clock::time_point> publishedAt; // guarded by mutex
    QList<qint64> latenciesNs;
    qint64 delivered = 0;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&bridge,
                     &widgets::ConsoleBridge::snapshotChanged,
                     &window,
                     [&](std::shared_ptr<const ClusterSnapshot> snapshot) {
                         window.repaint(); // after MainWindow's own slot: the models and views have taken the snapshot
                         map->viewport()->repaint();
                         const auto painted = std::chrono::steady_clock::now();
                         std::lock_guard lock(mutex);
                         const auto sent = publishedAt.take(snapshot.get());
                         ++delivered;
                         if (clock.elapsed() >= warmupMs)
                             latenciesNs.append(
                                 std::chrono::duration_cast<std::chrono::nanoseconds>(painted - sent).count());
                     });

    std::atomic<bool> stop{false};
    qint64 published = 0;
    std::thread feeder([&] {
        SyntheticCluster cluster;
        auto next = std::chrono::steady_clock::now();
        while (!stop.load()) {
            auto snapshot = cluster.next();
            {
                std::lock_guard lock(mutex);
                publishedAt.insert(snapshot.get(), std::chrono::steady_clock::now());
                ++published;
            }
            bridge.publish(std::move(snapshot));
            next += std::chrono::milliseconds(1000 / kSnapshotHz);
            std::this_thread::sleep_until(next);
        }
    });
    // An event loop that sleeps between events, as the console's does. (processEvents(flags, ms)
    // drops WaitForMoreEvents and returns as soon as the queue is empty: looping on it spun a
    // whole core, which the feeder and the repaints then competed with.)
    QEventLoop loop;
    QTimer::singleShot(std::max<qint64>(0, warmupMs + durationMs - clock.elapsed()), &loop, &QEventLoop::quit);
    loop.exec();
    stop.store(true);
    feeder.join();
    QCoreApplication::processEvents();
    const qint64 rssAfter = residentBytes();

    const auto p50 = percentileNs(latenciesNs, 50);
    const auto p99 = percentileNs(latenciesNs, 99);
    const auto ms = [](std::optional<double> ns) -> std::optional<double> {
        return ns ? std::optional<double>(*ns / 1e6) : std::nullopt;
    };
    printFigure({kBench,
                 caseName,
                 QStringLiteral("snapshot_to_frame_p50_ms"),
                 QStringLiteral("ms"),
                 Better::Lower,
                 2,
                 ms(p50),
                 {},
                 {},
                 {}});
    printFigure({kBench,
                 caseName,
                 QStringLiteral("snapshot_to_frame_p99_ms"),
                 QStringLiteral("ms"),
                 Better::Lower,
                 2,
                 ms(p99),
                 {},
                 {},
                 16.0});
    printFigure({kBench,
                 caseName,
                 QStringLiteral("snapshots_shown_fraction"),
                 QStringLiteral("fraction"),
                 Better::Higher,
                 3,
                 published > 0 ? std::optional<double>(double(delivered) / double(published)) : std::nullopt,
                 {},
                 {},
                 {}});
    if (rssBefore > 0 && rssAfter > 0)
        printFigure({kBench,
                     caseName,
                     QStringLiteral("window_rss_mb"),
                     QStringLiteral("MB"),
                     Better::Lower,
                     1,
                     double(rssAfter - rssBefore) / (1 << 20),
                     {},
                     {},
                     {}});
    logProgress(QStringLiteral("gui: %1 snapshots published, %2 shown, %3 measured")
                    .arg(published)
                    .arg(delivered)
                    .arg(latenciesNs.size()));
    return latenciesNs.isEmpty() ? 1 : 0;
}

} // namespace foresight::bench
