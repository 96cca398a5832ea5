#include "featurematrix.h"

#include <cmath>

namespace foresight::partitioning {

Status validateFeatures(const Eigen::MatrixXd &points)
{
    // Column-major walk: the storage order, so a million rows are read once, in sequence.
    for (Eigen::Index col = 0; col < points.cols(); ++col) {
        for (Eigen::Index row = 0; row < points.rows(); ++row) {
            if (!std::isfinite(points(row, col))) {
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("feature %1 of point %2 is %3: clustering needs finite features")
                                .arg(col)
                                .arg(row)
                                .arg(std::isnan(points(row, col)) ? QStringLiteral("NaN") : QStringLiteral("infinite")));
            }
        }
    }
    return {};
}

void Standardization::apply(Eigen::MatrixXd &points) const
{
    Q_ASSERT(points.cols() == mean.size());
    points.rowwise() -= mean;
    points.array().rowwise() /= scale.array();
}

Result<Standardization> standardizeColumns(Eigen::MatrixXd &points)
{
    if (Status valid = validateFeatures(points); !valid)
        return std::unexpected(valid.error());
    Standardization transform;
    transform.mean = Eigen::RowVectorXd::Zero(points.cols());
    transform.scale = Eigen::RowVectorXd::Ones(points.cols());
    if (points.rows() == 0)
        return transform;
    transform.mean = points.colwise().mean();
    for (Eigen::Index col = 0; col < points.cols(); ++col) {
        const double variance = (points.col(col).array() - transform.mean(col)).square().mean();
        const double deviation = std::sqrt(variance);
        // Relative to the column's magnitude: a constant column of 1e6 has rounding noise of
        // ~1e-10, which must not be blown up to unit variance as if it were a real spread.
        const double noise = 1e-12 * std::max(1.0, std::abs(transform.mean(col)));
        if (deviation > noise)
            transform.scale(col) = deviation;
    }
    transform.apply(points);
    return transform;
}

} // namespace foresight::partitioning
