#pragma once

// Private to the agent: the state behind foresight::Agent, shared by the files that implement
// it (agent.cpp: sockets, loop and dispatch; primaryside.cpp; replicaside.cpp; control.cpp).
// Everything here is touched only by the thread running Agent::run(), except m_stop.

#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <optional>

#include <zmq.hpp>

#include <QCborArray>
#include <QCborMap>
#include <QHash>

#include "agent/mirrorfeeds.h"
#include "agent/mirrorreports.h"
#include "agent/partitionworker.h"
#include "agent/peerprober.h"
#include "agent/predictionworker.h"
#include "agent/snapshotwriter.h"
#include "agent/turntimer.h"
#include "foresight/agent/agent.h"
#include "foresight/config/impactfunction.h"
#include "foresight/instance/supervisor.h"
#include "foresight/instance/validation.h"
#include "foresight/metrics/hostinventory.h"
#include "foresight/metrics/hostmetrics.h"
#include "foresight/partitioning/deliveryestimator.h"
#include "foresight/partitioning/linkbacklog.h"
#include "foresight/partitioning/partitionchangelog.h"
#include "foresight/partitioning/partitioner.h"
#include "foresight/partitioning/prefetchhints.h"
#include "foresight/partitioning/usageprofile.h"
#include "foresight/protocol/message.h"
#include "foresight/replication/primarystream.h"
#include "foresight/replication/replicastream.h"
#include "foresight/state/deltalog.h"
#include "foresight/state/keyvaluestate.h"
#include "foresight/storage/snapshotstore.h"
#include "protocol/deltasmessage.h"
#include "protocol/writerequest.h"
#include "transport/streamserver.h"
#include "transport/wire.h"

namespace foresight::agent {

enum class SocketKind { Api, Sdk };

// Where a request came from, so its reply can find the way back.
struct ReplyRoute
{
    SocketKind socket = SocketKind::Api;
    QList<QByteArray> routing;
    qint64 requestId = -1;
};

using replication::ReplicaLink;

struct PendingWrite
{
    std::uint64_t seq = 0;
    std::uint64_t epoch = 0;
    ReplyRoute route;
    std::int64_t deadlineMs = 0;
};

// Replica side: the connection to this application's primary. The stream holds the protocol
// state and decides; the socket stays here, on the agent's thread, with the rest of its I/O.
struct Upstream
{
    explicit Upstream(int ackIntervalMs)
        : stream(ackIntervalMs)
    {}

