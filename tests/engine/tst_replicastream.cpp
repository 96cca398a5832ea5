// Unit tests for the replica's side of replication without sockets: the welcome and its epoch
// check, what a deltas message does on each tier (duplicates skipped, older epochs refused, a hot
// replica's gap, a warm replica's advance, a cold replica's keep-alive), snapshots assembled from
// begin, chunks and end, what is acknowledged, and the timers, all on an injected clock.

#include <QTest>

#include "foresight/protocol/codecs.h"
#include "foresight/protocol/message.h"
#include "foresight/replication/primarystream.h"
#include "foresight/replication/replicastream.h"
#include "protocol/deltasmessage.h"

using namespace Qt::StringLiterals;
using namespace foresight;
using replication::DeltasOutcome;
using replication::ReplicaStream;
using Action = DeltasOutcome::Action;
using Step = ReplicaStream::SnapshotStep;
using Timer = ReplicaStream::Timer;

Q_DECLARE_METATYPE(Tier)
Q_DECLARE_METATYPE(ErrorCode)
Q_DECLARE_METATYPE(DeltasOutcome::Action)
Q_DECLARE_METATYPE(ReplicaStream::SnapshotStep)
Q_DECLARE_METATYPE(ReplicaStream::Timer)

namespace {

constexpr int kAckIntervalMs = 100;

state::StateDelta makeDelta(std::uint64_t seq, std::uint64_t epoch = 2, const QString &key = {})
{
    state::StateDelta delta;
    delta.epoch = epoch;
    delta.seq = seq;
    delta.timestampMs = 1000 + qint64(seq);
    delta.key = key.isEmpty() ? u"k%1"_s.arg(seq) : key;
    delta.value = QByteArray::number(qulonglong(seq));
    return delta;
}

QCborMap welcomeBody(std::uint64_t epoch, const QString &mode = u"log"_s, const QStringList &critical = {})
{
    QCborArray patterns;
    for (const QString &pattern : critical)
        patterns.append(pattern);
    return QCborMap{{u"app"_s, u"shop"_s},
                    {u"agent"_s, u"a1"_s},
                    {u"epoch"_s, qint64(epoch)},
                    {u"mode"_s, mode},
                    {u"sdk"_s, u"tcp://a1:7001"_s},
                    {u"critical"_s, patterns}};
}

// The application's data on a replica of one tier, as the agent's AppInstance holds it.
struct Replica
{
    explicit Replica(Tier tier, std::uint64_t followedEpoch = 2)
        : tier(tier)
        , epoch(followedEpoch)
        , state(tier == Tier::Warm ? state::KeyValueState::Sequencing::AllowGaps
                                   : state::KeyValueState::Sequencing::Strict)
    {}

    replication::ReplicaData data() { return {tier, epoch, state, log}; }

    Tier tier;
    std::uint64_t epoch;
    state::KeyValueState state;
    state::DeltaLog log;
};

// A stream welcomed in log mode by a primary of `epoch`.
ReplicaStream welcomedStream(Replica &replica, std::uint64_t epoch = 2)
{
    ReplicaStream stream(kAckIntervalMs);
    stream.helloSent(0);
    const auto refusal = stream.handleWelcome(welcomeBody(epoch), u"me"_s, replica.data());
    if (refusal)
        qFatal("welcome refused: %s", qPrintable(*refusal));
    stream.ackSent(0);
    return stream;
}

// Hands the deltas to the stream as the agent does, and returns the sequence numbers it was told
// were applied.
DeltasOutcome applyDeltas(ReplicaStream &stream,
                          Replica &replica,
                          const QList<state::StateDelta> &deltas,
                          std::uint64_t epoch,
                          std::uint64_t upto,
                          bool truncated = false,
                          QList<std::uint64_t> *applied = nullptr)
{
    const replication::IncomingDeltas incoming{epoch, upto, deltas, truncated};
    return stream.handleDeltas(incoming, replica.data(), [&](const state::StateDelta &delta) {
        if (applied)
            applied->append(delta.seq);
    });
}

QCborMap snapshotBegin(const state::Snapshot &snapshot, qint64 announced)
{
    return QCborMap{{u"app"_s, snapshot.app},
                    {u"epoch"_s, qint64(snapshot.epoch)},
                    {u"seq"_s, qint64(snapshot.seq)},
                    {u"digest"_s, snapshot.digest.toHex()},
                    {u"entries"_s, announced},
                    {u"reason"_s, u"catch-up"_s}};
}

QCborMap snapshotChunk(const state::Snapshot &snapshot, qsizetype from, qsizetype count, std::uint64_t seq)
{
    return QCborMap{{u"app"_s, snapshot.app},
                    {u"seq"_s, qint64(seq)},
                    {u"entries"_s, protocol::entriesToCbor(snapshot.entries, from, count)}};
}

QCborMap snapshotEnd(const state::Snapshot &snapshot, std::uint64_t seq)
{
    return QCborMap{{u"app"_s, snapshot.app}, {u"seq"_s, qint64(seq)}};
}

// A primary's state of five keys at epoch 3, and its snapshot.
state::Snapshot primarySnapshot()
{
    state::KeyValueState primary;
    for (std::uint64_t seq = 1; seq <= 5; ++seq) {
        if (!primary.apply(makeDelta(seq, 3)))
            qFatal("apply failed");
    }
    return primary.snapshot(u"shop"_s, 1234);
}

} // namespace

class TestReplicaStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scheduledDeltasOnAWarmReplica();
    void welcomeTakesThePrimarysStream();
    void welcomeFromAnOlderEpochIsRefused();
    void deltasAreAppliedInOrderAndDuplicatesSkipped();
    void deltasMessage_data();
    void deltasMessage();
    void aPrimaryStreamsBatchesReachTheSameState();
    void snapshotIsAssembledFromBeginChunksAndEnd();
    void snapshotSteps_data();
    void snapshotSteps();
    void ackAcknowledgesNothingUntilTheSnapshotIsRestored();
    void errorsFromThePrimary_data();
    void errorsFromThePrimary();
    void oneHelloForABurstOfNotFound();
    void timers_data();
    void timers();
};

void TestReplicaStream::welcomeTakesThePrimarysStream()
{
    Replica replica(Tier::Warm, 2);
    ReplicaStream stream(kAckIntervalMs);
    stream.helloSent(0);
    QVERIFY(!stream.welcomed());
    QVERIFY(!stream.ackDue());

    const auto refusal = stream.handleWelcome(welcomeBody(5, u"snapshot"_s, {u"session/*"_s}), u"me"_s, replica.data());
    QVERIFY(!refusal);
    QVERIFY(stream.welcomed());
    QCOMPARE(replica.epoch, 5u);
    QCOMPARE(stream.mode(), u"snapshot"_s);
    QVERIFY(stream.snapshotPending());
    QCOMPARE(stream.primaryAgent(), u"a1"_s);
    QCOMPARE(stream.primarySdkUrl(), u"tcp://a1:7001"_s);
    QCOMPARE(replica.state.criticalPatterns(), QStringList{u"session/*"_s});
    QVERIFY(stream.ackDue());

    // A new hello forgets the welcome and the pending snapshot.
    stream.helloSent(10);
    QVERIFY(!stream.welcomed());
    QVERIFY(!stream.snapshotPending());
}

void TestReplicaStream::welcomeFromAnOlderEpochIsRefused()
{
    Replica replica(Tier::Hot, 4);
    ReplicaStream stream(kAckIntervalMs);
    stream.helloSent(0);
    const auto refusal = stream.handleWelcome(welcomeBody(3), u"me"_s, replica.data());
    QVERIFY(refusal.has_value());
    QCOMPARE(*refusal, u"replica 'me' follows epoch 4; primary at epoch 3 is stale"_s);
    QVERIFY(!stream.welcomed());
    QVERIFY(!stream.ackDue());
    QCOMPARE(replica.epoch, 4u);
    QVERIFY(stream.primaryAgent().isEmpty());
}

