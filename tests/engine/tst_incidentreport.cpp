// Unit tests for incident reports: a scripted failover written into a real console store comes
// back as a report with its timeline, journal window, operator actions, data loss and metrics; its
// JSON carries every field; its HTML page shows them, escapes markup and loads nothing from
// outside; an unknown incident and an incident without metrics say so.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/report/incidentreport.h"
#include "foresight/storage/consolestore.h"
#include "scriptedincident.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::report::IncidentReport;
using foresight::storage::ConsoleStore;
using scripted::errorText;

namespace {

QStringList messages(const QList<foresight::storage::JournalEntry> &entries)
{
    QStringList result;
    for (const foresight::storage::JournalEntry &entry : entries)
        result.append(entry.message);
    return result;
}

} // namespace

class TestIncidentReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void timeline();
    void journalWindowAndOperatorActions();
    void dataLoss();
    void metricsAndRisk();
    void charts();
    void jsonCarriesEveryField();
    void jsonReadsBackAsTheSameReport();
    void jsonFromSomethingElseIsRefused_data();
    void jsonFromSomethingElseIsRefused();
    void htmlShowsAndEscapes();
    void unknownIncident();
    void noSamples();
    void helpers_data();
    void helpers();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ConsoleStore> m_store;
    qint64 m_id = 0;
    foresight::ManualClock m_clock{1'700'001'000'000};
    std::optional<IncidentReport> m_report;
};

void TestIncidentReport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto store = ConsoleStore::open(m_dir->filePath(u"console.db"_s), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    m_store = std::move(*store);
    auto id = scripted::writeIncident(*m_store);
    QVERIFY2(id, qPrintable(errorText(id)));
    m_id = *id;
    if (QByteArray(QTest::currentTestFunction()) != "noSamples") {
        auto status = scripted::writeSamples(*m_store);
        QVERIFY2(status, qPrintable(errorText(status)));
    }
    auto report = IncidentReport::build(*m_store, m_id, {}, m_clock);
    QVERIFY2(report, qPrintable(errorText(report)));
    m_report = std::move(*report);
}

void TestIncidentReport::cleanup()
{
    m_report.reset();
    m_store.reset();
    m_dir.reset();
}

void TestIncidentReport::timeline()
{
    const IncidentReport &r = *m_report;
    QCOMPARE(r.incident.id, m_id);
    QCOMPARE(r.incident.summary, scripted::kSummary);
    QCOMPARE(r.generatedMs, m_clock.wallMs());
    QCOMPARE(r.title, u"Incident %1: failover of shop from alpha to bravo"_s.arg(m_id));
    QVERIFY2(r.headline.contains(u"bravo took over at epoch 3"_s), qPrintable(r.headline));
    QVERIFY2(r.headline.contains(u"1.20 s"_s), qPrintable(r.headline));
    QCOMPARE(r.outageMs, 1200);
    QCOMPARE(r.timeline.size(), 4);
    const QStringList keys{u"detected"_s, u"decided"_s, u"promoted"_s, u"first-ack"_s};
    const qint64 times[] = {scripted::kDetectedMs, scripted::kDecidedMs, scripted::kPromotedMs, scripted::kFirstAckMs};
    const qint64 sincePrevious[] = {-1, 200, 250, 750};
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(r.timeline[i].key, keys[i]);
        QCOMPARE(r.timeline[i].wallMs, times[i]);
        QCOMPARE(r.timeline[i].sincePreviousMs, sincePrevious[i]);
        QCOMPARE(r.timeline[i].sinceDetectionMs, times[i] - scripted::kDetectedMs);
    }
}

