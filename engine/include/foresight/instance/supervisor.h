#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include <QCborMap>
#include <QList>
#include <QPair>
#include <QString>

#include "foresight/core/clock.h"
#include "foresight/vocabulary/processspec.h"

// Managed applications (docs/managed-apps.md): an agent runs an application's process, active
// where it is primary, passive where it holds a shadow, and supervises it.
namespace foresight::instance {

enum class InstanceRole { Active, Passive };
QString instanceRoleName(InstanceRole role); // "active", "passive"

enum class InstanceState {
    Stopped,   // nothing runs and nothing is wanted
    Running,   // the process runs
    Stopping,  // SIGTERM sent (SIGKILL follows after the stop timeout); a restart may follow
    Backoff,   // it exited unasked; restarted when the back-off delay has passed
    CrashLoop, // it crashed too often within the window: reported, not restarted
};
QString instanceStateName(InstanceState state); // "stopped", "running", "stopping", "backoff", "crash-loop"

enum class Health { None, Unknown, Healthy, Unhealthy };
QString healthName(Health health); // "none" (no health command), "unknown", "healthy", "unhealthy"

struct ExitInfo
{
    int code = -1;             // the exit status, or -1 when a signal ended it
    int signal = 0;            // the signal that ended it, 0 if it exited
    QString error;             // it could not be started, and why (code is then 127)
    std::int64_t ranMs = 0;    // how long it ran, on the supervisor's clock
    std::int64_t atWallMs = 0; // when it ended
    bool requested = false;    // ended after the supervisor asked it to stop
    // "exit 3", "signal 9 (SIGKILL)", "could not start: ..."
    QString describe() const;
};

struct InstanceStatus
{
    InstanceState state = InstanceState::Stopped;
    InstanceRole role = InstanceRole::Active;
    QString command;
    std::int64_t pid = 0;              // the running process (its process group too), 0 if none
    int restarts = 0;                  // restarts after unasked exits, since this supervisor began
    std::int64_t upMs = 0;             // since the running process started
    std::int64_t nextRestartInMs = -1; // Backoff: how long until the restart
    std::optional<ExitInfo> lastExit;
    Health health = Health::None;
    QString healthNote; // why the last check failed
    QString error;      // CrashLoop: what happened and what to do

    // The `instance` map of an application's status (docs/protocol.md 9.2).
    QCborMap toCbor() const;
};

// Runs one process and keeps it running. Not a QObject and no signals: it lives on the agent's
// thread, whose zmq_poll loop calls tick() every round, and learns of exits with
// waitpid(pid, WNOHANG) on its own children only (never waitpid(-1): several agents, each with
// its supervisors, may share a process). Not thread-safe: one thread calls everything.
//
// The child runs in a process group of its own (so a stop reaches what it started), with stdin
// from /dev/null, the agent's stdout and stderr, the agent's environment plus the spec's and the
// caller's variables, and dies with the thread that started it (PR_SET_PDEATHSIG).
// Time (back-off, stop timeout, health interval) is read from the Clock, so tests drive it.
//
// Restart policy: an exit that was not asked for is a crash (exit 0 included: the process should
// run until stopped). Crash n within crashLoopWindowMs waits restartDelayMs * 2^(n-1), at most
// restartDelayMaxMs; more than crashLoopRestarts crashes within the window make a crash loop:
// restarts stop until run() is called with another spec, role or environment.
class Supervisor final
{
public:
    using Environment = QList<QPair<QString, QString>>;

    Supervisor(QString label, Clock &clock);
    // Kills (SIGKILL) and reaps whatever still runs; stopAndWait() first for a clean stop.
    ~Supervisor();
    Supervisor(const Supervisor &) = delete;
    Supervisor &operator=(const Supervisor &) = delete;

    // What should run. Starts it now, unless it already runs; a running process started with
    // another spec, role or environment is stopped (SIGTERM, then SIGKILL) and started again as
    // asked. The same request again changes nothing (a crash loop stays one).
    void run(const ProcessSpec &spec, InstanceRole role, const Environment &environment);
    // Nothing should run: SIGTERM now, SIGKILL after the spec's stop timeout.
    void stop();
    // Reaps, escalates, restarts and health-checks. Call every loop round.
    void tick();
    // Stops, then waits in real time (polling every 10 ms) until the process has gone, at most
    // the stop timeout before SIGKILL: for shutdown, when no loop will tick any more.
    void stopAndWait();

    InstanceStatus status() const;
    // Stopped with nothing wanted: may be destroyed.
    bool idle() const;
    bool wanted() const { return m_want.has_value(); }
    // The process runs, started with exactly what run() asked for last (not an older spec still
    // stopping): what a validation of an update must run against.
    bool runsAsWanted() const { return m_state == InstanceState::Running && m_want && m_running == m_want; }

private:
    struct Desired
    {
        ProcessSpec spec;
        InstanceRole role = InstanceRole::Active;
        Environment environment;
        bool operator==(const Desired &) const = default;
    };
    struct Child
    {
        std::int64_t pid = 0;
        std::int64_t startedMs = 0;
    };

    void start();
    void signalStop();
    void reap();
    void onExit(int waitStatus);
    void crashed();
    void healthTick();
    void endHealthCheck(bool kill);

    QString m_label;
    Clock &m_clock;
    std::optional<Desired> m_want;
    std::optional<Desired> m_running; // what the running child was started with
    Child m_child;
    InstanceState m_state = InstanceState::Stopped;
    std::int64_t m_termSentMs = -1; // when SIGTERM went out; -1: not stopping
    bool m_killSent = false;
    std::int64_t m_restartAtMs = 0;
    std::deque<std::int64_t> m_crashes; // within the window
    int m_restarts = 0;
    std::optional<ExitInfo> m_lastExit;
    QString m_error;
    // health
    Health m_health = Health::None;
    QString m_healthNote;
    Child m_check;
    std::int64_t m_nextCheckMs = 0;
};

} // namespace foresight::instance
