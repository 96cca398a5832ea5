// The per-application state machine: adopt or deploy, renew the primary's lease, investigate a
// suspected primary, wait until its lease has certainly expired, promote the best replica,
// re-point the others, restore the tiers, and let the old primary rejoin.

#include <algorithm>

#include <QCborArray>
#include <QDateTime>

#include "failover/engineimpl.h"
#include "foresight/core/logging.h"

namespace foresight {

using failover::AgentRuntime;
using failover::AppRuntime;
using failover::isFenced;
using failover::isPrimaryStatus;
using failover::kAssignRetryMs;
using failover::kRequestTimeoutMs;
using failover::uintField;
using protocol::MessageType;

namespace {

constexpr int kRestoreIntervalMs = 1000;
constexpr int kAssignSettleMs = 3000; // an assignment shows in the agent's heartbeats well within this
constexpr int kStrayAfterMs = 5000;   // a replica not connected this long after its assignment is lost

QString timeOfDay(qint64 wallMs)
{
    return QDateTime::fromMSecsSinceEpoch(wallMs).toUTC().toString(QStringLiteral("HH:mm:ss 'UTC'"));
}

} // namespace

FailoverScore ClusterEngine::Impl::score(const AppRuntime &app) const
{
    // The heartbeat term follows the detector's verdict as updateSuspicion() recorded it, not a
    // fresh phi: evaluating phi again a moment later could count a primary as failed before its
    // suspicion is investigated.
    double phi = 0;
    if (auto it = m_agents.find(app.primary); it != m_agents.end() && it->second.suspected)
        phi = m_settings.phiThreshold;
    if (app.phase == AppPhase::AwaitingLease || app.phase == AppPhase::Promoting)
        phi = m_settings.phiThreshold;
    return failoverScore(m_settings, phi, app.primaryDivergence, app.primaryIntegrityFailed, failureRisk(app.primary));
}

QList<RankedCandidate> ClusterEngine::Impl::candidates(const AppRuntime &app) const
{
    QList<CandidateFacts> facts;
    for (const auto &[name, agent] : m_agents) {
        if (name == app.primary)
            continue;
        const auto status = agent.apps.find(app.config.name);
        if (status == agent.apps.end() || isPrimaryStatus(*status))
            continue;
        CandidateFacts candidate;
        candidate.agent = name;
        candidate.tier = tierFromName(status->value(QStringLiteral("tier")).toString()).value_or(Tier::None);
        candidate.seq = uintField(*status, "seq");
        candidate.reachable = agent.last.has_value() && !agent.suspected;
        candidate.integrityOk = !app.integrityFailures.contains(name);
        candidate.integrityNote = app.integrityFailures.value(name);
        candidate.divergence = app.divergence.value(name);
        // The application's clients are taken to run near its primary (its SDK endpoint is
        // local to it): the last round trip measured between the candidate and the primary.
        candidate.latencyMs = rttMs(name, app.primary).value_or(0);
        candidate.failureRisk = failureRisk(name);
        candidate.predictedToFail = predictedToFail(name);
        candidate.priority = agent.config.priority;
        candidate.neverPromote = agent.config.neverPromote;
        candidate.maintenance = agent.config.maintenance;
        facts.append(candidate);
    }
    return rankCandidates(facts);
}

void ClusterEngine::Impl::evaluate(AppRuntime &app)
{
    if (app.phase == AppPhase::Starting) {
        adoptOrDeploy(app);
        return;
    }
    rejoinFormerPrimaries(app);
    watchFirstAck(app);
    if (app.switchover) {
        const auto primary = m_agents.find(app.primary);
        if (primary == m_agents.end() || !primary->second.suspected) {
            continueSwitchover(app);
            return;
        }
        // The primary died mid-switchover: the failover path takes over from here.
        endSwitchover(app,
                      fail(ErrorCode::Network, QStringLiteral("the primary stopped answering during the switchover")));
    }
    if (app.scheduledSwitchover && app.phase == AppPhase::Healthy && wallNow() >= app.scheduledSwitchover->atWallMs) {
        const SwitchoverRequest scheduled = *app.scheduledSwitchover;
        app.scheduledSwitchover.reset();
        auto target = switchoverTarget(app, scheduled.agent);
        if (!target) {
            journal(QStringLiteral("switchover"),
                    app.config.name,
                    scheduled.agent,
                    QStringLiteral("scheduled switchover not started: %1").arg(target.error().message),
                    {},
                    scheduled.actor);
        } else {
            journal(QStringLiteral("switchover"),
                    app.config.name,
                    *target,
                    QStringLiteral("scheduled switchover to %1 starts").arg(*target),
                    {},
                    scheduled.actor);
            startSwitchover(app, *target, scheduled.actor, nullptr);
            return;
        }
    }

    if (app.phase == AppPhase::AwaitingLease || app.phase == AppPhase::Promoting) {
        tryPromote(app);
        return;
    }
    if (app.primary.isEmpty()) {
        decideFailover(app, QStringLiteral("no agent holds the application as primary"));
        return;
    }
    const AgentRuntime &primary = m_agents.at(app.primary);
    if (!primary.suspected) {
        if (app.phase != AppPhase::Healthy) {
            journal(QStringLiteral("detection"),
                    app.config.name,
                    app.primary,
                    app.phase == AppPhase::Blocked
                        ? QStringLiteral("primary heard again; the blocked failover is no longer needed")
                        : QStringLiteral("primary heard again; investigation closed, no failover"));
            app.phase = AppPhase::Healthy;
            app.reason.clear();
            app.blockedUntilWallMs = 0;
            app.lastJournaledBlock.clear();
        }
        if (const FailoverScore s = score(app); s.failoverWarranted()) {
            decideFailover(app, QStringLiteral("failover score %1").arg(s.explain(m_settings)));
            return;
        }
        if (now() - app.lastRestoreAttemptMs >= kRestoreIntervalMs) {
            app.lastRestoreAttemptMs = now();
            repointStrayReplicas(app);
            restoreTiers(app);
        }
        placeHotTier(app);
        return;
    }
    if (app.phase == AppPhase::Healthy) {
        app.phase = AppPhase::Investigating;
        app.suspectSinceMs = now();
        app.reason = QStringLiteral("primary %1 silent for %2 ms; asking its replicas")
                         .arg(app.primary)
                         .arg(now() - app.primaryLastHeardMs);
        journal(QStringLiteral("investigation"), app.config.name, app.primary, app.reason);
    }
    investigate(app);
}

void ClusterEngine::Impl::adoptOrDeploy(AppRuntime &app)
{
    // Settle: give every agent a moment to send its first heartbeat, so the engine adopts what
    // the cluster already runs instead of deploying over it.
    const bool allHeard = std::all_of(m_agents.begin(), m_agents.end(), [](const auto &entry) {
        return entry.second.last.has_value() || !entry.second.link;
    });
    const std::int64_t settleMs = std::max(1000, 10 * m_settings.heartbeatIntervalMs);
    if (!allHeard && now() - m_startedMs < settleMs)
        return;

    QString best;
    std::uint64_t bestEpoch = 0;
    bool anyCopy = false;
    for (const auto &[name, agent] : m_agents) {
        const auto status = agent.apps.find(app.config.name);
        if (status == agent.apps.end())
            continue;
        anyCopy = true;
        const std::uint64_t epoch = uintField(*status, "epoch");
        if (isPrimaryStatus(*status) && !isFenced(*status) && (best.isEmpty() || epoch > bestEpoch)) {
            best = name;
            bestEpoch = epoch;
        }
    }
    if (!best.isEmpty()) {
        app.primary = best;
        app.epoch = bestEpoch;
        app.phase = AppPhase::Healthy;
        app.deployed = true;
        journal(QStringLiteral("adopt"),
                app.config.name,
                best,
                QStringLiteral("adopted the running primary at epoch %1").arg(bestEpoch));
        // Turn write leases on (or adjust their length): the lease the next heartbeat brings is
        // granted before this assign arrives, so writes never pause.
        (void) sendAssign(best, app, Role::Primary, Tier::None);
        return;
    }
    if (anyCopy) {
        // Replicas without a primary: an earlier console died mid-failover, or the primary is
        // gone. A lease granted by that console has run out by now (its renewals stopped when it
        // stopped), but wait one lease length from this engine's start to be certain.
        app.leaseCertainEndMs = m_startedMs + m_settings.leaseMs + m_settings.leaseMs / 100 + m_settings.leaseMarginMs;
        app.phase = AppPhase::Healthy;
        app.deployed = true;
        decideFailover(app, QStringLiteral("replicas found but no primary"));
        return;
    }
    if (!m_options.deploy) {
        app.phase = AppPhase::NoPrimary;
        app.reason = QStringLiteral("no agent holds the application and deploying is off");
        return;
    }
    if (!reachable(app.config.primary)) {
        app.reason = QStringLiteral("waiting for %1 (its configured primary) to deploy").arg(app.config.primary);
        return;
    }
    app.primary = app.config.primary;
    app.epoch = 1;
    if (auto ok = sendAssign(app.primary, app, Role::Primary, Tier::None); !ok) {
        app.reason = ok.error().message;
        return;
    }
    for (const ClusterReplica &replica : app.config.replicas)
        (void) sendAssign(replica.agent, app, Role::Replica, replica.tier);
    app.phase = AppPhase::Healthy;
    app.deployed = true;
    journal(QStringLiteral("deploy"),
            app.config.name,
            app.primary,
            QStringLiteral("deployed: primary %1 and %2 replicas").arg(app.primary).arg(app.config.replicas.size()));
}

Status ClusterEngine::Impl::sendAssign(const QString &agent, const AppRuntime &app, Role role, Tier tier)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("role"), roleName(role));
    if (role == Role::Replica) {
        body.insert(QStringLiteral("tier"), tierName(tier));
        const ClusterAgent *primary = m_options.config.agent(app.primary);
        if (!primary)
            return fail(ErrorCode::NotFound, QStringLiteral("no agent named '%1'").arg(app.primary));
        QCborMap primaryMap;
        primaryMap.insert(QStringLiteral("url"), primary->url);
        if (!primary->publicKey.isEmpty())
            primaryMap.insert(QStringLiteral("public-key"), QString::fromLatin1(primary->publicKey));
        body.insert(QStringLiteral("primary"), primaryMap);
    }
    body.insert(QStringLiteral("config"), QCborMap::fromJsonObject(app.config.config.toJson()));
    const QString appName = app.config.name;
    AppRuntime &runtime = m_apps.at(appName);
    runtime.lastAssignMs[agent] = now();
    if (role == Role::Replica)
        runtime.lastAssignTier.insert(agent, tier);
    else
        runtime.lastAssignTier.remove(agent);
    return request(agent, MessageType::Assign, body, kRequestTimeoutMs, [this, appName, agent, role, tier](auto result) {
        if (!result)
            journal(QStringLiteral("assign"),
                    appName,
                    agent,
                    QStringLiteral("assign as %1 %2 failed: %3")
                        .arg(tierName(tier), roleName(role), result.error().toString()));
    });
}

