// Graceful switchover: revoke the primary's lease (it stops taking writes at once, ships what its
// replicas have not been sent yet, and names its final position in its reply), ask the target to
// answer once it holds that position, compare digests, promote the target on the condition that it
// still holds exactly that position, and re-point the old primary as its hot replica. Nothing
// acknowledged can be lost: the primary acknowledged its last write before the revoke, and the
// target holds exactly the primary's final state when promoted. Each step is timed; the breakdown
// goes into the journal with the pause.
//
// Rollback: a step that fails or times out before the promote leaves the target a replica, and the
// old primary's lease is granted again at once. A promote whose answer is lost may or may not
// have happened: the target is asked; if it cannot be asked, the engine waits until any lease the
// promote gave has certainly ended, then promotes the old primary to an epoch above the one the
// target may hold, so that if both ever meet, the target yields (docs/protocol.md 9.4).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>

#include <QCborArray>
#include <QDateTime>

#include "failover/engineimpl.h"
#include "foresight/config/impactcbor.h"

namespace foresight::failover {

using protocol::MessageType;

namespace {
constexpr int kCatchUpTimeoutMs = 5000; // revoke and catch-up, unless the caller says otherwise
constexpr int kAskAgainMs = 5;          // an agent that answers status without waiting is asked again

std::atomic<std::uint64_t> g_switchoverIds{0};

std::int64_t steadyUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Milliseconds with microsecond resolution, for the journal's breakdown of the pause.
double stepMs(std::int64_t fromUs, std::int64_t toUs, double rate)
{
    if (fromUs == 0 || toUs < fromUs)
        return 0;
    return std::round(double(toUs - fromUs) * rate) / 1000.0;
}

QCborMap appOfStatusReply(const QCborMap &reply, const QString &app)
{
    for (const QCborValue &value : reply.value(QStringLiteral("apps")).toArray()) {
        const QCborMap map = value.toMap();
        if (map.value(QStringLiteral("app")).toString() == app)
            return map;
    }
    return {};
}

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
                                          std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise,
                                          int timeoutMs)
{
    AppRuntime::Switchover switchover;
    switchover.id = ++g_switchoverIds;
    switchover.target = target;
    switchover.actor = actor;
    switchover.promise = std::move(promise);
    switchover.timeoutMs = timeoutMs > 0 ? timeoutMs : kCatchUpTimeoutMs;
    switchover.startedMs = now();
    switchover.deadlineMs = now() + switchover.timeoutMs;
    switchover.step = AppRuntime::Switchover::Step::Revoking;
    const std::uint64_t id = switchover.id;
    app.switchover = switchover;
    app.stopGranting = true;
    app.phase = AppPhase::SwitchingOver;
    app.reason = QStringLiteral("switchover to %1: revoking %2's lease").arg(target, app.primary);
    if (m_options.onSwitchoverStep)
        m_options.onSwitchoverStep(app.config.name, target, QStringLiteral("revoke"));
    // lease-ms 0 ends the lease when the primary reads it; its reply proves it has stopped, so
    // no wait for the lease to run out is needed (grants stopped before this was sent, and the
    // connection delivers in order). The reply names the primary's final position.
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("epoch"), qint64(app.epoch));
    body.insert(QStringLiteral("lease-ms"), 0);
    // Clients refused meanwhile are sent straight to the target, not around every agent.
    if (const config::ClusterAgent *agent = m_options.config.agent(target); agent && !agent->sdkUrl.isEmpty())
        body.insert(QStringLiteral("successor-sdk"), agent->sdkUrl);
    const QString appName = app.config.name;
    app.switchover->startUs = steadyUs();
    const int requestTimeoutMs = std::min(kRequestTimeoutMs, app.switchover->timeoutMs);
    auto sent = request(app.primary, MessageType::Lease, body, requestTimeoutMs, [this, appName, id](auto result) {
        AppRuntime &running = m_apps.at(appName);
        if (!running.switchover || running.switchover->id != id
            || running.switchover->step != AppRuntime::Switchover::Step::Revoking)
            return;
        AppRuntime::Switchover &ongoing = *running.switchover;
        if (!result) {
            endSwitchover(running,
                          fail(result.error().code,
                               QStringLiteral("the primary did not confirm that it stopped taking writes: %1")
                                   .arg(result.error().message)));
            return;
        }
        if (result->value(QStringLiteral("lease-left-ms")).toInteger() > 0
            || result->value(QStringLiteral("writable")).toBool()) {
            // Still taking writes (a lease left, or an application without write leases): its
            // position is not final, and promoting another agent now could lose its writes.
            endSwitchover(running,
                          fail(ErrorCode::Internal,
                               QStringLiteral("the primary still takes writes after the revoke; %1 resumes")
                                   .arg(running.primary)));
            return;
        }
        ongoing.revoked = true;
        ongoing.revokedMs = now();
        ongoing.revokedUs = steadyUs();
        if (!result->contains(QStringLiteral("seq")) || !result->contains(QStringLiteral("digest"))
            || !result->contains(QStringLiteral("writable"))) {
            // An agent older than the position in the lease reply: its next heartbeat says it.
            running.reason = QStringLiteral("switchover to %1: writes paused, waiting for %2's final position")
                                 .arg(ongoing.target, running.primary);
            return;
        }
        ongoing.primarySeq = std::uint64_t(result->value(QStringLiteral("seq")).toInteger());
        ongoing.primarySeqEpoch = std::uint64_t(result->value(QStringLiteral("seq-epoch")).toInteger());
        ongoing.primaryDigest = result->value(QStringLiteral("digest")).toString();
        askTargetPosition(running);
    });
    if (!sent)
        endSwitchover(app,
                      fail(sent.error().code,
                           QStringLiteral("could not revoke the lease of %1: %2")
                               .arg(app.primary, sent.error().message)));
}

