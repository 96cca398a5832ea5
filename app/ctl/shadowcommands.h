#pragma once

#include <QCborMap>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

// `foresightctl shadow ...`: an application's shadow through the console's control API
// (console-shadow, docs/protocol.md 15.18; the status from console-status, 15.4).

// The commands, for --help.
QString shadowCommandsHelp();
// Runs `shadow ARGS...` (args without the word "shadow"); returns the exit code (exitcodes.h).
int runShadowCommand(const QCommandLineParser &parser, const QStringList &args);
// console-status-reply as shadows: per application its criticality, primary and shadow.
QString formatShadowStatus(const QCborMap &status);