    std::unique_ptr<zmq::socket_t> socket;
    QString url;
    QByteArray publicKey;
    replication::ReplicaStream stream;
};

// A value the Predictive State Engine predicted at promotion, for a key the gap probably changed:
// served marked as predicted, never part of the state (nor its digest), until a client writes the
// key or the real deltas of the gap arrive (predictionside.cpp).
struct SpeculativeValue
{
    QByteArray value;
    double confidence = 0;
    double numeric = 0;       // the predicted number value was written from
    double typicalChange = 0; // the tolerance of "right": half of it
};

// The overlay a promotion with a sequence gap applied, and how it turned out.
struct SpeculativeOverlay
{
    std::uint64_t gapEpoch = 0;              // the epoch the missing deltas belong to (the state's at promotion)
    std::uint64_t gapFrom = 0;               // the first missing sequence number
    std::uint64_t gapTo = 0;                 // the old primary's last known one
    QHash<QString, SpeculativeValue> values; // still speculative
    qint64 applied = 0;                      // predictions made
    qint64 right = 0;                        // confirmed by the real deltas, within tolerance
    qint64 wrong = 0;                        // contradicted (another value, or the key did not change)
    qint64 overwritten = 0;                  // a client wrote the key first: never checked
    bool reconciled = false;
    QString reconciledFrom; // the agent whose log supplied the real deltas
};

struct AppCounters
{
    qint64 writes = 0;          // accepted by this primary
    qint64 ackedWrites = 0;     // acknowledged to clients
    qint64 failedWrites = 0;    // not-enough-replicas
    qint64 catchUps = 0;        // replica: times it caught up
    qint64 snapshotsStored = 0; // cold replica
    qint64 snapshotsSent = 0;   // primary
};

// What one warm replica lacks outside the critical keys, and the scheduled batches in flight to
// it (warmschedule.cpp, docs/protocol.md 8.11).
struct WarmSchedule
{
    partitioning::LinkBacklog backlog;
    partitioning::DeliveryEstimator link; // bandwidth and round trip, measured on the batches
    std::uint64_t nextBatch = 1;
    qsizetype fillBytes = 0; // what it was owed when the link started (the keys it lacked)
};

// An application's staleness partitions on its primary (partitionside.cpp, docs/partitions.md).
struct AppPartitions
{
    // Every role: what a key's staleness costs (impact function and critical patterns); the
    // state classifies its keys with it, so a promoted replica's class tallies are ready.
    partitioning::KeyClassifier classifier;
    bool configured = false;         // the classifier was made from these:
    QList<config::ImpactRule> rules; // the impact function's rules
    QStringList critical;            // AppConfig::critical
    // Primary: the current partitions (cold ones only until the first clustering), made when it
    // first changes a key as primary, dropped at demotion.
    std::shared_ptr<const partitioning::PartitionSet> set;
    partitioning::PartitionChangeLog changes;
    std::uint64_t generation = 0; // bumped by a new classifier or a role change: older jobs dropped
    bool clustering = false;      // a job is with the worker
    std::int64_t nextClusteringMs = 0;
    qint64 lastClusteringTookMs = 0;
    QString lastError; // the last clustering's failure, empty after a success
    // The status map, rebuilt at most every kStatusEveryMs: a heartbeat round may ask for it
    // every 10 ms, and it looks up every tracked key.
    // Primary: per warm link (by identity), what its scheduled stream still owes it.
    QHash<QByteArray, WarmSchedule> warm;
    mutable QCborMap status;
    mutable std::int64_t statusBuiltMs = -1;
    std::int64_t forgottenMs = 0; // when the changes every replica holds were last dropped
    // Primary with warm links: per partition, the earliest change the state engine forecasts for
    // its keys (prefetchhints.h), rebuilt at most every kForecastHintsEveryMs.
    QHash<partitioning::PartitionId, std::int64_t> forecastHints;
    std::int64_t forecastHintsBuiltMs = -1;
};

struct AppInstance
{
    QString name;
    Role role = Role::Primary;
    Tier tier = Tier::None;
    AppConfig config;
    state::KeyValueState state;
    state::DeltaLog log;
    std::uint64_t epoch = 0; // highest epoch this agent knows for the application
    bool fenced = false;
    QString fencedReason;
    std::uint64_t fencedByEpoch = 0; // the newer epoch that fenced this primary, if known
    std::int64_t leaseUntilMs = 0;   // monotonic; meaningful when config.leaseMs > 0
    // A revoke's successor-sdk: named as primary-sdk in the fenced errors this primary answers
    // while it holds no lease, so clients go straight to the agent being promoted.
    QString successorSdk;
    AppCounters counters;
    // primary: its replicas' links, their batches and the digests their acks are checked against
    replication::PrimaryStream stream;
    std::deque<PendingWrite> pending;
    std::uint64_t highestAckedSeq = 0;             // the last write acknowledged to a client
    QHash<QString, std::int64_t> hotBannedUntilMs; // released replica → its hot hellos ignored until
    // replica
    std::unique_ptr<Upstream> upstream;
    QString lastStoreError;
    std::optional<storage::SnapshotInfo> lastStored;
    // replica: its model's divergence from the primary's forecasts, smoothed; -1 until measured
    double divergence = -1;
    int divergenceKeys = 0; // keys compared in the last forecasts message
    // primary promoted with a gap
    std::optional<SpeculativeOverlay> overlay;
    // demoted primary: its history, until the new primary has asked for a gap in it
    std::unique_ptr<state::DeltaLog> formerLog;
    // hot replica: the application's shadow, whose agent runs a passive instance (assign `shadow`)
    bool shadow = false;
    // primary, unless the agent runs with --no-usage-profile: how its keys are used, from the
    // SDK's gets and writes (usageside.cpp); created at the first access, dropped at demotion.
    // Without it the partitions are the four of the impact classes (nothing to cluster), and
    // warm replicas are scheduled by them all the same.
    std::optional<partitioning::UsageProfile> usage;
    // Its impact function (assign `impact`, docs/protocol.md 9.3): held by every agent with the
    // application, replicas too, so that a promoted replica ranks its keys from the first write.
    config::ImpactFunction impact;
    AppPartitions partitions;
};

// A console that asked for this agent's heartbeats.
struct Subscriber
{
    QList<QByteArray> routing;
    int intervalMs = 100;
    std::int64_t expiresAtMs = 0; // the subscriber renews; a silent one stops costing anything
    std::int64_t lastSentMs = -1'000'000;
};

// When the agent began sending one heartbeat round: a write lease anchored to that heartbeat
// runs from this moment (docs/protocol.md 9.8).
struct HeartbeatRound
{
    std::uint64_t seq = 0;   // 0: slot never used
    std::int64_t sentMs = 0; // monotonic
};

// A `status` that waits until an application's seq reaches `waitSeq` (docs/protocol.md 9.1):
// a switchover asks the target this way, so it learns the moment the target holds the primary's
// final position instead of at the next heartbeat.
struct ParkedStatus
{
    ReplyRoute route;
    QString app;
    std::uint64_t waitSeq = 0;
    std::int64_t deadlineMs = 0; // monotonic: answered then, caught up or not
};

// A `validate` being answered (docs/protocol.md 9.13): first the wait until the application's
// instance runs as last assigned (and is healthy, with a health check), then the command.
struct PendingValidation
{
    ReplyRoute route;
    QString app;
    std::int64_t readyDeadlineMs = 0; // monotonic: the instance must be ready by then
    int timeoutMs = 0;                // the command's own time
    QString command;                  // as run, for the reply
    std::int64_t instancePid = 0;
    std::unique_ptr<instance::ValidationRun> run; // null while waiting for the instance
};

struct RejectCounters
{
    qint64 malformed = 0;
    qint64 versionMismatch = 0;
    qint64 unauthorized = 0;
    qint64 oversized = 0;
};

class Agent::Impl
{
public:
    Impl(const AgentOptions &options, Clock &clock);
    Status bindSockets();
    Status run();

