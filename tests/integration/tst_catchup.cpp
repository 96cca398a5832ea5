// Replica catch-up with real agent processes over CURVE on loopback: after a kill and restart
// (from the delta log or by snapshot, hot and warm), after a freeze, and a cold replica that
// restarts from its SQLite snapshot.

#include <QCborArray>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "foresight/cluster/localcluster.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

const QString &kApp = testing::kTestApp;
constexpr int kTimeoutMs = 15000;

QCborMap storedSnapshotOf(const cluster::LocalCluster &cluster, int agent)
{
    return statusOf(cluster, agent).value(QStringLiteral("stored-snapshot")).toMap();
}

std::unique_ptr<cluster::LocalCluster> startCluster(const QTemporaryDir &dir, const QStringList &names, QString *error)
{
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = names;
    auto cluster = cluster::LocalCluster::start(options);
    if (!cluster) {
        *error = cluster.error().toString();
        return nullptr;
    }
    return std::move(*cluster);
}

AppConfig testConfig()
{
    AppConfig config;
    config.critical = {QStringLiteral("session/*")};
    config.syncReplicas = 1;
    config.snapshotIntervalMs = 200;
    return config;
}

} // namespace

class TestCatchUp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void restartedReplicaCatchesUp_data();
    void restartedReplicaCatchesUp();
    void frozenReplicaCatchesUpAfterThaw();
    void coldReplicaRestartsFromItsStoredSnapshot();
};

void TestCatchUp::restartedReplicaCatchesUp_data()
{
    QTest::addColumn<Tier>("tier");
    QTest::addColumn<int>("logMaxDeltas");
    QTest::addColumn<QString>("expectedMode");
    // The outage spans 120 writes: a log of 50 deltas no longer covers the restarted replica.
    QTest::newRow("hot, log") << Tier::Hot << 100'000 << QStringLiteral("log");
    QTest::newRow("hot, snapshot") << Tier::Hot << 50 << QStringLiteral("snapshot");
    QTest::newRow("warm, log") << Tier::Warm << 100'000 << QStringLiteral("log");
    QTest::newRow("warm, snapshot") << Tier::Warm << 50 << QStringLiteral("snapshot");
}

// A replica killed while writes continue comes back empty (roles are not persisted); re-assigned,
// it catches up and reports the primary's digest (warm: the critical digest) at its sequence.
void TestCatchUp::restartedReplicaCatchesUp()
{
    QFETCH(Tier, tier);
    QFETCH(int, logMaxDeltas);
    QFETCH(QString, expectedMode);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    auto cluster = startCluster(dir,
                                {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")},
                                &error);
    QVERIFY2(cluster, qPrintable(error));
    cluster::LocalCluster &c = *cluster;
    const int primary = 0;
    const int subject = 2; // charlie; bravo stays up as the hot replica that acknowledges writes

    AppConfig config = testConfig();
    config.logMaxDeltas = logMaxDeltas;
    auto deployed = c.deploy(kApp, primary, {{1, Tier::Hot}, {subject, tier}}, config);
    QVERIFY2(deployed, qPrintable(deployed ? QString() : deployed.error().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, primary), 2, kTimeoutMs);

    auto client = c.client(kApp);
    QVERIFY(client);
    error = writeMany(**client, QStringLiteral("before/"), 100);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, subject), 100, kTimeoutMs);

    c.agent(subject).kill();
    error = writeMany(**client, QStringLiteral("during/"), 120);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    auto restarted = c.agent(subject).restart();
    QVERIFY2(restarted, qPrintable(restarted ? QString() : restarted.error().toString()));
    auto assigned = c.assignReplica(kApp, subject, tier, primary, config);
    QVERIFY2(assigned, qPrintable(assigned ? QString() : assigned.error().toString()));
    // Writes go on while it catches up.
    error = writeMany(**client, QStringLiteral("after/"), 60);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const QCborMap primaryStatus = statusOf(c, primary);
    const qint64 seq = primaryStatus.value(QStringLiteral("seq")).toInteger();
    QCOMPARE(seq, 280);
    const QString digestField = tier == Tier::Hot ? QStringLiteral("digest") : QStringLiteral("critical-digest");
    const QString digest = primaryStatus.value(digestField).toString();
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, subject), seq, kTimeoutMs);
    const QCborMap subjectStatus = statusOf(c, subject);
    // A warm replica's critical keys come in order; the rest as the primary schedules them.
    QCOMPARE(subjectStatus.value(digestField).toString(), digest);
    QCOMPARE(subjectStatus.value(QStringLiteral("primary")).toMap().value(QStringLiteral("catch-up")).toString(),
             expectedMode);
    QCOMPARE(counterOf(subjectStatus, QStringLiteral("catch-ups")), 1); // one join, no resynchronisation

    // The primary sees the same: the link's mode, and the replica's acknowledged digest.
    QCOMPARE(linkOf(c, primary, QStringLiteral("charlie")).value(QStringLiteral("mode")).toString(), expectedMode);
    QTRY_COMPARE_WITH_TIMEOUT(linkOf(c, primary, QStringLiteral("charlie"))
                                  .value(QStringLiteral("acked-digest"))
                                  .toString(),
                              digest,
                              kTimeoutMs);
    QCOMPARE(counterOf(statusOf(c, primary), QStringLiteral("snapshots-sent")),
             expectedMode == QLatin1String("snapshot") ? 1 : 0);
}

