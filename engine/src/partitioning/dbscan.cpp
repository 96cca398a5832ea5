#include "dbscan.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "featurematrix.h"
#include "gridindex.h"
#include "sampling.h"

namespace foresight::partitioning {
namespace {

using Eigen::Index;

constexpr int kUnvisited = -2;

Status checkOptions(const DbscanOptions &options)
{
    if (!(options.eps > 0) || !std::isfinite(options.eps))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("DBSCAN needs eps > 0, got %1").arg(options.eps));
    if (options.minPts < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("DBSCAN needs minPts >= 1, got %1").arg(options.minPts));
    if (options.maxPoints < 1)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("DBSCAN needs maxPoints >= 1, got %1").arg(options.maxPoints));
    if (options.maxAssignCandidates < 1)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("DBSCAN needs maxAssignCandidates >= 1, got %1").arg(options.maxAssignCandidates));
    return {};
}

void copyRow(const Eigen::MatrixXd &points, Index row, std::vector<double> &to)
{
    for (Index col = 0; col < points.cols(); ++col)
        to[static_cast<std::size_t>(col)] = points(row, col);
}

double squaredDistance(const Eigen::MatrixXd &points, Index row, const std::vector<double> &query)
{
    double sum = 0;
    for (Index col = 0; col < points.cols(); ++col) {
        const double d = points(row, col) - query[static_cast<std::size_t>(col)];
        sum += d * d;
    }
    return sum;
}

// The original algorithm on every row of `points`: core test, then one breadth-first expansion
// per unlabelled core point. Fills labels (kNoiseLabel for noise) and isCore.
Status clusterAll(const Eigen::MatrixXd &points,
                  double eps,
                  int minPts,
                  std::vector<int> &labels,
                  std::vector<char> &isCore,
                  int &clusterCount)
{
    const Index n = points.rows();
    std::vector<Index> all(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i)
        all[static_cast<std::size_t>(i)] = i;
    Result<GridIndex> grid = GridIndex::build(points, all, eps);
    if (!grid)
        return std::unexpected(grid.error());

    const double eps2 = eps * eps;
    std::vector<double> query(static_cast<std::size_t>(points.cols()));
    isCore.assign(static_cast<std::size_t>(n), 0);
    for (Index i = 0; i < n; ++i) {
        copyRow(points, i, query);
        int count = 0;
        // Counting stops at minPts: a dense region costs minPts distances per point here.
        grid->forEachNear(query.data(), [&](Index j) {
            if (squaredDistance(points, j, query) <= eps2)
                ++count;
            return count < minPts;
        });
        isCore[static_cast<std::size_t>(i)] = count >= minPts;
    }

    labels.assign(static_cast<std::size_t>(n), kUnvisited);
    clusterCount = 0;
    std::deque<Index> frontier;
    for (Index seed = 0; seed < n; ++seed) {
        if (!isCore[static_cast<std::size_t>(seed)] || labels[static_cast<std::size_t>(seed)] != kUnvisited)
            continue;
        const int cluster = clusterCount++;
        labels[static_cast<std::size_t>(seed)] = cluster;
        frontier.push_back(seed);
        while (!frontier.empty()) {
            const Index p = frontier.front();
            frontier.pop_front();
            copyRow(points, p, query);
            grid->forEachNear(query.data(), [&](Index j) {
                const auto at = static_cast<std::size_t>(j);
                if (labels[at] == kUnvisited && squaredDistance(points, j, query) <= eps2) {
                    labels[at] = cluster;
                    if (isCore[at])
                        frontier.push_back(j);
                }
                return true;
            });
        }
    }
    for (int &label : labels) {
        if (label == kUnvisited)
            label = kNoiseLabel;
    }
    return {};
}

} // namespace

Result<DbscanResult> dbscan(const Eigen::MatrixXd &points, const DbscanOptions &options)
{
    if (Status ok = checkOptions(options); !ok)
        return std::unexpected(ok.error());
    if (Status valid = validateFeatures(points); !valid)
        return std::unexpected(valid.error());

    DbscanResult result;
    const Index n = points.rows();
    if (n == 0) {
        result.effectiveMinPts = options.minPts;
        return result;
    }

    std::vector<int> sampleLabels;
    std::vector<char> isCore;
    if (n <= options.maxPoints) {
        result.sampleSize = n;
        result.effectiveMinPts = options.minPts;
        if (Status ok = clusterAll(points, options.eps, options.minPts, sampleLabels, isCore, result.clusterCount); !ok)
            return std::unexpected(ok.error());
        result.labels = std::move(sampleLabels);
        result.corePoints = std::count(isCore.begin(), isCore.end(), 1);
        return result;
    }

    const std::vector<Index> rows = sampleRows(n, options.maxPoints, options.seed);
    const Eigen::MatrixXd sample = gatherRows(points, rows);
    const Index m = sample.rows();
    result.sampleSize = m;
    const double scaled = std::ceil(static_cast<double>(options.minPts) * static_cast<double>(m)
                                    / static_cast<double>(n));
    result.effectiveMinPts = options.minPts == 1 ? 1 : std::max(2, static_cast<int>(scaled));
    if (Status ok = clusterAll(sample, options.eps, result.effectiveMinPts, sampleLabels, isCore, result.clusterCount);
        !ok)
        return std::unexpected(ok.error());
    result.corePoints = std::count(isCore.begin(), isCore.end(), 1);

    // The rest: each row joins the cluster of a core point of the sample within eps, the first
    // one found (own cell first), exactly how DBSCAN hands out border points.
    std::vector<Index> cores;
    cores.reserve(static_cast<std::size_t>(result.corePoints));
    for (Index i = 0; i < m; ++i) {
        if (isCore[static_cast<std::size_t>(i)])
            cores.push_back(i);
    }
    Result<GridIndex> coreGrid = GridIndex::build(sample, cores, options.eps);
    if (!coreGrid)
        return std::unexpected(coreGrid.error());

    result.labels.assign(static_cast<std::size_t>(n), kNoiseLabel);
    const double eps2 = options.eps * options.eps;
    std::vector<double> query(static_cast<std::size_t>(points.cols()));
    std::size_t next = 0; // walks rows, which is ascending
    for (Index row = 0; row < n; ++row) {
        if (next < rows.size() && rows[next] == row) {
            result.labels[static_cast<std::size_t>(row)] = sampleLabels[next];
            ++next;
            continue;
        }
        copyRow(points, row, query);
        int examined = 0;
        int found = kNoiseLabel;
        coreGrid->forEachNear(query.data(), [&](Index core) {
            if (squaredDistance(sample, core, query) <= eps2) {
                found = sampleLabels[static_cast<std::size_t>(core)];
                return false;
            }
            return ++examined < options.maxAssignCandidates;
        });
        result.labels[static_cast<std::size_t>(row)] = found;
    }
    return result;
}

} // namespace foresight::partitioning