void ClusterEngine::Impl::askTargetPosition(AppRuntime &app)
{
    AppRuntime::Switchover &switchover = *app.switchover;
    const bool first = switchover.step != AppRuntime::Switchover::Step::CatchingUp;
    switchover.step = AppRuntime::Switchover::Step::CatchingUp;
    switchover.askAgainAtMs = 0;
    app.reason = QStringLiteral("switchover to %1: writes paused, waiting until it holds seq %2")
                     .arg(switchover.target)
                     .arg(switchover.primarySeq);
    if (first && m_options.onSwitchoverStep)
        m_options.onSwitchoverStep(app.config.name, switchover.target, QStringLiteral("catch-up"));
    // The target answers once it holds the primary's final position (or when the wait runs out),
    // so the engine learns it the moment it is true, not at the next heartbeat.
    constexpr std::int64_t kMaxWaitMs = 60'000; // the agent's limit (docs/protocol.md 9.1): asked again after
    const std::int64_t left = std::clamp<std::int64_t>(switchover.deadlineMs - now(), 1, kMaxWaitMs);
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("wait-seq"), qint64(switchover.primarySeq));
    body.insert(QStringLiteral("wait-ms"), qint64(left));
    const QString appName = app.config.name;
    const std::uint64_t id = switchover.id;
    auto sent = request(switchover.target,
                        MessageType::Status,
                        body,
                        int(left) + kRequestTimeoutMs / 4,
                        [this, appName, id](auto result) {
                            AppRuntime &running = m_apps.at(appName);
                            if (!running.switchover || running.switchover->id != id
                                || running.switchover->step != AppRuntime::Switchover::Step::CatchingUp)
                                return;
                            AppRuntime::Switchover &ongoing = *running.switchover;
                            if (!result) {
                                endSwitchover(running,
                                              fail(result.error().code,
                                                   QStringLiteral("%1 did not say where it stands: %2; %3 resumes")
                                                       .arg(ongoing.target, result.error().message, running.primary)));
                                return;
                            }
                            const QCborMap status = appOfStatusReply(*result, appName);
                            const std::uint64_t seq = uintField(status, "seq");
                            if (status.isEmpty() || isPrimaryStatus(status)) {
                                endSwitchover(running,
                                              fail(ErrorCode::InvalidArgument,
                                                   QStringLiteral("%1 no longer holds a replica of '%2'; %3 resumes")
                                                       .arg(ongoing.target, appName, running.primary)));
                                return;
                            }
                            if (seq < ongoing.primarySeq) {
                                // The wait ran out, or an agent that does not wait: ask again
                                // shortly, until the deadline.
                                ongoing.askAgainAtMs = now() + kAskAgainMs;
                                return;
                            }
                            ongoing.caughtUpUs = steadyUs();
                            const QString digest = status.value(QStringLiteral("digest")).toString();
                            const bool agree = seq == ongoing.primarySeq && digest == ongoing.primaryDigest
                                               && uintField(status, "seq-epoch") == ongoing.primarySeqEpoch;
                            ongoing.digestUs = steadyUs();
                            if (!agree) {
                                endSwitchover(running,
                                              fail(ErrorCode::Corruption,
                                                   QStringLiteral("%1 holds seq %2 (digest %3) where the primary "
                                                                  "stopped at seq %4 (digest %5); %6 resumes")
                                                       .arg(ongoing.target)
                                                       .arg(seq)
                                                       .arg(digest)
                                                       .arg(ongoing.primarySeq)
                                                       .arg(ongoing.primaryDigest, running.primary)));
                                return;
                            }
                            promoteSwitchoverTarget(running);
                        });
    if (!sent)
        endSwitchover(app,
                      fail(sent.error().code,
                           QStringLiteral("could not ask %1 where it stands: %2; %3 resumes")
                               .arg(app.switchover->target, sent.error().message, app.primary)));
}

