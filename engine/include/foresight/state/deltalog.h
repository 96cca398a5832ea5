#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include <QList>

#include "foresight/state/statedelta.h"

namespace foresight::state {

// The most recent deltas of one application, bounded by count and by bytes, so a replica that
// fell behind can catch up without a full snapshot. Oldest deltas are dropped first.
// Not thread-safe: owned by one thread.
class DeltaLog
{
public:
    explicit DeltaLog(qsizetype maxDeltas = 100'000, qsizetype maxBytes = 64 * 1024 * 1024);

    // Deltas must be appended in sequence order without gaps; a gap resets the log.
    void append(const StateDelta &delta);
    void clear();
    void setLimits(qsizetype maxDeltas, qsizetype maxBytes);

    bool isEmpty() const { return m_deltas.empty(); }
    qsizetype count() const { return qsizetype(m_deltas.size()); }
    qsizetype bytes() const { return m_bytes; }
    std::uint64_t firstSeq() const { return m_deltas.empty() ? 0 : m_deltas.front().seq; }
    std::uint64_t lastSeq() const { return m_deltas.empty() ? 0 : m_deltas.back().seq; }

    // True when every delta after seq is in the log (a replica at seq can catch up from it).
    bool coversAfter(std::uint64_t seq) const;
    // The epoch of the delta at seq, if the log holds it.
    std::optional<std::uint64_t> epochAt(std::uint64_t seq) const;
    // Up to maxCount deltas with sequence numbers greater than seq.
    QList<StateDelta> after(std::uint64_t seq, qsizetype maxCount) const;
    // Calls visit(const StateDelta &) for up to maxCount deltas with sequence numbers greater than
    // seq, oldest first, without copying them; returns how many it visited. For figures taken on
    // the agent's thread at status time (replication/unackedfigures.h).
    template<typename Visit>
    qsizetype visitAfter(std::uint64_t seq, qsizetype maxCount, Visit &&visit) const
    {
        if (m_deltas.empty() || seq >= lastSeq())
            return 0;
        const std::uint64_t start = seq + 1 > firstSeq() ? seq + 1 : firstSeq();
        qsizetype visited = 0;
        for (std::size_t i = std::size_t(start - firstSeq()); i < m_deltas.size() && visited < maxCount; ++i, ++visited)
            visit(m_deltas[i]);
        return visited;
    }

private:
    void trim();

    std::deque<StateDelta> m_deltas;
    qsizetype m_maxDeltas;
    qsizetype m_maxBytes;
    qsizetype m_bytes = 0;
};

} // namespace foresight::state
