#include "partitioning/countminsketch.h"

#include <algorithm>
#include <limits>

namespace foresight::partitioning {

namespace {

// The second hash of double hashing: an odd number, so that every row's step visits all
// counters of a power-of-two row.
std::uint64_t secondHash(std::uint64_t hash)
{
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdULL;
    hash ^= hash >> 33;
    return hash | 1;
}

} // namespace

CountMinSketch::CountMinSketch(int width, int depth)
    : m_width(width)
    , m_depth(depth)
    , m_mask(std::uint64_t(width) - 1)
    , m_counters(std::size_t(width) * std::size_t(depth), 0.0f)
{}

std::size_t CountMinSketch::index(std::uint64_t hash, int row) const
{
    const std::uint64_t h = hash + std::uint64_t(row) * secondHash(hash);
    return std::size_t(row) * std::size_t(m_width) + std::size_t(h & m_mask);
}

float CountMinSketch::add(std::uint64_t hash, float weight)
{
    const std::uint64_t step = secondHash(hash);
    std::size_t at[8];
    float low = std::numeric_limits<float>::max();
    for (int row = 0; row < m_depth; ++row) {
        at[row] = std::size_t(row) * std::size_t(m_width) + std::size_t((hash + std::uint64_t(row) * step) & m_mask);
        low = std::min(low, m_counters[at[row]]);
    }
    const float next = low + weight;
    for (int row = 0; row < m_depth; ++row)
        m_counters[at[row]] = std::max(m_counters[at[row]], next);
    return next;
}

float CountMinSketch::estimate(std::uint64_t hash) const
{
    float low = std::numeric_limits<float>::max();
    for (int row = 0; row < m_depth; ++row)
        low = std::min(low, m_counters[index(hash, row)]);
    return low;
}

void CountMinSketch::scale(float factor)
{
    for (float &counter : m_counters)
        counter *= factor;
}

} // namespace foresight::partitioning
