#pragma once

// Small hiredis helpers and a Redis child process, for the Sentinel baseline of
// `foresight-bench failover`. Only built with hiredis (FORESIGHT_HAVE_HIREDIS).

#include <memory>

#include <hiredis/hiredis.h>

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"

namespace foresight::bench {

struct RedisContextDeleter
{
    void operator()(redisContext *context) const { redisFree(context); }
};
using RedisContextPtr = std::unique_ptr<redisContext, RedisContextDeleter>;

struct RedisReplyDeleter
{
    void operator()(redisReply *reply) const { freeReplyObject(reply); }
};
using RedisReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;

// Connects to 127.0.0.1:port; commands on the connection time out after timeoutMs.
// Errors: Network.
Result<RedisContextPtr> redisConnect(quint16 port, int timeoutMs);

// Sends one command (each element one argument, binary-safe) and reads its reply.
// Errors: Network (connection lost or refused, timeout; the context is then unusable),
// ProtocolError (Redis answered with an error; the message carries it).
Result<RedisReplyPtr> redisCall(redisContext *context, const QList<QByteArray> &arguments);
// Reads the reply to a command sent earlier with redisAppendCommandArgv (pipelining).
Result<RedisReplyPtr> redisNextReply(redisContext *context);
void redisAppend(redisContext *context, const QList<QByteArray> &arguments);

// A flat array reply of field/value pairs (SENTINEL MASTER, one entry of SENTINEL REPLICAS) as a map.
QMap<QByteArray, QByteArray> redisFieldMap(const redisReply *reply);
// A bulk string or status reply's text; empty for other types.
QByteArray redisText(const redisReply *reply);

// `count` distinct free loopback TCP ports (held open together while choosing). Another process
// may still take one before the server binds it; the server then fails to start, and says so.
Result<QList<quint16>> pickFreePorts(int count);

// A redis-server or redis-sentinel child process, its output in a log file. Owned by the thread
// that created it (QProcess). Stops the process (SIGTERM, then SIGKILL) when destroyed.
class RedisProcess final
{
public:
    RedisProcess() = default;
    ~RedisProcess();
    RedisProcess(const RedisProcess &) = delete;
    RedisProcess &operator=(const RedisProcess &) = delete;

    // Starts `program arguments` and waits until 127.0.0.1:port answers PING.
    // Errors: Network (did not start or exited; the log's tail says why), Timeout.
    Status start(const QString &program, const QStringList &arguments, quint16 port, const QString &logPath);
    void kill9(); // SIGKILL, and waits for the exit
    void stop();  // SIGTERM, SIGKILL if it lingers
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    quint16 port() const { return m_port; }
    QString logTail() const;

private:
    QProcess m_process;
    QString m_logPath;
    quint16 m_port = 0;
};

} // namespace foresight::bench
