// The supervisor of a managed application's process (docs/managed-apps.md), with a driven clock
// and small shell scripts as the children: back-off doubles per crash, a crash loop stops the
// restarts, a stop is SIGTERM then SIGKILL after the timeout, a role change restarts, and the
// health check's exit code is the health. Exits are seen by polling tick(), never by sleeping.

#include <csignal>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/instance/supervisor.h"

using namespace foresight;
using namespace foresight::instance;
using namespace Qt::StringLiterals;

namespace {

ProcessSpec shell(const QString &script)
{
    ProcessSpec spec;
    spec.command = u"/bin/sh"_s;
    spec.arguments = {u"-c"_s, script};
    spec.restartDelayMs = 200;
    spec.restartDelayMaxMs = 1000;
    spec.crashLoopRestarts = 5;
    spec.crashLoopWindowMs = 60'000;
    spec.stopTimeoutMs = 500;
    return spec;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool alive(std::int64_t pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

} // namespace

class TestSupervisor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crashRestartsWithDoublingBackoff();
    void crashLoopStopsRestarting();
    void oldCrashesLeaveTheWindow();
    void stopIsTermThenKillAfterTimeout();
    void stopOfAWellBehavedProcess();
    void roleChangeRestartsWithTheNewRole();
    void environmentAndWorkingDirectoryReachTheChild();
    void aProgramThatCannotStartIsReported();
    void healthCheckExitCodeIsTheHealth();
    void healthCheckThatHangsIsKilledAndUnhealthy();
    void destructorKillsTheProcessGroup();
    void statusMap();
};

void TestSupervisor::crashRestartsWithDoublingBackoff()
{
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    supervisor.run(shell(u"exit 3"_s), InstanceRole::Active, {});
    const std::int64_t first = supervisor.status().pid;
    QVERIFY(first > 0);
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Backoff));
    InstanceStatus status = supervisor.status();
    QVERIFY(status.lastExit);
    QCOMPARE(status.lastExit->code, 3);
    QVERIFY(!status.lastExit->requested);
    QCOMPARE(status.restarts, 1);
    QCOMPARE(status.nextRestartInMs, 200);
    QCOMPARE(status.pid, 0);

    clock.advance(199);
    supervisor.tick();
    QCOMPARE(supervisor.status().state, InstanceState::Backoff); // not a millisecond early
    clock.advance(1);
    supervisor.tick();
    QCOMPARE(supervisor.status().state, InstanceState::Running);
    QVERIFY(supervisor.status().pid > 0);

    // The second crash within the window waits twice as long, the third four times (capped).
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Backoff));
    QCOMPARE(supervisor.status().restarts, 2);
    QCOMPARE(supervisor.status().nextRestartInMs, 400);
    clock.advance(400);
    supervisor.tick();
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Backoff));
    QCOMPARE(supervisor.status().nextRestartInMs, 800);
    clock.advance(800);
    supervisor.tick();
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Backoff));
    QCOMPARE(supervisor.status().nextRestartInMs, 1000); // restartDelayMaxMs
}

void TestSupervisor::crashLoopStopsRestarting()
{
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    ProcessSpec spec = shell(u"exit 7"_s);
    spec.crashLoopRestarts = 2;
    spec.restartDelayMs = 10;
    supervisor.run(spec, InstanceRole::Active, {});
    for (int restart = 1; restart <= 2; ++restart) {
        QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Backoff));
        QCOMPARE(supervisor.status().restarts, restart);
        clock.advance(1000);
        supervisor.tick();
    }
    // The third crash within the window is one too many.
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::CrashLoop));
    InstanceStatus status = supervisor.status();
    QCOMPARE(status.restarts, 2);
    QVERIFY2(status.error.contains(u"crash loop: 3 crashes within 60000 ms (last: exit 7)"_s), qPrintable(status.error));
    QCOMPARE(status.lastExit->code, 7);

    // Not restarted, however long one waits.
    clock.advance(10'000'000);
    for (int i = 0; i < 5; ++i)
        supervisor.tick();
    QCOMPARE(supervisor.status().state, InstanceState::CrashLoop);
    QCOMPARE(supervisor.status().pid, 0);
    QCOMPARE(supervisor.status().restarts, 2);

    // The same request again changes nothing; another one (here a new role) re-arms it.
    supervisor.run(spec, InstanceRole::Active, {});
    QCOMPARE(supervisor.status().state, InstanceState::CrashLoop);
    supervisor.run(shell(u"exec sleep 30"_s), InstanceRole::Passive, {});
    QCOMPARE(supervisor.status().state, InstanceState::Running);
    QVERIFY(supervisor.status().error.isEmpty());
}

void TestSupervisor::oldCrashesLeaveTheWindow()
{
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    ProcessSpec spec = shell(u"exit 1"_s);
    spec.crashLoopRestarts = 1;
    spec.crashLoopWindowMs = 1000;
    supervisor.run(spec, InstanceRole::Active, {});
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Backoff));
    QCOMPARE(supervisor.status().nextRestartInMs, 200);
    clock.advance(5000); // the first crash is out of the window by the second
    supervisor.tick();
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Backoff));
    QCOMPARE(supervisor.status().restarts, 2);
    QCOMPARE(supervisor.status().nextRestartInMs, 200); // the back-off starts over too
}

