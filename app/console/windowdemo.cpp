#include "windowdemo.h"

#include <cstdio>

#include <QApplication>
#include <QMenuBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>

#include "bridge/consolebridge.h"
#include "foresight/cluster/demoworkload.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/failover/clusterengine.h"
#include "mainwindow/mainwindow.h"

using namespace foresight;
using foresight::widgets::ConsoleBridge;
using foresight::widgets::MainWindow;

namespace {

constexpr int kScreenshotTimeoutMs = 60'000;
constexpr int kScreenshotSettleMs = 3000; // charts and the timeline fill for a moment first
constexpr qint64 kScreenshotWrites = 200;

// Kill and restart entries for every agent: a trainee's way to cause failures.
void addDemoMenu(MainWindow &window, LocalCluster &cluster)
{
    QMenu *menu = window.menuBar()->addMenu(QObject::tr("&Demo"));
    QMenu *kill = menu->addMenu(QObject::tr("&Kill agent (kill -9)"));
    QMenu *restart = menu->addMenu(QObject::tr("&Restart agent"));
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
    }
}

} // namespace

int runWindowDemo(const DemoOptions &options, const QString &screenshotPath)
{
    QTemporaryDir temporary;
    const QString workDir = options.workDir.isEmpty() ? temporary.path() : options.workDir;
    const std::unique_ptr<LocalCluster> started = startDemoCluster(options, workDir);
    if (!started)
        return 1;
    LocalCluster &cluster = *started;
    const QString appName = demoApp();
    ClusterConfig config = cluster.clusterConfig(appName, 0, demoReplicas(), demoAppConfig());
    config.name = QStringLiteral("demo");

    ConsoleBridge bridge;
    MainWindow window(&bridge);
    addDemoMenu(window, cluster);

    ClusterEngineOptions engineOptions;
    engineOptions.config = config;
    engineOptions.keys = cluster.adminKeys();
    engineOptions.storePath = workDir + QStringLiteral("/console.db");
    engineOptions.onSnapshot = [&bridge](std::shared_ptr<const ClusterSnapshot> snapshot) {
        bridge.publish(std::move(snapshot));
    };
    auto engine = ClusterEngine::start(engineOptions);
    if (!engine) {
        std::fprintf(stderr, "foresight: cannot start the engine: %s\n", qPrintable(engine.error().message));
        return 1;
    }
    bridge.setEngine(engine->get());

    // The workload starts once the engine has deployed the application and its primary writes.
    DemoWorkload workload(cluster.clientOptions(appName), options.writers, options.writesPerSecond);
    bool writing = false;
    bool screenshotScheduled = false;
    int exitCode = 0;
    QObject::connect(&bridge,
                     &ConsoleBridge::snapshotChanged,
                     &window,
                     [&](std::shared_ptr<const ClusterSnapshot> snapshot) {
                         const AppView *app = snapshot ? snapshot->app(appName) : nullptr;
                         if (!writing && app && app->writable) {
                             writing = true;
                             workload.start();
                         }
                         if (screenshotPath.isEmpty() || screenshotScheduled || !app || app->phase != AppPhase::Healthy
                             || app->replicas.size() < 3 || workload.acked() < kScreenshotWrites)
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

    window.show();
    const int code = QApplication::exec();
    workload.stop();
    bridge.setEngine(nullptr);
    engine->reset(); // before the cluster it watches
    std::fprintf(stderr,
                 "foresight: demo stopped: %lld writes acknowledged, %lld failed\n",
                 workload.acked(),
                 workload.failed());
    return exitCode != 0 ? exitCode : code;
}
