// Graceful switchover: revoke the primary's lease (it stops taking writes at once and says so),
// wait until the target hot replica holds everything the primary has, promote it, and let the
// old primary rejoin as a replica. Nothing acknowledged can be lost: the primary acknowledged
// its last write before the revoke, and the target holds at least that position when promoted.

#include <QDateTime>

#include "failover/engineimpl.h"

namespace foresight::failover {

using protocol::MessageType;

namespace {
constexpr int kCatchUpTimeoutMs = 5000;

QString wallTime(qint64 wallMs)
{
    return QDateTime::fromMSecsSinceEpoch(wallMs).toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}
} // namespace

Result<QString> ClusterEngine::Impl::switchoverTarget(const AppRuntime &app, const QString &requested) const
{
    if (app.phase != AppPhase::Healthy || app.primary.isEmpty() || !reachable(app.primary))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a switchover needs a healthy primary; '%1' is %2%3")
                        .arg(app.config.name, appPhaseName(app.phase))
                        .arg(app.reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(app.reason)));
    for (const RankedCandidate &candidate : candidates(app)) {
        if (!requested.isEmpty() && candidate.facts.agent != requested)
            continue;
        if (!candidate.eligible) {
            if (requested.isEmpty())
                continue;
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 cannot take over: %2").arg(requested, candidate.excludedBecause));
        }
        // A warm replica holds the critical keys only and a cold one a past snapshot: swapping
        // roles with either would lose data the primary holds.
        if (candidate.facts.tier != Tier::Hot) {
            if (requested.isEmpty())
                continue;
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 is a %2 replica: a switchover needs a hot replica (use promote --force to "
                                       "accept the loss)")
                            .arg(requested, tierName(candidate.facts.tier)));
        }
        return candidate.facts.agent;
    }
    if (!requested.isEmpty() && requested == app.primary)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 is already the primary").arg(requested));
    return fail(ErrorCode::NotFound,
                requested.isEmpty()
                    ? QStringLiteral("'%1' has no eligible hot replica to switch over to").arg(app.config.name)
                    : QStringLiteral("%1 holds no replica of '%2'").arg(requested, app.config.name));
}

void ClusterEngine::Impl::doSwitchover(const SwitchoverRequest &request,
                                       std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise)
{
    auto found = m_apps.find(request.app);
    if (found == m_apps.end()) {
        promise->set_value(fail(ErrorCode::NotFound, QStringLiteral("no application named '%1'").arg(request.app)));
        return;
    }
    AppRuntime &app = found->second;
    if (app.switchover) {
        promise->set_value(fail(ErrorCode::InvalidArgument,
                                QStringLiteral("a switchover of '%1' to %2 is already under way")
                                    .arg(request.app, app.switchover->target)));
        return;
    }
    auto target = switchoverTarget(app, request.agent);
    if (!target) {
        promise->set_value(std::unexpected(target.error()));
        return;
    }
    OperatorOutcome outcome;
    outcome.details = QJsonObject{{QStringLiteral("app"), request.app},
                                  {QStringLiteral("primary"), app.primary},
                                  {QStringLiteral("target"), *target},
                                  {QStringLiteral("dry-run"), request.dryRun}};
    const QString plan = QStringLiteral("revoke %1's write lease (writes pause), wait until %2 holds everything %1 has "
                                        "(at most %3 ms, else %1 resumes), promote %2 at epoch %4, and re-point %1 as "
                                        "its replica; no acknowledged write is lost")
                             .arg(app.primary, *target)
                             .arg(kCatchUpTimeoutMs)
                             .arg(app.epoch + 1);
    if (request.dryRun) {
        outcome.summary = QStringLiteral("dry run: would %1").arg(plan);
        promise->set_value(outcome);
        return;
    }
    if (request.atWallMs > wallNow()) {
        SwitchoverRequest scheduled = request;
        scheduled.agent = request.agent; // chosen again at the time, unless named
        app.scheduledSwitchover = scheduled;
        outcome.summary
            = QStringLiteral("switchover of '%1' scheduled for %2").arg(request.app, wallTime(request.atWallMs));
        outcome.details.insert(QStringLiteral("at-ms"), request.atWallMs);
        journal(QStringLiteral("operator"), request.app, *target, outcome.summary, outcome.details, request.actor);
        promise->set_value(outcome);
        return;
    }
    journal(QStringLiteral("operator"),
            request.app,
            *target,
            QStringLiteral("switchover to %1: %2").arg(*target, plan),
            outcome.details,
            request.actor);
    startSwitchover(app, *target, request.actor, std::move(promise));
}

void ClusterEngine::Impl::startSwitchover(AppRuntime &app,
                                          const QString &target,
                                          const QString &actor,
                                          std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise)
{
    AppRuntime::Switchover switchover;
    switchover.target = target;
    switchover.actor = actor;
    switchover.promise = std::move(promise);
    switchover.startedMs = now();
    switchover.deadlineMs = now() + kCatchUpTimeoutMs;
    app.switchover = switchover;
    app.stopGranting = true;
    app.phase = AppPhase::SwitchingOver;
    app.reason = QStringLiteral("switchover to %1: revoking %2's lease").arg(target, app.primary);
    // lease-ms 0 ends the lease when the primary reads it; its reply proves it has stopped, so
    // no wait for the lease to run out is needed (grants stopped before this was sent, and the
    // connection delivers in order).
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("epoch"), qint64(app.epoch));
    body.insert(QStringLiteral("lease-ms"), 0);
    const QString appName = app.config.name;
    auto sent = request(app.primary, MessageType::Lease, body, kRequestTimeoutMs, [this, appName](auto result) {
        AppRuntime &running = m_apps.at(appName);
        if (!running.switchover)
            return;
        if (!result) {
            endSwitchover(running,
                          fail(result.error().code,
                               QStringLiteral("the primary did not confirm that it stopped taking writes: %1")
                                   .arg(result.error().message)));
            return;
        }
        running.switchover->revoked = true;
        running.switchover->revokedMs = now();
        running.reason = QStringLiteral("switchover to %1: writes paused, waiting for it to catch up")
                             .arg(running.switchover->target);
    });
    if (!sent)
        endSwitchover(app, std::unexpected(sent.error()));
}

