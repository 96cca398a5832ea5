#include "models/hostmetricshistory.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <QCborArray>
#include <QCborValue>

namespace foresight::widgets {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// 10.6 allows integers or floats for every number; anything else counts as missing.
double number(const QCborMap &map, QLatin1String key)
{
    const QCborValue value = map.value(key);
    if (value.isInteger() || value.isDouble())
        return value.toDouble();
    return kNaN;
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
    const QCborValue hostWall = map.value(QLatin1String("wall-ms"));
    sample.hostWallMs = hostWall.isInteger() ? hostWall.toInteger() : 0;
    const auto set = [&sample](Metric metric, double value) { sample.values[std::size_t(metric)] = value; };

    set(Metric::CpuBusyPercent, percentOf(number(map, QLatin1String("cpu-busy"))));
    set(Metric::CpuIowaitPercent, percentOf(number(map, QLatin1String("cpu-iowait"))));
    // The totals are exact integers where the fraction was rounded by the agent; the fraction is
    // the fallback for a host whose MemTotal could not be read (0).
    const double total = number(map, QLatin1String("mem-total-bytes"));
    const double available = number(map, QLatin1String("mem-available-bytes"));
    if (total > 0 && !std::isnan(available))
        set(Metric::MemoryUsedPercent, percentOf(1.0 - available / total));
    else
        set(Metric::MemoryUsedPercent, percentOf(number(map, QLatin1String("mem-used-fraction"))));
    set(Metric::SwapUsedPercent, percentOf(number(map, QLatin1String("swap-used-fraction"))));
    set(Metric::Load1, number(map, QLatin1String("load-1")));
    set(Metric::Load5, number(map, QLatin1String("load-5")));
    set(Metric::Load15, number(map, QLatin1String("load-15")));
    set(Metric::DiskReadBytesPerSec, number(map, QLatin1String("disk-read-bytes-per-sec")));
    set(Metric::DiskWriteBytesPerSec, number(map, QLatin1String("disk-write-bytes-per-sec")));
    set(Metric::DiskBusyPercent, percentOf(number(map, QLatin1String("disk-io-busy-fraction"))));
    set(Metric::NetRxBytesPerSec, number(map, QLatin1String("net-rx-bytes-per-sec")));
    set(Metric::NetTxBytesPerSec, number(map, QLatin1String("net-tx-bytes-per-sec")));
    set(Metric::NetRxErrorsPerSec, number(map, QLatin1String("net-rx-errors-per-sec")));
    set(Metric::NetTxErrorsPerSec, number(map, QLatin1String("net-tx-errors-per-sec")));
    set(Metric::NetDropsPerSec, number(map, QLatin1String("net-drops-per-sec")));
    set(Metric::ProcsRunning, number(map, QLatin1String("procs-running")));
    set(Metric::ProcsBlocked, number(map, QLatin1String("procs-blocked")));

    const QCborArray warnings = map.value(QLatin1String("warnings")).toArray();
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

void HostMetricsHistory::addSnapshot(std::shared_ptr<const ClusterSnapshot> snapshot)
{
    if (!snapshot)
        return;
    m_snapshot = std::move(snapshot);
    bool agentsAdded = false;
    QStringList changed;
    for (const AgentView &agent : m_snapshot->agents) {
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
