#include "models/partitionsmodel.h"

#include <algorithm>
#include <limits>

#include <QBrush>
#include <QHash>
#include <QLocale>
#include <QSet>

namespace foresight::widgets {

PartitionsModel::PartitionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

QString PartitionsModel::cellText(const failover::PartitionReplicaView &replica, qint64 toleratedMs)
{
    if (!replica.held)
        return tr("not held");
    const StalenessLevel level = Staleness::level(replica.stalenessMs, toleratedMs);
    switch (level) {
    case StalenessLevel::Current:
        return tr("current");
    case StalenessLevel::Within:
        return tr("%1 · within").arg(Staleness::durationText(replica.stalenessMs));
    case StalenessLevel::Over:
        return tr("%1 · over").arg(Staleness::durationText(replica.stalenessMs));
    case StalenessLevel::FarOver:
        return tr("%1 · far over").arg(Staleness::durationText(replica.stalenessMs));
    }
    return {};
}

void PartitionsModel::setApp(const QString &app)
{
    if (app == m_app)
        return;
    beginResetModel();
    m_app = app;
    m_agents.clear();
    m_rows.clear();
    m_reported = false;
    endResetModel();
    rebuild();
}

void PartitionsModel::setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    m_snapshot = snapshot;
    rebuild();
}

QList<PartitionsModel::Agent> PartitionsModel::agentsOf(const failover::PartitionsView &partitions)
{
    // Every replica any partition lists, in the order first listed: the primary reports the same
    // links for every partition, so this is its replica links' order.
    QList<Agent> agents;
    QSet<QString> seen;
    for (const failover::PartitionView &partition : partitions.list) {
        for (const failover::PartitionReplicaView &replica : partition.replicas) {
            if (seen.contains(replica.agent))
                continue;
            seen.insert(replica.agent);
            agents.append({replica.agent, replica.tier});
        }
    }
    return agents;
}

PartitionsModel::Row PartitionsModel::makeRow(const failover::PartitionView &partition) const
{
    Row row;
    row.id = partition.id;
    row.cold = partition.cold;
    row.impactClass = partition.impactClass;
    row.toleratedMs = partition.toleratedMs;
    row.keys = partition.keys;
    row.bytes = partition.bytes;
    row.sample = partition.sample;
    row.rate = partition.rate;
    row.lastAccessWallMs = partition.lastAccessWallMs;
    row.score = partition.score;
    row.cells.resize(m_agents.size());
    for (const failover::PartitionReplicaView &replica : partition.replicas) {
        for (qsizetype i = 0; i < m_agents.size(); ++i) {
            if (m_agents[i].name == replica.agent) {
                row.cells[i] = Cell{true, replica.held, replica.stalenessMs, replica.score};
                break;
            }
        }
    }
    return row;
}

void PartitionsModel::rebuild()
{
    const failover::AppView *app = m_snapshot && !m_app.isEmpty() ? m_snapshot->app(m_app) : nullptr;
    const failover::PartitionsView *partitions = app && app->partitions ? &*app->partitions : nullptr;
    m_reported = partitions != nullptr;
    const qint64 nowBefore = m_nowMs;
    m_nowMs = m_snapshot ? m_snapshot->takenWallMs : 0;

    updateColumns(partitions ? agentsOf(*partitions) : QList<Agent>());
    QList<Row> fresh;
    if (partitions) {
        fresh.reserve(partitions->list.size());
        QSet<qint64> ids;
        for (const failover::PartitionView &partition : partitions->list) {
            if (ids.contains(partition.id))
                continue; // a repeated id would make two rows one key: the first one stands
            ids.insert(partition.id);
            fresh.append(makeRow(partition));
        }
    }
    updateRows(std::move(fresh));
    // "Last access ... ago" counts from the snapshot's time: one range for the whole column.
    if (m_nowMs != nowBefore && !m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, LastAccess), index(int(m_rows.size()) - 1, LastAccess), {Qt::DisplayRole});
}

