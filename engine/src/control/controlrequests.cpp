// Checking console control commands and describing their outcomes (see controlrequests.h).

#include "control/controlrequests.h"

#include <QDateTime>
#include <QStringList>

#include "control/snapshotcbor.h"

namespace foresight::control {

using protocol::MessageType;

namespace {

// A switchover's at-ms this far in the past is taken as a mistake, not as "now".
constexpr qint64 kPastToleranceMs = 60'000;

QString wallTime(qint64 wallMs)
{
    return QDateTime::fromMSecsSinceEpoch(wallMs).toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

QString describeBool(bool on)
{
    return on ? QStringLiteral("on") : QStringLiteral("off");
}

// " to bravo", or nothing when the engine picks the agent.
QString toAgent(const QString &agent)
{
    return agent.isEmpty() ? QString() : QStringLiteral(" to %1").arg(agent);
}

// A promote's or switchover's application (required) and target agent (empty: the engine picks).
struct Target
{
    QString app;
    QString agent;
};

Result<Target> targetOf(const QCborMap &body)
{
    auto app = nameField(body, "app", true);
    if (!app)
        return std::unexpected(app.error());
    auto agent = nameField(body, "agent", false);
    if (!agent)
        return std::unexpected(agent.error());
    return Target{*app, *agent};
}

Result<Command> promote(const QCborMap &body, const QString &actor)
{
    auto target = targetOf(body);
    if (!target)
        return std::unexpected(target.error());
    const QString &app = target->app;
    const QString &agent = target->agent;
    failover::PromoteRequest request;
    request.app = app;
    request.agent = agent;
    request.force = body.value(QStringLiteral("force")).toBool(false);
    request.dryRun = body.value(QStringLiteral("dry-run")).toBool(false);
    request.actor = actor;
    const QString what = QStringLiteral("promote %1%2%3")
                             .arg(app, toAgent(agent), request.force ? QStringLiteral(" (forced)") : QString());
    return Command{request, what, app, agent, actor, request.dryRun};
}

Result<Command> switchover(const QCborMap &body, const QString &actor, qint64 nowWallMs)
{
    auto target = targetOf(body);
    if (!target)
        return std::unexpected(target.error());
    const QString &app = target->app;
    const QString &agent = target->agent;
    failover::SwitchoverRequest request;
    request.app = app;
    request.agent = agent;
    request.dryRun = body.value(QStringLiteral("dry-run")).toBool(false);
    request.atWallMs = body.value(QStringLiteral("at-ms")).toInteger(0);
    request.actor = actor;
    if (request.atWallMs > 0 && request.atWallMs < nowWallMs - kPastToleranceMs)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'at-ms' %1 (%2) is in the past")
                        .arg(request.atWallMs)
                        .arg(wallTime(request.atWallMs)));
    const QString what = QStringLiteral("switchover %1%2%3")
                             .arg(app,
                                  toAgent(agent),
                                  request.atWallMs > 0 ? QStringLiteral(" at %1").arg(wallTime(request.atWallMs))
                                                       : QString());
    return Command{request, what, app, agent, actor, request.dryRun};
}

Result<Command> maintenance(const QCborMap &body, const QString &actor)
{
    auto agent = nameField(body, "agent", true);
    if (!agent)
        return std::unexpected(agent.error());
    const bool on = body.value(QStringLiteral("on")).toBool();
    return Command{MaintenanceRequest{*agent, on},
                   QStringLiteral("maintenance %1 %2").arg(*agent, describeBool(on)),
                   {},
                   *agent,
                   actor};
}

Result<Command> acknowledge(const QCborMap &body, const QString &actor)
{
    auto app = nameField(body, "app", true);
    if (!app)
        return std::unexpected(app.error());
    return Command{AcknowledgeRequest{*app}, QStringLiteral("acknowledge %1").arg(*app), *app, {}, actor};
}

Command fault(const QCborMap &body, const QString &actor)
{
    // The fields' kinds were checked by the schema; what they mean is the fault handler's to check.
    FaultRequest request;
    request.fault = body.value(QStringLiteral("fault")).toString();
    request.target = body.value(QStringLiteral("target")).toString();
    request.peer = body.value(QStringLiteral("peer")).toString();
    request.how = body.value(QStringLiteral("how")).toString();
    request.forMs = body.value(QStringLiteral("for-ms")).toInteger(0);
    request.actor = actor;
    QStringList words{QStringLiteral("fault"), request.fault, request.target, request.peer, request.how};
    words.removeAll(QString());
    return Command{request, words.join(QLatin1Char(' ')), {}, request.target, actor, false, QStringLiteral("fault")};
}

Result<Command> shadow(const QCborMap &body, const QString &actor)
{
    const QString actionName = body.value(QStringLiteral("action")).toString();
    const auto action = shadowActionFromName(actionName);
    if (!action)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'action' must be create, swap, promote, retire or update, not '%1'").arg(actionName));
    auto target = targetOf(body);
    if (!target)
        return std::unexpected(target.error());
    ShadowCommand command;
    command.action = *action;
    command.request.app = target->app;
    command.request.agent = target->agent;
    command.request.force = body.value(QStringLiteral("force")).toBool(false);
    command.request.dryRun = body.value(QStringLiteral("dry-run")).toBool(false);
    command.request.actor = actor;
    if (body.contains(QStringLiteral("force")) && *action != ShadowAction::Promote)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'force' goes with the action promote only, not %1").arg(actionName));
    const QCborValue process = body.value(QStringLiteral("process"));
    if (*action == ShadowAction::Update) {
        command.process = process.toMap().toJsonObject();
        if (command.process.isEmpty())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'process' (a map of the config.process keys that change) is required with "
                                       "the action update"));
    } else if (body.contains(QStringLiteral("process"))) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'process' goes with the action update only, not %1").arg(actionName));
    }
    // "shadow create shop on delta", "shadow promote shop (forced)": how refusals are audited.
    QString what = QStringLiteral("shadow %1 %2").arg(actionName, target->app);
    if (!target->agent.isEmpty())
        what += (*action == ShadowAction::Create ? QStringLiteral(" on %1") : QStringLiteral(" (%1)")).arg(target->agent);
    if (command.request.force)
        what += QStringLiteral(" (forced)");
    return Command{command, what, target->app, target->agent, actor, command.request.dryRun};
}

