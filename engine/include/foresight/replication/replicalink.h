#pragma once

#include <cstdint>

#include <QByteArray>
#include <QString>

#include "foresight/vocabulary/roles.h"

namespace foresight::replication {

// The primary's side of one replica streaming from it: where the replica stands and what is
// queued for it. Owned by the application's PrimaryStream, on the agent's thread.
struct ReplicaLink
{
    QByteArray identity; // the replica's ZeroMQ routing id (agent/app)
    QString agent;
    Tier tier = Tier::Hot;
    QString mode;               // how it caught up: "log" or "snapshot"
    std::uint64_t ackedSeq = 0; // never above sentSeq: an ack counts only for what was sent
    std::uint64_t sentSeq = 0;  // the position the link's stream has reached
    QString ackedDigest;
    // The primary's own check of the replica's acknowledged digest against its digest at the same
    // position (hot: the whole state's, warm: the critical keys'): empty while they agree.
    QString integrityNote;
    std::int64_t lastHeardMs = 0;
    std::int64_t lastSentMs = 0;
    QByteArray batch; // deltas waiting for the next flush, each encoded as CBOR (appendDeltaCbor)
    qsizetype batchCount = 0;
    qsizetype batchBytes = 0;      // the deltas' byteSize(), not their encoding
    std::uint64_t snapshotSeq = 0; // cold: seq of the last snapshot sent
    std::int64_t snapshotSentMs = 0;
    std::int64_t forecastsSentMs = 0; // hot, warm: the model's forecasts, for its divergence
};

} // namespace foresight::replication
