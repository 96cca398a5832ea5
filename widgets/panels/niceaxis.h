#pragma once

#include <cmath>

namespace foresight::widgets {

// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least value (at least 10): the top
// of a chart's value axis that does not change with every sample.
inline double niceAxisMax(double value)
{
    if (!(value > 10))
        return 10;
    const double power = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (step * power >= value)
            return step * power;
    }
    return 10 * power;
}

} // namespace foresight::widgets
