#include "foresight/metrics/hostmetrics.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <QCborArray>
#include <QFile>

#include "foresight/core/clock.h"
#include "metrics/wholedisks.h"

namespace foresight::metrics {

namespace {

// ---- CBOR ------------------------------------------------------------------------------------

// One table for both directions, so a key cannot be spelt differently by the writer and reader.
struct IntField
{
    QLatin1String key;
    std::int64_t HostMetrics::*member;
};

enum class Range { NonNegative, Fraction };

struct DoubleField
{
    QLatin1String key;
    double HostMetrics::*member;
    Range range;
};

const IntField kIntFields[] = {
    {QLatin1String("wall-ms"), &HostMetrics::wallMs},
    {QLatin1String("mem-total-bytes"), &HostMetrics::memTotalBytes},
    {QLatin1String("mem-available-bytes"), &HostMetrics::memAvailableBytes},
    {QLatin1String("procs-running"), &HostMetrics::procsRunning},
    {QLatin1String("procs-blocked"), &HostMetrics::procsBlocked},
};

const DoubleField kDoubleFields[] = {
    {QLatin1String("cpu-busy"), &HostMetrics::cpuBusy, Range::Fraction},
    {QLatin1String("cpu-iowait"), &HostMetrics::cpuIowait, Range::Fraction},
    {QLatin1String("mem-used-fraction"), &HostMetrics::memUsedFraction, Range::Fraction},
    {QLatin1String("swap-used-fraction"), &HostMetrics::swapUsedFraction, Range::Fraction},
    {QLatin1String("load-1"), &HostMetrics::load1, Range::NonNegative},
    {QLatin1String("load-5"), &HostMetrics::load5, Range::NonNegative},
    {QLatin1String("load-15"), &HostMetrics::load15, Range::NonNegative},
    {QLatin1String("disk-read-bytes-per-sec"), &HostMetrics::diskReadBytesPerSec, Range::NonNegative},
    {QLatin1String("disk-write-bytes-per-sec"), &HostMetrics::diskWriteBytesPerSec, Range::NonNegative},
    {QLatin1String("disk-io-busy-fraction"), &HostMetrics::diskIoBusyFraction, Range::Fraction},
    {QLatin1String("net-rx-bytes-per-sec"), &HostMetrics::netRxBytesPerSec, Range::NonNegative},
    {QLatin1String("net-tx-bytes-per-sec"), &HostMetrics::netTxBytesPerSec, Range::NonNegative},
    {QLatin1String("net-rx-errors-per-sec"), &HostMetrics::netRxErrorsPerSec, Range::NonNegative},
    {QLatin1String("net-tx-errors-per-sec"), &HostMetrics::netTxErrorsPerSec, Range::NonNegative},
    {QLatin1String("net-drops-per-sec"), &HostMetrics::netDropsPerSec, Range::NonNegative},
    {QLatin1String("uptime-seconds"), &HostMetrics::uptimeSeconds, Range::NonNegative},
};

const QLatin1String kWarningsKey("warnings");

std::unexpected<Error> badField(QLatin1String key, const QString &what)
{
    return fail(ErrorCode::ProtocolError, QStringLiteral("host metrics: \"%1\" %2").arg(key, what));
}

// ---- reading /proc ---------------------------------------------------------------------------

enum class ReadOutcome { Ok, Missing, Failed };

// Reads a whole /proc file with plain read(2): /proc files report size 0, and QFile's buffering
// adds nothing for a file read once from start to end.
ReadOutcome readWholeFile(const QString &path, std::string &out, QString &errorText)
{
    out.clear();
    const QByteArray nativePath = QFile::encodeName(path);
    const int fd = ::open(nativePath.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        errorText = qt_error_string(error);
        return error == ENOENT || error == ENOTDIR ? ReadOutcome::Missing : ReadOutcome::Failed;
    }
    std::size_t used = 0;
    out.resize(8192);
    for (;;) {
        if (used == out.size())
            out.resize(out.size() * 2);
        const ssize_t n = ::read(fd, out.data() + used, out.size() - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            errorText = qt_error_string(errno);
            ::close(fd);
            return ReadOutcome::Failed;
        }
        if (n == 0)
            break;
        used += std::size_t(n);
    }
    ::close(fd);
    out.resize(used);
    return ReadOutcome::Ok;
}

// Iterates over the lines of a buffer, counting them from 1 for error messages.
class Lines
{
public:
    explicit Lines(std::string_view text)
        : m_rest(text)
    {}
    bool next(std::string_view &line)
    {
        if (m_rest.empty())
            return false;
        const std::size_t end = m_rest.find('\n');
        line = m_rest.substr(0, end);
        m_rest = end == std::string_view::npos ? std::string_view() : m_rest.substr(end + 1);
        ++m_number;
        return true;
    }
    int number() const { return m_number; }

private:
    std::string_view m_rest;
    int m_number = 0;
};

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

// Splits a line at runs of blanks into fields (cleared first; its capacity is reused).
void splitFields(std::string_view line, std::vector<std::string_view> &fields)
{
    fields.clear();
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && isSpace(line[i]))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && !isSpace(line[i]))
            ++i;
        if (i > start)
            fields.push_back(line.substr(start, i - start));
    }
}

