#pragma once

#include <cstdint>

#include <QByteArray>
#include <QString>

namespace foresight::state {

// An order-independent digest of a key-value state: the lane-wise sum (mod 2^64) of every live
// entry's hash. An entry's hash is SipHash-2-4 with 128-bit output, keyed with the 16 bytes
// 00 01 02 ... 0f, over
//   uint32_be(len(utf8(key))) || utf8(key) || value
// whose two output words (each the little-endian reading of 8 output bytes) are the hi and lo
// lanes. Two replicas holding the same entries agree on the digest whatever order the changes
// arrived in, and a change updates it in O(1): subtract the old entry's hash, add the new one's.
// It detects divergence and corruption; it is not a defence against forgery (the key is
// public). docs/protocol.md gives the same definition for other clients.
class StateDigest
{
public:
    struct EntryHash
    {
        std::uint64_t hi = 0;
        std::uint64_t lo = 0;
        friend bool operator==(const EntryHash &, const EntryHash &) = default;
    };

    static EntryHash hashEntry(const QString &key, const QByteArray &value);

    void add(const EntryHash &h)
    {
        m_hi += h.hi;
        m_lo += h.lo;
    }
    void remove(const EntryHash &h)
    {
        m_hi -= h.hi;
        m_lo -= h.lo;
    }

    // 32 lower-case hex digits: hi lane then lo lane, big-endian.
    QString toHex() const;
    static bool fromHex(const QString &hex, StateDigest *out);

    friend bool operator==(const StateDigest &, const StateDigest &) = default;

private:
    std::uint64_t m_hi = 0;
    std::uint64_t m_lo = 0;
};

} // namespace foresight::state
