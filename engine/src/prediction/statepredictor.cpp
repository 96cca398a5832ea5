#include "foresight/prediction/statepredictor.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <vector>

#include <QHash>

#include "statefeatures.h"
#include "statemodel.h"

namespace foresight::prediction {

using Internal::KeyHistory;
using Internal::NormalisedForecast;
using Internal::StateModel;

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// The share of hits among the recent outcomes, 0 with none: a confidence has to be earned.
double hitRate(const std::deque<bool> &hits)
{
    int count = 0;
    for (const bool hit : hits)
        count += hit ? 1 : 0;
    return static_cast<double>(count) / static_cast<double>(hits.size() + 1);
}

void remember(std::deque<bool> &hits, bool hit, int window)
{
    hits.push_back(hit);
    while (static_cast<int>(hits.size()) > window)
        hits.pop_front();
}

} // namespace

std::optional<double> parseNumericValue(QByteArrayView bytes)
{
    // Validate the grammar first: std::from_chars alone would accept "inf", "nan" and hex-like
    // forms and stop early at trailing garbage.
    qsizetype i = 0;
    const qsizetype n = bytes.size();
    if (i < n && (bytes[i] == '+' || bytes[i] == '-'))
        ++i;
    qsizetype digits = 0;
    while (i < n && isDigit(bytes[i]))
        ++i, ++digits;
    if (i < n && bytes[i] == '.') {
        ++i;
        while (i < n && isDigit(bytes[i]))
            ++i, ++digits;
    }
    if (digits == 0)
        return std::nullopt;
    if (i < n && (bytes[i] == 'e' || bytes[i] == 'E')) {
        ++i;
        if (i < n && (bytes[i] == '+' || bytes[i] == '-'))
            ++i;
        qsizetype exponentDigits = 0;
        while (i < n && isDigit(bytes[i]))
            ++i, ++exponentDigits;
        if (exponentDigits == 0)
            return std::nullopt;
    }
    if (i != n)
        return std::nullopt;
    // from_chars does not take a leading '+'.
    const char *begin = bytes.data();
    if (*begin == '+')
        ++begin;
    double value = 0.0;
    const auto [end, error] = std::from_chars(begin, bytes.data() + n, value);
    if (error != std::errc() || end != bytes.data() + n || !std::isfinite(value))
        return std::nullopt;
    return value;
}

QString stateModelKindName(StateModelKind kind)
{
    switch (kind) {
    case StateModelKind::Xgboost:
        return QStringLiteral("xgboost");
    case StateModelKind::Gru:
        return QStringLiteral("gru");
    case StateModelKind::LastValue:
        return QStringLiteral("last-value");
    case StateModelKind::Linear:
        return QStringLiteral("linear");
    }
    return QStringLiteral("unknown");
}

Status StatePredictorParams::validate() const
{
    auto bad = [](const QString &what) { return fail(ErrorCode::InvalidArgument, what); };
    if (lags < 1 || lags > 16)
        return bad(QStringLiteral("lags %1 is out of range (1 .. 16)").arg(lags));
    if (!(scaleAlpha > 0.0 && scaleAlpha < 1.0))
        return bad(QStringLiteral("scaleAlpha %1 is out of range (0, 1)").arg(scaleAlpha));
    if (confidenceWindow < 1 || confidenceWindow > 10000)
        return bad(QStringLiteral("confidenceWindow %1 is out of range (1 .. 10000)").arg(confidenceWindow));
    if (xgbRounds < 1 || xgbRounds > 5000)
        return bad(QStringLiteral("xgbRounds %1 is out of range (1 .. 5000)").arg(xgbRounds));
    if (xgbMaxDepth < 1 || xgbMaxDepth > 16)
        return bad(QStringLiteral("xgbMaxDepth %1 is out of range (1 .. 16)").arg(xgbMaxDepth));
    if (!(xgbEta > 0.0 && xgbEta <= 1.0))
        return bad(QStringLiteral("xgbEta %1 is out of range (0, 1]").arg(xgbEta));
    if (xgbMinSamples < 10)
        return bad(QStringLiteral("xgbMinSamples %1 must be >= 10").arg(xgbMinSamples));
    if (!(xgbRefitGrowth > 0.0) || !std::isfinite(xgbRefitGrowth))
        return bad(QStringLiteral("xgbRefitGrowth %1 must be > 0").arg(xgbRefitGrowth));
    if (xgbMaxSamples < xgbMinSamples)
        return bad(QStringLiteral("xgbMaxSamples %1 is below xgbMinSamples %2").arg(xgbMaxSamples).arg(xgbMinSamples));
    if (xgbThreads < 0 || xgbThreads > 256)
        return bad(QStringLiteral("xgbThreads %1 is out of range (0 .. 256)").arg(xgbThreads));
    if (gruHidden < 1 || gruHidden > 256)
        return bad(QStringLiteral("gruHidden %1 is out of range (1 .. 256)").arg(gruHidden));
    if (gruWindow < 1 || gruWindow > 64)
        return bad(QStringLiteral("gruWindow %1 is out of range (1 .. 64)").arg(gruWindow));
    if (!(gruLearningRate > 0.0 && gruLearningRate <= 1.0))
        return bad(QStringLiteral("gruLearningRate %1 is out of range (0, 1]").arg(gruLearningRate));
    if (!(gruClip > 0.0) || !std::isfinite(gruClip))
        return bad(QStringLiteral("gruClip %1 must be > 0").arg(gruClip));
    if (maxKeys < 1)
        return bad(QStringLiteral("maxKeys %1 must be >= 1").arg(maxKeys));
    return {};
}