void TestReplicaStream::deltasAreAppliedInOrderAndDuplicatesSkipped()
{
    Replica replica(Tier::Hot);
    ReplicaStream stream = welcomedStream(replica);
    stream.ackSent(0);

    QList<std::uint64_t> applied;
    DeltasOutcome outcome
        = applyDeltas(stream, replica, {makeDelta(1), makeDelta(2), makeDelta(3)}, 2, 3, false, &applied);
    QCOMPARE(outcome.action, Action::Applied);
    QCOMPARE(applied, (QList<std::uint64_t>{1, 2, 3}));
    QVERIFY(stream.ackDue());

    // A resend after a reconnect overlaps what is held: only the new delta is applied.
    applied.clear();
    outcome = applyDeltas(stream, replica, {makeDelta(2), makeDelta(3), makeDelta(4)}, 2, 4, false, &applied);
    QCOMPARE(outcome.action, Action::Applied);
    QCOMPARE(applied, QList<std::uint64_t>{4});
    QCOMPARE(replica.state.seq(), 4u);
    QCOMPARE(replica.state.get(u"k4"_s), QByteArray("4"));
    // A hot replica keeps what it applied, once each, for a successor's catch-up.
    QCOMPARE(replica.log.count(), 4);
    QCOMPARE(replica.log.lastSeq(), 4u);
}

void TestReplicaStream::deltasMessage_data()
{
    QTest::addColumn<Tier>("tier");
    QTest::addColumn<bool>("welcomed");
    QTest::addColumn<QList<std::uint64_t>>("seqs"); // the message's deltas, at the message's epoch
    QTest::addColumn<std::uint64_t>("epoch");       // the message's; the replica follows epoch 2
    QTest::addColumn<std::uint64_t>("upto");
    QTest::addColumn<bool>("truncated");
    QTest::addColumn<Action>("action");
    QTest::addColumn<std::uint64_t>("seqAfter");
    QTest::addColumn<std::uint64_t>("epochAfter");
    QTest::addColumn<int>("appliedCount");
    QTest::addColumn<bool>("ackDue");

    using Seqs = QList<std::uint64_t>;
    using U = std::uint64_t;
    QTest::newRow("hot: applied, ack due")
        << Tier::Hot << true << Seqs{1, 2} << U(2) << U(2) << false << Action::Applied << U(2) << U(2) << 2 << true;
    QTest::newRow("hot: a newer epoch is taken")
        << Tier::Hot << true << Seqs{1} << U(3) << U(1) << false << Action::Applied << U(1) << U(3) << 1 << true;
    QTest::newRow("before the welcome: ignored")
        << Tier::Hot << false << Seqs{1, 2} << U(2) << U(2) << false << Action::Ignored << U(0) << U(2) << 0 << false;
    QTest::newRow("older epoch: refused") << Tier::Hot << true << Seqs{1, 2} << U(1) << U(2) << false
                                          << Action::RefuseStale << U(0) << U(2) << 0 << false;
    QTest::newRow("hot: the primary is ahead, resynchronise")
        << Tier::Hot << true << Seqs{1, 2} << U(2) << U(5) << false << Action::Gap << U(2) << U(2) << 2 << false;
    QTest::newRow("hot: a gap inside the batch does not apply")
        << Tier::Hot << true << Seqs{1, 3} << U(2) << U(3) << false << Action::ApplyFailed << U(1) << U(2) << 1
        << false;
    QTest::newRow("truncated: the readable deltas apply, then resynchronise")
        << Tier::Hot << true << Seqs{1, 2} << U(2) << U(3) << true << Action::Truncated << U(2) << U(2) << 2 << false;
    QTest::newRow("warm: advances to upto past the deltas it does not get")
        << Tier::Warm << true << Seqs{2, 5} << U(2) << U(9) << false << Action::Applied << U(9) << U(2) << 2 << true;
    QTest::newRow("warm: a keep-alive advances too")
        << Tier::Warm << true << Seqs{} << U(2) << U(4) << false << Action::Applied << U(4) << U(2) << 0 << true;
    QTest::newRow("cold: deltas ignored, epoch taken")
        << Tier::Cold << true << Seqs{1, 2} << U(3) << U(2) << false << Action::KeepAlive << U(0) << U(3) << 0 << false;
    QTest::newRow("cold: an older epoch is still refused")
        << Tier::Cold << true << Seqs{} << U(1) << U(0) << false << Action::RefuseStale << U(0) << U(2) << 0 << false;
}

