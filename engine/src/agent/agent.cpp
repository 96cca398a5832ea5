#include "foresight/agent/agent.h"

#include <QCborArray>
#include <QDir>
#include <QFileInfo>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"
#include "protocol/writerequest.h"

namespace foresight::agent {

using protocol::Message;
using protocol::MessageType;

Agent::Impl::Impl(const AgentOptions &options, Clock &clock)
    : m_options(options)
    , m_clock(clock)
    , m_context(1)
    , m_api(m_context, zmq::socket_type::router)
    , m_sdk(m_context, zmq::socket_type::router)
{
    m_startedMs = clock.monotonicMs();
    if (options.predictionRate > 0)
        m_predictions = std::make_unique<PredictionWorker>(options.predictionRate);
}

Status Agent::Impl::bindSockets()
{
    // The ZAP handler must exist before the first CURVE socket binds (design.md).
    if (!m_options.insecure)
        m_zap = std::make_unique<transport::ZapHandler>(m_context, m_options.allowlist);
    else
        qCWarning(lcNet) << "agent" << m_options.name << "runs with --insecure: no encryption, no authentication";
    if (m_options.allowFaultInjection)
        qCWarning(lcAgent) << "agent" << m_options.name << "accepts fault injection (--allow-fault-injection)";

    const auto bindOne = [&](zmq::socket_t &socket, const QString &url, QString *resolved) -> Status {
        // A generous libzmq limit: messages between the configured limit and this one are
        // received and refused with an error; beyond it libzmq drops the connection.
        transport::configureCommon(socket, m_options.maxMessageBytes * 2);
        socket.set(zmq::sockopt::router_mandatory, 1);
        // A restarted replica reuses its routing id; the new connection takes it over.
        socket.set(zmq::sockopt::router_handover, 1);
        if (transport::isTcp(url) && !m_options.insecure) {
            if (auto ok = transport::configureCurveServer(socket, m_options.keys); !ok)
                return ok;
        }
        if (url.startsWith(QLatin1String("ipc://"))) {
            const QString path = url.mid(6);
            QDir().mkpath(QFileInfo(path).absolutePath());
            QFile::remove(path); // a stale socket file from a crashed agent would block the bind
        }
        try {
            socket.bind(url.toStdString());
            *resolved = QString::fromStdString(socket.get(zmq::sockopt::last_endpoint));
        } catch (const zmq::error_t &e) {
            return fail(ErrorCode::Network,
                        QStringLiteral("cannot listen on %1: %2").arg(url, QString::fromUtf8(e.what())));
        }
        return {};
    };
    if (auto ok = bindOne(m_api, m_options.listenUrl, &m_apiEndpoint); !ok)
        return ok;
    if (transport::isUnixStream(m_options.sdkUrl)) {
        auto server = transport::StreamServer::listen(m_options.sdkUrl, m_options.maxMessageBytes);
        if (!server)
            return std::unexpected(server.error());
        m_sdkStream = std::move(*server);
        m_sdkEndpoint = m_sdkStream->url();
    } else if (auto ok = bindOne(m_sdk, m_options.sdkUrl, &m_sdkEndpoint); !ok) {
        return ok;
    }
    for (const AppAssignment &assignment : m_options.apps) {
        if (auto ok = applyAssignment(assignment); !ok)
            return ok;
    }
    return {};
}

Status Agent::Impl::run()
{
    std::vector<zmq::pollitem_t> items;
    std::vector<AppInstance *> upstreamApps;
    // Processes start on this thread, the one that ticks them: they die with it (PR_SET_PDEATHSIG).
    for (const auto &[name, app] : m_apps)
        superviseInstance(*app);
    while (!m_stop.load()) {
        m_released.clear();
        items.clear();
        upstreamApps.clear();
        items.push_back({m_api.handle(), 0, ZMQ_POLLIN, 0});
        // With a unix:// SDK endpoint this slot stays, unused, so the items after it keep their places.
        items.push_back({m_sdkStream ? nullptr : m_sdk.handle(), -1, short(m_sdkStream ? 0 : ZMQ_POLLIN), 0});
        if (m_zap)
            items.push_back({m_zap->socket().handle(), 0, ZMQ_POLLIN, 0});
        const std::size_t snapshotItem = items.size();
        const bool watchSnapshots = bool(m_snapshots); // it may be created during this round
        if (watchSnapshots)
            items.push_back({nullptr, m_snapshots->notifyFd(), ZMQ_POLLIN, 0});
        for (auto &[name, app] : m_apps) {
            if (app->upstream && app->upstream->socket) {
                items.push_back({app->upstream->socket->handle(), 0, ZMQ_POLLIN, 0});
                upstreamApps.push_back(app.get());
            }
        }
        const std::size_t firstPeer = items.size();
        if (m_prober)
            m_prober->appendPollItems(items);
        const std::size_t peerItems = items.size() - firstPeer;
        const std::size_t streamItem = items.size();
        if (m_sdkStream)
            items.push_back({nullptr, m_sdkStream->pollDescriptor(), ZMQ_POLLIN, 0});
        // Short enough for timers (acks, keep-alives, deadlines) and for noticing requestStop().
        int timeoutMs = qMax(1, qMin(20, m_options.replicaAckIntervalMs / 2));
        if (const std::int64_t heartbeatIn = nextHeartbeatInMs(); heartbeatIn >= 0)
            timeoutMs = int(qBound<std::int64_t>(std::int64_t(0), heartbeatIn, std::int64_t(timeoutMs)));
        if (const std::int64_t pingIn = m_prober ? m_prober->nextDueInMs() : -1; pingIn >= 0)
            timeoutMs = int(qBound<std::int64_t>(std::int64_t(0), pingIn, std::int64_t(timeoutMs)));
        try {
            // timeoutMs is on the agent's clock; the wait is real (faster with a scaled clock).
            zmq::poll(items.data(), items.size(), std::chrono::milliseconds(m_clock.realWaitMs(timeoutMs)));
        } catch (const zmq::error_t &e) {
            if (e.num() == EINTR)
                continue;
            return fail(ErrorCode::Network, QStringLiteral("poll failed: %1").arg(QString::fromUtf8(e.what())));
        }
        using Turn = TurnTimer::Clock;
        m_turns.start(Turn::now());
        if (m_zap && (items[2].revents & ZMQ_POLLIN))
            m_zap->handlePending();
        if (items[0].revents & ZMQ_POLLIN)
            drain(m_api, SocketKind::Api);
        m_turns.phase("api", Turn::now());
        if (items[1].revents & ZMQ_POLLIN)
            drain(m_sdk, SocketKind::Sdk);
        m_turns.phase("sdk", Turn::now());
        if (watchSnapshots && (items[snapshotItem].revents & ZMQ_POLLIN))
            collectStoredSnapshots();
        const std::size_t firstUpstream = snapshotItem + (watchSnapshots ? 1 : 0);
        for (std::size_t i = 0; i < upstreamApps.size(); ++i) {
            if (items[firstUpstream + i].revents & ZMQ_POLLIN)
                drainUpstream(*upstreamApps[i]);
        }
        m_turns.phase("upstream", Turn::now());
        if (m_prober) {
            m_prober->readable(items.data() + firstPeer, peerItems);
            m_prober->tick();
        }
        if (m_sdkStream && (items[streamItem].revents & ZMQ_POLLIN))
            m_sdkStream->handleReady([this](transport::StreamIncoming &in) { handleStream(in); });
        m_turns.phase("prober and unix sdk", Turn::now());
        flushAndExpire();
        m_turns.phase("replication", Turn::now());
        if (!m_parkedStatuses.empty())
            answerParkedStatuses();
        sendHeartbeats();
        for (auto &[name, app] : m_apps) {
            if (app->role == Role::Replica)
                replicaTimers(*app);
        }
        m_turns.phase("heartbeats and replica timers", Turn::now());
        partitionTimers();
        m_turns.phase("partitions", Turn::now());
        tickInstances();
        if (!m_validations.empty())
            tickValidations();
        // Answers to unix:// clients go out together, one write per client per round, after
        // the round's change events, which follow every reply to a read made before them.
        if (m_sdkStream) {
            flushMirrorFeeds();
            m_sdkStream->flush();
            m_sdkStream->retryAcceptIfDue();
        }
        m_turns.phase("instances", Turn::now());
        if (const std::optional<QString> slow = m_turns.finish())
            qCWarning(lcAgent, "%s", qPrintable(*slow));
    }
    m_validations.clear(); // kills what still runs
    stopAllInstances();
    return {};
}

void Agent::Impl::drain(zmq::socket_t &socket, SocketKind kind)
{
    // ZMQ_FD is edge-triggered: read everything that is waiting, or messages stall.
    for (int i = 0; i < 10'000; ++i) {
        auto in = transport::receive(socket, 1);
        if (!in)
            return;
        handle(kind, *in);
    }
}

namespace {

// A unix:// connection's id stands where a ROUTER's routing id would, so replies find their way
// through the same ReplyRoute.
QByteArray connectionRouting(std::uint64_t connection)
{
    QByteArray routing(8, Qt::Uninitialized);
    for (int i = 0; i < 8; ++i)
        routing[i] = char((connection >> (56 - 8 * i)) & 0xff);
    return routing;
}

std::uint64_t connectionFromRouting(const QByteArray &routing)
{
    std::uint64_t connection = 0;
    for (const char byte : routing)
        connection = (connection << 8) | std::uint8_t(byte);
    return connection;
}

} // namespace

void Agent::Impl::handleStream(transport::StreamIncoming &in)
{
    using Kind = transport::StreamIncoming::Kind;
    if (in.kind == Kind::Message) {
        transport::Incoming message;
        message.routing = {connectionRouting(in.connection)};
        message.bytes = in.header.size() + in.body.size();
        message.header = std::move(in.header);
        message.body = std::move(in.body);
        message.frameCount = 2;
        handle(SocketKind::Sdk, message);
        return;
    }
    // The agent never read these frames' bodies, so the answer carries no request id.
    const ReplyRoute route{SocketKind::Sdk, {connectionRouting(in.connection)}, -1};
    if (in.kind == Kind::Oversized) {
        ++m_rejects.oversized;
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("message of %1 bytes exceeds the agent's limit of %2 bytes")
                       .arg(in.announcedLength)
                       .arg(m_options.maxMessageBytes));
        return;
    }
    ++m_rejects.malformed;
    replyError(route,
               ErrorCode::ProtocolError,
               QStringLiteral("a frame length of %1 bytes is shorter than the %2-byte header; the stream cannot be "
                              "read on, so the agent closes this connection")
                   .arg(in.announcedLength)
                   .arg(protocol::kHeaderSize));
}

