// Unit tests for FailureFeatureExtractor: no look-ahead (row t never depends on samples after t),
// hand-computed values on a tiny series, error-counter features, non-finite samples and settings
// validation.

#include <cmath>
#include <random>

#include <QTest>

#include "foresight/prediction/failurefeatures.h"

using foresight::ErrorCode;
using foresight::prediction::FailureFeatureExtractor;
using foresight::prediction::FailureFeatureSettings;
using foresight::prediction::FeatureMatrix;

namespace {

std::vector<std::vector<double>> randomSeries(int rows, int metrics, unsigned seed)
{
    std::mt19937 generator(seed);
    std::normal_distribution<double> normal(0.5, 0.1);
    std::vector<std::vector<double>> samples(static_cast<size_t>(rows),
                                             std::vector<double>(static_cast<size_t>(metrics)));
    for (auto &sample : samples)
        for (double &value : sample)
            value = normal(generator);
    return samples;
}

FeatureMatrix computeOrFail(const std::vector<std::vector<double>> &samples,
                            int metrics,
                            const FailureFeatureSettings &s)
{
    auto matrix = FailureFeatureExtractor::compute(samples, metrics, s);
    if (!matrix)
        qFatal("compute failed: %s", qPrintable(matrix.error().toString()));
    return *matrix;
}

} // namespace

