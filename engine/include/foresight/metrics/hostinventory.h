#pragma once

#include <cstdint>

#include <QCborMap>
#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"

namespace foresight::metrics {

// What a host has, as opposed to how it is doing (HostMetrics): its CPUs, memory, network
// interfaces and disks, read by its agent from /proc. It changes rarely (a disk added, an
// interface renamed), so the console mirrors it (issue 21; docs/mirrors.md): each heartbeat
// carries only its version, and the console asks for the inventory itself (host-inventory,
// docs/protocol.md 9.14) when the version it holds is not the one announced.
//
// CBOR form (docs/protocol.md 10.7), kebab-case keys; "hostname", "kernel", "cpu-model" and
// "warnings" may be absent:
//   hostname          text           /proc/sys/kernel/hostname
//   kernel            text           /proc/sys/kernel/osrelease
//   cpus              integer >= 0   "processor" lines of /proc/cpuinfo, else cpuN lines of /proc/stat
//   cpu-model         text           the first "model name" of /proc/cpuinfo
//   mem-total-bytes   integer >= 0   MemTotal of /proc/meminfo
//   swap-total-bytes  integer >= 0   SwapTotal
//   interfaces        array of text  /proc/net/dev's interfaces but lo, sorted
//   disks             array of map   whole physical disks (the rule of HostMetrics), sorted by name:
//                                    {"name": text, "size-bytes": integer >= 0}, the size from
//                                    /proc/partitions (0 when it does not list the disk)
//   warnings          array of text  what could not be read, and why
struct HostInventory
{
    struct Disk
    {
        QString name;
        std::int64_t sizeBytes = 0;
        bool operator==(const Disk &other) const = default;
    };

    QString hostname;
    QString kernel;
    int cpus = 0;
    QString cpuModel;
    std::int64_t memTotalBytes = 0;
    std::int64_t swapTotalBytes = 0;
    QStringList interfaces;
    QList<Disk> disks;
    QStringList warnings;

    QCborMap toCbor() const;
    // Fails with ProtocolError naming the first field missing, of the wrong kind or out of range.
    // Unknown keys are ignored, so that newer agents can add fields.
    static Result<HostInventory> fromCbor(const QCborMap &map);

    // Names this content: the same inventory gives the same version on every host and run (the
    // top 53 bits of a 64-bit FNV-1a of the canonical CBOR, so JSON numbers carry it exactly),
    // from 1 to 2^53 - 1; never 0, which says "no inventory".
    std::uint64_t version() const;

    bool operator==(const HostInventory &other) const = default;
};

// Reads a HostInventory from a /proc tree (the agent's --proc-root: a simulated host's folder in
// demos). meminfo is required (IoError or Corruption naming it); everything else is optional and,
// missing or malformed, leaves its fields empty with a warning naming the file.
Result<HostInventory> readHostInventory(const QString &procRoot);

} // namespace foresight::metrics
