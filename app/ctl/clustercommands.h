#pragma once

#include <memory>

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

// `foresightctl cluster ...` and `report export`: the console's control API (docs/protocol.md
// section 15) and the console store's configuration.

#include "foresight/control/consoleclient.h"
#include "foresight/core/result.h"

// The commands, options and exit codes, for --help.
QString clusterCommandsHelp();
// Registers the options only the cluster commands use (--console, --console-key, --force, ...).
void addClusterOptions(QCommandLineParser &parser);
// Runs `cluster ARGS...` (args without the word "cluster"); returns the exit code (exitcodes.h).
int runClusterCommand(const QCommandLineParser &parser, const QStringList &args);
// Runs `report export INCIDENT` (args without the word "report"): the console's report of an
// incident, written as PDF, HTML or JSON. PDF needs the QGuiApplication main() makes for it.
int runReportCommand(const QCommandLineParser &parser, const QStringList &args);
// A client of the console that --console (or FORESIGHT_CONSOLE, or the default) names, with
// --console-key and --key for tcp://. On failure the error has been printed and *exitCode set.
foresight::Result<std::unique_ptr<foresight::control::ConsoleClient>> connectToConsole(const QCommandLineParser &parser,
                                                                                       int *exitCode);
