#pragma once

#include <QByteArray>
#include <QList>
#include <QPointF>
#include <QString>

#include "foresight/core/clock.h"
#include "foresight/core/result.h"
#include "foresight/storage/consolestore.h"

namespace foresight::report {

// How much of the console store's memory around an incident a report takes in. The window is
// anchored at the incident's detection (before) and its last known step (after: the first
// acknowledged write, else the promotion, the decision, the detection).
struct ReportOptions
{
    qint64 journalBeforeMs = 10 * 60 * 1000;
    qint64 journalAfterMs = 5 * 60 * 1000;
    int journalLimit = 500; // entries; more in the window are cut (the report says so)
    qint64 metricsBeforeMs = 10 * 60 * 1000;
    qint64 metricsAfterMs = 5 * 60 * 1000;
    int maxPoints = 600; // per chart series; the store averages buckets beyond that
};

// One step of a failover. wallMs is 0 when the step was not recorded (an incident still under
// way, or one whose new primary never took a write).
struct TimelineStep
{
    QString key;   // "detected", "decided", "promoted", "first-ack"
    QString label; // "Failure detected", ...
    qint64 wallMs = 0;
    qint64 sincePreviousMs = -1;  // from the previous recorded step; -1 when unknown or first
    qint64 sinceDetectionMs = -1; // -1 when unknown
};

struct DataLoss
{
    qint64 ackedWritesLost = -1; // -1 while unknown
    qint64 seqGap = 0;
    // The speculative overlay that stood in for the gap: values predicted, and how many the
    // gap's real deltas confirmed or contradicted (0 and 0 until they arrive).
    qint64 predicted = 0;
    qint64 predictionsRight = 0;
    qint64 predictionsWrong = 0;
    QString formerTier; // the promoted replica's tier before the failover
    QString sentence;   // what it means, in one or two plain sentences
};

// One host's metrics around the incident (samples as ConsoleStore::hostSamples gives them).
struct HostSeries
{
    QString agent;
    QString role; // "old-primary" or "new-primary"
    QList<storage::HostSample> samples;
};

// The old primary's failure risk and anomaly score up to the detection.
struct RiskPoint
{
    qint64 wallMs = 0;
    double failureRisk = -1; // -1 while the model had no opinion
    double anomaly = -1;
};

// Everything a report about one incident says, read once from the console store. A plain value:
// build it on any thread (with a store opened on that thread), render it anywhere.
struct IncidentReport
{
    storage::Incident incident;
    QString title;          // "Incident 12: failover of shop from alpha to bravo"
    QString headline;       // one sentence: what happened and how long the application was down
    qint64 generatedMs = 0; // Unix ms
    qint64 outageMs = -1;   // detection to first acknowledged write; -1 when unknown

    QList<TimelineStep> timeline; // always the four steps, in order

    qint64 journalFromMs = 0;
    qint64 journalToMs = 0;
    QList<storage::JournalEntry> journal; // entries about the application (and its two primaries), oldest first
    bool journalTruncated = false;
    QList<storage::JournalEntry> operatorActions; // the journal's entries of kind "operator" or actor not "engine"

    DataLoss dataLoss;

    qint64 metricsFromMs = 0;
    qint64 metricsToMs = 0;
    QList<HostSeries> hosts;     // old primary first, then the new primary (when there is one)
    QList<RiskPoint> riskBefore; // the old primary's, metricsFromMs up to the detection
    bool hasMetrics = false;     // any host sample at all in the window
    QString metricsNote;         // why there are no charts (or some are missing); empty otherwise

    // Reads incident `incidentId` and what the store holds around it. NotFound (naming the id and
    // the store) for an unknown incident; the store's own errors (IoError, Corruption) otherwise.
    // clock stamps generatedMs.
    static Result<IncidentReport> build(const storage::ConsoleStore &store,
                                        qint64 incidentId,
                                        const ReportOptions &options = {},
                                        const Clock &clock = SystemClock::instance());
};

// A chart as every renderer draws it (HTML's SVG, the PDF's QPainter), so they show the same.
struct ChartLine
{
    QString label;         // legend: "alpha (old primary)"
    QList<QPointF> points; // x: Unix ms, y: in the chart's unit
};

struct ChartMarker
{
    qint64 wallMs = 0;
    QString label; // "detected", "promoted"
};

struct Chart
{
    QString key;     // "cpu", "memory", "disk", "load", "network", "risk"
    QString title;   // "CPU busy"
    QString unit;    // "%", "/s", "" (load)
    double yMax = 0; // the axis' top: fixed 100 for percentages, else from the data (at least 1)
    qint64 fromMs = 0;
    qint64 toMs = 0;
    QList<ChartLine> lines; // lines without points are left out
    QList<ChartMarker> markers;
};

// The report's charts, in order; empty when the report has no metrics (see metricsNote).
QList<Chart> charts(const IncidentReport &report);

// Axis helpers shared by the renderers: time ticks at a round step (1 s ... 1 day) within
// [fromMs, toMs], at most maxTicks; a tick's label (UTC, "HH:mm" or "HH:mm:ss" as the step needs).
QList<qint64> timeTicks(qint64 fromMs, qint64 toMs, int maxTicks = 7);
QString timeTickLabel(qint64 wallMs, qint64 fromMs, qint64 toMs, int maxTicks = 7);
// A value as an axis or a table prints it: "42", "0.5", "1.25", with the unit ("42 %").
QString valueText(double value, const QString &unit);

// Time as the reports print it: ISO 8601 UTC with milliseconds ("2026-11-24T01:02:03.456Z"); empty
// for 0.
QString isoTime(qint64 wallMs);
// A duration as a person reads it: "850 ms", "4.2 s", "3 min 12 s", "2 h 5 min"; "unknown" below 0.
QString durationText(qint64 ms);

// The report as JSON (UTF-8, indented). Field names are stable and documented in docs/reports.md;
// every time is given as Unix ms ("...Ms") and as ISO 8601 UTC ("...Iso", empty when unknown).
QByteArray toJson(const IncidentReport &report);
// Reads toJson()'s output back (a client of the console's control API renders HTML or PDF from
// it). InvalidArgument naming what is wrong for text that is not a version-1 report.
Result<IncidentReport> fromJson(const QByteArray &json);
// A self-contained HTML page (UTF-8): no external resources, charts as inline SVG, every text
// from the store HTML-escaped.
QByteArray toHtml(const IncidentReport &report);

} // namespace foresight::report
