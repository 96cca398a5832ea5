// Unit tests for the primary's side of replication without sockets: which links carry which
// deltas (the tier policy and a policy plugged in instead), when a batch must leave, what a
// batch encodes to, which sequence enough hot replicas hold, and the digest check of replicas'
// acknowledgements.

#include <QTest>

#include "foresight/protocol/message.h"
#include "foresight/replication/primarystream.h"
#include "protocol/deltasmessage.h"

using namespace Qt::StringLiterals;
using namespace foresight;
using replication::PrimaryStream;
using replication::ReplicaLink;

namespace {

ReplicaLink makeLink(const QByteArray &identity, Tier tier, std::uint64_t ackedSeq = 0)
{
    ReplicaLink link;
    link.identity = identity;
    link.agent = QString::fromLatin1(identity);
    link.tier = tier;
    link.ackedSeq = ackedSeq;
    return link;
}

// Applies a put of key to state, as the primary does before handing the delta to its stream.
state::StateDelta put(state::KeyValueState &state, const QString &key, qsizetype valueBytes = 8)
{
    state::StateDelta delta;
    delta.epoch = 1;
    delta.seq = state.seq() + 1;
    delta.timestampMs = 1000 + qint64(delta.seq);
    delta.key = key;
    delta.value = QByteArray(valueBytes, 'v');
    const Status applied = state.apply(delta);
    if (!applied)
        qFatal("apply failed: %s", qPrintable(applied.error().message));
    return delta;
}

QList<state::StateDelta> decodeBatch(ReplicaLink &link, std::uint64_t upto, QString *appOut = nullptr)
{
    const QByteArray body = PrimaryStream::takeBatch(link, u"shop"_s, 1, upto);
    const auto decoded = protocol::decodeDeltasFast(protocol::encodeHeader(protocol::MessageType::Deltas), body);
    if (!decoded)
        return {};
    if (appOut)
        *appOut = decoded->app;
    return decoded->deltas;
}

// Carries only keys under "urgent/", to any tier with a stream: what a staleness scheduler
// could decide, plugged in without the stream knowing.
class UrgentOnlyPolicy final : public replication::BatchPolicy
{
public:
    bool carries(const ReplicaLink &, const state::StateDelta &delta, const state::KeyValueState &) const override
    {
        return delta.key.startsWith(u"urgent/"_s);
    }
    bool flushNow(const ReplicaLink &link) const override { return link.batchCount >= 2; }
    replication::MessageLimits limits() const override { return {4096, 10}; }
};

} // namespace

class TestPrimaryStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tiersCarryTheirShareOfTheDeltas();
    void batchEncodesTheQueuedDeltasAndEmpties();
    void largeValuesMakeTheBatchLeaveAtOnce();
    void pluggedPolicyDecidesWhatLinksCarry();
    void durableSeqIsWhatEnoughHotReplicasHold_data();
    void durableSeqIsWhatEnoughHotReplicasHold();
    void hotCoverageLeavesOutTheReleasedAgent();
    void digestCheckFindsADisagreementOnce();
    void resetForgetsLinksAndPositions();
};

void TestPrimaryStream::tiersCarryTheirShareOfTheDeltas()
{
    state::KeyValueState state;
    QVERIFY(state.setCriticalPatterns({u"session/*"_s}).has_value());
    PrimaryStream stream;
    stream.addLink(makeLink("hot", Tier::Hot));
    stream.addLink(makeLink("warm", Tier::Warm));
    stream.addLink(makeLink("cold", Tier::Cold));

    stream.append(put(state, u"session/1"_s), state);
    stream.append(put(state, u"cart/1"_s), state);
    stream.append(put(state, u"session/2"_s), state);

    QCOMPARE(stream.link("hot")->batchCount, 3);
    QCOMPARE(stream.link("warm")->batchCount, 2);
    QCOMPARE(stream.link("cold")->batchCount, 0);
    QVERIFY(stream.link("cold")->batch.isEmpty());

    QList<state::StateDelta> warm = decodeBatch(*stream.link("warm"), state.seq());
    QCOMPARE(warm.size(), 2);
    QCOMPARE(warm[0].key, u"session/1"_s);
    QCOMPARE(warm[1].key, u"session/2"_s);
    QCOMPARE(warm[1].seq, 3u);
}