void ClusterEngine::Impl::continueSwitchover(AppRuntime &app)
{
    AppRuntime::Switchover &switchover = *app.switchover;
    if (switchover.promoting)
        return;
    if (now() > switchover.deadlineMs) {
        endSwitchover(app,
                      fail(ErrorCode::Timeout,
                           QStringLiteral("%1 did not catch up within %2 ms; %3 resumes as primary")
                               .arg(switchover.target)
                               .arg(kCatchUpTimeoutMs)
                               .arg(app.primary)));
        return;
    }
    if (!switchover.revoked)
        return;
    // Both must have reported after the revoke: the primary's position is final from then on.
    const auto &primary = m_agents.at(app.primary);
    const auto &target = m_agents.at(switchover.target);
    if (!primary.last || !target.last || primary.last->receivedMs < switchover.revokedMs
        || target.last->receivedMs < switchover.revokedMs)
        return;
    const auto primaryStatus = appStatus(app.primary, app.config.name);
    const auto targetStatus = appStatus(switchover.target, app.config.name);
    if (!primaryStatus || !targetStatus)
        return;
    const qint64 primarySeq = primaryStatus->value(QStringLiteral("seq")).toInteger();
    const qint64 targetSeq = targetStatus->value(QStringLiteral("seq")).toInteger();
    if (targetSeq < primarySeq || primaryStatus->value(QStringLiteral("writable")).toBool())
        return;
    if (targetStatus->value(QStringLiteral("digest")).toString()
        != primaryStatus->value(QStringLiteral("digest")).toString()) {
        endSwitchover(app,
                      fail(ErrorCode::Corruption,
                           QStringLiteral("%1 reached seq %2 but its digest differs from the primary's; %3 resumes")
                               .arg(switchover.target)
                               .arg(targetSeq)
                               .arg(app.primary)));
        return;
    }
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("epoch"), qint64(app.epoch + 1));
    body.insert(QStringLiteral("lease-ms"), m_settings.leaseMs);
    body.insert(QStringLiteral("heartbeat"), qint64(target.last->seq));
    body.insert(QStringLiteral("incarnation"), qint64(target.last->incarnation));
    const std::int64_t anchorReceivedMs = target.last->receivedMs;
    const QString appName = app.config.name;
    const QString targetName = switchover.target;
    switchover.promoting = true;
    app.reason = QStringLiteral("switchover: promoting %1 at seq %2").arg(targetName).arg(targetSeq);
    auto sent = request(targetName,
                        MessageType::Promote,
                        body,
                        kRequestTimeoutMs,
                        [this, appName, targetName, anchorReceivedMs](auto result) {
                            AppRuntime &running = m_apps.at(appName);
                            if (!running.switchover)
                                return;
                            if (!result) {
                                running.switchover->promoting = false;
                                endSwitchover(running,
                                              fail(result.error().code,
                                                   QStringLiteral("promote failed: %1").arg(result.error().message)));
                                return;
                            }
                            const qint64 pauseMs = now() - running.switchover->startedMs;
                            running.manual = true;
                            running.manualActor = running.switchover->actor;
                            running.leaseCertainEndMs = anchorReceivedMs + m_settings.leaseMs + m_settings.leaseMs / 100
                                                        + m_settings.leaseMarginMs;
                            const QString former = running.primary;
                            onPromoted(running, targetName, *result);
                            OperatorOutcome outcome;
                            outcome.summary
                                = QStringLiteral(
                                      "switched over: %1 is primary of '%2' at epoch %3 (was %4); writes paused %5 ms")
                                      .arg(targetName, appName)
                                      .arg(running.epoch)
                                      .arg(former)
                                      .arg(pauseMs);
                            outcome.details = QJsonObject{{QStringLiteral("app"), appName},
                                                          {QStringLiteral("primary"), targetName},
                                                          {QStringLiteral("former"), former},
                                                          {QStringLiteral("epoch"), qint64(running.epoch)},
                                                          {QStringLiteral("pause-ms"), pauseMs}};
                            endSwitchover(running, outcome);
                        });
    if (!sent) {
        switchover.promoting = false;
        endSwitchover(app, std::unexpected(sent.error()));
    }
}

void ClusterEngine::Impl::endSwitchover(AppRuntime &app, Result<OperatorOutcome> result)
{
    if (!app.switchover)
        return;
    const auto promise = app.switchover->promise;
    const QString actor = app.switchover->actor;
    const QString target = app.switchover->target;
    app.switchover.reset();
    if (!result) {
        // The old primary carries on: grants resume with its next heartbeat.
        app.stopGranting = false;
        app.phase = AppPhase::Healthy;
        app.reason.clear();
        journal(QStringLiteral("switchover"),
                app.config.name,
                target,
                QStringLiteral("switchover failed: %1").arg(result.error().message),
                {},
                actor);
    } else {
        journal(QStringLiteral("switchover"), app.config.name, target, result->summary, result->details, actor);
    }
    publishSnapshot(true); // whoever waits on the promise sees the outcome in the snapshot too
    if (promise)
        promise->set_value(std::move(result));
}

} // namespace foresight::failover
