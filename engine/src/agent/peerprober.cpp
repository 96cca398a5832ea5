// Round-trip time: one small ping per peer per interval, smoothed like TCP's SRTT (RFC 6298,
// alpha 1/8). Bandwidth: now and then a ping padded with bandwidthBytes; the time it takes beyond
// a small ping's round trip is the time the padding took to cross, so bytes / extra time is the
// bandwidth from this agent to the peer (CURVE encryption included, as replication pays it too).
//
// Times come from std::chrono::steady_clock, not the injected Clock: the Clock counts whole
// milliseconds, and loopback or same-rack links are well under one. Schedules use the Clock.

#include "agent/peerprober.h"

#include "agent/probesizing.h"

#include <algorithm>
#include <cmath>

#include <QCborMap>

#include "foresight/core/logging.h"
#include "foresight/protocol/message.h"
#include "transport/wire.h"

namespace foresight::agent {

using protocol::Message;
using protocol::MessageType;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace {
constexpr double kSmoothing = 1.0 / 8;
constexpr int kMinPongTimeoutMs = 1000;
constexpr double kMinExtraUs = 10;    // below this the padding's cost is lost in the noise
constexpr int kConnectGraceMs = 3000; // a new peer is "not connected" for a moment, not in error

double microsecondsBetween(SteadyTime from, SteadyTime to)
{
    return std::chrono::duration<double, std::micro>(to - from).count();
}
} // namespace

struct PeerProber::Peer
{
    PeerTarget target;
    std::unique_ptr<zmq::socket_t> socket;
    std::int64_t nextPingMs = 0;
    std::int64_t nextBandwidthMs = 0;
    // The ping in flight, if any (id 0: none). One at a time, so a slow peer is not flooded.
    std::uint64_t outstandingId = 0;
    bool outstandingPadded = false;
    SteadyTime sentAt;
    std::int64_t sentMs = 0;
    // Measurements; negative: not measured yet.
    double srttUs = -1;
    double lastRttUs = -1;
    double minRttUs = -1;
    double bandwidthBytesPerS = -1;
    qint64 pongs = 0;
    qint64 lost = 0;
    std::int64_t lastPongMs = -1;
    std::int64_t addedMs = 0;
    QString error;
};

PeerProber::PeerProber(zmq::context_t &context,
                       QString self,
                       transport::KeyPair keys,
                       bool insecure,
                       qsizetype maxMessageBytes,
                       Clock &clock,
                       QString sourceAddress)
    : m_context(context)
    , m_self(std::move(self))
    , m_keys(std::move(keys))
    , m_insecure(insecure)
    , m_maxMessageBytes(maxMessageBytes)
    , m_clock(clock)
    , m_sourceAddress(std::move(sourceAddress))
{}

PeerProber::~PeerProber() = default;

Status PeerProber::configure(const QList<PeerTarget> &peers, const ProbeSettings &settings)
{
    std::map<QString, std::unique_ptr<Peer>> next;
    for (const PeerTarget &target : peers) {
        if (target.agent == m_self)
            continue; // the console sends every agent the same list
        auto existing = m_peers.find(target.agent);
        if (existing != m_peers.end() && existing->second->target.url == target.url
            && existing->second->target.publicKey == target.publicKey) {
            next[target.agent] = std::move(existing->second);
            continue;
        }
        auto peer = std::make_unique<Peer>();
        peer->target = target;
        peer->addedMs = m_clock.monotonicMs();
        try {
            peer->socket = std::make_unique<zmq::socket_t>(m_context, zmq::socket_type::dealer);
            transport::configureCommon(*peer->socket, m_maxMessageBytes);
            // Pings are only worth sending to a connected peer: queued ones would measure the queue.
            peer->socket->set(zmq::sockopt::immediate, 1);
            peer->socket->set(zmq::sockopt::sndhwm, 4);
            if (transport::isTcp(target.url) && !m_insecure) {
                if (auto ok = transport::configureCurveClient(*peer->socket, m_keys, target.publicKey); !ok)
                    return fail(ok.error().code, QStringLiteral("peer '%1': %2").arg(target.agent, ok.error().message));
            }
            // From the agent's source address, if it has one (a simulated network tells hosts apart
            // by it): libzmq's tcp://SOURCE:0;HOST:PORT.
            const QString url = m_sourceAddress.isEmpty() || !transport::isTcp(target.url)
                                    ? target.url
                                    : QStringLiteral("tcp://%1:0;%2").arg(m_sourceAddress, target.url.mid(6));
            peer->socket->connect(url.toStdString());
        } catch (const zmq::error_t &e) {
            return fail(ErrorCode::Network,
                        QStringLiteral("peer '%1': cannot connect to %2: %3")
                            .arg(target.agent, target.url, QString::fromUtf8(e.what())));
        }
        next[target.agent] = std::move(peer);
    }
    m_peers = std::move(next);
    m_settings = settings;
    // Spread the first pings over one interval, so peers are not all probed at the same moment.
    const std::int64_t t = m_clock.monotonicMs();
    std::int64_t offset = 0;
    const std::int64_t step = m_peers.empty() ? 0 : settings.intervalMs / std::int64_t(m_peers.size());
    for (auto &[name, peer] : m_peers) {
        peer->nextPingMs = std::min(peer->nextPingMs, t + offset);
        if (peer->nextBandwidthMs == 0)
            peer->nextBandwidthMs = t + settings.intervalMs + offset; // after a first small ping
        offset += step;
    }
    return {};
}

void PeerProber::appendPollItems(std::vector<zmq::pollitem_t> &items)
{
    for (auto &[name, peer] : m_peers)
        items.push_back({peer->socket->handle(), 0, ZMQ_POLLIN, 0});
}

void PeerProber::readable(const zmq::pollitem_t *items, std::size_t count)
{
    // Matched by socket, not position: a `peers` message handled since the poll may have
    // replaced the set.
    for (std::size_t i = 0; i < count; ++i) {
        if (!(items[i].revents & ZMQ_POLLIN))
            continue;
        for (auto &[name, peer] : m_peers) {
            if (peer->socket->handle() == items[i].socket) {
                onPong(*peer);
                break;
            }
        }
    }
}

void PeerProber::onPong(Peer &peer)
{
    const SteadyTime arrived = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) { // edge-triggered: read everything waiting
        auto in = transport::receive(*peer.socket, 0);
        if (!in)
            return;
        if (in->frameCount != 2)
            continue;
        auto decoded = protocol::decode(in->header, in->body);
        if (!decoded) {
            peer.error = QStringLiteral("unreadable reply: %1").arg(decoded.error().message);
            continue;
        }
        if (decoded->type == MessageType::Error) {
            // Typically unauthorized: the peer's allowlist does not give this agent the agent role.
            peer.error = QStringLiteral("peer refused the ping: %1")
                             .arg(decoded->body.value(QStringLiteral("message")).toString());
            peer.outstandingId = 0;
            continue;
        }
        const auto id = std::uint64_t(decoded->body.value(QStringLiteral("id")).toInteger());
        if (decoded->type != MessageType::Pong || id != peer.outstandingId)
            continue; // a pong that came after its ping was written off
        const double rttUs = microsecondsBetween(peer.sentAt, arrived);
        if (peer.outstandingPadded) {
            if (peer.srttUs >= 0) {
                const qint64 bytes = decoded->body.value(QStringLiteral("bytes")).toInteger();
                const double extraUs = std::max(rttUs - peer.srttUs, kMinExtraUs);
                const double bandwidth = double(bytes) / (extraUs / 1e6);
                peer.bandwidthBytesPerS = nextBandwidthEstimate(peer.bandwidthBytesPerS, bandwidth);
            }
        } else {
            peer.lastRttUs = rttUs;
            peer.minRttUs = peer.minRttUs < 0 ? rttUs : std::min(peer.minRttUs, rttUs);
            peer.srttUs = peer.srttUs < 0 ? rttUs : peer.srttUs + kSmoothing * (rttUs - peer.srttUs);
        }
        ++peer.pongs;
        peer.lastPongMs = m_clock.monotonicMs();
        peer.outstandingId = 0;
        peer.error.clear();
    }
}

