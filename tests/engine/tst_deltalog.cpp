// Unit tests for DeltaLog: bounds, catch-up coverage, epochs and gap handling.

#include <limits>

#include <QTest>

#include "foresight/state/deltalog.h"

using namespace Qt::StringLiterals;
using foresight::state::DeltaLog;
using foresight::state::DeltaOp;
using foresight::state::StateDelta;

namespace {

// Epoch 1 for seq 1..3, 2 for 4..6, 5 from 7 on: the log must remember each delta's own epoch.
std::uint64_t epochFor(std::uint64_t seq)
{
    return seq <= 3 ? 1 : seq <= 6 ? 2 : 5;
}

// key "k<seq>" (2 or more UTF-16 units) and a value of valueSize bytes.
StateDelta makeDelta(std::uint64_t seq, qsizetype valueSize = 4)
{
    StateDelta delta;
    delta.seq = seq;
    delta.epoch = epochFor(seq);
    delta.timestampMs = 1000 + qint64(seq);
    delta.key = u"k%1"_s.arg(seq);
    delta.op = seq % 4 == 0 ? DeltaOp::Delete : DeltaOp::Put;
    if (delta.op == DeltaOp::Put)
        delta.value = QByteArray(valueSize, char('a' + seq % 26));
    return delta;
}

void appendRange(DeltaLog &log, std::uint64_t first, std::uint64_t last)
{
    for (std::uint64_t seq = first; seq <= last; ++seq)
        log.append(makeDelta(seq));
}

bool sameDelta(const StateDelta &a, const StateDelta &b)
{
    return a.seq == b.seq && a.epoch == b.epoch && a.timestampMs == b.timestampMs && a.key == b.key && a.op == b.op
           && a.value == b.value;
}

// The log used by the coverage tests: 5..10 after trimming to six deltas.
DeltaLog fiveToTen()
{
    DeltaLog log(6);
    appendRange(log, 1, 10);
    return log;
}

} // namespace

class TestDeltaLog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsEmpty();
    void boundedByCount_data();
    void boundedByCount();
    void boundedByBytes_data();
    void boundedByBytes();
    void setLimitsTrims();
    void coversAfter_data();
    void coversAfter();
    void coversAfterEmptyLog();
    void after_data();
    void after();
    void epochAt_data();
    void epochAt();
    void gapOnAppendResetsLog_data();
    void gapOnAppendResetsLog();
    void clear();
};

void TestDeltaLog::startsEmpty()
{
    DeltaLog log;
    QVERIFY(log.isEmpty());
    QCOMPARE(log.count(), 0);
    QCOMPARE(log.bytes(), 0);
    QCOMPARE(log.firstSeq(), 0u);
    QCOMPARE(log.lastSeq(), 0u);
    QVERIFY(log.after(0, 100).isEmpty());
    QVERIFY(!log.epochAt(0).has_value());
}

void TestDeltaLog::boundedByCount_data()
{
    QTest::addColumn<int>("maxDeltas");
    QTest::addColumn<int>("appended");
    QTest::addColumn<int>("expectedFirst");

    QTest::newRow("under the limit") << 10 << 7 << 1;
    QTest::newRow("at the limit") << 10 << 10 << 1;
    QTest::newRow("one over") << 10 << 11 << 2;
    QTest::newRow("far over") << 5 << 100 << 96;
    QTest::newRow("limit one") << 1 << 20 << 20;
    QTest::newRow("zero means one") << 0 << 3 << 3;
}

void TestDeltaLog::boundedByCount()
{
    QFETCH(int, maxDeltas);
    QFETCH(int, appended);
    QFETCH(int, expectedFirst);

    DeltaLog log(maxDeltas, 1024 * 1024);
    appendRange(log, 1, std::uint64_t(appended));
    QCOMPARE(log.firstSeq(), std::uint64_t(expectedFirst));
    QCOMPARE(log.lastSeq(), std::uint64_t(appended));
    QCOMPARE(log.count(), appended - expectedFirst + 1);

    qsizetype bytes = 0;
    for (std::uint64_t seq = std::uint64_t(expectedFirst); seq <= std::uint64_t(appended); ++seq)
        bytes += makeDelta(seq).byteSize();
    QCOMPARE(log.bytes(), bytes);
    // The survivors are the newest deltas, intact and in order.
    const QList<StateDelta> kept = log.after(0, 1000);
    QCOMPARE(kept.size(), log.count());
    for (qsizetype i = 0; i < kept.size(); ++i)
        QVERIFY(sameDelta(kept[i], makeDelta(std::uint64_t(expectedFirst + i))));
}

