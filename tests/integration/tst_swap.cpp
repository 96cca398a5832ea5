// The swap's state transfer (issue 19, section 3) against real agent processes over CURVE on a
// simulated network: a switchover under concurrent writers loses no acknowledged write and says
// where its pause went; a failure injected at each step (the target killed, a link cut, a
// time-out, a digest that differs) rolls back to the old primary, whose writes resume, with no
// acknowledged write lost.

#include <signal.h>

#include <mutex>

#include <QCborArray>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "enginetesting.h"
#include "transport/channel.h"
#include "transport/wire.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 30000;
const QString kAlpha = QStringLiteral("alpha");
const QString kBravo = QStringLiteral("bravo");

AppConfig testAppConfig()
{
    AppConfig config;
    config.syncReplicas = 1;
    return config;
}

// What the step hook does, once, when the switchover reaches `step`.
enum class Fault { None, KillTarget, CutConsoleFromTarget, CutConsoleFromPrimary, CorruptTarget };

struct Injection
{
    QString step;
    Fault fault = Fault::None;
    std::mutex mutex; // the engine's thread fires it, the test's reads `fired`
    bool fired = false;
};

} // namespace

// A control request as any third-party console would send it, with the cluster's admin key.
Result<protocol::Message> call(
    cluster::LocalCluster &cluster, int agent, protocol::MessageType type, const QCborMap &body, int timeoutMs = 5000)
{
    transport::ChannelOptions options;
    options.url = cluster.listenUrl(agent);
    options.serverPublicKey = cluster.agent(agent).publicKey();
    options.keys = cluster.adminKeys();
    options.insecure = !cluster.curve();
    auto channel = transport::openChannel(transport::sharedClientContext(), options);
    if (!channel)
        return std::unexpected(channel.error());
    return (*channel)->call(type, body, timeoutMs);
}

