#pragma once

#include <cstdint>
#include <optional>

#include <QList>
#include <QPair>
#include <QString>

#include "foresight/config/clusterconfig.h"
#include "foresight/core/result.h"
#include "foresight/shadow/discrepancy.h"
#include "foresight/vocabulary/roles.h"

namespace foresight::shadow {

// Who asked for a shadow: the engine ahead of a predicted failure, or an operator.
// Predicted: deployed ahead of a predicted failure (retired once the host is calm again).
// Operator: asked for. Update: the version before a validated update, kept ready to roll back to.
enum class ShadowOrigin { Predicted, Operator, Update };
QString shadowOriginName(ShadowOrigin origin);

// One agent as the planner sees it: where it runs, how risky and busy its host is.
struct AgentFacts
{
    QString agent;
    QString host;                      // failure domain: a shadow never shares its primary's
    double risk = 0;                   // host failure risk, 0..1 (the model's, or the health baseline's anomaly)
    double load = 0;                   // host CPU load, 0..1; 0 when unknown
    bool available = true;             // heard, not suspected, not in maintenance
    std::int64_t unavailableForMs = 0; // how long it has not been available (0 while it is)
    int shadowsHeld = 0;               // shadows of any application it holds now
};

// One application as the planner sees it.
struct AppFacts
{
    QString app;
    QString primary; // agent; empty while nobody is primary
    config::Criticality criticality = config::Criticality::Medium;
    config::ShadowPolicy policy;
    qint64 swapMaxLag = 0; // ClusterApp::swapMaxLag()
    bool settled = false;  // healthy, no failover, switchover or hot move under way
    // Agents holding a copy now, each with its tier (the primary excluded).
    QList<QPair<QString, Tier>> replicas;
    // Round trips from the primary to other agents, where measured.
    QList<QPair<QString, double>> rttMs;

    // Its shadow, if it has one.
    QString shadowAgent;
    ShadowOrigin origin = ShadowOrigin::Predicted;
    Discrepancy discrepancy;
    bool swapTried = false;        // an automatic swap onto this shadow was already attempted
    std::int64_t calmSinceMs = -1; // its primary's host below deploy-risk since (engine clock); -1: not calm
};

struct ShadowAction
{
    enum class Kind { Deploy, Retire, Swap };
    Kind kind = Kind::Deploy;
    QString app;
    QString agent;               // Deploy: the chosen host's agent; Retire, Swap: the shadow's agent
    Tier priorTier = Tier::None; // Deploy: what the chosen agent held of the app before (None: nothing)
    double hostRisk = 0;         // the primary's host risk that led to it
    double priority = 0;         // the order it was planned in: imminent first, then risk x criticality
    QString why;                 // one sentence for the journal
};
QString shadowActionKindName(ShadowAction::Kind kind);

// Where a shadow of app should go now (the Deploy action), by the rules planShadows() follows;
// NotFound naming why when no agent qualifies.
Result<ShadowAction> placeShadow(const AppFacts &app,
                                 const QList<AgentFacts> &agents,
                                 const config::ShadowSettings &settings);

// A shadow whose agent has been unavailable this long is retired (and replaced elsewhere, if still
// needed); shorter silences (a suspicion on a loaded machine) leave it in place.
inline constexpr std::int64_t kUnavailableShadowRetireMs = 5000;

// Decides, once per engine tick, which shadows to deploy, retire and swap onto. Pure: the engine
// supplies what it knows and carries out the actions, in the order returned. Deploys come in
// priority order: applications on hosts past imminentRisk first (critical before the rest), then
// by host risk times criticality weight; each agent takes at most maxShadowsPerAgent shadows.
// A shadow goes to a different host than its primary's, available and below deployRisk itself,
// preferring an agent that holds no copy yet (a new copy keeps the hot tier whole after the
// failure), then the lowest round trip to the primary, then the lowest load.
QList<ShadowAction> planShadows(const QList<AppFacts> &apps,
                                const QList<AgentFacts> &agents,
                                const config::ShadowSettings &settings,
                                std::int64_t nowMs);

} // namespace foresight::shadow
