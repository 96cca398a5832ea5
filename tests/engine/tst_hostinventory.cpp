// The host inventory (docs/protocol.md 10.7) from hand-written /proc trees: CPUs, memory,
// interfaces and whole disks (partitions, loop, device-mapper and RAID devices left out, sizes
// from /proc/partitions); what is missing becomes a warning, except meminfo, whose absence or
// corruption fails naming the file; the CBOR form round-trips and refuses bad fields by name; the
// version names the content. And VersionedCopy, which the console mirrors inventories with.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/metrics/hostinventory.h"
#include "foresight/mirror/versionedcopy.h"

using namespace foresight;
using metrics::HostInventory;

namespace {

void write(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(content), content.size());
}

const QByteArray kMeminfo = "MemTotal:       32768000 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\n"
                            "SwapTotal:       2097148 kB\nSwapFree:        2097148 kB\n";

const QByteArray kCpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\n"
                            "processor\t: 1\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\n";

const QByteArray kNetDev = "Inter-|   Receive                                                |  Transmit\n"
                           " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
                           "drop fifo colls carrier compressed\n"
                           "    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n"
                           "  eth1: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n"
                           "  eth0: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n";

// Two disks with partitions, and devices that are not physical disks.
const QByteArray kPartitions = "major minor  #blocks  name\n\n"
                               "   8        0  976762584 sda\n"
                               "   8        1  976761560 sda1\n"
                               " 259        0  500107608 nvme0n1\n"
                               " 259        1     524288 nvme0n1p1\n"
                               "   7        0      65536 loop0\n"
                               " 253        0  975000000 dm-0\n"
                               "   9        0  976000000 md0\n";

} // namespace

