#pragma once

// Private: a deltas message (primary to replica) as the replica applies it, and a decoder for the
// common case that skips QCborValue. A hot replica reads one per batch of writes; building the
// QCborValue tree and looking every field up by name cost more than applying the deltas.

#include <cstdint>
#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/protocol/message.h"
#include "foresight/state/statedelta.h"

namespace foresight::protocol {

struct DeltasMessage
{
    QString app;
    std::uint64_t epoch = 0;
    std::uint64_t upto = 0;
    QList<state::StateDelta> deltas;
    // Set when the delta after the last one in `deltas` could not be read: the ones before it are
    // still good, and the replica resynchronises after applying them.
    std::optional<Error> badDelta;
};

// A deltas message whose header and body are well formed, with only the fields docs/protocol.md
// names (in the message and in each delta), each once, of its type, and every delta valid.
// nullopt for anything else: the caller takes decode() and deltasMessageFrom(), the reference.
std::optional<DeltasMessage> decodeDeltasFast(const QByteArray &header, const QByteArray &body);

// The same from a message decode() accepted, reading its deltas with deltaFromCbor().
DeltasMessage deltasMessageFrom(const Message &message);

} // namespace foresight::protocol
