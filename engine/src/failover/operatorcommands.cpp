// Operator commands, run on the engine thread: promote (with dry run and force), maintenance,
// acknowledge, and the divergence inputs. Each is journaled with its actor.

#include <cmath>

#include <QJsonArray>

#include "failover/engineimpl.h"
#include "foresight/core/logging.h"

namespace foresight::failover {

namespace {

QJsonObject candidateJson(const RankedCandidate &candidate)
{
    QJsonObject terms;
    for (const RankTerm &term : candidate.terms)
        terms.insert(term.name, term.value);
    return QJsonObject{{QStringLiteral("agent"), candidate.facts.agent},
                       {QStringLiteral("rank"), candidate.rank},
                       {QStringLiteral("eligible"), candidate.eligible},
                       {QStringLiteral("excluded-because"), candidate.excludedBecause},
                       {QStringLiteral("terms"), terms}};
}

} // namespace

Result<OperatorOutcome> ClusterEngine::Impl::doPromote(const PromoteRequest &request)
{
    auto found = m_apps.find(request.app);
    if (found == m_apps.end())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no application named '%1' in the cluster configuration").arg(request.app));
    AppRuntime &app = found->second;
    if (app.phase == AppPhase::Starting)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is still starting; try again in a moment").arg(request.app));
    if (app.phase == AppPhase::AwaitingLease || app.phase == AppPhase::Promoting)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a failover of '%1' is already under way (%2)").arg(request.app, app.reason));
    const QList<RankedCandidate> ranked = candidates(app);
    const RankedCandidate *chosen = nullptr;
    for (const RankedCandidate &candidate : ranked) {
        if (request.agent.isEmpty() ? candidate.eligible : candidate.facts.agent == request.agent) {
            chosen = &candidate;
            break;
        }
    }
    if (!chosen) {
        if (!request.agent.isEmpty() && request.agent == app.primary)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 is already the primary of '%2'").arg(request.agent, request.app));
        return fail(ErrorCode::NotFound,
                    request.agent.isEmpty()
                        ? QStringLiteral("'%1' has no eligible replica to promote").arg(request.app)
                        : QStringLiteral("%1 holds no replica of '%2'").arg(request.agent, request.app));
    }
    if (!chosen->eligible)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 cannot be promoted: %2").arg(chosen->facts.agent, chosen->excludedBecause));

    // What would be lost: the candidate's distance to the most advanced copy, the primary's
    // included while it still answers.
    std::uint64_t newest = chosen->facts.seq + chosen->seqBehind;
    if (auto status = appStatus(app.primary, app.config.name); status && reachable(app.primary))
        newest = std::max<std::uint64_t>(newest, status->value(QStringLiteral("seq")).toInteger());
    const std::uint64_t behind = newest > chosen->facts.seq ? newest - chosen->facts.seq : 0;

    QJsonArray all;
    for (const RankedCandidate &candidate : ranked)
        all.append(candidateJson(candidate));
    OperatorOutcome outcome;
    outcome.details = QJsonObject{{QStringLiteral("app"), app.config.name},
                                  {QStringLiteral("primary"), app.primary},
                                  {QStringLiteral("candidate"), candidateJson(*chosen)},
                                  {QStringLiteral("candidates"), all},
                                  {QStringLiteral("seqs-behind"), qint64(behind)},
                                  {QStringLiteral("epoch"), qint64(app.epoch + 1)},
                                  {QStringLiteral("dry-run"), request.dryRun}};
    const qint64 waitMs = std::max<std::int64_t>(0, app.leaseCertainEndMs - now());
    const QString plan = QStringLiteral("stop renewing %1's write lease, wait until it has certainly expired (up to %2 "
                                        "ms), promote %3 (%4, seq %5) at epoch %6 and re-point the other replicas")
                             .arg(app.primary.isEmpty() ? QStringLiteral("the old primary") : app.primary)
                             .arg(qMax<qint64>(waitMs, m_settings.leaseMs + m_settings.leaseMarginMs))
                             .arg(chosen->facts.agent, tierName(chosen->facts.tier))
                             .arg(chosen->facts.seq)
                             .arg(app.epoch + 1);
    if (behind > 0 && !request.force) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("refused: %1 is %2 seqs behind the newest copy, so acknowledged writes would be "
                                   "lost; wait for it to catch up, pick another replica, or force")
                        .arg(chosen->facts.agent)
                        .arg(behind));
    }
    if (request.dryRun) {
        outcome.summary = QStringLiteral("dry run: would %1%2")
                              .arg(plan)
                              .arg(behind > 0 ? QStringLiteral("; %1 seqs would be lost").arg(behind) : QString());
        return outcome;
    }
    journal(QStringLiteral("operator"),
            app.config.name,
            chosen->facts.agent,
            QStringLiteral("promote %1%2")
                .arg(chosen->facts.agent, request.force ? QStringLiteral(" (forced)") : QString()),
            outcome.details,
            request.actor);
    app.manual = true;
    app.manualActor = request.actor;
    app.candidate = chosen->facts.agent;
    app.suspectSinceMs = 0;
    decideFailover(app, QStringLiteral("operator %1 asked to promote %2").arg(request.actor, chosen->facts.agent));
    outcome.summary = QStringLiteral("promoting: %1").arg(plan);
    return outcome;
}

