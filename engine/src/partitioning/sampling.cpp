#include "sampling.h"

namespace foresight::partitioning {

std::vector<Eigen::Index> sampleRows(Eigen::Index n, Eigen::Index count, std::uint64_t seed)
{
    std::vector<Eigen::Index> rows;
    if (n <= 0 || count <= 0)
        return rows;
    if (count >= n) {
        rows.resize(static_cast<std::size_t>(n));
        for (Eigen::Index i = 0; i < n; ++i)
            rows[static_cast<std::size_t>(i)] = i;
        return rows;
    }
    rows.reserve(static_cast<std::size_t>(count));
    Random random(seed);
    // Algorithm S (TAOCP 3.4.2): row i is taken with probability (still needed)/(still left),
    // which makes every subset of size count equally likely.
    for (Eigen::Index i = 0; i < n && static_cast<Eigen::Index>(rows.size()) < count; ++i) {
        const auto needed = static_cast<double>(count - static_cast<Eigen::Index>(rows.size()));
        const auto left = static_cast<double>(n - i);
        if (random.uniform() * left < needed)
            rows.push_back(i);
    }
    return rows;
}

Eigen::MatrixXd gatherRows(const Eigen::MatrixXd &points, const std::vector<Eigen::Index> &rows)
{
    Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), points.cols());
    for (Eigen::Index col = 0; col < points.cols(); ++col) {
        for (std::size_t i = 0; i < rows.size(); ++i)
            out(static_cast<Eigen::Index>(i), col) = points(rows[i], col);
    }
    return out;
}

} // namespace foresight::partitioning
