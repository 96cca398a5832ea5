#include "models/hostmetricshistory.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include <QCborArray>
#include <QCborValue>

namespace foresight::widgets {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// 10.6 allows integers or floats for every number; anything else (or a missing key) counts as
// missing.
double number(const QCborValue &value)
{
    if (value.isInteger() || value.isDouble())
        return value.toDouble();
    return kNaN;
}

// The keys of 10.6 that a sample reads.
enum Key {
    WallMs,
    CpuBusy,
    CpuIowait,
    MemTotalBytes,
    MemAvailableBytes,
    MemUsedFraction,
    SwapUsedFraction,
    Load1,
    Load5,
    Load15,
    DiskReadBytesPerSec,
    DiskWriteBytesPerSec,
    DiskIoBusyFraction,
    NetRxBytesPerSec,
    NetTxBytesPerSec,
    NetRxErrorsPerSec,
    NetTxErrorsPerSec,
    NetDropsPerSec,
    ProcsRunning,
    ProcsBlocked,
    Warnings,
    KeyCount
};

// The keys in QCborValue::compare order, so that one pass over a heartbeat's map finds each of
// its entries by binary search. Looking the twenty keys up one by one scanned the map twenty
// times per agent, for 500 agents ten times a second (foresight-bench gui).
using KeyTable = std::array<std::pair<QCborValue, Key>, KeyCount>;
const KeyTable &keyTable()
{
    static const KeyTable table = [] {
        KeyTable keys{{
            {QCborValue(QStringLiteral("wall-ms")), WallMs},
            {QCborValue(QStringLiteral("cpu-busy")), CpuBusy},
            {QCborValue(QStringLiteral("cpu-iowait")), CpuIowait},
            {QCborValue(QStringLiteral("mem-total-bytes")), MemTotalBytes},
            {QCborValue(QStringLiteral("mem-available-bytes")), MemAvailableBytes},
            {QCborValue(QStringLiteral("mem-used-fraction")), MemUsedFraction},
            {QCborValue(QStringLiteral("swap-used-fraction")), SwapUsedFraction},
            {QCborValue(QStringLiteral("load-1")), Load1},
            {QCborValue(QStringLiteral("load-5")), Load5},
            {QCborValue(QStringLiteral("load-15")), Load15},
            {QCborValue(QStringLiteral("disk-read-bytes-per-sec")), DiskReadBytesPerSec},
            {QCborValue(QStringLiteral("disk-write-bytes-per-sec")), DiskWriteBytesPerSec},
            {QCborValue(QStringLiteral("disk-io-busy-fraction")), DiskIoBusyFraction},
            {QCborValue(QStringLiteral("net-rx-bytes-per-sec")), NetRxBytesPerSec},
            {QCborValue(QStringLiteral("net-tx-bytes-per-sec")), NetTxBytesPerSec},
            {QCborValue(QStringLiteral("net-rx-errors-per-sec")), NetRxErrorsPerSec},
            {QCborValue(QStringLiteral("net-tx-errors-per-sec")), NetTxErrorsPerSec},
            {QCborValue(QStringLiteral("net-drops-per-sec")), NetDropsPerSec},
            {QCborValue(QStringLiteral("procs-running")), ProcsRunning},
            {QCborValue(QStringLiteral("procs-blocked")), ProcsBlocked},
            {QCborValue(QStringLiteral("warnings")), Warnings},
        }};
        std::sort(keys.begin(), keys.end(), [](const auto &a, const auto &b) { return a.first.compare(b.first) < 0; });
        return keys;
    }();
    return table;
}

// The map's values by Key (undefined where the key is missing); the first of repeated keys wins,
// as with QCborMap::value().
std::array<QCborValue, KeyCount> valuesOf(const QCborMap &map)
{
    const KeyTable &keys = keyTable();
    std::array<QCborValue, KeyCount> values;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        const QCborValue key = it.key();
        const auto found = std::lower_bound(keys.cbegin(), keys.cend(), key, [](const auto &entry, const QCborValue &k) {
            return entry.first.compare(k) < 0;
        });
        if (found != keys.cend() && found->first.compare(key) == 0 && values[found->second].isUndefined())
            values[found->second] = it.value();
    }
    return values;
}

double percentOf(double fraction)
{
    return std::isnan(fraction) ? kNaN : std::clamp(fraction * 100.0, 0.0, 100.0);
}

} // namespace

