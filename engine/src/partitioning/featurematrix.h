#pragma once

// The form every clustering entry point of this module takes: an Eigen::MatrixXd whose rows are
// the points (one per key) and whose columns are the features (what the usage profile measures).
// Eigen types stay in the module's private headers (engine/src/partitioning/), as the engine's
// rule is that no Eigen type appears in a public header; modules above reach these through
// foresight_partitioning_internal, which carries Eigen's include path.
//
// Distances are plain Euclidean, so features on different scales must be standardized first
// (standardizeColumns() below, or the caller's own scaling); otherwise the widest feature alone
// decides the clusters.

#include <Eigen/Core>

#include "foresight/core/result.h"

namespace foresight::partitioning {

// InvalidArgument naming the first row and column that is NaN or infinite; Ok otherwise (an
// empty matrix included). Every clustering function calls it first: a NaN would silently make
// every comparison false and put the point nowhere.
Status validateFeatures(const Eigen::MatrixXd &points);

// The z-score each column was given: x' = (x - mean) / scale. A column with no spread keeps
// scale 1 (it becomes all zeros rather than dividing by zero), so it plays no part in distances.
struct Standardization
{
    Eigen::RowVectorXd mean;
    Eigen::RowVectorXd scale;

    // The same transform for points that were not part of the fit (e.g. keys added since).
    // Their column count must match; the caller's responsibility, asserted in debug builds.
    void apply(Eigen::MatrixXd &points) const;
};

// Standardizes each column of points in place to mean 0 and (population) standard deviation 1.
// Fails like validateFeatures(); an empty matrix yields an empty transform.
Result<Standardization> standardizeColumns(Eigen::MatrixXd &points);

} // namespace foresight::partitioning
