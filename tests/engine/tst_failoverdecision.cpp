// The failover flow's decision rules without a cluster: when an investigation of a silent
// primary ends and with what finding, and which condition stops a failover, in which order.
// tests/integration/tst_failover.cpp checks the same rules against real agents.

#include <QTest>

#include "failover/failoverdecision.h"

using namespace foresight;
using namespace foresight::failover;

namespace {

// A candidate list whose best entry is (or is not) eligible.
QList<failover::RankedCandidate> ranked(bool eligible)
{
    failover::RankedCandidate candidate;
    candidate.facts.agent = QStringLiteral("bravo");
    candidate.eligible = eligible;
    candidate.excludedBecause = eligible ? QString() : QStringLiteral("in maintenance");
    return {candidate};
}

// The score of a primary the investigation found silent (its heartbeat term is 1), or of one
// that answers (0), with nothing else against it.
failover::FailoverScore scoreOf(const config::FailoverSettings &settings, bool silent)
{
    return failover::failoverScore(settings, silent ? settings.phiThreshold : 0, 0, false, 0);
}

GateFacts silentPrimary(const config::FailoverSettings &settings)
{
    GateFacts facts;
    facts.trigger = FailoverTrigger::Score;
    facts.score = scoreOf(settings, true);
    facts.wallNowMs = 1'700'000'000'000;
    facts.ranked = ranked(true);
    return facts;
}

} // namespace

Q_DECLARE_METATYPE(foresight::failover::InvestigationOutcome)
Q_DECLARE_METATYPE(foresight::failover::GateOutcome)

