#include "panels/hostdetailpanel.h"

#include <algorithm>
#include <cmath>

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QPainter>
#include <QVBoxLayout>
#include <QValueAxis>

namespace foresight::widgets {

namespace {

// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least value (at least 1): axis
// ends that read well and do not change with every small wiggle of the data.
double roundUp(double value)
{
    if (!(value > 1))
        return 1;
    const double power = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (step * power >= value)
            return step * power;
    }
    return 10 * power;
}

double maxOf(const QList<QPointF> &points)
{
    double max = 0;
    for (const QPointF &point : points)
        max = std::max(max, point.y());
    return max;
}

void setRange(QValueAxis *axis, double max)
{
    if (axis->min() != 0 || axis->max() != max)
        axis->setRange(0, max);
}

} // namespace

HostDetailPanel::HostDetailPanel(QWidget *parent)
    : QWidget(parent)
    , m_agentCombo(new QComboBox(this))
    , m_windowCombo(new QComboBox(this))
    , m_header(new QLabel(this))
    , m_metricsState(new QLabel(this))
    , m_warnings(new QLabel(this))
    , m_riskState(new QLabel(this))
    , m_inventory(new QLabel(this))
    , m_metricCharts(new QWidget(this))
{
    setObjectName(QStringLiteral("hostDetailPanel"));
    setAccessibleName(tr("Host detail"));

    m_agentCombo->setObjectName(QStringLiteral("agentCombo"));
    m_agentCombo->setAccessibleName(tr("Agent"));
    m_agentCombo->setToolTip(tr("The agent whose host is shown"));
    m_agentCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_windowCombo->setObjectName(QStringLiteral("windowCombo"));
    m_windowCombo->setAccessibleName(tr("Time window"));
    for (const int minutes : {1, 5, 15})
        m_windowCombo->addItem(tr("Last %n min", nullptr, minutes), qlonglong(minutes) * 60 * 1000);
    m_windowCombo->setCurrentIndex(m_windowCombo->findData(qlonglong(m_windowMs)));

    m_header->setObjectName(QStringLiteral("hostHeader"));
    m_header->setAccessibleName(tr("Host state"));
    m_header->setTextFormat(Qt::PlainText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_metricsState->setObjectName(QStringLiteral("metricsState"));
    m_metricsState->setAccessibleName(tr("Host metrics state"));
    m_metricsState->setTextFormat(Qt::PlainText);
    m_metricsState->setWordWrap(true);
    m_metricsState->setAlignment(Qt::AlignCenter);
    m_warnings->setObjectName(QStringLiteral("metricsWarnings"));
    m_warnings->setAccessibleName(tr("Agent warnings"));
    m_warnings->setTextFormat(Qt::PlainText);
    m_warnings->setWordWrap(true);
    m_warnings->hide();
    m_riskState->setObjectName(QStringLiteral("failureRiskState"));
    m_riskState->setAccessibleName(tr("Failure risk"));
    m_riskState->setTextFormat(Qt::PlainText);
    m_inventory->setObjectName(QStringLiteral("inventoryState"));
    m_inventory->setAccessibleName(tr("Host inventory"));
    m_inventory->setTextFormat(Qt::PlainText);
    m_inventory->setWordWrap(true);
    m_inventory->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_charts = {
        makeChart(QStringLiteral("cpuMemoryChart"),
                  tr("CPU and memory (%)"),
                  tr("CPU and memory chart"),
                  Scale::Percent,
                  {{Metric::CpuBusyPercent, tr("CPU busy")},
                   {Metric::CpuIowaitPercent, tr("I/O wait")},
                   {Metric::MemoryUsedPercent, tr("Memory used")},
                   {Metric::SwapUsedPercent, tr("Swap used")}}),
        makeChart(QStringLiteral("loadChart"),
                  tr("Load average"),
                  tr("Load chart"),
                  Scale::Auto,
                  {{Metric::Load1, tr("1 min")}, {Metric::Load15, tr("15 min")}}),
        makeChart(QStringLiteral("diskChart"),
                  tr("Disk"),
                  tr("Disk chart"),
                  Scale::Bytes,
                  {{Metric::DiskReadBytesPerSec, tr("Read")}, {Metric::DiskWriteBytesPerSec, tr("Write")}}),
        makeChart(QStringLiteral("networkChart"),
                  tr("Network"),
                  tr("Network chart"),
                  Scale::Bytes,
                  {{Metric::NetRxBytesPerSec, tr("Received")},
                   {Metric::NetTxBytesPerSec, tr("Sent")},
                   {Metric::NetRxErrorsPerSec, tr("Receive errors"), true},
                   {Metric::NetTxErrorsPerSec, tr("Send errors"), true},
                   {Metric::NetDropsPerSec, tr("Drops"), true}},
                  tr("errors/s")),
        makeChart(QStringLiteral("failureRiskChart"),
                  tr("Failure risk"),
                  tr("Failure risk chart"),
                  Scale::Fraction,
                  {{Metric::FailureRisk, tr("Failure risk")}}),
    };
    riskChart().view->hide();

    auto *grid = new QGridLayout(m_metricCharts);
    grid->setContentsMargins(0, 0, 0, 0);
    for (qsizetype i = 0; i + 1 < m_charts.size(); ++i)
        grid->addWidget(m_charts[i].view, int(i / 2), int(i % 2));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Agent:"), this));
    top->addWidget(m_agentCombo);
    top->addStretch();
    top->addWidget(m_windowCombo);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_header);
    layout->addWidget(m_inventory);
    layout->addWidget(m_warnings);
    layout->addWidget(m_metricsState, 1);
    layout->addWidget(m_metricCharts, 4);
    layout->addWidget(m_riskState);
    layout->addWidget(riskChart().view, 1);

    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(kRefreshMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &HostDetailPanel::refresh);
    connect(m_agentCombo, &QComboBox::activated, this, [this](int index) {
        setAgent(m_agentCombo->itemData(index).toString());
    });
    connect(m_windowCombo, &QComboBox::activated, this, [this](int index) {
        setWindowMs(m_windowCombo->itemData(index).toLongLong());
    });
    refresh();
}

