// Bringing an application's replicas back in line with its primary and its configured tiers:
// re-point the replicas at a new primary (moving a lower tier up to hot when no free agent can
// take it), catch replicas that still follow an old primary, let a former primary rejoin as a
// replica in the tier that is short, and assign free agents to restore tiers that are short.
// Each only sends assignments; heartbeats show when they have taken effect.

#include <QMap>

#include "failover/engineimpl.h"

namespace foresight::failover {

namespace {

constexpr int kAssignSettleMs = 3000; // an assignment shows in the agent's heartbeats well within this
constexpr int kStrayAfterMs = 5000;   // a replica not connected this long after its assignment is lost

} // namespace

QString ClusterEngine::Impl::replicaToMoveUpToHot(const AppRuntime &app) const
{
    // Without a hot replica no replicated write can be acknowledged. When the hot tier is short
    // and no free agent can take it, a cold (full state) or warm replica moves up, until the old
    // primary or a new agent can take the lower tier back.
    int hot = 0;
    for (const auto &[name, agent] : m_agents) {
        const auto status = agent.apps.find(app.config.name);
        if (name != app.primary && status != agent.apps.end() && !isPrimaryStatus(*status)
            && status->value(QStringLiteral("tier")).toString() == tierName(Tier::Hot))
            ++hot;
    }
    if (hot >= app.config.desired(Tier::Hot))
        return {};
    if (!app.formerPrimary.isEmpty() && reachable(app.formerPrimary))
        return {}; // a switchover: the old primary is alive and rejoins in the short tier

    for (const auto &[name, agent] : m_agents) {
        if (name != app.primary && reachable(name) && !agent.config.maintenance && !agent.apps.contains(app.config.name))
            return {}; // a free agent will be assigned instead
    }
    for (Tier lower : {Tier::Cold, Tier::Warm}) {
        for (const auto &[name, agent] : m_agents) {
            const auto status = agent.apps.find(app.config.name);
            if (name != app.primary && status != agent.apps.end() && !isPrimaryStatus(*status) && reachable(name)
                && status->value(QStringLiteral("tier")).toString() == tierName(lower))
                return name;
        }
    }
    return {};
}

void ClusterEngine::Impl::repointReplicas(AppRuntime &app)
{
    const QString moveUp = replicaToMoveUpToHot(app);
    for (const auto &[name, agent] : m_agents) {
        if (name == app.primary || !agent.last || agent.suspected)
            continue;
        const auto status = agent.apps.find(app.config.name);
        if (status == agent.apps.end() || isPrimaryStatus(*status))
            continue;
        const Tier tier = name == moveUp
                              ? Tier::Hot
                              : tierFromName(status->value(QStringLiteral("tier")).toString()).value_or(Tier::Hot);
        (void) sendAssign(name, app, Role::Replica, tier);
        journal(QStringLiteral("repoint"),
                app.config.name,
                name,
                QStringLiteral("re-pointed (%1%2) at the new primary %3")
                    .arg(tierName(tier),
                         name == moveUp ? QStringLiteral(", moved up: no free agent for the hot tier") : QString(),
                         app.primary));
    }
}

void ClusterEngine::Impl::repointStrayReplicas(AppRuntime &app)
{
    // A replica that was silent when a promotion re-pointed the others (suspected during a stall,
    // or restarting) still follows the old primary, which no longer streams to it: point it at the
    // current primary, in the tier it has.
    if (app.primary.isEmpty())
        return;
    for (const auto &[name, agent] : m_agents) {
        if (name == app.primary || !agent.last || agent.suspected)
            continue;
        const auto status = agent.apps.find(app.config.name);
        if (status == agent.apps.end() || isPrimaryStatus(*status))
            continue;
        // By name, as the primary introduced itself (replica-welcome): the console may reach an
        // agent at another address than its replicas do (a proxy, another network).
        // A replica never welcomed (it was pointed at a primary demoted before it answered) and
        // still not connected long after its last assignment is re-pointed as well.
        const QCborMap upstream = status->value(QStringLiteral("primary")).toMap();
        const QString following = upstream.value(QStringLiteral("agent")).toString();
        const bool neverWelcomed = following.isEmpty() && !upstream.value(QStringLiteral("connected")).toBool()
                                   && now() - app.lastAssignMs.value(name, -kStrayAfterMs) >= kStrayAfterMs;
        if (!neverWelcomed && (following.isEmpty() || following == app.primary))
            continue;
        if (now() - app.lastAssignMs.value(name, -kAssignRetryMs) < kAssignRetryMs)
            continue;
        const Tier tier = tierFromName(status->value(QStringLiteral("tier")).toString()).value_or(Tier::Hot);
        if (sendAssign(name, app, Role::Replica, tier))
            journal(QStringLiteral("repoint"),
                    app.config.name,
                    name,
                    QStringLiteral("still followed %1: re-pointed (%2) at the primary %3")
                        .arg(following.isEmpty() ? QStringLiteral("no primary") : following,
                             tierName(tier),
                             app.primary));
    }
}

void ClusterEngine::Impl::rejoinFormerPrimaries(AppRuntime &app)
{
    if (app.primary.isEmpty() || app.phase != AppPhase::Healthy)
        return;
    for (const auto &[name, agent] : m_agents) {
        if (name == app.primary || !agent.last || agent.suspected)
            continue;
        const auto status = agent.apps.find(app.config.name);
        if (status == agent.apps.end() || !isPrimaryStatus(*status))
            continue;
        if (now() - app.lastAssignMs.value(name, -kAssignRetryMs) < kAssignRetryMs)
            continue;
        // A second primary at an older epoch (or fenced): the failed primary is back. It rejoins
        // as a replica of the new primary, in the tier that is short (hot if none is).
        Tier tier = Tier::Hot;
        for (Tier candidate : {Tier::Hot, Tier::Warm, Tier::Cold}) {
            int have = 0;
            for (const auto &[other, otherAgent] : m_agents) {
                const auto otherStatus = otherAgent.apps.find(app.config.name);
                if (other != name && otherStatus != otherAgent.apps.end() && !isPrimaryStatus(*otherStatus)
                    && otherStatus->value(QStringLiteral("tier")).toString() == tierName(candidate))
                    ++have;
            }
            if (have < app.config.desired(candidate)) {
                tier = candidate;
                break;
            }
        }
        const std::uint64_t seq = uintField(*status, "seq");
        const std::uint64_t discarded = seq > app.promotedSeq && name == app.formerPrimary ? seq - app.promotedSeq : 0;
        journal(QStringLiteral("rejoin"),
                app.config.name,
                name,
                QStringLiteral("old primary (epoch %1, seq %2) is back: rejoins as a %3 replica of %4 at epoch %5; "
                               "%6 writes it held past the promoted position (never acknowledged) are discarded%7")
                    .arg(uintField(*status, "epoch"))
                    .arg(seq)
                    .arg(tierName(tier), app.primary)
                    .arg(app.epoch)
                    .arg(discarded)
                    .arg(app.overlayIncident && discarded > 0
                             ? QStringLiteral(", except the real values of the keys %1 predicted for that gap, "
                                              "which replace its predictions")
                                   .arg(app.primary)
                             : QString()),
                QJsonObject{{QStringLiteral("discarded-writes"), qint64(discarded)}});
        (void) sendAssign(name, app, Role::Replica, tier);
    }
}

void ClusterEngine::Impl::restoreTiers(AppRuntime &app)
{
    QMap<Tier, int> have;
    QStringList holders;
    for (const auto &[name, agent] : m_agents) {
        // An assignment sent a moment ago may not show in heartbeats yet: count what was asked,
        // or the tier looks short and a spare is assigned on top of it.
        if (const auto asked = app.lastAssignTier.constFind(name);
            asked != app.lastAssignTier.cend() && now() - app.lastAssignMs.value(name) < kAssignSettleMs) {
            if (*asked != Tier::None) {
                holders.append(name);
                ++have[isShadow(app, name) ? app.shadow->priorTier : *asked];
            }
            continue;
        }
        const auto status = agent.apps.find(app.config.name);
        if (status == agent.apps.end())
            continue;
        holders.append(name);
        if (isShadow(app, name)) {
            // Beyond the configured tiers: it counts as what it held before it became the shadow.
            ++have[app.shadow->priorTier];
            continue;
        }
        if (!isPrimaryStatus(*status))
            ++have[tierFromName(status->value(QStringLiteral("tier")).toString()).value_or(Tier::None)];
    }
    for (Tier tier : {Tier::Hot, Tier::Warm, Tier::Cold}) {
        for (int missing = app.config.desired(tier) - have.value(tier); missing > 0; --missing) {
            QString spare;
            for (const auto &[name, agent] : m_agents) {
                if (holders.contains(name) || !reachable(name) || agent.config.maintenance)
                    continue;
                if (now() - app.lastAssignMs.value(name, -kAssignRetryMs) < kAssignRetryMs)
                    continue;
                if (spare.isEmpty() || agent.config.priority > m_agents.at(spare).config.priority)
                    spare = name;
                else if (tier == Tier::Hot && agent.config.priority == m_agents.at(spare).config.priority) {
                    // Among equals, the hot tier goes to the host closest to the primary.
                    const double mine = rttMs(app.primary, name).value_or(1e9);
                    const double theirs = rttMs(app.primary, spare).value_or(1e9);
                    if (mine < theirs)
                        spare = name;
                }
            }
            if (spare.isEmpty() && tier == Tier::Hot) {
                if (const QString moveUp = replicaToMoveUpToHot(app);
                    !moveUp.isEmpty() && now() - app.lastAssignMs.value(moveUp, -kAssignRetryMs) >= kAssignRetryMs) {
                    if (sendAssign(moveUp, app, Role::Replica, Tier::Hot))
                        journal(QStringLiteral("restore"),
                                app.config.name,
                                moveUp,
                                QStringLiteral("no free agent: moved up to the hot tier, so replicated writes can be "
                                               "acknowledged again"));
                    return; // the tier counts change with its next heartbeat
                }
            }
            if (spare.isEmpty())
                return; // nobody free: the tier stays short, and status shows it
            holders.append(spare);
            if (sendAssign(spare, app, Role::Replica, tier))
                journal(QStringLiteral("restore"),
                        app.config.name,
                        spare,
                        QStringLiteral("assigned as a %1 replica to restore the configured tiers").arg(tierName(tier)));
        }
    }
}

} // namespace foresight::failover
