#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

// `foresightctl cluster ...`: the console's control API (docs/protocol.md section 15) and the
// console store's configuration.

// The commands, options and exit codes, for --help.
QString clusterCommandsHelp();
// Registers the options only the cluster commands use (--console, --console-key, --force, ...).
void addClusterOptions(QCommandLineParser &parser);
// Runs `cluster ARGS...` (args without the word "cluster"); returns the exit code (exitcodes.h).
int runClusterCommand(const QCommandLineParser &parser, const QStringList &args);
