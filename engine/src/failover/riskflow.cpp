// The engine's side of host failure prediction: heartbeats' host metrics and every failure the
// engine sees go to the prediction thread (RiskWorker); its risk table comes back once per tick
// and feeds candidate ranking, the failover score and snapshots; its findings are journaled. The
// same heartbeats, with the risk the table gives, become the console store's metrics history.

#include "failover/engineimpl.h"

#include <algorithm>
#include <utility>

#include "foresight/core/logging.h"

namespace foresight::failover {

namespace {
// The metrics history: one sample per agent a second, posted to the store's thread in batches
// (one transaction each), and pruned past a retention now and then.
constexpr std::int64_t kHostHistoryIntervalMs = 1000;
constexpr std::int64_t kHostHistoryFlushMs = 2000;
constexpr std::int64_t kHostHistoryRetentionMs = 7LL * 24 * 3600 * 1000;
constexpr std::int64_t kHostHistoryPruneEveryMs = 3600 * 1000;

QString defaultModelStorePath(const QString &storePath)
{
    if (storePath.isEmpty())
        return {};
    QString base = storePath;
    if (base.endsWith(QStringLiteral(".sqlite")))
        base.chop(7);
    return base + QStringLiteral("-models.sqlite");
}
} // namespace

void ClusterEngine::Impl::startRiskWorker()
{
    const QString path = m_options.modelStorePath.isEmpty() ? defaultModelStorePath(m_options.storePath)
                                                            : m_options.modelStorePath;
    m_risk = failover::RiskWorker::start(m_options.config.prediction, path, m_clock);
    m_riskTable = m_risk->latest();
}

void ClusterEngine::Impl::feedRisk(AgentRuntime &agent, const monitor::Heartbeat &heartbeat, bool unnoticedRestart)
{
    const std::int64_t wall = wallNow();
    recordHostSample(agent, heartbeat, wall);
    if (!m_risk)
        return;
    // A restart the detector did not catch (the process was back within the phi threshold) is a
    // failure all the same.
    if (unnoticedRestart)
        m_risk->incident(agent.config.name, wall);
    if (heartbeat.host.isEmpty() || wall - agent.lastRiskSampleWallMs < m_options.config.prediction.sampleIntervalMs)
        return;
    agent.lastRiskSampleWallMs = wall;
    m_risk->observe(agent.config.name, wall, heartbeat.host);
}

void ClusterEngine::Impl::reportFailureToRisk(const QString &agent, std::int64_t lastHeardWallMs)
{
    if (m_risk)
        m_risk->incident(agent, lastHeardWallMs);
}

void ClusterEngine::Impl::journalRiskEvents()
{
    if (!m_risk)
        return;
    m_riskTable = m_risk->latest();
    for (const failover::RiskWorker::Event &event : m_risk->takeEvents())
        journal(QStringLiteral("prediction"), {}, {}, event.message, event.details);
}

double ClusterEngine::Impl::failureRisk(const QString &agent) const
{
    const double external = m_externalRisk.value(agent, 0);
    if (!m_riskTable)
        return external;
    const auto it = m_riskTable->hosts.find(agent);
    return std::max(external, it == m_riskTable->hosts.end() ? 0 : it->second.rankingRisk());
}

void ClusterEngine::Impl::recordHostSample(AgentRuntime &agent, const monitor::Heartbeat &heartbeat, std::int64_t wall)
{
    if (!m_store || heartbeat.host.isEmpty() || wall - agent.lastHistoryWallMs < kHostHistoryIntervalMs)
        return;
    agent.lastHistoryWallMs = wall;
    // Read the few fields the charts need straight from the heartbeat's map (already validated by
    // the protocol layer): cheaper than decoding every metric once a second per agent.
    const auto number = [&heartbeat](const char *key) {
        return heartbeat.host.value(QLatin1StringView(key)).toDouble();
    };
    storage::HostSample sample;
    sample.agent = agent.config.name;
    sample.wallMs = wall;
    sample.cpuBusy = number("cpu-busy");
    sample.memUsedFraction = number("mem-used-fraction");
    sample.diskIoBusyFraction = number("disk-io-busy-fraction");
    sample.load1 = number("load-1");
    sample.netErrorsPerSec = number("net-rx-errors-per-sec") + number("net-tx-errors-per-sec");
    sample.netDropsPerSec = number("net-drops-per-sec");
    if (m_riskTable) {
        if (const auto risk = m_riskTable->hosts.find(agent.config.name); risk != m_riskTable->hosts.end()) {
            sample.failureRisk = risk->second.risk;
            sample.anomaly = risk->second.anomaly;
        }
    }
    m_hostHistory.append(std::move(sample));
}

void ClusterEngine::Impl::flushHostHistory(bool force)
{
    if (!m_store)
        return;
    const std::int64_t wall = wallNow();
    if (!m_hostHistory.isEmpty() && (force || wall - m_hostHistoryFlushedWallMs >= kHostHistoryFlushMs)) {
        m_hostHistoryFlushedWallMs = wall;
        m_store->post([samples = std::exchange(m_hostHistory, {})](storage::ConsoleStore &store) {
            if (auto status = store.appendHostSamples(samples); !status)
                qCWarning(lcFailover).noquote() << "cannot record host metrics:" << status.error().toString();
        });
    }
    if (wall - m_hostHistoryPrunedWallMs >= kHostHistoryPruneEveryMs) {
        m_hostHistoryPrunedWallMs = wall;
        m_store->post([before = wall - kHostHistoryRetentionMs](storage::ConsoleStore &store) {
            if (auto pruned = store.pruneHostSamples(before); !pruned)
                qCWarning(lcFailover).noquote()
                    << "cannot prune the host metrics history:" << pruned.error().toString();
        });
    }
}

bool ClusterEngine::Impl::predictedToFail(const QString &agent) const
{
    if (!m_riskTable)
        return false;
    const auto it = m_riskTable->hosts.find(agent);
    return it != m_riskTable->hosts.end() && it->second.risk >= m_options.config.prediction.alertRisk;
}

} // namespace foresight::failover
