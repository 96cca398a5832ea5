// Validated updates (docs/managed-apps.md), carried out on the engine thread. An update is a new
// version of an application's process. It starts on the shadow first: the shadow's assign carries
// the new process, so its agent restarts the passive instance as that version on the state the
// shadow holds; the agent then runs the application's validation command against it (`validate`,
// docs/protocol.md 9.13). Only a pass swaps the shadow in, through the switchover, which rolls
// back on any failure. After the swap the former primary, still running the version before,
// becomes the shadow: a swap onto it rolls the update back. A failing validation, or a failed
// swap, puts the current version back on the shadow and says why in the journal and the views.

#include <QCborArray>

#include "failover/engineimpl.h"
#include "foresight/core/logging.h"

namespace foresight::failover {

using protocol::MessageType;

namespace {
constexpr int kReadyTimeoutMs = 30'000;  // the updated instance must run (and be healthy) by then
constexpr int kAnswerMarginMs = 5000;    // beyond the agent's own time-outs, for the answer to arrive
constexpr int kSwappableWaitMs = 10'000; // after a pass, for the shadow to be measured and caught up

QJsonObject merged(QJsonObject base, const QJsonObject &changes)
{
    for (auto it = changes.begin(); it != changes.end(); ++it)
        base.insert(it.key(), it.value());
    return base;
}
} // namespace

QJsonObject shadowUpdateJson(const ShadowUpdateView &update)
{
    QJsonObject json{{QStringLiteral("state"), update.state},
                     {QStringLiteral("agent"), update.agent},
                     {QStringLiteral("command"), update.command},
                     {QStringLiteral("actor"), update.actor},
                     {QStringLiteral("started-ms"), update.startedWallMs},
                     {QStringLiteral("ended-ms"), update.endedWallMs},
                     {QStringLiteral("result"), update.result},
                     {QStringLiteral("output"), update.output},
                     {QStringLiteral("output-truncated"), update.outputTruncated},
                     {QStringLiteral("note"), update.note}};
    if (update.exitCode)
        json.insert(QStringLiteral("exit-code"), *update.exitCode);
    return json;
}

void ClusterEngine::Impl::doUpdateShadow(const ShadowUpdateRequest &request,
                                         std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise)
{
    const auto refuse = [&](ErrorCode code, const QString &why) { promise->set_value(fail(code, why)); };
    const auto found = m_apps.find(request.app);
    if (found == m_apps.end())
        return refuse(ErrorCode::NotFound,
                      QStringLiteral("no application named '%1' in the cluster configuration").arg(request.app));
    AppRuntime &app = found->second;
    const ProcessSpec &current = app.config.config.process;
    if (!current.isSet())
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("'%1' runs no process: an update is a new version of its process "
                                     "(apps[].config.process, docs/managed-apps.md)")
                          .arg(request.app));
    if (!app.shadow)
        return refuse(ErrorCode::NotFound,
                      QStringLiteral("'%1' has no shadow to try the update on; create one first (foresightctl "
                                     "shadow create %1)")
                          .arg(request.app));
    AppRuntime::Shadow &shadow = *app.shadow;
    if (!request.agent.isEmpty() && request.agent != shadow.agent)
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("'%1''s shadow is on %2, not %3").arg(request.app, shadow.agent, request.agent));
    if (app.update)
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("an update of '%1' is already under way on %2").arg(request.app, app.update->agent));
    if (shadow.swapping || app.switchover)
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("a switchover of '%1' is under way; update once it has ended").arg(request.app));
    if (request.process.isEmpty())
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("process: give the keys of config.process that change (command, arguments, "
                                     "environment, ...)"));
    auto next = ProcessSpec::fromJson(merged(current.toJson(), request.process), QStringLiteral("process"));
    if (!next)
        return refuse(next.error().code, next.error().message);
    if (*next == current)
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("process: the update changes nothing; '%1' already runs %2")
                          .arg(request.app, current.commandLine()));
    if (next->validateCommand.isEmpty())
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("process.validateCommand: '%1' has none, and an update is swapped in only "
                                     "once its validation passes")
                          .arg(request.app));
    const qint64 maxLag = app.config.swapMaxLag();
    if (!shadow.discrepancy.swappable(maxLag))
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("the shadow on %1 is %2; an update starts on a ready shadow (at most %3 writes "
                                     "behind, digest agreeing)")
                          .arg(shadow.agent, shadow.discrepancy.describe())
                          .arg(maxLag));
    const QString plan = QStringLiteral("restart the shadow's passive instance on %1 as %2, run %3 against it, and "
                                        "swap it in only if that exits 0 within %4 s; %5 keeps running %6 and "
                                        "becomes the shadow, ready to roll back")
                             .arg(shadow.agent, next->commandLine(), next->validateCommand.join(u' '))
                             .arg(next->validateTimeoutMs / 1000)
                             .arg(app.primary, current.commandLine());
    if (request.dryRun) {
        OperatorOutcome outcome;
        outcome.summary = QStringLiteral("dry run: would %1").arg(plan);
        outcome.details = QJsonObject{{QStringLiteral("app"), request.app},
                                      {QStringLiteral("shadow"), shadow.agent},
                                      {QStringLiteral("primary"), app.primary},
                                      {QStringLiteral("from"), current.toJson()},
                                      {QStringLiteral("to"), next->toJson()},
                                      {QStringLiteral("dry-run"), true}};
        promise->set_value(outcome);
        return;
    }

    AppRuntime::Update update;
    update.id = m_nextUpdateId++;
    update.agent = shadow.agent;
    update.primary = app.primary;
    update.from = current;
    update.to = *next;
    update.actor = request.actor;
    update.promise = std::move(promise);
    ShadowUpdateView view;
    view.state = QStringLiteral("validating");
    view.agent = shadow.agent;
    view.command = next->commandLine();
    view.actor = request.actor;
    view.startedWallMs = wallNow();
    app.lastUpdate = view;
    shadow.process = *next; // first, so that the assign carries it (sendAssign)
    app.update = std::move(update);
    journal(QStringLiteral("update"),
            app.config.name,
            shadow.agent,
            QStringLiteral("update of '%1' started on the shadow on %2: %3").arg(app.config.name, shadow.agent, plan),
            QJsonObject{{QStringLiteral("from"), current.toJson()}, {QStringLiteral("to"), next->toJson()}},
            request.actor);
    if (auto sent = sendAssign(shadow.agent, app, Role::Replica, Tier::Hot); !sent)
        return failUpdate(app,
                          QStringLiteral("the shadow could not be sent the new version: %1").arg(sent.error().message));
    const QCborMap body{{QStringLiteral("app"), app.config.name},
                        {QStringLiteral("ready-timeout-ms"), kReadyTimeoutMs},
                        {QStringLiteral("timeout-ms"), next->validateTimeoutMs},
                        {QStringLiteral("process"), QCborMap::fromJsonObject(next->toJson())}};
    const QString appName = app.config.name;
    const std::uint64_t id = app.update->id;
    // Sent after the assign on the same connection: the agent handles them in order, so it
    // validates the instance the assign asked for, waiting until that one runs.
    if (auto sent = this->request(shadow.agent,
                                  MessageType::Validate,
                                  body,
                                  kReadyTimeoutMs + next->validateTimeoutMs + kAnswerMarginMs,
                                  [this, appName, id](Result<QCborMap> answer) {
                                      onValidated(appName, id, std::move(answer));
                                  });
        !sent)
        failUpdate(app, QStringLiteral("the validation could not be asked for: %1").arg(sent.error().message));
}

