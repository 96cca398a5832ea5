// From a usage profile to staleness partitions (issue 20, section 2): a real UsageProfile fed a
// crafted workload on a ManualClock, then partitionKeys() with both algorithms. Keys used together
// end up together, classes are never mixed, rarely used keys go cold, identities survive a
// slightly changed workload, and bad options are refused by name.

#include <QSet>
#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/partitioning/partitioner.h"
#include "foresight/partitioning/usageprofile.h"

using namespace foresight;
using namespace foresight::partitioning;
using config::ImpactClass;

namespace {

constexpr std::int64_t kMidnightMs = 1'700'006'400'000;

const std::uint64_t kShopper = UsageProfile::clientId("shopper");
const std::uint64_t kBrowser = UsageProfile::clientId("browser");
const std::uint64_t kSettings = UsageProfile::clientId("settings");

QString key(const char *prefix, int i)
{
    return QString::fromLatin1(prefix) + QString::number(i);
}

// Three kinds of use and some dead keys:
// - carts: 20 keys a shopper reads and writes together, each about 5 times a second;
// - history: 30 keys a browser only reads, each about once every 3 s;
// - prefs: 10 keys written about once a minute each, never read;
// - archive: 50 keys read once at the start, then never again.
// `cartEvery` stretches the carts' period, to make a slightly different workload; a workload that
// continues an earlier one (`continued`) leaves the archive alone.
void runWorkload(UsageProfile &profile, ManualClock &clock, int seconds, int cartEvery = 4, bool continued = false)
{
    for (int step = 0; step < seconds * 20; ++step) { // 50 ms steps
        if (step == 0 && !continued) {
            for (int i = 0; i < 50; ++i)
                profile.record(key("archive/", i), AccessKind::Read, kBrowser);
        }
        if (step % cartEvery == 0) {
            for (int i = 0; i < 20; ++i) {
                profile.record(key("cart/", i), AccessKind::Read, kShopper);
                profile.record(key("cart/", i), AccessKind::Write, kShopper);
            }
        }
        profile.record(key("history/", step % 30), AccessKind::Read, kBrowser);
        if (step % 120 == 0)
            profile.record(key("prefs/", (step / 120) % 10), AccessKind::Write, kSettings);
        clock.advance(50);
    }
}

KeyClassifier classifier()
{
    // cart/1 and cart/10..19 are critical (payments in progress), the other carts high; history
    // low by default; prefs medium.
    auto function = config::ImpactFunction::compile({{{QStringLiteral("cart/1*")}, ImpactClass::Critical, 800},
                                                     {{QStringLiteral("cart/*")}, ImpactClass::High, 4000},
                                                     {{QStringLiteral("prefs/*")}, ImpactClass::Medium, 30'000}},
                                                    QStringLiteral("impact"));
    if (!function)
        qFatal("%s", qPrintable(function.error().toString()));
    auto made = KeyClassifier::create(*function, {});
    if (!made)
        qFatal("%s", qPrintable(made.error().toString()));
    return *made;
}

QString groupOf(const QString &k)
{
    if (k.startsWith(QLatin1String("cart/1")))
        return QStringLiteral("critical carts");
    return k.section(QLatin1Char('/'), 0, 0);
}

// The partition of every tracked key, checking on the way that each key is in exactly one.
QHash<QString, PartitionId> membership(const PartitionSet &set)
{
    QHash<QString, PartitionId> of;
    for (const Partition &partition : set.partitions) {
        for (const QString &k : partition.keys) {
            if (of.contains(k))
                qFatal("key %s in two partitions", qPrintable(k));
            of.insert(k, partition.id);
        }
    }
    return of;
}

// QVERIFY2 evaluates its message whether or not the check fails.
template<typename T>
QString errorOf(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

} // namespace

class TestPartitioner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void groupsKeysUsedTogether_data()
    {
        QTest::addColumn<ClusteringAlgorithm>("algorithm");
        QTest::newRow("k-means") << ClusteringAlgorithm::KMeans;
        QTest::newRow("DBSCAN") << ClusteringAlgorithm::Dbscan;
    }

    void groupsKeysUsedTogether()
    {
        QFETCH(ClusteringAlgorithm, algorithm);
        ManualClock clock(kMidnightMs);
        auto profile = UsageProfile::create({}, clock);
        QVERIFY(profile);
        runWorkload(*profile, clock, 600);

        PartitionerOptions options;
        options.algorithm = algorithm;
        const KeyClassifier impact = classifier();
        auto set
            = partitionKeys(profile->features(), impact, coldOnlyPartitions(algorithm, impact), clock.wallMs(), options);
        QVERIFY2(set, qPrintable(errorOf(set)));
        QCOMPARE(set->clusteredWallMs, clock.wallMs());
        QCOMPARE(set->algorithm, algorithm);

        const QHash<QString, PartitionId> of = membership(*set);
        QCOMPARE(of.size(), 110); // every tracked key placed once

        // Rarely used keys are cold, in the cold partition of their class.
        for (int i = 0; i < 50; ++i)
            QCOMPARE(of.value(key("archive/", i)), coldPartitionId(ImpactClass::Low));
        // Keys used alike share a partition, and no partition mixes two kinds of use or two classes.
        QHash<PartitionId, QString> groupOfPartition;
        for (auto it = of.cbegin(); it != of.cend(); ++it) {
            const QString group = groupOf(it.key());
            if (group == QLatin1String("archive"))
                continue;
            if (isColdPartition(*it)) {
                // Only DBSCAN leaves keys unclustered (noise), and only in their class's cold partition;
                // the busy carts and history always form groups.
                QCOMPARE(algorithm, ClusteringAlgorithm::Dbscan);
                QCOMPARE(*it, coldPartitionId(impact.classify(it.key()).impactClass));
                QCOMPARE(group, QStringLiteral("prefs"));
                continue;
            }
            const auto [known, inserted] = std::pair{groupOfPartition.constFind(*it), !groupOfPartition.contains(*it)};
            if (inserted)
                groupOfPartition.insert(*it, group);
            else
                QCOMPARE(*known, group);
        }
        QCOMPARE(QSet<QString>(groupOfPartition.cbegin(), groupOfPartition.cend()).size(),
                 algorithm == ClusteringAlgorithm::KMeans ? 4 : 3);
        QCOMPARE(of.value(key("cart/", 12)), of.value(key("cart/", 17)));
        QCOMPARE(of.value(key("history/", 3)), of.value(key("history/", 29)));

        // Each partition takes its class and its strictest rule; the cold ones their class's strictest.
        const Partition *critical = set->find(of.value(key("cart/", 13)));
        QVERIFY(critical);
        QCOMPARE(critical->impactClass, ImpactClass::Critical);
        QCOMPARE(critical->toleratedStalenessMs, 800);
        QCOMPARE(critical->keys.size(), 11);
        QVERIFY(critical->accessesPerSecond > 11 * 5 * 0.5); // about 10 accesses a second each
        QCOMPARE(set->find(of.value(key("cart/", 2)))->impactClass, ImpactClass::High);
        if (algorithm == ClusteringAlgorithm::KMeans)
            QCOMPARE(set->find(of.value(key("prefs/", 2)))->toleratedStalenessMs, 30'000);
        QCOMPARE(set->find(coldPartitionId(ImpactClass::High))->toleratedStalenessMs, 4000);
        QCOMPARE(set->find(coldPartitionId(ImpactClass::Critical))->toleratedStalenessMs, 800);
        QCOMPARE(set->find(coldPartitionId(ImpactClass::Low))->keys.size(), 50);

        // Untracked keys go to the cold partition of their class.
        QCOMPARE(set->partitionOf(QStringLiteral("cart/never-seen"),
                                  impact.classify(QStringLiteral("cart/x")).impactClass),
                 coldPartitionId(ImpactClass::High));
        QCOMPARE(set->partitionOf(key("cart/", 13), ImpactClass::Critical), critical->id);
    }

    void identitiesSurviveASlightlyChangedWorkload_data() { groupsKeysUsedTogether_data(); }

    void identitiesSurviveASlightlyChangedWorkload()
    {
        QFETCH(ClusteringAlgorithm, algorithm);
        ManualClock clock(kMidnightMs);
        auto profile = UsageProfile::create({}, clock);
        QVERIFY(profile);
        runWorkload(*profile, clock, 600);
        PartitionerOptions options;
        options.algorithm = algorithm;
        const KeyClassifier impact = classifier();
        auto first
            = partitionKeys(profile->features(), impact, coldOnlyPartitions(algorithm, impact), clock.wallMs(), options);
        QVERIFY(first);

        // Two more minutes with the carts a little slower, and a new kind of key appears.
        runWorkload(*profile, clock, 120, 5, true);
        for (int i = 0; i < 6; ++i) {
            for (int step = 0; step < 100; ++step)
                profile->record(key("promo/", i), AccessKind::Read, kShopper);
        }
        auto second = partitionKeys(profile->features(), impact, *first, clock.wallMs(), options);
        QVERIFY2(second, qPrintable(errorOf(second)));

        const QHash<QString, PartitionId> before = membership(*first);
        const QHash<QString, PartitionId> after = membership(*second);
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            QCOMPARE(after.value(it.key()), *it); // every key kept its partition's identity
        QVERIFY(second->nextId >= first->nextId);
        // A third run on the same profile is the same partitioning, bit for bit.
        auto third = partitionKeys(profile->features(), impact, *first, clock.wallMs(), options);
        QVERIFY(third);
        QCOMPARE(membership(*third), after);
    }

    void classesAreNeverMixed()
    {
        // Keys used identically but of different classes: one cluster, two partitions.
        ManualClock clock(kMidnightMs);
        auto profile = UsageProfile::create({}, clock);
        QVERIFY(profile);
        for (int step = 0; step < 2000; ++step) {
            for (int i = 0; i < 10; ++i)
                profile->record(key("k/", i), AccessKind::Write, kShopper);
            clock.advance(100);
        }
        auto critical = config::ImpactFunction::compile({{{QStringLiteral("k/1")}, ImpactClass::Low, 600'000}},
                                                        QStringLiteral("impact"));
        QVERIFY(critical);
        // Every key is low by the rules, but k/2 matches a critical pattern (a warm replica's keys).
        auto classifierWithPattern = KeyClassifier::create(*critical, {QStringLiteral("k/2")});
        QVERIFY(classifierWithPattern);
        auto set = partitionKeys(profile->features(),
                                 *classifierWithPattern,
                                 coldOnlyPartitions(ClusteringAlgorithm::KMeans, *classifierWithPattern),
                                 clock.wallMs());
        QVERIFY(set);
        const QHash<QString, PartitionId> of = membership(*set);
        QVERIFY(of.value(QStringLiteral("k/2")) != of.value(QStringLiteral("k/3")));
        QCOMPARE(set->find(of.value(QStringLiteral("k/2")))->impactClass, ImpactClass::Critical);
        QCOMPARE(set->find(of.value(QStringLiteral("k/2")))->keys, QStringList{QStringLiteral("k/2")});
        QCOMPARE(of.value(QStringLiteral("k/1")), of.value(QStringLiteral("k/9")));
        QCOMPARE(set->clusters, 1); // one kind of use: k-means keeps it whole (kMin 1)
    }

    void emptyProfileGivesTheColdPartitionsOnly()
    {
        const KeyClassifier impact = classifier();
        auto set = partitionKeys({}, impact, coldOnlyPartitions(ClusteringAlgorithm::KMeans, impact), 42);
        QVERIFY(set);
        QCOMPARE(set->partitions.size(), 4);
        for (const Partition &partition : set->partitions)
            QVERIFY(isColdPartition(partition.id));
        QCOMPARE(set->nextId, kFirstPartitionId);
    }

    void badOptionsAreRefusedByName_data()
    {
        QTest::addColumn<PartitionerOptions>("options");
        QTest::addColumn<QString>("field");
        PartitionerOptions k;
        k.kMax = 0;
        QTest::newRow("kMax") << k << QStringLiteral("partitioning.k");
        PartitionerOptions eps;
        eps.dbscanEps = -1;
        QTest::newRow("eps") << eps << QStringLiteral("partitioning.dbscanEps");
        PartitionerOptions cold;
        cold.coldAccessesPerSecond = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("cold") << cold << QStringLiteral("partitioning.coldAccessesPerSecond");
    }

    void badOptionsAreRefusedByName()
    {
        QFETCH(PartitionerOptions, options);
        QFETCH(QString, field);
        auto set = partitionKeys({}, {}, {}, 0, options);
        QVERIFY(!set);
        QCOMPARE(set.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(set.error().message.startsWith(field), qPrintable(set.error().message));
    }

    void aDailyHabitPredictsTheNextRead()
    {
        // Keys read every day around 09:00 UTC for a week: their partition's peak is there, and
        // the next read is predicted at the next 09:00-ish; keys read all day long predict nothing.
        ManualClock clock(kMidnightMs);
        auto profile = UsageProfile::create({}, clock);
        QVERIFY(profile);
        for (int day = 0; day < 7; ++day) {
            for (int minute = 0; minute < 24 * 60; minute += 5) {
                const bool morning = minute >= 9 * 60 && minute < 10 * 60;
                for (int i = 0; i < 10; ++i) {
                    if (morning)
                        profile->record(key("report/", i), AccessKind::Read, kBrowser);
                    profile->record(key("ticker/", i), AccessKind::Read, kShopper);
                }
                clock.advance(5 * 60'000);
            }
        }
        const KeyClassifier impact;
        auto set = partitionKeys(profile->features(),
                                 impact,
                                 coldOnlyPartitions(ClusteringAlgorithm::KMeans, impact),
                                 clock.wallMs());
        QVERIFY(set);
        const Partition *reports = set->find(set->partitionOf(key("report/", 3), ImpactClass::Low));
        const Partition *ticker = set->find(set->partitionOf(key("ticker/", 3), ImpactClass::Low));
        QVERIFY(reports && ticker && reports != ticker);
        QVERIFY2(reports->peakStrength > 0.9, qPrintable(QString::number(reports->peakStrength)));
        QVERIFY(ticker->peakStrength < 0.1);
        QCOMPARE(predictedReadWallMs(*ticker, clock.wallMs()), std::nullopt);
        const auto next = predictedReadWallMs(*reports, clock.wallMs());
        QVERIFY(next);
        // The clock stands at midnight after seven whole days: the next 09:xx is 9 to 10 h away.
        QVERIFY2(*next - clock.wallMs() >= 9 * 3'600'000 && *next - clock.wallMs() <= 10 * 3'600'000,
                 qPrintable(QString::number(*next - clock.wallMs())));
    }

    void classifierKeepsTheStrictestToleranceOfEachClass()
    {
        auto function = config::ImpactFunction::compile({{{QStringLiteral("a/*")}, ImpactClass::High, 30'000},
                                                         {{QStringLiteral("b/*")}, ImpactClass::High, 2000},
                                                         {{QStringLiteral("c/*")}, ImpactClass::Low, 3'600'000}},
                                                        QStringLiteral("impact"));
        QVERIFY(function);
        auto impact = KeyClassifier::create(*function, {QStringLiteral("s/*")});
        QVERIFY(impact);
        QCOMPARE(impact->strictestTolerance(ImpactClass::High), 2000);
        QCOMPARE(impact->strictestTolerance(ImpactClass::Medium),
                 config::defaultToleratedStalenessMs(ImpactClass::Medium));
        // Unmatched keys are low with low's default, stricter than the laxer low rule.
        QCOMPARE(impact->strictestTolerance(ImpactClass::Low), config::defaultToleratedStalenessMs(ImpactClass::Low));
        QCOMPARE(impact->strictestTolerance(ImpactClass::Critical),
                 config::defaultToleratedStalenessMs(ImpactClass::Critical));
        QCOMPARE(impact->classify(QStringLiteral("s/token")).impactClass, ImpactClass::Critical);
        QCOMPARE(impact->classify(QStringLiteral("b/1")).toleratedStalenessMs, 2000);
        // A critical rule after a laxer one that matches first still makes the key critical: the
        // state's critical patterns include every critical rule's (effectiveCriticalPatterns).
        auto layered = config::ImpactFunction::compile({{{QStringLiteral("cart/*")}, ImpactClass::High, 5000},
                                                        {{QStringLiteral("cart/vip*")}, ImpactClass::Critical, 700}},
                                                       QStringLiteral("impact"));
        QVERIFY(layered);
        auto vip = KeyClassifier::create(*layered, {});
        QVERIFY(vip);
        QCOMPARE(vip->classify(QStringLiteral("cart/vip1")).impactClass, ImpactClass::Critical);
        QCOMPARE(vip->classify(QStringLiteral("cart/vip1")).toleratedStalenessMs, 700);
        QCOMPARE(vip->classify(QStringLiteral("cart/9")).impactClass, ImpactClass::High);
        QCOMPARE(effectiveCriticalPatterns({QStringLiteral("s/*")}, *layered),
                 (QStringList{QStringLiteral("s/*"), QStringLiteral("cart/vip*")}));
        QVERIFY(!KeyClassifier::create(*function, {QString()}));
        QCOMPARE(KeyClassifier().strictestTolerance(ImpactClass::High),
                 config::defaultToleratedStalenessMs(ImpactClass::High));
    }
};

QTEST_GUILESS_MAIN(TestPartitioner)
#include "tst_partitioner.moc"
