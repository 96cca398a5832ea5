#pragma once

#include <memory>

#include <QAbstractTableModel>
#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/failover/clustersnapshot.h"
#include "models/staleness.h"

namespace foresight::widgets {

// One application's staleness partitions (issue 20, docs/partitions.md), as its primary reported
// them: one row per partition with its impact class, tolerated staleness, size, use and score,
// then one column per replica agent with how stale that replica's copy of the partition is
// (or that it does not hold it), against the partition's tolerance.
//
// A thin adapter over the snapshots, which come about ten times a second: rows are matched by
// partition id and replica columns by agent from one snapshot to the next, so a partition whose
// figures change is one dataChanged, one that comes or goes one row inserted or removed, and a
// view keeps its selection and scroll position. Only setApp() resets the model.
class PartitionsModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Partition, // its id, or "cold · critical" for a cold partition
        ImpactClass,
        Tolerated,
        Keys,
        Size,
        Rate, // reads and writes per second
        LastAccess,
        Score,        // the staleness-impact score on its stalest replica that holds it
        FirstReplica, // one column per replica agent from here on
    };
    enum Roles {
        PartitionIdRole = Qt::UserRole + 1, // qint64, any column
        SortRole,                           // a number (or text) that sorts the column as it reads
        LevelRole, // replica columns: int(StalenessLevel) where the replica holds it, else invalid
        AgentRole, // headerData of a replica column: its agent
    };

    explicit PartitionsModel(QObject *parent = nullptr);

    // The application shown; resets the model (other partitions, other replicas).
    void setApp(const QString &app);
    QString app() const { return m_app; }
    void setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);

    // Whether the application's primary has reported partitions (the model is empty before).
    bool reported() const { return m_reported; }
    // The replica agents, in column order from FirstReplica.
    QStringList agents() const;
    // The row of a partition, -1 if it has none.
    int rowOf(qint64 partitionId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // What a replica's cell says: "not held", "current", or the staleness and how it stands
    // against the tolerance ("1.2 s · over"), so the state never rests on colour alone.
    static QString cellText(const failover::PartitionReplicaView &replica, qint64 toleratedMs);

private:
    struct Cell
    {
        bool listed = false; // the partition lists this replica
        bool held = false;
        qint64 stalenessMs = 0;
        double score = 0;
        bool operator==(const Cell &other) const = default;
    };
    struct Row
    {
        qint64 id = 0;
        bool cold = false;
        config::ImpactClass impactClass = config::ImpactClass::Low;
        qint64 toleratedMs = 0;
        qint64 keys = 0;
        qint64 bytes = 0;
        QStringList sample;
        double rate = 0;
        qint64 lastAccessWallMs = 0;
        double score = 0;
        QList<Cell> cells; // by column from FirstReplica
        bool operator==(const Row &other) const = default;
    };
    struct Agent
    {
        QString name;
        Tier tier = Tier::None;
    };

    // Brings the replica columns in line with the agents the partitions list.
    void updateColumns(const QList<Agent> &agents);
    void updateRows(QList<Row> fresh);
    static QList<Agent> agentsOf(const failover::PartitionsView &partitions);
    Row makeRow(const failover::PartitionView &partition) const;
    QVariant display(const Row &row, int column) const;
    QVariant sortKey(const Row &row, int column) const;
    QString toolTip(const Row &row, int column) const;
    void rebuild();

    QString m_app;
    std::shared_ptr<const failover::ClusterSnapshot> m_snapshot;
    bool m_reported = false;
    qint64 m_nowMs = 0; // the snapshot's time: what "last access ... ago" counts from
    QList<Agent> m_agents;
    QList<Row> m_rows;
};

} // namespace foresight::widgets