bool parseU64(std::string_view text, std::uint64_t &value)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

bool parseNonNegative(std::string_view text, double &value)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value) && value >= 0;
}

QString fromView(std::string_view text)
{
    return QString::fromLatin1(text.data(), qsizetype(text.size()));
}

// The error of a malformed file, naming the file and the line.
Error corruptLine(const QString &path, int line, const QString &what)
{
    return Error{ErrorCode::Corruption, QStringLiteral("%1 line %2: %3").arg(path).arg(line).arg(what)};
}

// A counter's increase since the previous sample; a counter that went backwards gives 0.
std::uint64_t increase(std::uint64_t now, std::uint64_t before)
{
    return now >= before ? now - before : 0;
}

// /proc/stat: the aggregate "cpu" line, in USER_HZ ticks.
struct CpuTicks
{
    // user nice system irq softirq steal; guest and guest_nice are already inside user and nice.
    std::array<std::uint64_t, 6> busy{};
    std::uint64_t idle = 0;
    std::uint64_t iowait = 0;
};

struct StatFile
{
    CpuTicks cpu;
    std::int64_t procsRunning = 0;
    std::int64_t procsBlocked = 0;
};

struct DiskCounters
{
    std::uint64_t sectorsRead = 0;
    std::uint64_t sectorsWritten = 0;
    std::uint64_t ioTicksMs = 0;
};

struct NetCounters
{
    std::uint64_t rxBytes = 0;
    std::uint64_t rxErrors = 0;
    std::uint64_t rxDrops = 0;
    std::uint64_t txBytes = 0;
    std::uint64_t txErrors = 0;
    std::uint64_t txDrops = 0;
};

using DiskMap = std::map<std::string, DiskCounters, std::less<>>;
using NetMap = std::map<std::string, NetCounters, std::less<>>;

