// Reading a report's JSON export back (docs/reports.md): what a client of the console's control
// API receives (console-report-reply) and renders as HTML or PDF on its own side.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "foresight/report/incidentreport.h"

namespace foresight::report {

namespace {

constexpr int kFormatVersion = 1;

double nullableNumber(const QJsonValue &value)
{
    return value.isDouble() ? value.toDouble() : -1;
}

qint64 integer(const QJsonObject &object, const char *name, qint64 fallback = 0)
{
    return object.value(QLatin1String(name)).toInteger(fallback);
}

QString text(const QJsonObject &object, const char *name)
{
    return object.value(QLatin1String(name)).toString();
}

storage::JournalEntry journalEntryOf(const QJsonObject &object)
{
    storage::JournalEntry entry;
    entry.id = integer(object, "id");
    entry.wallMs = integer(object, "timeMs");
    entry.kind = text(object, "kind");
    entry.app = text(object, "app");
    entry.agent = text(object, "agent");
    entry.actor = text(object, "actor");
    entry.message = text(object, "message");
    entry.details = object.value(QStringLiteral("details")).toObject();
    return entry;
}

QList<storage::JournalEntry> journalOf(const QJsonArray &array)
{
    QList<storage::JournalEntry> entries;
    for (const QJsonValue &value : array)
        entries.append(journalEntryOf(value.toObject()));
    return entries;
}

storage::HostSample sampleOf(const QString &agent, const QJsonObject &object)
{
    storage::HostSample sample;
    sample.agent = agent;
    sample.wallMs = integer(object, "timeMs");
    sample.cpuBusy = object.value(QStringLiteral("cpuBusy")).toDouble();
    sample.memUsedFraction = object.value(QStringLiteral("memUsedFraction")).toDouble();
    sample.diskIoBusyFraction = object.value(QStringLiteral("diskIoBusyFraction")).toDouble();
    sample.load1 = object.value(QStringLiteral("load1")).toDouble();
    sample.netErrorsPerSec = object.value(QStringLiteral("netErrorsPerSec")).toDouble();
    sample.netDropsPerSec = object.value(QStringLiteral("netDropsPerSec")).toDouble();
    sample.failureRisk = nullableNumber(object.value(QStringLiteral("failureRisk")));
    sample.anomaly = nullableNumber(object.value(QStringLiteral("anomaly")));
    return sample;
}

} // namespace

Result<IncidentReport> fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the incident report is not JSON: %1 at offset %2")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    const QJsonObject root = document.object();
    if (text(root, "format") != QLatin1String("foresight-incident-report"))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("not a Foresight incident report (its \"format\" is '%1')").arg(text(root, "format")));
    if (integer(root, "version") != kFormatVersion)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("incident report version %1 is not supported (this program reads version %2)")
                        .arg(integer(root, "version"))
                        .arg(kFormatVersion));

    IncidentReport report;
    const QJsonObject incident = root.value(QStringLiteral("incident")).toObject();
    storage::Incident &i = report.incident;
    i.id = integer(incident, "id");
    i.app = text(incident, "app");
    i.oldPrimary = text(incident, "oldPrimary");
    i.newPrimary = text(incident, "newPrimary");
    i.formerTier = text(incident, "formerTier");
    i.epoch = std::uint64_t(integer(incident, "epoch"));
    i.summary = text(incident, "summary");
    i.acknowledged = incident.value(QStringLiteral("acknowledged")).toBool();
    i.detectedMs = integer(incident, "detectedMs");
    i.decidedMs = integer(incident, "decidedMs");
    i.promotedMs = integer(incident, "promotedMs");
    i.firstAckMs = integer(incident, "firstAckMs");

    report.title = text(root, "title");
    report.headline = text(root, "headline");
    report.generatedMs = integer(root, "generatedMs");
    report.outageMs = integer(root, "outageMs", -1);
    for (const QJsonValue &value : root.value(QStringLiteral("timeline")).toArray()) {
        const QJsonObject step = value.toObject();
        report.timeline.append(TimelineStep{text(step, "step"),
                                            text(step, "label"),
                                            integer(step, "timeMs"),
                                            integer(step, "sincePreviousMs", -1),
                                            integer(step, "sinceDetectionMs", -1)});
    }

    const QJsonObject window = root.value(QStringLiteral("journalWindow")).toObject();
    report.journalFromMs = integer(window, "fromMs");
    report.journalToMs = integer(window, "toMs");
    report.journalTruncated = window.value(QStringLiteral("truncated")).toBool();
    report.journal = journalOf(root.value(QStringLiteral("journal")).toArray());
    report.operatorActions = journalOf(root.value(QStringLiteral("operatorActions")).toArray());

    const QJsonObject loss = root.value(QStringLiteral("dataLoss")).toObject();
    report.dataLoss.ackedWritesLost = integer(loss, "ackedWritesLost", -1);
    report.dataLoss.seqGap = integer(loss, "seqGap");
    report.dataLoss.predicted = integer(loss, "predicted");
    report.dataLoss.predictionsRight = integer(loss, "predictionsRight");
    report.dataLoss.predictionsWrong = integer(loss, "predictionsWrong");
    report.dataLoss.formerTier = text(loss, "formerTier");
    report.dataLoss.sentence = text(loss, "sentence");
    // The export keeps the loss in one place, dataLoss; the incident holds it too.
    i.ackedWritesLost = report.dataLoss.ackedWritesLost;
    i.seqGap = report.dataLoss.seqGap;
    i.predicted = report.dataLoss.predicted;
    i.predictionsRight = report.dataLoss.predictionsRight;
    i.predictionsWrong = report.dataLoss.predictionsWrong;

    const QJsonObject metrics = root.value(QStringLiteral("metrics")).toObject();
    report.metricsFromMs = integer(metrics, "fromMs");
    report.metricsToMs = integer(metrics, "toMs");
    report.hasMetrics = metrics.value(QStringLiteral("available")).toBool();
    report.metricsNote = text(metrics, "note");
    for (const QJsonValue &value : metrics.value(QStringLiteral("hosts")).toArray()) {
        const QJsonObject host = value.toObject();
        HostSeries series;
        series.agent = text(host, "agent");
        series.role = text(host, "role");
        for (const QJsonValue &sample : host.value(QStringLiteral("samples")).toArray())
            series.samples.append(sampleOf(series.agent, sample.toObject()));
        report.hosts.append(series);
    }
    for (const QJsonValue &value : metrics.value(QStringLiteral("riskBeforeDetection")).toArray()) {
        const QJsonObject point = value.toObject();
        report.riskBefore.append(RiskPoint{integer(point, "timeMs"),
                                           nullableNumber(point.value(QStringLiteral("failureRisk"))),
                                           nullableNumber(point.value(QStringLiteral("anomaly")))});
    }
    return report;
}

} // namespace foresight::report