// A frozen (SIGSTOP) hot replica neither applies nor acknowledges while writes go on through the
// other hot replica; thawed, it catches up to the primary's digest.
void TestCatchUp::frozenReplicaCatchesUpAfterThaw()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    auto cluster = startCluster(dir,
                                {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")},
                                &error);
    QVERIFY2(cluster, qPrintable(error));
    cluster::LocalCluster &c = *cluster;

    auto deployed = c.deploy(kApp, 0, {{1, Tier::Hot}, {2, Tier::Hot}}, testConfig());
    QVERIFY(deployed);
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 2, kTimeoutMs);
    auto client = c.client(kApp);
    QVERIFY(client);
    error = writeMany(**client, QStringLiteral("before/"), 50);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 2), 50, kTimeoutMs);

    c.agent(2).freeze();
    error = writeMany(**client, QStringLiteral("frozen/"), 300);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QCborMap frozen = linkOf(c, 0, QStringLiteral("charlie"));
    QVERIFY(!frozen.isEmpty());
    QVERIFY2(frozen.value(QStringLiteral("acked-seq")).toInteger() <= 50, "a frozen replica acknowledged writes");
    QCOMPARE(frozen.value(QStringLiteral("lag")).toInteger() >= 300, true);

    c.agent(2).thaw();
    const QCborMap primaryStatus = statusOf(c, 0);
    const qint64 seq = primaryStatus.value(QStringLiteral("seq")).toInteger();
    QCOMPARE(seq, 350);
    const QString digest = primaryStatus.value(QStringLiteral("digest")).toString();
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 2), seq, kTimeoutMs);
    QCOMPARE(statusOf(c, 2).value(QStringLiteral("digest")).toString(), digest);
    QTRY_COMPARE_WITH_TIMEOUT(linkOf(c, 0, QStringLiteral("charlie")).value(QStringLiteral("acked-seq")).toInteger(),
                              seq,
                              kTimeoutMs);
    QCOMPARE(linkOf(c, 0, QStringLiteral("charlie")).value(QStringLiteral("acked-digest")).toString(), digest);
    // And it follows the live stream again.
    error = writeMany(**client, QStringLiteral("thawed/"), 10);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 2), seq + 10, kTimeoutMs);
    QCOMPARE(statusOf(c, 2).value(QStringLiteral("digest")).toString(),
             statusOf(c, 0).value(QStringLiteral("digest")).toString());
}

