// HostMetricsHistory and HostDetailPanel from synthetic snapshots whose host maps follow
// docs/protocol.md 10.6 key for key: samples only on new readings, bounded rings, derived
// percentages, agents that vanish or never sent metrics, and the panel's charts following the
// chosen agent (checked through the series' object names), its header and its failure-risk state.

#include <cmath>

#include <QCborArray>
#include <QCborMap>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QDockWidget>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QMainWindow>
#include <QSignalSpy>
#include <QTest>
#include <QValueAxis>

#include "models/hostmetricshistory.h"
#include "panels/hostdetailpanel.h"

using namespace foresight;
using foresight::widgets::HostDetailPanel;
using foresight::widgets::HostMetricsHistory;
using Metric = HostMetricsHistory::Metric;

namespace {

// 2026-01-01T00:00:00Z; snapshots come every 100 ms from there.
constexpr qint64 kStartMs = 1767225600000;
constexpr qint64 kGiB = qint64(1) << 30;
constexpr qint64 kMiB = qint64(1) << 20;

// One reading as an agent would send it: every key of 10.6, numbers as integers where 10.6 says
// uint and floats elsewhere.
struct Reading
{
    qint64 wallMs = kStartMs;
    double cpuBusy = 0.25;
    double cpuIowait = 0.05;
    qint64 memTotal = 8 * kGiB;
    qint64 memAvailable = 6 * kGiB;
    double memUsedFraction = 0.25;
    double swapUsedFraction = 0;
    double load1 = 0.5, load5 = 0.4, load15 = 0.3;
    double diskRead = 0, diskWrite = 0, diskBusy = 0.1;
    double netRx = 0, netTx = 0, netRxErrors = 0, netTxErrors = 0, netDrops = 0;
    qint64 procsRunning = 2, procsBlocked = 0;
    double uptime = 1000;
    QStringList warnings;
};

QCborMap hostMetrics(const Reading &r)
{
    QCborMap map;
    map.insert(QStringLiteral("wall-ms"), r.wallMs);
    map.insert(QStringLiteral("cpu-busy"), r.cpuBusy);
    map.insert(QStringLiteral("cpu-iowait"), r.cpuIowait);
    map.insert(QStringLiteral("mem-total-bytes"), r.memTotal);
    map.insert(QStringLiteral("mem-available-bytes"), r.memAvailable);
    map.insert(QStringLiteral("mem-used-fraction"), r.memUsedFraction);
    map.insert(QStringLiteral("swap-used-fraction"), r.swapUsedFraction);
    map.insert(QStringLiteral("load-1"), r.load1);
    map.insert(QStringLiteral("load-5"), r.load5);
    map.insert(QStringLiteral("load-15"), r.load15);
    map.insert(QStringLiteral("disk-read-bytes-per-sec"), r.diskRead);
    map.insert(QStringLiteral("disk-write-bytes-per-sec"), r.diskWrite);
    map.insert(QStringLiteral("disk-io-busy-fraction"), r.diskBusy);
    map.insert(QStringLiteral("net-rx-bytes-per-sec"), r.netRx);
    map.insert(QStringLiteral("net-tx-bytes-per-sec"), r.netTx);
    map.insert(QStringLiteral("net-rx-errors-per-sec"), r.netRxErrors);
    map.insert(QStringLiteral("net-tx-errors-per-sec"), r.netTxErrors);
    map.insert(QStringLiteral("net-drops-per-sec"), r.netDrops);
    map.insert(QStringLiteral("procs-running"), r.procsRunning);
    map.insert(QStringLiteral("procs-blocked"), r.procsBlocked);
    map.insert(QStringLiteral("uptime-seconds"), r.uptime);
    if (!r.warnings.isEmpty())
        map.insert(QStringLiteral("warnings"), QCborArray::fromStringList(r.warnings));
    return map;
}

failover::AgentView agent(const QString &name, const QString &host, const QCborMap &metrics = {})
{
    failover::AgentView view;
    view.name = name;
    view.host = host;
    view.heard = true;
    view.heardMsAgo = 40;
    view.hostMetrics = metrics;
    return view;
}

std::shared_ptr<const failover::ClusterSnapshot> snapshot(qint64 takenWallMs, QList<failover::AgentView> agents)
{
    auto s = std::make_shared<failover::ClusterSnapshot>();
    s->clusterName = QStringLiteral("test");
    s->takenWallMs = takenWallMs;
    s->agents = std::move(agents);
    return s;
}

// A reading whose CPU is `busy` and whose clock is `wallMs` (so each one is a new map).
Reading reading(qint64 wallMs, double busy)
{
    Reading r;
    r.wallMs = wallMs;
    r.cpuBusy = busy;
    return r;
}

QLineSeries *lineSeries(const HostDetailPanel &panel, const char *chartName, Metric metric)
{
    auto *view = panel.findChild<QChartView *>(QLatin1String(chartName));
    if (!view)
        return nullptr;
    return view->chart()->findChild<QLineSeries *>(HostDetailPanel::seriesObjectName(metric));
}

QList<double> ys(const QLineSeries *series)
{
    QList<double> values;
    for (const QPointF &point : series->points())
        values.append(point.y());
    return values;
}

} // namespace

