#include "foresight/prediction/forecastdivergence.h"

#include <algorithm>
#include <cmath>

namespace foresight::prediction {

namespace {

// Distance in units of scale, capped at 1. A zero scale (the key never moved) makes any
// difference a full one and equality none.
double scaled(double a, double b, double scale)
{
    const double difference = std::abs(a - b);
    if (difference == 0)
        return 0;
    if (!(scale > 0))
        return 1;
    return std::min(1.0, difference / scale);
}

} // namespace

double keyDivergence(const KeyForecast &primary, const std::optional<KeyForecast> &replica)
{
    const bool hasTime = primary.nextChangeMs.has_value();
    const bool hasValue = primary.nextValue.has_value();
    if (!hasTime && !hasValue)
        return 0;
    if (!replica || replica->basedOnSeq != primary.basedOnSeq)
        return 1;
    double sum = 0;
    int parts = 0;
    if (hasTime) {
        sum += replica->nextChangeMs
                   ? scaled(double(*primary.nextChangeMs), double(*replica->nextChangeMs), primary.typicalIntervalMs)
                   : 1.0;
        ++parts;
    }
    if (hasValue) {
        sum += replica->nextValue ? scaled(*primary.nextValue, *replica->nextValue, primary.typicalChange) : 1.0;
        ++parts;
    }
    return sum / parts;
}

bool predictionRight(double predicted, double actual, double typicalChange)
{
    const double tolerance = typicalChange > 0 ? typicalChange / 2 : 0;
    return std::abs(predicted - actual) <= tolerance;
}

} // namespace foresight::prediction
