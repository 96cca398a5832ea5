#include "foresight/shadow/shadowplanner.h"

#include <algorithm>

namespace foresight::shadow {

namespace {

QString figure(double value)
{
    return QString::number(value, 'f', 2);
}

const AgentFacts *find(const QList<AgentFacts> &agents, const QString &name)
{
    for (const AgentFacts &agent : agents) {
        if (agent.agent == name)
            return &agent;
    }
    return nullptr;
}

// Imminent failures first, critical applications first among them; then risk x criticality.
double priorityOf(double risk, config::Criticality criticality, const config::ShadowSettings &settings)
{
    const double weighted = risk * config::criticalityWeight(criticality);
    if (risk < settings.imminentRisk)
        return weighted;
    return 2 + (criticality == config::Criticality::Critical ? 1 : 0) + weighted;
}

struct Choice
{
    const AgentFacts *agent = nullptr;
    Tier priorTier = Tier::None;
    double rttMs = -1;
};

// Where app's shadow should go, or nothing when no agent qualifies.
Choice chooseHost(const AppFacts &app,
                  const AgentFacts &primary,
                  const QList<AgentFacts> &agents,
                  const config::ShadowSettings &settings)
{
    Choice best;
    const auto better = [](const Choice &a, const Choice &b) {
        // A new copy first, then the closest (unmeasured last), then the least loaded, then the name.
        const bool aFresh = a.priorTier == Tier::None, bFresh = b.priorTier == Tier::None;
        if (aFresh != bFresh)
            return aFresh;
        const double aRtt = a.rttMs < 0 ? 1e12 : a.rttMs, bRtt = b.rttMs < 0 ? 1e12 : b.rttMs;
        if (aRtt != bRtt)
            return aRtt < bRtt;
        if (a.agent->load != b.agent->load)
            return a.agent->load < b.agent->load;
        return a.agent->agent < b.agent->agent;
    };
    for (const AgentFacts &agent : agents) {
        if (agent.agent == app.primary || !agent.available || agent.host == primary.host
            || agent.risk >= settings.deployRisk || agent.shadowsHeld >= settings.maxShadowsPerAgent)
            continue;
        Choice choice{&agent, Tier::None, -1};
        for (const auto &[holder, tier] : app.replicas) {
            if (holder == agent.agent)
                choice.priorTier = tier;
        }
        for (const auto &[peer, rtt] : app.rttMs) {
            if (peer == agent.agent)
                choice.rttMs = rtt;
        }
        if (!best.agent || better(choice, best))
            best = choice;
    }
    return best;
}

ShadowAction deployAction(const AppFacts &app,
                          const AgentFacts &primary,
                          const Choice &choice,
                          const config::ShadowSettings &settings)
{
    const QString where
        = QStringLiteral("%1 (host %2%3%4)")
              .arg(choice.agent->agent, choice.agent->host)
              .arg(choice.rttMs >= 0
                       ? QStringLiteral(", %1 ms from the primary").arg(QString::number(choice.rttMs, 'f', 2))
                       : QString())
              .arg(choice.priorTier == Tier::None
                       ? QString()
                       : QStringLiteral(", its %1 replica raised to hot").arg(tierName(choice.priorTier)));
    return {ShadowAction::Kind::Deploy,
            app.app,
            choice.agent->agent,
            choice.priorTier,
            primary.risk,
            priorityOf(primary.risk, app.criticality, settings),
            QStringLiteral("%1's host %2 has failure risk %3 (deploy-risk %4%5); %6 application: shadow on %7")
                .arg(app.primary,
                     primary.host,
                     figure(primary.risk),
                     figure(settings.deployRisk),
                     primary.risk >= settings.imminentRisk ? QStringLiteral(", imminent") : QString(),
                     config::criticalityName(app.criticality),
                     where)};
}

} // namespace

Result<ShadowAction> placeShadow(const AppFacts &app,
                                 const QList<AgentFacts> &agents,
                                 const config::ShadowSettings &settings)
{
    const AgentFacts *primary = find(agents, app.primary);
    if (!primary)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'%1' has no primary to shadow").arg(app.app));
    const Choice choice = chooseHost(app, *primary, agents, settings);
    if (!choice.agent)
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no agent can hold a shadow of '%1': each is the primary, on the primary's host %2, "
                                   "unavailable, at or above deploy-risk %3, or holding %4 shadows already")
                        .arg(app.app, primary->host, figure(settings.deployRisk))
                        .arg(settings.maxShadowsPerAgent));
    return deployAction(app, *primary, choice, settings);
}

