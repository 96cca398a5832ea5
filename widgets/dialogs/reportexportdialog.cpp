#include "dialogs/reportexportdialog.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace foresight::widgets {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QString timeText(qint64 wallMs)
{
    return wallMs > 0 ? QDateTime::fromMSecsSinceEpoch(wallMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                      : QString();
}

QString lostText(const storage::Incident &incident)
{
    if (incident.ackedWritesLost < 0)
        return ReportExportDialog::tr("unknown");
    return QString::number(incident.ackedWritesLost);
}

} // namespace

ReportExportDialog::ReportExportDialog(Source source, QWidget *parent)
    : QDialog(parent)
    , m_source(std::move(source))
{
    setWindowTitle(tr("Export incident report"));
    setObjectName(QStringLiteral("reportExportDialog"));
    resize(760, 420);

    m_table = new QTableWidget(0, 6, this);
    m_table->setHorizontalHeaderLabels(
        {tr("Incident"), tr("Application"), tr("From"), tr("To"), tr("Detected"), tr("Writes lost")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(tr("Incidents"));

    m_format = new QComboBox(this);
    m_format->addItem(tr("PDF, laid out for reading"), QStringLiteral("pdf"));
    m_format->addItem(tr("HTML page"), QStringLiteral("html"));
    m_format->addItem(tr("JSON, for scripts"), QStringLiteral("json"));
    m_format->setAccessibleName(tr("Format"));

    m_state = new QLabel(this);
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_export = buttons->addButton(tr("&Export…"), QDialogButtonBox::ActionRole);
    QPushButton *refresh = buttons->addButton(tr("&Refresh"), QDialogButtonBox::ResetRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_export, &QPushButton::clicked, this, &ReportExportDialog::askWhereAndExport);
    connect(refresh, &QPushButton::clicked, this, &ReportExportDialog::reload);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ReportExportDialog::updateButtons);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, &ReportExportDialog::askWhereAndExport);

    auto *formatRow = new QHBoxLayout;
    formatRow->addWidget(new QLabel(tr("Format:"), this));
    formatRow->addWidget(m_format, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(formatRow);
    layout->addWidget(m_state);
    layout->addWidget(buttons);

    connect(&m_loading, &QFutureWatcher<Result<QList<storage::Incident>>>::finished, this, [this] {
        showIncidents(m_loading.result());
    });
    connect(&m_writing, &QFutureWatcher<Status>::finished, this, [this] {
        const Status written = m_writing.result();
        const QString message = written ? tr("Wrote %1.").arg(m_writing.property("path").toString())
                                        : tr("Could not export the report: %1").arg(written.error().message);
        m_state->setText(message);
        updateButtons();
        Q_EMIT exported(bool(written), message);
    });
    reload();
}

ReportExportDialog::~ReportExportDialog()
{
    m_loading.waitForFinished();
    m_writing.waitForFinished();
}

QString ReportExportDialog::stateText() const
{
    return m_state->text();
}

bool ReportExportDialog::busy() const
{
    return m_loading.isRunning() || m_writing.isRunning();
}

void ReportExportDialog::reload()
{
    if (busy())
        return;
    m_state->setText(tr("Reading the incidents…"));
    m_loading.setFuture(QtConcurrent::run(m_source.incidents));
    updateButtons();
}

void ReportExportDialog::showIncidents(const Result<QList<storage::Incident>> &incidents)
{
    m_table->setRowCount(0);
    if (!incidents) {
        m_state->setText(tr("Cannot read the incidents: %1").arg(incidents.error().message));
        updateButtons();
        Q_EMIT incidentsLoaded(0);
        return;
    }
    for (const storage::Incident &incident : *incidents) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const QStringList cells{QString::number(incident.id),
                                incident.app,
                                incident.oldPrimary,
                                incident.newPrimary,
                                timeText(incident.detectedMs),
                                lostText(incident)};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            item->setData(kIdRole, incident.id);
            item->setToolTip(incident.summary);
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
    if (m_table->rowCount() > 0)
        m_table->selectRow(0);
    m_state->setText(incidents->isEmpty()
                         ? tr("No incidents yet: an incident is recorded when an application fails over.")
                         : tr("%n incident(s), newest first.", nullptr, int(incidents->size())));
    updateButtons();
    Q_EMIT incidentsLoaded(int(incidents->size()));
}

QString ReportExportDialog::selectedFormat() const
{
    return m_format->currentData().toString();
}

qint64 ReportExportDialog::selectedIncident() const
{
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    return selected.isEmpty() ? 0 : selected.first()->data(kIdRole).toLongLong();
}

void ReportExportDialog::updateButtons()
{
    m_export->setEnabled(!busy() && selectedIncident() > 0);
}

void ReportExportDialog::askWhereAndExport()
{
    const qint64 id = selectedIncident();
    if (id <= 0 || busy())
        return;
    const QString format = selectedFormat();
    const QString filter = format == QLatin1String("pdf")    ? tr("PDF documents (*.pdf)")
                           : format == QLatin1String("html") ? tr("HTML pages (*.html)")
                                                             : tr("JSON files (*.json)");
    const QString path = QFileDialog::getSaveFileName(this,
                                                      tr("Export incident report"),
                                                      QStringLiteral("incident-%1.%2").arg(id).arg(format),
                                                      filter);
    if (!path.isEmpty())
        exportTo(path);
}

void ReportExportDialog::exportTo(const QString &path)
{
    const qint64 id = selectedIncident();
    if (id <= 0 || busy())
        return;
    const QString format = selectedFormat();
    m_state->setText(tr("Writing the report of incident %1 to %2…").arg(id).arg(path));
    m_writing.setProperty("path", path);
    m_writing.setFuture(
        QtConcurrent::run([write = m_source.write, id, format, path] { return write(id, format, path); }));
    updateButtons();
}

} // namespace foresight::widgets
