#include "failover/riskworker.h"

#include <algorithm>
#include <chrono>

#include <QDateTime>

#include "foresight/core/logging.h"
#include "foresight/prediction/modelstore.h"

namespace foresight::failover {

using prediction::HostRiskMonitor;
using prediction::ModelStore;

namespace {
// Without a model, the data may allow a first one as soon as an incident has been seen; checking
// this often costs a count of incidents, nothing more.
constexpr qint64 kFirstModelCheckMs = 2000;
// The risk table is republished at most this often: the engine snapshots every 100 ms.
constexpr qint64 kPublishIntervalMs = 100;
constexpr auto kIdleWait = std::chrono::milliseconds(200);

QString stamp(qint64 wallMs)
{
    return QDateTime::fromMSecsSinceEpoch(wallMs).toUTC().toString(Qt::ISODate);
}
} // namespace

std::unique_ptr<RiskWorker> RiskWorker::start(const config::PredictionSettings &settings,
                                              const QString &modelStorePath,
                                              const Clock &clock)
{
    std::unique_ptr<RiskWorker> worker(new RiskWorker(settings, clock));
    worker->m_thread = std::thread([raw = worker.get(), modelStorePath] { raw->run(modelStorePath); });
    return worker;
}

RiskWorker::RiskWorker(const config::PredictionSettings &settings, const Clock &clock)
    : m_settings(settings)
    , m_clock(clock)
{
    auto table = std::make_shared<RiskTable>();
    table->view.enabled = settings.enabled;
    table->view.horizonMs = settings.horizonMs;
    table->view.alertRisk = settings.alertRisk;
    table->view.modelKind = settings.modelKind();
    table->view.state = QStringLiteral("starting");
    m_latest = std::move(table);
}

RiskWorker::~RiskWorker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void RiskWorker::observe(const QString &host, qint64 wallMs, const QCborMap &metrics)
{
    {
        std::lock_guard lock(m_mutex);
        m_inputs.push_back(Sample{host, wallMs, metrics});
    }
    m_wake.notify_one();
}

void RiskWorker::incident(const QString &host, qint64 wallMs)
{
    {
        std::lock_guard lock(m_mutex);
        m_inputs.push_back(Incident{host, wallMs});
    }
    m_wake.notify_one();
}

std::shared_ptr<const RiskTable> RiskWorker::latest() const
{
    std::lock_guard lock(m_mutex);
    return m_latest;
}

QList<RiskWorker::Event> RiskWorker::takeEvents()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_events, {});
}

void RiskWorker::emitEvent(const QString &message, const QJsonObject &details, bool warning)
{
    if (warning)
        qCWarning(lcFailover).noquote() << "prediction:" << message;
    else
        qCInfo(lcFailover).noquote() << "prediction:" << message;
    std::lock_guard lock(m_mutex);
    m_events.append(Event{message, details, warning});
}