void Agent::Impl::handle(SocketKind kind, transport::Incoming &in)
{
    ReplyRoute route{kind, in.routing, -1};
    if (in.frameCount != 2) {
        ++m_rejects.malformed;
        replyError(route,
                   ErrorCode::ProtocolError,
                   QStringLiteral("expected 2 frames (header, body) after the routing id, got %1").arg(in.frameCount));
        return;
    }
    if (in.bytes > m_options.maxMessageBytes) {
        ++m_rejects.oversized;
        const QCborValue body = QCborValue::fromCbor(in.body);
        if (body.isMap() && body.toMap().value(QStringLiteral("id")).isInteger())
            route.requestId = body.toMap().value(QStringLiteral("id")).toInteger();
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("message of %1 bytes exceeds the agent's limit of %2 bytes")
                       .arg(in.bytes)
                       .arg(m_options.maxMessageBytes));
        return;
    }
    const QString role = m_options.insecure    ? QStringLiteral("admin")
                         : in.userId.isEmpty() ? QStringLiteral("local")
                                               : in.userId;
    // Writes are most of the traffic: the common, well-formed case skips the generic decode.
    // Anything else, including every error, takes the generic path below.
    if (auto write = protocol::decodeWriteFast(in.header, in.body); write && allowed(role, kind, write->type)) {
        route.requestId = qint64(write->id);
        handleWrite(route, *write);
        return;
    }
    auto decoded = protocol::decode(in.header, in.body);
    if (!decoded) {
        if (decoded.error().code == ErrorCode::VersionMismatch)
            ++m_rejects.versionMismatch;
        else
            ++m_rejects.malformed;
        // The request id, if the body is readable at all, helps the client match the error.
        const QCborValue body = QCborValue::fromCbor(in.body);
        if (body.isMap() && body.toMap().value(QStringLiteral("id")).isInteger())
            route.requestId = body.toMap().value(QStringLiteral("id")).toInteger();
        replyError(route, decoded.error().code, decoded.error().message);
        return;
    }
    const Message &message = *decoded;
    const QCborValue id = message.body.value(QStringLiteral("id"));
    route.requestId = id.isInteger() ? id.toInteger() : -1;

    if (!allowed(role, kind, message.type)) {
        ++m_rejects.unauthorized;
        replyError(route,
                   ErrorCode::Unauthorized,
                   QStringLiteral("a peer with role '%1' may not send %2")
                       .arg(role, protocol::messageTypeName(message.type)));
        return;
    }

    switch (message.type) {
    case MessageType::Hello: {
        QCborMap body;
        body.insert(QStringLiteral("id"), route.requestId);
        body.insert(QStringLiteral("version"), protocol::kProtocolVersion);
        body.insert(QStringLiteral("agent"), m_options.name);
        body.insert(QStringLiteral("role"), role);
        reply(route, Message{MessageType::HelloReply, body});
        return;
    }
    case MessageType::Put:
    case MessageType::Delete:
        handleWrite(route, protocol::writeRequestFrom(message));
        return;
    case MessageType::Get:
        handleGet(route, message);
        return;
    case MessageType::MirrorReport:
        handleMirrorReport(route,
                           route.socket == SocketKind::Sdk && m_sdkStream && !route.routing.isEmpty()
                               ? connectionFromRouting(route.routing.constFirst())
                               : qHash(route.routing.value(0)),
                           message);
        return;
    case MessageType::MirrorSubscribe:
        handleMirrorSubscribe(route,
                              route.socket == SocketKind::Sdk && m_sdkStream && !route.routing.isEmpty()
                                  ? connectionFromRouting(route.routing.constFirst())
                                  : 0,
                              message);
        return;
    case MessageType::ReplicaHello:
        handleReplicaHello(in.routing.value(0), message);
        return;
    case MessageType::ReplicaAck:
        handleReplicaAck(in.routing.value(0), message);
        return;
    case MessageType::Error:
        handleReplicaError(in.routing.value(0), message);
        return;
    case MessageType::GapDeltas:
        handleGapDeltas(message);
        return;
    case MessageType::Status:
        handleStatus(route, message);
        return;
    case MessageType::Assign:
        handleAssign(route, message);
        return;
    case MessageType::Promote:
        handlePromote(route, message);
        return;
    case MessageType::TakeSnapshot:
        handleTakeSnapshot(route, message);
        return;
    case MessageType::Lease:
        handleLease(route, message);
        return;
    case MessageType::Fault:
        handleFault(route, message);
        return;
    case MessageType::Ping: {
        // Answered at once, from the agent's loop: the round trip includes this agent's own
        // responsiveness, as replication's does. `bytes` lets the sender compute bandwidth.
        QCborMap body;
        body.insert(QStringLiteral("id"), route.requestId);
        body.insert(QStringLiteral("agent"), m_options.name);
        body.insert(QStringLiteral("bytes"), qint64(in.bytes));
        reply(route, Message{MessageType::Pong, body});
        return;
    }
    case MessageType::Peers:
        handlePeers(route, message);
        return;
    case MessageType::Release:
        handleRelease(route, message);
        return;
    case MessageType::HostInventory:
        handleHostInventory(route, message);
        return;
    case MessageType::Validate:
        handleValidate(route, message);
        return;
    case MessageType::Subscribe:
        if (route.socket != SocketKind::Api) {
            replyError(route,
                       ErrorCode::Unauthorized,
                       QStringLiteral("subscribe is accepted on the listen endpoint only"));
            return;
        }
        handleSubscribe(route, message);
        return;
    default:
        ++m_rejects.malformed;
        replyError(route,
                   ErrorCode::ProtocolError,
                   QStringLiteral("%1 is not a request an agent accepts").arg(protocol::messageTypeName(message.type)));
    }
}