void TestSupervisor::stopIsTermThenKillAfterTimeout()
{
    QTemporaryDir dir;
    const QString marker = dir.filePath(u"marker"_s);
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    // Survives SIGTERM (writes "term" and goes on); only SIGKILL ends it.
    ProcessSpec spec = shell(
        u"trap 'echo term >> \"%1\"' TERM; echo ready > \"%1\"; while :; do sleep 0.05; done"_s.arg(marker));
    supervisor.run(spec, InstanceRole::Active, {});
    const std::int64_t pid = supervisor.status().pid;
    QTRY_VERIFY(readAll(marker).startsWith("ready"));

    supervisor.stop();
    QCOMPARE(supervisor.status().state, InstanceState::Stopping);
    QTRY_VERIFY(readAll(marker).contains("term")); // it got SIGTERM, and lives on
    supervisor.tick();
    QCOMPARE(supervisor.status().state, InstanceState::Stopping);
    QVERIFY(alive(pid));
    clock.advance(499);
    supervisor.tick();
    QCOMPARE(supervisor.status().state, InstanceState::Stopping);
    QVERIFY(alive(pid));

    clock.advance(1); // the stop timeout: SIGKILL
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Stopped));
    const InstanceStatus status = supervisor.status();
    QCOMPARE(status.lastExit->signal, SIGKILL);
    QVERIFY(status.lastExit->requested);
    QCOMPARE(status.restarts, 0);
    QVERIFY(supervisor.idle());
    QVERIFY(!alive(pid));
}

void TestSupervisor::stopOfAWellBehavedProcess()
{
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    supervisor.run(shell(u"exec sleep 30"_s), InstanceRole::Active, {});
    QCOMPARE(supervisor.status().state, InstanceState::Running);
    supervisor.stop();
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Stopped));
    QCOMPARE(supervisor.status().lastExit->signal, SIGTERM);
    // A requested stop is no crash: nothing restarts it.
    clock.advance(100'000);
    supervisor.tick();
    QCOMPARE(supervisor.status().state, InstanceState::Stopped);
    QCOMPARE(supervisor.status().restarts, 0);
}

void TestSupervisor::roleChangeRestartsWithTheNewRole()
{
    QTemporaryDir dir;
    const QString roles = dir.filePath(u"roles"_s);
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    const ProcessSpec spec = shell(u"echo \"$FORESIGHT_ROLE\" >> \"%1\"; exec sleep 30"_s.arg(roles));
    supervisor.run(spec, InstanceRole::Passive, {{u"FORESIGHT_ROLE"_s, u"passive"_s}});
    const std::int64_t passivePid = supervisor.status().pid;
    QTRY_COMPARE(readAll(roles), QByteArray("passive\n"));
    supervisor.run(spec, InstanceRole::Active, {{u"FORESIGHT_ROLE"_s, u"active"_s}});
    QCOMPARE(supervisor.status().state, InstanceState::Stopping);
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Running));
    QVERIFY(supervisor.status().pid != passivePid);
    QCOMPARE(supervisor.status().role, InstanceRole::Active);
    QCOMPARE(supervisor.status().restarts, 0); // a role change is not a crash
    QTRY_COMPARE(readAll(roles), QByteArray("passive\nactive\n"));
}

void TestSupervisor::environmentAndWorkingDirectoryReachTheChild()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(u"env"_s);
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    ProcessSpec spec = shell(u"echo \"$SHOP_MODE|$FORESIGHT_APP|$(pwd)|$1\" > \"%1\"; exec sleep 30"_s.arg(out));
    spec.arguments.append({u"argv0"_s, u"first argument"_s});
    spec.environment = {{u"SHOP_MODE"_s, u"fast lane"_s}};
    spec.workingDirectory = dir.path();
    supervisor.run(spec, InstanceRole::Active, {{u"FORESIGHT_APP"_s, u"shop"_s}});
    QTRY_COMPARE(readAll(out), u"fast lane|shop|%1|first argument\n"_s.arg(dir.path()).toUtf8());
}

void TestSupervisor::aProgramThatCannotStartIsReported()
{
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    ProcessSpec spec = shell({});
    spec.command = u"/nonexistent/shop-server"_s;
    spec.crashLoopRestarts = 1;
    supervisor.run(spec, InstanceRole::Active, {});
    InstanceStatus status = supervisor.status();
    QCOMPARE(status.state, InstanceState::Backoff);
    QCOMPARE(status.lastExit->code, 127);
    QVERIFY2(status.lastExit->error.contains(u"cannot execute '/nonexistent/shop-server': No such file"_s),
             qPrintable(status.lastExit->error));
    clock.advance(200);
    supervisor.tick();
    QCOMPARE(supervisor.status().state, InstanceState::CrashLoop); // not retried forever either

    spec.command = u"no-such-program-foresight"_s;
    supervisor.run(spec, InstanceRole::Passive, {});
    QVERIFY2(supervisor.status().lastExit->error.contains(u"not an executable file in PATH"_s),
             qPrintable(supervisor.status().lastExit->error));

    spec.command = u"/bin/sh"_s;
    spec.workingDirectory = u"/nonexistent/dir"_s;
    supervisor.run(spec, InstanceRole::Active, {});
    QVERIFY2(supervisor.status().lastExit->error.contains(u"cannot enter the working directory '/nonexistent/dir'"_s),
             qPrintable(supervisor.status().lastExit->error));
}