class TestFailoverDecision : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void investigation_data()
    {
        QTest::addColumn<qint64>("nowMs");
        QTest::addColumn<bool>("cutOff");
        QTest::addColumn<qint64>("replicaReceivedMs"); // -1: no replica
        QTest::addColumn<qint64>("heardMsAgo");
        QTest::addColumn<InvestigationOutcome>("outcome");
        QTest::addColumn<int>("asked");
        // Suspected at 1000, the console last heard the primary at 850; 100 ms heartbeats,
        // investigation-ms 300.
        QTest::newRow("too early, nobody reported")
            << qint64(1100) << false << qint64(-1) << qint64(-1) << InvestigationOutcome::Open << 0;
        QTest::newRow("no replica at all, after investigation-ms")
            << qint64(1300) << false << qint64(-1) << qint64(-1) << InvestigationOutcome::PrimarySilent << 0;
        QTest::newRow("replica heard it recently, after the console did")
            << qint64(1100) << false << qint64(1090) << qint64(40) << InvestigationOutcome::ConsoleCutOff << 1;
        QTest::newRow("replica heard it no later than the console did")
            << qint64(1300) << false << qint64(1090) << qint64(240) << InvestigationOutcome::PrimarySilent << 1;
        QTest::newRow("replica heard it long ago")
            << qint64(1400) << false << qint64(1390) << qint64(400) << InvestigationOutcome::PrimarySilent << 1;
        QTest::newRow("replica's report predates the suspicion")
            << qint64(1300) << false << qint64(990) << qint64(0) << InvestigationOutcome::PrimarySilent << 0;
        QTest::newRow("replica does not report what it hears")
            << qint64(1300) << false << qint64(1290) << qint64(-1) << InvestigationOutcome::PrimarySilent << 0;
        QTest::newRow("cut off before, nobody hears it now: no second wait")
            << qint64(1100) << true << qint64(1090) << qint64(240) << InvestigationOutcome::PrimarySilent << 1;
    }

    void investigation()
    {
        QFETCH(qint64, nowMs);
        QFETCH(bool, cutOff);
        QFETCH(qint64, replicaReceivedMs);
        QFETCH(qint64, heardMsAgo);
        QFETCH(InvestigationOutcome, outcome);
        QFETCH(int, asked);
        config::FailoverSettings settings;
        InvestigationFacts facts;
        facts.nowMs = nowMs;
        facts.suspectSinceMs = 1000;
        facts.primaryLastHeardMs = 850;
        facts.cutOff = cutOff;
        if (replicaReceivedMs >= 0)
            facts.replicas.append({QStringLiteral("bravo"), replicaReceivedMs, heardMsAgo});
        const InvestigationVerdict verdict = investigatePrimary(settings, facts);
        QCOMPARE(verdict.outcome, outcome);
        QCOMPARE(verdict.asked, asked);
        QCOMPARE(verdict.hearing.isEmpty(), outcome != InvestigationOutcome::ConsoleCutOff);
    }

    void gate_data()
    {
        QTest::addColumn<int>("trigger");
        QTest::addColumn<bool>("autoFailover");
        QTest::addColumn<bool>("recentUnacknowledged");
        QTest::addColumn<bool>("vetoStands");
        QTest::addColumn<bool>("eligible");
        QTest::addColumn<GateOutcome>("outcome");
        QTest::addColumn<QString>("reason");
        const int score = int(FailoverTrigger::Score);
        const int noPrimary = int(FailoverTrigger::NoPrimary);
        const int byHand = int(FailoverTrigger::Operator);
        QTest::newRow("all clear") << score << true << false << false << true << GateOutcome::Proceed << QString();
        QTest::newRow("auto-failover off") << score << false << false << false << true << GateOutcome::Block
                                           << QStringLiteral("automatic failover is off");
        QTest::newRow("auto-failover off, no primary") << noPrimary << false << false << false << true
                                                       << GateOutcome::Block << QStringLiteral("automatic failover");
        QTest::newRow("anti-flapping") << score << true << true << false << true << GateOutcome::Block
                                       << QStringLiteral("anti-flapping");
        QTest::newRow("auto-failover off comes before anti-flapping")
            << score << false << true << false << true << GateOutcome::Block << QStringLiteral("automatic failover");
        QTest::newRow("a hook's veto stands")
            << score << true << false << true << true << GateOutcome::KeepBlock << QString();
        QTest::newRow("anti-flapping comes before the veto")
            << score << true << true << true << true << GateOutcome::Block << QStringLiteral("anti-flapping");
        QTest::newRow("no eligible replica") << score << true << false << false << false << GateOutcome::Block
                                             << QStringLiteral("no eligible replica (bravo: in maintenance)");
        QTest::newRow("operator: automatic rules do not apply")
            << byHand << false << true << true << true << GateOutcome::Proceed << QString();
        QTest::newRow("operator: still needs an eligible replica")
            << byHand << true << false << false << false << GateOutcome::Block << QStringLiteral("no eligible");
    }

    void gate()
    {
        QFETCH(int, trigger);
        QFETCH(bool, autoFailover);
        QFETCH(bool, recentUnacknowledged);
        QFETCH(bool, vetoStands);
        QFETCH(bool, eligible);
        QFETCH(GateOutcome, outcome);
        QFETCH(QString, reason);
        config::FailoverSettings settings;
        settings.autoFailover = autoFailover;
        GateFacts facts = silentPrimary(settings);
        facts.trigger = FailoverTrigger(trigger);
        if (recentUnacknowledged) {
            facts.lastFailoverWallMs = facts.wallNowMs - 1000;
            facts.lastFailoverAcknowledged = false;
            facts.lastIncidentId = 7;
        }
        facts.vetoStands = vetoStands;
        facts.ranked = ranked(eligible);
        const Gate gate = failoverGate(settings, facts);
        QCOMPARE(gate.outcome, outcome);
        QVERIFY2(gate.reason.contains(reason), qPrintable(gate.reason));
        if (recentUnacknowledged && outcome == GateOutcome::Block && reason == QLatin1String("anti-flapping")) {
            QCOMPARE(gate.untilWallMs, facts.lastFailoverWallMs + settings.flapWindowMs);
            QVERIFY2(gate.reason.contains(QStringLiteral("incident 7")), qPrintable(gate.reason));
        }
    }

    // docs/cluster-config.md: an automatic failover of a primary starts when its failover score
    // reaches score-threshold. A silent primary's heartbeat term is 1; whether that alone is
    // enough is the weights' and the threshold's to say.
    void scoreDecides_data()
    {
        QTest::addColumn<double>("heartbeat"); // the weights
        QTest::addColumn<double>("divergence");
        QTest::addColumn<double>("integrity");
        QTest::addColumn<double>("risk");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<bool>("silent"); // the investigation found the primary silent
        QTest::addColumn<double>("primaryDivergence");
        QTest::addColumn<GateOutcome>("outcome");
        QTest::newRow("defaults: silence alone reaches 0.55")
            << 0.6 << 0.2 << 0.2 << 0.1 << 0.5 << true << 0.0 << GateOutcome::Proceed;
        QTest::newRow("defaults: a primary that answers, fully divergent")
            << 0.6 << 0.2 << 0.2 << 0.1 << 0.5 << false << 1.0 << GateOutcome::Block;
        QTest::newRow("silence exactly at the threshold")
            << 0.5 << 0.0 << 0.5 << 0.0 << 0.5 << true << 0.0 << GateOutcome::Proceed;
        QTest::newRow("silence alone below the threshold")
            << 0.4 << 0.4 << 0.2 << 0.0 << 0.5 << true << 0.0 << GateOutcome::Block;
        QTest::newRow("silence corroborated by divergence")
            << 0.4 << 0.4 << 0.2 << 0.0 << 0.5 << true << 0.5 << GateOutcome::Proceed;
        QTest::newRow("a threshold silence cannot reach")
            << 0.6 << 0.2 << 0.2 << 0.1 << 0.9 << true << 0.0 << GateOutcome::Block;
    }

    void scoreDecides()
    {
        QFETCH(double, heartbeat);
        QFETCH(double, divergence);
        QFETCH(double, integrity);
        QFETCH(double, risk);
        QFETCH(double, threshold);
        QFETCH(bool, silent);
        QFETCH(double, primaryDivergence);
        QFETCH(GateOutcome, outcome);
        config::FailoverSettings settings;
        settings.weightHeartbeat = heartbeat;
        settings.weightDivergence = divergence;
        settings.weightIntegrity = integrity;
        settings.weightRisk = risk;
        settings.scoreThreshold = threshold;
        GateFacts facts = silentPrimary(settings);
        facts.score = failover::failoverScore(settings, silent ? settings.phiThreshold : 0, primaryDivergence, false, 0);
        const Gate gate = failoverGate(settings, facts);
        QCOMPARE(gate.outcome, outcome);
        if (outcome == GateOutcome::Block) {
            QVERIFY2(gate.reason.contains(QStringLiteral("does not reach failover.score-threshold")),
                     qPrintable(gate.reason));
            QCOMPARE(gate.untilWallMs, 0);
        }
        // Neither the score nor its threshold binds an operator, nor a cluster with no primary.
        for (FailoverTrigger unscored : {FailoverTrigger::Operator, FailoverTrigger::NoPrimary}) {
            facts.trigger = unscored;
            QCOMPARE(failoverGate(settings, facts).outcome, GateOutcome::Proceed);
        }
    }

    void theScoreComesFirst()
    {
        // Below the threshold, the score is the reason shown, even when anti-flapping would block.
        config::FailoverSettings settings;
        settings.weightHeartbeat = 0.1;
        GateFacts facts = silentPrimary(settings);
        facts.lastFailoverWallMs = facts.wallNowMs - 1000;
        facts.lastFailoverAcknowledged = false;
        const Gate gate = failoverGate(settings, facts);
        QCOMPARE(gate.outcome, GateOutcome::Block);
        QVERIFY2(gate.reason.contains(QStringLiteral("score-threshold")), qPrintable(gate.reason));
    }

    void acknowledgedOrOldFailoversDoNotBlock()
    {
        config::FailoverSettings settings;
        GateFacts facts = silentPrimary(settings);
        facts.lastFailoverWallMs = facts.wallNowMs - 1000;
        facts.lastFailoverAcknowledged = true;
        QCOMPARE(failoverGate(settings, facts).outcome, GateOutcome::Proceed);
        facts.lastFailoverAcknowledged = false;
        facts.lastFailoverWallMs = facts.wallNowMs - settings.flapWindowMs;
        QCOMPARE(failoverGate(settings, facts).outcome, GateOutcome::Proceed);
    }
};

QTEST_GUILESS_MAIN(TestFailoverDecision)
#include "tst_failoverdecision.moc"
