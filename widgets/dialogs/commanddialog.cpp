#include "dialogs/commanddialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "models/stalenesssummary.h"
#include "theme/theme.h"

namespace foresight::widgets {

namespace {

// The ranking terms in the ranking's order of importance (a JSON object has lost it), then any
// term this version does not know.
QString termsText(const QJsonObject &candidate)
{
    static const QStringList kOrder{QStringLiteral("tier"),
                                    QStringLiteral("seq"),
                                    QStringLiteral("seq-behind"),
                                    QStringLiteral("priority"),
                                    QStringLiteral("divergence"),
                                    QStringLiteral("latency-ms"),
                                    QStringLiteral("failure-risk")};
    const QJsonObject terms = candidate.value(QStringLiteral("terms")).toObject();
    QStringList parts;
    for (const QString &name : kOrder) {
        if (terms.contains(name))
            parts << QStringLiteral("%1 %2").arg(name, terms.value(name).toVariant().toString());
    }
    for (auto it = terms.begin(); it != terms.end(); ++it) {
        if (!kOrder.contains(it.key()))
            parts << QStringLiteral("%1 %2").arg(it.key(), it.value().toVariant().toString());
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

CommandDialog::CommandDialog(ConsoleBridge *bridge, Kind kind, const QString &app, const QString &agent, QWidget *parent)
    : QDialog(parent)
    , m_bridge(bridge)
    , m_kind(kind)
    , m_app(app)
    , m_agent(agent)
    , m_plan(new QLabel(this))
    , m_result(new QLabel(this))
    , m_force(new QCheckBox(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("commandDialog"));
    m_plan->setObjectName(QStringLiteral("plan"));
    m_plan->setWordWrap(true);
    m_plan->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setObjectName(QStringLiteral("result"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_force->setObjectName(QStringLiteral("force"));
    m_force->setText(tr("Force: promote although acknowledged writes would be lost"));
    m_force->hide();

    QString title;
    QString confirmText;
    switch (kind) {
    case Kind::Promote:
        title = tr("Promote a replica of %1").arg(app);
        confirmText = tr("&Promote");
        break;
    case Kind::Switchover:
        title = tr("Switch over %1").arg(app);
        confirmText = tr("&Switch over");
        break;
    case Kind::MaintenanceOn:
        title = tr("Maintenance on %1").arg(agent);
        confirmText = tr("&Start maintenance");
        break;
    case Kind::MaintenanceOff:
        title = tr("End maintenance on %1").arg(agent);
        confirmText = tr("&End maintenance");
        break;
    case Kind::Acknowledge:
        title = tr("Acknowledge the failover of %1").arg(app);
        confirmText = tr("&Acknowledge");
        break;
    case Kind::CreateShadow:
        title = agent.isEmpty() ? tr("Create a shadow of %1").arg(app)
                                : tr("Create a shadow of %1 on %2").arg(app, agent);
        confirmText = tr("&Create shadow");
        break;
    case Kind::SwapShadow:
        title = tr("Swap %1 onto its shadow").arg(app);
        confirmText = tr("S&wap");
        break;
    case Kind::PromoteShadow:
        title = tr("Promote the shadow of %1").arg(app);
        confirmText = tr("&Promote shadow");
        break;
    case Kind::RetireShadow:
        title = tr("Retire the shadow of %1").arg(app);
        confirmText = tr("&Retire shadow");
        break;
    case Kind::UpdateShadow:
        title = tr("Update %1 through its shadow").arg(app);
        confirmText = tr("&Update");
        break;
    }
    setWindowTitle(title);
    m_confirm = m_buttons->addButton(confirmText, QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("confirm"));
    m_confirm->setEnabled(false);

    auto *layout = new QVBoxLayout(this);
    if (kind == Kind::UpdateShadow) {
        // The update is what the operator writes here: the keys of config.process that change.
        auto *intro = new QLabel(tr("The keys of %1's process that change, as JSON (command, arguments, environment, "
                                    "workingDirectory, validateCommand, ...). The new version starts on the shadow, "
                                    "the validation command runs against it, and only if it passes is the shadow "
                                    "swapped in; the old version stays ready on the former primary.")
                                     .arg(app),
                                 this);
        intro->setWordWrap(true);
        layout->addWidget(intro);
        m_process = new QPlainTextEdit(this);
        m_process->setObjectName(QStringLiteral("process"));
        m_process->setAccessibleName(tr("Process changes"));
        m_process->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        m_process->setPlainText(QStringLiteral("{\n}"));
        m_process->setMinimumHeight(120);
        layout->addWidget(m_process);
        m_check = new QPushButton(tr("&Check with the engine"), this);
        m_check->setObjectName(QStringLiteral("check"));
        layout->addWidget(m_check, 0, Qt::AlignLeft);
        connect(m_check, &QPushButton::clicked, this, &CommandDialog::askDryRun);
        // A plan is for the text it was asked for: an edit needs a new check.
        connect(m_process, &QPlainTextEdit::textChanged, this, [this] {
            if (m_commandId != 0 || m_finished)
                return;
            m_dryRunId = 0;
            m_confirm->setEnabled(false);
            m_plan->setText(tr("Check the update with the engine before confirming it."));
        });
    }
    layout->addWidget(m_plan);
    layout->addWidget(m_force);
    layout->addWidget(m_result);
    layout->addWidget(m_buttons);
    setMinimumWidth(520);

    connect(m_bridge, &ConsoleBridge::commandFinished, this, &CommandDialog::onResult);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &CommandDialog::confirm);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_force, &QCheckBox::toggled, this, &CommandDialog::askDryRun);

    switch (kind) {
    case Kind::Promote:
    case Kind::Switchover:
    case Kind::CreateShadow:
    case Kind::SwapShadow:
    case Kind::PromoteShadow:
    case Kind::RetireShadow:
        askDryRun();
        break;
    case Kind::UpdateShadow:
        m_plan->setText(tr("Write the changes, then check them with the engine before confirming."));
        break;
    case Kind::MaintenanceOn:
        m_plan->setText(tr("%1 will never be promoted and will get no new replica roles until maintenance ends. "
                           "Replicas it holds keep replicating.")
                            .arg(agent));
        m_confirm->setEnabled(true);
        break;
    case Kind::MaintenanceOff:
        m_plan->setText(tr("%1 may be promoted and given replica roles again.").arg(agent));
        m_confirm->setEnabled(true);
        break;
    case Kind::Acknowledge:
        m_plan->setText(tr("The last failover of %1 is acknowledged: the anti-flapping block ends and the engine "
                           "may fail %1 over automatically again.")
                            .arg(app));
        m_confirm->setEnabled(true);
        break;
    }
    if (m_confirm->isEnabled())
        QMetaObject::invokeMethod(this, &CommandDialog::planReady, Qt::QueuedConnection);
}

QString CommandDialog::planText() const
{
    return m_plan->text();
}

void CommandDialog::setProcessText(const QString &json)
{
    if (m_process)
        m_process->setPlainText(json);
}

QString CommandDialog::processText() const
{
    return m_process ? m_process->toPlainText() : QString();
}

Result<QJsonObject> CommandDialog::processChanges() const
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(processText().toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return fail(ErrorCode::InvalidArgument,
                    tr("The changes are not JSON: %1 at character %2.").arg(error.errorString()).arg(error.offset));
    if (!document.isObject() || document.object().isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    tr("The changes must be a JSON object with at least one key of the process, such as "
                       "{\"arguments\": [\"--release\", \"2\"]}."));
    return document.object();
}

QString CommandDialog::resultText() const
{
    return m_result->text();
}

bool CommandDialog::canConfirm() const
{
    return m_confirm->isEnabled();
}

void CommandDialog::askDryRun()
{
    // Maintenance and acknowledge have no dry run: sending them would carry them out.
    if (m_kind == Kind::MaintenanceOn || m_kind == Kind::MaintenanceOff || m_kind == Kind::Acknowledge)
        return;
    m_confirm->setEnabled(false);
    if (m_kind == Kind::UpdateShadow) {
        if (auto changes = processChanges(); !changes) {
            m_plan->setText(changes.error().message);
            Q_EMIT planReady();
            return;
        }
    }
    m_plan->setText(tr("Asking the engine what would happen…"));
    m_dryRunId = send(true);
}

quint64 CommandDialog::send(bool dryRun)
{
    const bool force = m_force->isChecked();
    const failover::ShadowRequest shadow{m_app, m_agent, force, dryRun, {}};
    switch (m_kind) {
    case Kind::Promote:
        return m_bridge->promote(failover::PromoteRequest{m_app, m_agent, force, dryRun, {}});
    case Kind::Switchover:
        return m_bridge->switchover(failover::SwitchoverRequest{m_app, m_agent, dryRun, 0, {}});
    case Kind::MaintenanceOn:
    case Kind::MaintenanceOff:
        return m_bridge->setMaintenance(m_agent, m_kind == Kind::MaintenanceOn);
    case Kind::Acknowledge:
        return m_bridge->acknowledge(m_app);
    case Kind::CreateShadow:
        return m_bridge->createShadow(shadow);
    case Kind::SwapShadow:
        return m_bridge->swapShadow(shadow);
    case Kind::PromoteShadow:
        return m_bridge->promoteShadow(shadow);
    case Kind::RetireShadow:
        return m_bridge->retireShadow(shadow);
    case Kind::UpdateShadow:
        if (auto changes = processChanges())
            return m_bridge->updateShadow(failover::ShadowUpdateRequest{m_app, m_agent, *changes, dryRun, {}});
        return 0; // askDryRun() checks the text first, and confirming needs a plan of it
    }
    return 0;
}

QString CommandDialog::describePlan(const CommandResult &result) const
{
    QStringList lines{result.summary};
    const QJsonObject candidate = result.details.value(QStringLiteral("candidate")).toObject();
    if (!candidate.isEmpty())
        lines << tr("Candidate %1 (rank %2): %3")
                     .arg(candidate.value(QStringLiteral("agent")).toString())
                     .arg(candidate.value(QStringLiteral("rank")).toInt())
                     .arg(termsText(candidate));
    if (result.details.contains(QStringLiteral("seqs-behind"))) {
        const qint64 behind = result.details.value(QStringLiteral("seqs-behind")).toInteger();
        lines << (behind > 0 ? tr("Data at risk: %1 writes the candidate does not hold would be lost.").arg(behind)
                             : tr("Data at risk: none; the candidate holds every acknowledged write."));
    }
    const QString staleness = stalenessSentence(result);
    if (!staleness.isEmpty())
        lines << staleness;
    return lines.join(QLatin1Char('\n'));
}

QString CommandDialog::stalenessSentence(const CommandResult &result) const
{
    StalenessSummary::Action action = StalenessSummary::Action::Promote;
    switch (m_kind) {
    case Kind::Promote:
    case Kind::PromoteShadow:
        break;
    case Kind::Switchover:
    case Kind::SwapShadow:
        action = StalenessSummary::Action::Switchover;
        break;
    default:
        return {};
    }
    const auto snapshot = m_bridge->snapshot();
    const failover::AppView *app = snapshot ? snapshot->app(m_app) : nullptr;
    if (!app)
        return {};
    // The replica the command would act on: the engine's choice in its dry run (a promote's
    // candidate, a switchover's target), else the one asked for, else the application's shadow.
    QString target
        = result.details.value(QStringLiteral("candidate")).toObject().value(QStringLiteral("agent")).toString();
    if (target.isEmpty())
        target = result.details.value(QStringLiteral("target")).toString();
    if (target.isEmpty())
        target = m_agent;
    if (target.isEmpty() && (m_kind == Kind::SwapShadow || m_kind == Kind::PromoteShadow) && app->shadow)
        target = app->shadow->agent;
    return StalenessSummary::sentence(*app, target, action);
}

void CommandDialog::onResult(const CommandResult &result)
{
    if (result.id == m_dryRunId) {
        m_dryRunId = 0;
        if (result.ok) {
            m_plan->setText(describePlan(result));
            m_confirm->setEnabled(true);
        } else {
            // What the replica lacks helps decide whether to force, wait or pick another.
            const QString staleness = stalenessSentence(result);
            m_plan->setText(staleness.isEmpty() ? tr("Refused: %1").arg(result.summary)
                                                : tr("Refused: %1").arg(result.summary) + u'\n' + staleness);
            // A lagging candidate may still be promoted, knowingly.
            if ((m_kind == Kind::Promote || m_kind == Kind::PromoteShadow)
                && result.summary.contains(QStringLiteral("force")))
                m_force->show();
        }
        Q_EMIT planReady();
        return;
    }
    if (result.id != m_commandId)
        return;
    m_commandId = 0;
    m_finished = true;
    m_result->setText(result.ok ? tr("Done: %1").arg(result.summary) : tr("Failed: %1").arg(result.summary));
    m_result->setStyleSheet(result.ok ? QString()
                                      : QStringLiteral("color: %1;").arg(stateColor(StateColor::Critical).name()));
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("&Close"));
    Q_EMIT commandDone(result.ok);
}

void CommandDialog::confirm()
{
    if (!m_confirm->isEnabled())
        return;
    m_confirm->setEnabled(false);
    m_force->setEnabled(false);
    if (m_process) {
        m_process->setReadOnly(true);
        m_check->setEnabled(false);
    }
    m_result->setText(m_kind == Kind::SwapShadow     ? tr("Swapping: waiting for the engine to finish the swap…")
                      : m_kind == Kind::UpdateShadow ? tr("Updating: the new version starts on the shadow, its "
                                                          "validation runs, then the swap (this can take minutes); "
                                                          "the Shadows panel shows each step…")
                                                     : tr("Waiting for the engine…"));
    m_commandId = send(false);
}

} // namespace foresight::widgets
