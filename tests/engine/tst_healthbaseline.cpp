// Unit tests for HealthBaseline: scores stay in [0, 1], no look-ahead (a score never depends on
// later values), an injected spike or step scores high while steady noise does not, a new extreme
// is reported even when an earlier incident dominates the surprises' references, settings
// validation and reset.

#include <cmath>
#include <random>

#include <QTest>

#include "foresight/prediction/healthbaseline.h"

using foresight::prediction::HealthBaseline;
using foresight::prediction::HealthBaselineSettings;

namespace {

// Gaussian noise around level with deviation sigma, reproducible from seed.
std::vector<double> noise(int count, double level, double sigma, unsigned seed)
{
    std::mt19937 generator(seed);
    std::normal_distribution<double> normal(level, sigma);
    std::vector<double> values(static_cast<size_t>(count));
    for (double &value : values)
        value = normal(generator);
    return values;
}

double maxOf(const std::vector<double> &scores, int from, int to)
{
    double best = 0.0;
    for (int i = from; i < to; ++i)
        best = std::max(best, scores[size_t(i)]);
    return best;
}

// A score of 0.5 means "as surprising as the rarest 0.1% of the recent past", which steady noise
// reaches now and then by chance (about 0.52 here); a clear event must go well beyond.
constexpr double kAlarm = 0.6;
constexpr double kQuiet = 0.6;
constexpr int kLength = 1200;
constexpr int kEvent = 900;

} // namespace

class TestHealthBaseline final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scoresInRange();
    void noLookAhead();
    void steadyNoiseIsQuiet_data();
    void steadyNoiseIsQuiet();
    void spikeScoresHigh_data();
    void spikeScoresHigh();
    void stepScoresHigh_data();
    void stepScoresHigh();
    void flatSeries();
    void outOfRangeAfterIncident();
    void settingsValidation();
    void resetForgets();
};

void TestHealthBaseline::scoresInRange()
{
    std::vector<double> values = noise(kLength, 10.0, 1.0, 1);
    values[800] = 1e9;
    values[900] = -1e9;
    values[1000] = std::nan("");
    for (const double score : HealthBaseline::scoreSeries(values))
        QVERIFY(score >= 0.0 && score <= 1.0);
}

void TestHealthBaseline::noLookAhead()
{
    // Two series share their first 700 values and then diverge wildly; every score up to the
    // divergence must be identical, bit for bit.
    const std::vector<double> common = noise(700, 50.0, 5.0, 7);
    std::vector<double> a = common;
    std::vector<double> b = common;
    const std::vector<double> tailA = noise(300, 50.0, 5.0, 8);
    const std::vector<double> tailB = noise(300, 500.0, 80.0, 9);
    a.insert(a.end(), tailA.begin(), tailA.end());
    b.insert(b.end(), tailB.begin(), tailB.end());
    const std::vector<double> scoresA = HealthBaseline::scoreSeries(a);
    const std::vector<double> scoresB = HealthBaseline::scoreSeries(b);
    const std::vector<double> prefix = HealthBaseline::scoreSeries(common);
    for (size_t i = 0; i < common.size(); ++i) {
        QCOMPARE(scoresA[i], scoresB[i]);
        QCOMPARE(scoresA[i], prefix[i]);
    }
    // And the divergence itself is noticed (within one suppression period: a chance alarm just
    // before it may halve the first scores).
    QVERIFY(maxOf(scoresB, 700, 700 + HealthBaselineSettings{}.suppression + 10) >= kAlarm);
}

void TestHealthBaseline::steadyNoiseIsQuiet_data()
{
    QTest::addColumn<unsigned>("seed");
    QTest::addColumn<double>("level");
    QTest::addColumn<double>("sigma");
    QTest::newRow("cpu-like") << 11u << 40.0 << 3.0;
    QTest::newRow("tiny") << 12u << 0.001 << 0.0001;
    QTest::newRow("large") << 13u << 1e7 << 2e5;
}

void TestHealthBaseline::steadyNoiseIsQuiet()
{
    QFETCH(unsigned, seed);
    QFETCH(double, level);
    QFETCH(double, sigma);
    const std::vector<double> scores = HealthBaseline::scoreSeries(noise(kLength, level, sigma, seed));
    const double quietest = maxOf(scores, 400, kLength);
    QVERIFY2(quietest < kQuiet, qPrintable(QString::number(quietest)));
}

void TestHealthBaseline::spikeScoresHigh_data()
{
    QTest::addColumn<double>("height"); // in noise deviations
    QTest::newRow("up 12 sigma") << 12.0;
    QTest::newRow("down 12 sigma") << -12.0;
    QTest::newRow("up 50 sigma") << 50.0;
}

