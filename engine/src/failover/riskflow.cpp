// The engine's side of host failure prediction: heartbeats' host metrics and every failure the
// engine sees go to the prediction thread (RiskWorker); its risk table comes back once per tick
// and feeds candidate ranking, the failover score and snapshots; its findings are journaled.

#include "failover/engineimpl.h"

namespace foresight {

using failover::AgentRuntime;

namespace {
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

void ClusterEngine::Impl::feedRisk(AgentRuntime &agent, const Heartbeat &heartbeat, bool unnoticedRestart)
{
    if (!m_risk)
        return;
    const std::int64_t wall = wallNow();
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
    if (!m_riskTable)
        return 0;
    const auto it = m_riskTable->hosts.find(agent);
    return it == m_riskTable->hosts.end() ? 0 : it->second.rankingRisk();
}

bool ClusterEngine::Impl::predictedToFail(const QString &agent) const
{
    if (!m_riskTable)
        return false;
    const auto it = m_riskTable->hosts.find(agent);
    return it != m_riskTable->hosts.end() && it->second.risk >= m_options.config.prediction.alertRisk;
}

} // namespace foresight
