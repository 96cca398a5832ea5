#pragma once

#include <QCommandLineParser>

// foresightctl's command line. The commands read their options from the parser by name (the
// cluster commands' options are registered by clustercommands.h), so the parsed command line is
// the parser itself.

// Describes every command and option to `parser`, for --help and for parsing.
void describeCtlCommandLine(QCommandLineParser &parser);

// Whether the command line runs `report export`, which draws PDFs: that takes fonts, which take a
// QGuiApplication instead of a QCoreApplication. Read from argv, before the application exists.
bool drawsReports(int argc, char *argv[]);
