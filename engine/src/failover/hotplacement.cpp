#include "foresight/failover/hotplacement.h"

#include <algorithm>

namespace foresight::failover {

namespace {

QString ms(double value)
{
    return QString::number(value, 'f', value < 10 ? 2 : 1);
}

} // namespace

std::optional<PlacementMove> HotPlacement::evaluate(const QList<PlacementCandidate> &hot,
                                                    const QList<PlacementCandidate> &others,
                                                    std::int64_t nowMs,
                                                    const config::TopologySettings &settings)
{
    if (!settings.rebalanceHot) {
        m_pendingFrom.clear();
        m_explanation = QStringLiteral("hot-tier rebalancing is off (topology.rebalance-hot)");
        return std::nullopt;
    }
    if (hot.isEmpty() || others.isEmpty()) {
        m_pendingFrom.clear();
        m_explanation = hot.isEmpty() ? QStringLiteral("no measured hot replica")
                                      : QStringLiteral("no other healthy host with a measured link to the primary");
        return std::nullopt;
    }
    const auto byRtt = [](const PlacementCandidate &a, const PlacementCandidate &b) {
        return a.rttMs != b.rttMs ? a.rttMs < b.rttMs : a.agent < b.agent;
    };
    const PlacementCandidate slowest = *std::max_element(hot.cbegin(), hot.cend(), byRtt);
    const PlacementCandidate closest = *std::min_element(others.cbegin(), others.cend(), byRtt);
    const double gain = slowest.rttMs - closest.rttMs;
    const double needed = std::max(settings.minGainMs, settings.minGainRatio * slowest.rttMs);
    if (gain < needed) {
        m_pendingFrom.clear();
        m_explanation = gain <= 0 ? QStringLiteral("hot replicas are on the closest hosts (slowest: %1, %2 ms)")
                                        .arg(slowest.agent, ms(slowest.rttMs))
                                  : QStringLiteral("%1 is %2 ms closer than %3: below the %4 ms a move needs")
                                        .arg(closest.agent, ms(gain), slowest.agent, ms(needed));
        return std::nullopt;
    }
    if (m_pendingFrom != slowest.agent) {
        m_pendingFrom = slowest.agent;
        m_pendingSinceMs = nowMs;
    }
    const std::int64_t heldMs = nowMs - m_pendingSinceMs;
    const std::int64_t coolingMs = m_lastMoveMs ? settings.cooldownMs - (nowMs - *m_lastMoveMs) : 0;
    if (heldMs < settings.holdMs || coolingMs > 0) {
        const std::int64_t waitMs = std::max<std::int64_t>(settings.holdMs - heldMs, coolingMs);
        m_explanation = QStringLiteral("%1 is %2 ms closer to the primary than %3 (%4 vs %5 ms): moving the hot "
                                       "replica in %6 s if that holds%7")
                            .arg(closest.agent, ms(gain), slowest.agent, ms(closest.rttMs), ms(slowest.rttMs))
                            .arg((waitMs + 999) / 1000)
                            .arg(coolingMs > 0 ? QStringLiteral(" (cooling down after the last move)") : QString());
        return std::nullopt;
    }
    m_explanation = QStringLiteral("moving the hot replica from %1 (%2 ms) to %3 (%4 ms)")
                        .arg(slowest.agent, ms(slowest.rttMs), closest.agent, ms(closest.rttMs));
    return PlacementMove{slowest.agent, slowest.rttMs, closest.agent, closest.rttMs, closest.tier};
}

void HotPlacement::moved(std::int64_t nowMs)
{
    m_lastMoveMs = nowMs;
    m_pendingFrom.clear();
}

} // namespace foresight::failover
