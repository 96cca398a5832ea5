#pragma once

#include <QString>

#include "failoverload.h"
#include "foresight/core/result.h"

namespace foresight::bench {

// How the Sentinel baseline names itself in report lines.
QString sentinelBaselineName();

// The Redis Sentinel side of `foresight-bench failover`: redis-server as a master and one replica
// (free loopback ports, a temporary directory, no persistence, diskless sync) watched by three
// redis-sentinel processes (quorum 2, failover-timeout 1000 ms, parallel-syncs 1). One writer
// at spec.writesPerSecond sends SET k v and WAIT 1 1000, pipelined; a write is durable when WAIT
// reports a replica. After an error it asks the sentinels (in turn, every 10 ms) for the master
// with SENTINEL GET-MASTER-ADDR-BY-NAME, as Sentinel clients do.
//
// First the calibration: under that load and without a kill, down-after-milliseconds steps up a
// ladder (50, 100, 200, 500, 1000, 2000, 5000 ms), spec.calibrationMs each, until a step sees no
// objectively-down master and no failover; that step is kept (FailoverOutcome::setup names it).
// Then each round, after spec.settleMs of steady durable writes, kill -9s the master and times the first write the new master accepts (SET
// answered OK; with one replica, the new master has none to WAIT for until the old one is back,
// so this is a weaker acknowledgement than Foresight's, in Sentinel's favour), restarts the
// killed instance empty as a replica of the new master (--replicaof) and waits until it is in
// sync and every sentinel sees the pair healthy again. At the end every durable write is read
// back from the master.
// Errors: NotFound when redis-server or redis-sentinel is not installed or the program was built
// without hiredis; Network/Timeout when the setup does not come up. Rounds that go wrong stop the
// rounds (FailoverOutcome::stopped). Every child process is stopped before this returns.
Result<FailoverOutcome> runSentinelFailover(const FailoverSpec &spec);

} // namespace foresight::bench
