#include "demorunner.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include <QCborArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QTemporaryDir>

#include "demofaults.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/core/clock.h"
#include "foresight/training/faultinjector.h"
#include "terminalview.h"

using namespace foresight;

namespace {

QList<AgentRow> pollAgents(cluster::LocalCluster &cluster)
{
    QList<AgentRow> rows;
    for (int i = 0; i < cluster.size(); ++i) {
        AgentRow &row = rows.emplace_back();
        row.agent = cluster.agent(i).name();
        auto control = cluster.control(i, 1000);
        auto status = control ? (*control)->status() : Result<QCborMap>(std::unexpected(control.error()));
        row.reachable = bool(status);
        if (status)
            row.status = *status;
        else
            row.error = status.error().message;
    }
    return rows;
}

constexpr int kTickMs = 50;
constexpr int kHealthyTimeoutS = 60;

// What the engine makes of it: each application's phase and why, and the journal's last lines.
QString renderEngineSummary(const failover::ClusterEngine &engine)
{
    constexpr qsizetype kJournalLines = 6;
    const auto snapshot = engine.snapshot();
    if (!snapshot)
        return QStringLiteral("engine: starting");
    QStringList lines;
    for (const failover::AppView &app : snapshot->apps)
        lines << QStringLiteral("engine: %1 is %2, primary %3, epoch %4%5")
                     .arg(app.name,
                          failover::appPhaseName(app.phase),
                          app.primary.isEmpty() ? QStringLiteral("(none)") : app.primary)
                     .arg(app.epoch)
                     .arg(app.reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(app.reason));
    for (const storage::JournalEntry &entry :
         snapshot->recentJournal.mid(qMax(0, snapshot->recentJournal.size() - kJournalLines)))
        lines << QStringLiteral("  %1 %2 %3")
                     .arg(QDateTime::fromMSecsSinceEpoch(entry.wallMs).toString(QStringLiteral("HH:mm:ss")),
                          entry.kind.leftJustified(13),
                          entry.message);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

void pumpEvents(int ms)
{
    QCoreApplication::processEvents();
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

std::unique_ptr<cluster::LocalCluster> startDemoCluster(const DemoOptions &options, const QString &workDir)
{
    std::fprintf(stderr,
                 "foresight: starting 4 agents on loopback (%s), work directory %s\n",
                 options.curve ? "CURVE" : "insecure",
                 qPrintable(workDir));
    cluster::LocalCluster::Options clusterOptions;
    clusterOptions.workDir = workDir;
    clusterOptions.curve = options.curve;
    clusterOptions.timeScale = options.timeScale;
    // Every demo takes faults (its menu, foresightctl, scenarios): the agents read their metrics
    // from simulated hosts in <workDir>/hosts, sit behind a simulated network (so partitions can
    // be played) and accept fault injection (corrupt).
    clusterOptions.hostsDir = workDir + QStringLiteral("/hosts");
    clusterOptions.simulatedNetwork = true;
    clusterOptions.extraAgentArgs << QStringLiteral("--allow-fault-injection");
    auto started = cluster::LocalCluster::start(clusterOptions);
    if (!started) {
        std::fprintf(stderr, "foresight: cannot start the demo cluster: %s\n", qPrintable(started.error().message));
        return nullptr;
    }
    return std::move(*started);
}

failover::ClusterEngineOptions demoEngineOptions(const cluster::LocalCluster &cluster, const QString &workDir)
{
    failover::ClusterEngineOptions options;
    options.config = cluster.clusterConfig(demoApp(), 0, demoReplicas(), demoAppConfig());
    addDemoApps(options.config, cluster);
    options.config.name = QStringLiteral("demo");
    options.keys = cluster.adminKeys();
    options.clock = &cluster.clock();
    options.storePath = workDir + QStringLiteral("/console.db");
    return options;
}

std::unique_ptr<control::ConsoleControlServer> startDemoControl(const DemoOptions &options,
                                                                failover::ClusterEngine &engine,
                                                                const QString &workDir,
                                                                control::FaultHandler faults)
{
    control::ConsoleControlOptions control;
    control.url = options.controlUrl;
    control.storePath = workDir + QStringLiteral("/console.db");
    control.faults = std::move(faults);
    auto server = control::ConsoleControlServer::start(engine, std::move(control));
    if (!server) {
        std::fprintf(stderr,
                     "foresight: the demo runs without its control API (foresightctl cluster ...): %s\n",
                     qPrintable(server.error().message));
        return nullptr;
    }
    std::fprintf(stderr,
                 "foresight: foresightctl cluster status|fault|promote|... reach this demo at %s%s\n",
                 qPrintable((*server)->endpoint()),
                 options.controlUrl.isEmpty() ? " (the default)" : "");
    return std::move(*server);
}

int runHeadlessDemo(const DemoOptions &options, const std::atomic<bool> &stop)
{
    QTemporaryDir temporary;
    const QString workDir = options.workDir.isEmpty() ? temporary.path() : options.workDir;
    const std::unique_ptr<cluster::LocalCluster> started = startDemoCluster(options, workDir);
    if (!started)
        return 1;
    cluster::LocalCluster &cluster = *started;
    const QString appName = demoApp();

    // The engine deploys the application, watches it and fails it over, as in the window.
    auto engine = failover::ClusterEngine::start(demoEngineOptions(cluster, workDir));
    if (!engine) {
        std::fprintf(stderr, "foresight: cannot start the engine: %s\n", qPrintable(engine.error().message));
        return 1;
    }
    auto injector = training::FaultInjector::create({&cluster, engine->get(), appName}, cluster.clock().wallMs());
    if (!injector) {
        std::fprintf(stderr, "foresight: cannot simulate the demo's hosts: %s\n", qPrintable(injector.error().message));
        return 1;
    }
    training::FaultInjector &faults = **injector;
    // foresightctl's faults are applied on this thread, between two refreshes (processEvents).
    auto faultDesk = std::make_unique<QObject>();
    auto control
        = startDemoControl(options,
                           **engine,
                           workDir,
                           demoFaultHandler(faultDesk.get(),
                                            {&cluster, &faults, [&faults, &cluster](const sim::ScenarioFault &fault) {
                                                 return faults.inject(fault, cluster.clock().wallMs());
                                             }}));
    // Replicated writes need the hot replica: wait (bounded) until the application is healthy.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kHealthyTimeoutS);
    while (std::chrono::steady_clock::now() < deadline && !stop.load() && !demoAppsHealthy(**engine))
        pumpEvents(kTickMs);

    DemoWorkloads workload(cluster, options.writers, options.writesPerSecond);
    workload.start();

    const auto startedAt = std::chrono::steady_clock::now();
    qint64 lastAcked = 0;
    auto lastTick = startedAt;
    int exitCode = 0;
    while (!stop.load()) {
        const auto now = std::chrono::steady_clock::now();
        const double elapsed = std::chrono::duration<double>(now - startedAt).count();
        const double tick = std::chrono::duration<double>(now - lastTick).count();
        const qint64 acked = workload.acked();
        const double rate = tick > 0 ? double(acked - lastAcked) / tick : 0;
        lastAcked = acked;
        lastTick = now;

        ViewHeader header;
        header.title = QStringLiteral("Foresight demo: 4 applications on 4 real agents over loopback (%1)   %2")
                           .arg(options.curve ? QStringLiteral("CURVE") : QStringLiteral("INSECURE"),
                                QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")));
        header.workload = QStringLiteral("workload: %1; %2 acknowledged, %3 failed, %4 writes/s%5")
                              .arg(workload.describe())
                              .arg(acked)
                              .arg(workload.failed())
                              .arg(qRound(rate))
                              .arg(workload.lastError().isEmpty()
                                       ? QString()
                                       : QStringLiteral("  (last error: %1)").arg(workload.lastError()));
        header.hint = (options.durationSeconds > 0
                           ? QStringLiteral("stopping after %1 s (Ctrl-C stops now)").arg(options.durationSeconds)
                           : QStringLiteral("Ctrl-C to stop"))
                      + (control ? QStringLiteral("; faults: foresightctl cluster fault crash primary (see --help)")
                                 : QString());
        const QString table = renderClusterTable(header, pollAgents(cluster)) + QStringLiteral("\n\n")
                              + renderEngineSummary(**engine);
        if (options.ansi)
            std::printf("\x1b[H\x1b[2J%s\n", qPrintable(table));
        else
            std::printf("%s\n\n\n", qPrintable(table));
        std::fflush(stdout);

        if (options.durationSeconds > 0 && elapsed >= options.durationSeconds)
            break;
        // Sliced so Ctrl-C is honoured, foresightctl's faults are applied and the simulated hosts
        // move on within a tick.
        for (int waited = 0; waited < options.refreshMs && !stop.load(); waited += kTickMs) {
            pumpEvents(kTickMs);
            faults.tick(cluster.clock().wallMs());
        }
    }
    control.reset(); // no more faults from foresightctl
    faultDesk.reset();
    workload.stop();
    if (workload.acked() == 0) {
        std::fprintf(stderr,
                     "foresight: the demo workload acknowledged no write: %s\n",
                     qPrintable(workload.lastError()));
        exitCode = 1;
    }
    injector->reset(); // thaws what it froze, while the cluster is there
    engine->reset();   // before the cluster it watches
    std::fprintf(stderr,
                 "foresight: demo stopped: %lld writes acknowledged, %lld failed\n",
                 workload.acked(),
                 workload.failed());
    return exitCode;
}
