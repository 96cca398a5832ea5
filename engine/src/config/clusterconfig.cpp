#include "foresight/config/clusterconfig.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QStringList>

#include "config/clusterconfigparse.h"
#include "config/configfields.h"
#include "config/impactconfig.h"
#include "config/shadowconfig.h"
#include "config/sourcelines.h"
#include "foresight/transport/keys.h"

using namespace Qt::StringLiterals;

namespace foresight::config {

using namespace config;

namespace {

// "cluster.json:12: apps[0].impact[1].keys: ...": every error names the file and the line of the
// field its path names, as compilers do, so an editor can jump to it. The path leads the message
// (invalid() writes it so); a message that does not start with one keeps the file's name alone.
std::unexpected<Error> withSource(const QString &sourceName, const QByteArray &json, const Error &error)
{
    const qsizetype end = error.message.indexOf(QLatin1String(": "));
    const QStringView path = QStringView(error.message).first(qMax<qsizetype>(end, 0));
    const bool isPath = !path.isEmpty() && !path.contains(u' ') && !path.contains(u'\'');
    if (!isPath)
        return fail(error.code, sourceName + QStringLiteral(": ") + error.message);
    return fail(error.code, QStringLiteral("%1:%2: %3").arg(sourceName).arg(lineOfPath(json, path)).arg(error.message));
}

Status validateAgents(const ClusterConfig &config)
{
    QHash<QString, qsizetype> seen;
    for (qsizetype i = 0; i < config.agents.size(); ++i) {
        const ClusterAgent &agent = config.agents.at(i);
        const QString path = itemPath(QStringLiteral("agents"), i);
        if (const QString problem = nameProblem(agent.name); !problem.isEmpty())
            return invalid(path + QStringLiteral(".name"), problem);
        if (const auto it = seen.constFind(agent.name); it != seen.cend()) {
            return invalid(path + QStringLiteral(".name"),
                           QStringLiteral("'%1' is also the name of agents[%2]; agent names must be unique")
                               .arg(agent.name)
                               .arg(*it));
        }
        seen.insert(agent.name, i);
        if (agent.host.isEmpty())
            return invalid(path + QStringLiteral(".host"), QStringLiteral("must not be empty"));
        if (const QString problem = endpointProblem(agent.url); !problem.isEmpty())
            return invalid(path + QStringLiteral(".url"), problem);
        if (!agent.publicKey.isEmpty() && !transport::isZ85Key(agent.publicKey)) {
            return invalid(path + QStringLiteral(".public-key"),
                           QStringLiteral("'%1' is not a 40-character Z85 public key (the agent's key file "
                                          "ends in .pub; foresightctl keygen makes key pairs)")
                               .arg(QString::fromUtf8(agent.publicKey)));
        }
        if (agent.publicKey.isEmpty() && agent.url.startsWith(QLatin1String("tcp://")) && !config.insecure) {
            return invalid(path + QStringLiteral(".public-key"),
                           QStringLiteral("missing: a tcp:// agent needs its CURVE public key (from its .pub key "
                                          "file), unless the whole cluster is insecure"));
        }
        if (!agent.sdkUrl.isEmpty()) {
            if (const QString problem = endpointProblem(agent.sdkUrl, true); !problem.isEmpty())
                return invalid(path + QStringLiteral(".sdk"), problem);
        }
        if (auto status = checkRange(path + QStringLiteral(".priority"), agent.priority, kPriorityRange); !status)
            return status;
    }
    return {};
}

Status validateApp(const ClusterConfig &config, const ClusterApp &app, const QString &path)
{
    if (app.primary.isEmpty())
        return invalid(path + QStringLiteral(".primary"), QStringLiteral("missing"));
    if (!config.agent(app.primary))
        return invalid(path + QStringLiteral(".primary"), QStringLiteral("no agent named '%1'").arg(app.primary));

    QHash<QString, qsizetype> seen;
    for (qsizetype j = 0; j < app.replicas.size(); ++j) {
        const ClusterReplica &replica = app.replicas.at(j);
        const QString replicaPath = itemPath(path + QStringLiteral(".replicas"), j);
        if (!config.agent(replica.agent)) {
            return invalid(replicaPath + QStringLiteral(".agent"),
                           QStringLiteral("no agent named '%1'").arg(replica.agent));
        }
        if (replica.agent == app.primary) {
            return invalid(replicaPath + QStringLiteral(".agent"),
                           QStringLiteral("'%1' is the primary of '%2'; it cannot also be its replica")
                               .arg(replica.agent, app.name));
        }
        if (const auto it = seen.constFind(replica.agent); it != seen.cend()) {
            return invalid(replicaPath + QStringLiteral(".agent"),
                           QStringLiteral("'%1' already holds a replica of '%2' (replicas[%3]); an agent holds "
                                          "at most one copy of an application")
                               .arg(replica.agent, app.name)
                               .arg(*it));
        }
        seen.insert(replica.agent, j);
        if (replica.tier == Tier::None)
            return invalid(replicaPath + QStringLiteral(".tier"), QStringLiteral("must be hot, warm or cold"));
    }

    if (auto status = app.config.validate(); !status)
        return invalid(path + QStringLiteral(".config"), status.error().message);
    if (auto impact = ImpactFunction::compile(app.impact, path + QStringLiteral(".impact")); !impact)
        return std::unexpected(impact.error());
    // More synchronous acknowledgements than hot replicas would fail every replicated write.
    const int hot = app.desired(Tier::Hot);
    if (app.config.syncReplicas > hot) {
        return invalid(path + QStringLiteral(".config.syncReplicas"),
                       QStringLiteral("%1 acknowledgement(s) per write need as many hot replicas, but '%2' lists "
                                      "%3; lower syncReplicas or add hot replicas")
                           .arg(app.config.syncReplicas)
                           .arg(app.name)
                           .arg(hot));
    }
    return {};
}

} // namespace

int ClusterApp::desired(Tier tier) const
{
    return static_cast<int>(
        std::count_if(replicas.cbegin(), replicas.cend(), [tier](const ClusterReplica &r) { return r.tier == tier; }));
}

Status FailoverSettings::validate() const
{
    const struct
    {
        const char *path;
        int value;
        IntRange range;
    } intChecks[] = {
        {"failover.heartbeat-interval-ms", heartbeatIntervalMs, kHeartbeatRange},
        {"failover.lease-ms", leaseMs, kLeaseRange},
        {"failover.lease-margin-ms", leaseMarginMs, kLeaseMarginRange},
        {"failover.investigation-ms", investigationMs, kInvestigationRange},
        {"failover.flap-window-ms", flapWindowMs, kFlapWindowRange},
        {"failover.hook-timeout-ms", hookTimeoutMs, kHookTimeoutRange},
    };
    for (const auto &check : intChecks) {
        if (auto status = checkRange(QLatin1String(check.path), check.value, check.range); !status)
            return status;
    }
    // Primaries renew their lease on every heartbeat: a shorter lease lapses between renewals.
    if (leaseMs <= heartbeatIntervalMs) {
        return invalid(QStringLiteral("failover.lease-ms"),
                       QStringLiteral("%1 must be longer than heartbeat-interval-ms (%2), which renews it")
                           .arg(leaseMs)
                           .arg(heartbeatIntervalMs));
    }
    if (!std::isfinite(phiThreshold) || phiThreshold < kPhiMin || phiThreshold > kPhiMax) {
        return invalid(QStringLiteral("failover.phi-threshold"),
                       QStringLiteral("%1 is out of range %2..%3")
                           .arg(formatNumber(phiThreshold), formatNumber(kPhiMin), formatNumber(kPhiMax)));
    }
    const struct
    {
        const char *path;
        double value;
    } weights[] = {
        {"failover.weights.heartbeat", weightHeartbeat},
        {"failover.weights.divergence", weightDivergence},
        {"failover.weights.integrity", weightIntegrity},
        {"failover.weights.risk", weightRisk},
    };
    for (const auto &weight : weights) {
        if (!std::isfinite(weight.value) || weight.value < 0)
            return invalid(QLatin1String(weight.path),
                           QStringLiteral("%1 must not be negative").arg(formatNumber(weight.value)));
    }
    if (weightHeartbeat + weightDivergence + weightIntegrity + weightRisk <= 0) {
        return invalid(QStringLiteral("failover.weights"),
                       QStringLiteral("the weights sum to 0; at least one must be positive"));
    }
    if (!std::isfinite(scoreThreshold) || scoreThreshold <= 0 || scoreThreshold > 1) {
        return invalid(QStringLiteral("failover.score-threshold"),
                       QStringLiteral("%1 must be above 0 and at most 1").arg(formatNumber(scoreThreshold)));
    }
    return {};
}

Status TopologySettings::validate() const
{
    const struct
    {
        const char *path;
        int value;
        IntRange range;
    } intChecks[] = {
        {"topology.probe-interval-ms", probeIntervalMs, kProbeIntervalRange},
        {"topology.bandwidth-probe-interval-ms", bandwidthProbeIntervalMs, kBandwidthProbeRange},
        {"topology.hold-ms", holdMs, kHoldRange},
        {"topology.cooldown-ms", cooldownMs, kHoldRange},
        {"topology.move-timeout-ms", moveTimeoutMs, kMoveTimeoutRange},
    };
    for (const auto &check : intChecks) {
        if (auto status = checkRange(QLatin1String(check.path), check.value, check.range); !status)
            return status;
    }
    if (bandwidthProbeIntervalMs != 0 && bandwidthProbeIntervalMs < 1000) {
        return invalid(QStringLiteral("topology.bandwidth-probe-interval-ms"),
                       QStringLiteral("%1 must be 0 (never) or at least 1000").arg(bandwidthProbeIntervalMs));
    }
    if (!std::isfinite(minGainMs) || minGainMs < 0) {
        return invalid(QStringLiteral("topology.min-gain-ms"),
                       QStringLiteral("%1 must not be negative").arg(formatNumber(minGainMs)));
    }
    if (!std::isfinite(minGainRatio) || minGainRatio < 0 || minGainRatio >= 1) {
        return invalid(QStringLiteral("topology.min-gain-ratio"),
                       QStringLiteral("%1 must be at least 0 and below 1").arg(formatNumber(minGainRatio)));
    }
    return {};
}

Status PredictionSettings::validate() const
{
    const struct
    {
        const char *path;
        int value;
        IntRange range;
    } intChecks[] = {
        {"prediction.sample-interval-ms", sampleIntervalMs, kSampleIntervalRange},
        {"prediction.horizon-ms", horizonMs, kHorizonRange},
        {"prediction.short-window", shortWindow, kFeatureWindowRange},
        {"prediction.long-window", longWindow, kFeatureWindowRange},
        {"prediction.training-window-ms", trainingWindowMs, kTrainingWindowRange},
        {"prediction.training-stride", trainingStride, kStrideRange},
        {"prediction.max-rows-per-host", maxRowsPerHost, kRowsPerHostRange},
        {"prediction.retrain-interval-ms", retrainIntervalMs, kRetrainRange},
        {"prediction.min-incidents", minIncidents, kIncidentsRange},
        {"prediction.rounds", rounds, kRoundsRange},
        {"prediction.max-depth", maxDepth, kDepthRange},
    };
    for (const auto &check : intChecks) {
        if (auto status = checkRange(QLatin1String(check.path), check.value, check.range); !status)
            return status;
    }
    if (horizonMs < sampleIntervalMs) {
        return invalid(QStringLiteral("prediction.horizon-ms"),
                       QStringLiteral("%1 is shorter than sample-interval-ms (%2): the model would predict less "
                                      "than one sample ahead")
                           .arg(horizonMs)
                           .arg(sampleIntervalMs));
    }
    if (trainingWindowMs < horizonMs) {
        return invalid(QStringLiteral("prediction.training-window-ms"),
                       QStringLiteral("%1 is shorter than horizon-ms (%2): no row could ever be labelled")
                           .arg(trainingWindowMs)
                           .arg(horizonMs));
    }
    if (!std::isfinite(alertRisk) || alertRisk <= 0 || alertRisk >= 1) {
        return invalid(QStringLiteral("prediction.alert-risk"),
                       QStringLiteral("%1 must be above 0 and below 1").arg(formatNumber(alertRisk)));
    }
    return {};
}

QString PredictionSettings::modelKind() const
{
    return QStringLiteral("host-failure-h%1ms").arg(horizonMs);
}

Result<ClusterConfig> ClusterConfig::fromJson(const QByteArray &json, const QString &sourceName)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1:%2: not valid JSON at offset %3: %4")
                        .arg(sourceName)
                        .arg(lineAtOffset(json, error.offset))
                        .arg(error.offset)
                        .arg(error.errorString()));
    }
    if (!doc.isObject())
        return fail(ErrorCode::InvalidArgument,
                    sourceName + QStringLiteral(": the cluster configuration must be a JSON object"));
    auto config = parseClusterConfig(doc.object());
    if (!config)
        return withSource(sourceName, json, config.error());
    if (auto status = config->validate(); !status)
        return withSource(sourceName, json, status.error());
    return config;
}

