#pragma once

// Private: reading the fields of the hot messages straight off a QCborStreamReader, for the
// decoders that skip QCborValue (writerequest.cpp, deltasmessage.cpp). Each function reads one
// whole item and moves past it, or returns false (wrong type, bad encoding) leaving the reader
// wherever it stopped: the caller then gives up on the fast path.

#include <cstdint>
#include <optional>

#include <QByteArray>
#include <QCborStreamReader>
#include <QLatin1StringView>
#include <QString>

#include "foresight/protocol/message.h"

namespace foresight::protocol {

// The message type of a header decode() would let through to the body (magic, version, flags).
std::optional<MessageType> wellFormedHeaderType(const QByteArray &header);

bool readText(QCborStreamReader &reader, QString &out);

// A map key of at most kFieldNameBytes bytes, read into `buffer` without an allocation: every
// field name the fast decoders know is short, so a longer one is unknown and they give up.
inline constexpr qsizetype kFieldNameBytes = 16;
struct FieldName
{
    char buffer[kFieldNameBytes];
    qsizetype size = 0;
    bool operator==(QLatin1StringView name) const { return QLatin1StringView(buffer, size) == name; }
};
bool readFieldName(QCborStreamReader &reader, FieldName &out);

// Reads a definite-length map, each field once: readField(name) reads the value of field `name`
// and returns the field's bit, or 0 when the name is unknown or the value ill-typed. Returns the
// bits of the fields read, or nullopt (not a definite-length map, an unknown, ill-typed or
// repeated field): the caller then gives up on the fast path.
template<typename ReadField>
std::optional<unsigned> readFields(QCborStreamReader &reader, ReadField readField)
{
    if (!reader.isMap() || !reader.isLengthKnown() || !reader.enterContainer())
        return std::nullopt;
    unsigned seen = 0;
    FieldName name;
    while (reader.hasNext()) {
        if (!readFieldName(reader, name))
            return std::nullopt;
        const unsigned field = readField(name);
        if (field == 0 || (seen & field))
            return std::nullopt;
        seen |= field;
    }
    if (!reader.leaveContainer())
        return std::nullopt;
    return seen;
}
bool readBytes(QCborStreamReader &reader, QByteArray &out);
// An unsigned integer that QCborValue would also hold as an integer (up to 2^63 - 1), so the
// generic decoder would have accepted it as "an unsigned integer".
bool readUnsigned(QCborStreamReader &reader, std::uint64_t &out);
// Any integer that fits in 64 signed bits.
bool readInteger(QCborStreamReader &reader, std::int64_t &out);

} // namespace foresight::protocol