bool Agent::Impl::allowed(const QString &role, SocketKind kind, MessageType type) const
{
    using MT = MessageType;
    const bool session = type == MT::Hello;
    const bool sdk = type == MT::Put || type == MT::Delete || type == MT::Get || type == MT::MirrorSubscribe
                     || type == MT::MirrorReport;
    // Replication (and the errors replicas report upstream) flows only between agents, on the
    // listen socket, whose replies go back the same way.
    const bool replication = kind == SocketKind::Api
                             && (type == MT::ReplicaHello || type == MT::ReplicaAck || type == MT::Error
                                 || type == MT::GapDeltas);
    const bool status = type == MT::Status || type == MT::HostInventory; // read-only, about this agent
    const bool ping = kind == SocketKind::Api && type == MT::Ping;
    if (role == QLatin1String("admin"))
        return !(kind == SocketKind::Sdk
                 && (type == MT::ReplicaHello || type == MT::ReplicaAck || type == MT::Error || type == MT::Ping
                     || type == MT::GapDeltas));
    if (role == QLatin1String("agent"))
        return session || replication || status || sdk || ping;
    if (role == QLatin1String("client"))
        return session || sdk || status;
    // "local": an ipc:// SDK endpoint, protected by its file permissions, without CURVE.
    return kind == SocketKind::Sdk && (session || sdk || status);
}

