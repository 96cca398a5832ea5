#include "windowdemo.h"

#include <cstdio>
#include <functional>
#include <thread>

#include <QApplication>
#include <QDockWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>

#include "bridge/consolebridge.h"
#include "demofaults.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/core/clock.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/training/faultinjector.h"
#include "foresight/training/scenariorunner.h"
#include "mainwindow/mainwindow.h"
#include "panels/trainingpanel.h"
#include "reportexport.h"
#include "scenariodemo.h"

using namespace foresight;
using foresight::widgets::ConsoleBridge;
using foresight::widgets::MainWindow;
using foresight::widgets::TrainingPanel;

namespace {

constexpr int kScreenshotTimeoutMs = 60'000;
constexpr int kScreenshotSettleMs = 3000; // charts and the timeline fill for a moment first
constexpr qint64 kScreenshotWrites = 200;

QString degradationLabel(sim::Degradation degradation)
{
    switch (degradation) {
    case sim::Degradation::MemoryLeak:
        return QObject::tr("Memory leak");
    case sim::Degradation::DiskErrors:
        return QObject::tr("Disk errors");
    case sim::Degradation::LatencyCreep:
        return QObject::tr("Latency creep");
    case sim::Degradation::CpuSaturation:
        return QObject::tr("CPU saturation");
    }
    return {};
}

// Applies a fault from the menu: through the playing scenario's runner (which records it), else
// straight through the injector.
using ApplyFault = std::function<Result<sim::AppliedFault>(const sim::ScenarioFault &)>;

// Faults for every agent, a trainee's or an instructor's way to cause failures: kill and
// restart, freeze for a while, degrade or repair its simulated host (the degradation grows
// over a minute, as on a real machine, and shows in the host's metrics and failure risk), and
// cut it off from every other host of the simulated network for 30 s (or heal every partition).
void addDemoMenu(MainWindow &window,
                 cluster::LocalCluster &cluster,
                 training::FaultInjector &faults,
                 const ApplyFault &apply)
{
    constexpr qint64 kFreezeMs = 10'000;
    constexpr qint64 kDegradeRampMs = 60'000;
    constexpr qint64 kPartitionMs = 30'000;
    QMenu *menu = window.menuBar()->addMenu(QObject::tr("&Demo"));
    QMenu *kill = menu->addMenu(QObject::tr("&Kill agent (kill -9)"));
    QMenu *restart = menu->addMenu(QObject::tr("&Restart agent"));
    QMenu *freeze = menu->addMenu(QObject::tr("&Freeze agent for 10 s (SIGSTOP)"));
    QMenu *degrade = menu->addMenu(QObject::tr("&Degrade host"));
    QMenu *repair = menu->addMenu(QObject::tr("Re&pair host"));
    // Partitions need the simulated network, which the demo has whenever its hosts are simulated.
    QMenu *partition = faults.hasSimulatedNetwork() ? menu->addMenu(QObject::tr("Par&tition")) : nullptr;
    const auto inject = [&window, apply](const sim::ScenarioFault &fault, const QString &done) {
        const auto applied = apply(fault);
        window.statusBar()->showMessage(applied ? done : applied.error().message, 5000);
    };
    for (int i = 0; i < cluster.size(); ++i) {
        const QString name = cluster.agent(i).name();
        QObject::connect(kill->addAction(name), &QAction::triggered, &window, [&window, &cluster, i, name] {
            cluster.agent(i).kill();
            window.statusBar()->showMessage(QObject::tr("Killed %1 (kill -9)").arg(name), 5000);
        });
        QObject::connect(restart->addAction(name), &QAction::triggered, &window, [&window, &cluster, i, name] {
            if (cluster.agent(i).isRunning()) {
                window.statusBar()->showMessage(QObject::tr("%1 is running").arg(name), 5000);
                return;
            }
            const Status started = cluster.agent(i).restart();
            window.statusBar()
                ->showMessage(started ? QObject::tr("Restarted %1").arg(name)
                                      : QObject::tr("Cannot restart %1: %2").arg(name, started.error().message),
                              5000);
        });
        QObject::connect(freeze->addAction(name), &QAction::triggered, &window, [inject, name] {
            sim::ScenarioFault fault;
            fault.kind = sim::FaultKind::Freeze;
            fault.target = name;
            fault.durationMs = kFreezeMs;
            inject(fault, QObject::tr("Froze %1 for 10 s").arg(name));
        });
        QMenu *kinds = degrade->addMenu(name);
        for (const sim::Degradation kind : {sim::Degradation::MemoryLeak,
                                            sim::Degradation::DiskErrors,
                                            sim::Degradation::LatencyCreep,
                                            sim::Degradation::CpuSaturation}) {
            QObject::connect(kinds->addAction(degradationLabel(kind)), &QAction::triggered, &window, [inject, name, kind] {
                sim::ScenarioFault fault;
                fault.kind = sim::FaultKind::Degrade;
                fault.target = name;
                fault.degradation = kind;
                fault.durationMs = kDegradeRampMs;
                inject(fault, QObject::tr("%1 on %2's host, worsening over a minute").arg(degradationLabel(kind), name));
            });
        }
        QObject::connect(repair->addAction(name), &QAction::triggered, &window, [&window, &faults, name] {
            const Status repaired = faults.repair(name);
            window.statusBar()->showMessage(repaired ? QObject::tr("Repaired %1's host").arg(name)
                                                     : repaired.error().message,
                                            5000);
        });
        if (partition) {
            const QString label = QObject::tr("Cut %1 off from the rest for 30 s").arg(name);
            QObject::connect(partition->addAction(label), &QAction::triggered, &window, [inject, name] {
                sim::ScenarioFault fault;
                fault.kind = sim::FaultKind::Partition;
                fault.target = name; // no peer: from every other host, the console's included
                fault.durationMs = kPartitionMs;
                inject(fault, QObject::tr("Cut %1 off from the rest of the network for 30 s").arg(name));
            });
        }
    }
    if (partition) {
        partition->addSeparator();
        QObject::connect(partition->addAction(QObject::tr("&Heal all partitions")),
                         &QAction::triggered,
                         &window,
                         [&window, &faults] {
                             const Status healed = faults.heal();
                             window.statusBar()->showMessage(healed ? QObject::tr("Healed all partitions")
                                                                    : healed.error().message,
                                                             5000);
                         });
    }
}

// Plays a scenario on this thread, which owns the cluster, and feeds the Training panel: it
// starts once the application is healthy, is ticked every kTickMs, and is scored at its end or,
// cut short, when the window closes first.
class TrainingDriver final
{
public:
    static constexpr int kTickMs = 50;

