#pragma once

// Choosing k for k-means, and the whole k-means step for one application's keys.
//
// The criterion is the mean silhouette (Rousseeuw 1987) over k in [kMin, kMax], the largest
// wins (ties: the smaller k). Why the silhouette:
// - it scores one clustering on its own, scale-free, from -1 to 1: no reference datasets to
//   simulate (the gap statistic needs B of them, B times the cost) and no knee to read off a
//   curve (the elbow has no agreed definition and often no visible knee);
// - it says when there is no structure worth partitioning: with kMin = 1, k = 1 is chosen when
//   the best k >= 2 scores below minSilhouette, where inertia-based rules always prefer more
//   clusters. The default, 0.5, is where Kaufman & Rousseeuw's reading puts "a reasonable
//   structure" (0.26-0.50: "weak, could be artificial"). Cutting a single Gaussian cloud into
//   2..8 pieces scores about 0.32 in two features, 0.23 in three and 0.14 in five (measured,
//   1,000 points), so weaker scores are what splitting one group looks like. With one feature
//   it scores 0.56 and the rule cannot tell one group from two; profiles have several.
// Its cost is quadratic in the points scored, so it is computed on a uniform sample of at most
// sampleSize rows (1,000 by default): O(s^2 x features) for the pairwise distances, held once in
// s^2 doubles (8 MB at 1,000), reused for every k, plus k-means on the sample for each k. A
// thousand sampled points hold about ten of a group with 1% of the keys, enough for it to count;
// groups smaller than that are not worth a partition of their own.

#include <cstdint>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "foresight/core/result.h"
#include "kmeans.h"

namespace foresight::partitioning {

struct KSelectionOptions
{
    int kMin = 2;
    int kMax = 8;
    Eigen::Index sampleSize = 1000; // rows scored per k, at most; >= 2
    double minSilhouette = 0.5;     // only consulted when kMin == 1
    // k is ignored; the seed also draws the sample. initialCentroids do not take part in the
    // choice (each k seeds afresh); kMeansAuto() uses them for its final fit (see there).
    KMeansOptions kmeans;
};

struct KSelection
{
    int k = 0;
    // (k, mean silhouette on the sample) for each k tried, ascending k; k = 1 is never scored.
    std::vector<std::pair<int, double>> silhouettes;
    Eigen::Index sampleSize = 0; // rows the choice was made on
};

// The mean silhouette of a labelling: for each point, (b - a) / max(a, b) with a its mean
// distance to the rest of its cluster and b the smallest mean distance to another cluster; 0
// for a point alone in its cluster. Needs at least two clusters (InvalidArgument otherwise), and
// labels.size() == points.rows() with labels in 0..k-1. O(rows^2 x features): call it on samples.
Result<double> meanSilhouette(const Eigen::MatrixXd &points, const std::vector<int> &labels);

// Picks k as described above. Fewer distinct points than kMin: k becomes that count (k-means
// cannot make more). No rows: k 0. InvalidArgument for bad features (NaN, infinite), kMin < 1,
// kMax < kMin, sampleSize < 2, or bad k-means options.
Result<KSelection> chooseK(const Eigen::MatrixXd &points, const KSelectionOptions &options);

struct AutoKMeansOptions
{
    KSelectionOptions selection;
    // Lloyd runs on a uniform sample of at most this many rows; every row is then given its
    // nearest centroid in one pass. 100,000 rows fix centroids to ~0.3% of a cluster's spread,
    // and bound a re-clustering of a million keys to one O(rows x k x features) pass over them.
    Eigen::Index fitSampleSize = 100000; // >= 1
    // selection.kmeans.initialCentroids (e.g. the previous run's centroids) warm-start the
    // final fit when they have as many rows as the chosen k, and are ignored otherwise.
};

struct AutoKMeansResult
{
    KMeansResult clustering; // labels for every row; inertia over every row
    KSelection selection;
    Eigen::Index fitSampleSize = 0; // rows Lloyd ran on
};

// chooseK(), then k-means with that k on the fit sample, then every row to its nearest centroid.
// Deterministic in (points, options). Errors as chooseK(), and fitSampleSize < 1.
// Cost: O(s^2 x f + (kMax - kMin + 1) x restarts x iterations x s x kMax x f) to choose,
// O(restarts x iterations x fitSample x k x f) to fit, O(rows x k x f) to label, with s the
// selection sample and f the features; memory O(s^2 + rows).
Result<AutoKMeansResult> kMeansAuto(const Eigen::MatrixXd &points, const AutoKMeansOptions &options);

} // namespace foresight::partitioning
