#pragma once

#include <atomic>
#include <memory>

#include <QList>
#include <QString>

#include "foresight/cluster/localcluster.h"
#include "foresight/failover/clusterengine.h"

struct DemoOptions
{
    int durationSeconds = 0; // 0: until stopped
    bool curve = true;
    int writers = 3;
    int writesPerSecond = 50; // per writer
    int refreshMs = 500;
    bool ansi = true; // redraw in place (a terminal) or print blocks (a log)
    QString workDir;  // empty: a temporary directory, removed afterwards
    // The agents read their host metrics from simulated hosts in <workDir>/hosts (which a
    // sim::FaultInjector advances and degrades) and accept fault injection
    // (--allow-fault-injection): a scenario needs both, the window's Demo menu the hosts.
    bool simulatedHosts = false;
};

// The demo application, its replicas (agent 0 primary; 1 hot, 2 warm, 3 cold) and its settings,
// shared by the terminal and the window demo.
QString demoApp();
QList<foresight::LocalCluster::Member> demoReplicas();
foresight::AppConfig demoAppConfig();

// Starts the demo's four agents in workDir, saying so on stderr; nullptr (after saying why) when
// they cannot start.
std::unique_ptr<foresight::LocalCluster> startDemoCluster(const DemoOptions &options, const QString &workDir);

// The engine that deploys the demo application on the demo cluster and fails it over (the window
// and the scenario demos): cluster "demo", the cluster's admin keys, its store in workDir.
foresight::ClusterEngineOptions demoEngineOptions(const foresight::LocalCluster &cluster, const QString &workDir);

// Runs the README's demo: a local cluster of real foresight-agent processes on loopback (one
// application with a primary, a hot, a warm and a cold replica) under a demo workload, with a
// live terminal view, until `stop` is set or the duration ends. Returns the process exit code.
int runHeadlessDemo(const DemoOptions &options, const std::atomic<bool> &stop);
