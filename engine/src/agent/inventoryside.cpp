// The host's inventory (docs/protocol.md 9.14, 10.7; docs/mirrors.md): what the host has (CPUs,
// memory, interfaces, disks), as opposed to how it is doing (the heartbeat's host metrics). It
// changes rarely, so heartbeats carry only its version and a console mirrors the rest, asking
// with host-inventory when the version it holds is not the one announced. Read from the same
// /proc tree as the metrics, on the agent's thread, at most every kInventoryIntervalMs.

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"

namespace foresight::agent {

namespace {
constexpr std::int64_t kInventoryIntervalMs = 10'000;
} // namespace

void Agent::Impl::refreshInventory()
{
    m_inventoryReadMs = now();
    auto read = metrics::readHostInventory(m_options.procRoot);
    if (!read) {
        if (m_inventoryError != read.error().message)
            qCWarning(lcAgent).noquote() << "host inventory:" << read.error().message;
        m_inventoryError = read.error().message;
        return; // the last inventory read stays: a passing /proc hiccup changes nothing
    }
    m_inventoryError.clear();
    const std::uint64_t version = read->version();
    if (version != m_inventoryVersion && m_inventoryVersion != 0)
        qCInfo(lcAgent).noquote() << "host inventory changed: version" << version;
    m_inventory = std::move(*read);
    m_inventoryVersion = version;
}

void Agent::Impl::addInventoryVersion(QCborMap &heartbeat)
{
    if (m_inventoryReadMs < 0 || now() - m_inventoryReadMs >= kInventoryIntervalMs)
        refreshInventory();
    if (m_inventoryVersion != 0)
        heartbeat.insert(QStringLiteral("inventory-version"), qint64(m_inventoryVersion));
}

void Agent::Impl::handleHostInventory(const ReplyRoute &route, const protocol::Message &)
{
    if (m_inventoryReadMs < 0)
        refreshInventory();
    if (!m_inventory) {
        replyError(route,
                   ErrorCode::IoError,
                   QStringLiteral("the host inventory could not be read: %1").arg(m_inventoryError));
        return;
    }
    QCborMap body;
    body.insert(QStringLiteral("id"), route.requestId);
    body.insert(QStringLiteral("agent"), m_options.name);
    body.insert(QStringLiteral("version"), qint64(m_inventoryVersion));
    body.insert(QStringLiteral("inventory"), m_inventory->toCbor());
    reply(route, protocol::Message{protocol::MessageType::Ok, body});
}

} // namespace foresight::agent
