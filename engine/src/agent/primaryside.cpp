// The primary's half of replication: accepting writes, streaming deltas to hot and warm
// replicas, snapshots to cold ones, and acknowledging writes once enough hot replicas hold them.

#include <QCborArray>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"
#include "foresight/protocol/codecs.h"
#include "protocol/writerequest.h"

namespace foresight::agent {

using protocol::Message;
using protocol::MessageType;

namespace {

constexpr qsizetype kMaxKeyBytes = 1024;
constexpr std::int64_t kReplicaSilenceMs = 5000;

QCborMap withId(qint64 id)
{
    QCborMap body;
    body.insert(QStringLiteral("id"), id);
    return body;
}

} // namespace

bool Agent::Impl::refuseUnlessServing(const ReplyRoute &route, const AppInstance &app)
{
    if (app.fenced) {
        replyError(route,
                   ErrorCode::Fenced,
                   QStringLiteral("primary of '%1' is fenced: %2").arg(app.name, app.fencedReason),
                   QCborMap{{QStringLiteral("epoch"), qint64(qMax(app.epoch, app.fencedByEpoch))}});
        return false;
    }
    if (!holdsWriteLease(app)) {
        QCborMap extra{{QStringLiteral("epoch"), qint64(app.epoch)}};
        if (!app.successorSdk.isEmpty())
            extra.insert(QStringLiteral("primary-sdk"), app.successorSdk);
        replyError(route,
                   ErrorCode::Fenced,
                   QStringLiteral("primary of '%1' holds no write lease (it expired %2 ms ago or was never granted): "
                                  "its console must renew it")
                       .arg(app.name)
                       .arg(now() - app.leaseUntilMs),
                   extra);
        return false;
    }
    return true;
}

void Agent::Impl::replyNotPrimary(const ReplyRoute &route, const AppInstance &app)
{
    QCborMap extra;
    extra.insert(QStringLiteral("epoch"), qint64(app.epoch));
    if (app.upstream && !app.upstream->stream.primarySdkUrl().isEmpty())
        extra.insert(QStringLiteral("primary-sdk"), app.upstream->stream.primarySdkUrl());
    replyError(route,
               ErrorCode::NotPrimary,
               QStringLiteral("agent '%1' is not the primary of '%2'").arg(m_options.name, app.name),
               extra);
}

void Agent::Impl::handleWrite(const ReplyRoute &route, const protocol::WriteRequest &request)
{
    const QString &appName = request.app;
    AppInstance *app = findApp(appName);
    if (!app) {
        replyError(route, ErrorCode::NotFound, QStringLiteral("this agent holds no application '%1'").arg(appName));
        return;
    }
    // A client that has seen a newer epoch must not write to an older primary. The client's word
    // is not proof (any client could claim any epoch), so the write is refused but the primary
    // is not fenced: fencing takes the word of an agent or an operator.
    if (app->role == Role::Primary && request.epoch && *request.epoch > app->epoch) {
        replyError(route,
                   ErrorCode::StaleEpoch,
                   QStringLiteral(
                       "this primary of '%1' is at epoch %2 but the client has seen epoch %3: a newer primary exists")
                       .arg(appName)
                       .arg(app->epoch)
                       .arg(*request.epoch),
                   QCborMap{{QStringLiteral("epoch"), qint64(app->epoch)}});
        return;
    }

    if (app->role != Role::Primary && request.local) {
        // A passive instance's write: refused without the redirect a client would follow to
        // the primary, behind the active instance's back.
        replyError(route,
                   ErrorCode::NotPrimary,
                   QStringLiteral("agent '%1' holds a %2 replica of '%3': a passive instance reads this copy and may "
                                  "not write; writes go to the active instance")
                       .arg(m_options.name, tierName(app->tier), appName),
                   QCborMap{{QStringLiteral("epoch"), qint64(app->epoch)}});
        return;
    }
    if (app->role != Role::Primary) {
        QCborMap extra;
        extra.insert(QStringLiteral("epoch"), qint64(app->epoch));
        if (app->upstream && !app->upstream->stream.primarySdkUrl().isEmpty())
            extra.insert(QStringLiteral("primary-sdk"), app->upstream->stream.primarySdkUrl());
        replyError(route,
                   ErrorCode::NotPrimary,
                   QStringLiteral("agent '%1' holds a %2 replica of '%3', not its primary")
                       .arg(m_options.name, tierName(app->tier), appName),
                   extra);
        return;
    }
    if (!refuseUnlessServing(route, *app))
        return;
    const QString &key = request.key;
    // UTF-8 takes at most 3 bytes per UTF-16 unit, so most keys need no conversion to be measured.
    if (key.isEmpty() || (key.size() * 3 > kMaxKeyBytes && key.toUtf8().size() > kMaxKeyBytes)) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("keys must be 1 to %1 bytes of UTF-8").arg(kMaxKeyBytes));
        return;
    }
    const QString ack = request.ack.value_or(QStringLiteral("replicated"));
    if (ack != QLatin1String("replicated") && ack != QLatin1String("primary")) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("ack must be \"replicated\" or \"primary\", got \"%1\"").arg(ack));
        return;
    }

    state::StateDelta delta;
    delta.epoch = app->epoch;
    delta.seq = app->state.seq() + 1;
    delta.timestampMs = m_clock.wallMs();
    delta.key = key;
    if (request.type == MessageType::Put) {
        delta.op = state::DeltaOp::Put;
        delta.value = request.value;
        if (delta.value.size() > m_options.maxValueBytes) {
            replyError(route,
                       ErrorCode::InvalidArgument,
                       QStringLiteral("value of %1 bytes exceeds the limit of %2 bytes")
                           .arg(delta.value.size())
                           .arg(m_options.maxValueBytes));
            return;
        }
    } else {
        delta.op = state::DeltaOp::Delete;
    }
    if (auto ok = appendDelta(*app, delta); !ok) {
        replyError(route, ok.error().code, ok.error().message);
        return;
    }
    ++app->counters.writes;
    dropSpeculative(*app, key);
    recordAccess(*app, key, partitioning::AccessKind::Write, route);

    if (ack == QLatin1String("primary") || app->config.syncReplicas == 0) {
        reply(route, MessageType::WriteAck, protocol::writeAckBody(route.requestId, delta.epoch, delta.seq));
        ++app->counters.ackedWrites;
        return;
    }
    app->pending.push_back(PendingWrite{delta.seq, delta.epoch, route, now() + app->config.ackTimeoutMs});
}

