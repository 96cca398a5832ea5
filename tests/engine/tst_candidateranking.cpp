// The failover decision's pure parts: the weighted failover score and the candidate ranking.

#include <QTest>

#include "foresight/failover/candidateranking.h"
#include "foresight/failover/failoverscore.h"

using namespace foresight;

namespace {

failover::CandidateFacts candidate(const QString &agent, Tier tier, std::uint64_t seq)
{
    failover::CandidateFacts facts;
    facts.agent = agent;
    facts.tier = tier;
    facts.seq = seq;
    return facts;
}

QStringList order(const QList<failover::RankedCandidate> &ranked)
{
    QStringList names;
    for (const failover::RankedCandidate &candidate : ranked)
        names.append(candidate.facts.agent + (candidate.eligible ? QString() : QStringLiteral("(x)")));
    return names;
}

} // namespace

class TestCandidateRanking : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hotBeforeWarmBeforeCold()
    {
        const auto ranked = failover::rankCandidates({candidate(QStringLiteral("c"), Tier::Cold, 100),
                                                      candidate(QStringLiteral("w"), Tier::Warm, 100),
                                                      candidate(QStringLiteral("h"), Tier::Hot, 90)});
        QCOMPARE(order(ranked), (QStringList{QStringLiteral("h"), QStringLiteral("w"), QStringLiteral("c")}));
        QCOMPARE(ranked.first().rank, 1);
        QCOMPARE(failover::rankReason(ranked[0], ranked[1]), QStringLiteral("hot before warm"));
    }

    void highestSequenceOutranksOperatorPriority()
    {
        failover::CandidateFacts preferred = candidate(QStringLiteral("preferred"), Tier::Hot, 90);
        preferred.priority = 100;
        const auto ranked = failover::rankCandidates({preferred, candidate(QStringLiteral("ahead"), Tier::Hot, 100)});
        QCOMPARE(order(ranked), (QStringList{QStringLiteral("ahead"), QStringLiteral("preferred")}));
        QCOMPARE(ranked[1].seqBehind, 10u);
        QCOMPARE(failover::rankReason(ranked[0], ranked[1]), QStringLiteral("10 seqs ahead"));
    }

    void priorityThenDivergenceThenLatencyThenRiskThenName()
    {
        failover::CandidateFacts a = candidate(QStringLiteral("a"), Tier::Hot, 5);
        failover::CandidateFacts b = candidate(QStringLiteral("b"), Tier::Hot, 5);
        b.priority = 1;
        QCOMPARE(order(failover::rankCandidates({a, b})).first(), QStringLiteral("b"));
        b.priority = 0;
        a.divergence = 0.4;
        QCOMPARE(order(failover::rankCandidates({a, b})).first(), QStringLiteral("b"));
        a.divergence = 0;
        b.latencyMs = 3;
        QCOMPARE(order(failover::rankCandidates({a, b})).first(), QStringLiteral("a"));
        b.latencyMs = 0;
        a.failureRisk = 0.9;
        const auto ranked = failover::rankCandidates({a, b});
        QCOMPARE(order(ranked).first(), QStringLiteral("b"));
        QVERIFY(failover::rankReason(ranked[0], ranked[1]).startsWith(QStringLiteral("failure risk")));
        a.failureRisk = 0;
        QCOMPARE(order(failover::rankCandidates({b, a})).first(), QStringLiteral("a"));
        QCOMPARE(failover::rankReason(failover::rankCandidates({b, a})[0], failover::rankCandidates({b, a})[1]),
                 QStringLiteral("equal on every term; by name"));
    }

    void aHostPredictedToFailRanksBelowAHealthyOneButNeverAboveData()
    {
        failover::CandidateFacts failing = candidate(QStringLiteral("failing"), Tier::Hot, 100);
        failing.failureRisk = 0.9;
        failing.predictedToFail = true;
        failing.priority = 10; // the operator's preference does not outweigh a predicted failure
        failover::CandidateFacts healthy = candidate(QStringLiteral("healthy"), Tier::Hot, 100);
        healthy.failureRisk = 0.1;
        auto ranked = failover::rankCandidates({failing, healthy});
        QCOMPARE(order(ranked), (QStringList{QStringLiteral("healthy"), QStringLiteral("failing")}));
        QCOMPARE(failover::rankReason(ranked[0], ranked[1]),
                 QStringLiteral("failing's host is predicted to fail (risk 0.90)"));

        // Data safety first: the only replica holding every acknowledged write stays the choice.
        healthy.seq = 99;
        ranked = failover::rankCandidates({failing, healthy});
        QCOMPARE(order(ranked), (QStringList{QStringLiteral("failing"), QStringLiteral("healthy")}));
    }

    void aCaughtUpShadowIsPreferredButNeverAboveData()
    {
        failover::CandidateFacts preferred = candidate(QStringLiteral("preferred"), Tier::Hot, 100);
        preferred.priority = 10; // the shadow was placed for this failure: it outranks a preference
        failover::CandidateFacts shadow = candidate(QStringLiteral("shadow"), Tier::Hot, 100);
        shadow.shadow = true;
        auto ranked = failover::rankCandidates({preferred, shadow});
        QCOMPARE(order(ranked), (QStringList{QStringLiteral("shadow"), QStringLiteral("preferred")}));
        QCOMPARE(failover::rankReason(ranked[0], ranked[1]), QStringLiteral("shadow is the application's shadow"));

        // A shadow that lags never beats a replica holding more acknowledged writes.
        shadow.seq = 99;
        ranked = failover::rankCandidates({preferred, shadow});
        QCOMPARE(order(ranked), (QStringList{QStringLiteral("preferred"), QStringLiteral("shadow")}));
    }

    void exclusionsComeLastWithTheirReason()
    {
        failover::CandidateFacts unreachable = candidate(QStringLiteral("u"), Tier::Hot, 200);
        unreachable.reachable = false;
        failover::CandidateFacts corrupt = candidate(QStringLiteral("x"), Tier::Hot, 200);
        corrupt.integrityOk = false;
        corrupt.integrityNote = QStringLiteral("digest differs");
        failover::CandidateFacts flagged = candidate(QStringLiteral("n"), Tier::Hot, 200);
        flagged.neverPromote = true;
        failover::CandidateFacts maintained = candidate(QStringLiteral("m"), Tier::Hot, 200);
        maintained.maintenance = true;
        const auto ranked = failover::rankCandidates(
            {unreachable, corrupt, flagged, maintained, candidate(QStringLiteral("ok"), Tier::Cold, 1)});
        QCOMPARE(ranked.first().facts.agent, QStringLiteral("ok"));
        QCOMPARE(ranked.first().rank, 1);
        // An excluded candidate's position does not count against the eligible ones.
        QCOMPARE(ranked.first().seqBehind, 0u);
        for (int i = 1; i < ranked.size(); ++i) {
            QVERIFY(!ranked[i].eligible);
            QCOMPARE(ranked[i].rank, 0);
            QVERIFY(!ranked[i].excludedBecause.isEmpty());
        }
        QString reasons;
        for (const failover::RankedCandidate &c : ranked)
            reasons += c.excludedBecause + QLatin1Char(';');
        for (const char *word :
             {"unreachable", "integrity check failed: digest differs", "never-promote", "maintenance"})
            QVERIFY2(reasons.contains(QLatin1String(word)), qPrintable(reasons));
    }

    void termsExplainEveryCandidate()
    {
        const auto ranked = failover::rankCandidates({candidate(QStringLiteral("h"), Tier::Hot, 7)});
        QStringList names;
        for (const failover::RankTerm &term : ranked.first().terms)
            names.append(term.name);
        QCOMPARE(names,
                 (QStringList{QStringLiteral("tier"),
                              QStringLiteral("seq"),
                              QStringLiteral("seq-behind"),
                              QStringLiteral("predicted-to-fail"),
                              QStringLiteral("shadow"),
                              QStringLiteral("priority"),
                              QStringLiteral("divergence"),
                              QStringLiteral("latency-ms"),
                              QStringLiteral("failure-risk")}));
        QCOMPARE(ranked.first().terms.first().value, QStringLiteral("hot"));
    }

    void failoverScoreWeighsItsTerms()
    {
        config::FailoverSettings settings; // 0.6 heartbeat, 0.2 divergence, 0.2 integrity, 0.1 risk, threshold 0.5
        QVERIFY(failover::failoverScore(settings, 8.0, 0, false).failoverWarranted());
        QVERIFY(
            !failover::failoverScore(settings, 7.99, 0, false).failoverWarranted()); // below phi's threshold: no evidence
        // Everything but the heartbeat at its worst: 0.5 / 1.1, a live primary stays.
        QVERIFY(!failover::failoverScore(settings, 0, 1.0, true, 1.0).failoverWarranted());
        QCOMPARE(failover::failoverScore(settings, 0, 1.0, true, 1.0).score, 0.5 / 1.1);
        QCOMPARE(failover::failoverScore(settings, 0, 0, false, 0.8).risk, 0.8);
        QCOMPARE(failover::failoverScore(settings, 0, 0, false, 3.0).risk, 1.0); // clamped to 0..1
        QVERIFY2(failover::failoverScore(settings, 0, 0, false, 0.8)
                     .explain(settings)
                     .contains(QStringLiteral("0.09*0.80 (failure risk)")),
                 qPrintable(failover::failoverScore(settings, 0, 0, false, 0.8).explain(settings)));
        settings.weightRisk = 0;
        settings.weightHeartbeat = 0.2;
        settings.weightDivergence = 0.4;
        settings.weightIntegrity = 0.4;
        QVERIFY(failover::failoverScore(settings, 0, 1.0, true).failoverWarranted()); // weights are configurable
        settings.weightHeartbeat = 2;
        settings.weightDivergence = 1;
        settings.weightIntegrity = 1;
        const failover::FailoverScore normalised = failover::failoverScore(settings, 9, 0.5, false);
        QCOMPARE(normalised.score, (2 * 1.0 + 1 * 0.5) / 4);
        QVERIFY2(normalised.explain(settings).contains(QStringLiteral("0.50*1.00 (heartbeat)")),
                 qPrintable(normalised.explain(settings)));
        QCOMPARE(failover::failoverScore(settings, 0, 7.0, false).divergence, 1.0); // clamped to 0..1
    }
};

QTEST_GUILESS_MAIN(TestCandidateRanking)
#include "tst_candidateranking.moc"
