// `foresight --demo --scenario` as a trainee runs it without a window: a scenario written here
// (the primary crashes at 1 s) is played on the demo's real agents and scored, the score names
// the crash and the objectives; a partition is played on the demo's simulated network and heals
// after its time; Ctrl-C (SIGTERM here) cuts a run short and says so; a malformed or unplayable
// scenario is refused before anything starts, naming its file and line.

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "programrun.h"

using namespace Qt::StringLiterals;

namespace {

constexpr int kRunTimeoutMs = 180'000;
constexpr int kRefusalTimeoutMs = 30'000;

using Run = foresight::testing::ProgramRun;

QString foresightBinary()
{
    return QCoreApplication::applicationDirPath() + u"/foresight"_s;
}

Run run(const QStringList &args, int timeoutMs)
{
    return foresight::testing::runProgram(u"foresight"_s, args, timeoutMs);
}

} // namespace

class TestScenarioDemo : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &text)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
            return {};
        return path;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void aCrashOfThePrimaryIsPlayedAndScored()
    {
        const QString scenario = write(u"crash.scenario"_s,
                                       "name: Test crash\n"
                                       "difficulty: 1\n"
                                       "duration: 8s\n"
                                       "app: shop\n"
                                       "objective restore-within 10s\n"
                                       "objective no-acked-write-lost\n"
                                       "at 1s crash primary\n");
        QVERIFY(!scenario.isEmpty());
        const QString json = m_dir.filePath(u"crash-score.json"_s);
        const Run r
            = run({u"--demo"_s, u"--headless"_s, u"--plain"_s, u"--scenario"_s, scenario, u"--score-json"_s, json},
                  kRunTimeoutMs);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out.right(3000)));
        // The terminal view showed the scenario while it ran, its events as they came.
        QVERIFY2(r.out.contains(u"Scenario: Test crash (difficulty 1)"_s), qPrintable(r.out.left(3000)));
        QVERIFY2(r.out.contains(u"of 8.0 s"_s), qPrintable(r.out.left(3000)));
        QVERIFY2(r.out.contains(u"scenario: "_s) && r.out.contains(u"crash alpha (primary)"_s),
                 qPrintable(r.out.right(3000)));
        // The score at the end: finished, with both objectives judged.
        const QString report = r.out.mid(r.out.lastIndexOf(u"Scenario 'Test crash'"_s));
        QVERIFY2(report.startsWith(u"Scenario 'Test crash' finished after 8.0 s"_s), qPrintable(r.out.right(3000)));
        QVERIFY2(report.contains(u"Score: "_s) && report.contains(u" of 100 points"_s), qPrintable(report));
        QVERIFY2(report.contains(QRegularExpression(u"\\[(MET|FAILED)\\] restore-within 10.0 s \\(line 5\\)"_s)),
                 qPrintable(report));
        QVERIFY2(report.contains(QRegularExpression(u"\\[(MET|FAILED)\\] no-acked-write-lost \\(line 6\\)"_s)),
                 qPrintable(report));
        QVERIFY2(report.contains(u"crash alpha (primary)"_s), qPrintable(report));
        QVERIFY2(r.err.contains(u"scenario finished"_s), qPrintable(r.err));

        // The same score as JSON, for scripts.
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject score = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(score.value(u"scenario"_s).toString(), u"Test crash"_s);
        QCOMPARE(score.value(u"complete"_s).toBool(), true);
        QCOMPARE(score.value(u"max_points"_s).toInt(), 100);
        const QJsonArray objectives = score.value(u"objectives"_s).toArray();
        QCOMPARE(objectives.size(), 2);
        QCOMPARE(objectives[0].toObject().value(u"objective"_s).toString(), u"restore-within 10.0 s"_s);
        QCOMPARE(objectives[1].toObject().value(u"objective"_s).toString(), u"no-acked-write-lost"_s);
        int earned = 0;
        for (const QJsonValue &objective : objectives) {
            QVERIFY(!objective.toObject().value(u"explanation"_s).toString().isEmpty());
            earned += objective.toObject().value(u"points"_s).toInt();
        }
        QCOMPARE(score.value(u"points"_s).toInt(), earned);
        const QString events = score.value(u"events"_s).toVariant().toStringList().join(u"; "_s);
        QVERIFY2(events.contains(u"crash alpha (primary)"_s), qPrintable(events));
    }

    // A partition between the primary and its hot replica on the demo's simulated network: it
    // fires, heals after its time, and the run is scored.
    void aPartitionIsPlayedAndHealed()
    {
        const QString scenario = write(u"partition.scenario"_s,
                                       "name: Test split\n"
                                       "difficulty: 2\n"
                                       "duration: 8s\n"
                                       "app: shop\n"
                                       "objective no-acked-write-lost\n"
                                       "at 1s partition primary hot-replica for 3s\n");
        QVERIFY(!scenario.isEmpty());
        const Run r = run({u"--demo"_s, u"--headless"_s, u"--plain"_s, u"--scenario"_s, scenario}, kRunTimeoutMs);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out.right(3000)));
        QVERIFY2(r.out.contains(
                     QRegularExpression(u"scenario: .*partition alpha \\(primary\\) \\w+ \\(hot-replica\\)"_s)),
                 qPrintable(r.out.right(3000)));
        QVERIFY2(r.out.contains(QRegularExpression(u"scenario: .*heal alpha-\\w+"_s)), qPrintable(r.out.right(3000)));
        const QString report = r.out.mid(r.out.lastIndexOf(u"Scenario 'Test split'"_s));
        QVERIFY2(report.startsWith(u"Scenario 'Test split' finished after 8.0 s"_s), qPrintable(r.out.right(3000)));
        QVERIFY2(report.contains(QRegularExpression(u"\\[(MET|FAILED)\\] no-acked-write-lost \\(line 5\\)"_s)),
                 qPrintable(report));
    }

    void stoppingEarlyScoresWhatHappenedAndSaysSo()
    {
        const QString scenario = write(u"long.scenario"_s,
                                       "name: Long crash\ndifficulty: 1\nduration: 10m\n"
                                       "objective no-acked-write-lost\nat 1s crash primary\n");
        QVERIFY(!scenario.isEmpty());
        QProcess process;
        process.start(foresightBinary(), {u"--demo"_s, u"--headless"_s, u"--plain"_s, u"--scenario"_s, scenario});
        QString out;
        // Stop once the crash has fired (as a trainee's Ctrl-C; SIGTERM takes the same path).
        QTRY_VERIFY2_WITH_TIMEOUT((out += QString::fromUtf8(process.readAllStandardOutput()),
                                   out.contains(u"scenario: "_s) && out.contains(u"crash alpha (primary)"_s)),
                                  qPrintable(out.right(2000) + QString::fromUtf8(process.readAllStandardError())),
                                  kRunTimeoutMs);
        process.terminate();
        QVERIFY(process.waitForFinished(kRunTimeoutMs));
        out += QString::fromUtf8(process.readAllStandardOutput());
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(out.contains(u"Scenario 'Long crash' CUT SHORT after "_s), qPrintable(out.right(3000)));
        QVERIFY2(out.contains(u"of 600.0 s: the score covers only what happened so far"_s), qPrintable(out.right(3000)));
        QVERIFY2(out.contains(QRegularExpression(u"\\[(MET|FAILED)\\] no-acked-write-lost"_s)),
                 qPrintable(out.right(3000)));
        QVERIFY2(err.contains(u"scenario cut short"_s), qPrintable(err));
    }

    void aBadScenarioIsRefusedBeforeAnythingStarts_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("names");
        QTest::newRow("unknown fault") << u"bad.scenario"_s
                                       << QByteArray("name: bad\ndifficulty: 1\nduration: 10s\n"
                                                     "objective no-acked-write-lost\nat 2s crsh primary\n")
                                       << u"bad.scenario:5: unknown fault 'crsh'"_s;
        QTest::newRow("fault after the end")
            << u"late.scenario"_s
            << QByteArray("name: late\ndifficulty: 1\nduration: 10s\n\n"
                          "objective no-acked-write-lost\n# late\nat 20s crash primary\n")
            << u"late.scenario:7: "_s;
        QTest::newRow("no such agent") << u"agent.scenario"_s
                                       << QByteArray("name: a\ndifficulty: 1\nduration: 10s\n"
                                                     "objective no-acked-write-lost\nat 2s crash echo\n")
                                       << u"agent.scenario:5: the demo cluster has no agent 'echo'"_s;
        QTest::newRow("partition with no such agent")
            << u"split.scenario"_s
            << QByteArray("name: p\ndifficulty: 1\nduration: 10s\n"
                          "objective no-acked-write-lost\nat 2s partition alpha echo\n")
            << u"split.scenario:5: the demo cluster has no agent 'echo'"_s;
        QTest::newRow("another application") << u"app.scenario"_s
                                             << QByteArray("name: a\ndifficulty: 1\nduration: 10s\napp: bank\n"
                                                           "objective no-acked-write-lost\nat 2s crash primary\n")
                                             << u"app.scenario: the scenario is about application 'bank'; the demo "
                                                "cluster runs 'shop'"_s;
        QTest::newRow("no such file") << QString() << QByteArray() << u"no-such.scenario: no such scenario file"_s;
    }

    void aBadScenarioIsRefusedBeforeAnythingStarts()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, text);
        QFETCH(QString, names);
        const QString path = file.isEmpty() ? m_dir.filePath(u"no-such.scenario"_s) : write(file, text);
        QVERIFY(!path.isEmpty());
        const Run r = run({u"--demo"_s, u"--headless"_s, u"--plain"_s, u"--scenario"_s, path}, kRefusalTimeoutMs);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(names), qPrintable(r.err));
        QVERIFY2(!r.err.contains(u"starting 4 agents"_s), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void aShippedScenarioIsFoundByName()
    {
        // The second shipped scenario has a partition, which the demo plays on its simulated
        // network: found by its number, checked, and started (then stopped, as by Ctrl-C).
        QProcess process;
        process.start(foresightBinary(), {u"--demo"_s, u"--headless"_s, u"--plain"_s, u"--scenario"_s, u"02"_s});
        QString out;
        QTRY_VERIFY2_WITH_TIMEOUT((out += QString::fromUtf8(process.readAllStandardOutput()),
                                   out.contains(u"Scenario: A frozen primary and a partition"_s)),
                                  qPrintable(out.right(2000) + QString::fromUtf8(process.readAllStandardError())),
                                  kRunTimeoutMs);
        process.terminate();
        QVERIFY(process.waitForFinished(kRunTimeoutMs));
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(!err.contains(u"02-freeze-and-partition.scenario:"_s), qPrintable(err));
        const Run help = run({u"--help"_s}, kRefusalTimeoutMs);
        QCOMPARE(help.exitCode, 0);
        for (const QString &word :
             {u"--scenario"_s, u"--score-json"_s, u"01-primary-crash"_s, u"03-degradation"_s, u"05-slow-link"_s})
            QVERIFY2(help.out.contains(word), qPrintable(word + u" not in: "_s + help.out));
    }

    void scenarioOptionsOutsideTheDemoAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("names");
        QTest::newRow("without --demo") << QStringList{u"--scenario"_s, u"01"_s} << u"--scenario goes with --demo"_s;
        QTest::newRow("with --headless only")
            << QStringList{u"--headless"_s, u"--scenario"_s, u"01"_s} << u"--scenario goes with --demo"_s;
        QTest::newRow("with --duration") << QStringList{u"--demo"_s,
                                                        u"--headless"_s,
                                                        u"--duration"_s,
                                                        u"5"_s,
                                                        u"--scenario"_s,
                                                        u"01"_s}
                                         << u"--duration does not go with --scenario"_s;
        QTest::newRow("score without scenario")
            << QStringList{u"--demo"_s, u"--headless"_s, u"--score-json"_s, u"x.json"_s} << u"--score-json goes with"_s;
    }

    void scenarioOptionsOutsideTheDemoAreUsageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, names);
        const Run r = run(args, kRefusalTimeoutMs);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(names), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestScenarioDemo)
#include "tst_scenariodemo.moc"