HostDetailPanel::~HostDetailPanel() = default;

HostDetailPanel::Chart HostDetailPanel::makeChart(const QString &objectName,
                                                  const QString &title,
                                                  const QString &accessibleName,
                                                  Scale scale,
                                                  const QList<LineSpec> &lines,
                                                  const QString &secondaryTitle)
{
    Chart result;
    result.scale = scale;
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);

    result.time = new QDateTimeAxis;
    result.time->setTickCount(4);
    result.time->setFormat(QStringLiteral("hh:mm"));
    chart->addAxis(result.time, Qt::AlignBottom);
    result.values = new QValueAxis;
    result.values->setLabelFormat(scale == Scale::Fraction ? QStringLiteral("%.2f") : QStringLiteral("%.4g"));
    result.values->setRange(0, scale == Scale::Percent ? 100 : 1);
    chart->addAxis(result.values, Qt::AlignLeft);
    if (!secondaryTitle.isEmpty()) {
        result.secondaryValues = new QValueAxis;
        result.secondaryValues->setTitleText(secondaryTitle);
        result.secondaryValues->setLabelFormat(QStringLiteral("%.4g"));
        result.secondaryValues->setRange(0, 1);
        chart->addAxis(result.secondaryValues, Qt::AlignRight);
    }

    for (const LineSpec &spec : lines) {
        auto *series = new QLineSeries;
        series->setObjectName(seriesObjectName(spec.metric));
        series->setName(spec.name);
        chart->addSeries(series); // the chart owns it
        series->attachAxis(result.time);
        series->attachAxis(spec.secondary && result.secondaryValues ? result.secondaryValues : result.values);
        if (spec.secondary) {
            QPen pen = series->pen();
            pen.setStyle(Qt::DashLine);
            series->setPen(pen);
        }
        result.lines.append({spec.metric, series, spec.secondary && result.secondaryValues});
    }

    result.view = new QChartView(chart, this); // the view owns the chart
    result.view->setObjectName(objectName);
    result.view->setAccessibleName(accessibleName);
    result.view->setRenderHint(QPainter::Antialiasing);
    result.view->setMinimumSize(240, 160);
    return result;
}

