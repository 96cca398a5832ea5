#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

// `foresightctl mirrors APP [--json]`: an application's client mirrors as its primary reports
// them, from a running console's console-status (docs/protocol.md 15.4; docs/mirrors.md).

// The command, for --help.
QString mirrorsCommandHelp();
// Runs `mirrors ARGS...` (args without the word "mirrors"); returns the exit code (exitcodes.h):
// 1 for an application the console does not have and for one whose primary reports no mirrors.
int runMirrorsCommand(const QCommandLineParser &parser, const QStringList &args);
