#pragma once

#include <optional>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "foresight/config/impactfunction.h"
#include "foresight/core/result.h"
#include "foresight/vocabulary/appconfig.h"

namespace foresight::config {

// One agent the console watches: where its listen endpoint is and which key it proves.
struct ClusterAgent
{
    QString name;         // unique in the cluster; the agent's own --name
    QString host;         // the machine it runs on (maintenance and topology group by it); default: name
    QString url;          // listen endpoint: tcp://HOST:PORT, or ipc://PATH on the console's host
    QByteArray publicKey; // Z85; required for tcp:// unless the cluster is insecure
    QString sdkUrl;       // the agent's SDK endpoint, for clients (informational); may be empty
    int priority = 0;     // operator preference among otherwise equal candidates: higher first
    bool neverPromote = false;
    bool maintenance = false; // excluded from promotion and from new replica assignments
};

// How much an application matters when there is not time for all of them: shadows are deployed
// (and swapped) in order of host risk times criticalityWeight(), and a swap's discrepancy threshold
// is tighter the more critical the application.
enum class Criticality { Low, Medium, High, Critical };
QString criticalityName(Criticality criticality);
std::optional<Criticality> criticalityFromName(const QString &name);
double criticalityWeight(Criticality criticality); // 0.25, 0.5, 0.75, 1

// What the engine may do with an application's shadow on its own (docs/cluster-config.md, apps[i].shadow).
struct ShadowPolicy
{
    bool enabled = true;   // false: never shadowed ahead of a failure (an operator may still create one)
    bool autoSwap = false; // past shadows.imminent-risk, swap the primary onto its caught-up shadow
    // A swap starts only while the shadow is at most this many writes behind the primary (the
    // writes that must still ship during the pause); -1: by criticality (swapMaxLag()).
    qint64 maxSwapLag = -1;
};

struct ClusterReplica
{
    QString agent;
    Tier tier = Tier::Hot;
};

// An application and where its state lives. The listed replicas define the desired tiers: the
// engine keeps that many hot, warm and cold replicas, choosing other agents after a failover.
struct ClusterApp
{
    QString name;
    QString primary; // the agent that is primary when the cluster is first deployed
    QList<ClusterReplica> replicas;
    AppConfig config; // leaseMs is set by the engine from FailoverSettings
    Criticality criticality = Criticality::Medium;
    ShadowPolicy shadow;
    // Its impact function (docs/cluster-config.md, apps[i].impact): which keys' staleness hurts
    // how much, in order, the first rule that matches a key deciding. ClusterConfig::validate()
    // compiles it; ImpactFunction::compile(impact, path) gives the function to classify keys with.
    QList<ImpactRule> impact;

    int desired(Tier tier) const;
    // shadow.maxSwapLag, or the criticality's default: critical 100, high 1,000, medium 10,000,
    // low 100,000 writes.
    qint64 swapMaxLag() const;
};

// How the engine detects failures and fails over (issue 3). Every duration is in milliseconds.
struct FailoverSettings
{
    int heartbeatIntervalMs = 100;
    double phiThreshold = 8.0;     // phi-accrual suspicion level that starts an investigation
    int leaseMs = 500;             // write lease the engine grants primaries, renewed on every heartbeat
    int leaseMarginMs = 50;        // waited beyond a lease's end (plus 1% clock drift) before promoting
    int investigationMs = 300;     // how long replicas are asked whether they still hear the primary
    int flapWindowMs = 300'000;    // no second automatic failover of an app within this, unless acknowledged
    double weightHeartbeat = 0.6;  // weighted failover score (seed 10601909): heartbeat status,
    double weightDivergence = 0.2; //   model divergence,
    double weightIntegrity = 0.2;  //   data integrity,
    double weightRisk = 0.1;       //   predicted failure risk of the primary's host;
    double scoreThreshold = 0.5;   //   fail over when the score reaches this
    QString preFailoverHook;       // program run before a promotion; a non-zero exit vetoes it
    QString postFailoverHook;      // program run after a promotion
    int hookTimeoutMs = 5000;
    bool autoFailover = true;

