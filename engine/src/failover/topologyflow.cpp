// Topology awareness: every agent is told its peers and measures its links to them; the engine
// reads the round trips from heartbeats and keeps each application's hot replicas on the hosts
// closest to its primary, since a hot replica's round trip is part of every acknowledged write.
//
// A move never leaves an acknowledged write on a released replica alone: the new hot replica is
// assigned first, and only once it has caught up does the primary drop the old one, a step the
// primary itself refuses while any acknowledged write would then be held by the old one only.

#include <QCborArray>

#include "failover/engineimpl.h"
#include "foresight/core/logging.h"

namespace foresight::failover {

using protocol::MessageType;

namespace {
constexpr int kPeersRetryMs = 5000;

QString ms(double value)
{
    return QString::number(value, 'f', value < 10 ? 2 : 1);
}
} // namespace

void ClusterEngine::Impl::sendPeers(AgentRuntime &agent)
{
    if (!agent.last || agent.peersIncarnation == agent.last->incarnation || now() < agent.peersRetryAtMs)
        return;
    agent.peersRetryAtMs = now() + kPeersRetryMs;
    QCborArray peers;
    for (const config::ClusterAgent &peer : m_options.config.agents) {
        QCborMap entry{{QStringLiteral("agent"), peer.name}, {QStringLiteral("url"), peer.url}};
        if (!peer.publicKey.isEmpty())
            entry.insert(QStringLiteral("public-key"), QString::fromLatin1(peer.publicKey));
        peers.append(entry);
    }
    const config::TopologySettings &topology = m_options.config.topology;
    QCborMap body{{QStringLiteral("peers"), peers},
                  {QStringLiteral("interval-ms"), topology.probeIntervalMs},
                  {QStringLiteral("bandwidth-interval-ms"), topology.bandwidthProbeIntervalMs}};
    const QString name = agent.config.name;
    const std::uint64_t incarnation = agent.last->incarnation;
    (void) request(name, MessageType::Peers, body, kRequestTimeoutMs, [this, name, incarnation](auto result) {
        AgentRuntime &target = m_agents.at(name);
        if (result) {
            target.peersIncarnation = incarnation;
            return;
        }
        // Older agents, or a peer list this agent refuses: topology stays unknown for it.
        qCWarning(lcFailover).noquote() << "agent" << name
                                        << "did not take the peer list:" << result.error().toString();
    });
}

std::optional<double> ClusterEngine::Impl::rttMs(const QString &a, const QString &b) const
{
    const auto measuredBy = [this](const QString &from, const QString &to) -> std::optional<double> {
        const auto agent = m_agents.find(from);
        if (agent == m_agents.end() || !agent->second.last)
            return std::nullopt;
        for (const monitor::PeerLinkReport &peer : agent->second.last->peers) {
            if (peer.agent == to)
                return peer.rttMs;
        }
        return std::nullopt;
    };
    if (a.isEmpty() || b.isEmpty() || a == b)
        return std::nullopt;
    if (auto rtt = measuredBy(a, b))
        return rtt;
    return measuredBy(b, a);
}

void ClusterEngine::Impl::placeHotTier(AppRuntime &app)
{
    if (app.hotMove) {
        continueHotMove(app);
        return;
    }
    if (app.phase != AppPhase::Healthy || app.switchover || app.scheduledSwitchover || app.incident) {
        app.placement.reset(QStringLiteral("placement waits while the application is not healthy and settled"));
        return;
    }
    QList<PlacementCandidate> hot;
    QList<PlacementCandidate> others;
    int hotCount = 0;
    for (const auto &[name, agent] : m_agents) {
        if (name == app.primary)
            continue;
        const auto status = agent.apps.find(app.config.name);
        if (status != agent.apps.end() && isPrimaryStatus(*status))
            continue; // a former primary about to rejoin
        if (isShadow(app, name))
            continue; // beyond the configured tiers, placed for another reason
        const Tier tier = status == agent.apps.end()
                              ? Tier::None
                              : tierFromName(status->value(QStringLiteral("tier")).toString()).value_or(Tier::None);
        const std::optional<double> rtt = rttMs(app.primary, name);
        if (tier == Tier::Hot) {
            ++hotCount;
            if (rtt)
                hot.append({name, *rtt, tier});
            continue;
        }
        if (!rtt || !reachable(name) || agent.config.maintenance || app.integrityFailures.contains(name))
            continue;
        if (now() - app.lastAssignMs.value(name, -kAssignRetryMs) < kAssignRetryMs)
            continue;
        others.append({name, *rtt, tier});
    }
    if (hotCount != app.config.desired(Tier::Hot)) {
        // Restoring the tier comes first (or an extra hot replica is on its way out).
        app.placement.reset(QStringLiteral("the hot tier has %1 replicas, %2 configured: placement waits")
                                .arg(hotCount)
                                .arg(app.config.desired(Tier::Hot)));
        return;
    }
    const auto move = app.placement.evaluate(hot, others, now(), m_options.config.topology);
    if (!move)
        return;
    if (!sendAssign(move->to, app, Role::Replica, Tier::Hot))
        return;
    app.placement.moved(now());
    failover::AppRuntime::HotMove started;
    started.move = *move;
    started.primary = app.primary;
    started.startedMs = now();
    started.note = QStringLiteral("moving the hot replica from %1 (%2 ms) to %3 (%4 ms): %3 catching up")
                       .arg(move->from, ms(move->fromRttMs), move->to, ms(move->toRttMs));
    app.hotMove = started;
    journal(QStringLiteral("topology"),
            app.config.name,
            move->to,
            QStringLiteral("moving the hot replica from %1 (%2 ms round trip to the primary %3) to %4 (%5 ms%6); "
                           "%1 is released once %4 has caught up")
                .arg(move->from, ms(move->fromRttMs), app.primary, move->to, ms(move->toRttMs))
                .arg(move->toTier == Tier::None ? QStringLiteral(", a free agent")
                                                : QStringLiteral(", now %1").arg(tierName(move->toTier))),
            QJsonObject{{QStringLiteral("from"), move->from},
                        {QStringLiteral("to"), move->to},
                        {QStringLiteral("from-rtt-ms"), move->fromRttMs},
                        {QStringLiteral("to-rtt-ms"), move->toRttMs}});
}

void ClusterEngine::Impl::continueHotMove(AppRuntime &app)
{
    failover::AppRuntime::HotMove &hotMove = *app.hotMove;
    const PlacementMove move = hotMove.move;
    if (app.primary != hotMove.primary || app.phase != AppPhase::Healthy || app.switchover) {
        endHotMove(app,
                   QStringLiteral("abandoned: the application is no longer healthy under %1").arg(hotMove.primary),
                   false);
        return;
    }
    if (hotMove.releasing)
        return; // the primary's answer is on its way
    if (now() - hotMove.startedMs > m_options.config.topology.moveTimeoutMs) {
        endHotMove(app,
                   QStringLiteral("abandoned: %1 did not catch up within %2 ms")
                       .arg(move.to)
                       .arg(m_options.config.topology.moveTimeoutMs),
                   true);
        return;
    }
    // Caught up, as the primary sees it: the new hot replica has acknowledged at least as far as
    // the one it replaces. The primary checks the same thing itself before it lets go.
    const auto primaryStatus = appStatus(app.primary, app.config.name);
    if (!primaryStatus)
        return;
    std::optional<std::uint64_t> fromAcked;
    std::optional<std::uint64_t> toAcked;
    for (const QCborValue &item : primaryStatus->value(QStringLiteral("replicas")).toArray()) {
        const QCborMap link = item.toMap();
        const QString agent = link.value(QStringLiteral("agent")).toString();
        if (link.value(QStringLiteral("tier")).toString() != tierName(Tier::Hot))
            continue;
        if (agent == move.from)
            fromAcked = uintField(link, "acked-seq");
        else if (agent == move.to)
            toAcked = uintField(link, "acked-seq");
    }
    if (!toAcked || (fromAcked && *toAcked < *fromAcked))
        return;
    hotMove.releasing = true;
    hotMove.note
        = QStringLiteral("moving the hot replica from %1 to %2: %2 caught up, releasing %1").arg(move.from, move.to);
    const QString appName = app.config.name;
    (void) request(app.primary,
                   MessageType::Release,
                   QCborMap{{QStringLiteral("app"), appName}, {QStringLiteral("replica"), move.from}},
                   kRequestTimeoutMs,
                   [this, appName, move](Result<QCborMap> result) {
                       AppRuntime &target = m_apps.at(appName);
                       if (!target.hotMove)
                           return;
                       target.hotMove->releasing = false;
                       if (!result) {
                           // Typically: writes acknowledged since the last heartbeat are not yet on
                           // the new replica. Asked again with the next heartbeat.
                           target.hotMove->note = QStringLiteral("moving the hot replica from %1 to %2: %3")
                                                      .arg(move.from, move.to, result.error().message);
                           return;
                       }
                       if (move.toTier == Tier::None)
                           (void) sendRelease(move.from, appName);
                       else
                           (void) sendAssign(move.from, target, Role::Replica, move.toTier);
                       endHotMove(target,
                                  QStringLiteral("done: %1 is hot (%2 ms), %3 %4")
                                      .arg(move.to,
                                           ms(move.toRttMs),
                                           move.from,
                                           move.toTier == Tier::None
                                               ? QStringLiteral("released")
                                               : QStringLiteral("now %1").arg(tierName(move.toTier))),
                                  false);
                   });
}

void ClusterEngine::Impl::endHotMove(AppRuntime &app, const QString &outcome, bool revert)
{
    const PlacementMove move = app.hotMove->move;
    app.hotMove.reset();
    if (revert) {
        if (move.toTier == Tier::None)
            (void) sendRelease(move.to, app.config.name);
        else
            (void) sendAssign(move.to, app, Role::Replica, move.toTier);
    }
    journal(QStringLiteral("topology"),
            app.config.name,
            move.to,
            QStringLiteral("hot replica move %1 → %2 %3").arg(move.from, move.to, outcome));
}

Status ClusterEngine::Impl::sendRelease(const QString &agent, const QString &app, const QString &replica)
{
    QCborMap body{{QStringLiteral("app"), app}};
    if (!replica.isEmpty())
        body.insert(QStringLiteral("replica"), replica);
    AppRuntime &runtime = m_apps.at(app);
    if (replica.isEmpty()) {
        runtime.lastAssignMs[agent] = now();
        runtime.lastAssignTier.insert(agent, Tier::None);
    }
    return request(agent, MessageType::Release, body, kRequestTimeoutMs, [this, app, agent](Result<QCborMap> result) {
        if (!result)
            journal(QStringLiteral("topology"),
                    app,
                    agent,
                    QStringLiteral("release failed: %1").arg(result.error().toString()));
    });
}

} // namespace foresight::failover
