#include "scenarioplay.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

using namespace foresight;
using namespace foresight::sim;

namespace {

const QString kShippedDir = QStringLiteral(":/scenarios");
const QString kSuffix = QStringLiteral(".scenario");

QString seconds(qint64 ms)
{
    return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
}

// "01-primary-crash" -> "primary-crash"; names without a number stay as they are.
QString withoutNumber(const QString &name)
{
    const qsizetype dash = name.indexOf(QLatin1Char('-'));
    if (dash <= 0)
        return name;
    bool number = false;
    name.left(dash).toInt(&number);
    return number ? name.mid(dash + 1) : name;
}

QString shippedFileFor(const QString &wanted)
{
    for (const QString &name : shippedScenarios()) {
        if (wanted == name || wanted == name + kSuffix || wanted == withoutNumber(name)
            || wanted == name.section(QLatin1Char('-'), 0, 0))
            return name + kSuffix;
    }
    return {};
}

// What the demo cluster cannot play, refused by line before any agent starts (ScenarioRunner
// would refuse the same, but only once the cluster runs). Partitions are playable: a scenario's
// demo cluster runs on simulated hosts, and so behind a simulated network (startDemoCluster).
Status checkPlayable(const ScenarioChoice &choice, const QString &demoApp, const QStringList &demoAgents)
{
    const Scenario &scenario = choice.scenario;
    if (!scenario.app.isEmpty() && scenario.app != demoApp)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: the scenario is about application '%2'; the demo cluster runs '%3'")
                        .arg(choice.source, scenario.app, demoApp));
    for (const ScenarioFault &fault : scenario.faults) {
        for (const QString &target : {fault.target, fault.peer}) {
            if (!target.isEmpty() && !scenarioRoles().contains(target) && !demoAgents.contains(target))
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("%1:%2: the demo cluster has no agent '%3' (agents: %4; roles: %5)")
                                .arg(choice.source)
                                .arg(fault.line)
                                .arg(target,
                                     demoAgents.join(QStringLiteral(", ")),
                                     scenarioRoles().join(QStringLiteral(", "))));
        }
    }
    return {};
}

