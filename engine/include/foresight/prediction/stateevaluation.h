#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/prediction/deltatrace.h"
#include "foresight/prediction/statepredictor.h"

namespace foresight::prediction {

// Held-out evaluation of the Predictive State Engine on recorded delta traces, and the choice of
// model family per application that follows from it.
//
// Method (one trace = one application): every model kind gets a fresh StatePredictor fed the
// whole trace in order. The trace is split by time order: the first `warmupFraction` of its
// deltas only train and warm up; a forecast is scored when it was made at a delta at or after the
// split and the key changes again later in the trace (forecasts never followed by a change are
// not scored: their outcome is unknown). Forecasts are read through the public API before each
// delta is observed, so nothing a model did after the forecast can leak into it.
//
// Figures, per key and then per application:
//   value MAE         |next value - forecast|, in the key's own units (numeric keys)
//   value nMAE        value MAE / the key's mean absolute change in the warm-up part: 1.0 is
//                     an error as large as a typical change (keys equally weighted per app)
//   change-time MAE   |next change - forecast| in ms (all scored forecasts of the app pooled)
//   change-time nMAE  per key, / the key's mean interval in the warm-up part; keys equally weighted
//   score             value nMAE + change-time nMAE (the change-time term alone when the app
//                     has no numeric key): the held-out error the family choice is made on

inline constexpr std::array<StateModelKind, 4> kStateModelKinds{StateModelKind::Xgboost,
                                                                StateModelKind::Gru,
                                                                StateModelKind::LastValue,
                                                                StateModelKind::Linear};

struct StateEvaluationOptions
{
    double warmupFraction = 0.5; // (0, 1)
    StatePredictorParams params; // kind is set per model
    // Also keep, per model, every scored forecast (for tests of causality); off in benchmarks.
    bool keepForecasts = false;
};

// One scored forecast.
struct ScoredForecast
{
    std::uint64_t seq = 0; // the delta it was made at
    QString key;
    std::optional<double> predictedValue;
    std::optional<double> actualValue;
    std::int64_t predictedChangeMs = 0;
    std::int64_t actualChangeMs = 0;
};

struct KeyErrors
{
    QString key;
    bool numeric = false; // had scored value forecasts
    std::int64_t valueCount = 0;
    double valueMae = 0.0;  // key units
    double valueNmae = 0.0; // / warm-up mean |change|
    std::int64_t timeCount = 0;
    double timeMaeMs = 0.0;
    double timeNmae = 0.0; // / warm-up mean interval
};

struct ModelFigures
{
    StateModelKind kind = StateModelKind::LastValue;
    std::vector<KeyErrors> keys; // keys with scored forecasts, in first-seen order
    double valueNmae = 0.0;      // mean over numeric keys
    double timeMaeMs = 0.0;      // pooled over the app's scored change forecasts
    double timeNmae = 0.0;       // mean over keys
    double score = 0.0;
    std::int64_t valueCount = 0;
    std::int64_t timeCount = 0;
    StatePredictorStats stats;             // training and prediction cost over the whole trace
    QString error;                         // the first error observe() reported, if any
    std::vector<ScoredForecast> forecasts; // when keepForecasts
};

struct ApplicationEvaluation
{
    QString application;
    std::int64_t deltas = 0;
    std::int64_t heldOutDeltas = 0;
    int numericKeys = 0;
    int keys = 0;
    std::array<ModelFigures, kStateModelKinds.size()> models; // in kStateModelKinds order
    StateModelKind picked = StateModelKind::Gru;              // Xgboost or Gru
    // The lower score of the two naive baselines is below the picked family's: a naive
    // prediction would have served this application better.
    bool naiveBetter = false;

    const ModelFigures &figures(StateModelKind kind) const;
};

// Evaluates one trace. InvalidArgument for options out of range or a trace too short to split
// (fewer than 20 deltas).
Result<ApplicationEvaluation> evaluateStateTrace(const DeltaTrace &trace, const StateEvaluationOptions &options);

// The family with the lower held-out score; ties go to the GRU (cheaper to keep current).
StateModelKind pickStateFamily(const ModelFigures &xgboost, const ModelFigures &gru);

} // namespace foresight::prediction
