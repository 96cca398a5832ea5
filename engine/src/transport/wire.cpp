#include "transport/wire.h"

#include "foresight/core/logging.h"

namespace foresight::transport {

namespace {

// One ZMTP metadata property (RFC 23): name length (1 byte), name, value length (4 bytes,
// big-endian), value. libzmq attaches ZAP metadata to every message of the connection.
std::string zapMetadata(const char *name, const std::string &value)
{
    std::string out;
    const std::string key(name);
    out.push_back(char(key.size()));
    out += key;
    const auto length = std::uint32_t(value.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(char((length >> shift) & 0xff));
    out += value;
    return out;
}

} // namespace

std::optional<Incoming> receive(zmq::socket_t &socket, int routingFrames)
{
    Incoming in;
    zmq::message_t frame;
    bool more = true;
    bool first = true;
    while (more) {
        zmq::recv_result_t got;
        try {
            got = socket.recv(frame, first ? zmq::recv_flags::dontwait : zmq::recv_flags::none);
        } catch (const zmq::error_t &e) {
            qCWarning(lcNet) << "receive failed:" << e.what();
            return std::nullopt;
        }
        if (!got)
            return std::nullopt;
        // ROUTER makes the routing-id frame itself, without the connection's metadata: read the
        // ZAP user id from a frame the peer sent.
        if (in.frameCount == routingFrames) {
            if (const char *user = zmq_msg_gets(frame.handle(), "User-Id"))
                in.userId = QString::fromUtf8(user);
            if (const char *name = zmq_msg_gets(frame.handle(), kZapNameProperty))
                in.peerName = QString::fromUtf8(name);
        }
        first = false;
        const QByteArray bytes(static_cast<const char *>(frame.data()), qsizetype(frame.size()));
        in.bytes += bytes.size();
        if (in.frameCount < routingFrames)
            in.routing.append(bytes);
        else if (in.frameCount == routingFrames)
            in.header = bytes;
        else if (in.frameCount == routingFrames + 1)
            in.body = bytes;
        ++in.frameCount;
        more = frame.more();
    }
    in.frameCount -= routingFrames;
    return in;
}

bool send(zmq::socket_t &socket, const QList<QByteArray> &routing, const protocol::Message &message)
{
    return send(socket, routing, message.type, protocol::encodeBody(message.body));
}

bool send(zmq::socket_t &socket, const QList<QByteArray> &routing, protocol::MessageType type, const QByteArray &body)
{
    try {
        for (const QByteArray &frame : routing) {
            if (!socket.send(zmq::const_buffer(frame.constData(), std::size_t(frame.size())),
                             zmq::send_flags::sndmore | zmq::send_flags::dontwait))
                return false;
        }
        char header[protocol::kHeaderSize];
        protocol::writeHeader(header, type);
        if (!socket.send(zmq::const_buffer(header, sizeof header), zmq::send_flags::sndmore | zmq::send_flags::dontwait))
            return false;
        return bool(
            socket.send(zmq::const_buffer(body.constData(), std::size_t(body.size())), zmq::send_flags::dontwait));
    } catch (const zmq::error_t &e) {
        // EHOSTUNREACH from ROUTER_MANDATORY: the peer went away. Not an error of ours.
        if (e.num() != EHOSTUNREACH)
            qCWarning(lcNet) << "send failed:" << e.what();
        return false;
    }
}

void configureCommon(zmq::socket_t &socket, qsizetype maxMessageBytes)
{
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::maxmsgsize, int64_t(maxMessageBytes));
    socket.set(zmq::sockopt::sndhwm, 100'000);
    socket.set(zmq::sockopt::rcvhwm, 100'000);
}

Status configureCurveServer(zmq::socket_t &socket, const KeyPair &keys)
{
    try {
        socket.set(zmq::sockopt::zap_domain, kZapDomain);
        const int enforce = 1;
        zmq_setsockopt(socket.handle(), kZapEnforceDomain, &enforce, sizeof enforce);
        socket.set(zmq::sockopt::curve_server, 1);
        socket.set(zmq::sockopt::curve_secretkey, keys.secretKey.toStdString());
    } catch (const zmq::error_t &e) {
        return fail(ErrorCode::Network, QStringLiteral("cannot enable CURVE: %1").arg(QString::fromUtf8(e.what())));
    }
    return {};
}

Status configureCurveClient(zmq::socket_t &socket, const KeyPair &own, const QByteArray &serverPublicKey)
{
    if (!isZ85Key(serverPublicKey))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the server's public key is missing or not a Z85 key"));
    if (!isZ85Key(own.publicKey) || !isZ85Key(own.secretKey))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("this side's CURVE key pair is missing or invalid"));
    try {
        socket.set(zmq::sockopt::curve_serverkey, serverPublicKey.toStdString());
        socket.set(zmq::sockopt::curve_publickey, own.publicKey.toStdString());
        socket.set(zmq::sockopt::curve_secretkey, own.secretKey.toStdString());
    } catch (const zmq::error_t &e) {
        return fail(ErrorCode::Network, QStringLiteral("cannot enable CURVE: %1").arg(QString::fromUtf8(e.what())));
    }
    return {};
}

zmq::context_t &sharedClientContext()
{
    static zmq::context_t *context = new zmq::context_t(1);
    return *context;
}

bool isTcp(const QString &url)
{
    return url.startsWith(QLatin1String("tcp://"));
}

ZapHandler::ZapHandler(zmq::context_t &context, const Allowlist &allowlist)
    : m_socket(context, zmq::socket_type::rep)
    , m_allowlist(allowlist)
{
    m_socket.set(zmq::sockopt::linger, 0);
    m_socket.bind("inproc://zeromq.zap.01");
}

void ZapHandler::handlePending()
{
    // Request frames (RFC 27): version, request id, domain, address, identity, mechanism,
    // credentials... Reply: version, request id, status code, status text, user id, metadata.
    while (true) {
        std::vector<zmq::message_t> frames;
        zmq::message_t frame;
        if (!m_socket.recv(frame, zmq::recv_flags::dontwait))
            return;
        frames.push_back(std::move(frame));
        while (frames.back().more()) {
            zmq::message_t next;
            (void) m_socket.recv(next);
            frames.push_back(std::move(next));
        }
        const auto text = [&](std::size_t i) { return i < frames.size() ? frames[i].to_string() : std::string(); };
        std::string status = "400";
        std::string statusText = "key not allowed";
        std::string userId;
        std::string metadata;
        if (frames.size() >= 7 && text(2) == kZapDomain && text(5) == "CURVE" && frames[6].size() == 32) {
            char z85[41];
            zmq_z85_encode(z85, static_cast<const uint8_t *>(frames[6].data()), 32);
            if (const auto entry = m_allowlist.find(QByteArray(z85, 40))) {
                status = "200";
                statusText = "OK";
                userId = entry->role.toStdString();
                metadata = zapMetadata(kZapNameProperty,
                                       entry->name.isEmpty() ? "key:" + std::string(z85, 40)
                                                             : entry->name.toStdString());
            } else {
                ++m_refused;
                qCWarning(lcNet) << "refused CURVE key" << z85 << "from" << text(3).c_str() << "(not in the allowlist)";
            }
        } else {
            ++m_refused;
        }
        m_socket.send(zmq::buffer(text(0)), zmq::send_flags::sndmore);
        m_socket.send(zmq::buffer(text(1)), zmq::send_flags::sndmore);
        m_socket.send(zmq::buffer(status), zmq::send_flags::sndmore);
        m_socket.send(zmq::buffer(statusText), zmq::send_flags::sndmore);
        m_socket.send(zmq::buffer(userId), zmq::send_flags::sndmore);
        m_socket.send(zmq::buffer(metadata), zmq::send_flags::none);
    }
}

} // namespace foresight::transport
