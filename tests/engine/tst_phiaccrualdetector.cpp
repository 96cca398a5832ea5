// Unit tests for PhiAccrualDetector: bootstrap, the crossing time of regular and jittery
// heartbeats checked against the formula, window bound, deviation floor, pause, monotonicity,
// numerical safety, suspectAfterMs() and settings validation. Time is driven, never slept.

#include <cmath>
#include <limits>
#include <numbers>

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/detection/phiaccrualdetector.h"

using namespace Qt::StringLiterals;
using foresight::ManualClock;
using foresight::detection::PhiAccrualDetector;
using foresight::detection::PhiSettings;

Q_DECLARE_METATYPE(foresight::detection::PhiSettings)

namespace {

constexpr std::int64_t kStart = 1'000'000;

// The formula as the header states it, written out naively (no log-space tricks), so that the
// detector's stable evaluation and its inversion are checked against an independent version.
double referencePhi(double elapsedMs, double meanMs, double deviationMs)
{
    const double y = (elapsedMs - meanMs) / deviationMs;
    const double f = 1.0 / (1.0 + std::exp(-y * (1.5976 + 0.070566 * y * y)));
    return -std::log10(1.0 - f);
}

// The first whole millisecond after the last heartbeat at which referencePhi reaches threshold.
std::int64_t referenceCrossingMs(double meanMs, double deviationMs, double threshold)
{
    std::int64_t elapsed = 0;
    while (referencePhi(double(elapsed), meanMs, deviationMs) < threshold && elapsed < 10'000'000)
        ++elapsed;
    return elapsed;
}

PhiAccrualDetector makeDetector(const PhiSettings &settings)
{
    auto detector = PhiAccrualDetector::create(settings);
    if (!detector)
        qFatal("invalid test settings: %s", qPrintable(detector.error().toString()));
    return *detector;
}

// count heartbeats intervalMs apart, the first at the clock's current time.
void feedRegular(PhiAccrualDetector &detector, ManualClock &clock, std::int64_t intervalMs, int count)
{
    for (int i = 0; i < count; ++i) {
        if (i > 0 || detector.lastHeartbeatMs())
            clock.advance(intervalMs);
        detector.heartbeat(clock.monotonicMs());
    }
}

// Normally distributed intervals (Box-Muller), at least 1 ms, from a seeded generator.
void feedJittery(
    PhiAccrualDetector &detector, ManualClock &clock, double meanMs, double jitterMs, int count, quint32 seed)
{
    QRandomGenerator random(seed);
    detector.heartbeat(clock.monotonicMs());
    for (int i = 1; i < count; ++i) {
        const double u1 = 1.0 - random.generateDouble(); // (0, 1]
        const double u2 = random.generateDouble();
        const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
        clock.advance(std::max<std::int64_t>(1, std::llround(meanMs + jitterMs * normal)));
        detector.heartbeat(clock.monotonicMs());
    }
}

// The first millisecond at which phi() reaches threshold, found by walking the clock forward.
std::int64_t walkToCrossing(const PhiAccrualDetector &detector, double threshold)
{
    const std::int64_t last = *detector.lastHeartbeatMs();
    ManualClock clock;
    clock.advance(last);
    while (detector.phi(clock.monotonicMs()) < threshold && clock.monotonicMs() - last < 10'000'000)
        clock.advance(1);
    return clock.monotonicMs() - last;
}

// Histories used by the property tests.
enum class History { BootstrapOnly, Regular, Jittery, PauseAndFloor };

PhiAccrualDetector makeHistory(History history)
{
    ManualClock clock;
    clock.advance(kStart);
    PhiSettings settings;
    if (history == History::PauseAndFloor) {
        settings.acceptableHeartbeatPauseMs = 250;
        settings.minStdDeviationMs = 3.5;
    }
    PhiAccrualDetector detector = makeDetector(settings);
    switch (history) {
    case History::BootstrapOnly:
        detector.heartbeat(clock.monotonicMs());
        break;
    case History::Regular:
    case History::PauseAndFloor:
        feedRegular(detector, clock, 100, 300);
        break;
    case History::Jittery:
        feedJittery(detector, clock, 100, 20, 300, 7);
        break;
    }
    return detector;
}

void addHistoryRows()
{
    QTest::addColumn<History>("history");
    QTest::newRow("bootstrap only") << History::BootstrapOnly;
    QTest::newRow("regular 100 ms") << History::Regular;
    QTest::newRow("jittery 100 +- 20 ms") << History::Jittery;
    QTest::newRow("pause 250 ms, floor 3.5 ms") << History::PauseAndFloor;
}

} // namespace