void RiskWorker::run(QString modelStorePath)
{
    m_view.enabled = m_settings.enabled;
    m_view.modelKind = m_settings.modelKind();
    m_view.horizonMs = m_settings.horizonMs;
    m_view.alertRisk = m_settings.alertRisk;
    auto monitor = HostRiskMonitor::create(m_settings);
    if (!monitor) {
        // The configuration was validated before the engine started; this is a bug, said plainly.
        m_view.enabled = false;
        m_view.lastError = monitor.error().message;
        m_view.state = QStringLiteral("prediction is off: ") + monitor.error().message;
        emitEvent(m_view.state, {}, true);
        publish(m_clock.wallMs());
        return;
    }
    m_monitor = std::move(*monitor);
    if (!m_settings.enabled) {
        m_view.state = QStringLiteral("prediction is off (prediction.enabled is false)");
        publish(m_clock.wallMs());
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [&] { return m_stop; });
        return;
    }
    if (!modelStorePath.isEmpty()) {
        auto store = ModelStore::open(modelStorePath);
        if (store)
            m_store = std::move(*store);
        else
            emitEvent(QStringLiteral("model store unusable, models will not outlive this console: %1")
                          .arg(store.error().message),
                      {{QStringLiteral("path"), modelStorePath}},
                      true);
    }
    loadStoredModel();
    m_nextTrainMs = m_clock.wallMs() + (m_view.modelVersion > 0 ? m_settings.retrainIntervalMs : kFirstModelCheckMs);
    publish(m_clock.wallMs());

    for (;;) {
        std::deque<Input> inputs;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, kIdleWait, [&] { return m_stop || !m_inputs.empty(); });
            if (m_stop)
                break;
            inputs.swap(m_inputs);
        }
        for (const Input &input : inputs) {
            if (const auto *sample = std::get_if<Sample>(&input)) {
                if (auto metrics = metrics::HostMetrics::fromCbor(sample->metrics))
                    m_monitor->observe(sample->host, sample->wallMs, *metrics);
            } else {
                const auto &failure = std::get<Incident>(input);
                m_monitor->markIncident(failure.host, failure.wallMs);
                if (m_view.modelVersion == 0)
                    m_nextTrainMs = std::min(m_nextTrainMs, failure.wallMs + kFirstModelCheckMs);
            }
        }
        if (m_training && m_training->wait_for(std::chrono::seconds(0)) == std::future_status::ready)
            finishTraining();
        const qint64 now = m_clock.wallMs();
        if (!m_training && now >= m_nextTrainMs)
            maybeTrain(now);
        if (now - m_lastPublishMs >= kPublishIntervalMs)
            publish(now);
    }
    if (m_training)
        m_training->wait(); // xgboost cannot be interrupted; the training set is bounded
    m_store.reset();        // its QtSql connection belongs to this thread
}

void RiskWorker::loadStoredModel()
{
    if (!m_store) {
        m_view.state = QStringLiteral("no model yet: no failure seen; anomaly scores only");
        return;
    }
    auto loaded = m_store->latestUsable(m_settings.modelKind());
    if (!loaded) {
        const bool none = loaded.error().code == ErrorCode::NotFound
                          && loaded.error().message.contains(QStringLiteral("has no model of kind"));
        if (!none) {
            m_view.lastError = loaded.error().message;
            emitEvent(QStringLiteral("no stored model could be loaded: %1").arg(loaded.error().message), {}, true);
        }
        m_view.state = QStringLiteral("no model yet: no failure seen; anomaly scores only");
        return;
    }
    for (const QString &why : loaded->skipped) {
        m_view.lastError = why;
        emitEvent(QStringLiteral("stored model passed over: %1").arg(why), {}, true);
    }
    if (loaded->stored.featureNames != m_monitor->featureNames()) {
        m_view.lastError = QStringLiteral("stored model %1 was trained on other features (%2 columns, this console "
                                          "computes %3); it is not used")
                               .arg(loaded->stored.version)
                               .arg(loaded->stored.featureNames.size())
                               .arg(m_monitor->featureNames().size());
        emitEvent(m_view.lastError, {}, true);
        m_view.state = QStringLiteral("no model yet: no failure seen; anomaly scores only");
        return;
    }
    auto predictor = std::make_shared<prediction::FailurePredictor>(std::move(loaded->predictor));
    if (Status installed = m_monitor->install(predictor, loaded->stored.version); !installed) {
        m_view.lastError = installed.error().message;
        emitEvent(m_view.lastError, {}, true);
        return;
    }
    m_view.modelVersion = loaded->stored.version;
    m_view.trainedWallMs = loaded->stored.createdMs;
    m_view.trainStartMs = loaded->stored.trainStartMs;
    m_view.trainEndMs = loaded->stored.trainEndMs;
    m_view.evaluation = loaded->stored.evaluation;
    m_view.state = QStringLiteral("model %1 loaded from the model store (trained %2)")
                       .arg(loaded->stored.version)
                       .arg(stamp(loaded->stored.createdMs));
    emitEvent(m_view.state,
              {{QStringLiteral("version"), loaded->stored.version}, {QStringLiteral("evaluation"), m_view.evaluation}});
}

