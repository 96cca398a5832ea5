#include "foresight/instance/validation.h"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "instance/spawn.h"

namespace foresight::instance {

namespace {
constexpr int kReadsPerTick = 64; // 256 KiB a round at most: a chatty command cannot stall the loop
}

QString ValidationResult::describe() const
{
    if (!error.isEmpty())
        return QStringLiteral("could not start: %1").arg(error);
    if (timedOut)
        return QStringLiteral("timed out after %1 ms (killed)").arg(ranMs);
    if (signal > 0) {
        const char *name = sigabbrev_np(signal);
        return name ? QStringLiteral("signal %1 (SIG%2)").arg(signal).arg(QLatin1String(name))
                    : QStringLiteral("signal %1").arg(signal);
    }
    return QStringLiteral("exit %1").arg(exitCode);
}

ValidationRun::ValidationRun(Clock &clock)
    : m_clock(clock)
{}

ValidationRun::~ValidationRun()
{
    if (m_pid > 0) {
        signalGroup(m_pid, SIGKILL);
        int status = 0;
        while (::waitpid(pid_t(m_pid), &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (m_outputFd >= 0)
        ::close(m_outputFd);
}

void ValidationRun::start(const QStringList &command,
                          const QString &workingDirectory,
                          const Environment &environment,
                          int timeoutMs)
{
    m_result = {};
    m_done.reset();
    m_startedMs = m_clock.monotonicMs();
    m_timeoutMs = timeoutMs;
    m_deadlineMs = m_startedMs + timeoutMs;
    if (command.isEmpty() || command.first().isEmpty()) {
        m_result.error = QStringLiteral("no validation command");
        m_done = m_result;
        return;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        m_result.error = QStringLiteral("pipe: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        m_done = m_result;
        return;
    }
    // Only the read end is non-blocking: the command writes as any program to a pipe does.
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    SpawnRequest request;
    request.program = command.first();
    request.arguments = command.mid(1);
    request.workingDirectory = workingDirectory;
    request.variables = environment;
    request.outputFd = fds[1];
    auto pid = spawnProcess(request);
    ::close(fds[1]);
    if (!pid) {
        ::close(fds[0]);
        m_result.error = pid.error().message;
        m_done = m_result;
        return;
    }
    m_pid = *pid;
    m_outputFd = fds[0];
}

std::optional<ValidationResult> ValidationRun::tick()
{
    if (m_done || m_pid <= 0)
        return m_done;
    readOutput();
    siginfo_t info;
    std::memset(&info, 0, sizeof info);
    // WNOWAIT: learn that it ended without reaping it yet, so that its process group id cannot be
    // reused before the group's stragglers (which may still hold the pipe) are killed below.
    const int waited = ::waitid(P_PID, id_t(m_pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (waited == 0 && info.si_pid != 0) {
        signalGroup(m_pid, SIGKILL);
        int status = 0;
        while (::waitpid(pid_t(m_pid), &status, 0) < 0 && errno == EINTR) {
        }
        m_pid = 0;
        readOutput();
        finish(status);
        return m_done;
    }
    if (!m_killed && m_clock.monotonicMs() >= m_deadlineMs) {
        m_killed = true;
        m_result.timedOut = true;
        signalGroup(m_pid, SIGKILL);
    }
    return std::nullopt;
}

void ValidationRun::readOutput()
{
    if (m_outputFd < 0)
        return;
    char buffer[4096];
    for (int i = 0; i < kReadsPerTick; ++i) {
        const ssize_t n = ::read(m_outputFd, buffer, sizeof buffer);
        if (n > 0) {
            append(buffer, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0) { // every writer has gone
            ::close(m_outputFd);
            m_outputFd = -1;
        }
        return; // EAGAIN: nothing more for now
    }
}

void ValidationRun::append(const char *data, qsizetype size)
{
    m_result.output.append(data, size);
    // Trimmed in steps, not per read: the kept tail is at most twice the limit in between.
    if (m_result.output.size() > 2 * kOutputLimit) {
        m_result.output.remove(0, m_result.output.size() - kOutputLimit);
        m_result.truncated = true;
    }
}

void ValidationRun::finish(int waitStatus)
{
    if (m_outputFd >= 0) {
        ::close(m_outputFd);
        m_outputFd = -1;
    }
    if (m_result.output.size() > kOutputLimit) {
        m_result.output.remove(0, m_result.output.size() - kOutputLimit);
        m_result.truncated = true;
    }
    m_result.ranMs = m_clock.monotonicMs() - m_startedMs;
    if (WIFSIGNALED(waitStatus)) {
        m_result.signal = WTERMSIG(waitStatus);
        m_result.exitCode = -1;
    } else {
        m_result.exitCode = WEXITSTATUS(waitStatus);
    }
    m_result.passed = !m_result.timedOut && m_result.signal == 0 && m_result.exitCode == 0;
    m_done = m_result;
}

} // namespace foresight::instance
