// `foresightctl cluster fault` against a running demo, end to end as an instructor uses it: the
// console's terminal demo (four real agents on simulated hosts, the engine), its control API on a
// socket of the test's, and foresightctl in another process. A crash sent this way is failed
// over and journaled with its actor; while a scenario plays, a fault sent this way is the
// trainee's fault by hand and shows in the score.

#include <csignal>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/control/consolecontrol.h"
#include "programrun.h"

using namespace Qt::StringLiterals;
using foresight::testing::ProgramRun;

namespace {

constexpr int kDemoReadyMs = 90'000;
constexpr int kFailoverMs = 60'000;
constexpr int kStopMs = 60'000;

// A demo in its terminal view, with its control API on `socket`; stopped like Ctrl-C.
class RunningDemo
{
public:
    RunningDemo(const QString &dir, const QStringList &extraArgs)
        : m_control(u"ipc://"_s + dir + u"/demo.sock"_s)
    {
        m_process.setStandardOutputFile(dir + u"/demo.out"_s);
        m_process.setStandardErrorFile(dir + u"/demo.err"_s);
        m_process.start(QCoreApplication::applicationDirPath() + u"/foresight"_s,
                        QStringList{u"--demo"_s, u"--headless"_s, u"--plain"_s, u"--control"_s, m_control} + extraArgs);
    }
    ~RunningDemo()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    const QString &control() const { return m_control; }
    QProcess &process() { return m_process; }