void ClusterEngine::Impl::promoteSwitchoverTarget(AppRuntime &app)
{
    AppRuntime::Switchover &switchover = *app.switchover;
    const auto &target = m_agents.at(switchover.target);
    if (!target.last) {
        endSwitchover(app,
                      fail(ErrorCode::Network,
                           QStringLiteral("no heartbeat of %1 to anchor its lease to; %2 resumes")
                               .arg(switchover.target, app.primary)));
        return;
    }
    switchover.step = AppRuntime::Switchover::Step::Promoting;
    switchover.promoting = true;
    if (m_options.onSwitchoverStep)
        m_options.onSwitchoverStep(app.config.name, switchover.target, QStringLiteral("promote"));
    switchover.newEpoch = app.epoch + 1;
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("epoch"), qint64(switchover.newEpoch));
    body.insert(QStringLiteral("lease-ms"), m_settings.leaseMs);
    body.insert(QStringLiteral("heartbeat"), qint64(target.last->seq));
    body.insert(QStringLiteral("incarnation"), qint64(target.last->incarnation));
    // Refused, changing nothing, unless the target still holds exactly the primary's final state.
    body.insert(QStringLiteral("expect-seq"), qint64(switchover.primarySeq));
    body.insert(QStringLiteral("expect-digest"), switchover.primaryDigest);
    // The target's own version: onto a shadow running an update, that update.
    if (const ProcessSpec &process = processOf(app, switchover.target); process.isSet())
        body.insert(QStringLiteral("process"), QCborMap::fromJsonObject(process.toJson()));
    body.insert(QStringLiteral("impact"), config::impactRulesToCbor(app.config.impact)); // as promotion.cpp
    const std::int64_t anchorReceivedMs = target.last->receivedMs;
    switchover.targetLeaseCertainEndMs = anchorReceivedMs + m_settings.leaseMs + m_settings.leaseMs / 100
                                         + m_settings.leaseMarginMs;
    switchover.promoteSentMs = now();
    const QString appName = app.config.name;
    const std::uint64_t id = switchover.id;
    app.reason = QStringLiteral("switchover: promoting %1 at seq %2").arg(switchover.target).arg(switchover.primarySeq);
    auto sent = request(switchover.target,
                        MessageType::Promote,
                        body,
                        kRequestTimeoutMs,
                        [this, appName, id, anchorReceivedMs](auto result) {
                            AppRuntime &running = m_apps.at(appName);
                            if (!running.switchover || running.switchover->id != id
                                || running.switchover->step != AppRuntime::Switchover::Step::Promoting)
                                return;
                            AppRuntime::Switchover &ongoing = *running.switchover;
                            if (!result) {
                                if (result.error().code == ErrorCode::Timeout) {
                                    // Sent but unanswered: it may have happened. Find out first.
                                    ongoing.failure
                                        = QStringLiteral("promote unanswered: %1").arg(result.error().message);
                                    resolveSwitchoverPromote(running);
                                    return;
                                }
                                // Refused: a refused promote changes nothing.
                                ongoing.promoting = false;
                                endSwitchover(running,
                                              fail(result.error().code,
                                                   QStringLiteral("promote refused: %1; %2 resumes")
                                                       .arg(result.error().message, running.primary)));
                                return;
                            }
                            ongoing.promotedUs = steadyUs();
                            running.leaseCertainEndMs = anchorReceivedMs + m_settings.leaseMs + m_settings.leaseMs / 100
                                                        + m_settings.leaseMarginMs;
                            completeSwitchover(running, *result);
                        });
    if (!sent) {
        switchover.promoting = false;
        endSwitchover(app,
                      fail(sent.error().code,
                           QStringLiteral("could not send the promote to %1: %2; %3 resumes")
                               .arg(app.switchover->target, sent.error().message, app.primary)));
    }
}

