#include "foresight/partitioning/partitionmatching.h"

#include <algorithm>
#include <tuple>

#include <QHash>
#include <QSet>

namespace foresight::partitioning {
namespace {

struct Candidate
{
    double jaccard = 0;
    qsizetype shared = 0;
    PartitionId previousId = 0;
    qsizetype previous = 0; // index into previous
    qsizetype current = 0;  // index into current
};

// The greedy order of matchPartitions(): best overlap first, every tie broken by something
// stable, so the same inputs always give the same identities.
bool before(const Candidate &a, const Candidate &b)
{
    return std::tuple(-a.jaccard, -a.shared, a.previousId, a.current)
           < std::tuple(-b.jaccard, -b.shared, b.previousId, b.current);
}

} // namespace

Result<PartitionMatch> matchPartitions(const QList<PartitionMembers> &previous,
                                       const QList<QStringList> &current,
                                       PartitionId nextId,
                                       const MatchOptions &options)
{
    if (!(options.minJaccard > 0 && options.minJaccard <= 1)) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("minJaccard must be in (0, 1], got %1").arg(options.minJaccard));
    }

    qsizetype previousKeys = 0;
    for (const PartitionMembers &partition : previous)
        previousKeys += partition.keys.size();
    QHash<QString, qsizetype> owner; // key -> index into previous
    owner.reserve(previousKeys);
    QSet<PartitionId> seenIds;
    PartitionId highest = 0;
    for (qsizetype p = 0; p < previous.size(); ++p) {
        const PartitionMembers &partition = previous[p];
        if (partition.id < kFirstPartitionId) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("previous partition %1 has identity %2: clustered partitions have identities "
                                       ">= %3 (the cold partition is not matched)")
                            .arg(p)
                            .arg(partition.id)
                            .arg(kFirstPartitionId));
        }
        if (seenIds.contains(partition.id))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("previous identity %1 appears twice").arg(partition.id));
        seenIds.insert(partition.id);
        highest = std::max(highest, partition.id);
        for (const QString &key : partition.keys) {
            // One hash operation per key: a key already present leaves the size unchanged (and
            // keeps its first owner, which the message then names).
            const qsizetype before = owner.size();
            qsizetype &slot = owner[key];
            if (owner.size() == before) {
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("key '%1' is in previous partitions %2 and %3")
                                .arg(key)
                                .arg(previous[slot].id)
                                .arg(partition.id));
            }
            slot = p;
        }
    }
    if (nextId < kFirstPartitionId || nextId <= highest) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("nextId %1 would reuse an identity: it must be above %2 and at least %3")
                        .arg(nextId)
                        .arg(highest)
                        .arg(kFirstPartitionId));
    }

    // Shared keys per (previous, current) pair: one hash lookup per current key, counts in a
    // vector indexed by previous partition and reset through the list of those touched.
    std::vector<Candidate> candidates;
    std::vector<qsizetype> shared(static_cast<std::size_t>(previous.size()), 0);
    std::vector<qsizetype> touched;
    qsizetype currentKeys = 0;
    for (const QStringList &cluster : current)
        currentKeys += cluster.size();
    QSet<QString> seenKeys;
    seenKeys.reserve(currentKeys);
    for (qsizetype c = 0; c < current.size(); ++c) {
        if (current[c].isEmpty())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("cluster %1 has no keys").arg(c));
        for (const QString &key : current[c]) {
            const qsizetype before = seenKeys.size();
            seenKeys.insert(key);
            if (seenKeys.size() == before)
                return fail(ErrorCode::InvalidArgument, QStringLiteral("key '%1' is in two clusters").arg(key));
            const auto it = owner.constFind(key);
            if (it == owner.constEnd())
                continue;
            if (shared[static_cast<std::size_t>(it.value())]++ == 0)
                touched.push_back(it.value());
        }
        for (qsizetype p : touched) {
            qsizetype &count = shared[static_cast<std::size_t>(p)];
            const qsizetype either = previous[p].keys.size() + current[c].size() - count;
            const double jaccard = static_cast<double>(count) / static_cast<double>(either);
            if (jaccard >= options.minJaccard)
                candidates.push_back(Candidate{jaccard, count, previous[p].id, p, c});
            count = 0;
        }
        touched.clear();
    }
    std::sort(candidates.begin(), candidates.end(), before);

    PartitionMatch match;
    match.ids.assign(static_cast<std::size_t>(current.size()), 0);
    match.jaccard.assign(static_cast<std::size_t>(current.size()), 0.0);
    std::vector<char> previousTaken(static_cast<std::size_t>(previous.size()), 0);
    for (const Candidate &candidate : candidates) {
        const auto p = static_cast<std::size_t>(candidate.previous);
        const auto c = static_cast<std::size_t>(candidate.current);
        if (previousTaken[p] || match.ids[c] != 0)
            continue;
        previousTaken[p] = 1;
        match.ids[c] = candidate.previousId;
        match.jaccard[c] = candidate.jaccard;
    }
    for (PartitionId &id : match.ids) {
        if (id == 0)
            id = nextId++;
    }
    for (qsizetype p = 0; p < previous.size(); ++p) {
        if (!previousTaken[static_cast<std::size_t>(p)])
            match.retired.push_back(previous[p].id);
    }
    std::sort(match.retired.begin(), match.retired.end());
    match.nextId = nextId;
    return match;
}

Result<QList<QStringList>> keysByCluster(const QStringList &keys,
                                         const std::vector<int> &labels,
                                         QStringList *unclustered)
{
    if (static_cast<std::size_t>(keys.size()) != labels.size()) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 keys but %2 labels").arg(keys.size()).arg(labels.size()));
    }
    int clusters = 0;
    for (int label : labels)
        clusters = std::max(clusters, label + 1);
    QList<QStringList> grouped(clusters);
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const int label = labels[static_cast<std::size_t>(i)];
        if (label >= 0)
            grouped[label].append(keys[i]);
        else if (unclustered)
            unclustered->append(keys[i]);
    }
    return grouped;
}

} // namespace foresight::partitioning
