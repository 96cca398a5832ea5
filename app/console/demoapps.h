#pragma once

#include <memory>
#include <vector>

#include <QList>
#include <QString>

#include "foresight/cluster/demoworkload.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/failover/clusterengine.h"

// The demo cluster's applications: each of a different kind (its state's shape and write
// pattern), with its primary on another of the four agents and its hot, warm and cold replicas on
// the other three, so that every agent is a primary of one and a replica of the others.
struct DemoApp
{
    QString name;
    foresight::cluster::WorkloadShape shape = foresight::cluster::WorkloadShape::WebShop;
    int primary = 0; // agent index
    QList<foresight::cluster::LocalCluster::Member> replicas;
    int writers = 1;
    int writesPerSecond = 10; // per writer
};

// shop (web shop: the application scenarios, the screenshot and --writers/--rate are about),
// arena (game state), prefs (user settings) and audit (history).
QList<DemoApp> demoApps(int shopWriters, int shopWritesPerSecond);
// The first of them, its replicas (agent 0 primary; 1 hot, 2 warm, 3 cold) and its settings.
QString demoApp();
QList<foresight::cluster::LocalCluster::Member> demoReplicas();
foresight::AppConfig demoAppConfig(foresight::cluster::WorkloadShape shape = foresight::cluster::WorkloadShape::WebShop);

// Every demo application in the cluster's configuration (for the engine to deploy and watch),
// each with its shape's impact function (cluster::impactRulesOf), the shop's added to the entry
// LocalCluster::clusterConfig() made.
void addDemoApps(foresight::config::ClusterConfig &config, const foresight::cluster::LocalCluster &cluster);
// Whether the engine sees every demo application writable and healthy with all its replicas:
// when the workloads and a scenario may start.
bool demoAppsHealthy(const foresight::failover::ClusterEngine &engine);
bool demoAppsHealthy(const foresight::failover::ClusterSnapshot &snapshot);

// The demo applications' workloads, one per application, through the SDK.
class DemoWorkloads final
{
public:
    DemoWorkloads(const foresight::cluster::LocalCluster &cluster, int shopWriters, int shopWritesPerSecond);
    void start();
    void stop();
    qint64 acked() const;
    qint64 failed() const;
    QString lastError() const; // the latest of any, with its application; empty when none
    // "shop 3x50/s, arena 1x40/s, ...": what writes, for the terminal view's header.
    QString describe() const;

private:
    QList<DemoApp> m_apps;
    std::vector<std::unique_ptr<foresight::cluster::DemoWorkload>> m_workloads; // in m_apps' order
};
