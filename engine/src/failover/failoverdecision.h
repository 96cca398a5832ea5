#pragma once

// Private: the failover flow's decisions, as functions of what the engine knows and of nothing
// else. When is a suspected primary's investigation over, and with what finding? May a failover
// start, and if not, why not? They journal nothing, send nothing and read no clock, so every rule
// that decides a failover reads in one place, in the order it applies, and is tested without a
// cluster (tests/engine/tst_failoverdecision.cpp). ClusterEngine::Impl (failoverflow.cpp) gathers
// the facts and carries out the verdicts. docs/architecture.md ("How a failover flows") and the
// `failover` table of docs/cluster-config.md describe exactly this order.

#include <cstdint>
#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/config/clusterconfig.h"
#include "foresight/failover/candidateranking.h"
#include "foresight/failover/failoverscore.h"

namespace foresight::failover {

// --- Investigation: is the primary silent, or is the console the one cut off? ---

// What one replica's latest heartbeat says about the primary it follows.
struct ReplicaReport
{
    QString agent;
    std::int64_t receivedMs = 0; // when that heartbeat reached the console (engine clock)
    qint64 heardMsAgo = -1;      // how long before sending it the replica last heard the primary; -1: unknown
};

struct InvestigationFacts
{
    std::int64_t nowMs = 0;
    std::int64_t suspectSinceMs = 0;     // when the investigation began
    std::int64_t primaryLastHeardMs = 0; // the console's last heartbeat from the primary
    bool cutOff = false;                 // a replica heard the primary earlier in this investigation
    QList<ReplicaReport> replicas;       // the application's replicas the console still hears
};

enum class InvestigationOutcome {
    Open,          // too early to tell: investigation-ms has not passed
    ConsoleCutOff, // a replica hears the primary after the console last did: no failover
    PrimarySilent, // nobody hears it: the failover score's heartbeat term is 1 from here
};

struct InvestigationVerdict
{
    InvestigationOutcome outcome = InvestigationOutcome::Open;
    QStringList hearing; // replicas that heard the primary recently, after the console did
    int asked = 0;       // replicas that reported since the investigation began
};

// A replica that heard the primary after the console last did, and recently (within three
// heartbeat intervals, at least 300 ms), proves it alive: the console is cut off. Otherwise the
// primary is silent once investigation-ms has passed, or at once when it was cut off before.
InvestigationVerdict investigatePrimary(const config::FailoverSettings &settings, const InvestigationFacts &facts);

// --- The gate: may a failover start? ---

// What asks for a failover; it decides which conditions apply.
enum class FailoverTrigger {
    Score,     // a primary is known: automatic, and only once its failover score reaches the threshold
    NoPrimary, // no agent holds the application as primary: nothing to score, nothing to fence
    Operator,  // an operator's promote: neither the score nor the automatic-failover rules apply
};

QString triggerName(FailoverTrigger trigger); // "score", "no-primary", "operator"

struct GateFacts
{
    FailoverTrigger trigger = FailoverTrigger::Score;
    FailoverScore score;                  // the primary's, as ClusterEngine::Impl::score() reports it
    qint64 wallNowMs = 0;                 // wall clock: the anti-flapping window is shown as times of day
    qint64 lastFailoverWallMs = 0;        // the last automatic or manual failover, 0: none
    bool lastFailoverAcknowledged = true; // an operator acknowledged it (or made it)
    qint64 lastIncidentId = 0;            // named in the anti-flapping reason
    bool vetoStands = false;              // a pre-failover hook vetoed and is not asked again yet
    QList<RankedCandidate> ranked;        // the candidates, best first (rankCandidates)
};

enum class GateOutcome {
    Proceed,   // stop renewing the lease and promote the best candidate once it has expired
    Block,     // not now: `reason` says why, `untilWallMs` when it lifts by itself (0: it does not)
    KeepBlock, // the block already in force stays as it is (a hook's veto)
};

struct Gate
{
    GateOutcome outcome = GateOutcome::Block;
    QString reason;
    qint64 untilWallMs = 0;
};

// In this order, the first that applies wins:
//   1. an automatic failover of a known primary (trigger Score) needs its failover score to reach
//      score-threshold; below it: Block, whatever else holds;
//   2. automatic failover must be on (not for an operator's promote);
//   3. anti-flapping: no failover within flap-window-ms of one no operator acknowledged (idem);
//   4. a pre-failover hook's veto stands until the hook is asked again: KeepBlock (idem);
//   5. the best-ranked candidate must be eligible (for every trigger).
Gate failoverGate(const config::FailoverSettings &settings, const GateFacts &facts);

} // namespace foresight::failover
