// A warm link's backlog per partition (docs/partitions.md): what planSync() is given, what a
// batch takes, acknowledgements, re-sending after a reconnection, and the property that matters
// most: whatever the partitions' order and however often keys are regrouped, no key's changes
// are ever delivered out of order, and the replica ends with the primary's state.

#include <QRandomGenerator>
#include <QTest>

#include "foresight/partitioning/linkbacklog.h"

using namespace foresight;
using namespace foresight::partitioning;
using config::ImpactClass;
using state::DeltaOp;
using state::StateDelta;

namespace {

StateDelta put(std::uint64_t seq, const QString &key, const QByteArray &value = QByteArray(10, 'v'))
{
    return StateDelta{1, seq, 0, key, DeltaOp::Put, value};
}

// Partitions by hand: each key listed goes to the given partition, every other key cold.
PartitionSet partitionsOf(const QList<std::pair<PartitionId, QStringList>> &groups,
                          ImpactClass firstClass = ImpactClass::Critical)
{
    PartitionSet set = coldOnlyPartitions(ClusteringAlgorithm::KMeans, {});
    ImpactClass impactClass = firstClass;
    for (const auto &[id, keys] : groups) {
        Partition partition;
        partition.id = id;
        partition.impactClass = impactClass;
        partition.toleratedStalenessMs = config::defaultToleratedStalenessMs(impactClass);
        partition.keys = keys;
        set.partitions.append(partition);
        for (const QString &key : keys)
            set.clustered.insert(key, id);
        impactClass = ImpactClass::Low;
    }
    return set;
}

ImpactClass lowClass(const QString &)
{
    return ImpactClass::Low;
}

} // namespace

