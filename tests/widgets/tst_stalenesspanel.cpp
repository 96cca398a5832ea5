// The Staleness panel from hand-made snapshots: the header's placeholder before the primary
// reports partitions and its facts after; the chooser with several applications; the table's
// selection through the 100 ms updates; the chart's lines per replica from the history, drawn
// only once the panel is in sight; and the command confirmations' sentence about the target.

#include <QComboBox>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QValueAxis>

#include "bridge/consolebridge.h"
#include "dialogs/commanddialog.h"
#include "models/partitionsmodel.h"
#include "models/staleness.h"
#include "models/stalenesshistory.h"
#include "panels/stalenesspanel.h"
#include "partitionsnapshots.h"
#include "topology/topologyscene.h"

using namespace foresight;
using namespace foresight::testing;
using foresight::widgets::PartitionsModel;
using foresight::widgets::Staleness;
using foresight::widgets::StalenessHistory;
using foresight::widgets::StalenessLevel;
using foresight::widgets::StalenessPanel;
using foresight::widgets::TopologyScene;

namespace {

// "prefs": primary bravo, a warm replica on alpha; it reports no partitions.
failover::AppView prefsApp()
{
    failover::AppView app;
    app.name = QStringLiteral("prefs");
    app.primary = QStringLiteral("bravo");
    app.phase = failover::AppPhase::Healthy;
    app.replicas.resize(1);
    app.replicas[0].agent = QStringLiteral("alpha");
    app.replicas[0].tier = Tier::Warm;
    app.replicas[0].connected = true;
    return app;
}

struct Fixture
{
    PartitionsModel model;
    StalenessHistory history;
    StalenessPanel panel{&model, &history};

    // As the window does it: the history and the model first, then the panel.
    void show(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
    {
        history.addSnapshot(snapshot);
        model.setSnapshot(snapshot);
        panel.setSnapshot(snapshot);
    }
    QComboBox *chooser() const { return panel.findChild<QComboBox *>(QStringLiteral("stalenessApp")); }
};

} // namespace

class TestStalenessPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void aPlaceholderUntilThePrimaryReports()
    {
        Fixture f;
        QCOMPARE(f.panel.headerText(), QStringLiteral("No cluster open."));
        f.show(snapshotOf({shopApp(0, false)}));
        QCOMPARE(f.panel.app(), QStringLiteral("shop"));
        QVERIFY2(f.panel.headerText().contains(
                     QStringLiteral("primary alpha has not reported staleness partitions yet")),
                 qPrintable(f.panel.headerText()));
        QCOMPARE(f.panel.view()->model()->rowCount(), 0);
        // One application: nothing to choose.
        QVERIFY(f.chooser()->isHidden());

        // The report arrives: the header says how the partitions were made, the table fills.
        f.show(snapshotOf({shopApp()}));
        const QString header = f.panel.headerText();
        for (const QString &part : {QStringLiteral("shop — k-means, clustered at"),
                                    QStringLiteral("(2 min ago)"),
                                    QStringLiteral("2 clusters, silhouette 0.62"),
                                    QStringLiteral("4 partitions, 5,000 keys tracked")})
            QVERIFY2(header.contains(part), qPrintable(header));
        QCOMPARE(f.panel.view()->model()->rowCount(), 4);

        // Not clustered yet: said so, without a time or a quality.
        failover::AppView fresh = shopApp();
        fresh.partitions->clusteredWallMs = 0;
        fresh.partitions->quality.reset();
        f.show(snapshotOf({fresh}));
        QVERIFY2(f.panel.headerText().contains(QStringLiteral("not clustered yet")), qPrintable(f.panel.headerText()));

        // No primary at all.
        failover::AppView orphan = shopApp(0, false);
        orphan.primary.clear();
        f.show(snapshotOf({orphan}));
        QVERIFY2(f.panel.headerText().contains(QStringLiteral("has no primary")), qPrintable(f.panel.headerText()));
    }

    void severalApplicationsAreChosen()
    {
        Fixture f;
        f.show(snapshotOf({shopApp(), prefsApp()}));
        QVERIFY(!f.chooser()->isHidden());
        QCOMPARE(f.chooser()->count(), 2);
        QCOMPARE(f.model.app(), QStringLiteral("shop"));
        f.chooser()->setCurrentIndex(f.chooser()->findData(QStringLiteral("prefs")));
        QCOMPARE(f.panel.app(), QStringLiteral("prefs"));
        QCOMPARE(f.model.app(), QStringLiteral("prefs"));
        QVERIFY2(f.panel.headerText().startsWith(QStringLiteral("prefs's primary bravo has not reported")),
                 qPrintable(f.panel.headerText()));
        // The next snapshot keeps the choice; an application that leaves gives way to the first.
        f.show(snapshotOf({shopApp(), prefsApp()}, kStartMs + 100));
        QCOMPARE(f.panel.app(), QStringLiteral("prefs"));
        f.show(snapshotOf({shopApp()}, kStartMs + 200));
        QCOMPARE(f.panel.app(), QStringLiteral("shop"));
        QVERIFY(f.chooser()->isHidden());
    }

