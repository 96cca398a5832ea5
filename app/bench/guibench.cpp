// The window is measured exactly as the console runs it: the snapshots come from a thread of
// their own through ConsoleBridge::publish (so at most one waits), the main window's models and
// views update from them, and the frame is painted. A frame's time is from publish() to the end
// of its painting: a snapshot's way to the screen.
//
// Two cases, one after the other on the same window. "Painted as the console paints": the posted
// events that the console's event loop would handle next for this snapshot are sent at once (the
// topology scene's queued update, which reaches the map's viewport, then the window's update
// request, which paints every region that changed), so the figure is the console's own frame
// without the wait for the event loop's turn. "Whole window repainted": QWidget::repaint() on
// the window, and on the map's viewport, which that call does not reach (Qt 6.4), an upper bound
// that also repaints what did not change (menus, scroll bars, headers, the filter box).

#include "guibench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <time.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QEventLoop>
#include <QFile>
#include <QGraphicsScene>
#include <QHash>
#include <QRandomGenerator>
#include <QSettings>
#include <QTemporaryDir>
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
    std::shared_ptr<const failover::ClusterSnapshot> next()
    {
        ++m_round;
        auto snapshot = std::make_shared<failover::ClusterSnapshot>();
        snapshot->clusterName = QStringLiteral("bench");
        snapshot->takenWallMs = QDateTime::currentMSecsSinceEpoch();
        const int suspect = m_round % 50 < 5 ? int(m_round / 50) % kHosts : -1;
        for (int i = 0; i < kHosts; ++i) {
            failover::AgentView agent;
            agent.name = QStringLiteral("agent-%1").arg(i, 3, 10, QLatin1Char('0'));
            agent.host = QStringLiteral("host-%1").arg(i, 3, 10, QLatin1Char('0'));
            agent.heard = true;
            agent.suspected = i == suspect;
            agent.heardMsAgo = agent.suspected ? 900 : m_random.bounded(100);
            agent.hostMetrics = hostMetrics(m_random);
            snapshot->agents.append(agent);
        }
        for (int i = 0; i < kHosts; ++i) {
            failover::AppView app;
            app.name = QStringLiteral("app-%1").arg(i, 3, 10, QLatin1Char('0'));
            app.primary = snapshot->agents[i].name;
            app.writable = true;
            app.phase = failover::AppPhase::Healthy;
            app.epoch = 1;
            app.seq = m_round * 100;
            for (int r = 1; r <= kReplicasPerApp; ++r) {
                failover::ReplicaView replica;
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
        storage::JournalEntry entry;
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
    QList<storage::JournalEntry> m_journal;
    QRandomGenerator m_random{42};
};

// How a measured frame is painted after the window's own slot has taken the snapshot.
enum class Painting {
    // As the console paints it: the scene's queued update reaches the map's viewport, and the
    // window's pending update request paints every region the snapshot dirtied, at once.
    AsTheConsole,
    // Every widget repainted, changed or not (QWidget::repaint() on the window, and the map's
    // viewport, which that call does not reach): an upper bound on a frame's cost.
    WholeWindow,
};

qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

struct CaseResult
{
    QList<qint64> latenciesNs;
    QList<qint64> cpuNs; // the GUI thread's CPU time per measured frame: what load does not inflate
    qint64 published = 0;
    qint64 delivered = 0;
    qint64 framesWithMap = 0; // measured frames in which the map's viewport was painted
};

// Counts the paint events of the map's viewport, so that a frame that left the map out shows,
// and notes the GUI thread's CPU time when the bridge's queued delivery of a snapshot begins.
class FrameWatch final : public QObject
{
public:
    qint64 mapPaints = 0;
    qint64 deliveryCpuNs = 0;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++mapPaints;
        else if (event->type() == QEvent::MetaCall)
            deliveryCpuNs = threadCpuNs();
        return QObject::eventFilter(watched, event);
    }
};

CaseResult runCase(widgets::ConsoleBridge &bridge,
                   widgets::MainWindow &window,
                   widgets::TopologyView &map,
                   Painting painting,
                   int warmupMs,
                   int durationMs)
{
    FrameWatch watch;
    map.viewport()->installEventFilter(&watch);
    bridge.installEventFilter(&watch);
    QGraphicsScene *scene = map.scene();

    // Hand-over times by snapshot, written by the feeder thread, read on the GUI thread.
    std::mutex mutex;
    QHash<const failover::ClusterSnapshot *, std::chrono::steady_clock::time_point> publishedAt; // guarded by mutex
    CaseResult result;
    QElapsedTimer clock;
    clock.start();
    const auto connection
        = QObject::connect(&bridge,
                           &widgets::ConsoleBridge::snapshotChanged,
                           &window,
                           [&](std::shared_ptr<const failover::ClusterSnapshot> snapshot) {
                               // Called after MainWindow's own slot: the models and views have taken the snapshot.
                               const qint64 mapPaintsBefore = watch.mapPaints;
                               if (painting == Painting::AsTheConsole) {
                                   QCoreApplication::sendPostedEvents(scene, QEvent::MetaCall);
                                   QCoreApplication::sendPostedEvents(&window, QEvent::UpdateRequest);
                               } else {
                                   window.repaint();
                                   map.viewport()->repaint();
                               }
                               const auto painted = std::chrono::steady_clock::now();
                               const qint64 cpuNs = threadCpuNs() - watch.deliveryCpuNs;
                               std::lock_guard lock(mutex);
                               const auto sent = publishedAt.take(snapshot.get());
                               ++result.delivered;
                               if (clock.elapsed() >= warmupMs) {
                                   result.latenciesNs.append(
                                       std::chrono::duration_cast<std::chrono::nanoseconds>(painted - sent).count());
                                   result.cpuNs.append(cpuNs);
                                   if (watch.mapPaints > mapPaintsBefore)
                                       ++result.framesWithMap;
                               }
                           });

    std::atomic<bool> stop{false};
    std::thread feeder([&] {
        SyntheticCluster cluster;
        auto next = std::chrono::steady_clock::now();
        while (!stop.load()) {
            auto snapshot = cluster.next();
            {
                std::lock_guard lock(mutex);
                publishedAt.insert(snapshot.get(), std::chrono::steady_clock::now());
                ++result.published;
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
    QCoreApplication::processEvents(); // the last snapshot, so that the next case starts clean
    QObject::disconnect(connection);
    map.viewport()->removeEventFilter(&watch);
    bridge.removeEventFilter(&watch);
    return result;
}

void printCase(const QString &caseName, const CaseResult &result, bool withTarget)
{
    const auto ms = [](std::optional<double> ns) -> std::optional<double> {
        return ns ? std::optional<double>(*ns / 1e6) : std::nullopt;
    };
    printFigure({kBench,
                 caseName,
                 QStringLiteral("snapshot_to_frame_p50_ms"),
                 QStringLiteral("ms"),
                 Better::Lower,
                 2,
                 ms(percentileNs(result.latenciesNs, 50)),
                 {},
                 {},
                 {}});
    printFigure({kBench,
                 caseName,
                 QStringLiteral("snapshot_to_frame_p99_ms"),
                 QStringLiteral("ms"),
                 Better::Lower,
                 2,
                 ms(percentileNs(result.latenciesNs, 99)),
                 {},
                 {},
                 withTarget ? std::optional<double>(16.0) : std::nullopt});
    printFigure({kBench,
                 caseName,
                 QStringLiteral("gui_thread_cpu_per_frame_p50_ms"),
                 QStringLiteral("ms"),
                 Better::Lower,
                 2,
                 ms(percentileNs(result.cpuNs, 50)),
                 {},
                 {},
                 {}});
    printFigure({kBench,
                 caseName,
                 QStringLiteral("gui_thread_cpu_per_frame_p99_ms"),
                 QStringLiteral("ms"),
                 Better::Lower,
                 2,
                 ms(percentileNs(result.cpuNs, 99)),
                 {},
                 {},
                 {}});
    printFigure({kBench,
                 caseName,
                 QStringLiteral("snapshots_shown_fraction"),
                 QStringLiteral("fraction"),
                 Better::Higher,
                 3,
                 result.published > 0 ? std::optional<double>(double(result.delivered) / double(result.published))
                                      : std::nullopt,
                 {},
                 {},
                 {}});
    printFigure({kBench,
                 caseName,
                 QStringLiteral("frames_with_map_fraction"),
                 QStringLiteral("fraction"),
                 Better::Higher,
                 3,
                 result.latenciesNs.isEmpty()
                     ? std::nullopt
                     : std::optional<double>(double(result.framesWithMap) / double(result.latenciesNs.size())),
                 {},
                 {},
                 {}});
    logProgress(QStringLiteral("gui: %1: %2 snapshots published, %3 shown, %4 measured")
                    .arg(caseName)
                    .arg(result.published)
                    .arg(result.delivered)
                    .arg(result.latenciesNs.size()));
}

} // namespace

int runGuiBench(const BenchOptions &options)
{
    const QString cluster = QStringLiteral("%1 hosts, %2 replicas, %3 Hz, offscreen")
                                .arg(kHosts)
                                .arg(kHosts * kReplicasPerApp)
                                .arg(kSnapshotHz);
    const QString asTheConsole = cluster + QStringLiteral(", painted as the console paints");
    const QString wholeWindow = cluster + QStringLiteral(", whole window repainted");

    // The window in its default layout, not the one this user last left the console in: the
    // figures must not depend on which docks someone had open.
    QTemporaryDir settingsDir;
    if (!settingsDir.isValid()) {
        printNote(kBench, cluster, QStringLiteral("no temporary directory for the window's settings"));
        return 1;
    }
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());

    const qint64 rssBefore = residentBytes();
    widgets::ConsoleBridge bridge;
    widgets::MainWindow window(&bridge);
    window.resize(1600, 1000);
    window.show();
    auto *map = window.findChild<widgets::TopologyView *>();
    if (!map) {
        printNote(kBench, cluster, QStringLiteral("the window has no topology view: nothing to measure"));
        return 1;
    }

    const CaseResult console
        = runCase(bridge, window, *map, Painting::AsTheConsole, options.warmupMs, options.durationMs);
    const qint64 rssAfter = residentBytes();
    printCase(asTheConsole, console, true);
    if (rssBefore > 0 && rssAfter > 0)
        printFigure({kBench,
                     asTheConsole,
                     QStringLiteral("window_rss_mb"),
                     QStringLiteral("MB"),
                     Better::Lower,
                     1,
                     double(rssAfter - rssBefore) / (1 << 20),
                     {},
                     {},
                     {}});
    const CaseResult whole = runCase(bridge, window, *map, Painting::WholeWindow, options.warmupMs, options.durationMs);
    printCase(wholeWindow, whole, false);
    return console.latenciesNs.isEmpty() || whole.latenciesNs.isEmpty() ? 1 : 0;
}

} // namespace foresight::bench
