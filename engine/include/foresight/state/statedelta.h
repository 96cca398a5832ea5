#pragma once

#include <cstdint>

#include <QByteArray>
#include <QString>

namespace foresight::state {

enum class DeltaOp : std::uint8_t { Put = 1, Delete = 2 };

// One change to an application's state. Sequence numbers are per application, start at 1 and
// have no gaps on the primary; the epoch is the primary's epoch when it made the change.
struct StateDelta
{
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;
    std::int64_t timestampMs = 0; // primary's wall clock when the change was accepted
    QString key;
    DeltaOp op = DeltaOp::Put;
    QByteArray value; // empty for Delete

    // Approximate memory held, for bounding logs by bytes.
    qsizetype byteSize() const { return key.size() * 2 + value.size() + 48; }

    friend bool operator==(const StateDelta &, const StateDelta &) = default;
};

} // namespace foresight::state
