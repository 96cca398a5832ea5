#include "transport/requestchannel.h"

#include <atomic>

#include "foresight/core/clock.h"
#include "transport/wire.h"

namespace foresight::transport {

using protocol::Message;

RequestChannel::RequestChannel(zmq::context_t &context, const ChannelOptions &options)
    : m_options(options)
    , m_socket(context, zmq::socket_type::dealer)
    , m_monitor(context, zmq::socket_type::pair)
{}

RequestChannel::~RequestChannel() = default;

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
        if (isTcp(options.url) && !options.insecure) {
            if (auto ok = configureCurveClient(channel->m_socket, options.keys, options.serverPublicKey); !ok)
                return std::unexpected(ok.error());
            // Stop retrying a handshake the server refused; the monitor reports why.
            const int stop = kReconnectStopHandshakeFailed;
            zmq_setsockopt(channel->m_socket.handle(), kReconnectStop, &stop, sizeof stop);
            static std::atomic<int> counter{0};
            const std::string monitorUrl = "inproc://foresight-monitor-" + std::to_string(++counter);
            if (zmq_socket_monitor(channel->m_socket.handle(),
                                   monitorUrl.c_str(),
                                   ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                                       | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
                != 0)
                return fail(ErrorCode::Network, QStringLiteral("cannot monitor the connection to %1").arg(options.url));
            channel->m_monitor.connect(monitorUrl);
        }
        channel->m_socket.connect(options.url.toStdString());
    } catch (const zmq::error_t &e) {
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to %1: %2").arg(options.url, QString::fromUtf8(e.what())));
    }
    return channel;
}

bool RequestChannel::authFailed()
{
    if (m_authFailed || !m_monitor.handle())
        return m_authFailed;
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
        if (event.size() >= 2) {
            std::uint16_t id = 0;
            std::memcpy(&id, event.data(), 2);
            if (id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH || id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
                m_authFailed = true;
            else if (id == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
                m_handshakeDropped = true;
            else if (id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
                m_handshakeDropped = false;
        }
    }
    return m_authFailed;
}

std::unexpected<Error> RequestChannel::keyRefused() const
{
    return fail(ErrorCode::Unauthorized,
                QStringLiteral("the agent at %1 refused this side's key (is it in the agent's allowlist, "
                               "and is the agent's public key right?)")
                    .arg(m_options.url));
}

Result<Message> RequestChannel::call(protocol::MessageType type, QCborMap body, int timeoutMs)
{
    // A refused handshake is final (ZMQ_RECONNECT_STOP drops the connection for good): every
    // later call must say so, not fail to send into a socket that has no peer any more.
    if (authFailed())
        return keyRefused();
    const qint64 id = m_nextId++;
    body.insert(QStringLiteral("id"), id);
    if (!send(m_socket, {}, Message{type, body})) {
        if (authFailed())
            return keyRefused();
        return fail(ErrorCode::Network, QStringLiteral("cannot send to %1 (queue full)").arg(m_options.url));
    }

    const std::int64_t deadline = SystemClock::instance().monotonicMs() + timeoutMs;
    while (true) {
        const std::int64_t left = deadline - SystemClock::instance().monotonicMs();
        if (left <= 0)
            break;
        zmq::pollitem_t items[] = {{m_socket.handle(), 0, ZMQ_POLLIN, 0}, {m_monitor.handle(), 0, ZMQ_POLLIN, 0}};
        const int count = m_monitor.handle() ? 2 : 1;
        try {
            zmq::poll(items, std::size_t(count), std::chrono::milliseconds(qMin<std::int64_t>(left, 100)));
        } catch (const zmq::error_t &e) {
            if (e.num() == EINTR)
                continue;
            return fail(ErrorCode::Network, QString::fromUtf8(e.what()));
        }
        if (authFailed())
            return keyRefused();
        while (auto in = receive(m_socket, 0)) {
            auto decoded = protocol::decode(in->header, in->body);
            if (!decoded) {
                if (decoded.error().code == ErrorCode::VersionMismatch)
                    return std::unexpected(decoded.error());
                continue;
            }
            if (decoded->body.value(QStringLiteral("id")).toInteger(-1) != id)
                continue; // a late reply to an earlier request
            if (decoded->type == protocol::MessageType::Error) {
                m_lastErrorBody = decoded->body;
                return fail(errorCodeFromName(decoded->body.value(QStringLiteral("code")).toString()),
                            decoded->body.value(QStringLiteral("message")).toString());
            }
            return *decoded;
        }
    }
    // Still a time-out (the SDK fails over on it), but say what the handshake suggests.
    if (m_handshakeDropped) {
        return fail(ErrorCode::Timeout,
                    QStringLiteral("no answer from %1 within %2 ms: the agent dropped the CURVE handshake "
                                   "(is the agent's public key right?)")
                        .arg(m_options.url)
                        .arg(timeoutMs));
    }
    return fail(ErrorCode::Timeout, QStringLiteral("no answer from %1 within %2 ms").arg(m_options.url).arg(timeoutMs));
}

} // namespace foresight::transport
