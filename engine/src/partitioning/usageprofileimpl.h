#pragma once

// Private to the partitioning module: the state behind UsageProfile, shared by
// usageprofile.cpp (recording, the tracked-key table) and usagefeatures.cpp (feature extraction).

#include <array>
#include <cstdint>
#include <vector>

#include <QStringView>

#include "foresight/partitioning/usageprofile.h"
#include "partitioning/countminsketch.h"

namespace foresight::partitioning {

// Decay without touching every counter: an access at time t adds e^(lambda (t - landmark)), so
// all stored weights share one scale and a count now is its stored sum times
// e^(-lambda (now - landmark)). Order between keys never changes with time, which is what lets
// Space-Saving's min-heap survive decay. When the exponent grows large the landmark moves to
// now and every stored weight is multiplied down (rescale()), about once per 58 half-lives.
struct DecayScale
{
    double lambdaPerMs = 0;
    std::int64_t landmarkMs = 0;
    std::int64_t cachedAtMs = -1;
    double cachedWeight = 1;

    static constexpr double kMaxExponent = 40.0;
    // The weight of an access at t. Sets needsRescale once the exponent passes kMaxExponent: the
    // caller then rescales and asks again.
    double weightAt(std::int64_t t, bool &needsRescale);
    // e^(-lambda (now - landmark)): a stored weight times this is its count now.
    double decayAt(std::int64_t now) const;
};

// Murmur3's 64-bit finaliser: every input bit reaches every output bit.
inline std::uint64_t mix64(std::uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

// One hash per key for the index and the sketch alike: FNV-1a over the UTF-16 units, then
// mixed. Qt's qHash of a string costs several times as much on the machines we measured (it
// took 40% of record()), and the profile needs no protection against chosen collisions: a
// client that forces them only blurs its own keys' counts, within the same memory.
inline std::uint64_t keyHash(QStringView key)
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const QChar c : key)
        h = (h ^ c.unicode()) * 0x100000001b3ULL;
    return mix64(h ^ std::uint64_t(key.size()));
}

struct Partner
{
    std::int32_t slot = -1;
    std::uint32_t generation = 0;
    double weight = 0; // scaled like Tracked's counts
};

struct Tracked
{
    QString key;
    std::uint64_t hash = 0;
    double prior = 0; // the sketch's estimate of the accesses before tracking began
    double reads = 0;
    double writes = 0;
    double total = 0; // prior + reads + writes: the heap's order
    std::int64_t lastAccessMs = 0;
    std::int64_t trackedSinceMs = 0;
    std::uint32_t generation = 0; // bumped whenever the slot changes key
    std::int32_t heapPos = -1;    // -1: the slot is free
    std::array<Partner, UsageProfile::kPartners> partners{};
};

struct RecentAccess
{
    std::int32_t slot = -1;
    std::uint32_t generation = 0;
    std::int64_t atMs = 0;
};

struct ClientHistory
{
    std::uint64_t id = 0;
    std::uint8_t count = 0;
    std::uint8_t next = 0;
    std::array<RecentAccess, UsageProfile::kClientHistory> recent{};
};

struct UsageProfile::Impl
{
    Impl(const UsageProfileOptions &options, const Clock &clock);

    // usageprofile.cpp
    std::int32_t find(std::uint64_t hash, const QString &key) const;
    // The sketch's estimate includes this access, of weight `weight`; -1: not tracked.
    std::int32_t admit(const QString &key, std::uint64_t hash, double estimate, double weight, std::int64_t t);
    // Forgets the slot's key (index, text, generation); its heap position is the caller's.
    void release(std::int32_t slot);
    void evictRoot();
    // Gives the slot to key, keeping its heap position and generation.
    void assign(std::int32_t slot, const QString &key, std::uint64_t hash, double prior, std::int64_t t);
    void indexInsert(std::int32_t slot);
    void indexErase(std::int32_t slot);
    void siftUp(std::int32_t pos);
    void siftDown(std::int32_t pos);
    void swapHeap(std::int32_t a, std::int32_t b);
    void coAccess(std::int32_t slot, std::uint64_t client, std::int64_t t, double weight);
    void bumpPartner(Tracked &entry, std::int32_t other, std::uint32_t generation, double weight);
    void rescaleCounts(std::int64_t t);
    void rescaleTimeOfDay(std::int64_t t);
    static std::size_t keyBytes(const QString &key);

    // usagefeatures.cpp
    KeyFeatures featuresOf(std::int32_t slot, std::int64_t now, double decay) const;
    double coAccessShare(const Tracked &entry, const Partner &partner) const;

    UsageProfileOptions options;
    const Clock *clock;
    DecayScale counts;    // counts, sketch and co-access
    DecayScale timeOfDay; // the time-of-day buckets
    CountMinSketch sketch;
    std::vector<Tracked> entries;    // maxTrackedKeys slots
    std::vector<float> buckets;      // timeOfDayBuckets per slot
    std::vector<std::int32_t> index; // open addressing by hash, linear probing; -1 empty
    std::uint64_t indexMask = 0;
    std::vector<std::int32_t> heap; // min-heap of used slots by total
    std::vector<std::int32_t> freeSlots;
    std::vector<ClientHistory> clients; // direct-mapped by client id
    std::int64_t wallOffsetMs = 0;      // wall minus monotonic time, for the time of day
    std::int64_t wallOffsetUntilMs = 0; // monotonic: when to read the wall clock again
    std::size_t fixedBytes = 0;
    std::size_t keyTextBytes = 0;
    std::uint64_t accesses = 0;
};

} // namespace foresight::partitioning
