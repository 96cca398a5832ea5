#pragma once

// Private: direct CBOR encoding. QCborValue::toCbor() goes through QBuffer and QIODevice and
// costs several allocations per message, and building a QCborMap to encode costs as many again;
// on the write path (every delta, acknowledgement and reply) that showed as a tenth of the
// agent's instructions. The hot messages are therefore written field by field (appendHead and
// friends); everything else goes through appendCbor.

#include <QByteArray>
#include <QCborValue>
#include <QLatin1StringView>
#include <QString>

namespace foresight::protocol {

// CBOR major types (RFC 8949, section 3.1).
enum class CborMajor : quint8 { Unsigned = 0, Negative = 1, Bytes = 2, Text = 3, Array = 4, Map = 5 };

// The head of a data item: major type and argument, in the shortest form.
void appendHead(QByteArray &out, CborMajor major, quint64 argument);
void appendUnsigned(QByteArray &out, quint64 value);
// Signed, as QCborValue encodes a qint64: a negative value as a CBOR negative integer.
void appendInteger(QByteArray &out, qint64 value);
void appendText(QByteArray &out, QLatin1StringView text);
void appendText(QByteArray &out, const QString &text);
void appendBytes(QByteArray &out, const QByteArray &bytes);

// Appends the canonical CBOR encoding of value to out (definite lengths, shortest integer
// heads, strings as UTF-8). Produces the same bytes QCborValue::toCbor() does for the types the
// protocol uses: integers, byte and text strings, arrays, maps, booleans, null and doubles.
void appendCbor(QByteArray &out, const QCborValue &value);

} // namespace foresight::protocol