Result<StatFile> parseStat(const QString &path, std::string_view text)
{
    StatFile stat;
    bool haveCpu = false;
    bool haveRunning = false;
    bool haveBlocked = false;
    Lines lines(text);
    std::string_view line;
    std::vector<std::string_view> fields;
    while (lines.next(line)) {
        // Only three lines matter; the long "intr" and per-CPU lines are never split.
        const bool isCpu = line.starts_with("cpu ");
        const bool isRunning = line.starts_with("procs_running ");
        const bool isBlocked = line.starts_with("procs_blocked ");
        if (!isCpu && !isRunning && !isBlocked)
            continue;
        splitFields(line, fields);
        if (isCpu) {
            // user nice system idle iowait irq softirq steal guest guest_nice; kernels before 2.6.11
            // stop after softirq or earlier, so absent trailing fields count as 0.
            if (fields.size() < 5)
                return std::unexpected(
                    corruptLine(path,
                                lines.number(),
                                QStringLiteral("\"cpu\" needs at least 4 counters, found %1").arg(fields.size() - 1)));
            std::array<std::uint64_t, 8> values{};
            for (std::size_t i = 1; i < fields.size() && i <= values.size(); ++i) {
                if (!parseU64(fields[i], values[i - 1]))
                    return std::unexpected(corruptLine(path,
                                                       lines.number(),
                                                       QStringLiteral("\"cpu\" counter %1 is not a number: \"%2\"")
                                                           .arg(i)
                                                           .arg(fromView(fields[i]))));
            }
            stat.cpu.busy = {values[0], values[1], values[2], values[5], values[6], values[7]};
            stat.cpu.idle = values[3];
            stat.cpu.iowait = values[4];
            haveCpu = true;
            continue;
        }
        std::uint64_t count = 0;
        if (fields.size() != 2 || !parseU64(fields[1], count) || count > std::uint64_t(INT64_MAX))
            return std::unexpected(corruptLine(path,
                                               lines.number(),
                                               QStringLiteral("expected \"%1 <count>\", got \"%2\"")
                                                   .arg(fromView(fields[0]), fromView(line))));
        (isRunning ? stat.procsRunning : stat.procsBlocked) = std::int64_t(count);
        (isRunning ? haveRunning : haveBlocked) = true;
    }
    const char *missing = !haveCpu ? "cpu" : !haveRunning ? "procs_running" : !haveBlocked ? "procs_blocked" : nullptr;
    if (missing)
        return fail(ErrorCode::Corruption, QStringLiteral("%1: no \"%2\" line").arg(path, QString::fromLatin1(missing)));
    return stat;
}

struct MemInfo
{
    std::uint64_t totalBytes = 0;
    std::uint64_t availableBytes = 0;
    std::uint64_t swapTotalBytes = 0;
    std::uint64_t swapFreeBytes = 0;
    bool estimatedAvailable = false;
};

Result<MemInfo> parseMeminfo(const QString &path, std::string_view text)
{
    // Keys we read, in kB; MemAvailable exists since Linux 3.14, before it is estimated.
    enum Key { MemTotal, MemAvailable, MemFree, Buffers, Cached, SwapTotal, SwapFree, KeyCount };
    static constexpr std::array<std::string_view, KeyCount>
        kNames{"MemTotal:", "MemAvailable:", "MemFree:", "Buffers:", "Cached:", "SwapTotal:", "SwapFree:"};
    std::array<std::uint64_t, KeyCount> kb{};
    std::array<bool, KeyCount> seen{};
    Lines lines(text);
    std::string_view line;
    std::vector<std::string_view> fields;
    while (lines.next(line)) {
        const auto it = std::find_if(kNames.begin(), kNames.end(), [&](std::string_view name) {
            return line.starts_with(name);
        });
        if (it == kNames.end())
            continue;
        splitFields(line, fields);
        const auto key = std::size_t(it - kNames.begin());
        if (fields.size() != 3 || fields[2] != "kB" || !parseU64(fields[1], kb[key]))
            return std::unexpected(corruptLine(path,
                                               lines.number(),
                                               QStringLiteral("expected \"%1 <number> kB\", got \"%2\"")
                                                   .arg(fromView(*it), fromView(line))));
        seen[key] = true;
    }
    if (!seen[MemTotal] || kb[MemTotal] == 0)
        return fail(ErrorCode::Corruption, QStringLiteral("%1: no MemTotal line, or MemTotal is 0").arg(path));
    if (!seen[MemAvailable] && !seen[MemFree])
        return fail(ErrorCode::Corruption, QStringLiteral("%1: neither MemAvailable nor MemFree").arg(path));
    MemInfo info;
    info.estimatedAvailable = !seen[MemAvailable];
    const std::uint64_t availableKb = info.estimatedAvailable ? kb[MemFree] + kb[Buffers] + kb[Cached]
                                                              : kb[MemAvailable];
    // Bytes are carried as signed 64-bit CBOR integers: clamp absurd values rather than overflow.
    constexpr std::uint64_t kMaxKb = std::uint64_t(INT64_MAX) / 1024;
    info.totalBytes = std::min(kb[MemTotal], kMaxKb) * 1024;
    info.availableBytes = std::min(std::min(availableKb, kMaxKb) * 1024, info.totalBytes);
    info.swapTotalBytes = std::min(kb[SwapTotal], kMaxKb) * 1024;
    info.swapFreeBytes = std::min(std::min(kb[SwapFree], kMaxKb) * 1024, info.swapTotalBytes);
    return info;
}

