#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace foresight::widgets {

class ReplicasModel;

// Every copy of every application in a sortable, filterable table, the worst on top by default.
class ReplicasPanel final : public QWidget
{
    Q_OBJECT

public:
    // The model is the window's; the panel does not own it.
    explicit ReplicasPanel(ReplicasModel *model, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }

Q_SIGNALS:
    // A row was activated (double-click, Enter): the application and the agent holding the copy.
    void copyActivated(const QString &app, const QString &agent);

private:
    QLineEdit *m_filter = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
};

} // namespace foresight::widgets
