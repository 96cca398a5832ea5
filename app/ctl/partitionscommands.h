#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

// `foresightctl partitions APP [--json]`: an application's staleness partitions as its primary
// reports them, from a running console's console-status (docs/protocol.md 15.4).

// The command, for --help.
QString partitionsCommandHelp();
// Runs `partitions ARGS...` (args without the word "partitions"); returns the exit code
// (exitcodes.h): 1 for an application the console does not have and for one whose primary has
// reported no partitions yet.
int runPartitionsCommand(const QCommandLineParser &parser, const QStringList &args);
