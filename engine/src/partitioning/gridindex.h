#pragma once

// A uniform grid over the rows of a feature matrix, for fixed-radius neighbour queries (DBSCAN's
// eps-neighbourhoods). Cells have side `radius` and cover at most three columns, the ones with
// the widest range: a point within radius of a query in all features is within radius in those
// three, so it lies in one of the 3^g cells around the query's cell (g <= 3, at most 27 cells).
// Why not every column: 3^features cells per query grows faster than the points it saves
// looking at beyond a handful of features, and the profile's features are few but not always
// three. The candidates still need the exact distance check, which the caller does.
//
// Cost per query: the cells looked up plus the rows in them; for points spread over the grid
// that is the query's neighbourhood, and at worst (everything within radius of everything)
// every indexed row, which is why dbscan.h bounds the rows it indexes.

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include <Eigen/Core>

#include "foresight/core/result.h"

namespace foresight::partitioning {

class GridIndex final
{
public:
    static constexpr int kMaxGridColumns = 3;

    // Indexes the given rows of points (which must outlive the index). InvalidArgument when
    // radius is not positive or so small against the rows' range that cell numbers overflow.
    static Result<GridIndex> build(const Eigen::MatrixXd &points, const std::vector<Eigen::Index> &rows, double radius);

    // Calls visit(row) for every indexed row in the cells around query (all of points' columns,
    // contiguous), the query's own cell first, rows in the order given to build() within a
    // cell. visit returns false to stop early.
    template<typename Visit>
    void forEachNear(const double *query, Visit &&visit) const;

private:
    using CellKey = std::array<std::int64_t, kMaxGridColumns>;
    struct CellHash
    {
        std::size_t operator()(const CellKey &key) const;
    };

    CellKey cellOf(const double *query) const;

    std::vector<Eigen::Index> m_columns; // the indexed columns, widest range first
    std::vector<double> m_origin;        // per indexed column, its minimum over the rows
    double m_radius = 1;
    std::unordered_map<CellKey, std::vector<Eigen::Index>, CellHash> m_cells;
};

template<typename Visit>
void GridIndex::forEachNear(const double *query, Visit &&visit) const
{
    const CellKey home = cellOf(query);
    const auto dims = static_cast<int>(m_columns.size());
    int combinations = 1;
    for (int i = 0; i < dims; ++i)
        combinations *= 3;
    // Offsets in base 3 with digit d meaning d - 1, rotated so that offset 0 (the home cell,
    // where the nearest candidates usually are) comes first.
    const int homeCode = (combinations - 1) / 2;
    for (int step = 0; step < combinations; ++step) {
        int code = (homeCode + step) % combinations;
        CellKey key = home;
        for (int i = 0; i < dims; ++i) {
            key[static_cast<std::size_t>(i)] += code % 3 - 1;
            code /= 3;
        }
        const auto cell = m_cells.find(key);
        if (cell == m_cells.end())
            continue;
        for (Eigen::Index row : cell->second) {
            if (!visit(row))
                return;
        }
    }
}

} // namespace foresight::partitioning
