// The clocks: ScaledClock runs N times as fast as the system clock (monotonic and wall), starts
// at the real time, clamps bad scales, and turns its waits into real ones; the others' contract.

#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include <QTest>

#include "foresight/core/clock.h"

using namespace foresight;

namespace {

using Steady = std::chrono::steady_clock;

double realMsSince(Steady::time_point start)
{
    return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

// Spins (yielding) until at least realMs of real time have passed: what is measured is the
// clock's rate over a real interval, so the interval must be real.
void letRealTimePass(double realMs)
{
    const Steady::time_point start = Steady::now();
    while (realMsSince(start) < realMs)
        std::this_thread::yield();
}

} // namespace

class TestClock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scaledRunsFasterThanRealTime_data()
    {
        QTest::addColumn<double>("scale");
        QTest::newRow("1") << 1.0;
        QTest::newRow("2.5") << 2.5;
        QTest::newRow("5") << 5.0;
        QTest::newRow("40") << 40.0;
    }

    void scaledRunsFasterThanRealTime()
    {
        QFETCH(double, scale);
        const ScaledClock clock(scale);
        QCOMPARE(clock.scale(), scale);
        QCOMPARE(clock.rate(), scale);
        // Both readings start at the real ones.
        QVERIFY(std::abs(clock.wallMs() - SystemClock::instance().wallMs()) < 50);
        QVERIFY(std::abs(clock.monotonicMs() - SystemClock::instance().monotonicMs()) < 50);

        const Steady::time_point realStart = Steady::now();
        const std::int64_t monotonicStart = clock.monotonicMs();
        const std::int64_t wallStart = clock.wallMs();
        letRealTimePass(200);
        const std::int64_t monotonicEnd = clock.monotonicMs();
        const std::int64_t wallEnd = clock.wallMs();
        const double real = realMsSince(realStart);
        // Read after the clock, so real >= what the clock saw; the clock may not have seen the
        // last few microseconds: a broad margin below, a tight one above (a preempted test only
        // makes `real` larger).
        const double monotonicRate = double(monotonicEnd - monotonicStart) / real;
        const double wallRate = double(wallEnd - wallStart) / real;
        QVERIFY2(monotonicRate > scale * 0.8 && monotonicRate < scale * 1.05 + 0.05,
                 qPrintable(QStringLiteral("monotonic rate %1 at scale %2").arg(monotonicRate).arg(scale)));
        QVERIFY2(wallRate > scale * 0.8 && wallRate < scale * 1.05 + 0.05,
                 qPrintable(QStringLiteral("wall rate %1 at scale %2").arg(wallRate).arg(scale)));
    }

    void scaledIsMonotonic()
    {
        const ScaledClock clock(7.0);
        std::int64_t last = clock.monotonicMs();
        std::int64_t lastWall = clock.wallMs();
        for (int i = 0; i < 200'000; ++i) {
            const std::int64_t now = clock.monotonicMs();
            const std::int64_t wall = clock.wallMs();
            QVERIFY(now >= last);
            QVERIFY(wall >= lastWall);
            last = now;
            lastWall = wall;
        }
    }

    void scaleOneIsTheSystemClock()
    {
        const ScaledClock clock(1.0);
        QCOMPARE(clock.rate(), 1.0);
        const std::int64_t before = SystemClock::instance().monotonicMs();
        const std::int64_t reading = clock.monotonicMs();
        const std::int64_t after = SystemClock::instance().monotonicMs();
        QVERIFY(before <= reading && reading <= after);
        const std::int64_t wallBefore = SystemClock::instance().wallMs();
        const std::int64_t wall = clock.wallMs();
        QVERIFY(wallBefore <= wall && wall <= SystemClock::instance().wallMs());
        QCOMPARE(clock.realWaitMs(100), 100);
    }

    void badScalesAreClampedAndRejected_data()
    {
        QTest::addColumn<double>("scale");
        QTest::addColumn<double>("clamped");
        QTest::newRow("zero") << 0.0 << 1.0;
        QTest::newRow("below one") << 0.5 << 1.0;
        QTest::newRow("negative") << -3.0 << 1.0;
        QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << 1.0;
        QTest::newRow("too fast") << 1000.0 << ScaledClock::kMaxScale;
        QTest::newRow("infinite") << std::numeric_limits<double>::infinity() << ScaledClock::kMaxScale;
    }

    void badScalesAreClampedAndRejected()
    {
        QFETCH(double, scale);
        QFETCH(double, clamped);
        QCOMPARE(ScaledClock(scale).scale(), clamped);
        const Status valid = ScaledClock::validateScale(scale);
        QVERIFY(!valid);
        QCOMPARE(valid.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(valid.error().message.contains(QStringLiteral("from 1")), qPrintable(valid.error().message));
        QVERIFY(ScaledClock::validateScale(1.0));
        QVERIFY(ScaledClock::validateScale(4.0));
        QVERIFY(ScaledClock::validateScale(ScaledClock::kMaxScale));
    }

    // Clocks made with the same scale and origin read the same times (a local cluster's agents
    // and its console), whenever each was made.
    void sharedOriginAgrees()
    {
        const std::int64_t origin = SystemClock::instance().wallMs() - 2000;
        const ScaledClock first(4.0, origin);
        letRealTimePass(30);
        const ScaledClock second(4.0, origin);
        QCOMPARE(first.originWallMs(), origin);
        // 2 s of real time since the origin are 8 s on these clocks.
        QVERIFY(first.wallMs() - SystemClock::instance().wallMs() >= 5900);
        QVERIFY(std::abs(first.wallMs() - second.wallMs()) <= 10);
        QVERIFY(std::abs(first.monotonicMs() - second.monotonicMs()) <= 10);
        // An origin in the future is now.
        const ScaledClock future(4.0, SystemClock::instance().wallMs() + 60'000);
        QVERIFY(future.originWallMs() <= SystemClock::instance().wallMs());
    }

    void realWaitsAreScaled()
    {
        const ScaledClock clock(4.0);
        QCOMPARE(clock.realWaitMs(100), 25);
        QCOMPARE(clock.realWaitMs(5), 2); // rounded up: never a busy poll before a due time
        QCOMPARE(clock.realWaitMs(1), 1);
        QCOMPARE(clock.realWaitMs(0), 0);
        QCOMPARE(clock.realWaitMs(-20), 0);
        QCOMPARE(SystemClock::instance().realWaitMs(20), 20);
        ManualClock manual;
        QCOMPARE(manual.rate(), 1.0);
        QCOMPARE(manual.realWaitMs(20), 20);
        // A wait too long for an int is capped, not overflowed.
        QCOMPARE(SystemClock::instance().realWaitMs(std::numeric_limits<std::int64_t>::max()),
                 std::numeric_limits<int>::max());
    }

    // What a timer due in 100 clock ms becomes: about 100 / scale real ms.
    void aWaitOnTheClockTakesScaledRealTime()
    {
        const ScaledClock clock(5.0);
        const std::int64_t due = clock.monotonicMs() + 100;
        const Steady::time_point realStart = Steady::now();
        while (clock.monotonicMs() < due)
            std::this_thread::sleep_for(std::chrono::milliseconds(clock.realWaitMs(due - clock.monotonicMs())));
        const double real = realMsSince(realStart);
        QVERIFY2(real >= 15 && real < 100, qPrintable(QStringLiteral("100 clock ms took %1 real ms").arg(real)));
    }
};

QTEST_GUILESS_MAIN(TestClock)
#include "tst_clock.moc"