Status Agent::Impl::appendDelta(AppInstance &app, const state::StateDelta &delta)
{
    if (auto ok = app.state.apply(delta); !ok)
        return ok;
    app.log.append(delta);
    m_mirrorFeeds.noteChange(app.name, delta.key);
    notePartitionChange(app, delta);
    if (app.stream.append(delta, app.state)) {
        for (ReplicaLink &link : app.stream.links()) {
            // A failed send is noticed, and the link dropped, by the next flushAndExpire().
            if (app.stream.flushDue(link))
                (void) flushLink(app, link);
        }
    }
    learn(app, delta);
    return {};
}

Status Agent::Impl::applyOwnWrite(AppInstance &app, const QString &key, state::DeltaOp op, const QByteArray &value)
{
    state::StateDelta delta;
    delta.epoch = app.epoch;
    delta.seq = app.state.seq() + 1;
    delta.timestampMs = m_clock.wallMs();
    delta.key = key;
    delta.op = op;
    delta.value = value;
    return appendDelta(app, delta);
}

void Agent::Impl::handleGet(const ReplyRoute &route, const Message &message)
{
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    AppInstance *app = findApp(appName);
    if (!app) {
        replyError(route, ErrorCode::NotFound, QStringLiteral("this agent holds no application '%1'").arg(appName));
        return;
    }
    if (app->role != Role::Primary && message.body.value(QStringLiteral("local")).toBool()) {
        // A passive instance reads the copy beside it (docs/managed-apps.md): possibly behind
        // the primary, and said to be so by `local`.
        const QString key = message.body.value(QStringLiteral("key")).toString();
        const auto value = app->state.get(key);
        QCborMap body = withId(route.requestId);
        body.insert(QStringLiteral("found"), value.has_value());
        if (value)
            body.insert(QStringLiteral("value"), *value);
        body.insert(QStringLiteral("epoch"), qint64(app->epoch));
        body.insert(QStringLiteral("seq"), qint64(app->state.seq()));
        body.insert(QStringLiteral("local"), true);
        reply(route, Message{MessageType::GetReply, body});
        return;
    }
    if (app->role != Role::Primary) {
        replyNotPrimary(route, *app);
        return;
    }
    // A fenced or lease-less primary's state may be stale: reading it would be a stale read.
    if (!refuseUnlessServing(route, *app))
        return;
    const QString key = message.body.value(QStringLiteral("key")).toString();
    QCborMap body = withId(route.requestId);
    const auto predicted = app->overlay ? app->overlay->values.constFind(key)
                                        : QHash<QString, SpeculativeValue>::const_iterator();
    if (app->overlay && predicted != app->overlay->values.cend()) {
        // Served, but never as if it were real: the client is told, with the model's confidence.
        body.insert(QStringLiteral("found"), true);
        body.insert(QStringLiteral("value"), predicted->value);
        body.insert(QStringLiteral("predicted"), true);
        body.insert(QStringLiteral("confidence"), predicted->confidence);
    } else {
        const auto value = app->state.get(key);
        body.insert(QStringLiteral("found"), value.has_value());
        if (value)
            body.insert(QStringLiteral("value"), *value);
    }
    body.insert(QStringLiteral("epoch"), qint64(app->epoch));
    body.insert(QStringLiteral("seq"), qint64(app->state.seq()));
    if (message.body.value(QStringLiteral("forecast")).toBool())
        addChangeForecast(body, *app, key);
    reply(route, Message{MessageType::GetReply, body});
    recordAccess(*app, key, partitioning::AccessKind::Read, route);
}