void RiskWorker::maybeTrain(qint64 nowMs)
{
    auto set = m_monitor->trainingSet(nowMs);
    if (!set) {
        if (m_view.modelVersion == 0)
            m_view.state = QStringLiteral("no model yet: %1; anomaly scores only").arg(set.error().message);
        m_nextTrainMs = nowMs + (m_view.modelVersion > 0 ? m_settings.retrainIntervalMs : kFirstModelCheckMs);
        return;
    }
    m_trainingSet = std::move(*set);
    if (m_view.modelVersion == 0)
        m_view.state = QStringLiteral("training a first model on %1 rows").arg(m_trainingSet.features.rows);
    // The copy goes to the training thread; this thread keeps scoring with the current model.
    m_training = std::async(std::launch::async, [set = m_trainingSet, settings = m_settings] {
        return prediction::trainRiskModel(set, settings);
    });
}

void RiskWorker::finishTraining()
{
    auto trained = m_training->get();
    m_training.reset();
    const qint64 now = m_clock.wallMs();
    m_nextTrainMs = now + m_settings.retrainIntervalMs;
    ++m_view.trainings;
    if (!trained) {
        m_view.lastError = QStringLiteral("training failed: %1").arg(trained.error().message);
        if (m_view.modelVersion == 0)
            m_view.state = QStringLiteral("no model yet: %1").arg(m_view.lastError);
        emitEvent(m_view.lastError
                      + (m_view.modelVersion > 0 ? QStringLiteral("; model %1 stays in use").arg(m_view.modelVersion)
                                                 : QString()),
                  {},
                  true);
        return;
    }
    qint64 version = m_view.modelVersion + 1;
    if (m_store) {
        auto bytes = trained->predictor->serialize();
        prediction::StoredModel stored;
        stored.kind = m_settings.modelKind();
        stored.featureNames = m_monitor->featureNames();
        stored.trainStartMs = m_trainingSet.windowStartMs;
        stored.trainEndMs = m_trainingSet.windowEndMs;
        stored.evaluation = trained->evaluation;
        stored.createdMs = now;
        if (bytes) {
            stored.bytes = *bytes;
            if (auto saved = m_store->save(stored))
                version = *saved;
            else
                emitEvent(QStringLiteral("model could not be stored, it is used but will not outlive this console: %1")
                              .arg(saved.error().message),
                          {},
                          true);
        }
    }
    if (Status installed = m_monitor->install(trained->predictor, version); !installed) {
        m_view.lastError = installed.error().message;
        emitEvent(m_view.lastError, {}, true);
        return;
    }
    m_view.modelVersion = version;
    m_view.trainedWallMs = now;
    m_view.trainStartMs = m_trainingSet.windowStartMs;
    m_view.trainEndMs = m_trainingSet.windowEndMs;
    m_view.evaluation = trained->evaluation;
    m_view.lastError.clear();
    m_view.state = QStringLiteral("model %1 trained %2 on %3 rows (%4 before a failure) in %5 ms")
                       .arg(version)
                       .arg(stamp(now))
                       .arg(m_trainingSet.features.rows)
                       .arg(trained->evaluation.value(QStringLiteral("positives")).toInteger())
                       .arg(trained->trainMs);
    emitEvent(m_view.state, {{QStringLiteral("version"), version}, {QStringLiteral("evaluation"), trained->evaluation}});
    m_trainingSet = {};
}

void RiskWorker::publish(qint64 nowMs)
{
    m_lastPublishMs = nowMs;
    auto table = std::make_shared<RiskTable>();
    table->view = m_view;
    if (m_monitor) {
        table->hosts = m_monitor->risks();
        table->view.incidentsInWindow = m_monitor->incidentsInWindow(nowMs);
    }
    table->view.hostsSampled = int(table->hosts.size());
    std::lock_guard lock(m_mutex);
    m_latest = std::move(table);
}

} // namespace foresight::failover
