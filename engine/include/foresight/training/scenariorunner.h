#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include "foresight/cluster/localcluster.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/sim/scenario.h"
#include "foresight/sim/scenarioscore.h"
#include "foresight/sim/simulatedhost.h"
#include "foresight/training/faultinjector.h"

namespace foresight::training {

// Plays a scenario on a local cluster of real agents watched by a real engine: the same code
// paths as a production cluster, with only the hosts simulated. The owner calls tick() every few
// tens of milliseconds; faults fire at their times (crash: kill -9; freeze: SIGSTOP, SIGCONT after
// its duration; degrade: the agent's simulated host; corrupt: the agent's fault injection;
// partition: the cluster's simulated network holds the bytes between two hosts), a
// writer of its own writes unique keys to the application and notes every acknowledgement, and
// finish() reads them all back and scores the run.
//
// The cluster's agents must be started with LocalCluster::Options::hostsDir (their simulated
// hosts live there), for corrupt faults with --allow-fault-injection, and for partitions with
// LocalCluster::Options::simulatedNetwork (without it, a scenario with one is refused at start,
// naming its line). Owned by one thread (the cluster's). Times (nowWallMs) are the cluster's
// clock's (LocalCluster::clock(), faster than real time with Options::timeScale); the writer notes
// its acknowledgements on that clock too.
class ScenarioRunner final
{
public:
    struct Options
    {
        sim::Scenario scenario;
        cluster::LocalCluster *cluster = nullptr;
        failover::ClusterEngine *engine = nullptr;
        QString app;                // the application under test; default: the scenario's `app`
        qint64 outageAfterMs = 250; // no acknowledgement for this long is an outage (the writer acks every 5 ms)
        int writesPerSecond = 200;
        // Applies the faults: the caller's, shared with its own fault controls (the demo's
        // menu), or, when null, one the runner makes for the cluster.
        FaultInjector *faults = nullptr;
    };

    static Result<std::unique_ptr<ScenarioRunner>> start(Options options, qint64 nowWallMs);
    ~ScenarioRunner();
    ScenarioRunner(const ScenarioRunner &) = delete;
    ScenarioRunner &operator=(const ScenarioRunner &) = delete;

    // Advances the simulated hosts and fires the faults that are due. False once the scenario's
    // duration has passed (then call finish()).
    bool tick(qint64 nowWallMs);
    // A fault applied by hand while the scenario plays (the window's Demo menu): applied through
    // the same injector and recorded like the scenario's own (line 0), so that the score counts
    // what it caused. Its event reads "by hand: ...", whether it was applied or refused.
    Result<sim::AppliedFault> injectByHand(const sim::ScenarioFault &fault, qint64 nowWallMs);
    // What happened so far, one line per fault ("12.0 s: crash alpha (primary)").
    const QStringList &events() const { return m_events; }
    sim::SimulatedHost *host(const QString &agent);
    qint64 ackedWrites() const { return m_ackedCount.load(); }

    // Stops the writer, thaws frozen agents, reads every acknowledged write back and scores:
    // stopPlaying() then score().
    sim::ScenarioScore finish(qint64 nowWallMs);
    // The two halves of finish(), for an owner that must not wait for the read-back (the
    // window). stopPlaying() on the owner's thread: stops the writer, thaws frozen agents and
    // notes how to reach the application. score() then on any one thread, while nobody else
    // touches the runner: it reads every acknowledged write back through a client of its own
    // (thousands of reads, seconds on a large run) and scores.
    void stopPlaying(qint64 nowWallMs);
    sim::ScenarioScore score();
    const sim::ScenarioRun &run() const { return m_run; }

private:
    explicit ScenarioRunner(Options options);
    void fire(const sim::ScenarioFault &fault, qint64 nowWallMs);
    static QString describe(const sim::ScenarioFault &fault, const sim::AppliedFault &applied);
    void trackOutages(qint64 nowWallMs);
    void write(std::stop_token stop);
    void event(qint64 nowWallMs, const QString &what);

    Options m_options;
    std::unique_ptr<FaultInjector> m_ownFaults;
    FaultInjector *m_faults = nullptr; // m_ownFaults or the caller's
    qsizetype m_nextFault = 0;
    QStringList m_events;
    sim::ScenarioRun m_run;
    bool m_inOutage = false;
    bool m_stopped = false;
    sdk::ClientOptions m_readBack; // taken by stopPlaying(): score() needs no cluster

    // The writer thread's record of acknowledged writes.
    mutable std::mutex m_mutex;
    QMap<QString, QByteArray> m_acked; // guarded by m_mutex
    std::atomic<qint64> m_ackedCount{0};
    std::atomic<qint64> m_lastAckWallMs{0};
    std::jthread m_writer;
};

} // namespace foresight::training
