#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace foresight::partitioning {

// A Count-Min sketch of float weights with conservative update: every key adds to one counter
// per row and is estimated by the smallest of its counters, so an estimate is never below the
// key's true weight and above it by at most e/width of the total with probability 1 - e^-depth.
// Conservative update raises only the counters below the new estimate, which keeps the error of
// rarely seen keys small in skewed streams. Rows are indexed by double hashing of one 64-bit
// hash, so the caller hashes a key once. Allocates only in the constructor.
class CountMinSketch final
{
public:
    // width a power of two.
    CountMinSketch(int width, int depth);

    // Adds weight for the key with this hash; returns its new estimate.
    float add(std::uint64_t hash, float weight);
    float estimate(std::uint64_t hash) const;
    // Multiplies every counter (the profile's decay landmark moving forward).
    void scale(float factor);

    std::size_t bytes() const { return m_counters.size() * sizeof(float); }
    static std::size_t bytesFor(int width, int depth)
    {
        return std::size_t(width) * std::size_t(depth) * sizeof(float);
    }

private:
    std::size_t index(std::uint64_t hash, int row) const;

    int m_width;
    int m_depth;
    std::uint64_t m_mask;
    std::vector<float> m_counters; // row-major, depth rows of width
};

} // namespace foresight::partitioning