void ClusterEngine::Impl::onValidated(const QString &appName, std::uint64_t id, Result<QCborMap> answer)
{
    AppRuntime &app = m_apps.at(appName);
    if (!app.update || app.update->id != id || app.update->swapping)
        return;
    AppRuntime::Update &update = *app.update;
    if (!answer)
        return failUpdate(app,
                          QStringLiteral("the validation on %1 did not run: %2")
                              .arg(update.agent, answer.error().message));
    ShadowUpdateView &view = *app.lastUpdate;
    view.result = answer->value(QStringLiteral("result")).toString();
    if (answer->value(QStringLiteral("exit-code")).isInteger())
        view.exitCode = int(answer->value(QStringLiteral("exit-code")).toInteger());
    view.output = answer->value(QStringLiteral("output")).toString();
    view.outputTruncated = answer->value(QStringLiteral("truncated")).toBool();
    update.validation = QJsonObject{{QStringLiteral("command"), answer->value(QStringLiteral("command")).toString()},
                                    {QStringLiteral("result"), view.result},
                                    {QStringLiteral("passed"), answer->value(QStringLiteral("passed")).toBool()},
                                    {QStringLiteral("ran-ms"), answer->value(QStringLiteral("ran-ms")).toInteger()},
                                    {QStringLiteral("output"), view.output},
                                    {QStringLiteral("truncated"), view.outputTruncated}};
    if (view.exitCode)
        update.validation.insert(QStringLiteral("exit-code"), *view.exitCode);
    if (!answer->value(QStringLiteral("passed")).toBool())
        return failUpdate(app, QStringLiteral("validation failed on %1: %2").arg(update.agent, view.result));
    journal(QStringLiteral("update"),
            appName,
            update.agent,
            QStringLiteral("validation passed on %1 (%2 in %3 ms): swapping the updated shadow in")
                .arg(update.agent, view.result)
                .arg(answer->value(QStringLiteral("ran-ms")).toInteger()),
            update.validation,
            update.actor);
    update.validatedMs = now();
    swapValidatedUpdate(app);
}

