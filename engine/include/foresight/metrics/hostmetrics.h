#pragma once

#include <cstdint>
#include <memory>

#include <QCborMap>
#include <QString>
#include <QStringList>

#include "foresight/core/clock.h"
#include "foresight/core/result.h"

namespace foresight::metrics {

// One reading of a host's health, taken on the agent's host from /proc and carried in heartbeats.
// Rates and CPU fractions cover the interval since the reader's previous successful sample; in the
// first sample of a reader they are 0. A counter that went backwards (wrap, reset, device
// re-created) contributes 0 to that sample's rate instead of a negative or huge number.
//
// CBOR form (toCbor/fromCbor), a map with these kebab-case keys; all but "warnings" are required:
//   wall-ms                  integer >= 0   wall-clock time of the sample, ms since the Unix epoch
//   cpu-busy                 number 0..1    CPU time neither idle nor iowait, all CPUs together
//   cpu-iowait               number 0..1    CPU time idle while waiting for I/O
//   mem-total-bytes          integer >= 0   MemTotal
//   mem-available-bytes      integer >= 0   MemAvailable, <= mem-total-bytes
//   mem-used-fraction        number 0..1    1 - MemAvailable / MemTotal
//   swap-used-fraction       number 0..1    1 - SwapFree / SwapTotal; 0 without swap
//   load-1, load-5, load-15  number >= 0    /proc/loadavg
//   disk-read-bytes-per-sec  number >= 0    summed over whole physical disks (see below)
//   disk-write-bytes-per-sec number >= 0
//   disk-io-busy-fraction    number 0..1    io_ticks of the busiest whole disk / elapsed time
//   net-rx-bytes-per-sec     number >= 0    summed over all interfaces except lo
//   net-tx-bytes-per-sec     number >= 0
//   net-rx-errors-per-sec    number >= 0
//   net-tx-errors-per-sec    number >= 0
//   net-drops-per-sec        number >= 0    receive plus transmit drops
//   procs-running            integer >= 0   procs_running in /proc/stat
//   procs-blocked            integer >= 0   procs_blocked in /proc/stat
//   uptime-seconds           number >= 0    first field of /proc/uptime
//   warnings                 array of text  optional; why some fields are 0 (see HostMetricsReader)
// Numbers may be encoded as CBOR integers or floats; integers must be CBOR integers.
struct HostMetrics
{
    std::int64_t wallMs = 0;
    double cpuBusy = 0;
    double cpuIowait = 0;
    std::int64_t memTotalBytes = 0;
    std::int64_t memAvailableBytes = 0;
    double memUsedFraction = 0;
    double swapUsedFraction = 0;
    double load1 = 0;
    double load5 = 0;
    double load15 = 0;
    double diskReadBytesPerSec = 0;
    double diskWriteBytesPerSec = 0;
    double diskIoBusyFraction = 0;
    double netRxBytesPerSec = 0;
    double netTxBytesPerSec = 0;
    double netRxErrorsPerSec = 0;
    double netTxErrorsPerSec = 0;
    double netDropsPerSec = 0;
    std::int64_t procsRunning = 0;
    std::int64_t procsBlocked = 0;
    double uptimeSeconds = 0;
    // Human-readable reasons why some fields are 0 although the host may be busy (an optional
    // /proc file missing or unreadable). Empty for a complete sample.
    QStringList warnings;

    QCborMap toCbor() const;
    // Fails with ProtocolError naming the first field that is missing, has the wrong CBOR type or
    // is out of range. Unknown keys are ignored so that newer agents can add fields.
    static Result<HostMetrics> fromCbor(const QCborMap &map);

    bool operator==(const HostMetrics &other) const = default;
};

// Reads HostMetrics from a /proc tree. Not thread-safe: owned by one thread (the agent's heartbeat
// timer). Cheap enough for every heartbeat (six small file reads; see tst_hostmetrics).
//
// Files: stat, meminfo, loadavg and uptime are required; a missing one fails the sample with
// IoError, a malformed one with Corruption, both naming the file (and the line, for Corruption).
// diskstats and net/dev are optional: when one is missing or malformed its fields are 0 and the
// sample carries a warning naming the file (and line) instead of failing. A failed sample leaves the
// previous counters in place, so the next sample's rates cover the whole interval.
//
// Disks: only whole physical disks count, so no I/O is counted twice. A device is skipped when it
//  - is a partition: its name is a listed device's name plus a partition number, following the
//    kernel's naming rule (sda -> sda1; a name ending in a digit takes a "p": nvme0n1 -> nvme0n1p1,
//    mmcblk0 -> mmcblk0p2), so sdaa and nvme0n10 remain disks;
//  - is backed by memory or a file: loop*, ram*, zram*;
//  - is stacked on other disks: dm-* (LVM, dm-crypt, multipath) and md* (software RAID).
// disk-io-busy-fraction is the busiest disk's share of the interval (like iostat's %util), not a
// sum, so it stays within 0..1 on hosts with several disks.
//
// Rates use clock.monotonicMs() deltas; two samples in the same millisecond give rates of 0.
class HostMetricsReader final
{
public:
    explicit HostMetricsReader(Clock &clock, QString procRoot = QStringLiteral("/proc"));
    ~HostMetricsReader();
    HostMetricsReader(const HostMetricsReader &) = delete;
    HostMetricsReader &operator=(const HostMetricsReader &) = delete;

    Result<HostMetrics> sample();

    QString procRoot() const { return m_procRoot; }

private:
    struct Counters;

    Clock &m_clock;
    QString m_procRoot;
    std::unique_ptr<Counters> m_previous; // null until the first successful sample
};

} // namespace foresight::metrics
