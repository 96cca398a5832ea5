// ShadowsModel and ShadowsPanel from hand-made snapshots: an application without a shadow, one
// whose shadow catches up, one ready, one swapping (the transfer's progress follows the gap
// shrinking), and what each shows and which controls it enables; the seq-gap chart follows the
// history; validated updates say plainly that they are not built; the topology draws a shadow's
// link and badge.

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QGraphicsPathItem>
#include <QGroupBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include "models/shadowsmodel.h"
#include "panels/shadowspanel.h"
#include "topology/topologyscene.h"

using namespace foresight;
using foresight::widgets::CommandDialog;
using foresight::widgets::ShadowsModel;
using foresight::widgets::ShadowsPanel;
using foresight::widgets::TopologyScene;

namespace {

// 2026-01-01T00:00:00Z.
constexpr qint64 kStartMs = 1767225600000;

failover::AgentView agentView(const QString &name, const QString &host, double risk = -1)
{
    failover::AgentView agent;
    agent.name = name;
    agent.host = host;
    agent.heard = true;
    agent.heardMsAgo = 50;
    agent.failureRisk = risk;
    return agent;
}

failover::ReplicaView replicaView(const QString &agent, Tier tier = Tier::Hot)
{
    failover::ReplicaView replica;
    replica.agent = agent;
    replica.tier = tier;
    replica.connected = true;
    return replica;
}

// Its gap history: one sample a second ending at the snapshot's time, the last one gap.
QList<shadow::Discrepancy> historyEndingAt(const QList<qint64> &gaps, qint64 nowMs)
{
    QList<shadow::Discrepancy> history;
    for (qsizetype i = 0; i < gaps.size(); ++i) {
        shadow::Discrepancy sample;
        sample.seqGap = gaps[i];
        sample.lagMs = gaps[i] > 0 ? 40 : 0;
        sample.digestAgrees = true;
        sample.sampledWallMs = nowMs - (gaps.size() - 1 - i) * 1000;
        history.append(sample);
    }
    return history;
}

failover::ShadowView shadowView(const QString &state, const QList<qint64> &gaps, qint64 nowMs)
{
    failover::ShadowView shadow;
    shadow.agent = QStringLiteral("charlie");
    shadow.host = QStringLiteral("host-c");
    shadow.state = state;
    shadow.origin = shadow::ShadowOrigin::Predicted;
    shadow.reason = QStringLiteral("host-a's failure risk 0.87 held over the horizon");
    shadow.createdWallMs = kStartMs - 60'000;
    shadow.primaryHostRisk = 0.87;
    shadow.priorTier = Tier::None;
    shadow.history = historyEndingAt(gaps, nowMs);
    shadow.discrepancy = shadow.history.constLast();
    shadow.swapMaxLag = 100;
    return shadow;
}

// Three agents on three hosts; "shop" (critical) has its primary on alpha, a hot replica on
// bravo and, if given, a shadow on charlie (a hot copy too); "prefs" (low) has no shadow.
std::shared_ptr<const failover::ClusterSnapshot> snapshotWith(std::optional<failover::ShadowView> shadow,
                                                              qint64 nowMs = kStartMs,
                                                              const ProcessSpec &process = {})
{
    auto snapshot = std::make_shared<failover::ClusterSnapshot>();
    snapshot->takenWallMs = nowMs;
    snapshot->clusterName = QStringLiteral("test");
    snapshot->agents = {agentView(QStringLiteral("alpha"), QStringLiteral("host-a"), 0.87),
                        agentView(QStringLiteral("bravo"), QStringLiteral("host-b"), 0.05),
                        agentView(QStringLiteral("charlie"), QStringLiteral("host-c"), 0.02)};
    failover::AppView shop;
    shop.name = QStringLiteral("shop");
    shop.primary = QStringLiteral("alpha");
    shop.writable = true;
    shop.phase = failover::AppPhase::Healthy;
    shop.criticality = config::Criticality::Critical;
    shop.replicas = {replicaView(QStringLiteral("bravo"))};
    if (shadow)
        shop.replicas.append(replicaView(shadow->agent));
    shop.shadow = std::move(shadow);
    shop.process = process;
    failover::AppView prefs;
    prefs.name = QStringLiteral("prefs");
    prefs.primary = QStringLiteral("bravo");
    prefs.writable = true;
    prefs.phase = failover::AppPhase::Healthy;
    prefs.criticality = config::Criticality::Low;
    prefs.replicas = {replicaView(QStringLiteral("alpha"), Tier::Warm)};
    snapshot->apps = {shop, prefs};
    return snapshot;
}

} // namespace

