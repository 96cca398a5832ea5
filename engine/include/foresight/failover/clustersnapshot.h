#pragma once

#include <cstdint>
#include <optional>

#include <QCborMap>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/config/clusterconfig.h"
#include "foresight/config/impactfunction.h"
#include "foresight/failover/candidateranking.h"
#include "foresight/failover/failoverscore.h"
#include "foresight/metrics/hostinventory.h"
#include "foresight/monitor/agentwatch.h"
#include "foresight/shadow/discrepancy.h"
#include "foresight/shadow/shadowplanner.h"
#include "foresight/storage/consolestore.h"
#include "foresight/vocabulary/roles.h"

namespace foresight::failover {

// What the engine knows, frozen at one moment: the console's views and foresightctl read this,
// never the engine's live state. Immutable once published (shared as shared_ptr<const>).

struct AgentView
{
    QString name;
    QString host;
    QString url;
    bool heard = false;     // at least one heartbeat since the engine started
    bool suspected = false; // phi at or above the threshold
    double phi = 0;
    qint64 heardMsAgo = -1; // -1: never heard
    bool maintenance = false;
    bool neverPromote = false;
    int priority = 0;
    QString error;                        // why the engine cannot watch it (subscription refused, bad key)
    QCborMap hostMetrics;                 // from its latest heartbeat (docs/protocol.md 10.6)
    QList<monitor::PeerLinkReport> peers; // its measured links to the other agents
    // Host failure prediction (docs/protocol.md 11): P(failure within the horizon) from the
    // model, -1 without one; the health baseline's anomaly score (max over metrics, 0..1), -1
    // before the first sample; the metric that scored it; the model version behind failureRisk.
    double failureRisk = -1;
    double anomaly = -1;
    QString anomalyMetric;
    qint64 riskModelVersion = 0;
    double externalRisk = -1; // ClusterEngine::setHostRisk()'s floor under its risk, -1 if none
    // Its host's inventory as the engine mirrors it (docs/mirrors.md): fetched (host-inventory)
    // only when a heartbeat announces a version the engine does not hold. inventoryCurrent: the
    // copy is the version last announced.
    std::optional<metrics::HostInventory> inventory;
    bool inventoryCurrent = false;
    qint64 inventoryFetches = 0;
    qint64 inventoryPollsSaved = 0; // heartbeats that found the copy current
    QString inventoryError;         // why the last fetch failed, until one works
};

struct ReplicaView
{
    QString agent;
    Tier tier = Tier::None;
    std::uint64_t seq = 0;
    std::uint64_t epoch = 0;
    QString digest;
    std::uint64_t lag = 0;  // seqs behind the primary's last reported position
    bool connected = false; // to its primary, as the replica reports it
    bool integrityOk = true;
    QString integrityNote;
    double divergence = 0;
    double rttMs = -1; // round trip between it and the primary; -1: not measured
};

// An application's shadow (seeds 10110502 and 11531531): a caught-up hot copy on a healthy host,
// deployed ahead of a predicted failure or by an operator, that the primary can swap onto.
// How a validated update went (or goes): the latest one of the application.
struct ShadowUpdateView
{
    QString state;   // "validating", "swapping", "swapped-in", "failed"
    QString agent;   // the shadow it was tried on
    QString command; // the new version's command line
    QString actor;
    qint64 startedWallMs = 0;
    qint64 endedWallMs = 0; // 0 while under way
    QString result;         // the validation's: "exit 0", "exit 3", "timed out after ...", or why it did not run
    std::optional<int> exitCode;
    QString output; // the end of the validation command's output (at most 16 KiB)
    bool outputTruncated = false;
    QString note; // what followed: swapped in (and where the old version waits), or why discarded
};

// {"state", "agent", "command", "actor", "started-ms", "ended-ms", "result", "exit-code" (when it
// exited), "output", "output-truncated", "note"}: docs/api.md and docs/protocol.md 15.4.
QJsonObject shadowUpdateJson(const ShadowUpdateView &update);

struct ShadowView
{
    QString agent;
    QString host;
    QString state; // "catching-up", "ready" (swappable), "swapping"
    shadow::ShadowOrigin origin = shadow::ShadowOrigin::Predicted;
    QString reason; // why it was deployed, with the risk figures
    qint64 createdWallMs = 0;
    double primaryHostRisk = 0;  // the primary's host risk now
    Tier priorTier = Tier::None; // what its agent held of the application before (restored on retire)
    shadow::Discrepancy discrepancy;
    qint64 swapMaxLag = 0;              // the application's threshold: swappable at or below this gap
    QString lastSwap;                   // how the last swap onto it ended, empty if none
    QList<shadow::Discrepancy> history; // recent figures, oldest first, for the chart
    // The shadow's process when it is not the primary's: an update being validated, or the
    // version before one (a swap onto it rolls back). Empty: the same as the primary's.
    QString version;
    std::optional<ShadowUpdateView> update; // the application's latest validated update, if any
};

// An application's client mirrors as its primary reports them (docs/protocol.md 9.2, `mirrors`;
// docs/mirrors.md): the change-event subscriptions it serves and what each client reported of
// its mirrors (metrics named as in mirror::metricsToCbor).
struct MirrorClientView
{
    QString client;           // ClientOptions::name, may be empty
    qint64 reportedMsAgo = 0; // when the primary's status was made
    QCborMap metrics;

