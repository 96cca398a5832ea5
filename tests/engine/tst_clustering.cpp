// The partitioning module's clustering core (issue 20, section 2): k-means with k chosen by the
// silhouette, and DBSCAN, checked against results known in advance (separated blobs, a
// hand-computed silhouette, a textbook DBSCAN example, two moons and two rings that k-means
// cannot follow), edge cases and bad input, and a million points within the documented sample
// bounds. Partition identities and the cold rule: tst_partitionmatching.

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <vector>

#include <Eigen/Core>

#include <QTest>

#include "clusteringdata.h"
#include "partitioning/dbscan.h"
#include "partitioning/featurematrix.h"
#include "partitioning/kmeans.h"
#include "partitioning/kselection.h"
#include "partitioning/sampling.h"

using namespace foresight;
using namespace foresight::partitioning;
using namespace foresight::testing;
using Eigen::Index;
using Eigen::MatrixXd;

class TestClustering : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- features -------------------------------------------------------------------------

    void standardizeGivesZeroMeanUnitDeviation()
    {
        MatrixXd points = rowsOf({{1, 100, 7}, {2, 300, 7}, {3, 500, 7}, {6, 700, 7}});
        const Result<Standardization> transform = standardizeColumns(points);
        QVERIFY(transform);
        for (Index col = 0; col < 2; ++col) {
            QVERIFY(std::abs(points.col(col).mean()) < 1e-12);
            QVERIFY(std::abs(std::sqrt(points.col(col).array().square().mean()) - 1.0) < 1e-12);
        }
        // A constant column carries no information: zeros, not a division by zero.
        QCOMPARE(transform->scale(2), 1.0);
        QVERIFY(points.col(2).isZero());
        // The same transform reproduces the fit on the original rows.
        MatrixXd again = rowsOf({{1, 100, 7}, {2, 300, 7}, {3, 500, 7}, {6, 700, 7}});
        transform->apply(again);
        QVERIFY(again.isApprox(points));
    }

    void nanAndInfinityAreRejected()
    {
        MatrixXd points = rowsOf({{0, 0}, {1, 1}, {2, 2}});
        points(1, 1) = std::numeric_limits<double>::quiet_NaN();
        const Status nan = validateFeatures(points);
        QVERIFY(!nan);
        QCOMPARE(nan.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(nan.error().message.contains(QStringLiteral("feature 1 of point 1 is NaN")),
                 qPrintable(nan.error().message));

        KMeansOptions kmeans;
        const Result<KMeansResult> fit = kMeans(points, kmeans);
        QVERIFY(!fit);
        QCOMPARE(fit.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!chooseK(points, {}));
        QVERIFY(!kMeansAuto(points, {}));
        QVERIFY(!dbscan(points, {}));
        QVERIFY(!standardizeColumns(points));

        points(1, 1) = std::numeric_limits<double>::infinity();
        const Result<DbscanResult> infinite = dbscan(points, {});
        QVERIFY(!infinite);
        QVERIFY2(infinite.error().message.contains(QStringLiteral("infinite")), qPrintable(infinite.error().message));
    }

    void sampleRowsIsBoundedDistinctAndDeterministic()
    {
        const std::vector<Index> rows = sampleRows(100000, 1000, 7);
        QCOMPARE(rows.size(), std::size_t(1000));
        QVERIFY(std::is_sorted(rows.begin(), rows.end()));
        QVERIFY(std::adjacent_find(rows.begin(), rows.end()) == rows.end());
        QVERIFY(rows.back() < 100000);
        QCOMPARE(sampleRows(100000, 1000, 7), rows);
        QVERIFY(sampleRows(100000, 1000, 8) != rows);
        // Spread over the whole range, not the first rows: about half fall in each half.
        const auto low = std::count_if(rows.begin(), rows.end(), [](Index r) { return r < 50000; });
        QVERIFY2(low > 400 && low < 600, qPrintable(QString::number(low)));
        QCOMPARE(sampleRows(10, 50, 1).size(), std::size_t(10));
        QVERIFY(sampleRows(0, 50, 1).empty());
    }

    // --- k-means --------------------------------------------------------------------------

    void kMeansSeparatesBlobs()
    {
        const MatrixXd centers = rowsOf({{0, 0}, {10, 0}, {0, 10}, {10, 10}});
        const Labelled data = blobs(centers, 150, 0.8, 1);
        KMeansOptions options;
        options.k = 4;
        options.seed = 42;
        const Result<KMeansResult> fit = kMeans(data.points, options);
        QVERIFY(fit);
        QCOMPARE(fit->k, 4);
        QCOMPARE(fit->labels.size(), data.truth.size());
        QCOMPARE(agreement(fit->labels, data.truth), 1.0);
        QVERIFY(fit->converged);
        QCOMPARE(fit->centroids.rows(), Index(4));
        // Each centroid sits near one true centre.
        for (Index c = 0; c < 4; ++c) {
            double nearest = 1e9;
            for (Index t = 0; t < 4; ++t)
                nearest = std::min(nearest, (fit->centroids.row(c) - centers.row(t)).norm());
            QVERIFY2(nearest < 0.3, qPrintable(QString::number(nearest)));
        }
        // The reported inertia is the sum of squared distances to the reported centroids.
        double inertia = 0;
        for (Index i = 0; i < data.points.rows(); ++i)
            inertia += (data.points.row(i) - fit->centroids.row(fit->labels[static_cast<std::size_t>(i)])).squaredNorm();
        QVERIFY(std::abs(inertia - fit->inertia) < 1e-6 * inertia);
        // ~ points x dims x sigma^2 for the true partition.
        QVERIFY(fit->inertia < 600 * 2 * 0.8 * 0.8 * 1.2);
    }

    void kMeansIsDeterministicInItsSeed()
    {
        const Labelled data = blobs(rowsOf({{0, 0, 0}, {5, 5, 0}, {0, 5, 5}}), 80, 1.5, 2);
        KMeansOptions options;
        options.k = 3;
        options.seed = 9;
        const Result<KMeansResult> a = kMeans(data.points, options);
        const Result<KMeansResult> b = kMeans(data.points, options);
        QVERIFY(a && b);
        QCOMPARE(a->labels, b->labels);
        QCOMPARE(a->inertia, b->inertia);
        QVERIFY(a->centroids == b->centroids);
    }

    void kMeansRestartsKeepTheBestRun()
    {
        // With one start, some seeds put two centroids in one blob and stop in that local
        // optimum; the best of several starts is never worse than any single one.
        const Labelled data = blobs(corners(8, 3, 6.0), 40, 0.7, 3);
        KMeansOptions single;
        single.k = 8;
        single.restarts = 1;
        KMeansOptions several = single;
        several.restarts = 5;
        for (std::uint64_t seed = 0; seed < 5; ++seed) {
            single.seed = several.seed = seed;
            const Result<KMeansResult> one = kMeans(data.points, single);
            const Result<KMeansResult> best = kMeans(data.points, several);
            QVERIFY(one && best);
            QVERIFY(best->inertia <= one->inertia);
        }
    }

    void kMeansEdgeCases_data()
    {
        QTest::addColumn<MatrixXd>("points");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("expectedK");
        QTest::addColumn<double>("expectedInertia");

        QTest::newRow("empty input") << MatrixXd(0, 2) << 3 << 0 << 0.0;
        QTest::newRow("single point") << rowsOf({{1, 2}}) << 3 << 1 << 0.0;
        QTest::newRow("fewer points than k") << rowsOf({{0, 0}, {4, 0}}) << 5 << 2 << 0.0;
        QTest::newRow("all duplicates") << rowsOf({{3, 3}, {3, 3}, {3, 3}, {3, 3}}) << 2 << 1 << 0.0;
        QTest::newRow("duplicates of three points")
            << rowsOf({{0, 0}, {0, 0}, {1, 0}, {1, 0}, {1, 0}, {0, 1}, {0, 1}}) << 5 << 3 << 0.0;
        QTest::newRow("k equals distinct points") << rowsOf({{0, 0}, {0, 0}, {2, 0}, {2, 0}}) << 2 << 2 << 0.0;
        QTest::newRow("one cluster") << rowsOf({{0, 0}, {2, 0}, {0, 2}, {2, 2}}) << 1 << 1 << 8.0;
    }

    void kMeansEdgeCases()
    {
        QFETCH(MatrixXd, points);
        QFETCH(int, k);
        QFETCH(int, expectedK);
        QFETCH(double, expectedInertia);
        KMeansOptions options;
        options.k = k;
        const Result<KMeansResult> fit = kMeans(points, options);
        QVERIFY(fit);
        QCOMPARE(fit->k, expectedK);
        QCOMPARE(fit->centroids.rows(), Index(expectedK));
        QCOMPARE(fit->labels.size(), std::size_t(points.rows()));
        QCOMPARE(fit->inertia, expectedInertia);
        // Every cluster has a member; identical points share a cluster.
        std::vector<int> members(static_cast<std::size_t>(expectedK), 0);
        for (int label : fit->labels) {
            QVERIFY(label >= 0 && label < expectedK);
            ++members[static_cast<std::size_t>(label)];
        }
        QVERIFY(std::find(members.begin(), members.end(), 0) == members.end());
        for (Index i = 0; i < points.rows(); ++i) {
            for (Index j = 0; j < points.rows(); ++j) {
                if (points.row(i) == points.row(j))
                    QCOMPARE(fit->labels[static_cast<std::size_t>(i)], fit->labels[static_cast<std::size_t>(j)]);
            }
        }
    }

    void kMeansRejectsBadOptions_data()
    {
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("maxIterations");
        QTest::addColumn<int>("restarts");
        QTest::addColumn<double>("tolerance");
        QTest::addColumn<QString>("says");
        QTest::newRow("k 0") << 0 << 10 << 1 << 0.0 << QStringLiteral("k >= 1");
        QTest::newRow("no iterations") << 2 << 0 << 1 << 0.0 << QStringLiteral("maxIterations");
        QTest::newRow("no restarts") << 2 << 10 << 0 << 0.0 << QStringLiteral("restarts");
        QTest::newRow("negative tolerance") << 2 << 10 << 1 << -1.0 << QStringLiteral("tolerance");
        QTest::newRow("NaN tolerance") << 2 << 10 << 1 << std::numeric_limits<double>::quiet_NaN()
                                       << QStringLiteral("tolerance");
    }

    void kMeansRejectsBadOptions()
    {
        QFETCH(int, k);
        QFETCH(int, maxIterations);
        QFETCH(int, restarts);
        QFETCH(double, tolerance);
        QFETCH(QString, says);
        KMeansOptions options;
        options.k = k;
        options.maxIterations = maxIterations;
        options.restarts = restarts;
        options.tolerance = tolerance;
        const Result<KMeansResult> fit = kMeans(rowsOf({{0, 0}, {1, 1}}), options);
        QVERIFY(!fit);
        QCOMPARE(fit.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(fit.error().message.contains(says), qPrintable(fit.error().message));
    }

    void kMeansReseedsAnEmptyCluster()
    {
        // A warm start with one centroid far from every point: after the first assignment that
        // cluster is empty, and it must be re-seeded at the point farthest from its centroid
        // (here the outlier at 4) instead of coming back empty or being dropped.
        const MatrixXd points = rowsOf({{0}, {0.1}, {0.2}, {4}, {10}, {10.1}, {10.2}});
        KMeansOptions options;
        options.k = 3;
        options.restarts = 1;
        options.initialCentroids = rowsOf({{0}, {10}, {1000}});
        const Result<KMeansResult> fit = kMeans(points, options);
        QVERIFY(fit);
        QCOMPARE(fit->k, 3);
        QCOMPARE(fit->labels, (std::vector<int>{0, 0, 0, 2, 1, 1, 1}));
        QCOMPARE(fit->centroids(2, 0), 4.0);
        QVERIFY(fit->converged);

        // More warm centroids than distinct points: the surplus is dropped, not left empty.
        options.initialCentroids = rowsOf({{0}, {10}, {1000}});
        const Result<KMeansResult> two = kMeans(rowsOf({{0}, {0}, {10}}), options);
        QVERIFY(two);
        QCOMPARE(two->k, 2);
        QCOMPARE(two->labels, (std::vector<int>{0, 0, 1}));

        options.initialCentroids = rowsOf({{0}, {10}});
        const Result<KMeansResult> wrongShape = kMeans(points, options);
        QVERIFY(!wrongShape);
        QVERIFY2(wrongShape.error().message.contains(QStringLiteral("expected k x features = 3 x 1")),
                 qPrintable(wrongShape.error().message));
        options.initialCentroids = rowsOf({{0}, {10}, {std::numeric_limits<double>::quiet_NaN()}});
        QVERIFY(!kMeans(points, options));
    }

    void kMeansWarmStartFromThePreviousCentroids()
    {
        // Re-clustering from the last run's centroids lands on the same clusters in the same
        // order, and converges at once on unchanged data.
        const Labelled data = blobs(corners(4, 2, 8.0), 100, 1.0, 12);
        KMeansOptions options;
        options.k = 4;
        options.seed = 3;
        const Result<KMeansResult> first = kMeans(data.points, options);
        QVERIFY(first);
        options.seed = 99;
        options.restarts = 1;
        options.initialCentroids = first->centroids;
        const Result<KMeansResult> again = kMeans(data.points, options);
        QVERIFY(again);
        QCOMPARE(again->labels, first->labels);
        QCOMPARE(again->iterations, 1);
    }

    void assignToNearestPicksNearestCentroid()
    {
        const MatrixXd centroids = rowsOf({{0, 0}, {10, 0}});
        double inertia = -1;
        const std::vector<int> labels = assignToNearest(rowsOf({{1, 0}, {9, 1}, {5, 0}, {-3, 4}}), centroids, &inertia);
        // (5, 0) is equidistant: the lower index wins.
        QCOMPARE(labels, (std::vector<int>{0, 1, 0, 0}));
        QCOMPARE(inertia, 1.0 + 2.0 + 25.0 + 25.0);
    }

    // --- choosing k -----------------------------------------------------------------------

    void silhouetteMatchesHandComputation()
    {
        // On a line: 0, 1 | 10, 11. Point 0: a = 1, b = (10 + 11) / 2; point 1: a = 1, b = (9 + 10) / 2.
        const Result<double> score = meanSilhouette(rowsOf({{0}, {1}, {10}, {11}}), {0, 0, 1, 1});
        QVERIFY(score);
        const double expected = (2 * (9.5 / 10.5) + 2 * (8.5 / 9.5)) / 4;
        QVERIFY2(std::abs(*score - expected) < 1e-12, qPrintable(QString::number(*score)));
        // A point alone in its cluster scores 0. 0 | 10, 11: point 10 has a = 1, b = 10; 11 has
        // a = 1, b = 11.
        const Result<double> singleton = meanSilhouette(rowsOf({{0}, {10}, {11}}), {0, 1, 1});
        QVERIFY(singleton);
        QVERIFY2(std::abs(*singleton - (0 + 9.0 / 10 + 10.0 / 11) / 3) < 1e-12, qPrintable(QString::number(*singleton)));
        QVERIFY(!meanSilhouette(rowsOf({{0}, {1}}), {0, 0}));
        QVERIFY(!meanSilhouette(rowsOf({{0}, {1}}), {0}));
    }

    void chooseKFindsTheTrueK_data()
    {
        QTest::addColumn<int>("trueK");
        QTest::addColumn<int>("dims");
        QTest::newRow("2 blobs in 2-D") << 2 << 2;
        QTest::newRow("3 blobs in 2-D") << 3 << 2;
        QTest::newRow("4 blobs in 2-D") << 4 << 2;
        QTest::newRow("5 blobs in 3-D") << 5 << 3;
        QTest::newRow("6 blobs in 5-D") << 6 << 5;
    }

    void chooseKFindsTheTrueK()
    {
        QFETCH(int, trueK);
        QFETCH(int, dims);
        const Labelled data = blobs(corners(trueK, dims, 8.0), 120, 1.0, static_cast<std::uint64_t>(trueK));
        KSelectionOptions options;
        options.kMin = 2;
        options.kMax = 8;
        const Result<KSelection> selection = chooseK(data.points, options);
        QVERIFY(selection);
        QCOMPARE(selection->k, trueK);
        QCOMPARE(selection->silhouettes.size(), std::size_t(7));
        QCOMPARE(selection->silhouettes.front().first, 2);
        QCOMPARE(selection->silhouettes.back().first, 8);
    }

    void chooseKSaysOneForOneBlob()
    {
        const Labelled data = blobs(rowsOf({{0, 0}}), 400, 1.0, 5);
        KSelectionOptions options;
        options.kMin = 1;
        const Result<KSelection> selection = chooseK(data.points, options);
        QVERIFY(selection);
        QString scores;
        for (const auto &[k, score] : selection->silhouettes)
            scores += QStringLiteral(" k=%1: %2").arg(k).arg(score);
        QVERIFY2(selection->k == 1, qPrintable(scores));
        // The same data with kMin = 2 must pick some k >= 2: the floor is the caller's.
        options.kMin = 2;
        QVERIFY(chooseK(data.points, options)->k >= 2);
    }

    void chooseKOnFewDistinctPoints()
    {
        KSelectionOptions options;
        options.kMin = 2;
        options.kMax = 6;
        QCOMPARE(chooseK(MatrixXd(0, 3), options)->k, 0);
        QCOMPARE(chooseK(rowsOf({{1, 1}}), options)->k, 1);
        QCOMPARE(chooseK(rowsOf({{1, 1}, {1, 1}, {1, 1}}), options)->k, 1);
        // Three distinct points, repeated: k stops at three.
        const Result<KSelection> three = chooseK(rowsOf({{0, 0}, {0, 0}, {9, 0}, {9, 0}, {0, 9}, {0, 9}}), options);
        QVERIFY(three);
        QCOMPARE(three->k, 3);
        KSelectionOptions inverted;
        inverted.kMin = 3;
        inverted.kMax = 2;
        QVERIFY(!chooseK(rowsOf({{1, 1}}), inverted));
        KSelectionOptions zero;
        zero.kMin = 0;
        QVERIFY(!chooseK(rowsOf({{1, 1}}), zero));
        KSelectionOptions tiny;
        tiny.sampleSize = 1;
        const Result<KSelection> tooSmall = chooseK(rowsOf({{1, 1}}), tiny);
        QVERIFY(!tooSmall);
        QVERIFY2(tooSmall.error().message.contains(QStringLiteral("at least 2")), qPrintable(tooSmall.error().message));
    }

    void kMeansAutoLabelsEveryRowFromBoundedSamples()
    {
        const Labelled data = blobs(corners(3, 2, 8.0), 2000, 1.0, 11);
        AutoKMeansOptions options;
        options.selection.sampleSize = 300;
        options.fitSampleSize = 1000;
        const Result<AutoKMeansResult> result = kMeansAuto(data.points, options);
        QVERIFY(result);
        QCOMPARE(result->selection.sampleSize, Index(300));
        QCOMPARE(result->fitSampleSize, Index(1000));
        QCOMPARE(result->selection.k, 3);
        QCOMPARE(result->clustering.labels.size(), std::size_t(6000));
        QVERIFY(agreement(result->clustering.labels, data.truth) > 0.999);
        // Inertia covers every row, not just the fit sample: about rows x dims x sigma^2.
        QVERIFY(result->clustering.inertia > 6000 * 2 * 0.8);
        // The previous centroids warm-start the final fit when k is unchanged, and are set
        // aside (not an error) when the new k differs.
        AutoKMeansOptions warm = options;
        warm.selection.kmeans.initialCentroids = result->clustering.centroids;
        const Result<AutoKMeansResult> again = kMeansAuto(data.points, warm);
        QVERIFY(again);
        QCOMPARE(again->clustering.labels, result->clustering.labels);
        warm.selection.kmeans.initialCentroids = MatrixXd::Zero(5, 2);
        const Result<AutoKMeansResult> otherK = kMeansAuto(data.points, warm);
        QVERIFY(otherK);
        QCOMPARE(otherK->selection.k, 3);

        AutoKMeansOptions noFit;
        noFit.fitSampleSize = 0;
        QVERIFY(!kMeansAuto(data.points, noFit));
    }

    // --- DBSCAN ---------------------------------------------------------------------------

    void dbscanTextbookExample()
    {
        // Two squares of five points (every point core at eps 1.5, minPts 4), a border point
        // reached from the first square only, and two isolated points.
        const MatrixXd points = rowsOf({{0, 0},
                                        {0, 1},
                                        {1, 0},
                                        {1, 1},
                                        {0.5, 0.5},
                                        {10, 10},
                                        {10, 11},
                                        {11, 10},
                                        {11, 11},
                                        {10.5, 10.5},
                                        {5, 5},
                                        {2.2, 0.5},
                                        {20, 0}});
        DbscanOptions options;
        options.eps = 1.5;
        options.minPts = 4;
        const Result<DbscanResult> result = dbscan(points, options);
        QVERIFY(result);
        QCOMPARE(result->labels, (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, kNoiseLabel, 0, kNoiseLabel}));
        QCOMPARE(result->clusterCount, 2);
        QCOMPARE(result->corePoints, Index(10));
        QCOMPARE(result->sampleSize, Index(13));
        QCOMPARE(result->effectiveMinPts, 4);
        // With minPts 3 and one more point 0.4 beyond it, the border point becomes core and
        // carries the new point (itself not core: one neighbour) into cluster 0.
        MatrixXd more(points.rows() + 1, 2);
        more << points, rowsOf({{2.6, 0.5}});
        options.minPts = 3;
        const Result<DbscanResult> denser = dbscan(more, options);
        QVERIFY(denser);
        QCOMPARE(denser->labels[11], 0);
        QCOMPARE(denser->labels[13], 0);
        QCOMPARE(denser->labels[12], kNoiseLabel);
    }

    void dbscanFollowsMoonsWhereKMeansCannot()
    {
        const Labelled data = twoMoons(250, 0.05, 21);
        DbscanOptions options;
        options.eps = 0.2;
        options.minPts = 5;
        const Result<DbscanResult> density = dbscan(data.points, options);
        QVERIFY(density);
        QCOMPARE(density->clusterCount, 2);
        const double dbscanAgreement = agreement(density->labels, data.truth);
        QVERIFY2(dbscanAgreement > 0.98, qPrintable(QString::number(dbscanAgreement)));

        KMeansOptions kmeans;
        kmeans.k = 2;
        const Result<KMeansResult> convex = kMeans(data.points, kmeans);
        QVERIFY(convex);
        const double kmeansAgreement = agreement(convex->labels, data.truth);
        // A straight cut through interleaved moons misplaces their tips (~15-25% of points).
        QVERIFY2(kmeansAgreement < 0.9, qPrintable(QString::number(kmeansAgreement)));
    }

    void dbscanSeparatesRings()
    {
        const Labelled data = twoRings(300, 0.05, 22);
        DbscanOptions options;
        options.eps = 0.3;
        options.minPts = 4;
        const Result<DbscanResult> result = dbscan(data.points, options);
        QVERIFY(result);
        QCOMPARE(result->clusterCount, 2);
        QCOMPARE(agreement(result->labels, data.truth), 1.0);

        KMeansOptions kmeans;
        kmeans.k = 2;
        const Result<KMeansResult> convex = kMeans(data.points, kmeans);
        QVERIFY(convex);
        QVERIFY(agreement(convex->labels, data.truth) < 0.8);
    }

    void dbscanEdgeCases()
    {
        DbscanOptions options;
        options.eps = 0.5;
        options.minPts = 3;
        const Result<DbscanResult> empty = dbscan(MatrixXd(0, 2), options);
        QVERIFY(empty);
        QVERIFY(empty->labels.empty());
        QCOMPARE(empty->clusterCount, 0);

        QCOMPARE(dbscan(rowsOf({{1, 1}}), options)->labels, std::vector<int>{kNoiseLabel});
        options.minPts = 1;
        QCOMPARE(dbscan(rowsOf({{1, 1}}), options)->labels, std::vector<int>{0});

        // Fifty copies of one point are one dense cluster; a lone other point stays noise.
        options.minPts = 5;
        MatrixXd duplicates = MatrixXd::Constant(51, 3, 2.0);
        duplicates.row(50) << 9, 9, 9;
        const Result<DbscanResult> dense = dbscan(duplicates, options);
        QVERIFY(dense);
        QCOMPARE(dense->clusterCount, 1);
        QCOMPARE(std::count(dense->labels.begin(), dense->labels.end(), 0), 50);
        QCOMPARE(dense->labels[50], kNoiseLabel);

        // Features without spread in some columns (a one-dimensional dataset in 3-D).
        MatrixXd line = MatrixXd::Zero(20, 3);
        for (Index i = 0; i < 20; ++i)
            line(i, 1) = i < 10 ? 0.1 * static_cast<double>(i) : 5 + 0.1 * static_cast<double>(i);
        options.minPts = 3;
        QCOMPARE(dbscan(line, options)->clusterCount, 2);
    }

    void dbscanRejectsBadOptions_data()
    {
        QTest::addColumn<double>("eps");
        QTest::addColumn<int>("minPts");
        QTest::addColumn<QString>("says");
        QTest::newRow("zero eps") << 0.0 << 3 << QStringLiteral("eps > 0");
        QTest::newRow("negative eps") << -1.0 << 3 << QStringLiteral("eps > 0");
        QTest::newRow("NaN eps") << std::numeric_limits<double>::quiet_NaN() << 3 << QStringLiteral("eps > 0");
        QTest::newRow("minPts 0") << 0.5 << 0 << QStringLiteral("minPts >= 1");
        QTest::newRow("eps too small for the range") << 1e-300 << 3 << QStringLiteral("too small");
    }

    void dbscanRejectsBadOptions()
    {
        QFETCH(double, eps);
        QFETCH(int, minPts);
        QFETCH(QString, says);
        DbscanOptions options;
        options.eps = eps;
        options.minPts = minPts;
        const Result<DbscanResult> result = dbscan(rowsOf({{0, 0}, {1e6, 1}}), options);
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(result.error().message.contains(says), qPrintable(result.error().message));
    }

    void dbscanOnASampleLabelsEveryRow()
    {
        // 3 blobs of 10,000 and 20 far-away points; clustered on a 3,000-row sample.
        Labelled data = blobs(corners(3, 2, 10.0), 10000, 0.5, 23);
        const Index blobRows = data.points.rows();
        data.points.conservativeResize(blobRows + 20, Eigen::NoChange);
        for (Index i = 0; i < 20; ++i) {
            data.points(blobRows + i, 0) = 100.0 + 10.0 * static_cast<double>(i);
            data.points(blobRows + i, 1) = -100.0;
        }
        DbscanOptions options;
        options.eps = 0.3;
        options.minPts = 50;
        options.maxPoints = 3000;
        const Result<DbscanResult> result = dbscan(data.points, options);
        QVERIFY(result);
        QCOMPARE(result->sampleSize, Index(3000));
        QCOMPARE(result->effectiveMinPts, 5); // ceil(50 x 3000 / 30020)
        QCOMPARE(result->labels.size(), std::size_t(blobRows + 20));
        QCOMPARE(result->clusterCount, 3);
        const std::vector<int> blobLabels(result->labels.begin(), result->labels.begin() + blobRows);
        QVERIFY2(agreement(blobLabels, data.truth) > 0.97,
                 qPrintable(QString::number(agreement(blobLabels, data.truth))));
        for (Index i = 0; i < 20; ++i)
            QCOMPARE(result->labels[static_cast<std::size_t>(blobRows + i)], kNoiseLabel);
        // Deterministic, sample included.
        QCOMPARE(dbscan(data.points, options)->labels, result->labels);
    }

    // --- scale ----------------------------------------------------------------------------

    void aMillionPointsStayWithinTheSampleBounds()
    {
        // A million keys with three features, four groups. Nothing here is timed: the bounds
        // that keep the cost linear in the rows are asserted instead (selection sample, fit
        // sample, DBSCAN sample), and the answers must still be right for every row.
        const Index perGroup = 250000;
        const Labelled data = blobs(corners(4, 3, 6.0), perGroup, 0.5, 41);
        QCOMPARE(data.points.rows(), Index(1000000));

        const AutoKMeansOptions kmeansOptions;
        const Result<AutoKMeansResult> kmeans = kMeansAuto(data.points, kmeansOptions);
        QVERIFY(kmeans);
        QCOMPARE(kmeans->selection.sampleSize, kmeansOptions.selection.sampleSize);
        QCOMPARE(kmeans->fitSampleSize, kmeansOptions.fitSampleSize);
        QVERIFY(kmeans->fitSampleSize < data.points.rows() / 5);
        QCOMPARE(kmeans->selection.k, 4);
        QCOMPARE(kmeans->clustering.labels.size(), std::size_t(1000000));
        QVERIFY(agreement(kmeans->clustering.labels, data.truth) > 0.999);

        DbscanOptions dbscanOptions;
        dbscanOptions.eps = 0.3;
        dbscanOptions.minPts = 1000; // 20 within eps among the 20,000 sampled rows
        const Result<DbscanResult> density = dbscan(data.points, dbscanOptions);
        QVERIFY(density);
        QCOMPARE(density->sampleSize, dbscanOptions.maxPoints);
        QCOMPARE(density->effectiveMinPts, 20);
        QCOMPARE(density->labels.size(), std::size_t(1000000));
        QCOMPARE(density->clusterCount, 4);
        // The groups' tails are sparser than the core test and come back as noise (about 5%
        // here, beyond ~2.3 sigma); every labelled row is in its own group's cluster, and no
        // row near a group's centre is noise.
        const auto noise = std::count(density->labels.begin(), density->labels.end(), kNoiseLabel);
        QVERIFY2(noise < 80000, qPrintable(QString::number(noise)));
        const double matched = agreement(density->labels, data.truth) * 1e6;
        QVERIFY2(matched >= 0.9999 * static_cast<double>(1000000 - noise), qPrintable(QString::number(matched)));
        const MatrixXd centers = corners(4, 3, 6.0);
        for (Index i = 0; i < data.points.rows(); ++i) {
            const double fromCentre = (data.points.row(i) - centers.row(data.truth[static_cast<std::size_t>(i)])).norm();
            if (fromCentre < 0.75 && density->labels[static_cast<std::size_t>(i)] == kNoiseLabel)
                QFAIL(qPrintable(QStringLiteral("row %1, %2 from its centre, is noise").arg(i).arg(fromCentre)));
        }
    }
};

QTEST_GUILESS_MAIN(TestClustering)
#include "tst_clustering.moc"