storage::JournalEntry entry(
    const Command &command, const QString &agent, const QString &message, QJsonObject details, const QString &kind)
{
    storage::JournalEntry result;
    result.kind = kind;
    result.app = command.app;
    result.agent = agent;
    result.actor = command.actor;
    result.message = message;
    result.details = std::move(details);
    return result;
}

} // namespace

QString shadowActionName(ShadowAction action)
{
    switch (action) {
    case ShadowAction::Create:
        return QStringLiteral("create");
    case ShadowAction::Swap:
        return QStringLiteral("swap");
    case ShadowAction::Promote:
        return QStringLiteral("promote");
    case ShadowAction::Retire:
        return QStringLiteral("retire");
    case ShadowAction::Update:
        return QStringLiteral("update");
    }
    return QString();
}

std::optional<ShadowAction> shadowActionFromName(const QString &name)
{
    for (ShadowAction action :
         {ShadowAction::Create, ShadowAction::Swap, ShadowAction::Promote, ShadowAction::Retire, ShadowAction::Update}) {
        if (shadowActionName(action) == name)
            return action;
    }
    return std::nullopt;
}

Result<QString> nameField(const QCborMap &body, const char *field, bool required)
{
    const QCborValue value = body.value(QLatin1String(field));
    if (value.isUndefined() && !required)
        return QString();
    const QString text = value.toString();
    if (text.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'%1' must not be empty").arg(QLatin1String(field)));
    return text;
}

Result<int> limitField(const QCborMap &body, int defaultLimit)
{
    const QCborValue value = body.value(QStringLiteral("limit"));
    if (value.isUndefined())
        return defaultLimit;
    if (value.toInteger() < 1 || value.toInteger() > kMaxLimit)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'limit' must be between 1 and %1, got %2").arg(kMaxLimit).arg(value.toInteger()));
    return int(value.toInteger());
}

qint64 readableId(const QByteArray &body)
{
    const QCborValue value = QCborValue::fromCbor(body);
    const QCborValue id = value.isMap() ? value.toMap().value(QStringLiteral("id")) : QCborValue();
    return id.isInteger() && id.toInteger() >= 0 ? id.toInteger() : -1;
}

bool isCommand(MessageType type)
{
    return type == MessageType::ConsolePromote || type == MessageType::ConsoleSwitchover
           || type == MessageType::ConsoleMaintenance || type == MessageType::ConsoleAcknowledge
           || type == MessageType::ConsoleFault || type == MessageType::ConsoleShadow;
}

Result<Command> parseCommand(MessageType type, const QCborMap &body, const QString &actor, qint64 nowWallMs)
{
    switch (type) {
    case MessageType::ConsolePromote:
        return promote(body, actor);
    case MessageType::ConsoleSwitchover:
        return switchover(body, actor, nowWallMs);
    case MessageType::ConsoleMaintenance:
        return maintenance(body, actor);
    case MessageType::ConsoleAcknowledge:
        return acknowledge(body, actor);
    case MessageType::ConsoleFault:
        return fault(body, actor);
    case MessageType::ConsoleShadow:
        return shadow(body, actor);
    default:
        return fail(ErrorCode::ProtocolError,
                    QStringLiteral("%1 is not a console command").arg(protocol::messageTypeName(type)));
    }
}

std::optional<storage::JournalEntry> auditEntry(const Command &command, const Result<failover::OperatorOutcome> &outcome)
{
    const QString operatorKind = QStringLiteral("operator");
    if (!outcome) {
        return entry(command,
                     command.agent,
                     QStringLiteral("%1%2 refused: %3")
                         .arg(command.what,
                              command.dryRun ? QStringLiteral(" (dry run)") : QString(),
                              outcome.error().message),
                     QJsonObject{{QStringLiteral("error-code"), errorCodeName(outcome.error().code)}},
                     operatorKind);
    }
    if (command.dryRun)
        return entry(command, command.agent, outcome->summary, outcome->details, operatorKind);
    if (!command.journalKind.isEmpty()) // with the agent a role resolved to, when the outcome names it
        return entry(command,
                     outcome->details.value(QStringLiteral("agent")).toString(command.agent),
                     outcome->summary,
                     outcome->details,
                     command.journalKind);
    return std::nullopt;
}

QCborMap outcomeReply(const failover::OperatorOutcome &outcome, const QString &actor)
{
    return QCborMap{{QStringLiteral("summary"), outcome.summary},
                    {QStringLiteral("details"), jsonToCbor(outcome.details)},
                    {QStringLiteral("actor"), actor}};
}

} // namespace foresight::control