void ClusterEngine::Impl::grantLease(AppRuntime &app, const AgentRuntime &primary, const Heartbeat &heartbeat)
{
    if (app.stopGranting || app.phase == AppPhase::Starting)
        return;
    const auto status = primary.apps.find(app.config.name);
    if (status == primary.apps.end() || !isPrimaryStatus(*status) || isFenced(*status))
        return;
    const std::uint64_t epoch = uintField(*status, "epoch");
    if (epoch < app.epoch)
        return; // an old primary that has not yet learned it was replaced
    app.epoch = epoch;
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("epoch"), qint64(epoch));
    body.insert(QStringLiteral("lease-ms"), m_settings.leaseMs);
    body.insert(QStringLiteral("heartbeat"), qint64(heartbeat.seq));
    body.insert(QStringLiteral("incarnation"), qint64(heartbeat.incarnation));
    // The lease runs from the heartbeat's sending, which precedes its arrival here: whatever
    // happens to this grant, the primary stops writing by this time on our clock (docs/protocol.md 9.8).
    const std::int64_t certainEnd = heartbeat.receivedMs + m_settings.leaseMs + m_settings.leaseMs / 100
                                    + m_settings.leaseMarginMs;
    const QString appName = app.config.name;
    const QString agentName = primary.config.name;
    auto sent = request(agentName, MessageType::Lease, body, kRequestTimeoutMs, [this, appName, agentName](auto result) {
        if (!result && result.error().code != ErrorCode::Timeout)
            journal(QStringLiteral("lease"),
                    appName,
                    agentName,
                    QStringLiteral("lease refused: %1").arg(result.error().toString()));
    });
    if (sent)
        app.leaseCertainEndMs = std::max(app.leaseCertainEndMs, certainEnd);
}

