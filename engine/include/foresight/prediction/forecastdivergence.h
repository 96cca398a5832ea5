#pragma once

#include <optional>

#include "foresight/prediction/statepredictor.h"

namespace foresight::prediction {

// Model divergence between a primary and a replica (issue 4 part 3; seed 10601909's "PSE model
// validation"): each runs the Predictive State Engine on the stream it holds, and the replica
// compares its forecasts with the ones its primary sends it. A replica whose model has drifted
// (it missed deltas, holds only some keys, or learnt from a corrupt stream) would predict badly
// if promoted with a gap, so its divergence counts against it in the failover score.

// How far a replica's forecast for one key is from the primary's, 0 (the same) .. 1 (nothing in
// common). Each part the primary forecasts is compared on the primary's own scale: the next
// value's difference in units of the key's typical change, the next change time's in units of
// its typical interval, each capped at 1, and the two averaged. A part the primary forecasts and
// the replica does not counts 1; a replica forecast made at another delta of the key (it is
// behind, or learnt from other deltas) counts 1. Parts the primary does not forecast are not
// compared; with none left the two agree (0).
double keyDivergence(const KeyForecast &primary, const std::optional<KeyForecast> &replica);

// How far one forecast value is from the truth that arrived later, in units of the key's typical
// change: a prediction within half of it is "right" (the same tolerance as the predictor's own
// value confidence).
bool predictionRight(double predicted, double actual, double typicalChange);

} // namespace foresight::prediction