void Agent::Impl::addChangeForecast(QCborMap &body, const AppInstance &app, const QString &key)
{
    // Asked for by mirrors (docs/mirrors.md): when the key will next change, relative to now so
    // that the client needs no agreement between the two clocks.
    if (!m_predictions)
        return;
    const auto table = m_predictions->forecasts(app.name);
    const auto forecast = table->keys.constFind(key);
    if (forecast == table->keys.cend() || !forecast->nextChangeMs)
        return;
    body.insert(QStringLiteral("next-change-in-ms"), qint64(*forecast->nextChangeMs - m_clock.wallMs()));
    body.insert(QStringLiteral("interval-ms"), forecast->typicalIntervalMs);
    body.insert(QStringLiteral("change-confidence"), forecast->changeConfidence);
}

void Agent::Impl::handleReplicaHello(const QByteArray &identity, const Message &message)
{
    const ReplyRoute route{SocketKind::Api, {identity}, -1};
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    AppInstance *app = findApp(appName);
    if (!app || app->role != Role::Primary) {
        replyError(route,
                   ErrorCode::NotPrimary,
                   QStringLiteral("agent '%1' is not the primary of '%2'").arg(m_options.name, appName),
                   QCborMap{{QStringLiteral("app"), appName}});
        return;
    }
    const auto tier = tierFromName(message.body.value(QStringLiteral("tier")).toString());
    if (!tier || *tier == Tier::None) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("replica-hello: tier must be hot, warm or cold"),
                   QCborMap{{QStringLiteral("app"), appName}});
        return;
    }
    const auto replicaEpoch = std::uint64_t(message.body.value(QStringLiteral("epoch")).toInteger());
    const auto replicaSeq = std::uint64_t(message.body.value(QStringLiteral("seq")).toInteger());
    const auto replicaSeqEpoch = std::uint64_t(message.body.value(QStringLiteral("seq-epoch")).toInteger());
    const QString agent = message.body.value(QStringLiteral("agent")).toString();
    if (const auto banned = app->hotBannedUntilMs.constFind(agent);
        *tier == Tier::Hot && banned != app->hotBannedUntilMs.cend() && now() < *banned) {
        // Released from the hot tier by the console, which is telling the replica itself: until
        // then its hot acknowledgements must not count again (control.cpp, releaseReplicaLink).
        return;
    }

    if (replicaEpoch > app->epoch) {
        fence(*app,
              QStringLiteral("replica '%1' knows epoch %2, newer than this primary's %3")
                  .arg(agent)
                  .arg(replicaEpoch)
                  .arg(app->epoch),
              replicaEpoch);
        replyError(route,
                   ErrorCode::StaleEpoch,
                   QStringLiteral("this primary's epoch %1 is older than yours").arg(app->epoch),
                   QCborMap{{QStringLiteral("app"), appName}});
        return;
    }
    // A warm or cold replica acknowledges no writes: changes it holds beyond this primary's
    // position from an epoch older than this primary's were superseded by the promotion (the old
    // primary made them after it, or they never reached the promoted hot replica). It is
    // resynchronised below, by snapshot, rather than fencing the new primary.
    const bool supersededOnly = *tier != Tier::Hot && replicaSeqEpoch < app->epoch;
    if (replicaSeq > app->state.seq() && replicaSeqEpoch >= app->state.epoch() && !supersededOnly) {
        // The replica holds changes this primary never had (it restarted empty, say). Wiping the
        // replica could destroy acknowledged writes, so refuse and tell the operator.
        fence(*app,
              QStringLiteral("replica '%1' is ahead (sequence %2 > %3): promote it instead")
                  .arg(agent)
                  .arg(replicaSeq)
                  .arg(app->state.seq()));
        replyError(route, ErrorCode::Fenced, app->fencedReason, QCborMap{{QStringLiteral("app"), appName}});
        return;
    }

    ReplicaLink link;
    link.identity = identity;
    link.agent = agent;
    link.tier = *tier;
    link.lastHeardMs = now();
    link.ackedSeq = 0;

    // Log catch-up needs the log to hold everything after the replica's position and the
    // replica's last delta to be the one this primary has at that position (same epoch).
    const bool atSamePoint = replicaSeq == app->state.seq() && replicaSeqEpoch == app->state.epoch();
    const bool logMatches = replicaSeq < app->state.seq() && app->log.coversAfter(replicaSeq)
                            && (replicaSeq == 0 || app->log.epochAt(replicaSeq) == replicaSeqEpoch);
    // A cold replica that already holds the current state needs nothing ("log": no deltas); one
    // behind, or ahead on superseded changes, gets a snapshot.
    const bool coldBehind = replicaSeq != app->state.seq() || replicaSeqEpoch != app->state.epoch();
    if (*tier == Tier::Cold)
        link.mode = coldBehind ? QStringLiteral("snapshot") : QStringLiteral("log");
    else
        link.mode = (atSamePoint || logMatches) ? QStringLiteral("log") : QStringLiteral("snapshot");

    if (message.body.contains(QStringLiteral("former-seq")))
        requestGapDeltas(*app,
                         identity,
                         std::uint64_t(message.body.value(QStringLiteral("former-seq")).toInteger()),
                         std::uint64_t(message.body.value(QStringLiteral("former-epoch")).toInteger()));
    dropLink(*app, identity, QString()); // a re-hello replaces the old link
    auto &stored = app->stream.addLink(std::move(link));
    stored.sentSeq = replicaSeq;
    sendWelcome(*app, stored);
    qCInfo(lcReplication) << appName << ":" << agent << "joined as" << tierName(*tier) << "replica at sequence"
                          << replicaSeq << "catching up by" << stored.mode;

    if (*tier == Tier::Cold) {
        if (coldBehind && !sendSnapshot(*app, stored, QStringLiteral("catch-up"))) {
            dropLink(*app, identity, QStringLiteral("could not send the snapshot"));
            return;
        }
        if (!coldBehind)
            stored.snapshotSeq = replicaSeq;
        stored.snapshotSentMs = now();
        return;
    }
    if (stored.mode == QLatin1String("snapshot")) {
        if (!sendSnapshot(*app, stored, QStringLiteral("catch-up"))) {
            dropLink(*app, identity, QStringLiteral("could not send the snapshot"));
            return;
        }
        if (stored.tier == Tier::Warm)
            startWarmSchedule(*app, stored);
        return;
    }
    // Stream the missing deltas in order; a warm replica gets the critical ones only.
    const replication::MessageLimits limits = app->stream.policy().limits();
    std::uint64_t position = replicaSeq;
    while (position < app->state.seq()) {
        const QList<state::StateDelta> deltas = app->log.after(position, limits.maxItems);
        if (deltas.isEmpty())
            break;
        QCborArray array;
        qsizetype bytes = 0;
        for (const state::StateDelta &delta : deltas) {
            if (bytes >= limits.maxBytes)
                break;
            if (app->stream.policy().carries(stored, delta, app->state)) {
                array.append(protocol::deltaToCbor(delta));
                bytes += delta.byteSize();
            }
            position = delta.seq;
        }
        QCborMap body;
        body.insert(QStringLiteral("app"), appName);
        body.insert(QStringLiteral("epoch"), qint64(app->epoch));
        body.insert(QStringLiteral("upto"), qint64(position));
        body.insert(QStringLiteral("deltas"), array);
        if (!transport::send(m_api, {identity}, Message{MessageType::Deltas, body})) {
            dropLink(*app, identity, QStringLiteral("could not send catch-up deltas"));
            return;
        }
        stored.sentSeq = position;
    }
    stored.lastSentMs = now();
    if (stored.tier == Tier::Warm)
        startWarmSchedule(*app, stored);
}

