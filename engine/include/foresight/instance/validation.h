#pragma once

#include <cstdint>
#include <optional>

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include "foresight/core/clock.h"
#include "foresight/core/result.h"

// Validated updates (docs/managed-apps.md): an update of an application's process is started on
// its shadow first, and the application's validation command is run against that instance. Only
// a validation that exits 0 in time lets the engine swap the updated shadow in.
namespace foresight::instance {

struct ValidationResult
{
    bool passed = false;    // exit 0 within the timeout
    int exitCode = -1;      // -1: a signal ended it, or it did not start
    int signal = 0;         // the signal that ended it (SIGKILL after a timeout), 0 if it exited
    bool timedOut = false;  // killed at the timeout
    QString error;          // it could not be started, and why
    QByteArray output;      // the end of its stdout and stderr, interleaved as written
    bool truncated = false; // earlier output was dropped to keep within kOutputLimit
    std::int64_t ranMs = 0; // on the runner's clock
    // "exit 0", "exit 3", "timed out after 60000 ms (killed)", "signal 6 (SIGABRT)", "could not start: ..."
    QString describe() const;
};

// Runs one validation command and collects its output, without blocking: the agent's loop calls
// tick() every round (like Supervisor, on one thread, never waitpid(-1)). The command runs in a
// process group of its own with stdin from /dev/null and stdout and stderr into a pipe; at the
// timeout the whole group is killed. The last kOutputLimit bytes of output are kept: the end of
// a failing test run is the part that says why.
class ValidationRun final
{
public:
    using Environment = QList<QPair<QString, QString>>;
    static constexpr qsizetype kOutputLimit = 16 * 1024;

    explicit ValidationRun(Clock &clock);
    // Kills the group and reaps it if it still runs.
    ~ValidationRun();
    ValidationRun(const ValidationRun &) = delete;
    ValidationRun &operator=(const ValidationRun &) = delete;

    // command: program and arguments. A command that cannot be started is not an error here: it
    // is a failed validation, which tick() reports at once.
    void start(const QStringList &command,
               const QString &workingDirectory,
               const Environment &environment,
               int timeoutMs);
    // Reads what the command wrote, kills it at the timeout, reaps it. The result once it ended.
    std::optional<ValidationResult> tick();
    bool running() const { return m_pid > 0; }

private:
    void readOutput();
    void append(const char *data, qsizetype size);
    void finish(int waitStatus);

    Clock &m_clock;
    std::int64_t m_pid = 0;
    int m_outputFd = -1;
    std::int64_t m_startedMs = 0;
    std::int64_t m_deadlineMs = 0;
    int m_timeoutMs = 0;
    bool m_killed = false;
    ValidationResult m_result;
    std::optional<ValidationResult> m_done;
};

} // namespace foresight::instance
