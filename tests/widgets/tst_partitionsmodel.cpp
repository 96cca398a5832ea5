// The staleness partitions' figures from hand-made snapshots (the primary's report is not built
// yet): PartitionsModel's rows and replica columns, updated in place as staleness changes and as
// partitions and replicas come and go; each cell's text and colour against the partition's
// tolerance; the levels and durations they use; the chart's bounded history; and the sentence the
// command confirmations add.

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QLocale>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include "models/partitionsmodel.h"
#include "models/staleness.h"
#include "models/stalenesshistory.h"
#include "models/stalenesssummary.h"
#include "partitionsnapshots.h"
#include "theme/theme.h"

using namespace foresight;
using foresight::widgets::PartitionsModel;
using foresight::widgets::Staleness;
using foresight::widgets::StalenessHistory;
using foresight::widgets::StalenessLevel;
using foresight::widgets::StalenessSummary;

Q_DECLARE_METATYPE(foresight::widgets::StalenessLevel)

using namespace foresight::testing;

namespace {

// The model's column of a replica agent.
int columnOf(const PartitionsModel &model, const QString &agent)
{
    const int at = int(model.agents().indexOf(agent));
    return at < 0 ? -1 : PartitionsModel::FirstReplica + at;
}

} // namespace

class TestPartitionsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Texts compared below use English number formats whatever the machine's locale.
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void rowsAndColumns()
    {
        PartitionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(snapshotOf({shopApp()}));
        QCOMPARE(model.rowCount(), 0); // no application chosen yet
        model.setApp(QStringLiteral("shop"));
        QVERIFY(model.reported());
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.agents(), (QStringList{QStringLiteral("bravo"), QStringLiteral("charlie")}));
        QCOMPARE(model.columnCount(), PartitionsModel::FirstReplica + 2);
        QCOMPARE(model.headerData(columnOf(model, QStringLiteral("charlie")), Qt::Horizontal).toString(),
                 QStringLiteral("charlie (warm)"));
        QCOMPARE(model
                     .headerData(columnOf(model, QStringLiteral("charlie")), Qt::Horizontal, PartitionsModel::AgentRole)
                     .toString(),
                 QStringLiteral("charlie"));

        const int critical = model.rowOf(1);
        const int coldCritical = model.rowOf(-3);
        const int coldLow = model.rowOf(0);
        QCOMPARE(model.index(critical, PartitionsModel::Partition).data().toString(), QStringLiteral("1"));
        QCOMPARE(model.index(coldCritical, PartitionsModel::Partition).data().toString(),
                 QStringLiteral("cold · critical"));
        QCOMPARE(model.index(coldLow, PartitionsModel::Partition).data().toString(), QStringLiteral("cold · low"));
        QCOMPARE(model.index(critical, PartitionsModel::ImpactClass).data().toString(), QStringLiteral("critical"));
        QCOMPARE(model.index(critical, PartitionsModel::Tolerated).data().toString(), QStringLiteral("1.0 s"));
        QCOMPARE(model.index(coldLow, PartitionsModel::Tolerated).data().toString(), QStringLiteral("10 min"));
        QCOMPARE(model.index(coldLow, PartitionsModel::Keys).data().toString(), QStringLiteral("10,400"));
        QCOMPARE(model.index(coldLow, PartitionsModel::Size).data().toString(), QLocale().formattedDataSize(2'100'000));
        QCOMPARE(model.index(critical, PartitionsModel::Rate).data().toString(), QStringLiteral("2.5/s"));
        QCOMPARE(model.index(critical, PartitionsModel::LastAccess).data().toString(), QStringLiteral("3.0 s ago"));
        QVERIFY(model.index(critical, PartitionsModel::Partition)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("key-1")));
        // Sorting reads numbers: the cold partitions after the clustered ones, critical first.
        QVERIFY(model.index(critical, PartitionsModel::Partition).data(PartitionsModel::SortRole).toLongLong()
                < model.index(coldCritical, PartitionsModel::Partition).data(PartitionsModel::SortRole).toLongLong());
        QVERIFY(model.index(coldCritical, PartitionsModel::Partition).data(PartitionsModel::SortRole).toLongLong()
                < model.index(coldLow, PartitionsModel::Partition).data(PartitionsModel::SortRole).toLongLong());
    }

    void cellsSayHowStaleAgainstTolerance()
    {
        PartitionsModel model;
        model.setApp(QStringLiteral("shop"));
        model.setSnapshot(snapshotOf({shopApp(400)}));
        const int bravo = columnOf(model, QStringLiteral("bravo"));
        const int charlie = columnOf(model, QStringLiteral("charlie"));
        const auto cell = [&model](qint64 id, int column) { return model.index(model.rowOf(id), column); };
        const auto level = [](const QModelIndex &index) {
            return StalenessLevel(index.data(PartitionsModel::LevelRole).toInt());
        };
        const auto colour = [](const QModelIndex &index) {
            return index.data(Qt::ForegroundRole).value<QBrush>().color();
        };

        // Current, within (400 ms of 1 s), over (3 s of 1 s), far over (15 s of 1 s), not held:
        // each in words, with the theme's colour.
        QCOMPARE(cell(1, bravo).data().toString(), QStringLiteral("current"));
        QCOMPARE(level(cell(1, bravo)), StalenessLevel::Current);
        QCOMPARE(cell(1, charlie).data().toString(), QStringLiteral("400 ms · within"));
        QCOMPARE(level(cell(1, charlie)), StalenessLevel::Within);
        QCOMPARE(colour(cell(1, charlie)), widgets::stateColor(widgets::StateColor::Good));
        QCOMPARE(cell(-3, charlie).data().toString(), QStringLiteral("3.0 s · over"));
        QCOMPARE(level(cell(-3, charlie)), StalenessLevel::Over);
        QCOMPARE(colour(cell(-3, charlie)), widgets::stateColor(widgets::StateColor::Warning));
        QVERIFY2(cell(-3, charlie).data(Qt::ToolTipRole).toString().contains(QStringLiteral("over tolerance")),
                 qPrintable(cell(-3, charlie).data(Qt::ToolTipRole).toString()));
        QCOMPARE(cell(2, charlie).data().toString(), QStringLiteral("not held"));
        QVERIFY(!cell(2, charlie).data(PartitionsModel::LevelRole).isValid());
        QVERIFY(!cell(2, charlie).data(Qt::ForegroundRole).isValid());
        // 5 s of 10 min on a low partition is well within.
        QCOMPARE(cell(0, bravo).data().toString(), QStringLiteral("5.0 s · within"));

        model.setSnapshot(snapshotOf({shopApp(15'000)}));
        QCOMPARE(cell(1, charlie).data().toString(), QStringLiteral("15 s · far over"));
        QCOMPARE(level(cell(1, charlie)), StalenessLevel::FarOver);
        QCOMPARE(colour(cell(1, charlie)), widgets::stateColor(widgets::StateColor::Critical));
    }

    void stalenessChangesInPlace()
    {
        PartitionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setApp(QStringLiteral("shop"));
        model.setSnapshot(snapshotOf({shopApp(400)}));
        QTableView view;
        view.setModel(&model);
        view.setSelectionBehavior(QAbstractItemView::SelectRows);
        const int row = model.rowOf(1);
        view.selectRow(row);
        const QPersistentModelIndex kept = model.index(row, PartitionsModel::Partition);

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

        // The same snapshot: nothing changes.
        model.setSnapshot(snapshotOf({shopApp(400)}));
        QCOMPARE(changed.count(), 0);

        // Partition 1 grows staler on charlie: its row alone changes, in place.
        model.setSnapshot(snapshotOf({shopApp(800)}));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), row);
        QCOMPARE(changed.first().at(1).toModelIndex().row(), row);
        QCOMPARE(model.index(row, columnOf(model, QStringLiteral("charlie"))).data().toString(),
                 QStringLiteral("800 ms · within"));
        QVERIFY(kept.isValid());
        QCOMPARE(kept.row(), row);
        QCOMPARE(view.selectionModel()->selectedRows().size(), 1);
        QCOMPARE(view.selectionModel()->selectedRows().first().data(PartitionsModel::PartitionIdRole).toLongLong(), 1);

        // Time passes: "last access ... ago" changes for the column, nothing else is reset.
        changed.clear();
        model.setSnapshot(snapshotOf({shopApp(800)}, kStartMs + 2000));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().column(), int(PartitionsModel::LastAccess));
        QCOMPARE(changed.first().at(1).toModelIndex().column(), int(PartitionsModel::LastAccess));
        QCOMPARE(model.index(row, PartitionsModel::LastAccess).data().toString(), QStringLiteral("5.0 s ago"));
        QCOMPARE(reset.count(), 0);
    }

    void partitionsComeAndGo()
    {
        PartitionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setApp(QStringLiteral("shop"));
        model.setSnapshot(snapshotOf({shopApp()}));
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

        // A re-clustering: partition 2 is gone, partition 7 is new; 1 and the cold ones stay.
        failover::AppView next = shopApp();
        next.partitions->list.removeAt(1);
        failover::PartitionView seven = next.partitions->list.first();
        seven.id = 7;
        next.partitions->list.append(seven);
        const QPersistentModelIndex coldLow = model.index(model.rowOf(0), 0);
        model.setSnapshot(snapshotOf({next}));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.rowOf(2), -1);
        QCOMPARE(model.rowOf(7), 3);
        QVERIFY(coldLow.isValid());
        QCOMPARE(coldLow.data(PartitionsModel::PartitionIdRole).toLongLong(), 0);

        // A replica leaves (charlie released), another comes (delta): columns, not a reset.
        QSignalSpy columnsRemoved(&model, &QAbstractItemModel::columnsRemoved);
        QSignalSpy columnsInserted(&model, &QAbstractItemModel::columnsInserted);
        for (failover::PartitionView &p : next.partitions->list) {
            p.replicas.removeLast();
            p.replicas.append(replica(QStringLiteral("delta"), Tier::Cold, true, 100));
        }
        model.setSnapshot(snapshotOf({next}));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(columnsRemoved.count(), 1);
        QCOMPARE(columnsInserted.count(), 1);
        QCOMPARE(model.agents(), (QStringList{QStringLiteral("bravo"), QStringLiteral("delta")}));
        QCOMPARE(model.index(model.rowOf(7), columnOf(model, QStringLiteral("delta"))).data().toString(),
                 QStringLiteral("100 ms · within"));

        // The primary stops reporting: every row goes, still no reset.
        model.setSnapshot(snapshotOf({shopApp(0, false)}));
        QVERIFY(!model.reported());
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(PartitionsModel::FirstReplica));
        QCOMPARE(reset.count(), 0);

        // Another application is another model: a reset.
        model.setApp(QStringLiteral("prefs"));
        QCOMPARE(reset.count(), 1);
    }

    void levels_data()
    {
        QTest::addColumn<qint64>("stalenessMs");
        QTest::addColumn<qint64>("toleratedMs");
        QTest::addColumn<StalenessLevel>("level");
        QTest::newRow("nothing pending") << qint64(0) << qint64(1000) << StalenessLevel::Current;
        QTest::newRow("just behind") << qint64(1) << qint64(1000) << StalenessLevel::Within;
        QTest::newRow("at the limit") << qint64(1000) << qint64(1000) << StalenessLevel::Within;
        QTest::newRow("just over") << qint64(1001) << qint64(1000) << StalenessLevel::Over;
        QTest::newRow("four times") << qint64(4000) << qint64(1000) << StalenessLevel::Over;
        QTest::newRow("beyond four times") << qint64(4001) << qint64(1000) << StalenessLevel::FarOver;
        QTest::newRow("no tolerance") << qint64(5) << qint64(0) << StalenessLevel::FarOver;
    }

    void levels()
    {
        QFETCH(qint64, stalenessMs);
        QFETCH(qint64, toleratedMs);
        QFETCH(StalenessLevel, level);
        QCOMPARE(Staleness::level(stalenessMs, toleratedMs), level);
    }

    void durations_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("ms") << qint64(350) << QStringLiteral("350 ms");
        QTest::newRow("tenths") << qint64(1234) << QStringLiteral("1.2 s");
        QTest::newRow("seconds") << qint64(42'000) << QStringLiteral("42 s");
        QTest::newRow("minutes") << qint64(245'000) << QStringLiteral("4 min 5 s");
        QTest::newRow("whole minutes") << qint64(600'000) << QStringLiteral("10 min");
        QTest::newRow("hours") << qint64(7'380'000) << QStringLiteral("2 h 3 min");
        QTest::newRow("whole hours") << qint64(7'200'000) << QStringLiteral("2 h");
    }

    void durations()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(Staleness::durationText(ms), text);
    }

    void worstAndWeighted()
    {
        const failover::AppView app = shopApp(400);
        // charlie: partition 1 at 0.4 of its tolerance, -3 at 3.0: -3 is its worst.
        const auto worst = Staleness::worst(*app.partitions, QStringLiteral("charlie"));
        QVERIFY(worst);
        QCOMPARE(worst->partition, qint64(-3));
        QCOMPARE(worst->level, StalenessLevel::Over);
        QCOMPARE(worst->ratio, 3.0);
        // bravo: only the cold low partition is behind, 5 s of 10 min.
        QCOMPARE(Staleness::worst(*app.partitions, QStringLiteral("bravo"))->level, StalenessLevel::Within);
        QVERIFY(!Staleness::worst(*app.partitions, QStringLiteral("nobody")));
        // W x ms over the held partitions: 64 x 400 + 64 x 3000 for charlie (2 and 0 not held);
        // 1 x 5000 for bravo.
        QCOMPARE(Staleness::impactWeighted(*app.partitions, QStringLiteral("charlie")), 64.0 * 400 + 64.0 * 3000);
        QCOMPARE(Staleness::impactWeighted(*app.partitions, QStringLiteral("bravo")), 5000.0);
    }

    void historyIsBounded()
    {
        StalenessHistory history;
        history.setIntervalMs(500);
        history.setRetentionMs(10'000);
        QSignalSpy updated(&history, &StalenessHistory::updated);
        // Two snapshots within one interval make one point, holding the larger value.
        history.addSnapshot(snapshotOf({shopApp(400)}, kStartMs));
        history.addSnapshot(snapshotOf({shopApp(900)}, kStartMs + 100));
        QCOMPARE(updated.count(), 2);
        QCOMPARE(updated.first().first().toString(), QStringLiteral("shop"));
        QCOMPARE(history.agents(QStringLiteral("shop")),
                 (QStringList{QStringLiteral("bravo"), QStringLiteral("charlie")}));
        QCOMPARE(history.sampleCount(QStringLiteral("shop"), QStringLiteral("charlie")), 1);
        QCOMPARE(history.series(QStringLiteral("shop"), QStringLiteral("charlie")).first().y(),
                 64.0 * 900 + 64.0 * 3000);
        history.addSnapshot(snapshotOf({shopApp(100)}, kStartMs + 200));
        QCOMPARE(history.series(QStringLiteral("shop"), QStringLiteral("charlie")).first().y(),
                 64.0 * 900 + 64.0 * 3000);

        // A minute of snapshots, ten a second: the retention keeps the last ten seconds only.
        for (qint64 t = 1; t <= 600; ++t)
            history.addSnapshot(snapshotOf({shopApp(t)}, kStartMs + t * 100));
        const QList<QPointF> points = history.series(QStringLiteral("shop"), QStringLiteral("charlie"));
        QVERIFY2(points.size() <= 21 && points.size() >= 19, qPrintable(QString::number(points.size())));
        QVERIFY(points.first().x() >= double(kStartMs + 60'000 - 10'000));
        QCOMPARE(points.last().x(), double(kStartMs + 60'000));
        // Oldest first.
        for (qsizetype i = 1; i < points.size(); ++i)
            QVERIFY(points[i].x() > points[i - 1].x());

        // And never more than maxSamples per series.
        history.setMaxSamples(5);
        QCOMPARE(history.sampleCount(QStringLiteral("shop"), QStringLiteral("charlie")), 5);

        // A replica no longer listed keeps its points until they age out, then is forgotten;
        // an application whose primary stops reporting gets no new points.
        failover::AppView without = shopApp(0);
        for (failover::PartitionView &p : without.partitions->list)
            p.replicas.removeLast();
        history.addSnapshot(snapshotOf({without}, kStartMs + 61'000));
        QVERIFY(history.agents(QStringLiteral("shop")).contains(QStringLiteral("charlie")));
        history.addSnapshot(snapshotOf({shopApp(0, false)}, kStartMs + 80'000));
        QVERIFY(history.agents(QStringLiteral("shop")).isEmpty());
        QCOMPARE(history.sampleCount(QStringLiteral("shop"), QStringLiteral("bravo")), 0);
    }

    void confirmationOfACurrentReplica()
    {
        const failover::AppView app = shopApp(400);
        const auto figures = StalenessSummary::figures(app, QStringLiteral("bravo"));
        QVERIFY(figures);
        QCOMPARE(figures->criticalStalenessMs, std::optional<qint64>(0));
        QCOMPARE(figures->notHeld, 0);
        QCOMPARE(StalenessSummary::sentence(app, QStringLiteral("bravo"), StalenessSummary::Action::Promote),
                 QStringLiteral("Promoting this hot replica loses no critical state."));
        QCOMPARE(StalenessSummary::sentence(app, QStringLiteral("bravo"), StalenessSummary::Action::Switchover),
                 QStringLiteral("Switching over to this hot replica needs no catch-up of critical state."));
    }

    void confirmationOfAStaleReplicaThatLacksPartitions()
    {
        // charlie holds 1 (400 ms) and -3 (3 s) and not 2 and 0: 2,000 + 10,400 keys.
        const failover::AppView app = shopApp(400);
        const auto figures = StalenessSummary::figures(app, QStringLiteral("charlie"));
        QVERIFY(figures);
        QCOMPARE(figures->tier, Tier::Warm);
        QCOMPARE(figures->criticalHeld, 2);
        QCOMPARE(figures->criticalStalenessMs, std::optional<qint64>(3000));
        QCOMPARE(figures->notHeld, 2);
        QCOMPARE(figures->notHeldKeys, qint64(12'400));
        QCOMPARE(figures->notHeldBytes, qint64(3'100'000));
        const QString size = QLocale().formattedDataSize(3'100'000);
        QCOMPARE(StalenessSummary::sentence(app, QStringLiteral("charlie"), StalenessSummary::Action::Promote),
                 QStringLiteral("Promoting this warm replica loses at most 3.0 s of critical state; it does not hold "
                                "2 partitions (12,400 keys, %1).")
                     .arg(size));
        QCOMPARE(StalenessSummary::sentence(app, QStringLiteral("charlie"), StalenessSummary::Action::Switchover),
                 QStringLiteral("Switching over to this warm replica waits for it to catch up on at most 3.0 s of "
                                "critical state; it does not hold 2 partitions (12,400 keys, %1).")
                     .arg(size));

        // As the application's shadow it is named so.
        failover::AppView shadowed = app;
        shadowed.shadow = failover::ShadowView();
        shadowed.shadow->agent = QStringLiteral("charlie");
        QVERIFY(StalenessSummary::sentence(shadowed, QStringLiteral("charlie"), StalenessSummary::Action::Promote)
                    .startsWith(QStringLiteral("Promoting this shadow loses at most 3.0 s")));

        // One partition not held: the singular.
        failover::AppView one = app;
        one.partitions->list.removeAt(1);
        QVERIFY(StalenessSummary::sentence(one, QStringLiteral("charlie"), StalenessSummary::Action::Promote)
                    .endsWith(QStringLiteral("it does not hold 1 partition (10,400 keys, %1).")
                                  .arg(QLocale().formattedDataSize(2'100'000))));
    }

    void noConfirmationWithoutPartitions()
    {
        // Not reported, or reported without the agent: nothing to say, and the dialog says nothing.
        const failover::AppView unreported = shopApp(0, false);
        QVERIFY(!StalenessSummary::figures(unreported, QStringLiteral("charlie")));
        QCOMPARE(StalenessSummary::sentence(unreported, QStringLiteral("charlie"), StalenessSummary::Action::Promote),
                 QString());
        const failover::AppView app = shopApp();
        QCOMPARE(StalenessSummary::sentence(app, QStringLiteral("nobody"), StalenessSummary::Action::Promote),
                 QString());
        QCOMPARE(StalenessSummary::sentence(app, QString(), StalenessSummary::Action::Promote), QString());
    }
};

QTEST_MAIN(TestPartitionsModel)
#include "tst_partitionsmodel.moc"
