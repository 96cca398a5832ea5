#pragma once

#include <QList>
#include <QRandomGenerator>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/sim/scenario.h"

namespace foresight::sim {

// How a simulated host behaves when nothing is wrong.
struct SimulatedHostSettings
{
    QString root;     // the folder its /proc files are written to (created if absent)
    quint32 seed = 1; // noise; two hosts with different seeds do not move in lockstep
    int cpus = 4;
    qint64 memTotalKb = 16LL * 1024 * 1024;
    double cpuBusy = 0.25;       // mean CPU use, 0..1
    double cpuDailySwing = 0.15; // peak-to-mean of the daily cycle (busiest at 14:00 UTC)
    double memUsed = 0.45;       // share of memory in use, 0..1
    double diskBusy = 0.08;      // share of time the disk is busy
    double netBytesPerSec = 2e6;
    double noise = 0.03;   // standard deviation of the noise added to every level
    qint64 bootWallMs = 0; // for the uptime; 0: when the host is created

    Status validate() const;
};

// A machine that exists only as the files a real foresight-agent reads its host metrics from
// (stat, meminfo, loadavg, uptime, diskstats, net/dev, in the kernel's formats) and its inventory
// (cpuinfo, partitions, sys/kernel/hostname and osrelease, written once): started with
// `--proc-root <root>`, the agent runs its real code on a simulated host. Levels follow a daily
// cycle with noise; a degradation makes them worsen the way failures begin on real machines:
//   memory-leak     available memory shrinks towards nothing, then swap fills, load rises
//   disk-errors     I/O retries: iowait, disk busy time and blocked processes climb
//   latency-creep   network drops and errors creep up, with load
//   cpu-saturation  CPU use climbs to the ceiling and the run queue grows
// over the degradation's duration (progress 0 → 1), and stay there until cleared.
//
// Time is what the caller passes (a Clock's wall time), so a simulation can run faster than real
// time. Counters only grow, as the kernel's do; files are replaced atomically (write, rename), so
// a reader never sees half a file. Not thread-safe: one owner advances it.
class SimulatedHost final
{
public:
    static Result<SimulatedHost> create(const SimulatedHostSettings &settings, qint64 nowWallMs);

    const SimulatedHostSettings &settings() const { return m_settings; }

    // Moves the host to nowWallMs (earlier times are ignored) and rewrites its files.
    Status advanceTo(qint64 nowWallMs);
    // Starts a degradation now, growing over durationMs (0: reaches its worst at once).
    void degrade(Degradation degradation, qint64 nowWallMs, qint64 durationMs);
    // The host is healthy again (a repair, or a restart onto good hardware).
    void clearDegradations();
    bool degraded() const { return !m_degradations.isEmpty(); }

    // The levels of the latest advanceTo(), as the agent should report them (for tests).
    struct Levels
    {
        double cpuBusy = 0;
        double cpuIowait = 0;
        double memUsed = 0;
        double swapUsed = 0;
        double load1 = 0;
        double diskBusy = 0;
        double netErrorsPerSec = 0;
        double netDropsPerSec = 0;
        int procsBlocked = 0;
    };
    const Levels &levels() const { return m_levels; }

private:
    struct ActiveDegradation
    {
        Degradation degradation;
        qint64 startWallMs = 0;
        qint64 durationMs = 0;
    };
    struct Counters
    {
        double user = 0, system = 0, idle = 0, iowait = 0; // USER_HZ ticks, all CPUs
        double sectorsRead = 0, sectorsWritten = 0, ioTicksMs = 0;
        double rxBytes = 0, txBytes = 0, rxErrors = 0, txErrors = 0, rxDrops = 0;
    };

    SimulatedHost() = default;
    Levels levelsAt(qint64 wallMs);
    double progress(const ActiveDegradation &degradation, qint64 wallMs) const;
    Status writeFiles(qint64 nowWallMs) const;
    Status writeInventoryFiles() const; // cpuinfo, partitions, sys/kernel: once, at create()

    SimulatedHostSettings m_settings;
    QRandomGenerator m_random;
    QList<ActiveDegradation> m_degradations;
    Counters m_counters;
    Levels m_levels;
    qint64 m_nowWallMs = 0;
};

} // namespace foresight::sim