// A file of one line of non-negative numbers (loadavg, uptime): the first `count` fields.
Status parseLeadingNumbers(const QString &path, std::string_view text, std::span<double> values)
{
    Lines lines(text);
    std::string_view line;
    if (!lines.next(line))
        return fail(ErrorCode::Corruption, QStringLiteral("%1: empty").arg(path));
    std::vector<std::string_view> fields;
    splitFields(line, fields);
    if (fields.size() < values.size())
        return std::unexpected(
            corruptLine(path,
                        1,
                        QStringLiteral("expected %1 numbers, got \"%2\"").arg(values.size()).arg(fromView(line))));
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!parseNonNegative(fields[i], values[i]))
            return std::unexpected(corruptLine(path,
                                               1,
                                               QStringLiteral("field %1 is not a non-negative number: \"%2\"")
                                                   .arg(i + 1)
                                                   .arg(fromView(fields[i]))));
    }
    return {};
}

Result<DiskMap> parseDiskstats(const QString &path, std::string_view text)
{
    std::vector<std::pair<std::string_view, DiskCounters>> devices;
    Lines lines(text);
    std::string_view line;
    std::vector<std::string_view> fields;
    while (lines.next(line)) {
        splitFields(line, fields);
        if (fields.empty())
            continue;
        // major minor name, then 11 counters (more on newer kernels): reads, reads merged,
        // sectors read, ms reading, writes, writes merged, sectors written, ms writing,
        // I/Os in progress, io_ticks (ms), weighted ms. Sectors are 512 bytes whatever the device.
        DiskCounters counters;
        std::uint64_t ignored = 0;
        if (fields.size() < 14 || !parseU64(fields[0], ignored) || !parseU64(fields[1], ignored)
            || !parseU64(fields[5], counters.sectorsRead) || !parseU64(fields[9], counters.sectorsWritten)
            || !parseU64(fields[12], counters.ioTicksMs)) {
            return std::unexpected(
                corruptLine(path,
                            lines.number(),
                            QStringLiteral("expected \"major minor name\" and at least 11 counters, got \"%1\"")
                                .arg(fromView(line))));
        }
        devices.emplace_back(fields[2], counters);
    }
    DiskMap disks;
    for (const auto &[name, counters] : devices) {
        if (isWholeDisk(name, devices, [](const auto &device) { return device.first; }))
            disks.emplace(std::string(name), counters);
    }
    return disks;
}

