#include "instance/spawn.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QFileInfo>

extern char **environ;

namespace foresight::instance {

namespace {

enum ChildStep : int { StepChdir = 1, StepExec = 2, StepStdin = 3 };

// The program's path as exec will use it: a name without '/' is looked up in PATH here, in the
// parent, because execvp's lookup allocates and may not run after fork() in a threaded process.
Result<QString> resolveProgram(const QString &program, const QString &path)
{
    if (program.contains(QLatin1Char('/')))
        return program; // exec reports what is wrong with it
    for (const QString &dir : path.split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
        const QString candidate = dir + QLatin1Char('/') + program;
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return candidate;
    }
    return fail(ErrorCode::InvalidArgument,
                QStringLiteral("'%1' is not an executable file in PATH (%2); give its absolute path").arg(program, path));
}

QString stepName(int step)
{
    switch (step) {
    case StepChdir:
        return QStringLiteral("cannot enter the working directory");
    case StepStdin:
        return QStringLiteral("cannot open /dev/null");
    default:
        return QStringLiteral("cannot execute");
    }
}

void writeAll(int fd, const void *data, std::size_t size)
{
    const char *bytes = static_cast<const char *>(data);
    while (size > 0) {
        const ssize_t written = ::write(fd, bytes, size);
        if (written <= 0 && errno != EINTR)
            return;
        if (written > 0) {
            bytes += written;
            size -= std::size_t(written);
        }
    }
}

[[noreturn]] void childFails(int fd, int step)
{
    const int report[2] = {step, errno};
    writeAll(fd, report, sizeof report);
    ::_exit(127);
}

// Closes descriptors first..last (last < 0: all from first on).
void closeFrom(int first, int last)
{
    if (last >= 0 && first > last)
        return;
    if (::close_range(unsigned(first), last < 0 ? ~0U : unsigned(last), 0) == 0)
        return;
    for (int fd = first; (last < 0 || fd <= last) && fd < 65536; ++fd)
        ::close(fd);
}

} // namespace

Result<std::int64_t> spawnProcess(const SpawnRequest &request)
{
    // Everything the child needs, built before fork().
    QString path = qEnvironmentVariable("PATH", QStringLiteral("/usr/local/bin:/usr/bin:/bin"));
    std::vector<std::string> envStorage;
    for (char **entry = environ; entry && *entry; ++entry)
        envStorage.emplace_back(*entry);
    for (const auto &[name, value] : request.variables) {
        const std::string prefix = name.toStdString() + '=';
        std::erase_if(envStorage, [&](const std::string &entry) { return entry.starts_with(prefix); });
        envStorage.push_back(prefix + value.toStdString());
        if (name == QLatin1String("PATH"))
            path = value;
    }
    auto program = resolveProgram(request.program, path);
    if (!program)
        return std::unexpected(program.error());
    const std::string programPath = program->toStdString();
    std::vector<std::string> argStorage{request.program.toStdString()};
    for (const QString &argument : request.arguments)
        argStorage.push_back(argument.toStdString());
    std::vector<char *> argv;
    for (std::string &argument : argStorage)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (std::string &entry : envStorage)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    const std::string workingDirectory = request.workingDirectory.toStdString();
    const bool quiet = request.quietStdout;
    const int outputFd = request.outputFd;
    const pid_t parent = ::getpid();

    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0)
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot start %1: pipe: %2")
                        .arg(request.program, QString::fromLocal8Bit(strerror(errno))));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(report[0]);
        ::close(report[1]);
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot start %1: fork: %2")
                        .arg(request.program, QString::fromLocal8Bit(strerror(error))));
    }
    if (pid == 0) {
        // The child: async-signal-safe calls only.
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127); // the parent thread is already gone
        struct sigaction dflt = {};
        dflt.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; ++sig)
            ::sigaction(sig, &dflt, nullptr); // ignored signals would stay ignored across exec
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        const int devnull = ::open("/dev/null", O_RDWR);
        if (devnull < 0)
            childFails(report[1], StepStdin);
        ::dup2(devnull, 0);
        if (outputFd >= 0) {
            ::dup2(outputFd, 1);
            ::dup2(outputFd, 2);
        } else if (quiet) {
            ::dup2(devnull, 1);
        }
        // The agent's sockets, eventfds and files are not the application's business.
        closeFrom(3, report[1] - 1);
        closeFrom(report[1] + 1, -1);
        if (!workingDirectory.empty() && ::chdir(workingDirectory.c_str()) != 0)
            childFails(report[1], StepChdir);
        ::execve(programPath.c_str(), argv.data(), envp.data());
        childFails(report[1], StepExec);
    }
    ::setpgid(pid, pid); // also here, so that a signal sent right after fork() reaches the group
    ::close(report[1]);
    int failure[2] = {0, 0};
    std::size_t got = 0;
    while (got < sizeof failure) {
        const ssize_t n = ::read(report[0], reinterpret_cast<char *>(failure) + got, sizeof failure - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // end of file: exec succeeded (the descriptor closed on exec)
        got += std::size_t(n);
    }
    ::close(report[0]);
    if (got == sizeof failure) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        const QString what = failure[0] == StepChdir
                                 ? QStringLiteral("%1 '%2'").arg(stepName(failure[0]), request.workingDirectory)
                                 : QStringLiteral("%1 '%2'").arg(stepName(failure[0]), *program);
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: %2").arg(what, QString::fromLocal8Bit(strerror(failure[1]))));
    }
    return std::int64_t(pid);
}

void signalGroup(std::int64_t pid, int sig)
{
    if (pid <= 0)
        return;
    if (::kill(-pid_t(pid), sig) != 0)
        ::kill(pid_t(pid), sig);
}

} // namespace foresight::instance
