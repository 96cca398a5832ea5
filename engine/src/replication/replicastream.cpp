#include "foresight/replication/replicastream.h"

#include <QCborArray>
#include <QStringList>

#include "foresight/protocol/codecs.h"

namespace foresight::replication {

namespace {

std::uint64_t epochOf(const QCborMap &body)
{
    return std::uint64_t(body.value(QStringLiteral("epoch")).toInteger());
}

std::uint64_t seqOf(const QCborMap &body)
{
    return std::uint64_t(body.value(QStringLiteral("seq")).toInteger());
}

} // namespace

ReplicaStream::ReplicaStream(int ackIntervalMs)
    : m_ackIntervalMs(ackIntervalMs)
{}

void ReplicaStream::helloSent(std::int64_t nowMs)
{
    m_welcomed = false;
    m_snapshotPending = false;
    m_incoming.reset();
    m_lastHelloMs = nowMs;
    m_scheduledBatch = 0; // a new link's batches count from 1 again
}

std::optional<QString> ReplicaStream::handleWelcome(const QCborMap &body, const QString &self, const ReplicaData &data)
{
    const std::uint64_t epoch = epochOf(body);
    if (epoch < data.epoch) {
        return QStringLiteral("replica '%1' follows epoch %2; primary at epoch %3 is stale")
            .arg(self)
            .arg(data.epoch)
            .arg(epoch);
    }
    data.epoch = epoch;
    m_welcomed = true;
    m_mode = body.value(QStringLiteral("mode")).toString();
    m_snapshotPending = m_mode == QLatin1String("snapshot");
    m_primaryAgent = body.value(QStringLiteral("agent")).toString();
    m_primarySdkUrl = body.value(QStringLiteral("sdk")).toString();
    QStringList critical;
    for (const QCborValue &v : body.value(QStringLiteral("critical")).toArray())
        critical.append(v.toString());
    if (critical != data.state.criticalPatterns())
        (void) data.state.setCriticalPatterns(critical);
    // A primary that schedules the other partitions sends them all again: what this replica
    // holds of them may miss deletes made while it was away.
    m_scheduled = data.tier == Tier::Warm && body.value(QStringLiteral("scheduled")).toBool();
    if (m_scheduled)
        data.state.dropNonCritical();
    m_ackDue = true;
    return std::nullopt;
}

DeltasOutcome ReplicaStream::handleScheduledDeltas(std::uint64_t epoch,
                                                   std::uint64_t batch,
                                                   std::span<const state::StateDelta> deltas,
                                                   const ReplicaData &data)
{
    using Action = DeltasOutcome::Action;
    if (std::optional<DeltasOutcome> early = admitDeltas(epoch, data))
        return std::move(*early);
    if (!m_scheduled || batch <= m_scheduledBatch || m_snapshotPending)
        return {Action::Ignored, {}}; // not this link's, a repeat, or ahead of the snapshot it follows
    for (const state::StateDelta &delta : deltas) {
        if (Status ok = data.state.applyScheduled(delta); !ok)
            return {Action::ApplyFailed, std::move(ok.error().message)};
    }
    m_scheduledBatch = batch;
    m_ackDue = true;
    return {Action::Applied, {}};
}

std::optional<DeltasOutcome> ReplicaStream::admitDeltas(std::uint64_t epoch, const ReplicaData &data)
{
    using Action = DeltasOutcome::Action;
    if (!m_welcomed)
        return DeltasOutcome{Action::Ignored, {}};
    if (epoch < data.epoch) {
        return DeltasOutcome{Action::RefuseStale,
                             QStringLiteral("deltas of epoch %1 refused: this replica follows epoch %2")
                                 .arg(epoch)
                                 .arg(data.epoch)};
    }
    data.epoch = epoch;
    if (data.tier == Tier::Cold)
        return DeltasOutcome{Action::KeepAlive, {}}; // cold replicas change by snapshot only
    return std::nullopt;
}

DeltasOutcome ReplicaStream::finishDeltas(const IncomingDeltas &message, const ReplicaData &data)
{
    using Action = DeltasOutcome::Action;
    if (message.truncated)
        return {Action::Truncated, {}}; // resynchronise rather than guess
    if (data.tier == Tier::Warm && message.upto > data.state.seq())
        (void) data.state.advanceTo(message.upto, qMax(data.state.epoch(), message.epoch));
    if (data.tier == Tier::Hot && message.upto > data.state.seq())
        return {Action::Gap, {}};
    m_ackDue = true;
    return {Action::Applied, {}};
}

ReplicaStream::SnapshotStep ReplicaStream::beginSnapshot(const QCborMap &body, const QString &app, std::int64_t wallMs)
{
    // Like deltas: only from the primary that welcomed us (the welcome checked its epoch).
    if (!m_welcomed)
        return SnapshotStep::Ignored;
    state::Snapshot snapshot;
    snapshot.app = app;
    snapshot.epoch = epochOf(body);
    snapshot.seq = seqOf(body);
    snapshot.takenAtMs = wallMs;
    if (!state::StateDigest::fromHex(body.value(QStringLiteral("digest")).toString(), &snapshot.digest))
        return SnapshotStep::Malformed;
    m_incomingExpected = body.value(QStringLiteral("entries")).toInteger();
    m_incomingReason = body.value(QStringLiteral("reason")).toString();
    m_incoming = std::move(snapshot);
    return SnapshotStep::Accepted;
}

ReplicaStream::SnapshotStep ReplicaStream::addSnapshotChunk(const QCborMap &body)
{
    if (!m_incoming || seqOf(body) != m_incoming->seq)
        return SnapshotStep::Ignored;
    auto entries = protocol::entriesFromCbor(body.value(QStringLiteral("entries")));
    if (!entries || m_incoming->entries.size() + entries->size() > m_incomingExpected) {
        m_incoming.reset();
        return SnapshotStep::Rejected;
    }
    m_incoming->entries.append(*entries);
    return SnapshotStep::Accepted;
}

std::optional<state::Snapshot> ReplicaStream::endSnapshot(const QCborMap &body, std::uint64_t &epoch)
{
    if (!m_incoming || seqOf(body) != m_incoming->seq)
        return std::nullopt;
    // Moved out of the optional's value rather than the optional itself: GCC 12 at -O2 warns
    // (maybe-uninitialized) about the epoch of a moved std::optional<Snapshot>.
    state::Snapshot snapshot = std::move(*m_incoming);
    m_incoming.reset();
    if (snapshot.epoch > epoch)
        epoch = snapshot.epoch;
    return snapshot;
}

void ReplicaStream::snapshotRestored()
{
    m_snapshotPending = false;
    m_ackDue = true;
}

bool ReplicaStream::handleError(ErrorCode code)
{
    if (code == ErrorCode::NotFound)
        return m_welcomed; // helloSent() withdraws the welcome until the primary answers
    m_welcomed = false;
    return false;
}

QCborMap ReplicaStream::ackBody(const QString &app,
                                std::uint64_t epoch,
                                const state::KeyValueState &state,
                                Tier tier) const
{
    QCborMap body;
    body.insert(QStringLiteral("app"), app);
    body.insert(QStringLiteral("epoch"), m_snapshotPending ? qint64(0) : qint64(epoch));
    body.insert(QStringLiteral("seq"), m_snapshotPending ? qint64(0) : qint64(state.seq()));
    // A warm replica vouches for its critical keys, which it holds in the primary's order; the
    // scheduled ones it acknowledges by batch.
    body.insert(QStringLiteral("digest"), (tier == Tier::Warm ? state.criticalDigest() : state.digest()).toHex());
    if (m_scheduledBatch > 0)
        body.insert(QStringLiteral("scheduled"), qint64(m_scheduledBatch));
    return body;
}

void ReplicaStream::ackSent(std::int64_t nowMs)
{
    m_lastAckSentMs = nowMs;
    m_ackDue = false;
}

ReplicaStream::Timer ReplicaStream::timerDue(std::int64_t nowMs) const
{
    if (!m_welcomed)
        return nowMs - m_lastHelloMs >= kHelloRetryMs ? Timer::Hello : Timer::None;
    if (nowMs - m_lastHeardMs >= kPrimarySilenceMs)
        return Timer::PrimarySilent;
    if (nowMs - m_lastAckSentMs >= m_ackIntervalMs)
        return Timer::Ack;
    return Timer::None;
}

} // namespace foresight::replication
