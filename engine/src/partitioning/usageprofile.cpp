#include "foresight/partitioning/usageprofile.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "foresight/core/clock.h"
#include "partitioning/usageprofileimpl.h"

namespace foresight::partitioning {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::size_t kKeyTextReserve = 16 * 1024; // the least a budget leaves for keys' text

std::size_t indexSizeFor(int maxTrackedKeys)
{
    // At most half full, so that linear probing stays short.
    return std::bit_ceil(std::size_t(std::max(16, maxTrackedKeys)) * 2);
}

Status outOfRange(const char *field, const QString &range, const QString &got)
{
    return fail(ErrorCode::InvalidArgument,
                QStringLiteral("usage profile: %1 must be %2, got %3").arg(QLatin1String(field), range, got));
}

} // namespace

Status UsageProfileOptions::validate() const
{
    constexpr std::int64_t kDay = kDayMs;
    if (halfLifeMs < 1000 || halfLifeMs > 30 * kDay)
        return outOfRange("halfLifeMs",
                          QStringLiteral("1000 .. %1 (1 s .. 30 days)").arg(30 * kDay),
                          QString::number(halfLifeMs));
    if (timeOfDayHalfLifeMs < 60'000 || timeOfDayHalfLifeMs > 365 * kDay)
        return outOfRange("timeOfDayHalfLifeMs",
                          QStringLiteral("60000 .. %1 (1 min .. 365 days)").arg(365 * kDay),
                          QString::number(timeOfDayHalfLifeMs));
    if (timeOfDayBuckets < 1 || timeOfDayBuckets > 96)
        return outOfRange("timeOfDayBuckets", QStringLiteral("1 .. 96"), QString::number(timeOfDayBuckets));
    if (maxTrackedKeys < 16 || maxTrackedKeys > 1'000'000)
        return outOfRange("maxTrackedKeys", QStringLiteral("16 .. 1000000"), QString::number(maxTrackedKeys));
    if (sketchWidth < 256 || sketchWidth > (1 << 22) || !std::has_single_bit(unsigned(sketchWidth)))
        return outOfRange("sketchWidth",
                          QStringLiteral("a power of two from 256 to 4194304"),
                          QString::number(sketchWidth));
    if (sketchDepth < 1 || sketchDepth > 8)
        return outOfRange("sketchDepth", QStringLiteral("1 .. 8"), QString::number(sketchDepth));
    if (maxClients < 1 || maxClients > 65'536)
        return outOfRange("maxClients", QStringLiteral("1 .. 65536"), QString::number(maxClients));
    if (coAccessWindowMs < 1 || coAccessWindowMs > 3'600'000)
        return outOfRange("coAccessWindowMs", QStringLiteral("1 .. 3600000 (1 h)"), QString::number(coAccessWindowMs));
    if (!(coAccessGroupShare > 0 && coAccessGroupShare <= 1))
        return outOfRange("coAccessGroupShare",
                          QStringLiteral("above 0 and at most 1"),
                          QString::number(coAccessGroupShare));
    const std::size_t least = UsageProfile::fixedBytes(*this) + kKeyTextReserve;
    if (memoryBudgetBytes < least)
        return outOfRange("memoryBudgetBytes",
                          QStringLiteral("at least %1 for these options (the tables and sketch take %2, "
                                         "plus 16 KiB for keys' text); lower maxTrackedKeys or sketchWidth to fit "
                                         "a smaller budget")
                              .arg(least)
                              .arg(UsageProfile::fixedBytes(*this)),
                          QString::number(memoryBudgetBytes));
    return {};
}

double DecayScale::weightAt(std::int64_t t, bool &needsRescale)
{
    if (t == cachedAtMs)
        return cachedWeight;
    const double exponent = lambdaPerMs * double(t - landmarkMs);
    needsRescale = exponent > kMaxExponent;
    cachedAtMs = t;
    cachedWeight = std::exp(exponent);
    return cachedWeight;
}

double DecayScale::decayAt(std::int64_t now) const
{
    return std::exp(-lambdaPerMs * double(now - landmarkMs));
}

UsageProfile::Impl::Impl(const UsageProfileOptions &options, const Clock &clock)
    : options(options)
    , clock(&clock)
    , sketch(options.sketchWidth, options.sketchDepth)
    , entries(std::size_t(options.maxTrackedKeys))
    , buckets(std::size_t(options.maxTrackedKeys) * std::size_t(options.timeOfDayBuckets), 0.0f)
    , index(indexSizeFor(options.maxTrackedKeys), -1)
    , clients(std::size_t(options.maxClients))
{
    indexMask = index.size() - 1;
    heap.reserve(entries.size());
    freeSlots.reserve(entries.size());
    for (std::int32_t slot = std::int32_t(entries.size()) - 1; slot >= 0; --slot)
        freeSlots.push_back(slot);
    const std::int64_t now = clock.monotonicMs();
    counts.lambdaPerMs = std::log(2.0) / double(options.halfLifeMs);
    counts.landmarkMs = now;
    timeOfDay.lambdaPerMs = std::log(2.0) / double(options.timeOfDayHalfLifeMs);
    timeOfDay.landmarkMs = now;
    wallOffsetMs = clock.wallMs() - now;
    wallOffsetUntilMs = now + 1000;
    fixedBytes = UsageProfile::fixedBytes(options);
}

std::size_t UsageProfile::fixedBytes(const UsageProfileOptions &options)
{
    const std::size_t tracked = std::size_t(std::max(0, options.maxTrackedKeys));
    const std::size_t buckets = std::size_t(std::max(0, options.timeOfDayBuckets));
    return sizeof(Impl) + tracked * sizeof(Tracked) + tracked * buckets * sizeof(float)
           + indexSizeFor(options.maxTrackedKeys) * sizeof(std::int32_t) + 2 * tracked * sizeof(std::int32_t)
           + CountMinSketch::bytesFor(std::max(0, options.sketchWidth), std::max(0, options.sketchDepth))
           + std::size_t(std::max(0, options.maxClients)) * sizeof(ClientHistory);
}

std::size_t UsageProfile::Impl::keyBytes(const QString &key)
{
    // The QString's allocation as Qt makes it: a 16-byte header and UTF-16 units with a
    // terminator, rounded up to malloc's 16-byte granularity.
    const std::size_t raw = 16 + 2 * (std::size_t(key.capacity()) + 1);
    return (raw + 15) & ~std::size_t(15);
}

std::uint64_t UsageProfile::clientId(QByteArrayView identity)
{
    std::uint64_t h = 0xcbf29ce484222325ULL; // FNV-1a, as keyHash()
    for (const char c : identity)
        h = (h ^ std::uint8_t(c)) * 0x100000001b3ULL;
    const std::uint64_t id = mix64(h ^ std::uint64_t(identity.size()));
    return id == 0 ? 1 : id;
}

Result<UsageProfile> UsageProfile::create(const UsageProfileOptions &options, const Clock &clock)
{
    if (auto ok = options.validate(); !ok)
        return std::unexpected(ok.error());
    return UsageProfile(std::make_unique<Impl>(options, clock));
}

UsageProfile::UsageProfile(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}
UsageProfile::UsageProfile(UsageProfile &&other) noexcept = default;
UsageProfile &UsageProfile::operator=(UsageProfile &&other) noexcept = default;
UsageProfile::~UsageProfile() = default;

// ---- the tracked-key index: open addressing, linear probing, backward-shift deletion --------

std::int32_t UsageProfile::Impl::find(std::uint64_t hash, const QString &key) const
{
    for (std::uint64_t at = hash & indexMask;; at = (at + 1) & indexMask) {
        const std::int32_t slot = index[at];
        if (slot < 0)
            return -1;
        const Tracked &entry = entries[std::size_t(slot)];
        if (entry.hash == hash && entry.key == key)
            return slot;
    }
}

void UsageProfile::Impl::indexInsert(std::int32_t slot)
{
    std::uint64_t at = entries[std::size_t(slot)].hash & indexMask;
    while (index[at] >= 0)
        at = (at + 1) & indexMask;
    index[at] = slot;
}

void UsageProfile::Impl::indexErase(std::int32_t slot)
{
    std::uint64_t hole = entries[std::size_t(slot)].hash & indexMask;
    while (index[hole] != slot)
        hole = (hole + 1) & indexMask;
    // Moves back every later entry of the probe run whose home is not between the hole and it,
    // so that no lookup stops early at the hole.
    for (std::uint64_t at = (hole + 1) & indexMask; index[at] >= 0; at = (at + 1) & indexMask) {
        const std::uint64_t home = entries[std::size_t(index[at])].hash & indexMask;
        const bool homeInRun = hole <= at ? (home > hole && home <= at) : (home > hole || home <= at);
        if (!homeInRun) {
            index[hole] = index[at];
            hole = at;
        }
    }
    index[hole] = -1;
}

// ---- the min-heap of tracked slots by total ---------------------------------------------

void UsageProfile::Impl::swapHeap(std::int32_t a, std::int32_t b)
{
    std::swap(heap[std::size_t(a)], heap[std::size_t(b)]);
    entries[std::size_t(heap[std::size_t(a)])].heapPos = a;
    entries[std::size_t(heap[std::size_t(b)])].heapPos = b;
}

void UsageProfile::Impl::siftUp(std::int32_t pos)
{
    while (pos > 0) {
        const std::int32_t parent = (pos - 1) / 2;
        if (entries[std::size_t(heap[std::size_t(parent)])].total <= entries[std::size_t(heap[std::size_t(pos)])].total)
            return;
        swapHeap(pos, parent);
        pos = parent;
    }
}

void UsageProfile::Impl::siftDown(std::int32_t pos)
{
    const auto size = std::int32_t(heap.size());
    while (true) {
        const std::int32_t left = 2 * pos + 1;
        if (left >= size)
            return;
        std::int32_t least = left;
        const std::int32_t right = left + 1;
        if (right < size
            && entries[std::size_t(heap[std::size_t(right)])].total
                   < entries[std::size_t(heap[std::size_t(left)])].total)
            least = right;
        if (entries[std::size_t(heap[std::size_t(pos)])].total <= entries[std::size_t(heap[std::size_t(least)])].total)
            return;
        swapHeap(pos, least);
        pos = least;
    }
}

void UsageProfile::Impl::release(std::int32_t slot)
{
    Tracked &entry = entries[std::size_t(slot)];
    indexErase(slot);
    keyTextBytes -= keyBytes(entry.key);
    entry.key = QString();
    ++entry.generation; // partners and client histories naming the slot now see it changed
}

void UsageProfile::Impl::evictRoot()
{
    const std::int32_t slot = heap.front();
    release(slot);
    entries[std::size_t(slot)].heapPos = -1;
    const std::int32_t last = heap.back();
    heap.pop_back();
    if (last != slot) {
        heap.front() = last;
        entries[std::size_t(last)].heapPos = 0;
        siftDown(0);
    }
    freeSlots.push_back(slot);
}

void UsageProfile::Impl::assign(std::int32_t slot, const QString &key, std::uint64_t hash, double prior, std::int64_t t)
{
    Tracked &entry = entries[std::size_t(slot)];
    const std::uint32_t generation = entry.generation;
    const std::int32_t heapPos = entry.heapPos;
    entry = Tracked{};
    entry.key = key;
    entry.hash = hash;
    entry.prior = prior;
    entry.total = prior;
    entry.trackedSinceMs = t;
    entry.generation = generation;
    entry.heapPos = heapPos;
    std::fill_n(buckets.begin() + std::ptrdiff_t(slot) * options.timeOfDayBuckets, options.timeOfDayBuckets, 0.0f);
    keyTextBytes += keyBytes(key);
    indexInsert(slot);
}

// Space-Saving's admission, with the sketch's estimate as the newcomer's count: it replaces the
// least frequent tracked key only when it is seen more often than that key.
std::int32_t UsageProfile::Impl::admit(
    const QString &key, std::uint64_t hash, double estimate, double weight, std::int64_t t)
{
    const std::size_t textBytes = keyBytes(key);
    const double prior = std::max(0.0, estimate - weight); // this access is counted by the caller
    const auto least = [this] { return entries[std::size_t(heap.front())].total; };
    if (freeSlots.empty()) {
        if (estimate <= least())
            return -1;
        // The common case of a full table: the newcomer takes the least frequent key's slot and
        // heap position (the root), and the caller's sift moves it down from there, a few levels
        // at most, since its count is near the least. Evicting first and inserting at the bottom
        // would sift the whole height twice.
        const std::int32_t root = heap.front();
        if (fixedBytes + keyTextBytes - keyBytes(entries[std::size_t(root)].key) + textBytes
            <= options.memoryBudgetBytes) {
            release(root);
            assign(root, key, hash, prior, t);
            return root;
        }
    }
    // Room for the text is short: evict the least frequent keys while the newcomer outranks them.
    while (!heap.empty() && (freeSlots.empty() || fixedBytes + keyTextBytes + textBytes > options.memoryBudgetBytes)) {
        if (estimate <= least())
            return -1;
        evictRoot();
    }
    if (fixedBytes + keyTextBytes + textBytes > options.memoryBudgetBytes)
        return -1; // a key longer than the whole text allowance: sketched only
    const std::int32_t slot = freeSlots.back();
    freeSlots.pop_back();
    entries[std::size_t(slot)].heapPos = std::int32_t(heap.size());
    heap.push_back(slot);
    assign(slot, key, hash, prior, t);
    siftUp(entries[std::size_t(slot)].heapPos);
    return slot;
}

// ---- recording ---------------------------------------------------------------------------

void UsageProfile::Impl::rescaleCounts(std::int64_t t)
{
    const double factor = counts.decayAt(t);
    sketch.scale(float(factor));
    for (Tracked &entry : entries) {
        entry.prior *= factor;
        entry.reads *= factor;
        entry.writes *= factor;
        entry.total *= factor;
        for (Partner &partner : entry.partners)
            partner.weight *= factor;
    }
    counts.landmarkMs = t;
    counts.cachedAtMs = -1;
}

void UsageProfile::Impl::rescaleTimeOfDay(std::int64_t t)
{
    const auto factor = float(timeOfDay.decayAt(t));
    for (float &bucket : buckets)
        bucket *= factor;
    timeOfDay.landmarkMs = t;
    timeOfDay.cachedAtMs = -1;
}

// Space-Saving again, on a small scale: a newcomer takes an empty place, or the weakest
// partner's with that partner's weight added. Only the entry's own partners are read: a partner
// that has left the table is not looked for here (that would read four other entries on every
// co-access) but keeps its place until a stronger pair displaces it, and features() skips it.
void UsageProfile::Impl::bumpPartner(Tracked &entry, std::int32_t other, std::uint32_t generation, double weight)
{
    Partner *weakest = &entry.partners[0];
    for (Partner &partner : entry.partners) {
        if (partner.slot == other && partner.generation == generation) {
            partner.weight += weight;
            return;
        }
        if (partner.slot < 0) {
            partner = Partner{other, generation, weight};
            return;
        }
        if (partner.weight < weakest->weight)
            weakest = &partner;
    }
    *weakest = Partner{other, generation, weakest->weight + weight};
}

void UsageProfile::Impl::coAccess(std::int32_t slot, std::uint64_t client, std::int64_t t, double weight)
{
    ClientHistory &history = clients[std::size_t(client % clients.size())];
    if (history.id != client) {
        history.id = client; // another client (or one that shares the entry): starts afresh
        history.count = 0;
        history.next = 0;
    }
    Tracked &entry = entries[std::size_t(slot)];
    bool present = false;
    for (std::uint8_t i = 0; i < history.count; ++i) {
        RecentAccess &recent = history.recent[i];
        if (recent.slot == slot && recent.generation == entry.generation) {
            recent.atMs = t;
            present = true;
            continue;
        }
        if (t - recent.atMs > options.coAccessWindowMs)
            continue;
        Tracked &other = entries[std::size_t(recent.slot)];
        if (other.generation != recent.generation)
            continue; // evicted since
        bumpPartner(entry, recent.slot, recent.generation, weight);
        bumpPartner(other, slot, entry.generation, weight);
    }
    if (!present) {
        history.recent[history.next] = RecentAccess{slot, entry.generation, t};
        history.next = std::uint8_t((history.next + 1) % kClientHistory);
        history.count = std::uint8_t(std::min<int>(history.count + 1, kClientHistory));
    }
}

void UsageProfile::record(const QString &key, AccessKind kind, std::uint64_t client)
{
    Impl &d = *m_impl;
    const std::int64_t t = d.clock->monotonicMs();
    ++d.accesses;
    bool rescale = false;
    double weight = d.counts.weightAt(t, rescale);
    if (rescale) {
        d.rescaleCounts(t);
        weight = d.counts.weightAt(t, rescale);
    }
    const std::uint64_t hash = keyHash(key);
    const double estimate = d.sketch.add(hash, float(weight));
    std::int32_t slot = d.find(hash, key);
    if (slot < 0) {
        slot = d.admit(key, hash, estimate, weight, t);
        if (slot < 0)
            return;
    }
    Tracked &entry = d.entries[std::size_t(slot)];
    (kind == AccessKind::Read ? entry.reads : entry.writes) += weight;
    entry.total += weight;
    entry.lastAccessMs = t;
    d.siftDown(entry.heapPos);

    bool rescaleDay = false;
    double dayWeight = d.timeOfDay.weightAt(t, rescaleDay);
    if (rescaleDay) {
        d.rescaleTimeOfDay(t);
        dayWeight = d.timeOfDay.weightAt(t, rescaleDay);
    }
    if (t >= d.wallOffsetUntilMs) {
        // One clock reading per access, not two (a VM's clock can cost 150 ns a read): the
        // wall time's distance from the monotonic one, read again once a second.
        d.wallOffsetMs = d.clock->wallMs() - t;
        d.wallOffsetUntilMs = t + 1000;
    }
    const std::int64_t msOfDay = (((t + d.wallOffsetMs) % kDayMs) + kDayMs) % kDayMs;
    const std::int64_t bucket = msOfDay * d.options.timeOfDayBuckets / kDayMs;
    d.buckets[std::size_t(slot) * std::size_t(d.options.timeOfDayBuckets) + std::size_t(bucket)] += float(dayWeight);

    d.coAccess(slot, client, t, weight);
}

double UsageProfile::frequency(const QString &key) const
{
    const Impl &d = *m_impl;
    const std::uint64_t hash = keyHash(key);
    const double decay = d.counts.decayAt(d.clock->monotonicMs());
    const std::int32_t slot = d.find(hash, key);
    if (slot >= 0)
        return d.entries[std::size_t(slot)].total * decay;
    return double(d.sketch.estimate(hash)) * decay;
}

std::optional<qint64> UsageProfile::lastAccessWallMs(const QString &key) const
{
    const Impl &d = *m_impl;
    const std::int32_t slot = d.find(keyHash(key), key);
    if (slot < 0)
        return std::nullopt;
    return d.entries[std::size_t(slot)].lastAccessMs + d.wallOffsetMs;
}

bool UsageProfile::isTracked(const QString &key) const
{
    return m_impl->find(keyHash(key), key) >= 0;
}

int UsageProfile::trackedKeys() const
{
    return int(m_impl->heap.size());
}

std::uint64_t UsageProfile::accesses() const
{
    return m_impl->accesses;
}

std::size_t UsageProfile::bytesUsed() const
{
    return m_impl->fixedBytes + m_impl->keyTextBytes;
}

const UsageProfileOptions &UsageProfile::options() const
{
    return m_impl->options;
}

} // namespace foresight::partitioning
