// Control commands from consoles and foresightctl: assign, promote, take-snapshot, lease, fault,
// release (status: statusreply.cpp).

#include <utility>

#include <QCborArray>
#include <QJsonObject>

#include "agent/agentimpl.h"
#include "foresight/config/impactcbor.h"
#include "foresight/core/logging.h"

namespace foresight::agent {

using protocol::Message;
using protocol::MessageType;

namespace {

constexpr qint64 kMaxLeaseMs = 600'000;

QCborMap withId(qint64 id)
{
    QCborMap body;
    body.insert(QStringLiteral("id"), id);
    return body;
}

// Control messages carry configuration as CBOR maps with the same names as the JSON file.
QJsonObject toJson(const QCborMap &map)
{
    return map.toJsonObject();
}

// The application's impact function as an assign or promote carries it (`impact`, checked and
// compiled before anything changes, so a bad rule refuses the request); nullopt when absent,
// which keeps the rules the agent holds.
Result<std::optional<config::ImpactFunction>> impactOf(const QCborMap &body, const QString &path)
{
    const QCborValue given = body.value(QStringLiteral("impact"));
    if (given.isUndefined())
        return std::nullopt;
    auto compiled = config::impactFunctionFromCbor(given, path);
    if (!compiled)
        return std::unexpected(compiled.error());
    return std::optional<config::ImpactFunction>(std::move(*compiled));
}

} // namespace

Status Agent::Impl::applyAssignment(const AppAssignment &assignment,
                                    const std::optional<std::pair<std::uint64_t, QString>> &keep,
                                    std::optional<config::ImpactFunction> impact)
{
    if (auto ok = assignment.validate(); !ok)
        return ok;
    // Check everything that can fail before changing anything, so a refused assign leaves the
    // application as it was.
    if (assignment.role == Role::Replica && !transport::isTcp(assignment.primaryUrl)
        && !assignment.primaryUrl.startsWith(QLatin1String("ipc://"))) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("primary endpoint '%1' must be tcp://HOST:PORT or ipc://PATH")
                        .arg(assignment.primaryUrl));
    }
    if (const AppInstance *existing = findApp(assignment.app);
        existing && existing->role == Role::Replica && assignment.role == Role::Primary) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is a replica here: use promote, which raises the epoch, to make it primary")
                        .arg(assignment.app));
    }
    // The keys a warm replica gets in order: the critical patterns and the impact function's
    // critical rules (partitioning/keyclassifier.h).
    const AppInstance *before = findApp(assignment.app);
    const QStringList critical = partitioning::effectiveCriticalPatterns(assignment.config.critical,
                                                                         impact ? *impact
                                                                                : (before ? before->impact
                                                                                          : config::ImpactFunction()));
    {
        state::KeyValueState probe;
        if (auto ok = probe.setCriticalPatterns(critical); !ok)
            return ok;
    }
    auto &slot = m_apps[assignment.app];
    const bool created = !slot;
    if (created) {
        slot = std::make_unique<AppInstance>();
        slot->name = assignment.app;
    }
    AppInstance &app = *slot;
    const bool patternsChanged = app.state.criticalPatterns() != critical;
    if (patternsChanged)
        (void) app.state.setCriticalPatterns(critical); // checked above
    app.config = assignment.config;
    if (impact)
        app.impact = std::move(*impact);
    app.shadow = assignment.shadow;
    (void) configurePartitions(app); // the patterns were checked above
    app.log.setLimits(app.config.logMaxDeltas, app.config.logMaxBytes);

    if (assignment.role == Role::Primary) {
        app.role = Role::Primary;
        app.tier = Tier::None;
        app.stream.clearPositions(); // positions of an earlier time as primary may have been rewritten since
        app.epoch = qMax<std::uint64_t>(app.epoch, qMax<std::uint64_t>(1, app.state.epoch()));
        app.state.setSequencing(state::KeyValueState::Sequencing::Strict);
        if (patternsChanged)
            resyncWarmReplicas(app);
        qCInfo(lcAgent) << app.name << ": primary at epoch" << app.epoch;
        return {};
    }

    // Becoming (or staying) a replica: a primary being demoted stops taking writes first.
    if (app.role == Role::Primary && !created) {
        failPendingWrites(app, ErrorCode::NotPrimary, QStringLiteral("'%1' was demoted on this agent").arg(app.name));
        app.stream.reset();
    }
    const bool tierChanged = app.tier != assignment.tier;
    const bool wasPrimary = app.role == Role::Primary && !created;
    // A switchover's old primary holds exactly what its successor was promoted with: it follows
    // it by log from there, instead of by a snapshot of the whole state.
    const bool keepState = wasPrimary && keep && keep->first == app.state.seq()
                           && keep->second == app.state.digest().toHex();
    app.overlay.reset(); // predictions are served by a primary only
    app.usage.reset();   // so is the usage a profile learns from; a later promotion starts afresh
    dropPartitions(app); // and the partitions made from it
    app.role = Role::Replica;
    app.tier = assignment.tier;
    app.fenced = false;
    app.fencedReason.clear();
    app.state.setSequencing(app.tier == Tier::Warm ? state::KeyValueState::Sequencing::AllowGaps
                                                   : state::KeyValueState::Sequencing::Strict);
    if (wasPrimary && !keepState && !app.log.isEmpty()) {
        // A demoted primary's log may hold the real deltas of a gap its successor stands in for
        // with predictions: kept aside until the new primary has asked (predictionside.cpp).
        app.formerLog = std::make_unique<state::DeltaLog>(
            std::exchange(app.log, state::DeltaLog(app.config.logMaxDeltas, app.config.logMaxBytes)));
    }
    if (tierChanged && !created && !(keepState && app.tier == Tier::Hot)) {
        // A replica's contents depend on its tier (warm holds critical keys only): start over.
        app.state.clear();
        app.log.clear();
    }
    if (app.tier == Tier::Cold && app.state.seq() == 0) {
        // A cold replica starts from its last durable snapshot, so it survives restarts.
        {
            auto latest = snapshots().loadLatest(app.name);
            if (latest && *latest) {
                if (auto ok = app.state.restore(**latest); ok) {
                    app.epoch = qMax(app.epoch, (*latest)->epoch);
                    app.lastStored = storage::SnapshotInfo{app.name,
                                                           (*latest)->epoch,
                                                           (*latest)->seq,
                                                           (*latest)->digest,
                                                           (*latest)->takenAtMs,
                                                           (*latest)->entries.size()};
                }
            } else if (!latest) {
                app.lastStoreError = latest.error().message;
            }
        }
    }
    app.upstream.reset();
    return connectUpstream(app, assignment.primaryUrl, assignment.primaryPublicKey);
}

