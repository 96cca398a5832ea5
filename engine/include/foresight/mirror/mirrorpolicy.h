#pragma once

// How a client-side mirror decides that a copy is still good (issue 21; seed 10440145,
// docs/mirrors.md). Times are on the client's monotonic clock, except the forecast's, which the
// agent states on its wall clock and the mirror converts once, when it receives it.

#include <cstdint>

#include <QStringList>

#include "foresight/core/result.h"

namespace foresight::mirror {

struct MirrorPolicy
{
    // Off: every read goes to the source (the per-application flag; FORESIGHT_MIRRORS=off).
    bool enabled = true;
    // Keys under these prefixes are never mirrored (the per-resource flag, for keys whose value
    // changes faster than it is read). "" would match every key; use `enabled` for that.
    QStringList excludedPrefixes;

    // Subscribe to change events where the connection carries them (an agent's unix:// SDK
    // endpoint), with a keep-alive every eventIntervalMs (50 to 60000): three intervals without
    // any event and the feed is taken as lost (copies then live maxAgeMs).
    bool changeEvents = true;
    int eventIntervalMs = 1000;
    // The client reports its metrics to the primary this often (mirror-report), so that the
    // console shows them; 0: never. Otherwise 1000 to 3600000.
    int reportIntervalMs = 5000;

    // A copy with no usable forecast is served for this long after it was read from the source,
    // or for maxAgeWithEventsMs while the client receives change events for it (events are the
    // safety net: a change that was not forecast still invalidates the copy at once).
    std::int64_t maxAgeMs = 1000;
    std::int64_t maxAgeWithEventsMs = 60'000;

    // Predictive refresh. A forecast next change further ahead than the horizon is not acted on
    // (the seed's default horizon is 5 to 15 minutes). Within it, the copy is served until
    // `window` before the forecast change, where window = max(minWindowMs, windowShare x the key's
    // typical interval): the state engine counts a forecast as right within a quarter of that
    // interval, so 0.25 covers the changes it calls right. Inside the window a read refreshes
    // the copy at most every (2 x window / windowProbes) and is served the copy in between,
    // until a refresh finds the change or the window closes. Forecasts less sure than
    // minConfidence are ignored (0: a key with no track record is still forecast).
    std::int64_t horizonMs = 10 * 60 * 1000;
    double windowShare = 0.25;
    std::int64_t minWindowMs = 2;
    int windowProbes = 4;
    double minConfidence = 0.0;

    // Badly out of sync: a key that refreshes keep finding changed (at least volatileChanged of
    // its last volatileWindow refreshes, none of which a forecast or an event announced) is read
    // from the source for bypassMs, then mirrored again.
    int volatileWindow = 8;
    int volatileChanged = 6;
    std::int64_t bypassMs = 10'000;

    // InvalidArgument naming the field when a value is out of range.
    Status validate() const;
    // Whether key is mirrored at all under this policy.
    bool mirrors(const QString &key) const;
};

} // namespace foresight::mirror