QString HostDetailPanel::seriesObjectName(Metric metric)
{
    switch (metric) {
    case Metric::CpuBusyPercent:
        return QStringLiteral("cpuBusySeries");
    case Metric::CpuIowaitPercent:
        return QStringLiteral("cpuIowaitSeries");
    case Metric::MemoryUsedPercent:
        return QStringLiteral("memoryUsedSeries");
    case Metric::SwapUsedPercent:
        return QStringLiteral("swapUsedSeries");
    case Metric::Load1:
        return QStringLiteral("load1Series");
    case Metric::Load5:
        return QStringLiteral("load5Series");
    case Metric::Load15:
        return QStringLiteral("load15Series");
    case Metric::DiskReadBytesPerSec:
        return QStringLiteral("diskReadSeries");
    case Metric::DiskWriteBytesPerSec:
        return QStringLiteral("diskWriteSeries");
    case Metric::DiskBusyPercent:
        return QStringLiteral("diskBusySeries");
    case Metric::NetRxBytesPerSec:
        return QStringLiteral("netRxSeries");
    case Metric::NetTxBytesPerSec:
        return QStringLiteral("netTxSeries");
    case Metric::NetRxErrorsPerSec:
        return QStringLiteral("netRxErrorsSeries");
    case Metric::NetTxErrorsPerSec:
        return QStringLiteral("netTxErrorsSeries");
    case Metric::NetDropsPerSec:
        return QStringLiteral("netDropsSeries");
    case Metric::ProcsRunning:
        return QStringLiteral("procsRunningSeries");
    case Metric::ProcsBlocked:
        return QStringLiteral("procsBlockedSeries");
    case Metric::FailureRisk:
        return QStringLiteral("failureRiskSeries");
    }
    return {};
}

QLineSeries *HostDetailPanel::series(Metric metric) const
{
    for (const Chart &chart : m_charts) {
        for (const Line &line : chart.lines) {
            if (line.metric == metric)
                return line.series;
        }
    }
    return nullptr;
}

void HostDetailPanel::setHistory(HostMetricsHistory *history)
{
    if (m_history == history)
        return;
    if (m_history)
        disconnect(m_history, nullptr, this, nullptr);
    m_history = history;
    if (m_history) {
        connect(m_history, &HostMetricsHistory::updated, this, [this](const QString &agent) {
            if (agent == m_agent) {
                m_pointsStale = true;
                scheduleRefresh();
            }
        });
        connect(m_history, &HostMetricsHistory::agentsChanged, this, &HostDetailPanel::rebuildAgentCombo);
        connect(m_history, &HostMetricsHistory::snapshotAdded, this, &HostDetailPanel::scheduleRefresh);
        // By then the QPointer is already null: only the view is left to reset.
        connect(m_history, &QObject::destroyed, this, [this] {
            m_pointsStale = true;
            rebuildAgentCombo();
            refresh();
        });
    }
    m_pointsStale = true;
    rebuildAgentCombo();
    refresh();
}

void HostDetailPanel::setAgent(const QString &agent)
{
    if (agent == m_agent)
        return;
    m_agent = agent;
    const int index = m_agentCombo->findData(agent);
    m_agentCombo->setCurrentIndex(index);
    m_pointsStale = true;
    refresh();
    Q_EMIT agentChanged(m_agent);
}

void HostDetailPanel::setWindowMs(qint64 ms)
{
    ms = std::max<qint64>(ms, 60 * 1000);
    if (ms == m_windowMs)
        return;
    m_windowMs = ms;
    int index = m_windowCombo->findData(qlonglong(ms));
    if (index < 0) {
        const int minutes = int(ms / 60000);
        m_windowCombo->addItem(tr("Last %n min", nullptr, minutes), qlonglong(ms));
        index = m_windowCombo->count() - 1;
    }
    m_windowCombo->setCurrentIndex(index);
    const QString format = ms <= 5 * 60 * 1000 ? QStringLiteral("hh:mm:ss") : QStringLiteral("hh:mm");
    for (Chart &chart : m_charts)
        chart.time->setFormat(format);
    m_pointsStale = true;
    refresh();
}