Q_DECLARE_METATYPE(History)

class TestPhiAccrualDetector final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void beforeFirstHeartbeat();
    void bootstrapFromExpectedInterval();
    void regularHeartbeatsCrossAtDocumentedDelay_data();
    void regularHeartbeatsCrossAtDocumentedDelay();
    void jitterRaisesCrossingTime();
    void windowBound_data();
    void windowBound();
    void minStdDeviationFloor_data();
    void minStdDeviationFloor();
    void acceptablePauseShiftsCrossing_data();
    void acceptablePauseShiftsCrossing();
    void monotonicInElapsedTime_data();
    void monotonicInElapsedTime();
    void hugeElapsedIsCapped_data();
    void hugeElapsedIsCapped();
    void hugeIntervalsAreClamped();
    void timeGoingBackwards();
    void suspectAfterAgreesWithPhi_data();
    void suspectAfterAgreesWithPhi();
    void heartbeatWhileSuspectedIsNotLearned();
    void reset();
    void settingsValidation_data();
    void settingsValidation();
    void invalidSettingsFallBackToDefaults();
};

void TestPhiAccrualDetector::beforeFirstHeartbeat()
{
    const PhiAccrualDetector detector;
    QVERIFY(!detector.lastHeartbeatMs());
    QCOMPARE(detector.phi(kStart), 0.0);
    QVERIFY(detector.isAvailable(kStart));
    QVERIFY(detector.isAvailable(std::numeric_limits<std::int64_t>::max(), 8.0));
    QVERIFY(!detector.suspectAfterMs());
    QCOMPARE(detector.sampleCount(), 0);
    QCOMPARE(detector.meanIntervalMs(), 0.0);
    QCOMPARE(detector.stdDeviationMs(), 0.0);
}

void TestPhiAccrualDetector::bootstrapFromExpectedInterval()
{
    PhiAccrualDetector detector;
    detector.heartbeat(kStart);
    QCOMPARE(detector.lastHeartbeatMs(), std::optional<std::int64_t>(kStart));
    // Akka's seed: 75 and 125 ms, so mean 100 and deviation 25 before any interval is measured.
    QCOMPARE(detector.sampleCount(), 2);
    QCOMPARE(detector.meanIntervalMs(), 100.0);
    QCOMPARE(detector.stdDeviationMs(), 25.0);
    // At the mean, F = 1/2 and phi = log10(2).
    QVERIFY(qAbs(detector.phi(kStart + 100) - std::log10(2.0)) < 1e-12);
    QCOMPARE(*detector.suspectAfterMs(), referenceCrossingMs(100, 25, 8));
    QCOMPARE(*detector.suspectAfterMs(), 231);

    // The second heartbeat adds the first measured interval.
    detector.heartbeat(kStart + 100);
    QCOMPARE(detector.sampleCount(), 3);
    QCOMPARE(detector.meanIntervalMs(), 100.0);
    QVERIFY(qAbs(detector.stdDeviationMs() - std::sqrt(1250.0 / 3)) < 1e-9);
    QCOMPARE(detector.lastHeartbeatMs(), std::optional<std::int64_t>(kStart + 100));
}

