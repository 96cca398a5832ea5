#include "gridindex.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace foresight::partitioning {
namespace {

// Cell numbers stay well inside int64 (and the +-1 of neighbour offsets) below this.
constexpr double kMaxCellNumber = 0x1.0p52;

} // namespace

std::size_t GridIndex::CellHash::operator()(const CellKey &key) const
{
    // splitmix64's finaliser over each coordinate in turn: neighbouring cells differ in the low
    // bits, which an identity hash would map to neighbouring buckets.
    std::uint64_t hash = 0;
    for (std::int64_t coordinate : key) {
        std::uint64_t x = hash + 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(coordinate);
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        hash = x ^ (x >> 31);
    }
    return static_cast<std::size_t>(hash);
}

Result<GridIndex> GridIndex::build(const Eigen::MatrixXd &points, const std::vector<Eigen::Index> &rows, double radius)
{
    if (!(radius > 0) || !std::isfinite(radius))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a grid needs a positive radius, got %1").arg(radius));
    GridIndex index;
    index.m_radius = radius;

    const Eigen::Index columns = points.cols();
    std::vector<double> low(static_cast<std::size_t>(columns), 0.0);
    std::vector<double> high(static_cast<std::size_t>(columns), 0.0);
    for (Eigen::Index col = 0; col < columns && !rows.empty(); ++col) {
        auto [lo, hi] = std::minmax_element(rows.begin(), rows.end(), [&](Eigen::Index a, Eigen::Index b) {
            return points(a, col) < points(b, col);
        });
        low[static_cast<std::size_t>(col)] = points(*lo, col);
        high[static_cast<std::size_t>(col)] = points(*hi, col);
    }
    std::vector<Eigen::Index> order(static_cast<std::size_t>(columns));
    std::iota(order.begin(), order.end(), 0);
    // Widest first; stable, so equal ranges keep column order and the index is deterministic.
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
        return high[static_cast<std::size_t>(a)] - low[static_cast<std::size_t>(a)]
               > high[static_cast<std::size_t>(b)] - low[static_cast<std::size_t>(b)];
    });
    for (Eigen::Index col : order) {
        const double range = high[static_cast<std::size_t>(col)] - low[static_cast<std::size_t>(col)];
        // A column without spread puts every row in one slab: nothing to gain from indexing it.
        if (static_cast<int>(index.m_columns.size()) == kMaxGridColumns || range <= 0)
            break;
        if (range / radius > kMaxCellNumber) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("radius %1 is too small for feature %2, which spans %3")
                            .arg(radius)
                            .arg(col)
                            .arg(range));
        }
        index.m_columns.push_back(col);
        index.m_origin.push_back(low[static_cast<std::size_t>(col)]);
    }

    std::vector<double> buffer(static_cast<std::size_t>(columns));
    for (Eigen::Index row : rows) {
        for (Eigen::Index col = 0; col < columns; ++col)
            buffer[static_cast<std::size_t>(col)] = points(row, col);
        index.m_cells[index.cellOf(buffer.data())].push_back(row);
    }
    return index;
}

GridIndex::CellKey GridIndex::cellOf(const double *query) const
{
    CellKey key{};
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        // Queries may lie outside the indexed range (rows outside a DBSCAN sample); clamping
        // keeps the conversion defined, and a clamped cell is far from every indexed one anyway.
        const double cell = std::floor((query[m_columns[i]] - m_origin[i]) / m_radius);
        key[i] = static_cast<std::int64_t>(std::clamp(cell, -kMaxCellNumber * 2, kMaxCellNumber * 2));
    }
    return key;
}

} // namespace foresight::partitioning
