#include "foresight/partitioning/coldpartition.h"

#include <cmath>

#include <QString>

namespace foresight::partitioning {

Result<ColdSplit> splitCold(std::span<const double> accessFrequency, double threshold)
{
    if (!std::isfinite(threshold) || threshold < 0) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the cold threshold must be a finite frequency >= 0, got %1").arg(threshold));
    }
    ColdSplit split;
    for (std::size_t i = 0; i < accessFrequency.size(); ++i) {
        const double frequency = accessFrequency[i];
        if (!std::isfinite(frequency) || frequency < 0) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("key %1 has access frequency %2: frequencies must be finite and >= 0")
                            .arg(i)
                            .arg(frequency));
        }
        (frequency < threshold ? split.cold : split.active).push_back(static_cast<qsizetype>(i));
    }
    return split;
}

} // namespace foresight::partitioning
