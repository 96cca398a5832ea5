#pragma once

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>

#include "foresight/core/result.h"
#include "foresight/state/snapshot.h"
#include "foresight/state/statedelta.h"

// CBOR forms of the engine's value types, as docs/protocol.md describes them.
namespace foresight::protocol {

QCborMap deltaToCbor(const state::StateDelta &delta);
// Appends the CBOR of deltaToCbor(delta) to out, without building the map: the primary encodes
// every write so, once, for all its replicas.
void appendDeltaCbor(QByteArray &out, const state::StateDelta &delta);
Result<state::StateDelta> deltaFromCbor(const QCborValue &value);

// Snapshot entries travel as an array of [key (text), value (bytes)] pairs.
QCborArray entriesToCbor(const QList<QPair<QString, QByteArray>> &entries, qsizetype from, qsizetype count);
Result<QList<QPair<QString, QByteArray>>> entriesFromCbor(const QCborValue &value);

// The body of a write-ack (docs/protocol.md), encoded directly: one per acknowledged write.
QByteArray writeAckBody(std::uint64_t id, std::uint64_t epoch, std::uint64_t seq);

} // namespace foresight::protocol
