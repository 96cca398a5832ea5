// Unit tests for the staleness-impact score and the synchronization scheduler
// (docs/partitions.md): ordering on crafted partitions, batch sizes from link figures, prefetch,
// the order of one partition's deltas, and a discrete-time simulation of a slow link against
// first-in-first-out shipping.

#include <cmath>

#include <QHash>
#include <QPair>
#include <QSet>
#include <QTest>

#include "foresight/partitioning/stalenessimpact.h"
#include "foresight/partitioning/syncscheduler.h"
#include "resulttext.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::Tier;
using foresight::config::ImpactClass;
using foresight::testing::errorText;
using namespace foresight::partitioning;

namespace {

constexpr std::int64_t kNow = 1'000'000;

// A partition with `count` pending deltas of `bytes` each, from seq firstSeq on, stale for
// stalenessMs.
PartitionBacklog partition(const QString &id,
                           ImpactClass impactClass,
                           int toleratedMs,
                           double accessesPerSecond,
                           std::int64_t stalenessMs,
                           qsizetype count = 1,
                           qsizetype bytes = 100,
                           std::uint64_t firstSeq = 1)
{
    PartitionBacklog p;
    p.id = id;
    p.impactClass = impactClass;
    p.toleratedStalenessMs = toleratedMs;
    p.accessesPerSecond = accessesPerSecond;
    p.lastSyncMs = kNow - stalenessMs;
    for (qsizetype i = 0; i < count; ++i)
        p.pending.append({firstSeq + std::uint64_t(i), bytes});
    return p;
}

const LinkConditions kLan{100e6, 1};

QStringList order(const SyncPlan &plan)
{
    QStringList ids;
    for (const PartitionRank &rank : plan.ranking)
        ids.append(rank.id);
    return ids;
}

// The partitions of the batches, in wire order, one entry per slice.
QStringList wireOrder(const SyncPlan &plan)
{
    QStringList ids;
    for (const SyncBatch &batch : plan.batches) {
        for (const BatchSlice &slice : batch.slices)
            ids.append(slice.partition);
    }
    return ids;
}

} // namespace

class TestSyncScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scoreFollowsTheFormula();
    void partitionTakesItsStrictestKey();
    void hotIsNotScheduled();
    void criticalBeforeLowAtEqualFrequency();
    void frequentHighBeatsRareHigh();
    void criticalNearDeadlineJumpsAhead();
    void dueCriticalsEarliestDeadlineFirst();
    void prefetchRaisesSoonRead();
    void batchSizeFollowsTheLink();
    void batchesRespectLimits();
    void planHorizonLimitsThePlan();
    void partitionOrderPreserved();
    void badInputRefused();
    void simulatedSlowLink();
};