Result<ClusterConfig> ClusterConfig::fromFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        return fail(ErrorCode::NotFound,
                    QStringLiteral("cluster configuration %1 does not exist; see docs/cluster-config.md for the "
                                   "format")
                        .arg(path));
    }
    QFile file(path);
    if (info.isDir() || !file.open(QIODevice::ReadOnly)) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot read cluster configuration %1: %2")
                        .arg(path, info.isDir() ? QStringLiteral("it is a directory") : file.errorString()));
    }
    const QByteArray json = file.read(kMaxFileBytes + 1);
    if (file.error() != QFileDevice::NoError) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot read cluster configuration %1: %2").arg(path, file.errorString()));
    }
    if (json.size() > kMaxFileBytes) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: larger than %2 bytes; this is not a cluster configuration")
                        .arg(path)
                        .arg(kMaxFileBytes));
    }
    return fromJson(json, path);
}

QJsonObject ClusterConfig::toJson() const
{
    QJsonArray agentArray;
    for (const ClusterAgent &agent : agents) {
        agentArray.append(QJsonObject{{QStringLiteral("name"), agent.name},
                                      {QStringLiteral("host"), agent.host},
                                      {QStringLiteral("url"), agent.url},
                                      {QStringLiteral("public-key"), QString::fromUtf8(agent.publicKey)},
                                      {QStringLiteral("sdk"), agent.sdkUrl},
                                      {QStringLiteral("priority"), agent.priority},
                                      {QStringLiteral("never-promote"), agent.neverPromote},
                                      {QStringLiteral("maintenance"), agent.maintenance}});
    }
    QJsonArray appArray;
    for (const ClusterApp &app : apps) {
        QJsonArray replicaArray;
        for (const ClusterReplica &replica : app.replicas) {
            replicaArray.append(QJsonObject{{QStringLiteral("agent"), replica.agent},
                                            {QStringLiteral("tier"), tierName(replica.tier)}});
        }
        QJsonObject config = app.config.toJson();
        config.remove(QStringLiteral("leaseMs")); // set by failover.lease-ms; fromJson refuses it here
        QJsonObject appJson{{QStringLiteral("name"), app.name},
                            {QStringLiteral("primary"), app.primary},
                            {QStringLiteral("replicas"), replicaArray},
                            {QStringLiteral("config"), config}};
        insertAppShadowFields(app, &appJson);
        insertAppImpact(app, &appJson);
        appArray.append(appJson);
    }
    const QJsonObject weights{{QStringLiteral("heartbeat"), failover.weightHeartbeat},
                              {QStringLiteral("divergence"), failover.weightDivergence},
                              {QStringLiteral("integrity"), failover.weightIntegrity},
                              {QStringLiteral("risk"), failover.weightRisk}};
    const QJsonObject failoverJson{{QStringLiteral("heartbeat-interval-ms"), failover.heartbeatIntervalMs},
                                   {QStringLiteral("phi-threshold"), failover.phiThreshold},
                                   {QStringLiteral("lease-ms"), failover.leaseMs},
                                   {QStringLiteral("lease-margin-ms"), failover.leaseMarginMs},
                                   {QStringLiteral("investigation-ms"), failover.investigationMs},
                                   {QStringLiteral("flap-window-ms"), failover.flapWindowMs},
                                   {QStringLiteral("weights"), weights},
                                   {QStringLiteral("score-threshold"), failover.scoreThreshold},
                                   {QStringLiteral("pre-failover-hook"), failover.preFailoverHook},
                                   {QStringLiteral("post-failover-hook"), failover.postFailoverHook},
                                   {QStringLiteral("hook-timeout-ms"), failover.hookTimeoutMs},
                                   {QStringLiteral("auto-failover"), failover.autoFailover}};
    const QJsonObject topologyJson{{QStringLiteral("probe-interval-ms"), topology.probeIntervalMs},
                                   {QStringLiteral("bandwidth-probe-interval-ms"), topology.bandwidthProbeIntervalMs},
                                   {QStringLiteral("rebalance-hot"), topology.rebalanceHot},
                                   {QStringLiteral("min-gain-ms"), topology.minGainMs},
                                   {QStringLiteral("min-gain-ratio"), topology.minGainRatio},
                                   {QStringLiteral("hold-ms"), topology.holdMs},
                                   {QStringLiteral("cooldown-ms"), topology.cooldownMs},
                                   {QStringLiteral("move-timeout-ms"), topology.moveTimeoutMs}};
    const QJsonObject predictionJson{{QStringLiteral("enabled"), prediction.enabled},
                                     {QStringLiteral("sample-interval-ms"), prediction.sampleIntervalMs},
                                     {QStringLiteral("horizon-ms"), prediction.horizonMs},
                                     {QStringLiteral("short-window"), prediction.shortWindow},
                                     {QStringLiteral("long-window"), prediction.longWindow},
                                     {QStringLiteral("training-window-ms"), prediction.trainingWindowMs},
                                     {QStringLiteral("training-stride"), prediction.trainingStride},
                                     {QStringLiteral("max-rows-per-host"), prediction.maxRowsPerHost},
                                     {QStringLiteral("retrain-interval-ms"), prediction.retrainIntervalMs},
                                     {QStringLiteral("min-incidents"), prediction.minIncidents},
                                     {QStringLiteral("rounds"), prediction.rounds},
                                     {QStringLiteral("max-depth"), prediction.maxDepth},
                                     {QStringLiteral("alert-risk"), prediction.alertRisk}};
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("insecure"), insecure},
                       {QStringLiteral("agents"), agentArray},
                       {QStringLiteral("apps"), appArray},
                       {QStringLiteral("failover"), failoverJson},
                       {QStringLiteral("topology"), topologyJson},
                       {QStringLiteral("prediction"), predictionJson},
                       {QStringLiteral("shadows"), shadowSettingsJson(shadows)}};
}

