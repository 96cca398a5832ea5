#pragma once

#include <QString>

#include "benchreport.h"

namespace foresight::bench {

// `foresight-bench predict-failure` (issue 4): the xgboost failure predictor on the shared asd/ and
// smd/ datasets, time-ordered and leave-one-machine-out (prediction/failureevaluation.h), beside
// the two baselines run by the same code: a static threshold per metric and HealthBaseline's
// anomaly score. datasetsDir: --datasets, else FORESIGHT_DATASETS, else ../shared/datasets.
// --quick: asd only, every 4th row.
int runPredictFailureBench(const BenchOptions &options, const QString &datasetsDir);

} // namespace foresight::bench
