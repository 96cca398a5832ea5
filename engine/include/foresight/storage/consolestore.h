#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/config/clusterconfig.h"
#include "foresight/core/clock.h"
#include "foresight/core/result.h"

namespace foresight::storage {

// One line of the console's journal: every decision the engine takes and every operator action.
struct JournalEntry
{
    qint64 id = 0;       // assigned by the store, increasing
    qint64 wallMs = 0;   // Unix ms
    QString kind;        // e.g. "detection", "investigation", "decision", "promotion", "hook", "operator"
    QString app;         // may be empty
    QString agent;       // may be empty
    QString actor;       // "engine", or the operator (key name) for operator actions
    QString message;     // one sentence a person can read
    QJsonObject details; // machine-readable extras
};

// A failover, with its timeline and its data loss. Times are Unix ms, 0 while unknown.
struct Incident
{
    qint64 id = 0;
    QString app;
    QString oldPrimary;
    QString newPrimary;
    QString formerTier; // tier of the promoted replica: hot, warm, cold
    std::uint64_t epoch = 0;
    qint64 detectedMs = 0;
    qint64 decidedMs = 0;
    qint64 promotedMs = 0;
    qint64 firstAckMs = 0;       // first acknowledged write on the new primary
    qint64 ackedWritesLost = -1; // -1 while unknown
    qint64 seqGap = 0;           // warm and cold promotions: seqs the new primary did not have
    QString summary;
    bool acknowledged = false; // an operator acknowledged it (lifts the anti-flapping block)
    // The new primary's speculative overlay (a promotion with a gap): values it predicted, and of
    // those, how many the real deltas confirmed or contradicted once they arrived.
    qint64 predicted = 0;
    qint64 predictionsRight = 0;
    qint64 predictionsWrong = 0;
};

// One point of a host's metrics history, as the engine heard it in a heartbeat (at most one a
// second per agent), with what the prediction thread thought of the host at that moment.
struct HostSample
{
    QString agent;
    qint64 wallMs = 0;             // the console's wall clock (Unix ms) when the heartbeat arrived
    double cpuBusy = 0;            // 0..1
    double memUsedFraction = 0;    // 0..1
    double diskIoBusyFraction = 0; // 0..1, the busiest disk
    double load1 = 0;              // 1-minute load average
    double netErrorsPerSec = 0;    // receive plus transmit errors
    double netDropsPerSec = 0;     // receive plus transmit drops
    double failureRisk = -1;       // the model's P(failure), -1 while unknown (no model yet)
    double anomaly = -1;           // the health baseline's anomaly score 0..1, -1 while unknown

    bool operator==(const HostSample &other) const = default;
};

// One figure of a shadow's discrepancy from its primary (shadowsamples.cpp), at most one a second
// per application while it has a shadow.
struct ShadowSample
{
    QString app;
    QString agent;         // the shadow's agent
    qint64 wallMs = 0;     // the console's wall clock (Unix ms)
    qint64 seqGap = -1;    // writes the shadow had not acknowledged; -1: unknown
    qint64 lagMs = 0;      // age of the oldest of them
    int digestAgrees = -1; // 1 agrees, 0 differs, -1 unknown
    double divergence = 0;
    qint64 keysDiffering = -1;  // distinct keys among the unacknowledged writes; -1: unknown
    qint64 bytesDiffering = -1; // the sum of their values' bytes; -1: unknown
    int differingPartial = 0;   // 1: the two are lower bounds (the primary could not count them all)

