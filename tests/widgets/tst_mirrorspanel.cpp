// MirrorsModel and MirrorsPanel from hand-made snapshots: one row per reporting client with the
// figures of its report (clients sharing a name kept apart), updated in place as reports change
// and as clients come and go; the figures sort by value; warnings for what a mirror may have
// served stale or missed; the panel's summary per application, and what it says with no client
// reporting. tst_mainwindow shows a real client's report reaching the panel.

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QLineEdit>
#include <QLocale>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

#include "models/mirrorsmodel.h"
#include "panels/mirrorspanel.h"
#include "theme/theme.h"

using namespace foresight;
using foresight::widgets::MirrorsModel;
using foresight::widgets::MirrorsPanel;

namespace {

// A client's report as the primary's status carries it (metrics named as mirror::metricsToCbor).
failover::MirrorClientView report(const QString &client,
                                  qint64 reads,
                                  qint64 hits,
                                  qint64 forecastsRight = 0,
                                  qint64 forecastsMissed = 0,
                                  qint64 unannounced = 0,
                                  qint64 missedEvents = 0,
                                  bool eventsLive = true)
{
    failover::MirrorClientView view;
    view.client = client;
    view.reportedMsAgo = 2500;
    view.metrics = QCborMap{{QStringLiteral("reads"), reads},
                            {QStringLiteral("hits"), hits},
                            {QStringLiteral("hit-ratio"), reads > 0 ? double(hits) / double(reads) : 0.0},
                            {QStringLiteral("source-reads"), 0},
                            {QStringLiteral("out-of-sync-reads"), 0},
                            {QStringLiteral("refresh-p99-us"), 512},
                            {QStringLiteral("mean-hit-age-ms"), 140.4},
                            {QStringLiteral("forecasts-right"), forecastsRight},
                            {QStringLiteral("forecasts-missed"), forecastsMissed},
                            {QStringLiteral("unannounced-changes"), unannounced},
                            {QStringLiteral("missed-events"), missedEvents},
                            {QStringLiteral("resyncs"), 1},
                            {QStringLiteral("mirrored"), 12},
                            {QStringLiteral("events-live"), eventsLive}};
    return view;
}

failover::AppView appView(const QString &name, const QList<failover::MirrorClientView> &clients, bool mirrors = true)
{
    failover::AppView app;
    app.name = name;
    app.primary = QStringLiteral("alpha");
    if (mirrors) {
        failover::MirrorsView view;
        view.subscriptions = int(clients.size());
        view.eventsSent = 1234;
        view.clients = clients;
        app.mirrors = view;
    }
    return app;
}

std::shared_ptr<const failover::ClusterSnapshot> snapshotOf(const QList<failover::AppView> &apps)
{
    auto snapshot = std::make_shared<failover::ClusterSnapshot>();
    snapshot->clusterName = QStringLiteral("test");
    snapshot->apps = apps;
    return snapshot;
}

QString text(const MirrorsModel &model, int row, int column)
{
    return model.index(row, column).data().toString();
}

} // namespace

class TestMirrorsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Texts compared below use English number formats whatever the machine's locale.
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void oneRowPerReportingClient()
    {
        MirrorsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(snapshotOf({appView(QStringLiteral("shop"),
                                              {report(QStringLiteral("checkout"), 1000, 750, 8, 2, 3, 0, true),
                                               report(QString(), 40, 10, 0, 0, 0, 2, false),
                                               report(QString(), 9, 9, 0, 0, 0, 0, false)}),
                                      appView(QStringLiteral("billing"), {}, false)}));
        QCOMPARE(model.rowCount(), 3); // billing reports no mirrors: no row
        const int checkout = model.rowOf(QStringLiteral("shop"), QStringLiteral("checkout"));
        QCOMPARE(checkout, 0);
        QCOMPARE(text(model, checkout, MirrorsModel::Application), QStringLiteral("shop"));
        QCOMPARE(text(model, checkout, MirrorsModel::Reads), QStringLiteral("1,000"));
        QCOMPARE(text(model, checkout, MirrorsModel::HitRatio), QStringLiteral("75.0 %"));
        QCOMPARE(text(model, checkout, MirrorsModel::PollsSaved), QStringLiteral("750"));
        QCOMPARE(text(model, checkout, MirrorsModel::Copies), QStringLiteral("12"));
        QCOMPARE(text(model, checkout, MirrorsModel::MeanAge), QStringLiteral("140 ms"));
        QCOMPARE(text(model, checkout, MirrorsModel::RefreshP99), QStringLiteral("≤ 512 µs"));
        QCOMPARE(text(model, checkout, MirrorsModel::Forecasts), QStringLiteral("80 % of 10"));
        QCOMPARE(text(model, checkout, MirrorsModel::Events), QStringLiteral("live"));
        QCOMPARE(text(model, checkout, MirrorsModel::Reported), QStringLiteral("2.5 s ago"));
        // Stale reads detected are a warning; none missed, no warning there.
        QCOMPARE(model.index(checkout, MirrorsModel::StaleReads).data(Qt::ForegroundRole).value<QBrush>().color(),
                 widgets::stateColor(widgets::StateColor::Warning));
        QVERIFY(!model.index(checkout, MirrorsModel::MissedEvents).data(Qt::ForegroundRole).isValid());
        // Two unnamed clients: two rows, told apart by their place in the report.
        QCOMPARE(text(model, 1, MirrorsModel::Client), QStringLiteral("(unnamed)"));
        QCOMPARE(text(model, 2, MirrorsModel::Client), QStringLiteral("(unnamed)"));
        QCOMPARE(text(model, 1, MirrorsModel::Forecasts), QStringLiteral("none judged"));
        QCOMPARE(text(model, 1, MirrorsModel::Events), QStringLiteral("off"));
        QVERIFY(model.index(1, MirrorsModel::MissedEvents).data(Qt::ForegroundRole).isValid());
    }

    void reportsUpdateRowsInPlace()
    {
        MirrorsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(
            snapshotOf({appView(QStringLiteral("shop"),
                                {report(QStringLiteral("a"), 10, 5), report(QStringLiteral("b"), 20, 10)})}));
        QCOMPARE(model.rowCount(), 2);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        // a read more; b the same.
        model.setSnapshot(
            snapshotOf({appView(QStringLiteral("shop"),
                                {report(QStringLiteral("a"), 11, 6), report(QStringLiteral("b"), 20, 10)})}));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 0);
        QCOMPARE(text(model, 0, MirrorsModel::Reads), QStringLiteral("11"));
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(removed.size(), 0);

        // a stops reporting, c starts: a's row goes, c's is appended, b's stays where it is.
        model.setSnapshot(
            snapshotOf({appView(QStringLiteral("shop"),
                                {report(QStringLiteral("b"), 20, 10), report(QStringLiteral("c"), 1, 0)})}));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(QStringLiteral("shop"), QStringLiteral("a")), -1);
        QCOMPARE(model.rowOf(QStringLiteral("shop"), QStringLiteral("b")), 0);
        QCOMPARE(model.rowOf(QStringLiteral("shop"), QStringLiteral("c")), 1);
        QCOMPARE(reset.size(), 0);

        model.setSnapshot(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void thePanelSortsByValueAndSummarises()
    {
        MirrorsModel model;
        MirrorsPanel panel(&model);
        QVERIFY2(panel.summaryText().startsWith(QStringLiteral("No client reports its mirrors")),
                 qPrintable(panel.summaryText()));

        // An application whose primary serves mirrors, but no client reports yet.
        auto quiet = snapshotOf({appView(QStringLiteral("shop"), {})});
        model.setSnapshot(quiet);
        panel.setSnapshot(quiet);
        QVERIFY2(panel.summaryText().contains(QStringLiteral("No client reports its mirrors")),
                 qPrintable(panel.summaryText()));

        auto snapshot = snapshotOf(
            {appView(QStringLiteral("shop"),
                     {report(QStringLiteral("nine"), 9, 1), report(QStringLiteral("ten"), 10, 1)}),
             appView(QStringLiteral("billing"), {report(QStringLiteral("x"), 100, 1)})});
        model.setSnapshot(snapshot);
        panel.setSnapshot(snapshot);
        QCOMPARE(panel.summaryText(),
                 QStringLiteral("shop (primary alpha) — change-event subscriptions: 2, events sent: 1,234, "
                                "clients reporting: 2\n"
                                "billing (primary alpha) — change-event subscriptions: 1, events sent: 1,234, "
                                "clients reporting: 1"));

        // Reads sort as numbers: 9 before 10 (as text "10" would come first).
        panel.view()->sortByColumn(MirrorsModel::Reads, Qt::AscendingOrder);
        const QSortFilterProxyModel *proxy = panel.proxy();
        QCOMPARE(proxy->index(0, MirrorsModel::Client).data().toString(), QStringLiteral("nine"));
        QCOMPARE(proxy->index(1, MirrorsModel::Client).data().toString(), QStringLiteral("ten"));
        QCOMPARE(proxy->index(2, MirrorsModel::Client).data().toString(), QStringLiteral("x"));

        // The filter matches any column: the application's name.
        auto *filter = panel.findChild<QLineEdit *>(QStringLiteral("mirrorsFilter"));
        QVERIFY(filter);
        filter->setText(QStringLiteral("billing"));
        QCOMPARE(proxy->rowCount(), 1);
        QCOMPARE(proxy->index(0, MirrorsModel::Client).data().toString(), QStringLiteral("x"));
    }
};

QTEST_MAIN(TestMirrorsPanel)
#include "tst_mirrorspanel.moc"
