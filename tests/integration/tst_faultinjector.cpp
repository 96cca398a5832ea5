// FaultInjector on real agents on simulated hosts, as the demo's menu and scenarios use it: a
// freeze stops the agent's process and ends after its time (or when the injector goes), a crash
// kills it, a degradation reaches the host's files and a repair ends it; a role nobody holds, an
// unknown agent and a partition without a simulated network are refused with a sentence saying
// why. On a cluster behind a simulated network, a partition between a primary and its hot
// replica (roles resolved by a real engine) cuts the replication stream until healed, and the
// replica then catches up; a partition with a duration heals itself in tick().

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "enginetesting.h"
#include "foresight/core/clock.h"
#include "foresight/sim/simulatednetwork.h"
#include "foresight/training/faultinjector.h"

using namespace foresight;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 20000;

qint64 wallNow()
{
    return SystemClock::instance().wallMs();
}

// The process state letter of /proc/<pid>/stat: 'T' while stopped (SIGSTOP).
char processState(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return '?';
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')'); // the command name may hold spaces
    return close >= 0 && close + 2 < text.size() ? text[close + 2] : '?';
}

// MemAvailable of a simulated host's meminfo, in kB.
qint64 memAvailableKb(const QString &hostRoot)
{
    QFile meminfo(hostRoot + u"/meminfo"_s); // the host root stands for /proc
    if (!meminfo.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : meminfo.readAll().split('\n')) {
        if (line.startsWith("MemAvailable:"))
            return line.mid(13).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

sim::ScenarioFault fault(sim::FaultKind kind, const QString &target, qint64 durationMs = 0)
{
    sim::ScenarioFault made;
    made.kind = kind;
    made.target = target;
    made.durationMs = durationMs;
    return made;
}

sim::ScenarioFault partition(const QString &target, const QString &peer, qint64 durationMs = 0)
{
    sim::ScenarioFault made = fault(sim::FaultKind::Partition, target, durationMs);
    made.peer = peer;
    return made;
}

sim::ScenarioFault slowLink(
    const QString &target, const QString &peer, qint64 bytesPerSec, qint64 latencyMs, qint64 durationMs = 0)
{
    sim::ScenarioFault made = fault(sim::FaultKind::Slow, target, durationMs);
    made.peer = peer;
    made.bandwidthBytesPerSec = bytesPerSec;
    made.latencyMs = latencyMs;
    return made;
}

const failover::ReplicaView *replicaOf(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot,
                                       const QString &agent)
{
    const failover::AppView *app = testing::appOf(snapshot);
    if (!app)
        return nullptr;
    for (const failover::ReplicaView &replica : app->replicas) {
        if (replica.agent == agent)
            return &replica;
    }
    return nullptr;
}

// Whether the engine's latest snapshot shows agent as a replica connected to its primary.
bool connectedInSnapshot(const failover::ClusterEngine &engine, const QString &agent)
{
    const auto snapshot = engine.snapshot();
    const failover::ReplicaView *replica = replicaOf(snapshot, agent);
    return replica && replica->connected;
}

bool disconnectedInSnapshot(const failover::ClusterEngine &engine, const QString &agent)
{
    const auto snapshot = engine.snapshot();
    const failover::ReplicaView *replica = replicaOf(snapshot, agent);
    return replica && !replica->connected;
}

} // namespace

class TestFaultInjector : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<training::FaultInjector> m_faults;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(u"cluster"_s);
        options.hostsDir = m_dir.filePath(u"hosts"_s);
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);
        auto faults = training::FaultInjector::create({m_cluster.get(), nullptr, u"shop"_s}, wallNow());
        QVERIFY2(faults, qPrintable(faults ? QString() : faults.error().message));
        m_faults = std::move(*faults);
        QVERIFY(m_faults->hasSimulatedHosts());
    }

    void cleanupTestCase()
    {
        m_faults.reset();
        m_cluster.reset();
    }

    void aFreezeEndsAfterItsTime()
    {
        cluster::AgentProcess &bravo = m_cluster->agent(1);
        const auto applied = m_faults->inject(fault(sim::FaultKind::Freeze, bravo.name(), 300), wallNow());
        QVERIFY2(applied, qPrintable(applied ? QString() : applied.error().message));
        QCOMPARE(applied->agent, bravo.name());
        QTRY_COMPARE(processState(bravo.pid()), 'T'); // signals arrive asynchronously
        QStringList thawed;
        QTRY_VERIFY_WITH_TIMEOUT((thawed += m_faults->tick(wallNow()), !thawed.isEmpty()), kTimeoutMs);
        QCOMPARE(thawed, QStringList{bravo.name()});
        QTRY_VERIFY(processState(bravo.pid()) != 'T');
    }

    void anEndlessFreezeEndsWithTheInjector()
    {
        auto own = training::FaultInjector::create({m_cluster.get(), nullptr, u"shop"_s}, wallNow());
        QVERIFY(own);
        cluster::AgentProcess &charlie = m_cluster->agent(2);
        QVERIFY((*own)->inject(fault(sim::FaultKind::Freeze, charlie.name()), wallNow()));
        QTRY_COMPARE(processState(charlie.pid()), 'T');
        QVERIFY((*own)->tick(wallNow() + 3'600'000).isEmpty()); // no end of its own
        own->reset();
        QTRY_VERIFY(processState(charlie.pid()) != 'T');
    }

    void aDegradationReachesTheHostAndARepairEndsIt()
    {
        const QString delta = m_cluster->agent(3).name();
        const QString root = m_dir.filePath(u"hosts/"_s) + delta;
        const qint64 now = wallNow();
        QVERIFY(m_faults->tick(now).isEmpty());
        const qint64 before = memAvailableKb(root);
        QVERIFY2(before > 0, qPrintable(root));

        sim::ScenarioFault leak = fault(sim::FaultKind::Degrade, delta);
        leak.degradation = sim::Degradation::MemoryLeak; // at its worst at once
        QVERIFY(m_faults->inject(leak, now));
        QVERIFY(m_faults->host(delta)->degraded());
        m_faults->tick(now + 60'000);
        const qint64 leaking = memAvailableKb(root);
        QVERIFY2(leaking < before / 2, qPrintable(u"MemAvailable %1 kB, was %2 kB"_s.arg(leaking).arg(before)));

        QVERIFY(m_faults->repair(delta));
        QVERIFY(!m_faults->host(delta)->degraded());
    }

    void aCrashKillsTheAgent()
    {
        cluster::AgentProcess &alpha = m_cluster->agent(0);
        QVERIFY(alpha.isRunning());
        QVERIFY(m_faults->inject(fault(sim::FaultKind::Crash, alpha.name()), wallNow()));
        QVERIFY(!alpha.isRunning());
        QVERIFY(alpha.restart());
    }

    void whatCannotBeDoneIsRefusedWithTheReason()
    {
        // Without an engine nobody holds a role.
        auto role = m_faults->inject(fault(sim::FaultKind::Crash, u"primary"_s), wallNow());
        QVERIFY(!role);
        QCOMPARE(role.error().message, u"crash skipped: nobody is primary now"_s);

        auto unknown = m_faults->inject(fault(sim::FaultKind::Freeze, u"zulu"_s), wallNow());
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().message, u"freeze skipped: no agent 'zulu' in this cluster"_s);

        auto partition = m_faults->inject(fault(sim::FaultKind::Partition, m_cluster->agent(1).name()), wallNow());
        QVERIFY(!partition);
        QVERIFY2(partition.error().message.contains(u"simulated network"_s), qPrintable(partition.error().message));
        auto slow = m_faults->inject(slowLink(u"alpha"_s, u"bravo"_s, 24000, 25), wallNow());
        QVERIFY(!slow);
        QVERIFY2(slow.error().message.startsWith(u"slow alpha skipped:"_s)
                     && slow.error().message.contains(u"simulated network"_s),
                 qPrintable(slow.error().message));

        const auto repair = m_faults->repair(u"zulu"_s);
        QVERIFY(!repair);
        QVERIFY2(repair.error().message.contains(u"not simulated"_s), qPrintable(repair.error().message));
        for (int i = 0; i < m_cluster->size(); ++i)
            QVERIFY(m_cluster->agent(i).isRunning());
        QVERIFY(!m_faults->hasSimulatedNetwork());
        QVERIFY(!m_faults->heal());
        QVERIFY(!m_faults->setLink(u"alpha"_s, u"bravo"_s, {}));
    }

    // A real engine deploys shop on alpha with two hot replicas (bravo, charlie) behind the
    // simulated network. Cutting the primary off from "hot-replica" (bravo) stalls bravo's stream
    // while writes go on through charlie; the engine sees bravo disconnected; once healed, bravo
    // reconnects and catches up. The console still hears everyone, so nobody fails over.
    void aPartitionCutsAPrimaryFromItsReplicaUntilHealed()
    {
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(u"netcluster"_s);
        options.hostsDir = m_dir.filePath(u"nethosts"_s);
        options.simulatedNetwork = true;
        auto started = cluster::LocalCluster::start(options);
        QVERIFY2(started, qPrintable(started ? QString() : started.error().toString()));
        cluster::LocalCluster &cluster = **started;
        QVERIFY(cluster.network());
        QVERIFY2(cluster.listenUrl(1).startsWith(u"tcp://127.0.0.12:"_s), qPrintable(cluster.listenUrl(1)));
        auto engine = testing::startTestEngine(cluster,
                                               testing::clusterConfigFor(cluster, 0, {{1, Tier::Hot}, {2, Tier::Hot}}),
                                               m_dir.filePath(u"netconsole.db"_s));
        QVERIFY(engine);
        QTRY_VERIFY_WITH_TIMEOUT(connectedInSnapshot(*engine, u"bravo"_s) && connectedInSnapshot(*engine, u"charlie"_s),
                                 kTimeoutMs);
        auto client = cluster.client(testing::kTestApp);
        QVERIFY2(client, qPrintable(client ? QString() : client.error().toString()));
        QCOMPARE(testing::writeMany(**client, u"before-"_s, 20), QString());

        auto faults = training::FaultInjector::create({&cluster, engine.get(), testing::kTestApp}, wallNow());
        QVERIFY(faults);
        QVERIFY((*faults)->hasSimulatedNetwork());
        const auto applied = (*faults)->inject(partition(u"primary"_s, u"hot-replica"_s), wallNow());
        QVERIFY2(applied, qPrintable(applied ? QString() : applied.error().message));
        QCOMPARE(applied->agent, u"alpha"_s);
        QCOMPARE(applied->peer, u"bravo"_s);
        QCOMPARE(cluster.network()->partitions().size(), 1);

        // Writes go on (charlie acknowledges), bravo falls silent and behind.
        QCOMPARE(testing::writeMany(**client, u"during-"_s, 50), QString());
        QTRY_VERIFY_WITH_TIMEOUT(disconnectedInSnapshot(*engine, u"bravo"_s), kTimeoutMs);
        QVERIFY(testing::seqOf(cluster, 1) < testing::seqOf(cluster, 0));
        QVERIFY(connectedInSnapshot(*engine, u"charlie"_s));
        QCOMPARE(testing::primaryOf(*engine), u"alpha"_s);
        QVERIFY((*faults)->tick(wallNow() + 3'600'000).isEmpty()); // no duration: no end of its own
        QCOMPARE(cluster.network()->partitions().size(), 1);

        (*faults)->thawAll(); // heals what it cut
        QVERIFY(cluster.network()->partitions().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(connectedInSnapshot(*engine, u"bravo"_s), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(testing::seqOf(cluster, 1), testing::seqOf(cluster, 0), kTimeoutMs);
        QCOMPARE(testing::textOf(cluster, 1, u"digest"_s), testing::textOf(cluster, 0, u"digest"_s));
        QCOMPARE(testing::primaryOf(*engine), u"alpha"_s);
        QVERIFY(cluster.network()->stats().connections > 0);

        // With a duration, tick() heals it; by hand, heal() does.
        QVERIFY((*faults)->inject(partition(u"charlie"_s, u"delta"_s, 200), wallNow()));
        QStringList healed;
        QTRY_VERIFY(((void) (*faults)->tick(wallNow(), &healed), !healed.isEmpty()));
        QCOMPARE(healed, QStringList{u"charlie-delta"_s});
        QVERIFY(cluster.network()->partitions().isEmpty());
        QVERIFY((*faults)->inject(fault(sim::FaultKind::Partition, u"delta"_s), wallNow())); // from everyone
        QCOMPARE(cluster.network()->partitions().size(), 4); // the console and three agents
        QVERIFY((*faults)->heal(u"delta"_s));
        QVERIFY(cluster.network()->partitions().isEmpty());

        // A link set by hand.
        sim::LinkModel slow;
        slow.latencyMs = 5;
        slow.loss = 0.01;
        QVERIFY((*faults)->setLink(u"primary"_s, u"charlie"_s, slow));
        QCOMPARE(cluster.network()->link(u"charlie"_s, u"alpha"_s), slow);
        QCOMPARE(testing::writeMany(**client, u"after-"_s, 20), QString());
        // The agents measure their links through the network too: the engine sees the latency.
        slow.latencyMs = 25;
        slow.loss = 0;
        QVERIFY((*faults)->setLink(u"alpha"_s, u"charlie"_s, slow));
        const auto rttOfCharlie = [&engine] {
            const auto snapshot = engine->snapshot();
            const failover::ReplicaView *replica = replicaOf(snapshot, u"charlie"_s);
            return replica ? replica->rttMs : -1.0;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(rttOfCharlie() >= 20, qPrintable(u"rtt %1 ms"_s.arg(rttOfCharlie())), kTimeoutMs);
        // A link cut by hand is healed by the injector too.
        slow.partitioned = true;
        QVERIFY((*faults)->setLink(sim::SimulatedNetwork::consoleHost(), u"delta"_s, slow));
        QCOMPARE(cluster.network()->partitions().size(), 1);
        (*faults)->thawAll();
        QVERIFY(cluster.network()->partitions().isEmpty());
        client->reset();
        faults->reset();
        engine.reset();
    }

    // A slow fault between roles (resolved by a real engine when it fires) narrows that link,
    // which the agents' own round trips show, and puts back exactly the model the pair had
    // before: at its time in tick(), or by thawAll() when it has none. A partition made meanwhile
    // is not the slow fault's to undo.
    void aSlowLinkIsNarrowedAndRestoredAtItsTime()
    {
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(u"slowcluster"_s);
        options.hostsDir = m_dir.filePath(u"slowhosts"_s);
        options.simulatedNetwork = true;
        auto started = cluster::LocalCluster::start(options);
        QVERIFY2(started, qPrintable(started ? QString() : started.error().toString()));
        cluster::LocalCluster &cluster = **started;
        auto engine = testing::startTestEngine(cluster,
                                               testing::clusterConfigFor(cluster, 0, {{1, Tier::Hot}, {2, Tier::Warm}}),
                                               m_dir.filePath(u"slowconsole.db"_s));
        QVERIFY(engine);
        QTRY_VERIFY_WITH_TIMEOUT(connectedInSnapshot(*engine, u"charlie"_s), kTimeoutMs);
        auto faults = training::FaultInjector::create({&cluster, engine.get(), testing::kTestApp}, wallNow());
        QVERIFY(faults);

        sim::LinkModel before;
        before.latencyMs = 2;
        before.loss = 0.001;
        QVERIFY((*faults)->setLink(u"alpha"_s, u"charlie"_s, before));

        // Until the end: the agents measure the latency through the narrowed link.
        auto applied = (*faults)->inject(slowLink(u"primary"_s, u"warm-replica"_s, 24000, 25), wallNow());
        QVERIFY2(applied, qPrintable(applied ? QString() : applied.error().message));
        QCOMPARE(applied->kind, sim::FaultKind::Slow);
        QCOMPARE(applied->agent, u"alpha"_s);
        QCOMPARE(applied->peer, u"charlie"_s);
        sim::LinkModel slowed = before;
        slowed.bandwidthBytesPerSec = 24000;
        slowed.latencyMs = 25;
        QCOMPARE(cluster.network()->link(u"charlie"_s, u"alpha"_s), slowed);
        const auto rttOfCharlie = [&engine] {
            const auto snapshot = engine->snapshot();
            const failover::ReplicaView *replica = replicaOf(snapshot, u"charlie"_s);
            return replica ? replica->rttMs : -1.0;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(rttOfCharlie() >= 40, qPrintable(u"rtt %1 ms"_s.arg(rttOfCharlie())), kTimeoutMs);
        QStringList restored;
        QVERIFY((*faults)->tick(wallNow() + 3'600'000, nullptr, &restored).isEmpty());
        QVERIFY(restored.isEmpty());                                                // no duration: no end of its own
        QVERIFY(cluster.network()->setPartitioned(u"alpha"_s, u"charlie"_s, true)); // another fault's cut
        (*faults)->thawAll();
        sim::LinkModel cut = before;
        cut.partitioned = true;
        QCOMPARE(cluster.network()->link(u"alpha"_s, u"charlie"_s), cut);
        QVERIFY(cluster.network()->setPartitioned(u"alpha"_s, u"charlie"_s, false));

        // With a duration, on the injector's clock, tick() restores it; the latency may be left
        // as it was.
        const sim::LinkModel alphaBravo = cluster.network()->link(u"alpha"_s, u"bravo"_s);
        QVERIFY((*faults)->inject(slowLink(u"bravo"_s, u"primary"_s, 1000, -1, 200), wallNow()));
        sim::LinkModel narrow = alphaBravo;
        narrow.bandwidthBytesPerSec = 1000;
        QCOMPARE(cluster.network()->link(u"alpha"_s, u"bravo"_s), narrow);
        QTRY_VERIFY(((void) (*faults)->tick(wallNow(), nullptr, &restored), !restored.isEmpty()));
        QCOMPARE(restored, QStringList{u"bravo-alpha"_s});
        QCOMPARE(cluster.network()->link(u"alpha"_s, u"bravo"_s), alphaBravo);
        QCOMPARE(cluster.network()->link(u"alpha"_s, u"charlie"_s), before);

        // A second slow fault on a pair restores, at its end, what the pair had before the first.
        QVERIFY((*faults)->inject(slowLink(u"alpha"_s, u"charlie"_s, 50000, 10), wallNow()));
        QVERIFY((*faults)->inject(slowLink(u"charlie"_s, u"alpha"_s, 8000, 40, 100), wallNow()));
        QCOMPARE(cluster.network()->link(u"alpha"_s, u"charlie"_s).bandwidthBytesPerSec, 8000);
        restored.clear();
        QTRY_VERIFY(((void) (*faults)->tick(wallNow(), nullptr, &restored), !restored.isEmpty()));
        QCOMPARE(cluster.network()->link(u"alpha"_s, u"charlie"_s), before);
        faults->reset();
        engine.reset();
    }
};

QTEST_GUILESS_MAIN(TestFaultInjector)
#include "tst_faultinjector.moc"
