#include "panels/eventspanel.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "models/eventsmodel.h"
#include "panels/rowtable.h"

namespace foresight::widgets {

namespace {

bool isOpenAlert(const QModelIndex &index)
{
    return index.data(EventsModel::AlertRole).toBool() && !index.data(EventsModel::AcknowledgedRole).toBool();
}

// Filters by the least severity shown on top of the text filter; sorts time by the entry's wall
// time (ties: the model's order, newest first) and severity by level.
class EventsProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setMinimumLevel(int level)
    {
        if (level == m_minimumLevel)
            return;
        m_minimumLevel = level;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
        if (index.data(EventsModel::SeverityRole).toInt() < m_minimumLevel)
            return false;
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    }

    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        if (left.column() == EventsModel::Time) {
            const qint64 l = left.data(EventsModel::WallMsRole).toLongLong();
            const qint64 r = right.data(EventsModel::WallMsRole).toLongLong();
            return l != r ? l < r : left.row() > right.row(); // a higher source row is older
        }
        if (left.column() == EventsModel::Severity)
            return left.data(EventsModel::SeverityRole).toInt() < right.data(EventsModel::SeverityRole).toInt();
        return QSortFilterProxyModel::lessThan(left, right);
    }

private:
    int m_minimumLevel = EventsModel::Info;
};

} // namespace

EventsPanel::EventsPanel(EventsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new QLineEdit(this))
    , m_severity(new QComboBox(this))
    , m_openAlerts(new QLabel(this))
    , m_acknowledge(new QAction(tr("&Acknowledge"), this))
    , m_acknowledgeAll(new QAction(tr("Acknowledge a&ll"), this))
    , m_proxy(new EventsProxy(this))
    , m_view(new QTableView(this))
{
    setObjectName(QStringLiteral("eventsPanel"));
    m_filter->setObjectName(QStringLiteral("eventsFilter"));
    m_filter->setPlaceholderText(tr("Filter by application, agent, kind, message…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Event filter"));

    m_severity->setObjectName(QStringLiteral("eventsSeverity"));
    m_severity->setAccessibleName(tr("Severity filter"));
    m_severity->addItem(tr("All events"), int(EventsModel::Info));
    m_severity->addItem(tr("Warnings and above"), int(EventsModel::Warning));
    m_severity->addItem(tr("Critical only"), int(EventsModel::Critical));

    m_openAlerts->setObjectName(QStringLiteral("eventsOpenAlerts"));
    m_openAlerts->setAccessibleName(tr("Open alerts"));

    // Shortcuts live on the panel, not the window: they cannot collide with another panel's.
    m_acknowledge->setObjectName(QStringLiteral("eventsAcknowledge"));
    m_acknowledge->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_acknowledge->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_acknowledge->setToolTip(
        tr("Acknowledge the selected alerts (%1)").arg(m_acknowledge->shortcut().toString(QKeySequence::NativeText)));
    m_acknowledgeAll->setObjectName(QStringLiteral("eventsAcknowledgeAll"));
    m_acknowledgeAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_acknowledgeAll->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_acknowledgeAll->setToolTip(tr("Acknowledge every open alert the filters show (%1)")
                                     .arg(m_acknowledgeAll->shortcut().toString(QKeySequence::NativeText)));
    addAction(m_acknowledge);
    addAction(m_acknowledgeAll);
    const auto button = [this](QAction *action, const QString &accessibleName) {
        auto *tool = new QToolButton(this);
        tool->setDefaultAction(action);
        tool->setToolButtonStyle(Qt::ToolButtonTextOnly);
        tool->setAccessibleName(accessibleName);
        return tool;
    };

    m_proxy->setSourceModel(model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1); // every column
    m_proxy->setDynamicSortFilter(true);
    m_view->setObjectName(QStringLiteral("eventsView"));
    m_view->setModel(m_proxy);
    m_view->setAccessibleName(tr("Events and alerts"));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(EventsModel::Time, Qt::DescendingOrder); // the newest on top
    setUpRowTable(m_view);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    fitColumnsOnFirstRows(m_view, m_proxy);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_severity);
    bar->addWidget(m_openAlerts);
    bar->addWidget(button(m_acknowledge, tr("Acknowledge the selected alerts")));
    bar->addWidget(button(m_acknowledgeAll, tr("Acknowledge all shown alerts")));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_severity, &QComboBox::currentIndexChanged, this, [this] {
        static_cast<EventsProxy *>(m_proxy)->setMinimumLevel(m_severity->currentData().toInt());
    });
    connect(m_acknowledge, &QAction::triggered, this, &EventsPanel::acknowledgeSelected);
    connect(m_acknowledgeAll, &QAction::triggered, this, &EventsPanel::acknowledgeShown);
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        const QString agent = index.data(EventsModel::AgentRole).toString();
        const QString app = index.data(EventsModel::AppRole).toString();
        if (!agent.isEmpty())
            Q_EMIT agentActivated(agent);
        else if (!app.isEmpty())
            Q_EMIT applicationActivated(app);
    });

    // Whether there is something to acknowledge changes with the selection and with the rows.
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &EventsPanel::updateActions);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &EventsPanel::updateActions);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &EventsPanel::updateActions);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &EventsPanel::updateActions);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &EventsPanel::updateActions);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &EventsPanel::updateActions);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &EventsPanel::updateActions);
    connect(m_model, &EventsModel::openAlertsChanged, this, &EventsPanel::updateActions);
    updateActions();
}

void EventsPanel::acknowledgeSelected()
{
    QModelIndexList selected = m_view->selectionModel()->selectedRows();
    if (selected.isEmpty() && m_view->currentIndex().isValid())
        selected.append(m_view->currentIndex());
    QList<int> rows;
    for (const QModelIndex &index : selected)
        rows.append(m_proxy->mapToSource(index).row());
    m_model->acknowledge(rows);
}

void EventsPanel::acknowledgeShown()
{
    QList<int> rows;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (isOpenAlert(index))
            rows.append(m_proxy->mapToSource(index).row());
    }
    m_model->acknowledge(rows);
}

void EventsPanel::updateActions()
{
    bool selectedOpen = false;
    QModelIndexList selected = m_view->selectionModel()->selectedRows();
    if (selected.isEmpty() && m_view->currentIndex().isValid())
        selected.append(m_view->currentIndex());
    for (const QModelIndex &index : selected)
        selectedOpen = selectedOpen || isOpenAlert(index);
    m_acknowledge->setEnabled(selectedOpen);
    bool shownOpen = false;
    for (int row = 0; m_model->openAlerts() > 0 && !shownOpen && row < m_proxy->rowCount(); ++row)
        shownOpen = isOpenAlert(m_proxy->index(row, 0));
    m_acknowledgeAll->setEnabled(shownOpen);

    const int open = m_model->openAlerts();
    m_openAlerts->setText(open == 0 ? tr("No open alerts") : tr("%n open alert(s)", nullptr, open));
}

} // namespace foresight::widgets
