#include "foresight/cluster/agentprocess.h"

#include <csignal>

#include <sys/prctl.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace foresight::cluster {

AgentProcess::AgentProcess(const Options &options)
    : m_options(options)
{}

AgentProcess::~AgentProcess()
{
    if (isRunning()) {
        if (m_frozen)
            thaw();
        m_process->terminate();
        if (!m_process->waitForFinished(5000))
            kill();
    }
}

QString AgentProcess::defaultBinary()
{
    const QString env = qEnvironmentVariable("FORESIGHT_AGENT_BIN");
    if (!env.isEmpty())
        return env;
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/foresight-agent");
    if (QFileInfo::exists(beside))
        return beside;
    return qEnvironmentVariable("FORESIGHT_BIN_DIR") + QStringLiteral("/foresight-agent");
}

Result<std::unique_ptr<AgentProcess>> AgentProcess::start(const Options &options)
{
    std::unique_ptr<AgentProcess> agent(new AgentProcess(options));
    if (agent->m_options.binary.isEmpty())
        agent->m_options.binary = defaultBinary();
    if (!QFileInfo(agent->m_options.binary).isExecutable())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("agent binary %1 not found or not executable").arg(agent->m_options.binary));
    QDir().mkpath(options.workDir);
    agent->m_sdkUrl = options.sdkUrl.isEmpty()
                          ? QStringLiteral("unix://%1/%2.sock").arg(QDir(options.workDir).absolutePath(), options.name)
                          : options.sdkUrl;
    if (auto ok = agent->launch(options.listenUrl); !ok)
        return std::unexpected(ok.error());
    return agent;
}

Status AgentProcess::launch(const QString &listenUrl)
{
    QStringList args{QStringLiteral("--name"),
                     m_options.name,
                     QStringLiteral("--listen"),
                     listenUrl,
                     QStringLiteral("--sdk"),
                     m_sdkUrl,
                     QStringLiteral("--data-dir"),
                     QDir(m_options.workDir).filePath(m_options.name + QStringLiteral("-data"))};
    if (m_options.insecure)
        args << QStringLiteral("--insecure");
    else
        args << QStringLiteral("--key") << m_options.keyFile << QStringLiteral("--allow") << m_options.allowFile;
    args << m_options.extraArgs;

    m_process = std::make_unique<QProcess>();
    m_process->setProgram(m_options.binary);
    m_process->setArguments(args);
    m_process->setStandardErrorFile(QDir(m_options.workDir).filePath(m_options.name + QStringLiteral(".log")),
                                    QIODevice::Append);
    // A demo or a test that is killed (SIGKILL, or a SIGPIPE it does not catch) leaves no agent
    // running: the kernel kills the agent when the thread that started it ends, which is the
    // owner's thread (a LocalCluster stays on the thread that made it). In the child, between
    // fork and exec: async-signal-safe calls only.
    const pid_t parent = ::getpid();
    m_process->setChildProcessModifier([parent] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) // the parent died before the line above took effect
            ::_exit(1);
    });
    m_process->start();
    if (!m_process->waitForStarted(m_options.readyTimeoutMs))
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot start %1: %2").arg(m_options.binary, m_process->errorString()));

    QElapsedTimer timer;
    timer.start();
    while (!m_process->canReadLine()) {
        const qint64 left = m_options.readyTimeoutMs - timer.elapsed();
        if (left <= 0 || m_process->state() != QProcess::Running) {
            m_process->waitForFinished(100);
            return fail(ErrorCode::Timeout,
                        QStringLiteral("agent %1 did not become ready: %2").arg(m_options.name, stderrLog().right(2000)));
        }
        m_process->waitForReadyRead(int(qMin<qint64>(left, 200)));
    }
    const QJsonObject ready = QJsonDocument::fromJson(m_process->readLine()).object();
    if (ready.value(QLatin1String("event")).toString() != QLatin1String("ready"))
        return fail(ErrorCode::ProtocolError, QStringLiteral("agent %1 printed no ready line").arg(m_options.name));
    m_listenUrl = ready.value(QLatin1String("listen")).toString();
    m_sdkUrl = ready.value(QLatin1String("sdk")).toString();
    m_publicKey = ready.value(QLatin1String("public-key")).toString().toLatin1();
    m_frozen = false;
    return {};
}

qint64 AgentProcess::pid() const
{
    return m_process ? m_process->processId() : 0;
}

bool AgentProcess::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

void AgentProcess::kill()
{
    if (!isRunning())
        return;
    ::kill(pid_t(pid()), SIGKILL);
    m_process->waitForFinished(10000);
    m_frozen = false;
}

void AgentProcess::freeze()
{
    if (isRunning()) {
        ::kill(pid_t(pid()), SIGSTOP);
        m_frozen = true;
    }
}

void AgentProcess::thaw()
{
    if (isRunning()) {
        ::kill(pid_t(pid()), SIGCONT);
        m_frozen = false;
    }
}

Status AgentProcess::terminate()
{
    if (!isRunning())
        return {};
    if (m_frozen)
        thaw();
    m_process->terminate();
    if (!m_process->waitForFinished(10000))
        return fail(ErrorCode::Timeout, QStringLiteral("agent %1 did not exit after SIGTERM").arg(m_options.name));
    if (m_process->exitStatus() != QProcess::NormalExit || m_process->exitCode() != 0)
        return fail(ErrorCode::Internal,
                    QStringLiteral("agent %1 exited with code %2").arg(m_options.name).arg(m_process->exitCode()));
    return {};
}

Status AgentProcess::restart()
{
    if (isRunning())
        kill();
    return launch(m_listenUrl);
}

QString AgentProcess::stderrLog() const
{
    QFile file(QDir(m_options.workDir).filePath(m_options.name + QStringLiteral(".log")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

} // namespace foresight::cluster