void TestPhiAccrualDetector::regularHeartbeatsCrossAtDocumentedDelay_data()
{
    QTest::addColumn<int>("intervalMs");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<int>("crossingMs"); // documented: the first ms after the last heartbeat with phi >= threshold

    // With perfectly regular heartbeats the deviation is the floor, 10% of the interval, so the
    // crossing is at interval * (1 + y(threshold) / 10), y(8) = 5.2255: 153 ms for the defaults.
    QTest::newRow("defaults: 100 ms, phi 8") << 100 << 8.0 << 153;
    QTest::newRow("100 ms, phi 1") << 100 << 1.0 << 113;
    QTest::newRow("100 ms, phi 3") << 100 << 3.0 << 131;
    QTest::newRow("100 ms, phi 12") << 100 << 12.0 << 163;
    QTest::newRow("1 s, phi 8") << 1000 << 8.0 << 1523;
    QTest::newRow("20 ms, phi 8") << 20 << 8.0 << 31;
}

void TestPhiAccrualDetector::regularHeartbeatsCrossAtDocumentedDelay()
{
    QFETCH(int, intervalMs);
    QFETCH(double, threshold);
    QFETCH(int, crossingMs);

    PhiSettings settings;
    settings.expectedIntervalMs = intervalMs;
    settings.threshold = threshold;
    PhiAccrualDetector detector = makeDetector(settings);
    ManualClock clock;
    clock.advance(kStart);
    feedRegular(detector, clock, intervalMs, 300); // more than the window: the seed is gone
    const std::int64_t last = clock.monotonicMs();

    QCOMPARE(detector.meanIntervalMs(), double(intervalMs));
    QCOMPARE(detector.stdDeviationMs(), 0.0);
    // Low just after a heartbeat, log10(2) at the mean.
    QVERIFY(detector.phi(last) < 1e-6);
    QVERIFY(detector.phi(last + intervalMs / 2) < 1e-3);
    QVERIFY(qAbs(detector.phi(last + intervalMs) - std::log10(2.0)) < 1e-12);
    QVERIFY(detector.isAvailable(last + intervalMs));

    const std::int64_t expected = referenceCrossingMs(intervalMs, intervalMs / 10.0, threshold);
    QVERIFY2(qAbs(expected - crossingMs) <= 1, qPrintable(u"formula says %1 ms"_s.arg(expected)));
    const std::int64_t walked = walkToCrossing(detector, threshold);
    QVERIFY2(qAbs(walked - expected) <= 1, qPrintable(u"phi crosses at %1 ms, formula %2"_s.arg(walked).arg(expected)));
    QCOMPARE(*detector.suspectAfterMs(), walked);
    QVERIFY(detector.isAvailable(last + walked - 1));
    QVERIFY(!detector.isAvailable(last + walked));
}

void TestPhiAccrualDetector::jitterRaisesCrossingTime()
{
    // The same mean interval with more jitter must be given more time before it is suspected.
    std::int64_t previous = 0;
    for (const double jitterMs : {0.0, 15.0, 30.0, 45.0}) {
        ManualClock clock;
        clock.advance(kStart);
        PhiAccrualDetector detector;
        feedJittery(detector, clock, 100, jitterMs, 400, 20240601);
        const std::int64_t crossing = *detector.suspectAfterMs();
        const double deviation = std::max(detector.stdDeviationMs(), 10.0);
        const QString what = u"jitter %1 ms: mean %2, sd %3, crossing %4 ms"_s.arg(jitterMs)
                                 .arg(detector.meanIntervalMs())
                                 .arg(detector.stdDeviationMs())
                                 .arg(crossing);
        qDebug().noquote() << what;
        // The detector measured the jitter it was fed (within sampling error)...
        if (jitterMs > 0)
            QVERIFY2(qAbs(detector.stdDeviationMs() - jitterMs) < 0.2 * jitterMs, qPrintable(what));
        // ...its crossing follows the formula for what it measured...
        QVERIFY2(qAbs(crossing - referenceCrossingMs(detector.meanIntervalMs(), deviation, 8)) <= 1, qPrintable(what));
        // ...and grows with the jitter.
        QVERIFY2(crossing > previous, qPrintable(what));
        previous = crossing;
    }
    QVERIFY2(previous > 300, qPrintable(u"45 ms jitter crosses at %1 ms"_s.arg(previous)));
}