class TestHostDetail : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void samplesOnlyWhenMetricsChange()
    {
        HostMetricsHistory history;
        QSignalSpy updated(&history, &HostMetricsHistory::updated);
        QSignalSpy added(&history, &HostMetricsHistory::snapshotAdded);
        QSignalSpy agentsChanged(&history, &HostMetricsHistory::agentsChanged);
        const QCborMap first = hostMetrics(reading(kStartMs, 0.1));
        // Ten snapshots a second carry the same heartbeat: one sample.
        for (int i = 0; i < 10; ++i)
            history.addSnapshot(snapshot(kStartMs + i * 100, {agent(QStringLiteral("a"), QStringLiteral("h1"), first)}));
        QCOMPARE(history.sampleCount(QStringLiteral("a")), 1);
        QCOMPARE(updated.count(), 1);
        QCOMPARE(agentsChanged.count(), 1);
        QCOMPARE(added.count(), 10);
        // The next heartbeat's reading: a second sample, stamped with the snapshot's time.
        history.addSnapshot(
            snapshot(kStartMs + 1000,
                     {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(kStartMs + 1000, 0.2)))}));
        QCOMPARE(history.sampleCount(QStringLiteral("a")), 2);
        QCOMPARE(updated.count(), 2);
        QCOMPARE(updated.constLast().constFirst().toString(), QStringLiteral("a"));
        QCOMPARE(agentsChanged.count(), 1);
        const QList<QPointF> cpu = history.series(QStringLiteral("a"), Metric::CpuBusyPercent);
        QCOMPARE(cpu, (QList<QPointF>{{double(kStartMs), 10.0}, {double(kStartMs + 1000), 20.0}}));
        QCOMPARE(history.latest(QStringLiteral("a"))->hostWallMs, kStartMs + 1000);
        QCOMPARE(history.agents(), QStringList{QStringLiteral("a")});
        history.addSnapshot(nullptr); // ignored
        QCOMPARE(added.count(), 11);
    }

    void derivedValues_data()
    {
        QTest::addColumn<QCborMap>("map");
        QTest::addColumn<int>("metric");
        QTest::addColumn<double>("expected");

        Reading r;
        r.cpuBusy = 0.375;
        r.cpuIowait = 0.125;
        r.memTotal = 8 * kGiB;
        r.memAvailable = 2 * kGiB;
        r.memUsedFraction = 0.7; // the agent's rounding: the totals win
        r.swapUsedFraction = 0.5;
        r.load1 = 3.5;
        r.diskRead = 2.0 * double(kMiB);
        r.diskBusy = 0.9;
        r.netRxErrors = 4;
        QTest::newRow("cpu busy %") << hostMetrics(r) << int(Metric::CpuBusyPercent) << 37.5;
        QTest::newRow("iowait %") << hostMetrics(r) << int(Metric::CpuIowaitPercent) << 12.5;
        QTest::newRow("memory % from the totals") << hostMetrics(r) << int(Metric::MemoryUsedPercent) << 75.0;
        QTest::newRow("swap %") << hostMetrics(r) << int(Metric::SwapUsedPercent) << 50.0;
        QTest::newRow("load 1") << hostMetrics(r) << int(Metric::Load1) << 3.5;
        QTest::newRow("disk read") << hostMetrics(r) << int(Metric::DiskReadBytesPerSec) << 2.0 * double(kMiB);
        QTest::newRow("disk busy %") << hostMetrics(r) << int(Metric::DiskBusyPercent) << 90.0;
        QTest::newRow("rx errors") << hostMetrics(r) << int(Metric::NetRxErrorsPerSec) << 4.0;
        QTest::newRow("procs running") << hostMetrics(r) << int(Metric::ProcsRunning) << 2.0;

        Reading noTotal;
        noTotal.memTotal = 0; // MemTotal unreadable: the fraction is all there is
        noTotal.memAvailable = 0;
        noTotal.memUsedFraction = 0.4;
        QTest::newRow("memory % from the fraction") << hostMetrics(noTotal) << int(Metric::MemoryUsedPercent) << 40.0;

        // "Numbers may be CBOR integers or floats."
        QCborMap integers = hostMetrics(Reading());
        integers.insert(QStringLiteral("cpu-busy"), 1);
        integers.insert(QStringLiteral("load-1"), 3);
        QTest::newRow("integer cpu-busy") << integers << int(Metric::CpuBusyPercent) << 100.0;
        QTest::newRow("integer load") << integers << int(Metric::Load1) << 3.0;
    }
    void derivedValues()
    {
        QFETCH(QCborMap, map);
        QFETCH(int, metric);
        QFETCH(double, expected);
        HostMetricsHistory history;
        history.addSnapshot(snapshot(kStartMs, {agent(QStringLiteral("a"), QStringLiteral("h1"), map)}));
        const auto latest = history.latest(QStringLiteral("a"));
        QVERIFY(latest);
        QCOMPARE(latest->value(Metric(metric)), expected);
        const QList<QPointF> points = history.series(QStringLiteral("a"), Metric(metric));
        QCOMPARE(points.size(), 1);
        QCOMPARE(points.constFirst(), QPointF(double(kStartMs), expected));
        QVERIFY(std::isnan(latest->value(Metric::FailureRisk)));
    }

    void missingValuesAreLeftOut()
    {
        QCborMap map = hostMetrics(Reading());
        map.remove(QStringLiteral("load-1"));
        map.insert(QStringLiteral("cpu-busy"), QStringLiteral("high")); // not a number
        HostMetricsHistory history;
        history.addSnapshot(snapshot(kStartMs, {agent(QStringLiteral("a"), QStringLiteral("h1"), map)}));
        QCOMPARE(history.sampleCount(QStringLiteral("a")), 1);
        QVERIFY(history.series(QStringLiteral("a"), Metric::Load1).isEmpty());
        QVERIFY(history.series(QStringLiteral("a"), Metric::CpuBusyPercent).isEmpty());
        QCOMPARE(history.series(QStringLiteral("a"), Metric::Load5).size(), 1);
    }

    void ringIsBounded()
    {
        HostMetricsHistory history;
        history.setMaxSamples(5);
        for (int i = 0; i < 8; ++i) {
            const qint64 t = kStartMs + i * 1000;
            history.addSnapshot(
                snapshot(t, {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(t, i / 10.0)))}));
        }
        QCOMPARE(history.sampleCount(QStringLiteral("a")), 5);
        QList<QPointF> cpu = history.series(QStringLiteral("a"), Metric::CpuBusyPercent);
        QCOMPARE(cpu.constFirst().x(), double(kStartMs + 3000)); // the oldest three dropped
        QCOMPARE(cpu.constLast().y(), 70.0);

        // By age: at most retentionMs before the newest sample.
        history.setMaxSamples(HostMetricsHistory::kDefaultMaxSamples);
        history.setRetentionMs(10 * 1000);
        for (int i = 8; i < 40; ++i) {
            const qint64 t = kStartMs + i * 1000;
            history.addSnapshot(
                snapshot(t, {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(t, 0.5)))}));
        }
        cpu = history.series(QStringLiteral("a"), Metric::CpuBusyPercent);
        QCOMPARE(cpu.size(), 11); // 29 s .. 39 s
        QCOMPARE(cpu.constFirst().x(), double(kStartMs + 29000));
        // series() from a time on: the visible window only.
        QCOMPARE(history.series(QStringLiteral("a"), Metric::CpuBusyPercent, kStartMs + 35000).size(), 5);

        // The console's clock stepping back keeps the series in time order.
        history.addSnapshot(
            snapshot(kStartMs,
                     {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(kStartMs + 40000, 0.5)))}));
        cpu = history.series(QStringLiteral("a"), Metric::CpuBusyPercent);
        QCOMPARE(cpu.constLast().x(), double(kStartMs + 39001));
    }

    void vanishedAgentKeepsItsHistory()
    {
        HostMetricsHistory history;
        history.addSnapshot(
            snapshot(kStartMs,
                     {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(kStartMs, 0.1))),
                      agent(QStringLiteral("b"), QStringLiteral("h2"), hostMetrics(reading(kStartMs, 0.9)))}));
        history.addSnapshot(
            snapshot(kStartMs + 1000,
                     {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(kStartMs + 1000, 0.2))),
                      agent(QStringLiteral("b"), QStringLiteral("h2"), hostMetrics(reading(kStartMs + 1000, 0.8)))}));
        // b leaves the cluster.
        for (int i = 2; i < 5; ++i) {
            const qint64 t = kStartMs + i * 1000;
            history.addSnapshot(
                snapshot(t, {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(t, 0.3)))}));
        }
        QCOMPARE(history.agents(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(history.sampleCount(QStringLiteral("a")), 5);
        QCOMPARE(history.series(QStringLiteral("b"), Metric::CpuBusyPercent),
                 (QList<QPointF>{{double(kStartMs), 90.0}, {double(kStartMs + 1000), 80.0}}));

        HostDetailPanel panel;
        panel.setHistory(&history);
        panel.setAgent(QStringLiteral("b"));
        panel.show();
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("hostHeader"))
                    ->text()
                    .contains(QStringLiteral("no longer in the cluster")));
        QCOMPARE(ys(lineSeries(panel, "cpuMemoryChart", Metric::CpuBusyPercent)), (QList<double>{90.0, 80.0}));

        QSignalSpy agentsChanged(&history, &HostMetricsHistory::agentsChanged);
        history.forget(QStringLiteral("b"));
        QCOMPARE(agentsChanged.count(), 1);
        QCOMPARE(history.agents(), QStringList{QStringLiteral("a")});
        QCOMPARE(panel.findChild<QComboBox *>(QStringLiteral("agentCombo"))->count(), 1);
    }

    void panelShowsTheChosenAgent()
    {
        HostMetricsHistory history;
        HostDetailPanel panel;
        panel.setHistory(&history);
        panel.show();
        for (int i = 0; i < 3; ++i) {
            const qint64 t = kStartMs + i * 1000;
            Reading a = reading(t, 0.25 * (i + 1));
            a.diskRead = 3.0 * double(kMiB);
            a.netRx = 512;
            a.netRxErrors = 2;
            a.load1 = 1.5;
            Reading b = reading(t, 0.9);
            b.memAvailable = 4 * kGiB; // 50 %
            b.load1 = 7;
            history.addSnapshot(snapshot(t,
                                         {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(a)),
                                          agent(QStringLiteral("b"), QStringLiteral("h2"), hostMetrics(b))}));
        }
        // No agent chosen: the panel takes the first one.
        QCOMPARE(panel.agent(), QStringLiteral("a"));
        auto *combo = panel.findChild<QComboBox *>(QStringLiteral("agentCombo"));
        QVERIFY(combo);
        QCOMPARE(combo->count(), 2);
        QCOMPARE(combo->currentData().toString(), QStringLiteral("a"));
        QCOMPARE(combo->accessibleName(), QStringLiteral("Agent"));
        panel.refresh();

        QLineSeries *cpu = lineSeries(panel, "cpuMemoryChart", Metric::CpuBusyPercent);
        QVERIFY(cpu);
        QCOMPARE(cpu, panel.series(Metric::CpuBusyPercent));
        QCOMPARE(ys(cpu), (QList<double>{25.0, 50.0, 75.0}));
        QCOMPARE(cpu->points().constFirst().x(), double(kStartMs));
        QCOMPARE(ys(lineSeries(panel, "cpuMemoryChart", Metric::MemoryUsedPercent)), (QList<double>{25.0, 25.0, 25.0}));
        QCOMPARE(ys(lineSeries(panel, "loadChart", Metric::Load1)), (QList<double>{1.5, 1.5, 1.5}));
        // Rates are charted in the unit that reads best.
        QLineSeries *diskRead = lineSeries(panel, "diskChart", Metric::DiskReadBytesPerSec);
        QCOMPARE(ys(diskRead), (QList<double>{3.0, 3.0, 3.0}));
        auto *diskAxis = qobject_cast<QValueAxis *>(diskRead->attachedAxes().constLast());
        QVERIFY(diskAxis);
        QCOMPARE(diskAxis->titleText(), QStringLiteral("MiB/s"));
        QCOMPARE(ys(lineSeries(panel, "networkChart", Metric::NetRxBytesPerSec)), (QList<double>{512.0, 512.0, 512.0}));
        QCOMPARE(ys(lineSeries(panel, "networkChart", Metric::NetRxErrorsPerSec)), (QList<double>{2.0, 2.0, 2.0}));
        // The time axes end at the newest snapshot.
        auto *timeAxis = qobject_cast<QDateTimeAxis *>(cpu->attachedAxes().constFirst());
        QVERIFY(timeAxis);
        QCOMPARE(timeAxis->max().toMSecsSinceEpoch(), kStartMs + 2000);
        QCOMPARE(timeAxis->min().toMSecsSinceEpoch(), kStartMs + 2000 - HostDetailPanel::kDefaultWindowMs);
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("hostHeader"))->text().contains(QStringLiteral("Host h1")));
        QVERIFY(!panel.findChild<QLabel *>(QStringLiteral("metricsState"))->isVisible());
        QVERIFY(panel.findChild<QChartView *>(QStringLiteral("cpuMemoryChart"))->isVisible());

        // Switching agents (as the operator does, in the combo box) switches every series.
        QSignalSpy agentChanged(&panel, &HostDetailPanel::agentChanged);
        combo->setCurrentIndex(1);
        Q_EMIT combo->activated(1);
        QCOMPARE(agentChanged.count(), 1);
        QCOMPARE(panel.agent(), QStringLiteral("b"));
        QCOMPARE(ys(cpu), (QList<double>{90.0, 90.0, 90.0}));
        QCOMPARE(ys(lineSeries(panel, "cpuMemoryChart", Metric::MemoryUsedPercent)), (QList<double>{50.0, 50.0, 50.0}));
        QCOMPARE(ys(lineSeries(panel, "loadChart", Metric::Load1)), (QList<double>{7.0, 7.0, 7.0}));
        QCOMPARE(ys(lineSeries(panel, "diskChart", Metric::DiskReadBytesPerSec)), (QList<double>{0.0, 0.0, 0.0}));
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("hostHeader"))->text().contains(QStringLiteral("Host h2")));

        // And back, by API.
        panel.setAgent(QStringLiteral("a"));
        QCOMPARE(combo->currentData().toString(), QStringLiteral("a"));
        QCOMPARE(ys(cpu), (QList<double>{25.0, 50.0, 75.0}));
    }

    void panelUpdatesLive()
    {
        HostMetricsHistory history;
        HostDetailPanel panel;
        panel.setHistory(&history);
        panel.setAgent(QStringLiteral("a"));
        panel.show();
        QLineSeries *cpu = lineSeries(panel, "cpuMemoryChart", Metric::CpuBusyPercent);
        QVERIFY(cpu);
        QCOMPARE(cpu->count(), 0);
        for (int i = 0; i < 5; ++i) {
            const qint64 t = kStartMs + i * 1000;
            // Ten snapshots per heartbeat, as the engine publishes them.
            for (int tick = 0; tick < 10; ++tick)
                history.addSnapshot(
                    snapshot(t + tick * 100,
                             {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(t, 0.5)))}));
        }
        // Coalesced: the panel catches up within kRefreshMs, not once per snapshot.
        QTRY_COMPARE(cpu->count(), 5);
        auto *timeAxis = qobject_cast<QDateTimeAxis *>(cpu->attachedAxes().constFirst());
        QTRY_COMPARE(timeAxis->max().toMSecsSinceEpoch(), kStartMs + 4900);

        // A narrower window shows only its points.
        const qint64 t = kStartMs + 2 * 60 * 1000;
        history.addSnapshot(
            snapshot(t, {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(t, 0.6)))}));
        panel.setWindowMs(60 * 1000);
        QCOMPARE(panel.findChild<QComboBox *>(QStringLiteral("windowCombo"))->currentData().toLongLong(), 60 * 1000);
        QCOMPARE(ys(cpu), QList<double>{60.0});
        QCOMPARE(timeAxis->min().toMSecsSinceEpoch(), t - 60 * 1000);
    }

    // In the console the panel shares a dock area with the events, as tabs. Behind the other tab
    // Qt keeps it "visible" but moves it off screen: the panel then skips its refreshes and
    // catches up when its tab is selected.
    void panelBehindAnotherTabCatchesUpWhenItsTabIsSelected()
    {
        HostMetricsHistory history;
        QMainWindow window;
        window.setCentralWidget(new QLabel(QStringLiteral("map")));
        auto *events = new QDockWidget(QStringLiteral("Events"));
        events->setWidget(new QLabel(QStringLiteral("events")));
        auto *hostDock = new QDockWidget(QStringLiteral("Host detail"));
        auto *panel = new HostDetailPanel;
        hostDock->setWidget(panel);
        window.addDockWidget(Qt::RightDockWidgetArea, events);
        window.addDockWidget(Qt::RightDockWidgetArea, hostDock);
        window.tabifyDockWidget(events, hostDock);
        events->raise();
        QObject::connect(hostDock, &QDockWidget::visibilityChanged, panel, [panel](bool visible) {
            if (visible)
                panel->catchUp();
        });
        panel->setHistory(&history);
        panel->setAgent(QStringLiteral("a"));
        window.resize(800, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(panel->visibleRegion().isEmpty()); // behind the events' tab: out of sight

        QLineSeries *cpu = lineSeries(*panel, "cpuMemoryChart", Metric::CpuBusyPercent);
        QVERIFY(cpu);
        for (int i = 0; i < 3; ++i) {
            const qint64 t = kStartMs + i * 1000;
            history.addSnapshot(
                snapshot(t, {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(reading(t, 0.5)))}));
        }
        QCOMPARE(cpu->count(), 0);

        hostDock->raise();
        QTRY_VERIFY(!panel->visibleRegion().isEmpty());
        QTRY_COMPARE(cpu->count(), 3);
    }

    void agentWithoutMetrics()
    {
        HostMetricsHistory history;
        HostDetailPanel panel;
        panel.setHistory(&history);
        panel.show();
        failover::AgentView silent = agent(QStringLiteral("quiet"), QStringLiteral("h3"));
        silent.heard = false;
        silent.heardMsAgo = -1;
        for (int i = 0; i < 3; ++i)
            history.addSnapshot(snapshot(kStartMs + i * 100, {silent}));
        QCOMPARE(history.agents(), QStringList{QStringLiteral("quiet")});
        QCOMPARE(history.sampleCount(QStringLiteral("quiet")), 0);
        QVERIFY(!history.latest(QStringLiteral("quiet")));
        QCOMPARE(panel.agent(), QStringLiteral("quiet"));
        panel.refresh();
        auto *state = panel.findChild<QLabel *>(QStringLiteral("metricsState"));
        QVERIFY(state->isVisible());
        QVERIFY2(state->text().contains(QStringLiteral("No metrics yet")), qPrintable(state->text()));
        QVERIFY(!panel.findChild<QChartView *>(QStringLiteral("cpuMemoryChart"))->isVisible());
        QCOMPARE(lineSeries(panel, "cpuMemoryChart", Metric::CpuBusyPercent)->count(), 0);
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("hostHeader"))->text().contains(QStringLiteral("never heard")));

        // Its first metrics: the charts replace the sentence.
        history.addSnapshot(
            snapshot(kStartMs + 1000,
                     {agent(QStringLiteral("quiet"), QStringLiteral("h3"), hostMetrics(reading(kStartMs, 0.5)))}));
        panel.refresh();
        QVERIFY(!state->isVisible());
        QVERIFY(panel.findChild<QChartView *>(QStringLiteral("cpuMemoryChart"))->isVisible());
        QCOMPARE(lineSeries(panel, "cpuMemoryChart", Metric::CpuBusyPercent)->count(), 1);
    }

    void headerNamesEveryAgentOnTheHost()
    {
        HostMetricsHistory history;
        HostDetailPanel panel;
        panel.setHistory(&history);
        failover::AgentView a = agent(QStringLiteral("a"), QStringLiteral("db1"), hostMetrics(Reading()));
        failover::AgentView b = agent(QStringLiteral("b"), QStringLiteral("db1"));
        b.suspected = true;
        b.phi = 9.5;
        b.heardMsAgo = 1200;
        failover::AgentView c = agent(QStringLiteral("c"), QStringLiteral("db2"));
        history.addSnapshot(snapshot(kStartMs, {a, b, c}));
        panel.setAgent(QStringLiteral("a"));
        const QString header = panel.findChild<QLabel *>(QStringLiteral("hostHeader"))->text();
        QVERIFY2(header.startsWith(QStringLiteral("Host db1 — a: heard 40 ms ago")), qPrintable(header));
        QVERIFY2(header.contains(QStringLiteral("b: SUSPECTED")), qPrintable(header));
        QVERIFY2(header.contains(QStringLiteral("1,200 ms ago")) || header.contains(QStringLiteral("1200 ms ago")),
                 qPrintable(header));
        QVERIFY2(!header.contains(QStringLiteral("c:")), qPrintable(header));
        QCOMPARE(panel.findChild<QComboBox *>(QStringLiteral("agentCombo"))->itemText(0), QStringLiteral("a (db1)"));
    }

    // The inventory line: what the host has as the console mirrors it, and a copy that is older
    // than what the agent announced says so.
    void theInventoryLineFollowsTheMirroredCopy()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        HostMetricsHistory history;
        HostDetailPanel panel;
        panel.setHistory(&history);
        failover::AgentView a = agent(QStringLiteral("a"), QStringLiteral("db1"), hostMetrics(Reading()));
        history.addSnapshot(snapshot(kStartMs, {a}));
        panel.setAgent(QStringLiteral("a"));
        auto *line = panel.findChild<QLabel *>(QStringLiteral("inventoryState"));
        QVERIFY(line);
        QCOMPARE(line->text(), QStringLiteral("Inventory: not received yet from a."));

        metrics::HostInventory inventory;
        inventory.cpus = 8;
        inventory.cpuModel = QStringLiteral("AMD EPYC 7B13");
        inventory.memTotalBytes = 32LL << 30;
        inventory.swapTotalBytes = 2LL << 30;
        inventory.interfaces = {QStringLiteral("eth0"), QStringLiteral("eth1")};
        inventory.disks = {{QStringLiteral("nvme0n1"), 512LL << 30}, {QStringLiteral("vdb"), 0}};
        inventory.kernel = QStringLiteral("6.1.0");
        a.inventory = inventory;
        a.inventoryCurrent = true;
        history.addSnapshot(snapshot(kStartMs + 1000, {a}));
        panel.refresh();
        QCOMPARE(line->text(),
                 QStringLiteral("Inventory: 8 CPUs (AMD EPYC 7B13), 32.0 GiB memory, 2.0 GiB swap; interfaces eth0, "
                                "eth1; disks nvme0n1 512.0 GiB, vdb; kernel 6.1.0"));

        a.inventoryCurrent = false; // a new version announced, not fetched yet
        history.addSnapshot(snapshot(kStartMs + 2000, {a}));
        panel.refresh();
        QVERIFY2(line->text().endsWith(QStringLiteral(" (changed on the host: updating)")), qPrintable(line->text()));
    }

    void failureRiskHasNoPredictionYet()
    {
        HostMetricsHistory history;
        HostDetailPanel panel;
        panel.setHistory(&history);
        panel.show();
        history.addSnapshot(
            snapshot(kStartMs, {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(Reading()))}));
        panel.refresh();
        QCOMPARE(history.sampleCount(QStringLiteral("a"), Metric::FailureRisk), 0);
        QVERIFY(!history.latestFailureRisk(QStringLiteral("a")));
        auto *riskState = panel.findChild<QLabel *>(QStringLiteral("failureRiskState"));
        QVERIFY(riskState);
        QVERIFY(riskState->isVisible());
        QVERIFY2(riskState->text().contains(QStringLiteral("no prediction yet")), qPrintable(riskState->text()));
        QVERIFY(!panel.findChild<QChartView *>(QStringLiteral("failureRiskChart"))->isVisible());
        QLineSeries *risk = lineSeries(panel, "failureRiskChart", Metric::FailureRisk);
        QVERIFY(risk);
        QCOMPARE(risk->count(), 0);

        // Points added directly chart like the others.
        QSignalSpy updated(&history, &HostMetricsHistory::updated);
        history.addFailureRisk(QStringLiteral("a"), kStartMs, 0.25);
        history.addFailureRisk(QStringLiteral("a"), kStartMs - 1, 0.5); // out of order: dropped
        QCOMPARE(updated.count(), 1);
        panel.refresh();
        QCOMPARE(ys(risk), QList<double>{0.25});
        QVERIFY(panel.findChild<QChartView *>(QStringLiteral("failureRiskChart"))->isVisible());
        QVERIFY(!riskState->text().contains(QStringLiteral("no prediction yet")));
    }

    void theEnginesFailureRiskIsRecordedWithEachNewSample()
    {
        HostMetricsHistory history;
        failover::AgentView withModel = agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(Reading()));
        withModel.failureRisk = 0.75;
        failover::AgentView noModelYet = agent(QStringLiteral("b"), QStringLiteral("h2"), hostMetrics(Reading()));
        history.addSnapshot(snapshot(kStartMs, {withModel, noModelYet}));
        history.addSnapshot(snapshot(kStartMs + 100, {withModel, noModelYet})); // the same reading: no point
        QCOMPARE(history.sampleCount(QStringLiteral("a"), Metric::FailureRisk), 1);
        QCOMPARE(history.latestFailureRisk(QStringLiteral("a"))->y(), 0.75);
        QCOMPARE(history.latestFailureRisk(QStringLiteral("a"))->x(), double(kStartMs));
        QCOMPARE(history.sampleCount(QStringLiteral("b"), Metric::FailureRisk), 0); // -1: no model
    }

    void accessibleNames()
    {
        HostDetailPanel panel;
        for (const char *name : {"cpuMemoryChart", "loadChart", "diskChart", "networkChart", "failureRiskChart"}) {
            auto *view = panel.findChild<QChartView *>(QLatin1String(name));
            QVERIFY2(view, name);
            QVERIFY2(!view->accessibleName().isEmpty(), name);
        }
        for (const char *name : {"agentCombo", "windowCombo", "hostHeader", "metricsState", "failureRiskState"}) {
            auto *widget = panel.findChild<QWidget *>(QLatin1String(name));
            QVERIFY2(widget, name);
            QVERIFY2(!widget->accessibleName().isEmpty(), name);
        }
        // Without a history the panel says so instead of charting nothing.
        panel.show();
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("metricsState"))->isVisible());
    }

    void historyDestroyedFirst()
    {
        HostDetailPanel panel;
        panel.show();
        {
            HostMetricsHistory history;
            panel.setHistory(&history);
            history.addSnapshot(
                snapshot(kStartMs, {agent(QStringLiteral("a"), QStringLiteral("h1"), hostMetrics(Reading()))}));
            panel.refresh();
            QCOMPARE(lineSeries(panel, "cpuMemoryChart", Metric::CpuBusyPercent)->count(), 1);
        }
        QVERIFY(!panel.history());
        QCOMPARE(panel.findChild<QComboBox *>(QStringLiteral("agentCombo"))->count(), 0);
        QCOMPARE(lineSeries(panel, "cpuMemoryChart", Metric::CpuBusyPercent)->count(), 0);
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("metricsState"))->isVisible());
    }
};

QTEST_MAIN(TestHostDetail)
#include "tst_hostdetail.moc"