class TestLinkBacklog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void planInputSendAndAcknowledge()
    {
        const PartitionSet set = partitionsOf({{1, {QStringLiteral("token")}}, {2, {QStringLiteral("cart")}}});
        LinkBacklog backlog;
        backlog.add(2, put(1, QStringLiteral("cart")), 100);
        backlog.add(1, put(2, QStringLiteral("token")), 200);
        backlog.add(2, put(3, QStringLiteral("checkout")), 300);
        QCOMPARE(backlog.pendingDeltas(), 3);

        const QList<PartitionBacklog> input = backlog.planInput(set);
        QCOMPARE(input.size(), 2);
        QCOMPARE(input[0].id, QStringLiteral("1"));
        QCOMPARE(input[0].impactClass, ImpactClass::Critical);
        QCOMPARE(input[1].pending.size(), 2);
        QCOMPARE(input[1].lastSyncMs, 100);

        // The critical partition leaves first, whatever its position in the log.
        auto plan = planSync(input, {}, 1000);
        QVERIFY(plan);
        QCOMPARE(plan->ranking.first().id, QStringLiteral("1"));
        auto sent = backlog.send(plan->batches.first(), 1);
        QVERIFY(sent);
        QCOMPARE(sent->size(), 3);
        QCOMPARE(sent->at(0).seq, 2u);
        QCOMPARE(sent->at(1).seq, 1u);
        QCOMPARE(sent->at(2).seq, 3u);
        QCOMPARE(backlog.sentDeltas(), 3);
        QVERIFY(backlog.planInput(set).isEmpty());   // nothing waits: sent ones are not planned again
        QCOMPARE(backlog.stalenessMs(2, 1000), 900); // still lacked until acknowledged
        backlog.acknowledge(1);
        QCOMPARE(backlog.pendingDeltas(), 0);
        QCOMPARE(backlog.pendingBytes(), 0);
        QCOMPARE(backlog.stalenessMs(2, 1000), 0);
    }

    void planInputCanListOneBatchWorth()
    {
        LinkBacklog backlog;
        for (std::uint64_t seq = 1; seq <= 50; ++seq)
            backlog.add(1, put(seq, QStringLiteral("k%1").arg(seq)), 0);
        const QList<PartitionBacklog> capped = backlog.planInput({}, 10);
        QCOMPARE(capped.first().pending.size(), 10);
        QCOMPARE(capped.first().pending.first().seq, 1u);
        QCOMPARE(backlog.planInput({}).first().pending.size(), 50);

        // A critical partition is listed whole: the deadline rule needs its whole backlog.
        const PartitionSet set = partitionsOf({{1, {}}});
        QCOMPARE(backlog.planInput(set, 10).first().impactClass, ImpactClass::Critical);
        QCOMPARE(backlog.planInput(set, 10).first().pending.size(), 50);
    }

    // A key rewritten while its change waits is sent once, with its latest value, in the place
    // and with the age of the change it replaced.
    void aWaitingChangeIsCoalescedWithTheKeysNextOne()
    {
        LinkBacklog backlog;
        backlog.add(1, put(1, QStringLiteral("cart/7"), "a"), 100);
        backlog.add(1, put(2, QStringLiteral("cart/8"), "b"), 150);
        backlog.add(1, put(3, QStringLiteral("cart/7"), "ccc"), 200);
        backlog.add(1, {1, 4, 0, QStringLiteral("cart/8"), DeltaOp::Delete, {}}, 250);
        QCOMPARE(backlog.pendingDeltas(), 2);
        QCOMPARE(backlog.coalescedDeltas(), 2);
        const StateDelta deleted{1, 4, 0, QStringLiteral("cart/8"), DeltaOp::Delete, {}};
        QCOMPARE(backlog.pendingBytes(), put(3, QStringLiteral("cart/7"), "ccc").byteSize() + deleted.byteSize());
        QCOMPARE(backlog.stalenessMs(1, 1000), 900); // lacked since the first change

        const QList<PartitionBacklog> input = backlog.planInput({});
        QCOMPARE(input.first().pending.size(), 2);
        QCOMPARE(input.first().lastSyncMs, 100);
        auto plan = planSync(input, {}, 1000);
        QVERIFY(plan);
        auto sent = backlog.send(plan->batches.first(), 1);
        QVERIFY(sent);
        QCOMPARE(sent->size(), 2);
        QCOMPARE(sent->at(0).key, QStringLiteral("cart/7")); // the first change's place
        QCOMPARE(sent->at(0).seq, 3u);
        QCOMPARE(sent->at(0).value, QByteArray("ccc"));
        QCOMPARE(sent->at(1).op, DeltaOp::Delete);

        // A sent change is never replaced: the next one waits behind it.
        backlog.add(1, put(5, QStringLiteral("cart/7"), "d"), 1100);
        QCOMPARE(backlog.sentDeltas(), 2);
        QCOMPARE(backlog.pendingDeltas(), 3);
        QCOMPARE(backlog.planInput({}).first().pending.size(), 1);
        backlog.acknowledge(1);
        QCOMPARE(backlog.stalenessMs(1, 1200), 100);
    }

    void coalescingFollowsAKeyThatMovedPartition()
    {
        LinkBacklog backlog;
        backlog.add(kColdPartitionId, put(1, QStringLiteral("a")), 0);
        backlog.add(kColdPartitionId, put(2, QStringLiteral("b")), 0);
        const PartitionSet set = partitionsOf({{3, {QStringLiteral("a")}}}, ImpactClass::High);
        backlog.regroup(set, lowClass);
        backlog.add(3, put(3, QStringLiteral("a")), 10);
        backlog.add(kColdPartitionId, put(4, QStringLiteral("b")), 10);
        QCOMPARE(backlog.pendingDeltas(), 2);
        QCOMPARE(backlog.coalescedDeltas(), 2);
        // A change given another partition than the key's waiting one is not merged into it.
        backlog.add(4, put(5, QStringLiteral("a")), 20);
        QCOMPARE(backlog.pendingDeltas(), 3);
    }

    void aBatchThatDoesNotMatchChangesNothing()
    {
        LinkBacklog backlog;
        backlog.add(1, put(1, QStringLiteral("a")), 0);
        backlog.add(1, put(2, QStringLiteral("b")), 0);
        SyncBatch wrong;
        wrong.slices.append({QStringLiteral("1"), 2, 2, 1, 58}); // not the front
        wrong.deltas = 1;
        QVERIFY(!backlog.send(wrong, 1));
        SyncBatch unknown;
        unknown.slices.append({QStringLiteral("7"), 1, 1, 1, 58});
        QVERIFY(!backlog.send(unknown, 1));
        QCOMPARE(backlog.sentDeltas(), 0);
        QCOMPARE(backlog.planInput({}).first().pending.size(), 2);
    }

    void resendPutsTheUnacknowledgedBackInFront()
    {
        LinkBacklog backlog;
        backlog.add(1, put(1, QStringLiteral("a")), 0);
        SyncBatch first;
        first.slices.append({QStringLiteral("1"), 1, 1, 1, put(1, QStringLiteral("a")).byteSize()});
        first.deltas = 1;
        QVERIFY(backlog.send(first, 1));
        backlog.add(1, put(2, QStringLiteral("a")), 0);
        backlog.resend();
        QCOMPARE(backlog.sentDeltas(), 0);
        const QList<PartitionBacklog> input = backlog.planInput({});
        QCOMPARE(input.first().pending.size(), 2);
        QCOMPARE(input.first().pending.first().seq, 1u); // the ticket: the resent change first
        // The key's newest waiting change still takes the next one.
        backlog.add(1, put(3, QStringLiteral("a")), 0);
        QCOMPARE(backlog.pendingDeltas(), 2);
    }

    // A random workload, random regroupings, batches planned by the scheduler over a slow link,
    // acknowledgements that lag and reconnections that lose what was in flight. The replica
    // applies what arrives; every key's changes must arrive in order, and at the end it holds
    // the primary's values.
    void noKeyIsEverReorderedAndTheReplicaConverges()
    {
        QRandomGenerator random(20261207);
        const QStringList keys = [] {
            QStringList k;
            for (int i = 0; i < 40; ++i)
                k.append(QStringLiteral("k%1").arg(i));
            return k;
        }();
        const auto randomPartitions = [&] {
            QList<std::pair<PartitionId, QStringList>> groups;
            for (const QString &key : keys) {
                const int group = random.bounded(5); // 0: cold
                if (group == 0)
                    continue;
                auto it = std::find_if(groups.begin(), groups.end(), [&](const auto &g) { return g.first == group; });
                if (it == groups.end())
                    groups.append({group, {key}});
                else
                    it->second.append(key);
            }
            return partitionsOf(groups);
        };
        PartitionSet set = randomPartitions();
        LinkBacklog backlog;
        QHash<QString, QByteArray> primary;
        QHash<QString, QByteArray> replica;
        QHash<QString, std::uint64_t> lastSeqApplied;
        QList<std::pair<std::uint64_t, QList<StateDelta>>> inFlight; // batch number, its deltas
        std::uint64_t seq = 0;
        std::uint64_t batchNo = 0;
        std::int64_t now = 0;
        const auto deliver = [&](const QList<StateDelta> &deltas) {
            for (const StateDelta &delta : deltas) {
                QVERIFY2(delta.seq > lastSeqApplied.value(delta.key), qPrintable(delta.key));
                lastSeqApplied[delta.key] = delta.seq;
                replica[delta.key] = delta.value;
            }
        };
        for (int step = 0; step < 3000; ++step) {
            now += 10;
            for (int w = random.bounded(4); w > 0; --w) {
                const QString key = keys[random.bounded(int(keys.size()))];
                const QByteArray value = QByteArray::number(++seq);
                primary[key] = value;
                backlog.add(set.partitionOf(key, ImpactClass::Low), put(seq, key, value), now);
            }
            if (random.bounded(100) == 0) {
                set = randomPartitions();
                backlog.regroup(set, lowClass);
            }
            if (random.bounded(3) == 0) {
                SyncSettings oneBatch;
                oneBatch.planHorizonMs = 1; // the first batch only, as a sender does
                auto plan = planSync(backlog.planInput(set), {2000, 40}, now, oneBatch);
                QVERIFY2(plan, qPrintable(plan ? QString() : plan.error().toString()));
                if (!plan->batches.isEmpty()) {
                    auto sent = backlog.send(plan->batches.first(), ++batchNo);
                    QVERIFY2(sent, qPrintable(sent ? QString() : sent.error().toString()));
                    inFlight.append({batchNo, *sent});
                }
            }
            if (!inFlight.isEmpty() && random.bounded(4) == 0) { // the oldest batch arrives
                deliver(inFlight.first().second);
                backlog.acknowledge(inFlight.first().first);
                inFlight.removeFirst();
            }
            if (random.bounded(500) == 0) { // a reconnection: what is in flight is lost
                inFlight.clear();
                backlog.resend();
            }
        }
        // Drain: deliver everything still waiting.
        for (;;) {
            for (const auto &[number, deltas] : std::as_const(inFlight)) {
                deliver(deltas);
                backlog.acknowledge(number);
            }
            inFlight.clear();
            auto plan = planSync(backlog.planInput(set), {}, now);
            QVERIFY(plan);
            if (plan->batches.isEmpty())
                break;
            for (const SyncBatch &batch : plan->batches) {
                auto sent = backlog.send(batch, ++batchNo);
                QVERIFY(sent);
                inFlight.append({batchNo, *sent});
            }
        }
        QCOMPARE(backlog.pendingDeltas(), 0);
        QCOMPARE(replica, primary);
        QVERIFY(backlog.coalescedDeltas() > 0); // the slow link made keys wait and be rewritten
    }
};

QTEST_GUILESS_MAIN(TestLinkBacklog)
#include "tst_linkbacklog.moc"
