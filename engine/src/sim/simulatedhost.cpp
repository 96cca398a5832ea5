#include "foresight/sim/simulatedhost.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace foresight::sim {

namespace {

constexpr double kTicksPerSecond = 100; // USER_HZ
constexpr double kDayMs = 86'400'000.0;
constexpr double kSectorsPerBusySecond = 40'000; // about 20 MB/s while the disk is busy

double clamp01(double value)
{
    return std::clamp(value, 0.0, 1.0);
}

// Readers (agents polling their --proc-root) must see the old file or the new one, never half of
// one: written aside, then renamed over it. Not synced: these files stand in for /proc, which is
// never on disk, and an fsync per file per tick made a simulated host slower than the cluster it
// simulates on a loaded machine.
Status writeAtomically(const QString &path, const QByteArray &content)
{
    const QString aside = path + QStringLiteral(".new");
    QFile file(aside);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size() || !file.flush())
        return fail(ErrorCode::IoError,
                    QStringLiteral("simulated host: cannot write %1: %2").arg(aside, file.errorString()));
    file.close();
    if (std::rename(QFile::encodeName(aside).constData(), QFile::encodeName(path).constData()) != 0)
        return fail(ErrorCode::IoError,
                    QStringLiteral("simulated host: cannot replace %1: %2")
                        .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    return {};
}

QByteArray number(double value)
{
    return QByteArray::number(qint64(std::llround(value)));
}

} // namespace

Status SimulatedHostSettings::validate() const
{
    const auto invalid = [](const QString &what) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("simulated host: ") + what);
    };
    if (root.isEmpty())
        return invalid(QStringLiteral("root must name a folder"));
    if (cpus < 1 || cpus > 1024)
        return invalid(QStringLiteral("cpus must be 1..1024"));
    if (memTotalKb < 1024)
        return invalid(QStringLiteral("memTotalKb must be at least 1024"));
    for (const auto &[name, value] : {std::pair{"cpuBusy", cpuBusy},
                                      std::pair{"cpuDailySwing", cpuDailySwing},
                                      std::pair{"memUsed", memUsed},
                                      std::pair{"diskBusy", diskBusy},
                                      std::pair{"noise", noise}}) {
        if (!(value >= 0 && value <= 1))
            return invalid(QStringLiteral("%1 must be within 0..1").arg(QLatin1String(name)));
    }
    if (!(netBytesPerSec >= 0))
        return invalid(QStringLiteral("netBytesPerSec must not be negative"));
    return {};
}

Result<SimulatedHost> SimulatedHost::create(const SimulatedHostSettings &settings, qint64 nowWallMs)
{
    if (Status valid = settings.validate(); !valid)
        return std::unexpected(valid.error());
    if (!QDir().mkpath(settings.root + QStringLiteral("/net"))
        || !QDir().mkpath(settings.root + QStringLiteral("/sys/kernel")))
        return fail(ErrorCode::IoError, QStringLiteral("simulated host: cannot create %1").arg(settings.root));
    SimulatedHost host;
    host.m_settings = settings;
    if (host.m_settings.bootWallMs == 0)
        host.m_settings.bootWallMs = nowWallMs;
    host.m_random.seed(settings.seed);
    // Counters start where a host up for a while would have them, so the first reading's rates
    // (computed against nothing) do not matter and the second is ordinary.
    host.m_counters.idle = 1e6;
    host.m_counters.user = 3e5;
    host.m_nowWallMs = nowWallMs;
    host.m_levels = host.levelsAt(nowWallMs);
    if (Status written = host.writeInventoryFiles(); !written)
        return std::unexpected(written.error());
    if (Status written = host.writeFiles(nowWallMs); !written)
        return std::unexpected(written.error());
    return host;
}

