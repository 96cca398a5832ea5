#pragma once

#include <QStringList>

#include "foresight/agent/agentoptions.h"
#include "foresight/core/result.h"

// foresight-agent's command line: the configuration file (--config) with the flags over it,
// finalized. --help, --version and an unknown option print and exit the process, as
// QCommandLineParser does; anything else wrong is an InvalidArgument whose message main() prints
// after "foresight-agent: " before exiting with 2.
foresight::Result<foresight::agent::AgentOptions> parseAgentCommandLine(const QStringList &arguments);
