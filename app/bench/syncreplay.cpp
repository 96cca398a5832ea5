#include "syncreplay.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>

#include <QHash>

#include "foresight/partitioning/stalenessimpact.h"

namespace foresight::bench {

namespace {

using config::ImpactClass;

std::size_t classIndex(ImpactClass impactClass)
{
    return std::size_t(impactClass);
}

struct KeyState
{
    double weight = 1;
    std::deque<int> undelivered; // changes the replica lacks, oldest first
};

struct Flight
{
    double arrivalMs = 0;
    QList<int> changes;
};

// The replica's staleness, kept as sums so that a sample costs O(classes), not O(keys): per class,
// the sum of W over the stale keys and of W times each stale key's oldest missing change's time.
// Sum of W x staleness at `now` = now x sumW - sumWAt.
struct StalenessSums
{
    std::array<double, 4> sumW{};
    std::array<double, 4> sumWAt{};

    void add(ImpactClass c, double weight, std::int64_t atMs)
    {
        sumW[classIndex(c)] += weight;
        sumWAt[classIndex(c)] += weight * double(atMs);
    }
    void remove(ImpactClass c, double weight, std::int64_t atMs)
    {
        sumW[classIndex(c)] -= weight;
        sumWAt[classIndex(c)] -= weight * double(atMs);
    }
    double weightedMs(std::size_t c, std::int64_t nowMs) const { return sumW[c] * double(nowMs) - sumWAt[c]; }
};

std::int64_t nearestRankP99(std::vector<std::int64_t> &values)
{
    if (values.empty())
        return 0;
    const auto rank = std::size_t(std::ceil(0.99 * double(values.size())));
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(rank - 1), values.end());
    return values[rank - 1];
}

Result<std::unique_ptr<SyncOrderer>> makeOrderer(SyncScheduler scheduler,
                                                 const ReplayData &data,
                                                 const ReplaySettings &settings)
{
    switch (scheduler) {
    case SyncScheduler::Fifo:
        return makeFifoOrderer(data, Coalescing::Off);
    case SyncScheduler::LastModifiedFirst:
        return makeLastModifiedFirstOrderer(data, Coalescing::Off);
    case SyncScheduler::FifoCoalescing:
        return makeFifoOrderer(data, Coalescing::On);
    case SyncScheduler::LastModifiedFirstCoalescing:
        return makeLastModifiedFirstOrderer(data, Coalescing::On);
    case SyncScheduler::Staleness:
        break;
    }
    return makeStalenessOrderer(data,
                                {settings.classifier,
                                 settings.link,
                                 settings.sync,
                                 settings.partitioner,
                                 settings.firstClusteringMs,
                                 settings.reclusterMs});
}

} // namespace

QString syncSchedulerName(SyncScheduler scheduler)
{
    switch (scheduler) {
    case SyncScheduler::Staleness:
        return QStringLiteral("staleness");
    case SyncScheduler::Fifo:
        return QStringLiteral("fifo");
    case SyncScheduler::LastModifiedFirst:
        return QStringLiteral("lmf");
    case SyncScheduler::FifoCoalescing:
        return QStringLiteral("fifo-coalescing");
    case SyncScheduler::LastModifiedFirstCoalescing:
        return QStringLiteral("lmf-coalescing");
    }
    return {};
}