void ClusterEngine::Impl::resolveSwitchoverPromote(AppRuntime &app)
{
    AppRuntime::Switchover &switchover = *app.switchover;
    switchover.step = AppRuntime::Switchover::Step::Resolving;
    app.reason = QStringLiteral("switchover to %1: its promote went unanswered; asking it whether it happened")
                     .arg(switchover.target);
    journal(QStringLiteral("switchover"),
            app.config.name,
            switchover.target,
            QStringLiteral("switchover to %1: %2; asking %1 whether it was promoted before %3 resumes")
                .arg(switchover.target, switchover.failure, app.primary),
            {},
            switchover.actor);
    // The status request travels after the promote on the same connection: its answer tells
    // whether the promote arrived before it (if it ever will).
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    const QString appName = app.config.name;
    const std::uint64_t id = switchover.id;
    auto sent
        = request(switchover.target, MessageType::Status, body, kRequestTimeoutMs, [this, appName, id](auto result) {
              AppRuntime &running = m_apps.at(appName);
              if (!running.switchover || running.switchover->id != id
                  || running.switchover->step != AppRuntime::Switchover::Step::Resolving)
                  return;
              AppRuntime::Switchover &ongoing = *running.switchover;
              const QCborMap status = result ? appOfStatusReply(*result, appName) : QCborMap();
              if (result && isPrimaryStatus(status) && uintField(status, "epoch") >= ongoing.newEpoch) {
                  ongoing.promotedUs = steadyUs();
                  running.leaseCertainEndMs = std::max(running.leaseCertainEndMs, ongoing.targetLeaseCertainEndMs);
                  completeSwitchover(running, status);
                  return;
              }
              if (result) {
                  ongoing.promoting = false;
                  endSwitchover(running,
                                fail(ErrorCode::Timeout,
                                     QStringLiteral("%1; %2 says it was not promoted, so %3 resumes")
                                         .arg(ongoing.failure, ongoing.target, running.primary)));
                  return;
              }
              // Nobody can say: wait until a lease that promote may have given has certainly ended.
              ongoing.step = AppRuntime::Switchover::Step::AwaitingTargetLease;
              running.reason = QStringLiteral(
                                   "switchover to %1: it cannot say whether it was promoted; %2 resumes at a "
                                   "higher epoch once any lease %1 may hold has ended")
                                   .arg(ongoing.target, running.primary);
          });
    if (!sent) {
        switchover.step = AppRuntime::Switchover::Step::AwaitingTargetLease;
        return;
    }
}

void ClusterEngine::Impl::reinstateOldPrimary(AppRuntime &app)
{
    AppRuntime::Switchover &switchover = *app.switchover;
    switchover.step = AppRuntime::Switchover::Step::Reinstating;
    const auto primary = m_agents.find(app.primary);
    if (primary == m_agents.end() || !primary->second.last) {
        switchover.promoting = false;
        endSwitchover(app,
                      fail(ErrorCode::Network,
                           QStringLiteral("%1; %2 could not be reinstated either").arg(switchover.failure, app.primary)));
        return;
    }
    // An epoch above the one the target may have taken: if it was promoted and comes back, it is
    // the older primary and rejoins as a replica, instead of fencing the one that carried on.
    const std::uint64_t epoch = switchover.newEpoch + 1;
    QCborMap body;
    body.insert(QStringLiteral("app"), app.config.name);
    body.insert(QStringLiteral("epoch"), qint64(epoch));
    body.insert(QStringLiteral("lease-ms"), m_settings.leaseMs);
    body.insert(QStringLiteral("heartbeat"), qint64(primary->second.last->seq));
    body.insert(QStringLiteral("incarnation"), qint64(primary->second.last->incarnation));
    body.insert(QStringLiteral("expect-seq"), qint64(switchover.primarySeq));
    body.insert(QStringLiteral("expect-digest"), switchover.primaryDigest);
    const std::int64_t anchorReceivedMs = primary->second.last->receivedMs;
    const QString appName = app.config.name;
    const std::uint64_t id = switchover.id;
    auto sent = request(app.primary,
                        MessageType::Promote,
                        body,
                        kRequestTimeoutMs,
                        [this, appName, id, anchorReceivedMs](auto result) {
                            AppRuntime &running = m_apps.at(appName);
                            if (!running.switchover || running.switchover->id != id)
                                return;
                            AppRuntime::Switchover &ongoing = *running.switchover;
                            ongoing.promoting = false;
                            if (!result) {
                                endSwitchover(running,
                                              fail(result.error().code,
                                                   QStringLiteral("%1; reinstating %2 at a higher epoch failed: %3")
                                                       .arg(ongoing.failure, running.primary, result.error().message)));
                                return;
                            }
                            running.epoch = std::uint64_t(result->value(QStringLiteral("epoch")).toInteger());
                            running.leaseCertainEndMs = std::max(running.leaseCertainEndMs,
                                                                 anchorReceivedMs + m_settings.leaseMs
                                                                     + m_settings.leaseMs / 100
                                                                     + m_settings.leaseMarginMs);
                            endSwitchover(running,
                                          fail(ErrorCode::Timeout,
                                               QStringLiteral("%1; %2 could not say whether it was promoted, so %3 "
                                                              "resumes at epoch %4")
                                                   .arg(ongoing.failure, ongoing.target, running.primary)
                                                   .arg(running.epoch)));
                        });
    if (!sent) {
        switchover.promoting = false;
        endSwitchover(app,
                      fail(sent.error().code,
                           QStringLiteral("%1; could not reinstate %2: %3")
                               .arg(app.switchover->failure, app.primary, sent.error().message)));
    }
}