void Agent::Impl::handleAssign(const ReplyRoute &route, const Message &message)
{
    AppAssignment assignment;
    assignment.app = message.body.value(QStringLiteral("app")).toString();
    const auto role = roleFromName(message.body.value(QStringLiteral("role")).toString());
    const auto tier = tierFromName(message.body.value(QStringLiteral("tier")).toString(QStringLiteral("none")));
    if (!role || !tier) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("assign: role must be primary or replica, tier hot, warm or cold"));
        return;
    }
    assignment.role = *role;
    assignment.tier = *tier;
    const QCborMap primary = message.body.value(QStringLiteral("primary")).toMap();
    assignment.primaryUrl = primary.value(QStringLiteral("url")).toString();
    assignment.primaryPublicKey = primary.value(QStringLiteral("public-key")).toString().toLatin1();
    assignment.shadow = message.body.value(QStringLiteral("shadow")).toBool(false);
    if (AppInstance *existing = findApp(assignment.app))
        assignment.config = existing->config;
    if (auto ok = assignment.config.mergeJson(toJson(message.body.value(QStringLiteral("config")).toMap()),
                                              QStringLiteral("assign"));
        !ok) {
        replyError(route, ok.error().code, ok.error().message);
        return;
    }
    if (assignment.role == Role::Replica && transport::isTcp(assignment.primaryUrl) && !m_options.insecure
        && !transport::isZ85Key(assignment.primaryPublicKey)) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("assign: a replica needs primary.public-key (the primary agent's Z85 key)"));
        return;
    }
    // Absent: the rules held stay, as absent config fields do.
    auto impact = impactOf(message.body, QStringLiteral("assign.impact"));
    if (!impact) {
        replyError(route, impact.error().code, impact.error().message);
        return;
    }
    std::optional<std::pair<std::uint64_t, QString>> keep;
    if (const QCborValue keepSeq = message.body.value(QStringLiteral("keep-seq")); keepSeq.isInteger())
        keep = {std::uint64_t(keepSeq.toInteger()), message.body.value(QStringLiteral("keep-digest")).toString()};
    if (auto ok = applyAssignment(assignment, keep, std::move(*impact)); !ok) {
        replyError(route, ok.error().code, ok.error().message);
        return;
    }
    if (const AppInstance *app = findApp(assignment.app))
        superviseInstance(*app);
    qCInfo(lcAgent) << "assigned" << assignment.app << roleName(assignment.role) << tierName(assignment.tier);
    reply(route, protocol::makeOk(route.requestId));
}