void Agent::Impl::sendWelcome(AppInstance &app, const ReplicaLink &link)
{
    QCborMap welcome;
    welcome.insert(QStringLiteral("app"), app.name);
    welcome.insert(QStringLiteral("agent"), m_options.name);
    welcome.insert(QStringLiteral("epoch"), qint64(app.epoch));
    welcome.insert(QStringLiteral("seq"), qint64(app.state.seq()));
    welcome.insert(QStringLiteral("mode"), link.mode);
    welcome.insert(QStringLiteral("sdk"), m_sdkEndpoint);
    welcome.insert(QStringLiteral("critical"), QCborArray::fromStringList(app.state.criticalPatterns()));
    if (link.tier == Tier::Warm)
        welcome.insert(QStringLiteral("scheduled"), true);
    transport::send(m_api, {link.identity}, Message{MessageType::ReplicaWelcome, welcome});
}

void Agent::Impl::resyncWarmReplicas(AppInstance &app)
{
    QList<QByteArray> broken;
    for (ReplicaLink &link : app.stream.links()) {
        if (link.tier != Tier::Warm)
            continue;
        link.mode = QStringLiteral("snapshot");
        link.ackedSeq = 0;
        sendWelcome(app, link);
        if (!sendSnapshot(app, link, QStringLiteral("catch-up")))
            broken.append(link.identity);
        else
            startWarmSchedule(app, link); // the welcome told it to drop the others: all owed again
    }
    for (const QByteArray &identity : broken)
        dropLink(app, identity, QStringLiteral("could not send the snapshot"));
}

