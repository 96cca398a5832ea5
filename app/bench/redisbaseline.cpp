#include "redisbaseline.h"

#ifdef FORESIGHT_HAVE_HIREDIS

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <memory>
#include <thread>

#include <hiredis/hiredis.h>

#include <QByteArray>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>
#include <QTemporaryDir>

#endif

namespace foresight::bench {

QString redisBaselineName()
{
    return QStringLiteral("redis SET+WAIT 1 0");
}

#ifndef FORESIGHT_HAVE_HIREDIS

Result<LoadResult> runRedisWaitLoad(const LoadSpec &)
{
    return fail(ErrorCode::NotFound,
                QStringLiteral("foresight-bench was built without hiredis; install libhiredis-dev "
                               "and reconfigure to measure the Redis baseline"));
}

#else

namespace {

using namespace std::chrono_literals;

constexpr auto kPollInterval = 20ms;
constexpr int kStartDeadlineMs = 10000;
constexpr int kLinkDeadlineMs = 20000;
constexpr int kCommandTimeoutSec = 5;

struct ContextDeleter
{
    void operator()(redisContext *context) const { redisFree(context); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter
{
    void operator()(redisReply *reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

QString contextError(const redisContext *context)
{
    if (!context)
        return QStringLiteral("out of memory");
    return QString::fromLocal8Bit(context->errstr);
}

Result<ContextPtr> connectTo(quint16 port)
{
    const timeval connectTimeout{2, 0};
    ContextPtr context(redisConnectWithTimeout("127.0.0.1", port, connectTimeout));
    if (!context || context->err)
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to redis on port %1: %2").arg(port).arg(contextError(context.get())));
    const timeval commandTimeout{kCommandTimeoutSec, 0};
    redisSetTimeout(context.get(), commandTimeout);
    return context;
}

Result<ReplyPtr> getReply(redisContext *context)
{
    void *raw = nullptr;
    if (redisGetReply(context, &raw) != REDIS_OK || !raw)
        return fail(context->err == REDIS_ERR_IO || context->err == REDIS_ERR_EOF ? ErrorCode::Network
                                                                                  : ErrorCode::ProtocolError,
                    QStringLiteral("redis: %1").arg(contextError(context)));
    ReplyPtr reply(static_cast<redisReply *>(raw));
    if (reply->type == REDIS_REPLY_ERROR)
        return fail(ErrorCode::ProtocolError,
                    QStringLiteral("redis replied with an error: %1")
                        .arg(QString::fromUtf8(reply->str, static_cast<qsizetype>(reply->len))));
    return reply;
}

Result<QByteArray> infoReplication(redisContext *context)
{
    if (redisAppendCommand(context, "INFO replication") != REDIS_OK)
        return fail(ErrorCode::Network, QStringLiteral("redis: %1").arg(contextError(context)));
    auto reply = getReply(context);
    if (!reply)
        return std::unexpected(reply.error());
    if ((*reply)->type != REDIS_REPLY_STRING)
        return fail(ErrorCode::ProtocolError, QStringLiteral("unexpected INFO reply type"));
    return QByteArray((*reply)->str, static_cast<qsizetype>((*reply)->len));
}

// Two free loopback ports, both held open while choosing so they differ. Another process may
// still take one before redis-server binds it; the server then fails to start and we say so.
Result<std::array<quint16, 2>> pickTwoFreePorts()
{
    std::array<int, 2> fds{-1, -1};
    std::array<quint16, 2> ports{};
    Status status;
    for (std::size_t i = 0; i < fds.size() && status; ++i) {
        fds[i] = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(0x7f000001u);
        addr.sin_port = 0;
        socklen_t length = sizeof addr;
        if (fds[i] < 0 || ::bind(fds[i], reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
            || ::getsockname(fds[i], reinterpret_cast<sockaddr *>(&addr), &length) != 0) {
            status = fail(ErrorCode::Network, QStringLiteral("cannot find a free loopback port"));
        } else {
            ports[i] = ntohs(addr.sin_port);
        }
    }
    for (const int fd : fds) {
        if (fd >= 0)
            ::close(fd);
    }
    if (!status)
        return std::unexpected(status.error());
    return ports;
}

// A redis-server child process. Stops it (SIGTERM, then SIGKILL) when destroyed.
class RedisServer final
{
public:
    RedisServer() = default;
    ~RedisServer() { stop(); }
    RedisServer(const RedisServer &) = delete;
    RedisServer &operator=(const RedisServer &) = delete;

    Status start(const QString &program,
                 const QString &dir,
                 const QString &name,
                 quint16 port,
                 const QStringList &extraArguments)
    {
        m_port = port;
        m_logPath = QDir(dir).filePath(name + QStringLiteral(".log"));
        QStringList arguments{QStringLiteral("--save"),
                              QString(),
                              QStringLiteral("--appendonly"),
                              QStringLiteral("no"),
                              QStringLiteral("--port"),
                              QString::number(port),
                              QStringLiteral("--bind"),
                              QStringLiteral("127.0.0.1"),
                              QStringLiteral("--dir"),
                              dir,
                              QStringLiteral("--daemonize"),
                              QStringLiteral("no")};
        arguments << extraArguments;
        m_process.setProgram(program);
        m_process.setArguments(arguments);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setStandardOutputFile(m_logPath);
        m_process.start();
        if (!m_process.waitForStarted(kStartDeadlineMs))
            return fail(ErrorCode::Network, QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString()));
        return {};
    }

    // Connects once the server accepts connections and answers PING.
    Result<ContextPtr> connectWhenReady()
    {
        const QDeadlineTimer deadline(kStartDeadlineMs);
        Error last{ErrorCode::Timeout, QString()};
        while (!deadline.hasExpired()) {
            if (auto context = connectTo(m_port)) {
                redisAppendCommand(context->get(), "PING");
                if (auto reply = getReply(context->get()))
                    return std::move(*context);
                else
                    last = reply.error();
            } else {
                last = context.error();
            }
            // Doubles as the polling interval; without it QProcess would not notice the exit.
            if (m_process.state() == QProcess::NotRunning
                || m_process.waitForFinished(static_cast<int>(kPollInterval.count())))
                return fail(ErrorCode::Network,
                            QStringLiteral("redis-server on port %1 exited: %2").arg(m_port).arg(logTail()));
        }
        return fail(ErrorCode::Timeout,
                    QStringLiteral("redis-server on port %1 did not answer "
                                   "within %2 ms (%3)")
                        .arg(m_port)
                        .arg(kStartDeadlineMs)
                        .arg(last.message));
    }

    quint16 port() const { return m_port; }

    QString logTail() const
    {
        QFile log(m_logPath);
        if (!log.open(QIODevice::ReadOnly))
            return QStringLiteral("(no log)");
        const QByteArray text = log.readAll().trimmed();
        return QString::fromLocal8Bit(text.right(400));
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(3000)) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }

private:
    QProcess m_process;
    QString m_logPath;
    quint16 m_port = 0;
};

// Polls INFO replication on `context` until every line in `needles` is present.
Status waitForInfo(redisContext *context,
                   const QList<QByteArray> &needles,
                   const QDeadlineTimer &deadline,
                   const QString &what)
{
    QByteArray info;
    while (!deadline.hasExpired()) {
        auto reply = infoReplication(context);
        if (!reply)
            return std::unexpected(reply.error());
        info = *reply;
        bool all = true;
        for (const QByteArray &needle : needles)
            all = all && info.contains(needle);
        if (all)
            return {};
        std::this_thread::sleep_for(kPollInterval);
    }
    return fail(ErrorCode::Timeout,
                QStringLiteral("%1 within %2 ms; last INFO replication: %3")
                    .arg(what)
                    .arg(kLinkDeadlineMs)
                    .arg(QString::fromLatin1(info.simplified().left(300))));
}

} // namespace

Result<LoadResult> runRedisWaitLoad(const LoadSpec &spec)
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (program.isEmpty())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("redis-server is not installed (not found in PATH); install "
                                   "the redis-server package to measure this baseline"));

    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create a temporary directory: %1").arg(dir.errorString()));
    const auto ports = pickTwoFreePorts();
    if (!ports)
        return std::unexpected(ports.error());

