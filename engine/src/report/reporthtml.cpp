// An incident report as one self-contained HTML page: a summary box, tables, and the charts as
// inline SVG, so the file can be mailed or attached to a ticket and still open years later. Every
// text that comes from the store (journal messages, agent and operator names) is escaped: a
// journal message can carry anything an agent or an operator typed.

#include "foresight/report/incidentreport.h"

#include <algorithm>

namespace foresight::report {
namespace {

// Colour-blind-safe (Okabe-Ito) line colours.
constexpr const char *kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString timeCell(qint64 wallMs)
{
    return wallMs > 0 ? esc(isoTime(wallMs)) : QStringLiteral("<span class=\"muted\">not recorded</span>");
}

QString num(double value)
{
    return QString::number(value, 'f', 1);
}

QString svgChart(const Chart &chart)
{
    constexpr double width = 760;
    constexpr double height = 250;
    constexpr double left = 60;
    constexpr double right = 20;
    constexpr double top = 16;
    constexpr double plotHeight = 170;
    const double plotWidth = width - left - right;
    const double span = double(std::max<qint64>(1, chart.toMs - chart.fromMs));
    const auto x = [&](double wallMs) { return left + (wallMs - double(chart.fromMs)) / span * plotWidth; };
    const auto y = [&](double value) {
        return top + plotHeight - std::clamp(value / chart.yMax, 0.0, 1.0) * plotHeight;
    };

    QString svg = QStringLiteral("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %1 %2\" width=\"%1\" "
                                 "height=\"%2\" role=\"img\" aria-label=\"%3\">\n")
                      .arg(width)
                      .arg(height)
                      .arg(esc(chart.title));
    // Grid and value axis.
    for (int i = 0; i <= 4; ++i) {
        const double value = chart.yMax * i / 4;
        svg += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" class=\"grid\"/>"
                              "<text x=\"%4\" y=\"%5\" class=\"tick\" text-anchor=\"end\">%6</text>\n")
                   .arg(num(left),
                        num(y(value)),
                        num(left + plotWidth),
                        num(left - 6),
                        num(y(value) + 4),
                        esc(valueText(value, chart.unit)));
    }
    // Time axis.
    for (const qint64 tick : timeTicks(chart.fromMs, chart.toMs)) {
        svg += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%1\" y2=\"%3\" class=\"axis\"/>"
                              "<text x=\"%1\" y=\"%4\" class=\"tick\" text-anchor=\"middle\">%5</text>\n")
                   .arg(num(x(double(tick))),
                        num(top + plotHeight),
                        num(top + plotHeight + 4),
                        num(top + plotHeight + 17),
                        esc(timeTickLabel(tick, chart.fromMs, chart.toMs)));
    }
    svg += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%1\" y2=\"%3\" class=\"axis\"/>"
                          "<line x1=\"%1\" y1=\"%3\" x2=\"%4\" y2=\"%3\" class=\"axis\"/>\n")
               .arg(num(left), num(top), num(top + plotHeight), num(left + plotWidth));
    svg += QStringLiteral("<text x=\"%1\" y=\"%2\" class=\"tick\" text-anchor=\"end\">time (UTC)</text>\n")
               .arg(num(left + plotWidth), num(top + plotHeight + 31));
    // Incident markers.
    for (qsizetype m = 0; m < chart.markers.size(); ++m) {
        const ChartMarker &marker = chart.markers.at(m);
        if (marker.wallMs < chart.fromMs || marker.wallMs > chart.toMs)
            continue;
        // Stacked labels, so markers a moment apart stay readable; near the right edge, to the left.
        const double mx = x(double(marker.wallMs));
        const bool leftOfLine = mx + 8 + 7.0 * double(marker.label.size()) > left + plotWidth;
        svg += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%1\" y2=\"%3\" class=\"marker\"/>"
                              "<text x=\"%4\" y=\"%5\" class=\"marker-label\" text-anchor=\"%6\">%7</text>\n")
                   .arg(num(mx),
                        num(top),
                        num(top + plotHeight),
                        num(leftOfLine ? mx - 3 : mx + 3),
                        num(top + 10 + 12 * double(m)),
                        leftOfLine ? QStringLiteral("end") : QStringLiteral("start"),
                        esc(marker.label));
    }
    // Lines, then the legend under the axis.
    double legendX = left;
    const double legendY = top + plotHeight + 46;
    for (qsizetype i = 0; i < chart.lines.size(); ++i) {
        const ChartLine &line = chart.lines.at(i);
        const char *colour = kPalette[i % std::size(kPalette)];
        QString points;
        for (const QPointF &p : line.points)
            points += num(x(p.x())) + u',' + num(y(p.y())) + u' ';
        if (line.points.size() == 1) {
            svg += QStringLiteral("<circle cx=\"%1\" cy=\"%2\" r=\"2.5\" fill=\"%3\"/>\n")
                       .arg(num(x(line.points.first().x())), num(y(line.points.first().y())), QLatin1StringView(colour));
        } else {
            svg += QStringLiteral("<polyline fill=\"none\" stroke=\"%1\" stroke-width=\"1.6\" points=\"%2\"/>\n")
                       .arg(QLatin1StringView(colour), points.trimmed());
        }
        svg += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"14\" height=\"4\" fill=\"%3\"/>"
                              "<text x=\"%4\" y=\"%5\" class=\"legend\">%6</text>\n")
                   .arg(num(legendX),
                        num(legendY - 4),
                        QLatin1StringView(colour),
                        num(legendX + 18),
                        num(legendY + 1),
                        esc(line.label));
        legendX += 30 + 6.5 * double(line.label.size());
    }
    if (chart.lines.isEmpty()) {
        svg += QStringLiteral("<text x=\"%1\" y=\"%2\" class=\"legend\" text-anchor=\"middle\">no data</text>\n")
                   .arg(num(left + plotWidth / 2), num(top + plotHeight / 2));
    }
    svg += QStringLiteral("</svg>\n");
    return svg;
}

