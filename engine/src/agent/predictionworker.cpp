#include "agent/predictionworker.h"

#include <algorithm>
#include <cmath>

#include <pthread.h>

#include "foresight/core/logging.h"

namespace foresight::agent {

using SteadyClock = std::chrono::steady_clock;

PredictionWorker::PredictionWorker(int maxDeltasPerSecond)
    : m_maxDeltasPerSecond(maxDeltasPerSecond)
{
    m_thread = std::thread([this] {
        pthread_setname_np(pthread_self(), "fs-pse");
        run();
    });
}

PredictionWorker::~PredictionWorker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_queue.clear();
    }
    m_wake.notify_one();
    m_thread.join();
}

void PredictionWorker::observe(const QString &app, const state::StateDelta &delta)
{
    {
        std::lock_guard lock(m_mutex);
        Budget &budget = m_budgets[app];
        const auto t = SteadyClock::now();
        if (t - budget.windowStart >= std::chrono::seconds(1)) {
            budget.windowStart = t;
            budget.used = 0;
        }
        if (budget.used >= m_maxDeltasPerSecond || m_queue.size() >= kMaxQueued) {
            ++budget.skipped;
            // Published by the worker: a burst whose last deltas are all skipped leaves nothing
            // for it to learn, and the table would keep the count of its last publish.
            budget.skipsUnpublished = true;
            const bool wake = !m_skipsUnpublished;
            m_skipsUnpublished = true;
            if (wake)
                m_wake.notify_one();
            return;
        }
        ++budget.used;
        m_queue.push_back(Queued{app, delta, m_generations[app]});
    }
    m_wake.notify_one();
}

void PredictionWorker::forget(const QString &app)
{
    std::lock_guard lock(m_mutex);
    ++m_generations[app];
    m_budgets[app].skipped = 0;
    m_published[app] = std::make_shared<const AppForecasts>();
}

std::shared_ptr<const AppForecasts> PredictionWorker::forecasts(const QString &app) const
{
    std::lock_guard lock(m_mutex);
    const auto found = m_published.find(app);
    if (found == m_published.end())
        return std::make_shared<const AppForecasts>();
    return found->second;
}

void PredictionWorker::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        // Wake for work, or to publish what the last burst left unpublished (skips included).
        const bool anyChanged = m_skipsUnpublished
                                || std::any_of(m_models.begin(), m_models.end(), [](const auto &entry) {
                                       return entry.second.changed;
                                   });
        if (anyChanged)
            m_wake.wait_for(lock, std::chrono::milliseconds(kPublishIntervalMs), [this] {
                return m_stop || !m_queue.empty();
            });
        else
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty() || m_skipsUnpublished; });
        if (m_stop)
            return;
        std::deque<Queued> batch;
        batch.swap(m_queue);
        lock.unlock();
        for (const Queued &item : batch)
            learn(item);
        lock.lock();
        for (auto &[app, model] : m_models)
            publish(app, model, m_queue.empty());
        // An application with nothing learnt yet has no table to correct: its skips show with the first.
        for (auto &[app, budget] : m_budgets) {
            if (!m_models.contains(app))
                budget.skipsUnpublished = false;
        }
        m_skipsUnpublished = std::any_of(m_budgets.begin(), m_budgets.end(), [](const auto &entry) {
            return entry.second.skipsUnpublished;
        });
    }
}

prediction::StatePredictorParams PredictionWorker::trialParams(prediction::StateModelKind kind)
{
    prediction::StatePredictorParams params;
    params.kind = kind;
    return params;
}

namespace {

// A value forecast's error against the value the key took, in units of the key's typical change;
// nullopt when there is nothing to score (no forecast of its own, or a value that is no number).
std::optional<double> valueError(const std::optional<prediction::KeyForecast> &forecast,
                                 prediction::StateModelKind family,
                                 double actual)
{
    if (!forecast || !forecast->nextValue || forecast->madeBy != family)
        return std::nullopt;
    const double scale = forecast->typicalChange > 0 ? forecast->typicalChange : 1.0;
    return std::min(10.0, std::abs(*forecast->nextValue - actual) / scale); // one wild miss weighs 10 at most
}

} // namespace

