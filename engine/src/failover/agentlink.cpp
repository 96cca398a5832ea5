#include "failover/agentlink.h"

#include "transport/wire.h"

namespace foresight::failover {

using protocol::Message;
using protocol::MessageType;

AgentLink::AgentLink(const Options &options, Clock &clock)
    : m_options(options)
    , m_clock(clock)
    , m_socket(transport::sharedClientContext(), zmq::socket_type::dealer)
{}

Result<std::unique_ptr<AgentLink>> AgentLink::open(const Options &options, Clock &clock)
{
    std::unique_ptr<AgentLink> link(new AgentLink(options, clock));
    try {
        transport::configureCommon(link->m_socket, 64 * 1024 * 1024);
        link->m_socket.set(zmq::sockopt::immediate, 1);
        if (transport::isTcp(options.url) && !options.insecure) {
            if (auto ok = transport::configureCurveClient(link->m_socket, options.keys, options.serverPublicKey); !ok)
                return std::unexpected(ok.error());
        }
        link->m_socket.connect(options.url.toStdString());
    } catch (const zmq::error_t &e) {
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to %1: %2").arg(options.url, QString::fromUtf8(e.what())));
    }
    return link;
}

void AgentLink::maintainSubscription()
{
    const std::int64_t now = m_clock.monotonicMs();
    // Renew at a third of the ttl, so two lost renewals still leave the subscription alive; a
    // subscribe that could not be sent (agent not connected) is retried every interval.
    const std::int64_t due = m_subscribed ? m_options.ttlMs / 3 : m_options.intervalMs;
    if (m_lastSubscribeMs != 0 && now - m_lastSubscribeMs < due)
        return;
    QCborMap body;
    body.insert(QStringLiteral("interval-ms"), m_options.intervalMs);
    body.insert(QStringLiteral("ttl-ms"), m_options.ttlMs);
    m_lastSubscribeMs = now;
    auto id = send(MessageType::Subscribe, body);
    m_subscribed = id.has_value();
    if (id) {
        m_subscribeIds.append(*id);
        while (m_subscribeIds.size() > 8)
            m_subscribeIds.removeFirst();
    }
}

Result<qint64> AgentLink::send(MessageType type, QCborMap body)
{
    const qint64 id = m_nextId++;
    body.insert(QStringLiteral("id"), id);
    if (!transport::send(m_socket, {}, Message{type, body}))
        return fail(ErrorCode::Network, QStringLiteral("%1 is not connected").arg(m_options.url));
    return id;
}

void AgentLink::drain(Inbox &inbox)
{
    while (auto in = transport::receive(m_socket, 0)) {
        auto decoded = protocol::decode(in->header, in->body);
        if (!decoded) {
            ++m_malformed;
            continue;
        }
        if (decoded->type == MessageType::Heartbeat) {
            inbox.heartbeats.append(heartbeatFromCbor(decoded->body, m_clock.monotonicMs()));
            continue;
        }
        const qint64 id = decoded->body.value(QStringLiteral("id")).toInteger(-1);
        if (m_subscribeIds.contains(id)) {
            m_subscribeError = decoded->type == MessageType::Error
                                   ? decoded->body.value(QStringLiteral("code")).toString() + QStringLiteral(": ")
                                         + decoded->body.value(QStringLiteral("message")).toString()
                                   : QString();
            continue;
        }
        inbox.replies.append(Reply{id, *decoded});
    }
}

} // namespace foresight::failover
