#include "demoapps.h"

#include <QCoreApplication>
#include <QFileInfo>

using namespace foresight;

QList<DemoApp> demoApps(int shopWriters, int shopWritesPerSecond)
{
    // Agent i's replicas: hot on i+1, warm on i+2, cold on i+3 (mod 4).
    const auto around = [](int primary) {
        return QList<cluster::LocalCluster::Member>{{(primary + 1) % 4, Tier::Hot},
                                                    {(primary + 2) % 4, Tier::Warm},
                                                    {(primary + 3) % 4, Tier::Cold}};
    };
    return {
        {QStringLiteral("shop"), cluster::WorkloadShape::WebShop, 0, around(0), shopWriters, shopWritesPerSecond},
        {QStringLiteral("arena"), cluster::WorkloadShape::GameState, 1, around(1), 1, 20},
        {QStringLiteral("prefs"), cluster::WorkloadShape::UserSettings, 2, around(2), 1, 2},
        {QStringLiteral("audit"), cluster::WorkloadShape::History, 3, around(3), 1, 10},
    };
}

QString demoApp()
{
    return QStringLiteral("shop");
}

QList<cluster::LocalCluster::Member> demoReplicas()
{
    return demoApps(1, 1).constFirst().replicas;
}

namespace {

// foresight-example, which runs as each demo application's managed process (--serve): beside
// this program, or in FORESIGHT_BIN_DIR (tests). Empty when it is not there (an installation
// without the SDK example): the demo's applications are then state only.
QString demoInstanceBinary()
{
    for (const QString &dir : {QCoreApplication::applicationDirPath(), qEnvironmentVariable("FORESIGHT_BIN_DIR")}) {
        const QFileInfo binary(dir + QStringLiteral("/foresight-example"));
        if (!dir.isEmpty() && binary.isFile() && binary.isExecutable())
            return binary.absoluteFilePath();
    }
    return {};
}

} // namespace

AppConfig demoAppConfig(cluster::WorkloadShape shape)
{
    AppConfig config;
    config.critical = cluster::criticalKeysOf(shape);
    config.snapshotIntervalMs = 2000;
    // The demo shows instances (docs/managed-apps.md): each application's primary runs one,
    // which beats into the state every 2 s and dies with its agent; the promoted agent starts
    // the next one.
    if (const QString binary = demoInstanceBinary(); !binary.isEmpty()) {
        config.process.command = binary;
        config.process.arguments = {QStringLiteral("--serve"), QStringLiteral("--interval"), QStringLiteral("2000")};
        config.process.stopTimeoutMs = 2000;
    }
    return config;
}

void addDemoApps(config::ClusterConfig &config, const cluster::LocalCluster &cluster)
{
    for (const DemoApp &app : demoApps(1, 1)) {
        if (app.name == demoApp()) {
            // LocalCluster::clusterConfig() put it there, without an impact function.
            for (config::ClusterApp &placed : config.apps) {
                if (placed.name == app.name)
                    placed.impact = cluster::impactRulesOf(app.shape);
            }
            continue;
        }
        config::ClusterApp clusterApp;
        clusterApp.name = app.name;
        clusterApp.primary = cluster.options().agentNames.at(app.primary);
        for (const cluster::LocalCluster::Member &member : app.replicas)
            clusterApp.replicas.append({cluster.options().agentNames.at(member.agent), member.tier});
        clusterApp.config = demoAppConfig(app.shape);
        clusterApp.impact = cluster::impactRulesOf(app.shape);
        config.apps.append(clusterApp);
    }
}

bool demoAppsHealthy(const failover::ClusterEngine &engine)
{
    const auto snapshot = engine.snapshot();
    return snapshot && demoAppsHealthy(*snapshot);
}

bool demoAppsHealthy(const failover::ClusterSnapshot &snapshot)
{
    for (const DemoApp &demo : demoApps(1, 1)) {
        const failover::AppView *app = snapshot.app(demo.name);
        if (!app || !app->writable || app->phase != failover::AppPhase::Healthy
            || app->replicas.size() < demo.replicas.size())
            return false;
    }
    return true;
}

DemoWorkloads::DemoWorkloads(const cluster::LocalCluster &cluster, int shopWriters, int shopWritesPerSecond)
    : m_apps(demoApps(shopWriters, shopWritesPerSecond))
{
    for (const DemoApp &app : std::as_const(m_apps))
        m_workloads.push_back(std::make_unique<cluster::DemoWorkload>(cluster.clientOptions(app.name),
                                                                      app.writers,
                                                                      app.writesPerSecond,
                                                                      app.shape));
}

void DemoWorkloads::start()
{
    for (const auto &workload : m_workloads)
        workload->start();
}

void DemoWorkloads::stop()
{
    for (const auto &workload : m_workloads)
        workload->stop();
}

qint64 DemoWorkloads::acked() const
{
    qint64 sum = 0;
    for (const auto &workload : m_workloads)
        sum += workload->acked();
    return sum;
}

qint64 DemoWorkloads::failed() const
{
    qint64 sum = 0;
    for (const auto &workload : m_workloads)
        sum += workload->failed();
    return sum;
}

QString DemoWorkloads::lastError() const
{
    for (std::size_t i = 0; i < m_workloads.size(); ++i) {
        if (const QString error = m_workloads[i]->lastError(); !error.isEmpty())
            return QStringLiteral("%1: %2").arg(m_apps[qsizetype(i)].name, error);
    }
    return {};
}

QString DemoWorkloads::describe() const
{
    QStringList parts;
    for (const DemoApp &app : m_apps)
        parts << QStringLiteral("%1 (%2) %3x%4/s")
                     .arg(app.name, cluster::workloadShapeName(app.shape))
                     .arg(app.writers)
                     .arg(app.writesPerSecond);
    return parts.join(QStringLiteral(", "));
}
