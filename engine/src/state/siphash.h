#pragma once

// Private: SipHash-2-4 (Aumasson and Bernstein, 2012), the 64- and 128-bit variants of the
// reference implementation. The state digest uses it because it is fast on short inputs (a few
// hundred cycles for a typical entry, against thousands for SHA-256), well specified, and has
// published test vectors that tst_keyvaluestate checks.

#include <cstddef>
#include <cstdint>

namespace foresight::state::siphash {

struct Key
{
    std::uint64_t k0; // bytes 0..7 of the 16-byte key, little-endian
    std::uint64_t k1; // bytes 8..15
};

// The key of the reference test vectors: bytes 00 01 02 ... 0f.
inline constexpr Key kReferenceKey{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};

// An incremental hasher, so a digest can hash (length, key, value) without concatenating them.
class SipHash24
{
public:
    SipHash24(Key key, bool wide);
    void update(const void *data, std::size_t length);
    // The first 8 output bytes as a little-endian integer; for the 128-bit variant also the
    // last 8 (second). Call once.
    void finish(std::uint64_t *first, std::uint64_t *second);

private:
    void compress(std::uint64_t m);

    std::uint64_t m_v0, m_v1, m_v2, m_v3;
    std::uint64_t m_tail = 0;
    std::size_t m_length = 0;
    bool m_wide;
};

} // namespace foresight::state::siphash
