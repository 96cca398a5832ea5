// ReplicasModel from synthetic snapshots: rows per copy, matched across snapshots (so a view keeps
// its selection), severities, and the panel's default order (the worst on top). Every change is
// checked by QAbstractItemModelTester.

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

#include "models/replicasmodel.h"
#include "panels/replicaspanel.h"

using namespace foresight;
using foresight::widgets::ReplicasModel;
using foresight::widgets::ReplicasPanel;

namespace {

failover::AgentView agent(const QString &name, bool suspected = false)
{
    failover::AgentView view;
    view.name = name;
    view.host = name;
    view.heard = true;
    view.suspected = suspected;
    view.heardMsAgo = suspected ? 900 : 40;
    return view;
}

failover::ReplicaView replica(const QString &agent, Tier tier, quint64 lag = 0, bool integrityOk = true)
{
    failover::ReplicaView view;
    view.agent = agent;
    view.tier = tier;
    view.lag = lag;
    view.connected = true;
    view.integrityOk = integrityOk;
    view.integrityNote = integrityOk ? QString() : QStringLiteral("digest differs at seq 10");
    return view;
}

std::shared_ptr<const failover::ClusterSnapshot> snapshot(QList<failover::AgentView> agents,
                                                          QList<failover::AppView> apps)
{
    auto s = std::make_shared<failover::ClusterSnapshot>();
    s->clusterName = QStringLiteral("test");
    s->agents = std::move(agents);
    s->apps = std::move(apps);
    return s;
}

failover::AppView app(const QString &name, const QString &primary, QList<failover::ReplicaView> replicas)
{
    failover::AppView view;
    view.name = name;
    view.primary = primary;
    view.writable = true;
    view.phase = failover::AppPhase::Healthy;
    view.replicas = std::move(replicas);
    return view;
}

QString cell(const QAbstractItemModel &model, int row, int column)
{
    return model.index(row, column).data().toString();
}

int rowOf(const QAbstractItemModel &model, const QString &app, const QString &agent)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 0).data(ReplicasModel::AppRole) == app
            && model.index(row, 0).data(ReplicasModel::AgentRole) == agent)
            return row;
    }
    return -1;
}

const QList<failover::AgentView> kAgents{agent(QStringLiteral("a")),
                                         agent(QStringLiteral("b")),
                                         agent(QStringLiteral("c"))};

} // namespace

class TestReplicasModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneRowPerCopy()
    {
        ReplicasModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(
            snapshot(kAgents,
                     {app(QStringLiteral("shop"),
                          QStringLiteral("a"),
                          {replica(QStringLiteral("b"), Tier::Hot), replica(QStringLiteral("c"), Tier::Cold, 12)}),
                      app(QStringLiteral("blog"), QStringLiteral("b"), {replica(QStringLiteral("a"), Tier::Warm)})}));
        QCOMPARE(model.rowCount(), 5);
        const int primary = rowOf(model, QStringLiteral("shop"), QStringLiteral("a"));
        QCOMPARE(cell(model, primary, ReplicasModel::Role), QStringLiteral("primary"));
        QCOMPARE(cell(model, primary, ReplicasModel::Lag), QString()); // no lag for a primary
        const int cold = rowOf(model, QStringLiteral("shop"), QStringLiteral("c"));
        QCOMPARE(cell(model, cold, ReplicasModel::Tier), QStringLiteral("cold"));
        QCOMPARE(cell(model, cold, ReplicasModel::Lag), QStringLiteral("12"));
        QCOMPARE(cell(model, cold, ReplicasModel::Status), QStringLiteral("ok"));
        QCOMPARE(cell(model, cold, ReplicasModel::FailureRisk), QStringLiteral("—")); // no prediction yet
        QCOMPARE(model.headerData(ReplicasModel::Lag, Qt::Horizontal).toString(), QStringLiteral("Lag (seqs)"));
    }

    void failureRiskIsTheHostsFromTheEngine()
    {
        ReplicasModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<failover::AgentView> agents = kAgents;
        agents[0].failureRisk = 0.42; // a's host: the primary's row shows it too
        agents[1].failureRisk = 0.07;
        model.setSnapshot(
            snapshot(agents,
                     {app(QStringLiteral("shop"),
                          QStringLiteral("a"),
                          {replica(QStringLiteral("b"), Tier::Hot), replica(QStringLiteral("c"), Tier::Cold)})}));
        QCOMPARE(cell(model, rowOf(model, QStringLiteral("shop"), QStringLiteral("a")), ReplicasModel::FailureRisk),
                 QStringLiteral("0.420"));
        QCOMPARE(cell(model, rowOf(model, QStringLiteral("shop"), QStringLiteral("b")), ReplicasModel::FailureRisk),
                 QStringLiteral("0.070"));
        QCOMPARE(cell(model, rowOf(model, QStringLiteral("shop"), QStringLiteral("c")), ReplicasModel::FailureRisk),
                 QStringLiteral("—")); // no model's risk for that host
    }

    void rowsKeepTheirPlaceAcrossSnapshots()
    {
        ReplicasModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(
            snapshot(kAgents,
                     {app(QStringLiteral("shop"),
                          QStringLiteral("a"),
                          {replica(QStringLiteral("b"), Tier::Hot), replica(QStringLiteral("c"), Tier::Cold)})}));
        QPersistentModelIndex hot = model.index(rowOf(model, QStringLiteral("shop"), QStringLiteral("b")), 0);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        // c's cold replica goes, b lags, d arrives as a warm replica.
        QList<failover::AgentView> agents = kAgents;
        agents.append(agent(QStringLiteral("d")));
        model.setSnapshot(
            snapshot(agents,
                     {app(QStringLiteral("shop"),
                          QStringLiteral("a"),
                          {replica(QStringLiteral("b"), Tier::Hot, 5000), replica(QStringLiteral("d"), Tier::Warm)})}));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(changed.count(), 1); // only b's row changed
        QVERIFY(hot.isValid());
        QCOMPARE(hot.data(ReplicasModel::AgentRole).toString(), QStringLiteral("b"));
        QCOMPARE(model.index(hot.row(), ReplicasModel::Status).data().toString(), QStringLiteral("lagging"));
        QCOMPARE(rowOf(model, QStringLiteral("shop"), QStringLiteral("c")), -1);
        QVERIFY(rowOf(model, QStringLiteral("shop"), QStringLiteral("d")) >= 0);

        // The same snapshot again changes nothing.
        changed.clear();
        model.setSnapshot(
            snapshot(agents,
                     {app(QStringLiteral("shop"),
                          QStringLiteral("a"),
                          {replica(QStringLiteral("b"), Tier::Hot, 5000), replica(QStringLiteral("d"), Tier::Warm)})}));
        QCOMPARE(changed.count(), 0);

        model.setSnapshot(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void severities_data()
    {
        QTest::addColumn<bool>("suspected");
        QTest::addColumn<bool>("integrityOk");
        QTest::addColumn<bool>("connected");
        QTest::addColumn<quint64>("lag");
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("severity");
        QTest::newRow("healthy") << false << true << true << quint64(3) << QStringLiteral("ok")
                                 << int(ReplicasModel::Healthy);
        QTest::newRow("lagging") << false << true << true << ReplicasModel::kLaggingSeqs << QStringLiteral("lagging")
                                 << int(ReplicasModel::Lagging);
        QTest::newRow("disconnected") << false << true << false << quint64(0) << QStringLiteral("disconnected")
                                      << int(ReplicasModel::Disconnected);
        QTest::newRow("integrity") << false << false << true << quint64(0) << QStringLiteral("INTEGRITY")
                                   << int(ReplicasModel::Mismatch);
        QTest::newRow("suspected host outranks all")
            << true << false << false << quint64(99999) << QStringLiteral("SUSPECTED") << int(ReplicasModel::Suspected);
    }
    void severities()
    {
        QFETCH(bool, suspected);
        QFETCH(bool, integrityOk);
        QFETCH(bool, connected);
        QFETCH(quint64, lag);
        QFETCH(QString, status);
        QFETCH(int, severity);
        failover::ReplicaView view = replica(QStringLiteral("b"), Tier::Hot, lag, integrityOk);
        view.connected = connected;
        ReplicasModel model;
        model.setSnapshot(snapshot({agent(QStringLiteral("a")), agent(QStringLiteral("b"), suspected)},
                                   {app(QStringLiteral("shop"), QStringLiteral("a"), {view})}));
        const int row = rowOf(model, QStringLiteral("shop"), QStringLiteral("b"));
        QCOMPARE(cell(model, row, ReplicasModel::Status), status);
        QCOMPARE(model.index(row, 0).data(ReplicasModel::SeverityRole).toInt(), severity);
    }

    void panelShowsTheWorstFirstAndFilters()
    {
        ReplicasModel model;
        ReplicasPanel panel(&model);
        model.setSnapshot(snapshot(kAgents,
                                   {app(QStringLiteral("shop"),
                                        QStringLiteral("a"),
                                        {replica(QStringLiteral("b"), Tier::Hot),
                                         replica(QStringLiteral("c"), Tier::Cold, 0, false)})}));
        QAbstractItemModel *view = panel.view()->model();
        QCOMPARE(view->rowCount(), 3);
        QCOMPARE(view->index(0, 0).data(ReplicasModel::AgentRole).toString(), QStringLiteral("c"));
        panel.proxy()->setFilterFixedString(QStringLiteral("hot"));
        QCOMPARE(view->rowCount(), 1);
        QCOMPARE(view->index(0, 0).data(ReplicasModel::AgentRole).toString(), QStringLiteral("b"));
    }
};

QTEST_MAIN(TestReplicasModel)
#include "tst_replicasmodel.moc"
