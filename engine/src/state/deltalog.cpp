#include "foresight/state/deltalog.h"

namespace foresight::state {

DeltaLog::DeltaLog(qsizetype maxDeltas, qsizetype maxBytes)
    : m_maxDeltas(qMax<qsizetype>(1, maxDeltas))
    , m_maxBytes(qMax<qsizetype>(1, maxBytes))
{}

void DeltaLog::append(const StateDelta &delta)
{
    // A gap means the caller restored a snapshot: the old tail no longer leads to this delta.
    if (!m_deltas.empty() && delta.seq != m_deltas.back().seq + 1)
        clear();
    m_bytes += delta.byteSize();
    m_deltas.push_back(delta);
    trim();
}

void DeltaLog::clear()
{
    m_deltas.clear();
    m_bytes = 0;
}

void DeltaLog::setLimits(qsizetype maxDeltas, qsizetype maxBytes)
{
    m_maxDeltas = qMax<qsizetype>(1, maxDeltas);
    m_maxBytes = qMax<qsizetype>(1, maxBytes);
    trim();
}

bool DeltaLog::coversAfter(std::uint64_t seq) const
{
    if (m_deltas.empty())
        return false;
    return seq + 1 >= firstSeq() && seq <= lastSeq();
}

std::optional<std::uint64_t> DeltaLog::epochAt(std::uint64_t seq) const
{
    if (m_deltas.empty() || seq < firstSeq() || seq > lastSeq())
        return std::nullopt;
    return m_deltas[std::size_t(seq - firstSeq())].epoch;
}

QList<StateDelta> DeltaLog::after(std::uint64_t seq, qsizetype maxCount) const
{
    QList<StateDelta> out;
    if (m_deltas.empty() || seq >= lastSeq())
        return out;
    const std::uint64_t start = qMax(seq + 1, firstSeq());
    for (std::size_t i = std::size_t(start - firstSeq()); i < m_deltas.size() && out.size() < maxCount; ++i)
        out.append(m_deltas[i]);
    return out;
}

void DeltaLog::trim()
{
    while (m_deltas.size() > 1 && (qsizetype(m_deltas.size()) > m_maxDeltas || m_bytes > m_maxBytes)) {
        m_bytes -= m_deltas.front().byteSize();
        m_deltas.pop_front();
    }
}

} // namespace foresight::state
