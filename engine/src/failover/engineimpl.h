#pragma once

// Private: the engine thread's state. Only the engine thread touches anything here except the
// command queue and the published snapshot, which have their own mutex.

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <QMap>

#include "failover/agentlink.h"
#include "failover/hookrunner.h"
#include "failover/riskworker.h"
#include "foresight/detection/phiaccrualdetector.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/failover/hotplacement.h"
#include "foresight/mirror/versionedcopy.h"
#include "foresight/shadow/shadowplanner.h"
#include "foresight/storage/consolestore.h"
#include "storage/storewriter.h"

namespace foresight::failover {

inline constexpr int kRequestTimeoutMs = 2000;
inline constexpr int kAssignRetryMs = 1000; // an agent just sent an assign is left alone this long

// Fields of an application's status map, as agents report it in heartbeats.
inline bool isPrimaryStatus(const QCborMap &status)
{
    return status.value(QStringLiteral("role")).toString() == QLatin1String("primary");
}
inline bool isFenced(const QCborMap &status)
{
    return status.contains(QStringLiteral("fenced"));
}
inline std::uint64_t uintField(const QCborMap &map, const char *name)
{
    return std::uint64_t(qMax<qint64>(0, map.value(QLatin1String(name)).toInteger()));
}

struct AgentRuntime
{
    config::ClusterAgent config;
    std::unique_ptr<AgentLink> link;
    detection::PhiAccrualDetector phi;
    std::optional<monitor::Heartbeat> last;
    QMap<QString, QCborMap> apps; // application → its status map from the latest heartbeat
    bool suspected = false;
    QString error;
    std::int64_t lastRiskSampleWallMs = 0; // when its host metrics last went to the risk worker
    std::int64_t lastHistoryWallMs = 0;    // when its host metrics last went to the metrics history
    std::uint64_t peersIncarnation = 0;    // the agent process that accepted the peer list
    std::int64_t peersRetryAtMs = 0;
    // Its host's inventory, mirrored (inventorymirror.cpp): fetched when a heartbeat announces a
    // version the copy does not hold.
    mirror::VersionedCopy inventoryCopy;
    std::optional<metrics::HostInventory> inventory;
    QString inventoryError;
};

// The replies the engine waits for.
struct PendingRequest
{
    QString agent;
    protocol::MessageType type = protocol::MessageType::Status;
    std::int64_t deadlineMs = 0;
    std::function<void(Result<QCborMap>)> done;
};

struct AppRuntime
{
    config::ClusterApp config;
    QString primary; // the engine's belief: the agent holding the write lease it renews
    std::uint64_t epoch = 0;
    AppPhase phase = AppPhase::Starting;
    QString reason;
    qint64 blockedUntilWallMs = 0;
    bool deployed = false;

    // Leases: the old primary has certainly stopped writing by this time on the engine's clock.
    std::int64_t leaseCertainEndMs = 0;
    bool stopGranting = false; // set once a failover or promotion is decided

    // Detection.
    std::int64_t suspectSinceMs = 0;
    std::int64_t primaryLastHeardMs = 0;
    // The investigation found the primary silent (nobody hears it): the failover score's
    // heartbeat term is 1 until the primary is heard again or replaced.
    bool primarySilent = false;
    QString investigationNote;
    // The primary's recent positions (seq → digest, critical digest), for integrity checks.
    std::map<std::uint64_t, std::pair<QString, QString>> primaryDigests;
    QMap<QString, QString> integrityFailures; // replica → why
    bool primaryIntegrityFailed = false;
    double primaryDivergence = 0;
    QMap<QString, double> divergence; // replica → divergence
    // What was wrong with the primary's last malformed `partitions` map (partitionsstatus.h):
    // logged when it first appears, not at every snapshot; empty once a map reads well again.
    QString partitionsProblem;

    // Failover in progress.
    QString candidate;
    bool manual = false; // an operator's promote
    QString manualActor;
    bool promoteInFlight = false;
    QStringList failedCandidates; // promote refused or timed out during this failover
    std::uint64_t nextEpoch = 0;
    std::optional<std::future<HookResult>> preHook; // running for `candidate`
    bool preHookPassed = false;
    std::int64_t retryAfterMs = 0; // after a veto or a failed promote

