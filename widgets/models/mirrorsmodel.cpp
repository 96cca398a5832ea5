#include "models/mirrorsmodel.h"

#include <QBrush>
#include <QHash>
#include <QLocale>

#include "theme/theme.h"

namespace foresight::widgets {

namespace {

qint64 integer(const QCborMap &metrics, const char *key)
{
    return metrics.value(QLatin1String(key)).toInteger();
}

// One key per row: application, client name, and which client of that name.
QString rowKey(const QString &app, const QString &client, int occurrence)
{
    return app + QChar(0x1f) + client + QChar(0x1f) + QString::number(occurrence);
}

} // namespace

MirrorsModel::MirrorsModel(QObject *parent)
    : KeyedTableModel(parent)
{}

MirrorsModel::Row MirrorsModel::makeRow(const QString &app, const failover::MirrorClientView &client, int occurrence)
{
    const QCborMap &m = client.metrics;
    Row row;
    row.app = app;
    row.client = client.client;
    row.occurrence = occurrence;
    row.reportedMsAgo = client.reportedMsAgo;
    row.reads = integer(m, "reads");
    row.hits = integer(m, "hits");
    row.hitRatio = m.value(QStringLiteral("hit-ratio")).toDouble();
    if (m.value(QStringLiteral("mirrored")).isInteger())
        row.copies = integer(m, "mirrored");
    row.meanAgeMs = m.value(QStringLiteral("mean-hit-age-ms")).toDouble();
    row.refreshP99Us = integer(m, "refresh-p99-us");
    row.forecastsRight = integer(m, "forecasts-right");
    row.forecastsMissed = integer(m, "forecasts-missed");
    row.unannounced = integer(m, "unannounced-changes");
    row.outOfSync = integer(m, "out-of-sync-reads");
    row.missedEvents = integer(m, "missed-events");
    row.resyncs = integer(m, "resyncs");
    row.eventsLive = m.value(QStringLiteral("events-live")).toBool();
    return row;
}

void MirrorsModel::setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    QList<Row> fresh;
    if (snapshot) {
        for (const failover::AppView &app : snapshot->apps) {
            if (!app.mirrors)
                continue;
            QHash<QString, int> seen; // client name -> how many of it so far
            for (const failover::MirrorClientView &client : app.mirrors->clients)
                fresh.append(makeRow(app.name, client, seen[client.client]++));
        }
    }

    // Matched by client, so a view keeps its selection and sort while the clients keep reporting.
    replaceRows(m_rows, std::move(fresh), [](const Row &row) { return rowKey(row.app, row.client, row.occurrence); });
}

int MirrorsModel::rowOf(const QString &app, const QString &client) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].app == app && m_rows[i].client == client)
            return int(i);
    }
    return -1;
}

int MirrorsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MirrorsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MirrorsModel::display(const Row &row, int column) const
{
    const QLocale locale;
    switch (column) {
    case Application:
        return row.app;
    case Client:
        return row.client.isEmpty() ? tr("(unnamed)") : row.client;
    case Reads:
        return locale.toString(row.reads);
    case HitRatio:
        return tr("%1 %").arg(locale.toString(100 * row.hitRatio, 'f', 1));
    case PollsSaved:
        return locale.toString(row.hits);
    case Copies:
        return row.copies < 0 ? QString() : locale.toString(row.copies);
    case MeanAge:
        return row.hits > 0 ? tr("%1 ms").arg(locale.toString(row.meanAgeMs, 'f', 0)) : QString();
    case RefreshP99:
        return tr("≤ %1 µs").arg(locale.toString(row.refreshP99Us));
    case Forecasts: {
        const qint64 judged = row.forecastsRight + row.forecastsMissed;
        if (judged == 0)
            return tr("none judged");
        return tr("%1 % of %2")
            .arg(locale.toString(100.0 * double(row.forecastsRight) / double(judged), 'f', 0), locale.toString(judged));
    }
    case StaleReads:
        return locale.toString(row.unannounced);
    case Fallbacks:
        return locale.toString(row.outOfSync);
    case MissedEvents:
        return locale.toString(row.missedEvents);
    case Resyncs:
        return locale.toString(row.resyncs);
    case Events:
        return row.eventsLive ? tr("live") : tr("off");
    case Reported:
        return tr("%1 s ago").arg(locale.toString(double(row.reportedMsAgo) / 1000.0, 'f', 1));
    default:
        return {};
    }
}

