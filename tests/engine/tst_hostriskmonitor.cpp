// Host failure risk from heartbeats' metrics: labels come only from the past (a row is a positive
// when a failure followed within the horizon, a negative once the horizon has passed without
// one), a model trained on them tells a degrading host from healthy ones, and a model that does
// not fit is refused. Time is driven by the test.

#include <cmath>

#include <QRandomGenerator>
#include <QTest>

#include "foresight/prediction/hostriskmonitor.h"

using namespace foresight;
using namespace foresight::prediction;

namespace {

constexpr qint64 kStartMs = 1'700'000'000'000;

config::PredictionSettings testSettings()
{
    config::PredictionSettings settings;
    settings.sampleIntervalMs = 1000;
    settings.horizonMs = 30'000;
    settings.shortWindow = 6;
    settings.longWindow = 30;
    settings.trainingStride = 1;
    settings.rounds = 30;
    settings.maxDepth = 3;
    return settings;
}

// A host's metrics: steady with noise, or with memory climbing towards exhaustion (leak of
// 0..1 tells how far along it is).
metrics::HostMetrics sampleMetrics(QRandomGenerator &random, double leak = 0)
{
    metrics::HostMetrics m;
    m.cpuBusy = 0.3 + random.bounded(0.05);
    m.memUsedFraction = std::min(0.99, 0.4 + 0.55 * leak + random.bounded(0.02));
    m.swapUsedFraction = leak > 0.6 ? (leak - 0.6) : 0.0;
    m.load1 = 1.0 + random.bounded(0.2) + 2 * leak;
    m.diskIoBusyFraction = 0.1 + random.bounded(0.02);
    m.procsBlocked = leak > 0.8 ? 2 : 0;
    return m;
}

} // namespace

class TestHostRiskMonitor : public QObject
{
    Q_OBJECT

private:
    // Three healthy hosts and one that leaks memory for 90 s, fails, comes back, `cycles` times.
    static qint64 runLeakyCluster(HostRiskMonitor &monitor, QRandomGenerator &random, int cycles, qint64 t)
    {
        constexpr int kHealthyS = 60, kLeakS = 90;
        for (int cycle = 0; cycle < cycles; ++cycle) {
            for (int s = 0; s < kHealthyS + kLeakS; ++s, t += 1000) {
                for (const char *name : {"steady-1", "steady-2", "steady-3"})
                    monitor.observe(QLatin1String(name), t, sampleMetrics(random));
                const double leak = s < kHealthyS ? 0 : double(s - kHealthyS) / kLeakS;
                monitor.observe(QStringLiteral("leaky"), t, sampleMetrics(random, leak));
            }
            monitor.markIncident(QStringLiteral("leaky"), t);
            t += 5000; // down for a while
        }
        return t;
    }

private Q_SLOTS:
    void invalidSettingsAreRefusedByName()
    {
        config::PredictionSettings settings = testSettings();
        settings.horizonMs = 500;
        const auto monitor = HostRiskMonitor::create(settings);
        QVERIFY(!monitor);
        QVERIFY2(monitor.error().message.contains(QStringLiteral("prediction.horizon-ms")),
                 qPrintable(monitor.error().message));
    }

    void samplesCloserThanTheIntervalAreIgnored()
    {
        auto monitor = HostRiskMonitor::create(testSettings());
        QVERIFY(monitor);
        QRandomGenerator random(1);
        QVERIFY((*monitor)->observe(QStringLiteral("a"), kStartMs, sampleMetrics(random)));
        QVERIFY(!(*monitor)->observe(QStringLiteral("a"), kStartMs + 400, sampleMetrics(random)));
        QVERIFY(!(*monitor)->observe(QStringLiteral("a"), kStartMs - 5000, sampleMetrics(random))); // back in time
        QVERIFY((*monitor)->observe(QStringLiteral("a"), kStartMs + 1000, sampleMetrics(random)));
        const auto risk = (*monitor)->risk(QStringLiteral("a"));
        QVERIFY(risk);
        QCOMPARE(risk->sampledWallMs, kStartMs + 1000);
        QCOMPARE(risk->risk, -1.0); // no model yet
        QVERIFY(risk->anomaly >= 0 && risk->anomaly <= 1);
        QVERIFY(riskMetricNames().contains(risk->worstMetric));
    }

    void noModelWithoutAnIncident()
    {
        auto monitor = HostRiskMonitor::create(testSettings());
        QVERIFY(monitor);
        QRandomGenerator random(2);
        qint64 t = kStartMs;
        for (int s = 0; s < 120; ++s, t += 1000)
            (*monitor)->observe(QStringLiteral("a"), t, sampleMetrics(random));
        const auto set = (*monitor)->trainingSet(t);
        QVERIFY(!set);
        QCOMPARE(set.error().code, ErrorCode::NotFound);
        QVERIFY2(set.error().message.contains(QStringLiteral("0 incident(s) in the training window, 1 needed")),
                 qPrintable(set.error().message));
    }

