// FaultInjector on real agents on simulated hosts, as the demo's menu and scenarios use it: a
// freeze stops the agent's process and ends after its time (or when the injector goes), a crash
// kills it, a degradation reaches the host's files and a repair ends it; a role nobody holds, an
// unknown agent and a partition are refused with a sentence saying why.

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/sim/faultinjector.h"

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

} // namespace

class TestFaultInjector : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<LocalCluster> m_cluster;
    std::unique_ptr<sim::FaultInjector> m_faults;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        LocalCluster::Options options;
        options.workDir = m_dir.filePath(u"cluster"_s);
        options.hostsDir = m_dir.filePath(u"hosts"_s);
        auto cluster = LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);
        auto faults = sim::FaultInjector::create({m_cluster.get(), nullptr, u"shop"_s}, wallNow());
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
        AgentProcess &bravo = m_cluster->agent(1);
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
        auto own = sim::FaultInjector::create({m_cluster.get(), nullptr, u"shop"_s}, wallNow());
        QVERIFY(own);
        AgentProcess &charlie = m_cluster->agent(2);
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
        AgentProcess &alpha = m_cluster->agent(0);
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

        const auto repair = m_faults->repair(u"zulu"_s);
        QVERIFY(!repair);
        QVERIFY2(repair.error().message.contains(u"not simulated"_s), qPrintable(repair.error().message));
        for (int i = 0; i < m_cluster->size(); ++i)
            QVERIFY(m_cluster->agent(i).isRunning());
    }
};

QTEST_GUILESS_MAIN(TestFaultInjector)
#include "tst_faultinjector.moc"
