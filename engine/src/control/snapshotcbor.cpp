#include "control/snapshotcbor.h"

#include <algorithm>
#include <limits>

#include <QCborArray>

#include "foresight/config/clusterconfig.h"
#include "foresight/shadow/discrepancy.h"
#include "foresight/shadow/shadowplanner.h"

namespace foresight::control {

namespace {

// Every uint field of the protocol stays below 2^63 (docs/protocol.md 3).
qint64 asUint(std::uint64_t value)
{
    return qint64(std::min<std::uint64_t>(value, std::uint64_t(std::numeric_limits<qint64>::max())));
}

QCborMap scoreToCbor(const failover::FailoverScore &score)
{
    return QCborMap{{QStringLiteral("heartbeat"), score.heartbeat},
                    {QStringLiteral("divergence"), score.divergence},
                    {QStringLiteral("integrity"), score.integrity},
                    {QStringLiteral("risk"), score.risk},
                    {QStringLiteral("score"), score.score},
                    {QStringLiteral("threshold"), score.threshold},
                    {QStringLiteral("warranted"), score.failoverWarranted()}};
}

// The shadow module's JSON of it, so the HTTP API (docs/api.md) and this protocol use one set of keys.
QCborMap discrepancyToCbor(const shadow::Discrepancy &discrepancy)
{
    return jsonToCbor(discrepancy.toJson());
}

QCborMap replicaToCbor(const failover::ReplicaView &replica)
{
    return QCborMap{{QStringLiteral("agent"), replica.agent},
                    {QStringLiteral("tier"), tierName(replica.tier)},
                    {QStringLiteral("seq"), asUint(replica.seq)},
                    {QStringLiteral("epoch"), asUint(replica.epoch)},
                    {QStringLiteral("digest"), replica.digest},
                    {QStringLiteral("lag"), asUint(replica.lag)},
                    {QStringLiteral("connected"), replica.connected},
                    {QStringLiteral("integrity-ok"), replica.integrityOk},
                    {QStringLiteral("integrity-note"), replica.integrityNote},
                    {QStringLiteral("divergence"), replica.divergence},
                    {QStringLiteral("rtt-ms"), replica.rttMs}};
}

QCborMap peerToCbor(const monitor::PeerLinkReport &peer)
{
    QCborMap map{{QStringLiteral("agent"), peer.agent}, {QStringLiteral("lost"), peer.lost}};
    if (peer.rttMs)
        map.insert(QStringLiteral("rtt-ms"), *peer.rttMs);
    if (peer.rttMinMs)
        map.insert(QStringLiteral("rtt-min-ms"), *peer.rttMinMs);
    if (peer.bandwidthBytesPerS)
        map.insert(QStringLiteral("bandwidth-bytes-per-s"), *peer.bandwidthBytesPerS);
    if (!peer.error.isEmpty())
        map.insert(QStringLiteral("error"), peer.error);
    return map;
}

} // namespace

QCborMap candidateToCbor(const failover::RankedCandidate &candidate)
{
    QCborArray terms;
    for (const failover::RankTerm &term : candidate.terms)
        terms.append(QCborMap{{QStringLiteral("name"), term.name}, {QStringLiteral("value"), term.value}});
    return QCborMap{{QStringLiteral("agent"), candidate.facts.agent},
                    {QStringLiteral("rank"), candidate.rank},
                    {QStringLiteral("eligible"), candidate.eligible},
                    {QStringLiteral("excluded-because"), candidate.excludedBecause},
                    {QStringLiteral("tier"), tierName(candidate.facts.tier)},
                    {QStringLiteral("seq"), asUint(candidate.facts.seq)},
                    {QStringLiteral("seq-behind"), asUint(candidate.seqBehind)},
                    {QStringLiteral("priority"), candidate.facts.priority},
                    {QStringLiteral("terms"), terms}};
}

QCborMap agentToCbor(const failover::AgentView &agent)
{
    QCborMap map{{QStringLiteral("name"), agent.name},
                 {QStringLiteral("host"), agent.host},
                 {QStringLiteral("url"), agent.url},
                 {QStringLiteral("heard"), agent.heard},
                 {QStringLiteral("suspected"), agent.suspected},
                 {QStringLiteral("phi"), agent.phi},
                 {QStringLiteral("heard-ms-ago"), agent.heardMsAgo},
                 {QStringLiteral("maintenance"), agent.maintenance},
                 {QStringLiteral("never-promote"), agent.neverPromote},
                 {QStringLiteral("priority"), agent.priority},
                 {QStringLiteral("error"), agent.error}};
    if (!agent.hostMetrics.isEmpty())
        map.insert(QStringLiteral("host-metrics"), agent.hostMetrics);
    QCborArray peers;
    for (const monitor::PeerLinkReport &peer : agent.peers)
        peers.append(peerToCbor(peer));
    map.insert(QStringLiteral("peers"), peers);
    if (agent.externalRisk >= 0) // an operator's floor (console-host-risk), beside the model's figure
        map.insert(QStringLiteral("external-risk"), agent.externalRisk);
    if (agent.failureRisk >= 0) {
        map.insert(QStringLiteral("failure-risk"), agent.failureRisk);
        map.insert(QStringLiteral("risk-model-version"), agent.riskModelVersion);
    }
    if (agent.anomaly >= 0) {
        map.insert(QStringLiteral("anomaly"), agent.anomaly);
        map.insert(QStringLiteral("anomaly-metric"), agent.anomalyMetric);
    }
    if (agent.inventory)
        map.insert(QStringLiteral("inventory"), agent.inventory->toCbor());
    QCborMap inventoryMirror{{QStringLiteral("current"), agent.inventoryCurrent},
                             {QStringLiteral("fetches"), agent.inventoryFetches},
                             {QStringLiteral("polls-saved"), agent.inventoryPollsSaved}};
    if (!agent.inventoryError.isEmpty())
        inventoryMirror.insert(QStringLiteral("error"), agent.inventoryError);
    map.insert(QStringLiteral("inventory-mirror"), inventoryMirror);
    return map;
}

QCborMap predictionToCbor(const failover::PredictionView &prediction)
{
    return QCborMap{{QStringLiteral("enabled"), prediction.enabled},
                    {QStringLiteral("model-version"), prediction.modelVersion},
                    {QStringLiteral("model-kind"), prediction.modelKind},
                    {QStringLiteral("trained-ms"), prediction.trainedWallMs},
                    {QStringLiteral("train-start-ms"), prediction.trainStartMs},
                    {QStringLiteral("train-end-ms"), prediction.trainEndMs},
                    {QStringLiteral("evaluation"), jsonToCbor(prediction.evaluation)},
                    {QStringLiteral("state"), prediction.state},
                    {QStringLiteral("last-error"), prediction.lastError},
                    {QStringLiteral("incidents-in-window"), prediction.incidentsInWindow},
                    {QStringLiteral("trainings"), prediction.trainings},
                    {QStringLiteral("hosts-sampled"), prediction.hostsSampled},
                    {QStringLiteral("horizon-ms"), prediction.horizonMs},
                    {QStringLiteral("alert-risk"), prediction.alertRisk}};
}

QCborMap shadowToCbor(const failover::ShadowView &shadow)
{
    QCborArray history;
    for (const shadow::Discrepancy &point : shadow.history)
        history.append(discrepancyToCbor(point));
    return QCborMap{{QStringLiteral("agent"), shadow.agent},
                    {QStringLiteral("host"), shadow.host},
                    {QStringLiteral("state"), shadow.state},
                    {QStringLiteral("origin"), shadow::shadowOriginName(shadow.origin)},
                    {QStringLiteral("reason"), shadow.reason},
                    {QStringLiteral("created-ms"), qMax<qint64>(0, shadow.createdWallMs)},
                    {QStringLiteral("primary-host-risk"), shadow.primaryHostRisk},
                    {QStringLiteral("prior-tier"), tierName(shadow.priorTier)},
                    {QStringLiteral("discrepancy"), discrepancyToCbor(shadow.discrepancy)},
                    {QStringLiteral("discrepancy-text"), shadow.discrepancy.describe()},
                    {QStringLiteral("swap-max-lag"), qMax<qint64>(0, shadow.swapMaxLag)},
                    {QStringLiteral("swappable"), shadow.discrepancy.swappable(shadow.swapMaxLag)},
                    {QStringLiteral("last-swap"), shadow.lastSwap},
                    {QStringLiteral("version"), shadow.version},
                    {QStringLiteral("update"),
                     shadow.update ? QCborValue(QCborMap::fromJsonObject(failover::shadowUpdateJson(*shadow.update)))
                                   : QCborValue(QCborValue::Null)},
                    {QStringLiteral("history"), history}};
}

QCborMap appToCbor(const failover::AppView &app)
{
    QCborArray replicas;
    for (const failover::ReplicaView &replica : app.replicas)
        replicas.append(replicaToCbor(replica));
    QCborArray candidates;
    for (qsizetype i = 0; i < app.candidates.size(); ++i) {
        QCborMap candidate = candidateToCbor(app.candidates[i]);
        // Why the candidate ranked just above comes first: the ranking, one step at a time.
        if (i > 0 && app.candidates[i].eligible)
            candidate.insert(QStringLiteral("rank-reason"),
                             failover::rankReason(app.candidates[i - 1], app.candidates[i]));
        candidates.append(candidate);
    }
    QCborMap map{{QStringLiteral("name"), app.name},
                 {QStringLiteral("primary"), app.primary},
                 {QStringLiteral("epoch"), asUint(app.epoch)},
                 {QStringLiteral("seq"), asUint(app.seq)},
                 {QStringLiteral("digest"), app.digest},
                 {QStringLiteral("writable"), app.writable},
                 {QStringLiteral("lease-left-ms"), qMax<qint64>(0, app.leaseLeftMs)},
                 {QStringLiteral("phase"), failover::appPhaseName(app.phase)},
                 {QStringLiteral("reason"), app.reason},
                 {QStringLiteral("blocked-until-ms"), qMax<qint64>(0, app.blockedUntilWallMs)},
                 {QStringLiteral("score"), scoreToCbor(app.score)},
                 {QStringLiteral("score-explained"), app.scoreExplained},
                 {QStringLiteral("desired"),
                  QCborMap{{QStringLiteral("hot"), app.desiredHot},
                           {QStringLiteral("warm"), app.desiredWarm},
                           {QStringLiteral("cold"), app.desiredCold}}},
                 {QStringLiteral("last-incident"), qMax<qint64>(0, app.lastIncident)},
                 {QStringLiteral("topology"), app.topology},
                 {QStringLiteral("criticality"), config::criticalityName(app.criticality)},
                 {QStringLiteral("replicas"), replicas},
                 {QStringLiteral("candidates"), candidates}};
    if (app.candidates.size() >= 2 && app.candidates[0].eligible)
        map.insert(QStringLiteral("choice-reason"), failover::rankReason(app.candidates[0], app.candidates[1]));
    if (app.shadow)
        map.insert(QStringLiteral("shadow"), shadowToCbor(*app.shadow));
    // 9.2's field names (failover::partitionsJson), so one description serves the agent's status,
    // this reply, foresightctl partitions --json and the HTTP API.
    if (app.partitions)
        map.insert(QStringLiteral("partitions"), jsonToCbor(failover::partitionsJson(*app.partitions)));
    if (app.mirrors)
        map.insert(QStringLiteral("mirrors"), failover::mirrorsToCbor(*app.mirrors));
    if (app.scheduledSwitchoverWallMs > 0) {
        map.insert(QStringLiteral("scheduled-switchover"),
                   QCborMap{{QStringLiteral("at-ms"), app.scheduledSwitchoverWallMs},
                            {QStringLiteral("to"), app.scheduledSwitchoverTo}});
    }
    return map;
}

QCborMap snapshotToCbor(const failover::ClusterSnapshot &snapshot, const QString &onlyApp)
{
    QCborArray agents;
    for (const failover::AgentView &agent : snapshot.agents)
        agents.append(agentToCbor(agent));
    QCborArray apps;
    for (const failover::AppView &app : snapshot.apps) {
        if (onlyApp.isEmpty() || app.name == onlyApp)
            apps.append(appToCbor(app));
    }
    return QCborMap{{QStringLiteral("cluster"), snapshot.clusterName},
                    {QStringLiteral("taken-ms"), qMax<qint64>(0, snapshot.takenWallMs)},
                    {QStringLiteral("journal-head"), qMax<qint64>(0, snapshot.journalHead)},
                    {QStringLiteral("agents"), agents},
                    {QStringLiteral("apps"), apps},
                    {QStringLiteral("prediction"), predictionToCbor(snapshot.prediction)}};
}

QCborMap journalEntryToCbor(const storage::JournalEntry &entry)
{
    return QCborMap{{QStringLiteral("id"), entry.id},
                    {QStringLiteral("wall-ms"), entry.wallMs},
                    {QStringLiteral("kind"), entry.kind},
                    {QStringLiteral("app"), entry.app},
                    {QStringLiteral("agent"), entry.agent},
                    {QStringLiteral("actor"), entry.actor},
                    {QStringLiteral("message"), entry.message},
                    {QStringLiteral("details"), jsonToCbor(entry.details)}};
}

QCborMap incidentToCbor(const storage::Incident &incident)
{
    return QCborMap{{QStringLiteral("id"), incident.id},
                    {QStringLiteral("app"), incident.app},
                    {QStringLiteral("old-primary"), incident.oldPrimary},
                    {QStringLiteral("new-primary"), incident.newPrimary},
                    {QStringLiteral("former-tier"), incident.formerTier},
                    {QStringLiteral("epoch"), asUint(incident.epoch)},
                    {QStringLiteral("detected-ms"), incident.detectedMs},
                    {QStringLiteral("decided-ms"), incident.decidedMs},
                    {QStringLiteral("promoted-ms"), incident.promotedMs},
                    {QStringLiteral("first-ack-ms"), incident.firstAckMs},
                    {QStringLiteral("acked-writes-lost"), incident.ackedWritesLost},
                    {QStringLiteral("seq-gap"), incident.seqGap},
                    {QStringLiteral("predicted"), incident.predicted},
                    {QStringLiteral("predictions-right"), incident.predictionsRight},
                    {QStringLiteral("predictions-wrong"), incident.predictionsWrong},
                    {QStringLiteral("summary"), incident.summary},
                    {QStringLiteral("acknowledged"), incident.acknowledged}};
}

QCborMap jsonToCbor(const QJsonObject &object)
{
    // Qt 6 maps a JSON number without a fractional part (in the qint64 range) to a CBOR integer.
    return QCborMap::fromJsonObject(object);
}

} // namespace foresight::control
