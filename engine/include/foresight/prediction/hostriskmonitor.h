#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include "foresight/config/clusterconfig.h"
#include "foresight/core/result.h"
#include "foresight/metrics/hostmetrics.h"
#include "foresight/prediction/failurefeatures.h"
#include "foresight/prediction/failurepredictor.h"
#include "foresight/prediction/healthbaseline.h"

namespace foresight::prediction {

using RiskSettings = config::PredictionSettings;

// The metrics the models read, in order, from a HostMetrics sample (kebab-case protocol names).
QStringList riskMetricNames();
std::vector<double> riskMetricVector(const metrics::HostMetrics &metrics);

// What is known about one host's risk right now.
struct HostRisk
{
    double risk = -1;    // P(failure within the horizon) from the model; -1 without a model
    double anomaly = -1; // the health baseline's anomaly score, max over metrics; -1 before any sample
    QString worstMetric; // the metric with the highest anomaly score
    qint64 sampledWallMs = 0;
    qint64 modelVersion = 0; // the model that gave `risk`; 0 without one

    // The figure the candidate ranking uses: the model's risk, else the anomaly score.
    double rankingRisk() const { return risk >= 0 ? risk : qMax(0.0, anomaly); }
};

// Rows and labels handed to a training run, copied so training can run on another thread.
struct RiskTrainingSet
{
    FeatureMatrix features;
    std::vector<float> labels;
    std::vector<qint64> wallMs; // per row: when it was sampled (rows are in time order)
    int incidents = 0;
    qint64 windowStartMs = 0;
    qint64 windowEndMs = 0;
};

// A model that came out of training, with its held-out figures.
struct TrainedRiskModel
{
    std::shared_ptr<FailurePredictor> predictor;
    QJsonObject evaluation;
    qint64 trainMs = 0; // how long training took
};

// Trains a model on the older 75% of the rows (by time) and evaluates it on the newest 25%: the
// evaluation never sees the future of what the model learned from. When the held-out rows hold
// no failure the model is trained on all rows and the evaluation says it could not be measured.
// Runs on any thread; touches nothing shared.
Result<TrainedRiskModel> trainRiskModel(const RiskTrainingSet &set, const RiskSettings &settings);

// Per host, turns metric samples into features, anomaly scores and (given a model) failure risk,
// and keeps labelled rows for retraining: a row sampled within horizonMs before an incident on its
// host is a positive; a row is a negative once horizonMs have passed after it with no incident.
// A row younger than that has no label yet and is not trained on (no look-ahead).
//
// Time is what the caller passes (the engine's wall clock), so tests drive it. Not thread-safe:
// owned by one thread (the engine's prediction thread). Costs per sample: the feature window and
// one HealthBaseline update per metric, and one tree-ensemble prediction.
class HostRiskMonitor final
{
public:
    static Result<std::unique_ptr<HostRiskMonitor>> create(const RiskSettings &settings);

    const RiskSettings &settings() const { return m_settings; }
    const QStringList &featureNames() const { return m_featureNames; }

    // A heartbeat's metrics. Samples closer than sampleIntervalMs to the host's previous one are
    // ignored (returns false); so are samples going back in time.
    bool observe(const QString &host, qint64 wallMs, const metrics::HostMetrics &metrics);
    // The host failed (was suspected, or restarted) at wallMs.
    void markIncident(const QString &host, qint64 wallMs);

    std::optional<HostRisk> risk(const QString &host) const;
    const std::map<QString, HostRisk> &risks() const { return m_risks; }

    // The labelled rows as of nowMs, when there are enough incidents and both classes; otherwise
    // why not (FailedPrecondition, e.g. "1 incident in the training window, 2 needed").
    Result<RiskTrainingSet> trainingSet(qint64 nowMs);
    int incidentsInWindow(qint64 nowMs) const;

    // Uses this model from now on (InvalidArgument when its columns differ from featureNames()).
    // Every host's risk is recomputed from its latest features.
    Status install(std::shared_ptr<const FailurePredictor> model, qint64 version);
    qint64 modelVersion() const { return m_modelVersion; }

private:
    struct Row
    {
        qint64 wallMs = 0;
        std::vector<float> features;
    };
    struct Host
    {
        std::optional<FailureFeatureExtractor> extractor;
        std::vector<HealthBaseline> baselines;
        std::vector<float> latest; // the latest feature row
        qint64 lastSampleMs = 0;
        long long samples = 0;
        std::deque<Row> pending;   // unlabelled, oldest first
        std::deque<Row> negatives; // oldest first
    };

    explicit HostRiskMonitor(const RiskSettings &settings, QStringList featureNames);
    void label(Host &host, qint64 nowMs);
    void forget(qint64 nowMs);
    void score(const QString &name, Host &host);

    RiskSettings m_settings;
    FailureFeatureSettings m_featureSettings;
    QStringList m_featureNames;
    std::map<QString, Host> m_hosts;
    std::map<QString, HostRisk> m_risks;
    std::deque<Row> m_positives;        // oldest first, all hosts
    std::deque<qint64> m_incidentTimes; // oldest first
    std::shared_ptr<const FailurePredictor> m_model;
    qint64 m_modelVersion = 0;
};

} // namespace foresight::prediction
