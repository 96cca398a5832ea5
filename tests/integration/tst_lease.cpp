// Write leases: a primary with leaseMs > 0 takes writes (and serves reads) only while its
// console's lease lasts, measured on its own clock. A primary frozen past its lease cannot
// acknowledge anything when it wakes, even though nobody told it that it was replaced.
// Leases anchored to a heartbeat run from the moment the agent sent that heartbeat, so a grant
// that waited in the queue of a stopped primary gives it nothing when it resumes.

#include <functional>
#include <future>
#include <optional>

#include <QCborArray>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/cluster/localcluster.h"
#include "foresight/core/clock.h"
#include "foresight/monitor/agentwatch.h"

using namespace foresight;

namespace {

const QString kApp = QStringLiteral("shop");
constexpr int kHeartbeatIntervalMs = 50;

std::unique_ptr<monitor::AgentWatch> watchOf(cluster::LocalCluster &cluster,
                                             int agent,
                                             int intervalMs = kHeartbeatIntervalMs)
{
    monitor::AgentWatch::Options options;
    options.url = cluster.agent(agent).listenUrl();
    options.serverPublicKey = cluster.agent(agent).publicKey();
    options.keys = cluster.adminKeys();
    options.intervalMs = intervalMs;
    options.ttlMs = 3000;
    auto watch = monitor::AgentWatch::start(options);
    return watch ? std::move(*watch) : nullptr;
}

// Polls until `done` holds for the heartbeats that arrived (oldest first) or timeoutMs passed.
QList<monitor::Heartbeat> collectUntil(monitor::AgentWatch &watch,
                                       const std::function<bool(const QList<monitor::Heartbeat> &)> &done,
                                       int timeoutMs = 10000)
{
    QList<monitor::Heartbeat> all;
    QElapsedTimer timer;
    timer.start();
    while (!done(all) && timer.elapsed() < timeoutMs) {
        if (auto got = watch.poll(20))
            all.append(*got);
    }
    return all;
}

// The newest heartbeat, after at least one more has arrived.
std::optional<monitor::Heartbeat> freshHeartbeat(monitor::AgentWatch &watch)
{
    const QList<monitor::Heartbeat> got = collectUntil(watch, [](const QList<monitor::Heartbeat> &all) {
        return !all.isEmpty();
    });
    if (got.isEmpty())
        return std::nullopt;
    return got.last();
}

control::LeaseAnchor anchorOf(const monitor::Heartbeat &heartbeat)
{
    return control::LeaseAnchor{heartbeat.seq, heartbeat.incarnation};
}

qint64 leaseLeftOf(const Result<QCborMap> &reply)
{
    return reply ? reply->value(QStringLiteral("lease-left-ms")).toInteger(-1) : -1;
}

std::unique_ptr<sdk::Client> clientOf(cluster::LocalCluster &cluster, int agent, int failoverTimeoutMs)
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
    void anchoredGrantMakesThePrimaryWritable();
    void grantAnchoredToAnOldHeartbeatGivesNothing();
    void staleGrantToAFrozenPrimaryGivesNothing();
    void unrecognisedAnchorsAreRefused();
    void promoteGrantsAnAnchoredLease();
};

void TestLease::writesNeedALease()
{
    QTemporaryDir dir;
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    cluster::LocalCluster &c = **cluster;
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
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    cluster::LocalCluster &c = **cluster;
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
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    cluster::LocalCluster &c = **cluster;
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

void TestLease::anchoredGrantMakesThePrimaryWritable()
{
    QTemporaryDir dir;
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    cluster::LocalCluster &c = **cluster;
    AppConfig config;
    config.leaseMs = 5000;
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(0, kApp)->value(QStringLiteral("replicas")).toArray().size(), 1, 10000);
    auto watch = watchOf(c, 0);
    QVERIFY(watch);
    auto ctl = c.control(0);
    QVERIFY(ctl);

    const auto heartbeat = freshHeartbeat(*watch);
    QVERIFY(heartbeat);
    QVERIFY(heartbeat->incarnation != 0);
    auto granted = (*ctl)->grantLease(kApp, 1, config.leaseMs, anchorOf(*heartbeat));
    QVERIFY2(granted, granted ? "" : qPrintable(granted.error().message));
    // Counted from the heartbeat's send time, so already a little shorter than lease-ms.
    QVERIFY(leaseLeftOf(granted) > 0);
    QVERIFY(leaseLeftOf(granted) <= config.leaseMs);
    QVERIFY(c.appStatus(0, kApp)->value(QStringLiteral("writable")).toBool());
    auto client = clientOf(c, 0, 300);
    QVERIFY(client);
    auto accepted = client->put(QStringLiteral("k"), "v");
    QVERIFY2(accepted, accepted ? "" : qPrintable(accepted.error().message));

    // A shorter grant for the same heartbeat does not shorten the lease.
    auto shorter = (*ctl)->grantLease(kApp, 1, 1, anchorOf(*heartbeat));
    QVERIFY2(shorter, shorter ? "" : qPrintable(shorter.error().message));
    QVERIFY(leaseLeftOf(shorter) > 1);
    QVERIFY(c.appStatus(0, kApp)->value(QStringLiteral("writable")).toBool());
}

