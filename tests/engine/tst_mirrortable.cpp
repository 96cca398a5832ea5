// A client's mirrors (mirror/mirrortable.h): a copy is served while good, refreshed when stale,
// near a forecast change, or when an event names its key; a gap in the events invalidates
// everything; out-of-sync keys and excluded prefixes go to the source. All on an injected clock.

#include <QTest>

#include "foresight/mirror/mirrortable.h"

using namespace foresight::mirror;
using Answer = MirrorTable::Answer;

namespace {

SourceRead valueAt(const char *value, std::uint64_t seq, std::optional<ChangeForecast> forecast = {})
{
    return SourceRead{QByteArray(value), 1, seq, forecast};
}

// Looks key up and, when asked to, refreshes it from `source` as the SDK would; the answer.
Answer readThrough(MirrorTable &table, const QString &key, std::int64_t now, const SourceRead &source)
{
    const auto lookup = table.lookup(key, now);
    if (lookup.answer == Answer::Refresh)
        table.store(key, lookup.cause, source, now, 100);
    return lookup.answer;
}

} // namespace

class TestMirrorTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstReadCreatesAndLaterReadsHitUntilMaxAge()
    {
        MirrorPolicy policy;
        policy.maxAgeMs = 1000;
        MirrorTable table(policy);
        const QString key = QStringLiteral("cart/1");
        auto lookup = table.lookup(key, 0);
        QCOMPARE(lookup.answer, Answer::Refresh);
        QCOMPARE(lookup.cause, RefreshCause::First);
        table.store(key, lookup.cause, valueAt("a", 5), 0, 120);

        lookup = table.lookup(key, 999);
        QCOMPARE(lookup.answer, Answer::Hit);
        QVERIFY(lookup.copy);
        QCOMPARE(*lookup.copy->value, QByteArray("a"));
        QCOMPARE(lookup.copy->seq, 5u);

        lookup = table.lookup(key, 1000);
        QCOMPARE(lookup.answer, Answer::Refresh);
        QCOMPARE(lookup.cause, RefreshCause::Expired);

        const MirrorMetrics &m = table.metrics();
        QCOMPARE(m.reads, 3);
        QCOMPARE(m.hits, 1);
        QCOMPARE(m.refreshes[std::size_t(RefreshCause::First)], 1);
        QCOMPARE(m.meanHitAgeMs(), 999.0);
        QCOMPARE(m.refreshLatency.count, 1);
        QCOMPARE(m.refreshLatency.maxUs, 120);
    }

    void eventsExtendTheAgeAndInvalidateAtOnce()
    {
        MirrorPolicy policy;
        policy.maxAgeMs = 100;
        policy.maxAgeWithEventsMs = 60'000;
        MirrorTable table(policy);
        table.setEventsLive(true);
        const QString key = QStringLiteral("cart/1");
        QCOMPARE(readThrough(table, key, 0, valueAt("a", 5)), Answer::Refresh);
        QCOMPARE(readThrough(table, key, 30'000, valueAt("a", 5)), Answer::Hit);

        // An event for a change the copy already holds changes nothing.
        QCOMPARE(table.applyEvent({1, 1, 5, {key}}, 30'001), MirrorTable::EventOutcome::Applied);
        QCOMPARE(table.lookup(key, 30'002).answer, Answer::Hit);
        // A later change of the key: the next read refreshes, for the event.
        QCOMPARE(table.applyEvent({2, 1, 9, {key, QStringLiteral("unmirrored")}}, 30'003),
                 MirrorTable::EventOutcome::Applied);
        const auto lookup = table.lookup(key, 30'004);
        QCOMPARE(lookup.answer, Answer::Refresh);
        QCOMPARE(lookup.cause, RefreshCause::Invalidated);
        QCOMPARE(table.metrics().eventInvalidations, 1);

        // The subscription is lost: the copy lives the short age again.
        table.store(key, lookup.cause, valueAt("b", 9), 30'004, 100);
        table.setEventsLive(false);
        QCOMPARE(table.lookup(key, 30'104).cause, RefreshCause::Expired);
    }

    void aGapInTheEventsInvalidatesEveryCopy()
    {
        MirrorTable table;
        table.setEventsLive(true);
        for (const char *key : {"a", "b", "c"})
            readThrough(table, QString::fromLatin1(key), 0, valueAt("v", 1));
        QCOMPARE(table.applyEvent({1, 1, 2, {QStringLiteral("zzz")}}, 1), MirrorTable::EventOutcome::Applied);
        QCOMPARE(table.lookup(QStringLiteral("a"), 2).answer, Answer::Hit);
        // Event 2 never came.
        QCOMPARE(table.applyEvent({3, 1, 4, {QStringLiteral("zzz")}}, 3), MirrorTable::EventOutcome::Gap);
        QCOMPARE(table.metrics().missedEvents, 1);
        QCOMPARE(table.metrics().resyncs, 1);
        for (const char *key : {"a", "b", "c"}) {
            const auto lookup = table.lookup(QString::fromLatin1(key), 4);
            QCOMPARE(lookup.answer, Answer::Refresh);
            QCOMPARE(lookup.cause, RefreshCause::Resync);
        }
        // A repeat of an event already seen is ignored; an overflowing one is a gap too.
        QCOMPARE(table.applyEvent({3, 1, 4, {}}, 5), MirrorTable::EventOutcome::Old);
        QCOMPARE(table.applyEvent({4, 1, 5, {}, true}, 5), MirrorTable::EventOutcome::Gap);
    }

    void aNewSubscriptionInvalidatesCopiesReadBeforeIt()
    {
        MirrorTable table;
        readThrough(table, QStringLiteral("a"), 0, valueAt("v", 1));
        QCOMPARE(table.lookup(QStringLiteral("a"), 1).answer, Answer::Hit);
        table.setEventsLive(true);
        QCOMPARE(table.lookup(QStringLiteral("a"), 2).cause, RefreshCause::Resync);
        // It expects event 1 again, even after an earlier subscription's events.
        table.setEventsLive(false);
        table.setEventsLive(true);
        QCOMPARE(table.applyEvent({1, 1, 2, {}}, 3), MirrorTable::EventOutcome::Applied);
    }

    void refreshesNearAForecastChangeAndJudgesTheForecast()
    {
        MirrorPolicy policy;
        policy.maxAgeMs = 100'000;
        policy.maxAgeWithEventsMs = 100'000;
        policy.windowShare = 0.25;
        policy.windowProbes = 4;
        MirrorTable table(policy);
        const QString key = QStringLiteral("price");
        // Forecast: a change in 1000 ms, interval 400 ms: window 100 ms either side, probes every 50.
        const ChangeForecast forecast{1000, 400, 0.9};
        readThrough(table, key, 0, valueAt("10", 1, forecast));
        QCOMPARE(table.metrics().forecastWindows, 1);
        QCOMPARE(table.lookup(key, 899).answer, Answer::Hit);
        auto lookup = table.lookup(key, 900);
        QCOMPARE(lookup.answer, Answer::Refresh);
        QCOMPARE(lookup.cause, RefreshCause::Forecast);
        // Not changed yet; the source repeats its forecast (its model has learnt nothing new).
        table.store(key, lookup.cause, valueAt("10", 1, ChangeForecast{100, 400, 0.9}), 900, 100);
        QCOMPARE(table.lookup(key, 949).answer, Answer::Hit);
        lookup = table.lookup(key, 950);
        QCOMPARE(lookup.cause, RefreshCause::Forecast);
        // Changed: the forecast was right, and the copy is good again until its age says.
        table.store(key, lookup.cause, valueAt("11", 2, ChangeForecast{50, 400, 0.9}), 950, 100);
        QCOMPARE(table.metrics().forecastsRight, 1);
        QCOMPARE(table.lookup(key, 1000).answer, Answer::Hit);
        QCOMPARE(table.lookup(key, 1100).answer, Answer::Hit);
        QCOMPARE(table.metrics().refreshes[std::size_t(RefreshCause::Forecast)], 2);
    }

    void aForecastThatDoesNotComeTrueIsCountedMissed()
    {
        MirrorPolicy policy;
        policy.maxAgeMs = 100'000;
        policy.maxAgeWithEventsMs = 100'000;
        MirrorTable table(policy);
        const QString key = QStringLiteral("price");
        readThrough(table, key, 0, valueAt("10", 1, ChangeForecast{1000, 400, 0.9}));
        // Probed through the window, never changed.
        for (std::int64_t t = 900; t <= 1100; t += 10)
            readThrough(table, key, t, valueAt("10", 1, ChangeForecast{1000 - t, 400, 0.9}));
        QCOMPARE(table.lookup(key, 1101).answer, Answer::Hit);
        QCOMPARE(table.metrics().forecastsMissed, 1);
        QCOMPARE(table.metrics().forecastsRight, 0);
        QCOMPARE(table.metrics().forecastAccuracy(), 0.0);
        // After the window the copy is served without probing.
        QCOMPARE(table.lookup(key, 5000).answer, Answer::Hit);
    }

    void forecastsBeyondTheHorizonOrUnsureAreIgnored()
    {
        MirrorPolicy policy;
        policy.maxAgeMs = 100'000;
        policy.maxAgeWithEventsMs = 100'000;
        policy.horizonMs = 60'000;
        policy.minConfidence = 0.5;
        MirrorTable table(policy);
        readThrough(table, QStringLiteral("far"), 0, valueAt("1", 1, ChangeForecast{120'000, 1000, 0.9}));
        readThrough(table, QStringLiteral("unsure"), 0, valueAt("1", 1, ChangeForecast{1000, 1000, 0.2}));
        QCOMPARE(table.metrics().forecastWindows, 0);
        QCOMPARE(table.lookup(QStringLiteral("far"), 99'000).answer, Answer::Hit);
        QCOMPARE(table.lookup(QStringLiteral("unsure"), 1000).answer, Answer::Hit);
    }

    void anEventInsideTheWindowProvesTheForecastRight()
    {
        MirrorPolicy policy;
        policy.maxAgeMs = 100'000;
        policy.maxAgeWithEventsMs = 100'000;
        MirrorTable table(policy);
        table.setEventsLive(true);
        readThrough(table, QStringLiteral("early"), 0, valueAt("1", 1, ChangeForecast{1000, 400, 0.9}));
        readThrough(table, QStringLiteral("on-time"), 0, valueAt("1", 1, ChangeForecast{1000, 400, 0.9}));
        table.applyEvent({1, 1, 2, {QStringLiteral("early")}}, 500);
        table.applyEvent({2, 1, 3, {QStringLiteral("on-time")}}, 1020);
        QCOMPARE(table.metrics().forecastsMissed, 1);
        QCOMPARE(table.metrics().forecastsRight, 1);
        QCOMPARE(table.metrics().forecastAccuracy(), 0.5);
    }

    void aKeyThatKeepsChangingUnannouncedIsReadFromTheSource()
    {
        MirrorPolicy policy;
        policy.maxAgeMs = 10;
        policy.volatileWindow = 4;
        policy.volatileChanged = 3;
        policy.bypassMs = 1000;
        MirrorTable table(policy);
        const QString key = QStringLiteral("counter");
        std::uint64_t seq = 1;
        std::int64_t t = 0;
        readThrough(table, key, t, valueAt("0", seq));
        // Every refresh for age finds a new value.
        for (int i = 1; i <= 4; ++i) {
            t += 10;
            ++seq;
            QCOMPARE(readThrough(table, key, t, valueAt(QByteArray::number(i).constData(), seq)), Answer::Refresh);
        }
        QCOMPARE(table.metrics().unannouncedChanges, 4);
        QCOMPARE(table.lookup(key, t + 1).answer, Answer::Source);
        QCOMPARE(table.metrics().outOfSyncReads, 1);
        // After the bypass it is mirrored again, from a fresh read.
        const auto lookup = table.lookup(key, t + 1000);
        QCOMPARE(lookup.answer, Answer::Refresh);
        QCOMPARE(lookup.cause, RefreshCause::Resync);
    }

    void optOutByApplicationAndByPrefix()
    {
        MirrorPolicy policy;
        policy.excludedPrefixes = {QStringLiteral("ticker/")};
        MirrorTable table(policy);
        QCOMPARE(readThrough(table, QStringLiteral("ticker/eur"), 0, valueAt("1", 1)), Answer::Source);
        QCOMPARE(readThrough(table, QStringLiteral("ticker/eur"), 1, valueAt("1", 1)), Answer::Source);
        QCOMPARE(readThrough(table, QStringLiteral("cart/1"), 0, valueAt("1", 1)), Answer::Refresh);
        QCOMPARE(table.size(), 1);
        QCOMPARE(table.metrics().sourceReads, 2);

        MirrorPolicy off;
        off.enabled = false;
        MirrorTable none(off);
        QCOMPARE(none.lookup(QStringLiteral("cart/1"), 0).answer, Answer::Source);
        none.recordWrite(QStringLiteral("cart/1"), QByteArray("x"), 1, 1, 0);
        QCOMPARE(none.size(), 0);
    }

    void ownWritesAreReadBackAndOlderWritesDoNotOverwrite()
    {
        MirrorTable table;
        const QString key = QStringLiteral("cart/1");
        readThrough(table, key, 0, valueAt("a", 5));
        table.recordWrite(key, QByteArray("b"), 1, 7, 1);
        auto lookup = table.lookup(key, 2);
        QCOMPARE(lookup.answer, Answer::Hit);
        QCOMPARE(*lookup.copy->value, QByteArray("b"));
        table.recordWrite(key, QByteArray("old"), 1, 6, 3);
        lookup = table.lookup(key, 4);
        QCOMPARE(*lookup.copy->value, QByteArray("b"));
        table.recordWrite(key, std::nullopt, 1, 8, 5);
        lookup = table.lookup(key, 6);
        QVERIFY(!lookup.copy->value.has_value());
    }

    void invalidPoliciesAreNamed_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("field");
        QTest::newRow("negative age") << 0 << QStringLiteral("maxAgeMs");
        QTest::newRow("events age below age") << 1 << QStringLiteral("maxAgeWithEventsMs");
        QTest::newRow("no probes") << 2 << QStringLiteral("windowProbes");
        QTest::newRow("confidence above 1") << 3 << QStringLiteral("minConfidence");
        QTest::newRow("empty prefix") << 4 << QStringLiteral("excludedPrefixes");
        QTest::newRow("changed above window") << 5 << QStringLiteral("volatileChanged");
    }
    void invalidPoliciesAreNamed()
    {
        QFETCH(int, which);
        QFETCH(QString, field);
        MirrorPolicy policy;
        QVERIFY(policy.validate());
        switch (which) {
        case 0:
            policy.maxAgeMs = -1;
            break;
        case 1:
            policy.maxAgeWithEventsMs = policy.maxAgeMs - 1;
            break;
        case 2:
            policy.windowProbes = 0;
            break;
        case 3:
            policy.minConfidence = 1.5;
            break;
        case 4:
            policy.excludedPrefixes = {QString()};
            break;
        case 5:
            policy.volatileChanged = policy.volatileWindow + 1;
            break;
        }
        const auto status = policy.validate();
        QVERIFY(!status);
        QVERIFY2(status.error().message.contains(field), qPrintable(status.error().message));
    }

    void latencyQuantilesAreBucketBounds()
    {
        LatencyBuckets buckets;
        QCOMPARE(buckets.quantileUpperBoundUs(0.99), 0);
        for (int i = 0; i < 99; ++i)
            buckets.add(100); // bucket [64, 128)
        buckets.add(5000);    // bucket [4096, 8192)
        QCOMPARE(buckets.quantileUpperBoundUs(0.5), 127);
        QCOMPARE(buckets.quantileUpperBoundUs(1.0), 5000);
        QCOMPARE(buckets.sumUs, 99 * 100 + 5000);
    }
};

QTEST_APPLESS_MAIN(TestMirrorTable)
#include "tst_mirrortable.moc"
