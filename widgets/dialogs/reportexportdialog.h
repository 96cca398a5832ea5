#pragma once

#include <functional>

#include <QDialog>
#include <QFutureWatcher>
#include <QList>

#include "foresight/core/result.h"
#include "foresight/storage/consolestore.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace foresight::widgets {

// File > Export incident report…: the console's incidents, newest first; the operator picks one
// and a format (PDF, HTML, JSON) and says where to save it. Reading the list and writing the
// report (SQLite, and for a PDF drawing every page) run on Qt's thread pool, one at a time, so the
// window never waits; the dialog says what it is doing and how it went.
class ReportExportDialog final : public QDialog
{
    Q_OBJECT

public:
    // What the program behind the window provides: both are called on a pool thread.
    struct Source
    {
        std::function<Result<QList<storage::Incident>>()> incidents;
        // Writes incident `id`'s report as `format` ("pdf", "html", "json") to `path`.
        std::function<Status(qint64 id, const QString &format, const QString &path)> write;
    };

    explicit ReportExportDialog(Source source, QWidget *parent = nullptr);
    ~ReportExportDialog() override; // waits for a report still being written

    // For tests and accessibility tools.
    QTableWidget *table() const { return m_table; }
    QComboBox *formatBox() const { return m_format; }
    QString stateText() const;
    bool busy() const;

public Q_SLOTS:
    // Reads the incidents again.
    void reload();
    // Writes the selected incident's report in the chosen format to path (Export… asks for it).
    void exportTo(const QString &path);

Q_SIGNALS:
    void incidentsLoaded(int count);
    void exported(bool ok, const QString &message);

private:
    void askWhereAndExport();
    void showIncidents(const Result<QList<storage::Incident>> &incidents);
    QString selectedFormat() const;
    qint64 selectedIncident() const;
    void updateButtons();

    Source m_source;
    QTableWidget *m_table = nullptr;
    QComboBox *m_format = nullptr;
    QLabel *m_state = nullptr;
    QPushButton *m_export = nullptr;
    QFutureWatcher<Result<QList<storage::Incident>>> m_loading;
    QFutureWatcher<Status> m_writing;
};

} // namespace foresight::widgets
