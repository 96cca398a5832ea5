#pragma once

#include <atomic>
#include <memory>

#include <QList>
#include <QString>

#include "demoapps.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/control/consolecontrol.h"
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
    // The control API's ipc:// endpoint (foresightctl cluster ...); empty: the default one.
    QString controlUrl;
    // The cluster's time runs this many times as fast (LocalCluster::Options::timeScale); the
    // engine, the fault injector and the scenario use the cluster's clock.
    double timeScale = 1.0;
};

// Lets this thread's events run (the cluster's processes, foresightctl's faults), then sleeps ms.
void pumpEvents(int ms);

// Starts the demo's four agents in workDir, on simulated hosts behind a simulated network and
// open to fault injection, saying so on stderr; nullptr (after saying why) when
// they cannot start.
std::unique_ptr<foresight::cluster::LocalCluster> startDemoCluster(const DemoOptions &options, const QString &workDir);

// The engine that deploys the demo application on the demo cluster and fails it over (the window
// and the scenario demos): cluster "demo", the cluster's admin keys and clock, its store in workDir.
foresight::failover::ClusterEngineOptions demoEngineOptions(const foresight::cluster::LocalCluster &cluster,
                                                            const QString &workDir);

// The demo's control API, so that `foresightctl cluster status|fault|...` reach it: on
// options.controlUrl (default: the console's default endpoint), faults going to `faults`. When it
// cannot start (another console holds the endpoint), says so on stderr and returns nullptr: the
// demo runs on without it.
std::unique_ptr<foresight::control::ConsoleControlServer> startDemoControl(const DemoOptions &options,
                                                                           foresight::failover::ClusterEngine &engine,
                                                                           const QString &workDir,
                                                                           foresight::control::FaultHandler faults);

// Runs the README's demo: a local cluster of real foresight-agent processes on loopback (one
// application with a primary, a hot, a warm and a cold replica) under a demo workload, with a
// live terminal view, until `stop` is set or the duration ends. Returns the process exit code.
int runHeadlessDemo(const DemoOptions &options, const std::atomic<bool> &stop);
