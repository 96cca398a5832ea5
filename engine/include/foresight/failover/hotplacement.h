#pragma once

#include <cstdint>
#include <optional>

#include <QList>
#include <QString>

#include "foresight/config/clusterconfig.h"
#include "foresight/vocabulary/roles.h"

namespace foresight::failover {

// An agent that holds, or could hold, one of an application's hot replicas, with its measured
// round trip to the application's primary.
struct PlacementCandidate
{
    QString agent;
    double rttMs = 0;
    Tier tier = Tier::None; // what it holds of the application now; None: nothing
};

// Moving the hot replica on `from` to `to`, which held `toTier` of the application before.
struct PlacementMove
{
    QString from;
    double fromRttMs = 0;
    QString to;
    double toRttMs = 0;
    Tier toTier = Tier::None;
};

// Decides, per application, when its hot tier should move to a closer host. Hysteresis, so that
// noise in the measurements never makes tiers oscillate:
//  - a move needs a gain of at least minGainMs and at least minGainRatio of the slower round trip;
//  - the same hot replica must have been worth moving for holdMs without a break (the target is
//    the closest host at the moment of the move, so two near-equal targets do not restart it);
//  - after a move, the application's hot tier stays put for cooldownMs.
// Pure logic on the engine thread; the caller supplies the measurements and carries out the move.
class HotPlacement final
{
public:
    // hot: the current hot replicas, others: the healthy agents that could take the tier, each
    // with a measured round trip (the caller leaves out what it could not measure). Returns the
    // move to make now, if any.
    std::optional<PlacementMove> evaluate(const QList<PlacementCandidate> &hot,
                                          const QList<PlacementCandidate> &others,
                                          std::int64_t nowMs,
                                          const config::TopologySettings &settings);
    // The move evaluate() returned was started: the cool-down runs from now.
    void moved(std::int64_t nowMs);
    // Forget a pending move (the application left the healthy state, a tier is short); why
    // becomes the explanation.
    void reset(const QString &why)
    {
        m_pendingFrom.clear();
        m_explanation = why;
    }

    // Why the tier stays or when it will move, for status.
    QString explanation() const { return m_explanation; }

private:
    QString m_pendingFrom; // the hot replica worth moving, since m_pendingSinceMs
    std::int64_t m_pendingSinceMs = 0;
    std::optional<std::int64_t> m_lastMoveMs;
    QString m_explanation;
};

} // namespace foresight::failover
