#include "models/eventsmodel.h"

#include <algorithm>

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QJsonDocument>

#include "theme/theme.h"

namespace foresight::widgets {

namespace {

bool sameEntry(const storage::JournalEntry &a, const storage::JournalEntry &b)
{
    return a.wallMs == b.wallMs && a.kind == b.kind && a.app == b.app && a.agent == b.agent && a.message == b.message;
}

} // namespace

EventsModel::EventsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

EventsModel::Level EventsModel::severityOf(const storage::JournalEntry &entry)
{
    const QString kind = entry.kind.toLower();
    const QString message = entry.message.toLower();
    const auto says = [&message](QLatin1StringView words) { return message.contains(words); };

    if ((kind == QLatin1StringView("decision") && message.startsWith(QLatin1StringView("failover decided")))
        || (kind == QLatin1StringView("promotion") && !message.startsWith(QLatin1StringView("first acknowledged write")))
        || (kind == QLatin1StringView("integrity") && says(QLatin1StringView("mismatch")))
        || (kind == QLatin1StringView("detection") && message.startsWith(QLatin1StringView("suspected")))
        || says(QLatin1StringView("fenced")))
        return Critical;

    // Words the engine uses for something that went wrong; kept generic so that a kind added
    // later still surfaces its failures.
    if (kind == QLatin1StringView("investigation") || kind == QLatin1StringView("decision")
        || says(QLatin1StringView("failed")) || says(QLatin1StringView("vetoed"))
        || says(QLatin1StringView("abandoned")) || says(QLatin1StringView("refused"))
        || says(QLatin1StringView("not started")) || says(QLatin1StringView("cannot ")))
        return Warning;
    // Predicted values served as state: speculative until the real deltas judge them.
    if (kind == QLatin1StringView("prediction") && says(QLatin1StringView(" serves ")))
        return Warning;
    // A former primary coming back loses the writes it never got acknowledged: worth a look.
    if (kind == QLatin1StringView("rejoin")
        && entry.details.value(QLatin1StringView("discarded-writes")).toInteger() > 0)
        return Warning;
    return Info;
}

QString EventsModel::levelName(Level level)
{
    switch (level) {
    case Critical:
        return tr("critical");
    case Warning:
        return tr("warning");
    case Info:
        break;
    }
    return tr("info");
}

void EventsModel::setOpenAlerts(int open)
{
    if (open == m_openAlerts)
        return;
    m_openAlerts = open;
    Q_EMIT openAlertsChanged(open);
}

void EventsModel::dropOldest(qsizetype count)
{
    count = std::min(count, m_rows.size());
    if (count <= 0)
        return;
    const int size = int(m_rows.size());
    int open = m_openAlerts;
    for (qsizetype i = 0; i < count; ++i)
        open -= m_rows[i].isOpenAlert() ? 1 : 0;
    beginRemoveRows({}, size - int(count), size - 1);
    m_rows.remove(0, count);
    endRemoveRows();
    setOpenAlerts(open);
}

void EventsModel::setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    if (!snapshot)
        return;
    const failover::ClusterSnapshot &s = *snapshot;
    if (m_seenSnapshot && s.clusterName != m_clusterName) {
        // Another cluster: nothing shown so far belongs to it.
        beginResetModel();
        m_rows.clear();
        endResetModel();
        setOpenAlerts(0);
        m_lastNumber = 0;
        m_hasLastEntry = false;
    }
    m_seenSnapshot = true;
    m_clusterName = s.clusterName;

    const qsizetype size = s.recentJournal.size();
    const qint64 first = s.journalCount - size + 1; // number of recentJournal[0]
    bool restarted = s.journalCount < m_lastNumber;
    if (!restarted && m_hasLastEntry && m_lastNumber >= first && m_lastNumber <= s.journalCount)
        restarted = !sameEntry(s.recentJournal[qsizetype(m_lastNumber - first)], m_lastEntry);
    if (restarted)
        m_lastNumber = 0;

    qsizetype from = std::max<qint64>(0, m_lastNumber - first + 1);
    from = std::max(from, size - m_capacity); // more than fit: only the newest
    if (from < size) {
        const qsizetype count = size - from;
        dropOldest(m_rows.size() + count - m_capacity);
        int open = m_openAlerts;
        beginInsertRows({}, 0, int(count - 1));
        for (qsizetype i = from; i < size; ++i) {
            Row row{s.recentJournal[i], severityOf(s.recentJournal[i]), false};
            open += row.isOpenAlert() ? 1 : 0;
            m_rows.append(std::move(row));
        }
        endInsertRows();
        setOpenAlerts(open);
    }
    m_lastNumber = s.journalCount;
    m_hasLastEntry = size > 0;
    m_lastEntry = m_hasLastEntry ? s.recentJournal.last() : storage::JournalEntry();
}

