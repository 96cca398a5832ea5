#include "foresight/prediction/hostriskmonitor.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace foresight::prediction {

namespace {

// At most this many healthy rows go into one training run (about 17 MB of features, seconds of
// single-threaded xgboost), whatever the cluster's size.
constexpr std::size_t kMaxTrainingRows = 100'000;

// Indices into riskMetricVector() of the metrics that count errors.
const std::vector<int> kErrorMetrics = {6, 7};

// A lighter baseline than the NAB defaults: it runs for every metric of every host once per
// sample interval, and a host's normal is learned in minutes, not days.
HealthBaselineSettings liveBaselineSettings()
{
    HealthBaselineSettings settings;
    settings.baselineWindow = 300;
    settings.patternLength = 16;
    settings.patternHistory = 300;
    settings.coarseStep = 4;
    settings.coarseHistory = 600;
    settings.referenceHistory = 1200;
    settings.referenceQuantile = 0.999; // of 1200: the second largest, as before the NAB default moved
    settings.rangeHistory = 1200;       // bounds the range's queues (a monotone metric fills them)
    settings.rangeWarmup = 300;
    settings.warmup = 30;
    settings.suppression = 30;
    return settings;
}

struct Counts
{
    qint64 tp = 0, fp = 0, fn = 0, tn = 0;
    double precision() const { return tp + fp > 0 ? double(tp) / double(tp + fp) : 0.0; }
    double recall() const { return tp + fn > 0 ? double(tp) / double(tp + fn) : 0.0; }
    double f1() const
    {
        const double p = precision(), r = recall();
        return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
    }
};

FeatureMatrix slice(const FeatureMatrix &all, std::size_t from, std::size_t to)
{
    FeatureMatrix part;
    part.names = all.names;
    part.rows = to - from;
    part.values.assign(all.values.begin() + std::ptrdiff_t(from * all.columns()),
                       all.values.begin() + std::ptrdiff_t(to * all.columns()));
    return part;
}

} // namespace

QStringList riskMetricNames()
{
    return {QStringLiteral("cpu-busy"),
            QStringLiteral("cpu-iowait"),
            QStringLiteral("mem-used-fraction"),
            QStringLiteral("swap-used-fraction"),
            QStringLiteral("load-1"),
            QStringLiteral("disk-io-busy-fraction"),
            QStringLiteral("net-errors-per-sec"),
            QStringLiteral("net-drops-per-sec"),
            QStringLiteral("procs-blocked")};
}

std::vector<double> riskMetricVector(const metrics::HostMetrics &m)
{
    return {m.cpuBusy,
            m.cpuIowait,
            m.memUsedFraction,
            m.swapUsedFraction,
            m.load1,
            m.diskIoBusyFraction,
            m.netRxErrorsPerSec + m.netTxErrorsPerSec,
            m.netDropsPerSec,
            double(m.procsBlocked)};
}

Result<TrainedRiskModel> trainRiskModel(const RiskTrainingSet &set, const RiskSettings &settings)
{
    const auto started = std::chrono::steady_clock::now();
    FailurePredictorParams params;
    params.rounds = settings.rounds;
    params.maxDepth = settings.maxDepth;
    params.threads = 1; // the console's other threads need the second core

    const std::size_t rows = set.features.rows;
    const std::size_t cut = rows * 3 / 4;
    const auto positivesIn = [&](std::size_t from, std::size_t to) {
        return std::count_if(set.labels.begin() + std::ptrdiff_t(from),
                             set.labels.begin() + std::ptrdiff_t(to),
                             [](float label) { return label > 0.5f; });
    };
    const bool canHoldOut = cut > 0 && positivesIn(cut, rows) > 0 && positivesIn(0, cut) > 0
                            && positivesIn(0, cut) < std::ptrdiff_t(cut);

    TrainedRiskModel trained;
    trained.predictor = std::make_shared<FailurePredictor>();
    QJsonObject evaluation{{QStringLiteral("rows"), qint64(rows)},
                           {QStringLiteral("positives"), qint64(positivesIn(0, rows))},
                           {QStringLiteral("incidents"), set.incidents},
                           {QStringLiteral("alert-risk"), settings.alertRisk}};
    if (!canHoldOut) {
        if (Status status = trained.predictor->train(set.features, set.labels, params); !status)
            return std::unexpected(status.error());
        evaluation.insert(QStringLiteral("held-out"),
                          QStringLiteral("not measured: the newest quarter of the rows holds no failure "
                                         "(or the older part only one class); trained on all rows"));
    } else {
        const FeatureMatrix train = slice(set.features, 0, cut);
        const FeatureMatrix test = slice(set.features, cut, rows);
        const std::span<const float> trainLabels(set.labels.data(), cut);
        if (Status status = trained.predictor->train(train, trainLabels, params); !status)
            return std::unexpected(status.error());
        auto scores = trained.predictor->predict(test);
        if (!scores)
            return std::unexpected(scores.error());
        Counts counts;
        for (std::size_t i = 0; i < scores->size(); ++i) {
            const bool flagged = (*scores)[i] >= settings.alertRisk;
            const bool positive = set.labels[cut + i] > 0.5f;
            counts.tp += flagged && positive;
            counts.fp += flagged && !positive;
            counts.fn += !flagged && positive;
            counts.tn += !flagged && !positive;
        }
        evaluation.insert(QStringLiteral("held-out-rows"), qint64(rows - cut));
        evaluation.insert(QStringLiteral("precision"), counts.precision());
        evaluation.insert(QStringLiteral("recall"), counts.recall());
        evaluation.insert(QStringLiteral("f1"), counts.f1());
        evaluation.insert(QStringLiteral("true-positives"), counts.tp);
        evaluation.insert(QStringLiteral("false-positives"), counts.fp);
        evaluation.insert(QStringLiteral("false-negatives"), counts.fn);
    }
    trained.trainMs
        = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    evaluation.insert(QStringLiteral("train-ms"), trained.trainMs);
    trained.evaluation = evaluation;
    return trained;
}

