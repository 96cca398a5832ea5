// Unit tests for HostMetrics and HostMetricsReader: rates and fractions from fake /proc trees
// driven by a ManualClock, counters that go backwards, missing and malformed files, the CBOR form,
// and one sample of this machine's real /proc.

#include <cmath>
#include <limits>
#include <map>

#include <QCborArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/metrics/hostmetrics.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::ManualClock;
using foresight::metrics::HostMetrics;
using foresight::metrics::HostMetricsReader;

namespace {

struct DiskCounters
{
    quint64 sectorsRead = 0;
    quint64 sectorsWritten = 0;
    quint64 ioTicksMs = 0;
};

struct NetCounters
{
    quint64 rxBytes = 0;
    quint64 rxErrors = 0;
    quint64 rxDrops = 0;
    quint64 txBytes = 0;
    quint64 txErrors = 0;
    quint64 txDrops = 0;
};

// user nice system idle iowait irq softirq steal guest guest_nice
using CpuTicks = std::array<quint64, 10>;

// The counters of a fake host; writeTo() renders them in the kernel's formats.
struct FakeHost
{
    CpuTicks cpu{401205, 0, 67065, 267274, 1186, 0, 6529, 110, 0, 0};
    quint64 memTotalKb = 16'000'000;
    quint64 memAvailableKb = 4'000'000;
    quint64 swapTotalKb = 2'000'000;
    quint64 swapFreeKb = 1'500'000;
    QByteArray loadavg = "0.73 1.27 1.92 3/83 8068\n";
    QByteArray uptime = "3643.88 2516.89\n";
    quint64 procsRunning = 3;
    quint64 procsBlocked = 1;
    // Listed in the kernel's order (by major, minor) on a host with a SATA disk, an NVMe disk,
    // a loop device and LVM.
    std::vector<std::pair<QByteArray, DiskCounters>> disks{
        {"loop0", {2'040, 0, 92}},
        {"sda", {9'384'122, 11'583'240, 25'872}},
        {"sda1", {9'380'000, 11'583'000, 25'800}},
        {"nvme0n1", {48'123'456, 80'000'000, 400'000}},
        {"nvme0n1p1", {48'000'000, 79'000'000, 399'000}},
        {"dm-0", {47'000'000, 78'000'000, 410'000}},
    };
    std::vector<std::pair<QByteArray, NetCounters>> interfaces{
        {"lo", {3'884'513'272, 0, 0, 3'884'513'272, 0, 0}},
        {"eth0", {60'174'207, 2, 5, 76'290, 1, 0}},
        {"wlan0", {1'234'567, 0, 11, 7'654'321, 3, 2}},
    };

    DiskCounters &disk(const QByteArray &name)
    {
        for (auto &[diskName, counters] : disks) {
            if (diskName == name)
                return counters;
        }
        qFatal("no disk %s", name.constData());
    }
    NetCounters &net(const QByteArray &name)
    {
        for (auto &[netName, counters] : interfaces) {
            if (netName == name)
                return counters;
        }
        qFatal("no interface %s", name.constData());
    }

    QByteArray stat() const
    {
        QByteArray text = "cpu ";
        for (quint64 ticks : cpu)
            text += ' ' + QByteArray::number(ticks);
        // Per-CPU lines and the rest, as on a real two-CPU host; the reader must skip them.
        text += "\ncpu0 196299 0 32247 139510 188 0 3300 51 0 0\n"
                "cpu1 204905 0 34818 127764 997 0 3228 58 0 0\n"
                "intr 8605158 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 13 0 0 0 0 748 317 0 73 1 201666\n"
                "ctxt 52607876\n"
                "btime 1795423264\n"
                "processes 74190\n";
        text += "procs_running " + QByteArray::number(procsRunning) + '\n';
        text += "procs_blocked " + QByteArray::number(procsBlocked) + '\n';
        text += "softirq 23697435 0 233647 4 22449204 201660 0 3 339787 301 472829\n";
        return text;
    }

    QByteArray meminfo() const
    {
        const auto line = [](const char *key, quint64 kb) -> QByteArray {
            return QByteArray(key).leftJustified(16, ' ') + QByteArray::number(kb).rightJustified(10, ' ') + " kB\n";
        };
        return line("MemTotal:", memTotalKb) + line("MemFree:", memAvailableKb - 100'000)
               + line("MemAvailable:", memAvailableKb) + line("Buffers:", 1780) + line("Cached:", 280432)
               + line("SwapCached:", 0) + line("Active:", 125824) + line("SwapTotal:", swapTotalKb)
               + line("SwapFree:", swapFreeKb) + line("Dirty:", 4964)
               + "HugePages_Total:       0\nHugePages_Free:        0\n" + line("Hugepagesize:", 2048);
    }

    QByteArray diskstats() const
    {
        QByteArray text;
        int minor = 0;
        for (const auto &[name, d] : disks) {
            // Linux 5.5+ layout: 17 counters after the name (reads, merged, sectors, ms, writes,
            // merged, sectors, ms, in flight, io_ticks, weighted ms, 4 discard, 2 flush fields).
            text += QByteArray::number(name.startsWith("loop") ? 7
                                       : name.startsWith("dm") ? 253
                                                               : 8)
                        .rightJustified(4)
                    + QByteArray::number(minor++).rightJustified(8) + ' ' + name + " 173582 20383 "
                    + QByteArray::number(d.sectorsRead) + " 191492 100252 39340 " + QByteArray::number(d.sectorsWritten)
                    + " 52239 0 " + QByteArray::number(d.ioTicksMs) + " 251090 36260 31 7409560 5874 21643 1484\n";
        }
        return text;
    }

    QByteArray netDev() const
    {
        QByteArray text = "Inter-|   Receive                                                |  Transmit\n"
                          " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
                          "drop fifo colls carrier compressed\n";
        for (const auto &[name, n] : interfaces) {
            text += name.rightJustified(6) + ": " + QByteArray::number(n.rxBytes).rightJustified(8) + "    1358 "
                    + QByteArray::number(n.rxErrors).rightJustified(4) + ' '
                    + QByteArray::number(n.rxDrops).rightJustified(4) + "    0     0          0         0 "
                    + QByteArray::number(n.txBytes).rightJustified(8) + "     873 "
                    + QByteArray::number(n.txErrors).rightJustified(4) + ' '
                    + QByteArray::number(n.txDrops).rightJustified(4) + "    0     0       0          0\n";
        }
        return text;
    }

    void writeTo(const QString &root) const
    {
        QVERIFY(QDir(root).mkpath(u"net"_s));
        writeFile(root + u"/stat"_s, stat());
        writeFile(root + u"/meminfo"_s, meminfo());
        writeFile(root + u"/loadavg"_s, loadavg);
        writeFile(root + u"/uptime"_s, uptime);
        writeFile(root + u"/diskstats"_s, diskstats());
        writeFile(root + u"/net/dev"_s, netDev());
    }

    static void writeFile(const QString &path, const QByteArray &content)
    {
        QFile file(path);
        QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
        QCOMPARE(file.write(content), content.size());
    }
};

// Deltas applied between the two samples of a rate test. Partitions get their disk's deltas, as
// the kernel counts partition I/O in the disk too; loop0, dm-0 and lo get large deltas that must
// not show up.
struct Deltas
{
    CpuTicks cpu{};
    DiskCounters sda{};
    DiskCounters nvme{};
    NetCounters eth0{};
    NetCounters wlan0{};
};

void add(DiskCounters &d, const DiskCounters &delta)
{
    d.sectorsRead += delta.sectorsRead;
    d.sectorsWritten += delta.sectorsWritten;
    d.ioTicksMs += delta.ioTicksMs;
}

void add(NetCounters &n, const NetCounters &delta)
{
    n.rxBytes += delta.rxBytes;
    n.rxErrors += delta.rxErrors;
    n.rxDrops += delta.rxDrops;
    n.txBytes += delta.txBytes;
    n.txErrors += delta.txErrors;
    n.txDrops += delta.txDrops;
}

void apply(FakeHost &host, const Deltas &deltas)
{
    for (std::size_t i = 0; i < host.cpu.size(); ++i)
        host.cpu[i] += deltas.cpu[i];
    add(host.disk("sda"), deltas.sda);
    add(host.disk("sda1"), deltas.sda);
    add(host.disk("nvme0n1"), deltas.nvme);
    add(host.disk("nvme0n1p1"), deltas.nvme);
    add(host.disk("loop0"), {1'000'000, 1'000'000, 900});
    add(host.disk("dm-0"), {2'000'000, 2'000'000, 900});
    add(host.net("eth0"), deltas.eth0);
    add(host.net("wlan0"), deltas.wlan0);
    add(host.net("lo"), {50'000'000, 7, 7, 50'000'000, 7, 7});
}

struct Expected
{
    double cpuBusy = 0;
    double cpuIowait = 0;
    double diskRead = 0;
    double diskWrite = 0;
    double diskBusy = 0;
    double netRx = 0;
    double netTx = 0;
    double netRxErrors = 0;
    double netTxErrors = 0;
    double netDrops = 0;
};

void compareRates(const HostMetrics &m, const Expected &e)
{
    QCOMPARE(m.cpuBusy, e.cpuBusy);
    QCOMPARE(m.cpuIowait, e.cpuIowait);
    QCOMPARE(m.diskReadBytesPerSec, e.diskRead);
    QCOMPARE(m.diskWriteBytesPerSec, e.diskWrite);
    QCOMPARE(m.diskIoBusyFraction, e.diskBusy);
    QCOMPARE(m.netRxBytesPerSec, e.netRx);
    QCOMPARE(m.netTxBytesPerSec, e.netTx);
    QCOMPARE(m.netRxErrorsPerSec, e.netRxErrors);
    QCOMPARE(m.netTxErrorsPerSec, e.netTxErrors);
    QCOMPARE(m.netDropsPerSec, e.netDrops);
}

const Expected kAllZero{};

// The error of a failed result, for QVERIFY2 (whose message is evaluated even when it passes).
template<typename T>
QByteArray errorOf(const foresight::Result<T> &result)
{
    return result ? QByteArray() : result.error().toString().toUtf8();
}

// A fully valid metrics value with every field set to something distinct.
HostMetrics sampleMetrics()
{
    HostMetrics m;
    m.wallMs = 1'700'000'123'456;
    m.cpuBusy = 0.625;
    m.cpuIowait = 0.03125;
    m.memTotalBytes = 16'384'000'000;
    m.memAvailableBytes = 4'096'000'000;
    m.memUsedFraction = 0.75;
    m.swapUsedFraction = 0.1;
    m.load1 = 0.73;
    m.load5 = 1.27;
    m.load15 = 1.92;
    m.diskReadBytesPerSec = 3'145'728;
    m.diskWriteBytesPerSec = 524'288.5;
    m.diskIoBusyFraction = 0.6;
    m.netRxBytesPerSec = 1'005'000;
    m.netTxBytesPerSec = 207'000;
    m.netRxErrorsPerSec = 3;
    m.netTxErrorsPerSec = 2;
    m.netDropsPerSec = 7;
    m.procsRunning = 3;
    m.procsBlocked = 1;
    m.uptimeSeconds = 3643.88;
    m.warnings = QStringList{u"/proc/diskstats is missing; disk I/O fields are 0"_s};
    return m;
}

} // namespace

Q_DECLARE_METATYPE(Deltas)
Q_DECLARE_METATYPE(Expected)

class TestHostMetrics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void firstSampleHasZeroRates();
    void rates_data();
    void rates();
    void diskSelection();
    void backwardsCountersGiveZero();
    void counterResetOnOneInterface();
    void interfacesComingAndGoing();
    void sameMillisecondGivesZeroRates();
    void optionalFileProblems_data();
    void optionalFileProblems();
    void requiredFileProblems_data();
    void requiredFileProblems();
    void failedSampleKeepsBaseline();
    void meminfoWithoutMemAvailable();
    void cborRoundTrip();
    void cborWithoutWarnings();
    void fromCborRejects_data();
    void fromCborRejects();
    void realProc();

private:
    QString root() const { return m_dir->path(); }

    std::unique_ptr<QTemporaryDir> m_dir;
    FakeHost m_host;
};

void TestHostMetrics::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_host = FakeHost{};
    m_host.writeTo(root());
}

void TestHostMetrics::firstSampleHasZeroRates()
{
    ManualClock clock;
    clock.advance(5000);
    HostMetricsReader reader(clock, root());
    const auto m = reader.sample();
    QVERIFY2(m, errorOf(m).constData());
    compareRates(*m, kAllZero);
    QCOMPARE(m->wallMs, clock.wallMs());
    QCOMPARE(m->memTotalBytes, 16'000'000LL * 1024);
    QCOMPARE(m->memAvailableBytes, 4'000'000LL * 1024);
    QCOMPARE(m->memUsedFraction, 0.75);
    QCOMPARE(m->swapUsedFraction, 0.25);
    QCOMPARE(m->load1, 0.73);
    QCOMPARE(m->load5, 1.27);
    QCOMPARE(m->load15, 1.92);
    QCOMPARE(m->procsRunning, 3);
    QCOMPARE(m->procsBlocked, 1);
    QCOMPARE(m->uptimeSeconds, 3643.88);
    QVERIFY2(m->warnings.isEmpty(), qPrintable(m->warnings.join(u'\n')));
}

void TestHostMetrics::rates_data()
{
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<Deltas>("deltas");
    QTest::addColumn<Expected>("expected");

    QTest::newRow("idle host") << qint64(1000) << Deltas{.cpu = {0, 0, 0, 200}} << kAllZero;

    // CPU: busy = user + nice + system + irq + softirq + steal = 150 of 200 ticks; guest (30) is
    // already inside user and must not be added again. iowait 10 of 200.
    // Disks: sda + nvme0n1 only: reads (2048 + 4096) * 512, writes 1024 * 512; busiest disk 600 ms.
    // Net: eth0 + wlan0, not lo; drops are rx + tx.
    const Deltas busy{.cpu = {90, 5, 40, 40, 10, 3, 2, 10, 30, 0},
                      .sda = {2048, 1024, 250},
                      .nvme = {4096, 0, 600},
                      .eth0 = {1'000'000, 3, 2, 200'000, 1, 1},
                      .wlan0 = {5'000, 0, 4, 7'000, 2, 0}};
    QTest::newRow("busy host, 1 s") << qint64(1000) << busy
                                    << Expected{0.75, 0.05, 3'145'728, 524'288, 0.6, 1'005'000, 207'000, 3, 3, 7};
    QTest::newRow("busy host, 250 ms") << qint64(
        250) << busy << Expected{0.75, 0.05, 12'582'912, 2'097'152, 1.0, 4'020'000, 828'000, 12, 12, 28};
    QTest::newRow("all iowait") << qint64(1000) << Deltas{.cpu = {0, 0, 0, 0, 100}}
                                << Expected{.cpuBusy = 0, .cpuIowait = 1};
    QTest::newRow("disk busier than elapsed is clamped")
        << qint64(1000) << Deltas{.sda = {0, 8, 1003}, .nvme = {0, 0, 999}}
        << Expected{.diskWrite = 4096, .diskBusy = 1.0};
}

void TestHostMetrics::rates()
{
    QFETCH(qint64, elapsedMs);
    QFETCH(Deltas, deltas);
    QFETCH(Expected, expected);

    ManualClock clock;
    HostMetricsReader reader(clock, root());
    const auto first = reader.sample();
    QVERIFY2(first, errorOf(first).constData());
    compareRates(*first, kAllZero);

    apply(m_host, deltas);
    m_host.writeTo(root());
    clock.advance(elapsedMs);
    const auto second = reader.sample();
    QVERIFY2(second, errorOf(second).constData());
    compareRates(*second, expected);
    QVERIFY(second->warnings.isEmpty());
}

void TestHostMetrics::diskSelection()
{
    // Device i reads 2^i sectors in one second, so the read rate says exactly which were counted.
    const QList<QByteArray> names{"loop0",
                                  "loop0p1",
                                  "ram0",
                                  "zram0",
                                  "sda",
                                  "sda1",
                                  "sda15",
                                  "sdaa",
                                  "sdaa1",
                                  "vda",
                                  "xvdb",
                                  "nvme0n1",
                                  "nvme0n1p1",
                                  "nvme0n10",
                                  "mmcblk0",
                                  "mmcblk0p2",
                                  "dm-0",
                                  "md127",
                                  "sr0"};
    const QList<QByteArray> wholeDisks{"sda", "sdaa", "vda", "xvdb", "nvme0n1", "nvme0n10", "mmcblk0", "sr0"};
    m_host.disks.clear();
    for (const QByteArray &name : names)
        m_host.disks.push_back({name, {}});
    m_host.writeTo(root());

    ManualClock clock;
    HostMetricsReader reader(clock, root());
    QVERIFY(reader.sample());
    quint64 expectedSectors = 0;
    for (qsizetype i = 0; i < names.size(); ++i) {
        m_host.disk(names[i]).sectorsRead += quint64(1) << i;
        if (wholeDisks.contains(names[i]))
            expectedSectors += quint64(1) << i;
    }
    m_host.writeTo(root());
    clock.advance(1000);
    const auto m = reader.sample();
    QVERIFY2(m, errorOf(m).constData());
    QCOMPARE(m->diskReadBytesPerSec, double(expectedSectors * 512));
}

void TestHostMetrics::backwardsCountersGiveZero()
{
    // As after a reboot under a long-running console-side reader, or 32-bit counters wrapping:
    // every counter is smaller than before.
    ManualClock clock;
    HostMetricsReader reader(clock, root());
    QVERIFY(reader.sample());
    for (quint64 &ticks : m_host.cpu)
        ticks /= 2;
    for (auto &[name, d] : m_host.disks)
        d = {d.sectorsRead / 2, d.sectorsWritten / 2, d.ioTicksMs / 2};
    for (auto &[name, n] : m_host.interfaces)
        n = {n.rxBytes / 2, 0, 0, n.txBytes / 2, 0, 0};
    m_host.writeTo(root());
    clock.advance(1000);
    const auto m = reader.sample();
    QVERIFY2(m, errorOf(m).constData());
    compareRates(*m, kAllZero);

    // The next interval counts normally from the new, lower baseline.
    apply(m_host, Deltas{.cpu = {50, 0, 0, 50}, .sda = {2, 0, 100}, .eth0 = {1000}});
    m_host.writeTo(root());
    clock.advance(1000);
    const auto next = reader.sample();
    QVERIFY(next);
    compareRates(*next, Expected{.cpuBusy = 0.5, .diskRead = 1024, .diskBusy = 0.1, .netRx = 1000});
}

void TestHostMetrics::counterResetOnOneInterface()
{
    ManualClock clock;
    HostMetricsReader reader(clock, root());
    QVERIFY(reader.sample());
    m_host.net("eth0") = {100, 0, 0, 100, 0, 0}; // re-created: counts from 0 again
    add(m_host.net("wlan0"), {4000, 1, 0, 2000, 0, 1});
    // One CPU counter going backwards (iowait may, on tickless kernels) spoils only itself.
    m_host.cpu[4] -= 5;
    m_host.cpu[0] += 25;
    m_host.cpu[3] += 75;
    m_host.writeTo(root());
    clock.advance(1000);
    const auto m = reader.sample();
    QVERIFY2(m, errorOf(m).constData());
    compareRates(*m, Expected{.cpuBusy = 0.25, .netRx = 4000, .netTx = 2000, .netRxErrors = 1, .netDrops = 1});
}

void TestHostMetrics::interfacesComingAndGoing()
{
    ManualClock clock;
    HostMetricsReader reader(clock, root());
    QVERIFY(reader.sample());
    // wlan0 goes away, eth1 appears with large counters (no baseline yet), eth0 keeps counting.
    m_host.interfaces.erase(m_host.interfaces.begin() + 2);
    m_host.interfaces.push_back({"eth1", {9'000'000'000, 5, 5, 9'000'000'000, 5, 5}});
    add(m_host.net("eth0"), {300, 0, 0, 200, 0, 0});
    m_host.writeTo(root());
    clock.advance(1000);
    const auto m = reader.sample();
    QVERIFY2(m, errorOf(m).constData());
    compareRates(*m, Expected{.netRx = 300, .netTx = 200});

    add(m_host.net("eth1"), {10, 0, 0, 20, 0, 0});
    m_host.writeTo(root());
    clock.advance(1000);
    const auto next = reader.sample();
    QVERIFY(next);
    compareRates(*next, Expected{.netRx = 10, .netTx = 20});
}

void TestHostMetrics::sameMillisecondGivesZeroRates()
{
    ManualClock clock;
    HostMetricsReader reader(clock, root());
    QVERIFY(reader.sample());
    add(m_host.net("eth0"), {300, 0, 0, 200, 0, 0});
    m_host.writeTo(root());
    const auto m = reader.sample();
    QVERIFY(m);
    QCOMPARE(m->netRxBytesPerSec, 0.0);
}

void TestHostMetrics::optionalFileProblems_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content"); // null: the file is removed
    QTest::addColumn<QString>("warning");

    QTest::newRow("diskstats missing") << u"diskstats"_s << QByteArray() << u"diskstats is missing"_s;
    QTest::newRow("net/dev missing") << u"net/dev"_s << QByteArray() << u"net/dev is missing"_s;
    QTest::newRow("diskstats short line")
        << u"diskstats"_s << QByteArray("   8       0 sda 1 2 3\n") << u"diskstats line 1"_s;
    QTest::newRow("net/dev garbage") << u"net/dev"_s << QByteArray("Inter-| Receive\n face |bytes\n  eth0: 12 x 0 0\n")
                                     << u"net/dev line 3"_s;
}

void TestHostMetrics::optionalFileProblems()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(QString, warning);

    ManualClock clock;
    HostMetricsReader reader(clock, root());
    QVERIFY(reader.sample());

    const QString path = root() + u'/' + file;
    apply(m_host, Deltas{.cpu = {10, 0, 0, 30}, .sda = {4, 4, 50}, .eth0 = {100, 1, 1, 100, 1, 1}});
    m_host.writeTo(root());
    if (content.isNull())
        QVERIFY(QFile::remove(path));
    else
        FakeHost::writeFile(path, content);
    clock.advance(1000);

    const auto m = reader.sample();
    QVERIFY2(m, errorOf(m).constData());
    QCOMPARE(m->warnings.size(), 1);
    QVERIFY2(m->warnings.first().contains(warning), qPrintable(m->warnings.first()));
    QCOMPARE(m->cpuBusy, 0.25); // the rest of the sample is intact
    QCOMPARE(m->memUsedFraction, 0.75);
    const bool disk = file == u"diskstats"_s;
    QCOMPARE(m->diskReadBytesPerSec, disk ? 0.0 : 2048.0);
    QCOMPARE(m->diskIoBusyFraction, disk ? 0.0 : 0.05);
    QCOMPARE(m->netRxBytesPerSec, disk ? 100.0 : 0.0);
    QCOMPARE(m->netDropsPerSec, disk ? 2.0 : 0.0);
}

void TestHostMetrics::requiredFileProblems_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content"); // null: the file is removed
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("stat missing") << u"stat"_s << QByteArray() << ErrorCode::IoError << u"/stat"_s;
    QTest::newRow("stat without cpu line")
        << u"stat"_s << QByteArray("cpu0 1 2 3 4 5\nprocs_running 1\nprocs_blocked 0\n") << ErrorCode::Corruption
        << u"/stat: no \"cpu\" line"_s;
    QTest::newRow("stat cpu not a number") << u"stat"_s << QByteArray("cpu  401205 0 67065 -1 1186 0 6529 110 0 0\n")
                                           << ErrorCode::Corruption << u"/stat line 1: \"cpu\" counter 4"_s;
    QTest::newRow("stat cpu too short") << u"stat"_s << QByteArray("intr 5\ncpu 1 2\n") << ErrorCode::Corruption
                                        << u"/stat line 2"_s;
    QTest::newRow("stat procs_running garbage")
        << u"stat"_s << QByteArray("cpu  1 2 3 4 5 6 7 8 0 0\nprocs_running lots\nprocs_blocked 0\n")
        << ErrorCode::Corruption << u"/stat line 2"_s;
    QTest::newRow("stat without procs_blocked")
        << u"stat"_s << QByteArray("cpu  1 2 3 4 5 6 7 8 0 0\nprocs_running 1\n") << ErrorCode::Corruption
        << u"no \"procs_blocked\" line"_s;
    QTest::newRow("meminfo missing") << u"meminfo"_s << QByteArray() << ErrorCode::IoError << u"/meminfo"_s;
    QTest::newRow("meminfo without MemTotal")
        << u"meminfo"_s << QByteArray("MemFree:  1000 kB\n") << ErrorCode::Corruption << u"/meminfo: no MemTotal"_s;
    QTest::newRow("meminfo bad number") << u"meminfo"_s
                                        << QByteArray("MemTotal:       16318412 kB\nMemFree:        12x4 kB\n")
                                        << ErrorCode::Corruption << u"/meminfo line 2"_s;
    QTest::newRow("meminfo wrong unit") << u"meminfo"_s << QByteArray("MemTotal:       16318412 MB\n")
                                        << ErrorCode::Corruption << u"/meminfo line 1"_s;
    QTest::newRow("loadavg garbage") << u"loadavg"_s << QByteArray("0.73 high 1.92 1/83 8068\n")
                                     << ErrorCode::Corruption << u"/loadavg line 1: field 2"_s;
    QTest::newRow("loadavg negative") << u"loadavg"_s << QByteArray("0.73 -1 1.92 1/83 8068\n") << ErrorCode::Corruption
                                      << u"/loadavg line 1"_s;
    QTest::newRow("uptime empty") << u"uptime"_s << QByteArray("") << ErrorCode::Corruption << u"/uptime: empty"_s;
    QTest::newRow("uptime missing") << u"uptime"_s << QByteArray() << ErrorCode::IoError << u"/uptime"_s;
}

void TestHostMetrics::requiredFileProblems()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);

    const QString path = root() + u'/' + file;
    if (content.isNull())
        QVERIFY(QFile::remove(path));
    else
        FakeHost::writeFile(path, content);

    ManualClock clock;
    HostMetricsReader reader(clock, root());
    const auto m = reader.sample();
    QVERIFY(!m);
    QCOMPARE(m.error().code, code);
    QVERIFY2(m.error().message.contains(message), qPrintable(m.error().message));
    QVERIFY2(m.error().message.contains(path), qPrintable(m.error().message));
}

void TestHostMetrics::failedSampleKeepsBaseline()
{
    ManualClock clock;
    HostMetricsReader reader(clock, root());
    QVERIFY(reader.sample());
    FakeHost::writeFile(root() + u"/stat"_s, "garbage\n");
    clock.advance(1000);
    QVERIFY(!reader.sample());

    add(m_host.net("eth0"), {4000, 0, 0, 0, 0, 0});
    m_host.writeTo(root());
    clock.advance(1000);
    const auto m = reader.sample();
    QVERIFY2(m, errorOf(m).constData());
    QCOMPARE(m->netRxBytesPerSec, 2000.0); // over both seconds since the last good sample
}

void TestHostMetrics::meminfoWithoutMemAvailable()
{
    // Linux before 3.14: MemAvailable is estimated from MemFree + Buffers + Cached, with a warning.
    FakeHost::writeFile(root() + u"/meminfo"_s,
                        "MemTotal:        1000000 kB\nMemFree:          300000 kB\nBuffers:           50000 kB\n"
                        "Cached:           150000 kB\nSwapCached:       999999 kB\nSwapTotal:             0 kB\n"
                        "SwapFree:              0 kB\n");
    ManualClock clock;
    HostMetricsReader reader(clock, root());
    const auto m = reader.sample();
    QVERIFY2(m, errorOf(m).constData());
    QCOMPARE(m->memAvailableBytes, 500'000LL * 1024);
    QCOMPARE(m->memUsedFraction, 0.5);
    QCOMPARE(m->swapUsedFraction, 0.0);
    QCOMPARE(m->warnings.size(), 1);
    QVERIFY(m->warnings.first().contains(u"MemAvailable"_s));
}

void TestHostMetrics::cborRoundTrip()
{
    const HostMetrics original = sampleMetrics();
    const QCborMap map = original.toCbor();
    QCOMPARE(map.value("cpu-busy"_L1).toDouble(), 0.625);
    QCOMPARE(map.value("mem-total-bytes"_L1).toInteger(), 16'384'000'000LL);
    QCOMPARE(map.value("warnings"_L1).toArray().size(), 1);
    // Through bytes too, as a heartbeat carries it.
    const auto decoded = HostMetrics::fromCbor(QCborValue::fromCbor(map.toCborValue().toCbor()).toMap());
    QVERIFY2(decoded, errorOf(decoded).constData());
    QVERIFY(*decoded == original);
}

void TestHostMetrics::cborWithoutWarnings()
{
    HostMetrics original = sampleMetrics();
    original.warnings.clear();
    const QCborMap map = original.toCbor();
    QVERIFY(!map.contains("warnings"_L1));
    QCOMPARE(map.size(), 21);
    const auto decoded = HostMetrics::fromCbor(map);
    QVERIFY(decoded);
    QVERIFY(*decoded == original);
}

void TestHostMetrics::fromCborRejects_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QCborValue>("value"); // undefined: the key is removed
    QTest::addColumn<QString>("message");

    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("missing cpu-busy") << u"cpu-busy"_s << QCborValue() << u"\"cpu-busy\" is missing"_s;
    QTest::newRow("missing wall-ms") << u"wall-ms"_s << QCborValue() << u"\"wall-ms\" is missing"_s;
    QTest::newRow("cpu-busy as text") << u"cpu-busy"_s << QCborValue(u"0.5"_s) << u"\"cpu-busy\" must be"_s;
    QTest::newRow("cpu-busy above 1") << u"cpu-busy"_s << QCborValue(1.5) << u"\"cpu-busy\" must be a number in 0..1"_s;
    QTest::newRow("mem-used-fraction negative")
        << u"mem-used-fraction"_s << QCborValue(-0.1) << u"\"mem-used-fraction\""_s;
    QTest::newRow("disk-io-busy-fraction 2")
        << u"disk-io-busy-fraction"_s << QCborValue(2) << u"\"disk-io-busy-fraction\" must be a number in 0..1"_s;
    QTest::newRow("swap-used-fraction NaN")
        << u"swap-used-fraction"_s << QCborValue(nan) << u"\"swap-used-fraction\""_s;
    QTest::newRow("load-1 negative") << u"load-1"_s << QCborValue(-0.5) << u"\"load-1\" must be a number >= 0"_s;
    QTest::newRow("net-rx-bytes-per-sec infinite")
        << u"net-rx-bytes-per-sec"_s << QCborValue(inf) << u"\"net-rx-bytes-per-sec\""_s;
    QTest::newRow("mem-total-bytes as float")
        << u"mem-total-bytes"_s << QCborValue(1.0e9) << u"\"mem-total-bytes\" must be an integer"_s;
    QTest::newRow("procs-running negative") << u"procs-running"_s << QCborValue(-1) << u"\"procs-running\""_s;
    QTest::newRow("procs-blocked as bool") << u"procs-blocked"_s << QCborValue(true) << u"\"procs-blocked\""_s;
    QTest::newRow("mem-available above total")
        << u"mem-available-bytes"_s << QCborValue(qint64(17'000'000'000)) << u"\"mem-available-bytes\" exceeds"_s;
    QTest::newRow("warnings not an array") << u"warnings"_s << QCborValue(u"oops"_s) << u"\"warnings\""_s;
    QTest::newRow("warnings with a number") << u"warnings"_s << QCborValue(QCborArray{u"a"_s, 5}) << u"\"warnings\""_s;
}

void TestHostMetrics::fromCborRejects()
{
    QFETCH(QString, key);
    QFETCH(QCborValue, value);
    QFETCH(QString, message);

    QCborMap map = sampleMetrics().toCbor();
    if (value.isUndefined())
        map.remove(key);
    else
        map.insert(key, value);
    const auto decoded = HostMetrics::fromCbor(map);
    QVERIFY(!decoded);
    QCOMPARE(decoded.error().code, ErrorCode::ProtocolError);
    QVERIFY2(decoded.error().message.contains(message), qPrintable(decoded.error().message));
}

void TestHostMetrics::realProc()
{
    if (!QFile::exists(u"/proc/stat"_s))
        QSKIP("no /proc on this system");
    foresight::SystemClock &clock = foresight::SystemClock::instance();
    HostMetricsReader reader(clock);
    QCOMPARE(reader.procRoot(), u"/proc"_s);

    // The cost of a sample, which the agent pays at every heartbeat (default every 100 ms).
    QElapsedTimer timer;
    timer.start();
    const auto first = reader.sample();
    const qint64 firstNs = timer.nsecsElapsed();
    QVERIFY2(first, errorOf(first).constData());
    constexpr int kRounds = 200;
    timer.restart();
    HostMetrics m;
    for (int i = 0; i < kRounds; ++i) {
        const auto next = reader.sample();
        QVERIFY2(next, errorOf(next).constData());
        m = *next;
    }
    qInfo("one sample of /proc: first %.1f us, then %.1f us on average over %d",
          double(firstNs) / 1000.0,
          double(timer.nsecsElapsed()) / 1000.0 / kRounds,
          kRounds);

    QVERIFY(m.memTotalBytes > 0);
    QVERIFY(m.memAvailableBytes <= m.memTotalBytes);
    for (double fraction : {m.cpuBusy, m.cpuIowait, m.memUsedFraction, m.swapUsedFraction, m.diskIoBusyFraction})
        QVERIFY2(fraction >= 0 && fraction <= 1, qPrintable(QString::number(fraction)));
    QVERIFY(m.cpuBusy + m.cpuIowait <= 1.0 + 1e-9);
    for (double nonNegative : {m.load1,
                               m.load5,
                               m.load15,
                               m.diskReadBytesPerSec,
                               m.diskWriteBytesPerSec,
                               m.netRxBytesPerSec,
                               m.netTxBytesPerSec,
                               m.netRxErrorsPerSec,
                               m.netTxErrorsPerSec,
                               m.netDropsPerSec,
                               m.uptimeSeconds})
        QVERIFY(std::isfinite(nonNegative) && nonNegative >= 0);
    QVERIFY(m.uptimeSeconds > 0);
    QVERIFY(m.procsRunning >= 1); // this test is running
    QVERIFY(m.wallMs > 0);
    QVERIFY2(m.warnings.isEmpty(), qPrintable(m.warnings.join(u'\n')));
    const auto decoded = HostMetrics::fromCbor(m.toCbor());
    QVERIFY2(decoded, errorOf(decoded).constData());
}

QTEST_GUILESS_MAIN(TestHostMetrics)
#include "tst_hostmetrics.moc"
