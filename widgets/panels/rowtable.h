#pragma once

class QAbstractItemModel;
class QTableView;

namespace foresight::widgets {

// How the panels' tables look and behave: whole rows selected one at a time, alternating
// colours, no row numbers, and columns the operator sizes (Interactive; ResizeToContents measured
// every row on every change, up to 35 ms a frame at 2,000 rows) with the last one stretched.
void setUpRowTable(QTableView *view);

// Sizes the view's columns to their contents once, when rows first arrive in model, and then
// leaves them to the operator.
void fitColumnsOnFirstRows(QTableView *view, QAbstractItemModel *model);

} // namespace foresight::widgets
