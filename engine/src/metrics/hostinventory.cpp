#include "foresight/metrics/hostinventory.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include <QCborArray>
#include <QFile>

#include "metrics/wholedisks.h"

namespace foresight::metrics {

namespace {

std::unexpected<Error> badField(const QString &key, const QString &what)
{
    return fail(ErrorCode::ProtocolError, QStringLiteral("host inventory: \"%1\" %2").arg(key, what));
}

// /proc files report a size of 0: read to the end, not by size. nullopt when it cannot be opened.
std::optional<QByteArray> readProcFile(const QString &path, QString *why)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *why = file.errorString();
        return std::nullopt;
    }
    return file.readAll();
}

QList<QByteArray> fieldsOf(const QByteArray &line)
{
    return line.simplified().split(' ');
}

// "MemTotal:  16314172 kB" -> bytes; -1 when the key is absent or the line malformed.
std::int64_t meminfoBytes(const QByteArray &meminfo, const QByteArray &key)
{
    for (const QByteArray &line : meminfo.split('\n')) {
        if (!line.startsWith(key))
            continue;
        const QList<QByteArray> fields = fieldsOf(line);
        bool ok = false;
        const qint64 kb = fields.size() == 3 && fields[2] == "kB" ? fields[1].toLongLong(&ok) : -1;
        if (!ok || kb < 0 || kb > std::numeric_limits<qint64>::max() / 1024)
            return -1;
        return kb * 1024;
    }
    return -1;
}

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), std::size_t(bytes.size())};
}

} // namespace

QCborMap HostInventory::toCbor() const
{
    QCborMap map;
    if (!hostname.isEmpty())
        map.insert(QStringLiteral("hostname"), hostname);
    if (!kernel.isEmpty())
        map.insert(QStringLiteral("kernel"), kernel);
    map.insert(QStringLiteral("cpus"), cpus);
    if (!cpuModel.isEmpty())
        map.insert(QStringLiteral("cpu-model"), cpuModel);
    map.insert(QStringLiteral("mem-total-bytes"), qint64(memTotalBytes));
    map.insert(QStringLiteral("swap-total-bytes"), qint64(swapTotalBytes));
    map.insert(QStringLiteral("interfaces"), QCborArray::fromStringList(interfaces));
    QCborArray diskArray;
    for (const Disk &disk : disks)
        diskArray.append(
            QCborMap{{QStringLiteral("name"), disk.name}, {QStringLiteral("size-bytes"), qint64(disk.sizeBytes)}});
    map.insert(QStringLiteral("disks"), diskArray);
    if (!warnings.isEmpty())
        map.insert(QStringLiteral("warnings"), QCborArray::fromStringList(warnings));
    return map;
}

Result<HostInventory> HostInventory::fromCbor(const QCborMap &map)
{
    HostInventory inventory;
    const auto text = [&](const char *key, QString &into) -> Status {
        const QCborValue value = map.value(QLatin1String(key));
        if (value.isUndefined())
            return {};
        if (!value.isString())
            return badField(QLatin1String(key), QStringLiteral("must be text"));
        into = value.toString();
        return {};
    };
    const auto count = [&](const char *key, std::int64_t &into) -> Status {
        const QCborValue value = map.value(QLatin1String(key));
        if (value.isUndefined())
            return badField(QLatin1String(key), QStringLiteral("is missing"));
        if (!value.isInteger() || value.toInteger() < 0)
            return badField(QLatin1String(key), QStringLiteral("must be an integer >= 0"));
        into = value.toInteger();
        return {};
    };
    const auto texts = [&](const char *key, QStringList &into, bool required) -> Status {
        const QCborValue value = map.value(QLatin1String(key));
        if (value.isUndefined())
            return required ? badField(QLatin1String(key), QStringLiteral("is missing")) : Status{};
        if (!value.isArray())
            return badField(QLatin1String(key), QStringLiteral("must be an array of text"));
        for (const QCborValue &item : value.toArray()) {
            if (!item.isString())
                return badField(QLatin1String(key), QStringLiteral("must be an array of text"));
            into.append(item.toString());
        }
        return {};
    };
    std::int64_t cpus = 0;
    for (const Status &read : {text("hostname", inventory.hostname),
                               text("kernel", inventory.kernel),
                               count("cpus", cpus),
                               text("cpu-model", inventory.cpuModel),
                               count("mem-total-bytes", inventory.memTotalBytes),
                               count("swap-total-bytes", inventory.swapTotalBytes),
                               texts("interfaces", inventory.interfaces, true),
                               texts("warnings", inventory.warnings, false)}) {
        if (!read)
            return std::unexpected(read.error());
    }
    if (cpus > std::numeric_limits<int>::max())
        return badField(QStringLiteral("cpus"), QStringLiteral("is out of range"));
    inventory.cpus = int(cpus);
    const QCborValue disks = map.value(QStringLiteral("disks"));
    if (!disks.isArray())
        return badField(QStringLiteral("disks"),
                        disks.isUndefined() ? QStringLiteral("is missing") : QStringLiteral("must be an array of maps"));
    for (const QCborValue &item : disks.toArray()) {
        const QCborMap disk = item.toMap();
        const QCborValue name = disk.value(QStringLiteral("name"));
        const QCborValue size = disk.value(QStringLiteral("size-bytes"));
        if (!item.isMap() || !name.isString() || !size.isInteger() || size.toInteger() < 0)
            return badField(QStringLiteral("disks"),
                            QStringLiteral("must be maps of \"name\" (text) and \"size-bytes\" (integer >= 0)"));
        inventory.disks.append({name.toString(), size.toInteger()});
    }
    return inventory;
}