void TestPhiAccrualDetector::windowBound_data()
{
    QTest::addColumn<int>("windowSize");
    QTest::newRow("minimum, 2") << 2;
    QTest::newRow("10") << 10;
    QTest::newRow("default, 200") << 200;
}

void TestPhiAccrualDetector::windowBound()
{
    QFETCH(int, windowSize);

    PhiSettings settings;
    settings.windowSize = windowSize;
    PhiAccrualDetector detector = makeDetector(settings);
    ManualClock clock;
    clock.advance(kStart);

    // A full window of 90 ms intervals (the two seed intervals pushed out)...
    feedRegular(detector, clock, 90, windowSize + 1);
    QCOMPARE(detector.sampleCount(), windowSize);
    QCOMPARE(detector.meanIntervalMs(), 90.0);
    QCOMPARE(detector.stdDeviationMs(), 0.0);

    // ...then 110 ms: one 90 ms interval is still in the window after windowSize - 1 of them...
    feedRegular(detector, clock, 110, windowSize - 1);
    QCOMPARE(detector.sampleCount(), windowSize);
    QCOMPARE(detector.meanIntervalMs(), (90.0 + 110.0 * (windowSize - 1)) / windowSize);
    QVERIFY(detector.stdDeviationMs() > 0);

    // ...and none after windowSize: the old pattern no longer counts at all.
    feedRegular(detector, clock, 110, 1);
    QCOMPARE(detector.sampleCount(), windowSize);
    QCOMPARE(detector.meanIntervalMs(), 110.0);
    QCOMPARE(detector.stdDeviationMs(), 0.0);

    // Same verdicts as a detector that only ever saw 110 ms intervals.
    PhiAccrualDetector fresh = makeDetector(settings);
    ManualClock freshClock;
    feedRegular(fresh, freshClock, 110, windowSize + 1);
    QCOMPARE(detector.suspectAfterMs(), fresh.suspectAfterMs());
    QCOMPARE(detector.phi(clock.monotonicMs() + 130), fresh.phi(freshClock.monotonicMs() + 130));
}

void TestPhiAccrualDetector::minStdDeviationFloor_data()
{
    QTest::addColumn<double>("floorMs"); // < 0: unset, the default 10% of the interval
    QTest::addColumn<double>("effectiveFloorMs");

    QTest::newRow("default (10 ms)") << -1.0 << 10.0;
    QTest::newRow("1 ms") << 1.0 << 1.0;
    QTest::newRow("10 ms") << 10.0 << 10.0;
    QTest::newRow("50 ms") << 50.0 << 50.0;
    QTest::newRow("0.001 ms (practically none)") << 0.001 << 0.001;
}

void TestPhiAccrualDetector::minStdDeviationFloor()
{
    QFETCH(double, floorMs);
    QFETCH(double, effectiveFloorMs);

    PhiSettings settings;
    if (floorMs > 0)
        settings.minStdDeviationMs = floorMs;
    QCOMPARE(settings.effectiveMinStdDeviationMs(), effectiveFloorMs);
    PhiAccrualDetector detector = makeDetector(settings);
    ManualClock clock;
    clock.advance(kStart);
    feedRegular(detector, clock, 100, 300);
    const std::int64_t last = clock.monotonicMs();
    QCOMPARE(detector.stdDeviationMs(), 0.0); // perfectly regular: only the floor stands between

    // One millisecond late: with a real floor phi stays small; with practically none it explodes
    // (to the cap, still finite). That is what the floor is for.
    const double oneLate = detector.phi(last + 101);
    QVERIFY(std::isfinite(oneLate));
    if (effectiveFloorMs >= 1)
        QVERIFY2(oneLate < 1, qPrintable(u"phi %1"_s.arg(oneLate)));
    else
        QCOMPARE(oneLate, PhiAccrualDetector::kMaxPhi);
    QVERIFY(qAbs(oneLate - std::min(referencePhi(101, 100, effectiveFloorMs), PhiAccrualDetector::kMaxPhi)) < 1e-6);
    QVERIFY(qAbs(*detector.suspectAfterMs() - referenceCrossingMs(100, effectiveFloorMs, 8)) <= 1);
}

