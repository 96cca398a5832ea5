#pragma once

// What a client's mirrors did (issue 21 section 2): exposed by the SDK (MirroredClient::metrics)
// and described field by field in docs/mirrors.md.

#include <array>
#include <cstdint>

#include <QCborMap>

namespace foresight::mirror {

// Why a copy was read again from the source.
enum class RefreshCause : std::uint8_t {
    First,       // the key's first read: the mirror is created
    Expired,     // older than the max age
    Invalidated, // a change event named the key
    Forecast,    // near the key's forecast next change
    Resync,      // events were missed, or every copy was invalidated (failover)
    Requested,   // the reader asked for a fresh read (sdk::Freshness::Source)
};
inline constexpr int kRefreshCauses = 6;
// "first", "expired", "invalidated", "forecast", "resync", "requested"
const char *refreshCauseName(RefreshCause cause);

// Refresh latencies in power-of-two microsecond buckets: bucket i holds [2^i, 2^(i+1)) us
// (bucket 0 also holds 0), the last one everything above.
struct LatencyBuckets
{
    static constexpr int kBuckets = 24;
    std::array<std::int64_t, kBuckets> counts{};
    std::int64_t count = 0;
    std::int64_t sumUs = 0;
    std::int64_t maxUs = 0;

    void add(std::int64_t us);
    // The upper bound of the bucket holding quantile q (0..1); 0 when empty.
    std::int64_t quantileUpperBoundUs(double q) const;
};

struct MirrorMetrics
{
    std::int64_t reads = 0;                               // lookups
    std::int64_t hits = 0;                                // served from a copy: each a poll saved
    std::int64_t sourceReads = 0;                         // not mirrored: excluded, mirrors off, or the key out of sync
    std::int64_t outOfSyncReads = 0;                      // of sourceReads, because the key was out of sync
    std::array<std::int64_t, kRefreshCauses> refreshes{}; // by RefreshCause
    LatencyBuckets refreshLatency;
    std::int64_t hitAgeSumMs = 0; // the copies' ages at the hits, summed: freshness = sum / hits

    // Forecasts: a window opened near a forecast change is right when a refresh inside it found
    // the change (or an event announced it), missed when it closed without.
    std::int64_t forecastWindows = 0;
    std::int64_t forecastsRight = 0;
    std::int64_t forecastsMissed = 0;

    // Stale reads detected: a refresh for age found the key changed, and neither an event nor a
    // forecast had said so: hits since the copy was read may have served the old value.
    std::int64_t unannouncedChanges = 0;

    std::int64_t events = 0;             // change events applied
    std::int64_t eventInvalidations = 0; // copies they invalidated
    std::int64_t missedEvents = 0;       // events skipped in the sequence (or overflowed)
    std::int64_t resyncs = 0;            // times every copy was invalidated
    std::int64_t writesThrough = 0;      // own writes stored as the copy

    std::int64_t refreshCount() const;
    std::int64_t polls() const { return refreshCount() + sourceReads; } // reads that went to the source
    double hitRatio() const { return reads > 0 ? double(hits) / double(reads) : 0.0; }
    double forecastAccuracy() const; // right / (right + missed); 0 with none judged
    double meanHitAgeMs() const { return hits > 0 ? double(hitAgeSumMs) / double(hits) : 0.0; }
};

// The metrics as a client reports them (mirror-report, docs/protocol.md 7.9): "reads", "hits",
// "hit-ratio", "source-reads", "out-of-sync-reads", "refreshes" (a map by refreshCauseName),
// "refresh-p99-us", "refresh-max-us", "mean-hit-age-ms", "forecast-windows", "forecasts-right",
// "forecasts-missed", "forecast-accuracy", "unannounced-changes", "events", "event-invalidations",
// "missed-events", "resyncs", "writes-through".
QCborMap metricsToCbor(const MirrorMetrics &metrics);

} // namespace foresight::mirror