    // Anti-flapping: the last automatic failover and whether an operator acknowledged it.
    std::int64_t lastFailoverWallMs = 0;
    bool lastFailoverAcknowledged = true;

    // The incident being recorded, until its first acknowledged write.
    qint64 incidentId = 0;
    std::optional<storage::Incident> incident;
    // The incident whose new primary serves a speculative overlay: kept past the incident's end
    // (its first acknowledged write), until the real deltas have judged the predictions.
    std::optional<storage::Incident> overlayIncident;
    std::uint64_t ackedWritesAtPromotion = 0;
    QString formerPrimary;              // rejoins as a replica once heard again
    std::uint64_t formerPrimarySeq = 0; // its last reported position
    std::uint64_t promotedSeq = 0;

    // An operator's graceful switchover in progress, and one scheduled for later.
    struct Switchover
    {
        // Steps (switchover.cpp): revoke the primary's lease, its reply naming its final position;
        // the target answers once it holds that position; digests compared; promote. A promote
        // whose answer is lost is resolved by asking the target, else by waiting out the lease it
        // may have been given and raising the old primary's epoch above it.
        enum class Step { Revoking, CatchingUp, Promoting, Resolving, AwaitingTargetLease, Reinstating };
        QString target;
        QString actor;
        std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise;
        std::uint64_t id = 0; // replies to an earlier switchover's requests are ignored
        Step step = Step::Revoking;
        bool revoked = false;       // the primary confirmed its lease ended: no more writes
        std::int64_t startedMs = 0; // revoke sent: writes pause from here
        std::int64_t revokedMs = 0;
        std::int64_t deadlineMs = 0; // revoke and catch-up must be over by then, else roll back
        int timeoutMs = 0;
        bool promoting = false;
        std::int64_t askAgainAtMs = 0; // catch-up: an agent that does not wait is asked again then
        // The primary's final position, from its reply to the revoke.
        std::uint64_t primarySeq = 0;
        std::uint64_t primarySeqEpoch = 0;
        QString primaryDigest;
        std::uint64_t newEpoch = 0;
        std::int64_t promoteSentMs = 0;
        std::int64_t targetLeaseCertainEndMs = 0; // the lease a promote in doubt may have granted
        QString failure;                          // why it is rolling back (a promote in doubt)
        // Real-time marks (microseconds, steady clock) of the steps, for the pause's breakdown.
        std::int64_t startUs = 0, revokedUs = 0, caughtUpUs = 0, digestUs = 0, promotedUs = 0;
    };
    std::optional<Switchover> switchover;
    std::optional<SwitchoverRequest> scheduledSwitchover;

    // Topology: where the hot tier should be, and a move under way.
    HotPlacement placement;
    struct HotMove
    {
        PlacementMove move;
        QString primary; // the move is abandoned if the primary changes
        std::int64_t startedMs = 0;
        bool releasing = false; // the primary is being asked to stop streaming to move.from
        QString note;
    };
    std::optional<HotMove> hotMove;

    // Its shadow (shadowflow.cpp): a hot copy beyond the configured tiers, on a healthy host,
    // ready to take over.
    struct Shadow
    {
        QString agent;
        shadow::ShadowOrigin origin = shadow::ShadowOrigin::Predicted;
        QString reason;
        QString actor;
        qint64 createdWallMs = 0;
        std::int64_t createdMs = 0;
        Tier priorTier = Tier::None; // what the agent held before; restored when the shadow retires
        shadow::Discrepancy discrepancy;
        QList<shadow::Discrepancy> history;
        std::int64_t lastHistoryMs = 0;
        bool swapTried = false; // the engine swaps onto a shadow on its own at most once
        bool swapping = false;
        bool retiring = false;
        QString lastSwap;
        // Its process when it is not the application's: an update being validated on it, or the
        // version before an update (a swap onto it rolls back). Assigns to it carry this one.
        std::optional<ProcessSpec> process;
    };
    std::optional<Shadow> shadow;

