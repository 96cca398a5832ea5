// The usage profile (seed 9244993, issue 20 section 1): decayed counts and rates, recency, the
// time-of-day pattern, co-access by one client, and memory bounded at a million keys. Time is a
// ManualClock the tests move.

#include <cmath>
#include <functional>
#include <numbers>

#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/partitioning/usageprofile.h"
#include "partitioning/countminsketch.h"

using namespace foresight;
using partitioning::AccessKind;
using partitioning::KeyFeatures;
using partitioning::UsageProfile;
using partitioning::UsageProfileOptions;

Q_DECLARE_METATYPE(std::function<void(UsageProfileOptions &)>)

namespace {

// 2023-11-15 00:00:00 UTC: the day's buckets start at the clock's start.
constexpr std::int64_t kMidnightMs = 1'700'006'400'000;
constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;

const std::uint64_t kAlice = UsageProfile::clientId("alice");
const std::uint64_t kBob = UsageProfile::clientId("bob");
const std::uint64_t kCarol = UsageProfile::clientId("carol");

UsageProfile makeProfile(const Clock &clock, const UsageProfileOptions &options = {})
{
    auto profile = UsageProfile::create(options, clock);
    if (!profile)
        qFatal("%s", qPrintable(profile.error().toString()));
    return std::move(*profile);
}

const KeyFeatures *find(const QList<KeyFeatures> &all, const QString &key)
{
    for (const KeyFeatures &f : all) {
        if (f.key == key)
            return &f;
    }
    return nullptr;
}

} // namespace

class TstUsageProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsDecayByHalfLife();
    void steadyRatesReadAsRates();
    void recencyIsTimeSinceLastAccess();
    void timeOfDayFindsThePeakHour();
    void coAccessIsPerClientAndWithinTheWindow();
    void rollingWindowReplacesKeysThatFellQuiet();
    void decayStaysRightAcrossRescaling();
    void oneMillionKeysStayWithinTheBudget();
    void longKeysCannotOverrunTheBudget();
    void badOptionsAreRejected_data();
    void badOptionsAreRejected();
    void sketchNeverUnderestimatesAndStaysWithinItsBound();
};

void TstUsageProfile::countsDecayByHalfLife()
{
    ManualClock clock(kMidnightMs);
    const UsageProfile profile = [&] {
        UsageProfile p = makeProfile(clock);
        for (int i = 0; i < 100; ++i)
            p.record(QStringLiteral("cart/1"), AccessKind::Read, kAlice);
        for (int i = 0; i < 20; ++i)
            p.record(QStringLiteral("cart/1"), AccessKind::Write, kAlice);
        return p;
    }();
    QCOMPARE(profile.accesses(), 120u);
    QVERIFY(profile.isTracked(QStringLiteral("cart/1")));
    QCOMPARE(profile.frequency(QStringLiteral("cart/1")), 120.0);
    QCOMPARE(profile.frequency(QStringLiteral("never/seen")), 0.0);

    clock.advance(profile.options().halfLifeMs);
    QVERIFY(std::abs(profile.frequency(QStringLiteral("cart/1")) - 60.0) < 1e-6);
    clock.advance(profile.options().halfLifeMs);
    QVERIFY(std::abs(profile.frequency(QStringLiteral("cart/1")) - 30.0) < 1e-6);
    // Reads and writes stay apart: five times as many reads as writes, at any age.
    const auto f = profile.features(QStringLiteral("cart/1"));
    QVERIFY(f);
    QVERIFY(std::abs(f->readRate / f->writeRate - 5.0) < 1e-9);
    QVERIFY(std::abs(f->reads - 25.0) < 1e-6);
    QVERIFY(std::abs(f->writes - 5.0) < 1e-6);
}

