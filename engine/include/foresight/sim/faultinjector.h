#pragma once

#include <map>
#include <memory>

#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/cluster/localcluster.h"
#include "foresight/core/result.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/sim/scenario.h"
#include "foresight/sim/scenarioscore.h"
#include "foresight/sim/simulatedhost.h"

namespace foresight::sim {

// Applies faults to a local cluster's real agents, for a scenario or by an instructor's hand:
// crash (kill -9), freeze (SIGSTOP; SIGCONT once its duration has passed, or by thawAll()),
// degrade (the agent's simulated host) and corrupt (the agent's fault injection: its copy of the
// application's state changes behind the protocol's back). Partitions need the simulated
// network, which does not exist yet.
//
// When the cluster's agents run on simulated hosts (LocalCluster::Options::hostsDir), the
// injector owns those hosts and advances them in tick(): their metrics follow a daily cycle with
// noise, and a degradation shows in them the way it would on a real machine. Owned by the
// cluster's thread; corrupt waits for the agent's answer (a control request on loopback).
class FaultInjector final
{
public:
    struct Options
    {
        LocalCluster *cluster = nullptr;
        // Resolves roles (primary, hot-replica, ...) through its snapshot; without it faults name
        // agents only.
        const ClusterEngine *engine = nullptr;
        QString app; // whose roles, and whose replica corrupt changes
    };

    static Result<std::unique_ptr<FaultInjector>> create(Options options, qint64 nowWallMs);
    ~FaultInjector(); // thaws the agents it froze
    FaultInjector(const FaultInjector &) = delete;
    FaultInjector &operator=(const FaultInjector &) = delete;

    // Applies the fault now (its atMs and line are only carried into the result). The error
    // says, as one line for a trainee's event list, why nothing was done: "crash skipped: nobody
    // is primary now", "degrade alpha skipped: its host is not simulated", "corrupt bravo
    // failed: ...".
    Result<AppliedFault> inject(const ScenarioFault &fault, qint64 nowWallMs);
    // Advances the simulated hosts and thaws the agents whose freeze has run its time: their
    // names.
    QStringList tick(qint64 nowWallMs);
    void thawAll();
    // The agent's simulated host is healthy again (a repair): its degradations end.
    Status repair(const QString &agent);

    bool hasSimulatedHosts() const { return !m_hosts.empty(); }
    SimulatedHost *host(const QString &agent);
    // The agent a role or name stands for now; empty if nobody does.
    QString resolve(const QString &target) const;

private:
    struct Thaw
    {
        qint64 atWallMs = 0; // 0: only by thawAll()
        int agent = -1;
    };

    explicit FaultInjector(Options options);

    Options m_options;
    std::map<QString, SimulatedHost> m_hosts;
    QList<Thaw> m_thaws;
};

} // namespace foresight::sim