    // agent.cpp
    void drain(zmq::socket_t &socket, SocketKind kind);
    void handle(SocketKind kind, transport::Incoming &in);
    void handleStream(transport::StreamIncoming &in);
    void reply(const ReplyRoute &route, const protocol::Message &message);
    void reply(const ReplyRoute &route, protocol::MessageType type, const QByteArray &encodedBody);
    void replyError(const ReplyRoute &route, ErrorCode code, const QString &text, QCborMap extra = {});
    zmq::socket_t &socketFor(SocketKind kind) { return kind == SocketKind::Api ? m_api : m_sdk; }
    AppInstance *findApp(const QString &name);
    bool allowed(const QString &role, SocketKind kind, protocol::MessageType type) const;
    std::int64_t now() const { return m_clock.monotonicMs(); }

    // primaryside.cpp
    void handleWrite(const ReplyRoute &route, const protocol::WriteRequest &request);
    // Applies a new change of this primary: state, log, digests, the replicas' batches, the model.
    Status appendDelta(AppInstance &app, const state::StateDelta &delta);
    // A get with "forecast": the key's next change as the state engine forecasts it (7.5).
    void addChangeForecast(QCborMap &body, const AppInstance &app, const QString &key);
    void handleGet(const ReplyRoute &route, const protocol::Message &message);
    void handleReplicaHello(const QByteArray &identity, const protocol::Message &message);
    void handleReplicaAck(const QByteArray &identity, const protocol::Message &message);
    void handleReplicaError(const QByteArray &identity, const protocol::Message &message);
    // False when the link could not take it; the caller drops the link (never during iteration).
    [[nodiscard]] bool sendSnapshot(AppInstance &app, ReplicaLink &link, const QString &reason);
    void sendWelcome(AppInstance &app, const ReplicaLink &link);
    // After the critical patterns change, a warm replica starts over from a critical snapshot.
    void resyncWarmReplicas(AppInstance &app);
    void flushAndExpire();
    // Sends every replica link's queued deltas now (not at the end of the loop turn): a revoked
    // primary ships what remains before it answers, so its successor holds it sooner.
    void flushNow(AppInstance &app);
    // Sends the link's queued deltas (or a keep-alive) up to the current position; false when
    // the link could not take it.
    bool flushLink(AppInstance &app, ReplicaLink &link);
    void completeWrites(AppInstance &app);
    void failPendingWrites(AppInstance &app, ErrorCode code, const QString &text);
    void fence(AppInstance &app, const QString &reason, std::uint64_t newerEpoch = 0);
    void dropLink(AppInstance &app, const QByteArray &identity, const QString &why);

