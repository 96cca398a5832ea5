#pragma once

#include <array>
#include <deque>
#include <memory>
#include <optional>

#include <QCborMap>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>

#include "foresight/failover/clustersnapshot.h"

namespace foresight::widgets {

// Per agent, a bounded history of the host metrics its heartbeats carry (docs/protocol.md 10.6),
// for the console's charts. Fed every snapshot by the window (about 10 a second); a sample is
// recorded only when an agent's metrics map differs from the one recorded last (a new reading,
// not the same heartbeat seen in ten snapshots). Each sample is stamped with the snapshot's
// takenWallMs, the console's clock, so that all agents share one time axis whatever their clocks.
//
// Bounded per agent: samples older than retentionMs() before the agent's newest one are dropped,
// and never more than maxSamples() are kept. An agent that leaves the cluster keeps its history
// (the operator wants to see how it went down) until forget(); agents() lists every agent seen.
//
// Failure risk is a separate series per agent: the engine's prediction (AgentView::failureRisk)
// is recorded with each new metrics sample, and addFailureRisk() adds points directly. Until the
// engine has a model the series stays empty, and views say that there is no prediction yet.
//
// GUI thread only (or whichever single thread owns it); not thread-safe.
class HostMetricsHistory final : public QObject
{
    Q_OBJECT

public:
    // What a series holds. Percentages are 0..100, derived from 10.6's fractions and totals;
    // rates are per second, as the agent computed them over its own sampling interval.
    enum class Metric {
        CpuBusyPercent,       // cpu-busy
        CpuIowaitPercent,     // cpu-iowait
        MemoryUsedPercent,    // 1 - mem-available-bytes / mem-total-bytes (mem-used-fraction if no total)
        SwapUsedPercent,      // swap-used-fraction
        Load1,                // load-1
        Load5,                // load-5
        Load15,               // load-15
        DiskReadBytesPerSec,  // disk-read-bytes-per-sec
        DiskWriteBytesPerSec, // disk-write-bytes-per-sec
        DiskBusyPercent,      // disk-io-busy-fraction
        NetRxBytesPerSec,     // net-rx-bytes-per-sec
        NetTxBytesPerSec,     // net-tx-bytes-per-sec
        NetRxErrorsPerSec,    // net-rx-errors-per-sec
        NetTxErrorsPerSec,    // net-tx-errors-per-sec
        NetDropsPerSec,       // net-drops-per-sec
        ProcsRunning,         // procs-running
        ProcsBlocked,         // procs-blocked
        FailureRisk,          // 0..1, from the prediction; not part of a HostSample
    };
    Q_ENUM(Metric)
    // The metrics read from the heartbeat's map: every Metric before FailureRisk.
    static constexpr int kHostMetricCount = int(Metric::FailureRisk);

    // One reading of one agent's host.
    struct HostSample
    {
        qint64 wallMs = 0;     // the takenWallMs of the first snapshot that carried it
        qint64 hostWallMs = 0; // the agent's own wall-ms for the reading (its clock)
        // Indexed by Metric; NaN where the map lacked the key or it was not a number.
        std::array<double, kHostMetricCount> values{};
        QStringList warnings; // the agent's reasons why some values are 0

        // NaN for FailureRisk and for a value the map lacked.
        double value(Metric metric) const;
    };

    static constexpr qint64 kDefaultRetentionMs = 15 * 60 * 1000;
    static constexpr int kDefaultMaxSamples = 15 * 60 * 10; // one per snapshot for 15 minutes

    explicit HostMetricsHistory(QObject *parent = nullptr);

    // Records a sample for every agent of the snapshot whose metrics changed (agents without
    // metrics get none), then emits updated() for each of them, agentsChanged() if an agent was
    // seen for the first time, and snapshotAdded(). A null snapshot is ignored.
    void addSnapshot(std::shared_ptr<const failover::ClusterSnapshot> snapshot);
    // The prediction's failure risk (0..1, clamped) of the agent's host at wallMs. Points must
    // come in time order; one at or before the agent's newest point replaces nothing and is
    // dropped. Emits updated(agent) (and agentsChanged() for a new agent).
    void addFailureRisk(const QString &agent, qint64 wallMs, double risk);

    // Every agent seen, in the order first seen (including those no longer in the cluster).
    QStringList agents() const { return m_order; }
    bool contains(const QString &agent) const { return m_agents.contains(agent); }
    // The newest snapshot given to addSnapshot (null before the first): its agents' current state
    // and the time "now" for the views.
    std::shared_ptr<const failover::ClusterSnapshot> latestSnapshot() const { return m_snapshot; }

    // The metric's points for the agent, oldest first: x = ms since the epoch (the sample's
    // wallMs), y = the value. Only points with x >= sinceWallMs, and none whose value is missing.
    // Empty for an unknown agent.
    QList<QPointF> series(const QString &agent, Metric metric, qint64 sinceWallMs = 0) const;
    // How many samples (for FailureRisk: points) the agent has.
    int sampleCount(const QString &agent, Metric metric = Metric::CpuBusyPercent) const;
    // The agent's newest host sample; nullopt if it has sent no metrics yet (or is unknown).
    std::optional<HostSample> latest(const QString &agent) const;
    // The agent's newest failure-risk point (x: ms since the epoch, y: 0..1); nullopt: no
    // prediction yet.
    std::optional<QPointF> latestFailureRisk(const QString &agent) const;

    // Drops the agent and its history (an agent removed from the configuration for good).
    void forget(const QString &agent);

    qint64 retentionMs() const { return m_retentionMs; }
    void setRetentionMs(qint64 ms); // at least one second; trims at once
    int maxSamples() const { return m_maxSamples; }
    void setMaxSamples(int count); // at least 2; trims at once

    // The sample one metrics map gives, timestamped wallMs (public for tests and tools).
    static HostSample sampleOf(const QCborMap &hostMetrics, qint64 wallMs);

Q_SIGNALS:
    // The agent has a new sample or failure-risk point.
    void updated(const QString &agent);
    // agents() grew (or shrank by forget()).
    void agentsChanged();
    // A snapshot was taken in, whether or not any agent had news (agents' state, the time axis).
    void snapshotAdded();

private:
    struct AgentHistory
    {
        QCborMap lastMetrics; // the map the newest sample was read from
        std::deque<HostSample> samples;
        std::deque<QPointF> risk;
    };
    void trim(AgentHistory &history) const;
    AgentHistory &historyOf(const QString &agent, bool *added);

    QHash<QString, AgentHistory> m_agents;
    QStringList m_order;
    std::shared_ptr<const failover::ClusterSnapshot> m_snapshot;
    qint64 m_retentionMs = kDefaultRetentionMs;
    int m_maxSamples = kDefaultMaxSamples;
};

} // namespace foresight::widgets