void EventsModel::setCapacity(int rows)
{
    m_capacity = std::max(1, rows);
    dropOldest(m_rows.size() - m_capacity);
}

void EventsModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    setOpenAlerts(0);
}

int EventsModel::acknowledge(int row)
{
    return acknowledge(QList<int>{row});
}

int EventsModel::acknowledge(const QList<int> &rows)
{
    QList<int> sorted = rows;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    int done = 0;
    int rangeBegin = -1;
    int rangeEnd = -1;
    const auto flush = [&] {
        if (rangeBegin >= 0)
            Q_EMIT dataChanged(index(rangeBegin, 0), index(rangeEnd, ColumnCount - 1));
        rangeBegin = rangeEnd = -1;
    };
    for (const int row : sorted) {
        if (row < 0 || row >= m_rows.size() || !rowAt(row).isOpenAlert())
            continue;
        rowAt(row).acknowledged = true;
        ++done;
        if (row != rangeEnd + 1)
            flush();
        if (rangeBegin < 0)
            rangeBegin = row;
        rangeEnd = row;
    }
    flush();
    setOpenAlerts(m_openAlerts - done);
    return done;
}

int EventsModel::acknowledgeAll()
{
    int done = 0;
    int firstRow = -1;
    int lastRow = -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (!rowAt(row).isOpenAlert())
            continue;
        rowAt(row).acknowledged = true;
        ++done;
        if (firstRow < 0)
            firstRow = row;
        lastRow = row;
    }
    // One range, even if it spans rows that did not change: one repaint instead of many.
    if (done > 0)
        Q_EMIT dataChanged(index(firstRow, 0), index(lastRow, ColumnCount - 1));
    setOpenAlerts(m_openAlerts - done);
    return done;
}

storage::JournalEntry EventsModel::entry(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return rowAt(row).entry;
}

int EventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventsModel::display(const Row &row, int column) const
{
    const storage::JournalEntry &e = row.entry;
    switch (column) {
    case Time:
        return e.wallMs > 0 ? QDateTime::fromMSecsSinceEpoch(e.wallMs).toString(QStringLiteral("HH:mm:ss")) : QString();
    case Severity:
        return levelName(row.level);
    case Alert:
        if (row.level == Info)
            return QString();
        return row.acknowledged ? tr("acknowledged") : tr("open");
    case Kind:
        return e.kind;
    case Application:
        return e.app;
    case Agent:
        return e.agent;
    case Actor:
        return e.actor;
    case Message:
        return e.message;
    }
    return {};
}

QVariant EventsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const Row &row = rowAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Time && row.entry.wallMs > 0)
            return QDateTime::fromMSecsSinceEpoch(row.entry.wallMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t"));
        if (index.column() == Message) {
            if (row.entry.details.isEmpty())
                return row.entry.message;
            return QString(row.entry.message + QLatin1Char('\n')
                           + QString::fromUtf8(QJsonDocument(row.entry.details).toJson(QJsonDocument::Compact)));
        }
        return {};
    case Qt::ForegroundRole:
        if (row.acknowledged)
            return QBrush(QColor(0x9e, 0x9e, 0x9e)); // greyed: dealt with
        if (index.column() == Severity && row.level == Critical)
            return QBrush(stateColor(StateColor::Critical));
        if (index.column() == Severity && row.level == Warning)
            return QBrush(stateColor(StateColor::Warning));
        return {};
    case Qt::FontRole:
        if (row.level == Critical && !row.acknowledged) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case SeverityRole:
        return int(row.level);
    case AppRole:
        return row.entry.app;
    case AgentRole:
        return row.entry.agent;
    case KindRole:
        return row.entry.kind;
    case WallMsRole:
        return row.entry.wallMs;
    case AlertRole:
        return row.level != Info;
    case AcknowledgedRole:
        return row.acknowledged;
    }
    return {};
}

QVariant EventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Severity:
        return tr("Severity");
    case Alert:
        return tr("Alert");
    case Kind:
        return tr("Kind");
    case Application:
        return tr("Application");
    case Agent:
        return tr("Agent");
    case Actor:
        return tr("Actor");
    case Message:
        return tr("Message");
    }
    return {};
}

} // namespace foresight::widgets