Result<std::int64_t> Agent::Impl::leaseEndOfGrant(const QCborMap &body, std::int64_t leaseMs) const
{
    const QCborValue heartbeat = body.value(QStringLiteral("heartbeat"));
    if (heartbeat.isUndefined()) {
        // Counted from arrival: a grant that waited in a queue (a stopped process, a slow link)
        // gives a fresh lease long after its console has written this primary off. Manual use only.
        return now() + leaseMs;
    }
    // Anchored to heartbeat N: the lease ends at send(N) + leaseMs on this agent's monotonic
    // clock. The console received N at recv(N) >= send(N), so the lease ends no later than
    // recv(N) + leaseMs on the console's clock (plus the drift between the two clocks over that
    // span). However long the grant itself was delayed, in a queue or in a frozen process, it
    // cannot extend the lease past that point: a late grant is anchored to an old heartbeat and
    // gives nothing. So a console that waits out recv(N) + leaseMs (plus a margin) after the last
    // heartbeat it anchored a grant to knows this primary has stopped writing.
    // The schema makes both fields uints and `incarnation` required with `heartbeat`.
    const auto seq = std::uint64_t(heartbeat.toInteger());
    const auto incarnation = std::uint64_t(body.value(QStringLiteral("incarnation")).toInteger());
    std::optional<std::int64_t> sentMs;
    QString why;
    if (incarnation != m_incarnation)
        why = QStringLiteral("it names another process of this agent (restarted since?)");
    else if (seq > m_heartbeatSeq)
        why = QStringLiteral("this agent has not sent it yet");
    else if (sentMs = heartbeatSentMs(seq); !sentMs)
        why = QStringLiteral("it is older than the last %1 heartbeat rounds").arg(kHeartbeatRounds);
    if (!sentMs) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("lease anchored to heartbeat %1 of incarnation %2: not a recent heartbeat of "
                                   "this agent (incarnation %3, last heartbeat %4): %5; anchor the grant to a "
                                   "heartbeat just received")
                        .arg(seq)
                        .arg(incarnation)
                        .arg(m_incarnation)
                        .arg(m_heartbeatSeq)
                        .arg(why));
    }
    return *sentMs + leaseMs;
}

