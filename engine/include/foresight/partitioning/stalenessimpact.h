#pragma once

#include <cstdint>

#include <QStringList>

#include "foresight/config/impactfunction.h"

// The staleness-impact score of seed 9244993: how much it hurts, right now, that one replica's
// copy of a partition is behind. docs/partitions.md gives the formula with the reasons for each
// term; this header is its one implementation. Pure functions, safe from any thread
// (partitionImpact() with the calling thread's own copy of the ImpactFunction).
namespace foresight::partitioning {

// W: what staleness of a class costs per unit of staleness ratio. Each class weighs four times the
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
double stalenessImpactScore(config::ImpactClass impactClass,
                            double accessesPerSecond,
                            std::int64_t stalenessMs,
                            int toleratedStalenessMs);

// The impact of a partition made of `keys`: the most severe class among them and the smallest
// tolerated staleness (possibly from different rules): a partition is ranked as one, so it must
// satisfy its strictest key. No keys: the impact of unmatched keys.
config::Impact partitionImpact(const config::ImpactFunction &function, const QStringList &keys);

} // namespace foresight::partitioning