Result<ReplayResult> replaySync(const SyncWorkload &workload, SyncScheduler scheduler, const ReplaySettings &settings)
{
    ReplayData data;
    auto orderer = makeOrderer(scheduler, data, settings);
    if (!orderer)
        return std::unexpected(orderer.error());

    ReplayResult result;
    result.scheduler = scheduler;
    result.batchBytes = partitioning::batchBytesFor(settings.link, settings.sync);
    const double bandwidth = settings.link.bandwidthBytesPerSecond;
    const double halfRoundTripMs = settings.link.roundTripMs / 2;
    if (!(bandwidth > 0))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the link needs a bandwidth"));

    QHash<QString, int> keyIndex;
    std::vector<KeyState> keys;
    std::vector<std::uint8_t> arrived;    // per change: how many times it arrived (superseded: once)
    std::vector<std::uint8_t> sent;       // per change: handed to the link
    std::vector<std::uint8_t> superseded; // per change: a newer change of its key arrived in its place
    std::array<std::vector<std::int64_t>, 4> delays;
    StalenessSums sums;
    std::array<std::multiset<std::int64_t>, 4> lacking; // per class: when each change the replica lacks was made
    std::deque<Flight> inFlight;                        // arrival times increase: the link carries one batch at a time
    double linkFreeAtMs = 0;
    qsizetype next = 0; // the next access to replay
    std::int64_t delivered = 0;

    // A change that arrives brings the replica its key's value as of that change, so the key's
    // older changes it lacks, none of them sent, are superseded (a coalescing scheduler shipped
    // the key's latest value in their place) and arrive with it. An older one still in flight
    // would land after it and undo it: the key's order broken.
    const auto arrive = [&](int change, std::int64_t nowMs) {
        const ReplayChange &c = data.changes[std::size_t(change)];
        ++delivered;
        if (nowMs < workload.durationMs)
            result.bytesDeliveredInRecording += c.bytes;
        const ImpactClass impactClass = data.keys[std::size_t(c.key)].impactClass;
        delays[classIndex(impactClass)].push_back(nowMs - c.atMs);
        std::multiset<std::int64_t> &classLacks = lacking[classIndex(impactClass)];
        classLacks.erase(classLacks.find(c.atMs));
    };
    const auto deliver = [&](int change, std::int64_t nowMs) {
        const ReplayChange &c = data.changes[std::size_t(change)];
        if (arrived[std::size_t(change)]++ > 0) {
            result.everyChangeOnce = false;
            if (superseded[std::size_t(change)]) // an older value over a newer one
                result.keyOrderKept = false;
            return;
        }
        KeyState &key = keys[std::size_t(c.key)];
        const ImpactClass impactClass = data.keys[std::size_t(c.key)].impactClass;
        const auto at = std::find(key.undelivered.begin(), key.undelivered.end(), change);
        if (at == key.undelivered.end()) { // a newer change of the key arrived before this one
            result.keyOrderKept = false;
            arrive(change, nowMs);
            return;
        }
        sums.remove(impactClass, key.weight, data.changes[std::size_t(key.undelivered.front())].atMs);
        for (auto older = key.undelivered.begin(); older != at; ++older) {
            if (sent[std::size_t(*older)]) {
                result.keyOrderKept = false;
                continue;
            }
            arrived[std::size_t(*older)] = 1;
            superseded[std::size_t(*older)] = 1;
            ++result.supersededChanges;
            arrive(*older, nowMs);
        }
        arrive(change, nowMs);
        key.undelivered.erase(key.undelivered.begin(), at + 1);
        if (!key.undelivered.empty())
            sums.add(impactClass, key.weight, data.changes[std::size_t(key.undelivered.front())].atMs);
        (*orderer)->delivered(change);
    };

    // One-millisecond steps: every access and arrival is handled in the step of its millisecond.
    for (std::int64_t now = 0;; ++now) {
        if (auto status = (*orderer)->advanceTo(now); !status)
            return std::unexpected(status.error());
        for (; next < workload.accesses.size() && workload.accesses.at(next).atMs <= now; ++next) {
            const WorkloadAccess &access = workload.accesses.at(next);
            (*orderer)->accessed(access);
            if (access.kind != partitioning::AccessKind::Write)
                continue;
            auto it = keyIndex.constFind(access.key);
            if (it == keyIndex.constEnd()) {
                it = keyIndex.insert(access.key, int(keys.size()));
                const ImpactClass impactClass = settings.classifier.classify(access.key).impactClass;
                data.keys.push_back({access.key, impactClass});
                keys.push_back({partitioning::impactWeight(impactClass), {}});
                ++result.classes[classIndex(impactClass)].keys;
            }
            const int keyIdx = *it;
            const int change = int(data.changes.size());
            data.changes.push_back({std::uint64_t(change) + 1, keyIdx, deltaBytes(access), now});
            arrived.push_back(0);
            sent.push_back(0);
            superseded.push_back(0);
            ClassFigures &figures = result.classes[classIndex(data.keys[std::size_t(keyIdx)].impactClass)];
            ++figures.changes;
            figures.bytes += data.changes.back().bytes;
            lacking[classIndex(data.keys[std::size_t(keyIdx)].impactClass)].insert(now);
            result.bytesWritten += data.changes.back().bytes;
            KeyState &key = keys[std::size_t(keyIdx)];
            if (key.undelivered.empty())
                sums.add(data.keys[std::size_t(keyIdx)].impactClass, key.weight, now);
            key.undelivered.push_back(change);
            (*orderer)->written(change);
        }
        while (!inFlight.empty() && inFlight.front().arrivalMs <= double(now)) {
            for (const int change : inFlight.front().changes)
                deliver(change, now);
            inFlight.pop_front();
        }
        bool idle = false; // the link is free and nothing waits for it
        if (linkFreeAtMs <= double(now)) {
            auto batch = (*orderer)->nextBatch(now, result.batchBytes);
            if (!batch)
                return std::unexpected(batch.error());
            if (!batch->isEmpty()) {
                std::int64_t bytes = 0;
                for (const int change : std::as_const(*batch)) {
                    bytes += data.changes[std::size_t(change)].bytes;
                    sent[std::size_t(change)] = 1;
                }
                result.bytesSent += bytes;
                // Back to back: a link that came free within the last step starts the batch when
                // it came free (the batch is chosen up to a millisecond later, the same for every
                // scheduler), so the link loses no time to the step.
                const double startMs = linkFreeAtMs > double(now - 1) ? linkFreeAtMs : double(now);
                linkFreeAtMs = startMs + double(bytes) * 1000 / bandwidth;
                inFlight.push_back({linkFreeAtMs + halfRoundTripMs, *batch});
                ++result.batches;
            }
            idle = batch->isEmpty();
        }
        if (now < workload.durationMs && now % settings.sampleMs == 0) {
            for (std::size_t c = 0; c < 4; ++c) {
                // W x ms x ms to W x s x s.
                result.classes[c].impactWeightedStalenessWs2 += sums.weightedMs(c, now) * double(settings.sampleMs)
                                                                / 1e6;
                if (!lacking[c].empty())
                    result.classes[c].classWeightedStalenessWs2 += partitioning::impactWeight(ImpactClass(c))
                                                                   * double(now - *lacking[c].begin())
                                                                   * double(settings.sampleMs) / 1e6;
            }
        }
        if (now >= workload.durationMs && next == workload.accesses.size() && inFlight.empty() && idle) {
            result.drainedAtMs = now;
            break;
        }
        // The link carries at least one change per batch, so the drain ends; this bounds a bug.
        if (now > workload.durationMs * 100 + 3'600'000)
            return fail(ErrorCode::Internal, QStringLiteral("the link never drained"));
    }

    result.changes = std::int64_t(data.changes.size());
    result.everyChangeOnce = result.everyChangeOnce && delivered == result.changes;
    for (std::size_t c = 0; c < 4; ++c) {
        ClassFigures &figures = result.classes[c];
        result.impactWeightedStalenessWs2 += figures.impactWeightedStalenessWs2;
        result.classWeightedStalenessWs2 += figures.classWeightedStalenessWs2;
        if (!delays[c].empty())
            figures.maxDelayMs = *std::max_element(delays[c].begin(), delays[c].end());
        figures.p99DelayMs = nearestRankP99(delays[c]);
    }
    result.orderer = (*orderer)->describe();
    return result;
}

} // namespace foresight::bench
