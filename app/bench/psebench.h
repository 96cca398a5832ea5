#pragma once

#include <QString>

#include "benchreport.h"

namespace foresight::bench {

// `foresight-bench pse` (issue 4 part 3): the Predictive State Engine's two model families
// (xgboost on lag features, an online GRU) on application delta traces derived from the shared
// datasets (prediction/deltatracesources.h), held-out and time-ordered
// (prediction/stateevaluation.h), beside the naive baselines run by the same code: last value /
// last interval and linear extrapolation / mean interval. Per application and overall: value MAE
// (normalised, and per key in its own units), change-time MAE, the family picked, training time
// and per-forecast latency. datasetsDir: --datasets, else FORESIGHT_DATASETS, else
// ../shared/datasets. --quick: the first 3,000 deltas of each application.
int runPseBench(const BenchOptions &options, const QString &datasetsDir);

} // namespace foresight::bench