bool Agent::Impl::sendSnapshot(AppInstance &app, ReplicaLink &link, const QString &reason)
{
    const state::Snapshot snapshot = link.tier == Tier::Warm ? app.state.criticalSnapshot(app.name, m_clock.wallMs())
                                                             : app.state.snapshot(app.name, m_clock.wallMs());
    QCborMap begin;
    begin.insert(QStringLiteral("app"), app.name);
    begin.insert(QStringLiteral("epoch"), qint64(snapshot.epoch));
    begin.insert(QStringLiteral("seq"), qint64(snapshot.seq));
    begin.insert(QStringLiteral("digest"), snapshot.digest.toHex());
    begin.insert(QStringLiteral("entries"), qint64(snapshot.entries.size()));
    begin.insert(QStringLiteral("reason"), reason);
    bool sent = transport::send(m_api, {link.identity}, Message{MessageType::SnapshotBegin, begin});
    const replication::MessageLimits limits = app.stream.policy().limits();
    qsizetype from = 0;
    while (sent && from < snapshot.entries.size()) {
        qsizetype count = 0;
        qsizetype bytes = 0;
        while (from + count < snapshot.entries.size() && count < limits.maxItems && bytes < limits.maxBytes) {
            const auto &entry = snapshot.entries[from + count];
            bytes += entry.first.size() * 2 + entry.second.size() + 16;
            ++count;
        }
        QCborMap chunk;
        chunk.insert(QStringLiteral("app"), app.name);
        chunk.insert(QStringLiteral("seq"), qint64(snapshot.seq));
        chunk.insert(QStringLiteral("entries"), protocol::entriesToCbor(snapshot.entries, from, count));
        sent = transport::send(m_api, {link.identity}, Message{MessageType::SnapshotChunk, chunk});
        from += count;
    }
    QCborMap end;
    end.insert(QStringLiteral("app"), app.name);
    end.insert(QStringLiteral("seq"), qint64(snapshot.seq));
    sent = sent && transport::send(m_api, {link.identity}, Message{MessageType::SnapshotEnd, end});
    if (!sent)
        return false;
    link.snapshotSeq = snapshot.seq;
    link.sentSeq = snapshot.seq;
    link.snapshotSentMs = now();
    link.lastSentMs = now();
    // Deltas queued before the snapshot are already inside it.
    replication::PrimaryStream::clearBatch(link);
    ++app.counters.snapshotsSent;
    return true;
}

