// An incident report as a PDF. Rendered twice: the first pass counts the pages, so the second
// can print "page N of M" in every footer. Both passes lay out exactly the same content.

#include "foresight/report/reportpdf.h"

#include <algorithm>

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSaveFile>

#include "pdflayout.h"

namespace foresight::report {
namespace {

using pdf::Column;
using pdf::Pager;

const QColor kText(0x1d, 0x1d, 0x1f);
const QColor kMuted(0x6e, 0x6e, 0x73);
const QColor kBoxFill(0xf2, 0xf6, 0xfb);
const QColor kBoxLine(0xb7, 0xc7, 0xdc);
const QColor kGrid(0xe6, 0xe6, 0xea);
const QColor kAxis(0x6e, 0x6e, 0x73);
const QColor kMarker(0xb0, 0x00, 0x20);
// Colour-blind-safe (Okabe-Ito), as in the HTML page.
const QColor kPalette[] = {QColor(0x00, 0x72, 0xB2),
                           QColor(0xD5, 0x5E, 0x00),
                           QColor(0x00, 0x9E, 0x73),
                           QColor(0xCC, 0x79, 0xA7),
                           QColor(0xE6, 0x9F, 0x00),
                           QColor(0x56, 0xB4, 0xE9)};

QString orUnknown(const QString &text, const QString &unknown = QStringLiteral("unknown"))
{
    return text.isEmpty() ? unknown : text;
}

QString timeOrNot(qint64 wallMs)
{
    return wallMs > 0 ? isoTime(wallMs) : QStringLiteral("not recorded");
}

void summaryBox(Pager &pager, const IncidentReport &report)
{
    const storage::Incident &i = report.incident;
    const QString lost = i.ackedWritesLost < 0 ? QStringLiteral("unknown") : QString::number(i.ackedWritesLost);
    const QList<std::pair<QString, QString>> facts = {
        {QStringLiteral("Application"), i.app},
        {QStringLiteral("Old primary"), i.oldPrimary},
        {QStringLiteral("New primary"), orUnknown(i.newPrimary, QStringLiteral("none"))},
        {QStringLiteral("Epoch"), QString::number(i.epoch)},
        {QStringLiteral("Detected"), timeOrNot(i.detectedMs)},
        {QStringLiteral("Detection to first write"), durationText(report.outageMs)},
        {QStringLiteral("Acknowledged writes lost"), lost},
        {QStringLiteral("Sequence gap"), QString::number(i.seqGap)},
        {QStringLiteral("Predicted values (right / wrong)"),
         QStringLiteral("%1 (%2 / %3)").arg(i.predicted).arg(i.predictionsRight).arg(i.predictionsWrong)},
        {QStringLiteral("Acknowledged by an operator"), i.acknowledged ? QStringLiteral("yes") : QStringLiteral("no")},
        {QStringLiteral("Why the engine failed over"), orUnknown(i.summary, QStringLiteral("not recorded"))},
    };
    const qreal pad = pager.mm(4);
    const qreal inner = pager.width() - 2 * pad;
    const qreal termWidth = pager.mm(52);
    const QFont headlineFont = pager.font(11, true);
    const QFont termFont = pager.font(9);
    const QFont valueFont = pager.font(9, true);
    const qreal rowGap = pager.mm(1);

    qreal height = pad + pager.textHeight(report.headline, headlineFont, inner) + pager.mm(3);
    QList<qreal> rowHeights;
    for (const auto &[term, value] : facts) {
        const qreal row = std::max(pager.textHeight(term, termFont, termWidth),
                                   pager.textHeight(value, valueFont, inner - termWidth));
        rowHeights.append(row);
        height += row + rowGap;
    }
    height += pad;

    const QRectF box = pager.take(height);
    QPainter &painter = pager.painter();
    painter.setPen(QPen(kBoxLine, pager.mm(0.35)));
    painter.setBrush(kBoxFill);
    painter.drawRoundedRect(box, pager.mm(2), pager.mm(2));
    painter.setBrush(Qt::NoBrush);
    qreal y = box.top() + pad;
    const qreal x = box.left() + pad;
    const qreal headlineHeight = pager.textHeight(report.headline, headlineFont, inner);
    pager.drawText(QRectF(x, y, inner, headlineHeight), report.headline, headlineFont, kText);
    y += headlineHeight + pager.mm(3);
    for (qsizetype r = 0; r < facts.size(); ++r) {
        pager.drawText(QRectF(x, y, termWidth, rowHeights[r]), facts[r].first, termFont, kMuted);
        pager.drawText(QRectF(x + termWidth, y, inner - termWidth, rowHeights[r]), facts[r].second, valueFont, kText);
        y += rowHeights[r] + rowGap;
    }
    pager.skip(pager.mm(2));
}

QList<QStringList> journalRows(const QList<storage::JournalEntry> &entries)
{
    QList<QStringList> rows;
    for (const storage::JournalEntry &entry : entries)
        rows.append({isoTime(entry.wallMs), entry.kind, entry.agent, entry.actor, entry.message});
    return rows;
}

// Room for one chart: title, plot, time axis, legend.
qreal chartHeight(const Pager &pager)
{
    return pager.mm(76);
}

void drawChart(Pager &pager, const Chart &chart)
{
    const QRectF block = pager.take(chartHeight(pager));
    QPainter &painter = pager.painter();
    const QFont titleFont = pager.font(10, true);
    const QFont tickFont = pager.font(7.5);
    const QFont legendFont = pager.font(8);

    const qreal titleHeight = pager.textHeight(chart.title, titleFont, block.width());
    pager.drawText(QRectF(block.left(), block.top(), block.width(), titleHeight), chart.title, titleFont, kText);

    // Legend entries flow in rows under the plot; measure them first.
    struct Entry
    {
        QString label;
        QColor colour;
        qreal width;
    };
    QList<Entry> entries;
    const QFontMetricsF legendMetrics(legendFont, painter.device());
    for (qsizetype i = 0; i < chart.lines.size(); ++i) {
        const QString &label = chart.lines.at(i).label;
        entries.append(Entry{label,
                             kPalette[i % std::size(kPalette)],
                             pager.mm(7) + legendMetrics.horizontalAdvance(label) + pager.mm(5)});
    }
    const qreal legendRow = legendMetrics.height() * 1.3;
    int legendRows = entries.isEmpty() ? 0 : 1;
    qreal rowWidth = 0;
    for (const Entry &entry : entries) {
        if (rowWidth > 0 && rowWidth + entry.width > block.width()) {
            ++legendRows;
            rowWidth = 0;
        }
        rowWidth += entry.width;
    }

    const qreal axisLabels = pager.mm(9);
    const QRectF plot(block.left() + pager.mm(16),
                      block.top() + titleHeight + pager.mm(3),
                      block.width() - pager.mm(18),
                      block.height() - titleHeight - pager.mm(3) - axisLabels - legendRows * legendRow - pager.mm(4));
    const qreal span = double(std::max<qint64>(1, chart.toMs - chart.fromMs));
    const auto xOf = [&](double wallMs) { return plot.left() + (wallMs - double(chart.fromMs)) / span * plot.width(); };
    const auto yOf = [&](double value) {
        return plot.bottom() - std::clamp(value / chart.yMax, 0.0, 1.0) * plot.height();
    };

    // Grid and value axis.
    for (int i = 0; i <= 4; ++i) {
        const double value = chart.yMax * i / 4;
        const qreal y = yOf(value);
        painter.setPen(QPen(kGrid, pager.mm(0.2)));
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        pager.drawLabel(QRectF(block.left(), y - pager.mm(2), pager.mm(14.5), pager.mm(4)),
                        Qt::AlignRight | Qt::AlignVCenter,
                        valueText(value, chart.unit),
                        tickFont,
                        kMuted);
    }
    // Time axis.
    painter.setPen(QPen(kAxis, pager.mm(0.25)));
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());
    painter.drawLine(plot.bottomLeft(), plot.topLeft());
    for (const qint64 tick : timeTicks(chart.fromMs, chart.toMs)) {
        const qreal x = xOf(double(tick));
        painter.setPen(QPen(kAxis, pager.mm(0.25)));
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + pager.mm(1)));
        pager.drawLabel(QRectF(x - pager.mm(10), plot.bottom() + pager.mm(1.2), pager.mm(20), pager.mm(3.5)),
                        Qt::AlignHCenter | Qt::AlignTop,
                        timeTickLabel(tick, chart.fromMs, chart.toMs),
                        tickFont,
                        kMuted);
    }
    pager.drawLabel(QRectF(plot.left(), plot.bottom() + pager.mm(5), plot.width(), pager.mm(3.5)),
                    Qt::AlignRight | Qt::AlignTop,
                    QStringLiteral("time (UTC)"),
                    tickFont,
                    kMuted);

    // Markers: the detection and the promotion.
    // Labels stack, so markers a moment apart (detection, promotion) stay readable; a label that
    // would run past the plot's right edge goes to the left of its line.
    const QFontMetricsF tickMetrics(tickFont, painter.device());
    for (qsizetype m = 0; m < chart.markers.size(); ++m) {
        const ChartMarker &marker = chart.markers.at(m);
        if (marker.wallMs < chart.fromMs || marker.wallMs > chart.toMs)
            continue;
        const qreal x = xOf(double(marker.wallMs));
        QPen pen(kMarker, pager.mm(0.25));
        pen.setDashPattern({4, 3});
        painter.setPen(pen);
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        const qreal labelWidth = tickMetrics.horizontalAdvance(marker.label) + pager.mm(1);
        const bool leftOfLine = x + pager.mm(0.8) + labelWidth > plot.right();
        const QRectF label(leftOfLine ? x - pager.mm(0.8) - labelWidth : x + pager.mm(0.8),
                           plot.top() + double(m) * pager.mm(3.5),
                           labelWidth,
                           pager.mm(3.5));
        pager.drawLabel(label,
                        (leftOfLine ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop,
                        marker.label,
                        tickFont,
                        kMarker);
    }

    // The lines, clipped to the plot.
    painter.save();
    painter.setClipRect(plot.adjusted(-pager.mm(0.5), -pager.mm(0.5), pager.mm(0.5), pager.mm(0.5)));
    painter.setRenderHint(QPainter::Antialiasing);
    for (qsizetype i = 0; i < chart.lines.size(); ++i) {
        const ChartLine &line = chart.lines.at(i);
        const QColor colour = kPalette[i % std::size(kPalette)];
        if (line.points.size() == 1) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(colour);
            const QPointF p(xOf(line.points.first().x()), yOf(line.points.first().y()));
            painter.drawEllipse(p, pager.mm(0.8), pager.mm(0.8));
            painter.setBrush(Qt::NoBrush);
            continue;
        }
        QPolygonF polyline;
        polyline.reserve(line.points.size());
        for (const QPointF &p : line.points)
            polyline.append(QPointF(xOf(p.x()), yOf(p.y())));
        painter.setPen(QPen(colour, pager.mm(0.4), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.drawPolyline(polyline);
    }
    painter.restore();
    if (chart.lines.isEmpty()) {
        pager.drawLabel(plot, Qt::AlignCenter, QStringLiteral("no data for this chart"), legendFont, kMuted);
    }

    // Legend.
    qreal lx = block.left();
    qreal ly = plot.bottom() + axisLabels + pager.mm(1);
    for (const Entry &entry : entries) {
        if (lx > block.left() && lx + entry.width > block.right()) {
            lx = block.left();
            ly += legendRow;
        }
        painter.fillRect(QRectF(lx, ly + legendRow / 2 - pager.mm(0.6), pager.mm(5), pager.mm(1.2)), entry.colour);
        pager.drawLabel(QRectF(lx + pager.mm(7), ly, entry.width, legendRow),
                        Qt::AlignLeft | Qt::AlignVCenter,
                        entry.label,
                        legendFont,
                        kText);
        lx += entry.width;
    }
}

// Lays the whole report out on pages; returns how many it took.
int layOut(QPdfWriter &writer, const IncidentReport &report, int totalPages)
{
    QPainter painter(&writer);
    const storage::Incident &i = report.incident;
    Pager pager(writer,
                painter,
                QStringLiteral("Foresight incident report \u00b7 incident %1 \u00b7 %2").arg(i.id).arg(i.app),
                totalPages);
    const QFont body = pager.font(9.5);
    const QFont small = pager.font(8.5);

    // Page 1: title and summary.
    pager.paragraph(report.title, pager.font(18, true));
    pager.paragraph(QStringLiteral("Generated %1 (times in UTC)").arg(isoTime(report.generatedMs)), small, kMuted);
    pager.skip(pager.mm(2));
    summaryBox(pager, report);

    pager.heading(QStringLiteral("Timeline"), pager.mm(20));
    QList<QStringList> steps;
    for (const TimelineStep &step : report.timeline) {
        steps.append({step.label,
                      timeOrNot(step.wallMs),
                      step.sincePreviousMs >= 0 ? durationText(step.sincePreviousMs) : QStringLiteral("\u2013"),
                      step.sinceDetectionMs >= 0 ? durationText(step.sinceDetectionMs) : QStringLiteral("\u2013")});
    }
    pager.table({{QStringLiteral("Step"), 3},
                 {QStringLiteral("Time (UTC)"), 3.4},
                 {QStringLiteral("Since previous step"), 2},
                 {QStringLiteral("Since detection"), 2}},
                steps);

    pager.heading(QStringLiteral("Operator actions"), pager.mm(15));
    if (report.operatorActions.isEmpty()) {
        pager.paragraph(QStringLiteral("No operator acted on %1 between %2 and %3.")
                            .arg(i.app, isoTime(report.journalFromMs), isoTime(report.journalToMs)),
                        body);
    } else {
        pager.table({{QStringLiteral("Time (UTC)"), 3.2},
                     {QStringLiteral("Kind"), 1.3},
                     {QStringLiteral("Agent"), 1.3},
                     {QStringLiteral("Operator"), 1.5},
                     {QStringLiteral("Action"), 4.5}},
                    journalRows(report.operatorActions));
    }

    pager.heading(QStringLiteral("Data loss"), pager.mm(20));
    pager.paragraph(report.dataLoss.sentence, pager.font(9.5, true));
    pager.table({{QStringLiteral("Acknowledged writes lost"), 1},
                 {QStringLiteral("Sequence gap"), 1},
                 {QStringLiteral("Promoted replica's former tier"), 1}},
                {{report.dataLoss.ackedWritesLost < 0 ? QStringLiteral("unknown")
                                                      : QString::number(report.dataLoss.ackedWritesLost),
                  QString::number(report.dataLoss.seqGap),
                  orUnknown(report.dataLoss.formerTier)}});

    // Charts on pages of their own.
    pager.newPage();
    pager.heading(QStringLiteral("Host metrics around the incident"), chartHeight(pager));
    if (report.metricsFromMs > 0) {
        pager.paragraph(QStringLiteral("From %1 to %2 (UTC). Dashed lines mark the detection and the promotion.")
                            .arg(isoTime(report.metricsFromMs), isoTime(report.metricsToMs)),
                        small,
                        kMuted);
    }
    if (!report.metricsNote.isEmpty())
        pager.paragraph(report.metricsNote, body);
    for (const Chart &chart : charts(report)) {
        drawChart(pager, chart);
        pager.skip(pager.mm(3));
    }

    pager.heading(QStringLiteral("Journal"), pager.mm(20));
    if (report.journal.isEmpty()) {
        pager.paragraph(QStringLiteral("The journal holds no entry about %1 between %2 and %3.")
                            .arg(i.app, isoTime(report.journalFromMs), isoTime(report.journalToMs)),
                        body);
    } else {
        pager.paragraph(QStringLiteral("Entries about %1 and its primaries from %2 to %3.%4")
                            .arg(i.app,
                                 isoTime(report.journalFromMs),
                                 isoTime(report.journalToMs),
                                 report.journalTruncated
                                     ? QStringLiteral(" Only the first %1 are shown.").arg(report.journal.size())
                                     : QString()),
                        small,
                        kMuted);
        pager.table({{QStringLiteral("Time (UTC)"), 3.2},
                     {QStringLiteral("Kind"), 1.3},
                     {QStringLiteral("Agent"), 1.2},
                     {QStringLiteral("Actor"), 1.2},
                     {QStringLiteral("Message"), 4.8}},
                    journalRows(report.journal));
    }
    const int pages = pager.pages();
    painter.end();
    return pages;
}

void setUp(QPdfWriter &writer, const IncidentReport &report)
{
    writer.setResolution(300);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
    writer.setTitle(report.title);
    writer.setCreator(QStringLiteral("Foresight"));
}

} // namespace

