// The Predictive State Engine in real agent processes on loopback (issue 4 part 3): replicas'
// models are compared with their primary's (model divergence), and a replica promoted with a
// sequence gap serves its model's predictions for the gap, marked as predicted, until a client
// writes the key or the real deltas arrive from the old primary and judge them.

#include <QCborArray>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "enginetesting.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/prediction/statepredictor.h"
#include "foresight/report/incidentreport.h"
#include "foresight/sim/simulatednetwork.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

const QString &kApp = testing::kTestApp;
constexpr int kTimeoutMs = 20000;
constexpr int kGauges = 5;

AppConfig gaugeConfig(int syncReplicas)
{
    AppConfig config;
    config.critical = {QStringLiteral("gauge/*")};
    config.syncReplicas = syncReplicas;
    config.ackTimeoutMs = 2000;
    return config;
}

QString gaugeKey(int i)
{
    return QStringLiteral("gauge/g%1").arg(i);
}

// The value gauge i holds after round r: each gauge climbs by its own step, a pattern a model
// can learn.
qint64 gaugeValue(int i, int round)
{
    return 1000 * (i + 1) + qint64(round) * (i + 1) * 10;
}

// Rounds [from, to) of writes: a non-critical cart key, then every gauge once. Empty, or what failed.
QString writeRounds(sdk::Client &client, int from, int to, sdk::Ack ack)
{
    for (int round = from; round < to; ++round) {
        // The cart key first, so that a round ends with a critical key a warm replica learns from.
        auto receipt = client.put(QStringLiteral("cart/c%1").arg(round % 7), QByteArray::number(round), ack);
        if (!receipt)
            return QStringLiteral("cart: ") + receipt.error().toString();
        for (int i = 0; i < kGauges; ++i) {
            receipt = client.put(gaugeKey(i), QByteArray::number(gaugeValue(i, round)), ack);
            if (!receipt)
                return gaugeKey(i) + QStringLiteral(": ") + receipt.error().toString();
        }
    }
    return {};
}

QCborMap modelOf(const cluster::LocalCluster &cluster, int agent)
{
    return statusOf(cluster, agent).value(QStringLiteral("prediction")).toMap();
}

QCborMap overlayOf(const cluster::LocalCluster &cluster, int agent)
{
    return statusOf(cluster, agent).value(QStringLiteral("overlay")).toMap();
}

// Whether the agent's model has learnt from everything it holds.
bool modelCaughtUp(const cluster::LocalCluster &cluster, int agent)
{
    const QCborMap status = statusOf(cluster, agent);
    return !status.isEmpty()
           && status.value(QStringLiteral("prediction")).toMap().value(QStringLiteral("observed-seq")).toInteger()
                  == status.value(QStringLiteral("seq")).toInteger();
}

double divergenceOf(const cluster::LocalCluster &cluster, int agent)
{
    return statusOf(cluster, agent).value(QStringLiteral("divergence")).toDouble(-1);
}

constexpr int kRoundsBeforeTheGap = 60;

// On a simulated network, with alpha (agent 0) primary and bravo (agent 1) its warm replica:
// kRoundsBeforeTheGap rounds that bravo learns from, then the route between the two hosts dies
// and one more round never reaches bravo, a gap of kGauges + 1. Empty, or what went wrong.
QString learnThenCutOff(cluster::LocalCluster &c)
{
    auto client = clientOf(c, {0}, 2000, 2000);
    if (!client)
        return client.error().toString();
    if (QString error = writeRounds(**client, 0, kRoundsBeforeTheGap, sdk::Ack::Primary); !error.isEmpty())
        return error;
    if (!QTest::qWaitFor([&] { return seqOf(c, 1) == seqOf(c, 0) && modelCaughtUp(c, 1); }, kTimeoutMs))
        return QStringLiteral("the warm replica did not catch up, or its model did not learn all it holds");
    if (auto cut = c.network()->setPartitioned(QStringLiteral("alpha"), QStringLiteral("bravo"), true); !cut)
        return cut.error().toString();
    return writeRounds(**client, kRoundsBeforeTheGap, kRoundsBeforeTheGap + 1, sdk::Ack::Primary);
}

} // namespace

class TestSpeculativeState : public QObject
{
    Q_OBJECT