// One key: its history, the forecast made at its latest change and what that forecast was made
// from (the scales and features the outcome is judged and learnt in).
struct KeySlot
{
    KeyHistory history;
    bool hasForecast = false;
    KeyForecast forecast;
    std::vector<float> features;
    std::optional<double> valueAtForecast;
    double residualScaleAtForecast = 0.0;
    double driftAtForecast = 0.0;
    double intervalScaleAtForecast = 0.0;
    std::deque<bool> valueHits;
    std::deque<bool> timeHits;
};

struct StatePredictor::Impl
{
    StatePredictorParams params;
    int featureCount = 0;
    std::unique_ptr<StateModel> model;
    QHash<QString, int> slots;
    std::vector<KeySlot> keys;
    StatePredictorStats stats;
    std::uint64_t lastSeq = 0;
    bool any = false;

    explicit Impl(const StatePredictorParams &requested)
        : params(requested.validate() ? requested : StatePredictorParams{})
        , featureCount(Internal::featureCount(params.lags))
    {
        switch (params.kind) {
        case StateModelKind::Xgboost:
            model = Internal::makeXgboostStateModel(params, featureCount);
            break;
        case StateModelKind::Gru:
            model = Internal::makeGruStateModel(params, featureCount);
            break;
        case StateModelKind::LastValue:
        case StateModelKind::Linear:
            model = Internal::makeNaiveStateModel(params.kind);
            break;
        }
    }

    // Judges the key's previous forecast against what happened and lets the model learn from it.
    Status settle(int slotIndex, KeySlot &slot, const state::StateDelta &delta, std::optional<double> numeric)
    {
        const KeyForecast &previous = slot.forecast;
        if (previous.nextValue && numeric) {
            const double error = std::fabs(*numeric - *previous.nextValue);
            remember(slot.valueHits, error <= 0.5 * previous.typicalChange, params.confidenceWindow);
        }
        if (previous.nextChangeMs) {
            const double error = std::fabs(static_cast<double>(delta.timestampMs - *previous.nextChangeMs));
            remember(slot.timeHits, error <= 0.25 * previous.typicalIntervalMs, params.confidenceWindow);
        }
        float valueTarget = std::numeric_limits<float>::quiet_NaN();
        if (numeric && slot.valueAtForecast)
            valueTarget = static_cast<float>(Internal::clipTarget(
                (*numeric - *slot.valueAtForecast - slot.driftAtForecast) / slot.residualScaleAtForecast));
        const double interval = static_cast<double>(std::max<std::int64_t>(delta.timestampMs - previous.basedOnMs, 0));
        const auto intervalTarget = static_cast<float>(
            Internal::clipTarget(Internal::intervalTarget(interval, slot.intervalScaleAtForecast)));
        ++stats.samples;
        return model->learn(slotIndex, slot.features, valueTarget, intervalTarget);
    }