class tst_FailureFeatures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noLookAhead_data()
    {
        QTest::addColumn<int>("shortWindow");
        QTest::addColumn<int>("longWindow");
        QTest::addColumn<int>("cut");
        QTest::newRow("small windows") << 3 << 5 << 40;
        QTest::newRow("default windows") << 12 << 288 << 700;
        QTest::newRow("history still filling") << 12 << 288 << 100;
        QTest::newRow("first row") << 12 << 288 << 0;
    }
    void noLookAhead()
    {
        QFETCH(int, shortWindow);
        QFETCH(int, longWindow);
        QFETCH(int, cut);
        FailureFeatureSettings settings;
        settings.shortWindow = shortWindow;
        settings.longWindow = longWindow;
        settings.errorMetrics = {2};
        const auto original = randomSeries(1000, 3, 1);
        auto changed = original;
        // Everything after the cut changes wildly; rows up to the cut must not notice.
        for (size_t t = static_cast<size_t>(cut) + 1; t < changed.size(); ++t)
            for (double &value : changed[t])
                value = value * 100.0 + 7.0;
        changed.resize(changed.size() - 50); // and the series is shorter
        const FeatureMatrix a = computeOrFail(original, 3, settings);
        const FeatureMatrix b = computeOrFail(changed, 3, settings);
        for (size_t t = 0; t <= static_cast<size_t>(cut); ++t)
            for (size_t c = 0; c < a.columns(); ++c)
                QCOMPARE(a.at(t, c), b.at(t, c));
        // And the features do see the change afterwards.
        QVERIFY(a.at(static_cast<size_t>(cut) + 1, 0) != b.at(static_cast<size_t>(cut) + 1, 0));
    }

    void onlineEqualsBatch()
    {
        FailureFeatureSettings settings;
        settings.shortWindow = 4;
        settings.longWindow = 9;
        const auto samples = randomSeries(5000, 2, 2); // long enough for the periodic recompute
        const FeatureMatrix batch = computeOrFail(samples, 2, settings);
        auto extractor = FailureFeatureExtractor::create(2, settings);
        QVERIFY(extractor);
        for (size_t t = 0; t < samples.size(); ++t) {
            std::vector<float> row;
            QVERIFY(extractor->push(samples[t], row));
            QCOMPARE(row.size(), batch.columns());
            for (size_t c = 0; c < row.size(); ++c)
                QCOMPARE(row[c], batch.at(t, c));
        }
    }

    void knownValues()
    {
        FailureFeatureSettings settings;
        settings.shortWindow = 3;
        settings.longWindow = 2;
        settings.metricNames = {QStringLiteral("cpu")};
        const std::vector<std::vector<double>> samples = {{1}, {2}, {3}, {4}, {10}, {5}};
        const FeatureMatrix m = computeOrFail(samples, 1, settings);
        QCOMPARE(m.names,
                 QStringList({QStringLiteral("cpu.level"),
                              QStringLiteral("cpu.slope"),
                              QStringLiteral("cpu.std"),
                              QStringLiteral("cpu.z"),
                              QStringLiteral("deviating")}));
        QCOMPARE(m.rows, size_t(6));
        // level, slope, std, z, deviating per row, computed by hand. The baseline is the
        // longWindow samples before the recent shortWindow ones.
        const double expected[6][5] = {
            {1, 0, 0, 0, 0},                                               // one sample: no slope, no baseline
            {2, 1, 0.5, 0, 0},                                             // [1 2]
            {3, 1, std::sqrt(2.0 / 3.0), 0, 0},                            // [1 2 3]
            {4, 1, std::sqrt(2.0 / 3.0), 1000, 1},                         // [2 3 4] vs [1]: std floored at 0.002
            {10, 3.5, std::sqrt(86.0 / 9.0), (17.0 / 3.0 - 1.5) / 0.5, 1}, // [3 4 10] vs [1 2]
            {5, 0.5, std::sqrt(62.0 / 9.0), (19.0 / 3.0 - 2.5) / 0.5, 1},  // [4 10 5] vs [2 3]
        };
        for (size_t t = 0; t < 6; ++t)
            for (size_t c = 0; c < 5; ++c)
                QVERIFY2(std::abs(m.at(t, c) - expected[t][c]) < 1e-4 * (1.0 + std::abs(expected[t][c])),
                         qPrintable(QStringLiteral("row %1 %2: %3, expected %4")
                                        .arg(t)
                                        .arg(m.names[static_cast<qsizetype>(c)])
                                        .arg(m.at(t, c))
                                        .arg(expected[t][c])));
    }

    void errorCounters()
    {
        FailureFeatureSettings settings;
        settings.shortWindow = 3;
        settings.longWindow = 3;
        settings.errorMetrics = {1};
        const std::vector<std::vector<double>> samples = {{0.5, 0}, {0.5, 2}, {0.5, 0}, {0.5, 1}, {0.5, 0}};
        const FeatureMatrix m = computeOrFail(samples, 2, settings);
        const auto errors = m.names.indexOf(QStringLiteral("m1.errors"));
        const auto rate = m.names.indexOf(QStringLiteral("m1.error_rate"));
        QVERIFY(errors >= 0 && rate >= 0);
        const double expectedErrors[] = {0, 2, 2, 3, 1};
        const double expectedRate[] = {0, 1, 2.0 / 3.0, 1, 1.0 / 3.0};
        for (size_t t = 0; t < 5; ++t) {
            QCOMPARE(m.at(t, static_cast<size_t>(errors)), float(expectedErrors[t]));
            QVERIFY(std::abs(m.at(t, static_cast<size_t>(rate)) - expectedRate[t]) < 1e-6);
        }
    }

    void referenceFeatures()
    {
        FailureFeatureSettings settings;
        settings.shortWindow = 2;
        settings.longWindow = 2;
        settings.references = {{0.5, 0.1, 0.2, 0.8}};
        const std::vector<std::vector<double>> samples = {{0.5}, {0.9}, {0.1}, {0.7}};
        const FeatureMatrix m = computeOrFail(samples, 1, settings);
        const auto z = static_cast<size_t>(m.names.indexOf(QStringLiteral("m0.ref_z")));
        const auto excess = static_cast<size_t>(m.names.indexOf(QStringLiteral("m0.ref_excess")));
        QCOMPARE(m.columns(), size_t(7));
        const double expectedZ[] = {0, 4, -4, 2};
        const double expectedExcess[] = {0, 0.1, -0.1, 0};
        for (size_t t = 0; t < 4; ++t) {
            QVERIFY(std::abs(m.at(t, z) - expectedZ[t]) < 1e-5);
            QVERIFY(std::abs(m.at(t, excess) - expectedExcess[t]) < 1e-6);
        }
        settings.references = {{0.5, 0.1, 0.9, 0.2}}; // low > high
        QVERIFY(!FailureFeatureExtractor::create(1, settings));
    }

    void nonFiniteRepeatsPreviousValue()
    {
        FailureFeatureSettings settings;
        settings.shortWindow = 2;
        settings.longWindow = 2;
        const std::vector<std::vector<double>> samples = {{3}, {std::nan("")}, {INFINITY}};
        const FeatureMatrix m = computeOrFail(samples, 1, settings);
        for (size_t t = 0; t < 3; ++t) {
            QCOMPARE(m.at(t, 0), 3.0f);
            for (size_t c = 0; c < m.columns(); ++c)
                QVERIFY(std::isfinite(m.at(t, c)));
        }
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<int>("shortWindow");
        QTest::addColumn<int>("longWindow");
        QTest::addColumn<int>("errorMetric");
        QTest::newRow("short window 1") << 1 << 10 << -1;
        QTest::newRow("long window 1") << 5 << 1 << -1;
        QTest::newRow("error metric out of range") << 5 << 10 << 7;
    }
    void rejectsBadInput()
    {
        QFETCH(int, shortWindow);
        QFETCH(int, longWindow);
        QFETCH(int, errorMetric);
        FailureFeatureSettings settings;
        settings.shortWindow = shortWindow;
        settings.longWindow = longWindow;
        if (errorMetric >= 0)
            settings.errorMetrics = {errorMetric};
        auto extractor = FailureFeatureExtractor::create(3, settings);
        QVERIFY(!extractor);
        QCOMPARE(extractor.error().code, ErrorCode::InvalidArgument);
    }

    void rejectsWrongSampleSize()
    {
        auto extractor = FailureFeatureExtractor::create(3, {});
        QVERIFY(extractor);
        std::vector<float> row;
        const std::vector<double> sample = {1, 2};
        auto status = extractor->push(sample, row);
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
        QVERIFY(row.empty());
    }
};

QTEST_GUILESS_MAIN(tst_FailureFeatures)
#include "tst_failurefeatures.moc"