    // replicaside.cpp
    Status connectUpstream(AppInstance &app, const QString &url, const QByteArray &publicKey);
    void drainUpstream(AppInstance &app);
    void handleUpstream(AppInstance &app, const protocol::Message &message);
    void handleDeltas(AppInstance &app, const protocol::DeltasMessage &message);
    // A warm replica's batch of changes outside the critical keys, as the primary scheduled them.
    void handleScheduledDeltas(AppInstance &app, const protocol::Message &message);
    // Tells the primary its epoch is older than the one this replica follows.
    void refuseStaleUpstream(AppInstance &app, const QString &text);
    void sendHello(AppInstance &app);
    void sendAck(AppInstance &app);
    void replicaTimers(AppInstance &app);
    void storeColdSnapshot(const state::Snapshot &snapshot);
    void collectStoredSnapshots();
    SnapshotWriter &snapshots();

    // predictionside.cpp
    PredictionWorker *predictions() { return m_predictions.get(); }
    void learn(const AppInstance &app, const state::StateDelta &delta);
    // A cold replica's view of a new snapshot as changes: the keys whose value differs from the
    // state it holds, as puts numbered after its position and stamped with the snapshot's time.
    // nullopt when the snapshot does not continue the history held (the model must start over).
    std::optional<QList<state::StateDelta>> changesSince(const AppInstance &app, const state::Snapshot &snapshot) const;
    void sendForecasts(AppInstance &app, ReplicaLink &link);
    void handleForecasts(AppInstance &app, const protocol::Message &message);
    // At promotion: predicted values for the keys the gap up to gapTo most probably changed.
    void applySpeculativeOverlay(AppInstance &app, std::uint64_t gapTo);
    // At a hello naming a demoted primary's kept-aside history: asks for the gap's deltas if that
    // history holds them.
    void requestGapDeltas(AppInstance &app,
                          const QByteArray &identity,
                          std::uint64_t formerSeq,
                          std::uint64_t formerEpoch);
    void handleGapRequest(AppInstance &app, const protocol::Message &message);
    void handleGapDeltas(const protocol::Message &message);
    // A client wrote key: its predicted value, if any, is no longer served.
    void dropSpeculative(AppInstance &app, const QString &key);
    void addPredictionStatus(const AppInstance &app, QCborMap &status) const;
    // Appends a write made by this primary itself (not a client) and streams it to the replicas.
    Status applyOwnWrite(AppInstance &app, const QString &key, state::DeltaOp op, const QByteArray &value);

    // heartbeats.cpp
    void handleSubscribe(const ReplyRoute &route, const protocol::Message &message);
    // Mirrors' change events (mirrorside.cpp): a unix:// client's subscription, and each turn's events.
    void handleMirrorSubscribe(const ReplyRoute &route, std::uint64_t connection, const protocol::Message &message);
    void flushMirrorFeeds();
    void handleMirrorReport(const ReplyRoute &route, std::uint64_t connection, const protocol::Message &message);
    void addMirrorStatus(const AppInstance &app, QCborMap &status) const;
    void sendHeartbeats();
    // Milliseconds until the next heartbeat is due (for the poll timeout); -1 with no subscriber.
    std::int64_t nextHeartbeatInMs() const;
    // When round `seq` of this incarnation began, if it is one of the last kHeartbeatRounds.
    std::optional<std::int64_t> heartbeatSentMs(std::uint64_t seq) const;
    // A random non-zero number below 2^63, new for every agent process.
    static std::uint64_t newIncarnation();
    static constexpr std::size_t kHeartbeatRounds = 256;

