// Host inventories mirrored by the console instead of polled (issue 21; docs/mirrors.md "Host
// inventories"), with real agents on simulated hosts (their /proc trees written by
// sim::SimulatedHost): each heartbeat announces the inventory's version, the console fetches the
// inventory once and keeps it while the version stays (each heartbeat a poll saved), and a
// change on the host (a disk added) reaches the console with one fetch more. An agent answers
// host-inventory itself, and one whose /proc lacks meminfo says why.

#include <QCborArray>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "control/snapshotcbor.h"
#include "enginetesting.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/control/controlclient.h"
#include "foresight/sim/simulatedhost.h"
#include "resulttext.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 30000;

} // namespace

class TestInventoryMirror : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;

    QString hostRoot(const QString &agent) const { return m_dir.filePath(QStringLiteral("hosts/") + agent); }

    // The agent's view in the engine's latest snapshot (a copy: snapshots are replaced).
    std::optional<failover::AgentView> viewOf(const QString &agent) const
    {
        const auto snapshot = m_engine->snapshot();
        const failover::AgentView *view = snapshot ? snapshot->agent(agent) : nullptr;
        return view ? std::optional(*view) : std::nullopt;
    }

    QStringList disksOf(const QString &agent) const
    {
        const auto view = viewOf(agent);
        QStringList names;
        if (view && view->inventory) {
            for (const metrics::HostInventory::Disk &disk : view->inventory->disks)
                names << disk.name;
        }
        return names;
    }

    qint64 fetchesOf(const QString &agent) const
    {
        const auto view = viewOf(agent);
        return view ? view->inventoryFetches : -1;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cleanup()
    {
        m_engine.reset();
        m_cluster.reset();
    }

    void theConsoleFetchesAnInventoryOnlyWhenItChanges()
    {
        int cpus = 4;
        for (const QString &name : {QStringLiteral("alpha"), QStringLiteral("bravo")}) {
            sim::SimulatedHostSettings settings;
            settings.root = hostRoot(name);
            settings.cpus = cpus;
            cpus /= 2;
            auto host = sim::SimulatedHost::create(settings, SystemClock::instance().wallMs());
            QVERIFY2(host, qPrintable(errorText(host)));
        }
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster"));
        options.hostsDir = m_dir.filePath(QStringLiteral("hosts"));
        options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(errorText(cluster)));
        m_cluster = std::move(*cluster);

        // The agent answers host-inventory itself.
        auto control = m_cluster->control(0);
        QVERIFY2(control, qPrintable(errorText(control)));
        auto direct = (*control)->hostInventory();
        QVERIFY2(direct, qPrintable(errorText(direct)));
        QCOMPARE(direct->value(QStringLiteral("agent")).toString(), QStringLiteral("alpha"));
        QVERIFY(direct->value(QStringLiteral("version")).toInteger() > 0);
        auto parsed = metrics::HostInventory::fromCbor(direct->value(QStringLiteral("inventory")).toMap());
        QVERIFY2(parsed, qPrintable(errorText(parsed)));
        QCOMPARE(qint64(parsed->version()), direct->value(QStringLiteral("version")).toInteger());
        QCOMPARE(parsed->cpus, 4);
        QCOMPARE(parsed->hostname, QStringLiteral("alpha"));

        m_engine = startTestEngine(*m_cluster,
                                   clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}}),
                                   m_dir.filePath(QStringLiteral("console.sqlite")));
        QVERIFY(m_engine);
        QTRY_COMPARE_WITH_TIMEOUT(disksOf(QStringLiteral("alpha")), QStringList{QStringLiteral("vda")}, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(viewOf(QStringLiteral("bravo")) && viewOf(QStringLiteral("bravo"))->inventory,
                                 kTimeoutMs);
        {
            const auto alpha = viewOf(QStringLiteral("alpha"));
            QCOMPARE(alpha->inventory->cpus, 4);
            QCOMPARE(alpha->inventory->hostname, QStringLiteral("alpha"));
            QCOMPARE(alpha->inventory->interfaces, QStringList{QStringLiteral("eth0")});
            QCOMPARE(alpha->inventory->disks.first().sizeBytes, 52428800LL * 1024);
            QCOMPARE(viewOf(QStringLiteral("bravo"))->inventory->cpus, 2);
        }

        // Unchanged: heartbeats keep coming, and none fetches it again.
        QTRY_VERIFY_WITH_TIMEOUT(viewOf(QStringLiteral("alpha"))->inventoryPollsSaved >= 10, kTimeoutMs);
        QCOMPARE(fetchesOf(QStringLiteral("alpha")), 1);
        QVERIFY(viewOf(QStringLiteral("alpha"))->inventoryCurrent);

        // A disk is added on alpha's host: the agent reads it within 10 s and announces a new
        // version, and the console fetches once more.
        QFile partitions(hostRoot(QStringLiteral("alpha")) + QStringLiteral("/partitions"));
        QVERIFY(partitions.open(QIODevice::Append));
        QVERIFY(partitions.write(" 252       16  104857600 vdb\n") > 0);
        partitions.close();
        QTRY_COMPARE_WITH_TIMEOUT(disksOf(QStringLiteral("alpha")),
                                  (QStringList{QStringLiteral("vda"), QStringLiteral("vdb")}),
                                  kTimeoutMs);
        QCOMPARE(fetchesOf(QStringLiteral("alpha")), 2);
        QCOMPARE(fetchesOf(QStringLiteral("bravo")), 1);

        // The console's status carries the copy and how the mirror stands.
        const QCborMap status = control::snapshotToCbor(*m_engine->snapshot());
        QCborMap alpha;
        for (const QCborValue &agent : status.value(QStringLiteral("agents")).toArray()) {
            if (agent.toMap().value(QStringLiteral("name")).toString() == QLatin1String("alpha"))
                alpha = agent.toMap();
        }
        QCOMPARE(alpha.value(QStringLiteral("inventory")).toMap().value(QStringLiteral("disks")).toArray().size(), 2);
        const QCborMap mirror = alpha.value(QStringLiteral("inventory-mirror")).toMap();
        QCOMPARE(mirror.value(QStringLiteral("fetches")).toInteger(), 2);
        QVERIFY(mirror.value(QStringLiteral("polls-saved")).toInteger() >= 10);
        QVERIFY(mirror.value(QStringLiteral("current")).toBool());
    }

    void anAgentWithoutMeminfoSaysWhy()
    {
        const QString root = hostRoot(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(root));
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster-empty"));
        options.hostsDir = m_dir.filePath(QStringLiteral("hosts"));
        options.agentNames = {QStringLiteral("empty")};
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(errorText(cluster)));
        m_cluster = std::move(*cluster);
        auto control = m_cluster->control(0);
        QVERIFY2(control, qPrintable(errorText(control)));
        auto refused = (*control)->hostInventory();
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::IoError);
        QVERIFY2(refused.error().message.contains(QStringLiteral("meminfo")), qPrintable(refused.error().message));
    }
};

QTEST_GUILESS_MAIN(TestInventoryMirror)
#include "tst_inventorymirror.moc"
