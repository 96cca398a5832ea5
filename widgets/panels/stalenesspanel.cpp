#include "panels/stalenesspanel.h"

#include <algorithm>
#include <array>
#include <iterator>

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QPainter>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

#include "models/partitionsmodel.h"
#include "models/staleness.h"
#include "models/stalenesshistory.h"
#include "panels/niceaxis.h"
#include "panels/rowtable.h"
#include "topology/topologyscene.h"

namespace foresight::widgets {

namespace {

QString algorithmText(const QString &algorithm)
{
    if (algorithm == QLatin1String("kmeans"))
        return StalenessPanel::tr("k-means");
    if (algorithm == QLatin1String("dbscan"))
        return StalenessPanel::tr("DBSCAN");
    return algorithm; // one this version does not know: the primary's word
}

} // namespace

StalenessPanel::StalenessPanel(PartitionsModel *model, StalenessHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_history(history)
    , m_chooser(new QComboBox(this))
    , m_chooserLabel(new QLabel(tr("&Application:"), this))
    , m_header(new QLabel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
{
    setObjectName(QStringLiteral("stalenessPanel"));
    setAccessibleName(tr("Staleness"));

    m_chooser->setObjectName(QStringLiteral("stalenessApp"));
    m_chooser->setAccessibleName(tr("Application"));
    m_chooser->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_chooserLabel->setBuddy(m_chooser);
    connect(m_chooser, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            setApp(m_chooser->itemData(index).toString());
    });

    m_header->setObjectName(QStringLiteral("partitionsHeader"));
    m_header->setAccessibleName(tr("Partitions"));
    m_header->setTextFormat(Qt::PlainText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Sorted through a proxy on the model's numbers (SortRole): "1.2 s" and "350 ms" do not sort
    // as text. Dynamic, so a re-sorted row keeps its selection.
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(PartitionsModel::SortRole);
    m_proxy->setDynamicSortFilter(true);
    m_view->setObjectName(QStringLiteral("partitionsTable"));
    m_view->setAccessibleName(tr("Partitions"));
    m_view->setModel(m_proxy);
    setUpRowTable(m_view);
    m_view->setWordWrap(false);
    m_view->sortByColumn(PartitionsModel::Partition, Qt::AscendingOrder);
    m_view->setSortingEnabled(true);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { m_fitted = false; });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_fitted)
            fitColumns();
    });
    connect(m_model, &QAbstractItemModel::columnsInserted, this, &StalenessPanel::fitColumns);

    // The chart: one line per replica, created as the history names them.
    m_chart = new QChart;
    m_chart->setTitle(tr("Impact-weighted staleness per replica"));
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setBackgroundRoundness(0);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setTickCount(3);
    m_timeAxis->setFormat(QStringLiteral("hh:mm:ss"));
    // A range from the start: QtCharts (6.4) did not draw a date-time axis whose first range came
    // only after its series were attached.
    const QDateTime now = QDateTime::currentDateTime();
    m_timeAxis->setRange(now.addSecs(-60), now);
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_valueAxis = new QValueAxis;
    m_valueAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_valueAxis->setTickCount(6); // whole numbers for every range niceAxisMax() gives
    m_valueAxis->setRange(0, 10);
    m_valueAxis->setTitleText(tr("Σ weight × staleness (ms)"));
    m_chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_chartView = new QChartView(m_chart, this); // the view owns the chart
    m_chartView->setObjectName(QStringLiteral("stalenessChart"));
    m_chartView->setAccessibleName(tr("Impact-weighted staleness chart"));
    m_chartView->setToolTip(tr("Per replica, the sum over the partitions it holds of the class weight (low 1, medium "
                               "4, high 16, critical 64) times the partition's staleness in ms: what the "
                               "synchronization scheduler keeps low."));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumSize(380, 160); // room for the time axis' labels
    connect(m_history, &StalenessHistory::updated, this, [this](const QString &app) {
        if (app != m_app)
            return;
        m_chartStale = true;
        scheduleChart();
    });

    auto *chooserRow = new QHBoxLayout;
    chooserRow->addWidget(m_chooserLabel);
    chooserRow->addWidget(m_chooser);
    chooserRow->addStretch();

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_view);
    split->addWidget(m_chartView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(chooserRow);
    layout->addWidget(m_header);
    layout->addWidget(split, 1);

    m_chartTimer.setSingleShot(true);
    m_chartTimer.setInterval(kChartRefreshMs);
    connect(&m_chartTimer, &QTimer::timeout, this, &StalenessPanel::refreshChart);
    updateChooser();
    updateHeader();
}

