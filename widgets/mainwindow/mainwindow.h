#pragma once

#include <memory>

#include <QMainWindow>

#include "dialogs/commanddialog.h"
#include "dialogs/reportexportdialog.h"
#include "foresight/failover/clustersnapshot.h"

class QLabel;

namespace foresight::widgets {

class ConsoleBridge;
class EventsModel;
class EventsPanel;
class HostDetailPanel;
class HostMetricsHistory;
class MirrorsModel;
class MirrorsPanel;
class PartitionsModel;
class ReplicasModel;
class ReplicasPanel;
class ShadowsModel;
class ShadowsPanel;
class StalenessHistory;
class StalenessPanel;
class TopologyView;

// The console's window: it composes the panels (each its own widget and model), the menus and
// the status bar, and feeds every model from the bridge's snapshots. It holds no cluster state of
// its own and never talks to the engine except through the bridge.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    // The bridge must outlive the window.
    explicit MainWindow(ConsoleBridge *bridge, QWidget *parent = nullptr);
    ~MainWindow() override;

    ReplicasPanel *replicasPanel() const { return m_replicasPanel; }
    ReplicasModel *replicasModel() const { return m_replicasModel; }
    EventsModel *eventsModel() const { return m_eventsModel; }
    EventsPanel *eventsPanel() const { return m_eventsPanel; }
    HostDetailPanel *hostDetailPanel() const { return m_hostDetailPanel; }
    TopologyView *topologyView() const { return m_topology; }
    ShadowsModel *shadowsModel() const { return m_shadowsModel; }
    ShadowsPanel *shadowsPanel() const { return m_shadowsPanel; }
    PartitionsModel *partitionsModel() const { return m_partitionsModel; }
    StalenessPanel *stalenessPanel() const { return m_stalenessPanel; }
    MirrorsModel *mirrorsModel() const { return m_mirrorsModel; }
    MirrorsPanel *mirrorsPanel() const { return m_mirrorsPanel; }

    // Where File > Export incident report… reads incidents and writes reports; until it is set
    // (no console store open) the action is disabled.
    void setReportSource(ReportExportDialog::Source source);

Q_SIGNALS:
    // File > Open cluster configuration: the application opens it (the window does not start
    // engines).
    void openClusterRequested(const QString &path);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createPanels();
    void createMenus();
    void createStatusBar();
    void createCommands();
    // Opens the command's dialog for the copy selected in the replicas table.
    void openCommand(CommandDialog::Kind kind);
    // Opens a command's dialog for the application (and agent) given.
    void openCommandFor(CommandDialog::Kind kind, const QString &app, const QString &agent);
    // The application and agent of the selected row; empty when none is selected.
    QPair<QString, QString> selectedCopy() const;
    void onSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);
    QDockWidget *addDock(QWidget *panel, const QString &title, const QString &objectName, Qt::DockWidgetArea area);

    // Shows a host in the host detail panel and raises its dock.
    void showHost(const QString &agent);
    // Selects the rows of an application (and agent, if given) in the replicas table.
    void showCopy(const QString &app, const QString &agent);

    ConsoleBridge *m_bridge = nullptr;
    TopologyView *m_topology = nullptr;
    ReplicasModel *m_replicasModel = nullptr;
    ReplicasPanel *m_replicasPanel = nullptr;
    QDockWidget *m_replicasDock = nullptr;
    ShadowsModel *m_shadowsModel = nullptr;
    ShadowsPanel *m_shadowsPanel = nullptr;
    PartitionsModel *m_partitionsModel = nullptr;
    StalenessHistory *m_stalenessHistory = nullptr;
    StalenessPanel *m_stalenessPanel = nullptr;
    MirrorsModel *m_mirrorsModel = nullptr;
    MirrorsPanel *m_mirrorsPanel = nullptr;
    EventsModel *m_eventsModel = nullptr;
    EventsPanel *m_eventsPanel = nullptr;
    QDockWidget *m_eventsDock = nullptr;
    HostMetricsHistory *m_hostHistory = nullptr;
    HostDetailPanel *m_hostDetailPanel = nullptr;
    QDockWidget *m_hostDock = nullptr;
    QLabel *m_alertsState = nullptr;
    QMenu *m_viewMenu = nullptr;
    QAction *m_exportReport = nullptr;
    ReportExportDialog::Source m_reportSource;
    QMenu *m_clusterMenu = nullptr;
    QLabel *m_engineState = nullptr;
    QLabel *m_agentsState = nullptr;
};

} // namespace foresight::widgets