void TestPhiAccrualDetector::acceptablePauseShiftsCrossing_data()
{
    QTest::addColumn<int>("pauseMs");
    QTest::newRow("none") << 0;
    QTest::newRow("50 ms") << 50;
    QTest::newRow("3 s (Akka's cluster default)") << 3000;
}

void TestPhiAccrualDetector::acceptablePauseShiftsCrossing()
{
    QFETCH(int, pauseMs);

    PhiSettings settings;
    settings.acceptableHeartbeatPauseMs = pauseMs;
    PhiAccrualDetector detector = makeDetector(settings);
    ManualClock clock;
    clock.advance(kStart);
    feedRegular(detector, clock, 100, 300);
    // The pause is added to the mean: the whole curve moves right by it.
    QVERIFY(qAbs(*detector.suspectAfterMs() - (153 + pauseMs)) <= 1);
    QVERIFY(qAbs(detector.phi(clock.monotonicMs() + 100 + pauseMs) - std::log10(2.0)) < 1e-12);
}

void TestPhiAccrualDetector::monotonicInElapsedTime_data()
{
    addHistoryRows();
}

void TestPhiAccrualDetector::monotonicInElapsedTime()
{
    QFETCH(History, history);

    const PhiAccrualDetector detector = makeHistory(history);
    const std::int64_t last = *detector.lastHeartbeatMs();
    double previous = detector.phi(last);
    QVERIFY(previous >= 0);
    for (std::int64_t elapsed = 1; elapsed <= 5000; ++elapsed) {
        const double current = detector.phi(last + elapsed);
        QVERIFY2(current >= previous,
                 qPrintable(u"phi falls at %1 ms: %2 -> %3"_s.arg(elapsed).arg(previous).arg(current)));
        QVERIFY(current <= PhiAccrualDetector::kMaxPhi);
        previous = current;
    }
    for (std::int64_t elapsed = 5000; elapsed < (std::int64_t(1) << 60); elapsed *= 2) {
        const double current = detector.phi(last + elapsed);
        QVERIFY(current >= previous);
        previous = current;
    }
    QCOMPARE(previous, PhiAccrualDetector::kMaxPhi);
}

