#include "panels/shadowspanel.h"

#include <algorithm>

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

#include "models/shadowsmodel.h"
#include "panels/niceaxis.h"
#include "panels/rowtable.h"
#include "theme/theme.h"

namespace foresight::widgets {

namespace {

QLabel *textLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString clockTime(qint64 wallMs)
{
    return QDateTime::fromMSecsSinceEpoch(wallMs).toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

ShadowsPanel::ShadowsPanel(ShadowsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QTableView(this))
    , m_header(textLabel(QStringLiteral("shadowHeader"), this))
    , m_state(textLabel(QStringLiteral("shadowState"), this))
    , m_discrepancy(textLabel(QStringLiteral("shadowDiscrepancy"), this))
    , m_transferState(textLabel(QStringLiteral("transferState"), this))
    , m_transfer(new QProgressBar(this))
    , m_lastSwap(textLabel(QStringLiteral("lastSwap"), this))
    , m_lastEvent(textLabel(QStringLiteral("shadowEvent"), this))
    , m_validationGroup(new QGroupBox(tr("Validation output"), this))
    , m_validation(textLabel(QStringLiteral("validationOutput"), m_validationGroup))
    , m_createHost(new QComboBox(this))
    , m_create(new QPushButton(tr("Create shadow…"), this))
    , m_swap(new QPushButton(tr("Swap…"), this))
    , m_promote(new QPushButton(tr("Promote shadow…"), this))
    , m_retire(new QPushButton(tr("Retire shadow…"), this))
    , m_update(new QPushButton(tr("Update…"), this))
{
    setObjectName(QStringLiteral("shadowsPanel"));
    setAccessibleName(tr("Shadows"));

    m_view->setObjectName(QStringLiteral("shadowsTable"));
    m_view->setAccessibleName(tr("Shadows"));
    m_view->setModel(m_model);
    setUpRowTable(m_view);
    m_view->setWordWrap(false);
    m_view->setMinimumHeight(m_view->horizontalHeader()->sizeHint().height()
                             + 3 * m_view->verticalHeader()->defaultSectionSize());
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        fitColumns();
        if (m_app.isEmpty() || m_model->rowOf(m_app) < 0)
            setApp({});
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &index) {
        if (index.isValid())
            setApp(index.data(ShadowsModel::AppRole).toString());
    });

    m_header->setAccessibleName(tr("Application"));
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);
    m_state->setAccessibleName(tr("Shadow state"));
    m_discrepancy->setAccessibleName(tr("Discrepancy"));
    m_transferState->setAccessibleName(tr("Transfer"));
    m_transfer->setObjectName(QStringLiteral("transferProgress"));
    m_transfer->setAccessibleName(tr("Transfer progress"));
    m_transfer->setRange(0, 100);
    m_transfer->setFormat(tr("%p% shipped"));
    m_lastSwap->setAccessibleName(tr("Last swap"));
    m_lastEvent->setAccessibleName(tr("Last shadow event"));

    m_validationGroup->setObjectName(QStringLiteral("validationGroup"));
    m_validation->setAccessibleName(tr("Validation output"));
    m_validationLog = new QPlainTextEdit(m_validationGroup);
    m_validationLog->setObjectName(QStringLiteral("validationLog"));
    m_validationLog->setAccessibleName(tr("Validation command output"));
    m_validationLog->setReadOnly(true);
    m_validationLog->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_validationLog->setMaximumHeight(160);
    m_validationLog->hide();
    auto *validationLayout = new QVBoxLayout(m_validationGroup);
    validationLayout->addWidget(m_validation);
    validationLayout->addWidget(m_validationLog);