void TestIncidentReport::journalWindowAndOperatorActions()
{
    const IncidentReport &r = *m_report;
    QCOMPARE(r.journalFromMs, scripted::kDetectedMs - 600'000);
    QCOMPARE(r.journalToMs, scripted::kFirstAckMs + 300'000);
    QVERIFY(!r.journalTruncated);
    // Not the other application's entry, nor those an hour away; the old primary's suspicion
    // (an entry without an application) is in.
    QCOMPARE(messages(r.journal),
             (QStringList{u"alpha suspected"_s,
                          u"primary alpha is silent"_s,
                          u"failing over to bravo"_s,
                          u"promoted bravo (former warm replica) to primary at epoch 3"_s,
                          scripted::kMarkup,
                          u"first acknowledged write"_s,
                          scripted::kOperatorAction}));
    QCOMPARE(r.operatorActions.size(), 1);
    QCOMPARE(r.operatorActions.first().actor, scripted::kOperator);
    QCOMPARE(r.operatorActions.first().message, scripted::kOperatorAction);
    QCOMPARE(r.operatorActions.first().wallMs, scripted::kFirstAckMs + 60'000);

    // A cap keeps the oldest entries and says the journal was cut.
    foresight::report::ReportOptions options;
    options.journalLimit = 2;
    const auto capped = IncidentReport::build(*m_store, m_id, options, m_clock);
    QVERIFY2(capped, qPrintable(errorText(capped)));
    QVERIFY(capped->journalTruncated);
    QCOMPARE(messages(capped->journal), (QStringList{u"alpha suspected"_s, u"primary alpha is silent"_s}));
}

void TestIncidentReport::dataLoss()
{
    const auto &loss = m_report->dataLoss;
    QCOMPARE(loss.ackedWritesLost, 3);
    QCOMPARE(loss.seqGap, 5);
    QCOMPARE(loss.formerTier, u"warm"_s);
    QVERIFY2(loss.sentence.startsWith(u"3 acknowledged writes lost"_s), qPrintable(loss.sentence));
    QVERIFY2(loss.sentence.contains(u"formerly a warm replica"_s), qPrintable(loss.sentence));
    QVERIFY2(loss.sentence.contains(u"5 sequence numbers behind"_s), qPrintable(loss.sentence));
}

void TestIncidentReport::metricsAndRisk()
{
    const IncidentReport &r = *m_report;
    QVERIFY(r.hasMetrics);
    QVERIFY2(r.metricsNote.isEmpty(), qPrintable(r.metricsNote));
    QCOMPARE(r.metricsFromMs, scripted::kDetectedMs - 600'000);
    QCOMPARE(r.metricsToMs, scripted::kFirstAckMs + 300'000);
    QCOMPARE(r.hosts.size(), 2);
    QCOMPARE(r.hosts[0].agent, u"alpha"_s);
    QCOMPARE(r.hosts[0].role, u"old-primary"_s);
    QCOMPARE(r.hosts[0].samples.size(), 301);
    QCOMPARE(r.hosts[1].agent, u"bravo"_s);
    QCOMPARE(r.hosts[1].role, u"new-primary"_s);
    QCOMPARE(r.hosts[1].samples.size(), 451);
    QCOMPARE(r.hosts[1].samples.last().wallMs, scripted::kDetectedMs + 300'500);

    // The old primary's risk up to the detection, climbing to 0.8.
    QCOMPARE(r.riskBefore.size(), 301);
    QCOMPARE(r.riskBefore.last().wallMs, scripted::kDetectedMs);
    QVERIFY(qAbs(r.riskBefore.last().failureRisk - 0.8) < 1e-9);
    QVERIFY(qAbs(r.riskBefore.first().failureRisk - 0.05) < 1e-9);

    // Fewer points when asked: the store averages buckets.
    foresight::report::ReportOptions options;
    options.maxPoints = 100;
    const auto coarse = IncidentReport::build(*m_store, m_id, options, m_clock);
    QVERIFY2(coarse, qPrintable(errorText(coarse)));
    QVERIFY(coarse->hosts[1].samples.size() <= 100);
    QVERIFY(coarse->hosts[1].samples.size() >= 90);
}

void TestIncidentReport::charts()
{
    const auto charts = foresight::report::charts(*m_report);
    QStringList keys;
    for (const auto &chart : charts)
        keys.append(chart.key);
    QCOMPARE(keys, (QStringList{u"cpu"_s, u"memory"_s, u"disk"_s, u"load"_s, u"network"_s, u"risk"_s}));
    const auto &cpu = charts[0];
    QCOMPARE(cpu.yMax, 100.0);
    QCOMPARE(cpu.lines.size(), 2);
    QCOMPARE(cpu.lines[0].label, u"alpha (old primary)"_s);
    QCOMPARE(cpu.lines[0].points.size(), 301);
    QCOMPARE(cpu.lines[0].points.last().y(), 90.0);
    QCOMPARE(cpu.markers.size(), 2);
    QCOMPARE(cpu.markers[0].wallMs, scripted::kDetectedMs);
    QCOMPARE(charts[3].yMax, 8.0); // load peaks at 7: four steps of 2
    QCOMPARE(charts[4].yMax, 4.0); // network errors peak at 4
    const auto &risk = charts[5];
    QCOMPARE(risk.toMs, scripted::kDetectedMs);
    QCOMPARE(risk.lines.size(), 2);
    QCOMPARE(risk.lines[0].points.last().y(), 80.0);
}

void TestIncidentReport::jsonCarriesEveryField()
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(foresight::report::toJson(*m_report), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject root = document.object();
    QCOMPARE(root[u"format"_s].toString(), u"foresight-incident-report"_s);
    QCOMPARE(root[u"version"_s].toInt(), 1);
    QCOMPARE(root[u"title"_s].toString(), m_report->title);
    QCOMPARE(root[u"headline"_s].toString(), m_report->headline);
    QCOMPARE(root[u"outageMs"_s].toInteger(), 1200);
    QCOMPARE(root[u"generatedMs"_s].toInteger(), m_clock.wallMs());

    const QJsonObject incident = root[u"incident"_s].toObject();
    QCOMPARE(incident[u"id"_s].toInteger(), m_id);
    QCOMPARE(incident[u"app"_s].toString(), u"shop"_s);
    QCOMPARE(incident[u"oldPrimary"_s].toString(), u"alpha"_s);
    QCOMPARE(incident[u"newPrimary"_s].toString(), u"bravo"_s);
    QCOMPARE(incident[u"formerTier"_s].toString(), u"warm"_s);
    QCOMPARE(incident[u"epoch"_s].toInteger(), 3);
    QCOMPARE(incident[u"summary"_s].toString(), scripted::kSummary);
    QCOMPARE(incident[u"acknowledged"_s].toBool(), false);
    QCOMPARE(incident[u"detectedMs"_s].toInteger(), scripted::kDetectedMs);
    QCOMPARE(incident[u"detectedIso"_s].toString(), u"2023-11-14T22:23:20.000Z"_s);
    QCOMPARE(incident[u"firstAckMs"_s].toInteger(), scripted::kFirstAckMs);
    QCOMPARE(incident[u"firstAckIso"_s].toString(), u"2023-11-14T22:23:21.200Z"_s);

    const QJsonArray timeline = root[u"timeline"_s].toArray();
    QCOMPARE(timeline.size(), 4);
    for (int i = 0; i < 4; ++i) {
        const QJsonObject step = timeline[i].toObject();
        QCOMPARE(step[u"step"_s].toString(), m_report->timeline[i].key);
        QCOMPARE(step[u"label"_s].toString(), m_report->timeline[i].label);
        QCOMPARE(step[u"timeMs"_s].toInteger(), m_report->timeline[i].wallMs);
        QCOMPARE(step[u"timeIso"_s].toString(), foresight::report::isoTime(m_report->timeline[i].wallMs));
        QCOMPARE(step[u"sincePreviousMs"_s].toInteger(), m_report->timeline[i].sincePreviousMs);
        QCOMPARE(step[u"sinceDetectionMs"_s].toInteger(), m_report->timeline[i].sinceDetectionMs);
    }

    const QJsonArray journal = root[u"journal"_s].toArray();
    QCOMPARE(journal.size(), m_report->journal.size());
    QCOMPARE(journal[4].toObject()[u"message"_s].toString(), scripted::kMarkup);
    QCOMPARE(root[u"journalWindow"_s].toObject()[u"fromMs"_s].toInteger(), m_report->journalFromMs);
    QCOMPARE(root[u"journalWindow"_s].toObject()[u"truncated"_s].toBool(), false);
    const QJsonArray actions = root[u"operatorActions"_s].toArray();
    QCOMPARE(actions.size(), 1);
    const QJsonObject action = actions[0].toObject();
    QCOMPARE(action[u"actor"_s].toString(), scripted::kOperator);
    QCOMPARE(action[u"kind"_s].toString(), u"operator"_s);
    QCOMPARE(action[u"message"_s].toString(), scripted::kOperatorAction);
    QCOMPARE(action[u"timeMs"_s].toInteger(), scripted::kFirstAckMs + 60'000);
    QCOMPARE(action[u"timeIso"_s].toString(), foresight::report::isoTime(scripted::kFirstAckMs + 60'000));
    QCOMPARE(action[u"id"_s].toInteger(), m_report->operatorActions.first().id);

    const QJsonObject loss = root[u"dataLoss"_s].toObject();
    QCOMPARE(loss[u"ackedWritesLost"_s].toInteger(), 3);
    QCOMPARE(loss[u"seqGap"_s].toInteger(), 5);
    QCOMPARE(loss[u"formerTier"_s].toString(), u"warm"_s);
    QCOMPARE(loss[u"sentence"_s].toString(), m_report->dataLoss.sentence);

    const QJsonObject metrics = root[u"metrics"_s].toObject();
    QCOMPARE(metrics[u"available"_s].toBool(), true);
    QCOMPARE(metrics[u"fromMs"_s].toInteger(), m_report->metricsFromMs);
    QCOMPARE(metrics[u"toIso"_s].toString(), foresight::report::isoTime(m_report->metricsToMs));
    const QJsonArray hosts = metrics[u"hosts"_s].toArray();
    QCOMPARE(hosts.size(), 2);
    QCOMPARE(hosts[0].toObject()[u"agent"_s].toString(), u"alpha"_s);
    QCOMPARE(hosts[0].toObject()[u"role"_s].toString(), u"old-primary"_s);
    const QJsonArray samples = hosts[0].toObject()[u"samples"_s].toArray();
    QCOMPARE(samples.size(), 301);
    const foresight::storage::HostSample &last = m_report->hosts[0].samples.last();
    const QJsonObject lastJson = samples.last().toObject();
    QCOMPARE(lastJson[u"timeMs"_s].toInteger(), last.wallMs);
    QCOMPARE(lastJson[u"cpuBusy"_s].toDouble(), last.cpuBusy);
    QCOMPARE(lastJson[u"memUsedFraction"_s].toDouble(), last.memUsedFraction);
    QCOMPARE(lastJson[u"diskIoBusyFraction"_s].toDouble(), last.diskIoBusyFraction);
    QCOMPARE(lastJson[u"load1"_s].toDouble(), last.load1);
    QCOMPARE(lastJson[u"netErrorsPerSec"_s].toDouble(), last.netErrorsPerSec);
    QCOMPARE(lastJson[u"netDropsPerSec"_s].toDouble(), last.netDropsPerSec);
    QCOMPARE(lastJson[u"failureRisk"_s].toDouble(), last.failureRisk);
    QCOMPARE(lastJson[u"anomaly"_s].toDouble(), last.anomaly);
    const QJsonArray risk = metrics[u"riskBeforeDetection"_s].toArray();
    QCOMPARE(risk.size(), 301);
    QCOMPARE(risk.last().toObject()[u"timeMs"_s].toInteger(), scripted::kDetectedMs);
}

void TestIncidentReport::jsonReadsBackAsTheSameReport()
{
    // What foresightctl does with the console's reply: read the JSON back, render it again.
    const QByteArray json = foresight::report::toJson(*m_report);
    const auto read = foresight::report::fromJson(json);
    QVERIFY2(read, qPrintable(errorText(read)));
    QCOMPARE(foresight::report::toJson(*read), json);
    // Line by line, so a difference shows where it is.
    const QList<QByteArray> html = foresight::report::toHtml(*read).split('\n');
    const QList<QByteArray> expected = foresight::report::toHtml(*m_report).split('\n');
    for (qsizetype i = 0; i < qMin(html.size(), expected.size()); ++i)
        QCOMPARE(html[i], expected[i]);
    QCOMPARE(html.size(), expected.size());
    QCOMPARE(read->operatorActions.size(), m_report->operatorActions.size());
    QCOMPARE(read->hosts.size(), m_report->hosts.size());
    QCOMPARE(read->hosts.constFirst().samples, m_report->hosts.constFirst().samples);
}

void TestIncidentReport::jsonFromSomethingElseIsRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("says");
    QTest::newRow("not JSON") << QByteArray("{\"format\": ") << u"not JSON"_s;
    QTest::newRow("another format") << QByteArray(R"({"format": "nab-results", "version": 1})") << u"nab-results"_s;
    QTest::newRow("a newer version") << QByteArray(R"({"format": "foresight-incident-report", "version": 2})")
                                     << u"version 2 is not supported"_s;
}

void TestIncidentReport::jsonFromSomethingElseIsRefused()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, says);
    const auto read = foresight::report::fromJson(json);
    QVERIFY(!read);
    QCOMPARE(read.error().code, foresight::ErrorCode::InvalidArgument);
    QVERIFY2(read.error().message.contains(says), qPrintable(read.error().message));
}

void TestIncidentReport::htmlShowsAndEscapes()
{
    const QString html = QString::fromUtf8(foresight::report::toHtml(*m_report));
    QVERIFY(html.startsWith(u"<!DOCTYPE html>"_s));
    for (const QString &expected : {m_report->title.toHtmlEscaped(),
                                    scripted::kSummary,
                                    scripted::kOperator,
                                    scripted::kOperatorAction,
                                    m_report->dataLoss.sentence.toHtmlEscaped(),
                                    u"First acknowledged write"_s,
                                    foresight::report::isoTime(scripted::kFirstAckMs),
                                    u"750 ms"_s,
                                    u"id=\"chart-cpu\""_s,
                                    u"id=\"chart-risk\""_s,
                                    u"alpha (old primary)"_s,
                                    u"hook said &lt;script&gt;alert('x')&lt;/script&gt; &amp; left"_s}) {
        QVERIFY2(html.contains(expected), qPrintable(u"missing: "_s + expected));
    }
    QVERIFY(!html.contains(u"<script"_s));
    QCOMPARE(html.count(u"<svg "_s), 6);
    // Self-contained: nothing to fetch (the SVG namespace is a name, not a download).
    QVERIFY(!html.contains(u"src="_s));
    QVERIFY(!html.contains(u"href="_s));
    QVERIFY(!html.contains(u"<link"_s));
    QVERIFY(!html.contains(u"url("_s));
}

void TestIncidentReport::unknownIncident()
{
    const auto report = IncidentReport::build(*m_store, m_id + 41, {}, m_clock);
    QVERIFY(!report);
    QCOMPARE(report.error().code, ErrorCode::NotFound);
    QVERIFY2(report.error().message.contains(u"no incident %1"_s.arg(m_id + 41)), qPrintable(report.error().message));
    QVERIFY(report.error().message.contains(m_store->path()));
}

void TestIncidentReport::noSamples()
{
    const IncidentReport &r = *m_report; // init() wrote no samples for this test
    QVERIFY(!r.hasMetrics);
    QVERIFY2(r.metricsNote.contains(u"No host metrics were recorded for alpha or bravo"_s), qPrintable(r.metricsNote));
    QVERIFY(r.riskBefore.isEmpty());
    QVERIFY(foresight::report::charts(r).isEmpty());
    // The rest of the report is all there.
    QCOMPARE(r.operatorActions.size(), 1);
    QCOMPARE(r.dataLoss.ackedWritesLost, 3);
    const QString html = QString::fromUtf8(foresight::report::toHtml(r));
    QVERIFY(html.contains(r.metricsNote.toHtmlEscaped()));
    QVERIFY(!html.contains(u"<svg"_s));
    const QJsonObject metrics = QJsonDocument::fromJson(foresight::report::toJson(r)).object()[u"metrics"_s].toObject();
    QCOMPARE(metrics[u"available"_s].toBool(), false);
    QCOMPARE(metrics[u"note"_s].toString(), r.metricsNote);
}

void TestIncidentReport::helpers_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("ms") << qint64(850) << u"850 ms"_s;
    QTest::newRow("seconds") << qint64(4200) << u"4.20 s"_s;
    QTest::newRow("tens of seconds") << qint64(42'500) << u"42.5 s"_s;
    QTest::newRow("minutes") << qint64(192'000) << u"3 min 12 s"_s;
    QTest::newRow("hours") << qint64(7'500'000) << u"2 h 5 min"_s;
    QTest::newRow("unknown") << qint64(-1) << u"unknown"_s;
}

void TestIncidentReport::helpers()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(foresight::report::durationText(ms), text);
    // Ticks: round times, in range, at most the number asked.
    const auto ticks = foresight::report::timeTicks(scripted::kDetectedMs - 600'000, scripted::kDetectedMs + 301'200);
    QVERIFY(!ticks.isEmpty() && ticks.size() <= 7);
    for (const qint64 tick : ticks) {
        QVERIFY(tick >= scripted::kDetectedMs - 600'000 && tick <= scripted::kDetectedMs + 301'200);
        QCOMPARE(tick % 60'000, 0);
    }
    QCOMPARE(foresight::report::isoTime(0), QString());
}

QTEST_GUILESS_MAIN(TestIncidentReport)
#include "tst_incidentreport.moc"
