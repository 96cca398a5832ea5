#pragma once

#include <memory>
#include <vector>

#include <QCborMap>
#include <QList>
#include <QPair>
#include <QString>

#include "foresight/agent/agentoptions.h"
#include "foresight/cluster/agentprocess.h"
#include "foresight/cluster/clusterconfig.h"
#include "foresight/control/controlclient.h"
#include "foresight/sdk/client.h"

namespace foresight {

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
        bool sdkOverTcp = false; // SDK endpoints on tcp:// (CURVE when curve) instead of ipc://
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
    const KeyPair &adminKeys() const { return m_adminKeys; }
    const KeyPair &clientKeys() const { return m_clientKeys; }
    const QString &workDir() const { return m_options.workDir; }
    const Options &options() const { return m_options; }
    bool curve() const { return m_options.curve; }

    Result<std::unique_ptr<control::ControlClient>> control(int index, int timeoutMs = 3000) const;
    // An SDK client that knows every agent, so it can follow the primary wherever it moves.
    Result<std::unique_ptr<sdk::Client>> client(const QString &app, int failoverTimeoutMs = 10000) const;
    sdk::ClientOptions clientOptions(const QString &app) const;

    // A console's configuration for this cluster: every agent (its listen endpoint and key) and
    // app with the given primary and replicas, for a ClusterEngine to deploy and watch.
    ClusterConfig clusterConfig(const QString &app,
                                int primary,
                                const QList<Member> &replicas,
                                const AppConfig &config = {}) const;

    // Makes agent `primary` the primary of app and the members its replicas.
    Status deploy(const QString &app, int primary, const QList<Member> &replicas, const AppConfig &config = {});
    // Re-points a replica (or a demoted primary) at another primary.
    Status assignReplica(const QString &app, int replica, Tier tier, int primary, const AppConfig &config = {});
    Result<QCborMap> appStatus(int index, const QString &app) const;

private:
    explicit LocalCluster(const Options &options)
        : m_options(options)
    {}

    Options m_options;
    KeyPair m_adminKeys;
    KeyPair m_clientKeys;
    std::vector<std::unique_ptr<AgentProcess>> m_agents;
};

} // namespace foresight