Result<NetMap> parseNetDev(const QString &path, std::string_view text)
{
    NetMap interfaces;
    Lines lines(text);
    std::string_view line;
    std::vector<std::string_view> fields;
    while (lines.next(line)) {
        // Two header lines ("Inter-|   Receive ..." and " face |bytes ..."), then "name: counters"
        // with no blank after the colon when the first counter is wide.
        if (line.find('|') != std::string_view::npos)
            continue;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            splitFields(line, fields);
            if (fields.empty())
                continue;
            return std::unexpected(
                corruptLine(path,
                            lines.number(),
                            QStringLiteral("expected \"name: counters\", got \"%1\"").arg(fromView(line))));
        }
        std::string_view name = line.substr(0, colon);
        while (!name.empty() && isSpace(name.front()))
            name.remove_prefix(1);
        splitFields(line.substr(colon + 1), fields);
        // Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets
        // errs drop fifo colls carrier compressed.
        NetCounters counters;
        if (name.empty() || fields.size() < 16 || !parseU64(fields[0], counters.rxBytes)
            || !parseU64(fields[2], counters.rxErrors) || !parseU64(fields[3], counters.rxDrops)
            || !parseU64(fields[8], counters.txBytes) || !parseU64(fields[10], counters.txErrors)
            || !parseU64(fields[11], counters.txDrops)) {
            return std::unexpected(
                corruptLine(path,
                            lines.number(),
                            QStringLiteral("expected \"name:\" and 16 counters, got \"%1\"").arg(fromView(line))));
        }
        if (name != "lo")
            interfaces.emplace(std::string(name), counters);
    }
    return interfaces;
}

// Reads an optional file; on any failure leaves `out` empty and explains in `warnings`.
template<typename Map, typename Parser>
Map readOptional(const QString &path, std::string &buffer, Parser parse, const char *fields, QStringList &warnings)
{
    QString errorText;
    switch (readWholeFile(path, buffer, errorText)) {
    case ReadOutcome::Ok:
        break;
    case ReadOutcome::Missing:
        warnings.append(QStringLiteral("%1 is missing; %2 are 0").arg(path, QString::fromLatin1(fields)));
        return {};
    case ReadOutcome::Failed:
        warnings.append(
            QStringLiteral("cannot read %1 (%2); %3 are 0").arg(path, errorText, QString::fromLatin1(fields)));
        return {};
    }
    Result<Map> parsed = parse(path, std::string_view(buffer));
    if (!parsed) {
        warnings.append(QStringLiteral("%1; %2 are 0").arg(parsed.error().message, QString::fromLatin1(fields)));
        return {};
    }
    return std::move(*parsed);
}

Status readRequired(const QString &path, std::string &buffer)
{
    QString errorText;
    if (readWholeFile(path, buffer, errorText) != ReadOutcome::Ok)
        return fail(ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, errorText));
    return {};
}

double perSecond(std::uint64_t delta, std::int64_t elapsedMs)
{
    return double(delta) * 1000.0 / double(elapsedMs);
}

} // namespace

// ---- HostMetrics -----------------------------------------------------------------------------

QCborMap HostMetrics::toCbor() const
{
    QCborMap map;
    for (const IntField &field : kIntFields)
        map.insert(field.key, qint64(this->*field.member));
    for (const DoubleField &field : kDoubleFields)
        map.insert(field.key, this->*field.member);
    if (!warnings.isEmpty())
        map.insert(kWarningsKey, QCborArray::fromStringList(warnings));
    return map;
}

