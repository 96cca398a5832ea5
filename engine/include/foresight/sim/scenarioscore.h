#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/sim/scenario.h"
#include "foresight/storage/consolestore.h"

namespace foresight::sim {

// A fault as it was applied: when, and to which agent its target resolved then.
struct AppliedFault
{
    qint64 wallMs = 0;
    FaultKind kind = FaultKind::Crash;
    QString agent;
    QString peer; // partition
    int line = 0; // the scenario line it came from
};

// A stretch of time in which the scenario's application acknowledged no write, as its workload
// saw it. endWallMs 0: service had not come back when the scenario ended.
struct ServiceOutage
{
    qint64 startWallMs = 0;
    qint64 endWallMs = 0;
};

// What happened during one run of a scenario: everything the score is computed from.
struct ScenarioRun
{
    qint64 startWallMs = 0;
    qint64 endWallMs = 0;
    QList<AppliedFault> faults;
    QList<ServiceOutage> outages;
    qint64 ackedWrites = 0;               // acknowledged to the workload during the run
    qint64 ackedWritesLost = 0;           // of those, missing or different when read back at the end
    QList<storage::Incident> incidents;   // the engine's incidents during the run
    QList<storage::JournalEntry> journal; // the engine's journal during the run (operators' actions carry their actor)
};

struct ObjectiveResult
{
    ScenarioObjective objective;
    bool met = false;
    int points = 0;      // earned: all of the objective's points, or none
    QString explanation; // one sentence, for the trainee
};

struct ScenarioScore
{
    int points = 0;
    int maxPoints = 0; // 100
    QList<ObjectiveResult> objectives;
    QStringList wellDone;        // what the trainee did well
    QStringList toImprove;       // what went badly, and what to do instead
    QStringList operatorActions; // the trainee's commands, in order, with their time into the scenario
};

// Scores a run against the scenario's objectives:
//   restore-within T    every outage ends within T of the latest fault at or before its start
//                       (an outage starts at its last acknowledgement, so a fault up to 250 ms
//                       after that counts as before it)
//                       (an outage still open at the end counts as lasting until the end)
//   no-acked-write-lost run.ackedWritesLost is 0 (the workload's read-back is the evidence)
//   no-corrupt-promotion no agent is promoted (incident or promotion journal entry) after a
//                       corrupt fault hit it
//   moved-before-crash  every agent a crash fault hit had handed the primary over before it: a
//                       completed switchover or shadow swap away from it (a `switchover` journal
//                       entry whose details name it `former`) and no incident with it as the old
//                       primary at or after the crash
// Pure: the same run always gets the same score.
ScenarioScore scoreScenario(const Scenario &scenario, const ScenarioRun &run);

} // namespace foresight::sim
