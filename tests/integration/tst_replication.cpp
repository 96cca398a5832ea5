// Replication across tiers with real agent processes over CURVE on loopback.

#include <QCborArray>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/cluster/localcluster.h"

using namespace foresight;

class TestReplication : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyTierReportsThePrimaryDigest();
};

void TestReplication::everyTierReportsThePrimaryDigest()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().message));
    cluster::LocalCluster &c = **cluster;

    AppConfig config;
    config.critical = {QStringLiteral("session/*")};
    config.snapshotIntervalMs = 200;
    auto deployed = c.deploy(QStringLiteral("shop"), 0, {{1, Tier::Hot}, {2, Tier::Warm}, {3, Tier::Cold}}, config);
    QVERIFY2(deployed, qPrintable(deployed ? QString() : deployed.error().message));

    auto client = c.client(QStringLiteral("shop"));
    QVERIFY(client);
    // Hot replicas must be connected before replicated writes can be acknowledged.
    QTRY_VERIFY_WITH_TIMEOUT(c.appStatus(0, QStringLiteral("shop"))->value(QStringLiteral("replicas")).toArray().size()
                                 == 3,
                             10000);
    const int writes = 500;
    for (int i = 0; i < writes; ++i) {
        const QString key = (i % 3 == 0 ? QStringLiteral("session/%1") : QStringLiteral("cart/%1")).arg(i % 97);
        auto receipt = (*client)->put(key, QByteArray::number(i).repeated(10));
        QVERIFY2(receipt, qPrintable(receipt ? QString() : receipt.error().message));
        QCOMPARE(receipt->seq, std::uint64_t(i + 1));
    }
    auto removed = (*client)->remove(QStringLiteral("cart/1"));
    QVERIFY(removed);

    const QCborMap primary = *c.appStatus(0, QStringLiteral("shop"));
    const qint64 seq = primary.value(QStringLiteral("seq")).toInteger();
    QCOMPARE(seq, writes + 1);
    const QString digest = primary.value(QStringLiteral("digest")).toString();
    const QString criticalDigest = primary.value(QStringLiteral("critical-digest")).toString();
    QVERIFY(digest != criticalDigest);

    // Hot: the full state at the primary's sequence.
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(1, QStringLiteral("shop"))->value(QStringLiteral("seq")).toInteger(),
                              seq,
                              10000);
    QCOMPARE(c.appStatus(1, QStringLiteral("shop"))->value(QStringLiteral("digest")).toString(), digest);
    // Warm: the critical keys, at the same position; the others as the primary's scheduler sends
    // them, which on this fast link is soon: then it holds the whole state.
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(2, QStringLiteral("shop"))->value(QStringLiteral("seq")).toInteger(),
                              seq,
                              10000);
    QCOMPARE(c.appStatus(2, QStringLiteral("shop"))->value(QStringLiteral("critical-digest")).toString(),
             criticalDigest);
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(2, QStringLiteral("shop"))->value(QStringLiteral("digest")).toString(),
                              digest,
                              10000);
    // Cold: a durable snapshot at the primary's sequence.
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(3, QStringLiteral("shop"))
                                  ->value(QStringLiteral("stored-snapshot"))
                                  .toMap()
                                  .value(QStringLiteral("seq"))
                                  .toInteger(),
                              seq,
                              10000);
    QCOMPARE(c.appStatus(3, QStringLiteral("shop"))
                 ->value(QStringLiteral("stored-snapshot"))
                 .toMap()
                 .value(QStringLiteral("digest"))
                 .toString(),
             digest);

    // The primary's usage profile counted every write and every get it served, with the client;
    // replicas keep none.
    for (int i = 0; i < 10; ++i)
        QVERIFY((*client)->get(QStringLiteral("session/0")));
    const QCborMap usage = c.appStatus(0, QStringLiteral("shop"))->value(QStringLiteral("usage")).toMap();
    QCOMPARE(usage.value(QStringLiteral("accesses")).toInteger(), writes + 1 + 10);
    QCOMPARE(usage.value(QStringLiteral("tracked-keys")).toInteger(), 2 * 97); // session/0..96 and cart/0..96
    QVERIFY(usage.value(QStringLiteral("bytes")).toInteger() <= usage.value(QStringLiteral("budget-bytes")).toInteger());
    QVERIFY(!c.appStatus(1, QStringLiteral("shop"))->contains(QStringLiteral("usage")));
    // A demoted primary drops its profile with its role.
    QVERIFY(c.assignReplica(QStringLiteral("shop"), 0, Tier::Hot, 1, config));
    const QCborMap demoted = *c.appStatus(0, QStringLiteral("shop"));
    QCOMPARE(demoted.value(QStringLiteral("role")).toString(), QStringLiteral("replica"));
    QVERIFY(!demoted.contains(QStringLiteral("usage")));
}

QTEST_GUILESS_MAIN(TestReplication)
#include "tst_replication.moc"
