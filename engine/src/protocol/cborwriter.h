#pragma once

// Private: a direct CBOR encoder for QCborValue trees. QCborValue::toCbor() goes through
// QBuffer and QIODevice and costs several allocations per message; on the write path (every
// delta, acknowledgement and reply) that showed as a tenth of the agent's instructions.

#include <QByteArray>
#include <QCborValue>

namespace foresight::protocol {

// Appends the canonical CBOR encoding of value to out (definite lengths, shortest integer
// heads, strings as UTF-8). Produces the same bytes QCborValue::toCbor() does for the types the
// protocol uses: integers, byte and text strings, arrays, maps, booleans, null and doubles.
void appendCbor(QByteArray &out, const QCborValue &value);

} // namespace foresight::protocol
