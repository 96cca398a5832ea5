#include "foresight/partitioning/stalenessimpact.h"

#include <algorithm>
#include <cmath>

namespace foresight::partitioning {

double impactWeight(config::ImpactClass impactClass)
{
    switch (impactClass) {
    case config::ImpactClass::Low:
        return 1;
    case config::ImpactClass::Medium:
        return 4;
    case config::ImpactClass::High:
        return 16;
    case config::ImpactClass::Critical:
        return 64;
    }
    return 1;
}

double frequencyFactor(double accessesPerSecond)
{
    if (!std::isfinite(accessesPerSecond) || accessesPerSecond < 0)
        accessesPerSecond = 0;
    return 1 + std::log2(1 + accessesPerSecond);
}

double stalenessRatio(std::int64_t stalenessMs, int toleratedStalenessMs)
{
    // A tolerance below 1 ms is refused by the configuration; counting it as 1 ms keeps a
    // programming error from dividing by zero.
    return double(std::max<std::int64_t>(stalenessMs, 0)) / double(std::max(toleratedStalenessMs, 1));
}

double stalenessImpactScore(config::ImpactClass impactClass,
                            double accessesPerSecond,
                            std::int64_t stalenessMs,
                            int toleratedStalenessMs)
{
    return impactWeight(impactClass) * frequencyFactor(accessesPerSecond)
           * stalenessRatio(stalenessMs, toleratedStalenessMs);
}

double stalenessCost(config::ImpactClass impactClass, double accessesPerSecond, std::int64_t stalenessMs)
{
    return impactWeight(impactClass) * frequencyFactor(accessesPerSecond)
           * (double(std::max<std::int64_t>(stalenessMs, 0)) / 1000);
}

config::Impact partitionImpact(const config::ImpactFunction &function, const QStringList &keys)
{
    if (keys.isEmpty())
        return config::unmatchedImpact();
    config::Impact strictest = function.classify(keys.first());
    for (qsizetype i = 1; i < keys.size(); ++i) {
        const config::Impact impact = function.classify(keys.at(i));
        if (impact.impactClass > strictest.impactClass) {
            strictest.impactClass = impact.impactClass;
            strictest.rule = impact.rule;
        }
        strictest.toleratedStalenessMs = std::min(strictest.toleratedStalenessMs, impact.toleratedStalenessMs);
    }
    return strictest;
}

} // namespace foresight::partitioning
