#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/core/clock.h"
#include "foresight/core/result.h"

namespace foresight::partitioning {

enum class AccessKind : std::uint8_t { Read, Write };

// How a UsageProfile weighs, remembers and bounds. validate() names the first field out of range.
struct UsageProfileOptions
{
    // The rolling window: an access counts e^(-ln2 * age / halfLifeMs), so half after one
    // half-life. Counts, rates and co-access all decay at this rate. 1 s .. 30 days.
    std::int64_t halfLifeMs = 10 * 60 * 1000;
    // The time-of-day pattern compares hours of different days, so it forgets more slowly.
    // 1 min .. 365 days.
    std::int64_t timeOfDayHalfLifeMs = std::int64_t(3) * 24 * 3600 * 1000;
    // The UTC day is cut into this many equal buckets. 1 .. 96.
    int timeOfDayBuckets = 24;
    // Keys followed individually (a Space-Saving table); every other key lives only in the
    // Count-Min sketch, which answers frequency() for it. 16 .. 1,000,000.
    int maxTrackedKeys = 4096;
    // The Count-Min sketch: sketchDepth rows of sketchWidth counters. Width a power of two,
    // 256 .. 4,194,304; depth 1 .. 8. Its over-estimate is at most e/width of all accesses in
    // the window, with probability 1 - e^-depth.
    int sketchWidth = 16384;
    int sketchDepth = 4;
    // Clients whose last kClientHistory tracked accesses are remembered for co-access, in a
    // direct-mapped table: two active clients that map to the same entry share it (and lose
    // some co-access). 1 .. 65,536.
    int maxClients = 256;
    // Two keys are co-accessed when one client reads or writes both within this long.
    // 1 ms .. 1 h.
    std::int64_t coAccessWindowMs = 1000;
    // Two keys fall in one co-access group when at least this share of their accesses came as a
    // pair (KeyFeatures::coAccessShare). (0, 1].
    double coAccessGroupShare = 0.25;
    // Everything the profile holds, tracked keys' text included (see UsageProfile::bytesUsed()),
    // stays within this. At least UsageProfile::fixedBytes(options) plus 16 KiB for keys' text.
    std::size_t memoryBudgetBytes = std::size_t(4) * 1024 * 1024;

    Status validate() const;
};

// One tracked key as features for clustering, and its figures. Rates are per second over the
// rolling window (a steady r/s reads as r/s after a few half-lives).
struct KeyFeatures
{
    QString key;
    double frequency = 0;        // decayed accesses (reads + writes) in the window, incl. the estimate before tracking
    double reads = 0;            // decayed reads in the window since tracking began
    double writes = 0;           // decayed writes in the window since tracking began
    double readRate = 0;         // reads/s since tracking began
    double writeRate = 0;        // writes/s since tracking began
    double recencyS = 0;         // seconds since the last access
    qint64 lastAccessWallMs = 0; // the last access, Unix ms (by the profile's clock)
    double recency = 0;          // e^(-ln2 * age / halfLife): 1 just accessed, 0.5 one half-life ago
    double peakPhase = 0;        // radians, 0 .. 2pi: where in the UTC day accesses peak (0 = midnight)
    double peakStrength = 0;     // 0: spread evenly over the day .. 1: all in one bucket
    // The strongest pair's share of co-accesses: twice the pair's co-access events over both keys'
    // accesses (since tracking), at most 1; 0: no partner.
    double coAccessShare = 0;
    int coAccessGroup = -1; // index (in features()) of the most frequent key of this key's group
    QStringList coAccessed; // tracked keys co-accessed with this one, strongest first (up to kPartners)

