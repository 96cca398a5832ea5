#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <QString>

#include "foresight/core/result.h"

namespace foresight::prediction {

// The Numenta Anomaly Benchmark's scoring (NAB v1.1, numenta/NAB at ea702d75: nab/sweeper.py,
// nab/optimizer.py, nab/runner.py), reimplemented so that the same numbers come out:
//
//  - The first P = min(floor(0.15 N), 750) rows of a file of N rows are a probation period; they
//    are never scored (neither detection nor miss).
//  - Scaled sigmoid S(y) = -1 if y > 3, else 2 / (1 + e^(5y)) - 1.
//  - Row weights: a row i inside window [L, R] (width w = R - L + 1) weighs
//    A_TP S(-(R - i + 1) / w) / S(-1); a row after a window that ended at R' (width w') weighs
//    A_FP S(|i - R'| / (w' - 1)); a row before the first window weighs -A_FP.
//  - A row is a detection when its anomaly score >= the threshold. Each window that has at least
//    one row after probation adds the weight of its earliest detection, or -A_FN with none; every
//    detection outside windows adds its (negative) weight.
//  - One threshold per detector and profile: the one with the best raw score summed over the
//    corpus (on ties the higher threshold, as NAB's stable sort picks), among "nothing detected"
//    and every distinct anomaly score.
//  - Normalized = 100 (raw - null) / (perfect - null), perfect = windows * A_TP, null = the raw
//    score of a detector that detects nothing (-A_FN for each window with a row after probation;
//    -windows * A_FN on the NAB corpus).
//
// Everything here is a pure function of its arguments: no I/O, no global state, safe to call
// from any thread. Loading the corpus from disk is nabcorpus.h's job.

// One scoring profile of config/profiles.json.
struct NabProfile
{
    QString name;
    double tpWeight = 1.0;  // A_TP
    double fnWeight = 1.0;  // A_FN
    double fpWeight = 0.11; // A_FP
};

// NAB's three published profiles, as config/profiles.json defines them.
std::vector<NabProfile> nabStandardProfiles();

// A labelled anomaly window as 0-based row indices, both ends inclusive.
struct NabWindow
{
    int first = 0;
    int last = 0;
};

// Row count and windows of one data file. Windows must be sorted, non-overlapping and inside
// [0, rowCount); validateNabLabels() says which rule a set breaks.
struct NabLabels
{
    int rowCount = 0;
    std::vector<NabWindow> windows;
};

// InvalidArgument naming the first window that is empty, out of range, unsorted or overlapping.
Status validateNabLabels(const NabLabels &labels);

// min(floor(0.15 rowCount), 750): the rows at the start of a file that are not scored.
int nabProbationLength(int rowCount);

// NAB's scaled sigmoid: -1 for y > 3, else 2 / (1 + e^(5y)) - 1.
double nabScaledSigmoid(double y);

// The weight every row would add as a detection (NAB's sweeper's sweepScore; computed for
// probation rows too, which are then not scored). A window
// of width 1 followed by rows outside windows would divide by zero in NAB; here those rows weigh
// -A_FP, as if far from any window. labels must pass validateNabLabels().
std::vector<double> nabRowWeights(const NabLabels &labels, const NabProfile &profile);

// Row counts after probation at one threshold, as NAB's scores files report them.
struct NabCounts
{
    std::int64_t truePositives = 0;  // detections inside windows
    std::int64_t trueNegatives = 0;  // rows outside windows not detected
    std::int64_t falsePositives = 0; // detections outside windows
    std::int64_t falseNegatives = 0; // rows inside windows not detected
};

// One file of a detector's output: its labels and one anomaly score per row (finite; NAB's
// detectors report [0, 1]). The span must outlive the call that receives it.
struct NabFileScores
{
    const NabLabels *labels = nullptr;
    std::span<const double> anomalyScores;
};

struct NabFileResult
{
    double score = 0.0; // raw score of the file at the threshold
    NabCounts counts;
    // Each row's part of score, as NAB writes it to the S(t)_<profile> column of a results file:
    // a window's part (its earliest detection's weight, or -A_FN) on the window's first row, a
    // detection outside windows its weight on its own row, 0 everywhere else. Sums to score.
    std::vector<double> rowScores;
};

// The raw score of one file with detections = rows whose anomaly score >= threshold.
// InvalidArgument when the score count differs from labels.rowCount or a score is not finite.
Result<NabFileResult> scoreNabFile(const NabFileScores &file, const NabProfile &profile, double threshold);

struct NabCorpusResult
{
    QString profile;
    double threshold = 0.0;       // the best threshold over the corpus
    double rawScore = 0.0;        // sum of the files' raw scores at that threshold
    double perfectScore = 0.0;    // windows * A_TP
    double nullScore = 0.0;       // nothing detected
    double normalizedScore = 0.0; // 100 (raw - null) / (perfect - null); 0 for a corpus without windows
    NabCounts counts;
    std::vector<NabFileResult> files; // in the order given
};

// Chooses the best threshold over all files (O(rows log rows)), then scores every file at it,
// as NAB's optimize and score steps do. InvalidArgument as scoreNabFile(), naming the file's
// position in the list.
Result<NabCorpusResult> scoreNabCorpus(std::span<const NabFileScores> files, const NabProfile &profile);

} // namespace foresight::prediction
