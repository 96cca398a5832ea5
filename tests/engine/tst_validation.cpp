// A validated update's check (docs/managed-apps.md): the validation command runs in a process
// group of its own, its output is kept (the end of it), it passes only with exit 0 in time, and
// at the timeout the whole group is killed. Ends are seen by polling tick(), never by sleeping;
// the timeout runs on a driven clock.

#include <csignal>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/instance/validation.h"

using namespace foresight;
using namespace foresight::instance;
using namespace Qt::StringLiterals;

namespace {

QStringList shell(const QString &script)
{
    return {u"/bin/sh"_s, u"-c"_s, script};
}

// Ticks until the run has ended (QTRY_ counts rounds, so a slow machine only waits longer).
std::optional<ValidationResult> runToEnd(ValidationRun &run)
{
    std::optional<ValidationResult> result;
    for (int i = 0; i < 2000 && !result; ++i) {
        result = run.tick();
        if (!result)
            QTest::qWait(5);
    }
    return result;
}

// Ended: no such process, or a zombie waiting for its parent (init, for an orphan) to reap it.
bool gone(qint64 pid)
{
    if (::kill(pid_t(pid), 0) != 0)
        return true;
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    return stat.open(QIODevice::ReadOnly) && stat.readAll().contains(") Z ");
}

} // namespace

class TestValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exitZeroPassesWithItsOutput();
    void nonZeroExitFailsAndKeepsStderr();
    void environmentAndWorkingDirectoryReachTheCommand();
    void timeoutKillsTheWholeGroup();
    void longOutputKeepsTheEnd();
    void aCommandThatCannotStartFails();
    void destructorKillsARunningCommand();
};

void TestValidation::exitZeroPassesWithItsOutput()
{
    ManualClock clock;
    ValidationRun run(clock);
    run.start(shell(u"echo checked 42 keys; exit 0"_s), {}, {}, 10'000);
    const auto result = runToEnd(run);
    QVERIFY(result);
    QVERIFY(result->passed);
    QCOMPARE(result->exitCode, 0);
    QCOMPARE(result->output, "checked 42 keys\n"_ba);
    QCOMPARE(result->describe(), u"exit 0"_s);
    QVERIFY(!run.running());
}

void TestValidation::nonZeroExitFailsAndKeepsStderr()
{
    ManualClock clock;
    ValidationRun run(clock);
    run.start(shell(u"echo starting; echo 'cart total mismatch' >&2; exit 3"_s), {}, {}, 10'000);
    const auto result = runToEnd(run);
    QVERIFY(result);
    QVERIFY(!result->passed);
    QCOMPARE(result->exitCode, 3);
    QCOMPARE(result->output, "starting\ncart total mismatch\n"_ba);
    QCOMPARE(result->describe(), u"exit 3"_s);
}

void TestValidation::environmentAndWorkingDirectoryReachTheCommand()
{
    ManualClock clock;
    ValidationRun run(clock);
    run.start(shell(u"echo \"$FORESIGHT_APP $(pwd)\""_s), u"/tmp"_s, {{u"FORESIGHT_APP"_s, u"shop"_s}}, 10'000);
    const auto result = runToEnd(run);
    QVERIFY(result);
    QVERIFY(result->passed);
    QCOMPARE(result->output, "shop /tmp\n"_ba);
}

void TestValidation::timeoutKillsTheWholeGroup()
{
    ManualClock clock;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pidFile = dir.filePath(u"pid"_s);
    ValidationRun run(clock);
    // A background child holds the pipe too: the group is killed, not only the shell.
    run.start(shell(u"sleep 300 & echo $! > '%1.tmp' && mv '%1.tmp' '%1'; wait"_s.arg(pidFile)), {}, {}, 1000);
    QTRY_VERIFY(QFile::exists(pidFile));
    QFile file(pidFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const qint64 background = file.readAll().trimmed().toLongLong();
    QVERIFY(background > 0);
    clock.advance(999);
    QVERIFY(!run.tick());
    QVERIFY(run.running());
    clock.advance(1);
    const auto result = runToEnd(run);
    QVERIFY(result);
    QVERIFY(!result->passed);
    QVERIFY(result->timedOut);
    QCOMPARE(result->signal, SIGKILL);
    QCOMPARE(result->describe(), u"timed out after 1000 ms (killed)"_s);
    // The background sleep was killed with its group.
    QTRY_VERIFY(gone(background));
}

void TestValidation::longOutputKeepsTheEnd()
{
    ManualClock clock;
    ValidationRun run(clock);
    run.start(shell(u"i=0; while [ $i -lt 3000 ]; do echo \"line $i of the self-test\"; i=$((i+1)); done; "
                    "echo FAILED: the last line; exit 1"_s),
              {},
              {},
              60'000);
    const auto result = runToEnd(run);
    QVERIFY(result);
    QVERIFY(!result->passed);
    QVERIFY(result->truncated);
    QCOMPARE(result->output.size(), ValidationRun::kOutputLimit);
    QVERIFY(result->output.endsWith("line 2999 of the self-test\nFAILED: the last line\n"));
}

void TestValidation::aCommandThatCannotStartFails()
{
    ManualClock clock;
    ValidationRun run(clock);
    run.start({u"/nonexistent/shop-selftest"_s}, {}, {}, 10'000);
    const auto result = run.tick();
    QVERIFY(result);
    QVERIFY(!result->passed);
    QVERIFY2(result->describe().startsWith(u"could not start: cannot execute '/nonexistent/shop-selftest'"_s),
             qPrintable(result->describe()));

    ValidationRun empty(clock);
    empty.start({}, {}, {}, 10'000);
    QVERIFY(empty.tick());
    QCOMPARE(empty.tick()->describe(), u"could not start: no validation command"_s);
}

void TestValidation::destructorKillsARunningCommand()
{
    ManualClock clock;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pidFile = dir.filePath(u"pid"_s);
    qint64 pid = 0;
    {
        ValidationRun run(clock);
        run.start(shell(u"echo $$ > '%1.tmp' && mv '%1.tmp' '%1' && exec sleep 300"_s.arg(pidFile)), {}, {}, 600'000);
        QVERIFY(run.running());
        QTRY_VERIFY(QFile::exists(pidFile));
        QFile file(pidFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        pid = file.readAll().trimmed().toLongLong();
        QVERIFY(pid > 0);
        QVERIFY(::kill(pid_t(pid), 0) == 0);
    }
    // Killed and reaped by the destructor: the pid no longer names a process (not even a zombie).
    QVERIFY(::kill(pid_t(pid), 0) != 0);
}

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
