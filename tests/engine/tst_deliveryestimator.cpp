// A scheduled stream's measure of its own link (docs/partitions.md): the delivery rate from
// acknowledged bytes, the round trip as the smallest recent sample, bursts of acknowledgements
// not read as infinite rates, and in-flight bytes accounted.

#include <QTest>

#include "foresight/partitioning/deliveryestimator.h"

using foresight::partitioning::DeliveryEstimator;

class TestDeliveryEstimator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void measuresASteadyLink()
    {
        // 10 KB acknowledged every 100 ms: 100 KB/s.
        DeliveryEstimator link;
        QVERIFY(!link.measured());
        std::int64_t t = 0;
        link.sent(1, 10'000, t);
        for (std::uint64_t batch = 1; batch <= 50; ++batch) {
            link.sent(batch + 1, 10'000, t + 50);
            t += 100;
            link.acknowledged(batch, t);
        }
        QVERIFY(link.measured());
        QVERIFY2(qAbs(link.conditions().bandwidthBytesPerSecond - 100'000) < 5'000,
                 qPrintable(QString::number(link.conditions().bandwidthBytesPerSecond)));
        QCOMPARE(link.conditions().roundTripMs,
                 100.0); // batch 1: sent at 0, acknowledged at 100 (later ones waited longer)
        QCOMPARE(link.inFlightBytes(), 10'000);
        QCOMPARE(link.oldestInFlightSentMs(), std::optional<std::int64_t>(t - 50)); // batch 51
        link.acknowledged(51, t + 10);
        QCOMPARE(link.oldestInFlightSentMs(), std::nullopt);
    }

    void aBurstOfAcknowledgementsIsNotAnInfiniteRate()
    {
        DeliveryEstimator link;
        link.sent(1, 1000, 0);
        link.sent(2, 1000, 0);
        link.acknowledged(1, 100);
        const double first = link.conditions().bandwidthBytesPerSecond;
        QCOMPARE(first, 10'000.0); // 1000 bytes in 100 ms
        link.acknowledged(2, 101); // 1 ms later: too short to be a sample of its own
        QCOMPARE(link.conditions().bandwidthBytesPerSecond, first);
        QCOMPARE(link.inFlightBytes(), 0);
        link.acknowledged(2, 200); // a repeat acknowledges nothing new
        QCOMPARE(link.conditions().bandwidthBytesPerSecond, first);
    }

    void roundTripIsTheSmallestRecentSample()
    {
        DeliveryEstimator link;
        link.sent(1, 100, 0);
        link.acknowledged(1, 30);
        link.sent(2, 100, 100);
        link.acknowledged(2, 400); // queued behind other traffic
        QCOMPARE(link.conditions().roundTripMs, 30.0);
        // Ten seconds on, the old sample has aged out.
        link.sent(3, 100, 20'000);
        link.acknowledged(3, 20'080);
        QCOMPARE(link.conditions().roundTripMs, 80.0);
        link.sent(4, 100, 20'100);
        link.reset(); // lost in a reconnection: nothing in flight, the figures kept
        QCOMPARE(link.inFlightBytes(), 0);
        QCOMPARE(link.conditions().roundTripMs, 80.0);
    }
};

QTEST_GUILESS_MAIN(TestDeliveryEstimator)
#include "tst_deliveryestimator.moc"