Status SimulatedHost::writeInventoryFiles() const
{
    // What the host has (docs/protocol.md 10.7), written once: it does not change by itself.
    QByteArray cpuinfo;
    for (int cpu = 0; cpu < m_settings.cpus; ++cpu)
        cpuinfo += "processor\t: " + QByteArray::number(cpu) + "\nmodel name\t: Foresight simulated vCPU\n\n";
    // The virtio disk of diskstats, 50 GiB, with one partition filling it.
    const QByteArray partitions = "major minor  #blocks  name\n\n 252        0   52428800 vda\n"
                                  " 252        1   52427776 vda1\n";
    for (const auto &[file, content] :
         {std::pair{QStringLiteral("/cpuinfo"), cpuinfo},
          std::pair{QStringLiteral("/partitions"), partitions},
          std::pair{QStringLiteral("/sys/kernel/hostname"),
                    QByteArray(QFileInfo(m_settings.root).fileName().toUtf8() + '\n')},
          std::pair{QStringLiteral("/sys/kernel/osrelease"), QByteArray("foresight-simulated\n")}}) {
        if (Status written = writeAtomically(m_settings.root + file, content); !written)
            return written;
    }
    return {};
}

double SimulatedHost::progress(const ActiveDegradation &degradation, qint64 wallMs) const
{
    if (degradation.durationMs <= 0)
        return 1.0;
    return clamp01(double(wallMs - degradation.startWallMs) / double(degradation.durationMs));
}

SimulatedHost::Levels SimulatedHost::levelsAt(qint64 wallMs)
{
    const auto noise = [&](double scale) { return (m_random.generateDouble() * 2 - 1) * m_settings.noise * scale; };
    // Busiest at 14:00 UTC, quietest at 02:00.
    const double hours = std::fmod(double(wallMs), kDayMs) / 3'600'000.0;
    const double daily = std::sin(2 * std::numbers::pi * (hours - 8) / 24);

    Levels l;
    l.cpuBusy = clamp01(m_settings.cpuBusy + m_settings.cpuDailySwing * daily + noise(1));
    l.cpuIowait = clamp01(0.01 + std::abs(noise(0.2)));
    l.memUsed = clamp01(m_settings.memUsed + 0.03 * daily + noise(0.3));
    l.diskBusy = clamp01(m_settings.diskBusy + std::abs(noise(0.5)));
    double extraLoad = 0;
    for (const ActiveDegradation &degradation : m_degradations) {
        const double p = progress(degradation, wallMs);
        switch (degradation.degradation) {
        case Degradation::MemoryLeak:
            l.memUsed = clamp01(l.memUsed + (0.985 - l.memUsed) * p);
            l.swapUsed = clamp01(std::max(0.0, (p - 0.7) / 0.3) * 0.8);
            extraLoad += 2 * p; // paging
            break;
        case Degradation::DiskErrors:
            l.cpuIowait = clamp01(l.cpuIowait + 0.4 * p);
            l.diskBusy = clamp01(l.diskBusy + (0.95 - l.diskBusy) * p);
            l.procsBlocked += int(std::lround(6 * p));
            break;
        case Degradation::LatencyCreep:
            l.netDropsPerSec += 50 * p;
            l.netErrorsPerSec += 10 * p;
            extraLoad += p;
            break;
        case Degradation::CpuSaturation:
            l.cpuBusy = clamp01(l.cpuBusy + (0.99 - l.cpuBusy) * p);
            extraLoad += 1.5 * m_settings.cpus * p;
            break;
        }
    }
    l.cpuBusy = std::min(l.cpuBusy, 1.0 - l.cpuIowait);
    l.load1 = std::max(0.0, m_settings.cpus * l.cpuBusy + l.procsBlocked + extraLoad + noise(1));
    return l;
}

void SimulatedHost::degrade(Degradation degradation, qint64 nowWallMs, qint64 durationMs)
{
    m_degradations.append(ActiveDegradation{degradation, nowWallMs, std::max<qint64>(0, durationMs)});
}

void SimulatedHost::clearDegradations()
{
    m_degradations.clear();
}

Status SimulatedHost::advanceTo(qint64 nowWallMs)
{
    const double seconds = double(std::max<qint64>(0, nowWallMs - m_nowWallMs)) / 1000.0;
    m_nowWallMs = std::max(m_nowWallMs, nowWallMs);
    m_levels = levelsAt(m_nowWallMs);
    const Levels &l = m_levels;
    Counters &c = m_counters;
    const double ticks = kTicksPerSecond * m_settings.cpus * seconds;
    c.user += ticks * l.cpuBusy * 0.8;
    c.system += ticks * l.cpuBusy * 0.2;
    c.iowait += ticks * l.cpuIowait;
    c.idle += ticks * std::max(0.0, 1 - l.cpuBusy - l.cpuIowait);
    c.ioTicksMs += seconds * 1000 * l.diskBusy;
    c.sectorsRead += seconds * kSectorsPerBusySecond * l.diskBusy * 0.3;
    c.sectorsWritten += seconds * kSectorsPerBusySecond * l.diskBusy * 0.7;
    c.rxBytes += seconds * m_settings.netBytesPerSec;
    c.txBytes += seconds * m_settings.netBytesPerSec * 0.6;
    c.rxErrors += seconds * l.netErrorsPerSec * 0.5;
    c.txErrors += seconds * l.netErrorsPerSec * 0.5;
    c.rxDrops += seconds * l.netDropsPerSec;
    return writeFiles(m_nowWallMs);
}