    TrainingDriver(const ScenarioChoice &choice, TrainingPanel &panel, QString scoreJsonPath)
        : m_choice(choice)
        , m_panel(panel)
        , m_scoreJsonPath(std::move(scoreJsonPath))
    {
        m_panel.setScenario(choice.scenario);
        m_timer.setInterval(kTickMs);
        QObject::connect(&m_timer, &QTimer::timeout, &m_panel, [this] { tick(); });
    }

    void startOnce(cluster::LocalCluster &cluster,
                   failover::ClusterEngine &engine,
                   training::FaultInjector &faults,
                   const QString &app)
    {
        if (m_runner || m_failed || m_scored)
            return;
        training::ScenarioRunner::Options options;
        options.scenario = m_choice.scenario;
        options.cluster = &cluster;
        options.engine = &engine;
        options.app = app;
        options.faults = &faults; // shared with the Demo menu
        m_clock = &cluster.clock();
        m_startWallMs = m_clock->wallMs();
        auto runner = training::ScenarioRunner::start(options, m_startWallMs);
        if (!runner) {
            m_failed = true;
            m_panel.setState(QObject::tr("The scenario cannot start: %1").arg(runner.error().message));
            std::fprintf(stderr,
                         "foresight: cannot play %s: %s\n",
                         qPrintable(m_choice.source),
                         qPrintable(runner.error().message));
            return;
        }
        m_runner = std::move(*runner);
        std::fprintf(stderr,
                     "foresight: scenario '%s' started (%s)\n",
                     qPrintable(m_choice.scenario.name),
                     qPrintable(m_choice.source));
        m_timer.start();
        tick();
    }

    // Whether the scenario is playing (its runner then advances the simulated hosts and thaws).
    bool playing() const { return m_runner && !m_scored; }
    // A fault from the Demo menu while playing: the runner applies and records it.
    Result<sim::AppliedFault> injectByHand(const sim::ScenarioFault &fault)
    {
        return m_runner->injectByHand(fault, m_clock->wallMs());
    }

