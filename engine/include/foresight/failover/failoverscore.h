#pragma once

#include <QString>

#include "foresight/config/clusterconfig.h"

namespace foresight::failover {

// The weighted failover score of seed 10601909 for one primary:
//   score = w_h * heartbeat + w_d * divergence + w_i * integrity + w_r * risk, weights normalised
// to sum 1, every term in [0, 1]. heartbeat is 1 once the detector's phi reaches its threshold (0
// below it), divergence is the prediction engine's model divergence of the primary from its
// replicas, integrity is 1 when the primary's digest disagrees with the majority of its hot
// replicas at the same sequence number, risk is the predicted failure risk of the primary's host.
//
// The score decides: ClusterEngine starts an automatic failover of a primary when, and only when,
// this score reaches the threshold (auto-failover, anti-flapping and an eligible candidate may
// still hold it back). It passes phi at its threshold once its investigation has found the
// primary silent (the console suspects it and no replica hears it either), and 0 before, so the
// score it reports is the score that decides. With the default weights the heartbeat term alone
// reaches the threshold (0.6 / 1.1 = 0.55 >= 0.5): a silent primary fails over; the other terms
// together reach 0.45, so they make a failover more certain but never start one against a
// primary that answers. Weights under which the heartbeat term alone stays below the threshold
// make a silent primary wait for corroborating evidence, or for an operator's promote.
struct FailoverScore
{
    double heartbeat = 0;
    double divergence = 0;
    double integrity = 0;
    double risk = 0;
    double score = 0;
    double threshold = 0;

    bool failoverWarranted() const { return score >= threshold; }
    // "0.55 = 0.55*1.00 (heartbeat) + 0.18*0.00 (divergence) + 0.18*0.00 (integrity) + 0.09*0.00
    // (failure risk), threshold 0.50"
    QString explain(const config::FailoverSettings &settings) const;
};

FailoverScore failoverScore(const config::FailoverSettings &settings,
                            double phi,
                            double divergence,
                            bool integrityFailed,
                            double failureRisk = 0);

} // namespace foresight::failover