Result<QByteArray> renderPdf(const IncidentReport &report)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("rendering a PDF needs a QGuiApplication for its fonts; create one first (with "
                                   "QT_QPA_PLATFORM=offscreen where there is no display)"));
    }
    // Pass 1 counts the pages; pass 2 prints "page N of M".
    int pages = 0;
    {
        QBuffer scratch;
        scratch.open(QIODevice::WriteOnly);
        QPdfWriter writer(&scratch);
        setUp(writer, report);
        pages = layOut(writer, report, 0);
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        setUp(writer, report);
        if (layOut(writer, report, pages) != pages)
            return fail(ErrorCode::Internal, QStringLiteral("the PDF's two layout passes disagree on the page count"));
    }
    buffer.close();
    if (bytes.isEmpty())
        return fail(ErrorCode::Internal, QStringLiteral("Qt's PDF writer produced nothing"));
    return bytes;
}

Status writePdf(const IncidentReport &report, const QString &path)
{
    auto bytes = renderPdf(report);
    if (!bytes)
        return std::unexpected(bytes.error());
    if (path.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("no path given for the PDF"));
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create directory %1 for the report %2").arg(info.absolutePath(), path));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(ErrorCode::IoError, QStringLiteral("cannot write the report %1: %2").arg(path, file.errorString()));
    if (file.write(*bytes) != bytes->size() || !file.commit()) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot write the report %1: %2; check the free space and permissions")
                        .arg(path, file.errorString()));
    }
    return {};
}

} // namespace foresight::report