    // Declared after `dir` so the servers stop before their directory is removed.
    RedisServer primary;
    RedisServer replica;
    // Diskless sync without delay: the replica links up in milliseconds, not after 5 s.
    if (auto started = primary.start(program,
                                     dir.path(),
                                     QStringLiteral("primary"),
                                     (*ports)[0],
                                     {QStringLiteral("--repl-diskless-sync"),
                                      QStringLiteral("yes"),
                                      QStringLiteral("--repl-diskless-sync-delay"),
                                      QStringLiteral("0")});
        !started)
        return std::unexpected(started.error());
    auto primaryContext = primary.connectWhenReady();
    if (!primaryContext)
        return std::unexpected(primaryContext.error());
    if (auto started
        = replica.start(program,
                        dir.path(),
                        QStringLiteral("replica"),
                        (*ports)[1],
                        {QStringLiteral("--replicaof"), QStringLiteral("127.0.0.1"), QString::number((*ports)[0])});
        !started)
        return std::unexpected(started.error());
    auto replicaContext = replica.connectWhenReady();
    if (!replicaContext)
        return std::unexpected(replicaContext.error());

    const QDeadlineTimer linkDeadline(kLinkDeadlineMs);
    if (auto up = waitForInfo(replicaContext->get(),
                              {QByteArrayLiteral("master_link_status:up")},
                              linkDeadline,
                              QStringLiteral("the Redis replica did not link up"));
        !up)
        return std::unexpected(up.error());
    if (auto online = waitForInfo(primaryContext->get(),
                                  {QByteArrayLiteral("connected_slaves:1"), QByteArrayLiteral("state=online")},
                                  linkDeadline,
                                  QStringLiteral("the Redis primary did not see its replica online"));
        !online)
        return std::unexpected(online.error());
    primaryContext->reset();
    replicaContext->reset();

