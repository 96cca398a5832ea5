#include "kselection.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "featurematrix.h"
#include "sampling.h"

namespace foresight::partitioning {
namespace {

using Eigen::Index;

// A seed for the sample draw that differs from the k-means seed, so that sampling and seeding
// are not the same random sequence (splitmix64's increment).
constexpr std::uint64_t kSampleSalt = 0x9e3779b97f4a7c15ULL;

Eigen::MatrixXd pairwiseDistances(const Eigen::MatrixXd &points)
{
    const Index n = points.rows();
    Eigen::MatrixXd distances(n, n);
    for (Index i = 0; i < n; ++i) {
        distances(i, i) = 0;
        for (Index j = i + 1; j < n; ++j) {
            const double d = (points.row(i) - points.row(j)).norm();
            distances(i, j) = d;
            distances(j, i) = d;
        }
    }
    return distances;
}

double silhouetteFromDistances(const Eigen::MatrixXd &distances, const std::vector<int> &labels, int k)
{
    const Index n = distances.rows();
    std::vector<Index> sizes(static_cast<std::size_t>(k), 0);
    for (int label : labels)
        ++sizes[static_cast<std::size_t>(label)];
    std::vector<double> sums(static_cast<std::size_t>(k));
    double total = 0;
    for (Index i = 0; i < n; ++i) {
        std::fill(sums.begin(), sums.end(), 0.0);
        for (Index j = 0; j < n; ++j)
            sums[static_cast<std::size_t>(labels[static_cast<std::size_t>(j)])] += distances(j, i);
        const int own = labels[static_cast<std::size_t>(i)];
        const Index ownSize = sizes[static_cast<std::size_t>(own)];
        if (ownSize <= 1)
            continue; // a singleton scores 0 (Rousseeuw's convention)
        const double a = sums[static_cast<std::size_t>(own)] / static_cast<double>(ownSize - 1);
        double b = std::numeric_limits<double>::infinity();
        for (int c = 0; c < k; ++c) {
            if (c != own && sizes[static_cast<std::size_t>(c)] > 0)
                b = std::min(b,
                             sums[static_cast<std::size_t>(c)]
                                 / static_cast<double>(sizes[static_cast<std::size_t>(c)]));
        }
        const double spread = std::max(a, b);
        if (spread > 0 && std::isfinite(b))
            total += (b - a) / spread;
    }
    return total / static_cast<double>(n);
}

Status checkSelection(const KSelectionOptions &options)
{
    if (options.kMin < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("choosing k needs kMin >= 1, got %1").arg(options.kMin));
    if (options.kMax < options.kMin)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("choosing k needs kMax >= kMin, got [%1, %2]").arg(options.kMin).arg(options.kMax));
    if (options.sampleSize < 2)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("choosing k needs a sample of at least 2 points, got %1").arg(options.sampleSize));
    return {};
}

} // namespace

Result<double> meanSilhouette(const Eigen::MatrixXd &points, const std::vector<int> &labels)
{
    if (static_cast<Index>(labels.size()) != points.rows())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("silhouette: %1 labels for %2 points").arg(labels.size()).arg(points.rows()));
    if (Status valid = validateFeatures(points); !valid)
        return std::unexpected(valid.error());
    int k = 0;
    for (int label : labels) {
        if (label < 0)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("silhouette: negative label %1").arg(label));
        k = std::max(k, label + 1);
    }
    if (k < 2)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("silhouette needs at least two clusters"));
    return silhouetteFromDistances(pairwiseDistances(points), labels, k);
}

Result<KSelection> chooseK(const Eigen::MatrixXd &points, const KSelectionOptions &options)
{
    if (Status ok = checkSelection(options); !ok)
        return std::unexpected(ok.error());
    KMeansOptions kmeans = options.kmeans;
    kmeans.k = 1;
    kmeans.initialCentroids.resize(0, 0); // a warm start is for one k; each k here seeds afresh
    if (Result<KMeansResult> probe = kMeans(Eigen::MatrixXd(0, points.cols()), kmeans); !probe)
        return std::unexpected(probe.error()); // the k-means options, checked once up front
    if (Status valid = validateFeatures(points); !valid)
        return std::unexpected(valid.error());

    KSelection selection;
    if (points.rows() == 0)
        return selection;
    const Eigen::MatrixXd sample
        = gatherRows(points, sampleRows(points.rows(), options.sampleSize, options.kmeans.seed ^ kSampleSalt));
    selection.sampleSize = sample.rows();
    const Eigen::MatrixXd distances = pairwiseDistances(sample);

    double bestScore = -std::numeric_limits<double>::infinity();
    int bestK = 0;
    int distinct = std::numeric_limits<int>::max(); // learnt when k-means makes fewer clusters than asked
    for (int k = std::max(options.kMin, 2); k <= options.kMax && k <= distinct; ++k) {
        kmeans.k = k;
        Result<KMeansResult> fit = kMeans(sample, kmeans);
        if (!fit)
            return std::unexpected(fit.error());
        if (fit->k < k) {
            distinct = fit->k;
            if (fit->k < std::max(options.kMin, 2))
                break;
            continue; // this k's clustering is the one already scored for fit->k
        }
        const double score = silhouetteFromDistances(distances, fit->labels, fit->k);
        selection.silhouettes.emplace_back(k, score);
        if (score > bestScore) {
            bestScore = score;
            bestK = k;
        }
    }
    if (bestK == 0) {
        // Nothing scored: kMin = kMax = 1, or fewer distinct points than kMin (>= 2).
        selection.k = std::min(options.kMin, distinct);
    } else if (options.kMin == 1 && bestScore < options.minSilhouette) {
        selection.k = 1;
    } else {
        selection.k = bestK;
    }
    return selection;
}

Result<AutoKMeansResult> kMeansAuto(const Eigen::MatrixXd &points, const AutoKMeansOptions &options)
{
    if (options.fitSampleSize < 1)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("k-means needs a fit sample of at least 1 point, got %1").arg(options.fitSampleSize));
    Result<KSelection> selection = chooseK(points, options.selection);
    if (!selection)
        return std::unexpected(selection.error());

    AutoKMeansResult result;
    result.selection = std::move(*selection);
    result.clustering.centroids = Eigen::MatrixXd(0, points.cols());
    result.clustering.converged = true;
    if (points.rows() == 0)
        return result;

    const std::vector<Index> fitRows = sampleRows(points.rows(),
                                                  options.fitSampleSize,
                                                  options.selection.kmeans.seed ^ (kSampleSalt * 3));
    const bool sampled = static_cast<Index>(fitRows.size()) < points.rows();
    result.fitSampleSize = static_cast<Index>(fitRows.size());
    KMeansOptions kmeans = options.selection.kmeans;
    kmeans.k = result.selection.k;
    // The previous centroids can only warm-start a clustering with as many clusters.
    if (kmeans.initialCentroids.rows() != kmeans.k || kmeans.initialCentroids.cols() != points.cols())
        kmeans.initialCentroids.resize(0, 0);
    Result<KMeansResult> fit = kMeans(sampled ? gatherRows(points, fitRows) : points, kmeans);
    if (!fit)
        return std::unexpected(fit.error());
    result.clustering = std::move(*fit);
    if (sampled) {
        // Every centroid keeps at least one row: its own sample members are rows of points and
        // were assigned by the same nearest-centroid rule, so no cluster comes back empty.
        result.clustering.labels = assignToNearest(points, result.clustering.centroids, &result.clustering.inertia);
    }
    return result;
}

} // namespace foresight::partitioning
