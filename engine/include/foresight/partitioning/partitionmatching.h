#pragma once

// Stable partition identities across re-clustering (issue 20, section 2).
//
// Clustering numbers its clusters 0..k-1 afresh on every run, and a slightly changed workload
// can come back with the same groups in another order. Views, history and the scheduler's
// bookkeeping follow partitions by identity, so each new cluster inherits the identity of the
// previous partition it overlaps most (by key membership), and only a genuinely new group gets a
// new one. Pure: no thread or state of its own; call it from the thread that re-clusters.

#include <cstdint>
#include <vector>

#include <QList>
#include <QStringList>

#include "foresight/core/result.h"

namespace foresight::partitioning {

// A partition's identity: a positive integer, never reused within an application (a retired
// identity stays retired, so history never merges two different groups under one id).
using PartitionId = std::int64_t;

// The cold partition's identity, fixed: rarely used keys (coldpartition.h) are never clustered,
// so their partition is never matched either.
inline constexpr PartitionId kColdPartitionId = 0;
// The first identity a clustered partition gets in a fresh application.
inline constexpr PartitionId kFirstPartitionId = 1;

// A previous partition: its identity and its keys when it was made.
struct PartitionMembers
{
    PartitionId id = kFirstPartitionId;
    QStringList keys;
};

struct MatchOptions
{
    // A new cluster inherits an identity only if its Jaccard index with that previous partition
    // (shared keys / keys in either) is at least this; below it, the group has changed too much
    // to be called the same, and a new identity says so. 0.25 keeps a partition's identity
    // while it grows or shrinks by up to a factor of four (other things equal).
    double minJaccard = 0.25;
};

struct PartitionMatch
{
    std::vector<PartitionId> ids;           // per current cluster, in the order given
    std::vector<double> jaccard;            // per current cluster: with the partition it inherited from; 0 if new
    std::vector<PartitionId> retired;       // previous identities no cluster took, ascending
    PartitionId nextId = kFirstPartitionId; // pass to the next call
};

// Matches the clusters of a new clustering (current: each cluster's keys) to the previous
// partitions, and hands out fresh identities from nextId upwards to the clusters left unmatched.
//
// Assignment: greedy by descending Jaccard index (ties: more shared keys, then the lower previous
// identity, then the earlier current cluster), each previous partition and each cluster used at
// most once. The guarantee: a pair with Jaccard above 1/2 is always matched, as it would be by an
// optimal assignment (a cluster can share more than half of its union with at most one of a set
// of disjoint partitions, so such pairs never compete); overall the greedy total is at least
// half of the optimum's. Greedy instead of the Hungarian method: the same answer where it
// matters (clear continuations) and an order anyone can follow when reading a partition's history.
//
// Cost: O(total keys) with hashing, plus O(pairs log pairs) for the pairs that share keys.
// InvalidArgument when a key appears twice (within or across partitions of one side), a previous
// identity repeats or is not positive (kColdPartitionId included: pass clustered partitions
// only), nextId is not above every previous identity (an identity would be reused), or
// minJaccard is outside (0, 1].
Result<PartitionMatch> matchPartitions(const QList<PartitionMembers> &previous,
                                       const QList<QStringList> &current,
                                       PartitionId nextId,
                                       const MatchOptions &options = {});

// The keys of each cluster of a labelling (labels[i] is keys[i]'s cluster, 0-based; negative
// labels, DBSCAN's noise, go to *unclustered when given), in the form matchPartitions() takes.
// InvalidArgument when the sizes differ.
Result<QList<QStringList>> keysByCluster(const QStringList &keys,
                                         const std::vector<int> &labels,
                                         QStringList *unclustered = nullptr);

} // namespace foresight::partitioning
