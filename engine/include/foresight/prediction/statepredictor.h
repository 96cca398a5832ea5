#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/state/statedelta.h"

namespace foresight::prediction {

// The Predictive State Engine's per-application predictor (issue 4 part 3; seeds 10601909 and
// 11531531). It reads an application's StateDeltas one at a time, in order, and answers for each
// key: when it will next change and, for numeric keys, its next value, each with a confidence.
//
// What it predicts is speculative: callers (the divergence check between replicas, the overlay
// applied at promotion) must keep predicted values apart from real state, marked with their
// confidence, and reconcile them when the real deltas arrive.

// Numeric values are decimal text: an optional sign, digits with an optional fraction, an
// optional exponent ("42", "-3.5", ".5", "1e-3", "+7"). No whitespace, no hex, no inf/nan, and the
// result must be finite. Anything else is not numeric: the key's change time is still predicted,
// its value is not.
std::optional<double> parseNumericValue(QByteArrayView bytes);

// The model behind a predictor. Xgboost and Gru are the two learned families; LastValue and
// Linear are the naive baselines they are measured against (and a fallback while a family has
// not learnt enough).
enum class StateModelKind {
    Xgboost,   // gradient-boosted trees on lag features, retrained in batch as history grows
    Gru,       // a small gated recurrent network trained online (truncated BPTT, Adam)
    LastValue, // next value = current value; next change = now + the last interval
    Linear,    // next value = current + the last change; next change = now + the mean interval
};
QString stateModelKindName(StateModelKind kind); // "xgboost", "gru", "last-value", "linear"

struct StatePredictorParams
{
    StateModelKind kind = StateModelKind::Gru;

    // Features: the last `lags` value changes and inter-change intervals of the key. 1 .. 16.
    int lags = 4;
    // Smoothing of the per-key running scales (typical change size, typical interval, level):
    // the weight of the newest observation, (0, 1).
    double scaleAlpha = 0.05;
    // Confidence is the share of the key's last `confidenceWindow` predictions that were within
    // tolerance (see KeyForecast). 1 .. 10000.
    int confidenceWindow = 32;

    // Xgboost: the first fit once `xgbMinSamples` (change, next change) pairs have been seen over
    // all keys, then a refit each time the sample count has grown by `xgbRefitGrowth` (0.5: by
    // half), on at most the latest `xgbMaxSamples`. Fits run synchronously inside observe().
    int xgbRounds = 60;          // 1 .. 5000
    int xgbMaxDepth = 4;         // 1 .. 16
    double xgbEta = 0.15;        // (0, 1]
    int xgbMinSamples = 200;     // >= 10
    double xgbRefitGrowth = 0.5; // > 0
    int xgbMaxSamples = 50000;   // >= xgbMinSamples
    int xgbThreads = 1;

    // GRU: hidden units, truncated-BPTT window (steps of one key), Adam step size, gradient clip
    // (global L2 norm). The network's weights are shared by all keys of the application; each key
    // has its own hidden state.
    int gruHidden = 16;             // 1 .. 256
    int gruWindow = 8;              // 1 .. 64
    double gruLearningRate = 0.001; // (0, 1]; the best of 0.01 .. 0.0003 on the pse traces
    double gruClip = 1.0;           // > 0

    std::uint32_t seed = 1;
    // Keys tracked at most; observe() refuses deltas of further keys (InvalidArgument, counted
    // in StatePredictorStats::rejected). >= 1.
    int maxKeys = 10000;

    Status validate() const;
};

// What the predictor says about one key, made at the key's latest change (basedOnSeq) from the
// deltas up to and including that one, and nothing after.
struct KeyForecast
{
    QString key;
    std::uint64_t basedOnSeq = 0;                      // the delta this forecast was made at
    std::int64_t basedOnMs = 0;                        // its timestamp
    StateModelKind madeBy = StateModelKind::LastValue; // differs from the predictor's kind while
                                                       // the family is not ready (no xgboost fit yet)

    // When the key will next change (primary wall clock, ms). Absent until the key has changed
    // twice. Confidence: the share of recent predictions on this key that were within a quarter
    // of the key's typical interval, 0 with no track record.
    std::optional<std::int64_t> nextChangeMs;
    double changeConfidence = 0.0;

    // The value the next change will write, for keys whose current value is numeric and that
    // have changed numerically before. Confidence: the share of recent predictions within half
    // of the key's typical change size, 0 with no track record.
    std::optional<double> nextValue;
    double valueConfidence = 0.0;

    // The scales the model works in, useful to judge an error: the key's running mean absolute
    // change and mean interval (0 when not known yet).
    double typicalChange = 0.0;
    double typicalIntervalMs = 0.0;
};

// Counters for cost reporting.
struct StatePredictorStats
{
    std::int64_t deltas = 0;     // observed and accepted
    std::int64_t rejected = 0;   // refused by observe() (out of order, too many keys)
    std::int64_t samples = 0;    // (change, next change) pairs learnt from
    std::int64_t fits = 0;       // xgboost fits
    double trainSeconds = 0.0;   // xgboost fits, or the GRU's online updates
    double predictSeconds = 0.0; // computing forecasts (features and model), excluding training
    std::int64_t predictions = 0;
};

// Threading: not thread-safe; one owner thread feeds it and asks it. Cheap to ask (forecast()
// is a lookup); observe() does the work, including the xgboost fits (seconds at tens of thousands
// of samples: run a predictor of that family off the GUI thread).
// Errors: observe() refuses a delta whose seq does not increase, or of a key past maxKeys
// (InvalidArgument; nothing is learnt from it). A failed xgboost fit is reported as Internal
// with xgboost's message after the delta has been applied; the previous model (or, before the
// first fit, the last-value baseline) keeps forecasting.
class StatePredictor final
{
public:
    explicit StatePredictor(const StatePredictorParams &params = {});
    ~StatePredictor();
    StatePredictor(StatePredictor &&) noexcept;
    StatePredictor &operator=(StatePredictor &&) noexcept;
    StatePredictor(const StatePredictor &) = delete;
    StatePredictor &operator=(const StatePredictor &) = delete;

    // Invalid params are replaced by the defaults; check params.validate() first to be told.
    const StatePredictorParams &params() const;
    StateModelKind kind() const;

    // Takes the next delta of the application: learns from how the key's previous forecast
    // turned out, then forecasts the key's next change.
    Status observe(const state::StateDelta &delta);

    // The latest forecast for key; nullopt for a key never seen. A key whose latest delta is a
    // delete has a change-time forecast but no value.
    std::optional<KeyForecast> forecast(const QString &key) const;
    QStringList keys() const;
    StatePredictorStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace foresight::prediction
