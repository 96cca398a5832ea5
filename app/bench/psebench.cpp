#include "psebench.h"

#include <array>
#include <chrono>

#include <QDateTime>
#include <QDir>
#include <QTemporaryDir>

#include "foresight/prediction/deltatrace.h"
#include "foresight/prediction/deltatracesources.h"
#include "foresight/prediction/stateevaluation.h"

namespace foresight::bench {

namespace {

using prediction::ApplicationEvaluation;
using prediction::DeltaTrace;
using prediction::ModelFigures;
using prediction::StateModelKind;

const QString kBench = QStringLiteral("pse");
constexpr std::size_t kQuickDeltas = 3000;

QString defaultDatasetsDir()
{
    const QString fromEnvironment = qEnvironmentVariable("FORESIGHT_DATASETS");
    return fromEnvironment.isEmpty() ? QStringLiteral(FORESIGHT_DEFAULT_DATASETS) : fromEnvironment;
}

// A lower-is-better figure of one family beside the better of the two naive baselines.
void printAgainstNaive(const QString &caseName,
                       const QString &figure,
                       const QString &unit,
                       int decimals,
                       double model,
                       double lastValue,
                       const QString &lastValueName,
                       double linear,
                       const QString &linearName)
{
    Figure line;
    line.bench = kBench;
    line.caseName = caseName;
    line.figure = figure;
    line.unit = unit;
    line.better = Better::Lower;
    line.decimals = decimals;
    line.value = model;
    const bool lastBetter = lastValue <= linear;
    line.baseline = lastBetter ? lastValueName : linearName;
    line.baselineValue = lastBetter ? lastValue : linear;
    printFigure(line);
}

void printCost(const QString &caseName, const QString &figure, const QString &unit, int decimals, double value)
{
    Figure line;
    line.bench = kBench;
    line.caseName = caseName;
    line.figure = figure;
    line.unit = unit;
    line.better = Better::Lower;
    line.decimals = decimals;
    line.value = value;
    printFigure(line);
}

const QString kLastValue = QStringLiteral("last value");
const QString kLinear = QStringLiteral("linear extrapolation");
const QString kLastInterval = QStringLiteral("last interval");
const QString kMeanInterval = QStringLiteral("mean interval");

// Figures pooled over several applications: value nMAE averaged over every numeric key,
// change-time MAE over every scored forecast.
struct Pooled
{
    double valueNmaeSum = 0.0;
    int valueKeys = 0;
    double timeErrorSum = 0.0;
    std::int64_t timeCount = 0;