    // The chart: the seq gap over the shadow's recent history, built once.
    auto *chart = new QChart;
    chart->setTitle(tr("Seq gap (writes the shadow lacks)"));
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->hide();
    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setTickCount(3);
    m_timeAxis->setFormat(QStringLiteral("hh:mm:ss"));
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_gapAxis = new QValueAxis;
    m_gapAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_gapAxis->setTickCount(6); // whole numbers for every range niceAxisMax() gives
    m_gapAxis->setRange(0, 10);
    chart->addAxis(m_gapAxis, Qt::AlignLeft);
    m_gapSeries = new QLineSeries;
    m_gapSeries->setObjectName(QStringLiteral("gapSeries"));
    m_gapSeries->setName(tr("Seq gap"));
    chart->addSeries(m_gapSeries); // the chart owns it
    m_gapSeries->attachAxis(m_timeAxis);
    m_gapSeries->attachAxis(m_gapAxis);
    m_chartView = new QChartView(chart, this); // the view owns the chart
    m_chartView->setObjectName(QStringLiteral("gapChart"));
    m_chartView->setAccessibleName(tr("Seq gap chart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumSize(280, 160);

    m_createHost->setObjectName(QStringLiteral("createHost"));
    m_createHost->setAccessibleName(tr("Shadow host"));
    m_createHost->setToolTip(tr("Where Create puts the shadow: the engine's choice (another host, low risk, low "
                                "load, close to the primary) or an agent you pick"));
    m_createHost->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_createHost->addItem(tr("Engine's choice of host"), QString());
    m_create->setObjectName(QStringLiteral("createShadow"));
    m_swap->setObjectName(QStringLiteral("swapShadow"));
    m_promote->setObjectName(QStringLiteral("promoteShadow"));
    m_retire->setObjectName(QStringLiteral("retireShadow"));
    m_update->setObjectName(QStringLiteral("updateShadow"));

    connect(m_create, &QPushButton::clicked, this, [this] { request(CommandDialog::Kind::CreateShadow); });
    connect(m_swap, &QPushButton::clicked, this, [this] { request(CommandDialog::Kind::SwapShadow); });
    connect(m_promote, &QPushButton::clicked, this, [this] { request(CommandDialog::Kind::PromoteShadow); });
    connect(m_retire, &QPushButton::clicked, this, [this] { request(CommandDialog::Kind::RetireShadow); });
    connect(m_update, &QPushButton::clicked, this, [this] { request(CommandDialog::Kind::UpdateShadow); });

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_create);
    buttons->addWidget(m_createHost);
    buttons->addSpacing(12);
    buttons->addWidget(m_swap);
    buttons->addWidget(m_promote);
    buttons->addWidget(m_retire);
    buttons->addWidget(m_update);
    buttons->addStretch();

    auto *facts = new QWidget(this);
    auto *factsLayout = new QVBoxLayout(facts);
    factsLayout->setContentsMargins(0, 0, 0, 0);
    factsLayout->addWidget(m_header);
    factsLayout->addWidget(m_state);
    factsLayout->addWidget(m_discrepancy);
    factsLayout->addWidget(m_transferState);
    factsLayout->addWidget(m_transfer);
    factsLayout->addWidget(m_lastSwap);
    factsLayout->addWidget(m_lastEvent);
    factsLayout->addWidget(m_validationGroup);
    factsLayout->addStretch();
    // A short dock must not cut the facts off: they scroll.
    auto *factsScroll = new QScrollArea(this);
    factsScroll->setObjectName(QStringLiteral("shadowFacts"));
    factsScroll->setWidget(facts);
    factsScroll->setWidgetResizable(true);
    factsScroll->setFrameShape(QFrame::NoFrame);
    factsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *details = new QSplitter(Qt::Horizontal, this);
    details->addWidget(factsScroll);
    details->addWidget(m_chartView);
    details->setStretchFactor(0, 3);
    details->setStretchFactor(1, 2);
    details->setChildrenCollapsible(false);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(details);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(split);

    m_chartTimer.setSingleShot(true);
    m_chartTimer.setInterval(kChartRefreshMs);
    connect(&m_chartTimer, &QTimer::timeout, this, &ShadowsPanel::refreshChart);
    updateDetails();
}

ShadowsPanel::~ShadowsPanel() = default;

void ShadowsPanel::setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    const bool agentsChanged = !m_snapshot || !snapshot || m_snapshot->agents.size() != snapshot->agents.size()
                               || !std::equal(m_snapshot->agents.cbegin(),
                                              m_snapshot->agents.cend(),
                                              snapshot->agents.cbegin(),
                                              [](const failover::AgentView &a, const failover::AgentView &b) {
                                                  return a.name == b.name;
                                              });
    m_snapshot = snapshot;
    trackSwaps();
    trackShadowEvents();
    // Columns fitted again when a shadow comes or goes (its columns fill or empty), and otherwise
    // left to the operator.
    int shadowed = 0;
    if (m_snapshot) {
        for (const failover::AppView &app : m_snapshot->apps)
            shadowed += app.shadow ? 1 : 0;
    }
    if (shadowed != m_shadowedApps) {
        m_shadowedApps = shadowed;
        fitColumns();
    }
    // The choices leave out the application's primary, which a swap or a failover changes.
    const failover::AppView *app = m_snapshot ? m_snapshot->app(m_app) : nullptr;
    if (agentsChanged || (app ? app->primary : QString()) != m_choicesPrimary)
        updateHostChoices();
    updateDetails();
}

