// The hosts' inventories, mirrored rather than polled (issue 21; docs/mirrors.md "Host
// inventories"): each heartbeat announces the version of its host's inventory, and the engine
// asks for the inventory itself (host-inventory, docs/protocol.md 9.14) only when that version is
// not the one it holds, or its copy is older than VersionedCopy's max age. A heartbeat that
// finds the copy current is a poll saved.

#include "failover/engineimpl.h"

namespace foresight::failover {

using protocol::MessageType;

void ClusterEngine::Impl::mirrorInventory(AgentRuntime &agent, const monitor::Heartbeat &heartbeat)
{
    if (!agent.inventoryCopy.announce(heartbeat.inventoryVersion, now()))
        return;
    const QString name = agent.config.name;
    const auto sent = request(name, MessageType::HostInventory, {}, kRequestTimeoutMs, [this, name](auto reply) {
        onInventory(name, std::move(reply));
    });
    if (!sent)
        onInventory(name, std::unexpected(sent.error()));
}

void ClusterEngine::Impl::onInventory(const QString &agentName, Result<QCborMap> reply)
{
    const auto it = m_agents.find(agentName);
    if (it == m_agents.end())
        return;
    AgentRuntime &agent = it->second;
    const auto failed = [&](const QString &why) {
        agent.inventoryCopy.fetchFailed();
        agent.inventoryError = why;
    };
    if (!reply)
        return failed(reply.error().message);
    const QCborValue version = reply->value(QStringLiteral("version"));
    if (!version.isInteger() || version.toInteger() <= 0)
        return failed(QStringLiteral("host-inventory reply: \"version\" must be an integer >= 1"));
    auto inventory = metrics::HostInventory::fromCbor(reply->value(QStringLiteral("inventory")).toMap());
    if (!inventory)
        return failed(inventory.error().message);
    agent.inventoryCopy.fetched(std::uint64_t(version.toInteger()), now());
    agent.inventory = std::move(*inventory);
    agent.inventoryError.clear();
}

} // namespace foresight::failover