double HostMetricsHistory::HostSample::value(Metric metric) const
{
    const int index = int(metric);
    return index >= 0 && index < kHostMetricCount ? values[std::size_t(index)] : kNaN;
}

HostMetricsHistory::HostMetricsHistory(QObject *parent)
    : QObject(parent)
{}

HostMetricsHistory::HostSample HostMetricsHistory::sampleOf(const QCborMap &map, qint64 wallMs)
{
    HostSample sample;
    sample.wallMs = wallMs;
    const std::array<QCborValue, KeyCount> values = valuesOf(map);
    const QCborValue &hostWall = values[WallMs];
    sample.hostWallMs = hostWall.isInteger() ? hostWall.toInteger() : 0;
    const auto set = [&sample](Metric metric, double value) { sample.values[std::size_t(metric)] = value; };
    const auto read = [&values](Key key) { return number(values[key]); };

    set(Metric::CpuBusyPercent, percentOf(read(CpuBusy)));
    set(Metric::CpuIowaitPercent, percentOf(read(CpuIowait)));
    // The totals are exact integers where the fraction was rounded by the agent; the fraction is
    // the fallback for a host whose MemTotal could not be read (0).
    const double total = read(MemTotalBytes);
    const double available = read(MemAvailableBytes);
    if (total > 0 && !std::isnan(available))
        set(Metric::MemoryUsedPercent, percentOf(1.0 - available / total));
    else
        set(Metric::MemoryUsedPercent, percentOf(read(MemUsedFraction)));
    set(Metric::SwapUsedPercent, percentOf(read(SwapUsedFraction)));
    set(Metric::Load1, read(Load1));
    set(Metric::Load5, read(Load5));
    set(Metric::Load15, read(Load15));
    set(Metric::DiskReadBytesPerSec, read(DiskReadBytesPerSec));
    set(Metric::DiskWriteBytesPerSec, read(DiskWriteBytesPerSec));
    set(Metric::DiskBusyPercent, percentOf(read(DiskIoBusyFraction)));
    set(Metric::NetRxBytesPerSec, read(NetRxBytesPerSec));
    set(Metric::NetTxBytesPerSec, read(NetTxBytesPerSec));
    set(Metric::NetRxErrorsPerSec, read(NetRxErrorsPerSec));
    set(Metric::NetTxErrorsPerSec, read(NetTxErrorsPerSec));
    set(Metric::NetDropsPerSec, read(NetDropsPerSec));
    set(Metric::ProcsRunning, read(ProcsRunning));
    set(Metric::ProcsBlocked, read(ProcsBlocked));

    const QCborArray warnings = values[Warnings].toArray();
    for (const QCborValue &warning : warnings) {
        if (warning.isString())
            sample.warnings.append(warning.toString());
    }
    return sample;
}

HostMetricsHistory::AgentHistory &HostMetricsHistory::historyOf(const QString &agent, bool *added)
{
    auto it = m_agents.find(agent);
    if (it == m_agents.end()) {
        it = m_agents.insert(agent, AgentHistory());
        m_order.append(agent);
        *added = true;
    }
    return *it;
}

void HostMetricsHistory::trim(AgentHistory &history) const
{
    if (!history.samples.empty()) {
        const qint64 oldest = history.samples.back().wallMs - m_retentionMs;
        while (!history.samples.empty() && history.samples.front().wallMs < oldest)
            history.samples.pop_front();
    }
    while (history.samples.size() > std::size_t(m_maxSamples))
        history.samples.pop_front();
    if (!history.risk.empty()) {
        const double oldest = history.risk.back().x() - double(m_retentionMs);
        while (!history.risk.empty() && history.risk.front().x() < oldest)
            history.risk.pop_front();
    }
    while (history.risk.size() > std::size_t(m_maxSamples))
        history.risk.pop_front();
}

