#include "foresight/replication/unackedfigures.h"

#include <QSet>
#include <QString>

namespace foresight::replication {

UnackedFigures unackedFigures(const ReplicaLink &link,
                              const state::DeltaLog &log,
                              const state::KeyValueState &state,
                              const BatchPolicy &policy,
                              qsizetype scanLimit)
{
    UnackedFigures figures;
    if (state.seq() <= link.ackedSeq)
        return figures;
    const bool streamed = link.tier == Tier::Hot || link.tier == Tier::Warm;
    QSet<QString> keys;
    const qsizetype visited = log.visitAfter(link.ackedSeq, scanLimit, [&](const state::StateDelta &delta) {
        if (streamed && !policy.carries(link, delta, state))
            return;
        keys.insert(delta.key);
        figures.valueBytes += delta.value.size();
    });
    figures.keys = keys.size();
    // Every position between the acknowledgement and the state's must have been looked at: fewer
    // when the scan stopped at its limit or the log had dropped the oldest of them.
    figures.partial = std::uint64_t(visited) < state.seq() - link.ackedSeq;
    return figures;
}

} // namespace foresight::replication