qsizetype PeerProber::paddingFor(const Peer &peer) const
{
    return probePaddingBytes({peer.bandwidthBytesPerS, peer.lastRttUs, peer.minRttUs}, m_settings.bandwidthBytes);
}

void PeerProber::ping(Peer &peer, bool padded)
{
    QCborMap body;
    const std::uint64_t id = m_nextId++;
    body.insert(QStringLiteral("id"), qint64(id));
    body.insert(QStringLiteral("agent"), m_self);
    if (padded)
        body.insert(QStringLiteral("pad"), QByteArray(paddingFor(peer), '\0'));
    peer.sentAt = std::chrono::steady_clock::now();
    if (!transport::send(*peer.socket, {}, Message{MessageType::Ping, body})) {
        if (peer.pongs > 0 || m_clock.monotonicMs() - peer.addedMs >= kConnectGraceMs)
            peer.error = QStringLiteral("not connected to %1").arg(peer.target.url);
        return;
    }
    peer.outstandingId = id;
    peer.outstandingPadded = padded;
    peer.sentMs = m_clock.monotonicMs();
}

void PeerProber::tick()
{
    const std::int64_t t = m_clock.monotonicMs();
    const std::int64_t pongTimeoutMs = std::max<std::int64_t>(2 * m_settings.intervalMs, kMinPongTimeoutMs);
    for (auto &[name, peer] : m_peers) {
        if (peer->outstandingId != 0) {
            if (t - peer->sentMs < pongTimeoutMs)
                continue;
            ++peer->lost;
            peer->error = QStringLiteral("no pong within %1 ms").arg(pongTimeoutMs);
            peer->outstandingId = 0;
        }
        if (t < peer->nextPingMs)
            continue;
        // The padded ping needs a small one's round trip to compare with.
        const bool padded = m_settings.bandwidthIntervalMs > 0 && t >= peer->nextBandwidthMs && peer->srttUs >= 0;
        ping(*peer, padded);
        peer->nextPingMs = t + m_settings.intervalMs;
        if (padded)
            peer->nextBandwidthMs = t + m_settings.bandwidthIntervalMs;
    }
}