    // A validated update under way (shadowupdate.cpp): the new version runs on the shadow, the
    // validation command runs against it there, and only a pass swaps it in.
    struct Update
    {
        std::uint64_t id = 0; // replies to an earlier update's requests are ignored
        QString agent;        // the shadow it is tried on
        QString primary;      // the primary when it began: a change ends the update
        ProcessSpec from, to;
        QString actor;
        // Validated, waiting for the shadow to be swappable (measured, caught up) since then; -1:
        // not validated yet. The shadow's new assign re-joins it to the primary, so its
        // discrepancy may be unmeasured for a moment just as the validation passes.
        std::int64_t validatedMs = -1;
        bool swapping = false;
        std::future<Result<OperatorOutcome>> swap;                      // the switchover's, once swapping
        std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise; // the operator's
        QJsonObject validation;                                         // the agent's answer, for the outcome
    };
    std::optional<Update> update;
    std::optional<ShadowUpdateView> lastUpdate; // the latest update's record, for the views
    std::int64_t calmSinceMs = -1;              // the primary's host below shadows.deploy-risk since; -1: not calm

    std::int64_t lastRestoreAttemptMs = 0;
    QMap<QString, std::int64_t> lastAssignMs; // agent → when the engine last sent it an assign
    QMap<QString, Tier> lastAssignTier;       // agent → the replica tier asked then (None: released)
    QString lastJournaledBlock;               // so a standing block is journaled once, not every tick
};

class ClusterEngine::Impl
{
public:
    explicit Impl(ClusterEngineOptions options);
    ~Impl();

    Status startThread();
    void stopThread();

    std::shared_ptr<const ClusterSnapshot> snapshot() const;
    std::future<Result<OperatorOutcome>> post(std::function<Result<OperatorOutcome>(Impl &)> command);

private:
    void run();
    void openLinks();
    void pollOnce(int timeoutMs);
    void runCommands();
    void expireRequests();
    void publishSnapshot(bool force);
    // The primary's `partitions` (docs/protocol.md 9.2) for the snapshot; a malformed map is logged once.
    std::optional<PartitionsView> primaryPartitions(failover::AppRuntime &app, const QCborMap &status);
    std::int64_t now() const { return m_clock.monotonicMs(); }
    std::int64_t wallNow() const { return m_clock.wallMs(); }

    // observation.cpp: heartbeats and replies in, views and detection state out.
    void onHeartbeat(failover::AgentRuntime &agent, const monitor::Heartbeat &heartbeat);
    void onReply(const QString &agent, const failover::AgentLink::Reply &reply);
    void updateSuspicion();
    void checkIntegrity(failover::AppRuntime &app, const QString &agent, const QCborMap &status);
    // The model divergence a replica reports (and the primary's: its hot replicas' lowest).
    void noteDivergence(failover::AppRuntime &app, const QString &agent, const QCborMap &status);
    // How the primary's speculative overlay turned out, into its incident.
    void noteOverlay(failover::AppRuntime &app, const QCborMap &primaryStatus);
    void checkReplicasAsThePrimarySeesThem(failover::AppRuntime &app, const QCborMap &primaryStatus);
    std::optional<QCborMap> appStatus(const QString &agent, const QString &app) const;
    bool reachable(const QString &agent) const;

    // riskflow.cpp: host metrics and failures to the prediction thread, its findings back.
    void startRiskWorker();
    void feedRisk(failover::AgentRuntime &agent, const monitor::Heartbeat &heartbeat, bool unnoticedRestart);
    void reportFailureToRisk(const QString &agent, std::int64_t lastHeardWallMs);
    void journalRiskEvents();
    double failureRisk(const QString &agent) const;
    bool predictedToFail(const QString &agent) const;
    // riskflow.cpp too: the hosts' metrics history (console store), batched to the store's thread.
    void recordHostSample(failover::AgentRuntime &agent, const monitor::Heartbeat &heartbeat, std::int64_t wall);
    void flushHostHistory(bool force);

    // failoverflow.cpp: the per-application state machine; it asks failoverdecision.h's pure
    // functions whether the investigation is over and whether a failover may start.
    void evaluate(failover::AppRuntime &app);
    void adoptOrDeploy(failover::AppRuntime &app);
    void grantLease(failover::AppRuntime &app,
                    const failover::AgentRuntime &primary,
                    const monitor::Heartbeat &heartbeat);
    void investigate(failover::AppRuntime &app);
    void decideFailover(failover::AppRuntime &app, const QString &why);
    // promotion.cpp: a decided failover carried out, up to the new primary's first acknowledged write.
    void tryPromote(failover::AppRuntime &app);
    void onPromoted(failover::AppRuntime &app, const QString &agent, const QCborMap &reply);
    void watchFirstAck(failover::AppRuntime &app);
    // replicarepair.cpp: the replicas put back in line with the primary and the configured tiers.
    void repointReplicas(failover::AppRuntime &app);
    void restoreTiers(failover::AppRuntime &app);
    QString replicaToMoveUpToHot(const failover::AppRuntime &app) const;
    void rejoinFormerPrimaries(failover::AppRuntime &app);
    void repointStrayReplicas(failover::AppRuntime &app);