void HostMetricsHistory::addSnapshot(std::shared_ptr<const failover::ClusterSnapshot> snapshot)
{
    if (!snapshot)
        return;
    m_snapshot = std::move(snapshot);
    bool agentsAdded = false;
    QStringList changed;
    for (const failover::AgentView &agent : m_snapshot->agents) {
        AgentHistory &history = historyOf(agent.name, &agentsAdded);
        // Ten snapshots a second carry the same heartbeat's map; only a different map is news.
        // Comparing the whole map (about 20 entries) rather than wall-ms alone also catches an
        // agent whose clock stands still or steps back.
        if (agent.hostMetrics.isEmpty() || agent.hostMetrics == history.lastMetrics)
            continue;
        qint64 wallMs = m_snapshot->takenWallMs;
        // Series stay in time order (views and series() rely on it) even if the console's clock
        // steps back: such a sample is placed just after the previous one.
        if (!history.samples.empty() && wallMs <= history.samples.back().wallMs)
            wallMs = history.samples.back().wallMs + 1;
        history.lastMetrics = agent.hostMetrics;
        history.samples.push_back(sampleOf(agent.hostMetrics, wallMs));
        // The engine's prediction scores the same readings: its risk joins the metrics' time axis.
        if (agent.failureRisk >= 0 && (history.risk.empty() || double(wallMs) > history.risk.back().x()))
            history.risk.emplace_back(double(wallMs), std::clamp(agent.failureRisk, 0.0, 1.0));
        trim(history);
        changed.append(agent.name);
    }
    if (agentsAdded)
        Q_EMIT agentsChanged();
    for (const QString &agent : std::as_const(changed))
        Q_EMIT updated(agent);
    Q_EMIT snapshotAdded();
}

void HostMetricsHistory::addFailureRisk(const QString &agent, qint64 wallMs, double risk)
{
    if (std::isnan(risk))
        return;
    bool added = false;
    AgentHistory &history = historyOf(agent, &added);
    const bool inOrder = history.risk.empty() || double(wallMs) > history.risk.back().x();
    if (inOrder) {
        history.risk.emplace_back(double(wallMs), std::clamp(risk, 0.0, 1.0));
        trim(history);
    }
    if (added)
        Q_EMIT agentsChanged();
    if (inOrder)
        Q_EMIT updated(agent);
}

QList<QPointF> HostMetricsHistory::series(const QString &agent, Metric metric, qint64 sinceWallMs) const
{
    QList<QPointF> points;
    const auto it = m_agents.constFind(agent);
    if (it == m_agents.cend())
        return points;
    if (metric == Metric::FailureRisk) {
        const auto from = std::lower_bound(it->risk.cbegin(),
                                           it->risk.cend(),
                                           double(sinceWallMs),
                                           [](const QPointF &point, double x) { return point.x() < x; });
        return QList<QPointF>(from, it->risk.cend());
    }
    const auto from = std::lower_bound(it->samples.cbegin(),
                                       it->samples.cend(),
                                       sinceWallMs,
                                       [](const HostSample &sample, qint64 ms) { return sample.wallMs < ms; });
    points.reserve(qsizetype(std::distance(from, it->samples.cend())));
    for (auto sample = from; sample != it->samples.cend(); ++sample) {
        const double value = sample->value(metric);
        if (!std::isnan(value))
            points.append(QPointF(double(sample->wallMs), value));
    }
    return points;
}

int HostMetricsHistory::sampleCount(const QString &agent, Metric metric) const
{
    const auto it = m_agents.constFind(agent);
    if (it == m_agents.cend())
        return 0;
    return int(metric == Metric::FailureRisk ? it->risk.size() : it->samples.size());
}

std::optional<HostMetricsHistory::HostSample> HostMetricsHistory::latest(const QString &agent) const
{
    const auto it = m_agents.constFind(agent);
    if (it == m_agents.cend() || it->samples.empty())
        return std::nullopt;
    return it->samples.back();
}

std::optional<QPointF> HostMetricsHistory::latestFailureRisk(const QString &agent) const
{
    const auto it = m_agents.constFind(agent);
    if (it == m_agents.cend() || it->risk.empty())
        return std::nullopt;
    return it->risk.back();
}

void HostMetricsHistory::forget(const QString &agent)
{
    if (m_agents.remove(agent) == 0)
        return;
    m_order.removeAll(agent);
    Q_EMIT agentsChanged();
}

void HostMetricsHistory::setRetentionMs(qint64 ms)
{
    m_retentionMs = std::max<qint64>(ms, 1000);
    for (AgentHistory &history : m_agents)
        trim(history);
}

void HostMetricsHistory::setMaxSamples(int count)
{
    m_maxSamples = std::max(count, 2);
    for (AgentHistory &history : m_agents)
        trim(history);
}

} // namespace foresight::widgets
