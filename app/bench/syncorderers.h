#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <QList>
#include <QString>

#include "foresight/config/impactfunction.h"
#include "foresight/core/result.h"
#include "foresight/partitioning/keyclassifier.h"
#include "foresight/partitioning/partitioner.h"
#include "foresight/partitioning/syncscheduler.h"
#include "syncworkload.h"

// The three orders `foresight-bench sync` compares (docs/benchmarks.md, `sync`): which pending
// changes the link carries next. The replay (syncreplay.h) owns the changes and the link; an
// orderer only keeps what it needs to choose, and is told of every access, change and delivery.
namespace foresight::bench {

// One change of the replayed workload: a write or delete, the seq-th of the primary.
struct ReplayChange
{
    std::uint64_t seq = 0; // from 1, in the order made
    int key = 0;           // index into the replay's keys
    std::int64_t bytes = 0;
    std::int64_t atMs = 0;
};

struct ReplayKey
{
    QString name;
    config::ImpactClass impactClass = config::ImpactClass::Low;
};

// What every orderer sees of the replay. The vectors grow as the workload is replayed; an orderer
// keeps indices into them, never references.
struct ReplayData
{
    std::vector<ReplayChange> changes;
    std::vector<ReplayKey> keys;
};

class SyncOrderer
{
public:
    virtual ~SyncOrderer() = default;
    // Time moves to nowMs, before that millisecond's accesses are replayed.
    virtual Status advanceTo(std::int64_t nowMs) = 0;
    // Every read and write of the workload, at its time (writes before written()).
    virtual void accessed(const WorkloadAccess &access) = 0;
    // Change `change` (an index into ReplayData::changes) was made and is not sent yet.
    virtual void written(int change) = 0;
    // Change `change` reached the replica.
    virtual void delivered(int change) = 0;
    // The changes the link carries next, in wire order: at most batchBytes, but one change at
    // least (a larger one goes alone); empty when nothing is waiting. Each is handed out once. A
    // coalescing orderer hands out a key's newest waiting change in place of its older waiting
    // ones, which are then never handed out: they arrive with it (the replay's supersession).
    virtual Result<QList<int>> nextBatch(std::int64_t nowMs, std::int64_t batchBytes) = 0;
    // What the orderer did, for a note (e.g. how many partitions); empty: nothing to say.
    virtual QString describe() const { return {}; }
};

// Whether a baseline ships every change (a log) or, like ours (partitioning::LinkBacklog), a
// key's waiting changes as its newest one.
enum class Coalescing { Off, On };

// First in, first out: pending changes in sequence order. Coalescing: keys in the order of their
// oldest pending change, each shipped as its newest.
std::unique_ptr<SyncOrderer> makeFifoOrderer(const ReplayData &data, Coalescing coalescing);

// Last modified first: the key whose newest pending change is the most recent goes first, with
// all its pending changes oldest first (no key's changes are reordered); then the next such key,
// until the batch is full. A key cut by the end of a batch continues in the next one unless a
// newer change of another key came in meanwhile. Coalescing: the key's newest change alone.
std::unique_ptr<SyncOrderer> makeLastModifiedFirstOrderer(const ReplayData &data, Coalescing coalescing);

// Ours: staleness partitions from a usage profile of the replayed accesses, clustered first after
// firstClusteringMs and then every reclusterMs of replay time, as the agent does
// (agent/partitionside.cpp; cold partitions only until the first); the waiting changes in the
// agent's own partitioning::LinkBacklog (which coalesces), and planSync() each time the link is
// free, shipping the plan's first batch.
struct StalenessOrdererSettings
{
    partitioning::KeyClassifier classifier;
    partitioning::LinkConditions link;
    partitioning::SyncSettings sync;
    partitioning::PartitionerOptions partitioner;
    std::int64_t firstClusteringMs = 5'000;
    std::int64_t reclusterMs = 30'000;
};
Result<std::unique_ptr<SyncOrderer>> makeStalenessOrderer(const ReplayData &data,
                                                          const StalenessOrdererSettings &settings);

} // namespace foresight::bench