    // foresightctl cluster ARGS (or, cluster false, foresightctl ARGS) against this demo.
    ProgramRun ctl(const QStringList &args, bool cluster = true) const
    {
        return foresight::testing::runProgram(u"foresightctl"_s,
                                              (cluster ? QStringList{u"cluster"_s} : QStringList()) + args
                                                  + QStringList{u"--console"_s, m_control, u"--timeout-ms"_s, u"5000"_s},
                                              30'000);
    }

    // The demo application as the console sees it; empty before its control API answers.
    QJsonObject app() const
    {
        const ProgramRun status = ctl({u"status"_s, u"shop"_s, u"--json"_s});
        return status.exitCode == 0 ? status.json().value(u"apps"_s).toArray().at(0).toObject() : QJsonObject();
    }

    bool stop()
    {
        ::kill(pid_t(m_process.processId()), SIGTERM);
        return m_process.waitForFinished(kStopMs) && m_process.exitStatus() == QProcess::NormalExit;
    }

private:
    QString m_control;
    QProcess m_process;
};

// The id of the demo's first incident, once the console has recorded one.
QString firstIncident(const RunningDemo &demo)
{
    const ProgramRun incidents = demo.ctl({u"incidents"_s, u"--json"_s});
    const QJsonArray list = incidents.json().value(u"incidents"_s).toArray();
    return list.isEmpty() ? QString() : QString::number(list.last().toObject().value(u"id"_s).toInteger());
}

QString fileText(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

class TestDemoFaults : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void aCrashFromForesightctlIsFailedOverAndJournaled()
    {
        const QString dir = m_dir.filePath(u"crash"_s);
        QVERIFY(QDir().mkpath(dir));
        RunningDemo demo(dir, {});
        QVERIFY2(demo.process().waitForStarted(), qPrintable(demo.process().errorString()));
        QTRY_VERIFY2_WITH_TIMEOUT(demo.app().value(u"phase"_s).toString() == u"healthy"_s,
                                  qPrintable(fileText(dir + u"/demo.err"_s)),
                                  kDemoReadyMs);
        const QString primary = demo.app().value(u"primary"_s).toString();
        QVERIFY(!primary.isEmpty());

        // A target that does not exist is refused, naming it; nothing happens.
        const ProgramRun unknown = demo.ctl({u"fault"_s, u"crash"_s, u"zulu"_s});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains(u"no agent 'zulu'"_s), qPrintable(unknown.describe()));

        const ProgramRun crash = demo.ctl({u"fault"_s, u"crash"_s, u"primary"_s});
        QVERIFY2(crash.exitCode == 0, qPrintable(crash.describe()));
        QVERIFY2(crash.out.contains(u"killed %1 (kill -9)"_s.arg(primary)), qPrintable(crash.describe()));
        // The engine fails the application over to another agent.
        const auto failedOver = [&] {
            const QJsonObject app = demo.app();
            const QString now = app.value(u"primary"_s).toString();
            return !now.isEmpty() && now != primary && app.value(u"writable"_s).toBool();
        };
        QTRY_VERIFY_WITH_TIMEOUT(failedOver(), kFailoverMs);
        // The failover's incident report, in each format, through the console's control API.
        QString incident;
        QTRY_VERIFY_WITH_TIMEOUT(!(incident = firstIncident(demo)).isEmpty(), kFailoverMs);
        const QString pdf = dir + u"/incident.pdf"_s;
        const ProgramRun exported = demo.ctl({u"report"_s, u"export"_s, incident, u"--out"_s, pdf}, false);
        QVERIFY2(exported.exitCode == 0 && exported.out.contains(u"wrote %1 (PDF)"_s.arg(pdf)),
                 qPrintable(exported.describe()));
        const ProgramRun info = foresight::testing::runProgram(u"/usr/bin/pdfinfo"_s, {pdf}, 30'000);
        QVERIFY2(info.exitCode == 0 && info.out.contains(u"Pages:"_s), qPrintable(info.describe()));
        const ProgramRun text = foresight::testing::runProgram(u"/usr/bin/pdftotext"_s, {pdf, u"-"_s}, 30'000);
        QVERIFY2(text.out.contains(u"from %1"_s.arg(primary)), qPrintable(text.describe()));
        const ProgramRun html
            = demo.ctl({u"report"_s, u"export"_s, incident, u"--format"_s, u"html"_s, u"--out"_s, u"-"_s}, false);
        QVERIFY2(html.exitCode == 0 && html.out.startsWith(u"<!DOCTYPE html>"_s) && html.out.contains(primary),
                 qPrintable(html.describe().left(2000)));
        const ProgramRun json
            = demo.ctl({u"report"_s, u"export"_s, incident, u"--out"_s, u"-"_s, u"--format"_s, u"json"_s}, false);
        QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
        QCOMPARE(json.json().value(u"incident"_s).toObject().value(u"oldPrimary"_s).toString(), primary);
        const ProgramRun noSuchIncident
            = demo.ctl({u"report"_s, u"export"_s, u"999"_s, u"--out"_s, u"-"_s, u"--format"_s, u"json"_s}, false);
        QCOMPARE(noSuchIncident.exitCode, 1);
        QVERIFY2(noSuchIncident.err.contains(u"999"_s), qPrintable(noSuchIncident.describe()));

        // The crashed agent starts again; restarting a running one is refused.
        const ProgramRun restart = demo.ctl({u"fault"_s, u"restart"_s, primary});
        QVERIFY2(restart.exitCode == 0 && restart.out.contains(u"restarted %1"_s.arg(primary)),
                 qPrintable(restart.describe()));
        const ProgramRun again = demo.ctl({u"fault"_s, u"restart"_s, primary});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(u"is running"_s), qPrintable(again.describe()));
        // A degradation of an agent's host, for a given time.
        const ProgramRun degrade = demo.ctl(
            {u"fault"_s, u"degrade"_s, u"delta"_s, u"disk-errors"_s, u"--for"_s, u"5s"_s});
        QVERIFY2(degrade.exitCode == 0 && degrade.out.contains(u"disk-errors on delta"_s),
                 qPrintable(degrade.describe()));

        // A partition over the simulated network, and its end before its time.
        const ProgramRun cut = demo.ctl({u"fault"_s, u"partition"_s, u"charlie"_s, u"delta"_s, u"--for"_s, u"1m"_s});
        QVERIFY2(cut.exitCode == 0 && cut.out.contains(u"cut charlie off from delta for 60 s"_s),
                 qPrintable(cut.describe()));
        const ProgramRun healed = demo.ctl({u"fault"_s, u"heal"_s});
        QVERIFY2(healed.exitCode == 0 && healed.out.contains(u"healed every partition"_s),
                 qPrintable(healed.describe()));

        // The journal names the fault and who sent it.
        const ProgramRun journal = demo.ctl({u"journal"_s, u"--limit"_s, u"1000"_s, u"--json"_s});
        QVERIFY2(journal.exitCode == 0, qPrintable(journal.describe()));
        bool journaled = false;
        for (const QJsonValue &value : journal.json().value(u"entries"_s).toArray()) {
            const QJsonObject entry = value.toObject();
            journaled = journaled
                        || (entry.value(u"kind"_s).toString() == u"fault"_s
                            && entry.value(u"actor"_s).toString()
                                   == foresight::control::ConsoleControlServer::localActor()
                            && entry.value(u"message"_s).toString() == u"killed %1 (kill -9)"_s.arg(primary));
        }
        QVERIFY2(journaled, qPrintable(journal.out.right(3000)));
        QVERIFY2(demo.stop(), qPrintable(fileText(dir + u"/demo.err"_s)));
        QCOMPARE(demo.process().exitCode(), 0);
    }

    void aFaultFromForesightctlCountsInTheScenario()
    {
        const QString dir = m_dir.filePath(u"scenario"_s);
        QVERIFY(QDir().mkpath(dir));
        const QString scenario = dir + u"/late.scenario"_s;
        QFile file(scenario);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("name: A late freeze\n"
                   "difficulty: 1\n"
                   "duration: 12s\n"
                   "app: shop\n"
                   "objective no-acked-write-lost\n"
                   "at 11s freeze cold-replica for 500ms\n");
        file.close();
        const QString json = dir + u"/score.json"_s;
        RunningDemo demo(dir, {u"--scenario"_s, scenario, u"--score-json"_s, json});
        QVERIFY2(demo.process().waitForStarted(), qPrintable(demo.process().errorString()));
        // The control API answers once the scenario plays.
        ProgramRun freeze;
        QTRY_VERIFY2_WITH_TIMEOUT((freeze = demo.ctl({u"fault"_s, u"freeze"_s, u"hot-replica"_s, u"--for"_s, u"1s"_s}))
                                          .exitCode
                                      == 0,
                                  qPrintable(freeze.describe() + fileText(dir + u"/demo.err"_s)),
                                  kDemoReadyMs);
        QVERIFY2(demo.process().waitForFinished(kDemoReadyMs), qPrintable(fileText(dir + u"/demo.err"_s)));
        QCOMPARE(demo.process().exitCode(), 0);
        QFile scoreFile(json);
        QVERIFY(scoreFile.open(QIODevice::ReadOnly));
        const QJsonObject score = QJsonDocument::fromJson(scoreFile.readAll()).object();
        const QString events = QString::fromUtf8(QJsonDocument(score.value(u"events"_s).toArray()).toJson());
        QVERIFY2(events.contains(u"by hand"_s) && events.contains(u"freeze bravo"_s), qPrintable(events));
    }
};

QTEST_GUILESS_MAIN(TestDemoFaults)
#include "tst_demofaults.moc"
