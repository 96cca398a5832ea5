// Promotion and fencing with real agent processes over CURVE on loopback: epochs rise, clients
// follow the new primary, and a demoted or stale primary refuses writes.

#include <QCborArray>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "foresight/cluster/localcluster.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

const QString &kApp = testing::kTestApp;
constexpr int kTimeoutMs = 10000;

std::unique_ptr<cluster::LocalCluster> startCluster(const QTemporaryDir &dir, QString *error)
{
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};
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
    config.ackTimeoutMs = 1000;
    return config;
}

Result<QCborMap> promote(const cluster::LocalCluster &cluster, int agent)
{
    auto ctl = cluster.control(agent);
    if (!ctl)
        return std::unexpected(ctl.error());
    return (*ctl)->promote(kApp);
}

} // namespace

class TestFencing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void promotionRaisesTheEpochAndClientsFollow();
    void demotedPrimaryRefusesWrites();
    void clientWithNewerEpochIsRefusedByTheOldPrimary();
    void replicaWithNewerEpochFencesTheOldPrimary();
    void replicaAheadOnAnOldEpoch_data();
    void replicaAheadOnAnOldEpoch();
};

// The primary dies; the hot replica is promoted at a higher epoch with the same state, and a client
// that wrote to the old primary finds the new one by itself.
void TestFencing::promotionRaisesTheEpochAndClientsFollow()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    auto cluster = startCluster(dir, &error);
    QVERIFY2(cluster, qPrintable(error));
    cluster::LocalCluster &c = *cluster;
    const AppConfig config = testConfig();
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 2, kTimeoutMs);

    auto client = clientOf(c, {0, 1, 2}, 500, 10000);
    QVERIFY(client);
    error = writeMany(**client, QStringLiteral("a/"), 30);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QCborMap old = statusOf(c, 0);
    const qint64 oldEpoch = old.value(QStringLiteral("epoch")).toInteger();
    QCOMPARE(oldEpoch, 1);
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 1), 30, kTimeoutMs);

    c.agent(0).kill();
    auto promoted = promote(c, 1);
    QVERIFY2(promoted, qPrintable(promoted ? QString() : promoted.error().toString()));
    const qint64 newEpoch = promoted->value(QStringLiteral("epoch")).toInteger();
    QVERIFY(newEpoch > oldEpoch);
    QCOMPARE(promoted->value(QStringLiteral("seq")).toInteger(), 30);
    QCOMPARE(promoted->value(QStringLiteral("digest")).toString(), old.value(QStringLiteral("digest")).toString());
    QCOMPARE(promoted->value(QStringLiteral("former-tier")).toString(), QStringLiteral("hot"));
    // Promoting it twice is refused: it is an unfenced primary now.
    auto again = promote(c, 1);
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::InvalidArgument);

    // The warm replica becomes the new primary's hot replica, so replicated writes can be acknowledged.
    QVERIFY(c.assignReplica(kApp, 2, Tier::Hot, 1, config));
    auto receipt = (*client)->put(QStringLiteral("cart/after"), "1");
    QVERIFY2(receipt, qPrintable(receipt ? QString() : receipt.error().toString()));
    QCOMPARE(qint64(receipt->epoch), newEpoch);
    QCOMPARE(qint64(receipt->seq), 31);
    QCOMPARE((*client)->currentAgentUrl(), c.agent(1).sdkUrl());
    QVERIFY((*client)->redirects() >= 1);
    const QCborMap bravo = statusOf(c, 1);
    QCOMPARE(bravo.value(QStringLiteral("role")).toString(), QStringLiteral("primary"));
    QCOMPARE(bravo.value(QStringLiteral("epoch")).toInteger(), newEpoch);
    QCOMPARE(bravo.value(QStringLiteral("seq-epoch")).toInteger(), newEpoch); // the last change is the new epoch's
    QVERIFY(bravo.value(QStringLiteral("writable")).toBool());
    auto read = (*client)->get(QStringLiteral("cart/a/1"));
    QVERIFY(read);
    QCOMPARE(read->value, std::optional<QByteArray>("a/1"));
    QTRY_COMPARE_WITH_TIMEOUT(textOf(c, 2, QStringLiteral("digest")),
                              textOf(c, 1, QStringLiteral("digest")),
                              kTimeoutMs);
    QCOMPARE(statusOf(c, 2).value(QStringLiteral("epoch")).toInteger(), newEpoch);
}