void TstUsageProfile::steadyRatesReadAsRates()
{
    ManualClock clock(kMidnightMs);
    UsageProfile profile = makeProfile(clock);
    // 10 reads/s and 2 writes/s for 5 minutes: half a half-life, so the decayed count is still
    // far from r / lambda; the rate must not be.
    for (int i = 0; i < 3000; ++i) {
        profile.record(QStringLiteral("score"), AccessKind::Read, kAlice);
        if (i % 5 == 0)
            profile.record(QStringLiteral("score"), AccessKind::Write, kBob);
        clock.advance(100);
    }
    const auto f = profile.features(QStringLiteral("score"));
    QVERIFY(f);
    QVERIFY2(std::abs(f->readRate - 10.0) < 0.2, qPrintable(QString::number(f->readRate)));
    QVERIFY2(std::abs(f->writeRate - 2.0) < 0.05, qPrintable(QString::number(f->writeRate)));
    QCOMPARE(f->vector().size(), KeyFeatures::kDimensions);
    QVERIFY(std::abs(f->vector().at(0) - std::log1p(f->readRate)) < 1e-12);
}

void TstUsageProfile::recencyIsTimeSinceLastAccess()
{
    ManualClock clock(kMidnightMs);
    UsageProfile profile = makeProfile(clock);
    profile.record(QStringLiteral("a"), AccessKind::Read, kAlice);
    clock.advance(45'000);
    profile.record(QStringLiteral("b"), AccessKind::Write, kAlice);
    clock.advance(30'000);
    const auto a = profile.features(QStringLiteral("a"));
    const auto b = profile.features(QStringLiteral("b"));
    QVERIFY(a && b);
    QCOMPARE(a->recencyS, 75.0);
    QCOMPARE(b->recencyS, 30.0);
    QCOMPARE(a->lastAccessWallMs, kMidnightMs);
    QCOMPARE(b->lastAccessWallMs, kMidnightMs + 45'000);
    QCOMPARE(profile.lastAccessWallMs(QStringLiteral("b")), std::optional<qint64>(kMidnightMs + 45'000));
    QCOMPARE(profile.lastAccessWallMs(QStringLiteral("never")), std::nullopt);
    const double halfLifeS = double(profile.options().halfLifeMs) / 1000.0;
    QVERIFY(std::abs(a->recency - std::exp2(-75.0 / halfLifeS)) < 1e-12);
    QVERIFY(b->recency > a->recency);
}

void TstUsageProfile::timeOfDayFindsThePeakHour()
{
    ManualClock clock(kMidnightMs);
    UsageProfile profile = makeProfile(clock);
    // Three days in 10-minute steps: "breakfast" is read from 06:00 to 07:00, "dinner" from
    // 18:00 to 19:00, "ticker" all day long.
    for (std::int64_t t = 0; t < 3 * 24 * kHourMs; t += 10 * kMinuteMs) {
        const std::int64_t hour = (t % (24 * kHourMs)) / kHourMs;
        if (hour == 6)
            profile.record(QStringLiteral("breakfast"), AccessKind::Read, kAlice);
        if (hour == 18)
            profile.record(QStringLiteral("dinner"), AccessKind::Read, kAlice);
        profile.record(QStringLiteral("ticker"), AccessKind::Write, kBob);
        clock.advance(10 * kMinuteMs);
    }
    const auto breakfast = profile.features(QStringLiteral("breakfast"));
    const auto dinner = profile.features(QStringLiteral("dinner"));
    const auto ticker = profile.features(QStringLiteral("ticker"));
    QVERIFY(breakfast && dinner && ticker);
    // The 06:00 bucket's middle, 06:30, is 6.5/24 of the way round the day.
    const double sixThirty = 2 * std::numbers::pi * 6.5 / 24;
    QVERIFY2(std::abs(breakfast->peakPhase - sixThirty) < 1e-6, qPrintable(QString::number(breakfast->peakPhase)));
    QVERIFY(std::abs(dinner->peakPhase - (sixThirty + std::numbers::pi)) < 1e-6);
    QVERIFY(breakfast->peakStrength > 0.99);
    QVERIFY2(ticker->peakStrength < 0.05, qPrintable(QString::number(ticker->peakStrength)));
}

void TstUsageProfile::coAccessIsPerClientAndWithinTheWindow()
{
    ManualClock clock(kMidnightMs);
    UsageProfile profile = makeProfile(clock); // window 1 s
    const QString cart = QStringLiteral("cart/7");
    const QString total = QStringLiteral("cart/7/total");
    for (int round = 0; round < 100; ++round) {
        // Alice reads her cart and its total 50 ms apart. Bob and Carol each touch one key at
        // the very same moments: same times, different clients, no co-access.
        profile.record(cart, AccessKind::Read, kAlice);
        profile.record(QStringLiteral("bob/prefs"), AccessKind::Read, kBob);
        clock.advance(50);
        profile.record(total, AccessKind::Write, kAlice);
        profile.record(QStringLiteral("carol/prefs"), AccessKind::Read, kCarol);
        // Alice also reads "news" 2 s later: outside the window of the cart.
        clock.advance(2000);
        profile.record(QStringLiteral("news"), AccessKind::Read, kAlice);
        clock.advance(3000);
    }
    const QList<KeyFeatures> all = profile.features();
    const KeyFeatures *c = find(all, cart);
    const KeyFeatures *t = find(all, total);
    const KeyFeatures *bob = find(all, QStringLiteral("bob/prefs"));
    const KeyFeatures *carol = find(all, QStringLiteral("carol/prefs"));
    const KeyFeatures *news = find(all, QStringLiteral("news"));
    QVERIFY(c && t && bob && carol && news);

    QCOMPARE(c->coAccessed, QStringList{total});
    QCOMPARE(t->coAccessed, QStringList{cart});
    QVERIFY2(c->coAccessShare > 0.9, qPrintable(QString::number(c->coAccessShare)));
    QCOMPARE(c->coAccessGroup, t->coAccessGroup);

    QVERIFY(bob->coAccessed.isEmpty());
    QVERIFY(carol->coAccessed.isEmpty());
    QCOMPARE(bob->coAccessShare, 0.0);
    QVERIFY(bob->coAccessGroup != carol->coAccessGroup);
    QVERIFY(bob->coAccessGroup != c->coAccessGroup);
    QVERIFY(news->coAccessed.isEmpty());
    QVERIFY(news->coAccessGroup != c->coAccessGroup);
    // A group is labelled by its most frequent member's position.
    QCOMPARE(all.at(c->coAccessGroup).coAccessGroup, c->coAccessGroup);
}

void TstUsageProfile::rollingWindowReplacesKeysThatFellQuiet()
{
    ManualClock clock(kMidnightMs);
    UsageProfileOptions options;
    options.maxTrackedKeys = 16;
    UsageProfile profile = makeProfile(clock, options);
    for (int i = 0; i < 16; ++i) {
        for (int n = 0; n < 100; ++n)
            profile.record(QStringLiteral("old/%1").arg(i), AccessKind::Read, kAlice);
    }
    // Ten half-lives later the old keys count 100/1024 each; the new ones, 10 accesses each, more.
    clock.advance(10 * options.halfLifeMs);
    for (int n = 0; n < 10; ++n) {
        for (int i = 0; i < 16; ++i)
            profile.record(QStringLiteral("new/%1").arg(i), AccessKind::Read, kAlice);
    }
    QCOMPARE(profile.trackedKeys(), 16);
    for (int i = 0; i < 16; ++i) {
        QVERIFY2(profile.isTracked(QStringLiteral("new/%1").arg(i)), qPrintable(QString::number(i)));
        QVERIFY(!profile.isTracked(QStringLiteral("old/%1").arg(i)));
        // Still answered, by the sketch.
        QVERIFY(profile.frequency(QStringLiteral("old/%1").arg(i)) >= 100.0 / 1024 - 1e-6);
    }
}

void TstUsageProfile::decayStaysRightAcrossRescaling()
{
    ManualClock clock(kMidnightMs);
    UsageProfile profile = makeProfile(clock);
    // 10 accesses per half-life for 100 half-lives: the weights' exponent passes its limit (40,
    // about 58 half-lives) and everything is rescaled on the way. The steady count is
    // 10 / (1 - 1/2) = 20 right after the accesses of a half-life.
    for (int step = 0; step < 100; ++step) {
        clock.advance(profile.options().halfLifeMs);
        for (int n = 0; n < 10; ++n)
            profile.record(QStringLiteral("steady"), AccessKind::Write, kAlice);
    }
    QVERIFY2(std::abs(profile.frequency(QStringLiteral("steady")) - 20.0) < 1e-3,
             qPrintable(QString::number(profile.frequency(QStringLiteral("steady")))));
}

void TstUsageProfile::oneMillionKeysStayWithinTheBudget()
{
    ManualClock clock(kMidnightMs);
    const UsageProfileOptions options; // the defaults: 4096 tracked keys, 4 MiB
    UsageProfile profile = makeProfile(clock, options);
    constexpr int kKeys = 1'000'000;
    constexpr int kHeavy = 20;
    constexpr int kHeavyEvery = 250; // 4,000 heavy accesses: 200 per heavy key
    std::size_t most = 0;
    for (int i = 0; i < kKeys; ++i) {
        profile.record(QStringLiteral("user/%1/session").arg(i), AccessKind::Write, std::uint64_t(i % 1000 + 1));
        if (i % kHeavyEvery == 0)
            profile.record(QStringLiteral("hot/%1").arg((i / kHeavyEvery) % kHeavy),
                           AccessKind::Read,
                           std::uint64_t(i % 1000 + 1));
        if (i % 1000 == 0) {
            clock.advance(1); // a million keys in one second
            most = std::max(most, profile.bytesUsed());
        }
    }
    most = std::max(most, profile.bytesUsed());
    qInfo("1M keys: %zu bytes used at most, fixed part %zu, budget %zu, %d keys tracked",
          most,
          UsageProfile::fixedBytes(options),
          options.memoryBudgetBytes,
          profile.trackedKeys());
    QVERIFY(most <= options.memoryBudgetBytes);
    QVERIFY(profile.trackedKeys() <= options.maxTrackedKeys);
    QCOMPARE(profile.accesses(), std::uint64_t(kKeys + kKeys / kHeavyEvery));

    // The heavy keys are all tracked, and are the 20 most frequent.
    const QList<KeyFeatures> all = profile.features();
    QVERIFY(all.size() >= kHeavy);
    for (int h = 0; h < kHeavy; ++h) {
        const QString key = QStringLiteral("hot/%1").arg(h);
        QVERIFY2(profile.isTracked(key), qPrintable(key));
        const double frequency = profile.frequency(key);
        // 200 accesses within one second (barely decayed), plus at most the sketch's error
        // when the key was admitted: e / width of a million accesses is 166.
        QVERIFY2(frequency > 199.0 && frequency < 200.0 + 166.0, qPrintable(QString::number(frequency)));
        QVERIFY2(all.at(h).key.startsWith(QLatin1String("hot/")), qPrintable(all.at(h).key));
    }
    // A key seen once is not over-estimated by more than the sketch's bound.
    QVERIFY(profile.frequency(QStringLiteral("user/123456/session")) < 1.0 + 166.0);
}

void TstUsageProfile::longKeysCannotOverrunTheBudget()
{
    ManualClock clock(kMidnightMs);
    UsageProfileOptions options;
    options.maxTrackedKeys = 1024;
    options.sketchWidth = 1024;
    // Room for the tables and 64 KiB of text: about 30 keys of 1,000 characters, not 1,024.
    options.memoryBudgetBytes = UsageProfile::fixedBytes(options) + 64 * 1024;
    UsageProfile profile = makeProfile(clock, options);
    const QString padding(1000, QLatin1Char('x'));
    for (int i = 0; i < 5000; ++i) {
        profile.record(padding + QString::number(i), AccessKind::Read, kAlice);
        QVERIFY(profile.bytesUsed() <= options.memoryBudgetBytes);
    }
    QVERIFY(profile.trackedKeys() > 10);
    QVERIFY(profile.trackedKeys() < 40);
    // Short keys still fit beside them once the long ones are evicted for being rarer.
    for (int n = 0; n < 50; ++n)
        profile.record(QStringLiteral("short"), AccessKind::Read, kAlice);
    QVERIFY(profile.isTracked(QStringLiteral("short")));
    QVERIFY(profile.bytesUsed() <= options.memoryBudgetBytes);
}

void TstUsageProfile::badOptionsAreRejected_data()
{
    QTest::addColumn<std::function<void(UsageProfileOptions &)>>("spoil");
    QTest::addColumn<QString>("named");
    using Spoil = std::function<void(UsageProfileOptions &)>;
    QTest::newRow("half-life zero") << Spoil([](auto &o) { o.halfLifeMs = 0; }) << QStringLiteral("halfLifeMs");
    QTest::newRow("time-of-day half-life")
        << Spoil([](auto &o) { o.timeOfDayHalfLifeMs = 10; }) << QStringLiteral("timeOfDayHalfLifeMs");
    QTest::newRow("no buckets") << Spoil([](auto &o) { o.timeOfDayBuckets = 0; }) << QStringLiteral("timeOfDayBuckets");
    QTest::newRow("too few keys") << Spoil([](auto &o) { o.maxTrackedKeys = 2; }) << QStringLiteral("maxTrackedKeys");
    QTest::newRow("width not a power of two")
        << Spoil([](auto &o) { o.sketchWidth = 10'000; }) << QStringLiteral("sketchWidth");
    QTest::newRow("depth") << Spoil([](auto &o) { o.sketchDepth = 9; }) << QStringLiteral("sketchDepth");
    QTest::newRow("no clients") << Spoil([](auto &o) { o.maxClients = 0; }) << QStringLiteral("maxClients");
    QTest::newRow("window") << Spoil([](auto &o) { o.coAccessWindowMs = 0; }) << QStringLiteral("coAccessWindowMs");
    QTest::newRow("share NaN") << Spoil([](auto &o) { o.coAccessGroupShare = std::nan(""); })
                               << QStringLiteral("coAccessGroupShare");
    QTest::newRow("budget below the tables") << Spoil([](auto &o) { o.memoryBudgetBytes = 1024 * 1024; })
                                             << QStringLiteral("memoryBudgetBytes must be at least");
}

void TstUsageProfile::badOptionsAreRejected()
{
    QFETCH(std::function<void(UsageProfileOptions &)>, spoil);
    QFETCH(QString, named);
    ManualClock clock;
    UsageProfileOptions options;
    QVERIFY(UsageProfile::create(options, clock).has_value());
    spoil(options);
    const auto profile = UsageProfile::create(options, clock);
    QVERIFY(!profile);
    QCOMPARE(profile.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(profile.error().message.contains(named), qPrintable(profile.error().message));
}

void TstUsageProfile::sketchNeverUnderestimatesAndStaysWithinItsBound()
{
    // 20,000 keys, key i seen (i % 50) + 1 times: 510,000 additions into 4 rows of 1,024.
    partitioning::CountMinSketch sketch(1024, 4);
    const auto hashOf = [](int i) { return std::uint64_t(i) * 0x9e3779b97f4a7c15ULL + 12345; };
    double total = 0;
    for (int round = 0; round < 50; ++round) {
        for (int i = 0; i < 20'000; ++i) {
            if (i % 50 >= round) {
                sketch.add(hashOf(i), 1.0f);
                total += 1;
            }
        }
    }
    const double bound = std::exp(1.0) / 1024 * total; // e/width of the total, most of the time
    int over = 0;
    for (int i = 0; i < 20'000; ++i) {
        const double truth = i % 50 + 1;
        const double estimate = sketch.estimate(hashOf(i));
        QVERIFY2(estimate >= truth, qPrintable(QStringLiteral("key %1: %2 < %3").arg(i).arg(estimate).arg(truth)));
        if (estimate > truth + bound)
            ++over;
    }
    // The bound fails with probability e^-depth (1.8%) per key; conservative update keeps it far lower.
    QVERIFY2(over < 20'000 * 0.018, qPrintable(QString::number(over)));
    const float before = sketch.estimate(hashOf(49));
    sketch.scale(0.5f);
    QCOMPARE(sketch.estimate(hashOf(49)), before * 0.5f);
}

QTEST_GUILESS_MAIN(TstUsageProfile)
#include "tst_usageprofile.moc"
