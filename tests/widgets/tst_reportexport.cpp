// File > Export incident report…: the dialog lists what its source reads, newest first, exports
// the selected incident in the chosen format through its source, off the window's thread, and
// says plainly when reading or writing failed.

#include <atomic>

#include <QComboBox>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QThread>

#include "dialogs/reportexportdialog.h"

using namespace foresight;
using foresight::widgets::ReportExportDialog;
using namespace Qt::StringLiterals;

namespace {

storage::Incident incident(qint64 id, const QString &app, qint64 lost)
{
    storage::Incident made;
    made.id = id;
    made.app = app;
    made.oldPrimary = u"alpha"_s;
    made.newPrimary = u"bravo"_s;
    made.detectedMs = 1'700'000'000'000 + id;
    made.ackedWritesLost = lost;
    made.summary = u"failover of %1"_s.arg(app);
    return made;
}

} // namespace

class TestReportExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listsIncidentsAndExportsTheChosenOneOffTheWindowThread()
    {
        struct Written
        {
            qint64 id = 0;
            QString format;
            QString path;
            bool onWindowThread = true;
        };
        auto written = std::make_shared<Written>();
        QThread *windowThread = QThread::currentThread();
        ReportExportDialog::Source source;
        source.incidents = [] {
            return Result<QList<storage::Incident>>(QList{incident(7, u"shop"_s, 3), incident(5, u"arena"_s, -1)});
        };
        source.write = [written, windowThread](qint64 id, const QString &format, const QString &path) {
            *written = {id, format, path, QThread::currentThread() == windowThread};
            return Status();
        };
        ReportExportDialog dialog(source);
        QSignalSpy loaded(&dialog, &ReportExportDialog::incidentsLoaded);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(loaded.constFirst().constFirst().toInt(), 2);
        QCOMPARE(dialog.table()->rowCount(), 2);
        QCOMPARE(dialog.table()->item(0, 0)->text(), u"7"_s);
        QCOMPARE(dialog.table()->item(0, 5)->text(), u"3"_s);
        QCOMPARE(dialog.table()->item(1, 5)->text(), u"unknown"_s);

        // The second incident, as HTML.
        dialog.table()->selectRow(1);
        dialog.formatBox()->setCurrentIndex(dialog.formatBox()->findData(u"html"_s));
        QSignalSpy exported(&dialog, &ReportExportDialog::exported);
        dialog.exportTo(u"/tmp/somewhere/incident-5.html"_s);
        QVERIFY(exported.wait(5000));
        QCOMPARE(exported.constFirst().at(0).toBool(), true);
        QCOMPARE(written->id, 5);
        QCOMPARE(written->format, u"html"_s);
        QCOMPARE(written->path, u"/tmp/somewhere/incident-5.html"_s);
        QVERIFY(!written->onWindowThread);
        QVERIFY2(dialog.stateText().contains(u"incident-5.html"_s), qPrintable(dialog.stateText()));
    }

    void failuresAreSaidPlainly()
    {
        ReportExportDialog::Source source;
        source.incidents = [] { return Result<QList<storage::Incident>>(QList{incident(1, u"shop"_s, 0)}); };
        source.write = [](qint64, const QString &, const QString &path) {
            return Status(fail(ErrorCode::IoError, u"cannot write %1: Permission denied"_s.arg(path)));
        };
        ReportExportDialog dialog(source);
        QSignalSpy loaded(&dialog, &ReportExportDialog::incidentsLoaded);
        QVERIFY(loaded.wait(5000));
        QSignalSpy exported(&dialog, &ReportExportDialog::exported);
        dialog.exportTo(u"/root/nope.pdf"_s);
        QVERIFY(exported.wait(5000));
        QCOMPARE(exported.constFirst().at(0).toBool(), false);
        QVERIFY2(dialog.stateText().contains(u"Permission denied"_s), qPrintable(dialog.stateText()));

        ReportExportDialog::Source broken;
        broken.incidents = [] {
            return Result<QList<storage::Incident>>(fail(ErrorCode::Corruption, u"console.db is not a console store"_s));
        };
        broken.write = source.write;
        ReportExportDialog unreadable(broken);
        QSignalSpy none(&unreadable, &ReportExportDialog::incidentsLoaded);
        QVERIFY(none.wait(5000));
        QCOMPARE(unreadable.table()->rowCount(), 0);
        QVERIFY2(unreadable.stateText().contains(u"not a console store"_s), qPrintable(unreadable.stateText()));
    }
};

QTEST_MAIN(TestReportExport)
#include "tst_reportexport.moc"
