#include "transport/requestchannel.h"

#include <atomic>
#include <cstring>

#include "foresight/core/clock.h"
#include "transport/wire.h"

namespace foresight::transport {

using protocol::Message;

namespace {

// What the socket monitor reports (libzmq 4.3.4, checked on ipc:// and tcp://, CURVE or not):
// - CONNECTED when a connect succeeds, which it does even for a stopped (SIGSTOP) agent: the
//   kernel accepts into the listen backlog. HANDSHAKE_SUCCEEDED once the agent has answered.
// - A connection that drops (the agent was killed): DISCONNECTED, after
//   HANDSHAKE_FAILED_NO_DETAIL if it dropped during the handshake. Then the socket reconnects
//   (CONNECT_RETRIED), unless reconnection is off or ZMQ_RECONNECT_STOP stops it (CURVE).
// - A refused connect attempt (ipc:// socket file missing or left behind by a dead agent, tcp://
//   port closed): CLOSED and CONNECT_RETRIED, and never CONNECTED or DISCONNECTED.
// - A refused CURVE key: HANDSHAKE_FAILED_AUTH, then DISCONNECTED.
constexpr int kMonitoredEvents = ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
                                 | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                                 | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

} // namespace

RequestChannel::RequestChannel(zmq::context_t &context, const ChannelOptions &options)
    : m_options(options)
    , m_socket(context, zmq::socket_type::dealer)
    , m_monitor(context, zmq::socket_type::pair)
{}

RequestChannel::~RequestChannel()
{
    // libzmq sends monitor events blocking, from the context's I/O thread: one sent after the
    // reading end is closed would block that thread, and every socket of the context, for good.
    // So the monitor stops before either socket closes.
    if (m_socket.handle())
        zmq_socket_monitor(m_socket.handle(), nullptr, 0);
}

Result<std::unique_ptr<RequestChannel>> RequestChannel::open(zmq::context_t &context, const ChannelOptions &options)
{
    if (!options.url.startsWith(QLatin1String("tcp://")) && !options.url.startsWith(QLatin1String("ipc://"))
        && !options.url.startsWith(QLatin1String("inproc://"))) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is not a tcp://, ipc:// or inproc:// endpoint").arg(options.url));
    }
    std::unique_ptr<RequestChannel> channel(new RequestChannel(context, options));
    try {
        configureCommon(channel->m_socket, options.maxMessageBytes);
        if (channel->isCurve()) {
            if (auto ok = configureCurveClient(channel->m_socket, options.keys, options.serverPublicKey); !ok)
                return std::unexpected(ok.error());
            // Stop retrying a handshake the server refused; the monitor reports why.
            const int stop = kReconnectStopHandshakeFailed;
            zmq_setsockopt(channel->m_socket.handle(), kReconnectStop, &stop, sizeof stop);
        }
        int events = kMonitoredEvents;
        if (options.failFast) {
            // One connection: a failed attempt reports CLOSED once, instead of once per retry.
            channel->m_socket.set(zmq::sockopt::reconnect_ivl, -1);
            events |= ZMQ_EVENT_CLOSED;
        }
        // Monitored before it connects, so that no event of the first connection is missed.
        static std::atomic<int> counter{0};
        const std::string monitorUrl = "inproc://foresight-monitor-" + std::to_string(++counter);
        if (zmq_socket_monitor(channel->m_socket.handle(), monitorUrl.c_str(), events) != 0)
            return fail(ErrorCode::Network, QStringLiteral("cannot monitor the connection to %1").arg(options.url));
        // No high-water mark: a full monitor pipe would block the I/O thread (see the destructor).
        // Events are read at every call; between calls only connection changes add any.
        channel->m_monitor.set(zmq::sockopt::rcvhwm, 0);
        channel->m_monitor.connect(monitorUrl);
        channel->m_socket.connect(options.url.toStdString());
    } catch (const zmq::error_t &e) {
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to %1: %2").arg(options.url, QString::fromUtf8(e.what())));
    }
    return channel;
}

bool RequestChannel::isCurve() const
{
    return isTcp(m_options.url) && !m_options.insecure;
}

void RequestChannel::readEvents()
{
    zmq::message_t event;
    while (true) {
        try {
            if (!m_monitor.recv(event, zmq::recv_flags::dontwait))
                break;
        } catch (const zmq::error_t &) {
            break;
        }
        if (event.more()) {
            zmq::message_t address;
            (void) m_monitor.recv(address, zmq::recv_flags::dontwait);
        }
        if (event.size() < 2)
            continue;
        std::uint16_t id = 0;
        std::memcpy(&id, event.data(), 2);
        switch (id) {
        case ZMQ_EVENT_CONNECTED:
            m_connected = true;
            m_handshakeDone = false;
            m_sentOnConnection = true; // a queued request goes out on this connection
            break;
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
            m_handshakeDone = true;
            m_handshakeDropped = false;
            break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
            m_authFailed = true;
            break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
            m_handshakeDropped = true;
            break;
        case ZMQ_EVENT_DISCONNECTED: {
            const Loss loss = m_handshakeDone ? Loss::Connection : Loss::Handshake;
            // Only a connection that was up when the request went out, or came up since, can
            // have taken it. A disconnect read before sending belongs to an earlier request.
            if (m_sentOnConnection && m_loss == Loss::None)
                m_loss = loss;
            if (m_options.failFast && m_gone == Loss::None)
                m_gone = loss;
            m_connected = false;
            m_handshakeDone = false;
            break;
        }
        case ZMQ_EVENT_CLOSED: // failFast only: the connect attempt failed
            if (!m_connected) {
                if (m_loss == Loss::None)
                    m_loss = Loss::Refused;
                if (m_gone == Loss::None)
                    m_gone = Loss::Refused;
            }
            break;
        default:
            break;
        }
    }
}

