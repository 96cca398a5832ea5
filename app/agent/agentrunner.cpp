#include "agentrunner.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include <QJsonDocument>
#include <QJsonObject>

#include "foresight/agent/agent.h"
#include "foresight/core/clock.h"

using namespace foresight;

namespace {

// The agent the signal handlers stop; set only while run() runs.
std::atomic<agent::Agent *> g_agent{nullptr};

void onSignal(int)
{
    if (agent::Agent *agent = g_agent.load())
        agent->requestStop();
}

int failWith(const QString &message)
{
    std::fprintf(stderr, "foresight-agent: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int runAgent(const agent::AgentOptions &options)
{
    // Outlives the agent. Exactly 1 is the system clock itself.
    std::unique_ptr<ScaledClock> scaledClock;
    if (options.timeScale != 1.0)
        scaledClock = std::make_unique<ScaledClock>(options.timeScale,
                                                    options.timeOriginWallMs > 0
                                                        ? std::optional<std::int64_t>(options.timeOriginWallMs)
                                                        : std::nullopt);
    Clock &clock = scaledClock ? static_cast<Clock &>(*scaledClock) : SystemClock::instance();
    auto agent = agent::Agent::create(options, clock);
    if (!agent)
        return failWith(agent.error().message);

    g_agent.store(agent->get());
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    const QJsonObject ready{{QStringLiteral("event"), QStringLiteral("ready")},
                            {QStringLiteral("agent"), (*agent)->name()},
                            {QStringLiteral("listen"), (*agent)->listenEndpoint()},
                            {QStringLiteral("sdk"), (*agent)->sdkEndpoint()},
                            {QStringLiteral("public-key"), QString::fromLatin1((*agent)->publicKey())}};
    std::printf("%s\n", QJsonDocument(ready).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);

    const auto result = (*agent)->run();
    g_agent.store(nullptr);
    if (!result)
        return failWith(result.error().message);
    return 0;
}
