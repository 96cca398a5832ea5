#pragma once

// Data with known clusters for the partitioning module's tests: Gaussian blobs, two moons, two
// rings, and the agreement of a labelling with the truth up to renaming. Generated from the
// module's own portable random draws, so every platform gets the same points.

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <numbers>
#include <numeric>
#include <vector>

#include <Eigen/Core>

#include "partitioning/sampling.h"

namespace foresight::testing {

struct Labelled
{
    Eigen::MatrixXd points;
    std::vector<int> truth;
};

inline double gaussian(partitioning::Random &random)
{
    // Box-Muller from the module's portable draws, so the data is the same on every platform.
    const double u1 = 1.0 - random.uniform();
    const double u2 = random.uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// perCluster points around each row of centers, standard deviation sigma; truth = the center.
inline Labelled blobs(const Eigen::MatrixXd &centers, Eigen::Index perCluster, double sigma, std::uint64_t seed)
{
    partitioning::Random random(seed);
    Labelled data;
    data.points.resize(centers.rows() * perCluster, centers.cols());
    for (Eigen::Index c = 0; c < centers.rows(); ++c) {
        for (Eigen::Index i = 0; i < perCluster; ++i) {
            const Eigen::Index row = c * perCluster + i;
            for (Eigen::Index j = 0; j < centers.cols(); ++j)
                data.points(row, j) = centers(c, j) + sigma * gaussian(random);
            data.truth.push_back(static_cast<int>(c));
        }
    }
    return data;
}

inline Eigen::MatrixXd corners(int k, int dims, double spacing)
{
    // k well-separated centres: the first dims coordinates of k distinct corners of a cube.
    Eigen::MatrixXd centers = Eigen::MatrixXd::Zero(k, dims);
    for (int c = 0; c < k; ++c) {
        for (int j = 0; j < dims; ++j)
            centers(c, j) = ((c >> j) & 1) ? spacing : 0.0;
        if (dims < 3 && c >= (1 << dims))
            centers(c, 0) = spacing * (c - (1 << dims) + 2);
    }
    return centers;
}

// The two interleaving half circles of the usual non-convex benchmark (as scikit-learn's
// make_moons): one centred on (0, 0) opening down, one on (1, 0.5) opening up.
inline Labelled twoMoons(Eigen::Index perMoon, double noise, std::uint64_t seed)
{
    partitioning::Random random(seed);
    Labelled data;
    data.points.resize(2 * perMoon, 2);
    for (Eigen::Index i = 0; i < perMoon; ++i) {
        const double t = std::numbers::pi * static_cast<double>(i) / static_cast<double>(perMoon - 1);
        data.points(i, 0) = std::cos(t) + noise * gaussian(random);
        data.points(i, 1) = std::sin(t) + noise * gaussian(random);
        data.points(perMoon + i, 0) = 1.0 - std::cos(t) + noise * gaussian(random);
        data.points(perMoon + i, 1) = 0.5 - std::sin(t) + noise * gaussian(random);
    }
    data.truth.assign(static_cast<std::size_t>(perMoon), 0);
    data.truth.resize(static_cast<std::size_t>(2 * perMoon), 1);
    return data;
}

inline Labelled twoRings(Eigen::Index perRing, double noise, std::uint64_t seed)
{
    partitioning::Random random(seed);
    Labelled data;
    data.points.resize(2 * perRing, 2);
    for (int ring = 0; ring < 2; ++ring) {
        const double radius = ring == 0 ? 1.0 : 3.0;
        for (Eigen::Index i = 0; i < perRing; ++i) {
            const double t = 2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(perRing);
            data.points(ring * perRing + i, 0) = radius * std::cos(t) + noise * gaussian(random);
            data.points(ring * perRing + i, 1) = radius * std::sin(t) + noise * gaussian(random);
            data.truth.push_back(ring);
        }
    }
    return data;
}

// The share of points whose label matches the truth under the best one-to-one renaming of
// labels (noise, label -1, never matches). 1.0: the same partition up to permutation.
inline double agreement(const std::vector<int> &labels, const std::vector<int> &truth)
{
    const int groups = *std::max_element(truth.begin(), truth.end()) + 1;
    const int clusters = std::max(groups, *std::max_element(labels.begin(), labels.end()) + 1);
    std::vector<std::vector<Eigen::Index>> counts(static_cast<std::size_t>(groups),
                                                  std::vector<Eigen::Index>(static_cast<std::size_t>(clusters), 0));
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] >= 0)
            ++counts[static_cast<std::size_t>(truth[i])][static_cast<std::size_t>(labels[i])];
    }
    std::vector<int> permutation(static_cast<std::size_t>(clusters));
    std::iota(permutation.begin(), permutation.end(), 0);
    Eigen::Index best = 0;
    do {
        Eigen::Index matched = 0;
        for (int g = 0; g < groups; ++g)
            matched += counts[static_cast<std::size_t>(g)]
                             [static_cast<std::size_t>(permutation[static_cast<std::size_t>(g)])];
        best = std::max(best, matched);
    } while (std::next_permutation(permutation.begin(), permutation.end()));
    return static_cast<double>(best) / static_cast<double>(labels.size());
}

inline Eigen::MatrixXd rowsOf(std::initializer_list<std::initializer_list<double>> rows)
{
    Eigen::MatrixXd points(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.begin()->size()));
    Eigen::Index r = 0;
    for (const auto &row : rows) {
        Eigen::Index c = 0;
        for (double value : row)
            points(r, c++) = value;
        ++r;
    }
    return points;
}

} // namespace foresight::testing