std::unexpected<Error> RequestChannel::keyRefused() const
{
    return fail(ErrorCode::Unauthorized,
                QStringLiteral("the agent at %1 refused this side's key (is it in the agent's allowlist, "
                               "and is the agent's public key right?)")
                    .arg(m_options.url));
}

std::unexpected<Error> RequestChannel::handshakeDropped() const
{
    // Still a time-out (the SDK fails over on it), but said as soon as it is certain: the socket
    // does not retry a dropped CURVE handshake (ZMQ_RECONNECT_STOP), so no answer can come.
    return fail(ErrorCode::Timeout,
                QStringLiteral("the agent at %1 dropped the CURVE handshake (is the agent's public key right? "
                               "or did the agent die?)")
                    .arg(m_options.url));
}

std::unexpected<Error> RequestChannel::lost(Loss loss, bool waiting) const
{
    if (loss == Loss::Refused)
        return connectionRefused(m_options.url);
    return connectionLost(m_options.url, waiting);
}

Status RequestChannel::usable()
{
    // Everything that happened before this request, such as an earlier connection dropping,
    // is read now so that it cannot be taken for the loss of this one.
    readEvents();
    // A refused handshake is final (ZMQ_RECONNECT_STOP drops the connection for good): every
    // later call must say so, not fail to send into a socket that has no peer any more.
    if (m_authFailed)
        return keyRefused();
    if (isCurve() && m_handshakeDropped && !m_connected)
        return handshakeDropped();
    if (m_gone != Loss::None)
        return lost(m_gone, false); // failFast: this socket will not connect again
    return {};
}

template<typename Reply, typename Match>
Result<Reply> RequestChannel::exchange(protocol::MessageType type, const QByteArray &body, int timeoutMs, Match match)
{
    if (!send(m_socket, {}, type, body)) {
        readEvents();
        if (m_authFailed)
            return keyRefused();
        if (m_gone != Loss::None)
            return lost(m_gone, false);
        return fail(ErrorCode::Network, QStringLiteral("cannot send to %1 (queue full)").arg(m_options.url));
    }
    m_sentOnConnection = m_connected;
    m_loss = Loss::None;

    const std::int64_t deadline = SystemClock::instance().monotonicMs() + timeoutMs;
    while (true) {
        const std::int64_t left = deadline - SystemClock::instance().monotonicMs();
        if (left <= 0)
            break;
        zmq::pollitem_t items[] = {{m_socket.handle(), 0, ZMQ_POLLIN, 0}, {m_monitor.handle(), 0, ZMQ_POLLIN, 0}};
        try {
            zmq::poll(items, std::size(items), std::chrono::milliseconds(qMin<std::int64_t>(left, 100)));
        } catch (const zmq::error_t &e) {
            if (e.num() == EINTR)
                continue;
            return fail(ErrorCode::Network, QString::fromUtf8(e.what()));
        }
        readEvents();
        if (m_authFailed)
            return keyRefused();
        // Replies first: an answer that arrived before the connection dropped still counts.
        while (auto in = receive(m_socket, 0)) {
            if (auto answer = match(in->header, in->body))
                return *answer;
        }
        if (m_loss == Loss::Handshake && isCurve())
            return handshakeDropped();
        if (m_loss != Loss::None)
            return lost(m_loss, true);
    }
    // Still a time-out (the SDK fails over on it), but say what the handshake suggests.
    if (isCurve() && m_handshakeDropped)
        return handshakeDropped();
    return fail(ErrorCode::Timeout, QStringLiteral("no answer from %1 within %2 ms").arg(m_options.url).arg(timeoutMs));
}

Result<Message> RequestChannel::call(protocol::MessageType type, QCborMap body, int timeoutMs)
{
    if (auto ok = usable(); !ok)
        return std::unexpected(ok.error());
    const qint64 id = m_nextId++;
    body.insert(QStringLiteral("id"), id);
    return exchange<Message>(type,
                             protocol::encodeBody(body),
                             timeoutMs,
                             [&](const QByteArray &header, const QByteArray &reply) {
                                 return matchReply(header, reply, id, false, &m_lastErrorBody);
                             });
}

Result<protocol::WriteAck> RequestChannel::callWrite(protocol::MessageType type,
                                                     const protocol::MapEntries &entries,
                                                     int timeoutMs)
{
    if (auto ok = usable(); !ok)
        return std::unexpected(ok.error());
    const qint64 id = m_nextId++;
    m_body.resize(0);
    appendRequestBody(m_body, entries, id);
    return exchange<protocol::WriteAck>(type, m_body, timeoutMs, [&](const QByteArray &header, const QByteArray &reply) {
        return matchWriteAck(header, reply, id, false, &m_lastErrorBody);
    });
}

} // namespace foresight::transport
