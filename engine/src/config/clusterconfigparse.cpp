#include "config/clusterconfigparse.h"

#include <QJsonArray>

#include "config/configfields.h"
#include "config/impactconfig.h"
#include "config/shadowconfig.h"

using namespace Qt::StringLiterals;

namespace foresight::config {
namespace {

Result<ClusterAgent> parseAgent(const QJsonObject &json, const QString &path)
{
    const Fields fields(json, path);
    ClusterAgent agent;
    QString publicKey;
    const Status status = all({
        fields.onlyKnown({"name"_L1,
                          "host"_L1,
                          "url"_L1,
                          "public-key"_L1,
                          "sdk"_L1,
                          "priority"_L1,
                          "never-promote"_L1,
                          "maintenance"_L1}),
        fields.require({"name"_L1, "url"_L1}),
        fields.read("name"_L1, &agent.name),
        fields.read("host"_L1, &agent.host),
        fields.read("url"_L1, &agent.url),
        fields.read("public-key"_L1, &publicKey),
        fields.read("sdk"_L1, &agent.sdkUrl),
        fields.read("priority"_L1, &agent.priority, kPriorityRange),
        fields.read("never-promote"_L1, &agent.neverPromote),
        fields.read("maintenance"_L1, &agent.maintenance),
    });
    if (!status)
        return std::unexpected(status.error());
    if (!json.contains("host"_L1))
        agent.host = agent.name;
    agent.publicKey = publicKey.toUtf8();
    return agent;
}

Result<ClusterReplica> parseReplica(const QJsonObject &json, const QString &path)
{
    const Fields fields(json, path);
    ClusterReplica replica;
    QString tier = tierName(replica.tier);
    const Status status = all({
        fields.onlyKnown({"agent"_L1, "tier"_L1}),
        fields.require({"agent"_L1}),
        fields.read("agent"_L1, &replica.agent),
        fields.read("tier"_L1, &tier),
    });
    if (!status)
        return std::unexpected(status.error());
    const auto parsed = tierFromName(tier);
    if (!parsed || *parsed == Tier::None)
        return invalid(fields.path("tier"_L1), QStringLiteral("'%1' is not hot, warm or cold").arg(tier));
    replica.tier = *parsed;
    return replica;
}

Result<ClusterApp> parseApp(const QJsonObject &json, const QString &path)
{
    const Fields fields(json, path);
    ClusterApp app;
    const Status status = all({
        fields.onlyKnown(
            {"name"_L1, "primary"_L1, "replicas"_L1, "config"_L1, "criticality"_L1, "shadow"_L1, "impact"_L1}),
        fields.require({"name"_L1, "primary"_L1}),
        fields.read("name"_L1, &app.name),
        fields.read("primary"_L1, &app.primary),
    });
    if (!status)
        return std::unexpected(status.error());
    if (auto shadow = parseAppShadowFields(json, path, &app); !shadow)
        return std::unexpected(shadow.error());
    if (auto impact = parseAppImpact(json, path, &app); !impact)
        return std::unexpected(impact.error());

    const QString replicasPath = fields.path("replicas"_L1);
    auto replicas = fields.array("replicas"_L1);
    if (!replicas)
        return std::unexpected(replicas.error());
    for (qsizetype i = 0; i < replicas->size(); ++i) {
        const QString replicaPath = itemPath(replicasPath, i);
        auto item = objectItem(*replicas, i, replicaPath);
        if (!item)
            return std::unexpected(item.error());
        auto replica = parseReplica(*item, replicaPath);
        if (!replica)
            return std::unexpected(replica.error());
        app.replicas.append(*replica);
    }

    const QString configPath = fields.path("config"_L1);
    auto config = fields.object("config"_L1);
    if (!config)
        return std::unexpected(config.error());
    // The lease belongs to the failover settings: one value for every application, so the
    // engine's promotion wait and the primaries' write window always agree.
    if (config->contains("leaseMs"_L1)) {
        return invalid(childPath(configPath, QStringLiteral("leaseMs")),
                       QStringLiteral("the write lease is set for every application by failover.lease-ms; "
                                      "remove it here"));
    }
    const Fields configFields(*config, configPath);
    if (auto known = configFields.onlyKnown({"critical"_L1,
                                             "syncReplicas"_L1,
                                             "ackTimeoutMs"_L1,
                                             "snapshotIntervalMs"_L1,
                                             "logMaxDeltas"_L1,
                                             "logMaxBytes"_L1,
                                             "partitioning"_L1,
                                             "process"_L1});
        !known) {
        return std::unexpected(known.error());
    }
    if (auto merged = app.config.mergeJson(*config, configPath); !merged)
        return std::unexpected(merged.error());
    return app;
}

Result<FailoverSettings> parseFailover(const QJsonObject &json, const QString &path)
{
    const Fields fields(json, path);
    FailoverSettings settings;
    const Status status = all({
        fields.onlyKnown({"heartbeat-interval-ms"_L1,
                          "phi-threshold"_L1,
                          "lease-ms"_L1,
                          "lease-margin-ms"_L1,
                          "investigation-ms"_L1,
                          "flap-window-ms"_L1,
                          "weights"_L1,
                          "score-threshold"_L1,
                          "pre-failover-hook"_L1,
                          "post-failover-hook"_L1,
                          "hook-timeout-ms"_L1,
                          "auto-failover"_L1}),
        fields.read("heartbeat-interval-ms"_L1, &settings.heartbeatIntervalMs, kHeartbeatRange),
        fields.read("phi-threshold"_L1, &settings.phiThreshold),
        fields.read("lease-ms"_L1, &settings.leaseMs, kLeaseRange),
        fields.read("lease-margin-ms"_L1, &settings.leaseMarginMs, kLeaseMarginRange),
        fields.read("investigation-ms"_L1, &settings.investigationMs, kInvestigationRange),
        fields.read("flap-window-ms"_L1, &settings.flapWindowMs, kFlapWindowRange),
        fields.read("score-threshold"_L1, &settings.scoreThreshold),
        fields.read("pre-failover-hook"_L1, &settings.preFailoverHook),
        fields.read("post-failover-hook"_L1, &settings.postFailoverHook),
        fields.read("hook-timeout-ms"_L1, &settings.hookTimeoutMs, kHookTimeoutRange),
        fields.read("auto-failover"_L1, &settings.autoFailover),
    });
    if (!status)
        return std::unexpected(status.error());

    auto weights = fields.object("weights"_L1);
    if (!weights)
        return std::unexpected(weights.error());
    const Fields weightFields(*weights, fields.path("weights"_L1));
    const Status weightStatus = all({
        weightFields.onlyKnown({"heartbeat"_L1, "divergence"_L1, "integrity"_L1, "risk"_L1}),
        weightFields.read("heartbeat"_L1, &settings.weightHeartbeat),
        weightFields.read("divergence"_L1, &settings.weightDivergence),
        weightFields.read("integrity"_L1, &settings.weightIntegrity),
        weightFields.read("risk"_L1, &settings.weightRisk),
    });
    if (!weightStatus)
        return std::unexpected(weightStatus.error());
    return settings;
}

Result<TopologySettings> parseTopology(const QJsonObject &json, const QString &path)
{
    const Fields fields(json, path);
    TopologySettings settings;
    const Status status = all({
        fields.onlyKnown({"probe-interval-ms"_L1,
                          "bandwidth-probe-interval-ms"_L1,
                          "rebalance-hot"_L1,
                          "min-gain-ms"_L1,
                          "min-gain-ratio"_L1,
                          "hold-ms"_L1,
                          "cooldown-ms"_L1,
                          "move-timeout-ms"_L1}),
        fields.read("probe-interval-ms"_L1, &settings.probeIntervalMs, kProbeIntervalRange),
        fields.read("bandwidth-probe-interval-ms"_L1, &settings.bandwidthProbeIntervalMs, kBandwidthProbeRange),
        fields.read("rebalance-hot"_L1, &settings.rebalanceHot),
        fields.read("min-gain-ms"_L1, &settings.minGainMs),
        fields.read("min-gain-ratio"_L1, &settings.minGainRatio),
        fields.read("hold-ms"_L1, &settings.holdMs, kHoldRange),
        fields.read("cooldown-ms"_L1, &settings.cooldownMs, kHoldRange),
        fields.read("move-timeout-ms"_L1, &settings.moveTimeoutMs, kMoveTimeoutRange),
    });
    if (!status)
        return std::unexpected(status.error());
    return settings;
}

Result<PredictionSettings> parsePrediction(const QJsonObject &json, const QString &path)
{
    const Fields fields(json, path);
    PredictionSettings settings;
    const Status status = all({
        fields.onlyKnown({"enabled"_L1,
                          "sample-interval-ms"_L1,
                          "horizon-ms"_L1,
                          "short-window"_L1,
                          "long-window"_L1,
                          "training-window-ms"_L1,
                          "training-stride"_L1,
                          "max-rows-per-host"_L1,
                          "retrain-interval-ms"_L1,
                          "min-incidents"_L1,
                          "rounds"_L1,
                          "max-depth"_L1,
                          "alert-risk"_L1}),
        fields.read("enabled"_L1, &settings.enabled),
        fields.read("sample-interval-ms"_L1, &settings.sampleIntervalMs, kSampleIntervalRange),
        fields.read("horizon-ms"_L1, &settings.horizonMs, kHorizonRange),
        fields.read("short-window"_L1, &settings.shortWindow, kFeatureWindowRange),
        fields.read("long-window"_L1, &settings.longWindow, kFeatureWindowRange),
        fields.read("training-window-ms"_L1, &settings.trainingWindowMs, kTrainingWindowRange),
        fields.read("training-stride"_L1, &settings.trainingStride, kStrideRange),
        fields.read("max-rows-per-host"_L1, &settings.maxRowsPerHost, kRowsPerHostRange),
        fields.read("retrain-interval-ms"_L1, &settings.retrainIntervalMs, kRetrainRange),
        fields.read("min-incidents"_L1, &settings.minIncidents, kIncidentsRange),
        fields.read("rounds"_L1, &settings.rounds, kRoundsRange),
        fields.read("max-depth"_L1, &settings.maxDepth, kDepthRange),
        fields.read("alert-risk"_L1, &settings.alertRisk),
    });
    if (!status)
        return std::unexpected(status.error());
    return settings;
}

// Structure and types only; ClusterConfig::validate() checks what the values mean.
} // namespace

Result<ClusterConfig> parseClusterConfig(const QJsonObject &json)
{
    const Fields fields(json, QString());
    ClusterConfig config;
    const Status status = all({
        fields.onlyKnown({"name"_L1,
                          "insecure"_L1,
                          "agents"_L1,
                          "apps"_L1,
                          "failover"_L1,
                          "topology"_L1,
                          "prediction"_L1,
                          "shadows"_L1}),
        fields.read("name"_L1, &config.name),
        fields.read("insecure"_L1, &config.insecure),
    });
    if (!status)
        return std::unexpected(status.error());

    auto agents = fields.array("agents"_L1);
    if (!agents)
        return std::unexpected(agents.error());
    for (qsizetype i = 0; i < agents->size(); ++i) {
        const QString path = itemPath(QStringLiteral("agents"), i);
        auto item = objectItem(*agents, i, path);
        if (!item)
            return std::unexpected(item.error());
        auto agent = parseAgent(*item, path);
        if (!agent)
            return std::unexpected(agent.error());
        config.agents.append(*agent);
    }

    auto apps = fields.array("apps"_L1);
    if (!apps)
        return std::unexpected(apps.error());
    for (qsizetype i = 0; i < apps->size(); ++i) {
        const QString path = itemPath(QStringLiteral("apps"), i);
        auto item = objectItem(*apps, i, path);
        if (!item)
            return std::unexpected(item.error());
        auto app = parseApp(*item, path);
        if (!app)
            return std::unexpected(app.error());
        config.apps.append(*app);
    }

    auto failover = fields.object("failover"_L1);
    if (!failover)
        return std::unexpected(failover.error());
    auto settings = parseFailover(*failover, QStringLiteral("failover"));
    if (!settings)
        return std::unexpected(settings.error());
    config.failover = *settings;

    auto topology = fields.object("topology"_L1);
    if (!topology)
        return std::unexpected(topology.error());
    auto topologySettings = parseTopology(*topology, QStringLiteral("topology"));
    if (!topologySettings)
        return std::unexpected(topologySettings.error());
    config.topology = *topologySettings;

    auto prediction = fields.object("prediction"_L1);
    if (!prediction)
        return std::unexpected(prediction.error());
    auto predictionSettings = parsePrediction(*prediction, QStringLiteral("prediction"));
    if (!predictionSettings)
        return std::unexpected(predictionSettings.error());
    config.prediction = *predictionSettings;

    auto shadows = fields.object("shadows"_L1);
    if (!shadows)
        return std::unexpected(shadows.error());
    auto shadowSettings = parseShadowSettings(*shadows, QStringLiteral("shadows"));
    if (!shadowSettings)
        return std::unexpected(shadowSettings.error());
    config.shadows = *shadowSettings;
    return config;
}

} // namespace foresight::config