Status SimulatedHost::writeFiles(qint64 nowWallMs) const
{
    const Counters &c = m_counters;
    const Levels &l = m_levels;
    const QString &root = m_settings.root;

    const QByteArray stat = "cpu  " + number(c.user) + " 0 " + number(c.system) + ' ' + number(c.idle) + ' '
                            + number(c.iowait) + " 0 0 0 0 0\n" + "procs_running "
                            + QByteArray::number(std::max(1, int(std::lround(l.cpuBusy * m_settings.cpus)))) + '\n'
                            + "procs_blocked " + QByteArray::number(l.procsBlocked) + '\n';
    const qint64 availableKb = std::llround(double(m_settings.memTotalKb) * (1 - l.memUsed));
    const qint64 swapTotalKb = m_settings.memTotalKb / 4;
    const QByteArray meminfo = "MemTotal:       " + QByteArray::number(m_settings.memTotalKb) + " kB\n"
                               + "MemFree:        " + QByteArray::number(availableKb * 6 / 10) + " kB\n"
                               + "MemAvailable:   " + QByteArray::number(availableKb) + " kB\n"
                               + "Buffers:        " + QByteArray::number(availableKb / 20) + " kB\n"
                               + "Cached:         " + QByteArray::number(availableKb * 3 / 10) + " kB\n"
                               + "SwapTotal:      " + QByteArray::number(swapTotalKb) + " kB\n"
                               + "SwapFree:       " + number(double(swapTotalKb) * (1 - l.swapUsed)) + " kB\n";
    const QByteArray loadavg = QByteArray::number(l.load1, 'f', 2) + ' ' + QByteArray::number(l.load1 * 0.9, 'f', 2)
                               + ' ' + QByteArray::number(l.load1 * 0.8, 'f', 2) + " 2/300 4242\n";
    const double upSeconds = double(nowWallMs - m_settings.bootWallMs) / 1000.0;
    const QByteArray uptime = QByteArray::number(std::max(0.0, upSeconds), 'f', 2) + ' '
                              + QByteArray::number(std::max(0.0, upSeconds) * m_settings.cpus * 0.7, 'f', 2) + '\n';
    // A virtio disk, Linux 5.5+ layout (17 counters after the name).
    const QByteArray diskstats = " 252       0 vda 1000 0 " + number(c.sectorsRead) + " 500 2000 0 "
                                 + number(c.sectorsWritten) + " 900 0 " + number(c.ioTicksMs) + " 1400 0 0 0 0 0 0\n";
    const QByteArray netDev
        = "Inter-|   Receive                                                |  Transmit\n"
          " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
          "carrier compressed\n"
          "    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0     "
          "  0          0\n"
          "  eth0: "
          + number(c.rxBytes) + ' ' + number(c.rxBytes / 1000) + ' ' + number(c.rxErrors) + ' ' + number(c.rxDrops)
          + " 0 0 0 0 " + number(c.txBytes) + ' ' + number(c.txBytes / 1000) + ' ' + number(c.txErrors)
          + " 0 0 0 0 0\n";

    for (const auto &[file, content] : {std::pair{QStringLiteral("/stat"), stat},
                                        std::pair{QStringLiteral("/meminfo"), meminfo},
                                        std::pair{QStringLiteral("/loadavg"), loadavg},
                                        std::pair{QStringLiteral("/uptime"), uptime},
                                        std::pair{QStringLiteral("/diskstats"), diskstats},
                                        std::pair{QStringLiteral("/net/dev"), netDev}}) {
        if (Status written = writeAtomically(root + file, content); !written)
            return written;
    }
    return {};
}

} // namespace foresight::sim