    Status validate() const;
};

// Topology awareness: agents measure their links to each other, and the engine keeps each
// application's hot replicas on the healthy hosts closest to its primary (a hot replica's round
// trip is part of every acknowledged write). Hysteresis keeps tiers from oscillating: a move
// needs a gain of at least minGainMs AND minGainRatio of the current round trip, held for holdMs,
// and an application's hot tier moves at most once per cooldownMs.
struct TopologySettings
{
    int probeIntervalMs = 1000;           // agents ping each peer this often
    int bandwidthProbeIntervalMs = 30000; // and measure bandwidth this often (0: never)
    bool rebalanceHot = true;
    double minGainMs = 2.0;
    double minGainRatio = 0.3;
    int holdMs = 30'000;
    int cooldownMs = 600'000;
    int moveTimeoutMs = 60'000; // a new hot replica not caught up by then: the move is abandoned

    Status validate() const;
};

// Host failure prediction (issue 4): the console turns the host metrics in agents' heartbeats
// into a failure risk per host with an xgboost model it retrains in the background from the
// failures it has seen (docs/cluster-config.md, `prediction`). Durations in milliseconds.
struct PredictionSettings
{
    bool enabled = true;
    int sampleIntervalMs = 1000;       // one metric sample per host per interval feeds the models
    int horizonMs = 60'000;            // the model gives P(failure within this)
    int shortWindow = 12;              // samples: recent level, trend, variability
    int longWindow = 120;              // samples: the baseline the recent window is compared with
    int trainingWindowMs = 21'600'000; // rows older than this (6 h) are forgotten
    int trainingStride = 5;            // every n-th sample becomes a training row
    int maxRowsPerHost = 1000;         // healthy rows kept per host (the newest; about 170 bytes each)
    int retrainIntervalMs = 600'000;   // retrain this often when the data allows
    int minIncidents = 1;              // incidents in the training window before a first model
    int rounds = 60;                   // xgboost boosting rounds
    int maxDepth = 4;                  // xgboost max_depth
    double alertRisk = 0.5;            // a risk at or above this counts as a predicted failure

    Status validate() const;
    // The model kind in the model store: one per horizon, since a model answers one question.
    QString modelKind() const;
};

// Predictive shadows (seeds 10110502 and 11531531, docs/cluster-config.md `shadows`): when a host's
// failure risk reaches deployRisk, each primary on it gets a shadow, a caught-up hot copy on a
// healthy host in another failure domain, ready to take over. Durations in milliseconds.
struct ShadowSettings
{
    bool enabled = true;
    double deployRisk = 0.5;    // a host at or above this risk gets its primaries shadowed
    double imminentRisk = 0.9;  // failure imminent: critical first, and automatic swaps where allowed
    int retireIdleMs = 600'000; // a shadow whose primary's host has been below deployRisk this long is retired
    int maxShadowsPerAgent = 4; // "room": shadows one agent may hold at once

    Status validate() const;
};

// The cluster configuration a console works from: imported from a JSON file into the console's
// SQLite store, edited with foresightctl. The JSON format is documented in docs/cluster-config.md.
struct ClusterConfig
{
    QString name = QStringLiteral("cluster");
    bool insecure = false; // plain TCP to the agents (they must run with --insecure too)
    QList<ClusterAgent> agents;
    QList<ClusterApp> apps;
    FailoverSettings failover;
    TopologySettings topology;
    PredictionSettings prediction;
    ShadowSettings shadows;

    // Parses and validates; errors name the offending field as a path, e.g. "agents[2].url".
    static Result<ClusterConfig> fromJson(const QByteArray &json, const QString &sourceName);
    static Result<ClusterConfig> fromFile(const QString &path);
    QJsonObject toJson() const;
    // Names unique, every referenced agent exists, a replica is not also the primary or listed
    // twice, tcp:// agents have valid keys unless insecure, settings in range.
    Status validate() const;

    const ClusterAgent *agent(const QString &name) const;
    const ClusterApp *app(const QString &name) const;
};

} // namespace foresight::config