void Agent::Impl::handleReplicaAck(const QByteArray &identity, const Message &message)
{
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    AppInstance *app = findApp(appName);
    ReplicaLink *known = app && app->role == Role::Primary ? app->stream.link(identity) : nullptr;
    if (!known) {
        // An ack from a replica this primary does not know (it restarted, or was demoted): make
        // the replica introduce itself again.
        replyError(ReplyRoute{SocketKind::Api, {identity}, -1},
                   ErrorCode::NotFound,
                   QStringLiteral("unknown replica of '%1'; send replica-hello").arg(appName),
                   QCborMap{{QStringLiteral("app"), appName}});
        return;
    }
    ReplicaLink &link = *known;
    const auto epoch = std::uint64_t(message.body.value(QStringLiteral("epoch")).toInteger());
    if (epoch > app->epoch) {
        fence(*app,
              QStringLiteral("replica '%1' acknowledged epoch %2, newer than %3")
                  .arg(link.agent)
                  .arg(epoch)
                  .arg(app->epoch),
              epoch);
        return;
    }
    link.lastHeardMs = now();
    if (epoch < app->epoch)
        return; // from before the replica took this primary's epoch: says nothing about our deltas
    // An acknowledgement vouches only for what this primary sent on the link: a replica that
    // still holds another history at a higher sequence must not complete writes it lacks.
    const auto acked = qMin(std::uint64_t(message.body.value(QStringLiteral("seq")).toInteger()), link.sentSeq);
    link.ackedSeq = qMax(link.ackedSeq, acked);
    link.ackedDigest = message.body.value(QStringLiteral("digest")).toString();
    if (message.body.contains(QStringLiteral("scheduled")))
        acknowledgeScheduled(*app, identity, std::uint64_t(message.body.value(QStringLiteral("scheduled")).toInteger()));
    if (app->stream.checkDigest(link, std::uint64_t(message.body.value(QStringLiteral("seq")).toInteger())))
        qCWarning(lcReplication).noquote() << app->name << link.agent << link.integrityNote;
    completeWrites(*app);
}

void Agent::Impl::handleReplicaError(const QByteArray &identity, const Message &message)
{
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    AppInstance *app = findApp(appName);
    const ReplicaLink *link = app ? app->stream.link(identity) : nullptr;
    if (!link)
        return;
    const QString code = message.body.value(QStringLiteral("code")).toString();
    const QString text = message.body.value(QStringLiteral("message")).toString();
    const auto epoch = std::uint64_t(message.body.value(QStringLiteral("epoch")).toInteger());
    if (errorCodeFromName(code) == ErrorCode::StaleEpoch && epoch > app->epoch) {
        fence(*app, QStringLiteral("replica '%1' follows epoch %2: %3").arg(link->agent).arg(epoch).arg(text), epoch);
        return;
    }
    dropLink(*app, identity, QStringLiteral("replica reported %1: %2").arg(code, text));
}

bool Agent::Impl::flushLink(AppInstance &app, ReplicaLink &link)
{
    const QByteArray body = replication::PrimaryStream::takeBatch(link, app.name, app.epoch, app.state.seq());
    link.lastSentMs = now();
    if (!transport::send(m_api, {link.identity}, MessageType::Deltas, body))
        return false;
    if (link.tier != Tier::Cold) // to a cold replica this is a keep-alive, not a position
        link.sentSeq = app.state.seq();
    return true;
}

void Agent::Impl::flushNow(AppInstance &app)
{
    QList<QByteArray> broken;
    for (ReplicaLink &link : app.stream.links()) {
        if (link.tier == Tier::Cold || link.batchCount == 0)
            continue;
        if (!flushLink(app, link))
            broken.append(link.identity);
    }
    for (const QByteArray &identity : broken)
        dropLink(app, identity, QStringLiteral("replica unreachable"));
}

bool Agent::Impl::holdsWriteLease(const AppInstance &app) const
{
    return app.config.leaseMs == 0 || m_clock.monotonicMs() < app.leaseUntilMs;
}

