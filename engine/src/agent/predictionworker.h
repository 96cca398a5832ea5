#pragma once

// Private to the agent: the one thread that runs the Predictive State Engine (issue 4 part 3) for
// every application this agent holds. A GRU step costs about 90 us per delta; on the agent's
// thread it would delay every hot acknowledgement, so the agent only hands deltas over (a copy
// under a lock) and reads back immutable forecast tables.
//
// Family: each application's model starts as a trial of both learned families (xgboost and the
// GRU) on the same deltas. Every forecast is scored when the key's next change arrives, a
// held-out error by construction (the model never saw that change); once both families have
// kTrialScored scored value forecasts of their own (not a stand-in baseline's), the one with the
// lower mean error stays and the other is dropped. Until then the GRU's forecasts are published.
// Primary and replicas that learn from the same deltas pick the same family.
//
// Budget: each application's model learns from at most maxDeltasPerSecond deltas per second
// (real time); deltas beyond it are skipped and counted, so a write burst costs the model some
// accuracy, never the agent its latency. The queue holds at most kMaxQueued deltas for the same
// reason.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <QHash>
#include <QString>

#include "foresight/prediction/statepredictor.h"
#include "foresight/state/statedelta.h"

namespace foresight::agent {

// What one application's model says, as of one moment: immutable once published.
struct AppForecasts
{
    std::uint64_t observedSeq = 0; // the last delta the model learnt from
    qint64 observed = 0;           // deltas learnt from since the model (re)started
    qint64 skipped = 0;            // deltas over the budget or the queue's bound
    QString model;                 // "gru", or the baseline standing in until it has learnt
    QString selection;             // how the family was chosen, or how far the trial is
    QHash<QString, prediction::KeyForecast> keys;
};

class PredictionWorker final
{
public:
    explicit PredictionWorker(int maxDeltasPerSecond);
    ~PredictionWorker(); // drops what is queued and stops
    PredictionWorker(const PredictionWorker &) = delete;
    PredictionWorker &operator=(const PredictionWorker &) = delete;

    // The agent's thread: the next delta of app, in sequence order.
    void observe(const QString &app, const state::StateDelta &delta);
    // The agent's thread: app's history restarts (a snapshot replaced its state, or it is gone);
    // its model starts over with the next delta.
    void forget(const QString &app);
    // Any thread: the latest published table (an empty one before the first).
    std::shared_ptr<const AppForecasts> forecasts(const QString &app) const;

    static constexpr std::size_t kMaxQueued = 8192;
    static constexpr int kTrialScored = 200;
    static constexpr int kPublishIntervalMs = 100;

private:
    struct Queued
    {
        QString app;
        state::StateDelta delta;
        std::uint64_t generation = 0;
    };
    struct Trial
    {
        prediction::StatePredictor xgboost{trialParams(prediction::StateModelKind::Xgboost)};
        double gruError = 0, xgboostError = 0; // sums of scored value errors, in typical changes
        int scored = 0;                        // forecasts both families made themselves
    };
    struct Model
    {
        std::uint64_t generation = 0;
        prediction::StatePredictor predictor{trialParams(prediction::StateModelKind::Gru)};
        std::unique_ptr<Trial> trial = std::make_unique<Trial>(); // null once a family is picked
        AppForecasts table;
        bool changed = false;
        std::chrono::steady_clock::time_point publishedAt;
    };
    struct Budget
    {
        std::chrono::steady_clock::time_point windowStart;
        int used = 0;
        qint64 skipped = 0;
        bool skipsUnpublished = false; // skipped since the last publish(): the table must say so
    };

    static prediction::StatePredictorParams trialParams(prediction::StateModelKind kind);
    void run();
    void learn(const Queued &item);
    // Scores both families' standing forecasts of the delta's key against it, then picks one
    // once the trial has scored enough.
    void judgeTrial(const QString &app, Model &model, const state::StateDelta &delta);
    void publish(const QString &app, Model &model, bool force);

    const int m_maxDeltasPerSecond;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;                                                // guarded by m_mutex
    std::deque<Queued> m_queue;                                         // guarded by m_mutex
    std::map<QString, std::shared_ptr<const AppForecasts>> m_published; // guarded by m_mutex
    std::map<QString, Budget> m_budgets;                                // guarded by m_mutex
    bool m_skipsUnpublished = false;                // any budget's skipsUnpublished; guarded by m_mutex
    std::map<QString, std::uint64_t> m_generations; // guarded by m_mutex
    std::map<QString, Model> m_models;              // worker thread only
};

} // namespace foresight::agent
