#include "models/replicasmodel.h"

#include <QBrush>
#include <QColor>
#include <QHash>

#include "theme/theme.h"

namespace foresight::widgets {

ReplicasModel::ReplicasModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ReplicasModel::mark(Row &row, Severity severity, const QString &status)
{
    row.severity = severity;
    row.status = status;
}

QList<ReplicasModel::Row> ReplicasModel::rowsOf(const ClusterSnapshot &snapshot)
{
    QList<Row> rows;
    for (const AppView &app : snapshot.apps) {
        const auto rowFor = [&snapshot](const QString &appName, const QString &agentName) {
            Row row;
            row.app = appName;
            row.agent = agentName;
            if (const AgentView *agent = snapshot.agent(agentName)) {
                row.host = agent->host;
                row.heardMsAgo = agent->heardMsAgo;
                if (!agent->heard)
                    mark(row, Failed, tr("never heard"));
                else if (agent->suspected)
                    mark(row, Suspected, tr("SUSPECTED"));
            }
            return row;
        };
        if (!app.primary.isEmpty()) {
            Row row = rowFor(app.name, app.primary);
            row.primary = true;
            if (row.severity == Healthy && !app.writable)
                mark(row, NotWritable, tr("not writable"));
            rows.append(row);
        }
        for (const ReplicaView &replica : app.replicas) {
            Row row = rowFor(app.name, replica.agent);
            row.tier = replica.tier;
            row.lag = replica.lag;
            row.roundTripMs = replica.rttMs;
            row.divergence = replica.divergence;
            row.integrityOk = replica.integrityOk;
            row.integrityNote = replica.integrityNote;
            for (const RankedCandidate &candidate : app.candidates) {
                if (candidate.facts.agent == replica.agent && candidate.facts.failureRisk > 0)
                    row.failureRisk = candidate.facts.failureRisk;
            }
            if (row.severity == Healthy && !replica.integrityOk)
                mark(row, Mismatch, tr("INTEGRITY"));
            else if (row.severity == Healthy && !replica.connected)
                mark(row, Disconnected, tr("disconnected"));
            else if (row.severity == Healthy && replica.lag >= kLaggingSeqs)
                mark(row, Lagging, tr("lagging"));
            rows.append(row);
        }
    }
    const QString ok = tr("ok");
    for (Row &row : rows) {
        if (row.status.isEmpty())
            row.status = ok;
    }
    return rows;
}

void ReplicasModel::setSnapshot(const std::shared_ptr<const ClusterSnapshot> &snapshot)
{
    const QList<Row> next = snapshot ? rowsOf(*snapshot) : QList<Row>();
    QHash<QPair<QString, QString>, qsizetype> wanted;
    for (qsizetype i = 0; i < next.size(); ++i)
        wanted.insert({next[i].app, next[i].agent}, i);

    // Rows that are gone, removed in contiguous ranges from the bottom up.
    for (qsizetype end = m_rows.size(); end > 0;) {
        if (wanted.contains({m_rows[end - 1].app, m_rows[end - 1].agent})) {
            --end;
            continue;
        }
        qsizetype begin = end - 1;
        while (begin > 0 && !wanted.contains({m_rows[begin - 1].app, m_rows[begin - 1].agent}))
            --begin;
        beginRemoveRows({}, int(begin), int(end - 1));
        m_rows.remove(begin, end - begin);
        endRemoveRows();
        end = begin;
    }
    // Rows that stay keep their place; their data changes in place, announced as one range per run
    // of changed rows (a sorting proxy re-sorts once per signal: one per row cost 16 ms a frame
    // at 2,000 rows).
    QHash<QPair<QString, QString>, qsizetype> have;
    qsizetype runStart = -1;
    const auto closeRun = [this, &runStart](qsizetype end) {
        if (runStart >= 0)
            Q_EMIT dataChanged(index(int(runStart), 0), index(int(end - 1), ColumnCount - 1));
        runStart = -1;
    };
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        have.insert({m_rows[i].app, m_rows[i].agent}, i);
        const Row &fresh = next[wanted.value({m_rows[i].app, m_rows[i].agent})];
        if (fresh == m_rows[i]) {
            closeRun(i);
            continue;
        }
        m_rows[i] = fresh;
        if (runStart < 0)
            runStart = i;
    }
    closeRun(m_rows.size());
    // New rows at the end, in one range.
    QList<Row> added;
    for (const Row &row : next) {
        if (!have.contains({row.app, row.agent}))
            added.append(row);
    }
    if (!added.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + added.size() - 1));
        m_rows.append(added);
        endInsertRows();
    }
}

int ReplicasModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ReplicasModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReplicasModel::display(const Row &row, int column) const
{
    switch (column) {
    case Status:
        return row.status;
    case Application:
        return row.app;
    case Agent:
        return row.host.isEmpty() || row.host == row.agent ? row.agent
                                                           : QStringLiteral("%1 (%2)").arg(row.agent, row.host);
    case Role:
        return row.primary ? tr("primary") : tr("replica");
    case Tier:
        return row.primary ? QString() : tierName(row.tier);
    case Lag:
        return row.primary ? QVariant() : QVariant(qulonglong(row.lag));
    case RoundTrip:
        return row.roundTripMs < 0 ? QVariant() : QVariant(QString::number(row.roundTripMs, 'f', 2));
    case Divergence:
        return row.primary ? QVariant() : QVariant(QString::number(row.divergence, 'f', 3));
    case Integrity:
        return row.primary ? QString() : row.integrityOk ? tr("ok") : tr("mismatch");
    case HeartbeatAge:
        return row.heardMsAgo < 0 ? QVariant(tr("never")) : QVariant(qlonglong(row.heardMsAgo));
    case FailureRisk:
        return row.failureRisk < 0 ? QVariant(QStringLiteral("—")) : QVariant(QString::number(row.failureRisk, 'f', 3));
    }
    return {};
}

QVariant ReplicasModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Integrity && !row.integrityOk)
            return row.integrityNote;
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Status && row.severity >= Mismatch)
            return QBrush(stateColor(StateColor::Critical));
        if (index.column() == Status && row.severity > Healthy)
            return QBrush(stateColor(StateColor::Warning));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Lag || index.column() == RoundTrip || index.column() == Divergence
            || index.column() == HeartbeatAge || index.column() == FailureRisk)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SeverityRole:
        return row.severity;
    case AppRole:
        return row.app;
    case AgentRole:
        return row.agent;
    }
    return {};
}

QVariant ReplicasModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Status:
        return tr("Status");
    case Application:
        return tr("Application");
    case Agent:
        return tr("Agent (host)");
    case Role:
        return tr("Role");
    case Tier:
        return tr("Tier");
    case Lag:
        return tr("Lag (seqs)");
    case RoundTrip:
        return tr("RTT (ms)");
    case Divergence:
        return tr("Divergence");
    case Integrity:
        return tr("Integrity");
    case HeartbeatAge:
        return tr("Heartbeat (ms ago)");
    case FailureRisk:
        return tr("Failure risk");
    }
    return {};
}

} // namespace foresight::widgets