void PartitionsModel::updateColumns(const QList<Agent> &agents)
{
    QSet<QString> wanted;
    for (const Agent &agent : agents)
        wanted.insert(agent.name);
    // Gone agents' columns removed, from the right so the indices ahead stay valid.
    for (int i = int(m_agents.size()) - 1; i >= 0; --i) {
        if (wanted.contains(m_agents[i].name))
            continue;
        beginRemoveColumns({}, FirstReplica + i, FirstReplica + i);
        m_agents.removeAt(i);
        for (Row &row : m_rows)
            row.cells.removeAt(i);
        endRemoveColumns();
    }
    // Known ones keep their column (a tier change renames its header); new ones are appended.
    for (const Agent &agent : agents) {
        qsizetype at = -1;
        for (qsizetype i = 0; i < m_agents.size(); ++i) {
            if (m_agents[i].name == agent.name) {
                at = i;
                break;
            }
        }
        if (at >= 0) {
            if (m_agents[at].tier != agent.tier) {
                m_agents[at].tier = agent.tier;
                Q_EMIT headerDataChanged(Qt::Horizontal, FirstReplica + int(at), FirstReplica + int(at));
            }
            continue;
        }
        const int column = FirstReplica + int(m_agents.size());
        beginInsertColumns({}, column, column);
        m_agents.append(agent);
        for (Row &row : m_rows)
            row.cells.append(Cell{});
        endInsertColumns();
    }
}

void PartitionsModel::updateRows(QList<Row> fresh)
{
    // Rows matched by partition id: gone ones removed, known ones changed in place, new ones
    // appended, so a view keeps its selection while the partitions stay.
    QSet<qint64> wanted;
    for (const Row &row : std::as_const(fresh))
        wanted.insert(row.id);
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (wanted.contains(m_rows[i].id))
            continue;
        // A run of gone rows leaves in one removal.
        int first = i;
        while (first > 0 && !wanted.contains(m_rows[first - 1].id))
            --first;
        beginRemoveRows({}, first, i);
        m_rows.remove(first, i - first + 1);
        endRemoveRows();
        i = first;
    }
    QHash<qint64, int> rows;
    rows.reserve(m_rows.size());
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        rows.insert(m_rows[i].id, int(i));
    QList<Row> added;
    int changedFirst = -1;
    int changedLast = -1;
    const auto flush = [&] {
        if (changedFirst >= 0)
            Q_EMIT dataChanged(index(changedFirst, 0), index(changedLast, columnCount() - 1));
        changedFirst = changedLast = -1;
    };
    // In row order, so that changed neighbours go out as one range.
    QList<std::pair<int, Row *>> known;
    for (Row &row : fresh) {
        const int at = rows.value(row.id, -1);
        if (at < 0)
            added.append(std::move(row));
        else
            known.append({at, &row});
    }
    std::sort(known.begin(), known.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &[at, row] : known) {
        if (m_rows[at] == *row)
            continue;
        m_rows[at] = std::move(*row);
        if (changedFirst >= 0 && at != changedLast + 1)
            flush();
        if (changedFirst < 0)
            changedFirst = at;
        changedLast = at;
    }
    flush();
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_rows.append(added);
        endInsertRows();
    }
}

QStringList PartitionsModel::agents() const
{
    QStringList names;
    names.reserve(m_agents.size());
    for (const Agent &agent : m_agents)
        names.append(agent.name);
    return names;
}

int PartitionsModel::rowOf(qint64 partitionId) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].id == partitionId)
            return int(i);
    }
    return -1;
}

int PartitionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PartitionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstReplica + int(m_agents.size());
}

QVariant PartitionsModel::display(const Row &row, int column) const
{
    const QLocale locale;
    switch (column) {
    case Partition:
        return Staleness::partitionName(row.id, row.cold, row.impactClass);
    case ImpactClass:
        return Staleness::impactClassText(row.impactClass);
    case Tolerated:
        return Staleness::durationText(row.toleratedMs);
    case Keys:
        return locale.toString(row.keys);
    case Size:
        return locale.formattedDataSize(row.bytes);
    case Rate:
        return tr("%1/s").arg(locale.toString(row.rate, 'f', row.rate < 10 ? 1 : 0));
    case LastAccess:
        if (row.lastAccessWallMs <= 0)
            return tr("never");
        return tr("%1 ago").arg(Staleness::durationText(m_nowMs - row.lastAccessWallMs));
    case Score:
        return locale.toString(row.score, 'f', 2);
    default:
        break;
    }
    const qsizetype replica = column - FirstReplica;
    if (replica < 0 || replica >= row.cells.size() || !row.cells[replica].listed)
        return QStringLiteral("—");
    const Cell &cell = row.cells[replica];
    failover::PartitionReplicaView view;
    view.held = cell.held;
    view.stalenessMs = cell.stalenessMs;
    return cellText(view, row.toleratedMs);
}

