// Training scenarios: the shipped ones parse and rise in difficulty, every malformed line is named
// with its number, and scoring a scripted run gives the points and the explanations the
// objectives promise.

#include <QDir>
#include <QJsonObject>
#include <QTest>

#include "foresight/sim/scenario.h"
#include "foresight/sim/scenarioscore.h"

using namespace foresight;
using namespace foresight::sim;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kStart = 1'700'000'000'000;

const char *const kMinimal = "name: t\ndifficulty: 1\nduration: 60s\nobjective no-acked-write-lost\n"
                             "at 10s crash primary\n";

Scenario parsed(const QByteArray &text)
{
    auto scenario = Scenario::parse(text, u"t.scenario"_s);
    if (!scenario)
        qWarning().noquote() << scenario.error().message;
    return scenario ? *scenario : Scenario{};
}

Scenario threeObjectives()
{
    return parsed("name: t\ndifficulty: 2\nduration: 2m\n"
                  "objective restore-within 10s points 40\n"
                  "objective no-acked-write-lost points 30\n"
                  "objective no-corrupt-promotion points 30\n"
                  "at 10s crash primary\nat 20s corrupt bravo\n");
}

} // namespace

class TestScenario : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The first four rise in difficulty, easiest first; later ones are numbered in the order
    // they were added (renumbering would break `--scenario 04` for those who know it) and say
    // their difficulty themselves.
    void shippedScenariosParseAndAreNumberedInOrder()
    {
        const QDir dir(QStringLiteral(FORESIGHT_SOURCE_DIR "/resources/scenarios"));
        const QStringList files = dir.entryList({u"*.scenario"_s}, QDir::Files, QDir::Name);
        QVERIFY2(files.size() >= 5, qPrintable(files.join(u", "_s)));
        int previous = 0;
        for (qsizetype i = 0; i < files.size(); ++i) {
            const QString &file = files[i];
            QVERIFY2(file.startsWith(u"%1-"_s.arg(i + 1, 2, 10, QLatin1Char('0'))), qPrintable(file));
            const auto scenario = Scenario::fromFile(dir.filePath(file));
            QVERIFY2(scenario, qPrintable(scenario ? QString() : scenario.error().message));
            if (i < 4)
                QVERIFY2(scenario->difficulty > previous, qPrintable(file));
            previous = scenario->difficulty;
            int points = 0;
            for (const ScenarioObjective &objective : scenario->objectives)
                points += objective.points;
            QCOMPARE(points, 100);
            QVERIFY(!scenario->description.isEmpty());
            QVERIFY(!scenario->faults.isEmpty());
        }
    }

    void aMinimalScenario()
    {
        const Scenario scenario = parsed(kMinimal);
        QCOMPARE(scenario.name, u"t"_s);
        QCOMPARE(scenario.durationMs, 60'000);
        QCOMPARE(scenario.objectives.size(), 1);
        QCOMPARE(scenario.objectives[0].points, 100);
        QCOMPARE(scenario.faults.size(), 1);
        QCOMPARE(scenario.faults[0].kind, FaultKind::Crash);
        QCOMPARE(scenario.faults[0].target, u"primary"_s);
        QCOMPARE(scenario.faults[0].line, 5);
    }

    void everyFaultKindAndItsArguments()
    {
        const Scenario scenario = parsed("# a comment\n\nname: all\ndifficulty: 5\nduration: 10m\napp: shop\n"
                                         "objective restore-within 1500ms\n"
                                         "objective no-acked-write-lost\nobjective no-corrupt-promotion\n"
                                         "at 5m corrupt warm-replica\n"
                                         "at 2m partition alpha bravo for 30s\n"
                                         "at 90s degrade charlie disk-errors for 1m\n"
                                         "at 60s freeze hot-replica for 500ms\n"
                                         "at 30s crash primary\n");
        QCOMPARE(scenario.faults.size(), 5);
        QCOMPARE(scenario.app, u"shop"_s);
        // In time order, whatever the order written.
        QCOMPARE(scenario.faults[0].kind, FaultKind::Crash);
        QCOMPARE(scenario.faults[1].kind, FaultKind::Freeze);
        QCOMPARE(scenario.faults[1].durationMs, 500);
        QCOMPARE(scenario.faults[2].degradation, Degradation::DiskErrors);
        QCOMPARE(scenario.faults[2].durationMs, 60'000);
        QCOMPARE(scenario.faults[3].peer, u"bravo"_s);
        QCOMPARE(scenario.faults[3].atMs, 120'000);
        QCOMPARE(scenario.faults[4].kind, FaultKind::Corrupt);
        QCOMPARE(scenario.objectives[0].withinMs, 1500);
        // 100 points shared as evenly as whole numbers allow.
        QCOMPARE(scenario.objectives[0].points + scenario.objectives[1].points + scenario.objectives[2].points, 100);
        QVERIFY(scenario.objectives[2].points - scenario.objectives[0].points <= 1);
    }

    void slowLinks_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("peer");
        QTest::addColumn<qint64>("bandwidth");
        QTest::addColumn<qint64>("latencyMs");
        QTest::addColumn<qint64>("durationMs");
        QTest::newRow("bandwidth only") << QByteArray("at 20s slow primary warm-replica 24000") << u"warm-replica"_s
                                        << qint64(24000) << qint64(-1) << qint64(0);
        QTest::newRow("latency and for") << QByteArray("at 20s slow primary warm-replica 24000 latency 25ms for 2m")
                                         << u"warm-replica"_s << qint64(24000) << qint64(25) << qint64(120'000);
        QTest::newRow("for, no latency") << QByteArray("at 20s slow alpha bravo 1000 for 30s") << u"bravo"_s
                                         << qint64(1000) << qint64(-1) << qint64(30'000);
        QTest::newRow("no latency at all") << QByteArray("at 20s slow alpha bravo 1000 latency 0ms") << u"bravo"_s
                                           << qint64(1000) << qint64(0) << qint64(0);
    }

    void slowLinks()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, peer);
        QFETCH(qint64, bandwidth);
        QFETCH(qint64, latencyMs);
        QFETCH(qint64, durationMs);
        const auto scenario = Scenario::parse("name: t\ndifficulty: 1\nduration: 5m\nobjective no-acked-write-lost\n"
                                                  + line + '\n',
                                              u"t.scenario"_s);
        QVERIFY2(scenario, qPrintable(scenario ? QString() : scenario.error().message));
        QCOMPARE(scenario->faults.size(), 1);
        const ScenarioFault &fault = scenario->faults[0];
        QCOMPARE(fault.kind, FaultKind::Slow);
        QCOMPARE(fault.atMs, 20'000);
        QCOMPARE(fault.peer, peer);
        QCOMPARE(fault.bandwidthBytesPerSec, bandwidth);
        QCOMPARE(fault.latencyMs, latencyMs);
        QCOMPARE(fault.durationMs, durationMs);
        QCOMPARE(fault.line, 5);
        QCOMPARE(faultKindName(fault.kind), u"slow"_s);
    }

    void malformedLinesAreNamed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        const QByteArray head = "name: t\ndifficulty: 1\nduration: 60s\nobjective no-acked-write-lost\n";
        QTest::newRow("unknown fault") << head + "at 10s crsh primary\n"
                                       << u"t.scenario:5: unknown fault 'crsh' (expected crash, freeze"_s;
        QTest::newRow("bad time") << head + "at ten crash primary\n" << u"t.scenario:5: 'ten' is not a time"_s;
        QTest::newRow("after the end")
            << head + "at 60s crash primary\n"
            << u"t.scenario:5: this fault comes at or after the scenario's end (duration, line 3)"_s;
        QTest::newRow("crash with a duration") << head + "at 10s crash primary for 5s\n"
                                               << u"t.scenario:5: a crash has no duration"_s;
        QTest::newRow("one-sided partition") << head + "at 10s partition alpha\n"
                                             << u"t.scenario:5: a partition names two sides"_s;
        QTest::newRow("partition with itself") << head + "at 10s partition alpha alpha\n"
                                               << u"t.scenario:5: a partition between 'alpha' and itself"_s;
        QTest::newRow("unknown degradation") << head + "at 10s degrade alpha meltdown\n"
                                             << u"t.scenario:5: unknown degradation 'meltdown'"_s;
        QTest::newRow("trailing words") << head + "at 10s freeze alpha for 5s please\n"
                                        << u"t.scenario:5: unexpected 'for 5s please'"_s;
        QTest::newRow("slow without bandwidth") << head + "at 10s slow primary warm-replica\n"
                                                << u"t.scenario:5: a slow link needs its bandwidth"_s;
        QTest::newRow("slow with one side") << head + "at 10s slow primary\n"
                                            << u"t.scenario:5: a slow link names two sides and a bandwidth"_s;
        QTest::newRow("slow with no bandwidth before for") << head + "at 10s slow primary for 5s\n"
                                                           << u"t.scenario:5: a slow link names two sides"_s;
        QTest::newRow("slow at zero") << head + "at 10s slow primary warm-replica 0\n"
                                      << u"t.scenario:5: bandwidth '0' must be a whole number of bytes per second"_s;
        QTest::newRow("slow negative") << head + "at 10s slow primary warm-replica -5\n"
                                       << u"t.scenario:5: bandwidth '-5' must be"_s;
        QTest::newRow("slow not a number") << head + "at 10s slow primary warm-replica fast\n"
                                           << u"t.scenario:5: bandwidth 'fast' must be"_s;
        QTest::newRow("slow with a unit") << head + "at 10s slow primary warm-replica 24KB\n"
                                          << u"t.scenario:5: bandwidth '24KB' must be"_s;
        QTest::newRow("slow with itself") << head + "at 10s slow alpha alpha 24000\n"
                                          << u"t.scenario:5: a slow link between 'alpha' and itself"_s;
        QTest::newRow("slow with a bad latency") << head + "at 10s slow alpha bravo 24000 latency soon\n"
                                                 << u"t.scenario:5: latency 'soon' is not a time"_s;
        QTest::newRow("slow with too much latency") << head + "at 10s slow alpha bravo 24000 latency 2m\n"
                                                    << u"t.scenario:5: latency '2m' is not a time"_s;
        QTest::newRow("slow with words after")
            << head + "at 10s slow alpha bravo 24000 latency 25ms for 5s please\n"
            << u"t.scenario:5: unexpected 'for 5s please' after the fault (only 'latency <time>' and 'for <time>'"_s;
        QTest::newRow("latency on a partition") << head + "at 10s partition alpha bravo latency 25ms\n"
                                                << u"t.scenario:5: unexpected 'latency 25ms'"_s;
        QTest::newRow("unknown objective")
            << QByteArray("name: t\nobjective be-fast\n") << u"t.scenario:2: unknown objective 'be-fast'"_s;
        QTest::newRow("restore without time")
            << QByteArray("objective restore-within\n") << u"t.scenario:1: restore-within needs a time"_s;
        QTest::newRow("bad points") << QByteArray("objective no-acked-write-lost points 0\n")
                                    << u"t.scenario:1: unexpected 'points 0'"_s;
        QTest::newRow("too many points") << QByteArray(
            "name: t\ndifficulty: 1\nduration: 60s\n"
            "objective no-acked-write-lost points 80\n"
            "objective no-corrupt-promotion points 30\nat 1s crash primary\n")
                                         << u"t.scenario:5: the objectives' points add up to 110"_s;
        QTest::newRow("difficulty out of range")
            << QByteArray("difficulty: 9\n") << u"t.scenario:1: difficulty '9' must be"_s;
        QTest::newRow("setting twice") << QByteArray("name: a\nname: b\n") << u"t.scenario:2: 'name' is given twice"_s;
        QTest::newRow("unknown setting") << QByteArray("speed: fast\n") << u"t.scenario:1: unknown setting 'speed'"_s;
        QTest::newRow("not a line of the format")
            << QByteArray("crash primary at 10s\n") << u"t.scenario:1: expected 'name:'"_s;
        QTest::newRow("missing name") << QByteArray(
            "difficulty: 1\nduration: 60s\nobjective no-acked-write-lost\nat 1s crash primary\n")
                                      << u"t.scenario:5: 'name:' is missing"_s;
        QTest::newRow("no objective") << QByteArray("name: t\ndifficulty: 1\nduration: 60s\nat 1s crash primary\n")
                                      << u"t.scenario:5: no objective"_s;
        QTest::newRow("no fault") << head << u"t.scenario:5: no fault"_s;
        QTest::newRow("empty file") << QByteArray() << u"t.scenario:1: 'name:' is missing"_s;
    }

    void malformedLinesAreNamed()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const auto scenario = Scenario::parse(text, u"t.scenario"_s);
        QVERIFY(!scenario);
        QCOMPARE(scenario.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(scenario.error().message.startsWith(expected), qPrintable(scenario.error().message));
    }

    void aMissingFileIsNamed()
    {
        const auto scenario = Scenario::fromFile(u"/nonexistent/x.scenario"_s);
        QVERIFY(!scenario);
        QCOMPARE(scenario.error().code, ErrorCode::NotFound);
        QVERIFY(scenario.error().message.contains(u"/nonexistent/x.scenario"_s));
    }

    void aCleanRunScoresEverything()
    {
        const Scenario scenario = threeObjectives();
        ScenarioRun run;
        run.startWallMs = kStart;
        run.endWallMs = kStart + 120'000;
        run.faults = {{kStart + 10'000, FaultKind::Crash, u"alpha"_s, {}, 10},
                      {kStart + 20'000, FaultKind::Corrupt, u"bravo"_s, {}, 11}};
        run.outages = {{kStart + 10'050, kStart + 10'700}};
        run.ackedWrites = 5000;
        storage::Incident incident;
        incident.newPrimary = u"charlie"_s; // not the corrupted bravo
        incident.promotedMs = kStart + 25'000;
        run.incidents = {incident};
        const ScenarioScore score = scoreScenario(scenario, run);
        QCOMPARE(score.points, 100);
        QCOMPARE(score.maxPoints, 100);
        QCOMPARE(score.toImprove, QStringList());
        QVERIFY2(score.objectives[0].explanation.contains(
                     u"writes were back 0.7 s after the crash of alpha (limit 10.0 s)"_s),
                 qPrintable(score.objectives[0].explanation));
        QVERIFY(score.objectives[1].explanation.contains(u"all 5000 acknowledged writes"_s));
        QVERIFY(score.objectives[2].explanation.contains(u"never promoted"_s));
        QVERIFY(score.wellDone.contains(u"you let the automatic failover do its work and it sufficed"_s));
    }

    void aBadRunLosesPointsAndSaysWhy()
    {
        const Scenario scenario = threeObjectives();
        ScenarioRun run;
        run.startWallMs = kStart;
        run.endWallMs = kStart + 120'000;
        run.faults = {{kStart + 10'000, FaultKind::Crash, u"alpha"_s, {}, 10},
                      {kStart + 20'000, FaultKind::Corrupt, u"bravo"_s, {}, 11}};
        // The first outage is short, but a second one after the corruption never ends.
        run.outages = {{kStart + 10'100, kStart + 12'000}, {kStart + 30'000, 0}};
        run.ackedWrites = 4000;
        run.ackedWritesLost = 3;
        storage::JournalEntry promoted;
        promoted.wallMs = kStart + 29'000;
        promoted.kind = u"promotion"_s;
        promoted.agent = u"bravo"_s;
        promoted.message = u"promoted bravo (former hot replica, seq 900) to primary at epoch 3"_s;
        storage::JournalEntry forced;
        forced.wallMs = kStart + 28'500;
        forced.kind = u"operator"_s;
        forced.agent = u"bravo"_s;
        forced.actor = u"trainee"_s;
        forced.message = u"promote bravo (forced)"_s;
        run.journal = {forced, promoted};
        const ScenarioScore score = scoreScenario(scenario, run);
        QCOMPARE(score.points, 0);
        QVERIFY2(score.objectives[0].explanation.contains(
                     u"writes were stopped for 100.0 s after the corruption of bravo (not restored by the end)"_s),
                 qPrintable(score.objectives[0].explanation));
        QCOMPARE(score.objectives[1].explanation, u"3 of 4000 acknowledged writes were lost"_s);
        QCOMPARE(score.objectives[2].explanation, u"bravo was promoted although its state had been corrupted"_s);
        QCOMPARE(score.operatorActions, QStringList{u"28.5 s in: promote bravo (forced)"_s});
        QVERIFY(score.toImprove.last().contains(u"forced promotion"_s));
        QVERIFY(score.wellDone.isEmpty());
    }

    void aPromotionBeforeTheCorruptionIsNotHeldAgainstTheTrainee()
    {
        const Scenario scenario = threeObjectives();
        ScenarioRun run;
        run.startWallMs = kStart;
        run.endWallMs = kStart + 120'000;
        run.faults = {{kStart + 20'000, FaultKind::Corrupt, u"bravo"_s, {}, 11}};
        storage::Incident incident;
        incident.newPrimary = u"bravo"_s;
        incident.promotedMs = kStart + 15'000; // promoted while its state was still good
        run.incidents = {incident};
        const ScenarioScore score = scoreScenario(scenario, run);
        QVERIFY(score.objectives[2].met);
        QCOMPARE(score.points, 100);
    }

    void anOutageIsBlamedOnTheFaultJustAfterItsLastAcknowledgement()
    {
        // The last write acknowledged before a crash comes a few milliseconds before it: the
        // outage starts there, and is the crash's, not an earlier fault's.
        const Scenario scenario = threeObjectives();
        ScenarioRun run;
        run.startWallMs = kStart;
        run.endWallMs = kStart + 120'000;
        run.faults = {{kStart + 1'000, FaultKind::Degrade, u"alpha"_s, {}, 9},
                      {kStart + 10'000, FaultKind::Crash, u"alpha"_s, {}, 10}};
        run.outages = {{kStart + 9'996, kStart + 10'570}};
        run.ackedWrites = 2000;
        const ScenarioScore score = scoreScenario(scenario, run);
        QVERIFY2(score.objectives[0].met, qPrintable(score.objectives[0].explanation));
        QVERIFY2(score.objectives[0].explanation.contains(u"0.6 s after the crash of alpha"_s),
                 qPrintable(score.objectives[0].explanation));
    }

    void aSlowLinkJustAfterACrashIsNotBlamedForItsOutage()
    {
        // The slow link starts 100 ms after the crash, within the slack an outage's cause may
        // come after its last acknowledgement: blaming it would both name the wrong fault and
        // measure the restore from 100 ms too late, in the trainee's favour.
        const Scenario scenario = threeObjectives();
        ScenarioRun run;
        run.startWallMs = kStart;
        run.endWallMs = kStart + 120'000;
        run.faults = {{kStart + 10'000, FaultKind::Crash, u"alpha"_s, {}, 10},
                      {kStart + 10'100, FaultKind::Slow, u"bravo"_s, u"charlie"_s, 11}};
        run.outages = {{kStart + 9'996, kStart + 20'080}};
        run.ackedWrites = 2000;
        const ScenarioScore score = scoreScenario(scenario, run);
        QVERIFY2(!score.objectives[0].met, qPrintable(score.objectives[0].explanation));
        QVERIFY2(score.objectives[0].explanation.contains(u"10.1 s after the crash of alpha"_s),
                 qPrintable(score.objectives[0].explanation));
    }

    void aSlowLinkAloneIsBlamedWhenNothingElseExplainsTheOutage()
    {
        const Scenario scenario = threeObjectives();
        ScenarioRun run;
        run.startWallMs = kStart;
        run.endWallMs = kStart + 120'000;
        run.faults = {{kStart + 5'000, FaultKind::Slow, u"console"_s, u"alpha"_s, 9}};
        run.outages = {{kStart + 5'100, kStart + 5'600}};
        run.ackedWrites = 2000;
        const ScenarioScore score = scoreScenario(scenario, run);
        QVERIFY2(score.objectives[0].explanation.contains(u"after the slow link between console and alpha"_s),
                 qPrintable(score.objectives[0].explanation));
    }

    void movedBeforeCrashNeedsAHandOverAndNoFailover()
    {
        const Scenario scenario = parsed("name: t\ndifficulty: 4\nduration: 4m\n"
                                         "objective moved-before-crash points 60\n"
                                         "objective no-acked-write-lost points 40\n"
                                         "at 10s degrade alpha disk-errors for 3m\nat 200s crash alpha\n");
        QCOMPARE(scenario.objectives.size(), 2);
        QCOMPARE(scenario.objectives[0].kind, ObjectiveKind::MovedBeforeCrash);
        ScenarioRun run;
        run.startWallMs = kStart;
        run.endWallMs = kStart + 240'000;
        run.faults = {{kStart + 10'000, FaultKind::Degrade, u"alpha"_s, {}, 6},
                      {kStart + 200'000, FaultKind::Crash, u"alpha"_s, {}, 7}};

        // Nothing done: the crash needed a failover.
        storage::Incident failover;
        failover.oldPrimary = u"alpha"_s;
        failover.newPrimary = u"bravo"_s;
        failover.detectedMs = kStart + 200'400;
        run.incidents = {failover};
        ScenarioScore score = scoreScenario(scenario, run);
        QVERIFY(!score.objectives[0].met);
        QCOMPARE(score.points, 40);
        QVERIFY2(score.objectives[0].explanation.contains(u"alpha was still primary when it crashed"_s),
                 qPrintable(score.objectives[0].explanation));

        // A swap onto the shadow at 150 s (the switchover's journal entry names the former primary).
        storage::JournalEntry swapped;
        swapped.wallMs = kStart + 150'000;
        swapped.kind = u"switchover"_s;
        swapped.agent = u"charlie"_s;
        swapped.actor = u"trainee"_s;
        swapped.message = u"switched over: charlie is primary of 'shop' at epoch 3 (was alpha); writes paused 4 ms"_s;
        swapped.details = QJsonObject{{u"former"_s, u"alpha"_s}, {u"primary"_s, u"charlie"_s}};
        run.journal = {swapped};
        run.incidents.clear();
        score = scoreScenario(scenario, run);
        QVERIFY(score.objectives[0].met);
        QCOMPARE(score.points, 100);
        QVERIFY(score.objectives[0].explanation.contains(u"moved off alpha before the crash"_s));

        // Too late: the hand-over after the crash does not count.
        run.journal[0].wallMs = kStart + 201'000;
        score = scoreScenario(scenario, run);
        QVERIFY(!score.objectives[0].met);
        QCOMPARE(score.objectives[0].explanation, u"nothing was moved off alpha before it crashed"_s);
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
