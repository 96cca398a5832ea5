#pragma once

#include <cstdint>

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include "foresight/state/statedigest.h"

namespace foresight::state {

// A whole application state as of one sequence number.
struct Snapshot
{
    QString app;
    std::uint64_t epoch = 0; // epoch of the delta at seq
    std::uint64_t seq = 0;
    StateDigest digest;
    std::int64_t takenAtMs = 0; // wall clock
    QList<QPair<QString, QByteArray>> entries;

    // Recomputes the digest of entries; a snapshot is intact when this equals digest.
    StateDigest computeDigest() const;
};

} // namespace foresight::state