// The old primary, demoted to a hot replica of the new one, refuses writes with not-primary; a
// client that knows the new primary follows the demoted agent's redirect straight to it.
void TestFencing::demotedPrimaryRefusesWrites()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    auto cluster = startCluster(dir, &error);
    QVERIFY2(cluster, qPrintable(error));
    cluster::LocalCluster &c = *cluster;
    const AppConfig config = testConfig();
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 2, kTimeoutMs);
    auto first = clientOf(c, {0}, 500, 1000);
    QVERIFY(first);
    error = writeMany(**first, QStringLiteral("a/"), 20);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 1), 20, kTimeoutMs);

    auto promoted = promote(c, 1);
    QVERIFY(promoted);
    const qint64 newEpoch = promoted->value(QStringLiteral("epoch")).toInteger();
    QVERIFY(newEpoch > 1);
    QVERIFY(c.assignReplica(kApp, 0, Tier::Hot, 1, config));  // demote alpha
    QVERIFY(c.assignReplica(kApp, 2, Tier::Warm, 1, config)); // re-point charlie
    QTRY_VERIFY_WITH_TIMEOUT(
        statusOf(c, 0).value(QStringLiteral("primary")).toMap().value(QStringLiteral("connected")).toBool(), kTimeoutMs);
    const QCborMap alpha = statusOf(c, 0);
    QCOMPARE(alpha.value(QStringLiteral("role")).toString(), QStringLiteral("replica"));
    QCOMPARE(alpha.value(QStringLiteral("writable")).toBool(), false);
    QCOMPARE(alpha.value(QStringLiteral("epoch")).toInteger(), newEpoch);
    const qint64 alphaWrites = counterOf(alpha, QStringLiteral("writes"));

    // A client that knows only the demoted agent: refused, with not-primary, and nothing applied.
    auto only = clientOf(c, {0}, 300, 600);
    QVERIFY(only);
    auto refused = (*only)->put(QStringLiteral("cart/refused"), "x");
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::NotPrimary);
    auto refusedRead = (*only)->get(QStringLiteral("cart/a/1"));
    QVERIFY(!refusedRead);
    QCOMPARE(refusedRead.error().code, ErrorCode::NotPrimary);
    // The first client also knew only alpha: it has seen the old epoch, and is refused too.
    auto refusedToo = (*first)->put(QStringLiteral("cart/refused"), "x");
    QVERIFY(!refusedToo);
    QCOMPARE(refusedToo.error().code, ErrorCode::NotPrimary);
    QCOMPARE(counterOf(statusOf(c, 0), QStringLiteral("writes")), alphaWrites);

    // A client that knows alpha, charlie and bravo, in that order: alpha's redirect names bravo,
    // so it goes there directly (one move), not through charlie.
    auto following = clientOf(c, {0, 2, 1}, 500, 5000);
    QVERIFY(following);
    auto receipt = (*following)->put(QStringLiteral("cart/redirected"), "y");
    QVERIFY2(receipt, qPrintable(receipt ? QString() : receipt.error().toString()));
    QCOMPARE(qint64(receipt->epoch), newEpoch);
    QCOMPARE((*following)->currentAgentUrl(), c.agent(1).sdkUrl());
    QCOMPARE((*following)->redirects(), 1);
    auto read = (*following)->get(QStringLiteral("cart/refused"));
    QVERIFY(read);
    QVERIFY(!read->value.has_value()); // the refused writes went nowhere

    // The demoted primary is an ordinary hot replica now: it holds the new primary's state.
    const qint64 seq = seqOf(c, 1);
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 0), seq, kTimeoutMs);
    QCOMPARE(textOf(c, 0, QStringLiteral("digest")), textOf(c, 1, QStringLiteral("digest")));
}

