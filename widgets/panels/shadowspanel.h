#pragma once

#include <memory>

#include <QHash>
#include <QString>
#include <QTimer>
#include <QWidget>

#include "dialogs/commanddialog.h"
#include "foresight/failover/clustersnapshot.h"

class QChartView;
class QComboBox;
class QDateTimeAxis;
class QGroupBox;
class QLabel;
class QLineSeries;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QValueAxis;

namespace foresight::widgets {

class ShadowsModel;

// Every application's shadow (issue 19, section 5): a table of the applications (ShadowsModel),
// and for the one selected its primary and host risk, the shadow's host, state, origin and reason,
// its discrepancy from the primary with a chart of the recent sequence gap, the transfer's
// progress while a swap runs, the last swap's outcome, and the latest validated update (its state,
// the validation's result and the end of its output). Its buttons ask for the shadow commands;
// the window opens each one's confirmation (CommandDialog, with the engine's dry run).
//
// Live and light: each snapshot updates the text; the chart is redrawn at most every
// kChartRefreshMs, by QXYSeries::replace, only when the history changed and the panel is in sight.
//
// Object names, for tests and style sheets: "shadowsTable", "shadowHeader", "shadowState",
// "shadowDiscrepancy", "transferState", "transferProgress", "lastSwap", "shadowEvent", "gapChart",
// "gapSeries",
// "validationGroup", "validationOutput" (the update's summary), "validationLog" (its output),
// "createHost", and the buttons "createShadow",
// "swapShadow", "promoteShadow", "retireShadow", "updateShadow".
class ShadowsPanel final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kChartRefreshMs = 200;

    // The model is the window's; the panel does not own it. The window feeds both the model and
    // the panel (setSnapshot) with each snapshot.
    explicit ShadowsPanel(ShadowsModel *model, QWidget *parent = nullptr);
    ~ShadowsPanel() override;

    void setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);

    // The application shown in detail (also chosen in the table). Empty: the first one.
    void setApp(const QString &app);
    QString app() const { return m_app; }

    QTableView *view() const { return m_view; }
    QLineSeries *gapSeries() const { return m_gapSeries; }
    // The transfer of the swap under way on the shown application, in percent; -1 when none runs.
    int transferPercent() const;

    // A starting point for an update of app (the Update dialog's editor): its current command and
    // arguments as a JSON object of config.process keys; "{}" when it runs no process.
    QString processTemplate(const QString &app) const;

    // Redraws the chart now (the panel does it itself, coalesced).
    void refreshChart();
    // Redraws the chart if it went stale while out of sight. For its container to call when the
    // panel comes into sight without a show event (a dock whose tab is selected).
    void catchUp();

Q_SIGNALS:
    // A button asks for a command on app; agent is the chosen host for CreateShadow (empty: the
    // engine's choice) and the shadow's agent for the others.
    void commandRequested(foresight::widgets::CommandDialog::Kind kind, const QString &app, const QString &agent);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void updateDetails();
    void fitColumns();
    void updateControls(const failover::AppView *app);
    void updateValidation(const failover::AppView *app);
    void updateHostChoices();
    void trackSwaps();
    void trackShadowEvents();
    void scheduleChart();
    void request(CommandDialog::Kind kind);

    ShadowsModel *m_model = nullptr;
    std::shared_ptr<const failover::ClusterSnapshot> m_snapshot;
    QString m_app;
    // Per application swapping now: the largest seq gap seen since the swap began, what the
    // transfer's progress is measured against.
    QHash<QString, qint64> m_swapStartGap;
    // Per application, the engine's newest journal entry about its shadow (kind "shadow"): kept
    // here because the shadow, and its lastSwap, are gone once a swap has made it the primary.
    QHash<QString, storage::JournalEntry> m_shadowEvents;
    QString m_choicesPrimary; // the primary left out of the host choices
    int m_shadowedApps = -1;  // applications with a shadow in the last snapshot

    QTableView *m_view = nullptr;
    QLabel *m_header = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_discrepancy = nullptr;
    QLabel *m_transferState = nullptr;
    QProgressBar *m_transfer = nullptr;
    QLabel *m_lastSwap = nullptr;
    QLabel *m_lastEvent = nullptr;
    QGroupBox *m_validationGroup = nullptr;
    QLabel *m_validation = nullptr;
    QPlainTextEdit *m_validationLog = nullptr;
    QChartView *m_chartView = nullptr;
    QLineSeries *m_gapSeries = nullptr;
    QDateTimeAxis *m_timeAxis = nullptr;
    QValueAxis *m_gapAxis = nullptr;
    QComboBox *m_createHost = nullptr;
    QPushButton *m_create = nullptr;
    QPushButton *m_swap = nullptr;
    QPushButton *m_promote = nullptr;
    QPushButton *m_retire = nullptr;
    QPushButton *m_update = nullptr;

    QTimer m_chartTimer;
    bool m_chartStale = true;
    // What the chart's points were taken from: the application and its newest sample.
    QString m_chartApp;
    qint64 m_chartNewestMs = -1;
    qsizetype m_chartSamples = -1;
};

} // namespace foresight::widgets