// A cold replica keeps its snapshots in SQLite: restarted and re-assigned, it holds its stored
// snapshot before anything arrives from the primary (which, at the same position, sends none),
// then stores the primary's next snapshots.
void TestCatchUp::coldReplicaRestartsFromItsStoredSnapshot()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    auto cluster = startCluster(dir,
                                {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")},
                                &error);
    QVERIFY2(cluster, qPrintable(error));
    cluster::LocalCluster &c = *cluster;
    const AppConfig config = testConfig();

    auto deployed = c.deploy(kApp, 0, {{1, Tier::Hot}, {2, Tier::Cold}}, config);
    QVERIFY(deployed);
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 2, kTimeoutMs);
    auto client = c.client(kApp);
    QVERIFY(client);
    error = writeMany(**client, QStringLiteral("before/"), 100);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString digest = statusOf(c, 0).value(QStringLiteral("digest")).toString();
    QTRY_COMPARE_WITH_TIMEOUT(storedSnapshotOf(c, 2).value(QStringLiteral("seq")).toInteger(), 100, kTimeoutMs);
    QCOMPARE(storedSnapshotOf(c, 2).value(QStringLiteral("digest")).toString(), digest);
    const qint64 sentBefore = counterOf(statusOf(c, 0), QStringLiteral("snapshots-sent"));
    QVERIFY(sentBefore >= 1);

    c.agent(2).kill();
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 1, kTimeoutMs); // the primary noticed
    auto restarted = c.agent(2).restart();
    QVERIFY2(restarted, qPrintable(restarted ? QString() : restarted.error().toString()));
    auto assigned = c.assignReplica(kApp, 2, Tier::Cold, 0, config);
    QVERIFY2(assigned, qPrintable(assigned ? QString() : assigned.error().toString()));

    // Loaded from SQLite by the assignment itself: this process has stored nothing yet.
    QCborMap cold = statusOf(c, 2);
    QCOMPARE(cold.value(QStringLiteral("stored-snapshot")).toMap().value(QStringLiteral("seq")).toInteger(), 100);
    QCOMPARE(cold.value(QStringLiteral("stored-snapshot")).toMap().value(QStringLiteral("digest")).toString(), digest);
    QCOMPARE(cold.value(QStringLiteral("seq")).toInteger(), 100);
    QCOMPARE(cold.value(QStringLiteral("digest")).toString(), digest);
    QCOMPARE(counterOf(cold, QStringLiteral("snapshots-stored")), 0);

    // Once it has rejoined (and acknowledged its position), the primary has sent it nothing.
    QTRY_COMPARE_WITH_TIMEOUT(linkOf(c, 0, QStringLiteral("charlie")).value(QStringLiteral("acked-seq")).toInteger(),
                              100,
                              kTimeoutMs);
    QCOMPARE(linkOf(c, 0, QStringLiteral("charlie")).value(QStringLiteral("acked-digest")).toString(), digest);
    QCOMPARE(counterOf(statusOf(c, 0), QStringLiteral("snapshots-sent")), sentBefore);
    QCOMPARE(counterOf(statusOf(c, 2), QStringLiteral("snapshots-stored")), 0);

    // Then it follows again.
    error = writeMany(**client, QStringLiteral("after/"), 50);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString newDigest = statusOf(c, 0).value(QStringLiteral("digest")).toString();
    QTRY_COMPARE_WITH_TIMEOUT(storedSnapshotOf(c, 2).value(QStringLiteral("seq")).toInteger(), 150, kTimeoutMs);
    QCOMPARE(storedSnapshotOf(c, 2).value(QStringLiteral("digest")).toString(), newDigest);
    QVERIFY(counterOf(statusOf(c, 2), QStringLiteral("snapshots-stored")) >= 1);
}

QTEST_GUILESS_MAIN(TestCatchUp)
#include "tst_catchup.moc"