Result<HostMetrics> HostMetrics::fromCbor(const QCborMap &map)
{
    HostMetrics metrics;
    for (const IntField &field : kIntFields) {
        const QCborValue value = map.value(field.key);
        if (value.isUndefined())
            return badField(field.key, QStringLiteral("is missing"));
        if (!value.isInteger() || value.toInteger() < 0)
            return badField(field.key, QStringLiteral("must be an integer >= 0"));
        metrics.*field.member = value.toInteger();
    }
    for (const DoubleField &field : kDoubleFields) {
        const QCborValue value = map.value(field.key);
        if (value.isUndefined())
            return badField(field.key, QStringLiteral("is missing"));
        const bool fraction = field.range == Range::Fraction;
        const QString expected = fraction ? QStringLiteral("a number in 0..1") : QStringLiteral("a number >= 0");
        if (!value.isDouble() && !value.isInteger())
            return badField(field.key, QStringLiteral("must be %1").arg(expected));
        const double number = value.toDouble();
        if (!std::isfinite(number) || number < 0 || (fraction && number > 1))
            return badField(field.key, QStringLiteral("must be %1, got %2").arg(expected).arg(number));
        metrics.*field.member = number;
    }
    if (metrics.memAvailableBytes > metrics.memTotalBytes)
        return badField(QLatin1String("mem-available-bytes"), QStringLiteral("exceeds \"mem-total-bytes\""));
    const QCborValue warnings = map.value(kWarningsKey);
    if (!warnings.isUndefined()) {
        if (!warnings.isArray())
            return badField(kWarningsKey, QStringLiteral("must be an array of text"));
        for (const QCborValue &warning : warnings.toArray()) {
            if (!warning.isString())
                return badField(kWarningsKey, QStringLiteral("must be an array of text"));
            metrics.warnings.append(warning.toString());
        }
    }
    return metrics;
}

// ---- HostMetricsReader -----------------------------------------------------------------------

struct HostMetricsReader::Counters
{
    std::int64_t monotonicMs = 0;
    CpuTicks cpu;
    DiskMap disks;     // whole physical disks only
    NetMap interfaces; // all but lo
};

HostMetricsReader::HostMetricsReader(Clock &clock, QString procRoot)
    : m_clock(clock)
    , m_procRoot(std::move(procRoot))
{}

HostMetricsReader::~HostMetricsReader() = default;