void ShadowsPanel::setApp(const QString &app)
{
    QString chosen = app;
    if (chosen.isEmpty() && m_model->rowCount() > 0)
        chosen = m_model->index(0, 0).data(ShadowsModel::AppRole).toString();
    const int row = m_model->rowOf(chosen);
    // Selecting the row comes back here through currentRowChanged, and finds it chosen.
    if (row >= 0 && m_view->selectionModel()->currentIndex().row() != row)
        m_view->selectionModel()->setCurrentIndex(m_model->index(row, 0),
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (chosen == m_app)
        return;
    m_app = chosen;
    updateHostChoices();
    updateDetails();
}

void ShadowsPanel::fitColumns()
{
    // Every column but the last, which stretches; the discrepancy room for a typical sentence,
    // which grows while a shadow catches up.
    for (int column = 0; column + 1 < ShadowsModel::ColumnCount; ++column)
        m_view->resizeColumnToContents(column);
    const int discrepancy = m_view->fontMetrics().horizontalAdvance(QStringLiteral(
                                "10,000 writes behind (1000 ms), 1000 keys, 100000 bytes, digest agrees"))
                            + 12;
    if (m_view->columnWidth(ShadowsModel::Discrepancy) < discrepancy)
        m_view->setColumnWidth(ShadowsModel::Discrepancy, discrepancy);
}

int ShadowsPanel::transferPercent() const
{
    const failover::AppView *app = m_snapshot ? m_snapshot->app(m_app) : nullptr;
    if (!app || !app->shadow || app->shadow->state != QLatin1String("swapping"))
        return -1;
    const qint64 gap = app->shadow->discrepancy.seqGap;
    const qint64 start = m_swapStartGap.value(m_app, -1);
    if (gap < 0 || start < 0)
        return 0;
    if (start == 0)
        return 100; // caught up when the swap began: nothing left to ship
    return int(std::clamp<qint64>((start - gap) * 100 / start, 0, 100));
}

void ShadowsPanel::trackSwaps()
{
    // The transfer is measured against the largest gap seen since the swap began: the primary's
    // writes are paused, so from there the gap only shrinks as the remaining writes ship.
    QHash<QString, qint64> swapping;
    if (m_snapshot) {
        for (const failover::AppView &app : m_snapshot->apps) {
            if (!app.shadow || app.shadow->state != QLatin1String("swapping"))
                continue;
            const qint64 gap = app.shadow->discrepancy.seqGap;
            swapping.insert(app.name, std::max(m_swapStartGap.value(app.name, -1), gap));
        }
    }
    m_swapStartGap = std::move(swapping);
}

void ShadowsPanel::trackShadowEvents()
{
    if (!m_snapshot)
        return;
    for (const storage::JournalEntry &entry : m_snapshot->recentJournal) {
        if (entry.kind != QLatin1String("shadow") || entry.app.isEmpty())
            continue;
        const auto known = m_shadowEvents.constFind(entry.app);
        if (known == m_shadowEvents.cend() || known->wallMs <= entry.wallMs)
            m_shadowEvents.insert(entry.app, entry); // oldest first: the last one wins
    }
}

void ShadowsPanel::updateHostChoices()
{
    // Every agent but the application's primary; the engine checks the rest (another host,
    // reachable, not in maintenance) and its dry run says why it refuses one.
    const QString current = m_createHost->currentData().toString();
    const failover::AppView *app = m_snapshot ? m_snapshot->app(m_app) : nullptr;
    m_choicesPrimary = app ? app->primary : QString();
    const QSignalBlocker blocker(m_createHost);
    while (m_createHost->count() > 1)
        m_createHost->removeItem(1);
    if (m_snapshot) {
        for (const failover::AgentView &agent : m_snapshot->agents) {
            if (app && agent.name == app->primary)
                continue;
            m_createHost->addItem(agent.host.isEmpty() || agent.host == agent.name
                                      ? agent.name
                                      : tr("%1 (%2)").arg(agent.name, agent.host),
                                  agent.name);
        }
    }
    m_createHost->setCurrentIndex(std::max(0, m_createHost->findData(current)));
}

void ShadowsPanel::updateDetails()
{
    const failover::AppView *app = m_snapshot ? m_snapshot->app(m_app) : nullptr;
    updateControls(app);
    updateValidation(app);
    // The chart only when its points would change: the history gains a sample about once a second.
    const QList<shadow::Discrepancy> *history = app && app->shadow ? &app->shadow->history : nullptr;
    if ((history ? app->name : QString()) != m_chartApp || (history ? history->size() : 0) != m_chartSamples
        || (history && !history->isEmpty() ? history->constLast().sampledWallMs : -1) != m_chartNewestMs)
        m_chartStale = true;
    scheduleChart();

    if (!app) {
        m_header->setText(m_snapshot ? tr("No application selected.") : tr("No cluster open."));
        m_state->clear();
        m_discrepancy->hide();
        m_transferState->hide();
        m_transfer->hide();
        m_lastSwap->hide();
        m_lastEvent->hide();
        return;
    }

    const auto event = m_shadowEvents.constFind(app->name);
    if (event != m_shadowEvents.cend())
        m_lastEvent->setText(tr("Last shadow event, %1: %2").arg(clockTime(event->wallMs), event->message));
    m_lastEvent->setVisible(event != m_shadowEvents.cend());

    const QString criticality = ShadowsModel::criticalityText(app->criticality);
    if (app->primary.isEmpty()) {
        m_header->setText(tr("%1 — criticality %2; no primary").arg(app->name, criticality));
    } else {
        const failover::AgentView *primary = m_snapshot->agent(app->primary);
        const QString host = primary && !primary->host.isEmpty() ? primary->host : app->primary;
        const double risk = app->shadow ? app->shadow->primaryHostRisk
                            : primary   ? std::max(primary->failureRisk, primary->anomaly)
                                        : -1;
        m_header->setText(tr("%1 — criticality %2; primary %3 on host %4, host failure risk %5")
                              .arg(app->name,
                                   criticality,
                                   app->primary,
                                   host,
                                   risk < 0 ? tr("not predicted yet") : QLocale().toString(risk, 'f', 2)));
    }

    if (!app->shadow) {
        m_state->setText(tr("No shadow. A shadow is a caught-up copy on another host, ready to take over before "
                            "the primary's host fails; the engine deploys one when that host's risk rises, or "
                            "create one now."));
        m_discrepancy->clear();
        m_discrepancy->hide();
        m_transferState->hide();
        m_transfer->hide();
        m_lastSwap->hide();
        return;
    }

    const failover::ShadowView &shadow = *app->shadow;
    const QString where = shadow.host.isEmpty() || shadow.host == shadow.agent
                              ? shadow.agent
                              : tr("%1 (host %2)").arg(shadow.agent, shadow.host);
    QStringList state{tr("Shadow on %1: %2.").arg(where, ShadowsModel::stateText(shadow.state))};
    const QString when = shadow.createdWallMs > 0 ? clockTime(shadow.createdWallMs) : QStringLiteral("?");
    switch (shadow.origin) {
    case shadow::ShadowOrigin::Predicted:
        state << tr("Deployed by the engine at %1, ahead of a predicted failure: %2").arg(when, shadow.reason);
        break;
    case shadow::ShadowOrigin::Operator:
        state << tr("Created by an operator at %1: %2").arg(when, shadow.reason);
        break;
    case shadow::ShadowOrigin::Update:
        state << tr("Kept at %1 after an update: %2").arg(when, shadow.reason);
        break;
    }
    if (!shadow.version.isEmpty())
        state << (shadow.origin == shadow::ShadowOrigin::Update
                      ? tr("It runs the version before the last update, %1: a swap onto it rolls the update back.")
                            .arg(shadow.version)
                      : tr("It runs another version than the primary: %1.").arg(shadow.version));
    state << (shadow.priorTier == Tier::None
                  ? tr("Its copy is new: retiring the shadow releases it.")
                  : tr("%1 held a %2 replica before: retiring the shadow returns it to that.")
                        .arg(shadow.agent, tierName(shadow.priorTier)));
    m_state->setText(state.join(u'\n'));

    m_discrepancy->setText(tr("Discrepancy: %1. A swap needs it at most %2 writes behind with its digest agreeing.")
                               .arg(shadow.discrepancy.describe(), QLocale().toString(shadow.swapMaxLag)));
    m_discrepancy->setStyleSheet(shadow.discrepancy.digestAgrees.value_or(true)
                                     ? QString()
                                     : QStringLiteral("color: %1;").arg(stateColor(StateColor::Critical).name()));
    m_discrepancy->show();

    const int percent = transferPercent();
    if (percent >= 0) {
        const qint64 start = m_swapStartGap.value(app->name, -1);
        const qint64 gap = shadow.discrepancy.seqGap;
        m_transferState->setText(
            gap < 0 || start < 0
                ? tr("Swap under way: waiting for the shadow's figures.")
                : tr("Swap under way: the primary's writes are paused; %1 of %2 remaining writes shipped, %3 left.")
                      .arg(QLocale().toString(start - gap), QLocale().toString(start), QLocale().toString(gap)));
        m_transfer->setValue(percent);
    }
    m_transferState->setVisible(percent >= 0);
    m_transfer->setVisible(percent >= 0);

    m_lastSwap->setText(shadow.lastSwap.isEmpty() ? tr("Last swap: none onto this shadow yet.")
                                                  : tr("Last swap: %1").arg(shadow.lastSwap));
    m_lastSwap->show();
}

void ShadowsPanel::updateControls(const failover::AppView *app)
{
    const bool shadowed = app && app->shadow;
    const QString state = shadowed ? app->shadow->state : QString();
    const bool swapping = state == QLatin1String("swapping");

    const bool canCreate = app && !shadowed && !app->primary.isEmpty() && app->phase == failover::AppPhase::Healthy;
    m_create->setEnabled(canCreate);
    m_createHost->setEnabled(canCreate);
    if (!app)
        m_create->setToolTip(tr("Select an application first."));
    else if (shadowed)
        m_create->setToolTip(tr("%1 already has a shadow; retire it to create another.").arg(app->name));
    else if (!canCreate)
        m_create->setToolTip(tr("A shadow is deployed beside a healthy primary; %1 is %2.")
                                 .arg(app->name, failover::appPhaseName(app->phase)));
    else
        m_create->setToolTip(
            tr("Deploy a shadow of %1 on another host (the engine's dry run comes first).").arg(app->name));

    const bool canSwap = shadowed && state == QLatin1String("ready") && app->phase != failover::AppPhase::SwitchingOver;
    m_swap->setEnabled(canSwap);
    if (!shadowed)
        m_swap->setToolTip(tr("No shadow to swap onto: create one first."));
    else if (swapping)
        m_swap->setToolTip(tr("A swap is under way."));
    else if (!canSwap)
        m_swap->setToolTip(tr("The shadow is not ready: a swap needs it caught up to at most %1 writes behind, "
                              "with its digest agreeing.")
                               .arg(QLocale().toString(app->shadow->swapMaxLag)));
    else
        m_swap->setToolTip(tr("Move %1's primary onto its shadow: writes pause, the rest ships, roles swap; any "
                              "failure rolls back.")
                               .arg(app->name));

    const bool settled = shadowed && !swapping && state != QLatin1String("retiring");
    m_promote->setEnabled(settled);
    m_retire->setEnabled(settled);
    const QString why = !shadowed ? tr("No shadow: create one first.")
                                  : tr("Not while the shadow is %1.").arg(ShadowsModel::stateText(state));
    m_promote->setToolTip(settled ? tr("Make the shadow the primary now, as a failover would (a lagging shadow only "
                                       "with force).")
                                  : why);
    m_retire->setToolTip(settled ? tr("Retire the shadow: its agent goes back to what it held before.") : why);

    const bool managed = app && app->process.isSet();
    const QString updateState = shadowed && app->shadow->update ? app->shadow->update->state : QString();
    const bool updating = updateState == QLatin1String("validating") || updateState == QLatin1String("swapping");
    const bool canUpdate = managed && canSwap && !updating;
    m_update->setEnabled(canUpdate);
    if (!app)
        m_update->setToolTip(tr("Select an application first."));
    else if (!managed)
        m_update->setToolTip(tr("%1 runs no process (config.process): there is no version to update.").arg(app->name));
    else if (updating)
        m_update->setToolTip(tr("An update of %1 is under way.").arg(app->name));
    else if (!canSwap)
        m_update->setToolTip(tr("An update starts on a ready shadow: %1").arg(m_swap->toolTip()));
    else
        m_update->setToolTip(tr("Try a new version of %1's process on the shadow first: it is swapped in only if its "
                                "validation command passes.")
                                 .arg(app->name));
}

void ShadowsPanel::updateValidation(const failover::AppView *app)
{
    const failover::ShadowView *shadow = app && app->shadow ? &*app->shadow : nullptr;
    if (!shadow || !shadow->update) {
        m_validation->setText(app && app->process.isSet()
                                  ? tr("No update tried since the console started. Update starts a new version on "
                                       "the shadow first; its validation command's result and output show here, and "
                                       "only a passing update is swapped in.")
                                  : tr("No update: an application with a process (config.process) can be updated "
                                       "through its shadow."));
        m_validation->setStyleSheet(QString());
        m_validationLog->clear();
        m_validationLog->hide();
        return;
    }
    const failover::ShadowUpdateView &update = *shadow->update;
    QString state;
    if (update.state == QLatin1String("validating"))
        state = tr("validating on %1").arg(update.agent);
    else if (update.state == QLatin1String("swapping"))
        state = tr("validation passed; swapping it in");
    else if (update.state == QLatin1String("swapped-in"))
        state = tr("swapped in");
    else if (update.state == QLatin1String("failed"))
        state = tr("failed");
    else
        state = update.state;
    QStringList lines{tr("Update to %1, asked by %2 at %3: %4.")
                          .arg(update.command, update.actor, clockTime(update.startedWallMs), state)};
    if (!update.result.isEmpty())
        lines << tr("Validation: %1.").arg(update.result);
    if (!update.note.isEmpty())
        lines << update.note;
    m_validation->setText(lines.join(u'\n'));
    m_validation->setStyleSheet(update.state == QLatin1String("failed")
                                    ? QStringLiteral("color: %1;").arg(stateColor(StateColor::Critical).name())
                                    : QString());
    const QString output = update.outputTruncated ? tr("[earlier output dropped]\n") + update.output : update.output;
    if (m_validationLog->toPlainText() != output)
        m_validationLog->setPlainText(output);
    m_validationLog->setVisible(!output.isEmpty());
}

QString ShadowsPanel::processTemplate(const QString &app) const
{
    const failover::AppView *view = m_snapshot ? m_snapshot->app(app) : nullptr;
    if (!view || !view->process.isSet())
        return QStringLiteral("{}");
    QJsonArray arguments;
    for (const QString &argument : view->process.arguments)
        arguments.append(argument);
    const QJsonObject changes{{QStringLiteral("command"), view->process.command},
                              {QStringLiteral("arguments"), arguments}};
    return QString::fromUtf8(QJsonDocument(changes).toJson(QJsonDocument::Indented));
}

void ShadowsPanel::request(CommandDialog::Kind kind)
{
    const failover::AppView *app = m_snapshot ? m_snapshot->app(m_app) : nullptr;
    if (!app)
        return;
    QString agent;
    if (kind == CommandDialog::Kind::CreateShadow)
        agent = m_createHost->currentData().toString();
    else if (app->shadow)
        agent = app->shadow->agent;
    Q_EMIT commandRequested(kind, app->name, agent);
}

void ShadowsPanel::scheduleChart()
{
    if (!m_chartStale)
        return;
    // Out of sight (a closed dock or behind another tab) there is nothing to draw: showEvent
    // catches up.
    if (isVisible() && !visibleRegion().isEmpty() && !m_chartTimer.isActive())
        m_chartTimer.start();
}

void ShadowsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    catchUp();
}

