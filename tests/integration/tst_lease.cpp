// Write leases: a primary with leaseMs > 0 takes writes (and serves reads) only while its
// console's lease lasts, measured on its own clock. A primary frozen past its lease cannot
// acknowledge anything when it wakes, even though nobody told it that it was replaced.

#include <QCborArray>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/cluster/localcluster.h"

using namespace foresight;

namespace {

const QString kApp = QStringLiteral("shop");

std::unique_ptr<sdk::Client> clientOf(LocalCluster &cluster, int agent, int failoverTimeoutMs)
{
    sdk::ClientOptions options = cluster.clientOptions(kApp);
    options.agents = {options.agents.at(agent)};
    options.failoverTimeoutMs = failoverTimeoutMs;
    auto client = sdk::Client::connect(options);
    return client ? std::move(*client) : nullptr;
}

} // namespace

class TestLease : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesNeedALease();
    void frozenPrimaryPastItsLeaseRefusesWrites();
    void pendingWritesFailWhenTheLeaseRunsOut();
};

void TestLease::writesNeedALease()
{
    QTemporaryDir dir;
    LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = LocalCluster::start(options);
    QVERIFY(cluster);
    LocalCluster &c = **cluster;
    AppConfig config;
    config.leaseMs = 1000;
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(0, kApp)->value(QStringLiteral("replicas")).toArray().size(), 1, 10000);

    auto client = clientOf(c, 0, 300);
    QVERIFY(client);
    auto refused = client->put(QStringLiteral("k"), "v");
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::Fenced);
    QVERIFY2(refused.error().message.contains(QStringLiteral("lease")), qPrintable(refused.error().message));
    QCOMPARE(c.appStatus(0, kApp)->value(QStringLiteral("writable")).toBool(), false);
    QCOMPARE(c.appStatus(0, kApp)->value(QStringLiteral("seq")).toInteger(), 0); // nothing applied

    auto ctl = c.control(0);
    QVERIFY(ctl);
    // A lease names its epoch: one for another epoch is refused.
    auto wrongEpoch = (*ctl)->grantLease(kApp, 7, 5000);
    QVERIFY(!wrongEpoch);
    QCOMPARE(wrongEpoch.error().code, ErrorCode::StaleEpoch);
    QVERIFY((*ctl)->grantLease(kApp, 1, 5000));
    QVERIFY(c.appStatus(0, kApp)->value(QStringLiteral("writable")).toBool());
    QVERIFY(c.appStatus(0, kApp)->value(QStringLiteral("lease-left-ms")).toInteger() > 0);
    auto accepted = client->put(QStringLiteral("k"), "v");
    QVERIFY2(accepted, accepted ? "" : qPrintable(accepted.error().message));
    auto read = client->get(QStringLiteral("k"));
    QVERIFY(read && read->value == QByteArray("v"));
}

void TestLease::frozenPrimaryPastItsLeaseRefusesWrites()
{
    QTemporaryDir dir;
    LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};
    auto cluster = LocalCluster::start(options);
    QVERIFY(cluster);
    LocalCluster &c = **cluster;
    AppConfig config;
    config.leaseMs = 400;
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}, {2, Tier::Hot}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(0, kApp)->value(QStringLiteral("replicas")).toArray().size(), 2, 10000);
    auto ctl = c.control(0);
    QVERIFY(ctl);
    QVERIFY((*ctl)->grantLease(kApp, 1, config.leaseMs));
    QElapsedTimer sinceGrant;
    sinceGrant.start();
    auto oldClient = clientOf(c, 0, 300);
    QVERIFY(oldClient);
    QVERIFY(oldClient->put(QStringLiteral("before"), "1"));

    // The primary freezes; its console stops renewing, waits out the lease on its own clock (the
    // rule that makes promotion safe), then promotes a hot replica with a lease of its own.
    c.agent(0).freeze();
    QTRY_VERIFY_WITH_TIMEOUT(sinceGrant.elapsed() > config.leaseMs + 100, 5000);
    auto ctl1 = c.control(1);
    QVERIFY(ctl1);
    auto promoted = (*ctl1)->promote(kApp, std::nullopt, 10000);
    QVERIFY(promoted);
    QCOMPARE(promoted->value(QStringLiteral("epoch")).toInteger(), 2);
    QVERIFY(c.assignReplica(kApp, 2, Tier::Hot, 1, config));

    // The old primary wakes up believing it is primary: it must refuse, with no one telling it.
    c.agent(0).thaw();
    auto stale = oldClient->put(QStringLiteral("after"), "stale");
    QVERIFY(!stale);
    QCOMPARE(stale.error().code, ErrorCode::Fenced);
    const QCborMap old = *c.appStatus(0, kApp);
    QCOMPARE(old.value(QStringLiteral("writable")).toBool(), false);
    QCOMPARE(old.value(QStringLiteral("lease-left-ms")).toInteger(), 0);

    // Clients that know every agent carry on at the new primary.
    auto client = c.client(kApp, 10000);
    QVERIFY(client);
    QTRY_VERIFY_WITH_TIMEOUT((*client)->put(QStringLiteral("after"), "2").has_value(), 10000);
    auto read = (*client)->get(QStringLiteral("before"));
    QVERIFY(read && read->value == QByteArray("1"));
    QCOMPARE(read->epoch, std::uint64_t(2));
}

void TestLease::pendingWritesFailWhenTheLeaseRunsOut()
{
    QTemporaryDir dir;
    LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = LocalCluster::start(options);
    QVERIFY(cluster);
    LocalCluster &c = **cluster;
    AppConfig config;
    config.leaseMs = 300;
    config.ackTimeoutMs = 5000; // longer than the lease: the lease must be what ends the wait
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(0, kApp)->value(QStringLiteral("replicas")).toArray().size(), 1, 10000);
    auto ctl = c.control(0);
    QVERIFY(ctl);
    c.agent(1).freeze(); // the hot replica cannot acknowledge
    QVERIFY((*ctl)->grantLease(kApp, 1, config.leaseMs));
    auto client = clientOf(c, 0, 1000);
    QVERIFY(client);
    QElapsedTimer timer;
    timer.start();
    auto pending = client->put(QStringLiteral("k"), "v");
    c.agent(1).thaw();
    QVERIFY(!pending);
    QCOMPARE(pending.error().code, ErrorCode::Fenced);
    QVERIFY2(timer.elapsed() < config.ackTimeoutMs, "the lease, not the ack timeout, ended the wait");
    QCOMPARE(c.appStatus(0, kApp)
                 ->value(QStringLiteral("counters"))
                 .toMap()
                 .value(QStringLiteral("acked-writes"))
                 .toInteger(),
             0);
}

QTEST_GUILESS_MAIN(TestLease)
#include "tst_lease.moc"