    // The clustering vector, every element roughly 0 .. 10 and comparable across keys:
    // [log1p(readRate), log1p(writeRate), recency, peakStrength*cos(peakPhase),
    //  peakStrength*sin(peakPhase), coAccessShare]
    QList<double> vector() const;
    static constexpr int kDimensions = 6;
};

// A rolling-window usage profile of one application's keys: reads, writes, recency,
// time-of-day pattern and co-access by client, in bounded memory.
//
// Memory: a fixed part allocated at creation (fixedBytes(): the tracked-key table and its
// index, the time-of-day buckets, the sketch, the client table) plus the text of the tracked
// keys (shared with the caller's QString, counted as its allocation). bytesUsed() never exceeds
// options.memoryBudgetBytes: a key whose text would not fit is not tracked (only sketched).
// With the defaults the fixed part is 1.32 MiB and the budget 4 MiB, whatever the number
// of distinct keys (tested at 1M).
//
// Accuracy: the tracked keys are those with the highest decayed frequency, as Space-Saving
// finds them: a key is admitted when its sketch estimate exceeds the least frequent tracked
// key's count, which it then replaces. Any key with more than 1/maxTrackedKeys of the window's
// accesses (plus the sketch's error) is tracked.
//
// Co-access: each client's last kClientHistory tracked keys are remembered; an access pairs its
// key with each of them seen within coAccessWindowMs, in both keys' lists of kPartners partners
// (Space-Saving again: a newcomer replaces the weakest and inherits its weight). A partner that
// has left the table keeps its place until displaced and is skipped by features().
//
// Cost: record() never allocates (admitting a key shares its QString); one clock reading, one
// hash of the key, sketchDepth counters, one index probe, a heap sift (a few levels at most:
// a newcomer takes the evicted key's place at the root) and the client's recent keys. 200 to
// 280 ns per access on the reference VM, whether keys churn through the table or stay in it
// (docs/benchmarks.md).
//
// Time: from the Clock given at creation (monotonic for the window and recency, wall time for
// the time of day, as an offset from the monotonic time read again once a second), so tests
// drive it.
//
// Threading: none; the owner (the primary agent's thread) calls everything, features() too
// (which allocates its result: a snapshot to hand to a clustering thread). Movable, not copyable.
class UsageProfile final
{
public:
    static constexpr int kPartners = 4;      // co-accessed keys remembered per tracked key
    static constexpr int kClientHistory = 4; // recent tracked keys remembered per client

    // InvalidArgument naming the bad field, or the budget that cannot hold the fixed part.
    // The clock must outlive the profile.
    static Result<UsageProfile> create(const UsageProfileOptions &options, const Clock &clock);
    // The bytes allocated at creation for these options (the budget must exceed them).
    static std::size_t fixedBytes(const UsageProfileOptions &options);
    // A client's identity for record(): e.g. the ZeroMQ routing id or the stream connection.
    static std::uint64_t clientId(QByteArrayView identity);

    UsageProfile(UsageProfile &&other) noexcept;
    UsageProfile &operator=(UsageProfile &&other) noexcept;
    ~UsageProfile();

    // One access of key by client, now.
    void record(const QString &key, AccessKind kind, std::uint64_t client);

    // Decayed accesses of key in the window: exact since tracking (plus the estimate before)
    // for a tracked key, the sketch's estimate (an over-estimate) for any other.
    double frequency(const QString &key) const;
    bool isTracked(const QString &key) const;
    // A tracked key's last access, Unix ms (by the profile's clock); nullopt for any other key.
    // One index probe: cheap enough for a status report over every tracked key.
    std::optional<qint64> lastAccessWallMs(const QString &key) const;
    // The tracked key's features (coAccessGroup -1: groups are formed by features() only).
    std::optional<KeyFeatures> features(const QString &key) const;
    // Every tracked key's features, most frequent first, with co-access groups.
    QList<KeyFeatures> features() const;

    int trackedKeys() const;
    std::uint64_t accesses() const; // recorded since creation, not decayed
    std::size_t bytesUsed() const;
    const UsageProfileOptions &options() const;

private:
    struct Impl;
    explicit UsageProfile(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::partitioning