QVariant PartitionsModel::sortKey(const Row &row, int column) const
{
    switch (column) {
    case Partition:
        // Clustered partitions by id, then the cold ones, critical first (ids -3 .. 0).
        return row.cold ? std::numeric_limits<qint64>::max() / 2 + 3 + row.id : row.id;
    case ImpactClass:
        return int(row.impactClass);
    case Tolerated:
        return row.toleratedMs;
    case Keys:
        return row.keys;
    case Size:
        return row.bytes;
    case Rate:
        return row.rate;
    case LastAccess:
        return row.lastAccessWallMs;
    case Score:
        return row.score;
    default:
        break;
    }
    const qsizetype replica = column - FirstReplica;
    if (replica < 0 || replica >= row.cells.size() || !row.cells[replica].listed)
        return qint64(-2);
    // Not held sorts below current: it is neither stale nor fresh, it is absent.
    return row.cells[replica].held ? row.cells[replica].stalenessMs : qint64(-1);
}

QString PartitionsModel::toolTip(const Row &row, int column) const
{
    if (column == Partition) {
        const QString what = row.cold ? tr("The cold partition of the %1 keys no cluster took.")
                                            .arg(Staleness::impactClassText(row.impactClass))
                                      : tr("Partition %1.").arg(row.id);
        return row.sample.isEmpty() ? what
                                    : tr("%1 Most used keys: %2").arg(what, row.sample.join(QStringLiteral(", ")));
    }
    if (column == Score)
        return tr("The staleness-impact score on its stalest replica that holds it: class weight × frequency factor "
                  "× staleness / tolerated staleness; 0 when every such replica is current.");
    if (column == Tolerated)
        return tr("The staleness this partition's strictest key tolerates (the application's impact function).");
    const qsizetype replica = column - FirstReplica;
    if (replica < 0 || replica >= row.cells.size())
        return display(row, column).toString();
    const Agent &agent = m_agents[replica];
    const Cell &cell = row.cells[replica];
    if (!cell.listed)
        return tr("%1 is not listed as a replica of this partition.").arg(agent.name);
    if (!cell.held)
        return tr("%1's %2 replica does not carry this partition yet (a warm replica carries the critical "
                  "partitions only until its scheduled stream starts): a promotion would not have it.")
            .arg(agent.name, tierName(agent.tier));
    const StalenessLevel level = Staleness::level(cell.stalenessMs, row.toleratedMs);
    if (level == StalenessLevel::Current)
        return tr("%1 holds every change of this partition.").arg(agent.name);
    return tr("%1 has lacked a change of this partition for %2; it tolerates %3 (%4×): %5. Score %6.")
        .arg(agent.name,
             Staleness::durationText(cell.stalenessMs),
             Staleness::durationText(row.toleratedMs),
             QLocale().toString(Staleness::ratio(cell.stalenessMs, row.toleratedMs), 'f', 1),
             Staleness::levelText(level),
             QLocale().toString(cell.score, 'f', 2));
}

QVariant PartitionsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= columnCount())
        return {};
    const Row &row = m_rows[index.row()];
    const int column = index.column();
    const qsizetype replica = column - FirstReplica;
    const Cell *cell = replica >= 0 && replica < row.cells.size() ? &row.cells[replica] : nullptr;
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case Qt::ToolTipRole:
        return toolTip(row, column);
    case Qt::ForegroundRole:
        if (cell && cell->listed && cell->held)
            return QBrush(Staleness::levelColor(Staleness::level(cell->stalenessMs, row.toleratedMs)));
        return {};
    case Qt::TextAlignmentRole:
        if (column == Keys || column == Size || column == Rate || column == Score || column == Tolerated)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case PartitionIdRole:
        return row.id;
    case SortRole:
        return sortKey(row, column);
    case LevelRole:
        if (cell && cell->listed && cell->held)
            return int(Staleness::level(cell->stalenessMs, row.toleratedMs));
        return {};
    default:
        return {};
    }
}

QVariant PartitionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    const qsizetype replica = section - FirstReplica;
    if (replica >= 0 && replica < m_agents.size()) {
        const Agent &agent = m_agents[replica];
        switch (role) {
        case Qt::DisplayRole:
            return tr("%1 (%2)").arg(agent.name, tierName(agent.tier));
        case Qt::ToolTipRole:
            return tr("How long %1's %2 replica has lacked a change of each partition, against the partition's "
                      "tolerated staleness.")
                .arg(agent.name, tierName(agent.tier));
        case AgentRole:
            return agent.name;
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Partition:
        return tr("Partition");
    case ImpactClass:
        return tr("Impact");
    case Tolerated:
        return tr("Tolerated");
    case Keys:
        return tr("Keys");
    case Size:
        return tr("Size");
    case Rate:
        return tr("Access rate");
    case LastAccess:
        return tr("Last access");
    case Score:
        return tr("Score");
    default:
        return {};
    }
}

} // namespace foresight::widgets
