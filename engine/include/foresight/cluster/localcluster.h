#pragma once

#include <memory>
#include <vector>

#include <QCborMap>
#include <QList>
#include <QPair>
#include <QString>

#include "foresight/cluster/agentprocess.h"
#include "foresight/config/clusterconfig.h"
#include "foresight/control/controlclient.h"
#include "foresight/core/clock.h"
#include "foresight/sdk/client.h"
#include "foresight/sim/simulatednetwork.h"
#include "foresight/vocabulary/appconfig.h"

namespace foresight::cluster {

// A cluster of real foresight-agent processes on loopback, with generated CURVE keys and an
// allowlist: the README's demo, the integration tests and the benchmarks run on it.
// Owned by one thread (its AgentProcesses use QProcess).
class LocalCluster final
{
public:
    struct Options
    {
        QStringList agentNames{QStringLiteral("alpha"),
                               QStringLiteral("bravo"),
                               QStringLiteral("charlie"),
                               QStringLiteral("delta")};
        bool curve = true;
        QString workDir;     // keys, logs, sockets, data; must exist or be creatable
        QString agentBinary; // default: AgentProcess::defaultBinary()
        QStringList extraAgentArgs;
        // Non-empty: each agent reads its host metrics from <hostsDir>/<name> (--proc-root), the
        // files of a simulated host (sim/SimulatedHost), instead of this machine's /proc.
        QString hostsDir;
        // The agents' SDK endpoints: unix:// (the default, the fast local path), ipc:// (ZeroMQ)
        // or tcp:// (ZeroMQ, CURVE when curve).
        enum class SdkEndpoint { Unix, Ipc, Tcp };
        SdkEndpoint sdkEndpoint = SdkEndpoint::Unix;
        // Every agent on a simulated host of its own behind a simulated network
        // (sim/SimulatedNetwork): agent i's host is 127.0.0.<11 + i>, its outgoing connections
        // leave from there (--source-address), and every endpoint this cluster hands out
        // (clusterConfig(), control(), clientOptions(), the primary a replica is pointed at) is
        // the agent's front on that network, so all agent-agent and console-agent traffic crosses
        // it. Links default to 0.3 ms one way; network() changes them. At most 200 agents.
        bool simulatedNetwork = false;
        // For simulations and tests: the cluster's time runs this many times as fast as real time
        // (1 to ScaledClock::kMaxScale). Every agent gets --time-scale with the cluster clock's
        // origin (--time-origin), so agents and clock() read the same times; whoever drives or
        // watches the cluster (its ClusterEngine, training::FaultInjector, training::ScenarioRunner) must
        // use clock(), or leases would be unsafe (a console at another scale ignores the agents).
        double timeScale = 1.0;
    };

    struct Member
    {
        int agent = 0; // index into agents
        Tier tier = Tier::Hot;
    };

    static Result<std::unique_ptr<LocalCluster>> start(const Options &options);
    ~LocalCluster();

    int size() const { return int(m_agents.size()); }
    AgentProcess &agent(int index) { return *m_agents.at(std::size_t(index)); }
    int indexOf(const QString &name) const;
    const transport::KeyPair &adminKeys() const { return m_adminKeys; }
    const transport::KeyPair &clientKeys() const { return m_clientKeys; }
    const QString &workDir() const { return m_options.workDir; }
    const Options &options() const { return m_options; }
    bool curve() const { return m_options.curve; }
    // The cluster's time (Options::timeScale; at 1 the system clock's readings). Thread-safe;
    // lives as long as the cluster. Non-const because ClusterEngineOptions::clock wants one.
    Clock &clock() const { return *m_clock; }
    // The simulated network (Options::simulatedNetwork), else null. Thread-safe; owned here.
    sim::SimulatedNetwork *network() const { return m_network.get(); }
    // Where agent `index` is reached: its front on the simulated network, else its listen URL.
    QString listenUrl(int index) const;
    QString sdkUrl(int index) const;

    Result<std::unique_ptr<control::ControlClient>> control(int index, int timeoutMs = 3000) const;
    // An SDK client that knows every agent, so it can follow the primary wherever it moves.
    Result<std::unique_ptr<sdk::Client>> client(const QString &app, int failoverTimeoutMs = 10000) const;
    sdk::ClientOptions clientOptions(const QString &app) const;

    // A console's configuration for this cluster: every agent (its listen endpoint and key) and
    // app with the given primary and replicas, for a ClusterEngine to deploy and watch.
    config::ClusterConfig clusterConfig(const QString &app,
                                        int primary,
                                        const QList<Member> &replicas,
                                        const AppConfig &config = {}) const;

    // Makes agent `primary` the primary of app and the members its replicas.
    Status deploy(const QString &app, int primary, const QList<Member> &replicas, const AppConfig &config = {});
    // Re-points a replica (or a demoted primary) at another primary.
    Status assignReplica(const QString &app, int replica, Tier tier, int primary, const AppConfig &config = {});
    Result<QCborMap> appStatus(int index, const QString &app) const;

private:
    explicit LocalCluster(const Options &options); // out of line: SimulatedNetwork is incomplete here

    Options m_options;
    std::unique_ptr<ScaledClock> m_clock;
    transport::KeyPair m_adminKeys;
    transport::KeyPair m_clientKeys;
    std::unique_ptr<sim::SimulatedNetwork> m_network; // outlives the agents (destroyed after them)
    std::vector<std::unique_ptr<AgentProcess>> m_agents;
    QStringList m_listenFronts; // per agent, with a simulated network
    QStringList m_sdkFronts;    // per agent, with a simulated network and SDK over tcp://
};

} // namespace foresight::cluster
