// Heartbeats from real agents: a console subscribes and receives them at the interval it asked
// for, with every application's positions; a frozen agent falls silent (its heartbeats come from
// its own loop, not from ZeroMQ's I/O thread) and resumes when thawed; only admins subscribe.

#include <QCborArray>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/cluster/localcluster.h"
#include "foresight/metrics/hostmetrics.h"
#include "foresight/monitor/agentwatch.h"

using namespace foresight;

namespace {

monitor::AgentWatch::Options watchOptions(cluster::LocalCluster &cluster, int index, const transport::KeyPair &keys)
{
    monitor::AgentWatch::Options options;
    options.url = cluster.agent(index).listenUrl();
    options.serverPublicKey = cluster.agent(index).publicKey();
    options.keys = keys;
    options.intervalMs = 50;
    options.ttlMs = 1500;
    return options;
}

// Polls until `count` heartbeats arrived or `ms` passed.
QList<monitor::Heartbeat> collect(monitor::AgentWatch &watch, int count, int ms)
{
    QList<monitor::Heartbeat> all;
    QElapsedTimer timer;
    timer.start();
    while (all.size() < count && timer.elapsed() < ms) {
        auto got = watch.poll(50);
        if (got)
            all.append(*got);
    }
    return all;
}

} // namespace

class TestHeartbeats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void subscriberReceivesHeartbeatsWithPositions();
    void frozenAgentFallsSilentAndResumes();
    void onlyAdminsMaySubscribe();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
};

void TestHeartbeats::initTestCase()
{
    cluster::LocalCluster::Options options;
    options.workDir = m_dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, cluster ? "" : qPrintable(cluster.error().message));
    m_cluster = std::move(*cluster);
    QVERIFY(m_cluster->deploy(QStringLiteral("shop"), 0, {{1, Tier::Hot}}));
}

void TestHeartbeats::cleanupTestCase()
{
    m_cluster.reset();
}

void TestHeartbeats::subscriberReceivesHeartbeatsWithPositions()
{
    auto watch = monitor::AgentWatch::start(watchOptions(*m_cluster, 0, m_cluster->adminKeys()));
    QVERIFY(watch);
    const QList<monitor::Heartbeat> heartbeats = collect(**watch, 12, 10000);
    QVERIFY2(heartbeats.size() >= 12, qPrintable((*watch)->subscribeError()));
    QVERIFY((*watch)->subscribeError().isEmpty());
    for (qsizetype i = 1; i < heartbeats.size(); ++i)
        QVERIFY(heartbeats[i].seq > heartbeats[i - 1].seq);
    const monitor::Heartbeat &last = heartbeats.last();
    QCOMPARE(last.agent, QStringLiteral("alpha"));
    QCOMPARE(last.intervalMs, 50);
    QVERIFY(last.uptimeMs > 0);
    // Real host metrics, read by the agent from /proc.
    QVERIFY2(last.hostError.isEmpty(), qPrintable(last.hostError));
    auto host = metrics::HostMetrics::fromCbor(last.host);
    QVERIFY2(host.has_value(), host ? "" : qPrintable(host.error().message));
    QVERIFY(host->memTotalBytes > 0);
    QVERIFY(host->cpuBusy >= 0.0 && host->cpuBusy <= 1.0);
    QCOMPARE(last.apps.size(), 1);
    QCOMPARE(last.apps.first().value(QStringLiteral("app")).toString(), QStringLiteral("shop"));
    QCOMPARE(last.apps.first().value(QStringLiteral("role")).toString(), QStringLiteral("primary"));

    // Positions move with writes: the next heartbeats show the primary's new sequence number.
    auto client = m_cluster->client(QStringLiteral("shop"));
    QVERIFY(client);
    QTRY_VERIFY_WITH_TIMEOUT((*client)->put(QStringLiteral("k"), "v").has_value(), 10000);
    const qint64 seq = m_cluster->appStatus(0, QStringLiteral("shop"))->value(QStringLiteral("seq")).toInteger();
    QVERIFY(seq >= 1);
    bool seen = false;
    QElapsedTimer timer;
    timer.start();
    while (!seen && timer.elapsed() < 5000) {
        for (const monitor::Heartbeat &heartbeat : collect(**watch, 1, 200))
            seen = seen || heartbeat.apps.first().value(QStringLiteral("seq")).toInteger() == seq;
    }
    QVERIFY(seen);
}

void TestHeartbeats::frozenAgentFallsSilentAndResumes()
{
    auto watch = monitor::AgentWatch::start(watchOptions(*m_cluster, 1, m_cluster->adminKeys()));
    QVERIFY(watch);
    QVERIFY(collect(**watch, 3, 10000).size() >= 3);
    const std::uint64_t before = collect(**watch, 1, 5000).value(0).seq;
    QVERIFY(before > 0);

    m_cluster->agent(1).freeze();
    // Drain whatever was already on the wire, then nothing more may come for a while.
    collect(**watch, 1000, 300);
    const QList<monitor::Heartbeat> whileFrozen = collect(**watch, 1, 600);
    m_cluster->agent(1).thaw();
    QVERIFY2(whileFrozen.isEmpty(), "a frozen agent must not send heartbeats");

    const QList<monitor::Heartbeat> after = collect(**watch, 3, 10000);
    QVERIFY(after.size() >= 3);
    QVERIFY(after.last().seq > before);
}

void TestHeartbeats::onlyAdminsMaySubscribe()
{
    auto watch = monitor::AgentWatch::start(watchOptions(*m_cluster, 0, m_cluster->clientKeys()));
    QVERIFY(watch);
    QVERIFY(collect(**watch, 1, 1000).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(((*watch)->poll(50), (*watch)->subscribeError().startsWith(QStringLiteral("unauthorized"))),
                             5000);
}

QTEST_GUILESS_MAIN(TestHeartbeats)
#include "tst_heartbeats.moc"
