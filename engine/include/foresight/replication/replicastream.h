#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include <QCborMap>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/state/deltalog.h"
#include "foresight/state/keyvaluestate.h"
#include "foresight/state/snapshot.h"
#include "foresight/state/statedelta.h"
#include "foresight/vocabulary/roles.h"

namespace foresight::replication {

// The application's data a replica's stream reads and changes. Owned by the agent and lent for
// one call: the stream keeps no reference to it.
struct ReplicaData
{
    Tier tier = Tier::Hot;
    std::uint64_t &epoch; // the highest epoch known for the application: raised, never lowered
    state::KeyValueState &state;
    state::DeltaLog &log; // a hot replica keeps the deltas it applies, for a successor's catch-up
};

// A deltas message (docs/protocol.md) as the agent decoded it. A view: the deltas stay where
// the decoder put them.
struct IncomingDeltas
{
    std::uint64_t epoch = 0;
    std::uint64_t upto = 0;
    std::span<const state::StateDelta> deltas;
    // The delta after the last of `deltas` could not be read: the ones before it still apply.
    bool truncated = false;
};

// What the agent does after a deltas message. Each resynchronising outcome means: send a hello,
// which starts the catch-up over.
struct DeltasOutcome
{
    enum class Action {
        Ignored,     // not welcomed yet: the primary streams again after its welcome
        RefuseStale, // older than the epoch followed: tell the primary `text` (stale-epoch)
        KeepAlive,   // a cold replica's: the epoch is taken, nothing else changes
        Applied,     // applied (or already held); an acknowledgement is due
        ApplyFailed, // a delta did not apply (`text` says why): resynchronise
        Truncated,   // a delta could not be read, the ones before it applied: count, resynchronise
        Gap,         // hot: the primary is ahead of what reached us (a delta was lost): resynchronise
    };
    Action action = Action::Ignored;
    QString text;
};

// The replica's side of one application's replication: the protocol state of its stream from the
// primary (welcome, catch-up mode, the snapshot being received, when it last heard, acknowledged
// and introduced itself) and what each message from the primary does to the application's data.
// It decides; the agent owns the socket, sends what the stream asks for, logs and counts.
// PrimaryStream is the other end.
//
// Owned by the agent's AppInstance while the application is a replica there, and used on the
// agent's thread only; no locks. Times are the agent's monotonic clock in milliseconds, passed in.
class ReplicaStream final
{
public:
    // A hello that was not welcomed is repeated after this long.
    static constexpr std::int64_t kHelloRetryMs = 500;
    // A primary not heard from for this long is asked again (a hello): it may have restarted.
    static constexpr std::int64_t kPrimarySilenceMs = 3000;

    // ackIntervalMs: how often a welcomed replica acknowledges its position when nothing else
    // made it (a keep-alive and lag report).
    explicit ReplicaStream(int ackIntervalMs);

    // A hello is being sent now: the stream starts over, unwelcomed, with no snapshot pending or
    // being received. The hello's body is the agent's (who it is, what it holds).
    void helloSent(std::int64_t nowMs);
    // Any message from the primary that was read, well formed or not as a command.
    void heard(std::int64_t nowMs) { m_lastHeardMs = nowMs; }

    // A `welcome`. On a primary of an older epoch than data.epoch, returns the text to refuse it
    // with (stale-epoch) and changes nothing; `self` is this replica's agent name, for that text.
    // Otherwise takes the primary's epoch, mode (snapshotPending() in snapshot mode), agent and SDK
    // url and the critical key patterns, makes an acknowledgement due and returns nullopt.
    std::optional<QString> handleWelcome(const QCborMap &body, const QString &self, const ReplicaData &data);

    // A deltas message: applies each delta after the state's position, in order, skipping what
    // is already held, and calls applied(delta) for each one applied (the agent's model learns
    // from them; nothing is copied). A hot replica appends them to data.log; a warm one then
    // advances to `upto`, the critical keys' deltas being all it gets; a cold one applies none.
    // Returns what the agent must do next. The write path: one call per batch on a hot replica.
    template<typename Applied>
    DeltasOutcome handleDeltas(const IncomingDeltas &message, const ReplicaData &data, Applied &&applied);

    // A `scheduled-deltas` message (docs/protocol.md 8.11): a warm replica's changes outside the
    // critical keys, batch by batch as the primary's scheduler sends them. Applied without moving
    // the position; a batch not above the last one applied is a repeat and ignored, as is one
    // before a snapshot this replica still waits for, or one to a replica whose welcome did not
    // say `scheduled`. Applied: an acknowledgement (with the batch) is due.
    DeltasOutcome handleScheduledDeltas(std::uint64_t epoch,
                                        std::uint64_t batch,
                                        std::span<const state::StateDelta> deltas,
                                        const ReplicaData &data);
    // The highest scheduled batch applied since the last welcome.
    std::uint64_t scheduledBatch() const { return m_scheduledBatch; }