void ClusterEngine::Impl::swapValidatedUpdate(AppRuntime &app)
{
    AppRuntime::Update &update = *app.update;
    if (!isShadow(app, update.agent) || app.primary != update.primary)
        return failUpdate(app,
                          QStringLiteral("the validation passed, but the shadow or the primary changed meanwhile "
                                         "(primary %1, shadow %2)")
                              .arg(app.primary, app.shadow ? app.shadow->agent : QStringLiteral("none")));
    const qint64 maxLag = app.config.swapMaxLag();
    if (app.switchover || !app.shadow->discrepancy.swappable(maxLag)) {
        if (now() - update.validatedMs < kSwappableWaitMs)
            return; // tendUpdates() asks again
        return failUpdate(app,
                          QStringLiteral("the validation passed, but the shadow could not be swapped in within %1 s: "
                                         "%2")
                              .arg(kSwappableWaitMs / 1000)
                              .arg(app.switchover ? QStringLiteral("a switchover is under way")
                                                  : app.shadow->discrepancy.describe()));
    }
    if (auto target = switchoverTarget(app, update.agent); !target)
        return failUpdate(app, QStringLiteral("the validation passed, but %1").arg(target.error().message));
    ShadowUpdateView &view = *app.lastUpdate;
    view.state = QStringLiteral("swapping");
    update.swapping = true;
    auto swapped = std::make_shared<std::promise<Result<OperatorOutcome>>>();
    update.swap = swapped->get_future();
    startShadowSwap(app,
                    QStringLiteral("validated update to %1 (requested by %2)").arg(view.command, update.actor),
                    update.actor,
                    std::move(swapped));
}