void TestDeltaLog::boundedByBytes_data()
{
    QTest::addColumn<int>("maxBytes");
    QTest::addColumn<int>("appended");
    QTest::addColumn<int>("valueSize");

    QTest::newRow("room for everything") << 100'000 << 20 << 100;
    QTest::newRow("a few hundred bytes") << 600 << 20 << 100;
    QTest::newRow("exactly the size of two puts") << 2 * (6 + 100 + 48) << 30 << 100;
    QTest::newRow("large values") << 10'000 << 50 << 3000;
}

void TestDeltaLog::boundedByBytes()
{
    QFETCH(int, maxBytes);
    QFETCH(int, appended);
    QFETCH(int, valueSize);

    DeltaLog log(1'000'000, maxBytes);
    for (std::uint64_t seq = 1; seq <= std::uint64_t(appended); ++seq) {
        log.append(makeDelta(seq, valueSize));
        QVERIFY(log.bytes() <= maxBytes || log.count() == 1);
        QCOMPARE(log.lastSeq(), seq);

        // The log is the longest suffix that fits: adding the next-older delta would not fit.
        qsizetype bytes = 0;
        for (std::uint64_t s = log.firstSeq(); s <= seq; ++s)
            bytes += makeDelta(s, valueSize).byteSize();
        QCOMPARE(log.bytes(), bytes);
        QCOMPARE(log.count(), qsizetype(seq - log.firstSeq() + 1));
        if (log.firstSeq() > 1)
            QVERIFY(bytes + makeDelta(log.firstSeq() - 1, valueSize).byteSize() > maxBytes);
    }
}

void TestDeltaLog::setLimitsTrims()
{
    DeltaLog log;
    appendRange(log, 1, 50);
    QCOMPARE(log.count(), 50);

    log.setLimits(20, 1024 * 1024);
    QCOMPARE(log.count(), 20);
    QCOMPARE(log.firstSeq(), 31u);

    const qsizetype threeNewest = makeDelta(48).byteSize() + makeDelta(49).byteSize() + makeDelta(50).byteSize();
    log.setLimits(20, threeNewest);
    QCOMPARE(log.count(), 3);
    QCOMPARE(log.firstSeq(), 48u);
    QCOMPARE(log.bytes(), threeNewest);

    // Raising the limits keeps what is there and lets the log grow again.
    log.setLimits(1000, 1024 * 1024);
    QCOMPARE(log.count(), 3);
    appendRange(log, 51, 60);
    QCOMPARE(log.count(), 13);
    QCOMPARE(log.firstSeq(), 48u);
}

void TestDeltaLog::coversAfter_data()
{
    QTest::addColumn<std::uint64_t>("seq");
    QTest::addColumn<bool>("covered");

    // The log holds 5..10.
    QTest::newRow("zero") << std::uint64_t(0) << false;
    QTest::newRow("first - 2") << std::uint64_t(3) << false;
    QTest::newRow("first - 1") << std::uint64_t(4) << true;
    QTest::newRow("first") << std::uint64_t(5) << true;
    QTest::newRow("middle") << std::uint64_t(7) << true;
    QTest::newRow("last - 1") << std::uint64_t(9) << true;
    QTest::newRow("last") << std::uint64_t(10) << true;
    QTest::newRow("last + 1") << std::uint64_t(11) << false;
    QTest::newRow("far beyond") << std::uint64_t(1'000'000) << false;
    QTest::newRow("max") << std::numeric_limits<std::uint64_t>::max() << false;
}

void TestDeltaLog::coversAfter()
{
    QFETCH(std::uint64_t, seq);
    QFETCH(bool, covered);

    const DeltaLog log = fiveToTen();
    QCOMPARE(log.firstSeq(), 5u);
    QCOMPARE(log.lastSeq(), 10u);
    QCOMPARE(log.coversAfter(seq), covered);

    // When covered, after() hands back exactly the missing deltas, without a gap.
    if (covered) {
        const QList<StateDelta> missing = log.after(seq, 1000);
        QCOMPARE(missing.size(), qsizetype(10 - seq));
        for (qsizetype i = 0; i < missing.size(); ++i)
            QCOMPARE(missing[i].seq, seq + 1 + std::uint64_t(i));
    }
}

void TestDeltaLog::coversAfterEmptyLog()
{
    DeltaLog log;
    QVERIFY(!log.coversAfter(0));
    QVERIFY(!log.coversAfter(1));
    QVERIFY(!log.coversAfter(100));

    // A log that starts at 1 covers a replica that has nothing.
    log.append(makeDelta(1));
    QVERIFY(log.coversAfter(0));
    QVERIFY(log.coversAfter(1));
    QVERIFY(!log.coversAfter(2));
}

