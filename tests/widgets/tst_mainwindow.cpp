// The console window over a real failover engine watching real agents over CURVE on loopback,
// offscreen: the replicas table fills from the engine's snapshots, a killed primary shows up in
// the table and the status bar, the failover that follows too, and a promotion asked through the
// bridge reaches the engine and its result comes back, without the GUI thread ever waiting. A
// client reading through mirrors shows in the Mirrors panel.

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "bridge/consolebridge.h"
#include "enginetesting.h"
#include "foresight/sdk/mirroredclient.h"
#include "mainwindow/mainwindow.h"
#include "models/eventsmodel.h"
#include "models/mirrorsmodel.h"
#include "models/replicasmodel.h"
#include "models/shadowsmodel.h"
#include "panels/mirrorspanel.h"
#include "panels/replicaspanel.h"
#include "panels/shadowspanel.h"
#include "topology/topologyscene.h"
#include "topology/topologyview.h"

using namespace foresight;
using namespace foresight::testing;
using foresight::widgets::CommandDialog;
using foresight::widgets::CommandResult;
using foresight::widgets::ConsoleBridge;
using foresight::widgets::EventsModel;
using foresight::widgets::MainWindow;
using foresight::widgets::MirrorsModel;
using foresight::widgets::ReplicasModel;
using foresight::widgets::ShadowsModel;
using foresight::widgets::TopologyScene;