    // control.cpp
    void handleStatus(const ReplyRoute &route, const protocol::Message &message);
    // The status-reply for one application (`only`) or all; not-found when `only` is unknown.
    void replyStatus(const ReplyRoute &route, const QString &only);
    // Answers the parked statuses whose application caught up or whose wait ran out.
    void answerParkedStatuses();
    void handleAssign(const ReplyRoute &route, const protocol::Message &message);
    void handlePromote(const ReplyRoute &route, const protocol::Message &message);
    void handleTakeSnapshot(const ReplyRoute &route, const protocol::Message &message);
    void handleFault(const ReplyRoute &route, const protocol::Message &message);
    void handleRelease(const ReplyRoute &route, const protocol::Message &message);
    // The primary's half of a release: stops streaming to one replica, if no acknowledged write
    // would then be held by that replica alone.
    void releaseReplicaLink(const ReplyRoute &route, AppInstance &app, const QString &replica);

    // usageside.cpp
    // A client's served get or accepted write of key: into the application's usage profile.
    void recordAccess(AppInstance &app, const QString &key, partitioning::AccessKind kind, const ReplyRoute &route);
    void addUsageStatus(const AppInstance &app, QCborMap &status) const;

    // partitionside.cpp: the primary's staleness partitions
    // The impact function or the critical patterns changed (or the application is new).
    Status configurePartitions(AppInstance &app);
    // A change this primary just applied: into its partition's history (the write path).
    void notePartitionChange(AppInstance &app, const state::StateDelta &delta);
    // The application stops being primary here: its partitions go with its usage profile.
    void dropPartitions(AppInstance &app);
    // Every round: results from the worker, and a new clustering when one is due.
    void partitionTimers();
    void addPartitionStatus(const AppInstance &app, QCborMap &status) const;
    // The current partitions, made (cold ones only) if the application has none yet.
    const partitioning::PartitionSet &ensurePartitions(AppInstance &app);

    // warmschedule.cpp: what warm replicas receive besides the critical keys, as scheduled
    // Per partition, the earliest change the state engine forecasts (the prefetch hint).
    const QHash<partitioning::PartitionId, std::int64_t> &forecastHints(AppInstance &app);
    // A warm link (re)starts: it is owed every key outside the critical patterns.
    void startWarmSchedule(AppInstance &app, const ReplicaLink &link);
    // A change of a key outside the critical patterns, in partition p: owed to every warm link.
    void scheduleChange(AppInstance &app, const state::StateDelta &delta, partitioning::PartitionId p);
    // Sends each warm link the batches the scheduler picks, within its link's window.
    void pumpWarmSchedules(AppInstance &app);
    void acknowledgeScheduled(AppInstance &app, const QByteArray &identity, std::uint64_t batch);
    // New partitions: each warm link's owed changes move with their keys.
    void regroupWarmSchedules(AppInstance &app);

    // instances.cpp: the application's process, run as its role here says
    // (Re)starts, restarts with another role, or stops the app's process as its role, tier and
    // shadow flag here ask (docs/managed-apps.md).
    void superviseInstance(const AppInstance &app);
    void stopInstance(const QString &app);
    void tickInstances();
    // At the loop's end: SIGTERM, then SIGKILL after each stop timeout, waited for.
    void stopAllInstances();
    void addInstanceStatus(const AppInstance &app, QCborMap &status) const;
    // The variables an instance (and its validation) is started with (docs/managed-apps.md).
    instance::Supervisor::Environment instanceEnvironment(const AppInstance &app, instance::InstanceRole role) const;

    // validations.cpp: an update's validation command, run against the instance here
    void handleValidate(const ReplyRoute &route, const protocol::Message &message);
    void tickValidations();