QString HostDetailPanel::agentLabel(const QString &agent) const
{
    const auto snapshot = m_history ? m_history->latestSnapshot() : nullptr;
    const failover::AgentView *view = snapshot ? snapshot->agent(agent) : nullptr;
    if (!view || view->host.isEmpty() || view->host == agent)
        return agent;
    return tr("%1 (%2)").arg(agent, view->host);
}

void HostDetailPanel::rebuildAgentCombo()
{
    const QStringList agents = m_history ? m_history->agents() : QStringList();
    {
        const QSignalBlocker blocker(m_agentCombo);
        m_agentCombo->clear();
        for (const QString &agent : agents)
            m_agentCombo->addItem(agentLabel(agent), agent);
        m_agentCombo->setCurrentIndex(m_agentCombo->findData(m_agent));
    }
    if (m_agent.isEmpty() && !agents.isEmpty())
        setAgent(agents.constFirst());
}

void HostDetailPanel::scheduleRefresh()
{
    m_stale = true;
    // Out of sight (a closed dock, or behind another dock's tab, where Qt keeps it "visible" but
    // moves it off screen: refreshing there cost a tenth of every frame in foresight-bench gui):
    // nothing to draw. showEvent or catchUp() brings it up to date when it comes into sight.
    if (isVisible() && !visibleRegion().isEmpty() && !m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void HostDetailPanel::catchUp()
{
    if (m_stale && isVisible())
        refresh();
}

void HostDetailPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    catchUp();
}

void HostDetailPanel::updateHeader()
{
    const auto snapshot = m_history ? m_history->latestSnapshot() : nullptr;
    if (m_agent.isEmpty()) {
        m_header->setText(m_history && !m_history->agents().isEmpty() ? tr("No agent chosen.") : tr("No agents yet."));
        m_inventory->clear();
        return;
    }
    const failover::AgentView *chosen = snapshot ? snapshot->agent(m_agent) : nullptr;
    if (!chosen) {
        m_inventory->clear();
        m_header->setText(m_history && m_history->contains(m_agent)
                              ? tr("Agent %1 is no longer in the cluster; its history is kept.").arg(m_agent)
                              : tr("Agent %1 is not in the cluster.").arg(m_agent));
        return;
    }
    const QString host = chosen->host.isEmpty() ? chosen->name : chosen->host;
    m_inventory->setText(inventoryText(*chosen));
    // Every agent on the host, the chosen one first: one sick host takes all of them down.
    QStringList states;
    for (const failover::AgentView &agent : snapshot->agents) {
        if (agent.name != chosen->name && (agent.host.isEmpty() || agent.host != chosen->host))
            continue;
        QString state;
        if (!agent.error.isEmpty())
            state = tr("%1: %2").arg(agent.name, agent.error);
        else if (!agent.heard)
            state = tr("%1: never heard").arg(agent.name);
        else if (agent.suspected)
            state = tr("%1: SUSPECTED (phi %2), heard %3 ms ago")
                        .arg(agent.name, QLocale().toString(agent.phi, 'f', 1), QLocale().toString(agent.heardMsAgo));
        else
            state = tr("%1: heard %2 ms ago").arg(agent.name, QLocale().toString(agent.heardMsAgo));
        if (agent.maintenance)
            state = tr("%1 (maintenance)").arg(state);
        if (agent.name == chosen->name)
            states.prepend(state);
        else
            states.append(state);
    }
    m_header->setText(tr("Host %1 — %2").arg(host, states.join(tr("; "))));
}

void HostDetailPanel::refresh()
{
    m_refreshTimer.stop();
    m_stale = false;
    updateHeader();

    const auto snapshot = m_history ? m_history->latestSnapshot() : nullptr;
    const std::optional<HostMetricsHistory::HostSample> latest = m_history ? m_history->latest(m_agent) : std::nullopt;
    // "Now" is the snapshots' clock, the one the samples are stamped with.
    const qint64 toMs = snapshot ? snapshot->takenWallMs : QDateTime::currentMSecsSinceEpoch();
    const qint64 fromMs = toMs - m_windowMs;

    if (latest) {
        m_metricsState->hide();
    } else {
        m_metricsState->setText(m_agent.isEmpty() ? tr("Choose an agent to see its host's metrics.")
                                                  : tr("No metrics yet from %1: its heartbeats have not "
                                                       "carried host metrics.")
                                                        .arg(m_agent));
        m_metricsState->show();
    }
    m_metricCharts->setVisible(latest.has_value());
    const QString warnings = latest ? latest->warnings.join(tr("; ")) : QString();
    m_warnings->setText(tr("The agent reports: %1").arg(warnings));
    m_warnings->setVisible(!warnings.isEmpty());

    // Points scrolled off the left are clipped by the axis; they are dropped at the next replace,
    // or once they make up a quarter of the window.
    if (fromMs - m_pointsFromMs > m_windowMs / 4)
        m_pointsStale = true;
    if (m_pointsStale)
        replacePoints(fromMs);
    moveTimeAxes(fromMs, toMs);

    const std::optional<QPointF> risk = m_history ? m_history->latestFailureRisk(m_agent) : std::nullopt;
    if (!risk) {
        m_riskState->setText(tr("Failure risk: no prediction yet."));
    } else {
        m_riskState->setText(
            tr("Failure risk: %1 at %2")
                .arg(QLocale().toString(risk->y(), 'f', 3),
                     QDateTime::fromMSecsSinceEpoch(qint64(risk->x())).toString(QStringLiteral("hh:mm:ss"))));
    }
    riskChart().view->setVisible(risk.has_value());
}

void HostDetailPanel::replacePoints(qint64 fromMs)
{
    m_pointsStale = false;
    m_pointsFromMs = fromMs;
    for (Chart &chartRef : m_charts) {
        Chart *chart = &chartRef;
        QList<QList<QPointF>> points;
        double primaryMax = 0, secondaryMax = 0;
        for (const Line &line : std::as_const(chart->lines)) {
            points.append(m_history ? m_history->series(m_agent, line.metric, fromMs) : QList<QPointF>());
            double &max = line.secondary ? secondaryMax : primaryMax;
            max = std::max(max, maxOf(points.constLast()));
        }
        double divisor = 1;
        switch (chart->scale) {
        case Scale::Percent:
        case Scale::Fraction:
            break;
        case Scale::Auto:
            setRange(chart->values, roundUp(primaryMax * 1.05));
            break;
        case Scale::Bytes: {
            static const char *const units[]
                = {QT_TR_NOOP("B/s"), QT_TR_NOOP("KiB/s"), QT_TR_NOOP("MiB/s"), QT_TR_NOOP("GiB/s")};
            int unit = 0;
            while (unit < 3 && primaryMax >= 1024 * divisor) {
                divisor *= 1024;
                ++unit;
            }
            const QString title = tr(units[unit]);
            if (chart->values->titleText() != title)
                chart->values->setTitleText(title);
            setRange(chart->values, roundUp(primaryMax / divisor * 1.05));
            break;
        }
        }
        if (chart->secondaryValues)
            setRange(chart->secondaryValues, roundUp(secondaryMax * 1.05));
        for (qsizetype i = 0; i < chart->lines.size(); ++i) {
            const Line &line = chart->lines[i];
            QList<QPointF> &linePoints = points[i];
            if (!line.secondary && divisor != 1) {
                for (QPointF &point : linePoints)
                    point.setY(point.y() / divisor);
            }
            // One replace per series: a single repaint instead of one per point.
            line.series->replace(linePoints);
        }
    }
}

void HostDetailPanel::moveTimeAxes(qint64 fromMs, qint64 toMs)
{
    if (fromMs == m_axisFromMs && toMs == m_axisToMs)
        return;
    m_axisFromMs = fromMs;
    m_axisToMs = toMs;
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(fromMs);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(toMs);
    for (Chart &chart : m_charts)
        chart.time->setRange(from, to);
}

} // namespace foresight::widgets
