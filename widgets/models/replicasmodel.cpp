#include "models/replicasmodel.h"

#include <algorithm>
#include <array>
#include <utility>

#include <QBrush>
#include <QColor>
#include <QHash>
#include <QSet>

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

QList<ReplicasModel::Row> ReplicasModel::rowsOf(const failover::ClusterSnapshot &snapshot)
{
    // ClusterSnapshot::agent() searches the list: 2,500 rows by 500 agents made it most of the
    // model's update (foresight-bench gui).
    QHash<QString, const failover::AgentView *> agents;
    agents.reserve(snapshot.agents.size());
    for (const failover::AgentView &agent : snapshot.agents)
        agents.insert(agent.name, &agent);

    // Translated once per snapshot, not once per row: a lookup through the translators for each
    // of 2,500 rows showed in the frame's profile.
    const QString neverHeard = tr("never heard");
    const QString suspected = tr("SUSPECTED");
    const QString notWritable = tr("not writable");
    const QString integrity = tr("INTEGRITY");
    const QString disconnected = tr("disconnected");
    const QString lagging = tr("lagging");
    const QString ok = tr("ok");

    QList<Row> rows;
    qsizetype copies = 0;
    for (const failover::AppView &app : snapshot.apps)
        copies += 1 + app.replicas.size();
    rows.reserve(copies);
    for (const failover::AppView &app : snapshot.apps) {
        const auto rowFor = [&](const QString &appName, const QString &agentName) {
            Row row;
            row.app = appName;
            row.agent = agentName;
            if (const failover::AgentView *agent = agents.value(agentName)) {
                row.host = agent->host;
                row.heardMsAgo = agent->heardMsAgo;
                row.failureRisk = agent->failureRisk; // the model's, for the host: -1 without a model
                if (!agent->heard)
                    mark(row, Failed, neverHeard);
                else if (agent->suspected)
                    mark(row, Suspected, suspected);
            }
            return row;
        };
        if (!app.primary.isEmpty()) {
            Row row = rowFor(app.name, app.primary);
            row.primary = true;
            if (row.severity == Healthy && !app.writable)
                mark(row, NotWritable, notWritable);
            rows.append(std::move(row));
        }
        for (const failover::ReplicaView &replica : app.replicas) {
            Row row = rowFor(app.name, replica.agent);
            row.tier = replica.tier;
            row.lag = replica.lag;
            row.roundTripMs = replica.rttMs;
            row.divergence = replica.divergence;
            row.integrityOk = replica.integrityOk;
            row.integrityNote = replica.integrityNote;
            if (row.severity == Healthy && !replica.integrityOk)
                mark(row, Mismatch, integrity);
            else if (row.severity == Healthy && !replica.connected)
                mark(row, Disconnected, disconnected);
            else if (row.severity == Healthy && replica.lag >= kLaggingSeqs)
                mark(row, Lagging, lagging);
            rows.append(std::move(row));
        }
    }
    for (Row &row : rows) {
        if (row.status.isEmpty())
            row.status = ok;
    }
    return rows;
}

std::optional<std::pair<int, int>> ReplicasModel::changedColumns(const Row &before, const Row &after)
{
    const bool role = before.primary != after.primary; // the replica-only columns blank or fill
    std::array<bool, ColumnCount> changed{};
    changed[Status] = before.severity != after.severity || before.status != after.status;
    changed[Application] = before.app != after.app;
    changed[Agent] = before.agent != after.agent || before.host != after.host;
    changed[Role] = role;
    changed[Tier] = role || before.tier != after.tier;
    changed[Lag] = role || before.lag != after.lag;
    changed[RoundTrip] = before.roundTripMs != after.roundTripMs;
    changed[Divergence] = role || before.divergence != after.divergence;
    changed[Integrity] = role || before.integrityOk != after.integrityOk || before.integrityNote != after.integrityNote;
    changed[HeartbeatAge] = before.heardMsAgo != after.heardMsAgo;
    changed[FailureRisk] = before.failureRisk != after.failureRisk;
    const auto first = std::find(changed.cbegin(), changed.cend(), true);
    if (first == changed.cend())
        return std::nullopt;
    const auto last = std::find(changed.crbegin(), changed.crend(), true);
    return std::pair{int(first - changed.cbegin()), int(changed.crend() - last - 1)};
}

void ReplicasModel::takeInPlace(QList<Row> fresh)
{
    // Changes are announced as one dataChanged per run of changed rows, over the columns that
    // changed in the run: a sorting proxy re-sorts once per signal (one per row cost 16 ms a
    // frame at 2,000 rows), and only the rows whose sort column is in the range. Lag, round trip
    // and heartbeat age change in every snapshot; under the default sort (status) those rows are
    // then only repainted, not re-sorted.
    struct Run
    {
        int first = -1;
        int last = -1;
        int left = 0;
        int right = 0;
    } run;
    const auto close = [this, &run] {
        if (run.first >= 0)
            Q_EMIT dataChanged(index(run.first, run.left), index(run.last, run.right));
        run = {};
    };
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const auto columns = changedColumns(m_rows[i], fresh[i]);
        if (!columns) {
            close();
            continue;
        }
        m_rows[i] = std::move(fresh[i]);
        if (run.first < 0)
            run = {int(i), int(i), columns->first, columns->second};
        run.last = int(i);
        run.left = std::min(run.left, columns->first);
        run.right = std::max(run.right, columns->second);
    }
    close();
}

void ReplicasModel::setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    QList<Row> next = snapshot ? rowsOf(*snapshot) : QList<Row>();
    // Usually the cluster's copies are the same, in the same order, as in the last snapshot:
    // then no row moves and the rows need not be matched by key.
    const bool sameRows = next.size() == m_rows.size()
                          && std::equal(next.cbegin(), next.cend(), m_rows.cbegin(), [](const Row &a, const Row &b) {
                                 return a.app == b.app && a.agent == b.agent;
                             });
    if (sameRows) {
        takeInPlace(std::move(next));
        return;
    }

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
    // Rows that stay keep their place; their data changes in place.
    QSet<QPair<QString, QString>> have;
    QList<Row> stayed;
    stayed.reserve(m_rows.size());
    for (const Row &row : std::as_const(m_rows)) {
        have.insert({row.app, row.agent});
        stayed.append(next[wanted.value({row.app, row.agent})]);
    }
    takeInPlace(std::move(stayed));
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
