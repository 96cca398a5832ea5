#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

#include "foresight/sim/scenario.h"
#include "foresight/sim/scenarioscore.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QTextBrowser;

namespace foresight::widgets {

// A training scenario as the trainee follows it (`foresight --demo --scenario`): its name,
// difficulty and description, the objectives with their points, the time played, the faults as
// they fired, and at the end the score: each objective met or failed and why, what went well,
// what to do better, the trainee's commands. Fed by the app layer, which plays the scenario; it
// knows nothing of the cluster.
//
// Object names, for tests: "trainingTitle", "trainingState", "trainingProgress",
// "trainingObjectives", "trainingEvents", "trainingScore".
class TrainingPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit TrainingPanel(QWidget *parent = nullptr);

    // Shows the scenario, before it starts (the state line says it is waiting for the cluster).
    void setScenario(const foresight::sim::Scenario &scenario);
    // One sentence on where things stand, e.g. why the scenario has not started.
    void setState(const QString &state);
    // Time into the scenario and what has happened (ScenarioRunner::events()).
    void setProgress(qint64 elapsedMs, const QStringList &events);
    // The end: the score, cut short when playedMs is less than the scenario's duration.
    void setScore(const foresight::sim::ScenarioScore &score, qint64 playedMs);

private:
    foresight::sim::Scenario m_scenario;
    QLabel *m_title = nullptr;
    QLabel *m_description = nullptr;
    QLabel *m_state = nullptr;
    QProgressBar *m_progress = nullptr;
    QListWidget *m_objectives = nullptr;
    QListWidget *m_events = nullptr;
    QTextBrowser *m_score = nullptr;
};

} // namespace foresight::widgets
