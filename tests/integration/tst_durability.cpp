// The durability acceptance test: kill -9 the primary while several clients write and wait for
// acknowledgements, promote the hot replica, and check that every acknowledged write is on the new
// primary. Real agent processes over CURVE on loopback.

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include <QCborArray>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "foresight/cluster/localcluster.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

const QString &kApp = testing::kTestApp;
constexpr int kWriters = 4;
constexpr int kAckedBeforeKill = 400; // across all writers
constexpr int kAckedAfterFailover = 200;
constexpr int kTimeoutMs = 30000;

struct AckedWrite
{
    QString key;
    QByteArray value;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;
};

// One writer's record, read by the main thread only after the writer has been joined.
struct WriterLog
{
    QList<AckedWrite> acked;
    std::map<ErrorCode, int> failures; // writes not acknowledged, by error
    int attempts = 0;
    QString fatal;
};

struct Progress
{
    std::atomic<int> acked{0};
    std::atomic<int> ackedAfterFailover{0}; // acknowledged at an epoch above the first primary's
};

// A writer thread: its own client, created and used on this thread. A write counts as
// acknowledged only when put() returns a receipt: the primary answered write-ack, which with
// Ack::Replicated means syncReplicas hot replicas had applied it. Every error (time-out while the
// primary is dead, not-enough-replicas while the new primary has no hot replica yet, not-primary,
// fenced) means "not acknowledged": such a write may or may not survive, and is not counted.
void writeUntilStopped(std::stop_token stop, sdk::ClientOptions options, int writer, Progress &progress, WriterLog &log)
{
    options.name = QStringLiteral("writer-%1").arg(writer);
    auto client = sdk::Client::connect(options);
    if (!client) {
        log.fatal = client.error().toString();
        return;
    }
    for (int i = 0; !stop.stop_requested(); ++i) {
        // Unique keys, and values that say which write made them.
        const QString key = QStringLiteral("w%1/%2").arg(writer).arg(i);
        const QByteArray value = QStringLiteral("writer %1 write %2").arg(writer).arg(i).toUtf8();
        ++log.attempts;
        auto receipt = (*client)->put(key, value, sdk::Ack::Replicated);
        if (!receipt) {
            ++log.failures[receipt.error().code];
            continue;
        }
        log.acked.append(AckedWrite{key, value, receipt->epoch, receipt->seq});
        progress.acked.fetch_add(1);
        if (receipt->epoch > 1)
            progress.ackedAfterFailover.fetch_add(1);
    }
}

} // namespace

class TestDurability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedWritesSurviveKillingThePrimary();
};

