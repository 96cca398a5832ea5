#include "panels/trainingpanel.h"

#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace foresight::widgets {

namespace {

QString seconds(qint64 ms)
{
    return QLocale().toString(double(ms) / 1000.0, 'f', 1);
}

QString objectiveText(const sim::ScenarioObjective &objective)
{
    switch (objective.kind) {
    case sim::ObjectiveKind::RestoreWithin:
        return TrainingPanel::tr("Restore service within %1 s").arg(seconds(objective.withinMs));
    case sim::ObjectiveKind::NoAckedWriteLost:
        return TrainingPanel::tr("Lose no acknowledged write");
    case sim::ObjectiveKind::NoCorruptPromotion:
        return TrainingPanel::tr("Promote no corrupted replica");
    case sim::ObjectiveKind::MovedBeforeCrash:
        return TrainingPanel::tr("Move the primary off a failing host before it crashes");
    }
    return sim::objectiveKindName(objective.kind);
}

QString htmlList(const QStringList &items)
{
    QString html = QStringLiteral("<ul>");
    for (const QString &item : items)
        html += QStringLiteral("<li>") + item.toHtmlEscaped() + QStringLiteral("</li>");
    return html + QStringLiteral("</ul>");
}

} // namespace

TrainingPanel::TrainingPanel(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_description(new QLabel(this))
    , m_state(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_objectives(new QListWidget(this))
    , m_events(new QListWidget(this))
    , m_score(new QTextBrowser(this))
{
    m_title->setObjectName(QStringLiteral("trainingTitle"));
    m_state->setObjectName(QStringLiteral("trainingState"));
    m_progress->setObjectName(QStringLiteral("trainingProgress"));
    m_objectives->setObjectName(QStringLiteral("trainingObjectives"));
    m_events->setObjectName(QStringLiteral("trainingEvents"));
    m_score->setObjectName(QStringLiteral("trainingScore"));
    m_progress->setAccessibleName(tr("Scenario time"));
    m_objectives->setAccessibleName(tr("Scenario objectives"));
    m_events->setAccessibleName(tr("Scenario events"));
    m_score->setAccessibleName(tr("Scenario score"));
    m_title->setTextFormat(Qt::PlainText);
    m_description->setWordWrap(true);
    m_state->setWordWrap(true);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_objectives->setMaximumHeight(80);
    m_score->setVisible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_description);
    layout->addWidget(m_state);
    layout->addWidget(m_progress);
    layout->addWidget(new QLabel(tr("Objectives"), this));
    layout->addWidget(m_objectives);
    layout->addWidget(new QLabel(tr("Events"), this));
    layout->addWidget(m_events, 1);
    layout->addWidget(m_score, 2);
    setScenario({});
}

void TrainingPanel::setScenario(const sim::Scenario &scenario)
{
    m_scenario = scenario;
    m_title->setText(scenario.name.isEmpty()
                         ? tr("No scenario")
                         : tr("%1 (difficulty %2 of 5)").arg(scenario.name).arg(scenario.difficulty));
    m_description->setText(scenario.description);
    m_description->setVisible(!scenario.description.isEmpty());
    m_objectives->clear();
    for (const sim::ScenarioObjective &objective : scenario.objectives)
        m_objectives->addItem(tr("%1: %2 points").arg(objectiveText(objective)).arg(objective.points));
    m_events->clear();
    m_score->clear();
    m_score->setVisible(false);
    setState(tr("Waiting for the demo application to be healthy; the scenario starts then."));
    setProgress(0, {});
}

void TrainingPanel::setState(const QString &state)
{
    m_state->setText(state);
}

void TrainingPanel::setProgress(qint64 elapsedMs, const QStringList &events)
{
    const qint64 total = m_scenario.durationMs;
    m_progress->setRange(0, int(std::max<qint64>(1, total / 1000)));
    m_progress->setValue(int(std::min(elapsedMs, total) / 1000));
    m_progress->setFormat(tr("%1 s of %2 s").arg(seconds(std::min(elapsedMs, total)), seconds(total)));
    if (elapsedMs > 0 && elapsedMs < total)
        setState(tr("Playing: faults fire at their times; act as you would on a real cluster."));
    // Events only ever grow while a scenario plays: append the new ones.
    if (events.size() < m_events->count())
        m_events->clear();
    for (qsizetype i = m_events->count(); i < events.size(); ++i)
        m_events->addItem(events[i]);
    if (m_events->count() > 0)
        m_events->scrollToBottom();
}

void TrainingPanel::setScore(const sim::ScenarioScore &score, qint64 playedMs)
{
    const bool cutShort = playedMs < m_scenario.durationMs;
    setState(cutShort ? tr("Cut short after %1 s: the score covers only what happened so far.").arg(seconds(playedMs))
                      : tr("Finished."));
    QString html = QStringLiteral("<h3>") + tr("Score: %1 of %2 points").arg(score.points).arg(score.maxPoints)
                   + QStringLiteral("</h3><ul>");
    for (const sim::ObjectiveResult &result : score.objectives) {
        html += QStringLiteral("<li><b>%1</b> %2: %3</li>")
                    .arg(result.met ? tr("Met").toHtmlEscaped() : tr("Failed").toHtmlEscaped(),
                         objectiveText(result.objective).toHtmlEscaped(),
                         result.explanation.toHtmlEscaped());
    }
    html += QStringLiteral("</ul>");
    if (!score.wellDone.isEmpty())
        html += QStringLiteral("<p><b>") + tr("Done well").toHtmlEscaped() + QStringLiteral("</b></p>")
                + htmlList(score.wellDone);
    if (!score.toImprove.isEmpty())
        html += QStringLiteral("<p><b>") + tr("To improve").toHtmlEscaped() + QStringLiteral("</b></p>")
                + htmlList(score.toImprove);
    html += QStringLiteral("<p><b>") + tr("Your commands").toHtmlEscaped() + QStringLiteral("</b></p>")
            + (score.operatorActions.isEmpty()
                   ? QStringLiteral("<p>") + tr("None.").toHtmlEscaped() + QStringLiteral("</p>")
                   : htmlList(score.operatorActions));
    m_score->setHtml(html);
    m_score->setVisible(true);
}

} // namespace foresight::widgets
