#pragma once

#include <atomic>

#include <QString>

#include "demorunner.h"
#include "scenarioplay.h"

// `foresight --demo --scenario` without a window: the demo cluster (its agents on simulated hosts,
// with fault injection), the engine deploying, watching and failing it over, and the scenario
// played on it from the moment the application is healthy. The terminal view shows the engine's
// snapshot with the scenario's time and events; the scenario's duration ends the run, or `stop`
// (Ctrl-C) cuts it short. Then the score goes to stdout (and as JSON to scoreJsonPath when not
// empty). Returns the exit code: 0 once scored (whatever the score), 1 when the cluster, the
// engine or the scenario could not start.
int runHeadlessScenario(const DemoOptions &options,
                        const ScenarioChoice &choice,
                        const QString &scoreJsonPath,
                        const std::atomic<bool> &stop);

// Writes the score as one line of JSON to path; false (after saying why on stderr) when it cannot.
bool writeScoreJson(const QString &path, const QJsonObject &score);
