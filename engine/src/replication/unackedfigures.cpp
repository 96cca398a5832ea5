#include "foresight/replication/unackedfigures.h"

#include <algorithm>
#include <vector>

#include <QHash>
#include <QString>

namespace foresight::replication {

UnackedFigures unackedFigures(const ReplicaLink &link,
                              const state::DeltaLog &log,
                              const state::KeyValueState &state,
                              const BatchPolicy &policy,
                              qsizetype scanLimit)
{
    UnackedFigures figures;
    if (state.seq() <= link.ackedSeq || (link.tier != Tier::Hot && link.tier != Tier::Warm))
        return figures;
    // Distinct keys counted by their 64-bit hashes, sorted: a third of the time of a QSet of the
    // keys themselves (no node per key, no string copies). Two different keys among at most
    // scanLimit sharing a hash, which would undercount by one, is about as likely as 1 in 10^12.
    std::vector<size_t> hashes;
    hashes.reserve(std::size_t(qMin<std::uint64_t>(state.seq() - link.ackedSeq, std::uint64_t(scanLimit))));
    const qsizetype visited = log.visitAfter(link.ackedSeq, scanLimit, [&](const state::StateDelta &delta) {
        if (!policy.carries(link, delta, state))
            return;
        hashes.push_back(qHash(delta.key));
        figures.valueBytes += delta.value.size();
    });
    std::sort(hashes.begin(), hashes.end());
    figures.keys = std::int64_t(std::unique(hashes.begin(), hashes.end()) - hashes.begin());
    // Every position between the acknowledgement and the state's must have been looked at: fewer
    // when the scan stopped at its limit or the log had dropped the oldest of them.
    figures.partial = std::uint64_t(visited) < state.seq() - link.ackedSeq;
    return figures;
}

} // namespace foresight::replication