void TestPrimaryStream::batchEncodesTheQueuedDeltasAndEmpties()
{
    state::KeyValueState state;
    PrimaryStream stream;
    stream.addLink(makeLink("hot", Tier::Hot));
    QList<state::StateDelta> sent;
    for (int i = 0; i < 5; ++i) {
        sent.append(put(state, u"k%1"_s.arg(i)));
        stream.append(sent.last(), state);
    }
    ReplicaLink &link = *stream.link("hot");
    QString app;
    const QList<state::StateDelta> decoded = decodeBatch(link, state.seq(), &app);
    QCOMPARE(app, u"shop"_s);
    QCOMPARE(decoded, sent);
    QCOMPARE(link.batchCount, 0);
    QCOMPARE(link.batchBytes, 0);
    QVERIFY(link.batch.isEmpty());
    // An empty batch still makes a well-formed keep-alive that names the position.
    const QByteArray keepAlive = PrimaryStream::takeBatch(link, u"shop"_s, 1, state.seq());
    const auto message = protocol::decodeDeltasFast(protocol::encodeHeader(protocol::MessageType::Deltas), keepAlive);
    QVERIFY(message.has_value());
    QCOMPARE(message->upto, state.seq());
    QVERIFY(message->deltas.isEmpty());
}

void TestPrimaryStream::largeValuesMakeTheBatchLeaveAtOnce()
{
    state::KeyValueState state;
    PrimaryStream stream;
    stream.addLink(makeLink("hot", Tier::Hot));
    // Small deltas stay queued until the end of the round.
    QVERIFY(!stream.append(put(state, u"a"_s, 8), state));
    QVERIFY(!stream.flushDue(*stream.link("hot")));
    // One value past the message limit must not wait: the next message would be too large.
    const qsizetype large = stream.policy().limits().maxBytes;
    QVERIFY(stream.append(put(state, u"b"_s, large), state));
    QVERIFY(stream.flushDue(*stream.link("hot")));
}

void TestPrimaryStream::pluggedPolicyDecidesWhatLinksCarry()
{
    state::KeyValueState state;
    PrimaryStream stream(std::make_shared<const UrgentOnlyPolicy>());
    stream.addLink(makeLink("hot", Tier::Hot));
    stream.addLink(makeLink("cold", Tier::Cold));
    QVERIFY(!stream.append(put(state, u"cart/1"_s), state));
    QVERIFY(!stream.append(put(state, u"urgent/1"_s), state));
    QCOMPARE(stream.link("hot")->batchCount, 1);
    QVERIFY(stream.append(put(state, u"urgent/2"_s), state)); // its flushNow: two queued
    // Cold links take snapshots whatever a policy says.
    QCOMPARE(stream.link("cold")->batchCount, 0);
    QCOMPARE(stream.policy().limits().maxItems, 10);
}

void TestPrimaryStream::durableSeqIsWhatEnoughHotReplicasHold_data()
{
    QTest::addColumn<QList<std::uint64_t>>("hotAcks");
    QTest::addColumn<std::uint64_t>("warmAck");
    QTest::addColumn<int>("needed");
    QTest::addColumn<bool>("known");
    QTest::addColumn<std::uint64_t>("durable");

    QTest::newRow("one of one") << QList<std::uint64_t>{7} << std::uint64_t(9) << 1 << true << std::uint64_t(7);
    QTest::newRow("one of three: the highest")
        << QList<std::uint64_t>{3, 9, 5} << std::uint64_t(0) << 1 << true << std::uint64_t(9);
    QTest::newRow("two of three: the second highest")
        << QList<std::uint64_t>{3, 9, 5} << std::uint64_t(0) << 2 << true << std::uint64_t(5);
    QTest::newRow("three of three: the lowest")
        << QList<std::uint64_t>{3, 9, 5} << std::uint64_t(0) << 3 << true << std::uint64_t(3);
    // A warm replica's acknowledgement never makes a write durable.
    QTest::newRow("too few hot links") << QList<std::uint64_t>{9} << std::uint64_t(12) << 2 << false
                                       << std::uint64_t(0);
    QTest::newRow("none needed") << QList<std::uint64_t>{} << std::uint64_t(0) << 0 << true
                                 << std::numeric_limits<std::uint64_t>::max();
}