    // Scores the run if it has not been (the window closed first: cut short), waits for the
    // read-back, and lets go of the runner, which must go before the engine and the cluster. The
    // exit code's share: 1 when the scenario could not start or the JSON could not be written.
    int stop()
    {
        if (m_runner && !m_scored)
            score(m_clock->wallMs(), false);
        if (m_scoring.joinable())
            m_scoring.join();
        // The window's loop has ended: the score the thread handed back is delivered here.
        if (m_runner && !m_shown)
            QCoreApplication::sendPostedEvents(&m_panel, QEvent::MetaCall);
        m_runner.reset();
        return m_failed ? 1 : m_exitCode;
    }

private:
    void tick()
    {
        const qint64 now = m_clock->wallMs();
        const bool running = m_runner->tick(now);
        m_panel.setProgress(now - m_startWallMs, m_runner->events());
        if (!running)
            score(now, true);
    }

    // The read-back takes seconds on a long run: it runs on a thread of its own and the result
    // comes back to this (the window's) thread, so the window never freezes while scoring.
    void score(qint64 now, bool complete)
    {
        m_timer.stop();
        m_scored = true;
        m_panel.setState(QObject::tr("Scoring: reading back every acknowledged write..."));
        const qint64 playedMs = complete ? m_choice.scenario.durationMs
                                         : std::min(now - m_startWallMs, m_choice.scenario.durationMs - 1);
        m_runner->stopPlaying(now);
        training::ScenarioRunner *runner = m_runner.get();
        m_scoring = std::jthread([this, runner, playedMs] {
            const sim::ScenarioScore result = runner->score();
            QMetaObject::invokeMethod(&m_panel, [this, runner, result, playedMs] {
                showScore(result, playedMs, runner->events());
            });
        });
    }

    void showScore(const sim::ScenarioScore &score, qint64 playedMs, const QStringList &events)
    {
        m_panel.setProgress(playedMs, events);
        m_panel.setScore(score, playedMs);
        std::printf("%s\n", qPrintable(renderScenarioScore(m_choice.scenario, score, playedMs, events)));
        std::fflush(stdout);
        if (!m_scoreJsonPath.isEmpty()
            && !writeScoreJson(m_scoreJsonPath, scenarioScoreJson(m_choice, score, playedMs, events)))
            m_exitCode = 1;
        m_shown = true;
    }

    const ScenarioChoice &m_choice;
    TrainingPanel &m_panel;
    QString m_scoreJsonPath;
    QTimer m_timer;
    std::unique_ptr<training::ScenarioRunner> m_runner;
    const Clock *m_clock = &SystemClock::instance(); // the cluster's, once started
    qint64 m_startWallMs = 0;
    bool m_scored = false;
    bool m_shown = false;
    bool m_failed = false;
    int m_exitCode = 0;
    std::jthread m_scoring; // the read-back; joined before the runner goes
};

} // namespace

