// The Predictive State Engine in the agent (issue 4 part 3). Every agent's models learn from the
// deltas it holds (predictionworker.h); on top of them:
//   divergence  the primary sends each hot and warm replica its latest forecasts every second;
//               the replica compares them with its own and reports how far apart they are,
//               which the console's failover score and candidate ranking use;
//   overlay     a replica promoted with a sequence gap serves, for the keys the gap most probably
//               changed, the values its model predicts, marked as predicted and with their
//               confidence, never as part of the state;
//   reconcile   when an agent that still holds the gap's real deltas (the old primary, back from
//               a partition) rejoins, the primary fetches them, counts how many predictions were
//               right, and writes the real values over the predicted ones.

#include <algorithm>
#include <cmath>

#include <QCborArray>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"
#include "foresight/prediction/forecastdivergence.h"
#include "foresight/protocol/codecs.h"

namespace foresight::agent {

using protocol::Message;
using protocol::MessageType;

namespace {

constexpr std::int64_t kForecastIntervalMs = 1000;
// Forecasts per message: the keys changed most recently, where primary and replica have both
// learnt the most.
constexpr qsizetype kForecastKeys = 32;
// The weight of the newest message's divergence in the reported, smoothed one.
constexpr double kDivergenceAlpha = 0.5;
constexpr qsizetype kMaxGapDeltas = 1000;
constexpr qsizetype kMaxGapBytes = 512 * 1024;

QCborMap forecastToCbor(const prediction::KeyForecast &forecast)
{
    QCborMap map;
    map.insert(QStringLiteral("key"), forecast.key);
    map.insert(QStringLiteral("seq"), qint64(forecast.basedOnSeq));
    if (forecast.nextChangeMs)
        map.insert(QStringLiteral("next-ms"), qint64(*forecast.nextChangeMs));
    if (forecast.nextValue)
        map.insert(QStringLiteral("value"), *forecast.nextValue);
    map.insert(QStringLiteral("change"), forecast.typicalChange);
    map.insert(QStringLiteral("interval-ms"), forecast.typicalIntervalMs);
    return map;
}

std::optional<prediction::KeyForecast> forecastFromCbor(const QCborValue &value)
{
    const QCborMap map = value.toMap();
    const QCborValue key = map.value(QStringLiteral("key"));
    const QCborValue seq = map.value(QStringLiteral("seq"));
    if (!key.isString() || !seq.isInteger() || seq.toInteger() < 0)
        return std::nullopt;
    prediction::KeyForecast forecast;
    forecast.key = key.toString();
    forecast.basedOnSeq = std::uint64_t(seq.toInteger());
    if (const QCborValue next = map.value(QStringLiteral("next-ms")); next.isInteger())
        forecast.nextChangeMs = next.toInteger();
    if (const QCborValue number = map.value(QStringLiteral("value")); number.isDouble() || number.isInteger())
        forecast.nextValue = number.toDouble();
    forecast.typicalChange = map.value(QStringLiteral("change")).toDouble();
    forecast.typicalIntervalMs = map.value(QStringLiteral("interval-ms")).toDouble();
    if (!std::isfinite(forecast.typicalChange) || !std::isfinite(forecast.typicalIntervalMs)
        || (forecast.nextValue && !std::isfinite(*forecast.nextValue)))
        return std::nullopt;
    return forecast;
}

// The text a predicted number is served as: whole numbers stay whole when the key's current
// value is written that way (counters, timestamps).
QByteArray formatPredicted(double value, const std::optional<QByteArray> &current)
{
    const bool integral = current && !current->contains('.') && !current->contains('e') && !current->contains('E');
    if (integral && std::abs(value) < 9e15)
        return QByteArray::number(qint64(std::llround(value)));
    return QByteArray::number(value, 'g', 15);
}

} // namespace

void Agent::Impl::learn(const AppInstance &app, const state::StateDelta &delta)
{
    if (m_predictions)
        m_predictions->observe(app.name, delta);
}

std::optional<QList<state::StateDelta>> Agent::Impl::changesSince(const AppInstance &app,
                                                                  const state::Snapshot &snapshot) const
{
    const std::uint64_t held = app.state.seq();
    if (!m_predictions || held == 0 || snapshot.seq <= held || snapshot.epoch < app.state.epoch())
        return std::nullopt;
    QList<state::StateDelta> changes;
    for (const auto &[key, value] : snapshot.entries) {
        if (app.state.get(key) == value)
            continue;
        state::StateDelta change;
        change.epoch = snapshot.epoch;
        change.timestampMs = snapshot.takenAtMs;
        change.key = key;
        change.op = state::DeltaOp::Put;
        change.value = value;
        changes.append(change);
    }
    // Deleted keys are not learnt: finding them would mean a pass over the whole held state.
    if (std::uint64_t(changes.size()) > snapshot.seq - held)
        return std::nullopt; // more changes than deltas: not the history this replica held
    // In key order, so that the same snapshots always teach the same sequence.
    std::sort(changes.begin(), changes.end(), [](const state::StateDelta &a, const state::StateDelta &b) {
        return a.key < b.key;
    });
    std::uint64_t seq = held;
    for (state::StateDelta &change : changes)
        change.seq = ++seq;
    return changes;
}

void Agent::Impl::sendForecasts(AppInstance &app, ReplicaLink &link)
{
    if (!m_predictions || link.tier == Tier::Cold || now() - link.forecastsSentMs < kForecastIntervalMs)
        return;
    link.forecastsSentMs = now();
    const auto table = m_predictions->forecasts(app.name);
    QList<const prediction::KeyForecast *> chosen;
    for (const prediction::KeyForecast &forecast : table->keys) {
        if (!forecast.nextChangeMs && !forecast.nextValue)
            continue;
        if (link.tier == Tier::Warm && !app.state.isCritical(forecast.key))
            continue; // a warm replica never sees the other keys: not a divergence of its model
        chosen.append(&forecast);
    }
    const auto newestFirst = [](const auto *a, const auto *b) { return a->basedOnSeq > b->basedOnSeq; };
    if (chosen.size() > kForecastKeys) {
        std::nth_element(chosen.begin(), chosen.begin() + kForecastKeys, chosen.end(), newestFirst);
        chosen.resize(kForecastKeys);
    }
    if (chosen.isEmpty())
        return;
    QCborArray keys;
    for (const auto *forecast : std::as_const(chosen))
        keys.append(forecastToCbor(*forecast));
    QCborMap body;
    body.insert(QStringLiteral("app"), app.name);
    body.insert(QStringLiteral("epoch"), qint64(app.epoch));
    body.insert(QStringLiteral("keys"), keys);
    // A lost message costs one second of divergence measurement, nothing else.
    (void) transport::send(m_api, {link.identity}, Message{MessageType::Forecasts, body});
}

void Agent::Impl::handleForecasts(AppInstance &app, const Message &message)
{
    if (!m_predictions || app.tier == Tier::Cold)
        return;
    const auto mine = m_predictions->forecasts(app.name);
    double sum = 0;
    int compared = 0;
    for (const QCborValue &value : message.body.value(QStringLiteral("keys")).toArray()) {
        const auto theirs = forecastFromCbor(value);
        if (!theirs) {
            ++m_rejects.malformed;
            continue;
        }
        // A forecast made at a delta this replica has not learnt from yet is not comparable: that
        // is replication or learning lag, measured elsewhere, not a different model.
        if (theirs->basedOnSeq > mine->observedSeq || theirs->basedOnSeq > app.state.seq())
            continue;
        const auto own = mine->keys.constFind(theirs->key);
        if (own != mine->keys.cend() && own->basedOnSeq > theirs->basedOnSeq)
            continue; // ours is newer than the table the primary sent from: compared next time
        sum += prediction::keyDivergence(*theirs,
                                         own == mine->keys.cend() ? std::nullopt
                                                                  : std::optional<prediction::KeyForecast>(*own));
        ++compared;
    }
    app.divergenceKeys = compared;
    if (compared == 0)
        return;
    const double latest = sum / compared;
    app.divergence = app.divergence < 0 ? latest : kDivergenceAlpha * latest + (1 - kDivergenceAlpha) * app.divergence;
}

void Agent::Impl::applySpeculativeOverlay(AppInstance &app, std::uint64_t gapTo)
{
    app.overlay.reset();
    const std::uint64_t held = app.state.seq();
    if (!m_predictions || gapTo <= held)
        return;
    SpeculativeOverlay overlay;
    overlay.gapEpoch = app.state.epoch();
    overlay.gapFrom = held + 1;
    overlay.gapTo = gapTo;
    // The gap changed at most gapTo - held keys: those the model expected to change soonest after
    // their last known change, and by now, with a value it can predict.
    const auto table = m_predictions->forecasts(app.name);
    const std::int64_t wallNow = m_clock.wallMs();
    QList<const prediction::KeyForecast *> due;
    for (const prediction::KeyForecast &forecast : table->keys) {
        if (forecast.nextValue && forecast.nextChangeMs && *forecast.nextChangeMs <= wallNow)
            due.append(&forecast);
    }
    std::sort(due.begin(), due.end(), [](const auto *a, const auto *b) {
        if (a->changeConfidence != b->changeConfidence)
            return a->changeConfidence > b->changeConfidence;
        return *a->nextChangeMs < *b->nextChangeMs;
    });
    const auto limit = qsizetype(std::min<std::uint64_t>(gapTo - held, std::uint64_t(due.size())));
    for (qsizetype i = 0; i < limit; ++i) {
        const prediction::KeyForecast &forecast = *due[i];
        SpeculativeValue value;
        value.numeric = *forecast.nextValue;
        value.value = formatPredicted(value.numeric, app.state.get(forecast.key));
        value.confidence = forecast.changeConfidence * forecast.valueConfidence;
        value.typicalChange = forecast.typicalChange;
        overlay.values.insert(forecast.key, value);
    }
    overlay.applied = overlay.values.size();
    qCWarning(lcAgent) << app.name << ": promoted with a gap of" << gapTo - held << "deltas (" << overlay.gapFrom
                       << "to" << gapTo << "); serving" << overlay.applied << "predicted values from the"
                       << (table->model.isEmpty() ? QStringLiteral("(untrained)") : table->model) << "model";
    app.overlay = std::move(overlay);
}

void Agent::Impl::dropSpeculative(AppInstance &app, const QString &key)
{
    if (app.overlay && app.overlay->values.remove(key) > 0)
        ++app.overlay->overwritten;
}

void Agent::Impl::requestGapDeltas(AppInstance &app,
                                   const QByteArray &identity,
                                   std::uint64_t formerSeq,
                                   std::uint64_t formerEpoch)
{
    if (!app.overlay || app.overlay->reconciled || formerEpoch != app.overlay->gapEpoch
        || formerSeq < app.overlay->gapFrom)
        return;
    QCborMap body;
    body.insert(QStringLiteral("app"), app.name);
    body.insert(QStringLiteral("epoch"), qint64(app.epoch));
    body.insert(QStringLiteral("gap-epoch"), qint64(app.overlay->gapEpoch));
    body.insert(QStringLiteral("from"), qint64(app.overlay->gapFrom));
    body.insert(QStringLiteral("to"), qint64(formerSeq));
    // Sent before the welcome, so the replica answers from the history it holds now, before a
    // catch-up replaces it.
    (void) transport::send(m_api, {identity}, Message{MessageType::GapRequest, body});
}

void Agent::Impl::handleGapRequest(AppInstance &app, const Message &message)
{
    const auto gapEpoch = std::uint64_t(message.body.value(QStringLiteral("gap-epoch")).toInteger());
    const auto from = std::uint64_t(message.body.value(QStringLiteral("from")).toInteger());
    const auto to = std::uint64_t(message.body.value(QStringLiteral("to")).toInteger());
    if (!app.formerLog || std::uint64_t(message.body.value(QStringLiteral("epoch")).toInteger()) < app.epoch
        || from == 0 || to < from)
        return; // nothing to give, or not from a primary this replica could follow
    const state::DeltaLog &log = *app.formerLog;
    QCborArray deltas;
    qsizetype bytes = 0;
    bool complete = log.coversAfter(from - 1);
    if (complete) {
        for (const state::StateDelta &delta : log.after(from - 1, kMaxGapDeltas)) {
            if (delta.seq > to)
                break;
            if (delta.epoch != gapEpoch || bytes + delta.byteSize() > kMaxGapBytes) {
                complete = false; // another history, or more than one message holds: what fits
                break;
            }
            deltas.append(protocol::deltaToCbor(delta));
            bytes += delta.byteSize();
        }
        complete = complete && deltas.size() == qsizetype(to - from + 1);
    }
    QCborMap body;
    body.insert(QStringLiteral("app"), app.name);
    body.insert(QStringLiteral("agent"), m_options.name);
    body.insert(QStringLiteral("gap-epoch"), qint64(gapEpoch));
    body.insert(QStringLiteral("from"), qint64(from));
    body.insert(QStringLiteral("to"), qint64(to));
    body.insert(QStringLiteral("complete"), complete);
    body.insert(QStringLiteral("deltas"), deltas);
    qCInfo(lcReplication) << app.name << ": sending" << deltas.size() << "deltas of the gap" << from << "to" << to
                          << "to the new primary" << (complete ? "" : "(incomplete)");
    (void) transport::send(*app.upstream->socket, {}, Message{MessageType::GapDeltas, body});
    app.formerLog.reset(); // answered: it would only ever be asked again by another successor
}

void Agent::Impl::handleGapDeltas(const Message &message)
{
    AppInstance *app = findApp(message.body.value(QStringLiteral("app")).toString());
    if (!app || app->role != Role::Primary || !app->overlay || app->overlay->reconciled)
        return;
    SpeculativeOverlay &overlay = *app->overlay;
    if (std::uint64_t(message.body.value(QStringLiteral("gap-epoch")).toInteger()) != overlay.gapEpoch)
        return;
    const bool complete = message.body.value(QStringLiteral("complete")).toBool();
    // The last real change of each key in the gap (nullopt: deleted), in sequence order.
    QHash<QString, std::optional<QByteArray>> real;
    std::uint64_t expected = overlay.gapFrom;
    for (const QCborValue &value : message.body.value(QStringLiteral("deltas")).toArray()) {
        auto delta = protocol::deltaFromCbor(value);
        if (!delta || delta->seq != expected || delta->epoch != overlay.gapEpoch) {
            ++m_rejects.malformed;
            qCWarning(lcReplication) << app->name << ": gap deltas refused:"
                                     << (delta ? QStringLiteral("out of order or of another epoch")
                                               : delta.error().message);
            return;
        }
        ++expected;
        real.insert(delta->key,
                    delta->op == state::DeltaOp::Put ? std::optional<QByteArray>(delta->value) : std::nullopt);
    }
    const QString from = message.body.value(QStringLiteral("agent")).toString();
    for (auto it = overlay.values.begin(); it != overlay.values.end();) {
        const auto found = real.constFind(it.key());
        if (found == real.cend()) {
            if (!complete) {
                ++it; // not judged: the part that would say is missing
                continue;
            }
            ++overlay.wrong; // the key did not change in the gap: the state's value stands
            m_mirrorFeeds.noteChange(app->name, it.key()); // what a read returns changed
            it = overlay.values.erase(it);
            continue;
        }
        const std::optional<double> actual = found->has_value() ? prediction::parseNumericValue(**found) : std::nullopt;
        if (actual && prediction::predictionRight(it->numeric, *actual, it->typicalChange))
            ++overlay.right;
        else
            ++overlay.wrong;
        // The real value replaces the prediction, as a new change of this epoch.
        const QString key = it.key();
        it = overlay.values.erase(it);
        if (auto ok = applyOwnWrite(*app,
                                    key,
                                    found->has_value() ? state::DeltaOp::Put : state::DeltaOp::Delete,
                                    found->value_or(QByteArray()));
            !ok)
            qCWarning(lcReplication) << app->name << ": could not write the real value of" << key << ":"
                                     << ok.error().message;
    }
    overlay.reconciled = complete;
    overlay.reconciledFrom = from;
    qCWarning(lcAgent) << app->name << ": the real deltas of the gap arrived from" << from << ":" << overlay.right
                       << "of" << overlay.applied << "predictions right," << overlay.wrong << "wrong,"
                       << overlay.overwritten << "overwritten by clients first";
}

void Agent::Impl::addPredictionStatus(const AppInstance &app, QCborMap &status) const
{
    if (!m_predictions)
        return;
    const auto table = m_predictions->forecasts(app.name);
    QCborMap model{{QStringLiteral("model"), table->model},
                   {QStringLiteral("selection"), table->selection},
                   {QStringLiteral("observed-seq"), qint64(table->observedSeq)},
                   {QStringLiteral("observed"), table->observed},
                   {QStringLiteral("skipped"), table->skipped},
                   {QStringLiteral("keys"), qint64(table->keys.size())}};
    status.insert(QStringLiteral("prediction"), model);
    if (app.role == Role::Replica && app.divergence >= 0) {
        status.insert(QStringLiteral("divergence"), app.divergence);
        status.insert(QStringLiteral("divergence-keys"), app.divergenceKeys);
    }
    if (app.overlay) {
        const SpeculativeOverlay &overlay = *app.overlay;
        status.insert(QStringLiteral("overlay"),
                      QCborMap{{QStringLiteral("gap-from"), qint64(overlay.gapFrom)},
                               {QStringLiteral("gap-to"), qint64(overlay.gapTo)},
                               {QStringLiteral("applied"), overlay.applied},
                               {QStringLiteral("pending"), qint64(overlay.values.size())},
                               {QStringLiteral("right"), overlay.right},
                               {QStringLiteral("wrong"), overlay.wrong},
                               {QStringLiteral("overwritten"), overlay.overwritten},
                               {QStringLiteral("reconciled"), overlay.reconciled},
                               {QStringLiteral("reconciled-from"), overlay.reconciledFrom}});
    }
}

} // namespace foresight::agent
