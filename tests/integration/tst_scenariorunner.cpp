// Scenarios played on real agents (on simulated hosts) watched by a real engine: a crash of the
// primary is failed over and the run scores full marks; a corrupted hot replica is kept out of
// the promotion that follows the primary's crash; a fault applied by hand while a scenario plays
// is recorded like the scenario's own; a scenario with a partition is refused by line.

#include <algorithm>

#include <QTemporaryDir>
#include <QTest>

#include "enginetesting.h"
#include "foresight/training/scenariorunner.h"

using namespace foresight;
using namespace foresight::testing;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 60000;

qint64 wallNow()
{
    return SystemClock::instance().wallMs();
}

} // namespace

class TestScenarioRunner : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;

    // alpha primary, bravo hot, charlie warm, delta cold, on simulated hosts; healthy.
    void startDeployed(const QString &name)
    {
        m_engine.reset();
        m_cluster.reset();
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(name);
        options.hostsDir = m_dir.filePath(name + u"-hosts"_s);
        options.extraAgentArgs = {u"--allow-fault-injection"_s};
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);
        const config::ClusterConfig config = clusterConfigFor(*m_cluster,
                                                              0,
                                                              {{1, Tier::Hot}, {2, Tier::Warm}, {3, Tier::Cold}});
        m_engine = startTestEngine(*m_cluster, config, m_dir.filePath(name + u".sqlite"_s));
        QVERIFY(m_engine);
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);
    }

    // The scenario parsed and its runner started on the deployed cluster; the error says which
    // of the two failed.
    Result<std::unique_ptr<training::ScenarioRunner>> startRunner(const QByteArray &text, const QString &file)
    {
        auto scenario = sim::Scenario::parse(text, file);
        if (!scenario)
            return std::unexpected(scenario.error());
        training::ScenarioRunner::Options options;
        options.scenario = *scenario;
        options.cluster = m_cluster.get();
        options.engine = m_engine.get();
        options.app = kTestApp;
        return training::ScenarioRunner::start(options, wallNow());
    }

    // Plays the scenario to its end; QTRY/QVERIFY failures return early (check with QTest::currentTestFailed()).
    void play(const QByteArray &text, sim::ScenarioScore *score, QStringList *events)
    {
        auto runner = startRunner(text, u"test.scenario"_s);
        QVERIFY2(runner, qPrintable(runner ? QString() : runner.error().message));
        // The scenario's own clock is the wall clock; the loop runs until its duration has passed.
        QTRY_VERIFY_WITH_TIMEOUT(!(*runner)->tick(wallNow()), kTimeoutMs);
        *score = (*runner)->finish(wallNow());
        *events = (*runner)->events();
        for (const sim::ServiceOutage &outage : (*runner)->run().outages)
            *events << QStringLiteral("outage %1..%2 ms")
                           .arg(outage.startWallMs - (*runner)->run().startWallMs)
                           .arg(outage.endWallMs ? outage.endWallMs - (*runner)->run().startWallMs : -1);
        *events << QStringLiteral("acked %1").arg((*runner)->run().ackedWrites);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void cleanupTestCase()
    {
        m_engine.reset();
        m_cluster.reset();
    }

    void aCrashedPrimaryIsFailedOverAndScoresFullMarks()
    {
        startDeployed(u"crash"_s);
        QStringList events;
        sim::ScenarioScore score;
        play("name: crash\ndifficulty: 1\nduration: 10s\n"
             "objective restore-within 5s\nobjective no-acked-write-lost\n"
             "at 1s degrade alpha memory-leak for 2s\n"
             "at 4s crash primary\n",
             &score,
             &events);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(events.size() >= 2 && events[1].contains(u"crash alpha (primary)"_s), qPrintable(events.join(u"; "_s)));
        QCOMPARE(score.maxPoints, 100);
        QVERIFY2(score.points == 100, qPrintable(score.toImprove.join(u"; "_s)));
        // A failover quicker than the outage threshold (250 ms without an acknowledgement) leaves no
        // outage at all; a slower one is blamed on the crash, not on the degradation before it.
        const QString restore = score.objectives[0].explanation;
        QVERIFY2(restore.contains(u"after the crash of alpha"_s) || restore == u"writes were acknowledged throughout"_s,
                 qPrintable(restore + u" / "_s + events.join(u"; "_s)));
        QVERIFY(score.objectives[1].explanation.startsWith(u"all "_s));
        QVERIFY(primaryOf(*m_engine) != u"alpha"_s);
    }

    void aCorruptedReplicaIsNotPromoted()
    {
        startDeployed(u"corrupt"_s);
        QStringList events;
        sim::ScenarioScore score;
        play("name: corrupt\ndifficulty: 2\nduration: 12s\n"
             "objective no-corrupt-promotion\n"
             "at 1s corrupt hot-replica\n"
             "at 5s crash primary\n",
             &score,
             &events);
        if (QTest::currentTestFailed())
            return;
        // The engine keeps bravo out; whether it promotes a lagging tier or waits for an operator,
        // the corrupted copy never becomes the primary.
        QVERIFY2(events.size() >= 2 && events[0].contains(u"corrupt bravo (hot-replica)"_s)
                     && events[1].contains(u"crash alpha (primary)"_s),
                 qPrintable(events.join(u"; "_s)));
        QVERIFY2(score.objectives[0].met, qPrintable(score.objectives[0].explanation));
        QCOMPARE(score.objectives[0].explanation, u"the corrupted replica was never promoted"_s);
        QVERIFY(primaryOf(*m_engine) != u"bravo"_s);
    }

    // The window's Demo menu while a scenario plays: the fault goes through the runner, which
    // applies it and counts it as the scenario's own.
    void aFaultByHandIsRecorded()
    {
        startDeployed(u"hand"_s);
        auto runner = startRunner("name: hand\ndifficulty: 1\nduration: 3s\nobjective no-acked-write-lost\n"
                                  "at 2s degrade delta memory-leak for 1s\n",
                                  u"hand.scenario"_s);
        QVERIFY2(runner, qPrintable(runner ? QString() : runner.error().message));

        sim::ScenarioFault freeze;
        freeze.kind = sim::FaultKind::Freeze;
        freeze.target = u"charlie"_s; // by name: the engine's snapshot may not list the tiers yet
        freeze.durationMs = 500;
        const auto applied = (*runner)->injectByHand(freeze, wallNow());
        QVERIFY2(applied, qPrintable(applied ? QString() : applied.error().message));
        QCOMPARE(applied->agent, u"charlie"_s);
        QCOMPARE(applied->line, 0);
        sim::ScenarioFault nobody;
        nobody.kind = sim::FaultKind::Crash;
        nobody.target = u"zulu"_s;
        QVERIFY(!(*runner)->injectByHand(nobody, wallNow()));

        QTRY_VERIFY_WITH_TIMEOUT(!(*runner)->tick(wallNow()), kTimeoutMs);
        const sim::ScenarioScore score = (*runner)->finish(wallNow());
        const QString events = (*runner)->events().join(u"; "_s);
        QVERIFY2(events.contains(u"by hand: freeze charlie"_s), qPrintable(events));
        QVERIFY2(events.contains(u"by hand: crash skipped: no agent 'zulu'"_s), qPrintable(events));
        QVERIFY2(events.contains(u"thaw charlie"_s), qPrintable(events));
        const auto &faults = (*runner)->run().faults;
        QCOMPARE(faults.size(), 2); // the scenario's degradation and the freeze by hand
        QCOMPARE(std::count_if(faults.cbegin(), faults.cend(), [](const sim::AppliedFault &f) { return f.line == 0; }),
                 1);
        QVERIFY2(score.objectives[0].met, qPrintable(score.objectives[0].explanation));
    }

    void aPartitionIsRefusedByLine()
    {
        startDeployed(u"partition"_s);
        const auto runner = startRunner("name: p\ndifficulty: 1\nduration: 10s\nobjective no-acked-write-lost\n"
                                        "at 2s partition alpha bravo\n",
                                        u"p.scenario"_s);
        QVERIFY(!runner);
        QVERIFY2(runner.error().message.contains(u"line 5: partitions need the simulated network"_s),
                 qPrintable(runner.error().message));
        const auto slow = startRunner("name: s\ndifficulty: 1\nduration: 10s\nobjective no-acked-write-lost\n"
                                      "at 1s crash bravo\nat 2s slow primary bravo 24000 latency 25ms\n",
                                      u"s.scenario"_s);
        QVERIFY(!slow);
        QVERIFY2(slow.error().message.contains(u"line 6: slow links need the simulated network"_s),
                 qPrintable(slow.error().message));
    }
};

QTEST_GUILESS_MAIN(TestScenarioRunner)
#include "tst_scenariorunner.moc"
