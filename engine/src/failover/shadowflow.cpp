// Shadows, carried out on the engine thread. shadow::planShadows() decides, once per tick for the
// whole cluster; this file measures each shadow's discrepancy, assigns the shadow's hot copy,
// swaps the primary onto it (through the switchover, which rolls back on any failure), and retires
// it. A shadow is a hot copy beyond the configured tiers: the tier logic does not count it, and
// on the primary's failure the candidate ranking prefers it.

#include <QCborArray>

#include "failover/engineimpl.h"
#include "foresight/core/logging.h"

namespace foresight::failover {

using protocol::MessageType;

namespace {
constexpr int kShadowTickMs = 50;
constexpr int kHistoryIntervalMs = 1000;
constexpr qsizetype kHistoryLength = 300;   // five minutes at one figure a second
constexpr int kReplicationStartMs = 30'000; // a shadow not replicating by then is retired
constexpr qint64 kStoreFlushMs = 5000;      // the discrepancy history goes to the store in batches
constexpr qint64 kStorePruneEveryMs = 3'600'000;
constexpr qint64 kStoreRetentionMs = 7LL * 24 * 3'600'000;

QString riskFigure(double risk)
{
    return QString::number(risk, 'f', 2);
}
} // namespace

void ClusterEngine::Impl::tendShadows()
{
    if (now() - m_lastShadowTickMs < kShadowTickMs)
        return;
    m_lastShadowTickMs = now();
    for (const auto &[name, agent] : m_agents) {
        HeldRisk &held = m_heldRisk[name];
        const double risk = failureRisk(name);
        if (risk >= held.risk || now() - held.atMs > m_options.config.prediction.horizonMs)
            held = {risk, now()};
        if (reachable(name) && !agent.config.maintenance)
            m_unavailableSinceMs.erase(name);
        else
            m_unavailableSinceMs.try_emplace(name, now());
    }
    for (auto &[name, app] : m_apps)
        trackShadow(app);
    tendUpdates();
    flushShadowHistory(false);
    const QList<shadow::ShadowAction> actions
        = shadow::planShadows(shadowAppFacts(), shadowAgentFacts(), m_options.config.shadows, now());
    for (const shadow::ShadowAction &action : actions) {
        AppRuntime &app = m_apps.at(action.app);
        switch (action.kind) {
        case shadow::ShadowAction::Kind::Deploy:
            (void) deployShadow(app,
                                action.agent,
                                action.priorTier,
                                shadow::ShadowOrigin::Predicted,
                                action.why,
                                QStringLiteral("engine"));
            break;
        case shadow::ShadowAction::Kind::Retire:
            retireShadow(app, action.why, QStringLiteral("engine"));
            break;
        case shadow::ShadowAction::Kind::Swap:
            app.shadow->swapTried = true;
            startShadowSwap(app, action.why, QStringLiteral("engine"), nullptr);
            break;
        }
    }
}

void ClusterEngine::Impl::trackShadow(AppRuntime &app)
{
    const double risk = app.primary.isEmpty() ? 0 : heldRisk(app.primary);
    if (app.primary.isEmpty() || risk >= m_options.config.shadows.deployRisk)
        app.calmSinceMs = -1;
    else if (app.calmSinceMs < 0)
        app.calmSinceMs = now();
    if (!app.shadow)
        return;
    AppRuntime::Shadow &shadow = *app.shadow;
    if (app.primary == shadow.agent) {
        // Promoted: by a swap, an operator's promote, or the failover it was deployed for.
        journal(QStringLiteral("shadow"),
                app.config.name,
                shadow.agent,
                QStringLiteral("the shadow on %1 is now the primary (epoch %2)%3")
                    .arg(shadow.agent)
                    .arg(app.epoch)
                    .arg(shadow.swapping ? QStringLiteral(": swap complete") : QString()),
                QJsonObject{{QStringLiteral("origin"), shadow::shadowOriginName(shadow.origin)},
                            {QStringLiteral("swap"), shadow.swapping}});
        app.shadow.reset();
        return;
    }
    if (shadow.swapping && !app.switchover) {
        shadow.swapping = false;
        shadow.lastSwap = QStringLiteral("failed: %1 stayed primary (the journal says why)").arg(app.primary);
    }

    shadow::Discrepancy discrepancy;
    discrepancy.sampledWallMs = wallNow();
    discrepancy.divergence = app.divergence.value(shadow.agent);
    // Measured only once the shadow itself reports a hot copy: the primary may list the link a
    // heartbeat before the shadow's own says it holds the application, and a swap needs both.
    const auto shadowStatus = appStatus(shadow.agent, app.config.name);
    const bool holdsHotCopy = shadowStatus && !isPrimaryStatus(*shadowStatus)
                              && shadowStatus->value(QStringLiteral("tier")).toString() == tierName(Tier::Hot);
    if (const auto primaryStatus = appStatus(app.primary, app.config.name); primaryStatus && holdsHotCopy) {
        for (const QCborValue &item : primaryStatus->value(QStringLiteral("replicas")).toArray()) {
            const QCborMap link = item.toMap();
            if (link.value(QStringLiteral("agent")).toString() != shadow.agent)
                continue;
            discrepancy.seqGap = qint64(uintField(link, "lag"));
            discrepancy.lagMs = qint64(uintField(link, "lag-ms"));
            if (link.contains(QStringLiteral("integrity-ok")))
                discrepancy.digestAgrees = link.value(QStringLiteral("integrity-ok")).toBool();
        }
    }
    if (app.integrityFailures.contains(shadow.agent))
        discrepancy.digestAgrees = false;
    shadow.discrepancy = discrepancy;
    if (now() - shadow.lastHistoryMs >= kHistoryIntervalMs) {
        shadow.lastHistoryMs = now();
        shadow.history.append(discrepancy);
        if (shadow.history.size() > kHistoryLength)
            shadow.history.removeFirst();
        m_shadowHistory.append({app.config.name,
                                shadow.agent,
                                discrepancy.sampledWallMs,
                                discrepancy.seqGap,
                                discrepancy.lagMs,
                                discrepancy.digestAgrees ? int(*discrepancy.digestAgrees) : -1,
                                discrepancy.divergence});
    }
    if (!discrepancy.known() && !shadow.retiring && !shadow.swapping && now() - shadow.createdMs > kReplicationStartMs) {
        retireShadow(app,
                     QStringLiteral("it did not start replicating from %1 within %2 s")
                         .arg(app.primary)
                         .arg(kReplicationStartMs / 1000),
                     QStringLiteral("engine"));
    }
}

void ClusterEngine::Impl::flushShadowHistory(bool force)
{
    if (!m_store)
        return;
    const std::int64_t wall = wallNow();
    if (!m_shadowHistory.isEmpty() && (force || wall - m_shadowHistoryFlushedWallMs >= kStoreFlushMs)) {
        m_shadowHistoryFlushedWallMs = wall;
        m_store->post([samples = std::exchange(m_shadowHistory, {})](storage::ConsoleStore &store) {
            if (auto status = store.appendShadowSamples(samples); !status)
                qCWarning(lcFailover).noquote() << "cannot record shadow discrepancies:" << status.error().toString();
        });
    }
    if (wall - m_shadowHistoryPrunedWallMs >= kStorePruneEveryMs) {
        m_shadowHistoryPrunedWallMs = wall;
        m_store->post([before = wall - kStoreRetentionMs](storage::ConsoleStore &store) {
            if (auto pruned = store.pruneShadowSamples(before); !pruned)
                qCWarning(lcFailover).noquote()
                    << "cannot prune the shadow discrepancy history:" << pruned.error().toString();
        });
    }
}

QList<shadow::AppFacts> ClusterEngine::Impl::shadowAppFacts() const
{
    QList<shadow::AppFacts> facts;
    for (const auto &[name, app] : m_apps) {
        if ((app.shadow && app.shadow->swapping) || app.update)
            continue; // the switchover, or the update, decides until it ends
        shadow::AppFacts fact;
        fact.app = name;
        fact.primary = app.primary;
        fact.criticality = app.config.criticality;
        fact.policy = app.config.shadow;
        fact.swapMaxLag = app.config.swapMaxLag();
        fact.settled = app.phase == AppPhase::Healthy && !app.switchover && !app.scheduledSwitchover && !app.hotMove
                       && !app.incident && reachable(app.primary);
        for (const auto &[agentName, agent] : m_agents) {
            if (agentName == app.primary)
                continue;
            const auto status = agent.apps.find(name);
            if (status != agent.apps.end() && !isPrimaryStatus(*status))
                fact.replicas.append(
                    {agentName, tierFromName(status->value(QStringLiteral("tier")).toString()).value_or(Tier::None)});
            if (const auto rtt = rttMs(app.primary, agentName))
                fact.rttMs.append({agentName, *rtt});
        }
        if (app.shadow) {
            fact.shadowAgent = app.shadow->agent;
            fact.origin = app.shadow->origin;
            fact.discrepancy = app.shadow->discrepancy;
            fact.swapTried = app.shadow->swapTried;
        }
        fact.calmSinceMs = app.calmSinceMs;
        facts.append(fact);
    }
    return facts;
}

QList<shadow::AgentFacts> ClusterEngine::Impl::shadowAgentFacts() const
{
    QList<shadow::AgentFacts> facts;
    for (const auto &[name, agent] : m_agents) {
        shadow::AgentFacts fact;
        fact.agent = name;
        fact.host = agent.config.host;
        fact.risk = heldRisk(name);
        if (agent.last)
            fact.load = qBound(0.0, agent.last->host.value(QStringLiteral("cpu-busy")).toDouble(), 1.0);
        fact.available = reachable(name) && !agent.config.maintenance;
        if (const auto since = m_unavailableSinceMs.find(name); since != m_unavailableSinceMs.end())
            fact.unavailableForMs = now() - since->second;
        for (const auto &[appName, app] : m_apps) {
            if (isShadow(app, name))
                ++fact.shadowsHeld;
        }
        facts.append(fact);
    }
    return facts;
}

Status ClusterEngine::Impl::deployShadow(AppRuntime &app,
                                         const QString &agent,
                                         Tier priorTier,
                                         shadow::ShadowOrigin origin,
                                         const QString &reason,
                                         const QString &actor)
{
    AppRuntime::Shadow shadow;
    shadow.agent = agent;
    shadow.origin = origin;
    shadow.reason = reason;
    shadow.actor = actor;
    shadow.createdWallMs = wallNow();
    shadow.createdMs = now();
    shadow.priorTier = priorTier;
    app.shadow = shadow; // first, so that the assign says "shadow" (sendAssign)
    if (auto sent = sendAssign(agent, app, Role::Replica, Tier::Hot); !sent) {
        app.shadow.reset();
        journal(QStringLiteral("shadow"),
                app.config.name,
                agent,
                QStringLiteral("could not deploy a shadow on %1: %2").arg(agent, sent.error().message),
                {},
                actor);
        return sent;
    }
    const double risk = heldRisk(app.primary);
    journal(QStringLiteral("shadow"),
            app.config.name,
            agent,
            QStringLiteral("shadow deployed on %1: %2").arg(agent, reason),
            QJsonObject{{QStringLiteral("primary"), app.primary},
                        {QStringLiteral("primary-host-risk"), risk},
                        {QStringLiteral("criticality"), config::criticalityName(app.config.criticality)},
                        {QStringLiteral("prior-tier"), tierName(priorTier)},
                        {QStringLiteral("origin"), shadow::shadowOriginName(origin)}},
            actor);
    return {};
}

void ClusterEngine::Impl::retireShadow(AppRuntime &app, const QString &why, const QString &actor)
{
    const AppRuntime::Shadow shadow = *app.shadow;
    app.shadow.reset();
    journal(QStringLiteral("shadow"),
            app.config.name,
            shadow.agent,
            QStringLiteral("shadow on %1 retired: %2%3")
                .arg(shadow.agent,
                     why,
                     shadow.priorTier == Tier::None
                         ? QString()
                         : QStringLiteral("; it goes back to being a %1 replica").arg(tierName(shadow.priorTier))),
            QJsonObject{{QStringLiteral("origin"), shadow::shadowOriginName(shadow.origin)},
                        {QStringLiteral("discrepancy"), shadow.discrepancy.toJson()}},
            actor);
    const QString appName = app.config.name;
    const QString agent = shadow.agent;
    const Tier priorTier = shadow.priorTier;
    const auto restore = [this, appName, agent, priorTier] {
        if (priorTier == Tier::None)
            (void) sendRelease(agent, appName);
        else
            (void) sendAssign(agent, m_apps.at(appName), Role::Replica, priorTier);
    };
    if (priorTier == Tier::Hot || app.primary.isEmpty() || !reachable(app.primary)) {
        restore();
        return;
    }
    // The primary lets go of the link first; it refuses while an acknowledged write would be held
    // by the shadow alone, and the copy then stays a hot replica (said in the journal).
    (void) request(app.primary,
                   MessageType::Release,
                   QCborMap{{QStringLiteral("app"), appName}, {QStringLiteral("replica"), agent}},
                   kRequestTimeoutMs,
                   [this, appName, agent, restore](Result<QCborMap> result) {
                       if (result) {
                           restore();
                           return;
                       }
                       journal(QStringLiteral("shadow"),
                               appName,
                               agent,
                               QStringLiteral("%1 keeps its copy as a hot replica: the primary did not release it: %2")
                                   .arg(agent, result.error().message));
                   });
}

void ClusterEngine::Impl::startShadowSwap(AppRuntime &app,
                                          const QString &why,
                                          const QString &actor,
                                          std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise)
{
    AppRuntime::Shadow &shadow = *app.shadow;
    const QJsonObject details{{QStringLiteral("app"), app.config.name},
                              {QStringLiteral("primary"), app.primary},
                              {QStringLiteral("shadow"), shadow.agent},
                              {QStringLiteral("primary-host-risk"), heldRisk(app.primary)},
                              {QStringLiteral("shadow-host-risk"), heldRisk(shadow.agent)},
                              {QStringLiteral("discrepancy"), shadow.discrepancy.toJson()},
                              {QStringLiteral("max-swap-lag"), qint64(app.config.swapMaxLag())}};
    journal(QStringLiteral("shadow"),
            app.config.name,
            shadow.agent,
            QStringLiteral("swap onto the shadow on %1: %2").arg(shadow.agent, why),
            details,
            actor);
    shadow.swapping = true;
    shadow.lastSwap.clear();
    startSwitchover(app, shadow.agent, actor, std::move(promise));
}

std::optional<ShadowView> ClusterEngine::Impl::shadowView(const AppRuntime &app) const
{
    if (!app.shadow)
        return std::nullopt;
    const AppRuntime::Shadow &shadow = *app.shadow;
    ShadowView view;
    view.agent = shadow.agent;
    if (const config::ClusterAgent *agent = m_options.config.agent(shadow.agent))
        view.host = agent->host;
    view.swapMaxLag = app.config.swapMaxLag();
    view.state = shadow.swapping                                 ? QStringLiteral("swapping")
                 : shadow.discrepancy.swappable(view.swapMaxLag) ? QStringLiteral("ready")
                                                                 : QStringLiteral("catching-up");
    view.origin = shadow.origin;
    view.reason = shadow.reason;
    view.createdWallMs = shadow.createdWallMs;
    view.primaryHostRisk = app.primary.isEmpty() ? 0 : heldRisk(app.primary);
    view.priorTier = shadow.priorTier;
    view.discrepancy = shadow.discrepancy;
    view.lastSwap = shadow.lastSwap;
    view.history = shadow.history;
    if (shadow.process && *shadow.process != app.config.config.process)
        view.version = shadow.process->commandLine();
    view.update = app.lastUpdate;
    return view;
}

namespace {

// The application and its shadow a command names: NotFound/InvalidArgument naming what is wrong.
template<typename Apps>
Result<AppRuntime *> shadowedApp(Apps &apps, const ShadowRequest &request)
{
    const auto found = apps.find(request.app);
    if (found == apps.end())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no application named '%1' in the cluster configuration").arg(request.app));
    AppRuntime &app = found->second;
    if (!app.shadow)
        return fail(ErrorCode::NotFound,
                    QStringLiteral("'%1' has no shadow; create one first (foresightctl shadow create %1)")
                        .arg(request.app));
    if (!request.agent.isEmpty() && request.agent != app.shadow->agent)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1''s shadow is on %2, not %3").arg(request.app, app.shadow->agent, request.agent));
    return &app;
}

} // namespace

Result<OperatorOutcome> ClusterEngine::Impl::doCreateShadow(const ShadowRequest &request)
{
    const auto found = m_apps.find(request.app);
    if (found == m_apps.end())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no application named '%1' in the cluster configuration").arg(request.app));
    AppRuntime &app = found->second;
    if (app.shadow)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' already has a shadow on %2; retire it first")
                        .arg(request.app, app.shadow->agent));
    if (app.phase != AppPhase::Healthy || app.switchover || !reachable(app.primary))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is %2: a shadow is deployed beside a healthy primary")
                        .arg(request.app, app.switchover ? QStringLiteral("switching over") : appPhaseName(app.phase)));
    QList<shadow::AppFacts> apps = shadowAppFacts();
    const auto fact = std::find_if(apps.begin(), apps.end(), [&](const shadow::AppFacts &f) {
        return f.app == request.app;
    });
    QList<shadow::AgentFacts> agents = shadowAgentFacts();
    if (!request.agent.isEmpty()) {
        // The operator's choice, checked by the same rules: only that agent is offered.
        const auto named = std::find_if(agents.begin(), agents.end(), [&](const shadow::AgentFacts &a) {
            return a.agent == request.agent;
        });
        if (named == agents.end())
            return fail(ErrorCode::NotFound, QStringLiteral("no agent named '%1'").arg(request.agent));
        if (request.agent == app.primary)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 is the primary of '%2'; a shadow goes elsewhere")
                            .arg(request.agent, request.app));
        const shadow::AgentFacts *primary = nullptr;
        for (const shadow::AgentFacts &agent : agents) {
            if (agent.agent == app.primary)
                primary = &agent;
        }
        if (primary && named->host == primary->host)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 runs on %2, the primary's host: a shadow must survive that host's failure")
                            .arg(request.agent, named->host));
        if (!named->available)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 is unreachable or in maintenance").arg(request.agent));
        QList<shadow::AgentFacts> only;
        for (const shadow::AgentFacts &agent : agents) {
            if (agent.agent == app.primary || agent.agent == request.agent)
                only.append(agent);
        }
        agents = only;
    }
    auto placed = shadow::placeShadow(*fact, agents, m_options.config.shadows);
    if (!placed)
        return std::unexpected(placed.error());
    OperatorOutcome outcome;
    outcome.details = QJsonObject{{QStringLiteral("app"), request.app},
                                  {QStringLiteral("primary"), app.primary},
                                  {QStringLiteral("agent"), placed->agent},
                                  {QStringLiteral("prior-tier"), tierName(placed->priorTier)},
                                  {QStringLiteral("primary-host-risk"), placed->hostRisk},
                                  {QStringLiteral("dry-run"), request.dryRun}};
    const QString plan = QStringLiteral("assign %1 a hot copy of '%2' as its shadow (%3), fed by %4's replication")
                             .arg(placed->agent, request.app)
                             .arg(placed->priorTier == Tier::None
                                      ? QStringLiteral("a new copy")
                                      : QStringLiteral("its %1 replica raised to hot").arg(tierName(placed->priorTier)))
                             .arg(app.primary);
    if (request.dryRun) {
        outcome.summary = QStringLiteral("dry run: would %1").arg(plan);
        return outcome;
    }
    if (auto deployed = deployShadow(app,
                                     placed->agent,
                                     placed->priorTier,
                                     shadow::ShadowOrigin::Operator,
                                     QStringLiteral("requested by %1 (primary's host risk %2)")
                                         .arg(request.actor, riskFigure(placed->hostRisk)),
                                     request.actor);
        !deployed)
        return std::unexpected(deployed.error());
    outcome.summary
        = QStringLiteral("shadow of '%1' deployed on %2; it is ready once caught up").arg(request.app, placed->agent);
    return outcome;
}

