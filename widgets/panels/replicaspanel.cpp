#include "panels/replicaspanel.h"

#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "models/replicasmodel.h"
#include "panels/rowtable.h"

namespace foresight::widgets {

namespace {

// Sorts the status column by severity, the others by their displayed value.
class ReplicasProxy final : public QSortFilterProxyModel
{
public:
    ReplicasProxy(const ReplicasModel *model, QObject *parent)
        : QSortFilterProxyModel(parent)
        , m_model(model)
    {}

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        // Read straight from the model: a re-sort of 2,500 rows compares about 50,000 times, and
        // a QVariant per side through data() was most of that (foresight-bench gui).
        if (left.column() == ReplicasModel::Status && left.model() == m_model)
            return m_model->severityAt(left.row()) < m_model->severityAt(right.row());
        return QSortFilterProxyModel::lessThan(left, right);
    }

private:
    const ReplicasModel *m_model;
};

} // namespace

ReplicasPanel::ReplicasPanel(ReplicasModel *model, QWidget *parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_proxy(new ReplicasProxy(model, this))
    , m_view(new QTableView(this))
{
    setObjectName(QStringLiteral("replicasPanel"));
    m_filter->setPlaceholderText(tr("Filter by application, agent, status…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Replica filter"));
    m_proxy->setSourceModel(model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1); // every column
    m_proxy->setDynamicSortFilter(true);
    m_view->setModel(m_proxy);
    m_view->setAccessibleName(tr("Replicas"));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ReplicasModel::Status, Qt::DescendingOrder); // the worst on top
    setUpRowTable(m_view);
    fitColumnsOnFirstRows(m_view, m_proxy);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_view);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT copyActivated(index.data(ReplicasModel::AppRole).toString(),
                             index.data(ReplicasModel::AgentRole).toString());
    });
}

} // namespace foresight::widgets