void TestSupervisor::healthCheckExitCodeIsTheHealth()
{
    QTemporaryDir dir;
    const QString healthy = dir.filePath(u"healthy"_s);
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    ProcessSpec spec = shell(u"exec sleep 30"_s);
    spec.healthCommand = {u"/bin/sh"_s, u"-c"_s, u"test -f \"%1\""_s.arg(healthy)};
    spec.healthIntervalMs = 1000;
    supervisor.run(spec, InstanceRole::Active, {});
    supervisor.tick();
    QCOMPARE(supervisor.status().health, Health::Unknown); // not checked before the first interval
    clock.advance(1000);
    QTRY_VERIFY((supervisor.tick(), supervisor.status().health == Health::Unhealthy));
    QCOMPARE(supervisor.status().healthNote, u"health check: exit 1"_s);

    QVERIFY(QFile(healthy).open(QIODevice::WriteOnly));
    supervisor.tick();
    QCOMPARE(supervisor.status().health, Health::Unhealthy); // the next check is an interval away
    clock.advance(1000);
    QTRY_VERIFY((supervisor.tick(), supervisor.status().health == Health::Healthy));
    QVERIFY(supervisor.status().healthNote.isEmpty());
}

void TestSupervisor::healthCheckThatHangsIsKilledAndUnhealthy()
{
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    ProcessSpec spec = shell(u"exec sleep 30"_s);
    spec.healthCommand = {u"sleep"_s, u"30"_s};
    spec.healthIntervalMs = 1000;
    spec.healthTimeoutMs = 300;
    supervisor.run(spec, InstanceRole::Active, {});
    clock.advance(1000);
    supervisor.tick(); // starts the check
    clock.advance(299);
    supervisor.tick();
    QCOMPARE(supervisor.status().health, Health::Unknown);
    clock.advance(1);
    supervisor.tick();
    QCOMPARE(supervisor.status().health, Health::Unhealthy);
    QCOMPARE(supervisor.status().healthNote, u"health check did not finish within 300 ms"_s);
    QCOMPARE(supervisor.status().state, InstanceState::Running); // reported, not acted on
}

void TestSupervisor::destructorKillsTheProcessGroup()
{
    QTemporaryDir dir;
    const QString pidFile = dir.filePath(u"pid"_s);
    ManualClock clock;
    std::int64_t pid = 0;
    {
        Supervisor supervisor(u"shop"_s, clock);
        // A grandchild in the same process group goes too.
        supervisor.run(shell(u"sleep 30 & echo $! > \"%1\"; wait"_s.arg(pidFile)), InstanceRole::Active, {});
        pid = supervisor.status().pid;
        QTRY_VERIFY(readAll(pidFile).trimmed().toLongLong() > 0);
    }
    const auto grandchild = readAll(pidFile).trimmed().toLongLong();
    QVERIFY(!alive(pid));
    QTRY_VERIFY(!alive(grandchild)); // reaped by init, which may take a moment
}

void TestSupervisor::statusMap()
{
    ManualClock clock;
    Supervisor supervisor(u"shop"_s, clock);
    supervisor.run(shell(u"exit 3"_s), InstanceRole::Passive, {});
    QTRY_VERIFY((supervisor.tick(), supervisor.status().state == InstanceState::Backoff));
    const QCborMap map = supervisor.status().toCbor();
    QCOMPARE(map.value(u"state"_s).toString(), u"backoff"_s);
    QCOMPARE(map.value(u"role"_s).toString(), u"passive"_s);
    QCOMPARE(map.value(u"command"_s).toString(), u"/bin/sh"_s);
    QCOMPARE(map.value(u"restarts"_s).toInteger(), 1);
    QCOMPARE(map.value(u"next-restart-ms"_s).toInteger(), 200);
    QVERIFY(!map.contains(u"pid"_s));
    const QCborMap exit = map.value(u"last-exit"_s).toMap();
    QCOMPARE(exit.value(u"code"_s).toInteger(), 3);
    QCOMPARE(exit.value(u"requested"_s).toBool(), false);
    QCOMPARE(exit.value(u"text"_s).toString(), u"exit 3"_s);
    QCOMPARE(map.value(u"health"_s).toString(), u"none"_s);
}

QTEST_GUILESS_MAIN(TestSupervisor)
#include "tst_supervisor.moc"