    void labelsComeFromThePastOnly()
    {
        const config::PredictionSettings settings = testSettings();
        auto monitor = HostRiskMonitor::create(settings);
        QVERIFY(monitor);
        QRandomGenerator random(3);
        qint64 t = runLeakyCluster(**monitor, random, 1, kStartMs);
        // Healthy samples after the incident: the newest horizon's worth has no label yet.
        for (int s = 0; s < 60; ++s, t += 1000)
            (*monitor)->observe(QStringLiteral("steady-1"), t, sampleMetrics(random));
        const qint64 now = t - 1000;
        const auto set = (*monitor)->trainingSet(now);
        QVERIFY2(set, qPrintable(set ? QString() : set.error().message));
        QCOMPARE(set->incidents, 1);
        int positives = 0;
        for (std::size_t i = 0; i < set->labels.size(); ++i) {
            if (set->labels[i] > 0.5f) {
                ++positives;
            } else {
                QVERIFY2(now - set->wallMs[i] >= settings.horizonMs,
                         "a row younger than the horizon was labelled healthy: its future is not known yet");
            }
            if (i > 0)
                QVERIFY(set->wallMs[i] >= set->wallMs[i - 1]); // time order, for the held-out split
        }
        // The leaky host's rows within 30 s before its failure, one per second.
        QVERIFY2(positives >= 29 && positives <= 31, qPrintable(QString::number(positives)));
        QCOMPARE(set->features.columns(), std::size_t((*monitor)->featureNames().size()));
        QCOMPARE(set->features.rows, set->labels.size());
    }

    void aTrainedModelTellsADegradingHostFromHealthyOnes()
    {
        const config::PredictionSettings settings = testSettings();
        auto monitor = HostRiskMonitor::create(settings);
        QVERIFY(monitor);
        QRandomGenerator random(4);
        qint64 t = runLeakyCluster(**monitor, random, 6, kStartMs);
        auto set = (*monitor)->trainingSet(t);
        QVERIFY2(set, qPrintable(set ? QString() : set.error().message));
        const auto trained = trainRiskModel(*set, settings);
        QVERIFY2(trained, qPrintable(trained ? QString() : trained.error().message));
        // Six incidents in time order: the newest quarter holds at least one, so it is measured.
        QVERIFY2(trained->evaluation.contains(QStringLiteral("f1")), qPrintable(QString::number(set->features.rows)));
        QVERIFY(trained->evaluation.value(QStringLiteral("recall")).toDouble() > 0.5);
        QVERIFY((*monitor)->install(trained->predictor, 7));
        QCOMPARE((*monitor)->modelVersion(), qint64(7));

        // One more cycle: near the end of the leak the leaky host's risk is high, the others' low.
        for (int s = 0; s < 140; ++s, t += 1000) {
            for (const char *name : {"steady-1", "steady-2", "steady-3"})
                (*monitor)->observe(QLatin1String(name), t, sampleMetrics(random));
            (*monitor)->observe(QStringLiteral("leaky"), t, sampleMetrics(random, s < 60 ? 0 : (s - 60) / 90.0));
        }
        const auto leaky = (*monitor)->risk(QStringLiteral("leaky"));
        const auto steady = (*monitor)->risk(QStringLiteral("steady-2"));
        QVERIFY(leaky && steady);
        QCOMPARE(leaky->modelVersion, qint64(7));
        QVERIFY2(leaky->risk >= settings.alertRisk, qPrintable(QString::number(leaky->risk)));
        QVERIFY2(steady->risk < 0.2, qPrintable(QString::number(steady->risk)));
        QCOMPARE(leaky->rankingRisk(), leaky->risk);
    }

    void aModelForOtherFeaturesIsRefused()
    {
        auto monitor = HostRiskMonitor::create(testSettings());
        QVERIFY(monitor);
        FeatureMatrix features;
        features.names = {QStringLiteral("x")};
        features.rows = 4;
        features.values = {0, 1, 0, 1};
        const std::vector<float> labels{0, 1, 0, 1};
        auto model = std::make_shared<FailurePredictor>();
        FailurePredictorParams params;
        params.rounds = 2;
        QVERIFY(model->train(features, labels, params));
        const Status installed = (*monitor)->install(model, 3);
        QVERIFY(!installed);
        QVERIFY2(installed.error().message.contains(QStringLiteral("model 3 expects 1 features")),
                 qPrintable(installed.error().message));
        QCOMPARE((*monitor)->modelVersion(), qint64(0));
        QVERIFY(!(*monitor)->install(std::make_shared<FailurePredictor>(), 4)); // untrained
    }
};

QTEST_GUILESS_MAIN(TestHostRiskMonitor)
#include "tst_hostriskmonitor.moc"
