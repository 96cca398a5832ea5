// Model divergence between a primary's and a replica's forecasts, key by key, and when a
// prediction counts as right (prediction/forecastdivergence.h).

#include <QTest>

#include "foresight/prediction/forecastdivergence.h"

using namespace foresight::prediction;

namespace {

KeyForecast forecast(std::uint64_t seq, std::optional<std::int64_t> nextMs, std::optional<double> value)
{
    KeyForecast f;
    f.key = QStringLiteral("gauge/g0");
    f.basedOnSeq = seq;
    f.nextChangeMs = nextMs;
    f.nextValue = value;
    f.typicalChange = 10;
    f.typicalIntervalMs = 1000;
    return f;
}

} // namespace

class TestForecastDivergence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keyDivergence_data()
    {
        QTest::addColumn<std::optional<std::int64_t>>("replicaNextMs");
        QTest::addColumn<std::optional<double>>("replicaValue");
        QTest::addColumn<std::uint64_t>("replicaSeq");
        QTest::addColumn<double>("expected");
        // The primary forecasts a change at 5000 ms to 100, on scales of 1000 ms and 10.
        QTest::newRow("identical") << std::optional<std::int64_t>(5000) << std::optional<double>(100.0)
                                   << std::uint64_t(7) << 0.0;
        QTest::newRow("half a typical change off")
            << std::optional<std::int64_t>(5000) << std::optional<double>(105.0) << std::uint64_t(7) << 0.25;
        QTest::newRow("a quarter interval late, value equal")
            << std::optional<std::int64_t>(5250) << std::optional<double>(100.0) << std::uint64_t(7) << 0.125;
        QTest::newRow("far off on both: capped at 1")
            << std::optional<std::int64_t>(90000) << std::optional<double>(-500.0) << std::uint64_t(7) << 1.0;
        QTest::newRow("no value forecast where the primary has one")
            << std::optional<std::int64_t>(5000) << std::optional<double>() << std::uint64_t(7) << 0.5;
        QTest::newRow("made at another delta of the key")
            << std::optional<std::int64_t>(5000) << std::optional<double>(100.0) << std::uint64_t(6) << 1.0;
    }

    void keyDivergence()
    {
        QFETCH(std::optional<std::int64_t>, replicaNextMs);
        QFETCH(std::optional<double>, replicaValue);
        QFETCH(std::uint64_t, replicaSeq);
        QFETCH(double, expected);
        const KeyForecast primary = forecast(7, 5000, 100.0);
        QCOMPARE(foresight::prediction::keyDivergence(primary, forecast(replicaSeq, replicaNextMs, replicaValue)),
                 expected);
    }

    void missingOrEmptyForecasts()
    {
        // The replica has none for the key: as far as can be.
        QCOMPARE(foresight::prediction::keyDivergence(forecast(7, 5000, 100.0), std::nullopt), 1.0);
        // The primary forecasts nothing yet: nothing to disagree with.
        QCOMPARE(foresight::prediction::keyDivergence(forecast(7, std::nullopt, std::nullopt), std::nullopt), 0.0);
        // Only a change time: the value is not compared.
        QCOMPARE(foresight::prediction::keyDivergence(forecast(7, 5000, std::nullopt), forecast(7, 5500, 3.0)), 0.5);
        // A key that never moved (scale 0): any difference is a full one.
        KeyForecast still = forecast(7, std::nullopt, 4.0);
        still.typicalChange = 0;
        QCOMPARE(foresight::prediction::keyDivergence(still, forecast(7, std::nullopt, 4.0)), 0.0);
        QCOMPARE(foresight::prediction::keyDivergence(still, forecast(7, std::nullopt, 4.5)), 1.0);
    }

    void predictionRight()
    {
        QVERIFY(foresight::prediction::predictionRight(100, 104.9, 10));
        QVERIFY(foresight::prediction::predictionRight(100, 95, 10));
        QVERIFY(!foresight::prediction::predictionRight(100, 105.1, 10));
        QVERIFY(foresight::prediction::predictionRight(3, 3, 0)); // no scale: exact only
        QVERIFY(!foresight::prediction::predictionRight(3, 3.001, 0));
    }
};

QTEST_GUILESS_MAIN(TestForecastDivergence)
#include "tst_forecastdivergence.moc"
