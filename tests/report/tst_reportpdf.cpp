// Tests for the incident report's PDF: a scripted failover, rendered with QPdfWriter, read back
// with a real PDF reader (poppler's pdfinfo and pdftotext): the pages it should have, the
// summary, the timeline, the operator and the data loss in its text, a footer on every page,
// long journals breaking across pages, and clear errors.

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/report/incidentreport.h"
#include "foresight/report/reportpdf.h"
#include "foresight/storage/consolestore.h"
#include "scriptedincident.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::report::IncidentReport;
using foresight::storage::ConsoleStore;
using scripted::errorText;

namespace {

// Runs a poppler tool; empty with a failure recorded when it cannot.
QString run(const QString &tool, const QStringList &arguments)
{
    QProcess process;
    process.start(tool, arguments);
    if (!process.waitForFinished(60'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning().noquote() << tool << arguments.join(u' ') << "failed:" << process.readAllStandardError();
        return {};
    }
    return QString::fromUtf8(process.readAllStandardOutput());
}

// Text with every run of white space as one space, so wrapped lines compare as sentences, and
// typographic ligatures (the PDF's "ﬁ" glyph) as their letters.
QString flat(const QString &text)
{
    return text.normalized(QString::NormalizationForm_KC).simplified();
}

int pageCount(const QString &pdf)
{
    const QString info = run(u"pdfinfo"_s, {pdf});
    const auto match = QRegularExpression(u"^Pages:\\s+(\\d+)"_s, QRegularExpression::MultilineOption).match(info);
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

QString pageText(const QString &pdf, int page)
{
    return run(u"pdftotext"_s, {u"-f"_s, QString::number(page), u"-l"_s, QString::number(page), pdf, u"-"_s});
}

} // namespace

class TestReportPdf : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void scriptedIncident();
    void withoutMetrics();
    void longJournalBreaksAcrossPages();
    void unwritablePath();

private:
    IncidentReport build();
    QString pdfPath() const { return m_dir->filePath(u"reports/incident.pdf"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ConsoleStore> m_store;
    qint64 m_id = 0;
    foresight::ManualClock m_clock{1'700'001'000'000};
};

void TestReportPdf::initTestCase()
{
    for (const QString &tool : {u"pdfinfo"_s, u"pdftotext"_s}) {
        if (QStandardPaths::findExecutable(tool).isEmpty())
            QFAIL(qPrintable(tool + u" is missing: install poppler-utils (scripts/install-deps.sh)"_s));
    }
}

void TestReportPdf::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto store = ConsoleStore::open(m_dir->filePath(u"console.db"_s), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    m_store = std::move(*store);
    auto id = scripted::writeIncident(*m_store);
    QVERIFY2(id, qPrintable(errorText(id)));
    m_id = *id;
}

void TestReportPdf::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

IncidentReport TestReportPdf::build()
{
    auto report = IncidentReport::build(*m_store, m_id, {}, m_clock);
    if (!report)
        qFatal("cannot build the report: %s", qPrintable(report.error().toString()));
    return *report;
}

void TestReportPdf::scriptedIncident()
{
    QVERIFY(scripted::writeSamples(*m_store));
    const IncidentReport report = build();
    const auto status = foresight::report::writePdf(report, pdfPath());
    QVERIFY2(status, qPrintable(errorText(status)));
    QFile file(pdfPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.read(5) == "%PDF-");
    // To look at the result: FORESIGHT_REPORT_OUT=DIR keeps the PDF and the HTML page there.
    if (const QString out = qEnvironmentVariable("FORESIGHT_REPORT_OUT"); !out.isEmpty()) {
        QVERIFY(foresight::report::writePdf(report, out + u"/incident.pdf"_s));
        QFile html(out + u"/incident.html"_s);
        QVERIFY(html.open(QIODevice::WriteOnly));
        html.write(foresight::report::toHtml(report));
    }

    // Page 1: title, summary, timeline, operator actions, data loss; the six charts need two more
    // pages (three a page), then the journal.
    const int pages = pageCount(pdfPath());
    QVERIFY2(pages >= 4 && pages <= 6, qPrintable(u"%1 pages"_s.arg(pages)));

    const QString first = flat(pageText(pdfPath(), 1));
    for (const QString &expected : {flat(report.title),
                                    scripted::kSummary,
                                    flat(report.headline),
                                    u"Timeline"_s,
                                    u"First acknowledged write"_s,
                                    foresight::report::isoTime(scripted::kFirstAckMs),
                                    u"750 ms"_s,
                                    u"Operator actions"_s,
                                    scripted::kOperator,
                                    u"Data loss"_s,
                                    flat(report.dataLoss.sentence)}) {
        QVERIFY2(first.contains(expected), qPrintable(u"page 1 lacks \"%1\"; it reads: %2"_s.arg(expected, first)));
    }
    const QString second = flat(pageText(pdfPath(), 2));
    for (const QString &expected : {u"Host metrics around the incident"_s,
                                    u"CPU busy"_s,
                                    u"alpha (old primary)"_s,
                                    u"bravo (new primary)"_s,
                                    u"time (UTC)"_s,
                                    u"detected"_s}) {
        QVERIFY2(second.contains(expected), qPrintable(u"page 2 lacks \"%1\"; it reads: %2"_s.arg(expected, second)));
    }
    const QString all = flat(run(u"pdftotext"_s, {pdfPath(), u"-"_s}));
    QVERIFY(all.contains(u"Failure risk of the old primary before detection"_s));
    QVERIFY(all.contains(u"Journal"_s));
    QVERIFY(all.contains(u"hook said <script>alert('x')</script> & left"_s)); // text, as it was typed
    // Every page's footer: the incident and "page N of M".
    for (int page = 1; page <= pages; ++page) {
        const QString text = flat(pageText(pdfPath(), page));
        QVERIFY2(text.contains(u"page %1 of %2"_s.arg(page).arg(pages)), qPrintable(text));
        QVERIFY2(text.contains(u"incident %1"_s.arg(m_id)), qPrintable(text));
    }
}

void TestReportPdf::withoutMetrics()
{
    const IncidentReport report = build();
    QVERIFY(!report.hasMetrics);
    auto bytes = foresight::report::renderPdf(report);
    QVERIFY2(bytes, qPrintable(errorText(bytes)));
    const QString path = m_dir->filePath(u"no-metrics.pdf"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(*bytes), bytes->size());
    file.close();
    const int pages = pageCount(path);
    QVERIFY2(pages >= 2, qPrintable(u"%1 pages"_s.arg(pages)));
    const QString all = flat(run(u"pdftotext"_s, {path, u"-"_s}));
    QVERIFY2(all.contains(flat(report.metricsNote)), qPrintable(all));
    QVERIFY(!all.contains(u"CPU busy"_s));
    QVERIFY(all.contains(scripted::kOperator));
}

void TestReportPdf::longJournalBreaksAcrossPages()
{
    // 150 entries, some long enough to wrap, all inside the report's window.
    for (int i = 0; i < 150; ++i) {
        const QString message = u"step %1 of the investigation: "_s.arg(i, 3, 10, QChar(u'0'))
                                + (i % 10 == 0 ? u"a longer note that needs several lines in the table's last "
                                                 "column, because operators write full sentences "_s.repeated(3)
                                               : u"checked"_s);
        QVERIFY(m_store->appendJournal(
            scripted::entryAt(scripted::kFirstAckMs + 1000 + i, u"note"_s, u"shop"_s, u"bravo"_s, message)));
    }
    const IncidentReport report = build();
    QCOMPARE(report.journal.size(), 157);
    QVERIFY(foresight::report::writePdf(report, pdfPath()));
    const int pages = pageCount(pdfPath());
    QVERIFY2(pages >= 6, qPrintable(u"%1 pages"_s.arg(pages)));
    const QString all = flat(run(u"pdftotext"_s, {pdfPath(), u"-"_s}));
    QVERIFY(all.contains(u"step 000 of the investigation"_s));
    QVERIFY(all.contains(u"step 149 of the investigation"_s));
    // The journal's header row repeats on every page it continues on.
    const QString last = flat(pageText(pdfPath(), pages));
    QVERIFY2(last.contains(u"Message"_s), qPrintable(last));
    QVERIFY(last.contains(u"page %1 of %1"_s.arg(pages)));
}

void TestReportPdf::unwritablePath()
{
    const IncidentReport report = build();
    QFile blocker(m_dir->filePath(u"a-file"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QString path = m_dir->filePath(u"a-file/incident.pdf"_s);
    const auto status = foresight::report::writePdf(report, path);
    QVERIFY(!status);
    QCOMPARE(status.error().code, ErrorCode::IoError);
    QVERIFY2(status.error().message.contains(path), qPrintable(status.error().message));
    QVERIFY(!QFile::exists(path));
}

QTEST_MAIN(TestReportPdf)
#include "tst_reportpdf.moc"
