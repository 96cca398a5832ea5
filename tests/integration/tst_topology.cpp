// Topology awareness against real agent processes over CURVE on loopback: agents measure round
// trips and bandwidth to each other, the engine moves a hot replica off a distant host (a
// delaying TCP proxy in front of it) under write load without losing an acknowledged write,
// hysteresis keeps the tier in place among near-equal hosts, and a primary refuses to let go of
// a hot replica that alone holds acknowledged writes.

#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "enginetesting.h"
#include "foresight/control/controlclient.h"
#include "foresight/storage/consolestore.h"
#include "tcpproxy.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 30000;
constexpr int kDistantDelayMs = 15; // one way: a round trip through the proxy takes >= 30 ms

AppConfig testAppConfig()
{
    AppConfig config;
    config.critical = {QStringLiteral("session/*")};
    config.syncReplicas = 1;
    return config;
}

const monitor::PeerLinkReport *linkBetween(const failover::ClusterSnapshot &snapshot,
                                           const QString &from,
                                           const QString &to)
{
    const failover::AgentView *agent = snapshot.agent(from);
    if (!agent)
        return nullptr;
    for (const monitor::PeerLinkReport &peer : agent->peers) {
        if (peer.agent == to)
            return &peer;
    }
    return nullptr;
}

QString hotReplicaOf(const cluster::LocalCluster &cluster, int primary)
{
    QStringList hot;
    for (const QCborValue &link : statusOf(cluster, primary).value(QStringLiteral("replicas")).toArray()) {
        if (link.toMap().value(QStringLiteral("tier")).toString() == QLatin1String("hot"))
            hot.append(link.toMap().value(QStringLiteral("agent")).toString());
    }
    return hot.size() == 1 ? hot.first() : hot.join(QLatin1Char('+'));
}

} // namespace