void ClusterEngine::Impl::doSwapShadow(const ShadowRequest &request,
                                       std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise)
{
    auto found = shadowedApp(m_apps, request);
    if (!found) {
        promise->set_value(std::unexpected(found.error()));
        return;
    }
    AppRuntime &app = **found;
    const AppRuntime::Shadow &shadow = *app.shadow;
    if (shadow.swapping || app.switchover) {
        promise->set_value(fail(ErrorCode::InvalidArgument,
                                QStringLiteral("a switchover of '%1' is already under way").arg(request.app)));
        return;
    }
    const qint64 maxLag = app.config.swapMaxLag();
    if (!shadow.discrepancy.swappable(maxLag)) {
        promise->set_value(
            fail(ErrorCode::InvalidArgument,
                 QStringLiteral("the shadow on %1 is %2; a swap of this %3 application needs it at most "
                                "%4 writes behind with its digest agreeing (wait, or promote --force)")
                     .arg(shadow.agent, shadow.discrepancy.describe(), config::criticalityName(app.config.criticality))
                     .arg(maxLag)));
        return;
    }
    if (auto target = switchoverTarget(app, shadow.agent); !target) {
        promise->set_value(std::unexpected(target.error()));
        return;
    }
    if (request.dryRun) {
        OperatorOutcome outcome;
        outcome.summary = QStringLiteral("dry run: would pause %1's writes, ship the %2 remaining to the shadow on %3, "
                                         "check digests, promote %3 at epoch %4 and re-point %1 as its replica; any "
                                         "failure rolls back to %1 with nothing lost")
                              .arg(app.primary)
                              .arg(shadow.discrepancy.seqGap)
                              .arg(shadow.agent)
                              .arg(app.epoch + 1);
        outcome.details = QJsonObject{{QStringLiteral("app"), request.app},
                                      {QStringLiteral("primary"), app.primary},
                                      {QStringLiteral("shadow"), shadow.agent},
                                      {QStringLiteral("discrepancy"), shadow.discrepancy.toJson()},
                                      {QStringLiteral("dry-run"), true}};
        promise->set_value(outcome);
        return;
    }
    startShadowSwap(app, QStringLiteral("requested by %1").arg(request.actor), request.actor, std::move(promise));
}