    bool operator==(const MirrorClientView &other) const = default;
};

struct MirrorsView
{
    int subscriptions = 0;
    qint64 eventsSent = 0;
    QList<MirrorClientView> clients;

    bool operator==(const MirrorsView &other) const = default;
};

// Where an application's failover handling stands.
// One staleness partition of an application as its primary reported it (docs/protocol.md 9.2,
// `partitions`; docs/partitions.md): what it holds, how it is used, and how far behind each
// replica's copy of it is.
struct PartitionReplicaView
{
    QString agent;
    Tier tier = Tier::None;
    bool held = false;      // the replica's stream carries it (a warm replica: critical partitions only)
    qint64 stalenessMs = 0; // how long the replica has lacked a change of it; 0: current
    double score = 0;       // the staleness-impact score on this replica

    bool operator==(const PartitionReplicaView &other) const = default;
};

struct PartitionView
{
    qint64 id = 0; // stable across re-clustering; <= 0: a cold partition (0 low, -1 medium, -2 high, -3 critical)
    bool cold = false;
    config::ImpactClass impactClass = config::ImpactClass::Low;
    qint64 toleratedMs = 0;
    qint64 keys = 0;
    qint64 bytes = 0;
    QStringList sample; // up to 5 keys, most used first
    double rate = 0;    // reads and writes per second
    qint64 lastAccessWallMs = 0;
    qint64 lastChangeWallMs = 0;
    double score = 0; // on its stalest replica that holds it
    QList<PartitionReplicaView> replicas;

    bool operator==(const PartitionView &other) const = default;
};

// An application's partitions as a whole: the clustering they come from and the partitions.
struct PartitionsView
{
    QString algorithm;          // "kmeans" or "dbscan"
    qint64 clusteredWallMs = 0; // 0: not clustered yet (every key in a cold partition)
    int clusters = 0;
    std::optional<double> quality; // k-means: the chosen k's mean silhouette
    qint64 trackedKeys = 0;
    QList<PartitionView> list;
    QString error; // the last clustering failed: why (the partitions before it stay); empty otherwise

