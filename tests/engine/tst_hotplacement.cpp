// Hot-tier placement with hysteresis: when the engine moves an application's hot replica to a
// host closer to its primary, and when noise, small gains or a recent move keep it in place.
// Time is driven by hand: every evaluate() call says what time it is.

#include <QTest>

#include "foresight/failover/hotplacement.h"

using namespace foresight;

namespace {

config::TopologySettings settings()
{
    config::TopologySettings s;
    s.minGainMs = 2.0;
    s.minGainRatio = 0.3;
    s.holdMs = 10'000;
    s.cooldownMs = 60'000;
    return s;
}

failover::PlacementCandidate at(const QString &agent, double rttMs, Tier tier = Tier::None)
{
    return failover::PlacementCandidate{agent, rttMs, tier};
}

} // namespace

class TestHotPlacement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void movesOnlyAfterTheGainHeldForHoldMs()
    {
        failover::HotPlacement placement;
        const QList<failover::PlacementCandidate> hot{at(QStringLiteral("far"), 40, Tier::Hot)};
        const QList<failover::PlacementCandidate> others{at(QStringLiteral("near"), 1),
                                                         at(QStringLiteral("mid"), 5, Tier::Warm)};
        QVERIFY(!placement.evaluate(hot, others, 0, settings()));
        QVERIFY2(placement.explanation().contains(QStringLiteral("in 10 s")), qPrintable(placement.explanation()));
        QVERIFY(!placement.evaluate(hot, others, 9'999, settings()));
        const auto move = placement.evaluate(hot, others, 10'000, settings());
        QVERIFY(move);
        QCOMPARE(move->from, QStringLiteral("far"));
        QCOMPARE(move->to, QStringLiteral("near"));
        QCOMPARE(move->toTier, Tier::None);
        QCOMPARE(move->fromRttMs, 40.0);
        QCOMPARE(move->toRttMs, 1.0);
    }

    void gainBelowEitherThresholdKeepsTheTier_data()
    {
        QTest::addColumn<double>("hotRtt");
        QTest::addColumn<double>("otherRtt");
        QTest::addColumn<bool>("moves");
        // needed = max(2 ms, 30% of the hot replica's round trip)
        QTest::newRow("absolute gain too small") << 2.5 << 0.6 << false; // gain 1.9 < 2
        QTest::newRow("ratio too small") << 20.0 << 15.0 << false;       // gain 5 < 6
        QTest::newRow("both met") << 20.0 << 13.0 << true;               // gain 7 >= 6
        QTest::newRow("equal") << 3.0 << 3.0 << false;
        QTest::newRow("other is farther") << 3.0 << 9.0 << false;
    }
    void gainBelowEitherThresholdKeepsTheTier()
    {
        QFETCH(double, hotRtt);
        QFETCH(double, otherRtt);
        QFETCH(bool, moves);
        failover::HotPlacement placement;
        const QList<failover::PlacementCandidate> hot{at(QStringLiteral("h"), hotRtt, Tier::Hot)};
        const QList<failover::PlacementCandidate> others{at(QStringLiteral("o"), otherRtt)};
        (void) placement.evaluate(hot, others, 0, settings());
        QCOMPARE(placement.evaluate(hot, others, 20'000, settings()).has_value(), moves);
    }

    void aGainThatFadesRestartsTheHold()
    {
        failover::HotPlacement placement;
        const QList<failover::PlacementCandidate> hot{at(QStringLiteral("h"), 20, Tier::Hot)};
        const QList<failover::PlacementCandidate> better{at(QStringLiteral("o"), 5)};
        const QList<failover::PlacementCandidate> noisy{at(QStringLiteral("o"), 16)}; // a burst: gain 4 < 6
        QVERIFY(!placement.evaluate(hot, better, 0, settings()));
        QVERIFY(!placement.evaluate(hot, noisy, 6'000, settings()));
        QVERIFY(!placement.evaluate(hot, better, 7'000, settings()));
        QVERIFY(!placement.evaluate(hot, better, 16'999, settings())); // held 9.999 s since the fade
        QVERIFY(placement.evaluate(hot, better, 17'000, settings()));
    }

    void twoNearEqualTargetsDoNotRestartTheHold()
    {
        failover::HotPlacement placement;
        const QList<failover::PlacementCandidate> hot{at(QStringLiteral("h"), 30, Tier::Hot)};
        QVERIFY(!placement.evaluate(hot, {at(QStringLiteral("a"), 1.0), at(QStringLiteral("b"), 1.1)}, 0, settings()));
        QVERIFY(
            !placement.evaluate(hot, {at(QStringLiteral("a"), 1.2), at(QStringLiteral("b"), 1.1)}, 5'000, settings()));
        const auto move
            = placement.evaluate(hot, {at(QStringLiteral("a"), 1.2), at(QStringLiteral("b"), 1.1)}, 10'000, settings());
        QVERIFY(move);
        QCOMPARE(move->to, QStringLiteral("b")); // the closest at the moment of the move
    }

    void noSecondMoveWithinTheCooldown()
    {
        failover::HotPlacement placement;
        QList<failover::PlacementCandidate> hot{at(QStringLiteral("a"), 30, Tier::Hot)};
        QList<failover::PlacementCandidate> others{at(QStringLiteral("b"), 1)};
        (void) placement.evaluate(hot, others, 0, settings());
        QVERIFY(placement.evaluate(hot, others, 10'000, settings()));
        placement.moved(10'000);
        // Conditions flip right away: b became far, a close. The hold is met long before the
        // cool-down ends; the move waits for the cool-down.
        hot = {at(QStringLiteral("b"), 30, Tier::Hot)};
        others = {at(QStringLiteral("a"), 1)};
        QVERIFY(!placement.evaluate(hot, others, 10'001, settings()));
        QVERIFY(!placement.evaluate(hot, others, 69'999, settings()));
        QVERIFY2(placement.explanation().contains(QStringLiteral("cooling down")), qPrintable(placement.explanation()));
        QVERIFY(placement.evaluate(hot, others, 70'000, settings()));
    }

    void measurementNoiseAroundEqualLinksNeverMoves()
    {
        // Two hosts at about the same distance, each measurement jittering by up to 40%: no move,
        // ever, and so no oscillation.
        failover::HotPlacement placement;
        std::uint32_t seed = 7;
        const auto jitter = [&seed](double base) {
            seed = seed * 1'103'515'245u + 12'345u;
            return base * (0.8 + 0.4 * double(seed % 1000) / 1000.0);
        };
        for (std::int64_t t = 0; t < 600'000; t += 1000) {
            const QList<failover::PlacementCandidate> hot{at(QStringLiteral("a"), jitter(5), Tier::Hot)};
            const QList<failover::PlacementCandidate> others{at(QStringLiteral("b"), jitter(5))};
            QVERIFY2(!placement.evaluate(hot, others, t, settings()), qPrintable(placement.explanation()));
        }
    }

    void switchedOffOrNothingToCompare()
    {
        failover::HotPlacement placement;
        config::TopologySettings off = settings();
        off.rebalanceHot = false;
        const QList<failover::PlacementCandidate> hot{at(QStringLiteral("h"), 50, Tier::Hot)};
        const QList<failover::PlacementCandidate> others{at(QStringLiteral("o"), 1)};
        QVERIFY(!placement.evaluate(hot, others, 0, off));
        QVERIFY(!placement.evaluate(hot, others, 100'000, off));
        QVERIFY(placement.explanation().contains(QStringLiteral("off")));
        QVERIFY(!placement.evaluate(hot, {}, 0, settings()));
        QVERIFY(!placement.evaluate({}, others, 0, settings()));
    }

    void slowestHotReplicaIsTheOneMoved()
    {
        failover::HotPlacement placement;
        const QList<failover::PlacementCandidate> hot{at(QStringLiteral("h1"), 3, Tier::Hot),
                                                      at(QStringLiteral("h2"), 25, Tier::Hot)};
        const QList<failover::PlacementCandidate> others{at(QStringLiteral("o"), 2, Tier::Cold)};
        (void) placement.evaluate(hot, others, 0, settings());
        const auto move = placement.evaluate(hot, others, 10'000, settings());
        QVERIFY(move);
        QCOMPARE(move->from, QStringLiteral("h2"));
        QCOMPARE(move->toTier, Tier::Cold);
    }
};

QTEST_GUILESS_MAIN(TestHotPlacement)
#include "tst_hotplacement.moc"