    // A cluster of the first `agents` of alpha, bravo, charlie, optionally on a simulated network
    // (hosts can then be cut off from each other); null on failure, which is logged.
    cluster::LocalCluster *start(int agents, bool network = false)
    {
        m_dir = std::make_unique<QTemporaryDir>();
        cluster::LocalCluster::Options options;
        options.workDir = m_dir->path();
        options.simulatedNetwork = network;
        options.agentNames
            = QStringList{QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")}.mid(0, agents);
        auto cluster = cluster::LocalCluster::start(options);
        if (!cluster) {
            qWarning().noquote() << "cannot start the cluster:" << cluster.error().toString();
            return nullptr;
        }
        m_cluster = std::move(*cluster);
        return m_cluster.get();
    }
    QString storePath() const { return m_dir->filePath(QStringLiteral("console.db")); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;

private Q_SLOTS:
    void cleanup()
    {
        m_cluster.reset();
        m_dir.reset();
    }
    void replicasReportTheirModelsDivergence();
    void promotionWithAGapServesPredictionsUntilTheRealDeltasArrive();
    void theIncidentRecordsHowManyPredictionsWereRight();
    void aColdReplicaLearnsFromItsSnapshots();
};

// A hot replica learns from exactly the primary's deltas, in the same order, so its model makes
// the same forecasts: divergence 0. One restarted empty learns from its catch-up on: its model
// differs, it says so, and its divergence falls as it learns again. A warm replica reports one
// too, over the critical keys it holds.
void TestSpeculativeState::replicasReportTheirModelsDivergence()
{
    QVERIFY(start(3));
    cluster::LocalCluster &c = *m_cluster;
    QString error;
    AppConfig config = gaugeConfig(1);
    config.logMaxDeltas = 100; // a replica restarted later catches up by snapshot
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 2, kTimeoutMs);
    // A console watching (it adopts the deployment), to show where the divergence goes.
    auto engine
        = startTestEngine(c, clusterConfigFor(c, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, config), storePath(), false);
    QVERIFY(engine);
    // Acknowledged by the primary alone: a replicated write still waiting for the hot replica when
    // the primary's lease lapses (the console adopting it, under load) is failed as fenced, and the
    // SDK sends it again, so the primary would apply and learn it twice.
    auto client = clientOf(c, {0}, 2000, 2000);
    QVERIFY(client);
    error = writeRounds(**client, 0, 40, sdk::Ack::Primary);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    QTRY_VERIFY_WITH_TIMEOUT(modelCaughtUp(c, 0) && modelCaughtUp(c, 1), kTimeoutMs);
    const QCborMap primaryModel = modelOf(c, 0);
    QCOMPARE(primaryModel.value(QStringLiteral("model")).toString(), QStringLiteral("gru"));
    QCOMPARE(primaryModel.value(QStringLiteral("observed")).toInteger(), 40 * (kGauges + 1));
    QCOMPARE(primaryModel.value(QStringLiteral("keys")).toInteger(), kGauges + 7);
    // Forecasts travel once a second; the replica compares those made at deltas it has learnt.
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(c, 1).value(QStringLiteral("divergence-keys")).toInteger() > 0, kTimeoutMs);
    QCOMPARE(divergenceOf(c, 1), 0.0);
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(c, 2).value(QStringLiteral("divergence-keys")).toInteger() > 0, kTimeoutMs);
    const double warm = divergenceOf(c, 2);
    QVERIFY2(warm >= 0 && warm <= 1, qPrintable(QString::number(warm)));
    qInfo("warm replica's divergence (a model of the critical keys only): %.3f", warm);

    // The hot replica restarts empty and catches up by snapshot (the log holds the last 100
    // deltas only): its model starts over.
    c.agent(1).kill();
    QVERIFY(c.agent(1).restart());
    QVERIFY(c.assignReplica(kApp, 1, Tier::Hot, 0, config));
    QTRY_VERIFY_WITH_TIMEOUT(linkOf(c, 0, QStringLiteral("bravo")).value(QStringLiteral("acked-seq")).toInteger()
                                 == seqOf(c, 0),
                             kTimeoutMs);
    // One round later every key has changed at most once since: the restarted model forecasts
    // nothing yet (a change time needs two changes), so it is as far from the primary's as can be.
    error = writeRounds(**client, 40, 41, sdk::Ack::Primary);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(modelCaughtUp(c, 0) && modelCaughtUp(c, 1), kTimeoutMs);
    QCOMPARE(modelOf(c, 1).value(QStringLiteral("observed")).toInteger(), kGauges + 1);
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(c, 1).value(QStringLiteral("divergence-keys")).toInteger() > 0, kTimeoutMs);
    QCOMPARE(divergenceOf(c, 1), 1.0);
    // The console takes it into the replica's view and, the hot replica being the primary's
    // closest witness, into the failover score's divergence term.
    const auto engineView = [&] {
        const failover::AppView *app = appOf(engine->snapshot());
        double replica = -1;
        for (const failover::ReplicaView &view : app ? app->replicas : QList<failover::ReplicaView>()) {
            if (view.agent == QLatin1String("bravo"))
                replica = view.divergence;
        }
        return std::pair(replica, app ? app->score.divergence : -1.0);
    };
    QTRY_COMPARE_WITH_TIMEOUT(engineView(), std::pair(1.0, 1.0), kTimeoutMs);
    // As it learns again, its forecasts come back towards the primary's.
    error = writeRounds(**client, 41, 80, sdk::Ack::Primary);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(divergenceOf(c, 1) < 0.5, kTimeoutMs);
    qInfo("restarted hot replica's divergence after 39 more rounds: %.3f", divergenceOf(c, 1));
}