QString shadowOriginName(ShadowOrigin origin)
{
    switch (origin) {
    case ShadowOrigin::Operator:
        return QStringLiteral("operator");
    case ShadowOrigin::Update:
        return QStringLiteral("update");
    case ShadowOrigin::Predicted:
        break;
    }
    return QStringLiteral("predicted");
}

QString shadowActionKindName(ShadowAction::Kind kind)
{
    switch (kind) {
    case ShadowAction::Kind::Deploy:
        return QStringLiteral("deploy");
    case ShadowAction::Kind::Retire:
        return QStringLiteral("retire");
    case ShadowAction::Kind::Swap:
        return QStringLiteral("swap");
    }
    return QStringLiteral("?");
}

QList<ShadowAction> planShadows(const QList<AppFacts> &apps,
                                const QList<AgentFacts> &agents,
                                const config::ShadowSettings &settings,
                                std::int64_t nowMs)
{
    QList<ShadowAction> retires;
    QList<ShadowAction> swaps;
    QList<const AppFacts *> wanting; // apps that need a shadow, planned in priority order below

    for (const AppFacts &app : apps) {
        const AgentFacts *primary = find(agents, app.primary);
        const double risk = primary ? primary->risk : 0;
        if (!app.shadowAgent.isEmpty()) {
            const AgentFacts *shadowAgent = find(agents, app.shadowAgent);
            if (!shadowAgent
                || (!shadowAgent->available && shadowAgent->unavailableForMs >= kUnavailableShadowRetireMs)) {
                retires.append(
                    {ShadowAction::Kind::Retire,
                     app.app,
                     app.shadowAgent,
                     Tier::None,
                     risk,
                     0,
                     QStringLiteral("its agent has been unavailable for %1 s; a shadow elsewhere replaces it if still "
                                    "needed")
                         .arg(shadowAgent ? shadowAgent->unavailableForMs / 1000 : 0)});
                continue;
            }
            if (app.origin == ShadowOrigin::Predicted && app.calmSinceMs >= 0
                && nowMs - app.calmSinceMs >= settings.retireIdleMs) {
                retires.append({ShadowAction::Kind::Retire,
                                app.app,
                                app.shadowAgent,
                                Tier::None,
                                risk,
                                0,
                                QStringLiteral("%1's host risk has been below %2 for %3 s (now %4)")
                                    .arg(app.primary, figure(settings.deployRisk))
                                    .arg((nowMs - app.calmSinceMs) / 1000)
                                    .arg(figure(risk))});
                continue;
            }
            if (app.policy.autoSwap && app.settled && !app.swapTried && risk >= settings.imminentRisk
                && app.discrepancy.swappable(app.swapMaxLag)) {
                swaps.append({ShadowAction::Kind::Swap,
                              app.app,
                              app.shadowAgent,
                              Tier::None,
                              risk,
                              priorityOf(risk, app.criticality, settings),
                              QStringLiteral("%1's host risk %2 is past imminent-risk %3 and %4's shadow on %5 is %6 "
                                             "(at most %7 allowed): swapping before the failure")
                                  .arg(app.primary,
                                       figure(risk),
                                       figure(settings.imminentRisk),
                                       app.app,
                                       app.shadowAgent,
                                       app.discrepancy.describe())
                                  .arg(app.swapMaxLag)});
            }
            continue;
        }
        if (settings.enabled && app.policy.enabled && app.settled && primary && risk >= settings.deployRisk)
            wanting.append(&app);
    }

    std::stable_sort(wanting.begin(), wanting.end(), [&](const AppFacts *a, const AppFacts *b) {
        const double pa = priorityOf(find(agents, a->primary)->risk, a->criticality, settings);
        const double pb = priorityOf(find(agents, b->primary)->risk, b->criticality, settings);
        return pa > pb;
    });
    QList<ShadowAction> deploys;
    QList<AgentFacts> live = agents; // each deploy takes room on its agent
    for (const AppFacts *app : wanting) {
        auto action = placeShadow(*app, live, settings);
        if (!action)
            continue; // nowhere to go this tick: asked again on the next
        for (AgentFacts &agent : live) {
            if (agent.agent == action->agent)
                ++agent.shadowsHeld;
        }
        deploys.append(*action);
    }
    std::stable_sort(swaps.begin(), swaps.end(), [](const ShadowAction &a, const ShadowAction &b) {
        return a.priority > b.priority;
    });
    return retires + swaps + deploys;
}

} // namespace foresight::shadow