void TestSyncScheduler::scoreFollowsTheFormula()
{
    // W * (1 + log2(1 + f)) * staleness / tolerated.
    QCOMPARE(stalenessImpactScore(ImpactClass::Critical, 3, 250, 500), 64 * 3 * 0.5);
    QCOMPARE(stalenessImpactScore(ImpactClass::Low, 0, 1200, 600), 1 * 1 * 2.0);
    QCOMPARE(stalenessImpactScore(ImpactClass::High, 1, 0, 500), 0.0);
    QCOMPARE(impactWeight(ImpactClass::Medium), 4.0);
    QCOMPARE(frequencyFactor(-5), 1.0); // a bad rate counts as none
    QCOMPARE(frequencyFactor(std::nan("")), 1.0);
    // Frequency helps, logarithmically: a thousand accesses a second weigh about 11.
    QVERIFY(frequencyFactor(1000) > 10.9 && frequencyFactor(1000) < 11);
    // Staleness grows without bound: a partition that waits long enough outranks any other.
    QVERIFY(stalenessImpactScore(ImpactClass::Low, 0, 1000 * std::int64_t(600'000), 600'000)
            > stalenessImpactScore(ImpactClass::Critical, 1000, 1000, 1000));

    // The cost: W * (1 + log2(1 + f)) * staleness in seconds, whatever the tolerance.
    QCOMPARE(stalenessCost(ImpactClass::Critical, 3, 250), 64 * 3 * 0.25);
    QCOMPARE(stalenessCost(ImpactClass::Low, 0, 120'000), 120.0);
    QCOMPARE(stalenessCost(ImpactClass::High, 1, -5), 0.0);
}

void TestSyncScheduler::partitionTakesItsStrictestKey()
{
    const auto function = foresight::config::ImpactFunction::compile({{{u"cart/*"_s}, ImpactClass::Critical, 2000},
                                                                      {{u"log/*"_s}, ImpactClass::Low, 100}},
                                                                     u"impact"_s);
    QVERIFY2(function, qPrintable(errorText(function)));
    const auto impact = partitionImpact(*function, {u"log/1"_s, u"cart/1"_s, u"other"_s});
    QCOMPARE(impact.impactClass, ImpactClass::Critical);
    QCOMPARE(impact.toleratedStalenessMs, 100); // the low rule's tolerance is the stricter one
    QCOMPARE(partitionImpact(*function, {}), foresight::config::unmatchedImpact());
}

void TestSyncScheduler::hotIsNotScheduled()
{
    QVERIFY(!isScheduled(Tier::Hot));
    QVERIFY(!isScheduled(Tier::None));
    QVERIFY(isScheduled(Tier::Warm));
    QVERIFY(isScheduled(Tier::Cold));
}

void TestSyncScheduler::criticalBeforeLowAtEqualFrequency()
{
    // The same frequency, the same staleness (200 ms), the low one listed first: only the class
    // separates them. Neither is near its deadline.
    const auto plan = planSync({partition(u"history"_s, ImpactClass::Low, 600'000, 5, 200, 1, 100, 1),
                                partition(u"cart"_s, ImpactClass::Critical, 1000, 5, 200, 1, 100, 2)},
                               kLan,
                               kNow);
    QVERIFY2(plan, qPrintable(errorText(plan)));
    QCOMPARE(order(*plan), QStringList({u"cart"_s, u"history"_s}));
    QVERIFY(!plan->ranking.at(0).due);
    QCOMPARE(wireOrder(*plan), QStringList({u"cart"_s, u"history"_s}));
    QCOMPARE(plan->ranking.at(0).cost, 64 * plan->ranking.at(1).cost);

    // A low partition stale 64 times as long costs what the critical one does; longer, it goes
    // first, although far inside its tolerance (the ratio would have it wait ten minutes).
    const auto later = planSync({partition(u"history"_s, ImpactClass::Low, 600'000, 5, 13'000, 1, 100, 1),
                                 partition(u"cart"_s, ImpactClass::Critical, 1000, 5, 200, 1, 100, 2)},
                                kLan,
                                kNow);
    QVERIFY(later);
    QCOMPARE(order(*later), QStringList({u"history"_s, u"cart"_s}));
    QVERIFY(later->ranking.at(0).score < later->ranking.at(1).score);
}

void TestSyncScheduler::frequentHighBeatsRareHigh()
{
    const auto plan = planSync({partition(u"rare"_s, ImpactClass::High, 5000, 0.1, 1000, 1, 100, 1),
                                partition(u"frequent"_s, ImpactClass::High, 5000, 50, 1000, 1, 100, 2)},
                               kLan,
                               kNow);
    QVERIFY2(plan, qPrintable(errorText(plan)));
    QCOMPARE(order(*plan), QStringList({u"frequent"_s, u"rare"_s}));
}

void TestSyncScheduler::criticalNearDeadlineJumpsAhead()
{
    // A critical partition nobody reads, at 60% of its tolerance, against a high one read a
    // thousand times a second and at a third of its own: by cost the high one wins (16 * 11 * 20
    // against 64 * 1 * 0.6), but the critical one is due.
    const QList<PartitionBacklog> partitions{partition(u"busy"_s, ImpactClass::High, 60'000, 1000, 20'000, 1, 100, 1),
                                             partition(u"token"_s, ImpactClass::Critical, 1000, 0, 600, 1, 100, 2)};
    SyncSettings noDeadline;
    noDeadline.deadlineShare = 10; // never due: the cost alone
    const auto byScore = planSync(partitions, kLan, kNow, noDeadline);
    QVERIFY2(byScore, qPrintable(errorText(byScore)));
    QCOMPARE(order(*byScore), QStringList({u"busy"_s, u"token"_s}));

    const auto plan = planSync(partitions, kLan, kNow);
    QVERIFY2(plan, qPrintable(errorText(plan)));
    QCOMPARE(order(*plan), QStringList({u"token"_s, u"busy"_s}));
    QVERIFY(plan->ranking.at(0).due);
    QVERIFY(!plan->ranking.at(1).due);
    QCOMPARE(plan->batches.first().slices.first().partition, u"token"_s);

    // The rule holds every class to its tolerance: a low partition at 60% of its own goes before
    // a critical one that is not due, whatever their costs.
    const auto low = planSync({partition(u"token"_s, ImpactClass::Critical, 1000, 1000, 400, 1, 100, 1),
                               partition(u"log"_s, ImpactClass::Low, 10'000, 0, 6000, 1, 100, 2)},
                              kLan,
                              kNow);
    QVERIFY(low);
    QCOMPARE(order(*low), QStringList({u"log"_s, u"token"_s}));
    QVERIFY(low->ranking.at(0).due);

    // Well inside its tolerance, it is not due and waits its turn by cost.
    const auto early = planSync({partitions.at(0),
                                 partition(u"token"_s, ImpactClass::Critical, 1000, 0, 100, 1, 100, 2)},
                                kLan,
                                kNow);
    QVERIFY(early);
    QCOMPARE(order(*early), QStringList({u"busy"_s, u"token"_s}));
}

void TestSyncScheduler::dueCriticalsEarliestDeadlineFirst()
{
    // Both due; the one with less slack goes first even though the other scores higher.
    const auto plan = planSync({partition(u"wide"_s, ImpactClass::Critical, 10'000, 1000, 8000, 1, 100, 1),
                                partition(u"tight"_s, ImpactClass::Critical, 1000, 0, 700, 1, 100, 2)},
                               kLan,
                               kNow);
    QVERIFY(plan);
    QCOMPARE(order(*plan), QStringList({u"tight"_s, u"wide"_s}));
    QVERIFY(plan->ranking.at(0).slackMs < plan->ranking.at(1).slackMs);

    // The time to ship counts: on a slow link a large backlog is due sooner.
    const LinkConditions slow{10'000, 100};
    const auto shipping = planSync({partition(u"big"_s, ImpactClass::Critical, 1000, 0, 100, 40, 100, 1)}, slow, kNow);
    QVERIFY(shipping);
    QVERIFY(shipping->ranking.at(0).due); // 100 ms stale + 50 ms + 4000 bytes at 10 KB/s = 550 ms
}

void TestSyncScheduler::prefetchRaisesSoonRead()
{
    // "later" is a little staler and would go first; "soon" is predicted to be read in a second.
    PartitionBacklog soon = partition(u"soon"_s, ImpactClass::Medium, 60'000, 1, 10'000, 1, 100, 1);
    const PartitionBacklog later = partition(u"later"_s, ImpactClass::Medium, 60'000, 1, 12'000, 1, 100, 2);
    const auto without = planSync({soon, later}, kLan, kNow);
    QVERIFY(without);
    QCOMPARE(order(*without), QStringList({u"later"_s, u"soon"_s}));

    soon.predictedReadMs = kNow + 1000;
    const auto with = planSync({soon, later}, kLan, kNow);
    QVERIFY(with);
    QCOMPARE(order(*with), QStringList({u"soon"_s, u"later"_s}));
    QVERIFY(with->ranking.at(0).prefetch);
    // 1 + 3 * (1 - 1000 / 10000) = 3.7
    QVERIFY(std::abs(with->ranking.at(0).priority / with->ranking.at(0).cost - 3.7) < 1e-9);

    // A read predicted beyond the horizon changes nothing.
    soon.predictedReadMs = kNow + 60'000;
    const auto far = planSync({soon, later}, kLan, kNow);
    QVERIFY(far);
    QCOMPARE(order(*far), QStringList({u"later"_s, u"soon"_s}));
    QVERIFY(!far->ranking.at(1).prefetch);
}

void TestSyncScheduler::batchSizeFollowsTheLink()
{
    const SyncSettings settings;
    const LinkConditions slow{16'000, 200}; // 128 kbit/s, far away
    const LinkConditions fast{100e6, 1};
    const qsizetype slowBatch = batchBytesFor(slow, settings);
    const qsizetype fastBatch = batchBytesFor(fast, settings);
    QCOMPARE(slowBatch, qsizetype(16'000 * 0.25)); // bandwidth * (50 ms + 200 ms)
    QCOMPARE(fastBatch, settings.limits.maxBytes); // clamped to replication's message limit
    QVERIFY(slowBatch < fastBatch);
    // The round trip counts: the same bandwidth further away gets larger batches.
    QVERIFY(batchBytesFor({16'000, 10}, settings) < slowBatch);
    // A crawl gets the floor; an unmeasured link the ceiling.
    QCOMPARE(batchBytesFor({100, 10}, settings), settings.minBatchBytes);
    QCOMPARE(batchBytesFor({0, 10}, settings), settings.limits.maxBytes);
    SyncSettings tight;
    tight.limits.maxBytes = 64 * 1024; // the message limit wins over maxBatchBytes
    QCOMPARE(batchBytesFor(fast, tight), 64 * 1024);

    // The plans cut the same backlog into more, smaller batches on the slow link.
    const QList<PartitionBacklog> backlog{partition(u"p"_s, ImpactClass::Medium, 60'000, 1, 1000, 2000, 500)};
    const auto slowPlan = planSync(backlog, slow, kNow);
    const auto fastPlan = planSync(backlog, fast, kNow);
    QVERIFY(slowPlan && fastPlan);
    QCOMPARE(slowPlan->batchBytes, slowBatch);
    QVERIFY(slowPlan->batches.size() > fastPlan->batches.size());
    for (const SyncBatch &batch : slowPlan->batches)
        QVERIFY(batch.bytes <= slowBatch);
}

void TestSyncScheduler::batchesRespectLimits()
{
    SyncSettings settings;
    settings.limits.maxItems = 10;
    settings.limits.maxBytes = 4096;
    const auto plan = planSync({partition(u"a"_s, ImpactClass::High, 5000, 1, 1000, 35, 100, 1),
                                partition(u"b"_s, ImpactClass::Low, 600'000, 1, 1000, 3, 2000, 100),
                                partition(u"huge"_s, ImpactClass::Low, 600'000, 0, 10, 1, 100'000, 200)},
                               kLan,
                               kNow,
                               settings);
    QVERIFY2(plan, qPrintable(errorText(plan)));
    QCOMPARE(plan->batchBytes, 4096);
    qsizetype deltas = 0;
    for (const SyncBatch &batch : plan->batches) {
        QVERIFY(batch.deltas >= 1);
        QVERIFY(batch.deltas <= 10);
        // Only a delta larger than a batch may exceed it, and then alone.
        QVERIFY2(batch.bytes <= 4096 || batch.deltas == 1, qPrintable(QString::number(batch.bytes)));
        qsizetype sliceBytes = 0;
        for (const BatchSlice &slice : batch.slices)
            sliceBytes += slice.bytes;
        QCOMPARE(sliceBytes, batch.bytes);
        deltas += batch.deltas;
    }
    QCOMPARE(deltas, 35 + 3 + 1); // everything pending is planned
    QCOMPARE(plan->batches.last().slices.last().partition, u"huge"_s);
    QCOMPARE(plan->batches.last().bytes, 100'000);
}

void TestSyncScheduler::planHorizonLimitsThePlan()
{
    SyncSettings settings;
    settings.planHorizonMs = 1000;
    const LinkConditions link{10'000, 50}; // 10 KB/s: 10,000 bytes within the horizon
    const auto plan
        = planSync({partition(u"p"_s, ImpactClass::Medium, 60'000, 1, 1000, 1000, 100)}, link, kNow, settings);
    QVERIFY(plan);
    qsizetype bytes = 0;
    for (const SyncBatch &batch : plan->batches)
        bytes += batch.bytes;
    QVERIFY2(bytes >= 10'000 && bytes < 10'000 + plan->batchBytes, qPrintable(QString::number(bytes)));
}

void TestSyncScheduler::partitionOrderPreserved()
{
    // Two partitions with interleaved sequence numbers, each spread over several batches.
    PartitionBacklog a = partition(u"a"_s, ImpactClass::Critical, 1000, 1, 100, 0);
    PartitionBacklog b = partition(u"b"_s, ImpactClass::Low, 600'000, 1, 100, 0);
    for (std::uint64_t seq = 1; seq <= 200; ++seq)
        (seq % 3 == 0 ? b : a).pending.append({seq, qsizetype(50 + seq % 7 * 40)});
    SyncSettings settings;
    settings.maxBatchBytes = 1500;
    const auto plan = planSync({b, a}, kLan, kNow, settings);
    QVERIFY2(plan, qPrintable(errorText(plan)));
    QVERIFY(plan->batches.size() > 5);

    QHash<QString, qsizetype> next; // index into the partition's pending list of the next delta
    const QHash<QString, const PartitionBacklog *> byId{{u"a"_s, &a}, {u"b"_s, &b}};
    for (const SyncBatch &batch : plan->batches) {
        QSet<QString> inBatch;
        for (const BatchSlice &slice : batch.slices) {
            QVERIFY2(!inBatch.contains(slice.partition), "a partition appears once per batch");
            inBatch.insert(slice.partition);
            const QList<PendingDelta> &pending = byId.value(slice.partition)->pending;
            qsizetype &at = next[slice.partition];
            // Each slice starts exactly where the previous one of its partition ended.
            QCOMPARE(slice.firstSeq, pending.at(at).seq);
            at += slice.deltas;
            QCOMPARE(slice.lastSeq, pending.at(at - 1).seq);
        }
    }
    QCOMPARE(next.value(u"a"_s), a.pending.size());
    QCOMPARE(next.value(u"b"_s), b.pending.size());
}

void TestSyncScheduler::badInputRefused()
{
    const auto check = [](const QList<PartitionBacklog> &partitions, const QString &expected) {
        const auto plan = planSync(partitions, kLan, kNow);
        if (plan)
            return QStringLiteral("accepted");
        if (plan.error().code != ErrorCode::InvalidArgument || !plan.error().message.startsWith(expected))
            return plan.error().message;
        return QString();
    };
    const PartitionBacklog good = partition(u"p"_s, ImpactClass::Low, 1000, 1, 10);
    PartitionBacklog unordered = good;
    unordered.pending = {{5, 10}, {4, 10}};
    PartitionBacklog negative = good;
    negative.pending = {{1, -1}};
    PartitionBacklog tolerance = good;
    tolerance.toleratedStalenessMs = 0;
    PartitionBacklog anonymous = good;
    anonymous.id.clear();

    QCOMPARE(check({unordered}, u"partition 'p': pending delta 4 follows 5"_s), QString());
    QCOMPARE(check({negative}, u"partition 'p': delta 1 has a negative size"_s), QString());
    QCOMPARE(check({tolerance}, u"partition 'p': tolerated staleness 0 ms is out of range"_s), QString());
    QCOMPARE(check({good, good}, u"partition 'p': listed twice"_s), QString());
    QCOMPARE(check({anonymous}, u"a partition has no id"_s), QString());
    QVERIFY(planSync({good}, kLan, kNow));
}

// A discrete-time loop, no sockets: one critical partition and four low ones are written faster
// than a 20 KB/s link carries. Each tick, writes arrive; whenever the link is free the next
// batch leaves (planned afresh by the scheduler, or the oldest deltas first for FIFO) and
// arrives after its transfer time and half a round trip.
void TestSyncScheduler::simulatedSlowLink()
{
    struct Outcome
    {
        double weightedStaleness = 0; // sum over ticks and partitions of W * staleness * tick
        std::int64_t criticalMaxMs = 0;
        std::int64_t lowMaxMs = 0;
        bool inOrder = true;
        QString error; // planSync() refused the backlog
    };
    constexpr std::int64_t kTickMs = 10;
    constexpr std::int64_t kDurationMs = 60'000;
    constexpr int kCriticalToleranceMs = 500;
    const LinkConditions link{20'000, 40};

    const auto run = [&](bool fifo) {
        struct Written
        {
            std::uint64_t seq;
            qsizetype bytes;
            std::int64_t atMs;
        };
        struct Partition
        {
            PartitionBacklog backlog; // pending: written, not yet sent
            QList<Written> unsent;
            QList<Written> undelivered; // written, not yet at the replica (sent or not)
            std::uint64_t lastDelivered = 0;
        };
        QList<Partition> partitions;
        partitions.append({partition(u"cart"_s, ImpactClass::Critical, kCriticalToleranceMs, 20, 0, 0), {}, {}, 0});
        for (int i = 0; i < 4; ++i)
            partitions.append({partition(u"history%1"_s.arg(i), ImpactClass::Low, 600'000, 2, 0, 0), {}, {}, 0});

        Outcome outcome;
        std::uint64_t seq = 0;
        std::int64_t linkFreeAtMs = 0;
        QList<QPair<std::int64_t, QList<BatchSlice>>> inFlight; // arrival time, what arrives
        SyncSettings settings;
        settings.planHorizonMs = 0;
        for (std::int64_t now = 0; now < kDurationMs; now += kTickMs) {
            // Writes: 300 bytes to the cart every 100 ms (3 KB/s), 1,200 bytes to each history
            // partition every 200 ms (24 KB/s together): 27 KB/s offered to a 20 KB/s link.
            const auto write = [&](Partition &p, qsizetype bytes) {
                const Written w{++seq, bytes, now};
                p.unsent.append(w);
                p.undelivered.append(w);
            };
            if (now % 100 == 0)
                write(partitions[0], 300);
            for (int i = 1; i <= 4; ++i) {
                if (now % 200 == (i * 40) % 200)
                    write(partitions[i], 1200);
            }

            // Arrivals.
            for (qsizetype f = 0; f < inFlight.size();) {
                if (inFlight.at(f).first > now) {
                    ++f;
                    continue;
                }
                for (const BatchSlice &slice : inFlight.at(f).second) {
                    for (Partition &p : partitions) {
                        if (p.backlog.id != slice.partition)
                            continue;
                        while (!p.undelivered.isEmpty() && p.undelivered.first().seq <= slice.lastSeq) {
                            outcome.inOrder = outcome.inOrder && p.undelivered.first().seq > p.lastDelivered;
                            p.lastDelivered = p.undelivered.first().seq;
                            p.undelivered.removeFirst();
                        }
                    }
                }
                inFlight.removeAt(f);
            }

            // The link takes the next batch when it is free.
            if (linkFreeAtMs <= now) {
                QList<BatchSlice> batch;
                qsizetype bytes = 0;
                if (fifo) {
                    const qsizetype limit = batchBytesFor(link, settings);
                    while (true) {
                        Partition *oldest = nullptr;
                        for (Partition &p : partitions) {
                            if (!p.unsent.isEmpty() && (!oldest || p.unsent.first().seq < oldest->unsent.first().seq))
                                oldest = &p;
                        }
                        if (!oldest || (bytes > 0 && bytes + oldest->unsent.first().bytes > limit))
                            break;
                        const Written w = oldest->unsent.takeFirst();
                        batch.append({oldest->backlog.id, w.seq, w.seq, 1, w.bytes});
                        bytes += w.bytes;
                    }
                } else {
                    QList<PartitionBacklog> backlogs;
                    for (const Partition &p : partitions) {
                        PartitionBacklog b = p.backlog;
                        b.pending.clear();
                        for (const Written &w : p.unsent)
                            b.pending.append({w.seq, w.bytes});
                        // The replica last held everything just before the oldest change it lacks.
                        b.lastSyncMs = p.undelivered.isEmpty() ? now : p.undelivered.first().atMs;
                        backlogs.append(b);
                    }
                    const auto plan = planSync(backlogs, link, now, settings);
                    if (!plan) {
                        outcome.error = errorText(plan);
                        return outcome;
                    }
                    if (!plan->batches.isEmpty()) {
                        batch = plan->batches.first().slices;
                        bytes = plan->batches.first().bytes;
                        for (const BatchSlice &slice : batch) {
                            for (Partition &p : partitions) {
                                if (p.backlog.id == slice.partition)
                                    p.unsent.remove(0, slice.deltas);
                            }
                        }
                    }
                }
                if (!batch.isEmpty()) {
                    const auto transferMs = std::int64_t(std::ceil(double(bytes) * 1000 / link.bandwidthBytesPerSecond));
                    linkFreeAtMs = now + transferMs;
                    inFlight.append({now + transferMs + std::int64_t(link.roundTripMs / 2), batch});
                }
            }

            // Staleness, after this tick's deliveries.
            for (const Partition &p : partitions) {
                const std::int64_t staleness = p.undelivered.isEmpty() ? 0 : now - p.undelivered.first().atMs;
                outcome.weightedStaleness += impactWeight(p.backlog.impactClass) * double(staleness) * kTickMs;
                std::int64_t &max = p.backlog.impactClass == ImpactClass::Critical ? outcome.criticalMaxMs
                                                                                   : outcome.lowMaxMs;
                max = std::max(max, staleness);
            }
        }
        return outcome;
    };

    const Outcome scheduled = run(false);
    const Outcome fifo = run(true);
    const QString figures = u"scheduled: critical max %1 ms, low max %2 ms, weighted %3; "
                            "fifo: critical max %4 ms, low max %5 ms, weighted %6"_s.arg(scheduled.criticalMaxMs)
                                .arg(scheduled.lowMaxMs)
                                .arg(scheduled.weightedStaleness, 0, 'g', 4)
                                .arg(fifo.criticalMaxMs)
                                .arg(fifo.lowMaxMs)
                                .arg(fifo.weightedStaleness, 0, 'g', 4);
    qInfo().noquote() << figures;
    QVERIFY2(scheduled.error.isEmpty(), qPrintable(scheduled.error));
    QVERIFY2(scheduled.inOrder && fifo.inOrder, "a partition's deltas arrived out of order");
    // The critical partition stays within its tolerance; the low ones lag (the link is short
    // of 7 KB/s, and they pay for it).
    QVERIFY2(scheduled.criticalMaxMs <= kCriticalToleranceMs, qPrintable(figures));
    QVERIFY2(scheduled.lowMaxMs > 10 * kCriticalToleranceMs, qPrintable(figures));
    // FIFO lets the critical partition wait behind the low partitions' backlog.
    QVERIFY2(fifo.criticalMaxMs > kCriticalToleranceMs, qPrintable(figures));
    QVERIFY2(fifo.weightedStaleness > 3 * scheduled.weightedStaleness, qPrintable(figures));
}

QTEST_GUILESS_MAIN(TestSyncScheduler)
#include "tst_syncscheduler.moc"
