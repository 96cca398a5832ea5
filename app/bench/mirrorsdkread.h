#pragma once

#include <cstdint>
#include <vector>

#include <QString>

#include "foresight/core/result.h"

// The product's own read path for `foresight-bench mirror`: sdk::MirroredClient against a real
// foresight-agent over unix:// with change events flowing, timed read by read: reads served from
// the mirror, and reads from the primary (Freshness::Source) as the baseline, in the same run.
namespace foresight::bench {

struct SdkMirrorReads
{
    std::vector<std::int64_t> mirrorNs; // each read served from a copy
    std::vector<std::int64_t> sourceNs; // each read from the primary
    std::int64_t notFromMirror = 0;     // mirror reads that went to the primary after all
    bool eventsLive = false;
    QString eventsError;
};

Result<SdkMirrorReads> measureSdkMirrorReads(int keys, int mirrorReads, int sourceReads);

} // namespace foresight::bench
