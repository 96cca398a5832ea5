#include "sentinelfailover.h"

#ifdef FORESIGHT_HAVE_HIREDIS

#include <array>
#include <functional>
#include <thread>

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "benchreport.h"
#include "redisprocess.h"

#endif

namespace foresight::bench {

QString sentinelBaselineName()
{
    return QStringLiteral("redis sentinel (3 sentinels, quorum 2, 1 replica)");
}

#ifndef FORESIGHT_HAVE_HIREDIS

Result<FailoverOutcome> runSentinelFailover(const FailoverSpec &)
{
    return fail(ErrorCode::NotFound,
                QStringLiteral("foresight-bench was built without hiredis; install libhiredis-dev and reconfigure "
                               "to measure the Sentinel baseline"));
}

#else

namespace {

using namespace std::chrono_literals;

const QByteArray kMaster = QByteArrayLiteral("m");
constexpr int kFailoverTimeoutMs = 1000;
constexpr int kQuorum = 2;
constexpr std::array kDownAfterLadderMs{50, 100, 200, 500, 1000, 2000, 5000};
constexpr int kQueryTimeoutMs = 2000;
constexpr int kWriterTimeoutMs = 3000; // above WAIT's own 1000 ms
constexpr int kReadyDeadlineMs = 60'000;
constexpr int kFailoverDeadlineMs = 60'000;
constexpr auto kRediscoverInterval = 10ms;
constexpr auto kPoll = 5ms;
constexpr auto kCalibrationPoll = 50ms;

bool waitFor(int deadlineMs, const std::function<bool()> &done)
{
    const auto deadline = FailoverClock::now() + std::chrono::milliseconds(deadlineMs);
    while (!done()) {
        if (FailoverClock::now() > deadline)
            return false;
        std::this_thread::sleep_for(kPoll);
    }
    return true;
}

// One command on a fresh connection: for the bench thread's occasional queries.
Result<RedisReplyPtr> query(quint16 port, const QList<QByteArray> &arguments)
{
    auto context = redisConnect(port, kQueryTimeoutMs);
    if (!context)
        return std::unexpected(context.error());
    return redisCall(context->get(), arguments);
}

// The master's port as one sentinel reports it.
Result<quint16> masterPortFrom(quint16 sentinelPort)
{
    auto reply = query(sentinelPort,
                       {QByteArrayLiteral("SENTINEL"), QByteArrayLiteral("GET-MASTER-ADDR-BY-NAME"), kMaster});
    if (!reply)
        return std::unexpected(reply.error());
    const redisReply *r = reply->get();
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2)
        return fail(ErrorCode::ProtocolError, QStringLiteral("sentinel on port %1 knows no master").arg(sentinelPort));
    bool ok = false;
    const quint16 port = redisText(r->element[1]).toUShort(&ok);
    if (!ok)
        return fail(ErrorCode::ProtocolError, QStringLiteral("sentinel on port %1 gave a bad port").arg(sentinelPort));
    return port;
}

QByteArray infoReplication(quint16 port)
{
    auto reply = query(port, {QByteArrayLiteral("INFO"), QByteArrayLiteral("replication")});
    return reply ? redisText(reply->get()) : QByteArray();
}

// Writes at a steady rate to whichever instance the sentinels name as master.
class SentinelWriter final
{
public:
    SentinelWriter(QList<quint16> sentinelPorts, const FailoverSpec &spec, WriteLog &log)
        : m_thread([sentinelPorts, spec, &log](std::stop_token stop) { run(stop, sentinelPorts, spec, log); })
    {}
    void stop()
    {
        m_thread.request_stop();
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    static void run(std::stop_token stop, const QList<quint16> &sentinelPorts, const FailoverSpec &spec, WriteLog &log)
    {
        RedisContextPtr master;
        quint16 masterPort = 0;
        qsizetype nextSentinel = 0;
        Pacer pacer(spec.writesPerSecond);
        for (qint64 index = 0; !stop.stop_requested(); ++index) {
            pacer.wait();
            if (!master) {
                // One sentinel per attempt, in turn: the failover's leader knows the new master
                // a little before the others.
                const quint16 sentinel = sentinelPorts[nextSentinel++ % sentinelPorts.size()];
                auto port = masterPortFrom(sentinel);
                auto connected = port ? redisConnect(*port, kWriterTimeoutMs) : std::unexpected(port.error());
                if (!connected) {
                    log.failed(connected.error().toString());
                    std::this_thread::sleep_for(kRediscoverInterval);
                    continue;
                }
                master = std::move(*connected);
                masterPort = *port;
            }
            const QByteArray key = failoverKey(index).toUtf8();
            redisAppend(master.get(), {QByteArrayLiteral("SET"), key, failoverValue(index, spec.valueBytes)});
            redisAppend(master.get(), {QByteArrayLiteral("WAIT"), QByteArrayLiteral("1"), QByteArrayLiteral("1000")});
            auto set = redisNextReply(master.get());
            if (!set) {
                // Connection lost, or READONLY from an instance that is no longer master.
                log.failed(set.error().toString());
                master.reset();
                std::this_thread::sleep_for(kRediscoverInterval);
                continue;
            }
            const auto at = FailoverClock::now();
            auto wait = redisNextReply(master.get());
            const bool durable = wait && (*wait)->type == REDIS_REPLY_INTEGER && (*wait)->integer >= 1;
            log.accepted(index, masterPort, durable, at);
            if (!wait)
                master.reset();
        }
    }

    std::jthread m_thread;
};

// A master and a replica, three sentinels; all child processes of this thread.
class SentinelSetup final
{
public:
    Status start(const QString &server, const QString &sentinel, const QString &dir, int downAfterMs)
    {
        m_server = server;
        m_dir = dir;
        auto ports = pickFreePorts(5);
        if (!ports)
            return std::unexpected(ports.error());
        m_instancePorts = {(*ports)[0], (*ports)[1]};
        m_sentinelPorts = {(*ports)[2], (*ports)[3], (*ports)[4]};
        if (auto ok = startInstance(0, std::nullopt); !ok)
            return ok;
        if (auto ok = startInstance(1, m_instancePorts[0]); !ok)
            return ok;
        if (!waitFor(20'000, [&] { return infoReplication(m_instancePorts[1]).contains("master_link_status:up"); }))
            return fail(ErrorCode::Timeout, QStringLiteral("the Redis replica did not link up within 20 s"));
        for (int i = 0; i < 3; ++i) {
            const QString conf = QDir(dir).filePath(QStringLiteral("sentinel%1.conf").arg(i));
            QFile file(conf);
            const QByteArray text = "port " + QByteArray::number(m_sentinelPorts[i])
                                    + "\nbind 127.0.0.1\ndaemonize no\n" + "dir " + QFile::encodeName(dir)
                                    + "\nsentinel monitor " + kMaster + " 127.0.0.1 "
                                    + QByteArray::number(m_instancePorts[0]) + ' ' + QByteArray::number(kQuorum)
                                    + "\nsentinel down-after-milliseconds " + kMaster + ' '
                                    + QByteArray::number(downAfterMs) + "\nsentinel failover-timeout " + kMaster + ' '
                                    + QByteArray::number(kFailoverTimeoutMs) + "\nsentinel parallel-syncs " + kMaster
                                    + " 1\n";
            if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
                return fail(ErrorCode::IoError, QStringLiteral("cannot write %1").arg(conf));
            file.close();
            if (auto ok = m_sentinels[i].start(sentinel,
                                               {conf},
                                               m_sentinelPorts[i],
                                               QDir(dir).filePath(QStringLiteral("sentinel%1.log").arg(i)));
                !ok)
                return ok;
        }
        return {};
    }

    // Starts (or restarts, empty) instance i, as a replica of replicaOf when given.
    Status startInstance(int i, std::optional<quint16> replicaOf)
    {
        const QString rdb = QStringLiteral("instance%1.rdb").arg(i);
        QFile::remove(QDir(m_dir).filePath(rdb));
        QStringList arguments{QStringLiteral("--save"),
                              QString(),
                              QStringLiteral("--appendonly"),
                              QStringLiteral("no"),
                              QStringLiteral("--port"),
                              QString::number(m_instancePorts[i]),
                              QStringLiteral("--bind"),
                              QStringLiteral("127.0.0.1"),
                              QStringLiteral("--dir"),
                              m_dir,
                              QStringLiteral("--dbfilename"),
                              rdb,
                              QStringLiteral("--daemonize"),
                              QStringLiteral("no"),
                              QStringLiteral("--repl-diskless-sync"),
                              QStringLiteral("yes"),
                              QStringLiteral("--repl-diskless-sync-delay"),
                              QStringLiteral("0")};
        if (replicaOf)
            arguments << QStringLiteral("--replicaof") << QStringLiteral("127.0.0.1") << QString::number(*replicaOf);
        return m_instances[i].start(m_server,
                                    arguments,
                                    m_instancePorts[i],
                                    QDir(m_dir).filePath(QStringLiteral("instance%1.log").arg(i)));
    }

    int indexOfInstance(quint16 port) const { return m_instancePorts.indexOf(port); }
    quint16 instancePort(int i) const { return m_instancePorts[i]; }
    const QList<quint16> &sentinelPorts() const { return m_sentinelPorts; }
    void kill(int i) { m_instances[i].kill9(); }

    Status setDownAfter(int ms)
    {
        for (const quint16 port : m_sentinelPorts) {
            auto reply = query(port,
                               {QByteArrayLiteral("SENTINEL"),
                                QByteArrayLiteral("SET"),
                                kMaster,
                                QByteArrayLiteral("down-after-milliseconds"),
                                QByteArray::number(ms)});
            if (!reply)
                return std::unexpected(reply.error());
        }
        return {};
    }

    // The master's port when every sentinel agrees on it and sees it and its replica healthy,
    // and both instances agree they are linked. Otherwise nullopt, and why.
    std::optional<quint16> healthyMaster(QString *why) const
    {
        std::optional<quint16> master;
        for (const quint16 sentinel : m_sentinelPorts) {
            auto port = masterPortFrom(sentinel);
            if (!port) {
                *why = port.error().toString();
                return std::nullopt;
            }
            if (master && *master != *port) {
                *why = QStringLiteral("the sentinels disagree on the master (%1, %2)").arg(*master).arg(*port);
                return std::nullopt;
            }
            master = *port;
            auto state = query(sentinel, {QByteArrayLiteral("SENTINEL"), QByteArrayLiteral("MASTER"), kMaster});
            if (!state) {
                *why = state.error().toString();
                return std::nullopt;
            }
            const auto fields = redisFieldMap(state->get());
            if (fields.value("flags") != "master" || fields.value("num-other-sentinels") != "2") {
                *why = QStringLiteral("sentinel %1: master flags '%2', %3 other sentinels")
                           .arg(sentinel)
                           .arg(QString::fromLatin1(fields.value("flags")),
                                QString::fromLatin1(fields.value("num-other-sentinels")));
                return std::nullopt;
            }
            auto replicas = query(sentinel, {QByteArrayLiteral("SENTINEL"), QByteArrayLiteral("REPLICAS"), kMaster});
            if (!replicas) {
                *why = replicas.error().toString();
                return std::nullopt;
            }
            bool replicaOk = false;
            for (std::size_t i = 0; i < (*replicas)->elements; ++i) {
                const auto replica = redisFieldMap((*replicas)->element[i]);
                replicaOk = replicaOk
                            || (replica.value("port").toUShort() != *port && replica.value("flags") == "slave"
                                && replica.value("master-link-status") == "ok");
            }
            if (!replicaOk) {
                *why = QStringLiteral("sentinel %1 does not see a healthy replica of %2").arg(sentinel).arg(*port);
                return std::nullopt;
            }
        }
        const int masterIndex = indexOfInstance(*master);
        if (masterIndex < 0) {
            *why = QStringLiteral("the sentinels name an unknown master %1").arg(*master);
            return std::nullopt;
        }
        const QByteArray masterInfo = infoReplication(*master);
        const QByteArray replicaInfo = infoReplication(m_instancePorts[1 - masterIndex]);
        if (!masterInfo.contains("role:master") || !masterInfo.contains("connected_slaves:1")
            || !masterInfo.contains("state=online") || !replicaInfo.contains("master_link_status:up")) {
            *why = QStringLiteral("the pair is not in sync yet");
            return std::nullopt;
        }
        return master;
    }

    // Flags and configuration epoch of the master as each sentinel sees it.
    QList<QMap<QByteArray, QByteArray>> masterStates() const
    {
        QList<QMap<QByteArray, QByteArray>> states;
        for (const quint16 sentinel : m_sentinelPorts) {
            auto state = query(sentinel, {QByteArrayLiteral("SENTINEL"), QByteArrayLiteral("MASTER"), kMaster});
            states.append(state ? redisFieldMap(state->get()) : QMap<QByteArray, QByteArray>());
        }
        return states;
    }

private:
    QString m_server;
    QString m_dir;
    QList<quint16> m_instancePorts;
    QList<quint16> m_sentinelPorts;
    // Sentinels are declared last so they stop first, before the instances they watch.
    std::array<RedisProcess, 2> m_instances;
    std::array<RedisProcess, 3> m_sentinels;
};

// Waits until the pair is healthy and the writer has written to its master for a while.
std::optional<quint16> waitUntilSteady(const SentinelSetup &setup,
                                       const WriteLog &log,
                                       const FailoverSpec &spec,
                                       QString *why)
{
    std::optional<quint16> master;
    waitFor(kReadyDeadlineMs, [&] {
        master = setup.healthyMaster(why);
        if (master && (log.currentGeneration() != *master || log.durableRun() < spec.settleWrites())) {
            *why = QStringLiteral("the writer has %1 durable writes in a row on port %2 (master: %3); last error: %4")
                       .arg(log.durableRun())
                       .arg(log.currentGeneration())
                       .arg(*master)
                       .arg(log.lastFailure());
            master.reset();
        }
        return master.has_value();
    });
    return master;
}

struct Calibration
{
    std::optional<int> downAfterMs;
    QStringList steps;
};

// The smallest down-after-milliseconds of the ladder under which the healthy master is never
// objectively down and never failed over during the window.
Calibration calibrate(SentinelSetup &setup, const WriteLog &log, const FailoverSpec &spec, QString *why)
{
    Calibration result;
    for (const int downAfterMs : kDownAfterLadderMs) {
        if (auto ok = setup.setDownAfter(downAfterMs); !ok) {
            *why = ok.error().toString();
            return result;
        }
        const std::optional<quint16> master = waitUntilSteady(setup, log, spec, why);
        if (!master)
            return result;
        const auto before = setup.masterStates();
        int sdownSeen = 0;
        bool failedOver = false;
        QString seen;
        const auto end = FailoverClock::now() + std::chrono::milliseconds(spec.calibrationMs);
        while (FailoverClock::now() < end && !failedOver) {
            std::this_thread::sleep_for(kCalibrationPoll);
            const auto states = setup.masterStates();
            for (qsizetype i = 0; i < states.size(); ++i) {
                const QByteArray flags = states[i].value("flags");
                sdownSeen += flags.contains("s_down") ? 1 : 0;
                if (flags.contains("o_down") || flags.contains("failover")
                    || states[i].value("port").toUShort() != *master
                    || states[i].value("config-epoch") != before.value(i).value("config-epoch")) {
                    failedOver = true;
                    seen = QStringLiteral("master flags '%1', port %2, config epoch %3")
                               .arg(QString::fromLatin1(flags), QString::fromLatin1(states[i].value("port")))
                               .arg(QString::fromLatin1(states[i].value("config-epoch")));
                }
            }
        }
        result.steps << QStringLiteral("%1 ms: %2%3")
                            .arg(downAfterMs)
                            .arg(failedOver ? QStringLiteral("failed over a healthy master (%1)").arg(seen)
                                            : QStringLiteral("no failover"))
                            .arg(sdownSeen > 0 ? QStringLiteral(", subjectively down in %1 polls").arg(sdownSeen)
                                               : QString());
        logProgress(QStringLiteral("failover: Sentinel calibration: down-after-milliseconds ") + result.steps.last());
        if (!failedOver) {
            result.downAfterMs = downAfterMs;
            return result;
        }
        // Let the failover Sentinel started (and its 2x failover-timeout hold-off) finish.
        std::this_thread::sleep_for(std::chrono::milliseconds(2 * kFailoverTimeoutMs + 500));
    }
    *why = QStringLiteral("every step of the ladder failed over a healthy master");
    return result;
}

Status readBack(quint16 master, const WriteLog &log, const FailoverSpec &spec, FailoverOutcome &outcome)
{
    auto context = redisConnect(master, 10'000);
    if (!context)
        return std::unexpected(context.error());
    const QList<qint64> indexes = log.durableIndexes();
    constexpr qsizetype kBatch = 1000;
    qint64 lost = 0;
    QStringList examples;
    for (qsizetype start = 0; start < indexes.size(); start += kBatch) {
        const qsizetype end = std::min(indexes.size(), start + kBatch);
        for (qsizetype i = start; i < end; ++i)
            redisAppend(context->get(), {QByteArrayLiteral("GET"), failoverKey(indexes[i]).toUtf8()});
        for (qsizetype i = start; i < end; ++i) {
            auto reply = redisNextReply(context->get());
            if (!reply)
                return std::unexpected(reply.error());
            if ((*reply)->type != REDIS_REPLY_STRING
                || redisText(reply->get()) != failoverValue(indexes[i], spec.valueBytes)) {
                if (++lost <= 5)
                    examples << failoverKey(indexes[i]);
            }
        }
    }
    outcome.lostWrites = lost;
    if (lost > 0)
        outcome.notes << QStringLiteral("Sentinel lost %1 durable writes, e.g. %2")
                             .arg(lost)
                             .arg(examples.join(QStringLiteral(", ")));
    return {};
}

} // namespace

Result<FailoverOutcome> runSentinelFailover(const FailoverSpec &spec)
{
    const QString server = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    const QString sentinel = QStandardPaths::findExecutable(QStringLiteral("redis-sentinel"));
    if (server.isEmpty() || sentinel.isEmpty())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("%1 is not installed (not found in PATH); install the redis-server and "
                                   "redis-sentinel packages to measure this baseline")
                        .arg(server.isEmpty() ? QStringLiteral("redis-server") : QStringLiteral("redis-sentinel")));
    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create a temporary directory: %1").arg(dir.errorString()));

    // Declared after `dir` so the processes stop before their directory is removed.
    SentinelSetup setup;
    if (auto ok = setup.start(server, sentinel, dir.path(), kDownAfterLadderMs.back()); !ok)
        return std::unexpected(ok.error());

    FailoverOutcome outcome;
    outcome.roundsPlanned = spec.rounds;
    WriteLog log;
    const auto writerStarted = FailoverClock::now();
    SentinelWriter writer(setup.sentinelPorts(), spec, log);

    QString why;
    const Calibration calibration = calibrate(setup, log, spec, &why);
    outcome.notes << QStringLiteral("Sentinel calibration, %1 ms per step under the same load without a kill: %2")
                         .arg(spec.calibrationMs)
                         .arg(calibration.steps.join(QStringLiteral("; ")));
    if (!calibration.downAfterMs) {
        writer.stop();
        return fail(ErrorCode::Timeout, QStringLiteral("Sentinel calibration did not finish: %1").arg(why));
    }
    outcome.setup = QStringLiteral("down-after-milliseconds %1, failover-timeout %2")
                        .arg(*calibration.downAfterMs)
                        .arg(kFailoverTimeoutMs);

    std::optional<quint16> expectedMaster;
    auto lastKill = FailoverClock::now();
    int spurious = 0;
    for (int round = 1; round <= spec.rounds; ++round) {
        const std::optional<quint16> master = waitUntilSteady(setup, log, spec, &why);
        if (!master) {
            outcome.stopped = QStringLiteral("round %1: not ready for a kill within %2 ms: %3")
                                  .arg(round)
                                  .arg(kReadyDeadlineMs)
                                  .arg(why);
            break;
        }
        if (expectedMaster && *expectedMaster != *master)
            ++spurious;
        // Sentinel starts no second failover of a master within 2x failover-timeout of the last.
        std::this_thread::sleep_until(lastKill + std::chrono::milliseconds(2 * kFailoverTimeoutMs + 500));

        const int victim = setup.indexOfInstance(*master);
        const auto killedAt = FailoverClock::now();
        setup.kill(victim);
        std::optional<FailoverClock::time_point> firstAck;
        if (!waitFor(kFailoverDeadlineMs, [&] {
                firstAck = log.firstAcceptedAfter(killedAt, *master);
                return firstAck.has_value();
            })) {
            outcome.stopped = QStringLiteral("round %1: killed the master on port %2; no write accepted by another "
                                             "master within %3 ms (last write error: %4)")
                                  .arg(round)
                                  .arg(*master)
                                  .arg(kFailoverDeadlineMs)
                                  .arg(log.lastFailure());
            break;
        }
        lastKill = killedAt;
        const qint64 us = std::chrono::duration_cast<std::chrono::microseconds>(*firstAck - killedAt).count();
        outcome.failoverUs.append(us);
        const quint16 promoted = setup.instancePort(1 - victim);
        logProgress(QStringLiteral("failover: Sentinel round %1/%2: killed port %3, first write accepted on %4 after "
                                   "%5 ms")
                        .arg(round)
                        .arg(spec.rounds)
                        .arg(*master)
                        .arg(promoted)
                        .arg(double(us) / 1000.0, 0, 'f', 1));
        if (auto ok = setup.startInstance(victim, promoted); !ok) {
            outcome.stopped = QStringLiteral("round %1: restarting the killed instance failed: %2")
                                  .arg(round)
                                  .arg(ok.error().toString());
            break;
        }
        expectedMaster = promoted;
    }
    if (spurious > 0)
        outcome.notes << QStringLiteral("Sentinel: the master moved %1 times between rounds without a kill "
                                        "(failovers of a healthy master)")
                             .arg(spurious);

    const std::optional<quint16> master = outcome.stopped.isEmpty() ? waitUntilSteady(setup, log, spec, &why)
                                                                    : std::optional<quint16>();
    writer.stop();
    outcome.writerMs
        = std::chrono::duration_cast<std::chrono::milliseconds>(FailoverClock::now() - writerStarted).count();
    outcome.durableWrites = log.durableIndexes().size();
    outcome.failedWrites = log.failedCount();
    if (!master) {
        outcome.notes << QStringLiteral("Sentinel: writes not read back: %1")
                             .arg(outcome.stopped.isEmpty() ? why : outcome.stopped);
    } else if (auto read = readBack(*master, log, spec, outcome); !read) {
        outcome.notes << QStringLiteral("Sentinel: could not read the durable writes back: %1")
                             .arg(read.error().toString());
    }
    return outcome;
}

#endif // FORESIGHT_HAVE_HIREDIS

} // namespace foresight::bench
