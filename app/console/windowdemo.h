#pragma once

#include <QString>

#include "demorunner.h"

// `foresight --demo` with a display: the local demo cluster (four real agents on loopback), the
// engine deploying and watching it, the demo workload, and the console window on all of it. A
// Demo menu lets a trainee kill and restart agents and watch the failover. With screenshotPath:
// once the application is healthy and writes flow, the window is saved there as a PNG and the
// program exits (0, or 1 when the cluster did not get there within a minute). Needs a
// QApplication. Returns the exit code.
int runWindowDemo(const DemoOptions &options, const QString &screenshotPath);