void TestReplicaStream::deltasMessage()
{
    QFETCH(Tier, tier);
    QFETCH(bool, welcomed);
    QFETCH(QList<std::uint64_t>, seqs);
    QFETCH(std::uint64_t, epoch);
    QFETCH(std::uint64_t, upto);
    QFETCH(bool, truncated);
    QFETCH(Action, action);
    QFETCH(std::uint64_t, seqAfter);
    QFETCH(std::uint64_t, epochAfter);
    QFETCH(int, appliedCount);
    QFETCH(bool, ackDue);

    Replica replica(tier, 2);
    ReplicaStream stream(kAckIntervalMs);
    stream.helloSent(0);
    if (welcomed) {
        stream = welcomedStream(replica, 2);
        QVERIFY(!stream.ackDue());
    }
    QList<state::StateDelta> deltas;
    for (const std::uint64_t seq : seqs)
        deltas.append(makeDelta(seq, epoch));

    QList<std::uint64_t> applied;
    const DeltasOutcome outcome = applyDeltas(stream, replica, deltas, epoch, upto, truncated, &applied);
    QCOMPARE(outcome.action, action);
    QCOMPARE(replica.state.seq(), seqAfter);
    QCOMPARE(replica.epoch, epochAfter);
    QCOMPARE(applied.size(), appliedCount);
    QCOMPARE(stream.ackDue(), ackDue);
    QCOMPARE(replica.log.count(), tier == Tier::Hot ? appliedCount : 0);
    switch (action) {
    case Action::RefuseStale:
        QCOMPARE(outcome.text, u"deltas of epoch %1 refused: this replica follows epoch 2"_s.arg(epoch));
        break;
    case Action::ApplyFailed:
        QVERIFY(!outcome.text.isEmpty());
        break;
    default:
        QVERIFY(outcome.text.isEmpty());
    }
}

void TestReplicaStream::aPrimaryStreamsBatchesReachTheSameState()
{
    // The two ends together, through the deltas message as it travels.
    state::KeyValueState primary;
    replication::PrimaryStream out;
    replication::ReplicaLink link;
    link.identity = "r1";
    link.tier = Tier::Hot;
    out.addLink(link);
    Replica replica(Tier::Hot);
    ReplicaStream in = welcomedStream(replica);
    for (int batch = 0; batch < 3; ++batch) {
        for (int i = 0; i < 4; ++i) {
            const state::StateDelta delta = makeDelta(primary.seq() + 1, 2, u"key%1"_s.arg(i));
            QVERIFY(primary.apply(delta).has_value());
            out.append(delta, primary);
        }
        const QByteArray body = replication::PrimaryStream::takeBatch(*out.link("r1"), u"shop"_s, 2, primary.seq());
        const auto message = protocol::decodeDeltasFast(protocol::encodeHeader(protocol::MessageType::Deltas), body);
        QVERIFY(message.has_value());
        const replication::IncomingDeltas incoming{message->epoch, message->upto, message->deltas, false};
        QCOMPARE(in.handleDeltas(incoming, replica.data(), [](const state::StateDelta &) {}).action, Action::Applied);
    }
    QCOMPARE(replica.state.seq(), 12u);
    QCOMPARE(replica.state.digest(), primary.digest());
}

void TestReplicaStream::snapshotIsAssembledFromBeginChunksAndEnd()
{
    const state::Snapshot sent = primarySnapshot();
    Replica replica(Tier::Cold, 2);
    ReplicaStream stream(kAckIntervalMs);
    stream.helloSent(0);
    QVERIFY(!stream.handleWelcome(welcomeBody(3, u"snapshot"_s), u"me"_s, replica.data()));
    stream.ackSent(0);
    replica.epoch = 2; // as if the welcome had not raised it: the snapshot's epoch must

    QCOMPARE(stream.beginSnapshot(snapshotBegin(sent, 5), u"shop"_s, 98765), Step::Accepted);
    QCOMPARE(stream.incomingReason(), u"catch-up"_s);
    QCOMPARE(stream.addSnapshotChunk(snapshotChunk(sent, 0, 2, sent.seq)), Step::Accepted);
    QCOMPARE(stream.addSnapshotChunk(snapshotChunk(sent, 2, 2, sent.seq)), Step::Accepted);
    QCOMPARE(stream.addSnapshotChunk(snapshotChunk(sent, 4, 1, sent.seq)), Step::Accepted);
    const std::optional<state::Snapshot> received = stream.endSnapshot(snapshotEnd(sent, sent.seq), replica.epoch);
    QVERIFY(received.has_value());
    QCOMPARE(received->app, u"shop"_s);
    QCOMPARE(received->seq, 5u);
    QCOMPARE(received->epoch, 3u);
    QCOMPARE(received->takenAtMs, qint64(98765)); // the replica's clock, not the primary's
    QCOMPARE(received->entries, sent.entries);
    QCOMPARE(received->digest, sent.digest);
    QCOMPARE(replica.epoch, 3u);
    // Once only: the snapshot is no longer being received.
    QVERIFY(!stream.endSnapshot(snapshotEnd(sent, sent.seq), replica.epoch));

    QVERIFY(replica.state.restore(*received).has_value());
    QVERIFY(stream.snapshotPending());
    QVERIFY(!stream.ackDue());
    stream.snapshotRestored();
    QVERIFY(!stream.snapshotPending());
    QVERIFY(stream.ackDue());
}