void TestDurability::acknowledgedWritesSurviveKillingThePrimary()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};
    auto started = cluster::LocalCluster::start(options);
    QVERIFY2(started, qPrintable(started ? QString() : started.error().toString()));
    cluster::LocalCluster &c = **started;

    // alpha primary, bravo its one hot replica (syncReplicas 1: every acknowledged write is on
    // bravo), charlie a warm replica that becomes the new primary's hot replica after failover.
    AppConfig config;
    config.critical = {QStringLiteral("w0/*")};
    config.syncReplicas = 1;
    config.ackTimeoutMs = 500;
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(c, 0).value(QStringLiteral("replicas")).toArray().size(), 2, kTimeoutMs);

    sdk::ClientOptions clientOptions = c.clientOptions(kApp);
    clientOptions.requestTimeoutMs = 1000; // above ackTimeoutMs: a pending write is answered, not abandoned
    clientOptions.failoverTimeoutMs = 10000;
    Progress progress;
    std::vector<WriterLog> logs(kWriters);
    std::vector<std::jthread> writers; // declared after what they use: joined first on any exit
    for (int w = 0; w < kWriters; ++w)
        writers.emplace_back(writeUntilStopped, clientOptions, w, std::ref(progress), std::ref(logs[std::size_t(w)]));

    QTRY_VERIFY_WITH_TIMEOUT(progress.acked.load() >= kAckedBeforeKill, kTimeoutMs);
    // Kill at the riskiest moment: the hot replica is frozen, so every writer has a write that
    // alpha applied and sent towards bravo but may not acknowledge yet.
    c.agent(1).freeze();
    const int ackedAtFreeze = progress.acked.load();
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(c, 0).value(QStringLiteral("pending-writes")).toInteger(), kWriters, kTimeoutMs);
    c.agent(0).kill(); // SIGKILL
    const int ackedAtKill = progress.acked.load();
    // Only acknowledgements already on their way when bravo stopped: replicated writes wait for it.
    QVERIFY2(ackedAtKill - ackedAtFreeze <= kWriters,
             qPrintable(QStringLiteral("%1 writes acknowledged while the only hot replica was frozen")
                            .arg(ackedAtKill - ackedAtFreeze)));
    c.agent(1).thaw();

    auto ctl = c.control(1);
    QVERIFY(ctl);
    auto promoted = (*ctl)->promote(kApp);
    QVERIFY2(promoted, qPrintable(promoted ? QString() : promoted.error().toString()));
    const qint64 newEpoch = promoted->value(QStringLiteral("epoch")).toInteger();
    QVERIFY(newEpoch > 1);
    // The new primary needs a hot replica before replicated writes can be acknowledged again.
    QVERIFY(c.assignReplica(kApp, 2, Tier::Hot, 1, config));

    QTRY_VERIFY_WITH_TIMEOUT(progress.ackedAfterFailover.load() >= kAckedAfterFailover, kTimeoutMs);
    for (std::jthread &writer : writers)
        writer.request_stop();
    writers.clear(); // joins

    // Read every acknowledged write back from the new primary.
    sdk::ClientOptions readerOptions = c.clientOptions(kApp);
    readerOptions.agents = {readerOptions.agents.at(1)}; // bravo only: reads must come from it
    auto reader = sdk::Client::connect(readerOptions);
    QVERIFY(reader);
    int acknowledged = 0;
    int lost = 0;
    int ackedBeforeFailover = 0;
    std::map<ErrorCode, int> failures;
    QStringList examples;
    for (const WriterLog &log : logs) {
        QVERIFY2(log.fatal.isEmpty(), qPrintable(log.fatal));
        for (const auto &[code, count] : log.failures)
            failures[code] += count;
        for (const AckedWrite &write : log.acked) {
            ++acknowledged;
            if (write.epoch == 1)
                ++ackedBeforeFailover;
            auto read = (*reader)->get(write.key);
            QVERIFY2(read, qPrintable(read ? QString() : read.error().toString()));
            QCOMPARE(qint64(read->epoch), newEpoch);
            if (read->value != write.value) {
                ++lost;
                if (examples.size() < 5)
                    examples.append(
                        QStringLiteral("%1 (epoch %2, seq %3)").arg(write.key).arg(write.epoch).arg(write.seq));
            }
        }
    }
    QStringList failureText;
    for (const auto &[code, count] : failures)
        failureText.append(QStringLiteral("%1 %2").arg(count).arg(errorCodeName(code)));
    qInfo("acknowledged %d, lost %d", acknowledged, lost);
    qInfo("%d acknowledged by the first primary (%d when it was killed), %d by the new one at epoch %lld; "
          "not acknowledged: %s",
          ackedBeforeFailover,
          ackedAtKill,
          acknowledged - ackedBeforeFailover,
          newEpoch,
          qPrintable(failureText.isEmpty() ? QStringLiteral("none") : failureText.join(QStringLiteral(", "))));
    QVERIFY2(lost == 0, qPrintable(QStringLiteral("lost: ") + examples.join(QStringLiteral(", "))));
    QCOMPARE(lost, 0);
    QVERIFY(ackedBeforeFailover >= ackedAtKill);
    QVERIFY(acknowledged - ackedBeforeFailover >= kAckedAfterFailover);

    // The new primary's hot replica holds the same state.
    const QCborMap bravo = statusOf(c, 1);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(c, 2).value(QStringLiteral("digest")).toString(),
                              statusOf(c, 1).value(QStringLiteral("digest")).toString(),
                              kTimeoutMs);
    QCOMPARE(bravo.value(QStringLiteral("epoch")).toInteger(), newEpoch);
}

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"