void Agent::Impl::reply(const ReplyRoute &route, const Message &message)
{
    reply(route, message.type, protocol::encodeBody(message.body));
}

void Agent::Impl::reply(const ReplyRoute &route, MessageType type, const QByteArray &encodedBody)
{
    if (route.routing.isEmpty())
        return;
    if (route.socket == SocketKind::Sdk && m_sdkStream) {
        m_sdkStream->send(connectionFromRouting(route.routing.constFirst()), type, encodedBody);
        return;
    }
    transport::send(socketFor(route.socket), route.routing, type, encodedBody);
}

void Agent::Impl::replyError(const ReplyRoute &route, ErrorCode code, const QString &text, QCborMap extra)
{
    Message message = protocol::makeError(route.requestId, Error{code, text});
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        message.body.insert(it.key(), it.value());
    reply(route, message);
}

AppInstance *Agent::Impl::findApp(const QString &name)
{
    const auto it = m_apps.find(name);
    return it == m_apps.end() ? nullptr : it->second.get();
}

// --- public API --------------------------------------------------------------------------

Agent::Agent(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}
Agent::~Agent() = default;

Result<std::unique_ptr<Agent>> Agent::create(const AgentOptions &options, Clock &clock)
{
    auto impl = std::make_unique<Impl>(options, clock);
    if (auto ok = impl->bindSockets(); !ok)
        return std::unexpected(ok.error());
    return std::unique_ptr<Agent>(new Agent(std::move(impl)));
}

QString Agent::name() const
{
    return m_impl->m_options.name;
}
QString Agent::listenEndpoint() const
{
    return m_impl->m_apiEndpoint;
}
QString Agent::sdkEndpoint() const
{
    return m_impl->m_sdkEndpoint;
}
QByteArray Agent::publicKey() const
{
    return m_impl->m_options.keys.publicKey;
}
Status Agent::run()
{
    return m_impl->run();
}
void Agent::requestStop()
{
    m_impl->m_stop.store(true);
}

} // namespace foresight::agent