void TestReplicaStream::snapshotSteps_data()
{
    // Each row: begin (announcing `announced` entries), then one chunk of `chunkEntries` for
    // sequence `chunkSeq`, then an end for `endSeq`.
    QTest::addColumn<bool>("welcomed");
    QTest::addColumn<bool>("goodDigest");
    QTest::addColumn<qint64>("announced");
    QTest::addColumn<int>("chunkEntries");
    QTest::addColumn<std::uint64_t>("chunkSeq");
    QTest::addColumn<std::uint64_t>("endSeq");
    QTest::addColumn<Step>("beginStep");
    QTest::addColumn<Step>("chunkStep");
    QTest::addColumn<int>("receivedEntries"); // -1: nothing received

    using U = std::uint64_t;
    QTest::newRow("all in one chunk") << true << true << qint64(5) << 5 << U(5) << U(5) << Step::Accepted
                                      << Step::Accepted << 5;
    QTest::newRow("fewer entries than announced")
        << true << true << qint64(5) << 3 << U(5) << U(5) << Step::Accepted << Step::Accepted << 3;
    QTest::newRow("a chunk past the announced count")
        << true << true << qint64(3) << 4 << U(5) << U(5) << Step::Accepted << Step::Rejected << -1;
    QTest::newRow("a chunk of another snapshot")
        << true << true << qint64(5) << 5 << U(4) << U(5) << Step::Accepted << Step::Ignored << 0;
    QTest::newRow("an end of another snapshot")
        << true << true << qint64(5) << 5 << U(5) << U(6) << Step::Accepted << Step::Accepted << -1;
    QTest::newRow("before the welcome") << false << true << qint64(5) << 5 << U(5) << U(5) << Step::Ignored
                                        << Step::Ignored << -1;
    QTest::newRow("an unreadable digest")
        << true << false << qint64(5) << 5 << U(5) << U(5) << Step::Malformed << Step::Ignored << -1;
}

void TestReplicaStream::snapshotSteps()
{
    QFETCH(bool, welcomed);
    QFETCH(bool, goodDigest);
    QFETCH(qint64, announced);
    QFETCH(int, chunkEntries);
    QFETCH(std::uint64_t, chunkSeq);
    QFETCH(std::uint64_t, endSeq);
    QFETCH(Step, beginStep);
    QFETCH(Step, chunkStep);
    QFETCH(int, receivedEntries);

    const state::Snapshot sent = primarySnapshot();
    Replica replica(Tier::Hot, 3);
    ReplicaStream stream(kAckIntervalMs);
    stream.helloSent(0);
    if (welcomed)
        stream = welcomedStream(replica, 3);
    QCborMap begin = snapshotBegin(sent, announced);
    if (!goodDigest)
        begin.insert(u"digest"_s, u"not hex"_s);

    QCOMPARE(stream.beginSnapshot(begin, u"shop"_s, 1), beginStep);
    QCOMPARE(stream.addSnapshotChunk(snapshotChunk(sent, 0, chunkEntries, chunkSeq)), chunkStep);
    const std::optional<state::Snapshot> received = stream.endSnapshot(snapshotEnd(sent, endSeq), replica.epoch);
    QCOMPARE(received.has_value(), receivedEntries >= 0);
    if (received)
        QCOMPARE(received->entries.size(), receivedEntries);
}