void TestPhiAccrualDetector::hugeElapsedIsCapped_data()
{
    QTest::addColumn<qint64>("lastMs");
    QTest::addColumn<qint64>("nowMs");

    constexpr qint64 kMin = std::numeric_limits<qint64>::min();
    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    QTest::newRow("a minute") << qint64(kStart) << qint64(kStart + 60'000);
    QTest::newRow("a year") << qint64(kStart) << qint64(kStart + qint64(365) * 24 * 3600 * 1000);
    QTest::newRow("to INT64_MAX") << qint64(kStart) << kMax;
    QTest::newRow("INT64_MIN to INT64_MAX") << kMin << kMax;
    QTest::newRow("negative times") << kMin << qint64(-1);
}

void TestPhiAccrualDetector::hugeElapsedIsCapped()
{
    QFETCH(qint64, lastMs);
    QFETCH(qint64, nowMs);

    PhiAccrualDetector detector;
    detector.heartbeat(lastMs);
    const double phi = detector.phi(nowMs);
    QVERIFY(std::isfinite(phi));
    QCOMPARE(phi, PhiAccrualDetector::kMaxPhi);
    QVERIFY(!detector.isAvailable(nowMs));
    QVERIFY(!detector.isAvailable(nowMs, PhiAccrualDetector::kMaxPhi));
    QVERIFY(detector.isAvailable(nowMs, std::numeric_limits<double>::infinity()));
    // A heartbeat after such a gap is not learned from, and leaves the statistics finite.
    detector.heartbeat(nowMs);
    QCOMPARE(detector.lastHeartbeatMs(), std::optional<std::int64_t>(nowMs));
    QCOMPARE(detector.sampleCount(), 2);
    QCOMPARE(detector.meanIntervalMs(), 100.0);
    QVERIFY(detector.phi(nowMs) < 1e-4);
}

void TestPhiAccrualDetector::hugeIntervalsAreClamped()
{
    // The widest settings allowed, and every heartbeat a millisecond before it would be
    // suspected: the intervals grow geometrically past maxRecordedIntervalMs() and are clamped.
    // The integer sums must not overflow (UBSan checks it in the sanitizer build) and stay exact.
    PhiSettings settings;
    settings.windowSize = 2;
    settings.minStdDeviationMs = PhiAccrualDetector::kMaxMinStdDeviationMs;
    settings.acceptableHeartbeatPauseMs = PhiAccrualDetector::kMaxAcceptablePauseMs;
    settings.threshold = PhiAccrualDetector::kMaxPhi;
    PhiAccrualDetector detector = makeDetector(settings);
    const std::int64_t cap = detector.maxRecordedIntervalMs();
    QVERIFY(cap > 2'000'000'000);
    QVERIFY(cap <= std::numeric_limits<std::int64_t>::max() / 2 / cap);

    std::int64_t now = std::numeric_limits<std::int64_t>::min();
    detector.heartbeat(now);
    for (int i = 0; i < 20; ++i) {
        const std::int64_t gap = *detector.suspectAfterMs() - 1;
        QVERIFY(gap > 0 && gap < 1'000'000'000'000);
        now += gap;
        QVERIFY(detector.isAvailable(now));
        detector.heartbeat(now);
        QVERIFY(std::isfinite(detector.meanIntervalMs()) && detector.meanIntervalMs() <= double(cap));
        QVERIFY(std::isfinite(detector.stdDeviationMs()));
    }
    QCOMPARE(detector.sampleCount(), 2);
    QCOMPARE(detector.meanIntervalMs(), double(cap));
    QCOMPARE(detector.stdDeviationMs(), 0.0);
    QCOMPARE(detector.phi(std::numeric_limits<std::int64_t>::max()), PhiAccrualDetector::kMaxPhi);
}

void TestPhiAccrualDetector::timeGoingBackwards()
{
    PhiAccrualDetector detector;
    ManualClock clock;
    clock.advance(kStart);
    feedRegular(detector, clock, 100, 10);
    const std::int64_t last = clock.monotonicMs();
    const int samples = detector.sampleCount();

    // An earlier time is an interval of 0 and does not move the last arrival back.
    detector.heartbeat(last - 50);
    QCOMPARE(detector.lastHeartbeatMs(), std::optional<std::int64_t>(last));
    QCOMPARE(detector.sampleCount(), samples + 1);
    QVERIFY(detector.phi(last - 1000) >= 0);
    QCOMPARE(detector.phi(last - 1000), detector.phi(last));
}

void TestPhiAccrualDetector::suspectAfterAgreesWithPhi_data()
{
    QTest::addColumn<History>("history");
    QTest::addColumn<double>("threshold");

    const struct
    {
        const char *name;
        History history;
    } histories[] = {
        {"bootstrap", History::BootstrapOnly},
        {"regular", History::Regular},
        {"jittery", History::Jittery},
        {"pause+floor", History::PauseAndFloor},
    };
    for (const auto &h : histories) {
        for (const double threshold : {1e-6, 0.3, 1.0, 3.0, 8.0, 12.0, 16.0, 100.0, PhiAccrualDetector::kMaxPhi})
            QTest::addRow("%s, phi %g", h.name, threshold) << h.history << threshold;
    }
}

void TestPhiAccrualDetector::suspectAfterAgreesWithPhi()
{
    QFETCH(History, history);
    QFETCH(double, threshold);

    const PhiAccrualDetector detector = makeHistory(history);
    const std::int64_t last = *detector.lastHeartbeatMs();
    const std::optional<std::int64_t> after = detector.suspectAfterMs(threshold);
    QVERIFY(after.has_value());
    QVERIFY(*after >= 0);
    // phi(last + after) ~ threshold: reached exactly at that millisecond, not one earlier.
    QVERIFY2(detector.phi(last + *after) >= threshold, qPrintable(u"phi %1"_s.arg(detector.phi(last + *after))));
    QVERIFY(*after == 0 || detector.phi(last + *after - 1) < threshold);
    QVERIFY(!detector.isAvailable(last + *after, threshold));
    QVERIFY(*after == 0 || detector.isAvailable(last + *after - 1, threshold));
    // ...and overshoots it by less than phi's rise over that last millisecond.
    if (*after > 0)
        QVERIFY(detector.phi(last + *after) - threshold
                <= detector.phi(last + *after) - detector.phi(last + *after - 1));
    QCOMPARE(walkToCrossing(detector, threshold), *after);
}

void TestPhiAccrualDetector::heartbeatWhileSuspectedIsNotLearned()
{
    PhiAccrualDetector detector;
    ManualClock clock;
    clock.advance(kStart);
    feedRegular(detector, clock, 100, 300);
    const double mean = detector.meanIntervalMs();
    const double deviation = detector.stdDeviationMs();
    const std::optional<std::int64_t> suspectAfter = detector.suspectAfterMs();

    clock.advance(1000); // phi far above 8
    QVERIFY(!detector.isAvailable(clock.monotonicMs()));
    detector.heartbeat(clock.monotonicMs());
    QCOMPARE(detector.lastHeartbeatMs(), std::optional<std::int64_t>(clock.monotonicMs()));
    QCOMPARE(detector.meanIntervalMs(), mean);
    QCOMPARE(detector.stdDeviationMs(), deviation);
    QCOMPARE(detector.suspectAfterMs(), suspectAfter);
    QVERIFY(detector.isAvailable(clock.monotonicMs() + 100));

    // A late-but-available heartbeat is learned from.
    clock.advance(140);
    QVERIFY(detector.isAvailable(clock.monotonicMs()));
    detector.heartbeat(clock.monotonicMs());
    QVERIFY(detector.meanIntervalMs() > mean);
}

void TestPhiAccrualDetector::reset()
{
    PhiAccrualDetector detector = makeHistory(History::Jittery);
    detector.reset();
    QVERIFY(!detector.lastHeartbeatMs());
    QCOMPARE(detector.sampleCount(), 0);
    QCOMPARE(detector.phi(kStart), 0.0);
    QVERIFY(!detector.suspectAfterMs());
    detector.heartbeat(kStart);
    QCOMPARE(detector.sampleCount(), 2);
    QCOMPARE(detector.meanIntervalMs(), 100.0);
    QCOMPARE(*detector.suspectAfterMs(), 231);
}

void TestPhiAccrualDetector::settingsValidation_data()
{
    QTest::addColumn<PhiSettings>("settings");
    QTest::addColumn<QString>("error"); // empty: valid; otherwise a substring of the message

    const auto with = [](auto change) {
        PhiSettings settings;
        change(settings);
        return settings;
    };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();

    QTest::newRow("defaults") << PhiSettings{} << QString();
    QTest::newRow("Akka-like") << with([](PhiSettings &s) {
        s.expectedIntervalMs = 1000;
        s.windowSize = 1000;
        s.minStdDeviationMs = 100;
        s.acceptableHeartbeatPauseMs = 3000;
        s.threshold = 8;
    }) << QString();
    QTest::newRow("window 2") << with([](PhiSettings &s) { s.windowSize = 2; }) << QString();
    QTest::newRow("window max") << with([](PhiSettings &s) { s.windowSize = PhiAccrualDetector::kMaxWindowSize; })
                                << QString();
    QTest::newRow("threshold max") << with([](PhiSettings &s) { s.threshold = PhiAccrualDetector::kMaxPhi; })
                                   << QString();
    QTest::newRow("tiny threshold") << with([](PhiSettings &s) { s.threshold = 1e-9; }) << QString();

    QTest::newRow("window 1") << with([](PhiSettings &s) { s.windowSize = 1; }) << u"window size 1"_s;
    QTest::newRow("window 0") << with([](PhiSettings &s) { s.windowSize = 0; }) << u"window size 0"_s;
    QTest::newRow("window negative") << with([](PhiSettings &s) { s.windowSize = -5; }) << u"window size -5"_s;
    QTest::newRow("window too large") << with([](PhiSettings &s) { s.windowSize = 100'001; }) << u"window size"_s;
    QTest::newRow("threshold 0") << with([](PhiSettings &s) { s.threshold = 0; }) << u"threshold 0"_s;
    QTest::newRow("threshold negative") << with([](PhiSettings &s) { s.threshold = -8; }) << u"threshold -8"_s;
    QTest::newRow("threshold NaN") << with([nan](PhiSettings &s) { s.threshold = nan; }) << u"threshold"_s;
    QTest::newRow("threshold inf") << with([inf](PhiSettings &s) { s.threshold = inf; }) << u"threshold"_s;
    QTest::newRow("threshold above cap") << with([](PhiSettings &s) { s.threshold = 1001; }) << u"threshold 1001"_s;
    QTest::newRow("interval 0") << with([](PhiSettings &s) { s.expectedIntervalMs = 0; }) << u"interval 0 ms"_s;
    QTest::newRow("interval negative") << with([](PhiSettings &s) { s.expectedIntervalMs = -100; })
                                       << u"interval -100 ms"_s;
    QTest::newRow("interval over an hour")
        << with([](PhiSettings &s) { s.expectedIntervalMs = 3'600'001; }) << u"interval 3600001 ms"_s;
    QTest::newRow("floor 0") << with([](PhiSettings &s) { s.minStdDeviationMs = 0; }) << u"standard deviation 0"_s;
    QTest::newRow("floor negative") << with([](PhiSettings &s) { s.minStdDeviationMs = -1; })
                                    << u"standard deviation -1"_s;
    QTest::newRow("floor NaN") << with([nan](PhiSettings &s) { s.minStdDeviationMs = nan; }) << u"standard deviation"_s;
    QTest::newRow("floor inf") << with([inf](PhiSettings &s) { s.minStdDeviationMs = inf; }) << u"standard deviation"_s;
    QTest::newRow("floor over an hour") << with([](PhiSettings &s) { s.minStdDeviationMs = 3'600'001; })
                                        << u"standard deviation 3600001 ms"_s;
    QTest::newRow("pause negative") << with([](PhiSettings &s) { s.acceptableHeartbeatPauseMs = -1; })
                                    << u"pause -1 ms"_s;
    QTest::newRow("pause over a day") << with([](PhiSettings &s) { s.acceptableHeartbeatPauseMs = 86'400'001; })
                                      << u"pause 86400001 ms"_s;
}

void TestPhiAccrualDetector::settingsValidation()
{
    QFETCH(PhiSettings, settings);
    QFETCH(QString, error);

    const foresight::Status status = settings.validate();
    const auto detector = PhiAccrualDetector::create(settings);
    QCOMPARE(detector.has_value(), status.has_value());
    if (error.isEmpty()) {
        QVERIFY2(status, qPrintable(status ? QString() : status.error().toString()));
        QCOMPARE(detector->settings().windowSize, settings.windowSize);
        return;
    }
    QVERIFY(!status);
    QCOMPARE(status.error().code, foresight::ErrorCode::InvalidArgument);
    QVERIFY2(status.error().message.contains(error), qPrintable(status.error().message));
    QCOMPARE(detector.error().message, status.error().message);
}

void TestPhiAccrualDetector::invalidSettingsFallBackToDefaults()
{
    PhiSettings settings;
    settings.windowSize = 1;
    settings.threshold = 3;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"window size 1 .*using the default settings"_s));
    const PhiAccrualDetector detector(settings);
    QCOMPARE(detector.settings().windowSize, PhiSettings{}.windowSize);
    QCOMPARE(detector.settings().threshold, PhiSettings{}.threshold);
}

QTEST_GUILESS_MAIN(TestPhiAccrualDetector)
#include "tst_phiaccrualdetector.moc"
