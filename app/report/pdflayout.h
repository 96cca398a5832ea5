#pragma once

// Private: a small flowing layout on QPdfWriter pages (cursor, page breaks, wrapped text, tables
// that break across pages and repeat their header, a footer on every page). Sizes are given in
// millimetres and points; the pager converts them to the writer's device units.

#include <QColor>
#include <QFont>
#include <QList>
#include <QRectF>
#include <QString>
#include <QStringList>

class QPainter;
class QPdfWriter;

namespace foresight::report::pdf {

struct Column
{
    QString title;
    qreal weight = 1; // share of the table's width
};

class Pager final
{
public:
    // totalPages 0 while counting (the first of two passes); the footer then prints "?".
    Pager(QPdfWriter &writer, QPainter &painter, QString footerText, int totalPages);

    int pages() const { return m_page; }
    qreal mm(qreal millimetres) const;
    QFont font(qreal points, bool bold = false) const;
    QPainter &painter() { return m_painter; }
    qreal left() const { return m_body.left(); }
    qreal width() const { return m_body.width(); }
    qreal bodyHeight() const { return m_body.height(); }

    void newPage();
    // Starts a new page unless `height` fits below the cursor.
    void ensure(qreal height);
    void skip(qreal height);
    // A block of `height` at the cursor (after a page break if it does not fit); moves past it.
    QRectF take(qreal height);

    // A section heading, kept on one page with at least `keepWith` of what follows.
    void heading(const QString &text, qreal keepWith);
    void paragraph(const QString &text, const QFont &font, const QColor &colour = QColor(0x1d, 0x1d, 0x1f));
    void table(const QList<Column> &columns, const QList<QStringList> &rows);

    // Wrapped text: at word boundaries, else anywhere; never cut.
    qreal textHeight(const QString &text, const QFont &font, qreal width) const;
    void drawText(const QRectF &rect, const QString &text, const QFont &font, const QColor &colour);
    // One line, aligned in rect (Qt::Alignment flags), for axis labels.
    void drawLabel(const QRectF &rect, int alignment, const QString &text, const QFont &font, const QColor &colour);

private:
    void drawFooter();
    QList<qreal> columnWidths(const QList<Column> &columns) const;
    qreal rowHeight(const QStringList &cells, const QList<qreal> &widths, const QFont &font) const;
    void drawRow(const QStringList &cells, const QList<qreal> &widths, const QFont &font, bool header);

    QPdfWriter &m_writer;
    QPainter &m_painter;
    QString m_footerText;
    int m_total = 0;
    int m_page = 0;
    QRectF m_body;
    qreal m_y = 0;
};

} // namespace foresight::report::pdf
