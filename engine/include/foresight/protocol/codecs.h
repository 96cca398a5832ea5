#pragma once

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>

#include "foresight/core/result.h"
#include "foresight/state/snapshot.h"
#include "foresight/state/statedelta.h"

// CBOR forms of the engine's value types, as docs/protocol.md describes them.
namespace foresight::protocol {

QCborMap deltaToCbor(const StateDelta &delta);
Result<StateDelta> deltaFromCbor(const QCborValue &value);

// Snapshot entries travel as an array of [key (text), value (bytes)] pairs.
QCborArray entriesToCbor(const QList<QPair<QString, QByteArray>> &entries, qsizetype from, qsizetype count);
Result<QList<QPair<QString, QByteArray>>> entriesFromCbor(const QCborValue &value);

} // namespace foresight::protocol