    enum class SnapshotStep {
        Ignored,   // not expected (not welcomed, or not the snapshot being received): dropped
        Accepted,  // kept
        Malformed, // dropped and to be counted; the snapshot being received, if any, stays
        Rejected,  // a chunk that does not fit what `snapshot-begin` announced: the snapshot is
                   // dropped; count it and resynchronise
    };
    // A `snapshot-begin` from the welcoming primary: starts receiving the snapshot of `app`, stamped
    // wallMs. Its epoch is the one of its last delta, lower than the primary's until a newly
    // promoted primary changes something, so it is not compared with data's.
    SnapshotStep beginSnapshot(const QCborMap &body, const QString &app, std::int64_t wallMs);
    // A `snapshot-chunk`: its entries are added to the snapshot being received.
    SnapshotStep addSnapshotChunk(const QCborMap &body);
    // A `snapshot-end`: the snapshot received, when body ends the one being received; epoch is
    // raised to the snapshot's. The agent restores it and then calls snapshotRestored().
    std::optional<state::Snapshot> endSnapshot(const QCborMap &body, std::uint64_t &epoch);
    // The snapshot endSnapshot() returned now holds the state: positions are the primary's again,
    // and an acknowledgement is due.
    void snapshotRestored();
    // Why the primary sends the snapshot being received (`reason`), empty when none is.
    const QString &incomingReason() const { return m_incomingReason; }

    // An `error` from the primary. True when the primary does not know this replica (not-found:
    // it restarted, or dropped the link) and a hello must introduce it again: once, while
    // welcomed. The not-founds that answer what this replica sent before that hello (every ack
    // in flight gets one) are not repeated hellos, each of which the primary would answer with a
    // whole catch-up; the hello timer retries if the welcome does not come. Otherwise the
    // welcome is withdrawn and the hello timer retries.
    bool handleError(ErrorCode code);

    // The body of a `replica-ack` for the application `app` at data's position. Until a snapshot
    // catch-up is restored the position is not the primary's history: it acknowledges nothing
    // (epoch 0, sequence 0) and is a keep-alive.
    // A warm replica's `digest` is its critical keys' (the ones it holds in order), and once it
    // has applied a scheduled batch the ack says which (`scheduled`).
    QCborMap ackBody(const QString &app, std::uint64_t epoch, const state::KeyValueState &state, Tier tier) const;
    void ackSent(std::int64_t nowMs);
    // Whether messages since the last acknowledgement call for one (the agent sends one per burst).
    bool ackDue() const { return m_ackDue; }

    enum class Timer {
        None,
        Hello,         // unwelcomed for kHelloRetryMs since the last hello: say it again
        PrimarySilent, // welcomed, but nothing heard for kPrimarySilenceMs: say hello again
        Ack,           // nothing acknowledged for ackIntervalMs: acknowledge
    };
    // What the passing of time calls for at nowMs; at most one thing per round.
    Timer timerDue(std::int64_t nowMs) const;

    bool welcomed() const { return m_welcomed; }
    // Whether the primary's stream is live: welcomed and heard within kPrimarySilenceMs.
    bool connected(std::int64_t nowMs) const { return m_welcomed && nowMs - m_lastHeardMs < kPrimarySilenceMs; }
    // How the last welcome said this replica catches up: "log" or "snapshot".
    const QString &mode() const { return m_mode; }
    // Welcomed in snapshot mode, and the snapshot not yet restored.
    bool snapshotPending() const { return m_snapshotPending; }
    const QString &primaryAgent() const { return m_primaryAgent; }
    const QString &primarySdkUrl() const { return m_primarySdkUrl; }
    std::int64_t lastHeardMs() const { return m_lastHeardMs; }

private:
    // The checks before any delta: welcome, epoch (taken when not older), tier. nullopt: apply.
    std::optional<DeltasOutcome> admitDeltas(std::uint64_t epoch, const ReplicaData &data);
    // After the deltas: a truncated message, a warm replica's advance, a hot replica's gap.
    DeltasOutcome finishDeltas(const IncomingDeltas &message, const ReplicaData &data);

    int m_ackIntervalMs;
    bool m_welcomed = false;
    QString m_mode;
    bool m_snapshotPending = false;
    QString m_primaryAgent;
    QString m_primarySdkUrl;
    std::optional<state::Snapshot> m_incoming; // a snapshot being received
    QString m_incomingReason;
    qsizetype m_incomingExpected = 0;
    std::int64_t m_lastHeardMs = 0;
    std::int64_t m_lastAckSentMs = 0;
    std::int64_t m_lastHelloMs = -1'000'000;
    bool m_ackDue = false;
    bool m_scheduled = false;           // the welcome said the primary schedules the other partitions
    std::uint64_t m_scheduledBatch = 0; // the last scheduled batch applied
};

template<typename Applied>
DeltasOutcome ReplicaStream::handleDeltas(const IncomingDeltas &message, const ReplicaData &data, Applied &&applied)
{
    if (std::optional<DeltasOutcome> early = admitDeltas(message.epoch, data))
        return std::move(*early);
    // Inline, for the hot path: no call but the state's, the log's and the agent's per delta.
    for (const state::StateDelta &delta : message.deltas) {
        if (delta.seq <= data.state.seq())
            continue; // already applied (a resend after reconnect)
        if (Status ok = data.state.apply(delta); !ok)
            return {DeltasOutcome::Action::ApplyFailed, std::move(ok.error().message)};
        if (data.tier == Tier::Hot)
            data.log.append(delta);
        applied(delta);
    }
    return finishDeltas(message, data);
}

} // namespace foresight::replication