void ClusterEngine::Impl::tendUpdates()
{
    for (auto &[name, app] : m_apps) {
        if (app.update && !app.update->swapping && app.update->validatedMs >= 0) {
            swapValidatedUpdate(app);
            continue;
        }
        if (!app.update || !app.update->swapping
            || app.update->swap.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
            continue;
        AppRuntime::Update update = std::move(*app.update);
        Result<OperatorOutcome> swapped = update.swap.get();
        if (!swapped) {
            app.update = std::move(update);
            app.update->swapping = false;
            failUpdate(app,
                       QStringLiteral("the swap failed and %1 stayed primary: %2")
                           .arg(app.primary, swapped.error().message));
            continue;
        }
        app.update.reset();
        ShadowUpdateView &view = *app.lastUpdate;
        view.state = QStringLiteral("swapped-in");
        view.endedWallMs = wallNow();
        view.note = QStringLiteral("%1 runs %2 as primary; %3 keeps %4 ready as the shadow (swap onto it to roll back)")
                        .arg(update.agent, update.to.commandLine(), update.primary, update.from.commandLine());
        journal(QStringLiteral("update"),
                name,
                update.agent,
                QStringLiteral("update swapped in: %1").arg(view.note),
                {},
                update.actor);
        OperatorOutcome outcome;
        outcome.summary = QStringLiteral("'%1' updated: %2; %3").arg(name, view.note, swapped->summary);
        outcome.details = swapped->details;
        outcome.details.insert(QStringLiteral("validation"), update.validation);
        outcome.details.insert(QStringLiteral("from"), update.from.toJson());
        outcome.details.insert(QStringLiteral("to"), update.to.toJson());
        update.promise->set_value(outcome);
    }
}

void ClusterEngine::Impl::failUpdate(AppRuntime &app, const QString &why)
{
    AppRuntime::Update update = std::move(*app.update);
    app.update.reset();
    ShadowUpdateView &view = *app.lastUpdate;
    view.state = QStringLiteral("failed");
    view.endedWallMs = wallNow();
    // The update is discarded: the shadow goes back to the version the primary runs.
    const bool restore = isShadow(app, update.agent) && app.shadow->process && *app.shadow->process == update.to;
    if (restore) {
        app.shadow->process.reset();
        (void) sendAssign(update.agent, app, Role::Replica, Tier::Hot);
    }
    view.note = QStringLiteral("discarded: %1; %2 stays primary running %3%4")
                    .arg(why, app.primary, update.from.commandLine())
                    .arg(restore ? QStringLiteral(", and the shadow on %1 goes back to it").arg(update.agent)
                                 : QString());
    QJsonObject details = update.validation;
    details.insert(QStringLiteral("to"), update.to.toJson());
    journal(QStringLiteral("update"),
            app.config.name,
            update.agent,
            QStringLiteral("update %1").arg(view.note),
            details,
            update.actor);
    update.promise->set_value(
        fail(ErrorCode::InvalidArgument,
             QStringLiteral("update of '%1' %2%3")
                 .arg(app.config.name, view.note)
                 .arg(view.output.isEmpty()
                          ? QString()
                          : QStringLiteral("\nvalidation output (end):\n%1").arg(view.output.right(2000)))));
}

void ClusterEngine::Impl::adoptShadowVersion(AppRuntime &app, const QString &target, const QString &former)
{
    if (!isShadow(app, target) || !app.shadow->process || *app.shadow->process == app.config.config.process)
        return;
    const ProcessSpec previous = app.config.config.process;
    const AppRuntime::Shadow promoted = *app.shadow;
    setAppProcess(app, *promoted.process);
    AppRuntime::Shadow kept;
    kept.agent = former;
    kept.origin = shadow::ShadowOrigin::Update;
    kept.reason = QStringLiteral("it runs the version before %1 took over with %2: a swap onto it rolls back")
                      .arg(target, promoted.process->commandLine());
    kept.actor = promoted.actor;
    kept.createdWallMs = wallNow();
    kept.createdMs = now();
    kept.priorTier = promoted.priorTier; // the copy count stays as it was: one shadow beyond the tiers
    kept.process = previous;
    app.shadow = kept;
    journal(QStringLiteral("shadow"),
            app.config.name,
            former,
            QStringLiteral("'%1' now runs %2 (the shadow on %3 swapped in); %4 keeps %5 ready as the shadow")
                .arg(app.config.name, promoted.process->commandLine(), target, former, previous.commandLine()),
            QJsonObject{{QStringLiteral("from"), previous.toJson()}, {QStringLiteral("to"), promoted.process->toJson()}},
            promoted.actor);
}

void ClusterEngine::Impl::setAppProcess(AppRuntime &app, const ProcessSpec &process)
{
    app.config.config.process = process;
    for (config::ClusterApp &configured : m_options.config.apps) {
        if (configured.name == app.config.name)
            configured.config.process = process;
    }
    if (!m_store)
        return;
    // The console's next start deploys this version (the configuration is kept in the store).
    m_store->post([config = m_options.config](storage::ConsoleStore &store) {
        if (auto ok = store.saveConfig(config); !ok)
            qCWarning(lcFailover).noquote() << "cannot save the application's new process:" << ok.error().toString();
    });
}

} // namespace foresight::failover
