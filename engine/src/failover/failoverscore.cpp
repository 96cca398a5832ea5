#include "foresight/failover/failoverscore.h"

#include <algorithm>

namespace foresight::failover {

namespace {
double weightSum(const config::FailoverSettings &settings)
{
    return settings.weightHeartbeat + settings.weightDivergence + settings.weightIntegrity + settings.weightRisk;
}
} // namespace

FailoverScore failoverScore(
    const config::FailoverSettings &settings, double phi, double divergence, bool integrityFailed, double failureRisk)
{
    FailoverScore result;
    // Binary, as the seed's "heartbeat status": a phi just under the threshold is no evidence of
    // failure, and must not let divergence or integrity tip a live primary over by itself.
    result.heartbeat = phi >= settings.phiThreshold ? 1.0 : 0.0;
    result.divergence = std::clamp(divergence, 0.0, 1.0);
    result.integrity = integrityFailed ? 1.0 : 0.0;
    result.risk = std::clamp(failureRisk, 0.0, 1.0);
    const double sum = weightSum(settings);
    if (sum > 0) {
        result.score = (settings.weightHeartbeat * result.heartbeat + settings.weightDivergence * result.divergence
                        + settings.weightIntegrity * result.integrity + settings.weightRisk * result.risk)
                       / sum;
    }
    result.threshold = settings.scoreThreshold;
    return result;
}

QString FailoverScore::explain(const config::FailoverSettings &settings) const
{
    const double sum = weightSum(settings) > 0 ? weightSum(settings) : 1.0;
    return QStringLiteral(
               "%1 = %2*%3 (heartbeat) + %4*%5 (divergence) + %6*%7 (integrity) + %8*%9 (failure risk), threshold %10")
        .arg(score, 0, 'f', 2)
        .arg(settings.weightHeartbeat / sum, 0, 'f', 2)
        .arg(heartbeat, 0, 'f', 2)
        .arg(settings.weightDivergence / sum, 0, 'f', 2)
        .arg(divergence, 0, 'f', 2)
        .arg(settings.weightIntegrity / sum, 0, 'f', 2)
        .arg(integrity, 0, 'f', 2)
        .arg(settings.weightRisk / sum, 0, 'f', 2)
        .arg(risk, 0, 'f', 2)
        .arg(threshold, 0, 'f', 2);
}

} // namespace foresight::failover