    void add(const ModelFigures &figures)
    {
        for (const auto &key : figures.keys) {
            if (key.numeric) {
                valueNmaeSum += key.valueNmae;
                ++valueKeys;
            }
        }
        timeErrorSum += figures.timeMaeMs * static_cast<double>(figures.timeCount);
        timeCount += figures.timeCount;
    }
    double valueNmae() const { return valueKeys > 0 ? valueNmaeSum / valueKeys : 0.0; }
    double timeMaeMs() const { return timeCount > 0 ? timeErrorSum / static_cast<double>(timeCount) : 0.0; }
};

const prediction::KeyErrors *findKey(const ModelFigures &figures, const QString &key)
{
    for (const auto &errors : figures.keys) {
        if (errors.key == key)
            return &errors;
    }
    return nullptr;
}

void printApplication(const ApplicationEvaluation &app)
{
    const ModelFigures &last = app.figures(StateModelKind::LastValue);
    const ModelFigures &linear = app.figures(StateModelKind::Linear);
    for (const StateModelKind kind : {StateModelKind::Xgboost, StateModelKind::Gru}) {
        const ModelFigures &model = app.figures(kind);
        const QString caseName = app.application + QStringLiteral(": ") + prediction::stateModelKindName(kind);
        if (!model.error.isEmpty())
            printNote(kBench, caseName, QStringLiteral("the predictor reported: ") + model.error);
        if (app.numericKeys > 0)
            printAgainstNaive(caseName,
                              QStringLiteral("value_nmae"),
                              QStringLiteral("typical changes"),
                              3,
                              model.valueNmae,
                              last.valueNmae,
                              kLastValue,
                              linear.valueNmae,
                              kLinear);
        printAgainstNaive(caseName,
                          QStringLiteral("change_time_mae_ms"),
                          QStringLiteral("ms"),
                          0,
                          model.timeMaeMs,
                          last.timeMaeMs,
                          kLastInterval,
                          linear.timeMaeMs,
                          kMeanInterval);
        printAgainstNaive(caseName,
                          QStringLiteral("change_time_nmae"),
                          QStringLiteral("typical intervals"),
                          3,
                          model.timeNmae,
                          last.timeNmae,
                          kLastInterval,
                          linear.timeNmae,
                          kMeanInterval);
        // Per key: the value in the key's own units (numeric keys), the change time in ms.
        for (const auto &key : model.keys) {
            const auto *lastKey = findKey(last, key.key);
            const auto *linearKey = findKey(linear, key.key);
            if (!lastKey || !linearKey)
                continue;
            if (key.timeCount > 0)
                printAgainstNaive(caseName + QStringLiteral(", ") + key.key,
                                  QStringLiteral("change_time_mae_ms"),
                                  QStringLiteral("ms"),
                                  0,
                                  key.timeMaeMs,
                                  lastKey->timeMaeMs,
                                  kLastInterval,
                                  linearKey->timeMaeMs,
                                  kMeanInterval);
            if (!key.numeric)
                continue;
            printAgainstNaive(caseName + QStringLiteral(", ") + key.key,
                              QStringLiteral("value_mae"),
                              QStringLiteral("key units"),
                              4,
                              key.valueMae,
                              lastKey->valueMae,
                              kLastValue,
                              linearKey->valueMae,
                              kLinear);
        }
        printCost(caseName, QStringLiteral("train_s"), QStringLiteral("s"), 3, model.stats.trainSeconds);
        const double perForecastUs = model.stats.predictions > 0 ? model.stats.predictSeconds * 1e6
                                                                       / static_cast<double>(model.stats.predictions)
                                                                 : 0.0;
        printCost(caseName, QStringLiteral("forecast_latency_us"), QStringLiteral("us"), 2, perForecastUs);
        const double perDeltaUs = app.deltas > 0 ? (model.stats.predictSeconds + model.stats.trainSeconds) * 1e6
                                                       / static_cast<double>(app.deltas)
                                                 : 0.0;
        printCost(caseName, QStringLiteral("observe_cost_us"), QStringLiteral("us"), 2, perDeltaUs);
    }
    const double xgbScore = app.figures(StateModelKind::Xgboost).score;
    const double gruScore = app.figures(StateModelKind::Gru).score;
    QString pick = QStringLiteral("picked %1 (held-out score %2; xgboost %3, gru %4, last value %5, linear %6)")
                       .arg(prediction::stateModelKindName(app.picked))
                       .arg(app.figures(app.picked).score, 0, 'f', 3)
                       .arg(xgbScore, 0, 'f', 3)
                       .arg(gruScore, 0, 'f', 3)
                       .arg(last.score, 0, 'f', 3)
                       .arg(linear.score, 0, 'f', 3);
    if (app.naiveBetter)
        pick += QStringLiteral("; a naive baseline scores better than the picked family");
    printNote(kBench, app.application, pick);
}

} // namespace

int runPseBench(const BenchOptions &options, const QString &datasetsDir)
{
    const QString dir = datasetsDir.isEmpty() ? defaultDatasetsDir() : datasetsDir;
    logProgress(QStringLiteral("pse: deriving application traces from %1").arg(dir));
    auto derived = prediction::derivePseTraces(dir);
    if (!derived) {
        printNote(kBench, QStringLiteral("datasets"), derived.error().toString());
        return 1;
    }
    // Through the trace format and back, so that the benchmark reads what a recorded trace
    // file would give it.
    QTemporaryDir temporary;
    const QString path = QDir(temporary.path()).filePath(QStringLiteral("pse-traces.jsonl"));
    if (auto status = prediction::writeDeltaTraceFile(path, *derived); !status) {
        printNote(kBench, QStringLiteral("traces"), status.error().toString());
        return 1;
    }
    auto traces = prediction::readDeltaTraceFile(path);
    if (!traces) {
        printNote(kBench, QStringLiteral("traces"), traces.error().toString());
        return 1;
    }
    if (options.quick) {
        for (DeltaTrace &trace : *traces) {
            if (trace.deltas.size() > kQuickDeltas)
                trace.deltas.resize(kQuickDeltas);
        }
    }

    prediction::StateEvaluationOptions evaluation;
    printNote(kBench,
              QStringLiteral("method"),
              QStringLiteral(
                  "per application, every model reads the trace in order; the first %1 of its deltas train and "
                  "warm up, forecasts made after that are scored against the key's next change; value nMAE: "
                  "error / the key's mean absolute change in the warm-up part, keys equally weighted; "
                  "change_time_mae_ms pooled over all scored forecasts; change_time_nmae: error / the key's mean "
                  "interval in the warm-up part; score = value nMAE + change-time nMAE picks the family; "
                  "xgboost %2 rounds depth %3 refitted at %4 samples and then every +%5%; GRU %6 hidden, window "
                  "%7, Adam %8")
                  .arg(evaluation.warmupFraction)
                  .arg(evaluation.params.xgbRounds)
                  .arg(evaluation.params.xgbMaxDepth)
                  .arg(evaluation.params.xgbMinSamples)
                  .arg(evaluation.params.xgbRefitGrowth * 100)
                  .arg(evaluation.params.gruHidden)
                  .arg(evaluation.params.gruWindow)
                  .arg(evaluation.params.gruLearningRate));

    std::array<Pooled, prediction::kStateModelKinds.size()> pooled;
    int pickedXgboost = 0, pickedGru = 0, naiveBetter = 0;
    int failures = 0;
    const auto started = std::chrono::steady_clock::now();
    for (const DeltaTrace &trace : *traces) {
        logProgress(QStringLiteral("pse: %1, %2 deltas").arg(trace.application).arg(trace.deltas.size()));
        auto result = prediction::evaluateStateTrace(trace, evaluation);
        if (!result) {
            printNote(kBench, trace.application, result.error().toString());
            ++failures;
            continue;
        }
        printNote(
            kBench,
            trace.application,
            QStringLiteral("%1 deltas (%2 held out), %3 keys of which %4 numeric, %5 to %6")
                .arg(result->deltas)
                .arg(result->heldOutDeltas)
                .arg(result->keys)
                .arg(result->numericKeys)
                .arg(QDateTime::fromMSecsSinceEpoch(trace.deltas.front().timestampMs, Qt::UTC).toString(Qt::ISODate),
                     QDateTime::fromMSecsSinceEpoch(trace.deltas.back().timestampMs, Qt::UTC).toString(Qt::ISODate)));
        printApplication(*result);
        for (std::size_t m = 0; m < prediction::kStateModelKinds.size(); ++m)
            pooled[m].add(result->models[m]);
        (result->picked == StateModelKind::Xgboost ? pickedXgboost : pickedGru) += 1;
        naiveBetter += result->naiveBetter ? 1 : 0;
    }

    const QString all = QStringLiteral("all applications");
    const Pooled &last = pooled[2];
    const Pooled &linear = pooled[3];
    for (std::size_t m = 0; m < 2; ++m) {
        const QString caseName = all + QStringLiteral(": ")
                                 + prediction::stateModelKindName(prediction::kStateModelKinds[m]);
        printAgainstNaive(caseName,
                          QStringLiteral("value_nmae"),
                          QStringLiteral("typical changes"),
                          3,
                          pooled[m].valueNmae(),
                          last.valueNmae(),
                          kLastValue,
                          linear.valueNmae(),
                          kLinear);
        printAgainstNaive(caseName,
                          QStringLiteral("change_time_mae_ms"),
                          QStringLiteral("ms"),
                          0,
                          pooled[m].timeMaeMs(),
                          last.timeMaeMs(),
                          kLastInterval,
                          linear.timeMaeMs(),
                          kMeanInterval);
    }
    printNote(kBench,
              all,
              QStringLiteral("picked xgboost for %1 and gru for %2 applications; a naive baseline scored better than "
                             "the picked family for %3")
                  .arg(pickedXgboost)
                  .arg(pickedGru)
                  .arg(naiveBetter));
    logProgress(QStringLiteral("pse: %1 s")
                    .arg(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), 0, 'f', 1));
    return failures == 0 ? 0 : 1;
}

} // namespace foresight::bench
