#include "models/stalenesshistory.h"

#include <algorithm>

#include "models/staleness.h"

namespace foresight::widgets {

StalenessHistory::StalenessHistory(QObject *parent)
    : QObject(parent)
{}

void StalenessHistory::addSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    if (!snapshot)
        return;
    const qint64 nowMs = snapshot->takenWallMs;
    QStringList changed;
    for (const failover::AppView &app : snapshot->apps) {
        if (!app.partitions)
            continue;
        AppSeries &series = m_apps[app.name];
        QStringList agents;
        for (const failover::PartitionView &partition : app.partitions->list) {
            for (const failover::PartitionReplicaView &replica : partition.replicas) {
                if (!agents.contains(replica.agent))
                    agents.append(replica.agent);
            }
        }
        for (const QString &agent : std::as_const(agents)) {
            const double value = Staleness::impactWeighted(*app.partitions, agent);
            auto it = std::find_if(series.begin(), series.end(), [&agent](const Series &s) { return s.agent == agent; });
            if (it == series.end()) {
                series.append(Series{agent, {}});
                it = std::prev(series.end());
            }
            std::deque<QPointF> &points = it->points;
            // Within the newest point's interval (or a console clock that stepped back): the
            // same point, holding the peak.
            if (!points.empty() && double(nowMs) < points.back().x() + double(m_intervalMs)) {
                points.back().setY(std::max(points.back().y(), value));
            } else {
                points.emplace_back(double(nowMs), value);
                while (points.size() > std::size_t(m_maxSamples))
                    points.pop_front();
            }
        }
        changed.append(app.name);
    }
    for (auto it = m_apps.begin(); it != m_apps.end();) {
        if (trim(*it, nowMs) && !changed.contains(it.key()))
            changed.append(it.key());
        it = it->isEmpty() ? m_apps.erase(it) : std::next(it);
    }
    for (const QString &app : std::as_const(changed))
        Q_EMIT updated(app);
}

bool StalenessHistory::trim(AppSeries &series, qint64 nowMs) const
{
    bool changed = false;
    const double oldest = double(nowMs - m_retentionMs);
    for (Series &one : series) {
        while (!one.points.empty() && one.points.front().x() < oldest) {
            one.points.pop_front();
            changed = true;
        }
    }
    const qsizetype before = series.size();
    series.removeIf([](const Series &one) { return one.points.empty(); });
    return changed || series.size() != before;
}

QStringList StalenessHistory::agents(const QString &app) const
{
    QStringList names;
    for (const Series &one : m_apps.value(app))
        names.append(one.agent);
    return names;
}

QList<QPointF> StalenessHistory::series(const QString &app, const QString &agent) const
{
    const auto it = m_apps.constFind(app);
    if (it == m_apps.cend())
        return {};
    for (const Series &one : *it) {
        if (one.agent == agent)
            return QList<QPointF>(one.points.cbegin(), one.points.cend());
    }
    return {};
}

int StalenessHistory::sampleCount(const QString &app, const QString &agent) const
{
    const auto it = m_apps.constFind(app);
    if (it == m_apps.cend())
        return 0;
    for (const Series &one : *it) {
        if (one.agent == agent)
            return int(one.points.size());
    }
    return 0;
}

void StalenessHistory::setRetentionMs(qint64 ms)
{
    m_retentionMs = std::max<qint64>(ms, 1000);
}

void StalenessHistory::setIntervalMs(qint64 ms)
{
    m_intervalMs = std::max<qint64>(ms, 1);
}

void StalenessHistory::setMaxSamples(int count)
{
    m_maxSamples = std::max(count, 2);
    for (AppSeries &series : m_apps) {
        for (Series &one : series) {
            while (one.points.size() > std::size_t(m_maxSamples))
                one.points.pop_front();
        }
    }
}

} // namespace foresight::widgets
