// EventsModel and EventsPanel from synthetic snapshots of a fake engine's journal: only new entries
// become rows (by the snapshot's numbering), the newest on top, capped; an engine restart and
// another cluster; severities of the engine's own messages; acknowledging alerts; the panel's
// filters, acknowledge actions and activation signals. Every change is checked by
// QAbstractItemModelTester.

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

#include "models/eventsmodel.h"
#include "panels/eventspanel.h"

using namespace foresight;
using foresight::widgets::EventsModel;
using foresight::widgets::EventsPanel;

namespace {

storage::JournalEntry entry(const QString &kind,
                            const QString &message,
                            const QString &app = {},
                            const QString &agent = {},
                            const QJsonObject &details = {})
{
    storage::JournalEntry e;
    e.wallMs = 1'700'000'000'000;
    e.kind = kind;
    e.app = app;
    e.agent = agent;
    e.actor = QStringLiteral("engine");
    e.message = message;
    e.details = details;
    return e;
}

// Writes journal entries the way the engine does and publishes its last 500 of them.
class FakeEngine
{
public:
    explicit FakeEngine(QString cluster = QStringLiteral("test"))
        : m_cluster(std::move(cluster))
        , m_startMs(1'700'000'000'000 + 10'000'000 * s_started++) // each engine its own times
    {}

    // n info entries numbered from the journal's count ("event 1", "event 2", ...).
    void write(int n)
    {
        for (int i = 0; i < n; ++i) {
            storage::JournalEntry e = entry(QStringLiteral("deploy"),
                                            QStringLiteral("event %1").arg(m_journal.size() + 1));
            e.wallMs = m_startMs + m_journal.size() * 1000;
            m_journal.append(e);
        }
    }
    void write(const storage::JournalEntry &e) { m_journal.append(e); }

    std::shared_ptr<const failover::ClusterSnapshot> snapshot() const
    {
        auto s = std::make_shared<failover::ClusterSnapshot>();
        s->clusterName = m_cluster;
        s->journalCount = m_journal.size();
        s->recentJournal = m_journal.mid(std::max<qsizetype>(0, m_journal.size() - kRecent));
        return s;
    }

    static constexpr qsizetype kRecent = 500;

private:
    static inline int s_started = 0;
    QString m_cluster;
    qint64 m_startMs = 0;
    QList<storage::JournalEntry> m_journal;
};

QString message(const QAbstractItemModel &model, int row)
{
    return model.index(row, EventsModel::Message).data().toString();
}

// The messages from the top row down.
QStringList messages(const QAbstractItemModel &model)
{
    QStringList list;
    for (int row = 0; row < model.rowCount(); ++row)
        list.append(message(model, row));
    return list;
}

QStringList events(int from, int to) // "event to" down to "event from": newest first
{
    QStringList list;
    for (int i = to; i >= from; --i)
        list.append(QStringLiteral("event %1").arg(i));
    return list;
}

// One row per severity, the engine's own wording, for the panel tests.
void writeMixed(FakeEngine &engine)
{
    engine.write(entry(QStringLiteral("engine"), QStringLiteral("engine started: 3 agents, 2 applications")));
    engine.write(entry(QStringLiteral("deploy"),
                       QStringLiteral("deployed: primary a and 2 replicas"),
                       QStringLiteral("shop"),
                       QStringLiteral("a")));
    engine.write(entry(QStringLiteral("investigation"),
                       QStringLiteral("primary a silent for 600 ms; asking its replicas"),
                       QStringLiteral("shop"),
                       QStringLiteral("a")));
    engine.write(entry(QStringLiteral("decision"),
                       QStringLiteral("failover decided: primary a silent; score 0.9"),
                       QStringLiteral("shop"),
                       QStringLiteral("a")));
    engine.write(entry(QStringLiteral("operator"),
                       QStringLiteral("acknowledged the failover of 'blog' (incident 3)"),
                       QStringLiteral("blog")));
}

} // namespace

class TestEventsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyNewEntriesAreAdded()
    {
        EventsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        FakeEngine engine;
        engine.write(4);
        model.setSnapshot(engine.snapshot());
        QCOMPARE(messages(model), events(1, 4));

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        const auto same = engine.snapshot();
        model.setSnapshot(same);
        model.setSnapshot(same);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(model.rowCount(), 4);

        engine.write(3);
        model.setSnapshot(engine.snapshot());
        QCOMPARE(inserted.count(), 1); // one range, at the top
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 2);
        QCOMPARE(messages(model), events(1, 7));
        QCOMPARE(removed.count(), 0);
        QCOMPARE(reset.count(), 0);

        model.setSnapshot(nullptr); // no cluster open: the history stays
        QCOMPARE(model.rowCount(), 7);
        model.setSnapshot(engine.snapshot());
        QCOMPARE(model.rowCount(), 7);
    }

    void followsTheJournalPastItsWindow()
    {
        // The snapshot carries the last 500 entries only: numbering, not position, says what is new.
        EventsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        FakeEngine engine;
        for (int step = 0; step < 100; ++step) {
            engine.write(7);
            model.setSnapshot(engine.snapshot());
        }
        QCOMPARE(model.rowCount(), 700);
        QCOMPARE(messages(model), events(1, 700));

        // More than the window between two snapshots: the newest 500 are all that can be had.
        engine.write(650);
        model.setSnapshot(engine.snapshot());
        QCOMPARE(model.rowCount(), 1200);
        QCOMPARE(message(model, 0), QStringLiteral("event 1350"));
        QCOMPARE(message(model, 499), QStringLiteral("event 851"));
        QCOMPARE(message(model, 500), QStringLiteral("event 700"));
    }

    void capDropsTheOldest()
    {
        EventsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.capacity(), EventsModel::kDefaultCapacity);
        model.setCapacity(10);
        FakeEngine engine;
        engine.write(8);
        model.setSnapshot(engine.snapshot());
        QCOMPARE(model.rowCount(), 8);

        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        engine.write(5);
        model.setSnapshot(engine.snapshot());
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 5); // the bottom three rows
        QCOMPARE(removed.at(0).at(2).toInt(), 7);
        QCOMPARE(messages(model), events(4, 13));

        // A batch larger than the cap: only its newest rows are taken.
        engine.write(30);
        model.setSnapshot(engine.snapshot());
        QCOMPARE(messages(model), events(34, 43));

        model.setCapacity(4);
        QCOMPARE(messages(model), events(40, 43));
        model.setCapacity(0); // at least one row
        QCOMPARE(model.capacity(), 1);
        QCOMPARE(model.rowCount(), 1);
    }

    void engineRestartStartsTheNumberingOver()
    {
        EventsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        FakeEngine first;
        first.write(5);
        model.setSnapshot(first.snapshot());

        // journalCount goes down: a new engine, all of its entries are new; the history stays.
        FakeEngine second;
        second.write(entry(QStringLiteral("engine"), QStringLiteral("engine started: 3 agents, 2 applications")));
        second.write(entry(QStringLiteral("deploy"), QStringLiteral("adopted")));
        model.setSnapshot(second.snapshot());
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(message(model, 0), QStringLiteral("adopted"));
        QCOMPARE(message(model, 1), QStringLiteral("engine started: 3 agents, 2 applications"));
        QCOMPARE(message(model, 2), QStringLiteral("event 5"));
        second.write(1);
        model.setSnapshot(second.snapshot());
        QCOMPARE(model.rowCount(), 8);
        QCOMPARE(message(model, 0), QStringLiteral("event 3"));

        // A restart that wrote more than the old engine by its first snapshot: the entry at the
        // last number seen is not the one seen, so it is a restart too.
        FakeEngine third;
        third.write(entry(QStringLiteral("engine"), QStringLiteral("engine started again")));
        third.write(20);
        model.setSnapshot(third.snapshot());
        QCOMPARE(model.rowCount(), 8 + 21);
        QCOMPARE(message(model, 0), QStringLiteral("event 21"));
        QCOMPARE(message(model, 20), QStringLiteral("engine started again"));

        // Another cluster: nothing shown belongs to it.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        FakeEngine other(QStringLiteral("elsewhere"));
        other.write(2);
        model.setSnapshot(other.snapshot());
        QCOMPARE(reset.count(), 1);
        QCOMPARE(messages(model), events(1, 2));

        // clear() empties the table, and what was seen does not come back.
        model.clear();
        model.setSnapshot(other.snapshot());
        QCOMPARE(model.rowCount(), 0);
        other.write(1);
        model.setSnapshot(other.snapshot());
        QCOMPARE(messages(model), events(3, 3));
    }

    void severities_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("discarded");
        QTest::addColumn<int>("level");
        const int info = EventsModel::Info;
        const int warning = EventsModel::Warning;
        const int critical = EventsModel::Critical;
        // Critical: the failover itself and what makes it necessary or dangerous.
        QTest::newRow("suspected") << "detection"
                                   << "suspected: no heartbeat for 900 ms (phi 8.1 >= 8.0)" << 0 << critical;
        QTest::newRow("failover decided")
            << "decision"
            << "failover decided: primary a silent for 900 ms; score 0.9" << 0 << critical;
        QTest::newRow("promoted") << "promotion"
                                  << "promoted b (former hot replica, seq 10) to primary at epoch 2, replacing a" << 0
                                  << critical;
        QTest::newRow("promote failed") << "promotion"
                                        << "promote failed: timeout; trying the next candidate" << 0 << critical;
        QTest::newRow("integrity mismatch") << "integrity"
                                            << "integrity mismatch: digest x at seq 5, the primary had y; excluded "
                                               "from promotion"
                                            << 0 << critical;
        QTest::newRow("fenced") << "agent"
                                << "a reports its copy of shop fenced" << 0 << critical;
        // Warning: something is wrong or stuck.
        QTest::newRow("investigation") << "investigation"
                                       << "primary a silent for 600 ms; asking its replicas" << 0 << warning;
        QTest::newRow("cut-off") << "investigation"
                                 << "the console does not hear a but b still do: not failing over" << 0 << warning;
        QTest::newRow("blocked") << "decision"
                                 << "not failing over: automatic failover is off" << 0 << warning;
        QTest::newRow("hook veto") << "hook"
                                   << "pre-failover hook vetoed promoting b: exit 1" << 0 << warning;
        QTest::newRow("hook failed") << "hook"
                                     << "post-failover hook failed (exit 2, timed out)" << 0 << warning;
        QTest::newRow("move abandoned") << "topology"
                                        << "hot replica move b → c abandoned: c did not catch up" << 0 << warning;
        QTest::newRow("release failed") << "topology"
                                        << "release failed: timeout" << 0 << warning;
        QTest::newRow("switchover failed") << "switchover"
                                           << "switchover failed: b did not catch up" << 0 << warning;
        QTest::newRow("switchover not started") << "switchover"
                                                << "scheduled switchover not started: no target" << 0 << warning;
        QTest::newRow("lease refused") << "lease"
                                       << "lease refused: epoch too old" << 0 << warning;
        QTest::newRow("cannot watch") << "agent"
                                      << "cannot watch: bad key" << 0 << warning;
        QTest::newRow("rejoin lost writes") << "rejoin"
                                            << "old primary (epoch 1, seq 12) is back" << 3 << warning;
        QTest::newRow("predicted values served") << "prediction"
                                                 << "b serves 5 predicted values for keys the gap of 6 sequence "
                                                    "numbers probably changed"
                                                 << 0 << warning;
        QTest::newRow("unknown kind failing") << "backup"
                                              << "Backup FAILED: disk full" << 0 << warning;
        // Info: the rest.
        QTest::newRow("heard again") << "detection"
                                     << "heard again after 900 ms of silence (restarted)" << 0 << info;
        QTest::newRow("investigation closed") << "detection"
                                              << "primary heard again; investigation closed, no failover" << 0 << info;
        QTest::newRow("first write") << "promotion"
                                     << "first acknowledged write on the new primary 1200 ms after the failure was "
                                        "detected"
                                     << 0 << info;
        QTest::newRow("digest agrees") << "integrity"
                                       << "digest agrees with the primary's again at seq 9" << 0 << info;
        QTest::newRow("hook passed") << "hook"
                                     << "pre-failover hook passed" << 0 << info;
        QTest::newRow("hook done") << "hook"
                                   << "post-failover hook done" << 0 << info;
        QTest::newRow("move started") << "topology"
                                      << "moving the hot replica from b (4.0 ms) to c (1.0 ms)" << 0 << info;
        QTest::newRow("move done") << "topology"
                                   << "hot replica move b → c done: c is hot (1.0 ms), b now warm" << 0 << info;
        QTest::newRow("deploy") << "deploy"
                                << "deployed: primary a and 2 replicas" << 0 << info;
        QTest::newRow("restore") << "restore"
                                 << "assigned as a warm replica to restore the configured tiers" << 0 << info;
        QTest::newRow("repoint") << "repoint"
                                 << "re-pointed (hot) at the new primary b" << 0 << info;
        QTest::newRow("operator") << "operator"
                                  << "a is in maintenance: never promoted, never given new replicas" << 0 << info;
        QTest::newRow("engine started") << "engine"
                                        << "engine started: 3 agents, 2 applications" << 0 << info;
        QTest::newRow("predictions judged") << "prediction"
                                            << "the real deltas of the gap arrived from a: 4 of 5 predicted values "
                                               "were right, 1 wrong"
                                            << 0 << info;
        QTest::newRow("rejoin clean") << "rejoin"
                                      << "old primary (epoch 1, seq 9) is back" << 0 << info;
    }
    void severities()
    {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        QFETCH(int, discarded);
        QFETCH(int, level);
        const storage::JournalEntry e = entry(kind,
                                              message,
                                              QStringLiteral("shop"),
                                              QStringLiteral("b"),
                                              QJsonObject{{QStringLiteral("discarded-writes"), discarded}});
        QCOMPARE(int(EventsModel::severityOf(e)), level);

        EventsModel model;
        FakeEngine engine;
        engine.write(e);
        model.setSnapshot(engine.snapshot());
        const QModelIndex severity = model.index(0, EventsModel::Severity);
        QCOMPARE(severity.data(EventsModel::SeverityRole).toInt(), level);
        QCOMPARE(severity.data().toString(), EventsModel::levelName(EventsModel::Level(level)));
        QCOMPARE(severity.data(EventsModel::AlertRole).toBool(), level != EventsModel::Info);
        QCOMPARE(model.openAlerts(), level != EventsModel::Info ? 1 : 0);
        QCOMPARE(model.index(0, EventsModel::Alert).data().toString(),
                 level != EventsModel::Info ? QStringLiteral("open") : QString());
    }

    void columnsAndRoles()
    {
        EventsModel model;
        FakeEngine engine;
        storage::JournalEntry e = entry(QStringLiteral("hook"),
                                        QStringLiteral("pre-failover hook vetoed promoting b: exit 1"),
                                        QStringLiteral("shop"),
                                        QStringLiteral("b"),
                                        QJsonObject{{QStringLiteral("exit"), 1}});
        e.actor = QStringLiteral("alice");
        engine.write(e);
        model.setSnapshot(engine.snapshot());
        const auto cell = [&model](int column, int role = Qt::DisplayRole) { return model.index(0, column).data(role); };
        const QDateTime when = QDateTime::fromMSecsSinceEpoch(e.wallMs);
        QCOMPARE(cell(EventsModel::Time).toString(), when.toString(QStringLiteral("HH:mm:ss")));
        QCOMPARE(cell(EventsModel::Time, Qt::ToolTipRole).toString(),
                 when.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t")));
        QCOMPARE(cell(EventsModel::Severity).toString(), QStringLiteral("warning"));
        QCOMPARE(cell(EventsModel::Kind).toString(), QStringLiteral("hook"));
        QCOMPARE(cell(EventsModel::Application).toString(), QStringLiteral("shop"));
        QCOMPARE(cell(EventsModel::Agent).toString(), QStringLiteral("b"));
        QCOMPARE(cell(EventsModel::Actor).toString(), QStringLiteral("alice"));
        QCOMPARE(cell(EventsModel::Message).toString(), e.message);
        QVERIFY(cell(EventsModel::Message, Qt::ToolTipRole).toString().contains(QStringLiteral("\"exit\":1")));
        QCOMPARE(cell(0, EventsModel::AppRole).toString(), QStringLiteral("shop"));
        QCOMPARE(cell(0, EventsModel::AgentRole).toString(), QStringLiteral("b"));
        QCOMPARE(cell(0, EventsModel::KindRole).toString(), QStringLiteral("hook"));
        QCOMPARE(cell(0, EventsModel::WallMsRole).toLongLong(), e.wallMs);
        QCOMPARE(model.entry(0).message, e.message);
        QCOMPARE(model.entry(1).message, QString()); // out of range
        QCOMPARE(model.headerData(EventsModel::Severity, Qt::Horizontal).toString(), QStringLiteral("Severity"));
        QCOMPARE(model.columnCount(), int(EventsModel::ColumnCount));
    }

    void acknowledgeClosesAlerts()
    {
        EventsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy open(&model, &EventsModel::openAlertsChanged);
        FakeEngine engine;
        writeMixed(engine); // rows: operator, decision (critical), investigation (warning), deploy, engine
        model.setSnapshot(engine.snapshot());
        QCOMPARE(model.openAlerts(), 2);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.takeLast().at(0).toInt(), 2);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QCOMPARE(model.acknowledge(0), 0); // info: not an alert
        QCOMPARE(model.acknowledge(99), 0);
        QCOMPARE(open.count(), 0);
        QCOMPARE(changed.count(), 0);

        QCOMPARE(model.acknowledge(1), 1);
        QCOMPARE(model.openAlerts(), 1);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.takeLast().at(0).toInt(), 1);
        QCOMPARE(changed.count(), 1);
        const QModelIndex decided = model.index(1, EventsModel::Alert);
        QVERIFY(decided.data(EventsModel::AcknowledgedRole).toBool());
        QCOMPARE(decided.data().toString(), QStringLiteral("acknowledged"));
        QVERIFY(decided.data(Qt::ForegroundRole).isValid()); // greyed
        QCOMPARE(model.acknowledge(1), 0);                   // already
        QCOMPARE(open.count(), 0);

        // New alerts are open; acknowledgeAll closes them all in one change.
        engine.write(
            entry(QStringLiteral("detection"), QStringLiteral("suspected: no heartbeat"), {}, QStringLiteral("c")));
        model.setSnapshot(engine.snapshot());
        QCOMPARE(model.openAlerts(), 2);
        QCOMPARE(open.takeLast().at(0).toInt(), 2);
        changed.clear();
        QCOMPARE(model.acknowledgeAll(), 2);
        QCOMPARE(model.openAlerts(), 0);
        QCOMPARE(open.takeLast().at(0).toInt(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.acknowledgeAll(), 0);
        QCOMPARE(open.count(), 0);

        // An open alert that the cap drops is no longer open.
        engine.write(entry(QStringLiteral("decision"), QStringLiteral("not failing over: no eligible candidate")));
        model.setSnapshot(engine.snapshot());
        QCOMPARE(model.openAlerts(), 1);
        model.setCapacity(1);
        QCOMPARE(model.openAlerts(), 1); // the newest row is the alert
        engine.write(1);
        model.setSnapshot(engine.snapshot());
        QCOMPARE(model.openAlerts(), 0);
        QCOMPARE(open.takeLast().at(0).toInt(), 0);
    }

    void panelFilters()
    {
        EventsModel model;
        EventsPanel panel(&model);
        FakeEngine engine;
        writeMixed(engine);
        model.setSnapshot(engine.snapshot());
        QAbstractItemModel *view = panel.view()->model();
        QCOMPARE(view->rowCount(), 5);
        QCOMPARE(view->index(0, EventsModel::Kind).data().toString(), QStringLiteral("operator")); // newest on top

        panel.severityFilter()->setCurrentIndex(1); // warnings and above
        QCOMPARE(view->rowCount(), 2);
        panel.severityFilter()->setCurrentIndex(2); // critical
        QCOMPARE(view->rowCount(), 1);
        QCOMPARE(view->index(0, EventsModel::Kind).data().toString(), QStringLiteral("decision"));
        panel.severityFilter()->setCurrentIndex(0);
        QCOMPARE(view->rowCount(), 5);

        QTest::keyClicks(panel.filterEdit(), QStringLiteral("SHOP"));
        QCOMPARE(view->rowCount(), 3);
        panel.severityFilter()->setCurrentIndex(1);
        QCOMPARE(view->rowCount(), 2); // both filters at once
        panel.filterEdit()->setText(QStringLiteral("blog"));
        QCOMPARE(view->rowCount(), 0);
        panel.filterEdit()->clear();
        panel.severityFilter()->setCurrentIndex(0);

        // New rows arrive on top through the proxy too.
        engine.write(1);
        model.setSnapshot(engine.snapshot());
        QCOMPARE(view->rowCount(), 6);
        QCOMPARE(view->index(0, EventsModel::Message).data().toString(), QStringLiteral("event 6"));
    }

    void panelAcknowledges()
    {
        EventsModel model;
        EventsPanel panel(&model);
        FakeEngine engine;
        writeMixed(engine);
        model.setSnapshot(engine.snapshot());
        panel.show();
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        QTableView *view = panel.view();
        view->setFocus();
        QVERIFY(panel.acknowledgeAllAction()->isEnabled());

        view->selectRow(0); // info: nothing to acknowledge
        QVERIFY(!panel.acknowledgeAction()->isEnabled());
        view->selectRow(1); // the decision
        QVERIFY(panel.acknowledgeAction()->isEnabled());
        QTest::keyClick(view, Qt::Key_K, Qt::ControlModifier);
        QCOMPARE(model.openAlerts(), 1);
        QVERIFY(view->model()->index(1, 0).data(EventsModel::AcknowledgedRole).toBool());
        QVERIFY(!panel.acknowledgeAction()->isEnabled());

        // "Acknowledge all" takes what the filters show, nothing hidden.
        engine.write(entry(QStringLiteral("promotion"), QStringLiteral("promoted b to primary at epoch 2")));
        model.setSnapshot(engine.snapshot());
        QCOMPARE(model.openAlerts(), 2);
        panel.severityFilter()->setCurrentIndex(2); // critical only: the promotion
        QTest::keyClick(view, Qt::Key_K, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(model.openAlerts(), 1); // the investigation, a warning, is still open
        QVERIFY(!panel.acknowledgeAllAction()->isEnabled());
        panel.severityFilter()->setCurrentIndex(0);
        QVERIFY(panel.acknowledgeAllAction()->isEnabled());
        panel.acknowledgeAllAction()->trigger();
        QCOMPARE(model.openAlerts(), 0);
    }

    void panelActivation()
    {
        EventsModel model;
        EventsPanel panel(&model);
        FakeEngine engine;
        writeMixed(engine); // rows: operator (app blog), decision (shop, a), ..., engine (neither)
        model.setSnapshot(engine.snapshot());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy apps(&panel, &EventsPanel::applicationActivated);
        QSignalSpy agents(&panel, &EventsPanel::agentActivated);
        QTableView *view = panel.view();
        view->setFocus();

        view->setCurrentIndex(view->model()->index(1, EventsModel::Message));
        QTest::keyClick(view, Qt::Key_Return);
        QCOMPARE(agents.count(), 1); // the row names an agent: jump to it
        QCOMPARE(agents.takeFirst().at(0).toString(), QStringLiteral("a"));
        QCOMPARE(apps.count(), 0);

        view->setCurrentIndex(view->model()->index(0, EventsModel::Time));
        QTest::keyClick(view, Qt::Key_Enter);
        QCOMPARE(apps.count(), 1); // no agent: jump to the application
        QCOMPARE(apps.takeFirst().at(0).toString(), QStringLiteral("blog"));

        const QModelIndex neither = view->model()->index(4, 0); // "engine started"
        QCOMPARE(neither.data(EventsModel::KindRole).toString(), QStringLiteral("engine"));
        Q_EMIT view->activated(neither);
        QCOMPARE(apps.count() + agents.count(), 0);

        const QModelIndex decided = view->model()->index(1, EventsModel::Severity);
        const QPoint where = view->visualRect(decided).center();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, where); // a double click's first press
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, where);
        QCOMPARE(agents.count(), 1);
    }

    void accessibleNames()
    {
        EventsModel model;
        EventsPanel panel(&model);
        QVERIFY(!panel.view()->accessibleName().isEmpty());
        QVERIFY(!panel.filterEdit()->accessibleName().isEmpty());
        QVERIFY(!panel.severityFilter()->accessibleName().isEmpty());
        QCOMPARE(panel.acknowledgeAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_K));
        QCOMPARE(panel.acknowledgeAllAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    }
};

QTEST_MAIN(TestEventsModel)
#include "tst_eventsmodel.moc"
