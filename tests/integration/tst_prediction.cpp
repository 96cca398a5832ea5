// Host failure prediction in the running engine, with real agents on loopback that read their
// host metrics from a simulated host (sim/SimulatedHost, --proc-root): a degradation of that host
// reaches the engine through the agents' heartbeats; the metrics become anomaly scores at once; a kill -9 becomes the incident a first model is
// trained on in the background; the model is stored in SQLite, feeds the snapshot, the status
// encoding and the failover score, and comes back after a restart; a damaged newer model is
// passed over with its version named, and the last good one stays in use.

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "control/snapshotcbor.h"
#include "enginetesting.h"
#include "foresight/prediction/hostriskmonitor.h"
#include "foresight/prediction/modelstore.h"
#include "foresight/sim/simulatedhost.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 60000;

config::PredictionSettings fastPrediction()
{
    config::PredictionSettings settings;
    settings.sampleIntervalMs = 100;
    settings.horizonMs = 2000;
    settings.shortWindow = 4;
    settings.longWindow = 10;
    settings.trainingStride = 1;
    settings.retrainIntervalMs = 600'000; // one training in this test, then the model stays
    settings.rounds = 10;
    settings.maxDepth = 3;
    return settings;
}

// The engine's latest snapshot, or an empty one before its first.
std::shared_ptr<const failover::ClusterSnapshot> snapshotOf(const failover::ClusterEngine &engine)
{
    auto snapshot = engine.snapshot();
    return snapshot ? snapshot : std::make_shared<const failover::ClusterSnapshot>();
}

// An agent's view, or a default one while the engine does not list it yet.
failover::AgentView agentOf(const failover::ClusterEngine &engine, const QString &name)
{
    const auto snapshot = snapshotOf(engine);
    const failover::AgentView *view = snapshot->agent(name);
    return view ? *view : failover::AgentView{};
}

} // namespace

