#include "state/siphash.h"

namespace foresight::state::siphash {
namespace {

inline std::uint64_t rotl(std::uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

inline void round(std::uint64_t &v0, std::uint64_t &v1, std::uint64_t &v2, std::uint64_t &v3)
{
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
}

} // namespace

SipHash24::SipHash24(Key key, bool wide)
    : m_v0(0x736f6d6570736575ULL ^ key.k0)
    , m_v1(0x646f72616e646f6dULL ^ key.k1)
    , m_v2(0x6c7967656e657261ULL ^ key.k0)
    , m_v3(0x7465646279746573ULL ^ key.k1)
    , m_wide(wide)
{
    if (m_wide)
        m_v1 ^= 0xee;
}

void SipHash24::compress(std::uint64_t m)
{
    m_v3 ^= m;
    round(m_v0, m_v1, m_v2, m_v3);
    round(m_v0, m_v1, m_v2, m_v3);
    m_v0 ^= m;
}

void SipHash24::update(const void *data, std::size_t length)
{
    const auto *bytes = static_cast<const unsigned char *>(data);
    std::size_t i = 0;
    // Top up a partial word first, then whole words straight from the input.
    while (i < length && m_length % 8 != 0) {
        m_tail |= std::uint64_t(bytes[i++]) << (8 * (m_length % 8));
        if (++m_length % 8 == 0) {
            compress(m_tail);
            m_tail = 0;
        }
    }
    for (; i + 8 <= length; i += 8, m_length += 8) {
        std::uint64_t word = 0;
        for (int b = 7; b >= 0; --b)
            word = (word << 8) | bytes[i + std::size_t(b)];
        compress(word);
    }
    for (; i < length; ++i, ++m_length)
        m_tail |= std::uint64_t(bytes[i]) << (8 * (m_length % 8));
}

void SipHash24::finish(std::uint64_t *first, std::uint64_t *second)
{
    compress(m_tail | (std::uint64_t(m_length & 0xff) << 56));
    m_v2 ^= m_wide ? 0xee : 0xff;
    for (int i = 0; i < 4; ++i)
        round(m_v0, m_v1, m_v2, m_v3);
    *first = m_v0 ^ m_v1 ^ m_v2 ^ m_v3;
    if (!m_wide) {
        if (second)
            *second = 0;
        return;
    }
    m_v1 ^= 0xdd;
    for (int i = 0; i < 4; ++i)
        round(m_v0, m_v1, m_v2, m_v3);
    *second = m_v0 ^ m_v1 ^ m_v2 ^ m_v3;
}

} // namespace foresight::state::siphash
