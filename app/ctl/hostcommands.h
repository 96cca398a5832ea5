#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

// `foresightctl host ...`: operator input about hosts through the console's control API
// (console-host-risk, docs/protocol.md 15.19), and their inventories as the console mirrors them
// (console-status, 15.4).

// The commands, for --help.
QString hostCommandsHelp();
// Runs `host ARGS...` (args without the word "host"); returns the exit code (exitcodes.h).
int runHostCommand(const QCommandLineParser &parser, const QStringList &args);