Status ClusterConfig::validate() const
{
    if (name.isEmpty())
        return invalid(QStringLiteral("name"), QStringLiteral("the cluster needs a name"));
    if (auto status = failover.validate(); !status)
        return status;
    if (auto status = topology.validate(); !status)
        return status;
    if (auto status = prediction.validate(); !status)
        return status;
    if (auto status = shadows.validate(); !status)
        return status;
    if (auto status = validateAgents(*this); !status)
        return status;

    QHash<QString, qsizetype> seen;
    for (qsizetype i = 0; i < apps.size(); ++i) {
        const ClusterApp &app = apps.at(i);
        const QString path = itemPath(QStringLiteral("apps"), i);
        if (const QString problem = nameProblem(app.name); !problem.isEmpty())
            return invalid(path + QStringLiteral(".name"), problem);
        if (const auto it = seen.constFind(app.name); it != seen.cend()) {
            return invalid(path + QStringLiteral(".name"),
                           QStringLiteral("'%1' is also the name of apps[%2]; application names must be unique")
                               .arg(app.name)
                               .arg(*it));
        }
        seen.insert(app.name, i);
        if (auto status = validateApp(*this, app, path); !status)
            return status;
    }
    return {};
}

const ClusterAgent *ClusterConfig::agent(const QString &name) const
{
    const auto it = std::find_if(agents.cbegin(), agents.cend(), [&name](const ClusterAgent &agent) {
        return agent.name == name;
    });
    return it == agents.cend() ? nullptr : &*it;
}

const ClusterApp *ClusterConfig::app(const QString &name) const
{
    const auto it = std::find_if(apps.cbegin(), apps.cend(), [&name](const ClusterApp &app) {
        return app.name == name;
    });
    return it == apps.cend() ? nullptr : &*it;
}

} // namespace foresight::config
