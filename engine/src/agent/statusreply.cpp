// The agent's `status` (docs/protocol.md 9.1, 9.2): what it reports of each application, answered
// at once or, with `wait-seq`, once the application reaches that position. Heartbeats carry the
// same per-application maps (heartbeats.cpp).

#include <QCborArray>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"
#include "foresight/replication/unackedfigures.h"

namespace foresight::agent {

using protocol::Message;
using protocol::MessageType;

QCborMap Agent::Impl::appStatus(const AppInstance &app) const
{
    const std::int64_t t = m_clock.monotonicMs();
    QCborMap map;
    map.insert(QStringLiteral("app"), app.name);
    map.insert(QStringLiteral("role"), roleName(app.role));
    map.insert(QStringLiteral("tier"), tierName(app.tier));
    map.insert(QStringLiteral("epoch"), qint64(app.epoch));
    map.insert(QStringLiteral("seq"), qint64(app.state.seq()));
    map.insert(QStringLiteral("seq-epoch"), qint64(app.state.epoch()));
    map.insert(QStringLiteral("digest"), app.state.digest().toHex());
    map.insert(QStringLiteral("critical-digest"), app.state.criticalDigest().toHex());
    map.insert(QStringLiteral("keys"), qint64(app.state.size()));
    map.insert(QStringLiteral("log"),
               QCborMap{{QStringLiteral("first"), qint64(app.log.firstSeq())},
                        {QStringLiteral("last"), qint64(app.log.lastSeq())}});
    map.insert(QStringLiteral("writable"), app.role == Role::Primary && !app.fenced && holdsWriteLease(app));
    map.insert(QStringLiteral("impact-rules"), qint64(app.impact.rules().size()));
    if (app.role == Role::Primary && app.config.leaseMs > 0)
        map.insert(QStringLiteral("lease-left-ms"), qint64(qMax<std::int64_t>(0, app.leaseUntilMs - t)));
    if (app.fenced)
        map.insert(QStringLiteral("fenced"), app.fencedReason);
    map.insert(QStringLiteral("counters"),
               QCborMap{{QStringLiteral("writes"), app.counters.writes},
                        {QStringLiteral("acked-writes"), app.counters.ackedWrites},
                        {QStringLiteral("failed-writes"), app.counters.failedWrites},
                        {QStringLiteral("catch-ups"), app.counters.catchUps},
                        {QStringLiteral("snapshots-sent"), app.counters.snapshotsSent},
                        {QStringLiteral("snapshots-stored"), app.counters.snapshotsStored}});
    if (app.role == Role::Primary) {
        QCborArray replicas;
        for (const ReplicaLink &link : app.stream.links()) {
            const std::uint64_t lag = app.state.seq() > link.ackedSeq ? app.state.seq() - link.ackedSeq : 0;
            qint64 lagMs = 0;
            if (lag > 0) {
                const QList<state::StateDelta> next = app.log.after(link.ackedSeq, 1);
                if (!next.isEmpty())
                    lagMs = qMax<qint64>(0, m_clock.wallMs() - next.first().timestampMs);
            }
            QCborMap replica{{QStringLiteral("agent"), link.agent},
                             {QStringLiteral("tier"), tierName(link.tier)},
                             {QStringLiteral("mode"), link.mode},
                             {QStringLiteral("acked-seq"), qint64(link.ackedSeq)},
                             {QStringLiteral("acked-digest"), link.ackedDigest},
                             {QStringLiteral("integrity-ok"), link.integrityNote.isEmpty()},
                             {QStringLiteral("integrity-note"), link.integrityNote},
                             {QStringLiteral("lag"), qint64(lag)},
                             {QStringLiteral("lag-ms"), lagMs},
                             {QStringLiteral("heard-ms-ago"), qint64(t - link.lastHeardMs)}};
            if (link.tier == Tier::Hot || link.tier == Tier::Warm) { // see unackedfigures.h
                const replication::UnackedFigures unacked
                    = replication::unackedFigures(link, app.log, app.state, app.stream.policy());
                replica.insert(QStringLiteral("lag-keys"), qint64(unacked.keys));
                replica.insert(QStringLiteral("lag-bytes"), qint64(unacked.valueBytes));
                replica.insert(QStringLiteral("lag-partial"), unacked.partial);
            }
            replicas.append(replica);
        }
        map.insert(QStringLiteral("replicas"), replicas);
        map.insert(QStringLiteral("pending-writes"), qint64(app.pending.size()));
    } else if (app.upstream) {
        const Upstream &up = *app.upstream;
        const replication::ReplicaStream &stream = up.stream;
        map.insert(QStringLiteral("primary"),
                   QCborMap{{QStringLiteral("url"), up.url},
                            {QStringLiteral("agent"), stream.primaryAgent()},
                            {QStringLiteral("sdk"), stream.primarySdkUrl()},
                            {QStringLiteral("connected"), stream.connected(t)},
                            {QStringLiteral("heard-ms-ago"), qint64(t - stream.lastHeardMs())},
                            {QStringLiteral("catch-up"), stream.mode()}});
    }
    addPredictionStatus(app, map);
    if (app.lastStored) {
        map.insert(QStringLiteral("stored-snapshot"),
                   QCborMap{{QStringLiteral("seq"), qint64(app.lastStored->seq)},
                            {QStringLiteral("epoch"), qint64(app.lastStored->epoch)},
                            {QStringLiteral("digest"), app.lastStored->digest.toHex()},
                            {QStringLiteral("taken-at-ms"), qint64(app.lastStored->takenAtMs)},
                            {QStringLiteral("entries"), app.lastStored->entryCount}});
    }
    if (!app.lastStoreError.isEmpty())
        map.insert(QStringLiteral("store-error"), app.lastStoreError);
    addInstanceStatus(app, map);
    addUsageStatus(app, map);
    addPartitionStatus(app, map);
    addMirrorStatus(app, map);
    return map;
}

void Agent::Impl::handleStatus(const ReplyRoute &route, const Message &message)
{
    const QCborValue only = message.body.value(QStringLiteral("app"));
    const QCborValue waitSeq = message.body.value(QStringLiteral("wait-seq"));
    if (waitSeq.isInteger()) {
        // Answered once the application holds waitSeq, or when wait-ms runs out, whichever is
        // first: the console learns the moment a replica has caught up, without polling.
        constexpr qint64 kMaxWaitMs = 60'000;
        const qint64 waitMs = message.body.value(QStringLiteral("wait-ms")).toInteger();
        if (!only.isString() || waitMs > kMaxWaitMs) {
            replyError(route,
                       ErrorCode::InvalidArgument,
                       QStringLiteral("status: wait-seq needs app, and wait-ms at most %1").arg(kMaxWaitMs));
            return;
        }
        const AppInstance *app = findApp(only.toString());
        if (app && app->state.seq() < std::uint64_t(waitSeq.toInteger()) && waitMs > 0
            && m_parkedStatuses.size() < kMaxParkedStatuses) {
            m_parkedStatuses.push_back(
                ParkedStatus{route, only.toString(), std::uint64_t(waitSeq.toInteger()), now() + waitMs});
            return;
        }
    }
    replyStatus(route, only.isString() ? only.toString() : QString());
}

void Agent::Impl::answerParkedStatuses()
{
    const std::int64_t t = now();
    std::erase_if(m_parkedStatuses, [&](const ParkedStatus &parked) {
        const AppInstance *app = findApp(parked.app);
        if (app && app->state.seq() < parked.waitSeq && t < parked.deadlineMs)
            return false;
        replyStatus(parked.route, parked.app);
        return true;
    });
}

void Agent::Impl::replyStatus(const ReplyRoute &route, const QString &only)
{
    QCborArray apps;
    for (const auto &[name, app] : m_apps) {
        if (only.isEmpty() || only == name)
            apps.append(appStatus(*app));
    }
    if (!only.isEmpty() && apps.isEmpty()) {
        replyError(route, ErrorCode::NotFound, QStringLiteral("this agent holds no application '%1'").arg(only));
        return;
    }
    QCborMap body{{QStringLiteral("id"), route.requestId}};
    body.insert(QStringLiteral("agent"), m_options.name);
    body.insert(QStringLiteral("version"), QStringLiteral(FORESIGHT_VERSION_STRING));
    body.insert(QStringLiteral("protocol"), protocol::kProtocolVersion);
    body.insert(QStringLiteral("listen"), m_apiEndpoint);
    body.insert(QStringLiteral("sdk"), m_sdkEndpoint);
    body.insert(QStringLiteral("public-key"), QString::fromLatin1(m_options.keys.publicKey));
    body.insert(QStringLiteral("insecure"), m_options.insecure);
    body.insert(QStringLiteral("uptime-ms"), qint64(m_clock.monotonicMs() - m_startedMs));
    body.insert(QStringLiteral("loop"),
                QCborMap{{QStringLiteral("slow-turns"), qint64(m_turns.slowTurns())},
                         {QStringLiteral("longest-turn-ms"), qint64(m_turns.longestTurnMs())}});
    body.insert(QStringLiteral("rejected"),
                QCborMap{{QStringLiteral("malformed"), m_rejects.malformed},
                         {QStringLiteral("version-mismatch"), m_rejects.versionMismatch},
                         {QStringLiteral("unauthorized"), m_rejects.unauthorized},
                         {QStringLiteral("oversized"), m_rejects.oversized},
                         {QStringLiteral("zap-refused"), m_zap ? m_zap->refused() : 0}});
    body.insert(QStringLiteral("apps"), apps);
    reply(route, Message{MessageType::StatusReply, body});
}

} // namespace foresight::agent