Result<OperatorOutcome> ClusterEngine::Impl::doMaintenance(const QString &agentName, bool on, const QString &actor)
{
    auto found = m_agents.find(agentName);
    if (found == m_agents.end())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no agent named '%1' in the cluster configuration").arg(agentName));
    found->second.config.maintenance = on;
    for (config::ClusterAgent &agent : m_options.config.agents) {
        if (agent.name == agentName)
            agent.maintenance = on;
    }
    m_store->post([config = m_options.config](storage::ConsoleStore &store) {
        if (auto ok = store.saveConfig(config); !ok)
            qCWarning(lcFailover).noquote() << "cannot save the maintenance flag:" << ok.error().toString();
    });
    const QString summary
        = on ? QStringLiteral("%1 is in maintenance: never promoted, never given new replicas").arg(agentName)
             : QStringLiteral("%1 is out of maintenance").arg(agentName);
    journal(QStringLiteral("operator"), {}, agentName, summary, {}, actor);
    return OperatorOutcome{summary,
                           QJsonObject{{QStringLiteral("agent"), agentName}, {QStringLiteral("maintenance"), on}}};
}

Result<OperatorOutcome> ClusterEngine::Impl::doAcknowledge(const QString &appName, const QString &actor)
{
    auto found = m_apps.find(appName);
    if (found == m_apps.end())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no application named '%1' in the cluster configuration").arg(appName));
    AppRuntime &app = found->second;
    if (app.lastFailoverWallMs == 0)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' has not failed over: nothing to acknowledge").arg(appName));
    app.lastFailoverAcknowledged = true;
    if (app.incidentId > 0) {
        m_store->post([id = app.incidentId](storage::ConsoleStore &store) {
            if (auto incident = store.incident(id)) {
                incident->acknowledged = true;
                (void) store.updateIncident(*incident);
            }
        });
    }
    const QString summary = QStringLiteral(
                                "acknowledged the failover of '%1' (incident %2): automatic failover allowed again")
                                .arg(appName)
                                .arg(app.incidentId);
    journal(QStringLiteral("operator"), appName, {}, summary, {}, actor);
    return OperatorOutcome{summary,
                           QJsonObject{{QStringLiteral("app"), appName}, {QStringLiteral("incident"), app.incidentId}}};
}

Result<OperatorOutcome> ClusterEngine::Impl::doHostRisk(const QString &agent, double risk, const QString &actor)
{
    if (!m_agents.contains(agent))
        return fail(ErrorCode::NotFound, QStringLiteral("no agent named '%1'").arg(agent));
    if (!(risk <= 1) || std::isnan(risk))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("an external risk is between 0 and 1 (or below 0 to clear it), not %1").arg(risk));
    OperatorOutcome outcome;
    if (risk < 0) {
        m_externalRisk.remove(agent);
        outcome.summary = QStringLiteral("external failure risk of %1 cleared").arg(agent);
    } else {
        m_externalRisk.insert(agent, risk);
        outcome.summary = QStringLiteral("external failure risk of %1 set to %2").arg(agent).arg(risk, 0, 'f', 2);
    }
    outcome.details = QJsonObject{{QStringLiteral("agent"), agent}, {QStringLiteral("risk"), risk}};
    journal(QStringLiteral("prediction"), {}, agent, outcome.summary, outcome.details, actor);
    return outcome;
}

Result<OperatorOutcome> ClusterEngine::Impl::doDivergence(const QString &appName,
                                                          const QString &agent,
                                                          double divergence)
{
    auto found = m_apps.find(appName);
    if (found == m_apps.end())
        return fail(ErrorCode::NotFound, QStringLiteral("no application named '%1'").arg(appName));
    if (!(divergence >= 0 && divergence <= 1))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("divergence must be between 0 and 1"));
    if (agent.isEmpty() || agent == found->second.primary)
        found->second.primaryDivergence = divergence;
    else
        found->second.divergence.insert(agent, divergence);
    return OperatorOutcome{QStringLiteral("divergence of %1 set to %2")
                               .arg(agent.isEmpty() ? QStringLiteral("the primary") : agent)
                               .arg(divergence),
                           {}};
}

} // namespace foresight::failover