class TestSwap : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;
    Injection m_injection;
    int m_run = 0;

    // alpha primary, bravo and charlie hot, on a simulated network; an engine whose switchover
    // steps fire m_injection.
    void startDeployed()
    {
        ++m_run;
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster-%1").arg(m_run));
        options.agentNames = {kAlpha, kBravo, QStringLiteral("charlie")};
        options.simulatedNetwork = true;
        options.extraAgentArgs = {QStringLiteral("--allow-fault-injection")};
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);

        failover::ClusterEngineOptions engine;
        engine.config = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}, {2, Tier::Hot}}, testAppConfig());
        engine.keys = m_cluster->adminKeys();
        engine.clock = &m_cluster->clock();
        engine.storePath = m_dir.filePath(QStringLiteral("console-%1.db").arg(m_run));
        engine.onSwitchoverStep = [this](const QString &, const QString &target, const QString &step) {
            inject(target, step);
        };
        auto started = failover::ClusterEngine::start(engine);
        QVERIFY2(started, qPrintable(started ? QString() : started.error().toString()));
        m_engine = std::move(*started);
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(*m_cluster, 0).value(QStringLiteral("writable")).toBool(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(linkCount(*m_cluster, 0), 2, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(engineSeesHot(kBravo), kTimeoutMs);
    }

    // On the engine's thread, as a step begins.
    void inject(const QString &target, const QString &step)
    {
        std::lock_guard lock(m_injection.mutex);
        if (m_injection.fired || m_injection.fault == Fault::None || step != m_injection.step)
            return;
        m_injection.fired = true;
        const int index = m_cluster->indexOf(target);
        sim::SimulatedNetwork &network = *m_cluster->network();
        switch (m_injection.fault) {
        case Fault::None:
            break;
        case Fault::KillTarget:
            ::kill(pid_t(m_cluster->agent(index).pid()), SIGKILL);
            break;
        case Fault::CutConsoleFromTarget:
            (void) network.setPartitioned(sim::SimulatedNetwork::consoleHost(), target, true);
            break;
        case Fault::CutConsoleFromPrimary:
            (void) network.setPartitioned(sim::SimulatedNetwork::consoleHost(), kAlpha, true);
            break;
        case Fault::CorruptTarget: {
            // Bit rot on the target: its position stays, its digest no longer matches.
            auto control = m_cluster->control(index);
            if (control)
                (void) (*control)->injectFault(kTestApp, QStringLiteral("corrupt"));
            break;
        }
        }
    }

    bool injected()
    {
        std::lock_guard lock(m_injection.mutex);
        return m_injection.fired;
    }

    bool engineSeesHot(const QString &agent) const
    {
        const failover::AppView *app = appOf(m_engine->snapshot());
        if (!app)
            return false;
        for (const failover::ReplicaView &replica : app->replicas) {
            if (replica.agent == agent && replica.tier == Tier::Hot)
                return true;
        }
        return false;
    }

    std::optional<storage::JournalEntry> lastSwitchoverEntry() const
    {
        const auto snapshot = m_engine->snapshot();
        std::optional<storage::JournalEntry> last;
        for (const storage::JournalEntry &entry : snapshot->recentJournal) {
            if (entry.kind == QLatin1String("switchover"))
                last = entry;
        }
        return last;
    }

    Result<failover::OperatorOutcome> swapTo(const QString &agent)
    {
        return m_engine->switchover(failover::SwitchoverRequest{kTestApp, agent, false, 0, QStringLiteral("tester")})
            .get();
    }

    // Every acknowledged write is readable, with its value, from the primary the SDK finds now.
    void verifyAcked(const QMap<QString, QByteArray> &acked)
    {
        const QString lost = lostAckedWrites(*m_cluster, acked);
        QVERIFY2(lost.isEmpty(), qPrintable(lost));
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        std::lock_guard lock(m_injection.mutex);
        m_injection.fault = Fault::None;
        m_injection.step.clear();
        m_injection.fired = false;
    }

    void cleanup()
    {
        m_engine.reset();
        m_cluster.reset();
    }

    // Two writers keep writing while the primary swaps to bravo and back: every acknowledged
    // write is readable afterwards, and the journal says where each pause went.
    void swapBackAndForthUnderWritersLosesNothing()
    {
        startDeployed();
        const std::uint64_t firstEpoch = appOf(m_engine->snapshot())->epoch;
        ContinuousWriter writerA(m_cluster->clientOptions(kTestApp), 1);
        ContinuousWriter writerB(m_cluster->clientOptions(kTestApp), 2);
        QTRY_VERIFY_WITH_TIMEOUT(writerA.acked() > 50 && writerB.acked() > 50, kTimeoutMs);

        auto there = swapTo(kBravo);
        QVERIFY2(there, qPrintable(there ? QString() : there.error().toString()));
        QCOMPARE(primaryOf(*m_engine), kBravo);
        const QJsonObject details = there->details;
        for (const char *key : {"pause-ms", "pause-us", "revoke-ms", "catch-up-ms", "digest-ms", "promote-ms"})
            QVERIFY2(details.contains(QLatin1String(key)), key);
        QVERIFY(details.value(QStringLiteral("pause-ms")).toInteger(-1) >= 0);
        // The steps add up to the pause (each is measured between the marks of the one before).
        const double steps = details.value(QStringLiteral("revoke-ms")).toDouble()
                             + details.value(QStringLiteral("catch-up-ms")).toDouble()
                             + details.value(QStringLiteral("digest-ms")).toDouble()
                             + details.value(QStringLiteral("promote-ms")).toDouble();
        QVERIFY2(qAbs(steps * 1000 - details.value(QStringLiteral("pause-us")).toDouble()) < 10,
                 qPrintable(QString::number(steps)));
        const auto entry = lastSwitchoverEntry();
        QVERIFY(entry);
        QVERIFY2(entry->message.contains(QStringLiteral("switched over")), qPrintable(entry->message));
        QVERIFY(entry->details.contains(QStringLiteral("catch-up-ms")));

        // The old primary follows bravo as its hot replica at once; writes resume at the new epoch.
        QTRY_VERIFY_WITH_TIMEOUT(writerA.ackedAtEpochAbove(firstEpoch) > 50
                                     && writerB.ackedAtEpochAbove(firstEpoch) > 50,
                                 kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 0, QStringLiteral("role")), QStringLiteral("replica"), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(engineSeesHot(kAlpha), kTimeoutMs);
        // It kept the state it handed over and follows by log, not by a snapshot of everything.
        QTRY_VERIFY_WITH_TIMEOUT(
            statusOf(*m_cluster, 0).value(QStringLiteral("primary")).toMap().value(QStringLiteral("connected")).toBool(),
            kTimeoutMs);
        QCOMPARE(statusOf(*m_cluster, 0)
                     .value(QStringLiteral("primary"))
                     .toMap()
                     .value(QStringLiteral("catch-up"))
                     .toString(),
                 QStringLiteral("log"));

        auto back = swapTo(kAlpha);
        QVERIFY2(back, qPrintable(back ? QString() : back.error().toString()));
        QCOMPARE(primaryOf(*m_engine), kAlpha);
        const std::uint64_t backEpoch = appOf(m_engine->snapshot())->epoch;
        QVERIFY(backEpoch > firstEpoch + 1);
        QTRY_VERIFY_WITH_TIMEOUT(writerA.ackedAtEpochAbove(backEpoch - 1) > 20
                                     && writerB.ackedAtEpochAbove(backEpoch - 1) > 20,
                                 kTimeoutMs);
        writerA.stop();
        writerB.stop();
        QCOMPARE(writerA.fatal(), QString());
        QMap<QString, QByteArray> acked = writerA.ackedWrites();
        acked.insert(writerB.ackedWrites());
        verifyAcked(acked);
    }

    void failureAtEachStepRollsBack_data()
    {
        QTest::addColumn<QString>("step");
        QTest::addColumn<int>("fault");
        QTest::addColumn<QString>("why");        // in the rollback's message
        QTest::addColumn<QString>("failedStep"); // where the switchover was when it gave up
        const QString revoke = QStringLiteral("revoke");
        const QString catchUp = QStringLiteral("catch-up");
        const QString promote = QStringLiteral("promote");
        const QString inDoubt = QStringLiteral("could not say whether it was promoted");
        QTest::newRow("revoke: target killed") << revoke << int(Fault::KillTarget) << kBravo << catchUp;
        QTest::newRow("catch-up: target killed") << catchUp << int(Fault::KillTarget) << kBravo << catchUp;
        QTest::newRow("catch-up: console cut from target")
            << catchUp << int(Fault::CutConsoleFromTarget) << kBravo << catchUp;
        QTest::newRow("catch-up: target digest differs")
            << catchUp << int(Fault::CorruptTarget) << QStringLiteral("digest") << catchUp;
        QTest::newRow("promote: target killed") << promote << int(Fault::KillTarget) << inDoubt << promote;
        QTest::newRow("promote: console cut from target")
            << promote << int(Fault::CutConsoleFromTarget) << inDoubt << promote;
        QTest::newRow("revoke: console cut from primary")
            << revoke << int(Fault::CutConsoleFromPrimary) << QStringLiteral("primary") << revoke;
    }

    // A fault at one step: the switchover fails, alpha stays (or again becomes) the primary and
    // takes writes, bravo is not primary, and every acknowledged write is readable.
    void failureAtEachStepRollsBack()
    {
        QFETCH(QString, step);
        QFETCH(int, fault);
        QFETCH(QString, why);
        QFETCH(QString, failedStep);
        startDeployed();
        {
            std::lock_guard lock(m_injection.mutex);
            m_injection.step = step;
            m_injection.fault = Fault(fault);
        }
        ContinuousWriter writerA(m_cluster->clientOptions(kTestApp), 1);
        ContinuousWriter writerB(m_cluster->clientOptions(kTestApp), 2);
        QTRY_VERIFY_WITH_TIMEOUT(writerA.acked() > 30 && writerB.acked() > 30, kTimeoutMs);

        auto result = swapTo(kBravo);
        QVERIFY(injected());
        QVERIFY2(!result, "the switchover should have failed");
        QVERIFY2(result.error().message.contains(why), qPrintable(result.error().message));
        m_cluster->network()->healAll();
        QCOMPARE(primaryOf(*m_engine), kAlpha);
        const auto entry = lastSwitchoverEntry();
        QVERIFY(entry);
        QVERIFY2(entry->message.contains(QStringLiteral("rolled back to alpha")), qPrintable(entry->message));
        QCOMPARE(entry->details.value(QStringLiteral("failed-step")).toString(), failedStep);

        // alpha takes writes again: both writers are acknowledged after the rollback.
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(*m_cluster, 0).value(QStringLiteral("writable")).toBool(), kTimeoutMs);
        const int a = writerA.acked();
        const int b = writerB.acked();
        QTRY_VERIFY_WITH_TIMEOUT(writerA.acked() > a + 30 && writerB.acked() > b + 30, kTimeoutMs);
        QCOMPARE(primaryOf(*m_engine), kAlpha);
        QCOMPARE(textOf(*m_cluster, 0, QStringLiteral("role")), QStringLiteral("primary"));
        // bravo never serves as a second primary: whatever it became, it ends up a replica (or dead).
        QTRY_VERIFY_WITH_TIMEOUT(textOf(*m_cluster, 1, QStringLiteral("role")) != QLatin1String("primary"), kTimeoutMs);
        writerA.stop();
        writerB.stop();
        QMap<QString, QByteArray> acked = writerA.ackedWrites();
        acked.insert(writerB.ackedWrites());
        verifyAcked(acked);
    }

    // The agent's side of the protocol a switchover uses (docs/protocol.md 9.1, 9.4, 9.8): a status
    // that waits for a position, a promote refused unless it finds the expected position or when
    // it arrives after a newer epoch, an unfenced primary's epoch raised, a lease reply naming the
    // primary's position.
    void agentSideOfTheSwitchover()
    {
        ++m_run;
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster-%1").arg(m_run));
        options.agentNames = {kAlpha, kBravo};
        auto started = cluster::LocalCluster::start(options);
        QVERIFY2(started, qPrintable(started ? QString() : started.error().toString()));
        cluster::LocalCluster &c = **started;
        QVERIFY(c.deploy(kTestApp, 0, {{1, Tier::Hot}}, testAppConfig()));
        QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 1, kTimeoutMs);
        auto client = c.client(kTestApp);
        QVERIFY(client);
        QCOMPARE(writeMany(**client, QStringLiteral("p"), 20), QString());
        QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 1), 20, kTimeoutMs);
        const QString digest = textOf(c, 0, QStringLiteral("digest"));
        using protocol::MessageType;
        const QString app = QStringLiteral("app");

        // Held: answered when the wait runs out, behind the position asked for.
        QElapsedTimer timer;
        timer.start();
        auto waited = call(c,
                           1,
                           MessageType::Status,
                           {{app, kTestApp}, {QStringLiteral("wait-seq"), 25}, {QStringLiteral("wait-ms"), 300}});
        QVERIFY2(waited, qPrintable(waited ? QString() : waited.error().toString()));
        QVERIFY(timer.elapsed() >= 250);
        const QCborMap held = waited->body.value(QStringLiteral("apps")).toArray().first().toMap();
        QCOMPARE(held.value(QStringLiteral("seq")).toInteger(), 20);
        // Already there: answered at once.
        timer.restart();
        auto there = call(c,
                          1,
                          MessageType::Status,
                          {{app, kTestApp}, {QStringLiteral("wait-seq"), 20}, {QStringLiteral("wait-ms"), 30000}});
        QVERIFY(there);
        QVERIFY(timer.elapsed() < 10000);
        auto unbounded = call(c, 1, MessageType::Status, {{app, kTestApp}, {QStringLiteral("wait-seq"), 20}});
        QVERIFY(!unbounded);
        QCOMPARE(unbounded.error().code, ErrorCode::ProtocolError);

        // A promote that does not find the old primary's final position changes nothing.
        auto behind = call(c,
                           1,
                           MessageType::Promote,
                           {{app, kTestApp}, {QStringLiteral("epoch"), 2}, {QStringLiteral("expect-seq"), 21}});
        QVERIFY(!behind);
        QCOMPARE(behind.error().code, ErrorCode::InvalidArgument);
        auto otherDigest = call(c,
                                1,
                                MessageType::Promote,
                                {{app, kTestApp},
                                 {QStringLiteral("epoch"), 2},
                                 {QStringLiteral("expect-seq"), 20},
                                 {QStringLiteral("expect-digest"), QStringLiteral("0123456789abcdef0123456789abcdef")}});
        QVERIFY(!otherDigest);
        QCOMPARE(otherDigest.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(textOf(c, 1, QStringLiteral("role")), QStringLiteral("replica"));

        // The old primary is reinstated at a higher epoch, keeping its replica link; the replica
        // learns that epoch at once, and a promote meant for it that comes late is stale.
        auto raised = call(c,
                           0,
                           MessageType::Promote,
                           {{app, kTestApp}, {QStringLiteral("epoch"), 3}, {QStringLiteral("expect-seq"), 20}});
        QVERIFY2(raised, qPrintable(raised ? QString() : raised.error().toString()));
        QCOMPARE(raised->body.value(QStringLiteral("epoch")).toInteger(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(c, 1).value(QStringLiteral("epoch")).toInteger(), 3, kTimeoutMs);
        auto late = call(c,
                         1,
                         MessageType::Promote,
                         {{app, kTestApp},
                          {QStringLiteral("epoch"), 2},
                          {QStringLiteral("expect-seq"), 20},
                          {QStringLiteral("expect-digest"), digest}});
        QVERIFY(!late);
        QCOMPARE(late.error().code, ErrorCode::StaleEpoch);
        QCOMPARE(textOf(c, 1, QStringLiteral("role")), QStringLiteral("replica"));
        QCOMPARE(linkCount(c, 0), 1);
        auto again = (*client)->put(QStringLiteral("after"), "1");
        QVERIFY2(again, qPrintable(again ? QString() : again.error().toString()));
        QCOMPARE(qint64(again->epoch), 3);

        // The lease reply names the primary's position, and whether it still takes writes: an
        // application without write leases (leaseMs 0, as here) does after a revoke, so a
        // switchover must not take that position for a final one.
        auto lease = call(c,
                          0,
                          MessageType::Lease,
                          {{app, kTestApp}, {QStringLiteral("epoch"), 3}, {QStringLiteral("lease-ms"), 0}});
        QVERIFY2(lease, qPrintable(lease ? QString() : lease.error().toString()));
        QCOMPARE(lease->body.value(QStringLiteral("seq")).toInteger(), 21);
        QCOMPARE(lease->body.value(QStringLiteral("digest")).toString(), textOf(c, 0, QStringLiteral("digest")));
        QCOMPARE(lease->body.value(QStringLiteral("writable")).toBool(), true);
    }

    // The target lags (its replication link is cut while writes go on through charlie): it cannot
    // reach the primary's final position, and the switchover times out and rolls back.
    void laggingTargetTimesOutAndRollsBack()
    {
        startDeployed();
        ContinuousWriter writer(m_cluster->clientOptions(kTestApp), 1);
        QTRY_VERIFY_WITH_TIMEOUT(writer.acked() > 30, kTimeoutMs);
        QVERIFY(m_cluster->network()->setPartitioned(kAlpha, kBravo, true));
        const qint64 bravoSeq = seqOf(*m_cluster, 1);
        QTRY_VERIFY_WITH_TIMEOUT(seqOf(*m_cluster, 0) > bravoSeq + 10, kTimeoutMs);

        auto result = swapTo(kBravo);
        QVERIFY2(!result, "the switchover should have timed out");
        QCOMPARE(result.error().code, ErrorCode::Timeout);
        QVERIFY2(result.error().message.contains(QStringLiteral("did not catch up")),
                 qPrintable(result.error().message));
        const auto entry = lastSwitchoverEntry();
        QVERIFY(entry);
        QCOMPARE(entry->details.value(QStringLiteral("failed-step")).toString(), QStringLiteral("catch-up"));
        QCOMPARE(primaryOf(*m_engine), kAlpha);
        const int before = writer.acked();
        QTRY_VERIFY_WITH_TIMEOUT(writer.acked() > before + 30, kTimeoutMs);
        QCOMPARE(textOf(*m_cluster, 1, QStringLiteral("role")), QStringLiteral("replica"));
        QVERIFY(m_cluster->network()->setPartitioned(kAlpha, kBravo, false));
        writer.stop();
        verifyAcked(writer.ackedWrites());
    }
};

QTEST_GUILESS_MAIN(TestSwap)
#include "tst_swap.moc"
