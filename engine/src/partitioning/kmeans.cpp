#include "kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "featurematrix.h"
#include "sampling.h"

namespace foresight::partitioning {
namespace {

using Eigen::Index;

// Centroids are kept row-major in a flat vector while iterating: k is small, each distance
// reads one centroid's features in sequence, and this code runs unoptimised in debug builds,
// where Eigen's checked operator() on a 1M-row matrix costs more than the arithmetic.
struct Centroids
{
    Index k = 0;
    Index dims = 0;
    std::vector<double> values; // k x dims, row-major

    const double *row(Index c) const { return values.data() + c * dims; }
    double *row(Index c) { return values.data() + c * dims; }
};

double squaredDistance(const double *column0, Index stride, Index dims, const double *centroid)
{
    double sum = 0;
    for (Index j = 0; j < dims; ++j) {
        const double d = column0[j * stride] - centroid[j];
        sum += d * d;
    }
    return sum;
}

// Nearest centroid per row into labels, its squared distance into distances; returns the sum.
double assign(const Eigen::MatrixXd &points,
              const Centroids &centroids,
              std::vector<int> &labels,
              std::vector<double> &distances)
{
    const Index n = points.rows();
    const double *data = points.data();
    double inertia = 0;
    for (Index i = 0; i < n; ++i) {
        int best = 0;
        double bestDistance = std::numeric_limits<double>::infinity();
        for (Index c = 0; c < centroids.k; ++c) {
            const double d = squaredDistance(data + i, n, centroids.dims, centroids.row(c));
            if (d < bestDistance) {
                bestDistance = d;
                best = static_cast<int>(c);
            }
        }
        labels[static_cast<std::size_t>(i)] = best;
        distances[static_cast<std::size_t>(i)] = bestDistance;
        inertia += bestDistance;
    }
    return inertia;
}

void copyRow(const Eigen::MatrixXd &points, Index row, double *to)
{
    for (Index j = 0; j < points.cols(); ++j)
        to[j] = points(row, j);
}

// k-means++ (Arthur & Vassilvitskii 2007): each next seed is a point drawn with probability
// proportional to its squared distance from the nearest seed so far. Stops early when every
// point coincides with a seed: there are no more distinct points to seed from.
Centroids seedPlusPlus(const Eigen::MatrixXd &points, int k, Random &random)
{
    const Index n = points.rows();
    const double *data = points.data();
    Centroids seeds;
    seeds.dims = points.cols();
    seeds.values.reserve(static_cast<std::size_t>(k * seeds.dims));

    auto addSeed = [&](Index row) {
        seeds.values.resize(static_cast<std::size_t>((seeds.k + 1) * seeds.dims));
        copyRow(points, row, seeds.row(seeds.k));
        ++seeds.k;
    };
    addSeed(static_cast<Index>(random.below(static_cast<std::uint64_t>(n))));

    std::vector<double> nearest(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i)
        nearest[static_cast<std::size_t>(i)] = squaredDistance(data + i, n, seeds.dims, seeds.row(0));

    while (seeds.k < k) {
        double total = 0;
        for (double d : nearest)
            total += d;
        if (total <= 0)
            break; // fewer distinct points than k
        const double target = random.uniform() * total;
        double cumulative = 0;
        Index chosen = -1;
        Index lastPositive = -1;
        for (Index i = 0; i < n; ++i) {
            const double d = nearest[static_cast<std::size_t>(i)];
            if (d <= 0)
                continue;
            lastPositive = i;
            cumulative += d;
            if (cumulative > target) {
                chosen = i;
                break;
            }
        }
        // Rounding can leave the running sum a hair below target: the last candidate then.
        addSeed(chosen >= 0 ? chosen : lastPositive);
        const double *seed = seeds.row(seeds.k - 1);
        for (Index i = 0; i < n; ++i) {
            double &d = nearest[static_cast<std::size_t>(i)];
            d = std::min(d, squaredDistance(data + i, n, seeds.dims, seed));
        }
    }
    return seeds;
}

// Means of the members; an empty cluster takes the point farthest from its own centroid (whose
// cluster keeps at least one member), the point that costs the current solution the most.
void updateCentroids(const Eigen::MatrixXd &points,
                     std::vector<int> &labels,
                     std::vector<double> &distances,
                     Centroids &centroids)
{
    const Index n = points.rows();
    std::vector<Index> counts(static_cast<std::size_t>(centroids.k), 0);
    std::fill(centroids.values.begin(), centroids.values.end(), 0.0);
    for (Index i = 0; i < n; ++i) {
        const int c = labels[static_cast<std::size_t>(i)];
        ++counts[static_cast<std::size_t>(c)];
        double *sum = centroids.row(c);
        for (Index j = 0; j < centroids.dims; ++j)
            sum[j] += points(i, j);
    }
    for (Index c = 0; c < centroids.k; ++c) {
        if (counts[static_cast<std::size_t>(c)] == 0)
            continue;
        double *mean = centroids.row(c);
        for (Index j = 0; j < centroids.dims; ++j)
            mean[j] /= static_cast<double>(counts[static_cast<std::size_t>(c)]);
    }
    for (Index c = 0; c < centroids.k; ++c) {
        if (counts[static_cast<std::size_t>(c)] != 0)
            continue;
        Index farthest = -1;
        for (Index i = 0; i < n; ++i) {
            const auto at = static_cast<std::size_t>(i);
            if (counts[static_cast<std::size_t>(labels[at])] > 1 && distances[at] > 0
                && (farthest < 0 || distances[at] > distances[static_cast<std::size_t>(farthest)]))
                farthest = i;
        }
        if (farthest < 0)
            continue; // cannot happen with k <= distinct points; compact() drops it if it does
        const auto at = static_cast<std::size_t>(farthest);
        --counts[static_cast<std::size_t>(labels[at])];
        labels[at] = static_cast<int>(c);
        distances[at] = 0;
        counts[static_cast<std::size_t>(c)] = 1;
        copyRow(points, farthest, centroids.row(c));
    }
}

// Drops clusters without members and renumbers the rest in order, so that every label names a
// non-empty cluster whatever happened in the last iteration.
void compact(std::vector<int> &labels, Centroids &centroids)
{
    std::vector<Index> counts(static_cast<std::size_t>(centroids.k), 0);
    for (int label : labels)
        ++counts[static_cast<std::size_t>(label)];
    std::vector<int> renumber(static_cast<std::size_t>(centroids.k), -1);
    Index kept = 0;
    for (Index c = 0; c < centroids.k; ++c) {
        if (counts[static_cast<std::size_t>(c)] == 0)
            continue;
        renumber[static_cast<std::size_t>(c)] = static_cast<int>(kept);
        if (kept != c)
            std::copy_n(centroids.row(c), centroids.dims, centroids.row(kept));
        ++kept;
    }
    if (kept == centroids.k)
        return;
    centroids.k = kept;
    centroids.values.resize(static_cast<std::size_t>(kept * centroids.dims));
    for (int &label : labels)
        label = renumber[static_cast<std::size_t>(label)];
}

Centroids fromMatrix(const Eigen::MatrixXd &matrix)
{
    Centroids centroids;
    centroids.k = matrix.rows();
    centroids.dims = matrix.cols();
    centroids.values.resize(static_cast<std::size_t>(centroids.k * centroids.dims));
    for (Index c = 0; c < centroids.k; ++c)
        copyRow(matrix, c, centroids.row(c));
    return centroids;
}

KMeansResult runOnce(const Eigen::MatrixXd &points, const KMeansOptions &options, Centroids centroids)
{
    const auto n = static_cast<std::size_t>(points.rows());
    std::vector<int> labels(n);
    std::vector<double> distances(n);
    double inertia = assign(points, centroids, labels, distances);

    KMeansResult result;
    std::vector<int> previous;
    for (int iteration = 1; iteration <= options.maxIterations; ++iteration) {
        const std::vector<double> before = centroids.values;
        updateCentroids(points, labels, distances, centroids);
        previous = labels;
        inertia = assign(points, centroids, labels, distances);
        result.iterations = iteration;

        double shift = 0;
        for (Index c = 0; c < centroids.k; ++c) {
            double moved = 0;
            for (Index j = 0; j < centroids.dims; ++j) {
                const double d = centroids.row(c)[j] - before[static_cast<std::size_t>(c * centroids.dims + j)];
                moved += d * d;
            }
            shift = std::max(shift, std::sqrt(moved));
        }
        if (labels == previous || shift <= options.tolerance) {
            result.converged = true;
            break;
        }
    }
    compact(labels, centroids);

    result.labels = std::move(labels);
    result.k = static_cast<int>(centroids.k);
    result.inertia = inertia;
    result.centroids = Eigen::MatrixXd(centroids.k, centroids.dims);
    for (Index c = 0; c < centroids.k; ++c) {
        for (Index j = 0; j < centroids.dims; ++j)
            result.centroids(c, j) = centroids.row(c)[j];
    }
    return result;
}

} // namespace

Result<KMeansResult> kMeans(const Eigen::MatrixXd &points, const KMeansOptions &options)
{
    if (options.k < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("k-means needs k >= 1, got %1").arg(options.k));
    if (options.maxIterations < 1)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("k-means needs maxIterations >= 1, got %1").arg(options.maxIterations));
    if (options.restarts < 1)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("k-means needs restarts >= 1, got %1").arg(options.restarts));
    if (!(options.tolerance >= 0))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("k-means needs a tolerance >= 0, got %1").arg(options.tolerance));
    if (Status valid = validateFeatures(points); !valid)
        return std::unexpected(valid.error());
    const bool warm = options.initialCentroids.size() > 0;
    if (warm) {
        if (options.initialCentroids.rows() != options.k || options.initialCentroids.cols() != points.cols()) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("k-means initial centroids are %1 x %2, expected k x features = %3 x %4")
                            .arg(options.initialCentroids.rows())
                            .arg(options.initialCentroids.cols())
                            .arg(options.k)
                            .arg(points.cols()));
        }
        if (Status valid = validateFeatures(options.initialCentroids); !valid)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("k-means initial centroids: ") + valid.error().message);
    }

    KMeansResult best;
    best.centroids = Eigen::MatrixXd(0, points.cols());
    if (points.rows() == 0) {
        best.converged = true;
        return best;
    }
    Random random(options.seed);
    for (int run = 0; run < options.restarts; ++run) {
        // A warm start may name more centroids than there are distinct points; the empty
        // clusters that leaves are re-seeded or dropped like any other.
        KMeansResult result = runOnce(points,
                                      options,
                                      run == 0 && warm ? fromMatrix(options.initialCentroids)
                                                       : seedPlusPlus(points, options.k, random));
        if (run == 0 || result.inertia < best.inertia)
            best = std::move(result);
    }
    return best;
}

std::vector<int> assignToNearest(const Eigen::MatrixXd &points, const Eigen::MatrixXd &centroids, double *inertia)
{
    Q_ASSERT(points.cols() == centroids.cols());
    Q_ASSERT(centroids.rows() > 0 || points.rows() == 0);
    const Centroids flat = fromMatrix(centroids);
    std::vector<int> labels(static_cast<std::size_t>(points.rows()));
    std::vector<double> distances(static_cast<std::size_t>(points.rows()));
    const double sum = assign(points, flat, labels, distances);
    if (inertia)
        *inertia = sum;
    return labels;
}

} // namespace foresight::partitioning
