#include "panels/rowtable.h"

#include <memory>

#include <QHeaderView>
#include <QTableView>

namespace foresight::widgets {

void setUpRowTable(QTableView *view)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->setStretchLastSection(true);
}

void fitColumnsOnFirstRows(QTableView *view, QAbstractItemModel *model)
{
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = QObject::connect(model, &QAbstractItemModel::rowsInserted, view, [view, connection] {
        QObject::disconnect(*connection);
        view->resizeColumnsToContents();
    });
}

} // namespace foresight::widgets