void TestReplicaStream::ackAcknowledgesNothingUntilTheSnapshotIsRestored()
{
    Replica replica(Tier::Hot, 2);
    QVERIFY(replica.state.apply(makeDelta(1)).has_value());
    ReplicaStream stream(kAckIntervalMs);
    stream.helloSent(0);
    QVERIFY(!stream.handleWelcome(welcomeBody(2, u"snapshot"_s), u"me"_s, replica.data()));

    QCborMap ack = stream.ackBody(u"shop"_s, replica.epoch, replica.state, Tier::Hot);
    QCOMPARE(ack.value(u"app"_s).toString(), u"shop"_s);
    QCOMPARE(ack.value(u"epoch"_s).toInteger(), 0);
    QCOMPARE(ack.value(u"seq"_s).toInteger(), 0);
    QCOMPARE(ack.value(u"digest"_s).toString(), replica.state.digest().toHex());

    stream.snapshotRestored();
    ack = stream.ackBody(u"shop"_s, replica.epoch, replica.state, Tier::Hot);
    QCOMPARE(ack.value(u"epoch"_s).toInteger(), 2);
    QCOMPARE(ack.value(u"seq"_s).toInteger(), 1);
    QVERIFY(stream.ackDue());
    stream.ackSent(50);
    QVERIFY(!stream.ackDue());
}

void TestReplicaStream::errorsFromThePrimary_data()
{
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<bool>("hello");
    QTest::addColumn<bool>("stillWelcomed");

    QTest::newRow("not-found: the primary forgot us") << ErrorCode::NotFound << true << true;
    QTest::newRow("stale-epoch: wait for the hello timer") << ErrorCode::StaleEpoch << false << false;
    QTest::newRow("invalid-argument") << ErrorCode::InvalidArgument << false << false;
}

void TestReplicaStream::errorsFromThePrimary()
{
    QFETCH(ErrorCode, code);
    QFETCH(bool, hello);
    QFETCH(bool, stillWelcomed);

    Replica replica(Tier::Hot);
    ReplicaStream stream = welcomedStream(replica);
    QCOMPARE(stream.handleError(code), hello);
    QCOMPARE(stream.welcomed(), stillWelcomed);
}