// The warm replica misses the last round (a network partition), and is promoted with a gap of
// one round, as if the primary had been lost with it. It serves predicted values for the
// gauges, marked; a client's write replaces one; when the old primary rejoins as a replica, its
// log supplies the real deltas, which replace the rest and judge them.
void TestSpeculativeState::promotionWithAGapServesPredictionsUntilTheRealDeltasArrive()
{
    QVERIFY(start(2, true));
    cluster::LocalCluster &c = *m_cluster;
    const AppConfig config = gaugeConfig(0);
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Warm}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 1, kTimeoutMs);
    const QString error = learnThenCutOff(c);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const qint64 lastSeq = seqOf(c, 0);
    auto ctl = c.control(1);
    QVERIFY(ctl);
    auto promoted = (*ctl)->promote(kApp, std::nullopt, 0, std::nullopt, std::uint64_t(lastSeq));
    QVERIFY2(promoted, qPrintable(promoted ? QString() : promoted.error().toString()));
    const qint64 gapFrom = promoted->value(QStringLiteral("seq")).toInteger() + 1;
    QCOMPARE(lastSeq - gapFrom + 1, kGauges + 1); // the last round: a cart key and every gauge
    const qint64 predicted = promoted->value(QStringLiteral("predicted")).toInteger();
    QVERIFY2(predicted >= 1 && predicted <= kGauges + 1, qPrintable(QString::number(predicted)));
    QCborMap overlay = overlayOf(c, 1);
    QCOMPARE(overlay.value(QStringLiteral("gap-from")).toInteger(), gapFrom);
    QCOMPARE(overlay.value(QStringLiteral("gap-to")).toInteger(), lastSeq);
    QCOMPARE(overlay.value(QStringLiteral("applied")).toInteger(), predicted);

    // Clients are told which values are predicted, with a confidence.
    auto client = clientOf(c, {1}, 2000, 2000);
    QVERIFY(client);
    QStringList predictedKeys;
    QStringList realKeys;
    for (int i = 0; i < kGauges; ++i) {
        auto read = (*client)->get(gaugeKey(i));
        QVERIFY2(read, qPrintable(read ? QString() : read.error().toString()));
        QVERIFY(read->value);
        if (!read->predicted) {
            QCOMPARE(*read->value, QByteArray::number(gaugeValue(i, kRoundsBeforeTheGap - 1))); // what it really holds
            realKeys << gaugeKey(i);
            continue;
        }
        predictedKeys << gaugeKey(i);
        QVERIFY(read->confidence >= 0 && read->confidence <= 1);
        QVERIFY2(prediction::parseNumericValue(*read->value), read->value->constData());
    }
    QVERIFY(!predictedKeys.isEmpty());

    // A client's write replaces a prediction at once.
    const QString written = predictedKeys.takeFirst();
    QVERIFY((*client)->put(written, "7", sdk::Ack::Primary));
    auto read = (*client)->get(written);
    QVERIFY(read && read->value && !read->predicted);
    QCOMPARE(*read->value, QByteArray("7"));

    // The partition heals and the old primary rejoins as a replica: the gap's real deltas reach
    // the new primary, replace the remaining predictions and judge every one of them.
    QVERIFY(c.network()->setPartitioned(QStringLiteral("alpha"), QStringLiteral("bravo"), false));
    QVERIFY(c.assignReplica(kApp, 0, Tier::Warm, 1, config));
    QTRY_VERIFY_WITH_TIMEOUT(overlayOf(c, 1).value(QStringLiteral("reconciled")).toBool(), kTimeoutMs);
    overlay = overlayOf(c, 1);
    QCOMPARE(overlay.value(QStringLiteral("reconciled-from")).toString(), QStringLiteral("alpha"));
    QCOMPARE(overlay.value(QStringLiteral("pending")).toInteger(), 0);
    QCOMPARE(overlay.value(QStringLiteral("overwritten")).toInteger(), 1);
    const qint64 right = overlay.value(QStringLiteral("right")).toInteger();
    const qint64 wrong = overlay.value(QStringLiteral("wrong")).toInteger();
    QCOMPARE(right + wrong, predicted - 1);
    qInfo("speculative overlay: %lld values predicted for a gap of %lld, %lld right, %lld wrong, 1 overwritten",
          predicted,
          lastSeq - gapFrom + 1,
          right,
          wrong);
    // Predicted keys now hold their real values; the others kept what the promotion found.
    for (int i = 0; i < kGauges; ++i) {
        auto real = (*client)->get(gaugeKey(i));
        QVERIFY(real && real->value && !real->predicted);
        const QByteArray expected = gaugeKey(i) == written ? QByteArray("7")
                                    : realKeys.contains(gaugeKey(i))
                                        ? QByteArray::number(gaugeValue(i, kRoundsBeforeTheGap - 1))
                                        : QByteArray::number(gaugeValue(i, kRoundsBeforeTheGap));
        QCOMPARE(*real->value, expected);
    }
    // The real values are the new primary's own changes now, replicated like any other.
    QTRY_COMPARE_WITH_TIMEOUT(seqOf(c, 0), seqOf(c, 1), kTimeoutMs);
}

