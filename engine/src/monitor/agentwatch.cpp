#include "foresight/monitor/agentwatch.h"

#include <zmq.hpp>

#include <QCborArray>

#include "foresight/core/logging.h"
#include "foresight/protocol/message.h"
#include "transport/wire.h"

namespace foresight::monitor {

using protocol::Message;
using protocol::MessageType;

Heartbeat heartbeatFromCbor(const QCborMap &body, std::int64_t receivedMs)
{
    Heartbeat heartbeat;
    heartbeat.agent = body.value(QStringLiteral("agent")).toString();
    heartbeat.seq = std::uint64_t(body.value(QStringLiteral("seq")).toInteger());
    heartbeat.incarnation = std::uint64_t(body.value(QStringLiteral("incarnation")).toInteger(0));
    heartbeat.wallMs = body.value(QStringLiteral("wall-ms")).toInteger();
    heartbeat.uptimeMs = body.value(QStringLiteral("uptime-ms")).toInteger();
    heartbeat.timeScale = body.value(QStringLiteral("time-scale")).toDouble(1.0);
    heartbeat.intervalMs = int(body.value(QStringLiteral("interval-ms")).toInteger());
    heartbeat.host = body.value(QStringLiteral("host")).toMap();
    heartbeat.hostError = body.value(QStringLiteral("host-error")).toString();
    heartbeat.inventoryVersion = std::uint64_t(body.value(QStringLiteral("inventory-version")).toInteger(0));
    for (const QCborValue &app : body.value(QStringLiteral("apps")).toArray())
        heartbeat.apps.append(app.toMap());
    const auto microseconds = [](const QCborMap &map, const char *key) -> std::optional<double> {
        const QCborValue value = map.value(QLatin1String(key));
        if (!value.isInteger() || value.toInteger() < 0)
            return std::nullopt;
        return double(value.toInteger()) / 1000.0;
    };
    for (const QCborValue &item : body.value(QStringLiteral("peers")).toArray()) {
        const QCborMap peer = item.toMap();
        PeerLinkReport report;
        report.agent = peer.value(QStringLiteral("agent")).toString();
        if (report.agent.isEmpty())
            continue;
        report.rttMs = microseconds(peer, "rtt-us");
        report.rttMinMs = microseconds(peer, "rtt-min-us");
        if (const QCborValue bandwidth = peer.value(QStringLiteral("bandwidth-bytes-per-s")); bandwidth.isInteger())
            report.bandwidthBytesPerS = double(bandwidth.toInteger());
        report.lost = peer.value(QStringLiteral("lost")).toInteger();
        report.error = peer.value(QStringLiteral("error")).toString();
        heartbeat.peers.append(report);
    }
    heartbeat.receivedMs = receivedMs;
    return heartbeat;
}

class AgentWatch::Socket
{
public:
    Socket()
        : socket(transport::sharedClientContext(), zmq::socket_type::dealer)
    {}
    zmq::socket_t socket;
};

AgentWatch::AgentWatch(const Options &options, Clock &clock)
    : m_options(options)
    , m_clock(clock)
    , m_socket(std::make_unique<Socket>())
{}

AgentWatch::~AgentWatch() = default;

Result<std::unique_ptr<AgentWatch>> AgentWatch::start(const Options &options, Clock &clock)
{
    if (options.intervalMs < 10 || options.ttlMs < options.intervalMs)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("heartbeat interval must be >= 10 ms and the ttl at least the interval"));
    std::unique_ptr<AgentWatch> watch(new AgentWatch(options, clock));
    zmq::socket_t &socket = watch->m_socket->socket;
    try {
        transport::configureCommon(socket, 64 * 1024 * 1024);
        if (transport::isTcp(options.url) && !options.insecure) {
            if (auto ok = transport::configureCurveClient(socket, options.keys, options.serverPublicKey); !ok)
                return std::unexpected(ok.error());
        }
        socket.connect(options.url.toStdString());
    } catch (const zmq::error_t &e) {
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to %1: %2").arg(options.url, QString::fromUtf8(e.what())));
    }
    watch->subscribe();
    return watch;
}

void AgentWatch::subscribe()
{
    QCborMap body;
    body.insert(QStringLiteral("id"), m_nextId++);
    body.insert(QStringLiteral("interval-ms"), m_options.intervalMs);
    body.insert(QStringLiteral("ttl-ms"), m_options.ttlMs);
    transport::send(m_socket->socket, {}, Message{MessageType::Subscribe, body});
    m_lastSubscribeMs = m_clock.monotonicMs();
}

Result<QList<Heartbeat>> AgentWatch::poll(int timeoutMs)
{
    // Renew at a third of the ttl, so two lost renewals still leave the subscription alive.
    if (m_clock.monotonicMs() - m_lastSubscribeMs >= m_options.ttlMs / 3)
        subscribe();
    QList<Heartbeat> heartbeats;
    zmq::pollitem_t item{m_socket->socket.handle(), 0, ZMQ_POLLIN, 0};
    try {
        zmq::poll(&item, 1, std::chrono::milliseconds(timeoutMs));
    } catch (const zmq::error_t &e) {
        if (e.num() != EINTR)
            return fail(ErrorCode::Network, QString::fromUtf8(e.what()));
    }
    while (auto in = transport::receive(m_socket->socket, 0)) {
        auto decoded = protocol::decode(in->header, in->body);
        if (!decoded) {
            ++m_malformed;
            continue;
        }
        switch (decoded->type) {
        case MessageType::Ok:
            m_subscribeError.clear();
            break;
        case MessageType::Error:
            m_subscribeError = decoded->body.value(QStringLiteral("code")).toString() + QStringLiteral(": ")
                               + decoded->body.value(QStringLiteral("message")).toString();
            break;
        case MessageType::Heartbeat: {
            const Heartbeat heartbeat = heartbeatFromCbor(decoded->body, m_clock.monotonicMs());
            m_lastHeartbeatMs = heartbeat.receivedMs;
            heartbeats.append(heartbeat);
            break;
        }
        default:
            ++m_malformed;
        }
    }
    return heartbeats;
}

} // namespace foresight::monitor