namespace {

constexpr int kTimeoutMs = 30000;

QString statusOf(const ReplicasModel &model, const QString &agent, int column = ReplicasModel::Status)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 0).data(ReplicasModel::AgentRole).toString() == agent)
            return model.index(row, column).data().toString();
    }
    return QStringLiteral("(no row)");
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings away from the user's own
        QVERIFY(m_dir.isValid());
    }

    void killedPrimaryShowsAndFailsOver()
    {
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster"));
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));

        ConsoleBridge bridge;
        MainWindow window(&bridge);
        window.show();

        failover::ClusterEngineOptions engineOptions;
        engineOptions.config = clusterConfigFor(**cluster, 0, {{1, Tier::Hot}, {2, Tier::Warm}, {3, Tier::Cold}});
        engineOptions.keys = (*cluster)->adminKeys();
        engineOptions.storePath = m_dir.filePath(QStringLiteral("console.db"));
        engineOptions.onSnapshot = [&bridge](std::shared_ptr<const failover::ClusterSnapshot> snapshot) {
            bridge.publish(std::move(snapshot));
        };
        auto engine = failover::ClusterEngine::start(engineOptions);
        QVERIFY2(engine, qPrintable(engine ? QString() : engine.error().toString()));
        bridge.setEngine(engine->get());

        ReplicasModel &model = *window.replicasModel();
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 4, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(model, QStringLiteral("alpha")), QStringLiteral("ok"), kTimeoutMs);
        QCOMPARE(statusOf(model, QStringLiteral("alpha"), ReplicasModel::Role), QStringLiteral("primary"));
        auto *agents = window.statusBar()->findChild<QLabel *>(QStringLiteral("agentsState"));
        QVERIFY(agents);
        QTRY_COMPARE_WITH_TIMEOUT(agents->text(), QStringLiteral("Agents: 4 of 4 connected"), kTimeoutMs);

        // The Shadows panel lists the application, without a shadow yet: Create opens the
        // confirmation, which shows the engine's dry run.
        ShadowsModel &shadows = *window.shadowsModel();
        QTRY_COMPARE_WITH_TIMEOUT(shadows.rowCount(), 1, kTimeoutMs);
        QCOMPARE(shadows.index(0, ShadowsModel::Shadow).data().toString(), QStringLiteral("none"));
        auto *create = window.shadowsPanel()->findChild<QPushButton *>(QStringLiteral("createShadow"));
        QVERIFY(create);
        QTRY_VERIFY_WITH_TIMEOUT(create->isEnabled(), kTimeoutMs);
        create->click();
        auto *dialog = window.findChild<CommandDialog *>();
        QVERIFY(dialog);
        QTRY_VERIFY2_WITH_TIMEOUT(dialog->planText().startsWith(QStringLiteral("dry run: would assign")),
                                  qPrintable(dialog->planText()),
                                  kTimeoutMs);
        dialog->reject();

        // A client reading through mirrors reports them to the primary: the Mirrors panel shows
        // it with its reads (its report is due after reportIntervalMs on the client's clock).
        {
            mirror::MirrorPolicy policy;
            policy.reportIntervalMs = 1000;
            ManualClock clock;
            sdk::ClientOptions clientOptions = (*cluster)->clientOptions(kTestApp);
            clientOptions.name = QStringLiteral("checkout");
            auto client = sdk::MirroredClient::connect(clientOptions, policy, clock);
            QVERIFY2(client, qPrintable(client ? QString() : client.error().toString()));
            QVERIFY((*client)->put(QStringLiteral("cart/1"), "v1", sdk::Ack::Primary));
            for (int i = 0; i < 3; ++i)
                QVERIFY((*client)->get(QStringLiteral("cart/1")));
            clock.advance(1000);
            QVERIFY((*client)->get(QStringLiteral("cart/1"))); // and the report goes with this read
            MirrorsModel &mirrors = *window.mirrorsModel();
            QTRY_COMPARE_WITH_TIMEOUT(mirrors.rowCount(), 1, kTimeoutMs);
            QCOMPARE(mirrors.index(0, MirrorsModel::Client).data().toString(), QStringLiteral("checkout"));
            QCOMPARE(mirrors.index(0, MirrorsModel::Reads).data(MirrorsModel::NumberRole).toLongLong(), 3);
            QVERIFY2(window.mirrorsPanel()->summaryText().contains(QStringLiteral("clients reporting: 1")),
                     qPrintable(window.mirrorsPanel()->summaryText()));
        }

        // kill -9 of the primary: the window shows it suspected, then bravo as the new primary.
        (*cluster)->agent(0).kill();
        QTRY_VERIFY_WITH_TIMEOUT(agents->text().contains(QStringLiteral("suspected")), kTimeoutMs);
        // The topology marks it.
        QTRY_COMPARE_WITH_TIMEOUT(window.topologyView()->topologyScene()->nodeState(QStringLiteral("alpha")),
                                  std::optional(TopologyScene::NodeState::Suspected),
                                  kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(model, QStringLiteral("bravo"), ReplicasModel::Role),
                                  QStringLiteral("primary"),
                                  kTimeoutMs);
        // The timeline has the failover as open critical alerts, and the status bar counts them.
        EventsModel &events = *window.eventsModel();
        QTRY_VERIFY_WITH_TIMEOUT(events.openAlerts() > 0, kTimeoutMs);
        bool promotion = false;
        for (int row = 0; row < events.rowCount(); ++row) {
            const QModelIndex index = events.index(row, 0);
            promotion |= index.data(EventsModel::KindRole).toString() == QLatin1String("promotion")
                         && index.data(EventsModel::SeverityRole).toInt() == EventsModel::Critical;
        }
        QVERIFY(promotion);
        auto *alerts = window.statusBar()->findChild<QLabel *>(QStringLiteral("alertsState"));
        QVERIFY(alerts);
        QVERIFY2(alerts->text().contains(QStringLiteral("open alert")), qPrintable(alerts->text()));
        // The old host comes back and rejoins as a replica of the new primary.
        (*cluster)->agent(0).restart();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(model, QStringLiteral("alpha"), ReplicasModel::Role),
                                  QStringLiteral("replica"),
                                  kTimeoutMs);

        // An operator's promotion through the bridge: the dry run answers with what would happen.
        QSignalSpy finished(&bridge, &ConsoleBridge::commandFinished);
        bridge.promote(failover::PromoteRequest{kTestApp, QStringLiteral("charlie"), false, true, {}});
        QVERIFY(finished.wait(kTimeoutMs));
        const auto result = finished.takeFirst().at(0).value<CommandResult>();
        QCOMPARE(result.command, QStringLiteral("promote"));
        QVERIFY2(!result.summary.isEmpty(), "the dry run says what would happen");

        bridge.setEngine(nullptr);
        engine->reset();
    }

    void withoutAnEngineCommandsSaySo()
    {
        ConsoleBridge bridge;
        MainWindow window(&bridge);
        QSignalSpy finished(&bridge, &ConsoleBridge::commandFinished);
        bridge.acknowledge(kTestApp);
        QVERIFY(finished.wait(5000));
        const auto result = finished.takeFirst().at(0).value<CommandResult>();
        QVERIFY(!result.ok);
        QVERIFY2(result.summary.contains(QStringLiteral("open a cluster")), qPrintable(result.summary));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
