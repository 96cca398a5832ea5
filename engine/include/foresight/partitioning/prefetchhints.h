#pragma once

// The prefetch hint from the state engine's forecasts (issue 20, section 3): a partition whose
// keys are forecast to change soon is about to be used (a cart is read before it is rewritten, a
// session checked before a write), so the scheduler ships what a warm replica lacks of it first,
// and a promotion finds it current. The other hint, the time-of-day habit, is
// predictedReadWallMs() (partitioner.h). Pure; safe from any thread.

#include <cstdint>
#include <functional>

#include <QHash>
#include <QList>
#include <QString>

#include "foresight/partitioning/partitioner.h"

namespace foresight::partitioning {

// One key's forecast next change, as the state engine makes it (prediction::KeyForecast).
struct ChangeForecast
{
    QString key;
    std::int64_t nextChangeWallMs = 0;
    double confidence = 0; // 0..1: the share of the key's recent forecasts that came true
};

struct ForecastHintOptions
{
    // Forecasts less sure than this are no hint.
    double minConfidence = 0.5;
    // A forecast change this long past that has not happened (the key would have a newer
    // forecast) says nothing any more.
    std::int64_t expiredAfterMs = 10'000;
};

// Per partition (`set.partitionOf(key, classOf(key))`), the earliest forecast change of its keys
// at or after nowWallMs - expiredAfterMs; partitions without one are left out.
QHash<PartitionId, std::int64_t> earliestForecastChanges(
    const PartitionSet &set,
    const QList<ChangeForecast> &forecasts,
    const std::function<config::ImpactClass(const QString &)> &classOf,
    std::int64_t nowWallMs,
    const ForecastHintOptions &options = {});

} // namespace foresight::partitioning
