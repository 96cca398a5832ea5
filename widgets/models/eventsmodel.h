#pragma once

#include <memory>

#include <QAbstractTableModel>
#include <QList>
#include <QString>

#include "foresight/failover/clustersnapshot.h"
#include "foresight/storage/consolestore.h"

namespace foresight::widgets {

// The engine's journal as a timeline of events, the newest on top (row 0), fed by the snapshots'
// recentJournal. Each entry becomes one row once: entry i of a snapshot is number
// journalCount - recentJournal.size() + i + 1, and only numbers above the newest one already
// shown are added (same snapshot twice: nothing; three more entries: three rows inserted at the
// top, in one range). Rows are capped at capacity(); beyond it the oldest go, from the bottom.
//
// The engine restarting numbers its entries from 1 again. That is detected when journalCount
// goes down, or when the entry at the newest number already shown is not the one shown (a
// restart that wrote more entries than before by the time its first snapshot arrived). The
// numbering then starts over: every entry of the new engine's snapshot is new. The rows already
// shown stay: they are the earlier history of the same cluster. A snapshot of another cluster
// (clusterName changed) resets the model. A null snapshot (no cluster open) changes nothing.
// If more than recentJournal's 500 entries were written between two snapshots, the ones in
// between are not in any snapshot and are missing here; the console store has them.
//
// Severity, from the entry's kind and message (severityOf()):
//   Critical  kind "decision" whose message starts "failover decided"; kind "promotion", except
//             "first acknowledged write on the new primary …" (the failover's all-clear: Info);
//             kind "integrity" saying "mismatch"; kind "detection" starting "suspected"; any
//             entry whose message mentions "fenced".
//   Warning   kind "investigation" (a silent primary, and the cut-off verdict); kind "decision"
//             otherwise ("not failing over: …", a blocked failover); any message saying "failed",
//             "vetoed", "abandoned", "refused", "not started" or "cannot " (hook veto or failure,
//             a hot-replica move abandoned, release/assign/switchover failed, a lease or a
//             subscription refused, an agent that cannot be watched); kind "rejoin" whose
//             details say unacknowledged writes were discarded ("discarded-writes" > 0); kind
//             "prediction" saying a new primary " serves " predicted values (a speculative
//             overlay, until the gap's real deltas judge it).
//   Info      the rest: deploy, adopt, restore, repoint, assign, operator commands, topology
//             moves started or done, hooks passed or done, switchovers, agents heard again,
//             engine started or stopped.
// Matching is case-insensitive; unknown kinds follow the same message rules, so a new kind of
// failure reads as a warning rather than slipping by as info.
//
// Alerts: warning and critical rows. Each is open until acknowledged here (acknowledge(),
// acknowledgeAll()); acknowledged rows are greyed and their Alert column says so. This is the
// window's own bookkeeping, not the engine's incident acknowledgement (ConsoleBridge::acknowledge),
// and it is not persisted. openAlerts() counts the open ones; openAlertsChanged reports every
// change (new alerts, acknowledgements, alerts dropped by the cap, resets).
//
// GUI thread only, like every model.
class EventsModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Time,     // local HH:mm:ss; the tooltip has the full date
        Severity, // sorted by SeverityRole
        Alert,    // "open", "acknowledged", empty for info rows
        Kind,
        Application,
        Agent,
        Actor,
        Message, // the tooltip adds the entry's details
        ColumnCount
    };
    enum Roles {
        SeverityRole = Qt::UserRole + 1, // int, a Level: higher is worse
        AppRole,                         // QString, may be empty
        AgentRole,                       // QString, may be empty
        KindRole,                        // QString
        WallMsRole,                      // qint64, Unix ms
        AlertRole,                       // bool: warning or critical
        AcknowledgedRole,                // bool: an alert that was acknowledged
    };
    enum Level { Info = 0, Warning = 1, Critical = 2 };

    static constexpr int kDefaultCapacity = 5000;

    explicit EventsModel(QObject *parent = nullptr);

    void setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);

    // At least 1; lowering it drops the oldest rows at once.
    void setCapacity(int rows);
    int capacity() const { return m_capacity; }
    // Empties the table; entries already seen do not come back with the next snapshot.
    void clear();

    // Rows are the view's rows (0 is the newest). Each returns how many alerts it acknowledged:
    // rows that are not alerts, already acknowledged or out of range are skipped.
    int acknowledge(int row);
    int acknowledge(const QList<int> &rows);
    int acknowledgeAll();
    int openAlerts() const { return m_openAlerts; }

    // The entry behind a row (its id is 0: the snapshot's entries are not numbered by the store).
    storage::JournalEntry entry(int row) const;

    static Level severityOf(const storage::JournalEntry &entry);
    static QString levelName(Level level);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void openAlertsChanged(int open);

private:
    struct Row
    {
        storage::JournalEntry entry;
        Level level = Info;
        bool acknowledged = false;
        bool isOpenAlert() const { return level != Info && !acknowledged; }
    };
    // m_rows is oldest first, so appending and dropping the oldest are cheap; view row r is
    // m_rows[size - 1 - r].
    const Row &rowAt(int row) const { return m_rows[m_rows.size() - 1 - row]; }
    Row &rowAt(int row) { return m_rows[m_rows.size() - 1 - row]; }
    void dropOldest(qsizetype count);
    void setOpenAlerts(int open);
    QVariant display(const Row &row, int column) const;

    QList<Row> m_rows;
    int m_capacity = kDefaultCapacity;
    int m_openAlerts = 0;
    bool m_seenSnapshot = false;
    QString m_clusterName;
    qint64 m_lastNumber = 0;           // journal number of the newest entry taken (0: none)
    storage::JournalEntry m_lastEntry; // that entry, to recognise it in the next snapshot
    bool m_hasLastEntry = false;
};

} // namespace foresight::widgets
