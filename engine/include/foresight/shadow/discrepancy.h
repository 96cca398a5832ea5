#pragma once

#include <cstdint>
#include <optional>

#include <QJsonObject>
#include <QString>

namespace foresight::shadow {

// How far a shadow is from its primary (seed 11531531's discrepancy), as the primary's replica
// links and the prediction engine report it.
struct Discrepancy
{
    std::int64_t seqGap = -1;         // writes the shadow has not acknowledged; -1: unknown
    std::int64_t lagMs = 0;           // age of the oldest of them
    std::optional<bool> digestAgrees; // its acknowledged digest matched the primary's at that seq
    double divergence = 0;            // the state predictor's divergence for it, 0..1
    std::int64_t sampledWallMs = 0;   // when the engine took these figures
    // Of the writes it has not acknowledged: distinct keys, and the sum of their values' bytes
    // (the primary's lag-keys and lag-bytes); -1: unknown (not measured, or an older agent).
    std::int64_t keysDiffering = -1;
    std::int64_t bytesDiffering = -1;
    bool differingPartial = false; // the two are lower bounds: the primary could not count them all

    bool known() const { return seqGap >= 0; }
    // Ready to take over: known, within maxLag writes of the primary, and no digest disagreement.
    bool swappable(std::int64_t maxLag) const { return known() && seqGap <= maxLag && digestAgrees.value_or(true); }
    // "3 writes behind (12 ms), 2 keys, 180 bytes, digest agrees": for the journal and the operator.
    QString describe() const;
    QJsonObject toJson() const;
};

} // namespace foresight::shadow
