// The operator's command dialogs over a real engine watching real agents on loopback: the plan
// comes from the engine's dry run (candidate, terms, data at risk; a shadow's host, a swap's
// steps), confirming carries it out and shows the result; static plans for maintenance and
// acknowledge; clear errors without a cluster.

#include <QCheckBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "bridge/consolebridge.h"
#include "dialogs/commanddialog.h"
#include "enginetesting.h"

using namespace foresight;
using namespace foresight::testing;
using foresight::widgets::CommandDialog;
using foresight::widgets::ConsoleBridge;

namespace {
constexpr int kTimeoutMs = 30000;
} // namespace

class TestCommandDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;
    ConsoleBridge m_bridge;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster"));
        options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);
        failover::ClusterEngineOptions engineOptions;
        AppConfig appConfig;
        appConfig.snapshotIntervalMs = 600'000; // the cold replica lags every write after it joined
        engineOptions.config = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}, {2, Tier::Cold}}, appConfig);
        engineOptions.keys = m_cluster->adminKeys();
        engineOptions.storePath = m_dir.filePath(QStringLiteral("console.db"));
        engineOptions.onSnapshot = [this](std::shared_ptr<const failover::ClusterSnapshot> snapshot) {
            m_bridge.publish(std::move(snapshot));
        };
        auto engine = failover::ClusterEngine::start(engineOptions);
        QVERIFY2(engine, qPrintable(engine ? QString() : engine.error().toString()));
        m_engine = std::move(*engine);
        m_bridge.setEngine(m_engine.get());
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(appOf(m_engine->snapshot())->candidates.size() == 2
                                     && appOf(m_engine->snapshot())->candidates.first().eligible,
                                 kTimeoutMs);
    }

    void cleanupTestCase()
    {
        m_bridge.setEngine(nullptr);
        m_engine.reset();
        m_cluster.reset();
    }

    void acknowledgeWithoutAFailoverShowsTheEnginesError()
    {
        CommandDialog dialog(&m_bridge, CommandDialog::Kind::Acknowledge, kTestApp, {});
        QSignalSpy done(&dialog, &CommandDialog::commandDone);
        dialog.confirm();
        QVERIFY(done.wait(kTimeoutMs));
        QVERIFY(!done.first().at(0).toBool());
        QVERIFY2(dialog.resultText().startsWith(QStringLiteral("Failed")), qPrintable(dialog.resultText()));
    }

    void switchoverShowsTheDryRunThenSwapsRoles()
    {
        CommandDialog dialog(&m_bridge, CommandDialog::Kind::Switchover, kTestApp, QStringLiteral("bravo"));
        QVERIFY(!dialog.canConfirm()); // nothing to confirm before the engine said what would happen
        QSignalSpy plan(&dialog, &CommandDialog::planReady);
        QVERIFY(plan.wait(kTimeoutMs));
        QVERIFY2(dialog.canConfirm(), qPrintable(dialog.planText()));
        QVERIFY2(dialog.planText().contains(QStringLiteral("bravo")), qPrintable(dialog.planText()));
        QCOMPARE(primaryOf(*m_engine), QStringLiteral("alpha")); // a dry run changes nothing

        QSignalSpy done(&dialog, &CommandDialog::commandDone);
        dialog.confirm();
        QVERIFY(done.wait(kTimeoutMs));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(dialog.resultText()));
        QVERIFY2(dialog.resultText().startsWith(QStringLiteral("Done")), qPrintable(dialog.resultText()));
        QCOMPARE(primaryOf(*m_engine), QStringLiteral("bravo"));
    }

    void promotingALaggingColdReplicaIsRefusedUnlessForced()
    {
        // Writes the cold replica does not hold: its next snapshot is ten minutes away.
        auto client = m_cluster->client(kTestApp);
        QVERIFY2(client, qPrintable(client ? QString() : client.error().toString()));
        const std::uint64_t before = appOf(m_engine->snapshot())->seq;
        QCOMPARE(writeMany(**client, QStringLiteral("x"), 30), QString());
        // The engine learns positions from heartbeats: the refusal needs it to know of the writes.
        QTRY_VERIFY_WITH_TIMEOUT(appOf(m_engine->snapshot())->seq >= before + 30, kTimeoutMs);
        CommandDialog dialog(&m_bridge, CommandDialog::Kind::Promote, kTestApp, QStringLiteral("charlie"));
        QSignalSpy plan(&dialog, &CommandDialog::planReady);
        QVERIFY(plan.wait(kTimeoutMs));
        QVERIFY2(dialog.planText().startsWith(QStringLiteral("Refused")), qPrintable(dialog.planText()));
        auto *force = dialog.findChild<QCheckBox *>(QStringLiteral("force"));
        QVERIFY(force && force->isVisibleTo(&dialog));
        force->setChecked(true); // asks again, forced: the plan says what would be lost
        QVERIFY(plan.wait(kTimeoutMs));
        QVERIFY2(dialog.canConfirm(), qPrintable(dialog.planText()));
        QVERIFY2(dialog.planText().contains(QStringLiteral("would be lost")), qPrintable(dialog.planText()));
    }

    void maintenanceHasAStaticPlanAndReachesTheEngine()
    {
        CommandDialog dialog(&m_bridge, CommandDialog::Kind::MaintenanceOn, {}, QStringLiteral("charlie"));
        QVERIFY(dialog.canConfirm());
        QVERIFY(dialog.planText().contains(QStringLiteral("never be promoted")));
        QSignalSpy done(&dialog, &CommandDialog::commandDone);
        dialog.confirm();
        QVERIFY(done.wait(kTimeoutMs));
        QVERIFY(done.first().at(0).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(m_engine->snapshot()->agent(QStringLiteral("charlie"))->maintenance, kTimeoutMs);
    }

    void acknowledgeAfterTheSwitchoverSucceeds()
    {
        CommandDialog dialog(&m_bridge, CommandDialog::Kind::Acknowledge, kTestApp, {});
        QSignalSpy done(&dialog, &CommandDialog::commandDone);
        dialog.confirm();
        QVERIFY(done.wait(kTimeoutMs));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(dialog.resultText()));
        QVERIFY2(dialog.resultText().contains(QStringLiteral("automatic failover allowed again")),
                 qPrintable(dialog.resultText()));
    }

    void shadowCommandsShowTheEnginesDryRunThenAct()
    {
        // The maintenance above would keep charlie out of the engine's choices: end it.
        QVERIFY(m_engine->setMaintenance(QStringLiteral("charlie"), false, QStringLiteral("test")).get());
        QTRY_VERIFY_WITH_TIMEOUT(!m_engine->snapshot()->agent(QStringLiteral("charlie"))->maintenance, kTimeoutMs);

        // Swap with no shadow: refused before anything is confirmed, saying what to do.
        {
            CommandDialog dialog(&m_bridge, CommandDialog::Kind::SwapShadow, kTestApp, {});
            QSignalSpy plan(&dialog, &CommandDialog::planReady);
            QVERIFY(plan.wait(kTimeoutMs));
            QVERIFY(!dialog.canConfirm());
            QVERIFY2(dialog.planText().startsWith(QStringLiteral("Refused")), qPrintable(dialog.planText()));
            QVERIFY2(dialog.planText().contains(QStringLiteral("create one first")), qPrintable(dialog.planText()));
        }

        // Create, the engine's choice of host: the dry run names it and changes nothing.
        QString shadowAgent;
        {
            CommandDialog dialog(&m_bridge, CommandDialog::Kind::CreateShadow, kTestApp, {});
            QVERIFY(!dialog.canConfirm());
            QSignalSpy plan(&dialog, &CommandDialog::planReady);
            QVERIFY(plan.wait(kTimeoutMs));
            QVERIFY2(dialog.canConfirm(), qPrintable(dialog.planText()));
            QVERIFY2(dialog.planText().startsWith(QStringLiteral("dry run: would assign")),
                     qPrintable(dialog.planText()));
            QVERIFY(!appOf(m_engine->snapshot())->shadow);
            QSignalSpy done(&dialog, &CommandDialog::commandDone);
            dialog.confirm();
            QVERIFY(done.wait(kTimeoutMs));
            QVERIFY2(done.first().at(0).toBool(), qPrintable(dialog.resultText()));
            QVERIFY2(dialog.resultText().contains(QStringLiteral("deployed on")), qPrintable(dialog.resultText()));
        }
        QTRY_VERIFY_WITH_TIMEOUT(appOf(m_engine->snapshot())->shadow
                                     && appOf(m_engine->snapshot())->shadow->state == QLatin1String("ready"),
                                 kTimeoutMs);
        shadowAgent = appOf(m_engine->snapshot())->shadow->agent;

        // Swap: the dry run says each step; confirming moves the primary onto the shadow.
        {
            CommandDialog dialog(&m_bridge, CommandDialog::Kind::SwapShadow, kTestApp, shadowAgent);
            QSignalSpy plan(&dialog, &CommandDialog::planReady);
            QVERIFY(plan.wait(kTimeoutMs));
            QVERIFY2(dialog.canConfirm(), qPrintable(dialog.planText()));
            QVERIFY2(dialog.planText().contains(QStringLiteral("would pause")), qPrintable(dialog.planText()));
            QVERIFY2(dialog.planText().contains(shadowAgent), qPrintable(dialog.planText()));
            QVERIFY(primaryOf(*m_engine) != shadowAgent);
            QSignalSpy done(&dialog, &CommandDialog::commandDone);
            dialog.confirm();
            QVERIFY(done.wait(kTimeoutMs));
            QVERIFY2(done.first().at(0).toBool(), qPrintable(dialog.resultText()));
            QCOMPARE(primaryOf(*m_engine), shadowAgent);
        }

        // The shadow became the primary: once the engine has seen it take over, there is none.
        QTRY_VERIFY_WITH_TIMEOUT(!appOf(m_engine->snapshot())->shadow, kTimeoutMs);

        // A shadow on an agent picked by the operator; promote's dry run names it; retire it.
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);
        const QString picked = shadowAgent == QLatin1String("charlie") ? QStringLiteral("alpha")
                                                                       : QStringLiteral("charlie");
        {
            CommandDialog dialog(&m_bridge, CommandDialog::Kind::CreateShadow, kTestApp, picked);
            QSignalSpy plan(&dialog, &CommandDialog::planReady);
            QVERIFY(plan.wait(kTimeoutMs));
            QVERIFY2(dialog.planText().contains(picked), qPrintable(dialog.planText()));
            QSignalSpy done(&dialog, &CommandDialog::commandDone);
            dialog.confirm();
            QVERIFY(done.wait(kTimeoutMs));
            QVERIFY2(done.first().at(0).toBool(), qPrintable(dialog.resultText()));
        }
        QTRY_VERIFY_WITH_TIMEOUT(appOf(m_engine->snapshot())->shadow, kTimeoutMs);
        {
            CommandDialog dialog(&m_bridge, CommandDialog::Kind::PromoteShadow, kTestApp, picked);
            QSignalSpy plan(&dialog, &CommandDialog::planReady);
            QVERIFY(plan.wait(kTimeoutMs));
            QVERIFY2(dialog.planText().contains(picked), qPrintable(dialog.planText()));
        }
        {
            CommandDialog dialog(&m_bridge, CommandDialog::Kind::RetireShadow, kTestApp, picked);
            QSignalSpy plan(&dialog, &CommandDialog::planReady);
            QVERIFY(plan.wait(kTimeoutMs));
            QVERIFY2(dialog.canConfirm(), qPrintable(dialog.planText()));
            QVERIFY2(dialog.planText().startsWith(QStringLiteral("dry run: would")), qPrintable(dialog.planText()));
            QVERIFY(appOf(m_engine->snapshot())->shadow);
            QSignalSpy done(&dialog, &CommandDialog::commandDone);
            dialog.confirm();
            QVERIFY(done.wait(kTimeoutMs));
            QVERIFY2(done.first().at(0).toBool(), qPrintable(dialog.resultText()));
            QVERIFY2(dialog.resultText().contains(QStringLiteral("retired")), qPrintable(dialog.resultText()));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!appOf(m_engine->snapshot())->shadow, kTimeoutMs);
    }

    void anUpdateIsCheckedWithTheEngineBeforeItCanBeConfirmed()
    {
        CommandDialog dialog(&m_bridge, CommandDialog::Kind::UpdateShadow, kTestApp, {});
        auto *check = dialog.findChild<QPushButton *>(QStringLiteral("check"));
        QVERIFY(check);
        QVERIFY(!dialog.canConfirm());

        // Not JSON: said at once, nothing asked of the engine.
        QSignalSpy plan(&dialog, &CommandDialog::planReady);
        dialog.setProcessText(QStringLiteral("{\"arguments\": [\"2\""));
        QTest::mouseClick(check, Qt::LeftButton);
        QCOMPARE(plan.count(), 1);
        QVERIFY2(dialog.planText().startsWith(QStringLiteral("The changes are not JSON")),
                 qPrintable(dialog.planText()));
        QVERIFY(!dialog.canConfirm());

        // Well formed: the engine's dry run answers (this application runs no process).
        dialog.setProcessText(QStringLiteral("{\"arguments\": [\"--release\", \"2\"]}"));
        QTest::mouseClick(check, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(plan.count(), 2, kTimeoutMs);
        QVERIFY2(dialog.planText().contains(QStringLiteral("runs no process")), qPrintable(dialog.planText()));
        QVERIFY(!dialog.canConfirm());

        // An edit asks for a new check.
        dialog.setProcessText(QStringLiteral("{}"));
        QVERIFY2(dialog.planText().startsWith(QStringLiteral("Check the update")), qPrintable(dialog.planText()));
    }

    void withoutAClusterTheDialogSaysSo()
    {
        ConsoleBridge empty;
        CommandDialog dialog(&empty, CommandDialog::Kind::Promote, kTestApp, {});
        QSignalSpy plan(&dialog, &CommandDialog::planReady);
        QVERIFY(plan.wait(5000));
        QVERIFY(!dialog.canConfirm());
        QVERIFY2(dialog.planText().contains(QStringLiteral("open a cluster")), qPrintable(dialog.planText()));
    }
};

QTEST_MAIN(TestCommandDialog)
#include "tst_commanddialog.moc"