    void selectionSurvivesUpdates()
    {
        Fixture f;
        f.show(snapshotOf({shopApp(400)}));
        QTableView *view = f.panel.view();
        // The view sorts through a proxy: find partition -3's row there.
        int row = -1;
        for (int i = 0; i < view->model()->rowCount(); ++i) {
            if (view->model()->index(i, 0).data(PartitionsModel::PartitionIdRole).toLongLong() == -3)
                row = i;
        }
        QVERIFY(row >= 0);
        view->selectRow(row);
        QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
        for (qint64 t = 1; t <= 20; ++t)
            f.show(snapshotOf({shopApp(400 + t * 50)}, kStartMs + t * 100));
        QCOMPARE(reset.count(), 0);
        const QModelIndexList selected = view->selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.first().data(PartitionsModel::PartitionIdRole).toLongLong(), qint64(-3));
    }

    void theChartDrawsEachReplicasWeightedStaleness()
    {
        Fixture f;
        f.panel.resize(900, 400);
        f.panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.panel));
        for (qint64 t = 0; t < 30; ++t)
            f.show(snapshotOf({shopApp(100 * t)}, kStartMs + t * 100));
        f.panel.refreshChart();
        QLineSeries *charlie = f.panel.series(QStringLiteral("charlie"));
        QLineSeries *bravo = f.panel.series(QStringLiteral("bravo"));
        QVERIFY(charlie);
        QVERIFY(bravo);
        QCOMPARE(charlie->count(), f.history.sampleCount(QStringLiteral("shop"), QStringLiteral("charlie")));
        QVERIFY(charlie->count() >= 5);
        // The peak: 64 x 2,900 ms (partition 1) + 64 x 3,000 ms (-3), under the axis' top.
        double peak = 0;
        for (const QPointF &point : charlie->points())
            peak = std::max(peak, point.y());
        QCOMPARE(peak, 64.0 * 2900 + 64.0 * 3000);
        QVERIFY(f.panel.valueAxis()->max() >= peak);
        QCOMPARE(bravo->points().last().y(), 5000.0); // the cold low partition, W 1 x 5 s
        // Each line in its replica's tier colour, as the topology draws the link.
        QCOMPARE(bravo->pen().color(), TopologyScene::tierColor(Tier::Hot));
        QCOMPARE(charlie->pen().color(), TopologyScene::tierColor(Tier::Warm));

        // A replica the history no longer has loses its line.
        failover::AppView without = shopApp();
        for (failover::PartitionView &p : without.partitions->list)
            p.replicas.removeLast();
        f.history.setRetentionMs(1000);
        f.show(snapshotOf({without}, kStartMs + 60'000));
        f.panel.refreshChart();
        QVERIFY(!f.panel.series(QStringLiteral("charlie")));
        QVERIFY(f.panel.series(QStringLiteral("bravo")));
    }

    void theChartWaitsUntilInSight()
    {
        Fixture f; // never shown
        f.show(snapshotOf({shopApp(400)}));
        f.show(snapshotOf({shopApp(800)}, kStartMs + 1000));
        QVERIFY(!f.panel.series(QStringLiteral("charlie"))); // nothing drawn out of sight
        f.panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.panel));
        QTRY_VERIFY(f.panel.series(QStringLiteral("charlie"))); // showEvent caught up
        QCOMPARE(f.panel.series(QStringLiteral("charlie"))->count(), 2);
    }

    void confirmationsSayWhatTheTargetLacks()
    {
        // A bridge without an engine refuses every dry run at once; the refusal still carries what
        // the chosen replica lacks, from the latest snapshot (the accepted plan's line is the same
        // StalenessSummary sentence).
        widgets::ConsoleBridge bridge;
        QSignalSpy delivered(&bridge, &widgets::ConsoleBridge::snapshotChanged);
        bridge.publish(snapshotOf({shopApp(400), prefsApp()}));
        QVERIFY(delivered.wait());
        const auto planOf = [&bridge](widgets::CommandDialog::Kind kind, const QString &app, const QString &agent) {
            widgets::CommandDialog dialog(&bridge, kind, app, agent);
            QSignalSpy ready(&dialog, &widgets::CommandDialog::planReady);
            return ready.wait() ? dialog.planText() : QStringLiteral("(no plan)");
        };
        const QString promote = planOf(widgets::CommandDialog::Kind::Promote,
                                       QStringLiteral("shop"),
                                       QStringLiteral("charlie"));
        QVERIFY2(promote.startsWith(QStringLiteral("Refused: ")), qPrintable(promote));
        QVERIFY2(promote.contains(QStringLiteral("Promoting this warm replica loses at most 3.0 s of critical state; "
                                                 "it does not hold 2 partitions")),
                 qPrintable(promote));
        const QString switchover = planOf(widgets::CommandDialog::Kind::Switchover,
                                          QStringLiteral("shop"),
                                          QStringLiteral("bravo"));
        QVERIFY2(switchover.contains(QStringLiteral("Switching over to this hot replica needs no catch-up")),
                 qPrintable(switchover));
        // No partitions reported, or a command that moves no replica: nothing added.
        const QString prefs = planOf(widgets::CommandDialog::Kind::Promote,
                                     QStringLiteral("prefs"),
                                     QStringLiteral("alpha"));
        QVERIFY2(!prefs.contains(QStringLiteral("critical state")), qPrintable(prefs));
        const QString retire = planOf(widgets::CommandDialog::Kind::RetireShadow,
                                      QStringLiteral("shop"),
                                      QStringLiteral("charlie"));
        QVERIFY2(!retire.contains(QStringLiteral("critical state")), qPrintable(retire));
    }
};

QTEST_MAIN(TestStalenessPanel)
#include "tst_stalenesspanel.moc"
