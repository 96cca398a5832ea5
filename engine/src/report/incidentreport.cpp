// An incident report: what the console store knows about one failover, gathered once into a plain
// value (incident, timeline, journal window, operator actions, data loss, host metrics, risk), and
// its JSON form. The HTML page is in reporthtml.cpp, the PDF in app/report.

#include "foresight/report/incidentreport.h"

#include <algorithm>
#include <cmath>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace foresight::report {
namespace {

QString roleLabel(const QString &role)
{
    return role == QLatin1String("old-primary") ? QStringLiteral("old primary") : QStringLiteral("new primary");
}

QString writes(qint64 count)
{
    return count == 1 ? QStringLiteral("1 acknowledged write") : QStringLiteral("%1 acknowledged writes").arg(count);
}

QString predictionSentence(const storage::Incident &incident)
{
    if (incident.predicted <= 0)
        return {};
    const qint64 judged = incident.predictionsRight + incident.predictionsWrong;
    const QString values = incident.predicted == 1 ? QStringLiteral("1 value")
                                                   : QStringLiteral("%1 values").arg(incident.predicted);
    if (judged == 0) {
        return QStringLiteral(" Its model predicted %1 for keys the gap probably changed, served marked as predicted; "
                              "the gap's real deltas have not arrived to judge them.")
            .arg(values);
    }
    return QStringLiteral(" Its model predicted %1 for keys the gap probably changed, served marked as predicted; "
                          "when the gap's real deltas arrived, %2 were right and %3 wrong, and the real values "
                          "replaced them.")
        .arg(values)
        .arg(incident.predictionsRight)
        .arg(incident.predictionsWrong);
}

QString dataLossSentence(const storage::Incident &incident)
{
    const QString tier = incident.formerTier.isEmpty() ? QStringLiteral("unknown") : incident.formerTier;
    const QString gap = incident.seqGap > 0
                            ? QStringLiteral(" The new primary (formerly a %1 replica) was %2 sequence numbers behind "
                                             "the old primary; writes in that gap that were never acknowledged are "
                                             "gone too.")
                                      .arg(tier)
                                      .arg(incident.seqGap)
                                  + predictionSentence(incident)
                            : QString();
    if (incident.ackedWritesLost < 0) {
        return QStringLiteral("How many acknowledged writes were lost is not known: the failover did not reach the "
                              "promotion, or the new primary never reported its position.")
               + gap;
    }
    if (incident.ackedWritesLost == 0) {
        return QStringLiteral("No acknowledged write was lost: the new primary (formerly a %1 replica) held every "
                              "write the old primary had acknowledged.")
                   .arg(tier)
               + gap;
    }
    return QStringLiteral("%1 lost: the old primary had acknowledged them but the new primary (formerly a %2 "
                          "replica) never received them.")
               .arg(writes(incident.ackedWritesLost), tier)
           + gap;
}

QList<TimelineStep> timelineOf(const storage::Incident &incident)
{
    const std::pair<const char *, const char *> steps[] = {
        {"detected", "Failure detected"},
        {"decided", "Failover decided"},
        {"promoted", "New primary promoted"},
        {"first-ack", "First acknowledged write"},
    };
    const qint64 times[] = {incident.detectedMs, incident.decidedMs, incident.promotedMs, incident.firstAckMs};
    QList<TimelineStep> timeline;
    qint64 previous = 0;
    for (int i = 0; i < 4; ++i) {
        TimelineStep step;
        step.key = QString::fromLatin1(steps[i].first);
        step.label = QString::fromLatin1(steps[i].second);
        step.wallMs = times[i];
        if (step.wallMs > 0) {
            if (previous > 0)
                step.sincePreviousMs = step.wallMs - previous;
            if (incident.detectedMs > 0)
                step.sinceDetectionMs = step.wallMs - incident.detectedMs;
            previous = step.wallMs;
        }
        timeline.append(step);
    }
    return timeline;
}

bool isOperatorAction(const storage::JournalEntry &entry)
{
    return entry.kind == QLatin1String("operator")
           || (!entry.actor.isEmpty() && entry.actor != QLatin1String("engine"));
}

QJsonValue nullable(double value)
{
    return value < 0 ? QJsonValue() : QJsonValue(value);
}

// Adds "<name>Ms" and "<name>Iso" for a time.
void putTime(QJsonObject &object, const QString &name, qint64 wallMs)
{
    object.insert(name + QStringLiteral("Ms"), wallMs);
    object.insert(name + QStringLiteral("Iso"), isoTime(wallMs));
}

QJsonObject journalJson(const storage::JournalEntry &entry)
{
    QJsonObject object{{QStringLiteral("id"), entry.id},
                       {QStringLiteral("kind"), entry.kind},
                       {QStringLiteral("app"), entry.app},
                       {QStringLiteral("agent"), entry.agent},
                       {QStringLiteral("actor"), entry.actor},
                       {QStringLiteral("message"), entry.message},
                       {QStringLiteral("details"), entry.details}};
    putTime(object, QStringLiteral("time"), entry.wallMs);
    return object;
}

ChartLine lineOf(const QString &label,
                 const QList<storage::HostSample> &samples,
                 double (*value)(const storage::HostSample &))
{
    ChartLine line;
    line.label = label;
    line.points.reserve(samples.size());
    for (const storage::HostSample &sample : samples) {
        const double y = value(sample);
        if (y >= 0 && std::isfinite(y))
            line.points.append(QPointF(double(sample.wallMs), y));
    }
    return line;
}

// The axis' top for data peaking at value: four grid steps of a round size (1, 2, 2.5 or 5 times
// a power of ten), so every tick label is a short number.
double niceMax(double value)
{
    if (value <= 0)
        return 1;
    const double quarter = value / 4;
    const double magnitude = std::pow(10.0, std::floor(std::log10(quarter)));
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (quarter <= step * magnitude * (1 + 1e-9))
            return 4 * step * magnitude;
    }
    return 40 * magnitude;
}

} // namespace