// alpha is frozen (hung) while bravo is promoted, so nobody tells it. A client that wrote to bravo
// has seen the new epoch; when bravo is gone and it falls back to alpha, its write carries that
// epoch and alpha refuses it (stale-epoch). A client's word is no proof of a newer primary (any
// client could claim any epoch), so it does not fence alpha: agents and operators do (below).
void TestFencing::clientWithNewerEpochIsRefusedByTheOldPrimary()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    auto cluster = startCluster(dir, &error);
    QVERIFY2(cluster, qPrintable(error));
    cluster::LocalCluster &c = *cluster;
    const AppConfig config = testConfig();
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 2, kTimeoutMs);
    auto toAlpha = clientOf(c, {0}, 300, 600);
    QVERIFY(toAlpha);
    error = writeMany(**toAlpha, QStringLiteral("a/"), 20);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 1), 20, kTimeoutMs);

    c.agent(0).freeze();
    auto promoted = promote(c, 1);
    QVERIFY(promoted);
    const qint64 newEpoch = promoted->value(QStringLiteral("epoch")).toInteger();
    QVERIFY(c.assignReplica(kApp, 2, Tier::Hot, 1, config));
    c.agent(0).thaw();
    const QCborMap before = statusOf(c, 0);
    QCOMPARE(before.value(QStringLiteral("role")).toString(), QStringLiteral("primary"));
    QCOMPARE(before.value(QStringLiteral("epoch")).toInteger(), 1);
    QCOMPARE(before.value(QStringLiteral("seq")).toInteger(), 20);

    // A client that knows bravo, then alpha, learns the new epoch from bravo.
    auto client = clientOf(c, {1, 0}, 300, 2000);
    QVERIFY(client);
    auto receipt = (*client)->put(QStringLiteral("cart/new"), "n");
    QVERIFY2(receipt, qPrintable(receipt ? QString() : receipt.error().toString()));
    QCOMPARE(qint64(receipt->epoch), newEpoch);

    // bravo goes away; the client falls back to alpha (stale-epoch) and back to bravo (time-out)
    // until its failover deadline: whichever came last is the error.
    c.agent(1).kill();
    auto refused = (*client)->put(QStringLiteral("cart/stale"), "s");
    QVERIFY(!refused);
    QVERIFY2(refused.error().code == ErrorCode::StaleEpoch || refused.error().code == ErrorCode::Timeout,
             qPrintable(refused.error().toString()));
    const QCborMap after = statusOf(c, 0);
    QCOMPARE(after.value(QStringLiteral("seq")).toInteger(), 20); // not applied
    QCOMPARE(counterOf(after, QStringLiteral("writes")), counterOf(before, QStringLiteral("writes")));
    QVERIFY(after.value(QStringLiteral("writable")).toBool()); // refused, not fenced, by a client's word
}

// After bravo's promotion, alpha (not told: there is no lease) takes primary-acknowledged writes
// that bravo never sees. A replica that follows the new epoch, pointed at alpha by a stale command,
// makes alpha fence itself: alpha refuses writes and reads, and the replica takes none of its
// changes.
void TestFencing::replicaWithNewerEpochFencesTheOldPrimary()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    auto cluster = startCluster(dir, &error);
    QVERIFY2(cluster, qPrintable(error));
    cluster::LocalCluster &c = *cluster;
    const AppConfig config = testConfig();
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 2, kTimeoutMs);
    auto toAlpha = clientOf(c, {0}, 500, 1000);
    QVERIFY(toAlpha);
    error = writeMany(**toAlpha, QStringLiteral("a/"), 20);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 1), 20, kTimeoutMs);

    auto promoted = promote(c, 1);
    QVERIFY(promoted);
    const qint64 newEpoch = promoted->value(QStringLiteral("epoch")).toInteger();
    QVERIFY(c.assignReplica(kApp, 2, Tier::Hot, 1, config));
    auto toBravo = clientOf(c, {1}, 500, 3000);
    QVERIFY(toBravo);
    error = writeMany(**toBravo, QStringLiteral("b/"), 10);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(textOf(c, 2, QStringLiteral("digest")),
                              textOf(c, 1, QStringLiteral("digest")),
                              kTimeoutMs);
    QCOMPARE(statusOf(c, 2).value(QStringLiteral("epoch")).toInteger(), newEpoch);

    error = writeMany(**toAlpha, QStringLiteral("stale/"), 5, sdk::Ack::Primary);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(seqOf(c, 0), 25);
    const QString bravoDigest = textOf(c, 1, QStringLiteral("digest"));
    const qint64 bravoSeq = seqOf(c, 1);
    QVERIFY(textOf(c, 0, QStringLiteral("digest")) != bravoDigest);

    QVERIFY(c.assignReplica(kApp, 2, Tier::Hot, 0, config)); // a stale command
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(c, 0).value(QStringLiteral("writable")).toBool(), false, kTimeoutMs);
    const QString reason = textOf(c, 0, QStringLiteral("fenced"));
    QVERIFY2(reason.contains(QStringLiteral("charlie")) && reason.contains(QStringLiteral("epoch %1").arg(newEpoch)),
             qPrintable(reason));
    const QCborMap charlie = statusOf(c, 2);
    QCOMPARE(charlie.value(QStringLiteral("seq")).toInteger(), bravoSeq);
    QCOMPARE(charlie.value(QStringLiteral("digest")).toString(), bravoDigest);
    QCOMPARE(charlie.value(QStringLiteral("epoch")).toInteger(), newEpoch);
    QCOMPARE(charlie.value(QStringLiteral("primary")).toMap().value(QStringLiteral("connected")).toBool(), false);

    // Refused: fenced, or stale-epoch once the client has learned the newer epoch from the refusal.
    auto refused = (*toAlpha)->put(QStringLiteral("cart/late"), "l", sdk::Ack::Primary);
    QVERIFY(!refused);
    QVERIFY2(refused.error().code == ErrorCode::Fenced || refused.error().code == ErrorCode::StaleEpoch,
             qPrintable(refused.error().toString()));
    auto read = (*toAlpha)->get(QStringLiteral("cart/a/1"));
    QVERIFY(!read);
    QCOMPARE(read.error().code, ErrorCode::Fenced);
    QCOMPARE(seqOf(c, 0), 25);
}