void TestHealthBaseline::spikeScoresHigh()
{
    QFETCH(double, height);
    std::vector<double> values = noise(kLength, 40.0, 2.0, 21);
    values[kEvent] += height * 2.0;
    const std::vector<double> scores = HealthBaseline::scoreSeries(values);
    QVERIFY2(maxOf(scores, 400, kEvent) < kQuiet, "before the spike");
    const double atSpike = maxOf(scores, kEvent, kEvent + 5);
    QVERIFY2(atSpike >= kAlarm, qPrintable(QString::number(atSpike)));
}

void TestHealthBaseline::stepScoresHigh_data()
{
    QTest::addColumn<double>("shift"); // in noise deviations
    QTest::newRow("up 8 sigma") << 8.0;
    QTest::newRow("down 10 sigma") << -10.0;
}

void TestHealthBaseline::stepScoresHigh()
{
    QFETCH(double, shift);
    std::vector<double> values = noise(kLength, 40.0, 2.0, 31);
    for (int i = kEvent; i < kLength; ++i)
        values[size_t(i)] += shift * 2.0;
    const std::vector<double> scores = HealthBaseline::scoreSeries(values);
    QVERIFY2(maxOf(scores, 400, kEvent) < kQuiet, "before the step");
    const double atStep = maxOf(scores, kEvent, kEvent + 5);
    QVERIFY2(atStep >= kAlarm, qPrintable(QString::number(atStep)));
}

void TestHealthBaseline::flatSeries()
{
    // A metric that never moves, then moves a little: the change is news, the flat part is not.
    std::vector<double> values(kLength, 7.0);
    for (int i = kEvent; i < kLength; ++i)
        values[size_t(i)] = 7.5;
    const std::vector<double> scores = HealthBaseline::scoreSeries(values);
    QCOMPARE(maxOf(scores, 0, kEvent), 0.0);
    QVERIFY(maxOf(scores, kEvent, kEvent + 5) >= kAlarm);
}

void TestHealthBaseline::outOfRangeAfterIncident()
{
    // A drop of 50 deviations dominates every surprise's reference for thousands of values; a
    // later rise of 20 deviations is then unremarkable to them, but it is beyond anything the
    // series has done, which only the range notices.
    std::vector<double> values = noise(2000, 40.0, 2.0, 51);
    values[1100] -= 100.0;
    values[1500] += 40.0;
    const double atRise = HealthBaseline::scoreSeries(values)[1500];
    QVERIFY2(atRise >= kAlarm, qPrintable(QString::number(atRise)));
    HealthBaselineSettings withoutRange;
    withoutRange.rangeWarmup = 100000;
    const double blind = HealthBaseline::scoreSeries(values, withoutRange)[1500];
    QVERIFY2(blind < kQuiet, qPrintable(QString::number(blind)));
}

void TestHealthBaseline::settingsValidation()
{
    QVERIFY(HealthBaselineSettings{}.validate());
    HealthBaselineSettings bad;
    bad.baselineWindow = 4;
    QVERIFY(!bad.validate());
    QVERIFY(bad.validate().error().message.contains(QStringLiteral("baselineWindow")));
    QVERIFY(!HealthBaseline::create(bad));
    bad = {};
    bad.patternHistory = bad.patternLength - 1;
    QVERIFY(!bad.validate());
    bad = {};
    bad.referenceQuantile = 0.0;
    QVERIFY(!bad.validate());
    bad = {};
    bad.suppression = -1;
    QVERIFY(!bad.validate());
    bad = {};
    bad.rangeHistory = 1;
    QVERIFY(!bad.validate());
    bad = {};
    bad.rangeTolerance = -0.1;
    QVERIFY(!bad.validate());
    bad = {};
    bad.rangeWarmup = -1;
    QVERIFY(!bad.validate());
    // The plain constructor falls back to the defaults.
    QCOMPARE(HealthBaseline(bad).settings().suppression, HealthBaselineSettings{}.suppression);
}

void TestHealthBaseline::resetForgets()
{
    const std::vector<double> values = noise(800, 3.0, 0.5, 41);
    HealthBaseline baseline;
    std::vector<double> first;
    for (const double value : values)
        first.push_back(baseline.update(value));
    baseline.reset();
    for (size_t i = 0; i < values.size(); ++i)
        QCOMPARE(baseline.update(values[i]), first[i]);
}

QTEST_GUILESS_MAIN(TestHealthBaseline)
#include "tst_healthbaseline.moc"
