// Heartbeats to subscribed consoles: the agent's own loop sends them, so a hung or stopped agent
// falls silent (ZeroMQ's transport heartbeats are answered by its I/O thread and would not).
// The agent remembers when it began each of its last rounds, so a console's write lease can be
// anchored to a heartbeat it received (control.cpp, leaseEndOfGrant).

#include <QCborArray>
#include <QRandomGenerator>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"

namespace foresight::agent {

using protocol::Message;
using protocol::MessageType;

namespace {
constexpr int kMinIntervalMs = 10;
constexpr int kMaxIntervalMs = 10'000;
constexpr int kDefaultTtlMs = 5000;
constexpr int kMaxTtlMs = 600'000;
} // namespace

void Agent::Impl::handleSubscribe(const ReplyRoute &route, const Message &message)
{
    const qint64 interval = message.body.value(QStringLiteral("interval-ms")).toInteger();
    const qint64 ttl = message.body.value(QStringLiteral("ttl-ms")).toInteger(kDefaultTtlMs);
    if (interval < kMinIntervalMs || interval > kMaxIntervalMs || ttl < interval || ttl > kMaxTtlMs) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("subscribe: interval-ms must be %1 to %2 and ttl-ms from interval-ms to %3")
                       .arg(kMinIntervalMs)
                       .arg(kMaxIntervalMs)
                       .arg(kMaxTtlMs));
        return;
    }
    Subscriber &subscriber = m_subscribers[route.routing.value(0)];
    const bool renewal = subscriber.expiresAtMs > 0;
    subscriber.routing = route.routing;
    subscriber.intervalMs = int(interval);
    subscriber.expiresAtMs = now() + ttl;
    if (!renewal)
        qCInfo(lcAgent) << "heartbeats every" << interval << "ms to a new subscriber";
    QCborMap body;
    body.insert(QStringLiteral("id"), route.requestId);
    body.insert(QStringLiteral("agent"), m_options.name);
    reply(route, Message{MessageType::Ok, body});
}

std::uint64_t Agent::Impl::newIncarnation()
{
    // 63 bits, so it is a CBOR uint every decoder can hold; never 0, which would read as absent.
    std::uint64_t incarnation = 0;
    while (incarnation == 0)
        incarnation = QRandomGenerator::system()->generate64() >> 1;
    return incarnation;
}

std::optional<std::int64_t> Agent::Impl::heartbeatSentMs(std::uint64_t seq) const
{
    const HeartbeatRound &round = m_heartbeatRounds[seq % kHeartbeatRounds];
    if (seq == 0 || round.seq != seq)
        return std::nullopt; // never sent, or overwritten by a later round
    return round.sentMs;
}

std::int64_t Agent::Impl::nextHeartbeatInMs() const
{
    std::int64_t next = -1;
    const std::int64_t t = m_clock.monotonicMs();
    for (const Subscriber &subscriber : m_subscribers) {
        const std::int64_t in = qMax<std::int64_t>(0, subscriber.lastSentMs + subscriber.intervalMs - t);
        next = next < 0 ? in : qMin(next, in);
    }
    return next;
}

void Agent::Impl::sendHeartbeats()
{
    if (m_subscribers.isEmpty())
        return;
    const std::int64_t t = now();
    std::optional<QCborMap> body; // built once per round, for every subscriber due
    QList<QByteArray> gone;
    for (auto it = m_subscribers.begin(); it != m_subscribers.end(); ++it) {
        Subscriber &subscriber = *it;
        if (t >= subscriber.expiresAtMs) {
            gone.append(it.key());
            continue;
        }
        if (t - subscriber.lastSentMs < subscriber.intervalMs)
            continue;
        if (!body) {
            // Taken before anything is sent, so it is no later than any subscriber's arrival time:
            // a lease anchored to this round can never outlast what its console computes (9.8).
            ++m_heartbeatSeq;
            m_heartbeatRounds[m_heartbeatSeq % kHeartbeatRounds] = HeartbeatRound{m_heartbeatSeq, t};
            body.emplace();
            QCborArray apps;
            for (const auto &[name, app] : m_apps)
                apps.append(appStatus(*app));
            body->insert(QStringLiteral("agent"), m_options.name);
            body->insert(QStringLiteral("seq"), qint64(m_heartbeatSeq));
            body->insert(QStringLiteral("incarnation"), qint64(m_incarnation));
            body->insert(QStringLiteral("wall-ms"), qint64(m_clock.wallMs()));
            body->insert(QStringLiteral("uptime-ms"), qint64(t - m_startedMs));
            if (m_clock.rate() != 1.0) // a simulation's faster time; a console checks it matches
                body->insert(QStringLiteral("time-scale"), m_clock.rate());
            body->insert(QStringLiteral("apps"), apps);
            if (!m_hostMetrics)
                m_hostMetrics = std::make_unique<metrics::HostMetricsReader>(m_clock, m_options.procRoot);
            if (auto host = m_hostMetrics->sample())
                body->insert(QStringLiteral("host"), host->toCbor());
            else
                body->insert(QStringLiteral("host-error"), host.error().message);
            addInventoryVersion(*body);
            if (m_prober)
                body->insert(QStringLiteral("peers"), m_prober->report());
        }
        body->insert(QStringLiteral("interval-ms"), subscriber.intervalMs);
        if (!transport::send(m_api, subscriber.routing, Message{MessageType::Heartbeat, *body}))
            gone.append(it.key()); // the console went away (ROUTER_MANDATORY)
        subscriber.lastSentMs = t;
    }
    for (const QByteArray &key : gone)
        m_subscribers.remove(key);
}

} // namespace foresight::agent