QVariant MirrorsModel::number(const Row &row, int column) const
{
    switch (column) {
    case Reads:
        return row.reads;
    case HitRatio:
        return row.hitRatio;
    case PollsSaved:
        return row.hits;
    case Copies:
        return row.copies;
    case MeanAge:
        return row.meanAgeMs;
    case RefreshP99:
        return row.refreshP99Us;
    case Forecasts: {
        const qint64 judged = row.forecastsRight + row.forecastsMissed;
        return judged > 0 ? double(row.forecastsRight) / double(judged) : -1.0;
    }
    case StaleReads:
        return row.unannounced;
    case Fallbacks:
        return row.outOfSync;
    case MissedEvents:
        return row.missedEvents;
    case Resyncs:
        return row.resyncs;
    case Events:
        return int(row.eventsLive);
    case Reported:
        return row.reportedMsAgo;
    default:
        return display(row, column);
    }
}

QVariant MirrorsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case NumberRole:
        return number(row, index.column());
    case Qt::ToolTipRole:
        switch (index.column()) {
        case MeanAge:
            return tr("How old the copies were, on average, when they served a read: the mirror's freshness");
        case RefreshP99:
            return tr("99th percentile of a refresh from the source, as the upper bound of its latency bucket");
        case Forecasts:
            return tr("Refreshes made ahead of a forecast change: right when the change came inside the "
                      "window (%1 right, %2 missed)")
                .arg(row.forecastsRight)
                .arg(row.forecastsMissed);
        case StaleReads:
            return tr("Changes a refresh for age found that no change event and no forecast had announced: "
                      "reads before that refresh may have served the older value");
        case Fallbacks:
            return tr("Reads sent to the source because the key's copy was out of sync");
        case MissedEvents:
            return tr("Change events skipped in the sequence or overflowed: each forces a re-sync");
        case Events:
            return row.eventsLive ? tr("Change events arrive: copies last until an event names them")
                                  : tr("No change events: copies last their max age only (docs/mirrors.md)");
        default:
            return display(row, index.column());
        }
    case Qt::ForegroundRole:
        if ((index.column() == StaleReads && row.unannounced > 0)
            || (index.column() == MissedEvents && row.missedEvents > 0)
            || (index.column() == Fallbacks && row.outOfSync > 0))
            return QBrush(stateColor(StateColor::Warning));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= Reads && index.column() <= Resyncs)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case AppRole:
        return row.app;
    case ClientRole:
        return row.client;
    default:
        return {};
    }
}

QVariant MirrorsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Application:
        return tr("Application");
    case Client:
        return tr("Client");
    case Reads:
        return tr("Reads");
    case HitRatio:
        return tr("Hit ratio");
    case PollsSaved:
        return tr("Polls saved");
    case Copies:
        return tr("Copies");
    case MeanAge:
        return tr("Mean age");
    case RefreshP99:
        return tr("Refresh p99");
    case Forecasts:
        return tr("Forecasts right");
    case StaleReads:
        return tr("Stale reads detected");
    case Fallbacks:
        return tr("Source fallbacks");
    case MissedEvents:
        return tr("Missed events");
    case Resyncs:
        return tr("Re-syncs");
    case Events:
        return tr("Events");
    case Reported:
        return tr("Reported");
    default:
        return {};
    }
}

} // namespace foresight::widgets