    void forecast(int slotIndex, KeySlot &slot, const state::StateDelta &delta)
    {
        const auto started = std::chrono::steady_clock::now();
        const KeyHistory &history = slot.history;
        slot.features.assign(static_cast<std::size_t>(featureCount), 0.0f);
        Internal::computeFeatures(history, slot.features);
        const bool ready = model->ready();
        const NormalisedForecast normalised = model->forecast(slotIndex, slot.features, history);

        KeyForecast &out = slot.forecast;
        out.key = delta.key;
        out.basedOnSeq = delta.seq;
        out.basedOnMs = delta.timestampMs;
        out.madeBy = ready ? params.kind : StateModelKind::LastValue;
        out.typicalChange = history.changeScale;
        out.typicalIntervalMs = history.intervalScale;
        out.nextChangeMs.reset();
        out.nextValue.reset();
        if (history.timeReady()) {
            const double interval = Internal::intervalFromTarget(normalised.interval, history.intervalScale);
            out.nextChangeMs = delta.timestampMs + static_cast<std::int64_t>(std::llround(interval));
        }
        if (history.valueReady() && std::isfinite(normalised.value))
            out.nextValue = *history.value + history.drift + normalised.value * history.safeResidualScale();
        out.changeConfidence = hitRate(slot.timeHits);
        out.valueConfidence = hitRate(slot.valueHits);

        slot.hasForecast = true;
        slot.valueAtForecast = history.value;
        slot.residualScaleAtForecast = history.safeResidualScale();
        slot.driftAtForecast = history.drift;
        slot.intervalScaleAtForecast = history.intervalScale;
        ++stats.predictions;
        stats.predictSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }
};

StatePredictor::StatePredictor(const StatePredictorParams &params)
    : d(std::make_unique<Impl>(params))
{}
StatePredictor::~StatePredictor() = default;
StatePredictor::StatePredictor(StatePredictor &&) noexcept = default;
StatePredictor &StatePredictor::operator=(StatePredictor &&) noexcept = default;

const StatePredictorParams &StatePredictor::params() const
{
    return d->params;
}

StateModelKind StatePredictor::kind() const
{
    return d->params.kind;
}

Status StatePredictor::observe(const state::StateDelta &delta)
{
    if (d->any && delta.seq <= d->lastSeq) {
        ++d->stats.rejected;
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("delta seq %1 of key %2 arrived after seq %3: deltas must come in order")
                        .arg(delta.seq)
                        .arg(delta.key)
                        .arg(d->lastSeq));
    }
    auto found = d->slots.constFind(delta.key);
    int slotIndex = 0;
    if (found == d->slots.constEnd()) {
        if (static_cast<int>(d->keys.size()) >= d->params.maxKeys) {
            ++d->stats.rejected;
            d->lastSeq = delta.seq;
            d->any = true;
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("key %1 not tracked: the predictor already tracks %2 keys (maxKeys)")
                            .arg(delta.key)
                            .arg(d->params.maxKeys));
        }
        slotIndex = static_cast<int>(d->keys.size());
        d->slots.insert(delta.key, slotIndex);
        KeySlot slot;
        slot.history.lags = d->params.lags;
        slot.history.alpha = d->params.scaleAlpha;
        d->keys.push_back(std::move(slot));
    } else {
        slotIndex = *found;
    }
    d->lastSeq = delta.seq;
    d->any = true;
    ++d->stats.deltas;

    KeySlot &slot = d->keys[static_cast<std::size_t>(slotIndex)];
    const std::optional<double> numeric = delta.op == state::DeltaOp::Put ? parseNumericValue(delta.value)
                                                                          : std::nullopt;
    Status learnt;
    if (slot.hasForecast)
        learnt = d->settle(slotIndex, slot, delta, numeric);
    slot.history.update(delta, numeric);
    d->forecast(slotIndex, slot, delta);
    return learnt;
}

std::optional<KeyForecast> StatePredictor::forecast(const QString &key) const
{
    const auto found = d->slots.constFind(key);
    if (found == d->slots.constEnd())
        return std::nullopt;
    const KeySlot &slot = d->keys[static_cast<std::size_t>(*found)];
    if (!slot.hasForecast)
        return std::nullopt;
    return slot.forecast;
}

QStringList StatePredictor::keys() const
{
    QStringList out;
    out.reserve(static_cast<qsizetype>(d->keys.size()));
    for (const KeySlot &slot : d->keys)
        out << slot.forecast.key;
    return out;
}

StatePredictorStats StatePredictor::stats() const
{
    StatePredictorStats out = d->stats;
    out.trainSeconds = d->model->trainSeconds();
    out.fits = d->model->fits();
    return out;
}

} // namespace foresight::prediction