int runWindowDemo(const DemoOptions &options,
                  const QString &screenshotPath,
                  const std::atomic<bool> &stop,
                  const ScenarioChoice *scenario,
                  const QString &scoreJsonPath)
{
    QTemporaryDir temporary;
    const QString workDir = options.workDir.isEmpty() ? temporary.path() : options.workDir;
    const std::unique_ptr<cluster::LocalCluster> started = startDemoCluster(options, workDir);
    if (!started)
        return 1;
    cluster::LocalCluster &cluster = *started;
    const QString appName = demoApp();

    ConsoleBridge bridge;
    MainWindow window(&bridge);
    std::unique_ptr<TrainingDriver> training;
    if (scenario) {
        auto *panel = new TrainingPanel;
        auto *dock = new QDockWidget(QObject::tr("Training"), &window);
        dock->setObjectName(QStringLiteral("trainingDock"));
        dock->setWidget(panel);
        window.addDockWidget(Qt::RightDockWidgetArea, dock);
        training = std::make_unique<TrainingDriver>(*scenario, *panel, scoreJsonPath);
    }

    failover::ClusterEngineOptions engineOptions = demoEngineOptions(cluster, workDir);
    engineOptions.onSnapshot = [&bridge](std::shared_ptr<const failover::ClusterSnapshot> snapshot) {
        bridge.publish(std::move(snapshot));
    };
    auto engine = failover::ClusterEngine::start(engineOptions);
    if (!engine) {
        std::fprintf(stderr, "foresight: cannot start the engine: %s\n", qPrintable(engine.error().message));
        return 1;
    }
    bridge.setEngine(engine->get());
    window.setReportSource(reportSource(engineOptions.storePath));

    auto injector = training::FaultInjector::create({&cluster, engine->get(), appName}, cluster.clock().wallMs());
    if (!injector) {
        std::fprintf(stderr, "foresight: cannot simulate the demo's hosts: %s\n", qPrintable(injector.error().message));
        return 1;
    }
    training::FaultInjector &faults = **injector;
    const ApplyFault applyFault = [&](const sim::ScenarioFault &fault) {
        return training && training->playing() ? training->injectByHand(fault)
                                               : faults.inject(fault, cluster.clock().wallMs());
    };
    addDemoMenu(window, cluster, faults, applyFault);
    // foresightctl cluster fault: applied on this thread like the menu's faults. The desk goes
    // (with any request still queued) before the injector and the cluster.
    auto faultDesk = std::make_unique<QObject>();
    auto control = startDemoControl(options,
                                    **engine,
                                    workDir,
                                    demoFaultHandler(faultDesk.get(), {&cluster, &faults, applyFault}));
    // The simulated hosts move on, and frozen agents thaw, every 100 ms; while a scenario plays,
    // its runner does that.
    QTimer faultClock;
    QObject::connect(&faultClock, &QTimer::timeout, &window, [&] {
        if (training && training->playing())
            return;
        for (const QString &thawed : faults.tick(cluster.clock().wallMs()))
            window.statusBar()->showMessage(QObject::tr("%1 thawed").arg(thawed), 5000);
    });
    faultClock.start(100);

    // The workloads start once the engine has deployed every application and they are healthy.
    DemoWorkloads workload(cluster, options.writers, options.writesPerSecond);
    bool writing = false;
    bool screenshotScheduled = false;
    int exitCode = 0;
    QObject::connect(&bridge,
                     &ConsoleBridge::snapshotChanged,
                     &window,
                     [&](std::shared_ptr<const failover::ClusterSnapshot> snapshot) {
                         const failover::AppView *app = snapshot ? snapshot->app(appName) : nullptr;
                         if (!writing && snapshot && demoAppsHealthy(*snapshot)) {
                             writing = true;
                             workload.start();
                         }
                         if (training && app && app->writable && app->phase == failover::AppPhase::Healthy
                             && app->replicas.size() >= demoReplicas().size())
                             training->startOnce(cluster, **engine, faults, appName);
                         if (screenshotPath.isEmpty() || screenshotScheduled || !app
                             || app->phase != failover::AppPhase::Healthy || app->replicas.size() < 3
                             || workload.acked() < kScreenshotWrites)
                             return;
                         screenshotScheduled = true;
                         QTimer::singleShot(kScreenshotSettleMs, &window, [&] {
                             if (!window.grab().save(screenshotPath, "PNG")) {
                                 std::fprintf(stderr,
                                              "foresight: cannot write the screenshot %s\n",
                                              qPrintable(screenshotPath));
                                 exitCode = 1;
                             } else {
                                 std::fprintf(stderr, "foresight: saved the window to %s\n", qPrintable(screenshotPath));
                             }
                             QApplication::quit();
                         });
                     });
    if (!screenshotPath.isEmpty()) {
        window.resize(1600, 1000);
        QTimer::singleShot(kScreenshotTimeoutMs, &window, [&] {
            if (screenshotScheduled)
                return;
            std::fprintf(stderr,
                         "foresight: no screenshot: the demo application was not healthy with writes flowing after "
                         "%d s\n",
                         kScreenshotTimeoutMs / 1000);
            exitCode = 1;
            QApplication::quit();
        });
    }
    if (options.durationSeconds > 0)
        QTimer::singleShot(options.durationSeconds * 1000, &window, &QApplication::quit);
    QTimer stopWatch; // Ctrl-C in the terminal closes the window (a scenario is then scored as cut short)
    QObject::connect(&stopWatch, &QTimer::timeout, &window, [&stop] {
        if (stop.load())
            QApplication::quit();
    });
    stopWatch.start(100);

    window.show();
    const int code = QApplication::exec();
    control.reset(); // no more faults from foresightctl
    faultDesk.reset();
    workload.stop();
    if (training && training->stop() != 0 && exitCode == 0)
        exitCode = 1;
    training.reset(); // its runner goes before the engine and the cluster
    faultClock.stop();
    injector->reset(); // thaws what it froze, while the cluster is there
    bridge.setEngine(nullptr);
    engine->reset(); // before the cluster it watches
    std::fprintf(stderr,
                 "foresight: demo stopped: %lld writes acknowledged, %lld failed\n",
                 workload.acked(),
                 workload.failed());
    return exitCode != 0 ? exitCode : code;
}
