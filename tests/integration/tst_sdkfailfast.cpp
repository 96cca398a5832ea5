// An SDK write in flight when its primary is killed fails over at once, not after the request
// time-out: real agent processes, SDK over unix://, ipc:// and tcp:// with CURVE, with the write on
// an established connection and with the connection still in its handshake.

#include <atomic>
#include <chrono>
#include <thread>

#include <sys/syscall.h>
#include <unistd.h>

#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "foresight/cluster/localcluster.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

const QString &kApp = testing::kTestApp;
constexpr int kTimeoutMs = 15000;
// Far above what the test allows for the failover: with a time-out, not a failed connection,
// telling the client that its primary died, the write would take a minute.
constexpr int kClientTimeoutMs = 60000;
constexpr int kFailoverBudgetMs = 20000;
const QString kKey = QStringLiteral("cart/in-flight");
const QByteArray kValue = "written while the primary died";

template<typename T>
QString why(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

QString why(const Status &status)
{
    return status ? QString() : status.error().toString();
}

// The writer thread's side. Its client is created and used on that thread only.
struct Writer
{
    enum Stage { Starting, Ready, Writing, Done };
    std::atomic<int> stage{Starting};
    std::atomic<int> tid{0};
    std::atomic<bool> go{false}; // a warm writer waits for it between its two writes
    // Written by the writer before stage becomes Done, read by the test after that.
    QString error;
    sdk::WriteReceipt receipt;
    QString agentUrl;
    std::chrono::steady_clock::time_point doneAt;
};

void runWriter(Writer &writer, sdk::ClientOptions options, bool warm)
{
    writer.tid = int(gettid());
    const auto finish = qScopeGuard([&] { writer.stage = Writer::Done; });
    auto client = sdk::Client::connect(options);
    if (!client) {
        writer.error = client.error().toString();
        return;
    }
    if (warm) {
        auto first = (*client)->put(QStringLiteral("cart/warm-up"), "1");
        if (!first) {
            writer.error = QStringLiteral("warm-up write: ") + first.error().toString();
            return;
        }
        writer.stage = Writer::Ready;
        writer.go.wait(false);
    }
    writer.stage = Writer::Writing;
    // Ack::Primary: once promoted, the old hot replica has no hot replica of its own to wait for.
    auto receipt = (*client)->put(kKey, kValue, sdk::Ack::Primary);
    writer.doneAt = std::chrono::steady_clock::now();
    writer.agentUrl = (*client)->currentAgentUrl();
    if (receipt)
        writer.receipt = *receipt;
    else
        writer.error = receipt.error().toString();
}

// Whether thread tid of this process is blocked in poll(2): where the SDK's channel waits,
// after it has sent its request. So the request is in flight, not about to be sent.
bool waitsInPoll(int tid)
{
    QFile file(QStringLiteral("/proc/self/task/%1/syscall").arg(tid));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    bool ok = false;
    const long number = file.readAll().split(' ').value(0).trimmed().toLong(&ok);
#ifdef SYS_poll
    if (ok && number == SYS_poll)
        return true;
#endif
    return ok && number == SYS_ppoll;
}

} // namespace

class TestSdkFailFast : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeInFlightMovesToThePromotedReplica_data();
    void writeInFlightMovesToThePromotedReplica();
};

void TestSdkFailFast::writeInFlightMovesToThePromotedReplica_data()
{
    using Endpoint = cluster::LocalCluster::Options::SdkEndpoint;
    QTest::addColumn<Endpoint>("endpoint");
    QTest::addColumn<bool>("warm"); // the client wrote before the primary froze
    QTest::newRow("unix, connection established") << Endpoint::Unix << true;
    // A frozen agent never accepts: the kernel queues the connection, the hello waits.
    QTest::newRow("unix, hello pending") << Endpoint::Unix << false;
    QTest::newRow("ipc, connection established") << Endpoint::Ipc << true;
    QTest::newRow("tcp with CURVE, connection established") << Endpoint::Tcp << true;
    QTest::newRow("tcp with CURVE, handshake pending") << Endpoint::Tcp << false;
}

void TestSdkFailFast::writeInFlightMovesToThePromotedReplica()
{
    QFETCH(cluster::LocalCluster::Options::SdkEndpoint, endpoint);
    QFETCH(bool, warm);

    // Declared before the cluster, so that on any early return the agents are gone before the
    // writer is joined: its put then gives up within its failover time-out instead of waiting
    // on a frozen agent.
    Writer writer;
    std::thread thread;
    const auto joinWriter = qScopeGuard([&] {
        writer.go = true;
        writer.go.notify_one();
        if (thread.joinable())
            thread.join();
    });

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    options.sdkEndpoint = endpoint;
    auto started = cluster::LocalCluster::start(options);
    QVERIFY2(started, qPrintable(why(started)));
    cluster::LocalCluster &c = **started;

    AppConfig config;
    config.syncReplicas = 1;
    const auto deployed = c.deploy(kApp, 0, {{1, Tier::Hot}}, config);
    QVERIFY2(deployed, qPrintable(why(deployed)));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 1, kTimeoutMs);

    sdk::ClientOptions clientOptions = c.clientOptions(kApp);
    clientOptions.requestTimeoutMs = kClientTimeoutMs;
    clientOptions.failoverTimeoutMs = kClientTimeoutMs;
    clientOptions.name = QStringLiteral("failfast");

    // A frozen primary answers nothing, so the write hangs. A cold client's first request (its
    // hello) even hangs in the handshake: the kernel accepted the connection, the agent never
    // reads it.
    if (!warm)
        c.agent(0).freeze();
    thread = std::thread(runWriter, std::ref(writer), clientOptions, warm);
    if (warm) {
        QTRY_VERIFY_WITH_TIMEOUT(writer.stage != Writer::Starting, kTimeoutMs);
        QVERIFY2(writer.stage == Writer::Ready, qPrintable(writer.error));
        c.agent(0).freeze();
        writer.go = true;
        writer.go.notify_one();
    }
    QTRY_VERIFY_WITH_TIMEOUT(writer.stage == Writer::Writing && waitsInPoll(writer.tid), kTimeoutMs);

    const auto killedAt = std::chrono::steady_clock::now();
    c.agent(0).kill(); // SIGKILL
    auto ctl = c.control(1);
    QVERIFY2(ctl, qPrintable(why(ctl)));
    auto promoted = (*ctl)->promote(kApp);
    QVERIFY2(promoted, qPrintable(why(promoted)));
    const qint64 newEpoch = promoted->value(QStringLiteral("epoch")).toInteger();
    QVERIFY(newEpoch > 1);

    QTRY_VERIFY_WITH_TIMEOUT(writer.stage == Writer::Done, kFailoverBudgetMs);
    thread.join();
    QVERIFY2(writer.error.isEmpty(), qPrintable(writer.error));
    QCOMPARE(qint64(writer.receipt.epoch), newEpoch);
    QCOMPARE(writer.agentUrl, c.agent(1).sdkUrl());
    qInfo("from the kill to the write acknowledged by the promoted replica: %lld ms",
          qint64(std::chrono::duration_cast<std::chrono::milliseconds>(writer.doneAt - killedAt).count()));

    auto reader = clientOf(c, {1}, 3000, kTimeoutMs);
    QVERIFY2(reader, qPrintable(why(reader)));
    auto read = (*reader)->get(kKey);
    QVERIFY2(read, qPrintable(why(read)));
    QCOMPARE(read->value.value_or(QByteArray()), kValue);
}

QTEST_GUILESS_MAIN(TestSdkFailFast)
#include "tst_sdkfailfast.moc"
