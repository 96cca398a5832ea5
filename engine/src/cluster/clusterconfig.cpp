#include "foresight/cluster/clusterconfig.h"

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

using namespace Qt::StringLiterals;

namespace foresight {
namespace {

// The cluster file is written by people; anything this large is a mistake, not a cluster.
constexpr qint64 kMaxFileBytes = 16 * 1024 * 1024;

struct IntRange
{
    int min;
    int max;
};

constexpr IntRange kPriorityRange{-1'000'000, 1'000'000};
constexpr IntRange kHeartbeatRange{10, 10'000};
constexpr IntRange kLeaseRange{50, 600'000};
constexpr IntRange kLeaseMarginRange{0, 10'000};
constexpr IntRange kInvestigationRange{0, 60'000};
constexpr IntRange kFlapWindowRange{0, 86'400'000};
constexpr IntRange kHookTimeoutRange{100, 600'000};
constexpr IntRange kProbeIntervalRange{100, 60'000};
constexpr IntRange kBandwidthProbeRange{0, 3'600'000};
constexpr IntRange kHoldRange{0, 86'400'000};
constexpr IntRange kSampleIntervalRange{10, 3'600'000};
constexpr IntRange kHorizonRange{10, 86'400'000};
constexpr IntRange kFeatureWindowRange{2, 100'000};
constexpr IntRange kTrainingWindowRange{10, 2'000'000'000};
constexpr IntRange kStrideRange{1, 10'000};
constexpr IntRange kRowsPerHostRange{10, 1'000'000};
constexpr IntRange kRetrainRange{1000, 604'800'000};
constexpr IntRange kIncidentsRange{1, 10'000};
constexpr IntRange kRoundsRange{1, 10'000};
constexpr IntRange kDepthRange{1, 20};
constexpr IntRange kMoveTimeoutRange{1000, 3'600'000};
constexpr double kPhiMin = 1.0;
constexpr double kPhiMax = 50.0;

std::unexpected<Error> invalid(const QString &path, const QString &what)
{
    return fail(ErrorCode::InvalidArgument, path + QStringLiteral(": ") + what);
}

QString childPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

QString itemPath(const QString &path, qsizetype index)
{
    return QStringLiteral("%1[%2]").arg(path).arg(index);
}

// Whole numbers in full ("2000000", not "2e+06"); fractions as short as they go.
QString formatNumber(double value)
{
    if (std::isfinite(value) && std::trunc(value) == value && std::abs(value) < 1e15)
        return QString::number(static_cast<qint64>(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

// What a wrong value was, for messages like "must be a string, not 42".
QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return formatNumber(value.toDouble());
    case QJsonValue::String:
        return QStringLiteral("'%1'").arg(value.toString());
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

Status checkRange(const QString &path, double value, IntRange range)
{
    if (value < range.min || value > range.max)
        return invalid(
            path, QStringLiteral("%1 is out of range %2..%3").arg(formatNumber(value)).arg(range.min).arg(range.max));
    return {};
}

// The fields of one JSON object, addressed by their path in the file. Absent optional fields
// leave the target untouched, so the struct's defaults are the documented defaults.
class Fields
{
public:
    Fields(QJsonObject object, QString path)
        : m_object(std::move(object))
        , m_path(std::move(path))
    {}

    QString path(QLatin1StringView key) const { return childPath(m_path, QString(key)); }

    // A key this build does not know is a typo or an option from another version; either way,
    // ignoring it would run the cluster with a setting the operator did not ask for.
    Status onlyKnown(std::initializer_list<QLatin1StringView> known) const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            if (std::find(known.begin(), known.end(), it.key()) != known.end())
                continue;
            QStringList names;
            for (QLatin1StringView name : known)
                names.append(name);
            return invalid(childPath(m_path, it.key()),
                           QStringLiteral("unknown key; expected one of %1").arg(names.join(QStringLiteral(", "))));
        }
        return {};
    }

    Status require(std::initializer_list<QLatin1StringView> keys) const
    {
        for (QLatin1StringView key : keys) {
            if (!m_object.contains(key))
                return invalid(path(key), QStringLiteral("missing"));
        }
        return {};
    }

    Status read(QLatin1StringView key, QString *out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return {};
        if (!value.isString())
            return invalid(path(key), QStringLiteral("must be a string, not %1").arg(describe(value)));
        *out = value.toString();
        return {};
    }

    Status read(QLatin1StringView key, bool *out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return {};
        if (!value.isBool())
            return invalid(path(key), QStringLiteral("must be true or false, not %1").arg(describe(value)));
        *out = value.toBool();
        return {};
    }

    Status read(QLatin1StringView key, int *out, IntRange range) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return {};
        const double number = value.toDouble();
        if (!value.isDouble() || std::trunc(number) != number)
            return invalid(path(key), QStringLiteral("must be a whole number, not %1").arg(describe(value)));
        if (auto status = checkRange(path(key), number, range); !status)
            return status;
        *out = static_cast<int>(number);
        return {};
    }

    Status read(QLatin1StringView key, double *out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return {};
        if (!value.isDouble())
            return invalid(path(key), QStringLiteral("must be a number, not %1").arg(describe(value)));
        *out = value.toDouble();
        return {};
    }

    Result<QJsonArray> array(QLatin1StringView key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return QJsonArray();
        if (!value.isArray())
            return invalid(path(key), QStringLiteral("must be an array, not %1").arg(describe(value)));
        return value.toArray();
    }

    Result<QJsonObject> object(QLatin1StringView key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return QJsonObject();
        if (!value.isObject())
            return invalid(path(key), QStringLiteral("must be an object, not %1").arg(describe(value)));
        return value.toObject();
    }

private:
    QJsonObject m_object;
    QString m_path;
};

Result<QJsonObject> objectItem(const QJsonArray &array, qsizetype index, const QString &path)
{
    if (!array.at(index).isObject())
        return invalid(path, QStringLiteral("must be an object, not %1").arg(describe(array.at(index))));
    return array.at(index).toObject();
}

// Runs the reads in order and stops at the first failure.
Status all(std::initializer_list<Status> statuses)
{
    for (const Status &status : statuses) {
        if (!status)
            return status;
    }
    return {};
}

// Agent names travel in ZeroMQ routing ids and application names with them (<= 255 bytes), the
// same rule AgentOptions and AppAssignment apply.
QString nameProblem(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("must not be empty");
    if (name.toUtf8().size() > 100 || name.contains(QLatin1Char('/')))
        return QStringLiteral("'%1' must be 1 to 100 bytes without '/'").arg(name);
    return {};
}

// Empty when url is an endpoint the console can connect to, else what is wrong with it. An SDK
// endpoint may also be a unix:// stream (the agent's fast local endpoint; not for control).
QString endpointProblem(const QString &url, bool sdk = false)
{
    if (sdk && url.startsWith(QLatin1String("unix://"))) {
        if (url.size() == 7)
            return QStringLiteral("'%1' names no socket path: unix://PATH").arg(url);
        return {};
    }
    if (url.startsWith(QLatin1String("ipc://"))) {
        if (url.size() == 6)
            return QStringLiteral("'%1' names no socket path: ipc://PATH").arg(url);
        return {};
    }
    if (!url.startsWith(QLatin1String("tcp://")))
        return sdk ? QStringLiteral("'%1' is not a unix://, tcp:// or ipc:// endpoint").arg(url)
                   : QStringLiteral("'%1' is not a tcp:// or ipc:// endpoint").arg(url);
    const QString rest = url.mid(6);
    const qsizetype colon = rest.lastIndexOf(QLatin1Char(':'));
    const QString host = colon < 0 ? rest : rest.left(colon);
    if (host.isEmpty() || host == QLatin1String("*"))
        return QStringLiteral("'%1' names no host to connect to: tcp://HOST:PORT").arg(url);
    bool ok = false;
    const int port = colon < 0 ? 0 : rest.mid(colon + 1).toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        return QStringLiteral("'%1' needs a port from 1 to 65535: tcp://HOST:PORT").arg(url);
    return {};
}

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
        fields.onlyKnown({"name"_L1, "primary"_L1, "replicas"_L1, "config"_L1}),
        fields.require({"name"_L1, "primary"_L1}),
        fields.read("name"_L1, &app.name),
        fields.read("primary"_L1, &app.primary),
    });
    if (!status)
        return std::unexpected(status.error());

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
                                             "logMaxBytes"_L1});
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
Result<ClusterConfig> parseConfig(const QJsonObject &json)
{
    const Fields fields(json, QString());
    ClusterConfig config;
    const Status status = all({
        fields.onlyKnown(
            {"name"_L1, "insecure"_L1, "agents"_L1, "apps"_L1, "failover"_L1, "topology"_L1, "prediction"_L1}),
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
    return config;
}

std::unexpected<Error> withSource(const QString &sourceName, const Error &error)
{
    return fail(error.code, sourceName + QStringLiteral(": ") + error.message);
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
        if (!agent.publicKey.isEmpty() && !isZ85Key(agent.publicKey)) {
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
                    QStringLiteral("%1: not valid JSON at offset %2: %3")
                        .arg(sourceName)
                        .arg(error.offset)
                        .arg(error.errorString()));
    }
    if (!doc.isObject())
        return fail(ErrorCode::InvalidArgument,
                    sourceName + QStringLiteral(": the cluster configuration must be a JSON object"));
    auto config = parseConfig(doc.object());
    if (!config)
        return withSource(sourceName, config.error());
    if (auto status = config->validate(); !status)
        return withSource(sourceName, status.error());
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
        appArray.append(QJsonObject{{QStringLiteral("name"), app.name},
                                    {QStringLiteral("primary"), app.primary},
                                    {QStringLiteral("replicas"), replicaArray},
                                    {QStringLiteral("config"), config}});
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
                       {QStringLiteral("prediction"), predictionJson}};
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

} // namespace foresight
