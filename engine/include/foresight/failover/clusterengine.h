#pragma once

#include <functional>
#include <future>
#include <memory>

#include <QJsonObject>
#include <QString>

#include "foresight/config/clusterconfig.h"
#include "foresight/core/clock.h"
#include "foresight/core/result.h"
#include "foresight/failover/clustersnapshot.h"
#include "foresight/transport/keys.h"

namespace foresight::failover {

struct ClusterEngineOptions
{
    config::ClusterConfig config;
    transport::KeyPair keys; // the console's key pair (an admin key in every agent's allowlist)
    QString storePath;       // the console's SQLite store (journal, incidents)
    // The failure-prediction models' SQLite store; empty: "<storePath without .sqlite>-models.sqlite",
    // or none when storePath is empty too (models then live only as long as the engine).
    QString modelStorePath;
    // Default: SystemClock. With a ScaledClock (a simulated cluster's, LocalCluster::clock()) the
    // engine's detection, leases, time-outs and its poll tick all run that much faster; its
    // agents must run at the same scale (foresight-agent --time-scale): the engine ignores the
    // heartbeats of agents whose clocks run at another rate, since their leases would be unsafe.
    Clock *clock = nullptr;
    // Assign the roles the configuration names to agents that hold nothing of an application yet.
    bool deploy = true;
    int snapshotIntervalMs = 100;
    // Called on the engine's thread with every new snapshot (at most every snapshotIntervalMs).
    // Keep it short: hand the snapshot over (a queued signal, a mutex-guarded pointer) and return.
    std::function<void(std::shared_ptr<const ClusterSnapshot>)> onSnapshot;
    // Tests and fault drills: called on the engine's thread as each step of a switchover begins
    // ("revoke", "catch-up", "promote"), before that step's request is sent, with the application
    // and the target. A fault injected here (an agent killed, a link cut) hits exactly that step.
    std::function<void(const QString &app, const QString &target, const QString &step)> onSwitchoverStep;
};

// What an operator command did (or, for a dry run, would do).
struct OperatorOutcome
{
    QString summary;     // one sentence for the operator
    QJsonObject details; // machine-readable: the candidate, its terms, the data at risk
};

struct PromoteRequest
{
    QString app;
    QString agent;       // empty: the engine's best candidate
    bool force = false;  // promote even though the candidate lags (acknowledged writes may be lost)
    bool dryRun = false; // say what would happen and why, change nothing
    QString actor;       // who asked (journaled)
};

// A graceful role swap: the primary stops taking writes (its lease is revoked), the target catches
// up, roles swap; no acknowledged write is lost and the write pause is measured.
struct SwitchoverRequest
{
    QString app;
    QString agent;       // the new primary; empty: the engine's best candidate
    bool dryRun = false; // say what would happen, change nothing
    qint64 atWallMs = 0; // Unix ms to start at; 0: now
    QString actor;
};

// A command on an application's shadow (docs/api.md): create one (agent empty: the engine picks
// the host, as it does ahead of a predicted failure), swap the primary onto it, promote it
// (the failover path: force accepts losing what it lacks), or retire it.
struct ShadowRequest
{
    QString app;
    QString agent;       // create: where (empty: the engine's choice); others: must be the shadow's, if given
    bool force = false;  // promote only: even though the shadow lags
    bool dryRun = false; // say what would happen, change nothing
    QString actor;
};

// A validated update (docs/managed-apps.md): a new version of the application's process, started
// on its shadow first; the application's validation command runs against it there, and only if
// it passes is the shadow swapped in. The version before stays on the old primary as the shadow,
// so a swap onto it rolls the update back.
struct ShadowUpdateRequest
{
    QString app;
    QString agent;       // must be the shadow's, if given
    QJsonObject process; // the keys of config.process that change (docs/cluster-config.md), merged onto the current
    bool dryRun = false; // say what would happen, change nothing
    QString actor;
};

// The engine's monitoring and failover thread (issue 3): watches every agent of the cluster
// through heartbeats, renews primaries' write leases, detects failures (phi-accrual, replica
// investigation, integrity), and promotes the best replica once the old primary's lease has
// certainly expired. Everything it decides goes into the console store's journal; each failover
// becomes an incident. All work happens on its own thread; this object's methods are
// thread-safe and never block on the network (commands return futures).
class ClusterEngine final
{
public:
    static Result<std::unique_ptr<ClusterEngine>> start(ClusterEngineOptions options);
    ~ClusterEngine(); // stops the thread
    ClusterEngine(const ClusterEngine &) = delete;
    ClusterEngine &operator=(const ClusterEngine &) = delete;

    std::shared_ptr<const ClusterSnapshot> snapshot() const;

    std::future<Result<OperatorOutcome>> promote(const PromoteRequest &request);
    // Completes when the switchover has finished (details: "pause-ms", the write pause), or at
    // once for a dry run or a scheduled one.
    std::future<Result<OperatorOutcome>> switchover(const SwitchoverRequest &request);
    // Shadows (engine/src/failover/shadowflow.cpp). swapShadow completes when the swap has ended
    // (details: "pause-ms"); a failed swap leaves the old primary in charge with nothing lost.
    std::future<Result<OperatorOutcome>> createShadow(const ShadowRequest &request);
    std::future<Result<OperatorOutcome>> swapShadow(const ShadowRequest &request);
    std::future<Result<OperatorOutcome>> promoteShadow(const ShadowRequest &request);
    std::future<Result<OperatorOutcome>> retireShadow(const ShadowRequest &request);
    // Completes when the update has been swapped in (details: "pause-ms", "validation") or has
    // failed (NotReady naming the validation's result; the old version stays primary).
    std::future<Result<OperatorOutcome>> updateShadow(const ShadowUpdateRequest &request);
    std::future<Result<OperatorOutcome>> setMaintenance(const QString &agent, bool on, const QString &actor);
    // Lifts the anti-flapping block of the application's last failover.
    std::future<Result<OperatorOutcome>> acknowledge(const QString &app, const QString &actor);
    // An external prediction for a host (a disk's SMART warning, a vendor's maintenance notice),
    // 0..1: the host's failure risk is at least this until cleared (risk < 0). It drives shadows
    // like the engine's own risk; journaled with its actor.
    std::future<Result<OperatorOutcome>> setHostRisk(const QString &agent, double risk, const QString &actor);
    // Model divergence inputs (the prediction engine's; tests feed values): of the primary
    // (agent empty) or of one replica, 0..1.
    std::future<Result<OperatorOutcome>> setDivergence(const QString &app, const QString &agent, double divergence);

    class Impl;

private:
    explicit ClusterEngine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::failover
