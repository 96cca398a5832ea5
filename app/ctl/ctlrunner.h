#pragma once

#include <QCommandLineParser>

// Runs the command a processed foresightctl command line names (ctlcommandline.h): keygen and the
// agent's commands (agentcommands.h), or the cluster and report commands (clustercommands.h).
// Returns the exit code (exitcodes.h).
int runCtl(const QCommandLineParser &parser);
