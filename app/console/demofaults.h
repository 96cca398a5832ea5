#pragma once

#include <functional>

#include <QObject>

#include "foresight/cluster/localcluster.h"
#include "foresight/control/consolecontrol.h"
#include "foresight/training/faultinjector.h"

// Faults that `foresightctl cluster fault` sends a demo (console-fault, docs/protocol.md 15.15).
// The control API's thread receives them; they are applied on the thread that owns the cluster,
// the same way as the window's Demo menu and a scenario apply theirs.

// Applies a fault to the demo's simulated cluster: through the playing scenario when there is one
// (so it is recorded and scored), else straight through the injector.
using ApplyDemoFault
    = std::function<foresight::Result<foresight::sim::AppliedFault>(const foresight::sim::ScenarioFault &)>;

struct DemoFaultTarget
{
    foresight::cluster::LocalCluster *cluster = nullptr;
    foresight::training::FaultInjector *faults = nullptr;
    ApplyDemoFault apply;
};

// Carries out one request on the calling thread (the cluster's): what was done as one sentence, or
// InvalidArgument/NotFound saying why nothing was.
foresight::Result<foresight::failover::OperatorOutcome> applyDemoFault(const foresight::control::FaultRequest &request,
                                                                       const DemoFaultTarget &target);

// A handler for ConsoleControlOptions::faults that runs applyDemoFault on `owner`'s thread. If that
// thread's event loop stops first, the request is answered with an internal error.
foresight::control::FaultHandler demoFaultHandler(QObject *owner, DemoFaultTarget target);