    // topologyflow.cpp: peer lists, link measurements and hot-tier placement.
    void sendPeers(failover::AgentRuntime &agent);
    void mirrorInventory(failover::AgentRuntime &agent, const monitor::Heartbeat &heartbeat);
    void onInventory(const QString &agent, Result<QCborMap> reply);
    std::optional<double> rttMs(const QString &a, const QString &b) const;
    void placeHotTier(failover::AppRuntime &app);
    void continueHotMove(failover::AppRuntime &app);
    void endHotMove(failover::AppRuntime &app, const QString &outcome, bool revert);
    Status sendRelease(const QString &agent, const QString &app, const QString &replica = {});
    void block(failover::AppRuntime &app, const QString &reason, qint64 untilWallMs = 0);
    QList<RankedCandidate> candidates(const failover::AppRuntime &app) const;
    FailoverScore score(const failover::AppRuntime &app) const;
    // extra: more fields for the assign's body (a switchover's keep-seq and keep-digest). An assign
    // to the application's shadow always says so ("shadow": true): without it the agent stops the
    // shadow's passive instance (docs/managed-apps.md).
    Status sendAssign(
        const QString &agent, const failover::AppRuntime &app, Role role, Tier tier, const QCborMap &extra = {});

    // Requests and journal.
    Status request(const QString &agent,
                   protocol::MessageType type,
                   const QCborMap &body,
                   int timeoutMs,
                   std::function<void(Result<QCborMap>)> done);
    void journal(const QString &kind,
                 const QString &app,
                 const QString &agent,
                 const QString &message,
                 const QJsonObject &details = {},
                 const QString &actor = QStringLiteral("engine"));
    void saveIncident(failover::AppRuntime &app);

    // operatorcommands.cpp
    friend class ClusterEngine;
    Result<OperatorOutcome> doPromote(const PromoteRequest &request);
    Result<OperatorOutcome> doMaintenance(const QString &agent, bool on, const QString &actor);
    Result<OperatorOutcome> doAcknowledge(const QString &app, const QString &actor);
    void doSwitchover(const SwitchoverRequest &request, std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise);
    // timeoutMs: how long revoke and catch-up may take before the old primary resumes (0: 5000).
    void startSwitchover(failover::AppRuntime &app,
                         const QString &target,
                         const QString &actor,
                         std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise,
                         int timeoutMs = 0);
    void continueSwitchover(failover::AppRuntime &app);
    void askTargetPosition(failover::AppRuntime &app);
    void promoteSwitchoverTarget(failover::AppRuntime &app);
    void resolveSwitchoverPromote(failover::AppRuntime &app);
    void reinstateOldPrimary(failover::AppRuntime &app);
    void completeSwitchover(failover::AppRuntime &app, const QCborMap &reply);
    void endSwitchover(failover::AppRuntime &app, Result<OperatorOutcome> result);
    Result<QString> switchoverTarget(const failover::AppRuntime &app, const QString &requested) const;
    // shadowflow.cpp: the planner's decisions carried out, once per tick for the whole cluster.
    void tendShadows();
    void trackShadow(failover::AppRuntime &app);
    void flushShadowHistory(bool force);
    QList<shadow::AppFacts> shadowAppFacts() const;
    QList<shadow::AgentFacts> shadowAgentFacts() const;
    Status deployShadow(failover::AppRuntime &app,
                        const QString &agent,
                        Tier priorTier,
                        shadow::ShadowOrigin origin,
                        const QString &reason,
                        const QString &actor);
    void retireShadow(failover::AppRuntime &app, const QString &why, const QString &actor);
    void startShadowSwap(failover::AppRuntime &app,
                         const QString &why,
                         const QString &actor,
                         std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise);
    std::optional<ShadowView> shadowView(const failover::AppRuntime &app) const;
    bool isShadow(const failover::AppRuntime &app, const QString &agent) const
    {
        return app.shadow && app.shadow->agent == agent;
    }
    Result<OperatorOutcome> doCreateShadow(const ShadowRequest &request);
    void doSwapShadow(const ShadowRequest &request, std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise);
    Result<OperatorOutcome> doPromoteShadow(const ShadowRequest &request);
    Result<OperatorOutcome> doRetireShadow(const ShadowRequest &request);
    // shadowupdate.cpp: validated updates.
    void doUpdateShadow(const ShadowUpdateRequest &request,
                        std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise);
    void onValidated(const QString &appName, std::uint64_t id, Result<QCborMap> answer);
    void tendUpdates();
    void failUpdate(failover::AppRuntime &app, const QString &why);
    // A swap onto a shadow that runs another version makes that version the application's; the
    // former primary, running the version before, becomes the shadow (switchover.cpp calls it
    // before re-pointing the former primary, so that assign carries "shadow" and the old process).
    void swapValidatedUpdate(failover::AppRuntime &app);
    void adoptShadowVersion(failover::AppRuntime &app, const QString &target, const QString &former);
    void setAppProcess(failover::AppRuntime &app, const ProcessSpec &process);
    // The process an agent runs for the application: the shadow's own (above), else the configured one.
    const ProcessSpec &processOf(const failover::AppRuntime &app, const QString &agent) const
    {
        return isShadow(app, agent) && app.shadow->process ? *app.shadow->process : app.config.config.process;
    }
    Result<OperatorOutcome> doHostRisk(const QString &agent, double risk, const QString &actor);
    Result<OperatorOutcome> doDivergence(const QString &app, const QString &agent, double divergence);