void ShadowsPanel::catchUp()
{
    if (m_chartStale && isVisible())
        refreshChart();
}

void ShadowsPanel::refreshChart()
{
    m_chartTimer.stop();
    m_chartStale = false;
    const failover::AppView *app = m_snapshot ? m_snapshot->app(m_app) : nullptr;
    const QList<shadow::Discrepancy> history = app && app->shadow ? app->shadow->history : QList<shadow::Discrepancy>();
    m_chartApp = app && app->shadow ? app->name : QString();
    m_chartSamples = history.size();
    m_chartNewestMs = history.isEmpty() ? -1 : history.constLast().sampledWallMs;

    QList<QPointF> points;
    points.reserve(history.size());
    double max = 0;
    for (const shadow::Discrepancy &sample : history) {
        if (!sample.known())
            continue; // not measured then: a gap in the line would mislead less than a zero
        points.append(QPointF(double(sample.sampledWallMs), double(sample.seqGap)));
        max = std::max(max, double(sample.seqGap));
    }
    // One replace: one repaint instead of one per point.
    m_gapSeries->replace(points);
    const double top = niceAxisMax(max * 1.05);
    if (m_gapAxis->max() != top)
        m_gapAxis->setRange(0, top);
    const qint64 to = m_snapshot ? m_snapshot->takenWallMs : QDateTime::currentMSecsSinceEpoch();
    const qint64 from = points.isEmpty() ? to - 60'000 : std::min<qint64>(qint64(points.constFirst().x()), to - 10'000);
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(to));
}

} // namespace foresight::widgets