void TestPrimaryStream::durableSeqIsWhatEnoughHotReplicasHold()
{
    QFETCH(QList<std::uint64_t>, hotAcks);
    QFETCH(std::uint64_t, warmAck);
    QFETCH(int, needed);
    QFETCH(bool, known);
    QFETCH(std::uint64_t, durable);

    PrimaryStream stream;
    for (qsizetype i = 0; i < hotAcks.size(); ++i)
        stream.addLink(makeLink("hot" + QByteArray::number(i), Tier::Hot, hotAcks[i]));
    stream.addLink(makeLink("warm", Tier::Warm, warmAck));
    const auto held = stream.durableSeq(needed);
    QCOMPARE(held.has_value(), known);
    if (known)
        QCOMPARE(*held, durable);
}

void TestPrimaryStream::hotCoverageLeavesOutTheReleasedAgent()
{
    PrimaryStream stream;
    stream.addLink(makeLink("a", Tier::Hot, 10));
    stream.addLink(makeLink("b", Tier::Hot, 4));
    stream.addLink(makeLink("w", Tier::Warm, 20));
    const auto withoutA = stream.hotCoverageWithout(u"a"_s);
    QCOMPARE(withoutA.links, 1);
    QCOMPARE(withoutA.highestAckedSeq, 4u);
    const auto withoutB = stream.hotCoverageWithout(u"b"_s);
    QCOMPARE(withoutB.links, 1);
    QCOMPARE(withoutB.highestAckedSeq, 10u);
}

void TestPrimaryStream::digestCheckFindsADisagreementOnce()
{
    state::KeyValueState state;
    QVERIFY(state.setCriticalPatterns({u"session/*"_s}).has_value());
    PrimaryStream stream;
    stream.addLink(makeLink("hot", Tier::Hot));
    stream.addLink(makeLink("warm", Tier::Warm));
    stream.append(put(state, u"session/1"_s), state);
    const QString digestAt1 = state.digest().toHex();
    const QString criticalAt1 = state.criticalDigest().toHex();
    stream.append(put(state, u"cart/1"_s), state);

    ReplicaLink &hot = *stream.link("hot");
    hot.ackedDigest = digestAt1;
    QVERIFY(!stream.checkDigest(hot, 1));
    QVERIFY(hot.integrityNote.isEmpty());

    // A hot replica that claims the state at seq 2 was the state at seq 1 holds something else.
    hot.ackedDigest = digestAt1;
    QVERIFY(stream.checkDigest(hot, 2));
    QVERIFY(hot.integrityNote.contains(u"at seq 2"_s));
    QVERIFY(!stream.checkDigest(hot, 2)); // the same disagreement is not news
    QVERIFY(!hot.integrityNote.isEmpty());

    // A warm replica is checked against the critical keys' digest only.
    ReplicaLink &warm = *stream.link("warm");
    warm.ackedDigest = criticalAt1;
    QVERIFY(!stream.checkDigest(warm, 2));
    QVERIFY(warm.integrityNote.isEmpty());

    // A position the stream never saw says nothing: the last verdict stands.
    const QString verdict = hot.integrityNote;
    hot.ackedDigest = digestAt1;
    QVERIFY(!stream.checkDigest(hot, 99));
    QCOMPARE(hot.integrityNote, verdict);
}

void TestPrimaryStream::resetForgetsLinksAndPositions()
{
    state::KeyValueState state;
    PrimaryStream stream;
    stream.addLink(makeLink("hot", Tier::Hot));
    stream.append(put(state, u"a"_s), state);
    const QString digestAt1 = state.digest().toHex();
    stream.reset();
    QVERIFY(stream.links().isEmpty());
    QVERIFY(!stream.removeLink("hot"));
    ReplicaLink &hot = stream.addLink(makeLink("hot", Tier::Hot));
    // A digest that differs from the state's at seq 1 in its first digit.
    hot.ackedDigest = (digestAt1.startsWith(u'0') ? u"1"_s : u"0"_s) + digestAt1.mid(1);
    // Without the old positions, an old position cannot be held against the replica.
    QVERIFY(!stream.checkDigest(hot, 1));
}

QTEST_GUILESS_MAIN(TestPrimaryStream)
#include "tst_primarystream.moc"
