#include "models/shadowsmodel.h"

#include <algorithm>

#include <QBrush>
#include <QHash>
#include <QLocale>

#include "theme/theme.h"

namespace foresight::widgets {

ShadowsModel::ShadowsModel(QObject *parent)
    : KeyedTableModel(parent)
{}

QString ShadowsModel::stateText(const QString &state)
{
    if (state == QLatin1String("catching-up"))
        return tr("catching up");
    if (state == QLatin1String("ready"))
        return tr("ready");
    if (state == QLatin1String("swapping"))
        return tr("swapping");
    if (state == QLatin1String("retiring"))
        return tr("retiring");
    return state; // a state this version does not know: the engine's word
}

QString ShadowsModel::criticalityText(config::Criticality criticality)
{
    switch (criticality) {
    case config::Criticality::Low:
        return tr("low");
    case config::Criticality::Medium:
        return tr("medium");
    case config::Criticality::High:
        return tr("high");
    case config::Criticality::Critical:
        return tr("critical");
    }
    return {};
}

QString ShadowsModel::originText(shadow::ShadowOrigin origin)
{
    switch (origin) {
    case shadow::ShadowOrigin::Predicted:
        return tr("predicted failure");
    case shadow::ShadowOrigin::Operator:
        return tr("operator");
    case shadow::ShadowOrigin::Update:
        return tr("previous version");
    }
    return {};
}

ShadowsModel::Row ShadowsModel::makeRow(const QHash<QString, const failover::AgentView *> &agents,
                                        const failover::AppView &app)
{
    Row row;
    row.app = app.name;
    row.criticality = app.criticality;
    row.primary = app.primary;
    if (app.shadow) {
        // The risk the engine acted on: held over the prediction horizon.
        row.hostRisk = app.shadow->primaryHostRisk;
    } else if (const failover::AgentView *primary = agents.value(app.primary)) {
        // Without a shadow the snapshot carries no held figure: the model's risk or, before there
        // is a model, the health baseline's anomaly, as the shadow planner reads them.
        row.hostRisk = std::max(primary->failureRisk, primary->anomaly);
    }
    if (app.shadow) {
        const failover::ShadowView &shadow = *app.shadow;
        row.shadowAgent = shadow.agent;
        row.shadowHost = shadow.host;
        row.state = shadow.state;
        row.origin = shadow.origin;
        row.reason = shadow.reason;
        row.discrepancy = shadow.discrepancy.describe();
        row.digestDiffers = !shadow.discrepancy.digestAgrees.value_or(true);
        row.keysDiffering = shadow.discrepancy.keysDiffering;
        row.bytesDiffering = shadow.discrepancy.bytesDiffering;
        row.differingPartial = shadow.discrepancy.differingPartial;
        row.lastSwap = shadow.lastSwap;
    }
    return row;
}

void ShadowsModel::setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    // Looked up through hashes, not ClusterSnapshot::agent() or rowOf(), which search lists: the
    // window's benchmark runs 500 applications over 500 agents.
    QHash<QString, const failover::AgentView *> agents;
    QList<Row> fresh;
    if (snapshot) {
        agents.reserve(snapshot->agents.size());
        for (const failover::AgentView &agent : snapshot->agents)
            agents.insert(agent.name, &agent);
        fresh.reserve(snapshot->apps.size());
        for (const failover::AppView &app : snapshot->apps)
            fresh.append(makeRow(agents, app));
    }

    // Matched by application, so a view keeps its selection while the cluster's applications stay.
    replaceRows(m_rows, std::move(fresh), [](const Row &row) { return row.app; });
}

int ShadowsModel::rowOf(const QString &app) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].app == app)
            return int(i);
    }
    return -1;
}

int ShadowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ShadowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ShadowsModel::display(const Row &row, int column) const
{
    const bool shadowed = !row.shadowAgent.isEmpty();
    switch (column) {
    case Application:
        return row.app;
    case Criticality:
        return criticalityText(row.criticality);
    case Primary:
        return row.primary.isEmpty() ? tr("none") : row.primary;
    case HostRisk:
        return row.hostRisk < 0 ? tr("no prediction") : QLocale().toString(row.hostRisk, 'f', 2);
    case Shadow:
        if (!shadowed)
            return tr("none");
        return row.shadowHost.isEmpty() || row.shadowHost == row.shadowAgent
                   ? row.shadowAgent
                   : tr("%1 (%2)").arg(row.shadowAgent, row.shadowHost);
    case State:
        return shadowed ? stateText(row.state) : QString();
    case Origin:
        return shadowed ? originText(row.origin) : QString();
    case Discrepancy:
        return shadowed ? row.discrepancy : QString();
    case Differing: {
        if (!shadowed)
            return QString();
        if (row.keysDiffering < 0)
            return tr("unknown");
        const QLocale locale;
        const QString keys = locale.toString(row.keysDiffering);
        const QString bytes = locale.formattedDataSize(row.bytesDiffering);
        // Partial: the primary stopped counting (a long backlog), so these are lower bounds.
        return row.differingPartial ? tr("at least %1 keys, %2").arg(keys, bytes) : tr("%1 keys, %2").arg(keys, bytes);
    }
    case LastSwap:
        return row.lastSwap;
    default:
        return {};
    }
}

QVariant ShadowsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Origin && !row.reason.isEmpty())
            return row.reason;
        if (index.column() == HostRisk)
            return tr("Failure risk of the primary's host (the engine's figure behind shadow deployment)");
        if (index.column() == Differing)
            return tr("Distinct keys, and the bytes of their values, among the writes the shadow has not "
                      "acknowledged yet");
        return display(row, index.column());
    case Qt::ForegroundRole:
        if (index.column() == Discrepancy && row.digestDiffers)
            return QBrush(stateColor(StateColor::Critical));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == HostRisk || index.column() == Differing)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case AppRole:
        return row.app;
    case ShadowAgentRole:
        return row.shadowAgent;
    case StateRole:
        return row.state;
    default:
        return {};
    }
}

QVariant ShadowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Application:
        return tr("Application");
    case Criticality:
        return tr("Criticality");
    case Primary:
        return tr("Primary");
    case HostRisk:
        return tr("Host risk");
    case Shadow:
        return tr("Shadow");
    case State:
        return tr("State");
    case Origin:
        return tr("Origin");
    case Discrepancy:
        return tr("Discrepancy");
    case Differing:
        return tr("Keys, bytes behind");
    case LastSwap:
        return tr("Last swap");
    default:
        return {};
    }
}

} // namespace foresight::widgets
