// The primary's figures of what a replica has not acknowledged (lag-keys, lag-bytes, lag-partial
// of docs/protocol.md): distinct keys and value bytes of the deltas after its acknowledgement,
// only those its tier carries (none for cold links), dropping to nothing once it acknowledges,
// and marked partial when the scan could not see the whole window.

#include <QTest>

#include "foresight/replication/unackedfigures.h"

using namespace Qt::StringLiterals;
using namespace foresight;
using replication::ReplicaLink;
using replication::UnackedFigures;

namespace {

// The primary's order: the state applies the change, then the log keeps it.
void write(state::KeyValueState &state, state::DeltaLog &log, const QString &key, qsizetype valueBytes)
{
    state::StateDelta delta;
    delta.epoch = 1;
    delta.seq = state.seq() + 1;
    delta.timestampMs = 1000 + qint64(delta.seq);
    delta.key = key;
    delta.op = valueBytes < 0 ? state::DeltaOp::Delete : state::DeltaOp::Put;
    delta.value = valueBytes < 0 ? QByteArray() : QByteArray(valueBytes, 'v');
    const Status applied = state.apply(delta);
    if (!applied)
        qFatal("apply failed: %s", qPrintable(applied.error().message));
    log.append(delta);
}

} // namespace

class TestUnackedFigures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsKeysAndBytesAfterTheAcknowledgement_data();
    void countsKeysAndBytesAfterTheAcknowledgement();
    void partialWhenTheLogDroppedTheWindowsStart();
};

void TestUnackedFigures::countsKeysAndBytesAfterTheAcknowledgement_data()
{
    QTest::addColumn<Tier>("tier");
    QTest::addColumn<quint64>("ackedSeq");
    QTest::addColumn<qsizetype>("scanLimit");
    QTest::addColumn<qint64>("keys");
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<bool>("partial");

    // The writes (seq: key, value bytes): 1 a 10, 2 b 20, 3 a 30, 4 session/1 40, 5 c 50,
    // 6 b deleted, 7 session/1 70. Keys differing count each key once however often it changed;
    // bytes are every unacknowledged value's.
    QTest::newRow("hot, nothing acknowledged")
        << Tier::Hot << quint64(0) << qsizetype(4096) << qint64(4) << qint64(10 + 20 + 30 + 40 + 50 + 70) << false;
    QTest::newRow("hot, acknowledged up to 3")
        << Tier::Hot << quint64(3) << qsizetype(4096) << qint64(3) << qint64(40 + 50 + 70) << false;
    QTest::newRow("hot, a delete counts its key and no bytes")
        << Tier::Hot << quint64(5) << qsizetype(4096) << qint64(2) << qint64(70) << false;
    QTest::newRow("hot, everything acknowledged")
        << Tier::Hot << quint64(7) << qsizetype(4096) << qint64(0) << qint64(0) << false;
    QTest::newRow("warm: only the critical keys it is sent")
        << Tier::Warm << quint64(0) << qsizetype(4096) << qint64(1) << qint64(40 + 70) << false;
    QTest::newRow("cold: not counted (snapshots, not deltas)")
        << Tier::Cold << quint64(2) << qsizetype(4096) << qint64(0) << qint64(0) << false;
    QTest::newRow("scan limit: lower bounds, partial")
        << Tier::Hot << quint64(0) << qsizetype(3) << qint64(2) << qint64(10 + 20 + 30) << true;
}

void TestUnackedFigures::countsKeysAndBytesAfterTheAcknowledgement()
{
    QFETCH(Tier, tier);
    QFETCH(quint64, ackedSeq);
    QFETCH(qsizetype, scanLimit);
    state::KeyValueState state;
    QVERIFY(state.setCriticalPatterns({u"session/*"_s}).has_value());
    state::DeltaLog log;
    write(state, log, u"a"_s, 10);
    write(state, log, u"b"_s, 20);
    write(state, log, u"a"_s, 30);
    write(state, log, u"session/1"_s, 40);
    write(state, log, u"c"_s, 50);
    write(state, log, u"b"_s, -1);
    write(state, log, u"session/1"_s, 70);

    ReplicaLink link;
    link.agent = u"bravo"_s;
    link.tier = tier;
    link.ackedSeq = ackedSeq;
    const UnackedFigures figures
        = replication::unackedFigures(link, log, state, *replication::defaultBatchPolicy(), scanLimit);
    QTEST(qint64(figures.keys), "keys");
    QTEST(qint64(figures.valueBytes), "bytes");
    QTEST(figures.partial, "partial");
}

void TestUnackedFigures::partialWhenTheLogDroppedTheWindowsStart()
{
    state::KeyValueState state;
    state::DeltaLog log(/*maxDeltas=*/3);
    for (int i = 0; i < 6; ++i)
        write(state, log, u"k%1"_s.arg(i), 100);
    ReplicaLink link;
    link.ackedSeq = 1; // seqs 2 and 3 are gone from the log
    UnackedFigures figures = replication::unackedFigures(link, log, state, *replication::defaultBatchPolicy());
    QCOMPARE(figures.keys, qint64(3));
    QCOMPARE(figures.valueBytes, qint64(300));
    QVERIFY(figures.partial);

    // Once it acknowledges within the log's reach, the figures are exact again.
    link.ackedSeq = 3;
    figures = replication::unackedFigures(link, log, state, *replication::defaultBatchPolicy());
    QCOMPARE(figures.keys, qint64(3));
    QVERIFY(!figures.partial);
}

QTEST_GUILESS_MAIN(TestUnackedFigures)
#include "tst_unackedfigures.moc"