void Agent::Impl::handlePromote(const ReplyRoute &route, const Message &message)
{
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    AppInstance *app = findApp(appName);
    if (!app) {
        replyError(route, ErrorCode::NotFound, QStringLiteral("this agent holds no application '%1'").arg(appName));
        return;
    }
    const QCborValue requested = message.body.value(QStringLiteral("epoch"));
    // An unfenced primary may be promoted again only to raise its epoch: a switchover that could
    // not learn whether its target was promoted gives the old primary an epoch above the
    // target's, so the target, if it was promoted, is the one that yields when they meet.
    const bool raise = app->role == Role::Primary && !app->fenced && requested.isInteger()
                       && std::uint64_t(requested.toInteger()) > app->epoch;
    if (app->role == Role::Primary && !app->fenced && !raise) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("'%1' is already primary here (epoch %2)").arg(appName).arg(app->epoch));
        return;
    }
    const qint64 leaseMs = message.body.value(QStringLiteral("lease-ms")).toInteger(0);
    if (leaseMs > kMaxLeaseMs) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("promote: lease-ms must be at most %1").arg(kMaxLeaseMs));
        return;
    }
    // The process the new primary runs (docs/protocol.md 9.4): the console's current version, which
    // a replica assigned before an update does not have yet. Checked before anything changes.
    std::optional<ProcessSpec> process;
    if (const QCborValue given = message.body.value(QStringLiteral("process")); given.isMap()) {
        auto spec = ProcessSpec::fromJson(toJson(given.toMap()), QStringLiteral("promote: process"));
        if (!spec) {
            replyError(route, spec.error().code, spec.error().message);
            return;
        }
        process = *spec;
    }
    // Its impact function likewise: a replica assigned by an earlier console may hold older rules.
    auto impact = impactOf(message.body, QStringLiteral("promote.impact"));
    if (!impact) {
        replyError(route, impact.error().code, impact.error().message);
        return;
    }
    // A switchover names the position the old primary stopped at: promoting anything else would
    // lose acknowledged writes (behind) or resurrect ones it never had (ahead or diverged).
    const QCborValue expectSeq = message.body.value(QStringLiteral("expect-seq"));
    const QCborValue expectDigest = message.body.value(QStringLiteral("expect-digest"));
    // And a promote that arrives late, after the agent has heard of the epoch it would create (the
    // old primary carried on at a higher one), is stale.
    const bool stale = expectSeq.isInteger() && requested.isInteger()
                       && std::uint64_t(requested.toInteger()) <= app->epoch;
    if (stale) {
        replyError(route,
                   ErrorCode::StaleEpoch,
                   QStringLiteral("promote to epoch %1 refused: '%2' is already at epoch %3 here")
                       .arg(requested.toInteger())
                       .arg(appName)
                       .arg(app->epoch),
                   QCborMap{{QStringLiteral("epoch"), qint64(app->epoch)}});
        return;
    }
    if ((expectSeq.isInteger() && std::uint64_t(expectSeq.toInteger()) != app->state.seq())
        || (expectDigest.isString() && expectDigest.toString() != app->state.digest().toHex())) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("promote: expected seq %1 and digest %2, '%3' holds seq %4 and digest %5 here")
                       .arg(expectSeq.isInteger() ? QString::number(expectSeq.toInteger()) : QStringLiteral("any"),
                            expectDigest.isString() ? expectDigest.toString() : QStringLiteral("any"),
                            appName)
                       .arg(app->state.seq())
                       .arg(app->state.digest().toHex()));
        return;
    }
    app->successorSdk.clear();
    if (*impact) {
        app->impact = std::move(**impact);
        // The critical keys follow the rules (keyclassifier.h); the new primary's warm replicas
        // are welcomed with them when they join it.
        const QStringList critical = partitioning::effectiveCriticalPatterns(app->config.critical, app->impact);
        if (critical != app->state.criticalPatterns())
            (void) app->state.setCriticalPatterns(critical); // compiled as the rules' patterns
        (void) configurePartitions(*app);
    }
    if (raise) {
        app->epoch = std::uint64_t(requested.toInteger());
        app->leaseUntilMs = now();
        QString leaseRefused;
        if (leaseMs > 0) {
            if (auto until = leaseEndOfGrant(message.body, leaseMs))
                app->leaseUntilMs = qMax(app->leaseUntilMs, *until);
            else
                leaseRefused = until.error().message;
        }
        const std::int64_t leaseLeftMs = qMax<std::int64_t>(0, app->leaseUntilMs - now());
        qCWarning(lcAgent) << appName << ": epoch raised to" << app->epoch << "as primary; lease left" << leaseLeftMs
                           << "ms";
        // The replicas learn the new epoch now (a keep-alive carries it), so a promote meant for
        // one of them that arrives late is refused as stale.
        QList<QByteArray> broken;
        for (ReplicaLink &link : app->stream.links()) {
            if (!flushLink(*app, link))
                broken.append(link.identity);
        }
        for (const QByteArray &identity : broken)
            dropLink(*app, identity, QStringLiteral("replica unreachable"));
        QCborMap body = withId(route.requestId);
        body.insert(QStringLiteral("app"), appName);
        body.insert(QStringLiteral("epoch"), qint64(app->epoch));
        body.insert(QStringLiteral("seq"), qint64(app->state.seq()));
        body.insert(QStringLiteral("digest"), app->state.digest().toHex());
        body.insert(QStringLiteral("former-tier"), tierName(Tier::None));
        body.insert(QStringLiteral("lease-left-ms"), qint64(leaseLeftMs));
        if (!leaseRefused.isEmpty())
            body.insert(QStringLiteral("lease-refused"), leaseRefused);
        reply(route, Message{MessageType::Ok, body});
        return;
    }
    // The new epoch is above anything this agent has seen, so the old primary's deltas and
    // writes are refused from now on.
    std::uint64_t epoch = qMax(app->epoch, app->state.epoch()) + 1;
    if (requested.isInteger() && std::uint64_t(requested.toInteger()) > epoch)
        epoch = std::uint64_t(requested.toInteger());
    const Tier formerTier = app->tier;
    // The old primary's last known position, as its console saw it: beyond ours is a gap.
    const auto primarySeq = std::uint64_t(message.body.value(QStringLiteral("primary-seq")).toInteger(0));
    app->upstream.reset();
    app->formerLog.reset(); // primary again: its own history is the state now
    app->role = Role::Primary;
    app->tier = Tier::None;
    app->epoch = epoch;
    app->fenced = false;
    app->fencedReason.clear();
    app->stream.reset();
    app->state.setSequencing(state::KeyValueState::Sequencing::Strict);
    // A console that promotes grants the first lease with it, so writes need no second round trip.
    // The promotion stands even when the lease's anchor is not recognised: it then grants no lease
    // (a lease from an earlier stint as primary is for an older epoch and ends here too), and the
    // console grants one with its next `lease`.
    app->leaseUntilMs = now();
    QString leaseRefused;
    if (leaseMs > 0) {
        if (auto until = leaseEndOfGrant(message.body, leaseMs))
            app->leaseUntilMs = qMax(app->leaseUntilMs, *until);
        else
            leaseRefused = until.error().message;
    }
    applySpeculativeOverlay(*app, primarySeq);
    const std::int64_t leaseLeftMs = qMax<std::int64_t>(0, app->leaseUntilMs - now());
    qCWarning(lcAgent) << appName << ": promoted from" << tierName(formerTier) << "to primary at epoch" << epoch
                       << "sequence" << app->state.seq() << "lease left" << leaseLeftMs << "ms";
    if (!leaseRefused.isEmpty())
        qCWarning(lcAgent) << appName << ": promoted without a lease:" << leaseRefused;
    QCborMap body = withId(route.requestId);
    body.insert(QStringLiteral("app"), appName);
    body.insert(QStringLiteral("epoch"), qint64(epoch));
    body.insert(QStringLiteral("seq"), qint64(app->state.seq()));
    body.insert(QStringLiteral("digest"), app->state.digest().toHex());
    body.insert(QStringLiteral("former-tier"), tierName(formerTier));
    body.insert(QStringLiteral("lease-left-ms"), qint64(leaseLeftMs));
    if (!leaseRefused.isEmpty())
        body.insert(QStringLiteral("lease-refused"), leaseRefused);
    if (app->overlay)
        body.insert(QStringLiteral("predicted"), app->overlay->applied);
    app->shadow = false; // a primary now: its instance turns active
    if (process)
        app->config.process = *process;
    superviseInstance(*app);
    reply(route, Message{MessageType::Ok, body});
}

