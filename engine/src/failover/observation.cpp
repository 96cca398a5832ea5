// What the engine learns from heartbeats: who is alive (phi-accrual), where every application's
// copies stand, and whether a replica's digest agrees with its primary's at the same position.

#include <algorithm>
#include <cmath>

#include <QCborArray>
#include <QJsonObject>

#include "failover/engineimpl.h"
#include "foresight/core/logging.h"

namespace foresight::failover {

namespace {
// How many of the primary's recent positions are kept for integrity checks: at 100 ms
// heartbeats, a few seconds of history, enough for a replica that lags a little.
constexpr std::size_t kDigestHistory = 64;

// What changed in an application's managed process between two heartbeats of one agent
// (docs/protocol.md 9.2, `instance`), as journal lines: crashes with the restart they lead to,
// the crash loop that stops restarts, starts (a role change is a restart), stops and health.
// `seen` is false for the first heartbeat that shows the application at all: an instance found
// running then is journaled as started only if it started within the last second.
QStringList instanceTransitions(const QCborMap &before, const QCborMap &now, bool seen, const QString &where)
{
    if (now.isEmpty())
        return {};
    const auto text = [&](const QCborMap &map, const char *key) { return map.value(QLatin1String(key)).toString(); };
    const auto number = [&](const QCborMap &map, const char *key) { return map.value(QLatin1String(key)).toInteger(); };
    const QString state = text(now, "state");
    const QString exit = now.value(QStringLiteral("last-exit")).toMap().value(QStringLiteral("text")).toString();
    QStringList lines;
    if (state == QLatin1String("crash-loop")) {
        if (text(before, "state") != state)
            lines << QStringLiteral("instance of %1: %2").arg(where, text(now, "error"));
        return lines;
    }
    if (number(now, "restarts") > number(before, "restarts") && seen) {
        const QString verb = exit == QLatin1String("exit 0") ? QStringLiteral("exited") : QStringLiteral("crashed");
        if (state == QLatin1String("backoff")) {
            lines << QStringLiteral("instance of %1 %2 (%3), restart %4 in %5 s")
                         .arg(where, verb, exit)
                         .arg(number(now, "restarts"))
                         .arg(QString::number(double(number(now, "next-restart-ms")) / 1000.0, 'f', 1));
        } else {
            lines << QStringLiteral("instance of %1 %2 (%3), restart %4")
                         .arg(where, verb, exit)
                         .arg(number(now, "restarts"));
        }
    } else if (state == QLatin1String("running") && number(now, "pid") != number(before, "pid")
               && (seen || number(now, "up-ms") < 1000)) {
        lines << QStringLiteral("instance of %1 started: %2, pid %3")
                     .arg(where, text(now, "role"))
                     .arg(number(now, "pid"));
    } else if (state == QLatin1String("stopped") && !before.isEmpty() && text(before, "state") != state) {
        lines << QStringLiteral("instance of %1 stopped (%2)").arg(where, exit);
    }
    const QString health = text(now, "health");
    if (health == QLatin1String("unhealthy") && text(before, "health") != health)
        lines << QStringLiteral("instance of %1 is unhealthy: %2").arg(where, text(now, "health-note"));
    else if (health == QLatin1String("healthy") && text(before, "health") == QLatin1String("unhealthy"))
        lines << QStringLiteral("instance of %1 is healthy again").arg(where);
    return lines;
}

} // namespace

std::optional<QCborMap> ClusterEngine::Impl::appStatus(const QString &agent, const QString &app) const
{
    auto it = m_agents.find(agent);
    if (it == m_agents.end() || !it->second.apps.contains(app))
        return std::nullopt;
    return it->second.apps.value(app);
}

bool ClusterEngine::Impl::reachable(const QString &agent) const
{
    auto it = m_agents.find(agent);
    return it != m_agents.end() && it->second.last && !it->second.suspected;
}

void ClusterEngine::Impl::onHeartbeat(AgentRuntime &agent, const monitor::Heartbeat &heartbeat)
{
    // Leases are counted on the agent's clock and on this one: safe only when both run at the
    // same rate. An agent of a simulation at another time scale is not heard at all, so it never
    // holds a lease from this console nor counts as a live candidate.
    if (std::abs(heartbeat.timeScale - m_clock.rate()) > 1e-6 * m_clock.rate()) {
        const QString problem = QStringLiteral("runs at time scale %1, this console at %2: its heartbeats are "
                                               "ignored (leases would be unsafe); start both with the same "
                                               "--time-scale")
                                    .arg(heartbeat.timeScale)
                                    .arg(m_clock.rate());
        if (agent.error != problem) {
            agent.error = problem;
            journal(QStringLiteral("agent"), {}, agent.config.name, problem);
        }
        return;
    }
    const bool restarted = agent.last && heartbeat.incarnation != agent.last->incarnation;
    // A suspected agent's failure was reported to the prediction when suspicion began.
    const bool unnoticedRestart = restarted && !agent.suspected;
    if (agent.suspected || !agent.last || restarted) {
        // A new incarnation, or a return from silence: the old inter-arrival history says
        // nothing about the new process (or includes the silence itself).
        agent.phi.reset();
        if (agent.suspected)
            journal(QStringLiteral("detection"),
                    {},
                    agent.config.name,
                    QStringLiteral("heard again after %1 ms of silence%2")
                        .arg(agent.last ? heartbeat.receivedMs - agent.last->receivedMs : 0)
                        .arg(restarted ? QStringLiteral(" (restarted)") : QString()));
        agent.suspected = false;
    }
    feedRisk(agent, heartbeat, unnoticedRestart);
    agent.phi.heartbeat(heartbeat.receivedMs);
    agent.last = heartbeat;
    agent.error.clear();
    mirrorInventory(agent, heartbeat);
    const auto previousApps = std::exchange(agent.apps, {});
    for (const QCborMap &status : heartbeat.apps) {
        const QString name = status.value(QStringLiteral("app")).toString();
        agent.apps.insert(name, status);
        const QCborMap instance = status.value(QStringLiteral("instance")).toMap();
        if (instance.isEmpty())
            continue; // no managed process: the common case costs one lookup
        for (const QString &line :
             instanceTransitions(previousApps.value(name).value(QStringLiteral("instance")).toMap(),
                                 instance,
                                 previousApps.contains(name),
                                 QStringLiteral("%1 on %2").arg(name, agent.config.name))) {
            journal(QStringLiteral("instance"), name, agent.config.name, line);
        }
    }

    for (auto &[name, app] : m_apps) {
        const auto status = agent.apps.find(name);
        if (status == agent.apps.end())
            continue;
        if (agent.config.name == app.primary) {
            app.primaryLastHeardMs = heartbeat.receivedMs;
            const std::uint64_t seq = std::uint64_t(status->value(QStringLiteral("seq")).toInteger());
            app.primaryDigests[seq] = {status->value(QStringLiteral("digest")).toString(),
                                       status->value(QStringLiteral("critical-digest")).toString()};
            while (app.primaryDigests.size() > kDigestHistory)
                app.primaryDigests.erase(app.primaryDigests.begin());
            grantLease(app, agent, heartbeat);
            checkReplicasAsThePrimarySeesThem(app, *status);
            noteOverlay(app, *status);
        } else {
            checkIntegrity(app, agent.config.name, *status);
            noteDivergence(app, agent.config.name, *status);
        }
    }
    sendPeers(agent);
}

void ClusterEngine::Impl::updateSuspicion()
{
    const std::int64_t t = now();
    for (auto &[name, agent] : m_agents) {
        if (!agent.last || agent.suspected)
            continue;
        if (agent.phi.phi(t) >= m_settings.phiThreshold) {
            agent.suspected = true;
            reportFailureToRisk(name, wallNow() - (t - agent.last->receivedMs));
            journal(QStringLiteral("detection"),
                    {},
                    name,
                    QStringLiteral("suspected: no heartbeat for %1 ms (phi %2 >= %3)")
                        .arg(t - agent.last->receivedMs)
                        .arg(agent.phi.phi(t), 0, 'f', 1)
                        .arg(m_settings.phiThreshold, 0, 'f', 1));
        }
    }
}

void ClusterEngine::Impl::checkIntegrity(AppRuntime &app, const QString &agent, const QCborMap &status)
{
    if (status.value(QStringLiteral("role")).toString() != QLatin1String("replica"))
        return;
    // A warm replica holds the critical keys in the primary's order (and the rest as the primary
    // schedules them): its critical digest must equal the primary's at the same position.
    const Tier tier = tierFromName(status.value(QStringLiteral("tier")).toString()).value_or(Tier::None);
    const std::uint64_t seq = std::uint64_t(status.value(QStringLiteral("seq")).toInteger());
    const QString digest
        = status.value(tier == Tier::Warm ? QStringLiteral("critical-digest") : QStringLiteral("digest")).toString();
    auto known = app.primaryDigests.find(seq);
    if (known == app.primaryDigests.end() || seq == 0)
        return; // no primary position to compare with (yet)
    const QString &expected = tier == Tier::Warm ? known->second.second : known->second.first;
    if (expected == digest) {
        if (app.integrityFailures.remove(agent) > 0)
            journal(QStringLiteral("integrity"),
                    app.config.name,
                    agent,
                    QStringLiteral("digest agrees with the primary's again at seq %1").arg(seq));
        return;
    }
    const QString note = QStringLiteral("digest %1 at seq %2, the primary had %3").arg(digest).arg(seq).arg(expected);
    if (!app.integrityFailures.contains(agent))
        journal(QStringLiteral("integrity"),
                app.config.name,
                agent,
                QStringLiteral("integrity mismatch: %1; excluded from promotion").arg(note));
    app.integrityFailures.insert(agent, note);
}

void ClusterEngine::Impl::noteDivergence(AppRuntime &app, const QString &agent, const QCborMap &status)
{
    const QCborValue reported = status.value(QStringLiteral("divergence"));
    if (!reported.isDouble() && !reported.isInteger())
        return; // not measured (yet): an operator's value, if any, stands
    app.divergence.insert(agent, std::clamp(reported.toDouble(), 0.0, 1.0));
    // The primary's divergence is its hot replicas' lowest: when even the replica holding every
    // delta predicts differently, the primary's stream (or model) is the odd one out.
    std::optional<double> lowest;
    for (const auto &[name, runtime] : m_agents) {
        const auto replica = runtime.apps.find(app.config.name);
        if (name == app.primary || replica == runtime.apps.end()
            || replica->value(QStringLiteral("tier")).toString() != tierName(Tier::Hot)
            || !app.divergence.contains(name))
            continue;
        lowest = std::min(lowest.value_or(1.0), app.divergence.value(name));
    }
    if (lowest)
        app.primaryDivergence = *lowest;
}

void ClusterEngine::Impl::noteOverlay(AppRuntime &app, const QCborMap &primaryStatus)
{
    const QCborMap overlay = primaryStatus.value(QStringLiteral("overlay")).toMap();
    if (overlay.isEmpty() || !app.overlayIncident || app.overlayIncident->newPrimary != app.primary
        || app.overlayIncident->epoch != app.epoch)
        return;
    storage::Incident &incident = *app.overlayIncident;
    const qint64 right = overlay.value(QStringLiteral("right")).toInteger();
    const qint64 wrong = overlay.value(QStringLiteral("wrong")).toInteger();
    if (right == incident.predictionsRight && wrong == incident.predictionsWrong)
        return;
    incident.predicted = overlay.value(QStringLiteral("applied")).toInteger();
    incident.predictionsRight = right;
    incident.predictionsWrong = wrong;
    if (app.incident && app.incident->id == incident.id) {
        app.incident->predicted = incident.predicted;
        app.incident->predictionsRight = right;
        app.incident->predictionsWrong = wrong;
    }
    if (m_store) {
        // Read, change, write on the store's thread: the incident has moved on since this copy was
        // taken at the promotion (its first acknowledged write, an operator's acknowledgement).
        m_store->post([id = incident.id, predicted = incident.predicted, right, wrong](storage::ConsoleStore &store) {
            auto stored = store.incident(id);
            if (!stored) {
                qCWarning(lcFailover).noquote()
                    << "cannot record the predictions in incident" << id << ":" << stored.error().toString();
                return;
            }
            stored->predicted = predicted;
            stored->predictionsRight = right;
            stored->predictionsWrong = wrong;
            if (auto ok = store.updateIncident(*stored); !ok)
                qCWarning(lcFailover).noquote()
                    << "cannot record the predictions in incident" << id << ":" << ok.error().toString();
        });
    }
    journal(QStringLiteral("prediction"),
            app.config.name,
            app.primary,
            QStringLiteral("the real deltas of the gap arrived from %1: %2 of %3 predicted values were right, %4 wrong")
                .arg(overlay.value(QStringLiteral("reconciled-from")).toString())
                .arg(right)
                .arg(incident.predicted)
                .arg(wrong),
            QJsonObject{{QStringLiteral("incident"), incident.id},
                        {QStringLiteral("predicted"), incident.predicted},
                        {QStringLiteral("right"), right},
                        {QStringLiteral("wrong"), wrong},
                        {QStringLiteral("overwritten"), overlay.value(QStringLiteral("overwritten")).toInteger()}});
    if (overlay.value(QStringLiteral("reconciled")).toBool())
        app.overlayIncident.reset();
}

void ClusterEngine::Impl::checkReplicasAsThePrimarySeesThem(AppRuntime &app, const QCborMap &primaryStatus)
{
    // The primary checks each acknowledgement's digest against its own at the replica's position
    // (docs/protocol.md 9.2), every ack interval: unlike the comparison of heartbeats above, which
    // needs both to report the same position, it catches a corrupted replica under any write rate.
    static const QString kPrefix = QStringLiteral("the primary's check: ");
    for (const QCborValue &value : primaryStatus.value(QStringLiteral("replicas")).toArray()) {
        const QCborMap replica = value.toMap();
        const QString agent = replica.value(QStringLiteral("agent")).toString();
        if (agent.isEmpty() || !replica.contains(QStringLiteral("integrity-ok")))
            continue;
        if (replica.value(QStringLiteral("integrity-ok")).toBool()) {
            if (app.integrityFailures.value(agent).startsWith(kPrefix)) {
                app.integrityFailures.remove(agent);
                journal(QStringLiteral("integrity"),
                        app.config.name,
                        agent,
                        QStringLiteral("acknowledged digest agrees with the primary's again"));
            }
            continue;
        }
        if (app.integrityFailures.contains(agent))
            continue;
        const QString note = kPrefix + replica.value(QStringLiteral("integrity-note")).toString();
        journal(QStringLiteral("integrity"),
                app.config.name,
                agent,
                QStringLiteral("integrity mismatch: %1; excluded from promotion").arg(note));
        app.integrityFailures.insert(agent, note);
    }
}

} // namespace foresight::failover
