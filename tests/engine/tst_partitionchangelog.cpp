// Per-partition change history (issue 20, section 2): a replica's staleness per partition, to
// the documented resolution and never under-estimated, in bounded memory, across forgetting what
// every replica holds and across re-partitioning.

#include <QTest>

#include "foresight/partitioning/partitionchangelog.h"

using namespace foresight::partitioning;

class TestPartitionChangeLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stalenessIsTheAgeOfTheOldestChangeNotHeld()
    {
        PartitionChangeLog log;
        log.record(1, 10, 1000);
        log.record(2, 11, 1005);
        log.record(1, 12, 1500);
        log.record(1, 13, 2000);

        QCOMPARE(log.stalenessMs(1, 9, 3000), 2000);  // lacks 10, 12, 13: since 1000
        QCOMPARE(log.stalenessMs(1, 10, 3000), 1500); // lacks 12, 13: since 1500
        QCOMPARE(log.stalenessMs(1, 11, 3000), 1500); // 11 is another partition's
        QCOMPARE(log.stalenessMs(1, 13, 3000), 0);    // holds everything
        QCOMPARE(log.stalenessMs(2, 10, 3000), 1995);
        QCOMPARE(log.stalenessMs(2, 11, 3000), 0);
        QCOMPARE(log.stalenessMs(7, 0, 3000), 0); // never changed
        QCOMPARE(log.lastChangeMs(1), std::optional<std::int64_t>(2000));
        QCOMPARE(log.lastChangeMs(7), std::nullopt);
    }

    void changesWithinTheResolutionShareACheckpoint()
    {
        PartitionChangeLog log(10);
        for (std::uint64_t seq = 1; seq <= 100; ++seq)
            log.record(1, seq, 1000 + std::int64_t(seq)); // one change a millisecond
        QCOMPARE(log.checkpoints(1), 10);
        // Holding up to seq 55 (time 1055) the oldest lacked is 56 (1056); the checkpoint that
        // holds it started at 1051: an over-estimate by less than the resolution.
        const std::int64_t staleness = log.stalenessMs(1, 55, 2000);
        QVERIFY(staleness >= 2000 - 1056);
        QVERIFY(staleness < 2000 - 1056 + 10);
    }

    void memoryIsBoundedAndOnlyOldResolutionIsLost()
    {
        PartitionChangeLog log(1, 64);
        for (std::uint64_t seq = 1; seq <= 10'000; ++seq)
            log.record(1, seq, std::int64_t(seq) * 10);
        QCOMPARE(log.checkpoints(1), 64);
        // Recent positions keep their full resolution...
        QCOMPARE(log.stalenessMs(1, 9990, 200'000), 200'000 - 99'910);
        // ...old ones are over-estimated, never under-estimated.
        QVERIFY(log.stalenessMs(1, 100, 200'000) >= 200'000 - 1010);
        QCOMPARE(log.stalenessMs(1, 0, 200'000), 200'000 - 10);
    }

    void forgettingWhatEveryReplicaHolds()
    {
        PartitionChangeLog log;
        log.record(1, 1, 100);
        log.record(1, 2, 200);
        log.record(1, 3, 300);
        log.forgetHeld(2);
        QCOMPARE(log.checkpoints(1), 1);
        QCOMPARE(log.stalenessMs(1, 2, 1000), 700);
        log.forgetHeld(3);
        QCOMPARE(log.stalenessMs(1, 0, 1000), 0);
        QCOMPARE(log.lastChangeMs(1), std::optional<std::int64_t>(300)); // kept after forgetting
    }

    void regroupingKeepsEveryPendingChange()
    {
        PartitionChangeLog log;
        log.record(1, 1, 100);
        log.record(2, 2, 200);
        log.record(1, 3, 300);
        log.record(3, 4, 400);
        // Partition 1 splits into 1 and 4; 2 and 3 merge into 2, and identity 3 is retired.
        log.regroup({{1, {1}}, {4, {1}}, {2, {2, 3}}});
        QCOMPARE(log.stalenessMs(1, 0, 1000), 900);
        QCOMPARE(log.stalenessMs(4, 1, 1000), 700);
        QCOMPARE(log.stalenessMs(2, 0, 1000), 800);
        QCOMPARE(log.stalenessMs(2, 2, 1000), 600);
        QCOMPARE(log.stalenessMs(3, 0, 1000), 0);
        QCOMPARE(log.lastChangeMs(2), std::optional<std::int64_t>(400));
        QCOMPARE(log.lastChangeMs(3), std::nullopt);
    }

    void regroupingMergesOverlappingRangesConservatively()
    {
        PartitionChangeLog log(1000);
        // Partition 1's checkpoint spans seqs 1..5 (within one resolution); 2's holds 3.
        log.record(1, 1, 0);
        log.record(2, 3, 10);
        log.record(1, 5, 20);
        log.regroup({{9, {1, 2}}});
        QCOMPARE(log.checkpoints(9), 1);
        QCOMPARE(log.stalenessMs(9, 4, 100), 100); // lacks 5: reported from the merged start
        QCOMPARE(log.stalenessMs(9, 5, 100), 0);
    }
};

QTEST_GUILESS_MAIN(TestPartitionChangeLog)
#include "tst_partitionchangelog.moc"