    bool operator==(const ShadowSample &other) const = default;
};

// The console's durable memory (SQLite, WAL mode): the cluster configuration, the journal, the
// incidents and the hosts' metrics history. Owned by one thread (a QSqlDatabase connection is per thread); every instance
// has its own connection, so several stores (the engine's, foresightctl's) may share a file.
// Writers wait up to 5 s for another process's write to finish before failing with IoError.
//
// Errors: IoError when the file or its directory cannot be created, opened, read or written;
// Corruption when SQLite reports the file damaged or it is not a console store; InvalidArgument
// for values that cannot be stored as given.
class ConsoleStore final
{
public:
    // Opens or creates the database and its schema (and its parent directory). A file that is not
    // a console store (or is corrupt) gives Corruption naming the file; a newer schema version
    // gives InvalidArgument. clock stamps the configuration's import and journal entries without
    // a time; it must outlive the store.
    static Result<std::unique_ptr<ConsoleStore>> open(const QString &path, const Clock &clock = SystemClock::instance());
    ~ConsoleStore();
    ConsoleStore(const ConsoleStore &) = delete;
    ConsoleStore &operator=(const ConsoleStore &) = delete;

    const QString &path() const;

    // The configuration, replaced as a whole in one transaction (validated first).
    Status saveConfig(const config::ClusterConfig &config);
    // NotFound when nothing was imported yet; Corruption when the stored JSON no longer parses.
    Result<config::ClusterConfig> loadConfig() const;
    // When the current configuration was saved (the clock's wall time); NotFound as loadConfig().
    Result<qint64> configSavedMs() const;

    // Returns the new entry's id. entry.id is ignored; wallMs 0 means now; kind must not be empty.
    Result<qint64> appendJournal(const JournalEntry &entry);
    // Entries with id > afterId, oldest first, at most limit.
    Result<QList<JournalEntry>> journal(qint64 afterId = 0, int limit = 1000) const;
    // Entries stamped within [fromMs, toMs] (Unix ms) that concern app: those of app itself, and
    // those without an application about one of agents (an agent's suspicion, an operator's
    // maintenance). Oldest first (by time, then id), at most limit.
    Result<QList<JournalEntry>> journalAbout(
        const QString &app, const QStringList &agents, qint64 fromMs, qint64 toMs, int limit = 1000) const;

    // Returns the new incident's id: incident.id when above 0 (the engine numbers incidents
    // itself), else the next free one. app must not be empty.
    Result<qint64> createIncident(const Incident &incident);
    Status updateIncident(const Incident &incident); // by id; NotFound if absent
    Result<Incident> incident(qint64 id) const;
    // Newest first, optionally for one application.
    Result<QList<Incident>> incidents(const QString &app = {}, int limit = 100) const;

    // Metrics history. Appends in one transaction; a sample for an (agent, wallMs) already stored
    // replaces it. Every sample needs an agent and a wallMs > 0 (InvalidArgument otherwise, and
    // nothing is written).
    Status appendHostSamples(const QList<HostSample> &samples);
    // One agent's samples within [fromMs, toMs], oldest first. When more than maxPoints fall in
    // the range, the range is cut into maxPoints equal buckets and each non-empty bucket gives
    // one sample: the mean of every metric, the maximum failure risk and anomaly (so a spike
    // still shows) and the mean time. maxPoints <= 0 gives nothing.
    Result<QList<HostSample>> hostSamples(const QString &agent, qint64 fromMs, qint64 toMs, int maxPoints = 2000) const;
    // Deletes every sample older than beforeMs; returns how many went.
    Result<qint64> pruneHostSamples(qint64 beforeMs);

    // Shadows' discrepancy history, like the metrics history: appended in one transaction (an
    // (app, wallMs) already stored is replaced; every sample needs an app, an agent and a
    // wallMs > 0, else InvalidArgument and nothing is written), read oldest first for one
    // application within [fromMs, toMs] (at most maxPoints, the newest kept), pruned by age.
    Status appendShadowSamples(const QList<ShadowSample> &samples);
    Result<QList<ShadowSample>> shadowSamples(const QString &app,
                                              qint64 fromMs,
                                              qint64 toMs,
                                              int maxPoints = 2000) const;
    Result<qint64> pruneShadowSamples(qint64 beforeMs);

private:
    class Impl;
    explicit ConsoleStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::storage
