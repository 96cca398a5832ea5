#pragma once

// A scheduled stream's own measure of its link (docs/partitions.md): bandwidth from the rate at
// which the replica acknowledges bytes, round trip from a batch's sending to its acknowledgement.
// The scheduler sizes batches from these, and the sender keeps about one bandwidth × round trip
// in flight: on a slow link the queue then forms in the backlog, where it can be reordered, and
// not in socket buffers ahead of the critical keys' stream.
//
// Why not the peer prober's figures alone: it measures only when the console asks (`peers`), with
// a padded ping every 30 s, and an idle probe says little about a link already busy with
// replication. The delivery rate is measured on the traffic itself, continuously.
//
// Bandwidth: the bytes acknowledged over the time since the previous acknowledgement (or the
// batch's sending, if later), smoothed (EWMA, 1/4 per sample), taken only when at least
// minSampleMs passed, so that a burst of acknowledgements does not read as an infinite rate.
// Round trip: the smallest sample over the last windowMs (queueing only ever adds to it).
// Not thread-safe; pure (times are passed in).

#include <cstdint>
#include <deque>
#include <optional>

#include <QtGlobal>

#include "foresight/partitioning/syncscheduler.h"

namespace foresight::partitioning {

class DeliveryEstimator final
{
public:
    static constexpr std::int64_t kMinSampleMs = 5;
    static constexpr std::int64_t kRoundTripWindowMs = 10'000;

    void sent(std::uint64_t batch, qsizetype bytes, std::int64_t nowMs);
    // The replica holds every batch up to `batch`.
    void acknowledged(std::uint64_t batch, std::int64_t nowMs);
    // The batches in flight were lost (a reconnection): forgotten, figures kept.
    void reset()
    {
        m_inFlight.clear();
        m_inFlightBytes = 0;
    }

    // Measured figures; 0 where there is no sample yet.
    LinkConditions conditions() const { return {m_bandwidth, double(m_roundTripMs)}; }
    bool measured() const { return m_bandwidth > 0; }
    qsizetype inFlightBytes() const { return m_inFlightBytes; }
    // When the oldest batch still unacknowledged was sent; nullopt when none is.
    std::optional<std::int64_t> oldestInFlightSentMs() const
    {
        return m_inFlight.empty() ? std::nullopt : std::optional<std::int64_t>(m_inFlight.front().sentMs);
    }

private:
    struct InFlight
    {
        std::uint64_t batch = 0;
        qsizetype bytes = 0;
        std::int64_t sentMs = 0;
    };
    std::deque<InFlight> m_inFlight;
    qsizetype m_inFlightBytes = 0;
    qsizetype m_unsampledBytes = 0; // acknowledged since the last bandwidth sample
    std::int64_t m_sampleStartMs = -1;
    double m_bandwidth = 0;
    std::int64_t m_roundTripMs = 0;
    std::deque<std::pair<std::int64_t, std::int64_t>> m_roundTrips; // (when, sample), for the windowed min
};

} // namespace foresight::partitioning
