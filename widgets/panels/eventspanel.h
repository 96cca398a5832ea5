#pragma once

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace foresight::widgets {

class EventsModel;

// Events and alerts: the journal as a timeline, the newest on top, filtered by text (any column)
// and by severity, with the open alerts counted and acknowledged here. Activating a row (double
// click, Enter) asks the window to jump to its agent, or to its application when it names no
// agent.
//
// Keyboard: Ctrl+K acknowledges the selected alerts, Ctrl+Shift+K every open alert the filters
// show; both work while the focus is anywhere in the panel.
class EventsPanel final : public QWidget
{
    Q_OBJECT

public:
    // The model is the window's; the panel does not own it.
    explicit EventsPanel(EventsModel *model, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *severityFilter() const { return m_severity; } // item data: the least EventsModel::Level shown
    QAction *acknowledgeAction() const { return m_acknowledge; }
    QAction *acknowledgeAllAction() const { return m_acknowledgeAll; }

    // Acknowledge the selected rows' alerts (the current row's when none is selected).
    void acknowledgeSelected();
    // Acknowledge every open alert that passes the filters: never one the operator cannot see.
    void acknowledgeShown();

Q_SIGNALS:
    void applicationActivated(const QString &app);
    void agentActivated(const QString &agent);

private:
    void updateActions();

    EventsModel *m_model = nullptr;
    QLineEdit *m_filter = nullptr;
    QComboBox *m_severity = nullptr;
    QLabel *m_openAlerts = nullptr;
    QAction *m_acknowledge = nullptr;
    QAction *m_acknowledgeAll = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
};

} // namespace foresight::widgets