QJsonArray toJson(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

QStringList shippedScenarios()
{
    QStringList names;
    for (const QString &file : QDir(kShippedDir).entryList({QStringLiteral("*") + kSuffix}, QDir::Files, QDir::Name))
        names << file.chopped(kSuffix.size());
    return names;
}

Result<ScenarioChoice> loadScenario(const QString &nameOrPath, const QString &demoApp, const QStringList &demoAgents)
{
    ScenarioChoice choice;
    const QString shipped = QFileInfo::exists(nameOrPath) || nameOrPath.contains(QLatin1Char('/'))
                                ? QString()
                                : shippedFileFor(nameOrPath);
    if (!shipped.isEmpty()) {
        QFile file(kShippedDir + QLatin1Char('/') + shipped);
        if (!file.open(QIODevice::ReadOnly))
            return fail(ErrorCode::Internal, QStringLiteral("the shipped scenario %1 cannot be read").arg(shipped));
        choice.source = shipped;
        auto parsed = Scenario::parse(file.readAll(), shipped);
        if (!parsed)
            return std::unexpected(parsed.error());
        choice.scenario = std::move(*parsed);
    } else {
        auto parsed = Scenario::fromFile(nameOrPath);
        if (!parsed) {
            if (parsed.error().code != ErrorCode::NotFound)
                return std::unexpected(parsed.error());
            return fail(ErrorCode::NotFound,
                        QStringLiteral("%1: no such scenario file, and no shipped scenario of that name (shipped: %2)")
                            .arg(nameOrPath, shippedScenarios().join(QStringLiteral(", "))));
        }
        choice.source = nameOrPath;
        choice.scenario = std::move(*parsed);
    }
    if (const Status playable = checkPlayable(choice, demoApp, demoAgents); !playable)
        return std::unexpected(playable.error());
    return choice;
}

QString objectiveText(const ScenarioObjective &objective)
{
    QString text = objectiveKindName(objective.kind);
    if (objective.kind == ObjectiveKind::RestoreWithin)
        text += QLatin1Char(' ') + seconds(objective.withinMs);
    return text;
}

QString renderScenarioProgress(const Scenario &scenario, qint64 elapsedMs, const QStringList &events)
{
    QStringList lines;
    lines << QStringLiteral("Scenario: %1 (difficulty %2)   %3 of %4")
                 .arg(scenario.name)
                 .arg(scenario.difficulty)
                 .arg(seconds(std::min(elapsedMs, scenario.durationMs)), seconds(scenario.durationMs));
    QStringList objectives;
    for (const ScenarioObjective &objective : scenario.objectives)
        objectives << QStringLiteral("%1 (%2 points)").arg(objectiveText(objective)).arg(objective.points);
    lines << QStringLiteral("objectives: ") + objectives.join(QStringLiteral(", "));
    if (events.isEmpty())
        lines << QStringLiteral("events: none yet");
    else
        lines << QStringLiteral("events:");
    for (const QString &event : events)
        lines << QStringLiteral("  ") + event;
    return lines.join(QLatin1Char('\n'));
}

QString renderScenarioScore(const Scenario &scenario,
                            const ScenarioScore &score,
                            qint64 playedMs,
                            const QStringList &events)
{
    QStringList lines;
    lines << QStringLiteral("Scenario '%1' %2")
                 .arg(scenario.name,
                      playedMs < scenario.durationMs
                          ? QStringLiteral("CUT SHORT after %1 of %2: the score covers "
                                           "only what happened so far")
                                .arg(seconds(playedMs), seconds(scenario.durationMs))
                          : QStringLiteral("finished after %1").arg(seconds(scenario.durationMs)));
    lines << QStringLiteral("Score: %1 of %2 points").arg(score.points).arg(score.maxPoints);
    lines << QStringLiteral("Objectives:");
    for (const ObjectiveResult &result : score.objectives) {
        lines << QStringLiteral("  [%1] %2 (line %3): %4 of %5 points, %6")
                     .arg(result.met ? QStringLiteral("MET") : QStringLiteral("FAILED"), objectiveText(result.objective))
                     .arg(result.objective.line)
                     .arg(result.points)
                     .arg(result.objective.points)
                     .arg(result.explanation);
    }
    const auto section = [&lines](const QString &title, const QStringList &items) {
        lines << title + (items.isEmpty() ? QStringLiteral(" none") : QString());
        for (const QString &item : items)
            lines << QStringLiteral("  - ") + item;
    };
    section(QStringLiteral("Done well:"), score.wellDone);
    section(QStringLiteral("To improve:"), score.toImprove);
    section(QStringLiteral("Your commands:"), score.operatorActions);
    section(QStringLiteral("Events:"), events);
    return lines.join(QLatin1Char('\n'));
}

QJsonObject scenarioScoreJson(const ScenarioChoice &choice,
                              const ScenarioScore &score,
                              qint64 playedMs,
                              const QStringList &events)
{
    QJsonArray objectives;
    for (const ObjectiveResult &result : score.objectives) {
        objectives.append(QJsonObject{{QStringLiteral("objective"), objectiveText(result.objective)},
                                      {QStringLiteral("line"), result.objective.line},
                                      {QStringLiteral("met"), result.met},
                                      {QStringLiteral("points"), result.points},
                                      {QStringLiteral("max_points"), result.objective.points},
                                      {QStringLiteral("explanation"), result.explanation}});
    }
    return QJsonObject{{QStringLiteral("scenario"), choice.scenario.name},
                       {QStringLiteral("source"), choice.source},
                       {QStringLiteral("complete"), playedMs >= choice.scenario.durationMs},
                       {QStringLiteral("played_ms"), playedMs},
                       {QStringLiteral("duration_ms"), choice.scenario.durationMs},
                       {QStringLiteral("points"), score.points},
                       {QStringLiteral("max_points"), score.maxPoints},
                       {QStringLiteral("objectives"), objectives},
                       {QStringLiteral("well_done"), toJson(score.wellDone)},
                       {QStringLiteral("to_improve"), toJson(score.toImprove)},
                       {QStringLiteral("operator_actions"), toJson(score.operatorActions)},
                       {QStringLiteral("events"), toJson(events)}};
}
