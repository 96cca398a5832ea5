// The agent loop's turn timer (agent/turntimer.h): which turns are slow, what the warning says,
// and that a storm of slow turns is one warning per kWarnEveryMs carrying the worst of them.

#include <QTest>

#include "agent/turntimer.h"

using namespace foresight::agent;
using namespace std::chrono_literals;

namespace {

// One turn starting at `at`: each phase's length in ms, in order.
std::optional<QString> turn(TurnTimer &timer,
                            TurnTimer::Clock::time_point at,
                            std::initializer_list<std::pair<const char *, int>> phases)
{
    timer.start(at);
    for (const auto &[name, ms] : phases) {
        at += std::chrono::milliseconds(ms);
        timer.phase(name, at);
    }
    return timer.finish();
}

} // namespace

class TestTurnTimer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aFastTurnSaysNothing()
    {
        TurnTimer timer;
        QVERIFY(!turn(timer, TurnTimer::Clock::time_point{}, {{"api", 40}, {"replication", 50}}));
        QCOMPARE(timer.slowTurns(), 0);
    }

    void aSlowTurnNamesWhereItsTimeWent()
    {
        TurnTimer timer;
        const auto warning = turn(timer,
                                  TurnTimer::Clock::time_point{},
                                  {{"api", 1566}, {"sdk", 0}, {"replication", 3}});
        QVERIFY(warning);
        QCOMPARE(*warning, QStringLiteral("agent loop turn of 1569 ms: api 1566 ms, replication 3 ms"));
        QCOMPARE(timer.slowTurns(), 1);
        QCOMPARE(timer.longestTurnMs(), 1569);
    }

    void slowTurnsAreReportedOncePerInterval()
    {
        TurnTimer timer;
        TurnTimer::Clock::time_point t{};
        QVERIFY(turn(timer, t, {{"api", 200}}));
        // Within the interval: counted, held back, the worst kept.
        QVERIFY(!turn(timer, t + 1s, {{"api", 300}}));
        QVERIFY(!turn(timer, t + 2s, {{"replication", 150}}));
        QVERIFY(!turn(timer, t + 3s, {{"api", 10}}));
        QCOMPARE(timer.slowTurns(), 3);
        // After it, the next turn (fast or not) brings the worst one out, once.
        const auto held = turn(timer, t + 6s, {{"api", 10}});
        QVERIFY(held);
        QCOMPARE(*held, QStringLiteral("agent loop turn of 300 ms: api 300 ms"));
        QVERIFY(!turn(timer, t + 12s, {{"api", 10}}));
        QCOMPARE(timer.longestTurnMs(), 300);
    }
};

QTEST_GUILESS_MAIN(TestTurnTimer)
#include "tst_turntimer.moc"
