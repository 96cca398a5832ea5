#include "foresight/prediction/stateevaluation.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <QHash>

namespace foresight::prediction {
namespace {

// Per key, from the warm-up part of the trace only: the scales the held-out errors are divided
// by, so that they are known before the held-out part starts and are the same for every model.
struct KeyScale
{
    std::optional<double> lastValue;
    std::optional<std::int64_t> lastMs;
    double changeSum = 0.0;
    std::int64_t changeCount = 0;
    double intervalSum = 0.0;
    std::int64_t intervalCount = 0;

    double meanChange() const { return changeCount > 0 ? changeSum / static_cast<double>(changeCount) : 0.0; }
    double meanInterval() const { return intervalCount > 0 ? intervalSum / static_cast<double>(intervalCount) : 0.0; }
};

struct KeyAccumulator
{
    QString key;
    double valueSum = 0.0;
    double valueNormSum = 0.0;
    std::int64_t valueCount = 0;
    double timeSum = 0.0;
    double timeNormSum = 0.0;
    std::int64_t timeCount = 0;
};

// x / scale, where a scale of zero (a key that never moved in the warm-up part) counts the
// error in its own units rather than dividing by zero.
double normalised(double error, double scale)
{
    return scale > 0.0 ? error / scale : error;
}

ModelFigures runModel(StateModelKind kind,
                      const DeltaTrace &trace,
                      std::size_t split,
                      const QHash<QString, KeyScale> &scales,
                      const StateEvaluationOptions &options)
{
    ModelFigures figures;
    figures.kind = kind;
    StatePredictorParams params = options.params;
    params.kind = kind;
    StatePredictor predictor(params);
    const std::uint64_t splitSeq = trace.deltas[split].seq;

    QHash<QString, int> index;
    std::vector<KeyAccumulator> keys;
    for (const state::StateDelta &delta : trace.deltas) {
        const std::optional<KeyForecast> forecast = predictor.forecast(delta.key);
        if (forecast && forecast->basedOnSeq >= splitSeq) {
            auto found = index.constFind(delta.key);
            if (found == index.constEnd()) {
                found = index.insert(delta.key, static_cast<int>(keys.size()));
                keys.push_back(KeyAccumulator{delta.key, 0, 0, 0, 0, 0, 0});
            }
            KeyAccumulator &acc = keys[static_cast<std::size_t>(*found)];
            const KeyScale scale = scales.value(delta.key);
            const std::optional<double> actual = delta.op == state::DeltaOp::Put ? parseNumericValue(delta.value)
                                                                                 : std::nullopt;
            if (forecast->nextValue && actual) {
                const double error = std::fabs(*actual - *forecast->nextValue);
                acc.valueSum += error;
                acc.valueNormSum += normalised(error, scale.meanChange());
                ++acc.valueCount;
            }
            if (forecast->nextChangeMs) {
                const double error = std::fabs(static_cast<double>(delta.timestampMs - *forecast->nextChangeMs));
                acc.timeSum += error;
                acc.timeNormSum += normalised(error, scale.meanInterval());
                ++acc.timeCount;
            }
            if (options.keepForecasts) {
                ScoredForecast scored;
                scored.seq = forecast->basedOnSeq;
                scored.key = delta.key;
                scored.predictedValue = forecast->nextValue;
                scored.actualValue = actual;
                scored.predictedChangeMs = forecast->nextChangeMs.value_or(0);
                scored.actualChangeMs = delta.timestampMs;
                figures.forecasts.push_back(scored);
            }
        }
        if (auto status = predictor.observe(delta); !status && figures.error.isEmpty())
            figures.error = status.error().toString();
    }

    double valueNormTotal = 0.0, timeNormTotal = 0.0, timeTotal = 0.0;
    int valueKeys = 0, timeKeys = 0;
    for (const KeyAccumulator &acc : keys) {
        KeyErrors errors;
        errors.key = acc.key;
        errors.numeric = acc.valueCount > 0;
        errors.valueCount = acc.valueCount;
        errors.timeCount = acc.timeCount;
        if (acc.valueCount > 0) {
            errors.valueMae = acc.valueSum / static_cast<double>(acc.valueCount);
            errors.valueNmae = acc.valueNormSum / static_cast<double>(acc.valueCount);
            valueNormTotal += errors.valueNmae;
            ++valueKeys;
            figures.valueCount += acc.valueCount;
        }
        if (acc.timeCount > 0) {
            errors.timeMaeMs = acc.timeSum / static_cast<double>(acc.timeCount);
            errors.timeNmae = acc.timeNormSum / static_cast<double>(acc.timeCount);
            timeNormTotal += errors.timeNmae;
            timeTotal += acc.timeSum;
            ++timeKeys;
            figures.timeCount += acc.timeCount;
        }
        figures.keys.push_back(errors);
    }
    figures.valueNmae = valueKeys > 0 ? valueNormTotal / valueKeys : 0.0;
    figures.timeNmae = timeKeys > 0 ? timeNormTotal / timeKeys : 0.0;
    figures.timeMaeMs = figures.timeCount > 0 ? timeTotal / static_cast<double>(figures.timeCount) : 0.0;
    figures.score = figures.valueNmae + figures.timeNmae;
    figures.stats = predictor.stats();
    return figures;
}

} // namespace

const ModelFigures &ApplicationEvaluation::figures(StateModelKind kind) const
{
    for (const ModelFigures &model : models) {
        if (model.kind == kind)
            return model;
    }
    return models.front();
}

StateModelKind pickStateFamily(const ModelFigures &xgboost, const ModelFigures &gru)
{
    return xgboost.score < gru.score ? StateModelKind::Xgboost : StateModelKind::Gru;
}

Result<ApplicationEvaluation> evaluateStateTrace(const DeltaTrace &trace, const StateEvaluationOptions &options)
{
    if (!(options.warmupFraction > 0.0 && options.warmupFraction < 1.0))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("warmupFraction %1 is out of range (0, 1)").arg(options.warmupFraction));
    if (auto status = options.params.validate(); !status)
        return std::unexpected(status.error());
    if (trace.deltas.size() < 20)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("trace of %1 has %2 deltas; at least 20 are needed to split it")
                        .arg(trace.application)
                        .arg(trace.deltas.size()));

    ApplicationEvaluation evaluation;
    evaluation.application = trace.application;
    evaluation.deltas = static_cast<std::int64_t>(trace.deltas.size());
    const auto split = static_cast<std::size_t>(options.warmupFraction * static_cast<double>(trace.deltas.size()));
    evaluation.heldOutDeltas = static_cast<std::int64_t>(trace.deltas.size() - split);

    QHash<QString, KeyScale> scales;
    QHash<QString, bool> numericKeys;
    for (std::size_t i = 0; i < trace.deltas.size(); ++i) {
        const state::StateDelta &delta = trace.deltas[i];
        const std::optional<double> value = delta.op == state::DeltaOp::Put ? parseNumericValue(delta.value)
                                                                            : std::nullopt;
        numericKeys[delta.key] = numericKeys.value(delta.key) || value.has_value();
        if (i >= split)
            continue;
        KeyScale &scale = scales[delta.key];
        if (scale.lastMs) {
            scale.intervalSum += static_cast<double>(std::max<std::int64_t>(delta.timestampMs - *scale.lastMs, 0));
            ++scale.intervalCount;
        }
        if (value && scale.lastValue) {
            scale.changeSum += std::fabs(*value - *scale.lastValue);
            ++scale.changeCount;
        }
        scale.lastMs = delta.timestampMs;
        scale.lastValue = value;
    }
    evaluation.keys = static_cast<int>(numericKeys.size());
    for (auto it = numericKeys.cbegin(); it != numericKeys.cend(); ++it)
        evaluation.numericKeys += it.value() ? 1 : 0;

    for (std::size_t m = 0; m < kStateModelKinds.size(); ++m)
        evaluation.models[m] = runModel(kStateModelKinds[m], trace, split, scales, options);

    const ModelFigures &xgboost = evaluation.figures(StateModelKind::Xgboost);
    const ModelFigures &gru = evaluation.figures(StateModelKind::Gru);
    evaluation.picked = pickStateFamily(xgboost, gru);
    const double pickedScore = evaluation.figures(evaluation.picked).score;
    evaluation.naiveBetter = evaluation.figures(StateModelKind::LastValue).score < pickedScore
                             || evaluation.figures(StateModelKind::Linear).score < pickedScore;
    return evaluation;
}

} // namespace foresight::prediction