void TestFencing::replicaAheadOnAnOldEpoch_data()
{
    QTest::addColumn<Tier>("tier");
    QTest::newRow("warm") << Tier::Warm;
    QTest::newRow("hot") << Tier::Hot;
}

// alpha makes changes after bravo's promotion (primary-acknowledged: no lease stops it), so its
// other replica, charlie, is ahead of bravo on the old epoch when it is re-pointed at bravo.
// Warm: it acknowledges no writes, so those changes are superseded: it is resynchronised by
// snapshot and bravo stays writable. Hot: it may hold acknowledged writes bravo lacks, so bravo
// fences itself rather than wipe them, and charlie keeps them.
void TestFencing::replicaAheadOnAnOldEpoch()
{
    QFETCH(Tier, tier);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    auto cluster = startCluster(dir, &error);
    QVERIFY2(cluster, qPrintable(error));
    cluster::LocalCluster &c = *cluster;
    const AppConfig config = testConfig();
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}, {2, tier}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 2, kTimeoutMs);
    auto toAlpha = clientOf(c, {0}, 500, 1000);
    QVERIFY(toAlpha);
    error = writeMany(**toAlpha, QStringLiteral("a/"), 20);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 1), 20, kTimeoutMs);

    auto promoted = promote(c, 1);
    QVERIFY(promoted);
    const qint64 newEpoch = promoted->value(QStringLiteral("epoch")).toInteger();
    error = writeMany(**toAlpha, QStringLiteral("stale/"), 5, sdk::Ack::Primary);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 2), 25, kTimeoutMs); // charlie is ahead of bravo (20)
    const QString charlieDigest = textOf(c, 2, QStringLiteral("digest"));

    QVERIFY(c.assignReplica(kApp, 2, tier, 1, config));
    if (tier == Tier::Hot) {
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(c, 1).value(QStringLiteral("writable")).toBool(), false, kTimeoutMs);
        QVERIFY2(textOf(c, 1, QStringLiteral("fenced")).contains(QStringLiteral("ahead")),
                 qPrintable(textOf(c, 1, QStringLiteral("fenced"))));
        QCOMPARE(seqOf(c, 2), 25);
        QCOMPARE(textOf(c, 2, QStringLiteral("digest")), charlieDigest);
        return;
    }
    QTRY_VERIFY2_WITH_TIMEOUT(seqOf(c, 2) == 20, qPrintable(textOf(c, 1, QStringLiteral("fenced"))), kTimeoutMs);
    const QCborMap charlie = statusOf(c, 2);
    // Its critical keys are the new primary's; the rest comes as bravo schedules it, which drops
    // the superseded changes too (the welcome said `scheduled`).
    QCOMPARE(charlie.value(QStringLiteral("critical-digest")).toString(),
             textOf(c, 1, QStringLiteral("critical-digest")));
    QTRY_COMPARE_WITH_TIMEOUT(textOf(c, 2, QStringLiteral("digest")),
                              textOf(c, 1, QStringLiteral("digest")),
                              kTimeoutMs);
    QCOMPARE(charlie.value(QStringLiteral("primary")).toMap().value(QStringLiteral("catch-up")).toString(),
             QStringLiteral("snapshot"));
    const QCborMap bravo = statusOf(c, 1);
    QVERIFY2(bravo.value(QStringLiteral("writable")).toBool(),
             qPrintable(bravo.value(QStringLiteral("fenced")).toString()));

    // And it follows the new epoch's changes.
    auto toBravo = clientOf(c, {1}, 500, 3000);
    QVERIFY(toBravo);
    error = writeMany(**toBravo, QStringLiteral("b/"), 6, sdk::Ack::Primary);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 2), 26, kTimeoutMs);
    QCOMPARE(textOf(c, 2, QStringLiteral("critical-digest")), textOf(c, 1, QStringLiteral("critical-digest")));
    QTRY_COMPARE_WITH_TIMEOUT(textOf(c, 2, QStringLiteral("digest")),
                              textOf(c, 1, QStringLiteral("digest")),
                              kTimeoutMs);
    QCOMPARE(statusOf(c, 2).value(QStringLiteral("epoch")).toInteger(), newEpoch);
}

QTEST_GUILESS_MAIN(TestFencing)
#include "tst_fencing.moc"
