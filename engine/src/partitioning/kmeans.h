#pragma once

// K-means with a fixed k: k-means++ seeding, then Lloyd iterations. Pure and deterministic: the
// same points and options give the same labels, bit for bit. Every call owns its state, so calls
// may run concurrently on different threads.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "foresight/core/result.h"

namespace foresight::partitioning {

struct KMeansOptions
{
    int k = 2;
    // Lloyd's iterations per run; a run that has not converged by then keeps what it has.
    int maxIterations = 100;
    // A run has converged when no centroid moved farther than this in an iteration (in feature
    // units: with standardized features, 1e-6 standard deviations), or when no label changed.
    double tolerance = 1e-6;
    // Independent k-means++ starts; the run with the lowest inertia wins. Lloyd only finds a
    // local optimum, and a few seeds make an unlucky start (two seeds in one blob) unlikely.
    int restarts = 3;
    std::uint64_t seed = 0;
    // Optional warm start, k rows x features: the first run starts from these centroids instead
    // of k-means++ (the other restarts still seed afresh; the lowest inertia wins). Re-clustering
    // from the previous partitions' centroids converges in fewer iterations and tends to land on
    // the same local optimum, which keeps partitions (and their identities) steadier.
    Eigen::MatrixXd initialCentroids;
};

struct KMeansResult
{
    std::vector<int> labels;   // per row of points: its cluster, 0..k-1
    Eigen::MatrixXd centroids; // k x features
    double inertia = 0;        // sum over rows of the squared distance to its centroid
    int k = 0;                 // clusters made: options.k, or fewer when there are fewer distinct points
    int iterations = 0;        // Lloyd iterations of the kept run
    bool converged = false;    // the kept run met the tolerance within maxIterations
};

// Clusters the rows of points (features standardized by the caller; see featurematrix.h).
//
// - No rows: an empty result (k 0), not an error: an application without keys has no partitions.
// - Fewer distinct points than k (duplicates, a single point): one cluster per distinct point,
//   and result.k says how many; k-means++ cannot place two seeds on one point, and an empty
//   cluster is no partition.
// - A cluster that empties during Lloyd is re-seeded at the point farthest from its centroid, so
//   every returned cluster has at least one member.
// InvalidArgument for NaN or infinite features, k < 1, maxIterations < 1, restarts < 1, a
// negative tolerance, or initialCentroids that are not k x features or not finite.
//
// Cost: O(restarts x (k + iterations) x rows x k x features) time, O(rows) memory besides the
// result. For millions of rows, fit on a sample and assignToNearest() the rest (kselection.h
// does both).
Result<KMeansResult> kMeans(const Eigen::MatrixXd &points, const KMeansOptions &options);

// The nearest centroid of each row (ties: the lower index), and in *inertia, when given, the
// sum of squared distances to it. One pass, O(rows x k x features). points and centroids must
// have the same number of columns, and centroids at least one row (asserted in debug builds).
std::vector<int> assignToNearest(const Eigen::MatrixXd &points,
                                 const Eigen::MatrixXd &centroids,
                                 double *inertia = nullptr);

} // namespace foresight::partitioning
