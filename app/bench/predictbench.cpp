#include "predictbench.h"

#include "foresight/prediction/failureevaluation.h"

namespace foresight::bench {

namespace {

using prediction::DetectionFigures;
using prediction::FailureEvaluationOptions;
using prediction::MethodFigures;

const QString kBench = QStringLiteral("predict-failure");

QString defaultDatasetsDir()
{
    const QString fromEnvironment = qEnvironmentVariable("FORESIGHT_DATASETS");
    return fromEnvironment.isEmpty() ? QStringLiteral(FORESIGHT_DEFAULT_DATASETS) : fromEnvironment;
}

// One figure of the model beside the same figure of a baseline (higher is better for all).
void printBeside(const QString &caseName,
                 const QString &figure,
                 const QString &unit,
                 double model,
                 const QString &baseline,
                 double baselineValue)
{
    Figure line;
    line.bench = kBench;
    line.caseName = caseName;
    line.figure = figure;
    line.unit = unit;
    line.better = Better::Higher;
    line.decimals = 3;
    line.value = model;
    line.baseline = baseline;
    line.baselineValue = baselineValue;
    printFigure(line);
}

void printMethods(const QString &caseName,
                  const MethodFigures &model,
                  const QList<QPair<QString, MethodFigures>> &baselines)
{
    for (const auto &[name, figures] : baselines) {
        const DetectionFigures &m = model.labelsOnly;
        const DetectionFigures &b = figures.labelsOnly;
        printBeside(caseName, QStringLiteral("f1"), QStringLiteral("F1"), m.f1, name, b.f1);
        printBeside(caseName,
                    QStringLiteral("f1_point_adjusted"),
                    QStringLiteral("F1"),
                    m.f1Adjusted,
                    name,
                    b.f1Adjusted);
        printBeside(caseName, QStringLiteral("precision"), QStringLiteral("fraction"), m.precision, name, b.precision);
        printBeside(caseName, QStringLiteral("recall"), QStringLiteral("fraction"), m.recall, name, b.recall);
        // Lead time: minutes before an incident starts that it is first flagged (early warnings
        // count as hits for this one: withHorizon).
        printBeside(caseName,
                    QStringLiteral("mean_lead_minutes"),
                    QStringLiteral("min"),
                    model.withHorizon.meanLeadMinutes,
                    name,
                    figures.withHorizon.meanLeadMinutes);
    }
}

} // namespace

int runPredictFailureBench(const BenchOptions &options, const QString &datasetsDir)
{
    FailureEvaluationOptions evaluation;
    evaluation.datasetsDir = datasetsDir.isEmpty() ? defaultDatasetsDir() : datasetsDir;
    if (options.quick) {
        evaluation.datasets = {QStringLiteral("asd")};
        evaluation.stride = 4;
    }
    printNote(kBench,
              QStringLiteral("method"),
              QStringLiteral(
                  "each machine held out in turn; the model and every threshold learn from the other machines' "
                  "rows before the time cut (%1 of each test split) and are scored on the held-out machine's "
                  "rows after it; horizon %2 rows; F1 and precision/recall on the labelled points (point "
                  "adjusted: a segment counts as caught when any of its points is flagged); lead time counts "
                  "flags up to the horizon before a segment as early warnings")
                  .arg(evaluation.evalFraction)
                  .arg(evaluation.horizon));
    logProgress(QStringLiteral("predict-failure: %1 from %2 (several minutes: smd's HealthBaseline is the slow part)")
                    .arg(evaluation.datasets.join(QStringLiteral(", ")), evaluation.datasetsDir));
    auto result = prediction::runFailureEvaluation(evaluation);
    if (!result) {
        printNote(kBench, QStringLiteral("datasets"), result.error().toString());
        return 1;
    }
    for (const auto &dataset : result->datasets) {
        const QString caseName
            = QStringLiteral("%1: %2 machines, leave one out, time-ordered").arg(dataset.dataset).arg(dataset.machines);
        QList<QPair<QString, MethodFigures>> baselines{
            {QStringLiteral("static threshold per metric"), dataset.staticThreshold}};
        if (evaluation.healthBaseline)
            baselines.append({QStringLiteral("HealthBaseline anomaly score"), dataset.healthBaseline});
        printMethods(caseName, dataset.model, baselines);
    }
    logProgress(QStringLiteral("predict-failure: %1 s").arg(result->seconds, 0, 'f', 0));
    return 0;
}

} // namespace foresight::bench
