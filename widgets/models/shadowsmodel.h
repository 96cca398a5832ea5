#pragma once

#include <memory>

#include <QHash>
#include <QList>

#include "foresight/failover/clustersnapshot.h"
#include "models/keyedtablemodel.h"

namespace foresight::widgets {

// One row per application with what its shadow stands at (seeds 10110502 and 11531531): its
// criticality, the primary and its host's failure risk, the shadow's agent and host, its state,
// who deployed it and why, its discrepancy from the primary and the last swap's outcome. An
// application without a shadow has a row too (a shadow can be created for it). A thin adapter:
// rows are matched by application from one snapshot to the next, changes arrive as ranges.
class ShadowsModel final : public KeyedTableModel
{
    Q_OBJECT

public:
    enum Column {
        Application,
        Criticality,
        Primary,  // the primary's agent
        HostRisk, // the primary's host failure risk
        Shadow,   // the shadow's agent and host, or "none"
        State,    // catching up, ready, swapping, retiring; empty without a shadow
        Origin,   // predicted or operator
        Discrepancy,
        Differing, // keys and value bytes of the writes it has not acknowledged
        LastSwap,
        ColumnCount
    };
    enum Roles {
        AppRole = Qt::UserRole + 1, // QString
        ShadowAgentRole,            // QString, empty without a shadow
        StateRole,                  // QString, the engine's state name ("ready"), empty without a shadow
    };

    explicit ShadowsModel(QObject *parent = nullptr);

    void setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The row of an application, -1 if it has none.
    int rowOf(const QString &app) const;

    // The engine's words for the operator's: "catching-up" -> "catching up", translated.
    static QString stateText(const QString &state);
    static QString criticalityText(config::Criticality criticality);
    static QString originText(shadow::ShadowOrigin origin);

private:
    struct Row
    {
        QString app;
        config::Criticality criticality = config::Criticality::Medium;
        QString primary;
        double hostRisk = -1; // -1: no prediction for the primary's host
        QString shadowAgent;
        QString shadowHost;
        QString state;
        shadow::ShadowOrigin origin = shadow::ShadowOrigin::Predicted;
        QString reason;
        QString discrepancy;
        bool digestDiffers = false;
        qint64 keysDiffering = -1; // -1: unknown
        qint64 bytesDiffering = -1;
        bool differingPartial = false;
        QString lastSwap;
        bool operator==(const Row &other) const = default;
    };
    static Row makeRow(const QHash<QString, const failover::AgentView *> &agents, const failover::AppView &app);
    QVariant display(const Row &row, int column) const;

    QList<Row> m_rows;
};

} // namespace foresight::widgets