Result<std::unique_ptr<HostRiskMonitor>> HostRiskMonitor::create(const RiskSettings &settings)
{
    if (Status status = settings.validate(); !status)
        return std::unexpected(status.error());
    FailureFeatureSettings features;
    features.shortWindow = settings.shortWindow;
    features.longWindow = settings.longWindow;
    features.errorMetrics = kErrorMetrics;
    features.metricNames = riskMetricNames();
    const int metricCount = int(riskMetricNames().size());
    auto probe = FailureFeatureExtractor::create(metricCount, features);
    if (!probe)
        return std::unexpected(probe.error());
    QStringList names = probe->featureNames();
    names.append(QStringLiteral("anomaly"));
    std::unique_ptr<HostRiskMonitor> monitor(new HostRiskMonitor(settings, names));
    monitor->m_featureSettings = features;
    return monitor;
}

HostRiskMonitor::HostRiskMonitor(const RiskSettings &settings, QStringList featureNames)
    : m_settings(settings)
    , m_featureNames(std::move(featureNames))
{}

bool HostRiskMonitor::observe(const QString &name, qint64 wallMs, const metrics::HostMetrics &metrics)
{
    Host &host = m_hosts[name];
    if (host.samples > 0 && wallMs - host.lastSampleMs < m_settings.sampleIntervalMs)
        return false;
    if (host.baselines.empty())
        host.baselines.assign(riskMetricNames().size(), HealthBaseline(liveBaselineSettings()));
    if (!host.extractor) {
        auto extractor = FailureFeatureExtractor::create(int(riskMetricNames().size()), m_featureSettings);
        if (!extractor)
            return false; // create() validated these settings already
        host.extractor = std::move(*extractor);
    }
    const std::vector<double> sample = riskMetricVector(metrics);
    host.latest.clear();
    if (!host.extractor->push(sample, host.latest))
        return false;

    HostRisk &risk = m_risks[name];
    std::size_t worst = 0;
    double worstScore = -1;
    for (std::size_t i = 0; i < sample.size(); ++i) {
        const double score = host.baselines[i].update(sample[i]);
        if (score > worstScore) {
            worstScore = score;
            worst = i;
        }
    }
    risk.anomaly = worstScore;
    risk.worstMetric = riskMetricNames().at(qsizetype(worst));
    host.latest.push_back(float(risk.anomaly));
    risk.sampledWallMs = wallMs;
    host.lastSampleMs = wallMs;
    if (host.samples++ % m_settings.trainingStride == 0)
        host.pending.push_back(Row{wallMs, host.latest});
    score(name, host);
    label(host, wallMs);
    return true;
}

void HostRiskMonitor::score(const QString &name, Host &host)
{
    HostRisk &risk = m_risks[name];
    risk.modelVersion = 0;
    risk.risk = -1;
    if (!m_model || host.latest.size() != std::size_t(m_featureNames.size()))
        return;
    if (auto p = m_model->predictRow(host.latest)) {
        risk.risk = *p;
        risk.modelVersion = m_modelVersion;
    }
}

void HostRiskMonitor::label(Host &host, qint64 nowMs)
{
    // A row is a negative once a whole horizon has passed after it without an incident.
    while (!host.pending.empty() && nowMs - host.pending.front().wallMs >= m_settings.horizonMs) {
        host.negatives.push_back(std::move(host.pending.front()));
        host.pending.pop_front();
    }
    while (host.negatives.size() > std::size_t(m_settings.maxRowsPerHost))
        host.negatives.pop_front();
}