class TestHostInventory : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_trees = 0;

    // A fresh /proc tree with the files given (path relative to the tree → content).
    QString tree(const QList<std::pair<QString, QByteArray>> &files)
    {
        const QString root = m_dir.filePath(QStringLiteral("proc%1").arg(++m_trees));
        QDir().mkpath(root);
        for (const auto &[path, content] : files)
            write(root + u'/' + path, content);
        return root;
    }

    QString fullTree()
    {
        return tree({{QStringLiteral("meminfo"), kMeminfo},
                     {QStringLiteral("cpuinfo"), kCpuinfo},
                     {QStringLiteral("net/dev"), kNetDev},
                     {QStringLiteral("partitions"), kPartitions},
                     {QStringLiteral("sys/kernel/hostname"), "db-7\n"},
                     {QStringLiteral("sys/kernel/osrelease"), "6.1.0-28-amd64\n"}});
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void readsWhatTheHostHas()
    {
        auto inventory = metrics::readHostInventory(fullTree());
        QVERIFY2(inventory, qPrintable(inventory ? QString() : inventory.error().toString()));
        QCOMPARE(inventory->hostname, QStringLiteral("db-7"));
        QCOMPARE(inventory->kernel, QStringLiteral("6.1.0-28-amd64"));
        QCOMPARE(inventory->cpus, 2);
        QCOMPARE(inventory->cpuModel, QStringLiteral("AMD EPYC 7B13"));
        QCOMPARE(inventory->memTotalBytes, 32768000LL * 1024);
        QCOMPARE(inventory->swapTotalBytes, 2097148LL * 1024);
        QCOMPARE(inventory->interfaces, (QStringList{QStringLiteral("eth0"), QStringLiteral("eth1")}));
        QCOMPARE(inventory->disks,
                 (QList<HostInventory::Disk>{{QStringLiteral("nvme0n1"), 500107608LL * 1024},
                                             {QStringLiteral("sda"), 976762584LL * 1024}}));
        QVERIFY2(inventory->warnings.isEmpty(), qPrintable(inventory->warnings.join(u'\n')));
    }

    void whatIsMissingIsAWarning()
    {
        // No cpuinfo: the CPUs of /proc/stat. No partitions: the disks of diskstats, sizes unknown.
        // No net/dev, no sys/kernel.
        const QString root = tree(
            {{QStringLiteral("meminfo"), kMeminfo},
             {QStringLiteral("stat"), "cpu  1 2 3 4\ncpu0 1 2 3 4\ncpu1 1 2 3 4\ncpu2 1 2 3 4\n"},
             {QStringLiteral("diskstats"),
              " 252 0 vda 1 0 2 3 4 0 5 6 0 7 8 0 0 0 0\n 252 1 vda1 1 0 2 3 4 0 5 6 0 7 8 0 0 0 0\n"}});
        auto inventory = metrics::readHostInventory(root);
        QVERIFY2(inventory, qPrintable(inventory ? QString() : inventory.error().toString()));
        QCOMPARE(inventory->cpus, 3);
        QCOMPARE(inventory->cpuModel, QString());
        QCOMPARE(inventory->disks, (QList<HostInventory::Disk>{{QStringLiteral("vda"), 0}}));
        QVERIFY(inventory->interfaces.isEmpty());
        const QString warnings = inventory->warnings.join(u'\n');
        QVERIFY2(warnings.contains(QStringLiteral("net/dev: ")), qPrintable(warnings));
        QVERIFY2(warnings.contains(QStringLiteral("partitions: ")), qPrintable(warnings));
        QVERIFY2(warnings.contains(QStringLiteral("sys/kernel/hostname: ")), qPrintable(warnings));
    }

    void withoutMeminfoItFails()
    {
        auto missing = metrics::readHostInventory(tree({{QStringLiteral("cpuinfo"), kCpuinfo}}));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::IoError);
        QVERIFY2(missing.error().message.contains(QStringLiteral("meminfo")), qPrintable(missing.error().message));
        auto corrupt = metrics::readHostInventory(tree({{QStringLiteral("meminfo"), "MemTotal: lots\n"}}));
        QVERIFY(!corrupt);
        QCOMPARE(corrupt.error().code, ErrorCode::Corruption);
        QVERIFY2(corrupt.error().message.contains(QStringLiteral("MemTotal")), qPrintable(corrupt.error().message));
    }

    void cborRoundTripsAndTheVersionNamesTheContent()
    {
        auto inventory = metrics::readHostInventory(fullTree());
        QVERIFY(inventory);
        auto back = HostInventory::fromCbor(inventory->toCbor());
        QVERIFY2(back, qPrintable(back ? QString() : back.error().toString()));
        QCOMPARE(*back, *inventory);
        QCOMPARE(back->version(), inventory->version());
        QVERIFY(inventory->version() > 0 && inventory->version() < (1ULL << 53));

        // The same content read again: the same version. A disk more: another one.
        auto again = metrics::readHostInventory(fullTree());
        QVERIFY(again);
        QCOMPARE(again->version(), inventory->version());
        HostInventory bigger = *inventory;
        bigger.disks.append({QStringLiteral("sdb"), 1024});
        QVERIFY(bigger.version() != inventory->version());
    }

    void badCborIsRefusedByName_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QCborValue>("value");
        QTest::newRow("cpus negative") << QStringLiteral("cpus") << QCborValue(-1);
        QTest::newRow("memory as text") << QStringLiteral("mem-total-bytes") << QCborValue(QStringLiteral("lots"));
        QTest::newRow("interfaces not text") << QStringLiteral("interfaces") << QCborValue(QCborArray{1, 2});
        QTest::newRow("disk without size")
            << QStringLiteral("disks")
            << QCborValue(QCborArray{QCborMap{{QStringLiteral("name"), QStringLiteral("sda")}}});
        QTest::newRow("hostname a number") << QStringLiteral("hostname") << QCborValue(7);
    }

    void badCborIsRefusedByName()
    {
        QFETCH(QString, key);
        QFETCH(QCborValue, value);
        auto inventory = metrics::readHostInventory(fullTree());
        QVERIFY(inventory);
        QCborMap map = inventory->toCbor();
        map.insert(key, value);
        auto parsed = HostInventory::fromCbor(map);
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().code, ErrorCode::ProtocolError);
        QVERIFY2(parsed.error().message.contains(QStringLiteral("\"%1\"").arg(key)), qPrintable(parsed.error().message));
        // And a required key missing.
        map = inventory->toCbor();
        map.remove(QStringLiteral("disks"));
        parsed = HostInventory::fromCbor(map);
        QVERIFY(!parsed);
        QVERIFY2(parsed.error().message.contains(QStringLiteral("\"disks\" is missing")),
                 qPrintable(parsed.error().message));
    }

    // The console's copy: fetched when the announced version differs, kept (a poll saved) while
    // it is the same, fetched again past its max age, one fetch at a time.
    void aVersionedCopyIsFetchedOnlyWhenTheVersionChanges()
    {
        mirror::VersionedCopy copy(60'000, 5'000);
        QVERIFY(!copy.announce(0, 0)); // nothing on offer yet
        QVERIFY(copy.announce(7, 100));
        QVERIFY(!copy.announce(7, 200)); // in flight: not asked twice
        QVERIFY(!copy.current());
        copy.fetched(7, 300);
        QVERIFY(copy.current());
        for (int i = 1; i <= 5; ++i)
            QVERIFY(!copy.announce(7, 300 + i * 1000));
        QCOMPARE(copy.pollsSaved(), 5);
        QCOMPARE(copy.fetches(), 1);

        // A new version: fetched; until it arrives the copy is not current.
        QVERIFY(copy.announce(8, 10'000));
        QVERIFY(!copy.current());
        copy.fetchFailed();
        QCOMPARE(copy.failures(), 1);
        QVERIFY(copy.announce(8, 11'000)); // asked again at the next announcement
        // Unanswered past the fetch time-out: written off, asked again.
        QVERIFY(!copy.announce(8, 12'000));
        QVERIFY(copy.announce(8, 16'001));
        QCOMPARE(copy.failures(), 2);
        copy.fetched(8, 16'100);
        QVERIFY(copy.current());

        // Past the max age, fetched again whatever is announced.
        QVERIFY(!copy.announce(8, 16'100 + 59'999));
        QVERIFY(copy.announce(8, 16'100 + 60'000));
        QCOMPARE(copy.fetches(), 5);
    }
};

QTEST_GUILESS_MAIN(TestHostInventory)
#include "tst_hostinventory.moc"
