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
#include "foresight/sim/simulatednetwork.h"

namespace foresight::training {

// Applies faults to a local cluster's real agents, for a scenario or by an instructor's hand:
// crash (kill -9), freeze (SIGSTOP; SIGCONT once its duration has passed, or by thawAll()),
// degrade (the agent's simulated host), corrupt (the agent's fault injection: its copy of the
// application's state changes behind the protocol's back) and partition (the link between two
// hosts of the cluster's simulated network holds every byte both ways, connections staying open;
// healed once its duration has passed, by heal() or by thawAll()) and slow (that link limited to a
// bandwidth, optionally with a latency; put back to the model it had before once its duration has
// passed, or by thawAll()). Partitions, slow links, link settings and heals need the cluster's
// simulated network (LocalCluster::Options::simulatedNetwork); without
// it they are refused, saying so.
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
        cluster::LocalCluster *cluster = nullptr;
        // Resolves roles (primary, hot-replica, ...) through its snapshot; without it faults name
        // agents only.
        const failover::ClusterEngine *engine = nullptr;
        QString app; // whose roles, and whose replica corrupt changes
    };

    static Result<std::unique_ptr<FaultInjector>> create(Options options, qint64 nowWallMs);
    ~FaultInjector(); // thaws the agents it froze and heals the partitions it made
    FaultInjector(const FaultInjector &) = delete;
    FaultInjector &operator=(const FaultInjector &) = delete;

    // Applies the fault now (its atMs and line are only carried into the result). The error
    // says, as one line for a trainee's event list, why nothing was done: "crash skipped: nobody
    // is primary now", "degrade alpha skipped: its host is not simulated", "corrupt bravo
    // failed: ...". A partition with an empty peer cuts the target off from every other host,
    // the console's included (its AppliedFault's peer reads "the rest").
    Result<sim::AppliedFault> inject(const sim::ScenarioFault &fault, qint64 nowWallMs);
    // Advances the simulated hosts, thaws the agents whose freeze has run its time (their names
    // are returned), heals the partitions whose time has come ("alpha-bravo" each, into `healed`
    // if given) and restores the slow links whose time has come ("alpha-bravo" each, into
    // `restored` if given).
    QStringList tick(qint64 nowWallMs, QStringList *healed = nullptr, QStringList *restored = nullptr);
    // Thaws every agent this injector froze, heals every partition it made and restores every
    // link it slowed.
    void thawAll();

    bool hasSimulatedNetwork() const;
    // Sets the link between two hosts (agents or roles, or SimulatedNetwork::consoleHost()) by
    // hand: latency, bandwidth, loss, partitioned.
    Status setLink(const QString &a, const QString &b, const sim::LinkModel &link);
    // Ends partitions: between a and b; with b empty, every one of a's; with both empty, every
    // partition on the network. Scheduled heals of those pairs are dropped.
    Status heal(const QString &a = {}, const QString &b = {});
    // The agent's simulated host is healthy again (a repair): its degradations end.
    Status repair(const QString &agent);

    bool hasSimulatedHosts() const { return !m_hosts.empty(); }
    sim::SimulatedHost *host(const QString &agent);
    // The agent a role or name stands for now; empty if nobody does.
    QString resolve(const QString &target) const;

private:
    struct Thaw
    {
        qint64 atWallMs = 0; // 0: only by thawAll()
        int agent = -1;
    };

    struct Cut
    {
        qint64 atWallMs = 0; // heal then; 0: only by heal() or thawAll()
        QString a;
        QString b;
    };

    struct SlowLink
    {
        qint64 atWallMs = 0; // restore then; 0: only by thawAll()
        QString a;
        QString b;
        sim::LinkModel before; // the pair's model when the first of its slow faults came
    };

    explicit FaultInjector(Options options);
    // The host a target stands for: an agent or role resolved, or the console's host.
    QString resolveHost(const QString &target) const;
    void healCut(const Cut &cut);
    Result<sim::AppliedFault> slow(const sim::ScenarioFault &fault, const QString &agent, qint64 nowWallMs);
    void restoreLink(const SlowLink &slow);

    Options m_options;
    std::map<QString, sim::SimulatedHost> m_hosts;
    QList<Thaw> m_thaws;
    QList<Cut> m_cuts;
    QList<SlowLink> m_slowLinks; // at most one per pair
};

} // namespace foresight::training
