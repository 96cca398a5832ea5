#pragma once

#include <deque>
#include <memory>

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>

#include "foresight/failover/clustersnapshot.h"

namespace foresight::widgets {

// Per application and replica agent, a bounded history of the replica's impact-weighted
// staleness (Staleness::impactWeighted: the sum over the partitions it holds of W(class) x
// staleness in ms), for the Staleness panel's chart. Fed every snapshot by the window (about ten
// a second) whether or not the panel is in sight, so the chart has its past when it is opened.
//
// A point per intervalMs(): the snapshots within one interval make one point holding the largest
// value among them, so a short peak survives the thinning. Each point is stamped with the
// snapshot's takenWallMs (the console's clock), one time axis for every replica. Applications
// whose primary reports no partitions get no points.
//
// Bounded: points older than retentionMs() before the newest snapshot are dropped, with those of
// replicas and applications no longer reported (a series with no point left is forgotten), and
// never more than maxSamples() per series are kept.
//
// GUI thread only (or whichever single thread owns it); not thread-safe.
class StalenessHistory final : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kDefaultRetentionMs = 10 * 60 * 1000;
    static constexpr qint64 kDefaultIntervalMs = 500;
    static constexpr int kDefaultMaxSamples = int(kDefaultRetentionMs / kDefaultIntervalMs) + 1;

    explicit StalenessHistory(QObject *parent = nullptr);

    // Takes in the snapshot's figures, trims, then emits updated(app) for each application whose
    // series changed. A null snapshot is ignored.
    void addSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);

    // The agents with a series for app, in the order first seen.
    QStringList agents(const QString &app) const;
    // The agent's points for app, oldest first: x = ms since the epoch, y = W x ms summed.
    QList<QPointF> series(const QString &app, const QString &agent) const;
    int sampleCount(const QString &app, const QString &agent) const;

    qint64 retentionMs() const { return m_retentionMs; }
    void setRetentionMs(qint64 ms); // at least one second; trims at the next snapshot
    qint64 intervalMs() const { return m_intervalMs; }
    void setIntervalMs(qint64 ms); // at least 1
    int maxSamples() const { return m_maxSamples; }
    void setMaxSamples(int count); // at least 2; trims at once

Q_SIGNALS:
    void updated(const QString &app);

private:
    struct Series
    {
        QString agent;
        std::deque<QPointF> points;
    };
    using AppSeries = QList<Series>; // in the order first seen

    // Drops what is older than the retention before nowMs, and series left empty; whether the
    // application's series changed.
    bool trim(AppSeries &series, qint64 nowMs) const;

    QHash<QString, AppSeries> m_apps;
    qint64 m_retentionMs = kDefaultRetentionMs;
    qint64 m_intervalMs = kDefaultIntervalMs;
    int m_maxSamples = kDefaultMaxSamples;
};

} // namespace foresight::widgets
