#include "panels/mirrorspanel.h"

#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "models/mirrorsmodel.h"
#include "panels/rowtable.h"

namespace foresight::widgets {

MirrorsPanel::MirrorsPanel(MirrorsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
{
    setObjectName(QStringLiteral("mirrorsPanel"));
    m_summary->setObjectName(QStringLiteral("mirrorsSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_filter->setObjectName(QStringLiteral("mirrorsFilter"));
    m_filter->setPlaceholderText(tr("Filter by application, client…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Mirror filter"));
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(MirrorsModel::NumberRole); // figures by value, not as text
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setDynamicSortFilter(true);
    m_view->setObjectName(QStringLiteral("mirrorsTable"));
    m_view->setModel(m_proxy);
    m_view->setAccessibleName(tr("Mirrors"));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(MirrorsModel::Application, Qt::AscendingOrder);
    setUpRowTable(m_view);
    fitColumnsOnFirstRows(m_view, m_proxy);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_filter);
    layout->addWidget(m_view);
    setSnapshot(nullptr);
}

void MirrorsPanel::setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    const QLocale locale;
    QStringList lines;
    int clients = 0;
    if (snapshot) {
        for (const failover::AppView &app : snapshot->apps) {
            if (!app.mirrors)
                continue;
            clients += int(app.mirrors->clients.size());
            // Counts after a colon: no plural to resolve (the console ships no English translation).
            lines << tr("%1 (primary %2) — change-event subscriptions: %3, events sent: %4, clients reporting: %5")
                         .arg(app.name,
                              app.primary,
                              locale.toString(app.mirrors->subscriptions),
                              locale.toString(app.mirrors->eventsSent),
                              locale.toString(app.mirrors->clients.size()));
        }
    }
    if (clients == 0) {
        lines << tr("No client reports its mirrors. Clients that read through sdk::MirroredClient report to "
                    "the primary every 5 s (docs/mirrors.md); foresightctl mirrors APP shows the same figures.");
    }
    const QString text = lines.join(QLatin1Char('\n'));
    if (m_summary->text() != text)
        m_summary->setText(text);
}

QString MirrorsPanel::summaryText() const
{
    return m_summary->text();
}

} // namespace foresight::widgets
