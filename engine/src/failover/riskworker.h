#pragma once

// Private: the engine's prediction thread. The engine thread runs a 5 ms tick and must never wait
// for a model, so host metrics go to this thread, which keeps the per-host features, anomaly
// baselines and failure risk (HostRiskMonitor), retrains the model in the background on a thread
// of its own, keeps models in the model store (SQLite, opened here and used only here), and
// publishes an immutable table of risks that the engine reads when it ranks candidates and
// builds snapshots.

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>

#include <QCborMap>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "foresight/config/clusterconfig.h"
#include "foresight/core/clock.h"
#include "foresight/failover/clustersnapshot.h"
#include "foresight/prediction/hostriskmonitor.h"
#include "foresight/prediction/modelstore.h"

namespace foresight::failover {

// What the engine reads: every host's risk and where the model stands. Immutable once published.
struct RiskTable
{
    std::map<QString, prediction::HostRisk> hosts;
    PredictionView view;
};

class RiskWorker final
{
public:
    // Something the engine should journal (model loaded, trained, refused, store unusable).
    struct Event
    {
        QString message;
        QJsonObject details;
        bool warning = false;
    };

    // modelStorePath empty: models are not kept across restarts.
    static std::unique_ptr<RiskWorker> start(const config::PredictionSettings &settings,
                                             const QString &modelStorePath,
                                             const Clock &clock);
    ~RiskWorker(); // waits for a training run in progress, then stops

    // From the engine thread; never blocks on the models.
    void observe(const QString &host, qint64 wallMs, const QCborMap &metrics);
    void incident(const QString &host, qint64 wallMs);
    std::shared_ptr<const RiskTable> latest() const;
    QList<Event> takeEvents();

private:
    struct Sample
    {
        QString host;
        qint64 wallMs = 0;
        QCborMap metrics;
    };
    struct Incident
    {
        QString host;
        qint64 wallMs = 0;
    };
    using Input = std::variant<Sample, Incident>;

    RiskWorker(const config::PredictionSettings &settings, const Clock &clock);
    void run(QString modelStorePath);
    void loadStoredModel();
    void maybeTrain(qint64 nowMs);
    void finishTraining();
    void publish(qint64 nowMs);
    void emitEvent(const QString &message, const QJsonObject &details = {}, bool warning = false);

    const config::PredictionSettings m_settings;
    const Clock &m_clock;

    // The worker thread's own state.
    std::unique_ptr<prediction::HostRiskMonitor> m_monitor;
    std::unique_ptr<prediction::ModelStore> m_store;
    std::optional<std::future<Result<prediction::TrainedRiskModel>>> m_training;
    prediction::RiskTrainingSet m_trainingSet; // the rows the running training uses (their span)
    PredictionView m_view;
    qint64 m_nextTrainMs = 0;
    qint64 m_lastPublishMs = 0;

    mutable std::mutex m_mutex; // guards the members below
    std::condition_variable m_wake;
    std::deque<Input> m_inputs;
    QList<Event> m_events;
    std::shared_ptr<const RiskTable> m_latest;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace foresight::failover
