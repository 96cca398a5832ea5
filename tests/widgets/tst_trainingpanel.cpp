// The Training panel of `foresight --demo --scenario`: it shows the scenario and its objectives,
// the time and events as they come, and at the end the score, marked when the run was cut short.

#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QTest>
#include <QTextBrowser>

#include "panels/trainingpanel.h"

using namespace foresight;
using namespace foresight::widgets;
using namespace Qt::StringLiterals;

class TestTrainingPanel : public QObject
{
    Q_OBJECT

private:
    static sim::Scenario scenario()
    {
        auto parsed = sim::Scenario::parse("name: Crash\ndifficulty: 2\nduration: 20s\ndescription: Keep it up.\n"
                                           "objective restore-within 5s points 60\nobjective no-acked-write-lost\n"
                                           "at 2s crash primary\n",
                                           u"t.scenario"_s);
        return parsed ? *parsed : sim::Scenario{};
    }

    template<typename T>
    static T *child(TrainingPanel &panel, const QString &name)
    {
        return panel.findChild<T *>(name);
    }

private Q_SLOTS:
    void showsTheScenarioItsProgressAndItsScore()
    {
        TrainingPanel panel;
        panel.setScenario(scenario());
        QCOMPARE(child<QLabel>(panel, u"trainingTitle"_s)->text(), u"Crash (difficulty 2 of 5)"_s);
        auto *objectives = child<QListWidget>(panel, u"trainingObjectives"_s);
        QCOMPARE(objectives->count(), 2);
        QVERIFY(objectives->item(0)->text().contains(u"60"_s));
        QVERIFY(objectives->item(1)->text().contains(u"40"_s));
        QVERIFY(child<QTextBrowser>(panel, u"trainingScore"_s)->isHidden());

        panel.setProgress(3000, {u"2.0 s: crash alpha (primary)"_s});
        panel.setProgress(4000, {u"2.0 s: crash alpha (primary)"_s, u"3.5 s: thaw bravo"_s});
        auto *events = child<QListWidget>(panel, u"trainingEvents"_s);
        QCOMPARE(events->count(), 2);
        QCOMPARE(events->item(0)->text(), u"2.0 s: crash alpha (primary)"_s);
        QCOMPARE(child<QProgressBar>(panel, u"trainingProgress"_s)->value(), 4);
        QCOMPARE(child<QProgressBar>(panel, u"trainingProgress"_s)->maximum(), 20);

        sim::ScenarioScore score;
        score.points = 60;
        score.maxPoints = 100;
        score.objectives = {{scenario().objectives[0], true, 60, u"service came back 1.2 s after the crash"_s},
                            {scenario().objectives[1], false, 0, u"3 acknowledged writes were lost"_s}};
        score.toImprove = {u"promote a replica that is in sync"_s};
        panel.setScore(score, 12000);
        auto *report = child<QTextBrowser>(panel, u"trainingScore"_s);
        QVERIFY(!report->isHidden());
        const QString text = report->toPlainText();
        for (const QString &word : {u"60 of 100"_s,
                                    u"service came back"_s,
                                    u"3 acknowledged writes"_s,
                                    u"promote a replica that is in sync"_s})
            QVERIFY2(text.contains(word), qPrintable(text));
        QVERIFY2(child<QLabel>(panel, u"trainingState"_s)->text().contains(u"12"_s),
                 qPrintable(child<QLabel>(panel, u"trainingState"_s)->text()));

        panel.setScore(score, 20000);
        QVERIFY(!child<QLabel>(panel, u"trainingState"_s)->text().contains(u"12"_s));
    }

    void accessibleNames()
    {
        TrainingPanel panel;
        for (const QString &name :
             {u"trainingProgress"_s, u"trainingObjectives"_s, u"trainingEvents"_s, u"trainingScore"_s}) {
            const QWidget *widget = panel.findChild<QWidget *>(name);
            QVERIFY2(widget && !widget->accessibleName().isEmpty(), qPrintable(name));
        }
    }
};

QTEST_MAIN(TestTrainingPanel)
#include "tst_trainingpanel.moc"