void PredictionWorker::judgeTrial(const QString &app, Model &model, const state::StateDelta &delta)
{
    Trial &trial = *model.trial;
    const std::optional<double> actual = delta.op == state::DeltaOp::Put ? prediction::parseNumericValue(delta.value)
                                                                         : std::nullopt;
    if (actual) {
        const double value = *actual;
        const auto gru = valueError(model.predictor.forecast(delta.key), prediction::StateModelKind::Gru, value);
        const auto xgb = valueError(trial.xgboost.forecast(delta.key), prediction::StateModelKind::Xgboost, value);
        if (gru && xgb) {
            trial.gruError += *gru;
            trial.xgboostError += *xgb;
            ++trial.scored;
        }
    }
    if (trial.scored < kTrialScored) {
        model.table.selection = QStringLiteral("trial: %1 of %2 forecasts scored").arg(trial.scored).arg(kTrialScored);
        return;
    }
    const double gruMean = trial.gruError / trial.scored;
    const double xgbMean = trial.xgboostError / trial.scored;
    const bool keepXgboost = xgbMean < gruMean; // a tie keeps the GRU, cheaper to keep current
    model.table.selection = QStringLiteral("%1: held-out value error %2 against %3's %4 over %5 forecasts")
                                .arg(keepXgboost ? QStringLiteral("xgboost") : QStringLiteral("gru"))
                                .arg(keepXgboost ? xgbMean : gruMean, 0, 'f', 3)
                                .arg(keepXgboost ? QStringLiteral("gru") : QStringLiteral("xgboost"))
                                .arg(keepXgboost ? gruMean : xgbMean, 0, 'f', 3)
                                .arg(trial.scored);
    qCInfo(lcAgent) << app << ": state model picked," << model.table.selection;
    if (keepXgboost) {
        model.predictor = std::move(trial.xgboost);
        // The table's forecasts were the GRU's: the keys are forecast again as they change.
        model.table.keys.clear();
    }
    model.trial.reset();
}

void PredictionWorker::learn(const Queued &item)
{
    Model &model = m_models[item.app];
    if (item.generation < model.generation)
        return; // queued before forget(): history that no longer leads to the state
    if (item.generation > model.generation) {
        model.predictor = prediction::StatePredictor(trialParams(prediction::StateModelKind::Gru));
        model.trial = std::make_unique<Trial>();
        model.table = AppForecasts();
        model.generation = item.generation;
    }
    if (model.trial) {
        judgeTrial(item.app, model, item.delta);
        if (model.trial)
            (void) model.trial->xgboost.observe(item.delta); // its errors show in its own forecasts
    }
    if (auto ok = model.predictor.observe(item.delta); !ok) {
        qCDebug(lcAgent) << item.app << ": state model skipped a delta:" << ok.error().message;
        return;
    }
    model.table.observedSeq = item.delta.seq;
    ++model.table.observed;
    if (auto forecast = model.predictor.forecast(item.delta.key)) {
        model.table.model = prediction::stateModelKindName(forecast->madeBy);
        model.table.keys.insert(item.delta.key, *forecast);
    }
    model.changed = true;
}

void PredictionWorker::publish(const QString &app, Model &model, bool force)
{
    // Called with m_mutex held. A burst publishes every kPublishIntervalMs, and once at its end:
    // copying the table per delta would cost more than learning from it.
    Budget &budget = m_budgets[app];
    if (!model.changed && !budget.skipsUnpublished)
        return;
    const auto t = SteadyClock::now();
    if (!force && t - model.publishedAt < std::chrono::milliseconds(kPublishIntervalMs))
        return;
    if (m_generations[app] != model.generation) {
        // Forgotten meanwhile, nothing learnt since: the empty table forget() published stands,
        // with the skips counted after it.
        if (m_published[app]->observed == 0 && m_published[app]->skipped != budget.skipped) {
            auto table = std::make_shared<AppForecasts>(*m_published[app]);
            table->skipped = budget.skipped;
            m_published[app] = std::move(table);
        }
        budget.skipsUnpublished = false;
        return;
    }
    auto table = std::make_shared<AppForecasts>(model.table);
    table->skipped = budget.skipped;
    m_published[app] = std::move(table);
    model.changed = false;
    budget.skipsUnpublished = false;
    model.publishedAt = t;
}

} // namespace foresight::agent