void ClusterEngine::Impl::investigate(AppRuntime &app)
{
    // Ask the replicas, through their own heartbeats, whether they still hear the primary: a
    // replica that heard it after the console last did, and recently, proves it alive.
    const std::int64_t t = now();
    const std::int64_t recentMs = std::max(300, 3 * m_settings.heartbeatIntervalMs);
    QStringList hearing;
    int asked = 0;
    for (const auto &[name, agent] : m_agents) {
        if (name == app.primary || !agent.last || agent.suspected)
            continue;
        const auto status = agent.apps.find(app.config.name);
        if (status == agent.apps.end() || isPrimaryStatus(*status))
            continue;
        const QCborMap upstream = status->value(QStringLiteral("primary")).toMap();
        const qint64 heardAgo = upstream.value(QStringLiteral("heard-ms-ago")).toInteger(-1);
        if (agent.last->receivedMs <= app.suspectSinceMs || heardAgo < 0)
            continue; // no report since the suspicion began
        ++asked;
        const std::int64_t heardAt = agent.last->receivedMs - heardAgo;
        if (heardAgo <= recentMs && heardAt > app.primaryLastHeardMs + m_settings.heartbeatIntervalMs + 50)
            hearing.append(name);
    }
    if (!hearing.isEmpty()) {
        if (app.phase != AppPhase::CutOff) {
            app.phase = AppPhase::CutOff;
            app.reason = QStringLiteral("the console does not hear %1 but %2 still do: not failing over (its "
                                        "write lease lapses until the console reaches it again)")
                             .arg(app.primary, hearing.join(QStringLiteral(", ")));
            journal(QStringLiteral("investigation"), app.config.name, app.primary, app.reason);
        }
        return;
    }
    if (t - app.suspectSinceMs < m_settings.investigationMs && app.phase != AppPhase::CutOff)
        return;
    decideFailover(app,
                   QStringLiteral("primary %1 silent for %2 ms and none of %3 replicas asked hears it")
                       .arg(app.primary)
                       .arg(t - app.primaryLastHeardMs)
                       .arg(asked));
}

