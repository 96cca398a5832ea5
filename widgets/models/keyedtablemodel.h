#pragma once

#include <utility>

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace foresight::widgets {

// A table model whose rows stand for things with a key (an application, a client), rebuilt from
// each snapshot: replaceRows() matches the new rows to the shown ones by key, so that a view keeps
// its selection and sort, and changes arrive as ranges, not resets.
class KeyedTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

protected:
    // rows becomes fresh: rows whose key is gone are removed, rows whose key stays are updated in
    // place (dataChanged over the row, only when it differs), and new ones are appended in one
    // range, in fresh's order. Row needs operator==; keyOf(row) gives a key QHash can hold.
    template<typename Row, typename KeyOf>
    void replaceRows(QList<Row> &rows, QList<Row> fresh, KeyOf keyOf)
    {
        QHash<decltype(keyOf(fresh.first())), int> wanted;
        for (qsizetype i = 0; i < fresh.size(); ++i)
            wanted.insert(keyOf(fresh[i]), int(i));
        for (int i = int(rows.size()) - 1; i >= 0; --i) {
            if (wanted.contains(keyOf(rows[i])))
                continue;
            beginRemoveRows({}, i, i);
            rows.removeAt(i);
            endRemoveRows();
        }
        QHash<decltype(keyOf(fresh.first())), int> shown;
        for (qsizetype i = 0; i < rows.size(); ++i)
            shown.insert(keyOf(rows[i]), int(i));
        QList<Row> added;
        for (Row &row : fresh) {
            const int at = shown.value(keyOf(row), -1);
            if (at < 0) {
                added.append(std::move(row));
                continue;
            }
            if (rows[at] == row)
                continue;
            rows[at] = std::move(row);
            Q_EMIT dataChanged(index(at, 0), index(at, columnCount() - 1));
        }
        if (!added.isEmpty()) {
            const int first = int(rows.size());
            beginInsertRows({}, first, first + int(added.size()) - 1);
            rows.append(std::move(added));
            endInsertRows();
        }
    }
};

} // namespace foresight::widgets