void ClusterEngine::Impl::continueSwitchover(AppRuntime &app)
{
    using Step = AppRuntime::Switchover::Step;
    AppRuntime::Switchover &switchover = *app.switchover;
    switch (switchover.step) {
    case Step::Promoting:
    case Step::Reinstating:
        return; // their requests have time-outs of their own
    case Step::Resolving:
    case Step::AwaitingTargetLease:
        // A heartbeat of the target naming it primary at the new epoch settles the doubt.
        if (auto status = appStatus(switchover.target, app.config.name);
            status && isPrimaryStatus(*status) && uintField(*status, "epoch") >= switchover.newEpoch) {
            switchover.promotedUs = steadyUs();
            app.leaseCertainEndMs = std::max(app.leaseCertainEndMs, switchover.targetLeaseCertainEndMs);
            completeSwitchover(app, *status);
            return;
        }
        if (switchover.step == Step::AwaitingTargetLease && now() >= switchover.targetLeaseCertainEndMs)
            reinstateOldPrimary(app);
        return;
    case Step::Revoking:
    case Step::CatchingUp:
        break;
    }
    if (const auto target = m_agents.find(switchover.target); target == m_agents.end() || target->second.suspected) {
        // The target fell silent: no reason to keep the writes paused until the deadline.
        endSwitchover(app,
                      fail(ErrorCode::Network,
                           QStringLiteral("%1 stopped answering during the switchover; %2 resumes as primary")
                               .arg(switchover.target, app.primary)));
        return;
    }
    if (now() > switchover.deadlineMs) {
        endSwitchover(app,
                      fail(ErrorCode::Timeout,
                           QStringLiteral("%1 did not catch up within %2 ms; %3 resumes as primary")
                               .arg(switchover.target)
                               .arg(switchover.timeoutMs)
                               .arg(app.primary)));
        return;
    }
    if (switchover.step == Step::CatchingUp) {
        if (switchover.askAgainAtMs != 0 && now() >= switchover.askAgainAtMs)
            askTargetPosition(app);
        return;
    }
    if (!switchover.revoked)
        return;
    // Revoked by an agent whose reply did not name its position: its first heartbeat after the
    // revoke does, and it is final (writes stopped before the reply was sent).
    const auto &primary = m_agents.at(app.primary);
    if (!primary.last || primary.last->receivedMs < switchover.revokedMs)
        return;
    const auto primaryStatus = appStatus(app.primary, app.config.name);
    if (!primaryStatus || primaryStatus->value(QStringLiteral("writable")).toBool())
        return;
    switchover.primarySeq = uintField(*primaryStatus, "seq");
    switchover.primarySeqEpoch = uintField(*primaryStatus, "seq-epoch");
    switchover.primaryDigest = primaryStatus->value(QStringLiteral("digest")).toString();
    askTargetPosition(app);
}