StalenessPanel::~StalenessPanel() = default;

void StalenessPanel::setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    m_snapshot = snapshot;
    updateChooser();
    if (!m_snapshot || !m_snapshot->app(m_app))
        setApp({});
    updateHeader();
}

void StalenessPanel::setApp(const QString &app)
{
    QString chosen = app;
    if (m_snapshot && !m_snapshot->app(chosen))
        chosen = m_snapshot->apps.isEmpty() ? QString() : m_snapshot->apps.constFirst().name;
    if (!m_snapshot)
        chosen.clear();
    const int index = m_chooser->findData(chosen);
    if (index >= 0 && m_chooser->currentIndex() != index) {
        const QSignalBlocker blocker(m_chooser);
        m_chooser->setCurrentIndex(index);
    }
    if (chosen == m_app && m_model->app() == chosen)
        return;
    m_app = chosen;
    m_model->setApp(chosen);
    m_chartStale = true;
    updateHeader();
    scheduleChart();
}

void StalenessPanel::updateChooser()
{
    // Rebuilt only when the applications change: a combo rebuilt ten times a second would close
    // under the operator's pointer.
    QStringList apps;
    if (m_snapshot) {
        for (const failover::AppView &app : m_snapshot->apps)
            apps.append(app.name);
    }
    if (apps != m_chooserApps) {
        m_chooserApps = apps;
        const QSignalBlocker blocker(m_chooser);
        m_chooser->clear();
        for (const QString &app : std::as_const(apps))
            m_chooser->addItem(app, app);
        m_chooser->setCurrentIndex(std::max(0, m_chooser->findData(m_app)));
    }
    // One application needs no choosing: the header names it.
    m_chooser->setVisible(apps.size() > 1);
    m_chooserLabel->setVisible(apps.size() > 1);
}

QString StalenessPanel::headerText() const
{
    return m_header->text();
}

void StalenessPanel::updateHeader()
{
    const failover::AppView *app = m_snapshot ? m_snapshot->app(m_app) : nullptr;
    QString text;
    if (!m_snapshot) {
        text = tr("No cluster open.");
    } else if (!app) {
        text = tr("No application in this cluster.");
    } else if (!app->partitions) {
        text = app->primary.isEmpty()
                   ? tr("%1 has no primary, so no staleness partitions are reported.").arg(app->name)
                   : tr("%1's primary %2 has not reported staleness partitions yet: a primary reports them once it "
                        "has accepted a write (an agent older than partitions reports none).")
                         .arg(app->name, app->primary);
    } else {
        const failover::PartitionsView &partitions = *app->partitions;
        const QLocale locale;
        // Singular and plural spelled out: the console ships no English translation to resolve %n.
        const QString tracked = locale.toString(partitions.trackedKeys);
        const QString counts
            = partitions.list.size() == 1
                  ? tr("1 partition, %1 keys tracked").arg(tracked)
                  : tr("%1 partitions, %2 keys tracked").arg(locale.toString(partitions.list.size()), tracked);
        if (partitions.clusteredWallMs <= 0) {
            text = tr("%1 — %2; not clustered yet (%3): every key is in its class's cold partition.")
                       .arg(app->name, counts, algorithmText(partitions.algorithm));
        } else {
            const QString when
                = QDateTime::fromMSecsSinceEpoch(partitions.clusteredWallMs).toString(QStringLiteral("HH:mm:ss"));
            const QString ago = Staleness::durationText(m_snapshot->takenWallMs - partitions.clusteredWallMs);
            const QString clusters = partitions.clusters == 1
                                         ? tr("1 cluster")
                                         : tr("%1 clusters").arg(locale.toString(partitions.clusters));
            const QString quality
                = partitions.quality
                      ? tr("%1, silhouette %2").arg(clusters, locale.toString(*partitions.quality, 'f', 2))
                      : clusters;
            text = tr("%1 — %2, clustered at %3 (%4 ago): %5; %6.")
                       .arg(app->name, algorithmText(partitions.algorithm), when, ago, quality, counts);
        }
    }
    if (m_header->text() != text)
        m_header->setText(text);
}

