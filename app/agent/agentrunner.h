#pragma once

#include "foresight/agent/agentoptions.h"

// Runs the agent with finalized options until SIGINT or SIGTERM: prints the one JSON "ready" line
// on stdout once it listens. Returns the process exit code (2 after saying on stderr why the agent
// could not start or stopped on an error).
int runAgent(const foresight::agent::AgentOptions &options);
