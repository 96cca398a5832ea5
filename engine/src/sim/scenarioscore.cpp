#include "foresight/sim/scenarioscore.h"

#include <algorithm>

namespace foresight::sim {

namespace {

QString seconds(qint64 ms)
{
    return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
}

QString faultPhrase(const AppliedFault &fault)
{
    switch (fault.kind) {
    case FaultKind::Crash:
        return QStringLiteral("the crash of %1").arg(fault.agent);
    case FaultKind::Freeze:
        return QStringLiteral("the freeze of %1").arg(fault.agent);
    case FaultKind::Degrade:
        return QStringLiteral("the degradation of %1").arg(fault.agent);
    case FaultKind::Partition:
        return QStringLiteral("the partition between %1 and %2").arg(fault.agent, fault.peer);
    case FaultKind::Corrupt:
        return QStringLiteral("the corruption of %1").arg(fault.agent);
    case FaultKind::Slow:
        return QStringLiteral("the slow link between %1 and %2").arg(fault.agent, fault.peer);
    }
    return QStringLiteral("a fault");
}

// An outage starts at the last acknowledgement before it, which comes just before the fault that
// interrupted service (the workload acknowledges every few milliseconds): a fault applied up to
// this long after that acknowledgement is what the writer ran into.
constexpr qint64 kFaultAfterLastAckMs = 250;

// The fault an outage is blamed on: the latest one applied before it began (within the slack).
// A slow link only slows writes down, it does not stop them (unless it is on the write path and
// very narrow), so it is blamed only when no other fault came before: a slow link that happens
// to start just after a crash must neither take the crash's blame nor shorten the time the
// trainee is measured by.
const AppliedFault *causeOf(const ScenarioRun &run, const ServiceOutage &outage)
{
    const AppliedFault *cause = nullptr;
    const AppliedFault *slowCause = nullptr;
    for (const AppliedFault &fault : run.faults) {
        if (fault.wallMs > outage.startWallMs + kFaultAfterLastAckMs)
            continue;
        const AppliedFault *&latest = fault.kind == FaultKind::Slow ? slowCause : cause;
        if (!latest || fault.wallMs >= latest->wallMs)
            latest = &fault;
    }
    return cause ? cause : slowCause;
}

ObjectiveResult restoreWithin(const ScenarioObjective &objective, const ScenarioRun &run)
{
    ObjectiveResult result{objective, true, 0, {}};
    if (run.outages.isEmpty()) {
        result.explanation = QStringLiteral("writes were acknowledged throughout");
        return result;
    }
    qint64 worst = -1;
    QString worstPhrase;
    for (const ServiceOutage &outage : run.outages) {
        const qint64 end = outage.endWallMs > 0 ? outage.endWallMs : run.endWallMs;
        const AppliedFault *cause = causeOf(run, outage);
        const qint64 from = cause ? cause->wallMs : outage.startWallMs;
        const qint64 restoredAfter = end - from;
        if (restoredAfter > worst) {
            worst = restoredAfter;
            worstPhrase = cause ? faultPhrase(*cause) : QStringLiteral("an outage no fault explains");
            if (outage.endWallMs == 0)
                worstPhrase += QStringLiteral(" (not restored by the end)");
        }
    }
    result.met = worst <= objective.withinMs;
    result.explanation = result.met ? QStringLiteral("writes were back %1 after %2 (limit %3)")
                                          .arg(seconds(worst), worstPhrase, seconds(objective.withinMs))
                                    : QStringLiteral("writes were stopped for %1 after %2 (limit %3)")
                                          .arg(seconds(worst), worstPhrase, seconds(objective.withinMs));
    return result;
}

ObjectiveResult noAckedWriteLost(const ScenarioObjective &objective, const ScenarioRun &run)
{
    ObjectiveResult result{objective, run.ackedWritesLost == 0, 0, {}};
    result.explanation
        = result.met
              ? QStringLiteral("all %1 acknowledged writes were there at the end").arg(run.ackedWrites)
              : QStringLiteral("%1 of %2 acknowledged writes were lost").arg(run.ackedWritesLost).arg(run.ackedWrites);
    return result;
}

ObjectiveResult noCorruptPromotion(const ScenarioObjective &objective, const ScenarioRun &run)
{
    ObjectiveResult result{objective, true, 0, {}};
    const auto corruptedBefore = [&](const QString &agent, qint64 wallMs) {
        return std::any_of(run.faults.begin(), run.faults.end(), [&](const AppliedFault &fault) {
            return fault.kind == FaultKind::Corrupt && fault.agent == agent && fault.wallMs <= wallMs;
        });
    };
    QString promotedCorrupt;
    for (const storage::Incident &incident : run.incidents) {
        if (!incident.newPrimary.isEmpty() && corruptedBefore(incident.newPrimary, incident.promotedMs))
            promotedCorrupt = incident.newPrimary;
    }
    for (const storage::JournalEntry &entry : run.journal) {
        if (entry.kind == QLatin1String("promotion") && entry.message.startsWith(QLatin1String("promoted "))
            && corruptedBefore(entry.agent, entry.wallMs))
            promotedCorrupt = entry.agent;
    }
    const bool anyCorrupted = std::any_of(run.faults.begin(), run.faults.end(), [](const AppliedFault &fault) {
        return fault.kind == FaultKind::Corrupt;
    });
    result.met = promotedCorrupt.isEmpty();
    result.explanation
        = !result.met    ? QStringLiteral("%1 was promoted although its state had been corrupted").arg(promotedCorrupt)
          : anyCorrupted ? QStringLiteral("the corrupted replica was never promoted")
                         : QStringLiteral("no replica was corrupted; none was promoted wrongly");
    return result;
}

ObjectiveResult movedBeforeCrash(const ScenarioObjective &objective, const ScenarioRun &run)
{
    ObjectiveResult result{objective, true, 0, {}};
    QStringList moved;
    for (const AppliedFault &crash : run.faults) {
        if (crash.kind != FaultKind::Crash)
            continue;
        const bool handedOver
            = std::any_of(run.journal.begin(), run.journal.end(), [&](const storage::JournalEntry &entry) {
                  return entry.kind == QLatin1String("switchover") && entry.wallMs <= crash.wallMs
                         && entry.details.value(QStringLiteral("former")).toString() == crash.agent;
              });
        const bool failedOver
            = std::any_of(run.incidents.begin(), run.incidents.end(), [&](const storage::Incident &incident) {
                  return incident.oldPrimary == crash.agent && incident.detectedMs >= crash.wallMs;
              });
        if (failedOver) {
            result.met = false;
            result.explanation = handedOver
                                     ? QStringLiteral("%1 still held a primary when it crashed, so a failover had to "
                                                      "take over")
                                           .arg(crash.agent)
                                     : QStringLiteral("%1 was still primary when it crashed: a switchover (or a swap "
                                                      "onto its shadow) before then avoids the failover")
                                           .arg(crash.agent);
            return result;
        }
        if (!handedOver) {
            result.met = false;
            result.explanation = QStringLiteral("nothing was moved off %1 before it crashed").arg(crash.agent);
            return result;
        }
        moved << crash.agent;
    }
    result.explanation = moved.isEmpty() ? QStringLiteral("no host crashed")
                                         : QStringLiteral("the primary was moved off %1 before the crash, with no "
                                                          "failover needed")
                                               .arg(moved.join(QStringLiteral(", ")));
    return result;
}

} // namespace

ScenarioScore scoreScenario(const Scenario &scenario, const ScenarioRun &run)
{
    ScenarioScore score;
    for (const ScenarioObjective &objective : scenario.objectives) {
        ObjectiveResult result;
        switch (objective.kind) {
        case ObjectiveKind::RestoreWithin:
            result = restoreWithin(objective, run);
            break;
        case ObjectiveKind::NoAckedWriteLost:
            result = noAckedWriteLost(objective, run);
            break;
        case ObjectiveKind::NoCorruptPromotion:
            result = noCorruptPromotion(objective, run);
            break;
        case ObjectiveKind::MovedBeforeCrash:
            result = movedBeforeCrash(objective, run);
            break;
        }
        result.points = result.met ? objective.points : 0;
        score.points += result.points;
        score.maxPoints += objective.points;
        (result.met ? score.wellDone : score.toImprove) << result.explanation;
        score.objectives.append(result);
    }

    for (const storage::JournalEntry &entry : run.journal) {
        if (entry.actor.isEmpty() || entry.actor == QLatin1String("engine"))
            continue;
        score.operatorActions << QStringLiteral("%1 in: %2").arg(seconds(entry.wallMs - run.startWallMs), entry.message);
        if (entry.message.contains(QLatin1String("(forced)")) && run.ackedWritesLost > 0)
            score.toImprove << QStringLiteral("a forced promotion gives up the writes only the lagging primary "
                                              "held; wait for a hot replica or switch over instead");
    }
    if (score.operatorActions.isEmpty() && score.points == score.maxPoints)
        score.wellDone << QStringLiteral("you let the automatic failover do its work and it sufficed");
    return score;
}

} // namespace foresight::sim
