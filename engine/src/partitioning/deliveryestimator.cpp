#include "foresight/partitioning/deliveryestimator.h"

#include <algorithm>

namespace foresight::partitioning {

void DeliveryEstimator::sent(std::uint64_t batch, qsizetype bytes, std::int64_t nowMs)
{
    if (m_inFlight.empty() && m_unsampledBytes == 0)
        m_sampleStartMs = nowMs; // the link was idle: time starts when it has something to carry
    m_inFlight.push_back({batch, bytes, nowMs});
    m_inFlightBytes += bytes;
}

void DeliveryEstimator::acknowledged(std::uint64_t batch, std::int64_t nowMs)
{
    std::int64_t newestSentMs = -1;
    while (!m_inFlight.empty() && m_inFlight.front().batch <= batch) {
        m_unsampledBytes += m_inFlight.front().bytes;
        m_inFlightBytes -= m_inFlight.front().bytes;
        newestSentMs = m_inFlight.front().sentMs;
        m_inFlight.pop_front();
    }
    if (newestSentMs < 0)
        return; // nothing new acknowledged
    m_roundTrips.emplace_back(nowMs, nowMs - newestSentMs);
    while (!m_roundTrips.empty() && nowMs - m_roundTrips.front().first > kRoundTripWindowMs)
        m_roundTrips.pop_front();
    m_roundTripMs = std::min_element(m_roundTrips.begin(), m_roundTrips.end(), [](const auto &a, const auto &b) {
                        return a.second < b.second;
                    })->second;

    const std::int64_t elapsed = nowMs - m_sampleStartMs;
    if (elapsed < kMinSampleMs)
        return; // too short to tell a rate from a burst: the bytes count in the next sample
    const double sample = double(m_unsampledBytes) * 1000.0 / double(elapsed);
    m_bandwidth = m_bandwidth > 0 ? 0.75 * m_bandwidth + 0.25 * sample : sample;
    m_unsampledBytes = 0;
    // The next sample runs from now, or from the next sending if nothing is left in flight.
    m_sampleStartMs = nowMs;
}

} // namespace foresight::partitioning