void Agent::Impl::handleLease(const ReplyRoute &route, const Message &message)
{
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    AppInstance *app = findApp(appName);
    if (!app || app->role != Role::Primary) {
        replyError(route,
                   ErrorCode::NotPrimary,
                   QStringLiteral("agent '%1' is not the primary of '%2'").arg(m_options.name, appName));
        return;
    }
    const auto epoch = std::uint64_t(message.body.value(QStringLiteral("epoch")).toInteger());
    if (epoch != app->epoch || app->fenced) {
        // A lease names the epoch it was granted for: an old primary must not take one meant for
        // its successor, nor a successor one meant for the old primary.
        replyError(route,
                   ErrorCode::StaleEpoch,
                   QStringLiteral("lease for epoch %1 refused: '%2' is at epoch %3%4")
                       .arg(epoch)
                       .arg(appName)
                       .arg(app->epoch)
                       .arg(app->fenced ? QStringLiteral(" and fenced") : QString()),
                   QCborMap{{QStringLiteral("epoch"), qint64(app->epoch)}});
        return;
    }
    const qint64 leaseMs = message.body.value(QStringLiteral("lease-ms")).toInteger();
    if (leaseMs > kMaxLeaseMs) {
        replyError(route, ErrorCode::InvalidArgument, QStringLiteral("lease-ms must be at most %1").arg(kMaxLeaseMs));
        return;
    }
    auto until = leaseEndOfGrant(message.body, leaseMs);
    if (!until) {
        replyError(route, until.error().code, until.error().message);
        return;
    }
    const bool anchored = message.body.contains(QStringLiteral("heartbeat"));
    // An anchored grant only ever extends the lease: grants for older heartbeats may arrive after
    // newer ones. An unanchored one sets it, so an operator can end a lease with lease-ms 0.
    app->leaseUntilMs = anchored ? qMax(app->leaseUntilMs, *until) : *until;
    const std::int64_t leaseLeftMs = qMax<std::int64_t>(0, app->leaseUntilMs - now());
    if (anchored && *until <= now()) {
        qCInfo(lcAgent) << appName << ": a lease grant anchored to heartbeat"
                        << message.body.value(QStringLiteral("heartbeat")).toInteger() << "arrived" << now() - *until
                        << "ms after it would have ended; it gives nothing";
    }
    // A revoke may name the agent about to take over; any grant that leaves a lease forgets it.
    app->successorSdk = holdsWriteLease(*app) ? QString()
                                              : message.body.value(QStringLiteral("successor-sdk")).toString();
    if (!holdsWriteLease(*app)) {
        // Revoked (a switchover's lease-ms 0): no write is taken from here on, so the position
        // below is final. Ship what the replicas have not been sent yet before answering, so the
        // successor holds it by the time its console asks.
        flushNow(*app);
    }
    QCborMap body = withId(route.requestId);
    body.insert(QStringLiteral("app"), appName);
    body.insert(QStringLiteral("epoch"), qint64(app->epoch));
    body.insert(QStringLiteral("lease-ms"), leaseMs);
    body.insert(QStringLiteral("lease-left-ms"), qint64(leaseLeftMs));
    body.insert(QStringLiteral("seq"), qint64(app->state.seq()));
    body.insert(QStringLiteral("seq-epoch"), qint64(app->state.epoch()));
    body.insert(QStringLiteral("digest"), app->state.digest().toHex());
    // Without write leases (leaseMs 0) a revoke stops nothing: the caller must not take the
    // position above for a final one.
    body.insert(QStringLiteral("writable"), holdsWriteLease(*app));
    reply(route, Message{MessageType::Ok, body});
}