void ClusterEngine::Impl::block(AppRuntime &app, const QString &reason, qint64 untilWallMs)
{
    app.phase = AppPhase::Blocked;
    app.reason = reason;
    app.blockedUntilWallMs = untilWallMs;
    if (app.lastJournaledBlock != reason) {
        app.lastJournaledBlock = reason;
        journal(QStringLiteral("decision"),
                app.config.name,
                app.primary,
                QStringLiteral("not failing over: %1").arg(reason));
    }
}

void ClusterEngine::Impl::decideFailover(AppRuntime &app, const QString &why)
{
    if (!app.manual) {
        if (!m_settings.autoFailover) {
            block(app, QStringLiteral("automatic failover is off (failover.auto-failover); promote by hand"));
            return;
        }
        const qint64 until = app.lastFailoverWallMs + m_settings.flapWindowMs;
        if (app.lastFailoverWallMs > 0 && !app.lastFailoverAcknowledged && wallNow() < until) {
            block(app,
                  QStringLiteral("anti-flapping: failed over at %1; no automatic failover until %2 unless an "
                                 "operator acknowledges incident %3")
                      .arg(timeOfDay(app.lastFailoverWallMs), timeOfDay(until))
                      .arg(app.incidentId),
                  until);
            return;
        }
    }
    if (!app.manual && app.phase == AppPhase::Blocked && now() < app.retryAfterMs)
        return; // a hook vetoed: keep the block (and its reason) until the hook is asked again
    const QList<RankedCandidate> ranked = candidates(app);
    if (ranked.isEmpty() || !ranked.first().eligible) {
        QStringList reasons;
        for (const RankedCandidate &candidate : ranked)
            reasons.append(candidate.facts.agent + QStringLiteral(": ") + candidate.excludedBecause);
        block(app,
              QStringLiteral("no eligible replica (%1)")
                  .arg(reasons.isEmpty() ? QStringLiteral("none holds the application")
                                         : reasons.join(QStringLiteral("; "))));
        return;
    }
    app.stopGranting = true;
    app.phase = AppPhase::AwaitingLease;
    app.reason = why;
    app.failedCandidates.clear();
    app.preHook.reset();
    app.preHookPassed = false;
    app.lastJournaledBlock.clear();
    const std::int64_t detectedAgo = app.suspectSinceMs > 0 ? now() - app.suspectSinceMs : 0;
    Incident incident;
    incident.app = app.config.name;
    incident.oldPrimary = app.primary;
    incident.detectedMs = wallNow() - detectedAgo;
    incident.decidedMs = wallNow();
    incident.summary = why;
    app.incident = incident;
    app.incidentId = 0;
    saveIncident(app);
    const FailoverScore s = score(app);
    journal(QStringLiteral("decision"),
            app.config.name,
            app.primary,
            QStringLiteral("failover decided: %1; score %2").arg(why, s.explain(m_settings)),
            QJsonObject{{QStringLiteral("incident"), app.incidentId}, {QStringLiteral("score"), s.score}},
            app.manual ? app.manualActor : QStringLiteral("engine"));
}