    const QByteArray value(spec.valueBytes, 'v');
    const quint16 primaryPort = primary.port();
    auto factory = [&](int writerIndex) -> Result<WriteOnce> {
        auto connected = connectTo(primaryPort);
        if (!connected)
            return std::unexpected(connected.error());
        auto context = std::shared_ptr<redisContext>(std::move(*connected));
        const QByteArray prefix = "key:" + QByteArray::number(writerIndex) + ':';
        return WriteOnce([context, prefix, &value, i = qint64(0)]() mutable -> Result<bool> {
            const QByteArray key = prefix + QByteArray::number(i++);
            // SET and WAIT go out together: WAIT still runs after the SET it follows, and the
            // client saves a round trip, which makes this the strongest honest baseline.
            redisAppendCommand(context.get(),
                               "SET %b %b",
                               key.constData(),
                               static_cast<std::size_t>(key.size()),
                               value.constData(),
                               static_cast<std::size_t>(value.size()));
            redisAppendCommand(context.get(), "WAIT 1 0");
            auto set = getReply(context.get());
            if (!set)
                return std::unexpected(set.error());
            auto wait = getReply(context.get());
            if (!wait)
                return std::unexpected(wait.error());
            return (*wait)->type == REDIS_REPLY_INTEGER && (*wait)->integer >= 1;
        });
    };

    auto result = runWriters(spec, factory);
    replica.stop();
    primary.stop();
    return result;
}

#endif // FORESIGHT_HAVE_HIREDIS

} // namespace foresight::bench