    ClusterEngineOptions m_options;
    Clock &m_clock;
    const config::FailoverSettings &m_settings;
    std::unique_ptr<storage::StoreWriter> m_store;
    std::unique_ptr<failover::RiskWorker> m_risk;
    std::shared_ptr<const failover::RiskTable> m_riskTable; // refreshed once per tick
    QMap<QString, double> m_externalRisk;                   // setHostRisk(): agent → its floor
    QList<storage::HostSample> m_hostHistory;               // samples not yet posted to the store
    std::int64_t m_hostHistoryFlushedWallMs = 0;
    std::int64_t m_hostHistoryPrunedWallMs = 0;
    qint64 m_lastIncidentId = 0;
    std::map<QString, failover::AgentRuntime> m_agents;
    std::map<QString, failover::AppRuntime> m_apps;
    std::map<std::pair<QString, qint64>, failover::PendingRequest> m_pending;
    struct PostHook
    {
        QString app;
        QString agent;
        std::shared_ptr<std::future<failover::HookResult>> result;
    };
    std::vector<PostHook> m_postHooks;
    std::int64_t m_startedMs = 0;
    std::int64_t m_lastSnapshotMs = 0;
    std::int64_t m_lastShadowTickMs = 0;
    std::uint64_t m_nextUpdateId = 1;
    // Shadows act on the highest risk a host had within the prediction horizon: the health
    // baseline's anomaly score is a spike that one event raises once, not a level that stays up.
    struct HeldRisk
    {
        double risk = 0;
        std::int64_t atMs = 0;
    };
    std::map<QString, HeldRisk> m_heldRisk;
    std::map<QString, std::int64_t> m_unavailableSinceMs; // agents not available to hold a shadow, since
    QList<storage::ShadowSample> m_shadowHistory;         // not yet posted to the store
    std::int64_t m_shadowHistoryFlushedWallMs = 0;
    std::int64_t m_shadowHistoryPrunedWallMs = 0;
    double heldRisk(const QString &agent) const
    {
        const auto it = m_heldRisk.find(agent);
        return it == m_heldRisk.end() ? 0 : it->second.risk;
    }
    std::shared_ptr<std::atomic<qint64>> m_journalHead = std::make_shared<std::atomic<qint64>>(0);
    QList<storage::JournalEntry> m_recentJournal; // the last kRecentJournal entries, for the snapshot
    qint64 m_journalCount = 0;
    static constexpr qsizetype kRecentJournal = 500;

    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::promise<Status> m_started;

    mutable std::mutex m_mutex; // guards the two members below
    std::deque<std::function<void(Impl &)>> m_commands;
    std::shared_ptr<const ClusterSnapshot> m_snapshot;
};

} // namespace foresight::failover
