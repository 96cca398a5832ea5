#pragma once

#include <cstdint>

#include <QByteArray>
#include <QString>

namespace foresight {

// An order-independent digest of a key-value state: the lane-wise sum (mod 2^64) of every live
// entry's hash, where an entry's hash is the first 16 bytes of
//   SHA-256( uint32_be(len(utf8(key))) || utf8(key) || value )
// read as two big-endian uint64 lanes. Two replicas holding the same entries agree on the digest
// whatever order the changes arrived in, and a change updates it in O(1): subtract the old
// entry's hash, add the new one's. docs/protocol.md gives the same definition for other clients.
class StateDigest {
public:
    struct EntryHash {
        std::uint64_t hi = 0;
        std::uint64_t lo = 0;
        friend bool operator==(const EntryHash &, const EntryHash &) = default;
    };

    static EntryHash hashEntry(const QString &key, const QByteArray &value);

    void add(const EntryHash &h) { m_hi += h.hi; m_lo += h.lo; }
    void remove(const EntryHash &h) { m_hi -= h.hi; m_lo -= h.lo; }

    // 32 lower-case hex digits: hi lane then lo lane, big-endian.
    QString toHex() const;
    static bool fromHex(const QString &hex, StateDigest *out);

    friend bool operator==(const StateDigest &, const StateDigest &) = default;

private:
    std::uint64_t m_hi = 0;
    std::uint64_t m_lo = 0;
};

} // namespace foresight
