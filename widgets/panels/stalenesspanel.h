#pragma once

#include <memory>

#include <QHash>
#include <QString>
#include <QTimer>
#include <QWidget>

#include "foresight/failover/clustersnapshot.h"

class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QSortFilterProxyModel;
class QTableView;
class QValueAxis;

namespace foresight::widgets {

class PartitionsModel;
class StalenessHistory;

// An application's staleness partitions (issue 20, section 4; docs/partitions.md): a header with
// how they were made (algorithm, when, clusters, quality), the table of PartitionsModel (one row
// per partition, one staleness column per replica), and a chart of each replica's
// impact-weighted staleness over the last minutes (StalenessHistory). With several applications
// a chooser picks one. Before the primary reports partitions the header says so and the table is
// empty.
//
// Live and light: each snapshot updates the header and the model (in place); the chart is
// redrawn at most every kChartRefreshMs, only when the history changed and the panel is in sight.
//
// Object names, for tests and style sheets: "stalenessPanel", "stalenessApp" (the chooser),
// "partitionsHeader", "partitionsTable", "stalenessChart".
class StalenessPanel final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kChartRefreshMs = 500;

    // The model and the history are the window's; the panel owns neither. The window feeds them
    // and the panel (setSnapshot) with each snapshot; the panel chooses the model's application.
    StalenessPanel(PartitionsModel *model, StalenessHistory *history, QWidget *parent = nullptr);
    ~StalenessPanel() override;

    void setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);

    // The application shown. Empty (or one the cluster lacks): the first one.
    void setApp(const QString &app);
    QString app() const { return m_app; }

    QTableView *view() const { return m_view; }
    QString headerText() const;
    // The chart's line for a replica agent; nullptr when it has none.
    QLineSeries *series(const QString &agent) const { return m_series.value(agent); }
    QValueAxis *valueAxis() const { return m_valueAxis; }

    // Redraws the chart now (the panel does it itself, coalesced).
    void refreshChart();
    // Redraws the chart if it went stale while out of sight. For its container to call when the
    // panel comes into sight without a show event (a dock whose tab is selected).
    void catchUp();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void updateChooser();
    void updateHeader();
    void fitColumns();
    void scheduleChart();

    PartitionsModel *m_model = nullptr;
    StalenessHistory *m_history = nullptr;
    std::shared_ptr<const failover::ClusterSnapshot> m_snapshot;
    QString m_app;
    QStringList m_chooserApps; // what the chooser lists, in the snapshot's order

    QComboBox *m_chooser = nullptr;
    QLabel *m_chooserLabel = nullptr;
    QLabel *m_header = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    QChartView *m_chartView = nullptr;
    QChart *m_chart = nullptr;
    QDateTimeAxis *m_timeAxis = nullptr;
    QValueAxis *m_valueAxis = nullptr;
    QHash<QString, QLineSeries *> m_series; // by agent; the chart owns them

    QTimer m_chartTimer;
    bool m_chartStale = true;
    bool m_fitted = false; // columns fitted to the rows since the model was last reset
};

} // namespace foresight::widgets
