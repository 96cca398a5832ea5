#include "failover/agentlink.h"

#include <atomic>
#include <cstring>
#include <string>

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
        // Connection events, so a refused key or a wrong public key is named instead of showing
        // only as silence (CURVE failures are otherwise invisible to the client).
        static std::atomic<int> monitors{0};
        const std::string monitorUrl = "inproc://foresight-agent-link-" + std::to_string(monitors++);
        if (zmq_socket_monitor(link->m_socket.handle(),
                               monitorUrl.c_str(),
                               ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_DISCONNECTED
                                   | ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                                   | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
            == 0) {
            link->m_monitor = std::make_unique<zmq::socket_t>(transport::sharedClientContext(), zmq::socket_type::pair);
            link->m_monitor->set(zmq::sockopt::linger, 0);
            link->m_monitor->connect(monitorUrl);
        }
        link->m_socket.connect(options.url.toStdString());
    } catch (const zmq::error_t &e) {
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to %1: %2").arg(options.url, QString::fromUtf8(e.what())));
    }
    return link;
}

AgentLink::~AgentLink()
{
    if (m_monitor)
        zmq_socket_monitor(m_socket.handle(), nullptr, 0);
}

QString AgentLink::connectionProblem()
{
    while (m_monitor) {
        zmq::message_t event;
        zmq::message_t address;
        try {
            if (!m_monitor->recv(event, zmq::recv_flags::dontwait))
                break;
            if (event.more())
                (void) m_monitor->recv(address, zmq::recv_flags::dontwait);
        } catch (const zmq::error_t &) {
            break;
        }
        if (event.size() < 6)
            continue;
        std::uint16_t id = 0;
        std::uint32_t value = 0;
        std::memcpy(&id, event.data(), sizeof id);
        std::memcpy(&value, static_cast<const char *>(event.data()) + sizeof id, sizeof value);
        switch (id) {
        case ZMQ_EVENT_CONNECTED:
            m_everConnected = true;
            break;
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
            m_handshakeSucceeded = true;
            m_problem.clear();
            break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
            m_problem = QStringLiteral("%1 refused this console's key (ZAP status %2): add the console's public key to "
                                       "the agent's allowlist with the role admin")
                            .arg(m_options.url)
                            .arg(value);
            break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
            m_problem = QStringLiteral("the CURVE handshake with %1 failed: is the agent's public key in the cluster "
                                       "configuration right?")
                            .arg(m_options.url);
            break;
        case ZMQ_EVENT_DISCONNECTED:
            // Dropped before the handshake completed: a CURVE server that cannot decrypt our
            // hello (we used the wrong key for it) closes the connection without a word.
            if (!m_handshakeSucceeded && m_problem.isEmpty())
                m_problem = QStringLiteral("%1 closed the connection during the CURVE handshake: is the agent's public "
                                           "key in the cluster configuration right?")
                                .arg(m_options.url);
            m_handshakeSucceeded = false;
            break;
        case ZMQ_EVENT_CONNECT_RETRIED:
            if (!m_everConnected)
                m_problem
                    = QStringLiteral("no agent answers at %1 (connection refused or unreachable)").arg(m_options.url);
            break;
        default:
            break;
        }
    }
    return m_problem;
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
            inbox.heartbeats.append(monitor::heartbeatFromCbor(decoded->body, m_clock.monotonicMs()));
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