namespace {
qint64 tickStep(qint64 fromMs, qint64 toMs, int maxTicks)
{
    static constexpr qint64 kSteps[] = {1000,
                                        2000,
                                        5000,
                                        10'000,
                                        15'000,
                                        30'000,
                                        60'000,
                                        120'000,
                                        300'000,
                                        600'000,
                                        900'000,
                                        1'800'000,
                                        3'600'000,
                                        7'200'000,
                                        21'600'000,
                                        43'200'000,
                                        86'400'000};
    const qint64 span = std::max<qint64>(1, toMs - fromMs);
    for (const qint64 step : kSteps) {
        if (span / step <= std::max(1, maxTicks - 1))
            return step;
    }
    return kSteps[std::size(kSteps) - 1] * std::max<qint64>(1, span / (86'400'000LL * std::max(1, maxTicks - 1)));
}
} // namespace

QList<qint64> timeTicks(qint64 fromMs, qint64 toMs, int maxTicks)
{
    QList<qint64> ticks;
    if (toMs <= fromMs || maxTicks <= 0)
        return ticks;
    const qint64 step = tickStep(fromMs, toMs, maxTicks);
    for (qint64 t = (fromMs + step - 1) / step * step; t <= toMs; t += step)
        ticks.append(t);
    return ticks;
}

