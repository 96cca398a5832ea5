#pragma once

// Private: put and delete requests as the agent handles them, and a decoder for the common case
// that skips QCborValue. Every write arrives as one of these, so the generic decode (a QCborMap
// built, then looked up field by field, twice) was a tenth of the primary's time.

#include <cstdint>
#include <optional>

#include <QByteArray>
#include <QString>

#include "foresight/protocol/message.h"

namespace foresight::protocol {

struct WriteRequest
{
    MessageType type = MessageType::Put; // Put or Delete
    std::uint64_t id = 0;
    QString app;
    QString key;
    QByteArray value;                   // put only
    std::optional<QString> ack;         // none when the client left it to the default
    std::optional<std::uint64_t> epoch; // the newest epoch the client has seen
    bool local = false;                 // from a passive instance: never redirected (docs/managed-apps.md)
};

// A put or delete whose header and body are well formed, with only the fields docs/protocol.md
// names, each once and of its type. nullopt for anything else, valid or not: the caller then
// takes the generic decode(), whose errors and tolerance of unknown fields stay the reference.
std::optional<WriteRequest> decodeWriteFast(const QByteArray &header, const QByteArray &body);

// The same request from a message decode() accepted (its schema is already checked).
WriteRequest writeRequestFrom(const Message &message);

} // namespace foresight::protocol