std::int64_t PeerProber::nextDueInMs() const
{
    if (m_peers.empty())
        return -1;
    const std::int64_t t = m_clock.monotonicMs();
    std::int64_t next = m_settings.intervalMs;
    for (const auto &[name, peer] : m_peers)
        next = std::min(next, std::max<std::int64_t>(0, peer->nextPingMs - t));
    return next;
}

PeerProber::LinkFigures PeerProber::linkTo(const QString &agent) const
{
    const auto it = m_peers.find(agent);
    if (it == m_peers.end())
        return {};
    const Peer &peer = *it->second;
    return {std::max(0.0, peer.bandwidthBytesPerS), std::max(0.0, peer.srttUs / 1000.0)};
}

QCborArray PeerProber::report() const
{
    const std::int64_t t = m_clock.monotonicMs();
    QCborArray peers;
    for (const auto &[name, peer] : m_peers) {
        QCborMap entry;
        entry.insert(QStringLiteral("agent"), name);
        if (peer->srttUs >= 0) {
            entry.insert(QStringLiteral("rtt-us"), qint64(std::llround(peer->srttUs)));
            entry.insert(QStringLiteral("rtt-last-us"), qint64(std::llround(peer->lastRttUs)));
            entry.insert(QStringLiteral("rtt-min-us"), qint64(std::llround(peer->minRttUs)));
        }
        if (peer->bandwidthBytesPerS >= 0)
            entry.insert(QStringLiteral("bandwidth-bytes-per-s"), qint64(std::llround(peer->bandwidthBytesPerS)));
        entry.insert(QStringLiteral("pongs"), peer->pongs);
        entry.insert(QStringLiteral("lost"), peer->lost);
        if (peer->lastPongMs >= 0)
            entry.insert(QStringLiteral("heard-ms-ago"), qint64(t - peer->lastPongMs));
        if (!peer->error.isEmpty())
            entry.insert(QStringLiteral("error"), peer->error);
        peers.append(entry);
    }
    return peers;
}

} // namespace foresight::agent
