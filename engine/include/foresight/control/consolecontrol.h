#pragma once

#include <functional>
#include <future>
#include <memory>

#include <QString>

#include "foresight/core/result.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/transport/keys.h"

namespace foresight::control {

// The console's control endpoint when none is given: ipc://$XDG_RUNTIME_DIR/foresight-console.sock,
// or ipc:///tmp/foresight-console-<uid>.sock when XDG_RUNTIME_DIR is unset. foresightctl uses the
// same default, so on one host and one user they find each other without options.
QString defaultConsoleControlUrl();

// A fault for a demo's simulated cluster (console-fault, docs/protocol.md 15.15) as it arrived:
// the server has checked the fields' kinds; what they mean is the handler's to check.
struct FaultRequest
{
    QString fault;    // crash, freeze, degrade, partition, corrupt, repair, restart, heal
    QString target;   // an agent or a role (primary, hot-replica, ...); heal: may be empty (all)
    QString peer;     // partition, heal: the other side
    QString how;      // degrade: memory-leak, disk-errors, latency-creep, cpu-saturation
    qint64 forMs = 0; // freeze, degrade, partition: how long; 0: the handler's default
    QString actor;
};

// Applies a fault on the thread that owns the simulated cluster; the future carries what was done
// (or why nothing was) as for any operator command.
using FaultHandler = std::function<std::future<Result<failover::OperatorOutcome>>(const FaultRequest &)>;

struct ConsoleControlOptions
{
    // ipc://PATH: reachable by the console's own user only (the socket file is given mode 0600
    // right after the bind, and libzmq's IPC_FILTER_UID admits peers of this uid only); every
    // request runs as the actor "local:<the console's uid>".
    // tcp://HOST:PORT (PORT may be * or 0): CURVE with `keys`, clients authenticated by
    // `allowlist` (ZAP); only entries with the role admin may send commands, and the entry's
    // name is the actor. Plain TCP is not offered.
    QString url;
    transport::KeyPair keys;        // tcp: the console's key pair
    transport::Allowlist allowlist; // tcp: who may connect
    // The console store the engine writes: journal and incidents are read from it, and the
    // commands the engine does not journal itself (dry runs, refusals) are audited into it.
    QString storePath;
    // Requests larger than this (all frames) are refused with invalid-argument; frames larger than
    // 16 times this make libzmq drop the connection without an answer.
    qsizetype maxRequestBytes = 64 * 1024;
    // Commands waiting for the engine (a switchover can take seconds); more are refused.
    int maxPending = 64;
    // Set by a demo on a simulated cluster: console-fault requests go here. Empty (a console on a
    // real cluster): they are refused, and the refusal is journaled.
    FaultHandler faults;
};

// The console's control API (docs/protocol.md section 15): a ZeroMQ ROUTER socket on its own
// thread that answers console-* requests from foresightctl and scripts by calling the engine's
// thread-safe API. Commands that take long (a switchover) do not hold up other requests: their
// futures are kept and answered when ready. Every received message is validated; bad input gets
// an `error` reply, never a crash.
//
// The engine must outlive the server. Destroying the server stops its thread, closes the socket
// and removes the ipc socket file; replies to commands still in progress are not sent (the engine
// still carries them out).
class ConsoleControlServer final
{
public:
    // Binds and starts answering. Errors: InvalidArgument (an endpoint that is neither ipc:// nor
    // tcp://, tcp:// without a valid key pair), Network (cannot bind; another console already
    // listens on the ipc path), IoError/Corruption (the console store cannot be opened).
    static Result<std::unique_ptr<ConsoleControlServer>> start(failover::ClusterEngine &engine,
                                                               ConsoleControlOptions options);
    ~ConsoleControlServer();
    ConsoleControlServer(const ConsoleControlServer &) = delete;
    ConsoleControlServer &operator=(const ConsoleControlServer &) = delete;

    // The bound endpoint, tcp ports resolved (what clients connect to).
    QString endpoint() const;
    // The actor of requests on an ipc:// endpoint: "local:<uid>".
    static QString localActor();

    class Impl;

private:
    explicit ConsoleControlServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::control
