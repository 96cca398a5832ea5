// The failover engine against real agent processes over CURVE on loopback: deploy, lease
// renewal, kill -9 and SIGSTOP of the primary, a console cut off from a healthy primary, the
// failover score deciding for a silent primary, anti-flapping, maintenance and never-promote
// exclusion, hook veto, operator promotions.

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "enginetesting.h"
#include "foresight/storage/consolestore.h"
#include "tcpproxy.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 30000;

AppConfig testAppConfig()
{
    AppConfig config;
    config.critical = {QStringLiteral("session/*")};
    config.syncReplicas = 1;
    config.snapshotIntervalMs = 200;
    return config;
}

} // namespace

class TestFailover : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;
    int m_run = 0;

    QString storePath() const { return m_dir.filePath(QStringLiteral("console-%1.db").arg(m_run)); }

    void startCluster(const QStringList &agentArgs = {})
    {
        ++m_run;
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster-%1").arg(m_run));
        options.extraAgentArgs = agentArgs;
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);
    }

    void startEngine(const config::ClusterConfig &config)
    {
        m_engine = startTestEngine(*m_cluster, config, storePath());
        QVERIFY(m_engine);
    }

    // Starts a cluster and an engine that deploys alpha (primary), bravo (hot), charlie (warm),
    // delta (cold), and waits until the primary holds a lease.
    void startDeployed(const std::function<void(config::ClusterConfig &)> &adjust = {},
                       const QStringList &agentArgs = {})
    {
        startCluster(agentArgs);
        config::ClusterConfig config
            = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}, {2, Tier::Warm}, {3, Tier::Cold}}, testAppConfig());
        if (adjust)
            adjust(config);
        startEngine(config);
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(*m_cluster, 0).value(QStringLiteral("writable")).toBool(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(linkCount(*m_cluster, 0) == 3, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);
    }

    QList<storage::JournalEntry> journalEntries() const
    {
        auto store = storage::ConsoleStore::open(storePath());
        if (!store)
            return {};
        auto entries = (*store)->journal(0, 100000);
        return entries ? *entries : QList<storage::JournalEntry>();
    }

    bool journalHas(const QString &kind, const QString &text) const
    {
        for (const storage::JournalEntry &entry : journalEntries()) {
            if (entry.kind == kind && entry.message.contains(text))
                return true;
        }
        return false;
    }

    std::optional<storage::Incident> lastIncident() const
    {
        return foresight::testing::lastIncident(storePath(), kTestApp);
    }

    // Every acknowledged write is readable, with its value, through a client of the whole cluster.
    void verifyAcked(const QMap<QString, QByteArray> &acked)
    {
        const QString lost = lostAckedWrites(*m_cluster, acked);
        QVERIFY2(lost.isEmpty(), qPrintable(lost));
    }

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    void cleanup()
    {
        m_engine.reset();
        m_cluster.reset();
    }

    void deploysRolesAndRenewsLeases()
    {
        startDeployed();
        const QCborMap primary = statusOf(*m_cluster, 0);
        QCOMPARE(primary.value(QStringLiteral("role")).toString(), QStringLiteral("primary"));
        QVERIFY(primary.value(QStringLiteral("lease-left-ms")).toInteger() > 0);
        QCOMPARE(textOf(*m_cluster, 1, QStringLiteral("tier")), QStringLiteral("hot"));
        QCOMPARE(textOf(*m_cluster, 2, QStringLiteral("tier")), QStringLiteral("warm"));
        QCOMPARE(textOf(*m_cluster, 3, QStringLiteral("tier")), QStringLiteral("cold"));
        // The lease keeps being renewed: writes succeed well after the first lease ran out.
        auto client = m_cluster->client(kTestApp);
        QVERIFY(client);
        QCOMPARE(writeMany(**client, QStringLiteral("a"), 30), QString());
        const qint64 renewedAfter = QDateTime::currentMSecsSinceEpoch() + 3 * 500;
        QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentMSecsSinceEpoch() > renewedAfter, kTimeoutMs);
        QCOMPARE(writeMany(**client, QStringLiteral("b"), 30), QString());
        QVERIFY(journalHas(QStringLiteral("deploy"), QStringLiteral("deployed")));
        const auto snapshot = m_engine->snapshot();
        QVERIFY(appOf(snapshot));
        QCOMPARE(appOf(snapshot)->replicas.size(), 3);
        for (const failover::ReplicaView &replica : appOf(snapshot)->replicas)
            QVERIFY2(replica.integrityOk, qPrintable(replica.agent + QStringLiteral(": ") + replica.integrityNote));
        // Fault injection is off unless an agent is started for it.
        auto control = m_cluster->control(1);
        QVERIFY(control);
        auto refused = (*control)->injectFault(kTestApp, QStringLiteral("corrupt"));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Unauthorized);
    }

    void integrityMismatchExcludesAReplica()
    {
        startDeployed(
            [](config::ClusterConfig &config) {
                config.apps[0].replicas = {{QStringLiteral("bravo"), Tier::Hot},
                                           {QStringLiteral("charlie"), Tier::Hot},
                                           {QStringLiteral("delta"), Tier::Warm}};
            },
            {QStringLiteral("--allow-fault-injection")});
        auto client = m_cluster->client(kTestApp);
        QVERIFY(client);
        QCOMPARE(writeMany(**client, QStringLiteral("i"), 30), QString());
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 1, QStringLiteral("digest")),
                                  textOf(*m_cluster, 0, QStringLiteral("digest")),
                                  kTimeoutMs);

        // bravo's copy rots: same position, different content.
        auto control = m_cluster->control(1);
        QVERIFY(control);
        auto corrupted = (*control)->injectFault(kTestApp, QStringLiteral("corrupt"));
        QVERIFY2(corrupted, qPrintable(corrupted ? QString() : corrupted.error().toString()));
        const auto bravoIntact = [this] {
            for (const failover::ReplicaView &replica : appOf(m_engine->snapshot())->replicas) {
                if (replica.agent == QLatin1String("bravo"))
                    return replica.integrityOk;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!bravoIntact(), kTimeoutMs);
        QVERIFY(journalHas(QStringLiteral("integrity"), QStringLiteral("integrity mismatch")));
        for (const failover::RankedCandidate &candidate : appOf(m_engine->snapshot())->candidates) {
            if (candidate.facts.agent == QLatin1String("bravo"))
                QVERIFY2(!candidate.eligible && candidate.excludedBecause.contains(QStringLiteral("integrity")),
                         qPrintable(candidate.excludedBecause));
        }

        // The primary dies: the engine promotes the intact hot replica, not the corrupt one.
        m_cluster->agent(0).kill();
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("charlie"), kTimeoutMs);
        auto read = (*client)->get(QStringLiteral("cart/i1"));
        QVERIFY2(read && read->value && *read->value == "i1", "the promoted copy holds the acknowledged data");
    }

    void killedPrimaryFailsOverWithoutLoss()
    {
        startDeployed();
        const std::uint64_t firstEpoch = appOf(m_engine->snapshot())->epoch;
        ContinuousWriter writerA(m_cluster->clientOptions(kTestApp), 1);
        ContinuousWriter writerB(m_cluster->clientOptions(kTestApp), 2);
        QTRY_VERIFY_WITH_TIMEOUT(writerA.acked() > 100 && writerB.acked() > 100, kTimeoutMs);

        m_cluster->agent(0).kill();
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("bravo"), kTimeoutMs);
        // Clients carry on by themselves on the new primary.
        QTRY_VERIFY_WITH_TIMEOUT(writerA.ackedAtEpochAbove(firstEpoch) > 50
                                     && writerB.ackedAtEpochAbove(firstEpoch) > 50,
                                 kTimeoutMs);
        writerA.stop();
        writerB.stop();
        QCOMPARE(writerA.fatal(), QString());
        QMap<QString, QByteArray> acked = writerA.ackedWrites();
        acked.insert(writerB.ackedWrites());
        verifyAcked(acked);

        // The incident: its timeline and no acknowledged write lost.
        QTRY_VERIFY_WITH_TIMEOUT(lastIncident() && lastIncident()->firstAckMs > 0, kTimeoutMs);
        const storage::Incident incident = *lastIncident();
        QCOMPARE(incident.oldPrimary, QStringLiteral("alpha"));
        QCOMPARE(incident.newPrimary, QStringLiteral("bravo"));
        QCOMPARE(incident.formerTier, QStringLiteral("hot"));
        QCOMPARE(incident.ackedWritesLost, 0);
        QVERIFY(incident.detectedMs <= incident.decidedMs);
        QVERIFY(incident.decidedMs <= incident.promotedMs);
        QVERIFY(incident.promotedMs <= incident.firstAckMs);
        QVERIFY(journalHas(QStringLiteral("detection"), QStringLiteral("suspected")));
        QVERIFY(journalHas(QStringLiteral("promotion"), QStringLiteral("promoted bravo")));
        // The other replicas follow the new primary.
        QTRY_VERIFY_WITH_TIMEOUT(!linkOf(*m_cluster, 1, QStringLiteral("charlie")).isEmpty(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!linkOf(*m_cluster, 1, QStringLiteral("delta")).isEmpty(), kTimeoutMs);

        // With no free agent, a lower-tier replica moved up to hot so writes could be acknowledged.
        QVERIFY(journalHas(QStringLiteral("repoint"), QStringLiteral("moved up")));

        // The old host comes back (empty: an agent does not keep its roles across a restart) and
        // takes the tier that is now short, without an operator.
        QVERIFY(m_cluster->agent(0).restart());
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 0, QStringLiteral("role")), QStringLiteral("replica"), kTimeoutMs);
        QVERIFY(journalHas(QStringLiteral("restore"), QStringLiteral("restore the configured tiers")));
    }

    void frozenPrimaryIsFencedAndClientsAreRedirected()
    {
        startDeployed();
        m_cluster->agent(0).freeze();
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("bravo"), kTimeoutMs);
        auto onNew = m_cluster->client(kTestApp);
        QVERIFY(onNew);
        QCOMPARE(writeMany(**onNew, QStringLiteral("after"), 20), QString());

        m_cluster->agent(0).thaw();
        // The thawed primary refuses writes: its lease ran out while it was stopped.
        auto direct = clientOf(*m_cluster, {0}, 3000, 1000);
        QVERIFY(direct);
        auto refused = (*direct)->put(QStringLiteral("cart/split-brain"), "x");
        QVERIFY(!refused);
        QVERIFY2(refused.error().code == ErrorCode::Timeout || refused.error().code == ErrorCode::Fenced
                     || refused.error().code == ErrorCode::NotPrimary,
                 qPrintable(refused.error().toString()));
        // A client that knows every agent is redirected to the new primary.
        auto everyone = clientOf(*m_cluster, {0, 1, 2, 3}, 3000, 10000);
        QVERIFY(everyone);
        auto accepted = (*everyone)->put(QStringLiteral("cart/after-thaw"), "y");
        QVERIFY2(accepted, qPrintable(accepted ? QString() : accepted.error().toString()));
        QVERIFY(accepted->epoch > 1);
        // The thawed primary still holds the application at the old epoch: it rejoins by itself.
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 0, QStringLiteral("role")), QStringLiteral("replica"), kTimeoutMs);
        QVERIFY(journalHas(QStringLiteral("rejoin"), QStringLiteral("rejoins as a")));
        QTRY_COMPARE_WITH_TIMEOUT(seqOf(*m_cluster, 0), seqOf(*m_cluster, 1), kTimeoutMs);
        auto read = (*everyone)->get(QStringLiteral("cart/split-brain"));
        QVERIFY(read);
        QVERIFY2(!read->value, "a write the old primary took after its lease must not exist");
    }

    void consoleCutOffFromHealthyPrimaryDoesNotFailOver()
    {
        startCluster();
        // The replicas reach alpha directly; the console reaches it through a proxy it can cut.
        QVERIFY(m_cluster->deploy(kTestApp, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, testAppConfig()));
        TcpProxy proxy(TcpProxy::portOf(m_cluster->agent(0).listenUrl()));
        QVERIFY(proxy.isListening());
        config::ClusterConfig config
            = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, testAppConfig(), {{0, proxy.url()}});
        startEngine(config);
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(*m_cluster, 0).value(QStringLiteral("writable")).toBool(), kTimeoutMs);
        QVERIFY(journalHas(QStringLiteral("adopt"), QStringLiteral("adopted")));

        proxy.setCut(true);
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::CutOff, kTimeoutMs);
        // Long past the lease and the investigation: still no failover, alpha still the primary.
        QTRY_VERIFY_WITH_TIMEOUT(m_engine->snapshot()->agent(QStringLiteral("alpha"))->heardMsAgo > 3000, kTimeoutMs);
        QCOMPARE(phaseOf(*m_engine), failover::AppPhase::CutOff);
        QCOMPARE(primaryOf(*m_engine), QStringLiteral("alpha"));
        QCOMPARE(textOf(*m_cluster, 1, QStringLiteral("role")), QStringLiteral("replica"));
        QVERIFY(journalHas(QStringLiteral("investigation"), QStringLiteral("still do: not failing over")));

        proxy.setCut(false);
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(*m_cluster, 0).value(QStringLiteral("writable")).toBool(), kTimeoutMs);
        auto client = m_cluster->client(kTestApp);
        QVERIFY(client);
        QCOMPARE(writeMany(**client, QStringLiteral("healed"), 10), QString());
    }

    void secondFailoverWaitsForAcknowledgement()
    {
        startDeployed();
        m_cluster->agent(0).kill();
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("bravo"), kTimeoutMs);
        QVERIFY(m_cluster->agent(0).restart());
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 0, QStringLiteral("role")), QStringLiteral("replica"), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 0, QStringLiteral("digest")),
                                  textOf(*m_cluster, 1, QStringLiteral("digest")),
                                  kTimeoutMs);

        m_cluster->agent(1).kill();
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Blocked, kTimeoutMs);
        const failover::AppView blocked = *appOf(m_engine->snapshot());
        QVERIFY2(blocked.reason.contains(QStringLiteral("anti-flapping")), qPrintable(blocked.reason));
        QVERIFY(blocked.blockedUntilWallMs > QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(blocked.primary, QStringLiteral("bravo"));

        auto outcome = m_engine->acknowledge(kTestApp, QStringLiteral("tester")).get();
        QVERIFY2(outcome, qPrintable(outcome ? QString() : outcome.error().toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!primaryOf(*m_engine).isEmpty() && primaryOf(*m_engine) != QStringLiteral("bravo"),
                                 kTimeoutMs);
        QVERIFY(journalHas(QStringLiteral("operator"), QStringLiteral("acknowledged")));
    }

    // docs/cluster-config.md: an automatic failover starts when the weighted failover score
    // reaches score-threshold, a silent primary's included. Divergence and risk weigh nothing
    // here and integrity never fails, so the score of a killed primary is its heartbeat term.
    void failoverScoreDecidesForASilentPrimary_data()
    {
        QTest::addColumn<double>("heartbeatWeight"); // integrity weighs the rest of 1
        QTest::addColumn<bool>("failsOver");
        QTest::newRow("silence scores 0.40 < 0.50: no automatic failover") << 0.4 << false;
        QTest::newRow("silence scores 0.50 = 0.50: failover") << 0.5 << true;
    }

    void failoverScoreDecidesForASilentPrimary()
    {
        QFETCH(double, heartbeatWeight);
        QFETCH(bool, failsOver);
        startDeployed([&](config::ClusterConfig &config) {
            config.failover.weightHeartbeat = heartbeatWeight;
            config.failover.weightDivergence = 0;
            config.failover.weightIntegrity = 1.0 - heartbeatWeight;
            config.failover.weightRisk = 0;
            config.failover.scoreThreshold = 0.5;
        });
        m_cluster->agent(0).kill();
        if (failsOver) {
            QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("bravo"), kTimeoutMs);
            QVERIFY(journalHas(QStringLiteral("decision"), QStringLiteral("failover score reached: 0.50")));
            return;
        }
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Blocked, kTimeoutMs);
        const failover::AppView blocked = *appOf(m_engine->snapshot());
        QVERIFY2(blocked.reason.contains(QStringLiteral("does not reach failover.score-threshold")),
                 qPrintable(blocked.reason));
        // The status shows the score that decided: silence counted, and below the threshold.
        QCOMPARE(blocked.score.heartbeat, 1.0);
        QVERIFY(!blocked.score.failoverWarranted());
        QVERIFY(journalHas(QStringLiteral("decision"), QStringLiteral("not failing over: the failover score")));
        // Long past the lease: still alpha's, bravo still a replica.
        QTRY_VERIFY_WITH_TIMEOUT(m_engine->snapshot()->agent(QStringLiteral("alpha"))->heardMsAgo > 2000, kTimeoutMs);
        QCOMPARE(phaseOf(*m_engine), failover::AppPhase::Blocked);
        QCOMPARE(primaryOf(*m_engine), QStringLiteral("alpha"));
        QCOMPARE(textOf(*m_cluster, 1, QStringLiteral("role")), QStringLiteral("replica"));

        // An operator's promote is not scored.
        auto done
            = m_engine->promote(failover::PromoteRequest{kTestApp, {}, false, false, QStringLiteral("tester")}).get();
        QVERIFY2(done, qPrintable(done ? QString() : done.error().toString()));
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("bravo"), kTimeoutMs);
        QVERIFY(journalHas(QStringLiteral("decision"), QStringLiteral("not decided by the score")));
    }

    void maintenanceAndNeverPromoteAreExcluded()
    {
        startDeployed([](config::ClusterConfig &config) {
            // Two hot replicas: bravo may never be promoted, charlie's host goes into maintenance.
            config.apps[0].replicas = {{QStringLiteral("bravo"), Tier::Hot},
                                       {QStringLiteral("charlie"), Tier::Hot},
                                       {QStringLiteral("delta"), Tier::Warm}};
            config.agents[1].neverPromote = true;
        });
        auto outcome = m_engine->setMaintenance(QStringLiteral("charlie"), true, QStringLiteral("tester")).get();
        QVERIFY2(outcome, qPrintable(outcome ? QString() : outcome.error().toString()));
        m_cluster->agent(0).kill();
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("delta"), kTimeoutMs);
        QVERIFY(journalHas(QStringLiteral("operator"), QStringLiteral("charlie is in maintenance")));
    }

    void vetoingHookBlocksFailover()
    {
        const QString hook = m_dir.filePath(QStringLiteral("veto.sh"));
        QFile file(hook);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#!/bin/sh\necho \"checking $FORESIGHT_APP: $FORESIGHT_OLD_PRIMARY -> $FORESIGHT_NEW_PRIMARY\"\n"
                   "echo 'change freeze in effect'\nexit 3\n");
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        startDeployed([&](config::ClusterConfig &config) { config.failover.preFailoverHook = hook; });
        m_cluster->agent(0).kill();
        QTRY_VERIFY_WITH_TIMEOUT(appOf(m_engine->snapshot())->reason.contains(QStringLiteral("vetoed")), kTimeoutMs);
        const failover::AppView blocked = *appOf(m_engine->snapshot());
        QCOMPARE(blocked.phase, failover::AppPhase::Blocked);
        QVERIFY2(blocked.reason.contains(QStringLiteral("vetoed"))
                     && blocked.reason.contains(QStringLiteral("change freeze")),
                 qPrintable(blocked.reason));
        QCOMPARE(textOf(*m_cluster, 1, QStringLiteral("role")), QStringLiteral("replica"));
        QVERIFY(journalHas(QStringLiteral("hook"), QStringLiteral("vetoed promoting bravo")));
    }

    void switchoverUnderLoadLosesNothing()
    {
        startDeployed();
        const std::uint64_t firstEpoch = appOf(m_engine->snapshot())->epoch;
        ContinuousWriter writerA(m_cluster->clientOptions(kTestApp), 1);
        ContinuousWriter writerB(m_cluster->clientOptions(kTestApp), 2);
        QTRY_VERIFY_WITH_TIMEOUT(writerA.acked() > 100 && writerB.acked() > 100, kTimeoutMs);

        auto dry
            = m_engine->switchover(failover::SwitchoverRequest{kTestApp, {}, true, 0, QStringLiteral("tester")}).get();
        QVERIFY2(dry, qPrintable(dry ? QString() : dry.error().toString()));
        QVERIFY2(dry->summary.contains(QStringLiteral("would revoke alpha")), qPrintable(dry->summary));
        auto toWarm = m_engine
                          ->switchover(failover::SwitchoverRequest{kTestApp,
                                                                   QStringLiteral("charlie"),
                                                                   false,
                                                                   0,
                                                                   QStringLiteral("tester")})
                          .get();
        QVERIFY(!toWarm);
        QVERIFY2(toWarm.error().message.contains(QStringLiteral("needs a hot replica")),
                 qPrintable(toWarm.error().message));

        auto done
            = m_engine
                  ->switchover(
                      failover::SwitchoverRequest{kTestApp, QStringLiteral("bravo"), false, 0, QStringLiteral("tester")})
                  .get();
        QVERIFY2(done, qPrintable(done ? QString() : done.error().toString()));
        QCOMPARE(primaryOf(*m_engine), QStringLiteral("bravo"));
        QVERIFY(done->details.value(QStringLiteral("pause-ms")).toInteger(-1) >= 0);
        QTRY_VERIFY_WITH_TIMEOUT(writerA.ackedAtEpochAbove(firstEpoch) > 50
                                     && writerB.ackedAtEpochAbove(firstEpoch) > 50,
                                 kTimeoutMs);
        writerA.stop();
        writerB.stop();
        QMap<QString, QByteArray> acked = writerA.ackedWrites();
        acked.insert(writerB.ackedWrites());
        verifyAcked(acked);
        // The journal is written on the store's own thread (an fsync can take a while): wait for it.
        QTRY_VERIFY_WITH_TIMEOUT(journalHas(QStringLiteral("switchover"), QStringLiteral("writes paused")), kTimeoutMs);

        // The old primary rejoins as the hot replica; a switchover back is scheduled and runs.
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 0, QStringLiteral("tier")), QStringLiteral("hot"), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(seqOf(*m_cluster, 0), seqOf(*m_cluster, 1), kTimeoutMs);
        // The engine learns of the rejoin from heartbeats, after the agent says it: a switchover
        // requested before then is refused as "alpha holds no replica".
        const auto engineSeesAlphaHot = [&] {
            for (const failover::ReplicaView &replica : appOf(m_engine->snapshot())->replicas) {
                if (replica.agent == QLatin1String("alpha") && replica.tier == Tier::Hot)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(engineSeesAlphaHot(), kTimeoutMs);
        const qint64 at = QDateTime::currentMSecsSinceEpoch() + 1500;
        auto scheduled = m_engine
                             ->switchover(failover::SwitchoverRequest{kTestApp,
                                                                      QStringLiteral("alpha"),
                                                                      false,
                                                                      at,
                                                                      QStringLiteral("tester")})
                             .get();
        QVERIFY2(scheduled, qPrintable(scheduled ? QString() : scheduled.error().toString()));
        QVERIFY2(scheduled->summary.contains(QStringLiteral("scheduled")), qPrintable(scheduled->summary));
        QTRY_VERIFY_WITH_TIMEOUT(appOf(m_engine->snapshot())->scheduledSwitchoverWallMs == at, kTimeoutMs);
        QCOMPARE(primaryOf(*m_engine), QStringLiteral("bravo"));
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("alpha"), kTimeoutMs);
        QVERIFY(QDateTime::currentMSecsSinceEpoch() >= at);
    }

    void aReplicaSilentDuringTheFailoverFollowsTheNewPrimaryLater()
    {
        startDeployed();
        // charlie (warm) is frozen when alpha dies, so the promotion cannot re-point it.
        m_cluster->agent(2).freeze();
        QTRY_VERIFY_WITH_TIMEOUT(m_engine->snapshot()->agent(QStringLiteral("charlie"))->suspected, kTimeoutMs);
        m_cluster->agent(0).kill();
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("bravo"), kTimeoutMs);
        QVERIFY(!journalHas(QStringLiteral("repoint"), QStringLiteral("charlie")));
        // Back, it still follows the dead alpha; the engine notices and points it at bravo.
        m_cluster->agent(2).thaw();
        QTRY_VERIFY_WITH_TIMEOUT(journalHas(QStringLiteral("repoint"), QStringLiteral("still followed alpha")),
                                 kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!linkOf(*m_cluster, 1, QStringLiteral("charlie")).isEmpty(), kTimeoutMs);
        QCOMPARE(textOf(*m_cluster, 2, QStringLiteral("tier")), QStringLiteral("warm"));
    }

    void operatorPromotion()
    {
        startDeployed([](config::ClusterConfig &config) { config.apps[0].config.snapshotIntervalMs = 3'600'000; });
        auto client = m_cluster->client(kTestApp);
        QVERIFY(client);
        QCOMPARE(writeMany(**client, QStringLiteral("p"), 30), QString());
        QTRY_COMPARE_WITH_TIMEOUT(seqOf(*m_cluster, 1), seqOf(*m_cluster, 0), kTimeoutMs);
        // ... and the engine has heard so from both.
        QTRY_VERIFY_WITH_TIMEOUT(appOf(m_engine->snapshot())->seq == quint64(seqOf(*m_cluster, 0))
                                     && appOf(m_engine->snapshot())->replicas.size() == 3
                                     && appOf(m_engine->snapshot())->replicas.first().lag == 0,
                                 kTimeoutMs);

        // The cold replica lags (no snapshot for an hour): refused unless forced.
        failover::PromoteRequest request{kTestApp, QStringLiteral("delta"), false, false, QStringLiteral("tester")};
        auto refused = m_engine->promote(request).get();
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("seqs behind")), qPrintable(refused.error().message));

        // A dry run of the engine's own choice says what would happen, and changes nothing.
        auto dry
            = m_engine->promote(failover::PromoteRequest{kTestApp, {}, false, true, QStringLiteral("tester")}).get();
        QVERIFY2(dry, qPrintable(dry ? QString() : dry.error().toString()));
        QVERIFY2(dry->summary.contains(QStringLiteral("promote bravo")), qPrintable(dry->summary));
        QCOMPARE(dry->details.value(QStringLiteral("candidate")).toObject().value(QStringLiteral("agent")).toString(),
                 QStringLiteral("bravo"));
        QCOMPARE(primaryOf(*m_engine), QStringLiteral("alpha"));

        // The real thing: bravo becomes primary once alpha's lease has run out; no write lost.
        auto done = m_engine
                        ->promote(failover::PromoteRequest{kTestApp,
                                                           QStringLiteral("bravo"),
                                                           false,
                                                           false,
                                                           QStringLiteral("tester")})
                        .get();
        QVERIFY2(done, qPrintable(done ? QString() : done.error().toString()));
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("bravo"), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 0, QStringLiteral("role")), QStringLiteral("replica"), kTimeoutMs);
        QCOMPARE(writeMany(**client, QStringLiteral("q"), 10), QString());
        auto read = (*client)->get(QStringLiteral("cart/p1"));
        QVERIFY(read && read->value);

        // Forced: the lagging cold replica, knowingly.
        request.force = true;
        request.agent = QStringLiteral("delta");
        auto forced = m_engine->promote(request).get();
        QVERIFY2(forced, qPrintable(forced ? QString() : forced.error().toString()));
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("delta"), kTimeoutMs);
        QVERIFY(journalHas(QStringLiteral("operator"), QStringLiteral("promote delta (forced)")));
    }
};

QTEST_GUILESS_MAIN(TestFailover)
#include "tst_failover.moc"
