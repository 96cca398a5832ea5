#pragma once

#include <cstdint>

#include <QStringList>

#include "foresight/config/impactfunction.h"

// The staleness-impact score of seed 9244993: how much it hurts, right now, that one replica's
// copy of a partition is behind. docs/partitions.md gives the formula with the reasons for each
// term; this header is its one implementation. Pure functions, safe from any thread
// (partitionImpact() with the calling thread's own copy of the ImpactFunction).
namespace foresight::partitioning {

// W: what staleness of a class costs per second (and per unit of staleness ratio). Each class weighs four times the
// one below (low 1, medium 4, high 16, critical 64): a class outranks the one below it unless
// that one is read about a hundred times as often (see frequencyFactor()).
double impactWeight(config::ImpactClass impactClass);

// F = 1 + log2(1 + accesses per second). A key read often exposes its staleness often, so F grows
// with the rate; logarithmically, because a read-heavy low partition must not bury a quiet
// critical one (a thousand reads a second weigh about 11, none weighs 1). Negative or non-finite
// rates count as 0.
double frequencyFactor(double accessesPerSecond);

// R = staleness / tolerated staleness: the time since the replica last held every change of the
// partition, in units of what the application said it tolerates. 1 means "at the limit". R is
// unbounded, so a partition that waits long enough outranks any other: nothing starves.
double stalenessRatio(std::int64_t stalenessMs, int toleratedStalenessMs);

// score = W(class) * F(accesses per second) * R(staleness, tolerated). 0 when nothing is stale.
// How far past what it tolerates a partition is, on one scale for every class: what the views
// show and the tie-break after the cost.
double stalenessImpactScore(config::ImpactClass impactClass,
                            double accessesPerSecond,
                            std::int64_t stalenessMs,
                            int toleratedStalenessMs);

// cost = W(class) * F(accesses per second) * staleness in seconds: what a partition's staleness
// costs, the seed's impact x frequency x staleness. The scheduler ranks by it (the tolerated
// staleness is a deadline there, not a divisor): W x staleness is what the benchmark sums, and a
// divisor of ten minutes for a low class would let it starve for ten minutes behind classes
// far inside their own tolerance. 0 when nothing is stale.
double stalenessCost(config::ImpactClass impactClass, double accessesPerSecond, std::int64_t stalenessMs);

// The impact of a partition made of `keys`: the most severe class among them and the smallest
// tolerated staleness (possibly from different rules): a partition is ranked as one, so it must
// satisfy its strictest key. No keys: the impact of unmatched keys.
config::Impact partitionImpact(const config::ImpactFunction &function, const QStringList &keys);

} // namespace foresight::partitioning
