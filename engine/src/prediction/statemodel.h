#pragma once

#include <memory>
#include <span>

#include "foresight/core/result.h"
#include "foresight/prediction/statepredictor.h"

#include "statefeatures.h"

namespace foresight::prediction::Internal {

// A forecast in the key's own scales (see statefeatures.h): the expected normalised change of
// the value and the expected log interval ratio.
struct NormalisedForecast
{
    double value = 0.0;
    double interval = 0.0;
};

// One model family behind StatePredictor. Keys are numbered densely (slot 0, 1, ...) by the
// predictor. For each change of a key the predictor calls, in this order:
//   learn(slot, ...)   when the key had a forecast: the features it was made from and what
//                      actually happened (value target NaN when the key was not numeric)
//   forecast(slot, ...) features of the change just applied; returns the forecast for the next
// so a model sees a key's outcomes only after its forecast for them was made.
class StateModel
{
public:
    virtual ~StateModel() = default;
    virtual StateModelKind kind() const = 0;
    // False while the model cannot forecast yet (xgboost before its first fit): the predictor
    // then uses the last-value baseline and says so in KeyForecast::madeBy.
    virtual bool ready() const = 0;
    virtual Status learn(int slot, std::span<const float> features, float valueTarget, float intervalTarget) = 0;
    virtual NormalisedForecast forecast(int slot, std::span<const float> features, const KeyHistory &history) = 0;
    // Seconds spent learning so far (fits or online updates).
    virtual double trainSeconds() const = 0;
    virtual std::int64_t fits() const { return 0; }
};

// The naive baselines (LastValue, Linear), computed from the key's history alone.
NormalisedForecast naiveForecast(StateModelKind kind, const KeyHistory &history);

std::unique_ptr<StateModel> makeXgboostStateModel(const StatePredictorParams &params, int features);
std::unique_ptr<StateModel> makeGruStateModel(const StatePredictorParams &params, int features);
std::unique_ptr<StateModel> makeNaiveStateModel(StateModelKind kind);

} // namespace foresight::prediction::Internal