class TestShadowsPanel : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        ShadowsModel model;
        ShadowsPanel panel{&model};

        void show(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
        {
            model.setSnapshot(snapshot);
            panel.setSnapshot(snapshot);
        }
        template<typename T>
        T *child(const char *name) const
        {
            return panel.findChild<T *>(QString::fromLatin1(name));
        }
        QString text(const char *label) const { return child<QLabel>(label)->text(); }
        bool enabled(const char *button) const { return child<QPushButton>(button)->isEnabled(); }
    };

private Q_SLOTS:
    void modelShowsEveryApplicationAndItsShadow()
    {
        ShadowsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(snapshotWith(std::nullopt));
        QCOMPARE(model.rowCount(), 2);
        const int shop = model.rowOf(QStringLiteral("shop"));
        QCOMPARE(model.index(shop, ShadowsModel::Criticality).data().toString(), QStringLiteral("critical"));
        QCOMPARE(model.index(shop, ShadowsModel::Shadow).data().toString(), QStringLiteral("none"));
        QCOMPARE(model.index(shop, ShadowsModel::State).data().toString(), QString());

        // The shadow arrives: the same row changes in place, no reset.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setSnapshot(snapshotWith(shadowView(QStringLiteral("catching-up"), {400, 250}, kStartMs)));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.rowOf(QStringLiteral("shop")), shop);
        QCOMPARE(model.index(shop, ShadowsModel::Shadow).data().toString(), QStringLiteral("charlie (host-c)"));
        QCOMPARE(model.index(shop, ShadowsModel::State).data().toString(), QStringLiteral("catching up"));
        QCOMPARE(model.index(shop, ShadowsModel::State).data(ShadowsModel::StateRole).toString(),
                 QStringLiteral("catching-up"));
        QCOMPARE(model.index(shop, ShadowsModel::Origin).data().toString(), QStringLiteral("predicted failure"));
        QVERIFY(
            model.index(shop, ShadowsModel::Origin).data(Qt::ToolTipRole).toString().contains(QStringLiteral("0.87")));
        QCOMPARE(model.index(shop, ShadowsModel::Discrepancy).data().toString(),
                 QStringLiteral("250 writes behind (40 ms), digest agrees"));
        QCOMPARE(model.index(shop, ShadowsModel::HostRisk).data().toString(), QLocale().toString(0.87, 'f', 2));
        // An agent that does not report keys and bytes (older than they are).
        QCOMPARE(model.index(shop, ShadowsModel::Differing).data().toString(), QStringLiteral("unknown"));

        // The same snapshot again changes nothing; an application that leaves is removed alone.
        changed.clear();
        model.setSnapshot(snapshotWith(shadowView(QStringLiteral("catching-up"), {400, 250}, kStartMs)));
        QCOMPARE(changed.count(), 0);

        // Keys and bytes behind, counted in full and then only in part (lower bounds).
        failover::ShadowView counted = shadowView(QStringLiteral("catching-up"), {400, 250}, kStartMs);
        counted.discrepancy.keysDiffering = 12;
        counted.discrepancy.bytesDiffering = 180;
        model.setSnapshot(snapshotWith(counted));
        QCOMPARE(changed.count(), 1);
        const QString bytes = QLocale().formattedDataSize(180);
        QCOMPARE(model.index(shop, ShadowsModel::Differing).data().toString(), QStringLiteral("12 keys, ") + bytes);
        counted.discrepancy.differingPartial = true;
        model.setSnapshot(snapshotWith(counted));
        QCOMPARE(model.index(shop, ShadowsModel::Differing).data().toString(),
                 QStringLiteral("at least 12 keys, ") + bytes);
        QCOMPARE(model.index(shop, ShadowsModel::Discrepancy).data().toString(),
                 QStringLiteral("250 writes behind (40 ms), at least 12 keys, at least 180 bytes, digest agrees"));
        auto fewer = std::make_shared<failover::ClusterSnapshot>(*snapshotWith(std::nullopt));
        fewer->apps.removeFirst();
        model.setSnapshot(fewer);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, ShadowsModel::Application).data().toString(), QStringLiteral("prefs"));
        model.setSnapshot(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void withoutAShadowOnlyCreateIsOffered()
    {
        Fixture f;
        f.show(snapshotWith(std::nullopt));
        QCOMPARE(f.panel.app(), QStringLiteral("shop")); // the first application, chosen for the operator
        QVERIFY2(f.text("shadowHeader").contains(QStringLiteral("criticality critical")),
                 qPrintable(f.text("shadowHeader")));
        QVERIFY2(f.text("shadowHeader").contains(QStringLiteral("primary alpha on host host-a")),
                 qPrintable(f.text("shadowHeader")));
        QVERIFY2(f.text("shadowState").startsWith(QStringLiteral("No shadow.")), qPrintable(f.text("shadowState")));
        QVERIFY(f.enabled("createShadow"));
        QVERIFY(f.child<QComboBox>("createHost")->isEnabled());
        QVERIFY(!f.enabled("swapShadow"));
        QVERIFY(!f.enabled("promoteShadow"));
        QVERIFY(!f.enabled("retireShadow"));
        QVERIFY(!f.enabled("updateShadow"));
        QVERIFY(f.child<QPushButton>("swapShadow")->toolTip().contains(QStringLiteral("create one first")));
        QVERIFY(f.child<QProgressBar>("transferProgress")->isHidden());
        QCOMPARE(f.panel.transferPercent(), -1);

        // Create: the engine's choice, or an agent picked (never the primary).
        QSignalSpy requested(&f.panel, &ShadowsPanel::commandRequested);
        QTest::mouseClick(f.child<QPushButton>("createShadow"), Qt::LeftButton);
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.first().at(0).value<CommandDialog::Kind>(), CommandDialog::Kind::CreateShadow);
        QCOMPARE(requested.first().at(1).toString(), QStringLiteral("shop"));
        QCOMPARE(requested.first().at(2).toString(), QString());
        auto *hosts = f.child<QComboBox>("createHost");
        QCOMPARE(hosts->findData(QStringLiteral("alpha")), -1);
        hosts->setCurrentIndex(hosts->findData(QStringLiteral("charlie")));
        QVERIFY(hosts->currentIndex() > 0);
        QTest::mouseClick(f.child<QPushButton>("createShadow"), Qt::LeftButton);
        QCOMPARE(requested.count(), 2);
        QCOMPARE(requested.last().at(2).toString(), QStringLiteral("charlie"));

        // An application that is not healthy gets no shadow: Create says why.
        auto failing = std::make_shared<failover::ClusterSnapshot>(*snapshotWith(std::nullopt));
        failing->apps[0].phase = failover::AppPhase::Investigating;
        f.show(failing);
        QVERIFY(!f.enabled("createShadow"));
        QVERIFY2(f.child<QPushButton>("createShadow")->toolTip().contains(QStringLiteral("healthy primary")),
                 qPrintable(f.child<QPushButton>("createShadow")->toolTip()));
    }

    void aShadowCatchingUpCannotBeSwappedYet()
    {
        Fixture f;
        f.show(snapshotWith(shadowView(QStringLiteral("catching-up"), {900, 600, 300}, kStartMs)));
        QVERIFY2(f.text("shadowState").contains(QStringLiteral("Shadow on charlie (host host-c): catching up.")),
                 qPrintable(f.text("shadowState")));
        QVERIFY2(f.text("shadowState").contains(QStringLiteral("ahead of a predicted failure")),
                 qPrintable(f.text("shadowState")));
        QVERIFY2(f.text("shadowState").contains(QStringLiteral("risk 0.87")), qPrintable(f.text("shadowState")));
        QVERIFY2(f.text("shadowDiscrepancy").contains(QStringLiteral("300 writes behind")),
                 qPrintable(f.text("shadowDiscrepancy")));
        QVERIFY2(f.text("shadowDiscrepancy").contains(QStringLiteral("at most 100 writes behind")),
                 qPrintable(f.text("shadowDiscrepancy")));
        QVERIFY(!f.enabled("createShadow"));
        QVERIFY(!f.enabled("swapShadow"));
        QVERIFY(f.child<QPushButton>("swapShadow")->toolTip().contains(QStringLiteral("not ready")));
        QVERIFY(f.enabled("promoteShadow")); // with force, if it lags: the dialog asks
        QVERIFY(f.enabled("retireShadow"));
        QVERIFY(!f.enabled("updateShadow"));
        QVERIFY2(f.text("lastSwap").contains(QStringLiteral("none")), qPrintable(f.text("lastSwap")));
        QCOMPARE(f.panel.transferPercent(), -1);
    }

    void aReadyShadowOffersSwapPromoteAndRetire()
    {
        Fixture f;
        auto shadow = shadowView(QStringLiteral("ready"), {300, 20, 3}, kStartMs);
        shadow.lastSwap = QStringLiteral("failed: alpha stayed primary (the journal says why)");
        shadow.origin = shadow::ShadowOrigin::Operator;
        shadow.reason = QStringLiteral("requested by console:1000");
        f.show(snapshotWith(shadow));
        QVERIFY2(f.text("shadowState").contains(QStringLiteral("ready")), qPrintable(f.text("shadowState")));
        QVERIFY2(f.text("shadowState").contains(QStringLiteral("Created by an operator")),
                 qPrintable(f.text("shadowState")));
        QVERIFY2(f.text("lastSwap").contains(QStringLiteral("alpha stayed primary")), qPrintable(f.text("lastSwap")));
        QVERIFY(!f.enabled("createShadow"));
        QVERIFY(f.enabled("swapShadow"));
        QVERIFY(f.enabled("promoteShadow"));
        QVERIFY(f.enabled("retireShadow"));
        QVERIFY(!f.enabled("updateShadow"));

        // Each button names the shadow's agent, so the engine can check it is still the shadow.
        QSignalSpy requested(&f.panel, &ShadowsPanel::commandRequested);
        const QList<QPair<const char *, CommandDialog::Kind>> buttons{{"swapShadow", CommandDialog::Kind::SwapShadow},
                                                                      {"promoteShadow",
                                                                       CommandDialog::Kind::PromoteShadow},
                                                                      {"retireShadow",
                                                                       CommandDialog::Kind::RetireShadow}};
        for (const auto &[name, kind] : buttons) {
            QTest::mouseClick(f.child<QPushButton>(name), Qt::LeftButton);
            QCOMPARE(requested.last().at(0).value<CommandDialog::Kind>(), kind);
            QCOMPARE(requested.last().at(1).toString(), QStringLiteral("shop"));
            QCOMPARE(requested.last().at(2).toString(), QStringLiteral("charlie"));
        }
        QCOMPARE(requested.count(), 3);
    }

    void aSwapShowsTheTransferAsTheGapShrinks()
    {
        Fixture f;
        f.show(snapshotWith(shadowView(QStringLiteral("ready"), {40}, kStartMs)));
        QCOMPARE(f.panel.transferPercent(), -1);
        f.show(snapshotWith(shadowView(QStringLiteral("swapping"), {40, 40}, kStartMs + 1000), kStartMs + 1000));
        auto *progress = f.child<QProgressBar>("transferProgress");
        QVERIFY(!progress->isHidden());
        QCOMPARE(f.panel.transferPercent(), 0);
        f.show(snapshotWith(shadowView(QStringLiteral("swapping"), {40, 40, 10}, kStartMs + 2000), kStartMs + 2000));
        QCOMPARE(f.panel.transferPercent(), 75);
        QCOMPARE(progress->value(), 75);
        QVERIFY2(f.text("transferState").contains(QStringLiteral("30 of 40 remaining writes shipped, 10 left")),
                 qPrintable(f.text("transferState")));
        // Nothing may be started while it runs.
        QVERIFY(!f.enabled("swapShadow"));
        QVERIFY(!f.enabled("promoteShadow"));
        QVERIFY(!f.enabled("retireShadow"));
        QVERIFY(!f.enabled("createShadow"));
        f.show(snapshotWith(shadowView(QStringLiteral("swapping"), {40, 40, 10, 0}, kStartMs + 3000), kStartMs + 3000));
        QCOMPARE(f.panel.transferPercent(), 100);

        // The swap ends: the shadow is the primary now, and the application has none.
        auto after = std::make_shared<failover::ClusterSnapshot>(*snapshotWith(std::nullopt, kStartMs + 4000));
        after->apps[0].primary = QStringLiteral("charlie");
        // The shadow and its lastSwap are gone with it: the engine's journal says how it ended.
        const auto entry = [](const QString &kind, const QString &app, const QString &message, qint64 wallMs) {
            storage::JournalEntry journal;
            journal.kind = kind;
            journal.app = app;
            journal.agent = QStringLiteral("charlie");
            journal.actor = QStringLiteral("engine");
            journal.message = message;
            journal.wallMs = wallMs;
            return journal;
        };
        after->recentJournal = {entry(QStringLiteral("shadow"),
                                      QStringLiteral("shop"),
                                      QStringLiteral("swap onto the shadow on charlie"),
                                      kStartMs + 900),
                                entry(QStringLiteral("shadow"),
                                      QStringLiteral("shop"),
                                      QStringLiteral(
                                          "the shadow on charlie is now the primary (epoch 2): swap complete"),
                                      kStartMs + 3500),
                                entry(QStringLiteral("shadow"),
                                      QStringLiteral("prefs"),
                                      QStringLiteral("not about shop"),
                                      kStartMs + 3600),
                                entry(QStringLiteral("promotion"),
                                      QStringLiteral("shop"),
                                      QStringLiteral("not a shadow's"),
                                      kStartMs + 3700)};
        after->journalCount = after->recentJournal.size();
        f.show(after);
        QVERIFY2(f.text("shadowEvent").contains(QStringLiteral("now the primary (epoch 2): swap complete")),
                 qPrintable(f.text("shadowEvent")));
        QVERIFY(!f.child<QLabel>("shadowEvent")->isHidden());
        QCOMPARE(f.panel.transferPercent(), -1);
        QVERIFY(progress->isHidden());
        QVERIFY(f.enabled("createShadow"));
        // The new primary is no choice for the next shadow; the old one is.
        auto *hosts = f.child<QComboBox>("createHost");
        QCOMPARE(hosts->findData(QStringLiteral("charlie")), -1);
        QVERIFY(hosts->findData(QStringLiteral("alpha")) > 0);
    }

    void theChartFollowsTheHistoryOfTheShownApplication()
    {
        Fixture f;
        f.panel.resize(900, 500);
        f.panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.panel));
        f.show(snapshotWith(shadowView(QStringLiteral("catching-up"), {500, 300, 120}, kStartMs)));
        QLineSeries *series = f.panel.gapSeries();
        QCOMPARE(series->objectName(), QStringLiteral("gapSeries"));
        QTRY_COMPARE(series->count(), 3);
        QCOMPARE(series->at(2), QPointF(double(kStartMs), 120));
        QCOMPARE(series->at(0).y(), 500.0);

        // An unmeasured sample is left out, not drawn as zero.
        auto shadow = shadowView(QStringLiteral("catching-up"), {500, 300, 120, 60}, kStartMs + 1000);
        shadow.history[1].seqGap = -1;
        f.show(snapshotWith(shadow, kStartMs + 1000));
        QTRY_COMPARE(series->at(series->count() - 1).y(), 60.0);
        QCOMPARE(series->count(), 3);
        QCOMPARE(series->at(1).y(), 120.0);

        // Another application, without a shadow: nothing to chart.
        f.panel.setApp(QStringLiteral("prefs"));
        QTRY_COMPARE(series->count(), 0);
        QVERIFY2(f.text("shadowHeader").startsWith(QStringLiteral("prefs")), qPrintable(f.text("shadowHeader")));
        QCOMPARE(f.panel.view()->currentIndex().data(ShadowsModel::AppRole).toString(), QStringLiteral("prefs"));
    }

    void validatedUpdatesOfAManagedApplication()
    {
        Fixture f;
        // State only: nothing to update.
        f.show(snapshotWith(shadowView(QStringLiteral("ready"), {0}, kStartMs)));
        QVERIFY(!f.enabled("updateShadow"));
        QVERIFY2(f.child<QPushButton>("updateShadow")->toolTip().contains(QStringLiteral("runs no process")),
                 qPrintable(f.child<QPushButton>("updateShadow")->toolTip()));
        QVERIFY(f.text("validationOutput").contains(QStringLiteral("No update")));
        QVERIFY(f.child<QPlainTextEdit>("validationLog")->isHidden());

        // A managed application with a ready shadow: Update is offered, naming the shadow's agent,
        // and the dialog's editor starts from its current command and arguments.
        ProcessSpec process;
        process.command = QStringLiteral("/usr/bin/shop");
        process.arguments = {QStringLiteral("--release"), QStringLiteral("2.4.0")};
        f.show(snapshotWith(shadowView(QStringLiteral("ready"), {0}, kStartMs), kStartMs, process));
        QVERIFY(f.enabled("updateShadow"));
        QSignalSpy requested(&f.panel, &ShadowsPanel::commandRequested);
        QTest::mouseClick(f.child<QPushButton>("updateShadow"), Qt::LeftButton);
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.last().at(0).value<CommandDialog::Kind>(), CommandDialog::Kind::UpdateShadow);
        QCOMPARE(requested.last().at(2).toString(), QStringLiteral("charlie"));
        const QJsonObject changes
            = QJsonDocument::fromJson(f.panel.processTemplate(QStringLiteral("shop")).toUtf8()).object();
        QCOMPARE(changes.value(QStringLiteral("command")).toString(), QStringLiteral("/usr/bin/shop"));
        QCOMPARE(changes.value(QStringLiteral("arguments")).toArray().at(1).toString(), QStringLiteral("2.4.0"));
        QCOMPARE(f.panel.processTemplate(QStringLiteral("prefs")), QStringLiteral("{}"));

        // Under way: not offered again.
        auto validating = shadowView(QStringLiteral("ready"), {0}, kStartMs);
        validating.version = QStringLiteral("/usr/bin/shop --release 2.5.0");
        failover::ShadowUpdateView update;
        update.state = QStringLiteral("validating");
        update.agent = QStringLiteral("charlie");
        update.command = validating.version;
        update.actor = QStringLiteral("console:1000");
        update.startedWallMs = kStartMs;
        validating.update = update;
        f.show(snapshotWith(validating, kStartMs, process));
        QVERIFY(!f.enabled("updateShadow"));
        QVERIFY2(f.text("validationOutput").contains(QStringLiteral("validating on charlie")),
                 qPrintable(f.text("validationOutput")));
        QVERIFY2(f.text("shadowState")
                     .contains(QStringLiteral("another version than the primary: /usr/bin/shop --release 2.5.0")),
                 qPrintable(f.text("shadowState")));

        // Failed: the result, what followed, and the command's output; Update is offered again.
        auto failed = validating;
        failed.version.clear();
        failed.update->state = QStringLiteral("failed");
        failed.update->result = QStringLiteral("exit 3");
        failed.update->exitCode = 3;
        failed.update->output = QStringLiteral("checking carts\ncart totals differ\n");
        failed.update->note = QStringLiteral("discarded: validation failed on charlie: exit 3; alpha stays primary");
        f.show(snapshotWith(failed, kStartMs, process));
        QVERIFY(f.enabled("updateShadow"));
        const QString summary = f.text("validationOutput");
        QVERIFY2(summary.contains(QStringLiteral("failed")) && summary.contains(QStringLiteral("Validation: exit 3"))
                     && summary.contains(QStringLiteral("alpha stays primary")),
                 qPrintable(summary));
        QVERIFY(!f.child<QPlainTextEdit>("validationLog")->isHidden());
        QCOMPARE(f.child<QPlainTextEdit>("validationLog")->toPlainText(), failed.update->output);
    }

    void withoutASnapshotNothingIsOffered()
    {
        Fixture f;
        f.show(nullptr);
        QVERIFY2(f.text("shadowHeader").contains(QStringLiteral("No cluster")), qPrintable(f.text("shadowHeader")));
        for (const char *button : {"createShadow", "swapShadow", "promoteShadow", "retireShadow", "updateShadow"})
            QVERIFY2(!f.enabled(button), button);
    }

    void topologyDrawsTheShadowsLinkAndBadge()
    {
        TopologyScene scene;
        scene.setSnapshot(snapshotWith(std::nullopt));
        QVERIFY(!scene.isShadowLink(QStringLiteral("shop"), QStringLiteral("bravo")));
        QCOMPARE(scene.shadowOf(QStringLiteral("charlie")), QStringList());
        const QPen hotPen = scene.edge(QStringLiteral("shop"), QStringLiteral("bravo"))->pen();

        scene.setSnapshot(snapshotWith(shadowView(QStringLiteral("ready"), {0}, kStartMs)));
        QVERIFY(scene.isShadowLink(QStringLiteral("shop"), QStringLiteral("charlie")));
        QVERIFY(!scene.isShadowLink(QStringLiteral("shop"), QStringLiteral("bravo")));
        QCOMPARE(scene.shadowOf(QStringLiteral("charlie")), QStringList{QStringLiteral("shop")});
        const QPen shadowPen = scene.edge(QStringLiteral("shop"), QStringLiteral("charlie"))->pen();
        QCOMPARE(shadowPen.color(), TopologyScene::shadowLinkColor());
        QCOMPARE(shadowPen.style(), Qt::DotLine);
        QVERIFY(shadowPen != hotPen);
        const QString tip = scene.toolTipOf(scene.edge(QStringLiteral("shop"), QStringLiteral("charlie")));
        QVERIFY2(tip.contains(QStringLiteral("Shadow of shop, ready")), qPrintable(tip));
        QVERIFY2(scene.node(QStringLiteral("charlie"))->toolTip().contains(QStringLiteral("Shadow of: shop")),
                 qPrintable(scene.node(QStringLiteral("charlie"))->toolTip()));

        // Zoomed far out, one item draws every link: the shadow's still in its own colour.
        scene.setFarView(true);
        QImage far(200, 150, QImage::Format_ARGB32_Premultiplied);
        far.fill(Qt::white);
        {
            QPainter painter(&far);
            scene.render(&painter, QRectF(far.rect()), scene.sceneRect());
        }
        // Around the middle of the straight line between the curve's ends (not near the badge).
        const QPainterPath curve = scene.edge(QStringLiteral("shop"), QStringLiteral("charlie"))->path();
        const QPointF middle = (QPointF(curve.elementAt(0)) + QPointF(curve.elementAt(3))) / 2;
        const QRectF source = scene.sceneRect();
        const QPoint at((middle.x() - source.left()) * far.width() / source.width(),
                        (middle.y() - source.top()) * far.height() / source.height());
        bool violet = false;
        for (int y = at.y() - 3; y <= at.y() + 3; ++y) {
            for (int x = at.x() - 3; x <= at.x() + 3; ++x)
                violet |= far.valid(x, y) && far.pixelColor(x, y) == TopologyScene::shadowLinkColor();
        }
        QVERIFY(violet);
        scene.setFarView(false);

        // Retired but still holding its copy: a plain hot replica again.
        auto retired = std::make_shared<failover::ClusterSnapshot>(*snapshotWith(std::nullopt));
        retired->apps[0].replicas.append(replicaView(QStringLiteral("charlie")));
        scene.setSnapshot(retired);
        QVERIFY(!scene.isShadowLink(QStringLiteral("shop"), QStringLiteral("charlie")));
        QCOMPARE(scene.shadowOf(QStringLiteral("charlie")), QStringList());
        QCOMPARE(scene.edge(QStringLiteral("shop"), QStringLiteral("charlie"))->pen(), hotPen);
    }
};

QTEST_MAIN(TestShadowsPanel)
#include "tst_shadowspanel.moc"