void Agent::Impl::handleTakeSnapshot(const ReplyRoute &route, const Message &message)
{
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    AppInstance *app = findApp(appName);
    if (!app || app->role != Role::Primary) {
        replyError(route,
                   ErrorCode::NotPrimary,
                   QStringLiteral("take-snapshot goes to the primary of '%1'").arg(appName));
        return;
    }
    int sent = 0;
    QList<QByteArray> broken;
    for (ReplicaLink &link : app->stream.links()) {
        if (link.tier != Tier::Cold)
            continue;
        if (sendSnapshot(*app, link, QStringLiteral("cold")))
            ++sent;
        else
            broken.append(link.identity);
    }
    for (const QByteArray &identity : broken)
        dropLink(*app, identity, QStringLiteral("could not send the snapshot"));
    QCborMap body = withId(route.requestId);
    body.insert(QStringLiteral("app"), appName);
    body.insert(QStringLiteral("seq"), qint64(app->state.seq()));
    body.insert(QStringLiteral("digest"), app->state.digest().toHex());
    body.insert(QStringLiteral("cold-replicas"), sent);
    reply(route, Message{MessageType::Ok, body});
}

void Agent::Impl::handleFault(const ReplyRoute &route, const Message &message)
{
    if (!m_options.allowFaultInjection) {
        replyError(route,
                   ErrorCode::Unauthorized,
                   QStringLiteral("fault injection is off on this agent: start it with --allow-fault-injection "
                                  "(labs, training and tests only)"));
        return;
    }
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    const QString kind = message.body.value(QStringLiteral("kind")).toString();
    AppInstance *app = findApp(appName);
    if (!app) {
        replyError(route, ErrorCode::NotFound, QStringLiteral("this agent holds no application '%1'").arg(appName));
        return;
    }
    if (kind != QLatin1String("corrupt")) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("unknown fault kind '%1' (known: corrupt)").arg(kind));
        return;
    }
    // Bit rot: one value changes without a delta, so the position stays and the digest no longer
    // matches the primary's at the same sequence number (what integrity checks must catch).
    state::Snapshot snapshot = app->state.snapshot(appName, m_clock.wallMs());
    if (snapshot.entries.isEmpty())
        snapshot.entries.append({QStringLiteral("foresight/corruption"), QByteArrayLiteral("x")});
    else
        snapshot.entries.first().second.append('!');
    snapshot.digest = snapshot.computeDigest();
    if (auto ok = app->state.restore(snapshot); !ok) {
        replyError(route, ok.error().code, ok.error().message);
        return;
    }
    qCWarning(lcAgent) << "fault injected:" << appName << "corrupted at seq" << app->state.seq();
    QCborMap body = withId(route.requestId);
    body.insert(QStringLiteral("app"), appName);
    body.insert(QStringLiteral("kind"), kind);
    body.insert(QStringLiteral("seq"), qint64(app->state.seq()));
    body.insert(QStringLiteral("digest"), app->state.digest().toHex());
    reply(route, Message{MessageType::Ok, body});
}

