#pragma once

#include <vector>

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/prediction/failurefeatures.h"
#include "foresight/prediction/failurepredictor.h"
#include "foresight/prediction/healthbaseline.h"

namespace foresight::prediction {

// Evaluation of failure prediction on the real server datasets in <datasetsDir>/asd and
// <datasetsDir>/smd (see ../shared/datasets/README.md): the xgboost model and two baselines,
// scored by the same code.
//
// Protocol, per dataset, leave one machine out: for each held-out machine, the model trains on
// the other machines and is scored on the held-out one. Time order is kept: every machine's test
// split is cut at evalFraction; the model, and every threshold, learn only from the rows before
// the cut (the other machines' labelled rows, and every machine's unlabelled train split, which
// precedes its test split), and scoring uses only the held-out machine's rows from the cut on.
// evalFraction = 0 gives the classic leave-one-machine-out (others' whole test splits train,
// the held-out's whole test split is scored), which is not time-ordered across machines.
// Features are computed causally over train split + test split, so the first scored rows have
// history; they never see later rows.
//
// Methods:
//   model           FailurePredictor on FailureFeatureExtractor rows, trained on horizonLabels
//                   (incident under way or starting within `horizon` rows); flags a row when
//                   P >= threshold, the threshold maximising point-wise F1 on the training
//                   rows, scored out of fold (with 4+ training machines: two halves, each scored
//                   by a model trained on the other half; otherwise in-sample).
//   static          a fixed band per metric: [quantile(1-q) - margin, quantile(q) + margin] of
//                   that machine's own train split; a row is flagged when any metric leaves its
//                   band. q and margin are chosen on the training machines (best pooled F1).
//   healthBaseline  HealthBaseline per metric over train + test (causal), the row's score is the
//                   maximum over metrics, flagged at >= a threshold chosen on the training
//                   machines (best pooled F1).
//
// Scoring, on the scored rows of each held-out machine (pooled over machines by summing counts):
//   target rows     withHorizon: rows of an incident and the `horizon` rows before each
//                   incident start (an early warning is a hit); labelsOnly: incident rows only
//                   (the published SMD/ASD convention).
//   point-wise      precision = TP / flagged rows, recall = TP / target rows, F1.
//   point-adjusted  each maximal run of target rows counts as wholly flagged when any row in it
//                   is flagged (OmniAnomaly's adjustment, which inflates the figures).
//   lead time       for an incident segment starting at row s and ending at e (a maximal run of
//                   incident rows), f = the first flagged row in [s - horizon, e]; lead = s - f
//                   rows (> 0: flagged before the incident started; 0: at its first row; < 0:
//                   that many rows late). Segments with no flag in the window are missed and
//                   have no lead. In minutes: rows x stride x the dataset's sample period
//                   (asd 5 min, smd 1 min).

struct FailureEvaluationOptions
{
    QString datasetsDir;                                                   // holds asd/ and smd/
    QStringList datasets = {QStringLiteral("asd"), QStringLiteral("smd")}; // which to run
    int maxMachines = 0;       // per dataset, the first N machines by name; 0: all
    int stride = 1;            // keep every stride-th row (a row is an incident if the kept one is)
    int maxTrainRows = 0;      // keep only the latest N rows of each train split (after stride); 0: all
    double evalFraction = 0.5; // see above; [0, 0.95]
    int horizon = 12;          // rows after stride
    FailureFeatureSettings features;
    // Give each machine's features references (mean, std, 0.1% and 99.9% quantiles) from its own
    // train split, so the model sees levels relative to that machine's normal.
    bool referenceFeatures = true;
    FailurePredictorParams params;
    bool healthBaseline = true; // the slowest part: about O(rows x metrics x referenceHistory)
    HealthBaselineSettings healthSettings;

    Status validate() const;
};

// Point-wise and point-adjusted figures and lead times for one method on a set of rows.
struct DetectionFigures
{
    double threshold = 0.0; // the model's or HealthBaseline's threshold; static: q
    double margin = 0.0;    // static only
    qint64 truePositives = 0;
    qint64 falsePositives = 0;
    qint64 falseNegatives = 0;
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
    double precisionAdjusted = 0.0;
    double recallAdjusted = 0.0;
    double f1Adjusted = 0.0;
    int segments = 0;         // incident segments scored
    int segmentsDetected = 0; // flagged somewhere in [s - horizon, e]
    int segmentsEarly = 0;    // flagged before s
    double meanLeadRows = 0.0;
    double medianLeadRows = 0.0;
    double meanLeadMinutes = 0.0;
    double medianLeadMinutes = 0.0;

    QJsonObject toJson() const;
};

struct MethodFigures
{
    DetectionFigures withHorizon; // early warnings count as hits
    DetectionFigures labelsOnly;  // the published convention
    QJsonObject toJson() const;
};

struct MachineEvaluation
{
    QString machine;
    int scoredRows = 0;
    MethodFigures model;
    MethodFigures staticThreshold;
    MethodFigures healthBaseline; // zero when options.healthBaseline is false
};

struct DatasetEvaluation
{
    QString dataset;            // "asd" or "smd"
    double minutesPerRow = 0.0; // sample period x stride
    int machines = 0;
    int scoredRows = 0;
    // Pooled over every held-out machine (counts summed, leads of every segment together). Each
    // fold chose its own thresholds, so these carry threshold 0: see perMachine for them.
    MethodFigures model;
    MethodFigures staticThreshold;
    MethodFigures healthBaseline;
    QList<MachineEvaluation> perMachine;
    QJsonObject toJson() const;
};

struct FailureEvaluationResult
{
    QList<DatasetEvaluation> datasets;
    double seconds = 0.0; // wall time
    QJsonObject toJson() const;
};

// Runs the evaluation synchronously on the calling thread (minutes on the full data; use
// maxMachines / stride / maxTrainRows for less). NotFound when a dataset directory or file is
// missing, Corruption for a malformed file (naming it and the line), IoError when gzip fails.
Result<FailureEvaluationResult> runFailureEvaluation(const FailureEvaluationOptions &options);

// The scoring used above, for one run of flags (1 = flagged) against per-row incident labels.
// minutesPerRow converts lead rows to minutes. Sizes that differ give all-zero figures.
DetectionFigures scoreDetections(const std::vector<int> &flags,
                                 const std::vector<int> &incident,
                                 int horizon,
                                 double minutesPerRow);

// One machine of a dataset, as read from disk (before stride).
struct MachineData
{
    QString name;
    int metricCount = 0;
    std::vector<std::vector<double>> train;
    std::vector<std::vector<double>> test;
    std::vector<int> testLabels;
};
// The machines of <datasetsDir>/<dataset>, sorted by name (names of the *_train.csv[.gz] files).
Result<QStringList> listMachines(const QString &datasetDir);
// Reads one machine; .csv.gz files are decompressed with `gzip -dc`.
Result<MachineData> loadMachine(const QString &datasetDir, const QString &machine);

} // namespace foresight::prediction