    bool operator==(const PartitionsView &other) const = default;
};

// The partitions with the field names of docs/protocol.md 9.2's `partitions` map, which
// console-status-reply (15.4), foresightctl partitions --json and the HTTP API's GET /partitions
// (docs/api.md) use too: `algorithm`, `clustered-ms`, `clusters`, `quality` (when known),
// `tracked-keys`, `list` and `error` (when the last clustering failed), each partition with `id`, `cold`, `class`, `tolerated-ms`, `keys`,
// `bytes`, `sample`, `rate`, `last-access-ms`, `last-change-ms`, `score` and `replicas`
// (`agent`, `tier`, `held`, and for a replica that holds it `staleness-ms` and `score`).
QJsonObject partitionsJson(const PartitionsView &partitions);

// The primary's `mirrors` map (9.2) read into a view; nullopt when absent or not of that shape
// (*problem then says why, for a map that is there but wrong). mirrorsToCbor writes it back with
// the same field names, for console-status-reply (15.4) and foresightctl mirrors.
std::optional<MirrorsView> mirrorsFromStatus(const QCborMap &appStatus, QString *problem = nullptr);
QCborMap mirrorsToCbor(const MirrorsView &mirrors);

enum class AppPhase {
    Starting,      // waiting for the agents' first heartbeats
    Healthy,       // primary heard, lease renewed
    Investigating, // primary suspected: asking its replicas whether they still hear it
    CutOff,        // the console cannot hear the primary but its replicas do: no failover
    AwaitingLease, // failover decided: waiting until the old primary's lease has certainly expired
    Promoting,     // promote sent to the chosen replica
    Blocked,       // failover warranted but not allowed now (anti-flapping, auto-failover off,
                   // no eligible candidate, hook veto); reason says which, until when
    NoPrimary,     // nobody holds the application as primary and nothing can be promoted
    SwitchingOver, // an operator's graceful switchover: writes paused, the target catching up
};
QString appPhaseName(AppPhase phase);

struct AppView
{
    QString name;
    QString primary;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;
    QString digest;
    bool writable = false;
    qint64 leaseLeftMs = 0; // as the primary last reported it
    AppPhase phase = AppPhase::Starting;
    QString reason; // why the phase (for Blocked: why not failing over, until when)
    qint64 blockedUntilWallMs = 0;
    FailoverScore score;
    QString scoreExplained;
    QList<ReplicaView> replicas;
    QList<RankedCandidate> candidates; // ranked, the engine's choice first
    int desiredHot = 0, desiredWarm = 0, desiredCold = 0;
    qint64 lastIncident = 0;              // id in the console store, 0 if none
    qint64 scheduledSwitchoverWallMs = 0; // a switchover waiting for its time, 0 if none
    QString scheduledSwitchoverTo;        // its target, empty: the best hot replica then
    QString topology;                     // where the hot tier stands (hysteresis, a move under way)
    config::Criticality criticality = config::Criticality::Medium;
    ProcessSpec process; // the process the primary runs (config.process); unset: state only
    std::optional<ShadowView> shadow;
    // From the primary's status once it reports partitions (docs/protocol.md 9.2); unset before.
    std::optional<PartitionsView> partitions;
    // From the primary's status once it serves mirrors (subscriptions, events or reports).
    std::optional<MirrorsView> mirrors;
};

// Where host failure prediction stands: the model in use, how it was trained and how well it did
// on rows it did not learn from, and why there is none yet or why the last training failed.
struct PredictionView
{
    bool enabled = false;
    qint64 modelVersion = 0; // 0: no model yet
    QString modelKind;
    qint64 trainedWallMs = 0;
    qint64 trainStartMs = 0, trainEndMs = 0; // the training rows' time span
    QJsonObject evaluation;                  // rows, positives, incidents, precision, recall, f1, train-ms
    QString state;                           // one sentence for the operator
    QString lastError;                       // the latest training or loading failure, if any
    int incidentsInWindow = 0;
    int trainings = 0; // since the engine started
    int hostsSampled = 0;
    qint64 horizonMs = 0;
    double alertRisk = 0;
};

struct ClusterSnapshot
{
    qint64 takenWallMs = 0;
    QString clusterName;
    QList<AgentView> agents;
    QList<AppView> apps;
    PredictionView prediction;
    qint64 journalHead = 0; // id of the newest journal entry
    // The engine's most recent journal entries, oldest first (their store ids are assigned later
    // and are 0 here), and how many it has written since it started: entry i of recentJournal is
    // number journalCount - recentJournal.size() + i + 1, so a view can tell which ones are new.
    QList<storage::JournalEntry> recentJournal;
    qint64 journalCount = 0;

    const AppView *app(const QString &name) const
    {
        for (const AppView &view : apps) {
            if (view.name == name)
                return &view;
        }
        return nullptr;
    }
    const AgentView *agent(const QString &name) const
    {
        for (const AgentView &view : agents) {
            if (view.name == name)
                return &view;
        }
        return nullptr;
    }
};

} // namespace foresight::failover