void TestLease::grantAnchoredToAnOldHeartbeatGivesNothing()
{
    QTemporaryDir dir;
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    cluster::LocalCluster &c = **cluster;
    AppConfig config;
    config.leaseMs = 300;
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}}, config));
    auto watch = watchOf(c, 0);
    QVERIFY(watch);
    const auto early = freshHeartbeat(*watch);
    QVERIFY(early);
    // The agent sends this subscriber's heartbeats at least kHeartbeatIntervalMs apart on its own
    // clock, so once that many have followed, more than lease-ms has passed there since `early`.
    const QList<monitor::Heartbeat> later = collectUntil(*watch, [&](const QList<monitor::Heartbeat> &all) {
        return all.size() * kHeartbeatIntervalMs > config.leaseMs + kHeartbeatIntervalMs;
    });
    QVERIFY(later.size() * kHeartbeatIntervalMs > config.leaseMs + kHeartbeatIntervalMs);
    QVERIFY(later.last().seq > early->seq);

    // Still a heartbeat the agent remembers, so the grant is accepted; it ended long ago, though.
    auto ctl = c.control(0);
    QVERIFY(ctl);
    auto granted = (*ctl)->grantLease(kApp, 1, config.leaseMs, anchorOf(*early));
    QVERIFY2(granted, granted ? "" : qPrintable(granted.error().message));
    QCOMPARE(leaseLeftOf(granted), 0);
    const QCborMap status = *c.appStatus(0, kApp);
    QCOMPARE(status.value(QStringLiteral("writable")).toBool(), false);
    QCOMPARE(status.value(QStringLiteral("lease-left-ms")).toInteger(), 0);
    auto client = clientOf(c, 0, 300);
    QVERIFY(client);
    auto refused = client->put(QStringLiteral("k"), "v");
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::Fenced);
    QVERIFY2(refused.error().message.contains(QStringLiteral("lease")), qPrintable(refused.error().message));
}

