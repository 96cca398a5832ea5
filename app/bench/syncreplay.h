#pragma once

#include <array>
#include <cstdint>

#include <QString>

#include "foresight/core/result.h"
#include "syncorderers.h"
#include "syncworkload.h"

// The replay of `foresight-bench sync` (docs/benchmarks.md, `sync`): a discrete-event simulation,
// no sockets, of one primary and one replica behind a link of fixed bandwidth and round trip. The
// workload's changes queue for the link; an orderer (syncorderers.h) picks each batch; the link
// carries one batch at a time, back to back, each arriving half a round trip after its last byte
// leaves. What is measured is the order the scheduler gives, not the agent's wire.
namespace foresight::bench {

// Ours, and the baselines: each as a log (every change shipped) and coalescing (a key's waiting
// changes shipped as its latest one, as ours does).
enum class SyncScheduler { Staleness, Fifo, LastModifiedFirst, FifoCoalescing, LastModifiedFirstCoalescing };
// "staleness", "fifo", "lmf", "fifo-coalescing", "lmf-coalescing"
QString syncSchedulerName(SyncScheduler scheduler);

struct ReplaySettings
{
    partitioning::LinkConditions link{20'000, 40};
    partitioning::SyncSettings sync;              // ours; its batch size is every scheduler's
    partitioning::PartitionerOptions partitioner; // ours
    partitioning::KeyClassifier classifier;       // each key's class (and ours: the partitions' tolerances)
    std::int64_t firstClusteringMs = 5'000;       // ours, as the agent clusters first
    std::int64_t reclusterMs = 30'000;            // and then re-clusters
    std::int64_t sampleMs = 10;                   // the staleness is summed at every multiple of this
};

// Per impact class: the keys' staleness and the changes' delays.
struct ClassFigures
{
    std::int64_t keys = 0;
    std::int64_t changes = 0;
    std::int64_t bytes = 0;
    // The sum over sample instants within the recording of W x each key's staleness (s) x the
    // sample interval (s): this class's share of the impact-weighted staleness, in W*s^2.
    double impactWeightedStalenessWs2 = 0;
    // The class as one (the issue's staleness of a category of state, "how old the replica's
    // newest change for it is against the primary's"): the sum over sample instants of W x the
    // age of the oldest change of the class the replica lacks x the sample interval, in W*s^2.
    double classWeightedStalenessWs2 = 0;
    // A change's delay: from when it was made to its arrival at the replica. A key's staleness
    // at any instant is the delay so far of its oldest change the replica lacks, so the largest
    // delay is the key's largest staleness; the p99 is over the class's changes (nearest rank).
    std::int64_t maxDelayMs = 0;
    std::int64_t p99DelayMs = 0;
};

struct ReplayResult
{
    SyncScheduler scheduler = SyncScheduler::Fifo;
    std::int64_t batchBytes = 0;
    double impactWeightedStalenessWs2 = 0; // the sum over the classes, key by key
    double classWeightedStalenessWs2 = 0;  // the sum over the classes, each class as one
    std::array<ClassFigures, 4> classes;   // by config::ImpactClass
    std::int64_t changes = 0;              // written by the workload
    std::int64_t bytesWritten = 0;
    std::int64_t bytesSent = 0; // what crossed the link: less when changes were coalesced
    std::int64_t bytesDeliveredInRecording
        = 0;                            // written bytes that arrived (or were superseded) before the recording's end
    std::int64_t supersededChanges = 0; // never sent: a newer change of the key arrived in their place
    std::int64_t batches = 0;
    std::int64_t drainedAtMs = 0; // when the link was found idle with every change arrived
    // Checks of the simulation itself, each true unless it went wrong:
    bool everyChangeOnce = true; // every change arrived or was superseded, once
    bool keyOrderKept = true;    // each key's changes arrived in the order made, none after a newer one
    QString orderer;             // the orderer's describe()
};

// Replays the workload under one scheduler, then lets the link drain what is left (no new
// changes) so that every change arrives. Errors: the staleness orderer's (planSync,
// partitionKeys), or Internal when the link cannot drain (a bug).
Result<ReplayResult> replaySync(const SyncWorkload &workload, SyncScheduler scheduler, const ReplaySettings &settings);

} // namespace foresight::bench
