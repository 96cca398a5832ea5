#pragma once

#include <QString>

#include "foresight/core/result.h"
#include "writeload.h"

namespace foresight::bench {

// How the Redis baseline names itself in report lines.
QString redisBaselineName();

// The acknowledged-write baseline: a Redis primary and one replica (redis-server from PATH, two
// child processes on free loopback ports, in a temporary directory, no persistence), and
// spec.writers threads, each with its own connection, doing SET key:<writer>:<i> <value> followed
// by WAIT 1 0; a write counts as acknowledged only when WAIT reports at least one replica.
// Redis has no CURVE: spec.curve is ignored (plaintext TCP).
// Errors: NotFound when redis-server is not in PATH or the program was built without hiredis;
// Network/Timeout when the servers do not start or the replica does not link up. The servers are
// stopped before this returns, on every path.
Result<LoadResult> runRedisWaitLoad(const LoadSpec &spec);

} // namespace foresight::bench