void TestLease::staleGrantToAFrozenPrimaryGivesNothing()
{
    QTemporaryDir dir;
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    cluster::LocalCluster &c = **cluster;
    AppConfig config;
    config.leaseMs = 1000;
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(0, kApp)->value(QStringLiteral("replicas")).toArray().size(), 1, 10000);
    auto alphaWatch = watchOf(c, 0);
    auto bravoWatch = watchOf(c, 1);
    QVERIFY(alphaWatch && bravoWatch);
    // The console's connection to alpha exists before alpha stops, as a console's would.
    auto alphaCtl = c.control(0, 30000);
    QVERIFY(alphaCtl);
    QVERIFY((*alphaCtl)->status(kApp));
    auto first = freshHeartbeat(*alphaWatch);
    QVERIFY(first);
    QVERIFY(leaseLeftOf((*alphaCtl)->grantLease(kApp, 1, config.leaseMs, anchorOf(*first))) > 0);
    auto oldClient = clientOf(c, 0, 300);
    QVERIFY(oldClient);
    QVERIFY(oldClient->put(QStringLiteral("before"), "1"));

    // Alpha stops. The console, not knowing yet, renews the lease for the last heartbeat it
    // received: the grant waits in alpha's socket while alpha is stopped.
    c.agent(0).freeze();
    monitor::Heartbeat last = *first;
    if (auto got = alphaWatch->poll(0); got && !got->isEmpty())
        last = got->last();
    std::future<Result<QCborMap>> staleGrant
        = std::async(std::launch::async, [ctl = std::move(*alphaCtl), anchor = anchorOf(last), &config] {
              return ctl->grantLease(kApp, 1, config.leaseMs, anchor);
          });

    // The console's rule: promote another replica only once lease-ms (plus a margin for clock
    // drift) has passed on its own clock since it received the heartbeat its newest grant is
    // anchored to. Bravo's heartbeats keep coming meanwhile; the newest anchors its lease.
    std::optional<monitor::Heartbeat> bravoLast;
    const auto leaseWaitedOut = [&] {
        if (auto got = bravoWatch->poll(0); got && !got->isEmpty())
            bravoLast = got->last();
        return SystemClock::instance().monotonicMs() - last.receivedMs > config.leaseMs + 100 && bravoLast;
    };
    QTRY_VERIFY_WITH_TIMEOUT(leaseWaitedOut(), 10000);
    auto bravoCtl = c.control(1);
    QVERIFY(bravoCtl);
    const auto bravoHeartbeat = freshHeartbeat(*bravoWatch);
    QVERIFY(bravoHeartbeat);
    auto promoted = (*bravoCtl)->promote(kApp, std::nullopt, 10000, anchorOf(*bravoHeartbeat));
    QVERIFY2(promoted, promoted ? "" : qPrintable(promoted.error().message));
    QCOMPARE(promoted->value(QStringLiteral("epoch")).toInteger(), 2);
    QVERIFY(leaseLeftOf(promoted) > 0);

    // Alpha resumes and reads the grant that waited for it: accepted, but anchored to a heartbeat
    // more than lease-ms old, so it gives no lease and alpha, still believing it is primary,
    // refuses writes.
    c.agent(0).thaw();
    const Result<QCborMap> stale = staleGrant.get();
    QVERIFY2(stale, stale ? "" : qPrintable(stale.error().message));
    QCOMPARE(leaseLeftOf(stale), 0);
    auto refused = oldClient->put(QStringLiteral("after"), "stale");
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::Fenced);
    QVERIFY2(refused.error().message.contains(QStringLiteral("lease")), qPrintable(refused.error().message));
    const QCborMap old = *c.appStatus(0, kApp);
    QCOMPARE(old.value(QStringLiteral("role")).toString(), QStringLiteral("primary"));
    QCOMPARE(old.value(QStringLiteral("writable")).toBool(), false);
    QCOMPARE(old.value(QStringLiteral("lease-left-ms")).toInteger(), 0);
    QVERIFY(c.appStatus(1, kApp)->value(QStringLiteral("writable")).toBool());
}

