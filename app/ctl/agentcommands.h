#pragma once

#include <QCommandLineParser>
#include <QStringList>

// foresightctl's commands for one agent (its control API, docs/protocol.md) and keygen, with the
// options described by ctlcommandline.h. Both return the exit code (exitcodes.h).

// `keygen --out FILE`: writes a CURVE key pair, FILE (secret, mode 0600) and FILE.pub.
int runKeygen(const QCommandLineParser &parser);

// `status`, `assign`, `promote` or `snapshot` (args.first()) with its arguments, sent to the agent
// named by --agent (or FORESIGHT_AGENT); prints the reply for people, or as JSON with --json.
int runAgentCommand(const QCommandLineParser &parser, const QStringList &args);