class TestTopology : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;
    int m_run = 0;

    QString storePath() const { return m_dir.filePath(QStringLiteral("console-%1.db").arg(m_run)); }

    void startCluster()
    {
        ++m_run;
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster-%1").arg(m_run));
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);
    }

    bool journalHas(const QString &kind, const QString &text) const
    {
        auto store = storage::ConsoleStore::open(storePath());
        if (!store)
            return false;
        auto entries = (*store)->journal(0, 100000);
        if (!entries)
            return false;
        for (const storage::JournalEntry &entry : *entries) {
            if (entry.kind == kind && entry.message.contains(text))
                return true;
        }
        return false;
    }

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    void cleanup()
    {
        m_engine.reset();
        m_cluster.reset();
    }

    void hotReplicaMovesOffADistantHostWithoutLoss()
    {
        startCluster();
        // bravo is "far away": everything sent to it waits kDistantDelayMs in each direction.
        TcpProxy distant(TcpProxy::portOf(m_cluster->agent(1).listenUrl()));
        QVERIFY(distant.isListening());
        distant.setDelayMs(kDistantDelayMs);
        config::ClusterConfig config
            = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, testAppConfig(), {{1, distant.url()}});
        config.topology.probeIntervalMs = 100;
        config.topology.bandwidthProbeIntervalMs = 1000;
        config.topology.holdMs = 1500;
        config.topology.cooldownMs = 600'000;
        m_engine = startTestEngine(*m_cluster, config, storePath());
        QVERIFY(m_engine);
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);

        ContinuousWriter writerA(m_cluster->clientOptions(kTestApp), 1);
        ContinuousWriter writerB(m_cluster->clientOptions(kTestApp), 2);
        QTRY_VERIFY_WITH_TIMEOUT(writerA.acked() > 50 && writerB.acked() > 50, kTimeoutMs);

        // The agents' own measurements, as heartbeats carry them: the proxy's delay shows in
        // alpha's round trip to bravo and not in its round trip to charlie; bandwidth is measured.
        const auto rtt = [this](const QString &from, const QString &to) {
            const auto snapshot = m_engine->snapshot();
            const monitor::PeerLinkReport *link = snapshot ? linkBetween(*snapshot, from, to) : nullptr;
            return link && link->rttMs ? *link->rttMs : -1.0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(rtt(QStringLiteral("alpha"), QStringLiteral("bravo")) >= 2 * kDistantDelayMs,
                                 kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(rtt(QStringLiteral("alpha"), QStringLiteral("charlie")) >= 0, kTimeoutMs);
        QVERIFY2(rtt(QStringLiteral("alpha"), QStringLiteral("charlie")) < kDistantDelayMs,
                 qPrintable(QString::number(rtt(QStringLiteral("alpha"), QStringLiteral("charlie")))));
        QTRY_VERIFY_WITH_TIMEOUT(
            [this] {
                const auto snapshot = m_engine->snapshot();
                const monitor::PeerLinkReport *link = linkBetween(*snapshot,
                                                                  QStringLiteral("alpha"),
                                                                  QStringLiteral("charlie"));
                return link && link->bandwidthBytesPerS && *link->bandwidthBytesPerS > 0;
            }(),
            kTimeoutMs);

        // The engine moves the hot replica to charlie or delta (both next door), and bravo
        // stops being hot: it takes the mover's old tier (warm) or is released.
        QTRY_VERIFY2_WITH_TIMEOUT(journalHas(QStringLiteral("topology"),
                                             QStringLiteral("moving the hot replica from bravo")),
                                  qPrintable(appOf(m_engine->snapshot())->topology),
                                  kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(journalHas(QStringLiteral("topology"), QStringLiteral("done")), kTimeoutMs);
        const QString newHot = hotReplicaOf(*m_cluster, 0);
        QVERIFY2(newHot == QLatin1String("charlie") || newHot == QLatin1String("delta"), qPrintable(newHot));
        QTRY_VERIFY_WITH_TIMEOUT(textOf(*m_cluster, 1, QStringLiteral("tier")) != QLatin1String("hot"), kTimeoutMs);
        if (newHot == QLatin1String("charlie")) // bravo took over the warm tier
            QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 1, QStringLiteral("tier")), QStringLiteral("warm"), kTimeoutMs);

        // Writes went on throughout, and none that was acknowledged is missing.
        const int before = writerA.acked() + writerB.acked();
        QTRY_VERIFY_WITH_TIMEOUT(writerA.acked() + writerB.acked() > before + 100, kTimeoutMs);
        writerA.stop();
        writerB.stop();
        QCOMPARE(writerA.fatal(), QString());
        QMap<QString, QByteArray> acked = writerA.ackedWrites();
        acked.insert(writerB.ackedWrites());
        auto client = m_cluster->client(kTestApp);
        QVERIFY2(client, qPrintable(client ? QString() : client.error().toString()));
        int lost = 0;
        for (auto it = acked.begin(); it != acked.end(); ++it) {
            auto read = (*client)->get(it.key());
            QVERIFY2(read, qPrintable(read ? QString() : read.error().toString()));
            lost += read->value && *read->value == it.value() ? 0 : 1;
        }
        QCOMPARE(lost, 0);

        // Hysteresis: the hot replica now sits next door among near-equal hosts, and status says
        // why it stays (sub-millisecond differences are far below the 2 ms a move needs).
        QTRY_VERIFY_WITH_TIMEOUT(
            [this] {
                const auto snapshot = m_engine->snapshot();
                const QString topology = appOf(snapshot)->topology;
                return topology.contains(QStringLiteral("closest hosts")) || topology.contains(QStringLiteral("below"));
            }(),
            kTimeoutMs);
        QCOMPARE(hotReplicaOf(*m_cluster, 0), newHot);
        const auto snapshot = m_engine->snapshot();
        for (const failover::ReplicaView &replica : appOf(snapshot)->replicas) {
            if (replica.agent == newHot)
                QVERIFY2(replica.rttMs >= 0 && replica.rttMs < kDistantDelayMs,
                         qPrintable(QString::number(replica.rttMs)));
        }
    }

    void primaryKeepsAHotReplicaThatAloneHoldsAcknowledgedWrites()
    {
        startCluster();
        QVERIFY(m_cluster->deploy(kTestApp, 0, {{1, Tier::Hot}}, testAppConfig()));
        QTRY_VERIFY_WITH_TIMEOUT(!linkOf(*m_cluster, 0, QStringLiteral("bravo")).isEmpty(), kTimeoutMs);
        auto client = m_cluster->client(kTestApp);
        QVERIFY2(client, qPrintable(client ? QString() : client.error().toString()));
        QCOMPARE(writeMany(**client, QStringLiteral("a"), 20), QString());

        auto alpha = m_cluster->control(0);
        QVERIFY2(alpha, qPrintable(alpha ? QString() : alpha.error().toString()));
        // bravo is the only hot replica: without it no write could be acknowledged.
        auto refused = (*alpha)->release(kTestApp, QStringLiteral("bravo"));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::NotEnoughReplicas);
        QVERIFY2(refused.error().message.contains(QStringLiteral("0 other hot replicas")),
                 qPrintable(refused.error().message));
        QVERIFY(!linkOf(*m_cluster, 0, QStringLiteral("bravo")).isEmpty());
        // A serving primary is never released.
        auto self = (*alpha)->release(kTestApp);
        QVERIFY(!self);
        QVERIFY2(self.error().message.contains(QStringLiteral("is primary")), qPrintable(self.error().message));

        // With charlie hot as well and caught up, bravo may go; then bravo drops the replica.
        QVERIFY(m_cluster->assignReplica(kTestApp, 2, Tier::Hot, 0, testAppConfig()));
        QTRY_VERIFY_WITH_TIMEOUT(linkOf(*m_cluster, 0, QStringLiteral("charlie"))
                                         .value(QStringLiteral("acked-seq"))
                                         .toInteger()
                                     == seqOf(*m_cluster, 0),
                                 kTimeoutMs);
        auto released = (*alpha)->release(kTestApp, QStringLiteral("bravo"));
        QVERIFY2(released, qPrintable(released ? QString() : released.error().toString()));
        QVERIFY(linkOf(*m_cluster, 0, QStringLiteral("bravo")).isEmpty());
        auto bravo = m_cluster->control(1);
        QVERIFY2(bravo, qPrintable(bravo ? QString() : bravo.error().toString()));
        QVERIFY((*bravo)->release(kTestApp));
        auto gone = m_cluster->appStatus(1, kTestApp);
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, ErrorCode::NotFound);
        // Writes are acknowledged by charlie alone now.
        QCOMPARE(writeMany(**client, QStringLiteral("b"), 20), QString());
        QCOMPARE(linkCount(*m_cluster, 0), 1);
    }

    void peerListsAreValidated_data()
    {
        QTest::addColumn<QCborArray>("peers");
        QTest::addColumn<int>("intervalMs");
        QTest::addColumn<QString>("error");
        const QCborMap good{{QStringLiteral("agent"), QStringLiteral("x")},
                            {QStringLiteral("url"), QStringLiteral("ipc:///tmp/none")}};
        QTest::newRow("interval too short") << QCborArray{good} << 5 << QStringLiteral("interval-ms must be");
        QTest::newRow("no url") << QCborArray{QCborMap{{QStringLiteral("agent"), QStringLiteral("x")}}} << 1000
                                << QStringLiteral("peers[0] needs agent and url");
        QTest::newRow("bad scheme") << QCborArray{QCborMap{{QStringLiteral("agent"), QStringLiteral("x")},
                                                           {QStringLiteral("url"), QStringLiteral("http://x")}}}
                                    << 1000 << QStringLiteral("must be tcp://HOST:PORT or ipc://PATH");
        QTest::newRow("tcp without key") << QCborArray{QCborMap{{QStringLiteral("agent"), QStringLiteral("x")},
                                                                {QStringLiteral("url"),
                                                                 QStringLiteral("tcp://127.0.0.1:9")}}}
                                         << 1000 << QStringLiteral("needs public-key");
    }
    void peerListsAreValidated()
    {
        QFETCH(QCborArray, peers);
        QFETCH(int, intervalMs);
        QFETCH(QString, error);
        if (!m_cluster)
            startCluster();
        auto alpha = m_cluster->control(0);
        QVERIFY2(alpha, qPrintable(alpha ? QString() : alpha.error().toString()));
        auto reply = (*alpha)->setPeers(peers, intervalMs);
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(reply.error().message.contains(error), qPrintable(reply.error().message));
        // The agent carries on.
        QVERIFY((*alpha)->hello());
    }
};

QTEST_GUILESS_MAIN(TestTopology)
#include "tst_topology.moc"
