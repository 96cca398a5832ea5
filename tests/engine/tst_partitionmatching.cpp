// Stable partition identities across re-clustering and the cold-partition rule (issue 20,
// section 2): identities survive a perturbed workload, splits and merges resolve as documented, a
// genuinely new group gets a new identity, and inconsistent input is refused.

#include <vector>

#include <Eigen/Core>

#include <QTest>

#include "clusteringdata.h"
#include "foresight/partitioning/coldpartition.h"
#include "foresight/partitioning/partitionmatching.h"
#include "partitioning/dbscan.h"
#include "partitioning/kmeans.h"

using namespace foresight;
using namespace foresight::partitioning;
using namespace foresight::testing;
using Eigen::Index;
using Eigen::MatrixXd;

namespace {

QStringList keyRange(const QString &prefix, int from, int to)
{
    QStringList keys;
    for (int i = from; i < to; ++i)
        keys.append(prefix + QString::number(i));
    return keys;
}

} // namespace

class TestPartitionMatching : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchingKeepsIdentitiesOfPerturbedClusters()
    {
        const QList<PartitionMembers> previous{{7, keyRange(QStringLiteral("cart/"), 0, 100)},
                                               {3, keyRange(QStringLiteral("user/"), 0, 100)},
                                               {12, keyRange(QStringLiteral("song/"), 0, 50)}};
        // Re-clustered in another order, a few keys moved, some deleted, some new; plus a group
        // of keys never seen before.
        QStringList users = keyRange(QStringLiteral("user/"), 5, 100) + keyRange(QStringLiteral("cart/"), 0, 3);
        QStringList carts = keyRange(QStringLiteral("cart/"), 3, 100) + keyRange(QStringLiteral("cart/"), 100, 110);
        QStringList songs = keyRange(QStringLiteral("song/"), 0, 45) + keyRange(QStringLiteral("user/"), 0, 5);
        QStringList fresh = keyRange(QStringLiteral("feed/"), 0, 40);
        const Result<PartitionMatch> match = matchPartitions(previous, {fresh, users, songs, carts}, 13);
        QVERIFY(match);
        QCOMPARE(match->ids, (std::vector<PartitionId>{13, 3, 12, 7}));
        QCOMPARE(match->nextId, PartitionId(14));
        QVERIFY(match->retired.empty());
        QCOMPARE(match->jaccard[0], 0.0);
        QVERIFY(match->jaccard[3] > 0.85);
    }

    void matchingSplitsAndMerges()
    {
        const QList<PartitionMembers> previous{{1, keyRange(QStringLiteral("a/"), 0, 100)},
                                               {2, keyRange(QStringLiteral("b/"), 0, 100)},
                                               {3, keyRange(QStringLiteral("c/"), 0, 100)}};
        // a splits 85/15: the large part continues a, the small one (Jaccard 0.15) is new.
        // b and c merge: Jaccard 0.5 with each, the tie goes to the lower identity; c retires.
        const QStringList aLarge = keyRange(QStringLiteral("a/"), 0, 85);
        const QStringList aSmall = keyRange(QStringLiteral("a/"), 85, 100);
        const QStringList bc = keyRange(QStringLiteral("b/"), 0, 100) + keyRange(QStringLiteral("c/"), 0, 100);
        const Result<PartitionMatch> match = matchPartitions(previous, {aSmall, bc, aLarge}, 4);
        QVERIFY(match);
        QCOMPARE(match->ids, (std::vector<PartitionId>{4, 2, 1}));
        QCOMPARE(match->retired, std::vector<PartitionId>{3});
        QCOMPARE(match->jaccard[1], 0.5);
        QCOMPARE(match->nextId, PartitionId(5));

        // A stricter threshold makes the merged group new as well.
        const Result<PartitionMatch> strict = matchPartitions(previous, {aSmall, bc, aLarge}, 4, {.minJaccard = 0.6});
        QVERIFY(strict);
        QCOMPARE(strict->ids, (std::vector<PartitionId>{4, 5, 1}));
        QCOMPARE(strict->retired, (std::vector<PartitionId>{2, 3}));
    }

    void matchingIsGreedyByJaccardNotBySize()
    {
        // Previous 1 = x0..x9. Cluster 0 = x0..x8 plus 90 new keys: 9 shared, Jaccard 9/100.
        // Cluster 1 = x9 alone: 1 shared, Jaccard 1/10. With minJaccard 0.05 both qualify; the
        // higher Jaccard wins, not the larger overlap (a big cluster that swallowed a partition
        // is not that partition).
        const QList<PartitionMembers> previous{{1, keyRange(QStringLiteral("x"), 0, 10)}};
        const QStringList big = keyRange(QStringLiteral("x"), 0, 9) + keyRange(QStringLiteral("y"), 0, 90);
        const QStringList small{QStringLiteral("x9")};
        const Result<PartitionMatch> match = matchPartitions(previous, {big, small}, 2, {.minJaccard = 0.05});
        QVERIFY(match);
        QCOMPARE(match->ids, (std::vector<PartitionId>{2, 1}));
    }

    void reclusteringAPerturbedWorkloadKeepsIdentities()
    {
        // End to end: cluster keys, perturb their features a little, drop some keys, add a new
        // group, cluster again with another seed (so labels come back in another order), match.
        const MatrixXd centers = rowsOf({{0, 0}, {8, 0}, {0, 8}});
        Labelled before = blobs(centers, 200, 0.8, 31);
        QStringList keys;
        for (Index i = 0; i < before.points.rows(); ++i)
            keys.append(QStringLiteral("k%1").arg(i));
        KMeansOptions options;
        options.k = 3;
        options.seed = 1;
        const Result<KMeansResult> first = kMeans(before.points, options);
        QVERIFY(first);
        const Result<QList<QStringList>> firstClusters = keysByCluster(keys, first->labels);
        QVERIFY(firstClusters);
        const Result<PartitionMatch> initial = matchPartitions({}, *firstClusters, kFirstPartitionId);
        QVERIFY(initial);
        QCOMPARE(initial->ids, (std::vector<PartitionId>{1, 2, 3}));
        QList<PartitionMembers> previous;
        for (qsizetype c = 0; c < firstClusters->size(); ++c)
            previous.append({initial->ids[static_cast<std::size_t>(c)], firstClusters->at(c)});

        // Later: every key moved by noise, every tenth key gone, a fourth group of new keys.
        Random random(32);
        const Labelled added = blobs(rowsOf({{8, 8}}), 150, 0.8, 33);
        QStringList laterKeys;
        std::vector<int> laterTruth;
        std::vector<std::array<double, 2>> rows;
        for (Index i = 0; i < before.points.rows(); ++i) {
            if (i % 10 == 0)
                continue;
            laterKeys.append(keys[i]);
            laterTruth.push_back(before.truth[static_cast<std::size_t>(i)]);
            rows.push_back({before.points(i, 0) + 0.2 * gaussian(random), before.points(i, 1) + 0.2 * gaussian(random)});
        }
        for (Index i = 0; i < added.points.rows(); ++i) {
            laterKeys.append(QStringLiteral("new%1").arg(i));
            laterTruth.push_back(3);
            rows.push_back({added.points(i, 0), added.points(i, 1)});
        }
        MatrixXd later(static_cast<Index>(rows.size()), 2);
        for (std::size_t i = 0; i < rows.size(); ++i)
            later.row(static_cast<Index>(i)) << rows[i][0], rows[i][1];
        options.k = 4;
        options.seed = 777;
        const Result<KMeansResult> second = kMeans(later, options);
        QVERIFY(second);
        QVERIFY(agreement(second->labels, laterTruth) > 0.99);
        const Result<QList<QStringList>> secondClusters = keysByCluster(laterKeys, second->labels);
        QVERIFY(secondClusters);
        const Result<PartitionMatch> match = matchPartitions(previous, *secondClusters, initial->nextId);
        QVERIFY(match);

        // Each old group keeps the identity it had; the new group gets 4.
        auto idOfKey = [&](const QString &key) {
            for (qsizetype c = 0; c < secondClusters->size(); ++c) {
                if (secondClusters->at(c).contains(key))
                    return match->ids[static_cast<std::size_t>(c)];
            }
            return PartitionId(-1);
        };
        auto previousIdOfKey = [&](const QString &key) {
            for (const PartitionMembers &partition : previous) {
                if (partition.keys.contains(key))
                    return partition.id;
            }
            return PartitionId(-1);
        };
        for (const QString &key : {QStringLiteral("k1"), QStringLiteral("k201"), QStringLiteral("k401")})
            QCOMPARE(idOfKey(key), previousIdOfKey(key));
        QCOMPARE(idOfKey(QStringLiteral("new0")), PartitionId(4));
        QCOMPARE(match->nextId, PartitionId(5));
        QVERIFY(match->retired.empty());
    }

    void matchingRejectsInconsistentInput()
    {
        const QStringList a{QStringLiteral("a")};
        const QStringList ab{QStringLiteral("a"), QStringLiteral("b")};
        auto says = [](const Result<PartitionMatch> &result, const QString &text) {
            return !result && result.error().code == ErrorCode::InvalidArgument
                   && result.error().message.contains(text);
        };
        QVERIFY(says(matchPartitions({{1, ab}, {2, a}}, {a}, 3), QStringLiteral("previous partitions 1 and 2")));
        QVERIFY(says(matchPartitions({{1, a}, {1, {QStringLiteral("c")}}}, {a}, 3), QStringLiteral("appears twice")));
        QVERIFY(says(matchPartitions({{kColdPartitionId, a}}, {a}, 3), QStringLiteral("cold partition")));
        QVERIFY(says(matchPartitions({{5, a}}, {a}, 5), QStringLiteral("reuse")));
        QVERIFY(says(matchPartitions({}, {a, ab}, 1), QStringLiteral("two clusters")));
        QVERIFY(says(matchPartitions({}, {a, {}}, 1), QStringLiteral("cluster 1 has no keys")));
        QVERIFY(says(matchPartitions({}, {a}, 1, {.minJaccard = 0}), QStringLiteral("minJaccard")));
        QVERIFY(says(matchPartitions({}, {a}, 0), QStringLiteral("reuse")));
        // Nothing before: every cluster is new, in order.
        const Result<PartitionMatch> fresh = matchPartitions({}, {a, {QStringLiteral("b")}}, 1);
        QVERIFY(fresh);
        QCOMPARE(fresh->ids, (std::vector<PartitionId>{1, 2}));
        // Nothing now: every previous partition retires.
        const Result<PartitionMatch> gone = matchPartitions({{4, a}, {2, ab.mid(1)}}, {}, 5);
        QVERIFY(gone);
        QCOMPARE(gone->retired, (std::vector<PartitionId>{2, 4}));
    }

    void keysByClusterGroupsAndSetsNoiseAside()
    {
        const QStringList keys{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
        QStringList noise;
        const Result<QList<QStringList>> grouped = keysByCluster(keys, {1, kNoiseLabel, 0, 1}, &noise);
        QVERIFY(grouped);
        QCOMPARE(*grouped, (QList<QStringList>{{QStringLiteral("c")}, {QStringLiteral("a"), QStringLiteral("d")}}));
        QCOMPARE(noise, QStringList{QStringLiteral("b")});
        QVERIFY(!keysByCluster(keys, {0, 1}));
    }

    // --- cold partition -------------------------------------------------------------------

    void coldRuleSplitsByFrequency()
    {
        const std::vector<double> frequency{0.0, 5.0, 0.5, 10.0, 1.0};
        const Result<ColdSplit> split = splitCold(frequency, 1.0);
        QVERIFY(split);
        QCOMPARE(split->cold, (std::vector<qsizetype>{0, 2}));
        QCOMPARE(split->active, (std::vector<qsizetype>{1, 3, 4})); // 1.0 is not below 1.0
        QCOMPARE(splitCold(frequency, 0.0)->cold.size(), std::size_t(0));
        QCOMPARE(splitCold(frequency, 100.0)->cold.size(), std::size_t(5));
        QVERIFY(splitCold({}, 1.0)->active.empty());

        const std::vector<double> bad{1.0, std::numeric_limits<double>::quiet_NaN()};
        const Result<ColdSplit> nan = splitCold(bad, 1.0);
        QVERIFY(!nan);
        QVERIFY2(nan.error().message.contains(QStringLiteral("key 1")), qPrintable(nan.error().message));
        QVERIFY(!splitCold(std::vector<double>{-1.0}, 1.0));
        QVERIFY(!splitCold(frequency, -1.0));
        QVERIFY(!splitCold(frequency, std::numeric_limits<double>::infinity()));
    }
};

QTEST_GUILESS_MAIN(TestPartitionMatching)
#include "tst_partitionmatching.moc"
