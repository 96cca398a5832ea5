#ifdef FORESIGHT_HAVE_HIREDIS

#include "redisprocess.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include <QDeadlineTimer>
#include <QFile>

namespace foresight::bench {

namespace {

constexpr int kStartDeadlineMs = 10'000;
constexpr int kPollMs = 20;

QString contextError(const redisContext *context)
{
    return context ? QString::fromLocal8Bit(context->errstr) : QStringLiteral("out of memory");
}

timeval toTimeval(int ms)
{
    return timeval{ms / 1000, (ms % 1000) * 1000};
}

} // namespace

Result<RedisContextPtr> redisConnect(quint16 port, int timeoutMs)
{
    RedisContextPtr context(redisConnectWithTimeout("127.0.0.1", port, toTimeval(timeoutMs)));
    if (!context || context->err)
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to port %1: %2").arg(port).arg(contextError(context.get())));
    redisSetTimeout(context.get(), toTimeval(timeoutMs));
    return context;
}

void redisAppend(redisContext *context, const QList<QByteArray> &arguments)
{
    std::vector<const char *> argv;
    std::vector<std::size_t> lengths;
    for (const QByteArray &argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(static_cast<std::size_t>(argument.size()));
    }
    redisAppendCommandArgv(context, int(argv.size()), argv.data(), lengths.data());
}

Result<RedisReplyPtr> redisNextReply(redisContext *context)
{
    void *raw = nullptr;
    if (redisGetReply(context, &raw) != REDIS_OK || !raw)
        return fail(ErrorCode::Network, QStringLiteral("redis: %1").arg(contextError(context)));
    RedisReplyPtr reply(static_cast<redisReply *>(raw));
    if (reply->type == REDIS_REPLY_ERROR)
        return fail(ErrorCode::ProtocolError, QString::fromUtf8(reply->str, static_cast<qsizetype>(reply->len)));
    return reply;
}

Result<RedisReplyPtr> redisCall(redisContext *context, const QList<QByteArray> &arguments)
{
    redisAppend(context, arguments);
    return redisNextReply(context);
}

QByteArray redisText(const redisReply *reply)
{
    if (!reply || (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS))
        return {};
    return QByteArray(reply->str, static_cast<qsizetype>(reply->len));
}

QMap<QByteArray, QByteArray> redisFieldMap(const redisReply *reply)
{
    QMap<QByteArray, QByteArray> fields;
    if (!reply || reply->type != REDIS_REPLY_ARRAY)
        return fields;
    for (std::size_t i = 0; i + 1 < reply->elements; i += 2)
        fields.insert(redisText(reply->element[i]), redisText(reply->element[i + 1]));
    return fields;
}

Result<QList<quint16>> pickFreePorts(int count)
{
    std::vector<int> fds;
    QList<quint16> ports;
    bool ok = true;
    for (int i = 0; i < count && ok; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        fds.push_back(fd);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(0x7f000001u); // 127.0.0.1
        socklen_t length = sizeof addr;
        ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0
             && ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &length) == 0;
        if (ok)
            ports.append(ntohs(addr.sin_port));
    }
    for (const int fd : fds) {
        if (fd >= 0)
            ::close(fd);
    }
    if (!ok)
        return fail(ErrorCode::Network, QStringLiteral("cannot find %1 free loopback ports").arg(count));
    return ports;
}

RedisProcess::~RedisProcess()
{
    stop();
}

Status RedisProcess::start(const QString &program, const QStringList &arguments, quint16 port, const QString &logPath)
{
    stop();
    m_port = port;
    m_logPath = logPath;
    m_process.setProgram(program);
    m_process.setArguments(arguments);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(logPath, QIODevice::Append);
    m_process.start();
    if (!m_process.waitForStarted(kStartDeadlineMs))
        return fail(ErrorCode::Network, QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString()));

    const QDeadlineTimer deadline(kStartDeadlineMs);
    QString last;
    while (!deadline.hasExpired()) {
        if (auto context = redisConnect(port, 1000)) {
            auto pong = redisCall(context->get(), {QByteArrayLiteral("PING")});
            if (pong)
                return {};
            last = pong.error().message;
        } else {
            last = context.error().message;
        }
        // Doubles as the polling interval; without it QProcess would not notice the exit.
        if (m_process.state() == QProcess::NotRunning || m_process.waitForFinished(kPollMs))
            return fail(ErrorCode::Network,
                        QStringLiteral("%1 on port %2 exited: %3").arg(program).arg(port).arg(logTail()));
    }
    return fail(ErrorCode::Timeout,
                QStringLiteral("%1 on port %2 did not answer within %3 ms (%4)")
                    .arg(program)
                    .arg(port)
                    .arg(kStartDeadlineMs)
                    .arg(last));
}

void RedisProcess::kill9()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process.processId()), SIGKILL);
    m_process.waitForFinished(10'000);
}

void RedisProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

QString RedisProcess::logTail() const
{
    QFile log(m_logPath);
    if (!log.open(QIODevice::ReadOnly))
        return QStringLiteral("(no log)");
    return QString::fromLocal8Bit(log.readAll().trimmed().right(400));
}

} // namespace foresight::bench

#endif // FORESIGHT_HAVE_HIREDIS
