#pragma once

#include <cstdint>

#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/partitioning/usageprofile.h"

// The recorded workload `foresight-bench sync` replays (docs/benchmarks.md, `sync`): the demo web
// shop's accesses as a list, recorded once and replayed identically under each scheduler.
// Recording and replay are separate so the workload can also be written to a file and read back.
namespace foresight::bench {

// One access of the recorded workload.
struct WorkloadAccess
{
    std::int64_t atMs = 0; // from the start of the recording
    partitioning::AccessKind kind = partitioning::AccessKind::Write;
    std::uint32_t client = 0; // the writer that made it (the usage profile's co-access is per client)
    int valueBytes = 0;       // a write's value size; -1: a delete; 0 for a read
    QString key;
};

struct SyncWorkload
{
    QString shape;                  // e.g. "web shop"
    std::int64_t durationMs = 0;    // the recording's length; every access is before it
    QList<WorkloadAccess> accesses; // by time, then in the order made
};

struct ShopRecording
{
    std::int64_t durationMs = 600'000;
    int writers = 4;
    int writesPerSecondPerWriter = 75;
    std::uint32_t seed = 20; // fixed: the same recording every run
};

// The demo web shop (cluster::nextDemoWrite(WorkloadShape::WebShop, ...)) as `writers` clients
// each writing at a steady rate, their start times staggered. A cart write is preceded by that
// user's reads of their session and their cart: a shop checks the session before it changes a
// cart, and a cart change is a read-modify-write. Session and history writes are blind (a login
// issues a new token; a page view appends). Deterministic in its argument.
SyncWorkload recordShopWorkload(const ShopRecording &recording);

// The text form: a header line, then one access per line ("ms R|W|D client bytes key").
// Errors: IoError for the file, InvalidArgument (with the line number) for its content.
Status writeWorkload(const SyncWorkload &workload, const QString &path);
Result<SyncWorkload> readWorkload(const QString &path);

// The bytes a write costs on the link: StateDelta::byteSize() of that key and value.
std::int64_t deltaBytes(const WorkloadAccess &write);

} // namespace foresight::bench