QString journalRows(const QList<storage::JournalEntry> &entries, bool withKind)
{
    QString rows;
    for (const storage::JournalEntry &entry : entries) {
        rows += QStringLiteral("<tr><td class=\"nowrap\">%1</td>").arg(esc(isoTime(entry.wallMs)));
        if (withKind)
            rows += QStringLiteral("<td>%1</td>").arg(esc(entry.kind));
        rows += QStringLiteral("<td>%1</td><td>%2</td><td>%3</td></tr>\n")
                    .arg(esc(entry.agent), esc(entry.actor), esc(entry.message));
    }
    return rows;
}

constexpr auto kStyle = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1d1d1f; margin: 2em auto; max-width: 62em;
       padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
h3 { font-size: 1em; margin: 1.2em 0 0.3em; }
.muted { color: #6e6e73; }
.summary { border: 1px solid #b7c7dc; background: #f2f6fb; border-radius: 6px; padding: 0.8em 1.2em; }
.summary p.headline { font-size: 1.1em; font-weight: bold; margin-top: 0; }
.summary dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.5em; margin: 0; }
.summary dt { color: #4a4a4f; }
.summary dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { text-align: left; vertical-align: top; padding: 0.3em 0.6em; border-bottom: 1px solid #e1e1e6; }
th { background: #f5f5f7; }
td.nowrap { white-space: nowrap; }
.loss { font-weight: bold; }
.note { border-left: 4px solid #E69F00; background: #fff8e8; padding: 0.5em 1em; }
svg { max-width: 100%; height: auto; }
svg .grid { stroke: #e6e6ea; stroke-width: 1; }
svg .axis { stroke: #6e6e73; stroke-width: 1; }
svg .tick { font-size: 11px; fill: #4a4a4f; }
svg .legend { font-size: 12px; fill: #1d1d1f; }
svg .marker { stroke: #b00020; stroke-width: 1; stroke-dasharray: 4 3; }
svg .marker-label { font-size: 11px; fill: #b00020; }
)";

} // namespace

QByteArray toHtml(const IncidentReport &report)
{
    const storage::Incident &i = report.incident;
    QString html;
    html += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<meta name=\"generator\" content=\"Foresight\">\n<title>%1</title>\n<style>%2</style>\n"
                           "</head>\n<body>\n")
                .arg(esc(report.title), QString::fromLatin1(kStyle));
    html += QStringLiteral("<h1>%1</h1>\n<p class=\"muted\">Foresight incident report, generated %2</p>\n")
                .arg(esc(report.title), esc(isoTime(report.generatedMs)));

    // Summary.
    const QString lost = i.ackedWritesLost < 0 ? QStringLiteral("unknown") : QString::number(i.ackedWritesLost);
    html += QStringLiteral("<section class=\"summary\" id=\"summary\">\n<p class=\"headline\">%1</p>\n<dl>\n")
                .arg(esc(report.headline));
    const std::pair<QString, QString> facts[] = {
        {QStringLiteral("Application"), esc(i.app)},
        {QStringLiteral("Old primary"), esc(i.oldPrimary)},
        {QStringLiteral("New primary"), i.newPrimary.isEmpty() ? QStringLiteral("none") : esc(i.newPrimary)},
        {QStringLiteral("Epoch"), QString::number(i.epoch)},
        {QStringLiteral("Detected"), timeCell(i.detectedMs)},
        {QStringLiteral("Detection to first write"), esc(durationText(report.outageMs))},
        {QStringLiteral("Acknowledged writes lost"), esc(lost)},
        {QStringLiteral("Sequence gap"), QString::number(i.seqGap)},
        {QStringLiteral("Predicted values (right / wrong)"),
         QStringLiteral("%1 (%2 / %3)").arg(i.predicted).arg(i.predictionsRight).arg(i.predictionsWrong)},
        {QStringLiteral("Acknowledged by an operator"), i.acknowledged ? QStringLiteral("yes") : QStringLiteral("no")},
        {QStringLiteral("Why the engine failed over"), esc(i.summary)},
    };
    for (const auto &[term, value] : facts)
        html += QStringLiteral("<dt>%1</dt><dd>%2</dd>\n").arg(term, value);
    html += QStringLiteral("</dl>\n</section>\n");

    // Timeline.
    html += QStringLiteral("<h2 id=\"timeline\">Timeline</h2>\n<table>\n<tr><th>Step</th><th>Time (UTC)</th>"
                           "<th>Since previous step</th><th>Since detection</th></tr>\n");
    for (const TimelineStep &step : report.timeline) {
        html += QStringLiteral("<tr><td>%1</td><td class=\"nowrap\">%2</td><td>%3</td><td>%4</td></tr>\n")
                    .arg(esc(step.label),
                         timeCell(step.wallMs),
                         step.sincePreviousMs >= 0 ? esc(durationText(step.sincePreviousMs)) : QStringLiteral("&ndash;"),
                         step.sinceDetectionMs >= 0 ? esc(durationText(step.sinceDetectionMs))
                                                    : QStringLiteral("&ndash;"));
    }
    html += QStringLiteral("</table>\n");

    // Operator actions.
    html += QStringLiteral("<h2 id=\"operator-actions\">Operator actions</h2>\n");
    if (report.operatorActions.isEmpty()) {
        html += QStringLiteral("<p>No operator acted on %1 between %2 and %3.</p>\n")
                    .arg(esc(i.app), esc(isoTime(report.journalFromMs)), esc(isoTime(report.journalToMs)));
    } else {
        html += QStringLiteral("<table>\n<tr><th>Time (UTC)</th><th>Kind</th><th>Agent</th><th>Operator</th>"
                               "<th>Action</th></tr>\n")
                + journalRows(report.operatorActions, true) + QStringLiteral("</table>\n");
    }

    // Data loss.
    html += QStringLiteral("<h2 id=\"data-loss\">Data loss</h2>\n<p class=\"loss\">%1</p>\n<table>\n"
                           "<tr><th>Acknowledged writes lost</th><th>Sequence gap</th><th>Promoted replica's former "
                           "tier</th></tr>\n<tr><td>%2</td><td>%3</td><td>%4</td></tr>\n</table>\n")
                .arg(esc(report.dataLoss.sentence),
                     esc(lost),
                     QString::number(report.dataLoss.seqGap),
                     report.dataLoss.formerTier.isEmpty() ? QStringLiteral("unknown") : esc(report.dataLoss.formerTier));

    // Charts.
    html += QStringLiteral("<h2 id=\"metrics\">Host metrics around the incident</h2>\n");
    if (report.metricsFromMs > 0) {
        html += QStringLiteral("<p class=\"muted\">From %1 to %2 (UTC); dashed lines mark the detection and the "
                               "promotion.</p>\n")
                    .arg(esc(isoTime(report.metricsFromMs)), esc(isoTime(report.metricsToMs)));
    }
    if (!report.metricsNote.isEmpty())
        html += QStringLiteral("<p class=\"note\">%1</p>\n").arg(esc(report.metricsNote));
    for (const Chart &chart : charts(report)) {
        html += QStringLiteral("<figure id=\"chart-%1\">\n<h3>%2</h3>\n").arg(esc(chart.key), esc(chart.title))
                + svgChart(chart) + QStringLiteral("</figure>\n");
    }

    // The journal.
    html += QStringLiteral("<h2 id=\"journal\">Journal</h2>\n");
    if (report.journal.isEmpty()) {
        html += QStringLiteral("<p>The journal holds no entry about %1 between %2 and %3.</p>\n")
                    .arg(esc(i.app), esc(isoTime(report.journalFromMs)), esc(isoTime(report.journalToMs)));
    } else {
        html += QStringLiteral("<p class=\"muted\">Entries about %1, %2 and %3 from %4 to %5 (UTC).%6</p>\n")
                    .arg(esc(i.app),
                         esc(i.oldPrimary),
                         i.newPrimary.isEmpty() ? QStringLiteral("&ndash;") : esc(i.newPrimary),
                         esc(isoTime(report.journalFromMs)),
                         esc(isoTime(report.journalToMs)),
                         report.journalTruncated
                             ? QStringLiteral(" Only the first %1 are shown.").arg(report.journal.size())
                             : QString());
        html += QStringLiteral("<table>\n<tr><th>Time (UTC)</th><th>Kind</th><th>Agent</th><th>Actor</th>"
                               "<th>Message</th></tr>\n")
                + journalRows(report.journal, true) + QStringLiteral("</table>\n");
    }
    html += QStringLiteral("<p class=\"muted\">Incident %1 &middot; Foresight</p>\n</body>\n</html>\n").arg(i.id);
    return html.toUtf8();
}

} // namespace foresight::report