Result<OperatorOutcome> ClusterEngine::Impl::doPromoteShadow(const ShadowRequest &request)
{
    auto found = shadowedApp(m_apps, request);
    if (!found)
        return std::unexpected(found.error());
    return doPromote(PromoteRequest{request.app, (*found)->shadow->agent, request.force, request.dryRun, request.actor});
}

Result<OperatorOutcome> ClusterEngine::Impl::doRetireShadow(const ShadowRequest &request)
{
    auto found = shadowedApp(m_apps, request);
    if (!found)
        return std::unexpected(found.error());
    AppRuntime &app = **found;
    const QString agent = app.shadow->agent;
    if (app.shadow->swapping)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the shadow on %1 is being swapped in; retire it once the swap has ended").arg(agent));
    OperatorOutcome outcome;
    outcome.details = QJsonObject{{QStringLiteral("app"), request.app},
                                  {QStringLiteral("agent"), agent},
                                  {QStringLiteral("prior-tier"), tierName(app.shadow->priorTier)},
                                  {QStringLiteral("dry-run"), request.dryRun}};
    const QString plan
        = app.shadow->priorTier == Tier::None
              ? QStringLiteral("release the shadow's copy on %1").arg(agent)
              : QStringLiteral("return %1 to being a %2 replica").arg(agent, tierName(app.shadow->priorTier));
    if (request.dryRun) {
        outcome.summary = QStringLiteral("dry run: would %1").arg(plan);
        return outcome;
    }
    retireShadow(app, QStringLiteral("requested by %1").arg(request.actor), request.actor);
    outcome.summary = QStringLiteral("shadow of '%1' on %2 retired: %3").arg(request.app, agent, plan);
    return outcome;
}

} // namespace foresight::failover
