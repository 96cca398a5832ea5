#pragma once

#include <memory>

#include <QString>

#include "foresight/agent/agentoptions.h"
#include "foresight/core/clock.h"
#include "foresight/core/result.h"

namespace foresight::agent {

// The agent: holds applications' state, serves SDK clients, replicates to and from other agents
// and obeys control commands. All its sockets live on the thread that calls run(); every other
// member function is safe from any thread.
class Agent final
{
public:
    // Binds the sockets (so a port of 0 or '*' is resolved by the time this returns). Every
    // interval the agent measures is on `clock`, which must outlive the agent; its poll loop
    // waits clock.realWaitMs(), so a ScaledClock runs the whole agent faster than real time
    // (foresight-agent --time-scale; options.timeScale is not read here, the caller makes the clock).
    static Result<std::unique_ptr<Agent>> create(const AgentOptions &options, Clock &clock = SystemClock::instance());
    ~Agent();
    Agent(const Agent &) = delete;
    Agent &operator=(const Agent &) = delete;

    QString name() const;
    QString listenEndpoint() const; // resolved, e.g. tcp://127.0.0.1:41873
    QString sdkEndpoint() const;
    QByteArray publicKey() const;

    // Serves until requestStop(). Returns an error only if the sockets fail beyond recovery.
    Status run();
    void requestStop();

private:
    class Impl;
    explicit Agent(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::agent
