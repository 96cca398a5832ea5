#include "demorunner.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include <QCborArray>
#include <QDateTime>
#include <QTemporaryDir>

#include "foresight/cluster/demoworkload.h"
#include "foresight/cluster/localcluster.h"
#include "terminalview.h"

using namespace foresight;

namespace {

QList<AgentRow> pollAgents(LocalCluster &cluster)
{
    QList<AgentRow> rows;
    for (int i = 0; i < cluster.size(); ++i) {
        AgentRow row;
        row.agent = cluster.agent(i).name();
        auto control = cluster.control(i, 1000);
        auto status = control ? (*control)->status() : Result<QCborMap>(std::unexpected(control.error()));
        row.reachable = bool(status);
        if (status)
            row.status = *status;
        else
            row.error = status.error().message;
        rows.append(row);
    }
    return rows;
}

bool waitFor(const std::atomic<bool> &stop, int ms)
{
    // Sliced so Ctrl-C is honoured within 50 ms.
    for (int waited = 0; waited < ms && !stop.load(); waited += 50)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return !stop.load();
}

} // namespace

QString demoApp()
{
    return QStringLiteral("shop");
}

QList<LocalCluster::Member> demoReplicas()
{
    return {{1, Tier::Hot}, {2, Tier::Warm}, {3, Tier::Cold}};
}

AppConfig demoAppConfig()
{
    AppConfig config;
    config.critical = {QStringLiteral("session/*")};
    config.snapshotIntervalMs = 2000;
    return config;
}

std::unique_ptr<LocalCluster> startDemoCluster(const DemoOptions &options, const QString &workDir)
{
    std::fprintf(stderr,
                 "foresight: starting 4 agents on loopback (%s), work directory %s\n",
                 options.curve ? "CURVE" : "insecure",
                 qPrintable(workDir));
    LocalCluster::Options clusterOptions;
    clusterOptions.workDir = workDir;
    clusterOptions.curve = options.curve;
    if (options.simulatedHosts) {
        clusterOptions.hostsDir = workDir + QStringLiteral("/hosts");
        clusterOptions.extraAgentArgs << QStringLiteral("--allow-fault-injection");
    }
    auto started = LocalCluster::start(clusterOptions);
    if (!started) {
        std::fprintf(stderr, "foresight: cannot start the demo cluster: %s\n", qPrintable(started.error().message));
        return nullptr;
    }
    return std::move(*started);
}

ClusterEngineOptions demoEngineOptions(const LocalCluster &cluster, const QString &workDir)
{
    ClusterEngineOptions options;
    options.config = cluster.clusterConfig(demoApp(), 0, demoReplicas(), demoAppConfig());
    options.config.name = QStringLiteral("demo");
    options.keys = cluster.adminKeys();
    options.storePath = workDir + QStringLiteral("/console.db");
    return options;
}

int runHeadlessDemo(const DemoOptions &options, const std::atomic<bool> &stop)
{
    QTemporaryDir temporary;
    const std::unique_ptr<LocalCluster> started = startDemoCluster(options,
                                                                   options.workDir.isEmpty() ? temporary.path()
                                                                                             : options.workDir);
    if (!started)
        return 1;
    LocalCluster &cluster = *started;
    const QString appName = demoApp();
    if (auto ok = cluster.deploy(appName, 0, demoReplicas(), demoAppConfig()); !ok) {
        std::fprintf(stderr, "foresight: cannot deploy the demo application: %s\n", qPrintable(ok.error().message));
        return 1;
    }
    // Replicated writes need the hot replica; wait (bounded) until the primary sees all three.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline && !stop.load()) {
        auto status = cluster.appStatus(0, appName);
        if (status && status->value(QStringLiteral("replicas")).toArray().size() == 3)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }

    DemoWorkload workload(cluster.clientOptions(appName), options.writers, options.writesPerSecond);
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
        header.title = QStringLiteral("Foresight demo: one application on 4 real agents over loopback (%1)   %2")
                           .arg(options.curve ? QStringLiteral("CURVE") : QStringLiteral("INSECURE"),
                                QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")));
        header.workload = QStringLiteral("workload: %1 writers, %2 acknowledged, %3 failed, %4 writes/s%5")
                              .arg(options.writers)
                              .arg(acked)
                              .arg(workload.failed())
                              .arg(qRound(rate))
                              .arg(workload.lastError().isEmpty()
                                       ? QString()
                                       : QStringLiteral("  (last error: %1)").arg(workload.lastError()));
        header.hint = options.durationSeconds > 0
                          ? QStringLiteral("stopping after %1 s (Ctrl-C stops now)").arg(options.durationSeconds)
                          : QStringLiteral("Ctrl-C to stop");
        const QString table = renderClusterTable(header, pollAgents(cluster));
        if (options.ansi)
            std::printf("\x1b[H\x1b[2J%s\n", qPrintable(table));
        else
            std::printf("%s\n\n", qPrintable(table));
        std::fflush(stdout);

        if (options.durationSeconds > 0 && elapsed >= options.durationSeconds)
            break;
        if (!waitFor(stop, options.refreshMs))
            break;
    }
    workload.stop();
    if (workload.acked() == 0) {
        std::fprintf(stderr,
                     "foresight: the demo workload acknowledged no write: %s\n",
                     qPrintable(workload.lastError()));
        exitCode = 1;
    }
    std::fprintf(stderr,
                 "foresight: demo stopped: %lld writes acknowledged, %lld failed\n",
                 workload.acked(),
                 workload.failed());
    return exitCode;
}
