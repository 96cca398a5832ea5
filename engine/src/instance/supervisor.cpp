#include "foresight/instance/supervisor.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include <sys/wait.h>

#include <QCborArray>
#include <QLoggingCategory>

#include "instance/spawn.h"

Q_LOGGING_CATEGORY(lcInstance, "foresight.instance", QtInfoMsg)

namespace foresight::instance {

QString instanceRoleName(InstanceRole role)
{
    return role == InstanceRole::Active ? QStringLiteral("active") : QStringLiteral("passive");
}

QString instanceStateName(InstanceState state)
{
    switch (state) {
    case InstanceState::Stopped:
        return QStringLiteral("stopped");
    case InstanceState::Running:
        return QStringLiteral("running");
    case InstanceState::Stopping:
        return QStringLiteral("stopping");
    case InstanceState::Backoff:
        return QStringLiteral("backoff");
    case InstanceState::CrashLoop:
        return QStringLiteral("crash-loop");
    }
    return QStringLiteral("stopped");
}

QString healthName(Health health)
{
    switch (health) {
    case Health::None:
        return QStringLiteral("none");
    case Health::Unknown:
        return QStringLiteral("unknown");
    case Health::Healthy:
        return QStringLiteral("healthy");
    case Health::Unhealthy:
        return QStringLiteral("unhealthy");
    }
    return QStringLiteral("none");
}

QString ExitInfo::describe() const
{
    if (!error.isEmpty())
        return QStringLiteral("could not start: %1").arg(error);
    if (signal > 0) {
        const char *name = sigabbrev_np(signal);
        return name ? QStringLiteral("signal %1 (SIG%2)").arg(signal).arg(QLatin1String(name))
                    : QStringLiteral("signal %1").arg(signal);
    }
    return QStringLiteral("exit %1").arg(code);
}

QCborMap InstanceStatus::toCbor() const
{
    QCborMap map;
    map.insert(QStringLiteral("state"), instanceStateName(state));
    map.insert(QStringLiteral("role"), instanceRoleName(role));
    map.insert(QStringLiteral("command"), command);
    map.insert(QStringLiteral("restarts"), restarts);
    if (pid > 0) {
        map.insert(QStringLiteral("pid"), qint64(pid));
        map.insert(QStringLiteral("up-ms"), qint64(upMs));
    }
    if (nextRestartInMs >= 0)
        map.insert(QStringLiteral("next-restart-ms"), qint64(nextRestartInMs));
    if (lastExit) {
        QCborMap exit;
        if (!lastExit->error.isEmpty())
            exit.insert(QStringLiteral("error"), lastExit->error);
        if (lastExit->signal > 0)
            exit.insert(QStringLiteral("signal"), lastExit->signal);
        else
            exit.insert(QStringLiteral("code"), lastExit->code);
        exit.insert(QStringLiteral("ran-ms"), qint64(lastExit->ranMs));
        exit.insert(QStringLiteral("wall-ms"), qint64(lastExit->atWallMs));
        exit.insert(QStringLiteral("requested"), lastExit->requested);
        exit.insert(QStringLiteral("text"), lastExit->describe());
        map.insert(QStringLiteral("last-exit"), exit);
    }
    map.insert(QStringLiteral("health"), healthName(health));
    if (!healthNote.isEmpty())
        map.insert(QStringLiteral("health-note"), healthNote);
    if (!error.isEmpty())
        map.insert(QStringLiteral("error"), error);
    return map;
}

namespace {

// Waits for a child already sent SIGKILL: it is gone within moments.
void reapBlocking(std::int64_t pid)
{
    int status = 0;
    while (::waitpid(pid_t(pid), &status, 0) < 0 && errno == EINTR) {
    }
}

QString exitText(int waitStatus)
{
    if (WIFSIGNALED(waitStatus))
        return ExitInfo{-1, WTERMSIG(waitStatus), {}, 0, 0, false}.describe();
    return QStringLiteral("exit %1").arg(WEXITSTATUS(waitStatus));
}

} // namespace

Supervisor::Supervisor(QString label, Clock &clock)
    : m_label(std::move(label))
    , m_clock(clock)
{}

Supervisor::~Supervisor()
{
    endHealthCheck(true);
    if (m_child.pid > 0) {
        signalGroup(m_child.pid, SIGKILL);
        reapBlocking(m_child.pid);
    }
}

void Supervisor::run(const ProcessSpec &spec, InstanceRole role, const Environment &environment)
{
    Desired desired{spec, role, environment};
    if (m_want && *m_want == desired)
        return;
    // Something else is asked for: a crash loop of the old one says nothing about it.
    m_want = desired;
    m_crashes.clear();
    m_error.clear();
    if (m_child.pid > 0) {
        if (m_running != desired)
            signalStop(); // restarted as asked once it has gone (onExit)
        return;
    }
    start();
}

void Supervisor::stop()
{
    m_want.reset();
    if (m_child.pid > 0) {
        signalStop();
        return;
    }
    m_state = InstanceState::Stopped;
    m_running.reset();
    m_error.clear();
}

void Supervisor::start()
{
    const Desired desired = *m_want;
    SpawnRequest request;
    request.program = desired.spec.command;
    request.arguments = desired.spec.arguments;
    request.workingDirectory = desired.spec.workingDirectory;
    request.variables = desired.spec.environment + desired.environment;
    m_running = desired;
    m_termSentMs = -1;
    m_killSent = false;
    m_health = desired.spec.healthCommand.isEmpty() ? Health::None : Health::Unknown;
    m_healthNote.clear();
    auto pid = spawnProcess(request);
    if (!pid) {
        // A process that cannot start is a crash that happened at once: the same back-off,
        // and the same end when it keeps failing (a missing binary is not retried forever).
        qCWarning(lcInstance).noquote() << m_label << "cannot start:" << pid.error().message;
        ExitInfo exit;
        exit.code = 127;
        exit.error = pid.error().message;
        exit.atWallMs = m_clock.wallMs();
        m_lastExit = exit;
        crashed();
        return;
    }
    m_child = Child{*pid, m_clock.monotonicMs()};
    m_state = InstanceState::Running;
    m_nextCheckMs = m_child.startedMs + desired.spec.healthIntervalMs;
    qCInfo(lcInstance).noquote() << m_label << "started" << instanceRoleName(desired.role) << "pid" << *pid;
}

void Supervisor::signalStop()
{
    endHealthCheck(true);
    if (m_termSentMs < 0) {
        signalGroup(m_child.pid, SIGTERM);
        m_termSentMs = m_clock.monotonicMs();
        qCInfo(lcInstance).noquote() << m_label << "SIGTERM to pid" << m_child.pid;
    }
    m_state = InstanceState::Stopping;
}

void Supervisor::tick()
{
    reap();
    const std::int64_t now = m_clock.monotonicMs();
    if (m_child.pid > 0 && m_termSentMs >= 0 && !m_killSent && m_running
        && now - m_termSentMs >= m_running->spec.stopTimeoutMs) {
        qCWarning(lcInstance).noquote() << m_label << "pid" << m_child.pid << "still runs"
                                        << m_running->spec.stopTimeoutMs << "ms after SIGTERM: SIGKILL";
        signalGroup(m_child.pid, SIGKILL);
        m_killSent = true;
    }
    if (m_child.pid == 0 && m_state == InstanceState::Backoff && m_want && now >= m_restartAtMs)
        start();
    healthTick();
}

void Supervisor::reap()
{
    if (m_child.pid <= 0)
        return;
    int status = 0;
    const pid_t done = ::waitpid(pid_t(m_child.pid), &status, WNOHANG);
    if (done == pid_t(m_child.pid))
        onExit(status);
    else if (done < 0 && errno == ECHILD)
        onExit(0xff00); // reaped elsewhere: its status is lost; report exit 255
}

void Supervisor::onExit(int waitStatus)
{
    ExitInfo exit;
    if (WIFSIGNALED(waitStatus)) {
        exit.signal = WTERMSIG(waitStatus);
    } else {
        exit.code = WEXITSTATUS(waitStatus);
    }
    exit.ranMs = m_clock.monotonicMs() - m_child.startedMs;
    exit.atWallMs = m_clock.wallMs();
    exit.requested = m_termSentMs >= 0;
    m_lastExit = exit;
    qCInfo(lcInstance).noquote() << m_label << "pid" << m_child.pid << "ended:" << exitText(waitStatus)
                                 << (exit.requested ? "(asked to stop)" : "");
    m_child = {};
    m_termSentMs = -1;
    m_killSent = false;
    endHealthCheck(true);
    m_health = Health::None;
    m_healthNote.clear();
    if (exit.requested || !m_want) {
        if (m_want) {
            start(); // a role or spec change: the new one starts at once
        } else {
            m_state = InstanceState::Stopped;
            m_running.reset();
        }
        return;
    }
    crashed();
}

void Supervisor::crashed()
{
    const ProcessSpec &spec = m_running ? m_running->spec : m_want->spec;
    const std::int64_t now = m_clock.monotonicMs();
    m_crashes.push_back(now);
    while (!m_crashes.empty() && m_crashes.front() <= now - spec.crashLoopWindowMs)
        m_crashes.pop_front();
    if (int(m_crashes.size()) > spec.crashLoopRestarts) {
        m_state = InstanceState::CrashLoop;
        m_error = QStringLiteral("crash loop: %1 crashes within %2 ms (last: %3); restarts stopped: fix the "
                                 "application, then assign it again (or restart the agent)")
                      .arg(m_crashes.size())
                      .arg(spec.crashLoopWindowMs)
                      .arg(m_lastExit ? m_lastExit->describe() : QString());
        qCWarning(lcInstance).noquote() << m_label << m_error;
        return;
    }
    ++m_restarts;
    std::int64_t delay = spec.restartDelayMs;
    for (std::size_t i = 1; i < m_crashes.size() && delay < spec.restartDelayMaxMs; ++i)
        delay *= 2;
    delay = qMin<std::int64_t>(delay, spec.restartDelayMaxMs);
    m_restartAtMs = now + delay;
    m_state = InstanceState::Backoff;
    qCInfo(lcInstance).noquote() << m_label << "restart" << m_restarts << "in" << delay << "ms";
}

void Supervisor::healthTick()
{
    if (m_child.pid <= 0 || m_state != InstanceState::Running || !m_running || m_running->spec.healthCommand.isEmpty()) {
        return;
    }
    const ProcessSpec &spec = m_running->spec;
    const std::int64_t now = m_clock.monotonicMs();
    if (m_check.pid > 0) {
        int status = 0;
        const pid_t done = ::waitpid(pid_t(m_check.pid), &status, WNOHANG);
        if (done == pid_t(m_check.pid) || (done < 0 && errno == ECHILD)) {
            m_check = {};
            const bool ok = done > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
            m_health = ok ? Health::Healthy : Health::Unhealthy;
            m_healthNote = ok ? QString() : QStringLiteral("health check: %1").arg(exitText(status));
            m_nextCheckMs = now + spec.healthIntervalMs;
        } else if (now - m_check.startedMs >= spec.healthTimeoutMs) {
            endHealthCheck(true);
            m_health = Health::Unhealthy;
            m_healthNote = QStringLiteral("health check did not finish within %1 ms").arg(spec.healthTimeoutMs);
            m_nextCheckMs = now + spec.healthIntervalMs;
        }
        return;
    }
    if (now < m_nextCheckMs)
        return;
    SpawnRequest request;
    request.program = spec.healthCommand.constFirst();
    request.arguments = spec.healthCommand.mid(1);
    request.workingDirectory = spec.workingDirectory;
    request.variables = spec.environment + m_running->environment;
    request.quietStdout = true;
    auto pid = spawnProcess(request);
    if (!pid) {
        m_health = Health::Unhealthy;
        m_healthNote = QStringLiteral("health check could not start: %1").arg(pid.error().message);
        m_nextCheckMs = now + spec.healthIntervalMs;
        return;
    }
    m_check = Child{*pid, now};
}

void Supervisor::endHealthCheck(bool kill)
{
    if (m_check.pid <= 0)
        return;
    if (kill)
        signalGroup(m_check.pid, SIGKILL);
    reapBlocking(m_check.pid);
    m_check = {};
}

void Supervisor::stopAndWait()
{
    stop();
    if (m_child.pid <= 0)
        return;
    const int timeoutMs = m_running ? m_running->spec.stopTimeoutMs : 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (m_child.pid > 0 && std::chrono::steady_clock::now() < deadline) {
        reap();
        if (m_child.pid > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (m_child.pid > 0) {
        signalGroup(m_child.pid, SIGKILL);
        m_killSent = true;
        int status = 0;
        const std::int64_t pid = m_child.pid;
        while (::waitpid(pid_t(pid), &status, 0) < 0 && errno == EINTR) {
        }
        onExit(status);
    }
}

InstanceStatus Supervisor::status() const
{
    InstanceStatus status;
    status.state = m_state;
    const std::optional<Desired> &shown = m_running ? m_running : m_want;
    if (shown) {
        status.role = shown->role;
        status.command = shown->spec.command;
    }
    status.pid = m_child.pid;
    status.restarts = m_restarts;
    if (m_child.pid > 0)
        status.upMs = m_clock.monotonicMs() - m_child.startedMs;
    if (m_state == InstanceState::Backoff)
        status.nextRestartInMs = qMax<std::int64_t>(0, m_restartAtMs - m_clock.monotonicMs());
    status.lastExit = m_lastExit;
    status.health = m_state == InstanceState::Running ? m_health : Health::None;
    if (m_state == InstanceState::Running)
        status.healthNote = m_healthNote;
    status.error = m_error;
    return status;
}

bool Supervisor::idle() const
{
    return !m_want && m_child.pid <= 0;
}

} // namespace foresight::instance
