#include "foresight/replication/primarystream.h"

#include <algorithm>
#include <functional>
#include <limits>

#include <QList>

#include "foresight/protocol/codecs.h"
#include "protocol/cborwriter.h"

namespace foresight::replication {

PrimaryStream::PrimaryStream(std::shared_ptr<const BatchPolicy> policy)
    : m_policy(std::move(policy))
{}

ReplicaLink *PrimaryStream::link(const QByteArray &identity)
{
    const auto it = m_links.find(identity);
    return it == m_links.end() ? nullptr : &*it;
}

ReplicaLink &PrimaryStream::addLink(ReplicaLink link)
{
    const QByteArray identity = link.identity;
    return m_links[identity] = std::move(link);
}

bool PrimaryStream::removeLink(const QByteArray &identity)
{
    return m_links.remove(identity) > 0;
}

void PrimaryStream::reset()
{
    m_links.clear();
    m_positions.clear();
}

bool PrimaryStream::append(const state::StateDelta &delta, const state::KeyValueState &state)
{
    m_positions.push_back({delta.seq, state.digest(), state.criticalDigest()});
    while (m_positions.size() > kDigestHistory)
        m_positions.pop_front();

    QByteArray encoded; // once per delta, and only if some link carries it
    bool due = false;
    for (ReplicaLink &link : m_links) {
        if (link.tier == Tier::Cold || !m_policy->carries(link, delta, state))
            continue;
        if (encoded.isEmpty())
            protocol::appendDeltaCbor(encoded, delta);
        link.batch.append(encoded);
        ++link.batchCount;
        link.batchBytes += delta.byteSize();
        due = due || m_policy->flushNow(link);
    }
    return due;
}

QByteArray PrimaryStream::takeBatch(ReplicaLink &link, const QString &app, std::uint64_t epoch, std::uint64_t upto)
{
    // The deltas map of docs/protocol.md, written around the batch's already encoded deltas.
    QByteArray body;
    body.reserve(link.batch.size() + 64);
    protocol::appendHead(body, protocol::CborMajor::Map, 4);
    protocol::appendText(body, QLatin1StringView("app"));
    protocol::appendText(body, app);
    protocol::appendText(body, QLatin1StringView("epoch"));
    protocol::appendUnsigned(body, epoch);
    protocol::appendText(body, QLatin1StringView("upto"));
    protocol::appendUnsigned(body, upto);
    protocol::appendText(body, QLatin1StringView("deltas"));
    protocol::appendHead(body, protocol::CborMajor::Array, quint64(link.batchCount));
    body.append(link.batch);
    clearBatch(link);
    return body;
}

void PrimaryStream::clearBatch(ReplicaLink &link)
{
    link.batch.resize(0); // keeps the buffer for the next batch
    link.batchCount = 0;
    link.batchBytes = 0;
}

std::optional<std::uint64_t> PrimaryStream::durableSeq(int needed) const
{
    QList<std::uint64_t> hotAcks;
    for (const ReplicaLink &link : m_links) {
        if (link.tier == Tier::Hot)
            hotAcks.append(link.ackedSeq);
    }
    if (needed < 1)
        return std::numeric_limits<std::uint64_t>::max(); // no replica required: all of it
    if (hotAcks.size() < needed)
        return std::nullopt;
    std::sort(hotAcks.begin(), hotAcks.end(), std::greater<>());
    return hotAcks[needed - 1];
}

PrimaryStream::HotCoverage PrimaryStream::hotCoverageWithout(const QString &agent) const
{
    HotCoverage coverage;
    for (const ReplicaLink &link : m_links) {
        if (link.agent != agent && link.tier == Tier::Hot) {
            ++coverage.links;
            coverage.highestAckedSeq = std::max(coverage.highestAckedSeq, link.ackedSeq);
        }
    }
    return coverage;
}

bool PrimaryStream::checkDigest(ReplicaLink &link, std::uint64_t seq) const
{
    if (link.tier == Tier::Cold || seq == 0)
        return false;
    const auto position = std::lower_bound(m_positions.begin(),
                                           m_positions.end(),
                                           seq,
                                           [](const Position &p, std::uint64_t s) { return p.seq < s; });
    if (position == m_positions.end() || position->seq != seq)
        return false; // older than the history (or from another epoch's history): nothing to compare with
    state::StateDigest acked;
    if (!state::StateDigest::fromHex(link.ackedDigest, &acked))
        return false;
    const state::StateDigest &expected = link.tier == Tier::Warm ? position->criticalDigest : position->digest;
    const QString note = acked == expected ? QString()
                                           : QStringLiteral("acknowledged digest %1 at seq %2, the primary had %3")
                                                 .arg(link.ackedDigest)
                                                 .arg(seq)
                                                 .arg(expected.toHex());
    const bool fresh = !note.isEmpty() && note != link.integrityNote;
    link.integrityNote = note;
    return fresh;
}

} // namespace foresight::replication
