// A decided failover, carried out: wait until the old primary's lease has certainly ended, run
// the pre-failover hook (which may veto), promote the best remaining candidate at a new epoch,
// record the incident, re-point the replicas and run the post-failover hook; then watch for the
// new primary's first acknowledged write, which closes the incident. What decides a failover is
// in failoverdecision.h; the state machine that calls this is failoverflow.cpp.

#include <algorithm>

#include <QCborArray>

#include "failover/engineimpl.h"
#include "foresight/config/impactcbor.h"

namespace foresight::failover {

using protocol::MessageType;

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
    // The version the configuration names now: a replica assigned before an update has the older.
    if (app.config.config.process.isSet())
        body.insert(QStringLiteral("process"), QCborMap::fromJsonObject(app.config.config.process.toJson()));
    // And the impact function it names now: a replica assigned by an earlier console (before this
    // one was started with changed rules) holds that console's.
    body.insert(QStringLiteral("impact"), config::impactRulesToCbor(app.config.impact));
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
    app.primarySilent = false;
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

} // namespace foresight::failover
