#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/sim/scenario.h"
#include "foresight/sim/scenarioscore.h"

// `foresight --demo --scenario`: finding a scenario, checking that the demo cluster can play it,
// and telling the trainee how it went. Shared by the terminal and the window demo.

// The scenarios shipped in resources/scenarios, embedded in the program under :/scenarios, by
// file name without ".scenario" ("01-primary-crash", ...), easiest first.
QStringList shippedScenarios();

struct ScenarioChoice
{
    foresight::sim::Scenario scenario;
    QString source; // the file it came from, or the shipped scenario's file name
};

// nameOrPath: an existing file, else a shipped scenario by its name ("01-primary-crash"), its file
// name, its name without the number ("primary-crash") or its number ("01"). Also checks, before
// anything starts, what the demo cluster cannot play: another application than the demo's, a
// target that is neither a demo agent nor a role.
// Errors name the file and line ("x.scenario:7: unknown fault 'crsh' ...").
foresight::Result<ScenarioChoice> loadScenario(const QString &nameOrPath,
                                               const QString &demoApp,
                                               const QStringList &demoAgents);

// The terminal view's scenario block: its name, elapsed and total time, the objectives and the
// events so far (ScenarioRunner::events()).
QString renderScenarioProgress(const foresight::sim::Scenario &scenario, qint64 elapsedMs, const QStringList &events);

// The final report: points, each objective met or failed and why, what went well and badly, the
// trainee's commands. playedMs < the scenario's duration: it was cut short, and says so.
QString renderScenarioScore(const foresight::sim::Scenario &scenario,
                            const foresight::sim::ScenarioScore &score,
                            qint64 playedMs,
                            const QStringList &events);

// The same as one JSON object (one line with QJsonDocument::Compact), for scripts:
// {"scenario","source","complete","played_ms","duration_ms","points","max_points",
//  "objectives":[{"objective","line","met","points","max_points","explanation"}],
//  "well_done":[], "to_improve":[], "operator_actions":[], "events":[]}
QJsonObject scenarioScoreJson(const ScenarioChoice &choice,
                              const foresight::sim::ScenarioScore &score,
                              qint64 playedMs,
                              const QStringList &events);

// "restore-within 10s", "no-acked-write-lost", ...
QString objectiveText(const foresight::sim::ScenarioObjective &objective);
