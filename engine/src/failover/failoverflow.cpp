// The per-application state machine, run once per engine tick: adopt or deploy, renew the
// primary's lease, investigate a suspected primary and decide whether to fail over. The rules
// that decide are pure functions in failoverdecision.h; carrying out a decided failover is
// promotion.cpp; putting the replicas back in line afterwards is replicarepair.cpp.

#include <algorithm>

#include "failover/engineimpl.h"
#include "failover/failoverdecision.h"
#include "foresight/config/impactcbor.h"
#include "foresight/core/logging.h"

namespace foresight::failover {

using protocol::MessageType;

namespace {

constexpr int kRestoreIntervalMs = 1000;

} // namespace

FailoverScore ClusterEngine::Impl::score(const AppRuntime &app) const
{
    // The heartbeat term is the detector's verdict once the investigation has confirmed it (no
    // replica hears the primary either), not a fresh phi: a suspicion still under investigation,
    // or a console cut off from a primary its replicas hear, is no evidence of failure. So the
    // score shown is the score that decides (docs/architecture.md, "How a failover flows").
    double phi = 0;
    if (auto it = m_agents.find(app.primary); it != m_agents.end() && it->second.suspected && app.primarySilent)
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
        candidate.shadow = app.shadow && app.shadow->agent == name;
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
        app.primarySilent = false;
        if (const FailoverScore s = score(app); s.failoverWarranted()) {
            // Divergence, integrity and risk alone reach the threshold only under weights an
            // operator chose for that; with the defaults they cannot (docs/cluster-config.md).
            decideFailover(app,
                           QStringLiteral("primary %1 answers, but its failover score %2 reaches the threshold %3")
                               .arg(app.primary)
                               .arg(s.score, 0, 'f', 2)
                               .arg(s.threshold, 0, 'f', 2));
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
    for (const config::ClusterReplica &replica : app.config.replicas)
        (void) sendAssign(replica.agent, app, Role::Replica, replica.tier);
    app.phase = AppPhase::Healthy;
    app.deployed = true;
    journal(QStringLiteral("deploy"),
            app.config.name,
            app.primary,
            QStringLiteral("deployed: primary %1 and %2 replicas").arg(app.primary).arg(app.config.replicas.size()));
}

Status ClusterEngine::Impl::sendAssign(
    const QString &agent, const AppRuntime &app, Role role, Tier tier, const QCborMap &extra)
{
    QCborMap body = extra;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("role"), roleName(role));
    if (isShadow(app, agent))
        body.insert(QStringLiteral("shadow"), true);
    if (role == Role::Replica) {
        body.insert(QStringLiteral("tier"), tierName(tier));
        const config::ClusterAgent *primary = m_options.config.agent(app.primary);
        if (!primary)
            return fail(ErrorCode::NotFound, QStringLiteral("no agent named '%1'").arg(app.primary));
        QCborMap primaryMap;
        primaryMap.insert(QStringLiteral("url"), primary->url);
        if (!primary->publicKey.isEmpty())
            primaryMap.insert(QStringLiteral("public-key"), QString::fromLatin1(primary->publicKey));
        body.insert(QStringLiteral("primary"), primaryMap);
    }
    AppConfig config = app.config.config;
    config.process = processOf(app, agent);
    body.insert(QStringLiteral("config"), QCborMap::fromJsonObject(config.toJson()));
    // Always, to every agent with the application: a replica promoted later needs them as much
    // as the primary does, and an empty array clears rules an agent kept from an earlier console.
    body.insert(QStringLiteral("impact"), config::impactRulesToCbor(app.config.impact));
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

void ClusterEngine::Impl::grantLease(AppRuntime &app, const AgentRuntime &primary, const monitor::Heartbeat &heartbeat)
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
    // Ask the replicas, through their own heartbeats, whether they still hear the primary.
    failover::InvestigationFacts facts;
    facts.nowMs = now();
    facts.suspectSinceMs = app.suspectSinceMs;
    facts.primaryLastHeardMs = app.primaryLastHeardMs;
    facts.cutOff = app.phase == AppPhase::CutOff;
    for (const auto &[name, agent] : m_agents) {
        if (name == app.primary || !agent.last || agent.suspected)
            continue;
        const auto status = agent.apps.find(app.config.name);
        if (status == agent.apps.end() || isPrimaryStatus(*status))
            continue;
        const QCborMap upstream = status->value(QStringLiteral("primary")).toMap();
        facts.replicas.append(
            {name, agent.last->receivedMs, upstream.value(QStringLiteral("heard-ms-ago")).toInteger(-1)});
    }
    const failover::InvestigationVerdict verdict = failover::investigatePrimary(m_settings, facts);
    app.primarySilent = verdict.outcome == failover::InvestigationOutcome::PrimarySilent;
    switch (verdict.outcome) {
    case failover::InvestigationOutcome::Open:
        return;
    case failover::InvestigationOutcome::ConsoleCutOff:
        if (app.phase != AppPhase::CutOff) {
            app.phase = AppPhase::CutOff;
            app.reason = QStringLiteral("the console does not hear %1 but %2 still do: not failing over (its "
                                        "write lease lapses until the console reaches it again)")
                             .arg(app.primary, verdict.hearing.join(QStringLiteral(", ")));
            journal(QStringLiteral("investigation"), app.config.name, app.primary, app.reason);
        }
        return;
    case failover::InvestigationOutcome::PrimarySilent:
        decideFailover(app,
                       QStringLiteral("primary %1 silent for %2 ms and none of %3 replicas asked hears it")
                           .arg(app.primary)
                           .arg(facts.nowMs - app.primaryLastHeardMs)
                           .arg(verdict.asked));
        return;
    }
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
    failover::GateFacts facts;
    facts.trigger = app.manual              ? failover::FailoverTrigger::Operator
                    : app.primary.isEmpty() ? failover::FailoverTrigger::NoPrimary
                                            : failover::FailoverTrigger::Score;
    facts.score = score(app);
    facts.wallNowMs = wallNow();
    facts.lastFailoverWallMs = app.lastFailoverWallMs;
    facts.lastFailoverAcknowledged = app.lastFailoverAcknowledged;
    facts.lastIncidentId = app.incidentId;
    facts.vetoStands = app.phase == AppPhase::Blocked && now() < app.retryAfterMs;
    facts.ranked = candidates(app);
    const failover::Gate gate = failover::failoverGate(m_settings, facts);
    if (gate.outcome == failover::GateOutcome::KeepBlock)
        return;
    if (gate.outcome == failover::GateOutcome::Block) {
        block(app, gate.reason, gate.untilWallMs);
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
    storage::Incident incident;
    incident.app = app.config.name;
    incident.oldPrimary = app.primary;
    incident.detectedMs = wallNow() - detectedAgo;
    incident.decidedMs = wallNow();
    incident.summary = why;
    app.incident = incident;
    app.incidentId = 0;
    saveIncident(app);
    // The score that decided (for the other triggers: the score at that moment, for the record).
    const QString scored = facts.trigger == failover::FailoverTrigger::Score
                               ? QStringLiteral("failover score reached: %1")
                               : QStringLiteral("not decided by the score (%1)");
    journal(QStringLiteral("decision"),
            app.config.name,
            app.primary,
            QStringLiteral("failover decided: %1; %2").arg(why, scored.arg(facts.score.explain(m_settings))),
            QJsonObject{{QStringLiteral("incident"), app.incidentId},
                        {QStringLiteral("decided-by"), failover::triggerName(facts.trigger)},
                        {QStringLiteral("score"), facts.score.score},
                        {QStringLiteral("threshold"), facts.score.threshold}},
            app.manual ? app.manualActor : QStringLiteral("engine"));
}

} // namespace foresight::failover