void TestDeltaLog::after_data()
{
    QTest::addColumn<std::uint64_t>("seq");
    QTest::addColumn<int>("maxCount");
    QTest::addColumn<int>("expectedFirst");
    QTest::addColumn<int>("expectedCount");

    // The log holds 5..10.
    QTest::newRow("from first - 1") << std::uint64_t(4) << 100 << 5 << 6;
    QTest::newRow("from the middle") << std::uint64_t(7) << 100 << 8 << 3;
    QTest::newRow("from last - 1") << std::uint64_t(9) << 100 << 10 << 1;
    QTest::newRow("from last") << std::uint64_t(10) << 100 << 0 << 0;
    QTest::newRow("beyond last") << std::uint64_t(12) << 100 << 0 << 0;
    QTest::newRow("limited") << std::uint64_t(4) << 2 << 5 << 2;
    QTest::newRow("limited in the middle") << std::uint64_t(6) << 3 << 7 << 3;
    QTest::newRow("limit exactly the rest") << std::uint64_t(6) << 4 << 7 << 4;
    QTest::newRow("limit one") << std::uint64_t(8) << 1 << 9 << 1;
    QTest::newRow("limit zero") << std::uint64_t(4) << 0 << 0 << 0;
}

void TestDeltaLog::after()
{
    QFETCH(std::uint64_t, seq);
    QFETCH(int, maxCount);
    QFETCH(int, expectedFirst);
    QFETCH(int, expectedCount);

    const DeltaLog log = fiveToTen();
    const QList<StateDelta> deltas = log.after(seq, maxCount);
    QCOMPARE(deltas.size(), expectedCount);
    for (qsizetype i = 0; i < deltas.size(); ++i) {
        const StateDelta expected = makeDelta(std::uint64_t(expectedFirst + i));
        QVERIFY2(sameDelta(deltas[i], expected), qPrintable(u"delta %1"_s.arg(expected.seq)));
    }
}

void TestDeltaLog::epochAt_data()
{
    QTest::addColumn<std::uint64_t>("seq");
    QTest::addColumn<int>("epoch"); // -1: not in the log

    // The log holds 5..10; epochs are 2 for 4..6 and 5 from 7.
    QTest::newRow("zero") << std::uint64_t(0) << -1;
    QTest::newRow("dropped") << std::uint64_t(4) << -1;
    QTest::newRow("first") << std::uint64_t(5) << 2;
    QTest::newRow("last of epoch 2") << std::uint64_t(6) << 2;
    QTest::newRow("first of epoch 5") << std::uint64_t(7) << 5;
    QTest::newRow("last") << std::uint64_t(10) << 5;
    QTest::newRow("beyond last") << std::uint64_t(11) << -1;
}

void TestDeltaLog::epochAt()
{
    QFETCH(std::uint64_t, seq);
    QFETCH(int, epoch);

    const std::optional<std::uint64_t> actual = fiveToTen().epochAt(seq);
    QCOMPARE(actual.has_value(), epoch >= 0);
    if (epoch >= 0)
        QCOMPARE(*actual, std::uint64_t(epoch));
}

void TestDeltaLog::gapOnAppendResetsLog_data()
{
    QTest::addColumn<std::uint64_t>("next");
    // The log holds 1..5.
    QTest::newRow("skips one") << std::uint64_t(7);
    QTest::newRow("far ahead") << std::uint64_t(500);
    QTest::newRow("repeat") << std::uint64_t(5);
    QTest::newRow("backwards") << std::uint64_t(2);
}

void TestDeltaLog::gapOnAppendResetsLog()
{
    QFETCH(std::uint64_t, next);

    DeltaLog log;
    appendRange(log, 1, 5);
    QCOMPARE(log.count(), 5);

    const StateDelta delta = makeDelta(next);
    log.append(delta);
    QCOMPARE(log.count(), 1);
    QCOMPARE(log.firstSeq(), next);
    QCOMPARE(log.lastSeq(), next);
    QCOMPARE(log.bytes(), delta.byteSize());
    QVERIFY(log.coversAfter(next - 1));
    QVERIFY(!log.coversAfter(next - 2));
    QCOMPARE(log.epochAt(next), std::optional<std::uint64_t>(delta.epoch));
    QVERIFY(!log.epochAt(1).has_value() || next == 1);
    const QList<StateDelta> all = log.after(0, 100);
    QCOMPARE(all.size(), 1);
    QVERIFY(sameDelta(all.first(), delta));

    // It keeps growing from the new position.
    log.append(makeDelta(next + 1));
    QCOMPARE(log.count(), 2);
    QCOMPARE(log.lastSeq(), next + 1);
}

void TestDeltaLog::clear()
{
    DeltaLog log;
    appendRange(log, 1, 5);
    log.clear();
    QVERIFY(log.isEmpty());
    QCOMPARE(log.bytes(), 0);
    QVERIFY(!log.coversAfter(5));
    // After a clear any sequence may start the log.
    log.append(makeDelta(42));
    QCOMPARE(log.firstSeq(), 42u);
    QCOMPARE(log.count(), 1);
}

QTEST_GUILESS_MAIN(TestDeltaLog)
#include "tst_deltalog.moc"
