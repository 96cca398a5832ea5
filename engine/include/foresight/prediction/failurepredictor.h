#pragma once

#include <memory>
#include <span>
#include <vector>

#include <QByteArray>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/prediction/failurefeatures.h"

namespace foresight::prediction {

// Training labels for "an incident is under way at t or starts within the next horizon rows":
// labels[t] = 1 when incident[t] != 0 or an incident starts at some s with t < s <= t + horizon
// (a start is a row with incident[s] != 0 and incident[s-1] == 0, or s == 0), else 0. incident is
// the per-row ground truth (1 = the host is in an incident). horizon >= 0.
std::vector<float> horizonLabels(std::span<const int> incident, int horizon);

// xgboost training parameters (the names xgboost uses, where there is one).
struct FailurePredictorParams
{
    int rounds = 100;             // boosting rounds, 1 .. 10000
    int maxDepth = 4;             // max_depth, 1 .. 20
    double eta = 0.1;             // learning rate, (0, 1]
    double subsample = 1.0;       // row subsampling per tree, (0, 1]
    double colsampleByTree = 1.0; // colsample_bytree, (0, 1]
    double minChildWeight = 1.0;  // min_child_weight, >= 0
    // scale_pos_weight; 0 means negatives / positives of the training labels (balanced classes).
    double scalePosWeight = 0.0;
    int threads = 1; // nthread; 1 is right for online scoring on 2-core hosts
    int seed = 0;

    Status validate() const;
};

// A binary classifier giving P(incident within the horizon) per feature row: a gradient-boosted
// tree ensemble (xgboost, binary:logistic). xgboost types stay inside the .cpp.
//
// Errors: every xgboost failure becomes an Error whose message names the step and carries
// xgboost's own message (XGBGetLastError). A failed train() or load() leaves the previous model
// in place, still predicting. Missing feature values may be NaN.
//
// Threading: const members (predict, serialize, isTrained, ...) may run concurrently with each
// other; train() and load() must not run concurrently with anything on the same object. They
// build a new booster and swap it in only on success, so a caller that wants to retrain while
// serving can train a copy and swap the objects.
class FailurePredictor final
{
public:
    FailurePredictor();
    ~FailurePredictor();
    FailurePredictor(FailurePredictor &&) noexcept;
    FailurePredictor &operator=(FailurePredictor &&) noexcept;
    FailurePredictor(const FailurePredictor &) = delete;
    FailurePredictor &operator=(const FailurePredictor &) = delete;

    bool isTrained() const;
    // Columns the model was trained on (0 when untrained).
    int featureCount() const;

    // Trains a fresh model on features (rows x columns) and labels (one per row, 0 or 1; NaN
    // rows are left out). InvalidArgument for mismatched sizes, no rows, a single class or bad
    // params; Internal with xgboost's message when xgboost fails.
    Status train(const FeatureMatrix &features, std::span<const float> labels, const FailurePredictorParams &params);

    // P(incident within the horizon) for every row, in [0, 1]. InvalidArgument when untrained or
    // when the column count differs from the training data.
    Result<std::vector<float>> predict(const FeatureMatrix &features) const;
    // The same for one row.
    Result<float> predictRow(std::span<const float> row) const;

    // The model as bytes (xgboost's UBJSON model format), self-contained: load() restores it.
    Result<QByteArray> serialize() const;
    // Replaces the model with one from serialize(). Corruption (naming xgboost's complaint) when
    // the bytes are not a model this build can read; the previous model then stays in place.
    Status load(const QByteArray &bytes);

private:
    struct Model;
    std::shared_ptr<const Model> m_model; // null when untrained
};

} // namespace foresight::prediction