void ClusterEngine::Impl::completeSwitchover(AppRuntime &app, const QCborMap &reply)
{
    AppRuntime::Switchover &switchover = *app.switchover;
    switchover.promoting = false;
    const QString targetName = switchover.target;
    const QString appName = app.config.name;
    const double rate = m_clock.rate();
    const std::int64_t pauseUs = std::llround(double(switchover.promotedUs - switchover.startUs) * rate);
    app.manual = true;
    app.manualActor = switchover.actor;
    const QString former = app.primary;
    adoptShadowVersion(app, targetName, former);
    onPromoted(app, targetName, reply);
    // Roles swap: the old primary follows the new one as its hot replica at once (it holds the
    // same state, so it catches up by log), instead of waiting to be noticed as a stray primary.
    if (!former.isEmpty() && former != targetName && reachable(former)) {
        // It holds exactly the position handed over: it keeps its state and follows by log.
        const QCborMap keep{{QStringLiteral("keep-seq"), qint64(switchover.primarySeq)},
                            {QStringLiteral("keep-digest"), switchover.primaryDigest}};
        if (sendAssign(former, app, Role::Replica, Tier::Hot, keep)) {
            journal(QStringLiteral("repoint"),
                    appName,
                    former,
                    QStringLiteral("the former primary follows %1 as its hot replica").arg(targetName));
        }
    }
    QJsonObject details{{QStringLiteral("app"), appName},
                        {QStringLiteral("primary"), targetName},
                        {QStringLiteral("former"), former},
                        {QStringLiteral("epoch"), qint64(app.epoch)},
                        {QStringLiteral("seq"), qint64(switchover.primarySeq)},
                        {QStringLiteral("digest"), switchover.primaryDigest},
                        {QStringLiteral("pause-ms"), qint64((pauseUs + 999) / 1000)},
                        {QStringLiteral("pause-us"), qint64(pauseUs)},
                        {QStringLiteral("revoke-ms"), stepMs(switchover.startUs, switchover.revokedUs, rate)},
                        {QStringLiteral("catch-up-ms"), stepMs(switchover.revokedUs, switchover.caughtUpUs, rate)},
                        {QStringLiteral("digest-ms"), stepMs(switchover.caughtUpUs, switchover.digestUs, rate)},
                        {QStringLiteral("promote-ms"), stepMs(switchover.digestUs, switchover.promotedUs, rate)}};
    OperatorOutcome outcome;
    outcome.summary = QStringLiteral("switched over: %1 is primary of '%2' at epoch %3 (was %4); writes paused %5 ms")
                          .arg(targetName, appName)
                          .arg(app.epoch)
                          .arg(former)
                          .arg(QString::number(double(pauseUs) / 1000.0, 'f', 1));
    outcome.details = details;
    endSwitchover(app, outcome);
}

void ClusterEngine::Impl::endSwitchover(AppRuntime &app, Result<OperatorOutcome> result)
{
    if (!app.switchover)
        return;
    const AppRuntime::Switchover switchover = *app.switchover;
    app.switchover.reset();
    if (!result) {
        // The old primary carries on: its lease is granted again now, anchored to its latest
        // heartbeat, rather than at its next one.
        app.stopGranting = false;
        app.phase = AppPhase::Healthy;
        app.reason.clear();
        if (const auto primary = m_agents.find(app.primary); primary != m_agents.end() && primary->second.last)
            grantLease(app, primary->second, *primary->second.last);
        const double rate = m_clock.rate();
        const char *steps[] = {"revoke", "catch-up", "promote", "promote", "promote", "promote"};
        QJsonObject details{{QStringLiteral("app"), app.config.name},
                            {QStringLiteral("primary"), app.primary},
                            {QStringLiteral("target"), switchover.target},
                            {QStringLiteral("rolled-back"), true},
                            {QStringLiteral("failed-step"), QLatin1String(steps[int(switchover.step)])},
                            {QStringLiteral("error"), errorCodeName(result.error().code)},
                            {QStringLiteral("paused-ms"), stepMs(switchover.startUs, steadyUs(), rate)}};
        journal(QStringLiteral("switchover"),
                app.config.name,
                switchover.target,
                QStringLiteral("switchover failed, rolled back to %1: %2").arg(app.primary, result.error().message),
                details,
                switchover.actor);
    } else {
        journal(QStringLiteral("switchover"),
                app.config.name,
                switchover.target,
                result->summary,
                result->details,
                switchover.actor);
    }
    publishSnapshot(true); // whoever waits on the promise sees the outcome in the snapshot too
    if (switchover.promise)
        switchover.promise->set_value(std::move(result));
}

} // namespace foresight::failover
