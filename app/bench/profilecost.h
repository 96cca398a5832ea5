#pragma once

#include <optional>

#include "benchreport.h"

namespace foresight::bench {

// The usage profile's own cost per access (partitioning::UsageProfile::record(), issue 20),
// measured in-process on the replication benchmark's workload: 16 clients writing 10,000 keys
// each in turns, 160,000 distinct keys against a 4,096-key table, so no access finds its key
// tracked (about a third evict one and admit another, the rest are only sketched). Prints the
// nanoseconds per access and, given the
// write path's acknowledged writes per second from the same run, that cost as a share of one
// write's time (target: under 5%).
void runUsageProfileCost(const QString &bench, const BenchOptions &options, std::optional<double> writesPerSecond);

} // namespace foresight::bench
