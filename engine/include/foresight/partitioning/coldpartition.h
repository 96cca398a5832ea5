#pragma once

// The cold-partition rule (issue 20, section 2): keys used less often than a threshold go to one
// dedicated cold partition (kColdPartitionId) instead of being clustered. Rarely used keys are
// usually the bulk of an application's keys, carry little signal in their usage features (a few
// accesses say nothing about a pattern), and would otherwise pull the clustering towards one
// big low-activity blob; they also all want the same treatment: synchronized last.
//
// What "frequency" means (accesses per second over the profile's window, or per window) is the
// usage profile's choice; this rule only compares. Pure; any thread.

#include <span>
#include <vector>

#include <QtGlobal>

#include "foresight/core/result.h"

namespace foresight::partitioning {

struct ColdSplit
{
    std::vector<qsizetype> active; // indices of keys to cluster, ascending
    std::vector<qsizetype> cold;   // indices of keys for the cold partition, ascending
};

// Splits key indices 0..n-1 by accessFrequency[i] < threshold (cold) or not (active). A
// threshold of 0 makes nothing cold. InvalidArgument naming the first key index whose frequency
// is NaN, infinite or negative, or when the threshold is NaN, infinite or negative.
Result<ColdSplit> splitCold(std::span<const double> accessFrequency, double threshold);

} // namespace foresight::partitioning