void HostRiskMonitor::markIncident(const QString &name, qint64 wallMs)
{
    m_incidentTimes.push_back(wallMs);
    auto it = m_hosts.find(name);
    if (it == m_hosts.end())
        return;
    Host &host = it->second;
    const qint64 from = wallMs - m_settings.horizonMs;
    // The incident may be noticed after some of its horizon's rows were already taken as negatives.
    std::vector<Row> moved;
    while (!host.negatives.empty() && host.negatives.back().wallMs >= from) {
        moved.push_back(std::move(host.negatives.back()));
        host.negatives.pop_back();
    }
    std::reverse(moved.begin(), moved.end());
    for (Row &row : host.pending) {
        if (row.wallMs >= from && row.wallMs <= wallMs)
            moved.push_back(std::move(row));
    }
    host.pending.clear(); // rows after the incident's start describe a host already failing
    for (Row &row : moved)
        m_positives.push_back(std::move(row));
    std::sort(m_positives.begin(), m_positives.end(), [](const Row &a, const Row &b) { return a.wallMs < b.wallMs; });
    // The failed host comes back as a new process with new behaviour: its windows start afresh.
    host.extractor.reset();
    host.samples = 0;
}

void HostRiskMonitor::forget(qint64 nowMs)
{
    const qint64 oldest = nowMs - m_settings.trainingWindowMs;
    while (!m_positives.empty() && m_positives.front().wallMs < oldest)
        m_positives.pop_front();
    while (!m_incidentTimes.empty() && m_incidentTimes.front() < oldest)
        m_incidentTimes.pop_front();
    for (auto &[name, host] : m_hosts) {
        while (!host.negatives.empty() && host.negatives.front().wallMs < oldest)
            host.negatives.pop_front();
    }
}

std::optional<HostRisk> HostRiskMonitor::risk(const QString &host) const
{
    const auto it = m_risks.find(host);
    if (it == m_risks.end())
        return std::nullopt;
    return it->second;
}

int HostRiskMonitor::incidentsInWindow(qint64 nowMs) const
{
    const qint64 oldest = nowMs - m_settings.trainingWindowMs;
    return int(std::count_if(m_incidentTimes.begin(), m_incidentTimes.end(), [&](qint64 t) { return t >= oldest; }));
}

Result<RiskTrainingSet> HostRiskMonitor::trainingSet(qint64 nowMs)
{
    for (auto &[name, host] : m_hosts)
        label(host, nowMs);
    forget(nowMs);
    const int incidents = incidentsInWindow(nowMs);
    if (incidents < m_settings.minIncidents)
        return fail(ErrorCode::NotFound,
                    QStringLiteral("%1 incident(s) in the training window, %2 needed before a first model")
                        .arg(incidents)
                        .arg(m_settings.minIncidents));
    if (m_positives.empty())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no metric samples from the horizon before any incident in the training window"));

    std::vector<const Row *> rows;
    for (const Row &row : m_positives)
        rows.push_back(&row);
    const std::size_t positives = rows.size();
    std::size_t negatives = 0;
    for (const auto &[name, host] : m_hosts)
        negatives += host.negatives.size();
    // A bounded training run: healthy rows are thinned evenly when there are too many; every row
    // from before a failure is kept, they are the rare ones.
    const std::size_t keepEvery = negatives > kMaxTrainingRows ? (negatives + kMaxTrainingRows - 1) / kMaxTrainingRows
                                                               : 1;
    for (const auto &[name, host] : m_hosts)
        for (std::size_t i = 0; i < host.negatives.size(); i += keepEvery)
            rows.push_back(&host.negatives[i]);
    if (rows.size() == positives)
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no healthy samples yet (a sample counts once %1 ms have passed after it)")
                        .arg(m_settings.horizonMs));
    std::vector<std::size_t> order(rows.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return rows[a]->wallMs < rows[b]->wallMs;
    });

    RiskTrainingSet set;
    set.features.names = m_featureNames;
    set.features.rows = rows.size();
    set.features.values.reserve(rows.size() * std::size_t(m_featureNames.size()));
    for (std::size_t i : order) {
        set.features.values.insert(set.features.values.end(), rows[i]->features.begin(), rows[i]->features.end());
        set.labels.push_back(i < positives ? 1.0f : 0.0f);
        set.wallMs.push_back(rows[i]->wallMs);
    }
    set.incidents = incidents;
    set.windowStartMs = set.wallMs.front();
    set.windowEndMs = set.wallMs.back();
    return set;
}

Status HostRiskMonitor::install(std::shared_ptr<const FailurePredictor> model, qint64 version)
{
    if (!model || !model->isTrained())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("model %1 is not trained").arg(version));
    if (model->featureCount() != m_featureNames.size())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("model %1 expects %2 features, the monitor computes %3")
                        .arg(version)
                        .arg(model->featureCount())
                        .arg(m_featureNames.size()));
    m_model = std::move(model);
    m_modelVersion = version;
    for (auto &[name, host] : m_hosts)
        score(name, host);
    return {};
}

} // namespace foresight::prediction