void StalenessPanel::fitColumns()
{
    // Every column but the last, which stretches; redone when a replica's column comes.
    for (int column = 0; column + 1 < m_proxy->columnCount(); ++column)
        m_view->resizeColumnToContents(column);
    m_fitted = m_proxy->rowCount() > 0;
}

void StalenessPanel::scheduleChart()
{
    if (!m_chartStale)
        return;
    // Out of sight (a closed dock or behind another tab) there is nothing to draw: showEvent and
    // catchUp() make up for it.
    if (isVisible() && !visibleRegion().isEmpty() && !m_chartTimer.isActive())
        m_chartTimer.start();
}

void StalenessPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    catchUp();
}

void StalenessPanel::catchUp()
{
    if (m_chartStale && isVisible())
        refreshChart();
}

void StalenessPanel::refreshChart()
{
    m_chartTimer.stop();
    m_chartStale = false;
    const QStringList agents = m_app.isEmpty() ? QStringList() : m_history->agents(m_app);

    // Lines for the replicas the history has, in its order; the others' removed.
    for (auto it = m_series.begin(); it != m_series.end();) {
        if (agents.contains(it.key())) {
            ++it;
            continue;
        }
        m_chart->removeSeries(it.value());
        delete it.value();
        it = m_series.erase(it);
    }
    // Each line in its replica's tier colour, as the topology draws its link; replicas of the
    // same tier told apart by dashes.
    const failover::AppView *app = m_snapshot ? m_snapshot->app(m_app) : nullptr;
    std::array<int, 4> ofTier{}; // by Tier
    double max = 0;
    double first = -1;
    for (const QString &agent : agents) {
        QLineSeries *&line = m_series[agent];
        if (!line) {
            line = new QLineSeries;
            line->setName(agent);
            m_chart->addSeries(line); // the chart owns it
            line->attachAxis(m_timeAxis);
            line->attachAxis(m_valueAxis);
        }
        Tier tier = Tier::None;
        if (app) {
            for (const failover::ReplicaView &replica : app->replicas) {
                if (replica.agent == agent)
                    tier = replica.tier;
            }
        }
        static constexpr Qt::PenStyle kStyles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
        QPen pen(TopologyScene::tierColor(tier),
                 2,
                 kStyles[std::size_t(ofTier[std::size_t(tier)]++) % std::size(kStyles)]);
        pen.setCosmetic(true);
        if (line->pen() != pen)
            line->setPen(pen);
        const QList<QPointF> points = m_history->series(m_app, agent);
        for (const QPointF &point : points)
            max = std::max(max, point.y());
        if (!points.isEmpty() && (first < 0 || points.constFirst().x() < first))
            first = points.constFirst().x();
        line->replace(points); // one repaint instead of one per point
    }
    const double top = niceAxisMax(max * 1.05);
    if (m_valueAxis->max() != top)
        m_valueAxis->setRange(0, top);
    const qint64 to = m_snapshot ? m_snapshot->takenWallMs : QDateTime::currentMSecsSinceEpoch();
    const qint64 from = first < 0 ? to - 60'000 : std::min<qint64>(qint64(first), to - 10'000);
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(to));
}

} // namespace foresight::widgets
