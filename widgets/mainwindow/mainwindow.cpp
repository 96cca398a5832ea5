#include "mainwindow/mainwindow.h"

#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>

#include "bridge/consolebridge.h"
#include "models/eventsmodel.h"
#include "models/hostmetricshistory.h"
#include "models/mirrorsmodel.h"
#include "models/partitionsmodel.h"
#include "models/replicasmodel.h"
#include "models/shadowsmodel.h"
#include "models/stalenesshistory.h"
#include "panels/eventspanel.h"
#include "panels/hostdetailpanel.h"
#include "panels/mirrorspanel.h"
#include "panels/replicaspanel.h"
#include "panels/shadowspanel.h"
#include "panels/stalenesspanel.h"
#include "theme/thememenu.h"
#include "topology/topologyview.h"

namespace foresight::widgets {

MainWindow::MainWindow(ConsoleBridge *bridge, QWidget *parent)
    : QMainWindow(parent)
    , m_bridge(bridge)
    , m_replicasModel(new ReplicasModel(this))
    , m_shadowsModel(new ShadowsModel(this))
    , m_partitionsModel(new PartitionsModel(this))
    , m_stalenessHistory(new StalenessHistory(this))
    , m_mirrorsModel(new MirrorsModel(this))
    , m_eventsModel(new EventsModel(this))
    , m_hostHistory(new HostMetricsHistory(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Foresight"));
    setDockNestingEnabled(true);
    createPanels();
    createMenus();
    createCommands();
    createStatusBar();
    connect(m_bridge, &ConsoleBridge::snapshotChanged, this, &MainWindow::onSnapshot);
    if (const auto snapshot = m_bridge->snapshot())
        onSnapshot(snapshot);

    QSettings settings(QStringLiteral("foresight"), QStringLiteral("console"));
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

MainWindow::~MainWindow() = default;

QDockWidget *MainWindow::addDock(QWidget *panel,
                                 const QString &title,
                                 const QString &objectName,
                                 Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // restoreState() finds docks by name
    dock->setWidget(panel);
    addDockWidget(area, dock);
    m_viewMenu->addAction(dock->toggleViewAction());
    return dock;
}

void MainWindow::createPanels()
{
    m_viewMenu = new QMenu(tr("&View"), this);
    // The topology is the centre of the window; the tables and charts dock around it.
    m_topology = new TopologyView(this);
    setCentralWidget(m_topology);
    m_replicasPanel = new ReplicasPanel(m_replicasModel, this);
    m_replicasDock = addDock(m_replicasPanel, tr("Replicas"), QStringLiteral("replicasDock"), Qt::BottomDockWidgetArea);
    m_shadowsPanel = new ShadowsPanel(m_shadowsModel, this);
    QDockWidget *shadowsDock
        = addDock(m_shadowsPanel, tr("Shadows"), QStringLiteral("shadowsDock"), Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_replicasDock, shadowsDock);
    m_stalenessPanel = new StalenessPanel(m_partitionsModel, m_stalenessHistory, this);
    QDockWidget *stalenessDock
        = addDock(m_stalenessPanel, tr("Staleness"), QStringLiteral("stalenessDock"), Qt::BottomDockWidgetArea);
    tabifyDockWidget(shadowsDock, stalenessDock);
    m_mirrorsPanel = new MirrorsPanel(m_mirrorsModel, this);
    QDockWidget *mirrorsDock
        = addDock(m_mirrorsPanel, tr("Mirrors"), QStringLiteral("mirrorsDock"), Qt::BottomDockWidgetArea);
    tabifyDockWidget(stalenessDock, mirrorsDock);
    m_replicasDock->raise();
    connect(m_shadowsPanel, &ShadowsPanel::commandRequested, this, &MainWindow::openCommandFor);
    // Behind the replicas' tab the panels get no show event when their tab is selected.
    connect(shadowsDock, &QDockWidget::visibilityChanged, m_shadowsPanel, [this](bool visible) {
        if (visible)
            m_shadowsPanel->catchUp();
    });
    connect(stalenessDock, &QDockWidget::visibilityChanged, m_stalenessPanel, [this](bool visible) {
        if (visible)
            m_stalenessPanel->catchUp();
    });
    m_eventsPanel = new EventsPanel(m_eventsModel, this);
    m_eventsDock
        = addDock(m_eventsPanel, tr("Events and alerts"), QStringLiteral("eventsDock"), Qt::RightDockWidgetArea);
    m_hostDetailPanel = new HostDetailPanel(this);
    m_hostDetailPanel->setHistory(m_hostHistory);
    m_hostDock = addDock(m_hostDetailPanel, tr("Host detail"), QStringLiteral("hostDock"), Qt::RightDockWidgetArea);
    tabifyDockWidget(m_eventsDock, m_hostDock);
    m_eventsDock->raise();
    // Behind the events' tab the panel gets no show event when its tab is selected.
    connect(m_hostDock, &QDockWidget::visibilityChanged, m_hostDetailPanel, [this](bool visible) {
        if (visible)
            m_hostDetailPanel->catchUp();
    });

    // Jumps: from a copy or an event to its host and its rows.
    connect(m_replicasPanel, &ReplicasPanel::copyActivated, this, [this](const QString &, const QString &agent) {
        showHost(agent);
    });
    connect(m_eventsPanel, &EventsPanel::agentActivated, this, [this](const QString &agent) {
        showHost(agent);
        showCopy({}, agent);
    });
    connect(m_eventsPanel, &EventsPanel::applicationActivated, this, [this](const QString &app) { showCopy(app, {}); });
    connect(m_topology, &TopologyView::agentActivated, this, [this](const QString &agent) {
        showHost(agent);
        showCopy({}, agent);
    });
}

void MainWindow::setReportSource(ReportExportDialog::Source source)
{
    m_reportSource = std::move(source);
    m_exportReport->setEnabled(bool(m_reportSource.incidents) && bool(m_reportSource.write));
}

void MainWindow::showHost(const QString &agent)
{
    m_hostDetailPanel->setAgent(agent);
    m_hostDock->show();
    m_hostDock->raise();
}

void MainWindow::showCopy(const QString &app, const QString &agent)
{
    QTableView *table = m_replicasPanel->view();
    QAbstractItemModel *model = table->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        if ((app.isEmpty() || index.data(ReplicasModel::AppRole).toString() == app)
            && (agent.isEmpty() || index.data(ReplicasModel::AgentRole).toString() == agent)) {
            table->selectRow(row);
            table->scrollTo(index);
            return;
        }
    }
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open cluster configuration…"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this,
                                                          tr("Open cluster configuration"),
                                                          QString(),
                                                          tr("Cluster configurations (*.json);;All files (*)"));
        if (!path.isEmpty())
            Q_EMIT openClusterRequested(path);
    });
    m_exportReport = file->addAction(tr("&Export incident report…"));
    m_exportReport->setEnabled(false);
    connect(m_exportReport, &QAction::triggered, this, [this] {
        auto *dialog = new ReportExportDialog(m_reportSource, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    m_clusterMenu = menuBar()->addMenu(tr("&Cluster"));
    menuBar()->addMenu(m_viewMenu);
    m_viewMenu->addSeparator();
    m_viewMenu->addMenu(new ThemeMenu(m_viewMenu));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    connect(help->addAction(tr("&About Foresight")), &QAction::triggered, this, [this] {
        QMessageBox::about(this,
                           tr("About Foresight"),
                           tr("Foresight keeps applications' state alive through host failures: replication in hot, "
                              "warm and cold tiers, failure detection and failover."));
    });
}

void MainWindow::createCommands()
{
    const struct
    {
        QString text;
        QKeySequence shortcut;
        CommandDialog::Kind kind;
    } commands[] = {
        {tr("&Promote…"), QKeySequence(Qt::CTRL | Qt::Key_P), CommandDialog::Kind::Promote},
        {tr("&Switch over…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), CommandDialog::Kind::Switchover},
        {tr("Start &maintenance…"), QKeySequence(Qt::CTRL | Qt::Key_M), CommandDialog::Kind::MaintenanceOn},
        {tr("&End maintenance…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M), CommandDialog::Kind::MaintenanceOff},
        {tr("&Acknowledge failover…"), QKeySequence(Qt::CTRL | Qt::Key_K), CommandDialog::Kind::Acknowledge},
    };
    QTableView *table = m_replicasPanel->view();
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
    for (const auto &command : commands) {
        QAction *action = m_clusterMenu->addAction(command.text);
        action->setShortcut(command.shortcut);
        const CommandDialog::Kind kind = command.kind;
        connect(action, &QAction::triggered, this, [this, kind] { openCommand(kind); });
        table->addAction(action);
    }
}

QPair<QString, QString> MainWindow::selectedCopy() const
{
    const QModelIndexList rows = m_replicasPanel->view()->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return {rows.first().data(ReplicasModel::AppRole).toString(),
            rows.first().data(ReplicasModel::AgentRole).toString()};
}

void MainWindow::openCommand(CommandDialog::Kind kind)
{
    const auto [app, agent] = selectedCopy();
    if (agent.isEmpty()) {
        statusBar()->showMessage(tr("Select an application's copy in the replicas table first."), 5000);
        return;
    }
    // Promote and switch over target the selected replica; a primary's row means "the engine's
    // best candidate".
    QString target = agent;
    if (kind == CommandDialog::Kind::Promote || kind == CommandDialog::Kind::Switchover) {
        const auto snapshot = m_bridge->snapshot();
        const failover::AppView *view = snapshot ? snapshot->app(app) : nullptr;
        if (view && view->primary == agent)
            target.clear();
    }
    openCommandFor(kind, app, target);
}

void MainWindow::openCommandFor(CommandDialog::Kind kind, const QString &app, const QString &agent)
{
    auto *dialog = new CommandDialog(m_bridge, kind, app, agent, this);
    if (kind == CommandDialog::Kind::UpdateShadow)
        dialog->setProcessText(m_shadowsPanel->processTemplate(app));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::createStatusBar()
{
    m_engineState = new QLabel(tr("No cluster open: File > Open cluster configuration (Ctrl+O)"), this);
    m_engineState->setObjectName(QStringLiteral("engineState"));
    m_agentsState = new QLabel(this);
    m_agentsState->setObjectName(QStringLiteral("agentsState"));
    m_alertsState = new QLabel(tr("No open alerts"), this);
    m_alertsState->setObjectName(QStringLiteral("alertsState"));
    statusBar()->addWidget(m_engineState, 1);
    statusBar()->addPermanentWidget(m_agentsState);
    statusBar()->addPermanentWidget(m_alertsState);
    connect(m_eventsModel, &EventsModel::openAlertsChanged, this, [this](int open) {
        m_alertsState->setText(open == 0 ? tr("No open alerts") : tr("%n open alert(s)", nullptr, open));
        m_eventsDock->setWindowTitle(open == 0 ? tr("Events and alerts") : tr("Events and alerts (%1)").arg(open));
    });
}

void MainWindow::onSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    m_topology->setSnapshot(snapshot);
    m_replicasModel->setSnapshot(snapshot);
    m_shadowsModel->setSnapshot(snapshot);
    m_shadowsPanel->setSnapshot(snapshot);
    // The history first: the panel's chart reads it. It is kept whether or not the panel is in
    // sight, so the chart has its past when the operator opens it.
    m_stalenessHistory->addSnapshot(snapshot);
    m_partitionsModel->setSnapshot(snapshot);
    m_stalenessPanel->setSnapshot(snapshot);
    m_mirrorsModel->setSnapshot(snapshot);
    m_mirrorsPanel->setSnapshot(snapshot);
    m_eventsModel->setSnapshot(snapshot);
    if (!snapshot)
        return;
    m_hostHistory->addSnapshot(snapshot);
    int heard = 0;
    int suspected = 0;
    for (const failover::AgentView &agent : snapshot->agents) {
        heard += agent.heard && !agent.suspected ? 1 : 0;
        suspected += agent.suspected ? 1 : 0;
    }
    setWindowTitle(tr("Foresight — %1").arg(snapshot->clusterName));
    m_engineState->setText(
        tr("Cluster %1: engine running, snapshot of %2")
            .arg(snapshot->clusterName,
                 QDateTime::fromMSecsSinceEpoch(snapshot->takenWallMs).toString(QStringLiteral("HH:mm:ss"))));
    m_agentsState->setText(
        suspected > 0
            ? tr("Agents: %1 of %2 connected, %3 suspected").arg(heard).arg(snapshot->agents.size()).arg(suspected)
            : tr("Agents: %1 of %2 connected").arg(heard).arg(snapshot->agents.size()));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings(QStringLiteral("foresight"), QStringLiteral("console"));
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

} // namespace foresight::widgets