std::uint64_t HostInventory::version() const
{
    // QCborMap keeps insertion order and toCbor() inserts in a fixed one: the same content
    // encodes to the same bytes.
    const QByteArray bytes = QCborValue(toCbor()).toCbor();
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : bytes) {
        hash ^= std::uint8_t(c);
        hash *= 1099511628211ULL;
    }
    // 53 bits: exact as a JSON number too (the console's HTTP API and status --json carry it).
    hash >>= 11;
    return hash == 0 ? 1 : hash;
}

Result<HostInventory> readHostInventory(const QString &procRoot)
{
    HostInventory inventory;
    QString why;
    const QString meminfoPath = procRoot + QStringLiteral("/meminfo");
    const auto meminfo = readProcFile(meminfoPath, &why);
    if (!meminfo)
        return fail(ErrorCode::IoError, QStringLiteral("%1: %2").arg(meminfoPath, why));
    inventory.memTotalBytes = meminfoBytes(*meminfo, "MemTotal:");
    if (inventory.memTotalBytes <= 0)
        return fail(ErrorCode::Corruption, QStringLiteral("%1: no MemTotal line, or MemTotal is 0").arg(meminfoPath));
    inventory.swapTotalBytes = std::max<std::int64_t>(0, meminfoBytes(*meminfo, "SwapTotal:"));

    const auto optional = [&](const QString &name) -> std::optional<QByteArray> {
        QString error;
        auto content = readProcFile(procRoot + u'/' + name, &error);
        if (!content)
            inventory.warnings.append(QStringLiteral("%1: %2").arg(name, error));
        return content;
    };
    if (const auto hostname = optional(QStringLiteral("sys/kernel/hostname")))
        inventory.hostname = QString::fromUtf8(hostname->trimmed());
    if (const auto kernel = optional(QStringLiteral("sys/kernel/osrelease")))
        inventory.kernel = QString::fromUtf8(kernel->trimmed());

    // CPUs: cpuinfo's processor entries; a tree without cpuinfo (a simulated host) counts
    // /proc/stat's cpuN lines.
    QString cpuinfoError;
    if (const auto cpuinfo = readProcFile(procRoot + QStringLiteral("/cpuinfo"), &cpuinfoError)) {
        for (const QByteArray &line : cpuinfo->split('\n')) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray key = line.left(colon).trimmed();
            if (key == "processor")
                ++inventory.cpus;
            else if (key == "model name" && inventory.cpuModel.isEmpty())
                inventory.cpuModel = QString::fromUtf8(line.mid(colon + 1).trimmed());
        }
    } else if (const auto stat = readProcFile(procRoot + QStringLiteral("/stat"), &why)) {
        for (const QByteArray &line : stat->split('\n')) {
            if (line.startsWith("cpu") && line.size() > 3 && line[3] >= '0' && line[3] <= '9')
                ++inventory.cpus;
        }
    }
    if (inventory.cpus == 0)
        inventory.warnings.append(QStringLiteral("cpuinfo: no processor listed (%1)")
                                      .arg(cpuinfoError.isEmpty() ? QStringLiteral("none in the file") : cpuinfoError));

    if (const auto netDev = optional(QStringLiteral("net/dev"))) {
        for (const QByteArray &line : netDev->split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon < 0 || line.contains('|'))
                continue;
            const QString name = QString::fromUtf8(line.left(colon).trimmed());
            if (!name.isEmpty() && name != QLatin1String("lo"))
                inventory.interfaces.append(name);
        }
        inventory.interfaces.sort();
    }

    // Disks: /proc/partitions lists every block device with its size in 1 KiB blocks
    // ("major minor #blocks name"); without it, /proc/diskstats names them, sizes unknown.
    QList<QPair<QByteArray, std::int64_t>> devices;
    QString partitionsError;
    if (const auto partitions = readProcFile(procRoot + QStringLiteral("/partitions"), &partitionsError)) {
        for (const QByteArray &line : partitions->split('\n')) {
            const QList<QByteArray> fields = fieldsOf(line);
            bool ok = false;
            const qint64 blocks = fields.size() == 4 ? fields[2].toLongLong(&ok) : -1;
            if (ok && blocks >= 0 && blocks <= std::numeric_limits<qint64>::max() / 1024)
                devices.append({fields[3], blocks * 1024});
        }
    } else if (const auto diskstats = optional(QStringLiteral("diskstats"))) {
        inventory.warnings.append(QStringLiteral("partitions: %1 (disk sizes unknown)").arg(partitionsError));
        for (const QByteArray &line : diskstats->split('\n')) {
            const QList<QByteArray> fields = fieldsOf(line);
            if (fields.size() >= 3)
                devices.append({fields[2], 0});
        }
    }
    for (const auto &[name, size] : devices) {
        if (isWholeDisk(view(name), devices, [](const auto &device) { return view(device.first); }))
            inventory.disks.append({QString::fromUtf8(name), size});
    }
    std::sort(inventory.disks.begin(), inventory.disks.end(), [](const auto &a, const auto &b) {
        return a.name < b.name;
    });
    return inventory;
}

} // namespace foresight::metrics
