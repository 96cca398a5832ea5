// Feature extraction: what clustering sees of each tracked key.

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include <QHash>
#include <QVarLengthArray>

#include "foresight/core/clock.h"
#include "foresight/partitioning/usageprofile.h"
#include "partitioning/usageprofileimpl.h"

namespace foresight::partitioning {

namespace {

// A key tracked for less than this has its rate measured over this long: one access just now is
// not a rate of thousands per second.
constexpr double kMinRateSpanMs = 1000.0;

struct Components
{
    std::vector<int> parent;
    explicit Components(int n)
        : parent(std::size_t(n))
    {
        std::iota(parent.begin(), parent.end(), 0);
    }
    int root(int i)
    {
        while (parent[std::size_t(i)] != i) {
            parent[std::size_t(i)] = parent[std::size_t(parent[std::size_t(i)])];
            i = parent[std::size_t(i)];
        }
        return i;
    }
    // The smaller index (the more frequent key) becomes the root, so it labels the group.
    void join(int a, int b)
    {
        a = root(a);
        b = root(b);
        if (a != b)
            parent[std::size_t(std::max(a, b))] = std::min(a, b);
    }
};

} // namespace

QList<double> KeyFeatures::vector() const
{
    return {std::log1p(readRate),
            std::log1p(writeRate),
            recency,
            peakStrength * std::cos(peakPhase),
            peakStrength * std::sin(peakPhase),
            coAccessShare};
}

// The accesses that came as a pair (an event pairs one access of each key), against both keys'
// accesses since tracking: 1 when every access of either came with the other. Clamped, since
// keys accessed in turn within the window pair every access with two others.
double UsageProfile::Impl::coAccessShare(const Tracked &entry, const Partner &partner) const
{
    const Tracked &other = entries[std::size_t(partner.slot)];
    const double accesses = entry.reads + entry.writes + other.reads + other.writes;
    return accesses > 0 ? std::min(1.0, 2 * partner.weight / accesses) : 0.0;
}

KeyFeatures UsageProfile::Impl::featuresOf(std::int32_t slot, std::int64_t now, double decay) const
{
    const Tracked &entry = entries[std::size_t(slot)];
    KeyFeatures f;
    f.key = entry.key;
    f.frequency = entry.total * decay;
    // A decayed count of a steady rate r reaches r / lambda only after a few half-lives; over a
    // tracked span T it is r (1 - e^(-lambda T)) / lambda, which this divides out.
    const double span = std::max(kMinRateSpanMs, double(now - entry.trackedSinceMs));
    const double perSecond = counts.lambdaPerMs * 1000.0 / -std::expm1(-counts.lambdaPerMs * span);
    f.reads = entry.reads * decay;
    f.writes = entry.writes * decay;
    f.readRate = f.reads * perSecond;
    f.writeRate = f.writes * perSecond;
    f.recencyS = double(now - entry.lastAccessMs) / 1000.0;
    f.lastAccessWallMs = entry.lastAccessMs + wallOffsetMs;
    f.recency = std::exp(-counts.lambdaPerMs * double(now - entry.lastAccessMs));

    // The circular mean of the buckets: its angle is the peak's phase, its length how much of
    // the day's use gathers there. One bucket has no phase to speak of.
    const int n = options.timeOfDayBuckets;
    double x = 0;
    double y = 0;
    double sum = 0;
    for (int b = 0; n > 1 && b < n; ++b) {
        const double w = buckets[std::size_t(slot) * std::size_t(n) + std::size_t(b)];
        const double angle = 2 * std::numbers::pi * (b + 0.5) / n;
        x += w * std::cos(angle);
        y += w * std::sin(angle);
        sum += w;
    }
    if (sum > 0) {
        f.peakStrength = std::min(1.0, std::hypot(x, y) / sum);
        f.peakPhase = std::atan2(y, x);
        if (f.peakPhase < 0)
            f.peakPhase += 2 * std::numbers::pi;
    }

    // The live partners, strongest first (an insertion sort of at most kPartners).
    QVarLengthArray<const Partner *, UsageProfile::kPartners> partners;
    for (const Partner &partner : entry.partners) {
        if (partner.slot < 0 || entries[std::size_t(partner.slot)].generation != partner.generation
            || entries[std::size_t(partner.slot)].heapPos < 0)
            continue;
        qsizetype at = partners.size();
        partners.append(&partner);
        for (; at > 0 && partners[at - 1]->weight < partner.weight; --at)
            partners[at] = partners[at - 1];
        partners[at] = &partner;
    }
    for (const Partner *partner : partners) {
        f.coAccessed.append(entries[std::size_t(partner->slot)].key);
        f.coAccessShare = std::max(f.coAccessShare, coAccessShare(entry, *partner));
    }
    return f;
}

std::optional<KeyFeatures> UsageProfile::features(const QString &key) const
{
    const Impl &d = *m_impl;
    const std::int32_t slot = d.find(keyHash(key), key);
    if (slot < 0)
        return std::nullopt;
    const std::int64_t now = d.clock->monotonicMs();
    return d.featuresOf(slot, now, d.counts.decayAt(now));
}

QList<KeyFeatures> UsageProfile::features() const
{
    const Impl &d = *m_impl;
    const std::int64_t now = d.clock->monotonicMs();
    const double decay = d.counts.decayAt(now);

    std::vector<std::int32_t> slots(d.heap.begin(), d.heap.end());
    std::sort(slots.begin(), slots.end(), [&d](std::int32_t a, std::int32_t b) {
        return d.entries[std::size_t(a)].total > d.entries[std::size_t(b)].total;
    });
    QList<KeyFeatures> out;
    out.reserve(qsizetype(slots.size()));
    QHash<std::int32_t, int> position; // slot -> index in out
    position.reserve(qsizetype(slots.size()));
    for (std::int32_t slot : slots) {
        position.insert(slot, int(out.size()));
        out.append(d.featuresOf(slot, now, decay));
    }

    Components groups(int(out.size()));
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const Tracked &entry = d.entries[std::size_t(slots[i])];
        for (const Partner &partner : entry.partners) {
            if (partner.slot < 0 || d.entries[std::size_t(partner.slot)].generation != partner.generation)
                continue;
            const auto other = position.constFind(partner.slot);
            if (other == position.cend())
                continue;
            if (d.coAccessShare(entry, partner) >= d.options.coAccessGroupShare)
                groups.join(int(i), *other);
        }
    }
    for (int i = 0; i < out.size(); ++i)
        out[i].coAccessGroup = groups.root(i);
    return out;
}

} // namespace foresight::partitioning
