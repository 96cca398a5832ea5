#pragma once

#include <atomic>

#include <QString>

#include "demorunner.h"
#include "scenarioplay.h"

// `foresight --demo` with a display: the local demo cluster (four real agents on loopback), the
// engine deploying and watching it, the demo workload, and the console window on all of it. A
// Demo menu lets a trainee kill and restart agents and watch the failover. With screenshotPath:
// once the application is healthy and writes flow, the window is saved there as a PNG and the
// program exits (0, or 1 when the cluster did not get there within a minute). Needs a
// QApplication. Returns the exit code.
//
// With a scenario: the agents run on simulated hosts with fault injection, a Training panel shows
// the scenario, and it starts once the application is healthy, ticked on this (the cluster's)
// thread. Its end shows the score in the panel and prints it (and writes it as JSON to
// scoreJsonPath when not empty); closing the window earlier scores it as cut short. The window
// stays open after the score, for the trainee to read it. `stop` (Ctrl-C) closes the window.
int runWindowDemo(const DemoOptions &options,
                  const QString &screenshotPath,
                  const std::atomic<bool> &stop,
                  const ScenarioChoice *scenario = nullptr,
                  const QString &scoreJsonPath = QString());