// The same, driven by the console: the primary's host is cut off from its only replica, a warm
// one, and then stops; the engine promotes the warm replica with the gap the primary's last
// heartbeat showed. When the old primary comes back it rejoins by itself, its log settles the
// predictions, and the incident records how many were right.
void TestSpeculativeState::theIncidentRecordsHowManyPredictionsWereRight()
{
    QVERIFY(start(2, true));
    cluster::LocalCluster &c = *m_cluster;
    const AppConfig config = gaugeConfig(0);
    const QString store = storePath();
    auto engine = startTestEngine(c, clusterConfigFor(c, 0, {{1, Tier::Warm}}, config), store);
    QVERIFY(engine);
    QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*engine), failover::AppPhase::Healthy, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 1, kTimeoutMs);
    const QString error = learnThenCutOff(c);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto lastSeq = std::uint64_t(seqOf(c, 0));
    QTRY_COMPARE_WITH_TIMEOUT(appOf(engine->snapshot())->seq, lastSeq, kTimeoutMs); // the console saw it
    c.agent(0).freeze();
    QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*engine), QStringLiteral("bravo"), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(lastIncident(store, kApp) && lastIncident(store, kApp)->promotedMs > 0, kTimeoutMs);
    const storage::Incident promoted = *lastIncident(store, kApp);
    QCOMPARE(promoted.formerTier, QStringLiteral("warm"));
    QCOMPARE(promoted.seqGap, kGauges + 1);
    QVERIFY2(promoted.predicted >= 1 && promoted.predicted <= kGauges, qPrintable(QString::number(promoted.predicted)));
    QCOMPARE(promoted.predictionsRight + promoted.predictionsWrong, 0); // nothing to judge them by yet
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine, QStringLiteral("prediction"), QStringLiteral("predicted values")),
                             kTimeoutMs);

    // The application writes on: the incident ends with its first acknowledged write.
    auto client = clientOf(c, {1}, 2000, 2000);
    QVERIFY(client);
    QVERIFY((*client)->put(QStringLiteral("cart/after"), "1", sdk::Ack::Primary));
    QTRY_VERIFY_WITH_TIMEOUT(lastIncident(store, kApp)->firstAckMs > 0, kTimeoutMs);
    const qint64 firstAckMs = lastIncident(store, kApp)->firstAckMs;

    QVERIFY(c.network()->setPartitioned(QStringLiteral("alpha"), QStringLiteral("bravo"), false));
    c.agent(0).thaw();
    QTRY_VERIFY_WITH_TIMEOUT(overlayOf(c, 1).value(QStringLiteral("reconciled")).toBool(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(lastIncident(store, kApp)->predictionsRight + lastIncident(store, kApp)->predictionsWrong
                                 == promoted.predicted,
                             kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine, QStringLiteral("prediction"), QStringLiteral("real deltas of the gap")),
                             kTimeoutMs);
    const storage::Incident judged = *lastIncident(store, kApp);
    QCOMPARE(judged.id, promoted.id);
    QCOMPARE(judged.predicted, promoted.predicted);
    QCOMPARE(judged.firstAckMs, firstAckMs); // recording the predictions kept the rest
    // The incident's report says it in its data-loss section.
    auto reader = storage::ConsoleStore::open(store);
    QVERIFY(reader);
    auto report = report::IncidentReport::build(**reader, judged.id);
    QVERIFY2(report, qPrintable(report ? QString() : report.error().toString()));
    QCOMPARE(report->dataLoss.predicted, judged.predicted);
    QCOMPARE(report->dataLoss.predictionsRight, judged.predictionsRight);
    QVERIFY2(report->dataLoss.sentence.contains(QStringLiteral("%1 were right").arg(judged.predictionsRight)),
             qPrintable(report->dataLoss.sentence));
    QVERIFY(report::toJson(*report).contains("\"predictionsRight\""));
    qInfo("incident %lld: %lld predictions, %lld right, %lld wrong",
          judged.id,
          judged.predicted,
          judged.predictionsRight,
          judged.predictionsWrong);
}