void Agent::Impl::completeWrites(AppInstance &app)
{
    // Without a lease another primary may already exist: nothing more is acknowledged here.
    if (app.pending.empty() || !holdsWriteLease(app))
        return;
    const std::optional<std::uint64_t> held = app.stream.durableSeq(app.config.syncReplicas);
    if (!held)
        return;
    const std::uint64_t durable = *held;
    while (!app.pending.empty() && app.pending.front().seq <= durable) {
        const PendingWrite &write = app.pending.front();
        reply(write.route, MessageType::WriteAck, protocol::writeAckBody(write.route.requestId, write.epoch, write.seq));
        ++app.counters.ackedWrites;
        app.highestAckedSeq = write.seq;
        app.pending.pop_front();
    }
}

void Agent::Impl::failPendingWrites(AppInstance &app, ErrorCode code, const QString &text)
{
    for (const PendingWrite &write : app.pending) {
        replyError(write.route, code, text);
        ++app.counters.failedWrites;
    }
    app.pending.clear();
}

void Agent::Impl::flushAndExpire()
{
    const std::int64_t t = now();
    for (auto &[name, appPtr] : m_apps) {
        AppInstance &app = *appPtr;
        if (app.role != Role::Primary)
            continue;
        QList<QPair<QByteArray, QString>> broken;
        for (ReplicaLink &link : app.stream.links()) {
            if (t - link.lastHeardMs >= kReplicaSilenceMs) {
                broken.append({link.identity, QStringLiteral("silent for %1 ms").arg(t - link.lastHeardMs)});
                continue;
            }
            if (link.tier == Tier::Cold) {
                const bool due = t - link.snapshotSentMs >= app.config.snapshotIntervalMs;
                if (due && link.snapshotSeq != app.state.seq() && !sendSnapshot(app, link, QStringLiteral("cold"))) {
                    broken.append({link.identity, QStringLiteral("could not send the snapshot")});
                    continue;
                }
                replication::PrimaryStream::clearBatch(
                    link); // cold replicas take snapshots only; deltas below are keep-alives
            }
            // Send queued deltas, or a keep-alive (no deltas, the current position) so the
            // replica knows the primary is there and a warm replica's position moves on.
            const bool keepAlive = t - link.lastSentMs >= m_options.replicaAckIntervalMs;
            if (link.batchCount == 0 && !keepAlive)
                continue;
            if (!flushLink(app, link))
                broken.append({link.identity, QStringLiteral("replica unreachable")});
            sendForecasts(app, link);
        }
        for (const auto &[identity, why] : broken)
            dropLink(app, identity, why);
        pumpWarmSchedules(app);

        if (!app.pending.empty() && !holdsWriteLease(app)) {
            failPendingWrites(app,
                              ErrorCode::Fenced,
                              QStringLiteral("the write lease of '%1' expired before enough hot replicas acknowledged; "
                                             "the write may or may not survive a failover")
                                  .arg(app.name));
        }
        while (!app.pending.empty() && app.pending.front().deadlineMs <= t) {
            const PendingWrite write = app.pending.front();
            app.pending.pop_front();
            ++app.counters.failedWrites;
            replyError(write.route,
                       ErrorCode::NotEnoughReplicas,
                       QStringLiteral("write %1 of '%2' reached the primary but not %3 hot replica(s) within %4 ms; "
                                      "it may or may not survive a failover")
                           .arg(write.seq)
                           .arg(app.name)
                           .arg(app.config.syncReplicas)
                           .arg(app.config.ackTimeoutMs));
        }
    }
}

void Agent::Impl::fence(AppInstance &app, const QString &reason, std::uint64_t newerEpoch)
{
    app.fencedByEpoch = qMax(app.fencedByEpoch, newerEpoch);
    if (app.fenced)
        return;
    app.fenced = true;
    app.fencedReason = reason;
    qCWarning(lcReplication) << app.name << ": primary fenced, refusing writes:" << reason;
    failPendingWrites(app, ErrorCode::Fenced, QStringLiteral("primary of '%1' is fenced: %2").arg(app.name, reason));
    superviseInstance(app); // a newer primary exists: this one's active instance stops
}

void Agent::Impl::dropLink(AppInstance &app, const QByteArray &identity, const QString &why)
{
    const ReplicaLink *link = app.stream.link(identity);
    if (!link)
        return;
    if (!why.isEmpty())
        qCInfo(lcReplication) << app.name << ": dropped replica" << link->agent << ":" << why;
    app.partitions.warm.remove(identity);
    app.stream.removeLink(identity);
}

} // namespace foresight::agent
