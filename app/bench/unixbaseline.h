#pragma once

#include "foresight/core/result.h"
#include "writeload.h"

namespace foresight::bench {

// The floor of the SDK's local leg since it moved off ZeroMQ: one echo server thread on a Unix
// stream socket (epoll, as the agent's unix:// endpoint), and spec.writers client threads, each
// with its own blocking connection, writing a spec.valueBytes request and reading its echo, back
// to back. Every echo counts as acknowledged. No CURVE (spec.curve is ignored): a Unix socket
// never has it, so it is measured once per writer count.
Result<LoadResult> runUnixEchoLoad(const LoadSpec &spec);

} // namespace foresight::bench
