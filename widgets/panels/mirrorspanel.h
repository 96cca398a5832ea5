#pragma once

#include <memory>

#include <QWidget>

#include "foresight/failover/clustersnapshot.h"

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace foresight::widgets {

class MirrorsModel;

// The clients' mirrors (issue 21 section 2; docs/mirrors.md): a summary per application (the
// change-event subscriptions its primary serves, the events sent, the clients reporting) over
// MirrorsModel's table, one row per reporting client, sortable by each figure and filterable.
// With no client reporting, the summary says how clients come to report.
//
// Object names, for tests and style sheets: "mirrorsPanel", "mirrorsSummary", "mirrorsFilter",
// "mirrorsTable".
class MirrorsPanel final : public QWidget
{
    Q_OBJECT

public:
    // The model is the window's; the panel does not own it. The window feeds both each snapshot.
    explicit MirrorsPanel(MirrorsModel *model, QWidget *parent = nullptr);

    void setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);

    QTableView *view() const { return m_view; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QString summaryText() const;

private:
    QLabel *m_summary = nullptr;
    QLineEdit *m_filter = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
};

} // namespace foresight::widgets
