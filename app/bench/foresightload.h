#pragma once

#include "foresight/core/result.h"
#include "writeload.h"

namespace foresight::bench {

// Foresight's side of the replication benchmark: one primary agent and one hot replica on
// loopback, spec.writers SDK writers putting spec.valueBytes values, a write counting as acked
// when the primary confirms the hot replica has it. An error means the case could not run; the
// benchmark then says so and prints no Foresight number.
Result<LoadResult> runForesightLoad(const LoadSpec &spec);

} // namespace foresight::bench