QString timeTickLabel(qint64 wallMs, qint64 fromMs, qint64 toMs, int maxTicks)
{
    const qint64 step = tickStep(fromMs, toMs, maxTicks);
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(wallMs, Qt::UTC);
    if (step >= 86'400'000)
        return time.toString(QStringLiteral("yyyy-MM-dd"));
    return time.toString(step % 60'000 == 0 ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss"));
}

QString valueText(double value, const QString &unit)
{
    const double magnitude = std::abs(value);
    const int decimals = magnitude >= 10 || value == std::floor(value) ? 0 : (magnitude >= 1 ? 1 : 2);
    const QString number = QString::number(value, 'f', decimals);
    if (unit.isEmpty())
        return number;
    return unit == QLatin1String("%") ? number + QStringLiteral(" %") : number + unit;
}

QString isoTime(qint64 wallMs)
{
    if (wallMs <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(wallMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString durationText(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("unknown");
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', ms < 10'000 ? 2 : 1);
    if (ms < 3'600'000)
        return QStringLiteral("%1 min %2 s").arg(ms / 60'000).arg((ms % 60'000) / 1000);
    return QStringLiteral("%1 h %2 min").arg(ms / 3'600'000).arg((ms % 3'600'000) / 60'000);
}

Result<IncidentReport> IncidentReport::build(const storage::ConsoleStore &store,
                                             qint64 incidentId,
                                             const ReportOptions &options,
                                             const Clock &clock)
{
    auto incident = store.incident(incidentId);
    if (!incident) {
        if (incident.error().code == ErrorCode::NotFound) {
            return fail(ErrorCode::NotFound,
                        QStringLiteral("no incident %1 in console store %2; list the incidents with "
                                       "`foresightctl cluster incidents`")
                            .arg(incidentId)
                            .arg(store.path()));
        }
        return std::unexpected(incident.error());
    }

    IncidentReport report;
    report.incident = *incident;
    report.generatedMs = clock.wallMs();
    const storage::Incident &i = report.incident;
    report.title = i.newPrimary.isEmpty()
                       ? QStringLiteral("Incident %1: %2 lost its primary %3").arg(i.id).arg(i.app, i.oldPrimary)
                       : QStringLiteral("Incident %1: failover of %2 from %3 to %4")
                             .arg(i.id)
                             .arg(i.app, i.oldPrimary, i.newPrimary);
    report.timeline = timelineOf(i);
    if (i.detectedMs > 0 && i.firstAckMs > 0)
        report.outageMs = i.firstAckMs - i.detectedMs;
    if (i.newPrimary.isEmpty()) {
        report.headline
            = QStringLiteral("%1's primary %2 failed and no replica has been promoted yet.").arg(i.app, i.oldPrimary);
    } else {
        report.headline = QStringLiteral("%1's primary %2 failed; %3 took over at epoch %4%5.")
                              .arg(i.app, i.oldPrimary, i.newPrimary)
                              .arg(i.epoch)
                              .arg(report.outageMs >= 0
                                       ? QStringLiteral(" and took its first acknowledged write %1 after the "
                                                        "detection")
                                             .arg(durationText(report.outageMs))
                                       : QStringLiteral(", but no acknowledged write on it has been recorded"));
    }

    report.dataLoss.ackedWritesLost = i.ackedWritesLost;
    report.dataLoss.seqGap = i.seqGap;
    report.dataLoss.predicted = i.predicted;
    report.dataLoss.predictionsRight = i.predictionsRight;
    report.dataLoss.predictionsWrong = i.predictionsWrong;
    report.dataLoss.formerTier = i.formerTier;
    report.dataLoss.sentence = dataLossSentence(i);

    // The window: from before the detection to after the last step known.
    qint64 first = 0;
    qint64 last = 0;
    for (const qint64 t : {i.detectedMs, i.decidedMs, i.promotedMs, i.firstAckMs}) {
        if (t <= 0)
            continue;
        first = first == 0 ? t : std::min(first, t);
        last = std::max(last, t);
    }
    if (first == 0) {
        report.metricsNote = QStringLiteral("The incident has no recorded times, so no journal entries or host "
                                            "metrics could be placed around it.");
        return report;
    }

    QStringList agents{i.oldPrimary};
    if (!i.newPrimary.isEmpty() && i.newPrimary != i.oldPrimary)
        agents.append(i.newPrimary);
    agents.removeAll(QString());
    report.journalFromMs = first - options.journalBeforeMs;
    report.journalToMs = last + options.journalAfterMs;
    auto journal = store.journalAbout(i.app,
                                      agents,
                                      report.journalFromMs,
                                      report.journalToMs,
                                      std::max(0, options.journalLimit) + 1);
    if (!journal)
        return std::unexpected(journal.error());
    report.journal = std::move(*journal);
    if (report.journal.size() > options.journalLimit) {
        report.journalTruncated = true;
        report.journal.resize(std::max(0, options.journalLimit));
    }
    for (const storage::JournalEntry &entry : std::as_const(report.journal)) {
        if (isOperatorAction(entry))
            report.operatorActions.append(entry);
    }

    report.metricsFromMs = first - options.metricsBeforeMs;
    report.metricsToMs = last + options.metricsAfterMs;
    QStringList missing;
    for (const QString &agent : std::as_const(agents)) {
        auto samples = store.hostSamples(agent, report.metricsFromMs, report.metricsToMs, options.maxPoints);
        if (!samples)
            return std::unexpected(samples.error());
        HostSeries series;
        series.agent = agent;
        series.role = agent == i.oldPrimary ? QStringLiteral("old-primary") : QStringLiteral("new-primary");
        series.samples = std::move(*samples);
        if (series.samples.isEmpty())
            missing.append(agent);
        else
            report.hasMetrics = true;
        if (series.role == QLatin1String("old-primary")) {
            const qint64 until = i.detectedMs > 0 ? i.detectedMs : first;
            for (const storage::HostSample &sample : std::as_const(series.samples)) {
                if (sample.wallMs <= until)
                    report.riskBefore.append(RiskPoint{sample.wallMs, sample.failureRisk, sample.anomaly});
            }
        }
        report.hosts.append(std::move(series));
    }
    if (!report.hasMetrics) {
        report.metricsNote = QStringLiteral("No host metrics were recorded for %1 between %2 and %3, so this "
                                            "report has no charts. The console records them from the agents' "
                                            "heartbeats while it runs and keeps them for 7 days.")
                                 .arg(agents.join(QStringLiteral(" or ")),
                                      isoTime(report.metricsFromMs),
                                      isoTime(report.metricsToMs));
    } else if (!missing.isEmpty()) {
        report.metricsNote = QStringLiteral("No host metrics were recorded for %1 in this window.")
                                 .arg(missing.join(QStringLiteral(" or ")));
    }
    return report;
}

QList<Chart> charts(const IncidentReport &report)
{
    QList<Chart> result;
    if (!report.hasMetrics)
        return result;
    QList<ChartMarker> markers;
    for (const TimelineStep &step : report.timeline) {
        if (step.wallMs > 0 && (step.key == QLatin1String("detected") || step.key == QLatin1String("promoted")))
            markers.append(ChartMarker{step.wallMs, step.key});
    }
    const auto chart = [&](const char *key, const char *title, const char *unit) {
        Chart c;
        c.key = QString::fromLatin1(key);
        c.title = QString::fromLatin1(title);
        c.unit = QString::fromUtf8(unit);
        c.fromMs = report.metricsFromMs;
        c.toMs = report.metricsToMs;
        c.markers = markers;
        return c;
    };
    using Value = double (*)(const storage::HostSample &);
    struct Metric
    {
        const char *key;
        const char *title;
        const char *unit;
        Value value;
    };
    const Metric metrics[] = {
        {"cpu", "CPU busy", "%", [](const storage::HostSample &s) { return s.cpuBusy * 100; }},
        {"memory", "Memory used", "%", [](const storage::HostSample &s) { return s.memUsedFraction * 100; }},
        {"disk",
         "Disk I/O busy (busiest disk)",
         "%",
         [](const storage::HostSample &s) { return s.diskIoBusyFraction * 100; }},
        {"load", "Load average (1 min)", "", [](const storage::HostSample &s) { return s.load1; }},
    };
    for (const Metric &metric : metrics) {
        Chart c = chart(metric.key, metric.title, metric.unit);
        for (const HostSeries &host : report.hosts) {
            ChartLine line = lineOf(QStringLiteral("%1 (%2)").arg(host.agent, roleLabel(host.role)),
                                    host.samples,
                                    metric.value);
            if (!line.points.isEmpty())
                c.lines.append(std::move(line));
        }
        result.append(std::move(c));
    }
    Chart network = chart("network", "Network errors and drops", "/s");
    for (const HostSeries &host : report.hosts) {
        for (const auto &[what, value] :
             {std::pair<const char *, Value>{"errors", [](const storage::HostSample &s) { return s.netErrorsPerSec; }},
              std::pair<const char *, Value>{"drops", [](const storage::HostSample &s) { return s.netDropsPerSec; }}}) {
            ChartLine line = lineOf(QStringLiteral("%1 %2").arg(host.agent, QLatin1StringView(what)),
                                    host.samples,
                                    value);
            if (!line.points.isEmpty())
                network.lines.append(std::move(line));
        }
    }
    result.append(std::move(network));

    Chart risk = chart("risk", "Failure risk of the old primary before detection", "%");
    ChartLine riskLine{QStringLiteral("failure risk (model)"), {}};
    ChartLine anomalyLine{QStringLiteral("anomaly score"), {}};
    for (const RiskPoint &point : report.riskBefore) {
        if (point.failureRisk >= 0)
            riskLine.points.append(QPointF(double(point.wallMs), point.failureRisk * 100));
        if (point.anomaly >= 0)
            anomalyLine.points.append(QPointF(double(point.wallMs), point.anomaly * 100));
    }
    if (!riskLine.points.isEmpty())
        risk.lines.append(riskLine);
    if (!anomalyLine.points.isEmpty())
        risk.lines.append(anomalyLine);
    if (report.incident.detectedMs > 0)
        risk.toMs = report.incident.detectedMs;
    result.append(std::move(risk));

    for (Chart &c : result) {
        if (c.unit == QLatin1String("%")) {
            c.yMax = 100;
            continue;
        }
        double top = 0;
        for (const ChartLine &line : std::as_const(c.lines)) {
            for (const QPointF &p : line.points)
                top = std::max(top, p.y());
        }
        c.yMax = niceMax(top);
    }
    return result;
}

QByteArray toJson(const IncidentReport &report)
{
    const storage::Incident &i = report.incident;
    QJsonObject incident{{QStringLiteral("id"), i.id},
                         {QStringLiteral("app"), i.app},
                         {QStringLiteral("oldPrimary"), i.oldPrimary},
                         {QStringLiteral("newPrimary"), i.newPrimary},
                         {QStringLiteral("formerTier"), i.formerTier},
                         {QStringLiteral("epoch"), qint64(i.epoch)},
                         {QStringLiteral("summary"), i.summary},
                         {QStringLiteral("acknowledged"), i.acknowledged}};
    putTime(incident, QStringLiteral("detected"), i.detectedMs);
    putTime(incident, QStringLiteral("decided"), i.decidedMs);
    putTime(incident, QStringLiteral("promoted"), i.promotedMs);
    putTime(incident, QStringLiteral("firstAck"), i.firstAckMs);

    QJsonArray timeline;
    for (const TimelineStep &step : report.timeline) {
        QJsonObject object{{QStringLiteral("step"), step.key},
                           {QStringLiteral("label"), step.label},
                           {QStringLiteral("sincePreviousMs"), step.sincePreviousMs},
                           {QStringLiteral("sinceDetectionMs"), step.sinceDetectionMs}};
        putTime(object, QStringLiteral("time"), step.wallMs);
        timeline.append(object);
    }

    QJsonArray journal;
    for (const storage::JournalEntry &entry : report.journal)
        journal.append(journalJson(entry));
    QJsonArray actions;
    for (const storage::JournalEntry &entry : report.operatorActions)
        actions.append(journalJson(entry));

    QJsonArray hosts;
    for (const HostSeries &series : report.hosts) {
        QJsonArray samples;
        for (const storage::HostSample &s : series.samples) {
            samples.append(QJsonObject{{QStringLiteral("timeMs"), s.wallMs},
                                       {QStringLiteral("cpuBusy"), s.cpuBusy},
                                       {QStringLiteral("memUsedFraction"), s.memUsedFraction},
                                       {QStringLiteral("diskIoBusyFraction"), s.diskIoBusyFraction},
                                       {QStringLiteral("load1"), s.load1},
                                       {QStringLiteral("netErrorsPerSec"), s.netErrorsPerSec},
                                       {QStringLiteral("netDropsPerSec"), s.netDropsPerSec},
                                       {QStringLiteral("failureRisk"), nullable(s.failureRisk)},
                                       {QStringLiteral("anomaly"), nullable(s.anomaly)}});
        }
        hosts.append(QJsonObject{{QStringLiteral("agent"), series.agent},
                                 {QStringLiteral("role"), series.role},
                                 {QStringLiteral("samples"), samples}});
    }
    QJsonArray risk;
    for (const RiskPoint &point : report.riskBefore) {
        risk.append(QJsonObject{{QStringLiteral("timeMs"), point.wallMs},
                                {QStringLiteral("failureRisk"), nullable(point.failureRisk)},
                                {QStringLiteral("anomaly"), nullable(point.anomaly)}});
    }

    QJsonObject journalWindow{{QStringLiteral("truncated"), report.journalTruncated}};
    putTime(journalWindow, QStringLiteral("from"), report.journalFromMs);
    putTime(journalWindow, QStringLiteral("to"), report.journalToMs);
    QJsonObject metrics{{QStringLiteral("hosts"), hosts},
                        {QStringLiteral("riskBeforeDetection"), risk},
                        {QStringLiteral("available"), report.hasMetrics},
                        {QStringLiteral("note"), report.metricsNote}};
    putTime(metrics, QStringLiteral("from"), report.metricsFromMs);
    putTime(metrics, QStringLiteral("to"), report.metricsToMs);

    QJsonObject root{{QStringLiteral("format"), QStringLiteral("foresight-incident-report")},
                     {QStringLiteral("version"), 1},
                     {QStringLiteral("title"), report.title},
                     {QStringLiteral("headline"), report.headline},
                     {QStringLiteral("outageMs"), report.outageMs},
                     {QStringLiteral("incident"), incident},
                     {QStringLiteral("timeline"), timeline},
                     {QStringLiteral("journalWindow"), journalWindow},
                     {QStringLiteral("journal"), journal},
                     {QStringLiteral("operatorActions"), actions},
                     {QStringLiteral("dataLoss"),
                      QJsonObject{{QStringLiteral("ackedWritesLost"), report.dataLoss.ackedWritesLost},
                                  {QStringLiteral("seqGap"), report.dataLoss.seqGap},
                                  {QStringLiteral("predicted"), report.dataLoss.predicted},
                                  {QStringLiteral("predictionsRight"), report.dataLoss.predictionsRight},
                                  {QStringLiteral("predictionsWrong"), report.dataLoss.predictionsWrong},
                                  {QStringLiteral("formerTier"), report.dataLoss.formerTier},
                                  {QStringLiteral("sentence"), report.dataLoss.sentence}}},
                     {QStringLiteral("metrics"), metrics}};
    putTime(root, QStringLiteral("generated"), report.generatedMs);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace foresight::report
