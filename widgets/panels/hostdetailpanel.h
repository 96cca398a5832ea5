#pragma once

#include <QList>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QWidget>

#include "models/hostmetricshistory.h"

class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace foresight::widgets {

// One host in detail: a header with the host and the state of its agents, live charts of the
// chosen agent's host metrics over the last minutes (CPU and memory %, load, disk and network
// rates) and its failure-risk history, or a plain sentence where there is nothing to chart yet
// (no metrics from the agent, no prediction).
//
// Live and light: the history's signals only mark the panel stale; it redraws at most every
// kRefreshMs, not at all while hidden, and then moves the time axes and, when the agent has a new
// sample, replaces each series' points with the visible window (QXYSeries::replace). Charts,
// series and axes are built once.
//
// Object names, for tests and style sheets: "agentCombo", "windowCombo", "hostHeader", "inventoryState",
// "metricsState", "failureRiskState", the chart views "cpuMemoryChart", "loadChart", "diskChart",
// "networkChart", "failureRiskChart", and each series after its metric (see seriesObjectName).
class HostDetailPanel final : public QWidget
{
    Q_OBJECT

public:
    using Metric = HostMetricsHistory::Metric;
    static constexpr int kRefreshMs = 200;
    static constexpr qint64 kDefaultWindowMs = 15 * 60 * 1000;

    explicit HostDetailPanel(QWidget *parent = nullptr);
    ~HostDetailPanel() override;

    // The history is the window's; the panel does not own it (and lets go of it if it is
    // destroyed first). nullptr: nothing to show.
    void setHistory(HostMetricsHistory *history);
    HostMetricsHistory *history() const { return m_history; }

    // The agent whose host is shown (also chosen in the panel's combo box). An agent the history
    // does not know yet is kept and shown once it appears. Empty: the first agent the history has.
    void setAgent(const QString &agent);
    QString agent() const { return m_agent; }

    // How far back the charts reach, in ms (at least one minute).
    void setWindowMs(qint64 ms);
    qint64 windowMs() const { return m_windowMs; }

    // Brings the header and the charts up to date now (the panel does it itself, coalesced).
    void refresh();
    // Refreshes if something changed while the panel was out of sight. For its container to call
    // when the panel comes into sight without a show event (a dock whose tab is selected:
    // QDockWidget::visibilityChanged).
    void catchUp();

    // What the agent's host has, as the console mirrors it (AgentView::inventory), in a line:
    // "8 CPUs (AMD EPYC 7B13), 31.3 GiB memory, 2 GiB swap; interfaces eth0, eth1; disks nvme0n1
    // 476.9 GiB, sda 931.5 GiB". Defined in hostinventorytext.cpp.
    static QString inventoryText(const failover::AgentView &agent);

    // The series charting the metric; nullptr for a metric not charted here.
    QLineSeries *series(Metric metric) const;
    static QString seriesObjectName(Metric metric);

Q_SIGNALS:
    void agentChanged(const QString &agent);

protected:
    void showEvent(QShowEvent *event) override;

private:
    // How a chart's value axis is scaled.
    enum class Scale {
        Percent,  // fixed 0..100
        Fraction, // fixed 0..1
        Auto,     // 0 .. a round number above the largest visible value
        Bytes,    // like Auto, in B/s, KiB/s, MiB/s or GiB/s, whichever reads best
    };
    struct Line
    {
        Metric metric;
        QLineSeries *series = nullptr;
        bool secondary = false; // on the chart's right-hand axis
    };
    struct Chart
    {
        QChartView *view = nullptr;
        QDateTimeAxis *time = nullptr;
        QValueAxis *values = nullptr;
        QValueAxis *secondaryValues = nullptr; // Auto scaled; nullptr if no line is secondary
        Scale scale = Scale::Auto;
        QList<Line> lines;
    };
    struct LineSpec
    {
        Metric metric;
        QString name;
        bool secondary = false;
    };

    Chart makeChart(const QString &objectName,
                    const QString &title,
                    const QString &accessibleName,
                    Scale scale,
                    const QList<LineSpec> &lines,
                    const QString &secondaryTitle = {});
    void scheduleRefresh();
    void rebuildAgentCombo();
    void updateHeader();
    void replacePoints(qint64 fromMs);
    void moveTimeAxes(qint64 fromMs, qint64 toMs);
    QString agentLabel(const QString &agent) const;
    Chart &riskChart() { return m_charts.last(); }

    QPointer<HostMetricsHistory> m_history;
    QString m_agent;
    qint64 m_windowMs = kDefaultWindowMs;

    QComboBox *m_agentCombo = nullptr;
    QComboBox *m_windowCombo = nullptr;
    QLabel *m_header = nullptr;
    QLabel *m_metricsState = nullptr;
    QLabel *m_warnings = nullptr;
    QLabel *m_riskState = nullptr;
    QLabel *m_inventory = nullptr;     // what the host has, as the console mirrors it
    QWidget *m_metricCharts = nullptr; // holds the host-metric charts' views
    QList<Chart> m_charts;             // the host-metric charts, then the failure-risk chart

    QTimer m_refreshTimer;
    bool m_stale = true;       // something changed while hidden or since the last refresh
    bool m_pointsStale = true; // the series need new points (new sample, agent or window)
    qint64 m_pointsFromMs = 0; // the window start the series' points were taken from
    qint64 m_axisFromMs = -1, m_axisToMs = -1;
};

} // namespace foresight::widgets
