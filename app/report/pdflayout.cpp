#include "pdflayout.h"

#include <algorithm>

#include <QPainter>
#include <QPdfWriter>
#include <QTextLayout>

namespace foresight::report::pdf {
namespace {

constexpr qreal kMarginMm = 18;
constexpr qreal kFooterMm = 10; // room under the body for the footer
constexpr qreal kCellPadMm = 1.2;
const QColor kRule(0xd6, 0xd6, 0xdc);
const QColor kHeaderFill(0xf0, 0xf0, 0xf3);
const QColor kText(0x1d, 0x1d, 0x1f);
const QColor kMuted(0x6e, 0x6e, 0x73);

// Line breaks in stored text become line separators, which QTextLayout honours.
QString layoutText(QString text)
{
    text.replace(u'\n', QChar::LineSeparator);
    return text;
}

// Lays text out in width; returns its height.
qreal layOut(QTextLayout &layout, qreal width)
{
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    qreal height = 0;
    while (true) {
        QTextLine line = layout.createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(width);
        line.setPosition(QPointF(0, height));
        height += line.height();
    }
    layout.endLayout();
    return height;
}

} // namespace

Pager::Pager(QPdfWriter &writer, QPainter &painter, QString footerText, int totalPages)
    : m_writer(writer)
    , m_painter(painter)
    , m_footerText(std::move(footerText))
    , m_total(totalPages)
{
    const qreal margin = mm(kMarginMm);
    m_body = QRectF(margin, margin, m_writer.width() - 2 * margin, m_writer.height() - 2 * margin - mm(kFooterMm));
    m_page = 1;
    m_y = m_body.top();
    drawFooter();
}

qreal Pager::mm(qreal millimetres) const
{
    return millimetres * m_writer.resolution() / 25.4;
}

QFont Pager::font(qreal points, bool bold) const
{
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setStyleHint(QFont::SansSerif);
    font.setPointSizeF(points);
    font.setBold(bold);
    return font;
}

void Pager::newPage()
{
    m_writer.newPage();
    ++m_page;
    m_y = m_body.top();
    drawFooter();
}

void Pager::ensure(qreal height)
{
    if (m_y + height > m_body.bottom() && m_y > m_body.top())
        newPage();
}

void Pager::skip(qreal height)
{
    m_y = std::min(m_y + height, m_body.bottom());
}

QRectF Pager::take(qreal height)
{
    ensure(height);
    const QRectF block(m_body.left(), m_y, m_body.width(), height);
    m_y += height;
    return block;
}

void Pager::heading(const QString &text, qreal keepWith)
{
    const QFont headingFont = font(13, true);
    const qreal height = textHeight(text, headingFont, width());
    ensure(mm(6) + height + mm(2) + keepWith);
    if (m_y > m_body.top())
        skip(mm(6));
    drawText(QRectF(left(), m_y, width(), height), text, headingFont, kText);
    m_y += height + mm(0.8);
    m_painter.setPen(QPen(kRule, mm(0.3)));
    m_painter.drawLine(QPointF(left(), m_y), QPointF(left() + width(), m_y));
    m_y += mm(2);
}

void Pager::paragraph(const QString &text, const QFont &font, const QColor &colour)
{
    // Paragraphs longer than a page are rare (an operator's note); they break line by line.
    QTextLayout layout(layoutText(text), font, &m_writer);
    layOut(layout, width());
    for (int i = 0; i < layout.lineCount(); ++i) {
        const QTextLine line = layout.lineAt(i);
        ensure(line.height());
        m_painter.setPen(colour);
        line.draw(&m_painter, QPointF(left(), m_y - line.y()));
        m_y += line.height();
    }
    m_y += mm(1.5);
}

qreal Pager::textHeight(const QString &text, const QFont &font, qreal textWidth) const
{
    QTextLayout layout(layoutText(text), font, &m_writer);
    return layOut(layout, textWidth);
}

void Pager::drawText(const QRectF &rect, const QString &text, const QFont &font, const QColor &colour)
{
    QTextLayout layout(layoutText(text), font, &m_writer);
    layOut(layout, rect.width());
    m_painter.setPen(colour);
    layout.draw(&m_painter, rect.topLeft());
}

void Pager::drawLabel(const QRectF &rect, int alignment, const QString &text, const QFont &font, const QColor &colour)
{
    m_painter.setFont(font);
    m_painter.setPen(colour);
    m_painter.drawText(rect, alignment | Qt::TextDontClip, text);
}

QList<qreal> Pager::columnWidths(const QList<Column> &columns) const
{
    qreal total = 0;
    for (const Column &column : columns)
        total += column.weight;
    QList<qreal> widths;
    for (const Column &column : columns)
        widths.append(width() * column.weight / std::max<qreal>(total, 1e-9));
    return widths;
}

qreal Pager::rowHeight(const QStringList &cells, const QList<qreal> &widths, const QFont &font) const
{
    qreal height = 0;
    for (qsizetype i = 0; i < widths.size(); ++i) {
        const QString cell = i < cells.size() ? cells.at(i) : QString();
        height = std::max(height, textHeight(cell, font, widths.at(i) - 2 * mm(kCellPadMm)));
    }
    return height + 2 * mm(kCellPadMm);
}

void Pager::drawRow(const QStringList &cells, const QList<qreal> &widths, const QFont &font, bool header)
{
    const qreal height = rowHeight(cells, widths, font);
    if (header)
        m_painter.fillRect(QRectF(left(), m_y, width(), height), kHeaderFill);
    qreal x = left();
    for (qsizetype i = 0; i < widths.size(); ++i) {
        const QString cell = i < cells.size() ? cells.at(i) : QString();
        const qreal pad = mm(kCellPadMm);
        drawText(QRectF(x + pad, m_y + pad, widths.at(i) - 2 * pad, height - 2 * pad), cell, font, kText);
        x += widths.at(i);
    }
    m_y += height;
    m_painter.setPen(QPen(kRule, mm(0.2)));
    m_painter.drawLine(QPointF(left(), m_y), QPointF(left() + width(), m_y));
}

void Pager::table(const QList<Column> &columns, const QList<QStringList> &rows)
{
    const QList<qreal> widths = columnWidths(columns);
    const QFont headerFont = font(8.5, true);
    const QFont cellFont = font(8.5);
    QStringList titles;
    for (const Column &column : columns)
        titles.append(column.title);
    const qreal headerHeight = rowHeight(titles, widths, headerFont);
    // The header never stands alone at the foot of a page.
    ensure(headerHeight + (rows.isEmpty() ? 0 : rowHeight(rows.first(), widths, cellFont)));
    drawRow(titles, widths, headerFont, true);
    for (const QStringList &row : rows) {
        const qreal height = rowHeight(row, widths, cellFont);
        if (m_y + height > m_body.bottom()) {
            newPage();
            drawRow(titles, widths, headerFont, true);
        }
        // A row taller than a whole page (a very long message) is drawn clipped to the page.
        m_painter.save();
        m_painter.setClipRect(QRectF(left(), m_body.top(), width(), m_body.height()));
        drawRow(row, widths, cellFont, false);
        m_painter.restore();
        m_y = std::min(m_y, m_body.bottom());
    }
    m_y += mm(2);
}

void Pager::drawFooter()
{
    const qreal top = m_body.bottom() + mm(kFooterMm) - mm(5);
    m_painter.setPen(QPen(kRule, mm(0.2)));
    m_painter.drawLine(QPointF(left(), top), QPointF(left() + width(), top));
    const QRectF line(left(), top + mm(1), width(), mm(4));
    const QFont footerFont = font(8);
    drawLabel(line, Qt::AlignLeft | Qt::AlignVCenter, m_footerText, footerFont, kMuted);
    const QString pageText = m_total > 0 ? QStringLiteral("page %1 of %2").arg(m_page).arg(m_total)
                                         : QStringLiteral("page %1 of ?").arg(m_page);
    drawLabel(line, Qt::AlignRight | Qt::AlignVCenter, pageText, footerFont, kMuted);
}

} // namespace foresight::report::pdf
