// The replica's half of replication: one DEALER socket per application to its primary, applying
// the delta stream (hot, warm) or storing snapshots (cold), acknowledging positions and catching
// up after restarts or gaps. What each message and timer means is replication::ReplicaStream's
// decision; here are the socket, the sends, the logs, the counters and the model.

#include <QDir>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"
#include "foresight/protocol/codecs.h"
#include "protocol/deltasmessage.h"

namespace foresight::agent {

using protocol::Message;
using protocol::MessageType;

namespace {

// What the replica's stream may change of the application, lent for one call.
replication::ReplicaData replicaData(AppInstance &app)
{
    return {app.tier, app.epoch, app.state, app.log};
}

} // namespace

Status Agent::Impl::connectUpstream(AppInstance &app, const QString &url, const QByteArray &publicKey)
{
    auto upstream = std::make_unique<Upstream>(m_options.replicaAckIntervalMs);
    upstream->url = url;
    upstream->publicKey = publicKey;
    try {
        upstream->socket = std::make_unique<zmq::socket_t>(m_context, zmq::socket_type::dealer);
        transport::configureCommon(*upstream->socket, m_options.maxMessageBytes * 2);
        // A stable routing id lets the primary recognise this replica after a reconnect.
        upstream->socket->set(zmq::sockopt::routing_id,
                              QString(m_options.name + QLatin1Char('/') + app.name).toStdString());
        if (transport::isTcp(url) && !m_options.insecure) {
            if (auto ok = transport::configureCurveClient(*upstream->socket, m_options.keys, publicKey); !ok)
                return ok;
        }
        upstream->socket->connect(m_options.connectUrl(url).toStdString());
    } catch (const zmq::error_t &e) {
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to primary %1: %2").arg(url, QString::fromUtf8(e.what())));
    }
    app.upstream = std::move(upstream);
    sendHello(app);
    return {};
}

void Agent::Impl::sendHello(AppInstance &app)
{
    Upstream &up = *app.upstream;
    // Who this replica is and what it holds: the agent's to say; the stream starts over.
    QCborMap body;
    body.insert(QStringLiteral("app"), app.name);
    body.insert(QStringLiteral("agent"), m_options.name);
    body.insert(QStringLiteral("tier"), tierName(app.tier));
    body.insert(QStringLiteral("epoch"), qint64(app.epoch));
    body.insert(QStringLiteral("seq"), qint64(app.state.seq()));
    body.insert(QStringLiteral("seq-epoch"), qint64(app.state.epoch()));
    if (app.formerLog) {
        // What this agent wrote as primary: a successor promoted with a gap asks for it.
        body.insert(QStringLiteral("former-seq"), qint64(app.formerLog->lastSeq()));
        body.insert(QStringLiteral("former-epoch"),
                    qint64(app.formerLog->epochAt(app.formerLog->lastSeq()).value_or(0)));
    }
    up.stream.helloSent(now());
    transport::send(*up.socket, {}, Message{MessageType::ReplicaHello, body});
}

void Agent::Impl::sendAck(AppInstance &app)
{
    Upstream &up = *app.upstream;
    transport::send(*up.socket,
                    {},
                    Message{MessageType::ReplicaAck, up.stream.ackBody(app.name, app.epoch, app.state, app.tier)});
    up.stream.ackSent(now());
}

void Agent::Impl::drainUpstream(AppInstance &app)
{
    for (int i = 0; i < 10'000 && app.upstream; ++i) {
        auto in = transport::receive(*app.upstream->socket, 0);
        if (!in)
            break;
        // Deltas are nearly all the traffic: the common, well-formed case skips the generic decode.
        if (auto deltas = in->frameCount == 2 ? protocol::decodeDeltasFast(in->header, in->body) : std::nullopt) {
            app.upstream->stream.heard(now());
            handleDeltas(app, *deltas);
            continue;
        }
        auto decoded = protocol::decode(in->header, in->body);
        if (in->frameCount != 2 || !decoded) {
            // One-way stream: drop and count; the primary's next keep-alive tells us where it is.
            ++m_rejects.malformed;
            qCWarning(lcReplication) << app.name << ": dropped a bad message from the primary:"
                                     << (decoded ? QStringLiteral("wrong frame count") : decoded.error().message);
            continue;
        }
        handleUpstream(app, *decoded);
    }
    // One cumulative acknowledgement per burst keeps hot writes fast without an ack per delta.
    if (app.upstream && app.upstream->stream.ackDue())
        sendAck(app);
}

void Agent::Impl::refuseStaleUpstream(AppInstance &app, const QString &text)
{
    QCborMap body = protocol::makeError(-1, Error{ErrorCode::StaleEpoch, text}).body;
    body.insert(QStringLiteral("app"), app.name);
    body.insert(QStringLiteral("epoch"), qint64(app.epoch));
    transport::send(*app.upstream->socket, {}, Message{MessageType::Error, body});
}

void Agent::Impl::handleDeltas(AppInstance &app, const protocol::DeltasMessage &message)
{
    using Action = replication::DeltasOutcome::Action;
    const replication::IncomingDeltas incoming{message.epoch,
                                               message.upto,
                                               message.deltas,
                                               message.badDelta.has_value()};
    const auto learnApplied = [&](const state::StateDelta &delta) { learn(app, delta); };
    replication::ReplicaStream &stream = app.upstream->stream;
    const replication::DeltasOutcome outcome = stream.handleDeltas(incoming, replicaData(app), learnApplied);
    switch (outcome.action) {
    case Action::Ignored:
    case Action::KeepAlive:
    case Action::Applied:
        return;
    case Action::RefuseStale:
        refuseStaleUpstream(app, outcome.text);
        return;
    case Action::ApplyFailed:
        qCWarning(lcReplication) << app.name << ": cannot apply delta, resynchronising:" << outcome.text;
        sendHello(app);
        return;
    case Action::Truncated:
        ++m_rejects.malformed;
        qCWarning(lcReplication) << app.name << ": bad delta from primary:" << message.badDelta->message;
        sendHello(app); // resynchronise rather than guess
        return;
    case Action::Gap:
        // The primary is ahead of what reached us: a delta was lost (reconnect). Catch up.
        sendHello(app);
        return;
    }
}

void Agent::Impl::handleScheduledDeltas(AppInstance &app, const Message &message)
{
    using Action = replication::DeltasOutcome::Action;
    const protocol::DeltasMessage decoded = protocol::deltasMessageFrom(message);
    if (decoded.badDelta) {
        // A batch is applied whole or not at all: the primary sends it again after the hello.
        ++m_rejects.malformed;
        qCWarning(lcReplication) << app.name << ": bad scheduled delta from primary:" << decoded.badDelta->message;
        sendHello(app);
        return;
    }
    const auto batch = std::uint64_t(message.body.value(QStringLiteral("batch")).toInteger());
    const replication::DeltasOutcome outcome
        = app.upstream->stream.handleScheduledDeltas(decoded.epoch, batch, decoded.deltas, replicaData(app));
    if (outcome.action == Action::RefuseStale) {
        refuseStaleUpstream(app, outcome.text);
    } else if (outcome.action == Action::ApplyFailed) {
        qCWarning(lcReplication) << app.name << ": cannot apply a scheduled delta, resynchronising:" << outcome.text;
        sendHello(app);
    }
}

void Agent::Impl::handleUpstream(AppInstance &app, const Message &message)
{
    using Step = replication::ReplicaStream::SnapshotStep;
    Upstream &up = *app.upstream;
    replication::ReplicaStream &stream = up.stream;
    stream.heard(now());

    switch (message.type) {
    case MessageType::ReplicaWelcome:
        if (const auto refusal = stream.handleWelcome(message.body, m_options.name, replicaData(app))) {
            refuseStaleUpstream(app, *refusal);
            return;
        }
        ++app.counters.catchUps;
        qCInfo(lcReplication) << app.name << ": following" << stream.primaryAgent() << "epoch" << app.epoch
                              << "catching up by" << stream.mode();
        return;
    case MessageType::Deltas:
        handleDeltas(app, protocol::deltasMessageFrom(message));
        return;
    case MessageType::ScheduledDeltas:
        handleScheduledDeltas(app, message);
        return;
    case MessageType::SnapshotBegin:
        if (stream.beginSnapshot(message.body, app.name, m_clock.wallMs()) == Step::Malformed)
            ++m_rejects.malformed;
        return;
    case MessageType::SnapshotChunk:
        if (stream.addSnapshotChunk(message.body) == Step::Rejected) {
            ++m_rejects.malformed;
            sendHello(app);
        }
        return;
    case MessageType::SnapshotEnd: {
        std::optional<state::Snapshot> snapshot = stream.endSnapshot(message.body, app.epoch);
        if (!snapshot)
            return;
        // A cold replica's model learns from what changed since its last snapshot; any other
        // replica's history no longer leads to the restored state, and its model starts over.
        const std::optional<QList<state::StateDelta>> changes = app.tier == Tier::Cold ? changesSince(app, *snapshot)
                                                                                       : std::nullopt;
        if (auto ok = app.state.restore(*snapshot); !ok) {
            qCWarning(lcReplication) << app.name << ": snapshot refused:" << ok.error().message;
            ++m_rejects.malformed;
            sendHello(app);
            return;
        }
        app.log.clear();
        app.divergence = -1;
        if (changes) {
            for (const state::StateDelta &change : *changes)
                learn(app, change);
        } else if (m_predictions) {
            m_predictions->forget(app.name);
        }
        if (app.tier == Tier::Cold)
            storeColdSnapshot(*snapshot);
        stream.snapshotRestored();
        return;
    }
    case MessageType::Error: {
        const ErrorCode code = errorCodeFromName(message.body.value(QStringLiteral("code")).toString());
        const QString text = message.body.value(QStringLiteral("message")).toString();
        qCWarning(lcReplication) << app.name << ": primary" << up.url << "says" << errorCodeName(code) << text;
        // not-found: the primary forgot us (it restarted), so introduce ourselves again; otherwise
        // the welcome is withdrawn and replicaTimers() retries.
        if (stream.handleError(code))
            sendHello(app);
        return;
    }
    case MessageType::Forecasts:
        if (stream.welcomed())
            handleForecasts(app, message);
        return;
    case MessageType::GapRequest:
        // Before the welcome, by design: the history it asks for is the one held now.
        handleGapRequest(app, message);
        return;
    default:
        ++m_rejects.malformed;
        return;
    }
}

void Agent::Impl::replicaTimers(AppInstance &app)
{
    if (!app.upstream)
        return;
    using Timer = replication::ReplicaStream::Timer;
    const replication::ReplicaStream &stream = app.upstream->stream;
    const std::int64_t t = now();
    switch (stream.timerDue(t)) {
    case Timer::None:
        return;
    case Timer::Hello:
        sendHello(app);
        return;
    case Timer::PrimarySilent:
        qCInfo(lcReplication) << app.name << ": primary" << stream.primaryAgent() << "silent for"
                              << (t - stream.lastHeardMs()) << "ms";
        sendHello(app);
        return;
    case Timer::Ack:
        sendAck(app);
        return;
    }
}

SnapshotWriter &Agent::Impl::snapshots()
{
    if (!m_snapshots)
        m_snapshots = std::make_unique<SnapshotWriter>(
            QDir(m_options.dataDir).filePath(QStringLiteral("cold-snapshots.sqlite")));
    return *m_snapshots;
}

void Agent::Impl::storeColdSnapshot(const state::Snapshot &snapshot)
{
    // Written by the SQLite thread; collectStoredSnapshots() records the outcome.
    snapshots().save(snapshot);
}

void Agent::Impl::collectStoredSnapshots()
{
    for (SnapshotWriter::Saved &saved : m_snapshots->takeFinished()) {
        AppInstance *app = findApp(saved.app);
        if (!app)
            continue;
        if (!saved.result) {
            app->lastStoreError = saved.result.error().message;
            qCCritical(lcStorage) << saved.app << ": cold snapshot not stored:" << saved.result.error().message;
            continue;
        }
        app->lastStoreError.clear();
        app->lastStored = *saved.result;
        ++app->counters.snapshotsStored;
    }
}

} // namespace foresight::agent
