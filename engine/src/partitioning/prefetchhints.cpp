#include "foresight/partitioning/prefetchhints.h"

#include <algorithm>

namespace foresight::partitioning {

QHash<PartitionId, std::int64_t> earliestForecastChanges(
    const PartitionSet &set,
    const QList<ChangeForecast> &forecasts,
    const std::function<config::ImpactClass(const QString &)> &classOf,
    std::int64_t nowWallMs,
    const ForecastHintOptions &options)
{
    QHash<PartitionId, std::int64_t> earliest;
    for (const ChangeForecast &forecast : forecasts) {
        if (forecast.confidence < options.minConfidence
            || forecast.nextChangeWallMs < nowWallMs - options.expiredAfterMs)
            continue;
        const PartitionId partition = set.partitionOf(forecast.key, classOf(forecast.key));
        const auto it = earliest.find(partition);
        if (it == earliest.end())
            earliest.insert(partition, forecast.nextChangeWallMs);
        else
            *it = std::min(*it, forecast.nextChangeWallMs);
    }
    return earliest;
}

} // namespace foresight::partitioning
