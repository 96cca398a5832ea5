#pragma once

#include <optional>

#include <QCoreApplication>
#include <QString>

#include "foresight/failover/clustersnapshot.h"

namespace foresight::widgets {

// What a promotion or a switchover onto one replica means for the application's staleness
// partitions (issue 20, section 4), for the command confirmations: how much critical state the
// replica lacks and which partitions it does not hold at all. Pure functions of a snapshot's
// AppView; the sentence is translated (GUI thread).
class StalenessSummary final
{
    Q_DECLARE_TR_FUNCTIONS(foresight::widgets::StalenessSummary)

public:
    // A promotion takes the replica as it is (what it lacks is lost); a switchover, and a shadow's
    // swap built on it, waits until the replica holds everything the primary has.
    enum class Action { Promote, Switchover };

    struct Figures
    {
        Tier tier = Tier::None;
        bool shadow = false; // the application's shadow
        // The largest staleness among the critical partitions it holds; nullopt when it holds no
        // critical partition.
        std::optional<qint64> criticalStalenessMs;
        int criticalHeld = 0;
        // The partitions it does not hold (a warm replica: every one but the critical ones).
        int notHeld = 0;
        qint64 notHeldKeys = 0;
        qint64 notHeldBytes = 0;
    };

    // nullopt when the primary has not reported partitions, or they do not list the agent.
    static std::optional<Figures> figures(const failover::AppView &app, const QString &agent);

    // One sentence for the confirmation, e.g. "Promoting this warm replica loses at most 1.2 s of
    // critical state; it does not hold 3 partitions (12,400 keys, 3.0 MiB)."; empty when
    // figures() has none.
    static QString sentence(const failover::AppView &app, const QString &agent, Action action);
};

} // namespace foresight::widgets