void ClusterEngine::Impl::tryPromote(AppRuntime &app)
{
    const std::int64_t t = now();
    if (app.promoteInFlight || t < app.retryAfterMs)
        return;
    if (t < app.leaseCertainEndMs) {
        app.phase = AppPhase::AwaitingLease;
        return;
    }
    // The candidate: the operator's, or the best one not yet tried in this failover.
    QString chosen = app.manual ? app.candidate : QString();
    RankedCandidate facts;
    for (const RankedCandidate &candidate : candidates(app)) {
        if (chosen.isEmpty() && candidate.eligible && !app.failedCandidates.contains(candidate.facts.agent))
            chosen = candidate.facts.agent;
        if (candidate.facts.agent == chosen)
            facts = candidate;
    }
    if (chosen.isEmpty() || facts.facts.agent.isEmpty() || !reachable(chosen)) {
        app.stopGranting = false;
        app.manual = false;
        block(app,
              chosen.isEmpty() ? QStringLiteral("no eligible replica left to promote")
                               : QStringLiteral("%1 is no longer reachable").arg(chosen));
        return;
    }
    app.candidate = chosen;

    if (!m_settings.preFailoverHook.isEmpty() && !app.preHookPassed) {
        if (!app.preHook) {
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(QStringLiteral("FORESIGHT_HOOK"), QStringLiteral("pre-failover"));
            environment.insert(QStringLiteral("FORESIGHT_APP"), app.config.name);
            environment.insert(QStringLiteral("FORESIGHT_OLD_PRIMARY"), app.primary);
            environment.insert(QStringLiteral("FORESIGHT_NEW_PRIMARY"), chosen);
            environment.insert(QStringLiteral("FORESIGHT_EPOCH"), QString::number(app.epoch + 1));
            app.preHook = failover::runHook(m_settings.preFailoverHook,
                                            environment,
                                            m_clock.realWaitMs(m_settings.hookTimeoutMs));
            app.reason = QStringLiteral("running the pre-failover hook");
            return;
        }
        if (app.preHook->wait_for(std::chrono::seconds(0)) != std::future_status::ready)
            return;
        const failover::HookResult hook = app.preHook->get();
        app.preHook.reset();
        const QJsonObject details{{QStringLiteral("exit-code"), hook.exitCode},
                                  {QStringLiteral("timed-out"), hook.timedOut},
                                  {QStringLiteral("output"), hook.output}};
        if (!hook.succeeded()) {
            const QString why = hook.output.isEmpty() ? QStringLiteral("exit code %1").arg(hook.exitCode)
                                                      : hook.output.section(QLatin1Char('\n'), -1);
            journal(QStringLiteral("hook"),
                    app.config.name,
                    chosen,
                    QStringLiteral("pre-failover hook vetoed promoting %1: %2").arg(chosen, why),
                    details);
            app.stopGranting = false;
            app.manual = false;
            block(app, QStringLiteral("pre-failover hook vetoed promoting %1: %2").arg(chosen, why));
            // Ask the hook again later: what it waited for may have changed.
            app.retryAfterMs = t + std::max(m_settings.hookTimeoutMs, 5000);
            app.blockedUntilWallMs = wallNow() + (app.retryAfterMs - t);
            return;
        }
        journal(QStringLiteral("hook"), app.config.name, chosen, QStringLiteral("pre-failover hook passed"), details);
        app.preHookPassed = true;
    }

    std::uint64_t highestEpoch = app.epoch;
    for (const auto &[name, agent] : m_agents) {
        if (auto status = agent.apps.find(app.config.name); status != agent.apps.end())
            highestEpoch = std::max(highestEpoch, uintField(*status, "epoch"));
    }
    app.nextEpoch = std::max(app.nextEpoch, highestEpoch) + 1;
    const AgentRuntime &candidate = m_agents.at(chosen);
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("epoch"), qint64(app.nextEpoch));
    // The old primary's last reported position: a candidate behind it fills the gap with its
    // model's predictions, marked as such (the speculative overlay).
    if (auto former = appStatus(app.primary, app.config.name))
        body.insert(QStringLiteral("primary-seq"), qint64(uintField(*former, "seq")));
    body.insert(QStringLiteral("lease-ms"), m_settings.leaseMs);
    body.insert(QStringLiteral("heartbeat"), qint64(candidate.last->seq));
    body.insert(QStringLiteral("incarnation"), qint64(candidate.last->incarnation));
    const std::int64_t anchorReceivedMs = candidate.last->receivedMs;
    const QString appName = app.config.name;
    app.phase = AppPhase::Promoting;
    app.reason = QStringLiteral("promoting %1 (%2, seq %3) at epoch %4")
                     .arg(chosen, tierName(facts.facts.tier))
                     .arg(facts.facts.seq)
                     .arg(app.nextEpoch);
    if (app.incident) {
        app.incident->newPrimary = chosen;
        app.incident->formerTier = tierName(facts.facts.tier);
    }
    auto sent = request(
        chosen, MessageType::Promote, body, kRequestTimeoutMs, [this, appName, chosen, anchorReceivedMs](auto result) {
            AppRuntime &promoted = m_apps.at(appName);
            promoted.promoteInFlight = false;
            if (!result) {
                journal(QStringLiteral("promotion"),
                        appName,
                        chosen,
                        QStringLiteral("promote failed: %1; trying the next candidate").arg(result.error().toString()));
                promoted.failedCandidates.append(chosen);
                promoted.preHookPassed = false; // the next candidate is a different question for the hook
                return;
            }
            // The new primary's first lease is anchored to the heartbeat the promotion named.
            promoted.leaseCertainEndMs = anchorReceivedMs + m_settings.leaseMs + m_settings.leaseMs / 100
                                         + m_settings.leaseMarginMs;
            onPromoted(promoted, chosen, *result);
        });
    if (!sent) {
        app.failedCandidates.append(chosen);
        journal(QStringLiteral("promotion"),
                appName,
                chosen,
                QStringLiteral("promote not sent: %1").arg(sent.error().message));
        return;
    }
    app.promoteInFlight = true;
}

