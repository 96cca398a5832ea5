#pragma once

#include <QString>

#include "benchreport.h"

namespace foresight::bench {

// `foresight-bench nab` (issue 4): runs prediction::HealthBaseline with its default settings over
// every series of the Numenta Anomaly Benchmark and scores it with prediction::scoreNabCorpus()
// in all three profiles, beside the published scores of Numenta HTM and ARTime
// (results/final_results.json). As a check of the scorer, the published windowedGaussian output
// is re-scored in the same run and printed beside its published score.
//
// datasetsDir is the folder holding nab/ (or the nab folder itself); empty: $FORESIGHT_DATASETS,
// else ../shared/datasets beside the source tree. Returns 0 when the detector was scored, 1 when
// the corpus could not be read (the output says why).
int runNabBench(const BenchOptions &options, const QString &datasetsDir);

} // namespace foresight::bench
