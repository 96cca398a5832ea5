#pragma once

// Deterministic randomness for the clustering code: seeding, sampling rows. Every random choice
// the module makes goes through a Random made from a caller-given seed, so a clustering is a
// function of (points, options) and tests can assert exact results.

#include <cstdint>
#include <random>
#include <vector>

#include <Eigen/Core>

namespace foresight::partitioning {

// std::mt19937_64's sequence is fixed by the standard; the distributions of <random> are not
// (libstdc++ and libc++ differ), so the two draws below are computed here from the raw bits.
class Random
{
public:
    explicit Random(std::uint64_t seed)
        : m_engine(seed)
    {}

    // Uniform in [0, 1), 53 random bits.
    double uniform() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
    // Uniform in [0, bound); bound > 0. The modulo's bias is at most bound / 2^64, below 2^-40
    // for any row count, far below what a clustering could notice.
    std::uint64_t below(std::uint64_t bound) { return m_engine() % bound; }

private:
    std::mt19937_64 m_engine;
};

// `count` distinct row indices out of [0, n), uniformly chosen, ascending (Knuth's selection
// sampling: one pass, O(n) time, O(count) memory). All rows when count >= n.
std::vector<Eigen::Index> sampleRows(Eigen::Index n, Eigen::Index count, std::uint64_t seed);

// The given rows of points, in that order, as a matrix of their own.
Eigen::MatrixXd gatherRows(const Eigen::MatrixXd &points, const std::vector<Eigen::Index> &rows);

} // namespace foresight::partitioning
