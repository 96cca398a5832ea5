// The engine says why it cannot watch an agent, instead of showing only silence: an agent whose
// allowlist lacks the console's key, a wrong public key for an agent in the configuration, and an
// address where no agent listens. Real agents over CURVE on loopback.

#include <QTemporaryDir>
#include <QTest>

#include "enginetesting.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 30000;

QString errorOf(const failover::ClusterEngine &engine, const QString &agent)
{
    const auto snapshot = engine.snapshot();
    const failover::AgentView *view = snapshot ? snapshot->agent(agent) : nullptr;
    return view ? view->error : QString();
}

} // namespace

class TestAgentLinks : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;

    std::unique_ptr<failover::ClusterEngine> startEngine(config::ClusterConfig config, const transport::KeyPair &keys)
    {
        failover::ClusterEngineOptions options;
        options.config = std::move(config);
        options.keys = keys;
        options.storePath = m_dir.filePath(
            QStringLiteral("console-%1.db").arg(QString::fromLatin1(QTest::currentTestFunction())));
        options.deploy = false;
        auto engine = failover::ClusterEngine::start(options);
        if (!engine)
            qWarning().noquote() << "cannot start the engine:" << engine.error().toString();
        return engine ? std::move(*engine) : nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster"));
        options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);
    }

    void cleanupTestCase() { m_cluster.reset(); }

    void aConsoleKeyTheAgentsDoNotAllowIsNamed()
    {
        auto stranger = transport::generateKeyPair();
        QVERIFY(stranger);
        auto engine = startEngine(clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}}), *stranger);
        QVERIFY(engine);
        QTRY_VERIFY_WITH_TIMEOUT(errorOf(*engine, QStringLiteral("alpha"))
                                     .contains(QStringLiteral("refused this console's key")),
                                 kTimeoutMs);
        QVERIFY2(errorOf(*engine, QStringLiteral("alpha")).contains(QStringLiteral("allowlist")),
                 qPrintable(errorOf(*engine, QStringLiteral("alpha"))));
        QVERIFY(!engine->snapshot()->agent(QStringLiteral("alpha"))->heard);
    }

    void aWrongPublicKeyForAnAgentIsNamed()
    {
        config::ClusterConfig config = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}});
        config.agents[1].publicKey = config.agents[0].publicKey; // bravo configured with alpha's key
        auto engine = startEngine(config, m_cluster->adminKeys());
        QVERIFY(engine);
        QTRY_VERIFY_WITH_TIMEOUT(errorOf(*engine, QStringLiteral("bravo")).contains(QStringLiteral("public key")),
                                 kTimeoutMs);
        // alpha, configured right, is watched as usual.
        QTRY_VERIFY_WITH_TIMEOUT(engine->snapshot()->agent(QStringLiteral("alpha"))->heard, kTimeoutMs);
        QCOMPARE(errorOf(*engine, QStringLiteral("alpha")), QString());
    }

    void anAddressWithoutAnAgentIsNamed()
    {
        config::ClusterConfig config = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}});
        config.agents[1].url = QStringLiteral("tcp://127.0.0.1:9"); // discard: nobody listens
        auto engine = startEngine(config, m_cluster->adminKeys());
        QVERIFY(engine);
        QTRY_VERIFY_WITH_TIMEOUT(errorOf(*engine, QStringLiteral("bravo")).contains(QStringLiteral("no agent answers")),
                                 kTimeoutMs);
    }
};

QTEST_GUILESS_MAIN(TestAgentLinks)
#include "tst_agentlinks.moc"
