#pragma once

#include <memory>
#include <optional>
#include <utility>

#include <QAbstractTableModel>
#include <QList>

#include "foresight/failover/clustersnapshot.h"

namespace foresight::widgets {

// Every copy of every application, one row each (the primary and its replicas), from the engine's
// snapshots. A thin adapter: rows are matched by (application, agent) from one snapshot to the
// next, so a view keeps its selection; changes arrive as row ranges, not resets.
class ReplicasModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Status, // the worst thing about the row, sorted by SeverityRole
        Application,
        Agent,
        Role,
        Tier,
        Lag,       // seqs behind the primary
        RoundTrip, // ms between the copy's agent and the primary's
        Divergence,
        Integrity,
        HeartbeatAge,
        FailureRisk,
        ColumnCount
    };
    enum Roles {
        SeverityRole = Qt::UserRole + 1, // int, higher is worse: the default sort
        AppRole,                         // QString
        AgentRole,                       // QString
    };

    // How bad a row is; the Status column says it in words.
    enum Severity {
        Healthy = 0,
        Lagging = 20,
        Disconnected = 40,
        Mismatch = 60,
        NotWritable = 70,
        Suspected = 80,
        Failed = 100
    };

    explicit ReplicasModel(QObject *parent = nullptr);

    void setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The row's SeverityRole without a QVariant, for sorting proxies; 0 out of range.
    int severityAt(int row) const { return row >= 0 && row < m_rows.size() ? m_rows[row].severity : 0; }

    // Lag at or beyond this many seqs counts as lagging.
    static constexpr quint64 kLaggingSeqs = 1000;

private:
    struct Row
    {
        QString app;
        QString agent;
        QString host;
        bool primary = false;
        foresight::Tier tier = foresight::Tier::None;
        quint64 lag = 0;
        double roundTripMs = -1;
        double divergence = 0;
        bool integrityOk = true;
        QString integrityNote;
        qint64 heardMsAgo = -1;
        double failureRisk = -1; // -1: no prediction yet
        int severity = Healthy;
        QString status;
    };
    static QList<Row> rowsOf(const failover::ClusterSnapshot &snapshot);
    // The first and last column whose display, tooltip or sort key differ; nullopt if none do.
    static std::optional<std::pair<int, int>> changedColumns(const Row &before, const Row &after);
    // Replaces the rows with fresh (the same copies, in the same order), announcing the changes.
    void takeInPlace(QList<Row> fresh);
    static void mark(Row &row, Severity severity, const QString &status);
    QVariant display(const Row &row, int column) const;

    QList<Row> m_rows;
};

} // namespace foresight::widgets