void Agent::Impl::handleRelease(const ReplyRoute &route, const Message &message)
{
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    const auto it = m_apps.find(appName);
    if (it == m_apps.end()) {
        replyError(route, ErrorCode::NotFound, QStringLiteral("this agent holds no application '%1'").arg(appName));
        return;
    }
    AppInstance &app = *it->second;
    if (const QString replica = message.body.value(QStringLiteral("replica")).toString(); !replica.isEmpty()) {
        if (app.role != Role::Primary) {
            replyError(route,
                       ErrorCode::NotPrimary,
                       QStringLiteral("release of replica '%1': this agent is not the primary of '%2'")
                           .arg(replica, appName));
            return;
        }
        releaseReplicaLink(route, app, replica);
        return;
    }
    if (app.role == Role::Primary && !app.fenced) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("'%1' is primary on this agent: promote another agent first").arg(appName));
        return;
    }
    if (app.upstream && app.upstream->socket) {
        // Tell the primary at once, so it drops the link now instead of when the link goes silent.
        QCborMap body
            = protocol::makeError(-1,
                                  Error{ErrorCode::NotFound,
                                        QStringLiteral("replica on '%1' released by the console").arg(m_options.name)})
                  .body;
        body.insert(QStringLiteral("app"), app.name);
        body.insert(QStringLiteral("epoch"), qint64(app.epoch));
        transport::send(*app.upstream->socket, {}, Message{MessageType::Error, body});
    }
    if (app.role == Role::Primary)
        failPendingWrites(app, ErrorCode::Fenced, QStringLiteral("'%1' was released on this agent").arg(appName));
    qCInfo(lcAgent) << "released" << appName << "(" << roleName(app.role) << tierName(app.tier) << ")";
    // The loop may still hold a pointer to it from this round's poll: it is destroyed next round.
    app.upstream.reset();
    if (m_predictions)
        m_predictions->forget(it->first);
    stopInstance(appName);
    m_released.push_back(std::move(it->second));
    m_apps.erase(it);
    reply(route, protocol::makeOk(route.requestId));
}

void Agent::Impl::releaseReplicaLink(const ReplyRoute &route, AppInstance &app, const QString &replica)
{
    constexpr int kReleaseHoldMs = 10'000; // time for the console's release to reach the replica
    auto link = app.stream.links().end();
    for (auto it = app.stream.links().begin(); it != app.stream.links().end(); ++it) {
        if (it->agent == replica)
            link = it;
    }
    if (link != app.stream.links().end() && link->tier == Tier::Hot) {
        // Every write acknowledged so far must be on a hot replica that stays, and enough must
        // stay for the next writes to be acknowledged at all.
        const auto [othersHot, othersHighest] = app.stream.hotCoverageWithout(replica);
        if (othersHot < app.config.syncReplicas) {
            replyError(route,
                       ErrorCode::NotEnoughReplicas,
                       QStringLiteral("release of '%1': %2 other hot replicas, writes need %3")
                           .arg(replica)
                           .arg(othersHot)
                           .arg(app.config.syncReplicas));
            return;
        }
        if (othersHighest < app.highestAckedSeq) {
            replyError(route,
                       ErrorCode::NotEnoughReplicas,
                       QStringLiteral("release of '%1': the other hot replicas hold up to seq %2, writes are "
                                      "acknowledged up to %3; try again once they have caught up")
                           .arg(replica)
                           .arg(othersHighest)
                           .arg(app.highestAckedSeq));
            return;
        }
    }
    app.hotBannedUntilMs.insert(replica, now() + kReleaseHoldMs);
    if (link != app.stream.links().end())
        dropLink(app, link.key(), QStringLiteral("released by the console"));
    reply(route, protocol::makeOk(route.requestId));
}

} // namespace foresight::agent