void TestReplicaStream::oneHelloForABurstOfNotFound()
{
    // The primary dropped the link while acks were in flight: each ack gets a not-found. The
    // first asks for a hello; the rest answer acks sent before it, and the hello is out.
    Replica replica(Tier::Warm);
    ReplicaStream stream = welcomedStream(replica);
    QVERIFY(stream.handleError(ErrorCode::NotFound));
    stream.helloSent(1000);
    for (int ack = 0; ack < 50; ++ack)
        QVERIFY(!stream.handleError(ErrorCode::NotFound));
    // No welcome within the retry interval: the timer sends the next hello, not the errors.
    QCOMPARE(stream.timerDue(1000 + 10 * 60'000), ReplicaStream::Timer::Hello);
}

void TestReplicaStream::timers_data()
{
    // The stream said hello at 1000; when welcomed, the welcome came at 1000 and it last heard
    // from the primary at `heardMs` and acknowledged at `ackMs`.
    QTest::addColumn<bool>("welcomed");
    QTest::addColumn<qint64>("heardMs");
    QTest::addColumn<qint64>("ackMs");
    QTest::addColumn<qint64>("nowMs");
    QTest::addColumn<Timer>("due");
    QTest::addColumn<bool>("connected");

    QTest::newRow("unwelcomed, hello just sent")
        << false << qint64(0) << qint64(0) << qint64(1499) << Timer::None << false;
    QTest::newRow("unwelcomed, hello again")
        << false << qint64(0) << qint64(0) << qint64(1500) << Timer::Hello << false;
    QTest::newRow("welcomed, nothing due")
        << true << qint64(2000) << qint64(2000) << qint64(2099) << Timer::None << true;
    QTest::newRow("welcomed, acknowledge")
        << true << qint64(2000) << qint64(2000) << qint64(2100) << Timer::Ack << true;
    QTest::newRow("primary silent, before the ack")
        << true << qint64(2000) << qint64(4900) << qint64(5000) << Timer::PrimarySilent << false;
    QTest::newRow("primary heard just in time")
        << true << qint64(2001) << qint64(4950) << qint64(5000) << Timer::None << true;
}

void TestReplicaStream::timers()
{
    QFETCH(bool, welcomed);
    QFETCH(qint64, heardMs);
    QFETCH(qint64, ackMs);
    QFETCH(qint64, nowMs);
    QFETCH(Timer, due);
    QFETCH(bool, connected);

    Replica replica(Tier::Hot);
    ReplicaStream stream(kAckIntervalMs);
    // A new stream introduces itself at once.
    QCOMPARE(stream.timerDue(0), Timer::Hello);
    stream.helloSent(1000);
    if (welcomed) {
        stream.heard(1000);
        QVERIFY(!stream.handleWelcome(welcomeBody(2), u"me"_s, replica.data()));
        stream.heard(heardMs);
        stream.ackSent(ackMs);
    }
    QCOMPARE(stream.timerDue(nowMs), due);
    QCOMPARE(stream.connected(nowMs), connected);
    QCOMPARE(stream.lastHeardMs(), welcomed ? heardMs : 0);
}

// A warm replica whose primary schedules the non-critical partitions (docs/protocol.md 8.11):
// the welcome drops what it held of them, batches apply without moving the position, repeats and
// batches before the snapshot are ignored, a critical key in a batch is refused, and the ack
// carries the critical digest and the last batch.
void TestReplicaStream::scheduledDeltasOnAWarmReplica()
{
    Replica replica(Tier::Warm);
    (void) replica.state.setCriticalPatterns({u"session/*"_s});
    QVERIFY(replica.state.apply(makeDelta(1, 2, u"session/a"_s)).has_value());
    QVERIFY(replica.state.applyScheduled(makeDelta(2, 2, u"cart/old"_s)).has_value());
    ReplicaStream stream(kAckIntervalMs);
    stream.helloSent(0);
    QCborMap welcome = welcomeBody(2, u"log"_s, {u"session/*"_s});
    welcome.insert(u"scheduled"_s, true);
    QVERIFY(!stream.handleWelcome(welcome, u"me"_s, replica.data()));
    QVERIFY(!replica.state.contains(u"cart/old"_s)); // sent again, deletes included
    QVERIFY(replica.state.contains(u"session/a"_s));

    const QList<state::StateDelta> batch{makeDelta(7, 2, u"cart/1"_s), makeDelta(5, 2, u"cart/2"_s)};
    QCOMPARE(stream.handleScheduledDeltas(2, 1, batch, replica.data()).action, Action::Applied);
    QCOMPARE(replica.state.seq(), 1u); // the position is the critical stream's
    QCOMPARE(replica.state.get(u"cart/2"_s), std::optional<QByteArray>("5"));
    QCOMPARE(stream.scheduledBatch(), 1u);
    QCOMPARE(stream.handleScheduledDeltas(2, 1, batch, replica.data()).action, Action::Ignored); // a repeat
    QCOMPARE(stream.handleScheduledDeltas(1, 2, batch, replica.data()).action, Action::RefuseStale);
    const QList<state::StateDelta> critical{makeDelta(9, 2, u"session/b"_s)};
    QCOMPARE(stream.handleScheduledDeltas(2, 2, critical, replica.data()).action, Action::ApplyFailed);

    const QCborMap ack = stream.ackBody(u"shop"_s, replica.epoch, replica.state, Tier::Warm);
    QCOMPARE(ack.value(u"digest"_s).toString(), replica.state.criticalDigest().toHex());
    QCOMPARE(ack.value(u"scheduled"_s).toInteger(), 1);
    stream.helloSent(10);
    QVERIFY(!stream.ackBody(u"shop"_s, replica.epoch, replica.state, Tier::Warm).contains(u"scheduled"_s));

    // Without `scheduled` in the welcome, batches are not for this link.
    Replica plain(Tier::Warm);
    ReplicaStream unscheduled = welcomedStream(plain);
    QCOMPARE(unscheduled.handleScheduledDeltas(2, 1, batch, plain.data()).action, Action::Ignored);
    QVERIFY(!plain.state.contains(u"cart/1"_s));
}

QTEST_GUILESS_MAIN(TestReplicaStream)
#include "tst_replicastream.moc"
