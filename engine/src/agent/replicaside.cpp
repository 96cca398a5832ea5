// The replica's half of replication: one DEALER socket per application to its primary, applying
// the delta stream (hot, warm) or storing snapshots (cold), acknowledging positions and catching
// up after restarts or gaps.

#include <QCborArray>
#include <QDir>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"
#include "foresight/protocol/codecs.h"
#include "protocol/deltasmessage.h"

namespace foresight {

using protocol::Message;
using protocol::MessageType;

namespace {
constexpr int kHelloRetryMs = 500;
constexpr int kPrimarySilenceMs = 3000;
} // namespace

Status Agent::Impl::connectUpstream(AppInstance &app, const QString &url, const QByteArray &publicKey)
{
    auto upstream = std::make_unique<Upstream>();
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
    up.welcomed = false;
    up.snapshotPending = false;
    up.incoming.reset();
    up.lastHelloMs = now();
    transport::send(*up.socket, {}, Message{MessageType::ReplicaHello, body});
}

void Agent::Impl::sendAck(AppInstance &app)
{
    Upstream &up = *app.upstream;
    // Until a snapshot catch-up is restored, our position is not the primary's history: send a
    // keep-alive that acknowledges nothing (epoch 0, sequence 0).
    QCborMap body;
    body.insert(QStringLiteral("app"), app.name);
    body.insert(QStringLiteral("epoch"), up.snapshotPending ? qint64(0) : qint64(app.epoch));
    body.insert(QStringLiteral("seq"), up.snapshotPending ? qint64(0) : qint64(app.state.seq()));
    body.insert(QStringLiteral("digest"), app.state.digest().toHex());
    transport::send(*up.socket, {}, Message{MessageType::ReplicaAck, body});
    up.lastAckSentMs = now();
    up.ackDue = false;
}

void Agent::Impl::drainUpstream(AppInstance &app)
{
    for (int i = 0; i < 10'000 && app.upstream; ++i) {
        auto in = transport::receive(*app.upstream->socket, 0);
        if (!in)
            break;
        // Deltas are nearly all the traffic: the common, well-formed case skips the generic decode.
        if (auto deltas = in->frameCount == 2 ? protocol::decodeDeltasFast(in->header, in->body) : std::nullopt) {
            app.upstream->lastHeardMs = now();
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
    if (app.upstream && app.upstream->ackDue)
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
    Upstream &up = *app.upstream;
    if (!up.welcomed)
        return;
    const std::uint64_t epoch = message.epoch;
    if (epoch < app.epoch) {
        refuseStaleUpstream(app,
                            QStringLiteral("deltas of epoch %1 refused: this replica follows epoch %2")
                                .arg(epoch)
                                .arg(app.epoch));
        return;
    }
    app.epoch = epoch;
    if (app.tier == Tier::Cold)
        return; // a keep-alive: cold replicas change by snapshot only
    for (const StateDelta &delta : message.deltas) {
        if (delta.seq <= app.state.seq())
            continue; // already applied (a resend after reconnect)
        if (auto ok = app.state.apply(delta); !ok) {
            qCWarning(lcReplication) << app.name << ": cannot apply delta, resynchronising:" << ok.error().message;
            sendHello(app);
            return;
        }
        if (app.tier == Tier::Hot)
            app.log.append(delta);
        learn(app, delta);
    }
    if (message.badDelta) {
        ++m_rejects.malformed;
        qCWarning(lcReplication) << app.name << ": bad delta from primary:" << message.badDelta->message;
        sendHello(app); // resynchronise rather than guess
        return;
    }
    const auto upto = message.upto;
    if (app.tier == Tier::Warm && upto > app.state.seq())
        (void) app.state.advanceTo(upto, qMax(app.state.epoch(), epoch));
    if (app.tier == Tier::Hot && upto > app.state.seq()) {
        // The primary is ahead of what reached us: a delta was lost (reconnect). Catch up.
        sendHello(app);
        return;
    }
    up.ackDue = true;
}

void Agent::Impl::handleUpstream(AppInstance &app, const Message &message)
{
    Upstream &up = *app.upstream;
    up.lastHeardMs = now();
    const auto epochOf = [&](const Message &m) {
        return std::uint64_t(m.body.value(QStringLiteral("epoch")).toInteger());
    };

    switch (message.type) {
    case MessageType::ReplicaWelcome: {
        const std::uint64_t epoch = epochOf(message);
        if (epoch < app.epoch) {
            refuseStaleUpstream(app,
                                QStringLiteral("replica '%1' follows epoch %2; primary at epoch %3 is stale")
                                    .arg(m_options.name)
                                    .arg(app.epoch)
                                    .arg(epoch));
            return;
        }
        app.epoch = epoch;
        up.welcomed = true;
        up.mode = message.body.value(QStringLiteral("mode")).toString();
        up.snapshotPending = up.mode == QLatin1String("snapshot");
        up.primaryAgent = message.body.value(QStringLiteral("agent")).toString();
        up.primarySdkUrl = message.body.value(QStringLiteral("sdk")).toString();
        QStringList critical;
        for (const QCborValue &v : message.body.value(QStringLiteral("critical")).toArray())
            critical.append(v.toString());
        if (critical != app.state.criticalPatterns())
            (void) app.state.setCriticalPatterns(critical);
        ++app.counters.catchUps;
        up.ackDue = true;
        qCInfo(lcReplication) << app.name << ": following" << up.primaryAgent << "epoch" << epoch << "catching up by"
                              << up.mode;
        return;
    }
    case MessageType::Deltas:
        handleDeltas(app, protocol::deltasMessageFrom(message));
        return;
    case MessageType::SnapshotBegin: {
        // Like deltas: only from the primary that welcomed us (the welcome checked its epoch).
        // The snapshot's epoch is its seq-epoch, which is lower than the primary's epoch until a
        // newly promoted primary makes its first change, so it is not compared with ours.
        if (!up.welcomed)
            return;
        Snapshot snapshot;
        snapshot.app = app.name;
        snapshot.epoch = epochOf(message);
        snapshot.seq = std::uint64_t(message.body.value(QStringLiteral("seq")).toInteger());
        snapshot.takenAtMs = m_clock.wallMs();
        if (!StateDigest::fromHex(message.body.value(QStringLiteral("digest")).toString(), &snapshot.digest)) {
            ++m_rejects.malformed;
            return;
        }
        up.incomingExpected = message.body.value(QStringLiteral("entries")).toInteger();
        up.incomingReason = message.body.value(QStringLiteral("reason")).toString();
        up.incoming = std::move(snapshot);
        return;
    }
    case MessageType::SnapshotChunk: {
        if (!up.incoming || std::uint64_t(message.body.value(QStringLiteral("seq")).toInteger()) != up.incoming->seq)
            return;
        auto entries = protocol::entriesFromCbor(message.body.value(QStringLiteral("entries")));
        if (!entries || up.incoming->entries.size() + entries->size() > up.incomingExpected) {
            ++m_rejects.malformed;
            up.incoming.reset();
            sendHello(app);
            return;
        }
        up.incoming->entries.append(*entries);
        return;
    }
    case MessageType::SnapshotEnd: {
        if (!up.incoming || std::uint64_t(message.body.value(QStringLiteral("seq")).toInteger()) != up.incoming->seq)
            return;
        Snapshot snapshot = std::move(*up.incoming);
        up.incoming.reset();
        if (snapshot.epoch > app.epoch)
            app.epoch = snapshot.epoch;
        // A cold replica's model learns from what changed since its last snapshot; any other
        // replica's history no longer leads to the restored state, and its model starts over.
        const std::optional<QList<StateDelta>> changes = app.tier == Tier::Cold ? changesSince(app, snapshot)
                                                                                : std::nullopt;
        if (auto ok = app.state.restore(snapshot); !ok) {
            qCWarning(lcReplication) << app.name << ": snapshot refused:" << ok.error().message;
            ++m_rejects.malformed;
            sendHello(app);
            return;
        }
        app.log.clear();
        app.divergence = -1;
        if (changes) {
            for (const StateDelta &change : *changes)
                learn(app, change);
        } else if (m_predictions) {
            m_predictions->forget(app.name);
        }
        if (app.tier == Tier::Cold)
            storeColdSnapshot(snapshot);
        up.snapshotPending = false;
        up.ackDue = true;
        return;
    }
    case MessageType::Error: {
        const ErrorCode code = errorCodeFromName(message.body.value(QStringLiteral("code")).toString());
        const QString text = message.body.value(QStringLiteral("message")).toString();
        qCWarning(lcReplication) << app.name << ": primary" << up.url << "says" << errorCodeName(code) << text;
        if (code == ErrorCode::NotFound)
            sendHello(app); // the primary forgot us (it restarted): introduce ourselves again
        else
            up.welcomed = false; // retried by replicaTimers()
        return;
    }
    case MessageType::Forecasts:
        if (up.welcomed)
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
    Upstream &up = *app.upstream;
    const std::int64_t t = now();
    if (!up.welcomed) {
        if (t - up.lastHelloMs >= kHelloRetryMs)
            sendHello(app);
        return;
    }
    if (t - up.lastHeardMs >= kPrimarySilenceMs) {
        qCInfo(lcReplication) << app.name << ": primary" << up.primaryAgent << "silent for" << (t - up.lastHeardMs)
                              << "ms";
        sendHello(app);
        return;
    }
    if (t - up.lastAckSentMs >= m_options.replicaAckIntervalMs)
        sendAck(app);
}

SnapshotWriter &Agent::Impl::snapshots()
{
    if (!m_snapshots)
        m_snapshots = std::make_unique<SnapshotWriter>(
            QDir(m_options.dataDir).filePath(QStringLiteral("cold-snapshots.sqlite")));
    return *m_snapshots;
}

void Agent::Impl::storeColdSnapshot(const Snapshot &snapshot)
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

} // namespace foresight