void TestLease::unrecognisedAnchorsAreRefused()
{
    QTemporaryDir dir;
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    cluster::LocalCluster &c = **cluster;
    AppConfig config;
    config.leaseMs = 5000;
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}}, config));
    auto watch = watchOf(c, 0, 10);
    QVERIFY(watch);
    auto ctl = c.control(0);
    QVERIFY(ctl);
    const auto heartbeat = freshHeartbeat(*watch);
    QVERIFY(heartbeat);
    const auto refusedBecause = [&](const control::LeaseAnchor &anchor, const QString &cause) {
        auto refused = (*ctl)->grantLease(kApp, 1, config.leaseMs, anchor);
        if (refused) {
            qWarning() << "granted:" << QCborValue(*refused).toDiagnosticNotation();
            return false;
        }
        const QString message = refused.error().message;
        if (refused.error().code != ErrorCode::InvalidArgument || !message.contains(cause)
            || !message.contains(QString::number(anchor.heartbeat))
            || !message.contains(QString::number(heartbeat->incarnation))) {
            qWarning() << errorCodeName(refused.error().code) << message;
            return false;
        }
        return true;
    };

    // Another process's incarnation: a grant meant for an earlier run of this agent.
    const std::uint64_t otherIncarnation = heartbeat->incarnation == 1 ? 2 : heartbeat->incarnation - 1;
    QVERIFY(refusedBecause({heartbeat->seq, otherIncarnation}, QStringLiteral("incarnation %1").arg(otherIncarnation)));
    // A heartbeat the agent has not sent.
    QVERIFY(refusedBecause({heartbeat->seq + 100'000, heartbeat->incarnation}, QStringLiteral("not sent")));
    // A heartbeat too old to be remembered: wait until more than 256 rounds have followed it.
    const QList<monitor::Heartbeat> later = collectUntil(
        *watch,
        [&](const QList<monitor::Heartbeat> &all) { return !all.isEmpty() && all.last().seq > heartbeat->seq + 300; },
        30000);
    QVERIFY(!later.isEmpty() && later.last().seq > heartbeat->seq + 300);
    QVERIFY(refusedBecause(anchorOf(*heartbeat), QStringLiteral("older than the last 256")));
    // None of them gave a lease; the client refuses an anchor without an incarnation itself.
    QCOMPARE(c.appStatus(0, kApp)->value(QStringLiteral("writable")).toBool(), false);
    auto noIncarnation = (*ctl)->grantLease(kApp, 1, config.leaseMs, control::LeaseAnchor{later.last().seq, 0});
    QVERIFY(!noIncarnation);
    QCOMPARE(noIncarnation.error().code, ErrorCode::InvalidArgument);
    // The newest heartbeat is recognised.
    QVERIFY(leaseLeftOf((*ctl)->grantLease(kApp, 1, config.leaseMs, anchorOf(later.last()))) > 0);
}

void TestLease::promoteGrantsAnAnchoredLease()
{
    QTemporaryDir dir;
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    cluster::LocalCluster &c = **cluster;
    AppConfig config;
    config.leaseMs = 5000;
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(0, kApp)->value(QStringLiteral("replicas")).toArray().size(), 1, 10000);
    auto alphaWatch = watchOf(c, 0);
    auto bravoWatch = watchOf(c, 1);
    QVERIFY(alphaWatch && bravoWatch);

    // Bravo promoted with a lease anchored to its own heartbeat: writable at once.
    const auto bravoHeartbeat = freshHeartbeat(*bravoWatch);
    QVERIFY(bravoHeartbeat);
    auto bravoCtl = c.control(1);
    QVERIFY(bravoCtl);
    auto promoted = (*bravoCtl)->promote(kApp, std::nullopt, config.leaseMs, anchorOf(*bravoHeartbeat));
    QVERIFY2(promoted, promoted ? "" : qPrintable(promoted.error().message));
    QCOMPARE(promoted->value(QStringLiteral("epoch")).toInteger(), 2);
    QVERIFY(leaseLeftOf(promoted) > 0);
    QVERIFY(leaseLeftOf(promoted) <= config.leaseMs);
    QVERIFY(!promoted->contains(QStringLiteral("lease-refused")));
    QVERIFY(c.appStatus(1, kApp)->value(QStringLiteral("writable")).toBool());
    auto bravoClient = clientOf(c, 1, 300);
    QVERIFY(bravoClient);
    auto accepted = bravoClient->put(QStringLiteral("k"), "v", sdk::Ack::Primary);
    QVERIFY2(accepted, accepted ? "" : qPrintable(accepted.error().message));

    // Switching back, with an anchor alpha does not recognise (bravo's heartbeat): alpha is
    // promoted all the same, but holds no lease and says why.
    QVERIFY(c.assignReplica(kApp, 0, Tier::Hot, 1, config));
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(0, kApp)->value(QStringLiteral("epoch")).toInteger(), 2, 10000);
    auto alphaCtl = c.control(0);
    QVERIFY(alphaCtl);
    auto unleased = (*alphaCtl)->promote(kApp, std::nullopt, config.leaseMs, anchorOf(*bravoHeartbeat));
    QVERIFY2(unleased, unleased ? "" : qPrintable(unleased.error().message));
    QCOMPARE(unleased->value(QStringLiteral("epoch")).toInteger(), 3);
    QCOMPARE(leaseLeftOf(unleased), 0);
    const QString why = unleased->value(QStringLiteral("lease-refused")).toString();
    QVERIFY2(why.contains(QStringLiteral("incarnation %1").arg(bravoHeartbeat->incarnation)), qPrintable(why));
    const QCborMap alpha = *c.appStatus(0, kApp);
    QCOMPARE(alpha.value(QStringLiteral("role")).toString(), QStringLiteral("primary"));
    QCOMPARE(alpha.value(QStringLiteral("writable")).toBool(), false);
    auto alphaClient = clientOf(c, 0, 300);
    QVERIFY(alphaClient);
    auto refused = alphaClient->put(QStringLiteral("k"), "w", sdk::Ack::Primary);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::Fenced);

    // Its console's next grant, anchored to one of alpha's heartbeats, gives it the lease.
    const auto alphaHeartbeat = freshHeartbeat(*alphaWatch);
    QVERIFY(alphaHeartbeat);
    QVERIFY(leaseLeftOf((*alphaCtl)->grantLease(kApp, 3, config.leaseMs, anchorOf(*alphaHeartbeat))) > 0);
    QVERIFY(c.appStatus(0, kApp)->value(QStringLiteral("writable")).toBool());
}

QTEST_GUILESS_MAIN(TestLease)
#include "tst_lease.moc"
