#pragma once

// DBSCAN (Ester et al. 1996) for density-shaped partitions: groups of any shape (rings, moons)
// that k-means, which cuts space into convex cells around centroids, cannot follow; and points
// in sparse regions left out as noise instead of being forced into the nearest group.
//
// Bounded for millions of keys. Neighbourhoods come from a uniform grid (gridindex.h), and the
// density clustering itself runs on at most maxPoints rows: when there are more, a uniform
// sample of maxPoints rows is clustered, and each other row then takes the cluster of a core
// point of the sample within eps (it is a border point of that cluster, as DBSCAN itself would
// make it), or is noise. Cost: O(m x neighbourhood) to cluster the sample of m rows, quadratic
// in m only when everything lies within eps of everything (hence the bound on m), plus
// O(rows x maxAssignCandidates x features) at worst to place the rest; memory O(rows + m).
//
// Deterministic: rows are visited in order, clusters numbered by their first core point in row
// order, and a border point reached by two clusters belongs to the first (as in the original).

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "foresight/core/result.h"

namespace foresight::partitioning {

inline constexpr int kNoiseLabel = -1;

struct DbscanOptions
{
    double eps = 0.5; // neighbourhood radius, in feature units (standardized features: std devs)
    int minPts = 5;   // a core point has at least this many points within eps, itself included
    // Rows clustered at most; beyond, a sample of this size (see above). With a sample of m out
    // of n rows, a neighbourhood holds m/n of its points, so the sample's core test uses
    // max(2, ceil(minPts x m / n)) (minPts when that is 1): the same density in expectation.
    // Pick minPts >= 2n/m for that to hold exactly at the low end.
    Eigen::Index maxPoints = 20000;
    // Placing a row outside the sample examines at most this many core points of the sample
    // (its own grid cell first) before calling it noise; bounds the pass over millions of rows.
    int maxAssignCandidates = 1024;
    std::uint64_t seed = 0; // draws the sample
};

struct DbscanResult
{
    std::vector<int> labels; // per row: 0..clusterCount-1, or kNoiseLabel
    int clusterCount = 0;
    Eigen::Index sampleSize = 0; // rows the density clustering ran on (all rows when <= maxPoints)
    Eigen::Index corePoints = 0; // core points among them
    int effectiveMinPts = 0;     // the core test used on the sample
};

// InvalidArgument for NaN or infinite features, eps not positive and finite (or too small for
// the features' range), minPts < 1, maxPoints < 1 or maxAssignCandidates < 1. No rows: an
// empty result.
Result<DbscanResult> dbscan(const Eigen::MatrixXd &points, const DbscanOptions &options);

} // namespace foresight::partitioning