    // topology.cpp
    void handlePeers(const ReplyRoute &route, const protocol::Message &message);
    // The host's inventory (inventoryside.cpp): read again every kInventoryIntervalMs, its
    // version carried in heartbeats, the whole of it sent when a console asks.
    void refreshInventory();
    void addInventoryVersion(QCborMap &heartbeat);
    void handleHostInventory(const ReplyRoute &route, const protocol::Message &message);
    void handleLease(const ReplyRoute &route, const protocol::Message &message);
    // When the lease a grant of leaseMs gives ends (monotonic): at the send time of the heartbeat
    // the body names (`heartbeat`, `incarnation`) plus leaseMs, else at now plus leaseMs.
    // invalid-argument for an anchor that is not a recent heartbeat of this agent process.
    Result<std::int64_t> leaseEndOfGrant(const QCborMap &body, std::int64_t leaseMs) const;
    // Whether the primary may take writes now: not fenced, and holding a lease where required.
    bool holdsWriteLease(const AppInstance &app) const;
    // Replies fenced and returns false unless the primary may serve requests (not fenced, lease held).
    bool refuseUnlessServing(const ReplyRoute &route, const AppInstance &app);
    // not-primary with the epoch and, when known, where the primary's SDK endpoint is (7.4).
    void replyNotPrimary(const ReplyRoute &route, const AppInstance &app);
    // keep: a demoted primary whose state is exactly this position (seq, digest) keeps its state
    // and log instead of starting over (a switchover's old primary, docs/protocol.md 9.3).
    // impact: the application's new impact function, already checked; nullopt keeps the one held.
    Status applyAssignment(const AppAssignment &assignment,
                           const std::optional<std::pair<std::uint64_t, QString>> &keep = std::nullopt,
                           std::optional<config::ImpactFunction> impact = std::nullopt);
    QCborMap appStatus(const AppInstance &app) const;

    AgentOptions m_options;
    Clock &m_clock;
    std::int64_t m_startedMs = 0;
    zmq::context_t m_context;
    std::unique_ptr<transport::ZapHandler> m_zap;
    zmq::socket_t m_api;
    zmq::socket_t m_sdk;                                  // an ipc:// or tcp:// SDK endpoint
    std::unique_ptr<transport::StreamServer> m_sdkStream; // a unix:// SDK endpoint instead
    QString m_apiEndpoint;
    QString m_sdkEndpoint;
    std::map<QString, std::unique_ptr<AppInstance>> m_apps;
    std::vector<std::unique_ptr<AppInstance>> m_released; // destroyed at the next loop round
    std::unique_ptr<SnapshotWriter> m_snapshots;          // created when the first cold replica needs it
    RejectCounters m_rejects;
    TurnTimer m_turns; // where each turn of run()'s loop spends its time; slow turns are logged
    QHash<QByteArray, Subscriber> m_subscribers; // by routing id
    std::vector<ParkedStatus> m_parkedStatuses;  // at most kMaxParkedStatuses
    static constexpr std::size_t kMaxParkedStatuses = 1000;
    std::uint64_t m_heartbeatSeq = 0;
    const std::uint64_t m_incarnation = newIncarnation();
    std::array<HeartbeatRound, kHeartbeatRounds> m_heartbeatRounds{}; // slot seq % kHeartbeatRounds
    std::unique_ptr<metrics::HostMetricsReader> m_hostMetrics;        // sampled once per heartbeat round
    std::optional<metrics::HostInventory> m_inventory;                // the last read that worked
    std::uint64_t m_inventoryVersion = 0;                             // m_inventory's; 0: none
    QString m_inventoryError;                                         // why the last read failed
    std::int64_t m_inventoryReadMs = -1;                              // when it was last read; -1: never
    std::unique_ptr<PeerProber> m_prober;                             // created by the first `peers` message
    std::unique_ptr<PredictionWorker> m_predictions;                  // null with --prediction-rate 0
    std::unique_ptr<PartitionWorker> m_partitionWorker;               // made with the first clustering
    MirrorFeeds m_mirrorFeeds;     // change events to SDK clients' mirrors, unix:// connections only
    MirrorReports m_mirrorReports; // what clients report of their mirrors, for the status
    // Managed processes by application; a released application's stays until it has stopped.
    std::map<QString, std::unique_ptr<instance::Supervisor>> m_instances;
    std::map<QString, PendingValidation> m_validations; // by application, one at a time each
    std::atomic<bool> m_stop{false};
};

} // namespace foresight::agent