void ClusterEngine::Impl::onPromoted(AppRuntime &app, const QString &agent, const QCborMap &reply)
{
    app.lastAssignTier.remove(agent); // a primary now, whatever it was last assigned
    const QString former = app.primary;
    std::uint64_t formerSeq = 0;
    std::uint64_t ackedByHot = 0;
    if (auto status = appStatus(former, app.config.name)) {
        formerSeq = uintField(*status, "seq");
        for (const QCborValue &replica : status->value(QStringLiteral("replicas")).toArray()) {
            const QCborMap link = replica.toMap();
            if (link.value(QStringLiteral("tier")).toString() == QLatin1String("hot"))
                ackedByHot = std::max(ackedByHot, uintField(link, "acked-seq"));
        }
    }
    app.primary = agent;
    app.epoch = std::uint64_t(reply.value(QStringLiteral("epoch")).toInteger());
    app.promotedSeq = std::uint64_t(reply.value(QStringLiteral("seq")).toInteger());
    app.formerPrimary = former != agent ? former : QString();
    app.formerPrimarySeq = formerSeq;
    app.phase = AppPhase::Healthy;
    app.reason.clear();
    app.stopGranting = false;
    app.primaryDigests.clear();
    app.integrityFailures.clear();
    app.primaryIntegrityFailed = false;
    app.primaryDivergence = 0;
    app.suspectSinceMs = 0;
    app.primaryLastHeardMs = now();
    app.lastFailoverWallMs = wallNow();
    app.lastFailoverAcknowledged = app.manual; // an operator's promotion needs no acknowledgement
    app.ackedWritesAtPromotion = 0;
    if (auto status = appStatus(agent, app.config.name))
        app.ackedWritesAtPromotion = uintField(status->value(QStringLiteral("counters")).toMap(), "acked-writes");
    const bool manual = app.manual;
    app.manual = false;
    if (app.incident) {
        app.incident->newPrimary = agent;
        app.incident->epoch = app.epoch;
        app.incident->promotedMs = wallNow();
        app.incident->formerTier = reply.value(QStringLiteral("former-tier")).toString();
        app.incident->ackedWritesLost = qint64(ackedByHot > app.promotedSeq ? ackedByHot - app.promotedSeq : 0);
        app.incident->seqGap = qint64(formerSeq > app.promotedSeq ? formerSeq - app.promotedSeq : 0);
        app.incident->predicted = reply.value(QStringLiteral("predicted")).toInteger(0);
        saveIncident(app);
        app.overlayIncident.reset();
        if (app.incident->predicted > 0)
            app.overlayIncident = app.incident;
    }
    journal(QStringLiteral("promotion"),
            app.config.name,
            agent,
            QStringLiteral("promoted %1 (former %2 replica, seq %3) to primary at epoch %4, replacing %5; "
                           "the old primary last reported seq %6")
                .arg(agent, reply.value(QStringLiteral("former-tier")).toString())
                .arg(app.promotedSeq)
                .arg(app.epoch)
                .arg(former)
                .arg(formerSeq),
            QJsonObject{{QStringLiteral("incident"), app.incidentId},
                        {QStringLiteral("epoch"), qint64(app.epoch)},
                        {QStringLiteral("seq"), qint64(app.promotedSeq)},
                        {QStringLiteral("manual"), manual}});
    if (const qint64 predicted = reply.value(QStringLiteral("predicted")).toInteger(0); predicted > 0) {
        journal(QStringLiteral("prediction"),
                app.config.name,
                agent,
                QStringLiteral("%1 serves %2 predicted values for keys the gap of %3 sequence numbers probably "
                               "changed, marked as predicted to clients, until a write or the gap's real deltas "
                               "replace them")
                    .arg(agent)
                    .arg(predicted)
                    .arg(formerSeq > app.promotedSeq ? formerSeq - app.promotedSeq : 0),
                QJsonObject{{QStringLiteral("incident"), app.incidentId}, {QStringLiteral("predicted"), predicted}});
    }
    repointReplicas(app);
    app.lastRestoreAttemptMs = now(); // the re-pointing assigns are in flight: restore after they land
    if (!m_settings.postFailoverHook.isEmpty()) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("FORESIGHT_HOOK"), QStringLiteral("post-failover"));
        environment.insert(QStringLiteral("FORESIGHT_APP"), app.config.name);
        environment.insert(QStringLiteral("FORESIGHT_OLD_PRIMARY"), former);
        environment.insert(QStringLiteral("FORESIGHT_NEW_PRIMARY"), agent);
        environment.insert(QStringLiteral("FORESIGHT_EPOCH"), QString::number(app.epoch));
        // Post hooks cannot veto; their output is journaled when they finish.
        auto hook = std::make_shared<std::future<failover::HookResult>>(
            failover::runHook(m_settings.postFailoverHook, environment, m_clock.realWaitMs(m_settings.hookTimeoutMs)));
        m_postHooks.push_back({app.config.name, agent, hook});
    }
}

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
                ++have[*asked];
            }
            continue;
        }
        const auto status = agent.apps.find(app.config.name);
        if (status == agent.apps.end())
            continue;
        holders.append(name);
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

