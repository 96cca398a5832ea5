#pragma once

// Private: the write-ack reply (docs/protocol.md 7.3) read without QCborValue. Every SDK write
// waits for one, and building a QCborMap from it and then validating it against the schema with
// lookups by name cost more than the rest of the client's work per write.

#include <cstdint>
#include <optional>

#include <QByteArray>

#include "foresight/protocol/message.h"

namespace foresight::protocol {

struct WriteAck
{
    std::uint64_t id = 0;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;
};

// The reply when it has the shape agents send: a write-ack header of this protocol version, and
// a body that is one definite-length map of exactly "id", "epoch" and "seq", each once, each an
// unsigned integer decode() accepts (at most INT64_MAX), with nothing after the map. nullopt for
// anything else, which is then decode()'s to judge: so its errors, and its forward compatibility
// (unknown fields are ignored), stay exactly what they were.
std::optional<WriteAck> decodeWriteAck(const QByteArray &header, const QByteArray &body);

// A reply decode() accepted, read as a write's acknowledgement the way the SDK always read it:
// a missing field, or one that is not an integer, reads 0.
WriteAck writeAckFrom(const Message &message);

} // namespace foresight::protocol