// A cold replica sees no deltas, only snapshots: its model learns from what changed between two
// of them, so promoted with a gap (the writes since its last snapshot) it predicts too.
void TestSpeculativeState::aColdReplicaLearnsFromItsSnapshots()
{
    QVERIFY(start(2, true));
    cluster::LocalCluster &c = *m_cluster;
    QString error;
    AppConfig config = gaugeConfig(0);
    config.snapshotIntervalMs = 20;
    QVERIFY(c.deploy(kApp, 0, {{1, Tier::Cold}}, config));
    QTRY_COMPARE_WITH_TIMEOUT(linkCount(c, 0), 1, kTimeoutMs);
    const auto storedSeq = [&] {
        return statusOf(c, 1).value(QStringLiteral("stored-snapshot")).toMap().value(QStringLiteral("seq")).toInteger();
    };
    auto client = clientOf(c, {0}, 2000, 2000);
    QVERIFY(client);
    constexpr int kRounds = 12;
    QElapsedTimer sinceRound;
    qint64 longestRoundMs = 0;
    for (int round = 0; round < kRounds; ++round) {
        sinceRound.start();
        error = writeRounds(**client, round, round + 1, sdk::Ack::Primary);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(storedSeq(), seqOf(c, 0), kTimeoutMs); // one snapshot per round
        longestRoundMs = qMax(longestRoundMs, sinceRound.elapsed());
    }
    sinceRound.start();
    // Every snapshot after the first taught it what changed since: each round's gauges and cart
    // key (and the part of the first round a snapshot in the middle of it missed).
    const auto learnt = [&] { return modelOf(c, 1).value(QStringLiteral("observed")).toInteger(); };
    QTRY_VERIFY_WITH_TIMEOUT(learnt() >= (kRounds - 1) * (kGauges + 1), kTimeoutMs);
    QVERIFY2(learnt() <= kRounds * (kGauges + 1), qPrintable(QString::number(learnt())));
    QVERIFY(c.network()->setPartitioned(QStringLiteral("alpha"), QStringLiteral("bravo"), true));
    error = writeRounds(**client, kRounds, kRounds + 1, sdk::Ack::Primary);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // The model expects each key's next change about one round after its last: the overlay only
    // predicts keys whose expected change is due. On a loaded machine rounds are slow, so the
    // promotion waits until twice the longest round has passed since the last one.
    QTRY_VERIFY_WITH_TIMEOUT(sinceRound.elapsed() >= 2 * longestRoundMs, kTimeoutMs);
    auto ctl = c.control(1);
    QVERIFY(ctl);
    auto promoted = (*ctl)->promote(kApp, std::nullopt, 0, std::nullopt, std::uint64_t(seqOf(c, 0)));
    QVERIFY2(promoted, qPrintable(promoted ? QString() : promoted.error().toString()));
    QCOMPARE(promoted->value(QStringLiteral("former-tier")).toString(), QStringLiteral("cold"));
    const qint64 predicted = promoted->value(QStringLiteral("predicted")).toInteger();
    QVERIFY2(predicted >= 1 && predicted <= kGauges + 1, qPrintable(QString::number(predicted)));
    auto reader = clientOf(c, {1}, 2000, 2000);
    QVERIFY(reader);
    int marked = 0;
    for (int i = 0; i < kGauges; ++i) {
        auto read = (*reader)->get(gaugeKey(i));
        QVERIFY(read && read->value);
        marked += read->predicted ? 1 : 0;
    }
    QVERIFY(marked >= 1);
    qInfo("cold replica promoted with a gap of %d: %lld values predicted", kGauges + 1, predicted);
}

QTEST_GUILESS_MAIN(TestSpeculativeState)
#include "tst_speculativestate.moc"