void ClusterEngine::Impl::watchFirstAck(AppRuntime &app)
{
    // Post hooks that finished: journal their output.
    for (auto it = m_postHooks.begin(); it != m_postHooks.end();) {
        if (it->app != app.config.name || it->result->wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            ++it;
            continue;
        }
        const failover::HookResult hook = it->result->get();
        journal(QStringLiteral("hook"),
                it->app,
                it->agent,
                hook.succeeded() ? QStringLiteral("post-failover hook done")
                                 : QStringLiteral("post-failover hook failed (exit %1%2)")
                                       .arg(hook.exitCode)
                                       .arg(hook.timedOut ? QStringLiteral(", timed out") : QString()),
                QJsonObject{{QStringLiteral("exit-code"), hook.exitCode}, {QStringLiteral("output"), hook.output}});
        it = m_postHooks.erase(it);
    }
    if (!app.incident || app.incident->promotedMs == 0 || app.incident->firstAckMs != 0)
        return;
    auto status = appStatus(app.primary, app.config.name);
    if (!status)
        return;
    const std::uint64_t acked = uintField(status->value(QStringLiteral("counters")).toMap(), "acked-writes");
    if (acked <= app.ackedWritesAtPromotion)
        return;
    app.incident->firstAckMs = wallNow();
    saveIncident(app);
    journal(QStringLiteral("promotion"),
            app.config.name,
            app.primary,
            QStringLiteral("first acknowledged write on the new primary %1 ms after the failure was detected")
                .arg(app.incident->firstAckMs - app.incident->detectedMs));
    app.incident.reset();
}

} // namespace foresight