Result<HostMetrics> HostMetricsReader::sample()
{
    HostMetrics metrics;
    auto current = std::make_unique<Counters>();
    current->monotonicMs = m_clock.monotonicMs();
    metrics.wallMs = m_clock.wallMs();

    std::string buffer;
    buffer.reserve(16 * 1024);

    // Required files first: if one fails, nothing is kept and the previous counters stay.
    const QString statPath = m_procRoot + QStringLiteral("/stat");
    if (Status read = readRequired(statPath, buffer); !read)
        return std::unexpected(read.error());
    Result<StatFile> stat = parseStat(statPath, buffer);
    if (!stat)
        return std::unexpected(stat.error());
    current->cpu = stat->cpu;
    metrics.procsRunning = stat->procsRunning;
    metrics.procsBlocked = stat->procsBlocked;

    const QString meminfoPath = m_procRoot + QStringLiteral("/meminfo");
    if (Status read = readRequired(meminfoPath, buffer); !read)
        return std::unexpected(read.error());
    Result<MemInfo> mem = parseMeminfo(meminfoPath, buffer);
    if (!mem)
        return std::unexpected(mem.error());
    metrics.memTotalBytes = std::int64_t(mem->totalBytes);
    metrics.memAvailableBytes = std::int64_t(mem->availableBytes);
    metrics.memUsedFraction = 1.0 - double(mem->availableBytes) / double(mem->totalBytes);
    metrics.swapUsedFraction = mem->swapTotalBytes == 0
                                   ? 0.0
                                   : 1.0 - double(mem->swapFreeBytes) / double(mem->swapTotalBytes);
    if (mem->estimatedAvailable)
        metrics.warnings.append(
            QStringLiteral("%1 has no MemAvailable; estimated as MemFree + Buffers + Cached").arg(meminfoPath));

    const QString loadavgPath = m_procRoot + QStringLiteral("/loadavg");
    if (Status read = readRequired(loadavgPath, buffer); !read)
        return std::unexpected(read.error());
    std::array<double, 3> load{};
    if (Status parsed = parseLeadingNumbers(loadavgPath, buffer, load); !parsed)
        return std::unexpected(parsed.error());
    metrics.load1 = load[0];
    metrics.load5 = load[1];
    metrics.load15 = load[2];

    const QString uptimePath = m_procRoot + QStringLiteral("/uptime");
    if (Status read = readRequired(uptimePath, buffer); !read)
        return std::unexpected(read.error());
    std::array<double, 1> uptime{};
    if (Status parsed = parseLeadingNumbers(uptimePath, buffer, uptime); !parsed)
        return std::unexpected(parsed.error());
    metrics.uptimeSeconds = uptime[0];

    current->disks = readOptional<DiskMap>(m_procRoot + QStringLiteral("/diskstats"),
                                           buffer,
                                           parseDiskstats,
                                           "disk I/O fields",
                                           metrics.warnings);
    current->interfaces = readOptional<NetMap>(m_procRoot + QStringLiteral("/net/dev"),
                                               buffer,
                                               parseNetDev,
                                               "network fields",
                                               metrics.warnings);

    if (m_previous) {
        // CPU shares come from tick counts, not from the clock. Each counter is taken on its own,
        // so one that went backwards (iowait may, on tickless kernels) does not spoil the others.
        const CpuTicks &before = m_previous->cpu;
        const CpuTicks &now = current->cpu;
        std::uint64_t busy = 0;
        for (std::size_t i = 0; i < now.busy.size(); ++i)
            busy += increase(now.busy[i], before.busy[i]);
        const std::uint64_t idle = increase(now.idle, before.idle);
        const std::uint64_t iowait = increase(now.iowait, before.iowait);
        if (const std::uint64_t total = busy + idle + iowait; total > 0) {
            metrics.cpuBusy = double(busy) / double(total);
            metrics.cpuIowait = double(iowait) / double(total);
        }

        // Devices are matched by name; one that appeared since the previous sample has no baseline
        // and contributes 0, one that disappeared contributes nothing.
        const std::int64_t elapsedMs = current->monotonicMs - m_previous->monotonicMs;
        if (elapsedMs > 0) {
            std::uint64_t readSectors = 0;
            std::uint64_t writtenSectors = 0;
            for (const auto &[name, disk] : current->disks) {
                const auto it = m_previous->disks.find(name);
                if (it == m_previous->disks.end())
                    continue;
                readSectors += increase(disk.sectorsRead, it->second.sectorsRead);
                writtenSectors += increase(disk.sectorsWritten, it->second.sectorsWritten);
                const double busyShare = double(increase(disk.ioTicksMs, it->second.ioTicksMs)) / double(elapsedMs);
                metrics.diskIoBusyFraction = std::max(metrics.diskIoBusyFraction, std::min(busyShare, 1.0));
            }
            metrics.diskReadBytesPerSec = perSecond(readSectors * 512, elapsedMs);
            metrics.diskWriteBytesPerSec = perSecond(writtenSectors * 512, elapsedMs);

            NetCounters sum;
            for (const auto &[name, net] : current->interfaces) {
                const auto it = m_previous->interfaces.find(name);
                if (it == m_previous->interfaces.end())
                    continue;
                const NetCounters &old = it->second;
                sum.rxBytes += increase(net.rxBytes, old.rxBytes);
                sum.txBytes += increase(net.txBytes, old.txBytes);
                sum.rxErrors += increase(net.rxErrors, old.rxErrors);
                sum.txErrors += increase(net.txErrors, old.txErrors);
                sum.rxDrops += increase(net.rxDrops, old.rxDrops);
                sum.txDrops += increase(net.txDrops, old.txDrops);
            }
            metrics.netRxBytesPerSec = perSecond(sum.rxBytes, elapsedMs);
            metrics.netTxBytesPerSec = perSecond(sum.txBytes, elapsedMs);
            metrics.netRxErrorsPerSec = perSecond(sum.rxErrors, elapsedMs);
            metrics.netTxErrorsPerSec = perSecond(sum.txErrors, elapsedMs);
            metrics.netDropsPerSec = perSecond(sum.rxDrops + sum.txDrops, elapsedMs);
        }
    }
    m_previous = std::move(current);
    return metrics;
}

} // namespace foresight::metrics