class TestPrediction : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::optional<sim::SimulatedHost> m_host; // every agent's host, advanced by m_hostClock
    QTimer m_hostClock;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    config::ClusterConfig m_config;

    QString storePath() const { return m_dir.filePath(QStringLiteral("console.sqlite")); }
    QString modelStorePath() const { return m_dir.filePath(QStringLiteral("console-models.sqlite")); }

    std::unique_ptr<failover::ClusterEngine> startEngine()
    {
        return startTestEngine(*m_cluster, m_config, storePath());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        sim::SimulatedHostSettings host;
        host.root = m_dir.filePath(QStringLiteral("proc"));
        auto simulated = sim::SimulatedHost::create(host, SystemClock::instance().wallMs());
        QVERIFY2(simulated, qPrintable(simulated ? QString() : simulated.error().message));
        m_host.emplace(std::move(*simulated));
        // The test's event loop runs while it waits (QTRY_*), so the host keeps time with it.
        connect(&m_hostClock, &QTimer::timeout, this, [this] {
            QVERIFY(m_host->advanceTo(SystemClock::instance().wallMs()));
        });
        m_hostClock.start(50);

        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster"));
        options.extraAgentArgs = {QStringLiteral("--proc-root"), host.root};
        options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);
        m_config = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}}); // charlie is a spare
        m_config.prediction = fastPrediction();
    }

    void cleanupTestCase() { m_cluster.reset(); }

    void theAgentsReadTheirSimulatedHost()
    {
        auto engine = startEngine();
        QVERIFY(engine);
        const auto memoryUsed = [&] {
            return agentOf(*engine, QStringLiteral("alpha"))
                .hostMetrics.value(QStringLiteral("mem-used-fraction"))
                .toDouble();
        };
        QTRY_VERIFY_WITH_TIMEOUT(memoryUsed() > 0.3 && memoryUsed() < 0.6, kTimeoutMs);
        m_host->degrade(sim::Degradation::MemoryLeak, SystemClock::instance().wallMs(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(memoryUsed() > 0.95, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            agentOf(*engine, QStringLiteral("alpha")).hostMetrics.value(QStringLiteral("swap-used-fraction")).toDouble()
                > 0.5,
            kTimeoutMs);
        m_host->clearDegradations();
        QTRY_VERIFY_WITH_TIMEOUT(memoryUsed() < 0.6, kTimeoutMs);
    }

    void aFailureTrainsAModelThatFeedsTheEngine()
    {
        auto engine = startEngine();
        QVERIFY(engine);
        // Anomaly scores from the first samples on; no model without a failure.
        QTRY_VERIFY_WITH_TIMEOUT(snapshotOf(*engine)->prediction.hostsSampled == 3, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(agentOf(*engine, QStringLiteral("charlie")).anomaly >= 0, kTimeoutMs);
        const failover::AgentView charlie = agentOf(*engine, QStringLiteral("charlie"));
        QVERIFY(prediction::riskMetricNames().contains(charlie.anomalyMetric));
        QCOMPARE(charlie.failureRisk, -1.0);
        QTRY_VERIFY_WITH_TIMEOUT(snapshotOf(*engine)->prediction.state.contains(QStringLiteral("0 incident(s)")),
                                 kTimeoutMs);

        m_cluster->agent(2).kill();
        QTRY_VERIFY_WITH_TIMEOUT(snapshotOf(*engine)->prediction.modelVersion >= 1, kTimeoutMs);
        auto snapshot = snapshotOf(*engine);
        const failover::PredictionView &prediction = snapshot->prediction;
        QVERIFY2(prediction.state.contains(QStringLiteral("model %1 trained").arg(prediction.modelVersion)),
                 qPrintable(prediction.state));
        QCOMPARE(prediction.incidentsInWindow, 1);
        QVERIFY(prediction.evaluation.value(QStringLiteral("positives")).toInteger() > 0);
        QVERIFY(prediction.evaluation.value(QStringLiteral("rows")).toInteger()
                > prediction.evaluation.value(QStringLiteral("positives")).toInteger());
        QVERIFY(prediction.trainEndMs >= prediction.trainStartMs);
        QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine, QStringLiteral("prediction"), QStringLiteral("trained")),
                                 kTimeoutMs);

        // The live hosts now carry the model's risk, and the primary's is a term of the score.
        QTRY_VERIFY_WITH_TIMEOUT(agentOf(*engine, QStringLiteral("alpha")).riskModelVersion == prediction.modelVersion,
                                 kTimeoutMs);
        snapshot = snapshotOf(*engine);
        const failover::AgentView *alpha = snapshot->agent(QStringLiteral("alpha"));
        QVERIFY(alpha->failureRisk >= 0 && alpha->failureRisk <= 1);
        const failover::AppView *app = appOf(snapshot);
        QVERIFY(app);
        QCOMPARE(app->score.risk, alpha->failureRisk);
        QVERIFY2(app->scoreExplained.contains(QStringLiteral("(failure risk)")), qPrintable(app->scoreExplained));

        // The console API's status carries it all (docs/protocol.md, console-status-reply).
        const QCborMap status = control::snapshotToCbor(*snapshot);
        const QCborMap predictionMap = status.value(QStringLiteral("prediction")).toMap();
        QCOMPARE(predictionMap.value(QStringLiteral("model-version")).toInteger(), prediction.modelVersion);
        QCOMPARE(predictionMap.value(QStringLiteral("model-kind")).toString(), fastPrediction().modelKind());
        bool alphaHasRisk = false;
        for (const QCborValue &agent : status.value(QStringLiteral("agents")).toArray()) {
            if (agent.toMap().value(QStringLiteral("name")).toString() == QLatin1String("alpha"))
                alphaHasRisk = agent.toMap().contains(QStringLiteral("failure-risk"));
        }
        QVERIFY(alphaHasRisk);

        // charlie comes back: one failure, counted once (at suspicion, not again at the restart).
        QVERIFY(m_cluster->agent(2).restart());
        QTRY_VERIFY_WITH_TIMEOUT(agentOf(*engine, QStringLiteral("charlie")).heard
                                     && !agentOf(*engine, QStringLiteral("charlie")).suspected
                                     && agentOf(*engine, QStringLiteral("charlie")).heardMsAgo < 500,
                                 kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine, QStringLiteral("detection"), QStringLiteral("(restarted)")),
                                 kTimeoutMs);
        // The prediction thread takes inputs in order: once a sample from after the restart has
        // changed charlie's score, the restart itself has been taken into account.
        const double scoreAtRestart = agentOf(*engine, QStringLiteral("charlie")).anomaly;
        QTRY_VERIFY_WITH_TIMEOUT(agentOf(*engine, QStringLiteral("charlie")).anomaly != scoreAtRestart, kTimeoutMs);
        QCOMPARE(snapshotOf(*engine)->prediction.incidentsInWindow, 1);
    }

    void theStoredModelComesBackAfterARestart()
    {
        qint64 stored = 0;
        {
            auto store = prediction::ModelStore::open(modelStorePath());
            QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
            auto versions = (*store)->versions(fastPrediction().modelKind());
            QVERIFY(versions && !versions->isEmpty());
            stored = versions->last();
        }
        auto engine = startEngine();
        QVERIFY(engine);
        QTRY_VERIFY_WITH_TIMEOUT(snapshotOf(*engine)->prediction.modelVersion == stored, kTimeoutMs);
        QVERIFY2(snapshotOf(*engine)->prediction.state.contains(QStringLiteral("loaded from the model store")),
                 qPrintable(snapshotOf(*engine)->prediction.state));
        QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine, QStringLiteral("prediction"), QStringLiteral("loaded")),
                                 kTimeoutMs);
    }

    void aDamagedNewerModelIsPassedOverAndTheLastGoodOneStays()
    {
        qint64 good = 0;
        qint64 damaged = 0;
        {
            auto store = prediction::ModelStore::open(modelStorePath());
            QVERIFY(store);
            auto latest = (*store)->latest(fastPrediction().modelKind());
            QVERIFY(latest);
            good = latest->version;
            prediction::StoredModel bad = *latest;
            bad.version = 0;
            bad.createdMs = 0;
            bad.bytes = QByteArrayLiteral("{\"not\": \"a model\"}");
            auto saved = (*store)->save(bad);
            QVERIFY(saved);
            damaged = *saved;
        }
        auto engine = startEngine();
        QVERIFY(engine);
        QTRY_VERIFY_WITH_TIMEOUT(snapshotOf(*engine)->prediction.modelVersion == good, kTimeoutMs);
        const QString error = snapshotOf(*engine)->prediction.lastError;
        QVERIFY2(error.contains(QString::number(damaged)), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine, QStringLiteral("prediction"), QStringLiteral("passed over")),
                                 kTimeoutMs);
    }
};

QTEST_GUILESS_MAIN(TestPrediction)
#include "tst_prediction.moc"
