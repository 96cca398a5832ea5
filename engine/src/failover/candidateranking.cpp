#include "foresight/failover/candidateranking.h"

#include <algorithm>
#include <tuple>

namespace foresight::failover {

namespace {

int tierOrder(Tier tier)
{
    switch (tier) {
    case Tier::Hot:
        return 0;
    case Tier::Warm:
        return 1;
    case Tier::Cold:
        return 2;
    case Tier::None:
        break;
    }
    return 3;
}

QString exclusion(const CandidateFacts &facts)
{
    if (!facts.reachable)
        return QStringLiteral("unreachable (no recent heartbeat)");
    if (!facts.integrityOk)
        return QStringLiteral("integrity check failed: %1").arg(facts.integrityNote);
    if (facts.neverPromote)
        return QStringLiteral("operator flag never-promote");
    if (facts.maintenance)
        return QStringLiteral("host in maintenance");
    if (facts.tier == Tier::None)
        return QStringLiteral("not a replica");
    return {};
}

// The ordering key: smaller is better.
auto orderKey(const RankedCandidate &c)
{
    return std::make_tuple(c.eligible ? 0 : 1,
                           tierOrder(c.facts.tier),
                           c.seqBehind,
                           c.facts.predictedToFail ? 1 : 0,
                           c.facts.shadow ? 0 : 1,
                           -c.facts.priority,
                           c.facts.divergence,
                           c.facts.latencyMs,
                           c.facts.failureRisk,
                           c.facts.agent);
}

} // namespace

QList<RankedCandidate> rankCandidates(const QList<CandidateFacts> &candidates)
{
    std::uint64_t highest = 0;
    for (const CandidateFacts &facts : candidates) {
        if (exclusion(facts).isEmpty())
            highest = std::max(highest, facts.seq);
    }
    QList<RankedCandidate> ranked;
    ranked.reserve(candidates.size());
    for (const CandidateFacts &facts : candidates) {
        RankedCandidate candidate;
        candidate.facts = facts;
        candidate.excludedBecause = exclusion(facts);
        candidate.eligible = candidate.excludedBecause.isEmpty();
        candidate.seqBehind = facts.seq < highest ? highest - facts.seq : 0;
        candidate.terms = {
            {QStringLiteral("tier"), tierName(facts.tier)},
            {QStringLiteral("seq"), QString::number(facts.seq)},
            {QStringLiteral("seq-behind"), QString::number(candidate.seqBehind)},
            {QStringLiteral("predicted-to-fail"), facts.predictedToFail ? QStringLiteral("yes") : QStringLiteral("no")},
            {QStringLiteral("shadow"), facts.shadow ? QStringLiteral("yes") : QStringLiteral("no")},
            {QStringLiteral("priority"), QString::number(facts.priority)},
            {QStringLiteral("divergence"), QString::number(facts.divergence, 'f', 3)},
            {QStringLiteral("latency-ms"), QString::number(facts.latencyMs, 'f', 1)},
            {QStringLiteral("failure-risk"), QString::number(facts.failureRisk, 'f', 3)},
        };
        ranked.append(candidate);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const RankedCandidate &a, const RankedCandidate &b) {
        return orderKey(a) < orderKey(b);
    });
    int rank = 0;
    for (RankedCandidate &candidate : ranked)
        candidate.rank = candidate.eligible ? ++rank : 0;
    return ranked;
}

QString rankReason(const RankedCandidate &first, const RankedCandidate &second)
{
    if (!second.eligible)
        return QStringLiteral("%1 is excluded: %2").arg(second.facts.agent, second.excludedBecause);
    const CandidateFacts &a = first.facts;
    const CandidateFacts &b = second.facts;
    if (tierOrder(a.tier) != tierOrder(b.tier))
        return QStringLiteral("%1 before %2").arg(tierName(a.tier), tierName(b.tier));
    if (first.seqBehind != second.seqBehind)
        return QStringLiteral("%1 seqs ahead").arg(second.seqBehind - first.seqBehind);
    if (a.predictedToFail != b.predictedToFail)
        return QStringLiteral("%1's host is predicted to fail (risk %2)").arg(b.agent).arg(b.failureRisk, 0, 'f', 2);
    if (a.shadow != b.shadow)
        return QStringLiteral("%1 is the application's shadow").arg(a.shadow ? a.agent : b.agent);
    if (a.priority != b.priority)
        return QStringLiteral("operator priority %1 over %2").arg(a.priority).arg(b.priority);
    if (a.divergence != b.divergence)
        return QStringLiteral("divergence %1 below %2").arg(a.divergence, 0, 'f', 3).arg(b.divergence, 0, 'f', 3);
    if (a.latencyMs != b.latencyMs)
        return QStringLiteral("latency %1 ms below %2 ms").arg(a.latencyMs, 0, 'f', 1).arg(b.latencyMs, 0, 'f', 1);
    if (a.failureRisk != b.failureRisk)
        return QStringLiteral("failure risk %1 below %2").arg(a.failureRisk, 0, 'f', 3).arg(b.failureRisk, 0, 'f', 3);
    return QStringLiteral("equal on every term; by name");
}

} // namespace foresight::failover
