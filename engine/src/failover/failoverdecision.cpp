// The failover flow's decision rules (see failoverdecision.h): pure functions, so the order in
// which they apply is the order written here and nowhere else.

#include "failover/failoverdecision.h"

#include <algorithm>

#include <QDateTime>

namespace foresight::failover {

namespace {

QString timeOfDay(qint64 wallMs)
{
    return QDateTime::fromMSecsSinceEpoch(wallMs).toUTC().toString(QStringLiteral("HH:mm:ss 'UTC'"));
}

} // namespace

InvestigationVerdict investigatePrimary(const config::FailoverSettings &settings, const InvestigationFacts &facts)
{
    const std::int64_t recentMs = std::max(300, 3 * settings.heartbeatIntervalMs);
    InvestigationVerdict verdict;
    for (const ReplicaReport &replica : facts.replicas) {
        if (replica.receivedMs <= facts.suspectSinceMs || replica.heardMsAgo < 0)
            continue; // no report since the suspicion began
        ++verdict.asked;
        // Later than the console's last heartbeat by more than an interval (and some jitter): the
        // replica heard a heartbeat the console never received.
        const std::int64_t heardAt = replica.receivedMs - replica.heardMsAgo;
        if (replica.heardMsAgo <= recentMs && heardAt > facts.primaryLastHeardMs + settings.heartbeatIntervalMs + 50)
            verdict.hearing.append(replica.agent);
    }
    if (!verdict.hearing.isEmpty())
        verdict.outcome = InvestigationOutcome::ConsoleCutOff;
    else if (facts.nowMs - facts.suspectSinceMs < settings.investigationMs && !facts.cutOff)
        verdict.outcome = InvestigationOutcome::Open;
    else
        verdict.outcome = InvestigationOutcome::PrimarySilent;
    return verdict;
}

QString triggerName(FailoverTrigger trigger)
{
    switch (trigger) {
    case FailoverTrigger::Score:
        return QStringLiteral("score");
    case FailoverTrigger::NoPrimary:
        return QStringLiteral("no-primary");
    case FailoverTrigger::Operator:
        return QStringLiteral("operator");
    }
    return {};
}

Gate failoverGate(const config::FailoverSettings &settings, const GateFacts &facts)
{
    // The score decides whether a failover of a known primary is warranted at all; the rules
    // below only decide whether a warranted one may start now.
    if (facts.trigger == FailoverTrigger::Score && !facts.score.failoverWarranted()) {
        return {GateOutcome::Block,
                QStringLiteral("the failover score does not reach failover.score-threshold: %1; promote by hand "
                               "if the primary is really gone")
                    .arg(facts.score.explain(settings)),
                0};
    }
    if (facts.trigger != FailoverTrigger::Operator) {
        if (!settings.autoFailover)
            return {GateOutcome::Block,
                    QStringLiteral("automatic failover is off (failover.auto-failover); promote by hand"),
                    0};
        const qint64 until = facts.lastFailoverWallMs + settings.flapWindowMs;
        if (facts.lastFailoverWallMs > 0 && !facts.lastFailoverAcknowledged && facts.wallNowMs < until) {
            return {GateOutcome::Block,
                    QStringLiteral("anti-flapping: failed over at %1; no automatic failover until %2 unless an "
                                   "operator acknowledges incident %3")
                        .arg(timeOfDay(facts.lastFailoverWallMs), timeOfDay(until))
                        .arg(facts.lastIncidentId),
                    until};
        }
        if (facts.vetoStands)
            return {GateOutcome::KeepBlock, {}, 0}; // keep the veto's reason until the hook is asked again
    }
    if (facts.ranked.isEmpty() || !facts.ranked.first().eligible) {
        QStringList reasons;
        for (const RankedCandidate &candidate : facts.ranked)
            reasons.append(candidate.facts.agent + QStringLiteral(": ") + candidate.excludedBecause);
        return {GateOutcome::Block,
                QStringLiteral("no eligible replica (%1)")
                    .arg(reasons.isEmpty() ? QStringLiteral("none holds the application")
                                           : reasons.join(QStringLiteral("; "))),
                0};
    }
    return {GateOutcome::Proceed, {}, 0};
}

} // namespace foresight::failover
