#include "foresight/training/scenariorunner.h"

#include <chrono>

#include "foresight/control/controlclient.h"
#include "foresight/core/clock.h"

namespace foresight::training {

namespace {

constexpr int kReadBackTimeoutMs = 3000;

QString secondsIn(qint64 ms)
{
    return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
}

} // namespace

ScenarioRunner::ScenarioRunner(Options options)
    : m_options(std::move(options))
{}

Result<std::unique_ptr<ScenarioRunner>> ScenarioRunner::start(Options options, qint64 nowWallMs)
{
    if (!options.cluster || !options.engine)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("scenario runner: needs a cluster and an engine"));
    if (options.app.isEmpty())
        options.app = options.scenario.app;
    if (options.app.isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("scenario '%1' names no application ('app:') and none was given")
                        .arg(options.scenario.name));
    const QString hostsDir = options.cluster->options().hostsDir;
    for (const sim::ScenarioFault &fault : options.scenario.faults) {
        const bool onNetwork = fault.kind == sim::FaultKind::Partition || fault.kind == sim::FaultKind::Slow;
        if (onNetwork && !options.cluster->network())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("scenario '%1', line %2: %3 need the simulated network "
                                       "(LocalCluster::Options::simulatedNetwork), which this cluster does not have")
                            .arg(options.scenario.name)
                            .arg(fault.line)
                            .arg(fault.kind == sim::FaultKind::Slow ? QStringLiteral("slow links")
                                                                    : QStringLiteral("partitions")));
        if (fault.kind == sim::FaultKind::Degrade && hostsDir.isEmpty())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("scenario '%1', line %2: degrading a host needs the cluster's agents on "
                                       "simulated hosts (LocalCluster::Options::hostsDir)")
                            .arg(options.scenario.name)
                            .arg(fault.line));
        for (const QString &target : {fault.target, fault.peer}) {
            if (!target.isEmpty() && !sim::scenarioRoles().contains(target) && options.cluster->indexOf(target) < 0)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("scenario '%1', line %2: no agent or role '%3' (roles: %4)")
                                .arg(options.scenario.name)
                                .arg(fault.line)
                                .arg(target, sim::scenarioRoles().join(QStringLiteral(", "))));
        }
    }

    std::unique_ptr<ScenarioRunner> runner(new ScenarioRunner(std::move(options)));
    runner->m_faults = runner->m_options.faults;
    if (!runner->m_faults) {
        auto injector
            = FaultInjector::create({runner->m_options.cluster, runner->m_options.engine, runner->m_options.app},
                                    nowWallMs);
        if (!injector)
            return std::unexpected(injector.error());
        runner->m_ownFaults = std::move(*injector);
        runner->m_faults = runner->m_ownFaults.get();
    }
    runner->m_run.startWallMs = nowWallMs;
    runner->m_lastAckWallMs = nowWallMs;
    runner->m_writer = std::jthread([raw = runner.get()](std::stop_token stop) { raw->write(stop); });
    return runner;
}

ScenarioRunner::~ScenarioRunner()
{
    m_writer.request_stop();
    if (m_writer.joinable())
        m_writer.join();
    if (m_faults)
        m_faults->thawAll();
}

sim::SimulatedHost *ScenarioRunner::host(const QString &agent)
{
    return m_faults->host(agent);
}

void ScenarioRunner::event(qint64 nowWallMs, const QString &what)
{
    m_events << QStringLiteral("%1: %2").arg(secondsIn(nowWallMs - m_run.startWallMs), what);
}

QString ScenarioRunner::describe(const sim::ScenarioFault &fault, const sim::AppliedFault &applied)
{
    const QString who = applied.agent == fault.target ? applied.agent
                                                      : QStringLiteral("%1 (%2)").arg(applied.agent, fault.target);
    QString detail;
    if (fault.kind == sim::FaultKind::Degrade)
        detail = QLatin1Char(' ') + sim::degradationName(fault.degradation);
    else if (fault.kind == sim::FaultKind::Partition)
        detail = fault.peer.isEmpty()         ? QStringLiteral(" from the rest")
                 : applied.peer == fault.peer ? QLatin1Char(' ') + applied.peer
                                              : QStringLiteral(" %1 (%2)").arg(applied.peer, fault.peer);
    else if (fault.kind == sim::FaultKind::Slow)
        detail = (applied.peer == fault.peer ? QLatin1Char(' ') + applied.peer
                                             : QStringLiteral(" %1 (%2)").arg(applied.peer, fault.peer))
                 + QStringLiteral(" to %1 B/s").arg(fault.bandwidthBytesPerSec)
                 + (fault.latencyMs >= 0 ? QStringLiteral(", %1 ms latency").arg(fault.latencyMs) : QString());
    return sim::faultKindName(fault.kind) + QLatin1Char(' ') + who + detail;
}

void ScenarioRunner::fire(const sim::ScenarioFault &fault, qint64 nowWallMs)
{
    const auto applied = m_faults->inject(fault, nowWallMs);
    if (!applied) {
        event(nowWallMs, applied.error().message);
        return;
    }
    m_run.faults.append(*applied);
    event(nowWallMs, describe(fault, *applied));
}

Result<sim::AppliedFault> ScenarioRunner::injectByHand(const sim::ScenarioFault &fault, qint64 nowWallMs)
{
    auto applied = m_faults->inject(fault, nowWallMs);
    if (!applied) {
        event(nowWallMs, QStringLiteral("by hand: %1").arg(applied.error().message));
        return applied;
    }
    applied->line = 0;
    m_run.faults.append(*applied);
    event(nowWallMs, QStringLiteral("by hand: %1").arg(describe(fault, *applied)));
    return applied;
}

void ScenarioRunner::trackOutages(qint64 nowWallMs)
{
    const qint64 lastAck = m_lastAckWallMs.load();
    if (!m_inOutage && nowWallMs - lastAck > m_options.outageAfterMs) {
        m_inOutage = true;
        m_run.outages.append(sim::ServiceOutage{lastAck, 0});
    } else if (m_inOutage && lastAck > m_run.outages.last().startWallMs) {
        m_inOutage = false;
        m_run.outages.last().endWallMs = lastAck;
    }
}

bool ScenarioRunner::tick(qint64 nowWallMs)
{
    const qint64 elapsed = nowWallMs - m_run.startWallMs;
    QStringList healed, restored;
    for (const QString &thawed : m_faults->tick(nowWallMs, &healed, &restored))
        event(nowWallMs, QStringLiteral("thaw %1").arg(thawed));
    for (const QString &pair : std::as_const(healed))
        event(nowWallMs, QStringLiteral("heal %1").arg(pair));
    for (const QString &pair : std::as_const(restored))
        event(nowWallMs, QStringLiteral("link %1 restored").arg(pair));
    const auto &faults = m_options.scenario.faults;
    while (m_nextFault < faults.size() && faults[m_nextFault].atMs <= elapsed)
        fire(faults[m_nextFault++], nowWallMs);
    trackOutages(nowWallMs);
    return elapsed < m_options.scenario.durationMs;
}

void ScenarioRunner::write(std::stop_token stop)
{
    sdk::ClientOptions options = m_options.cluster->clientOptions(m_options.app);
    options.name = QStringLiteral("scenario-writer");
    auto client = sdk::Client::connect(options);
    if (!client)
        return; // no acknowledgement at all: the whole run is one outage, and says so
    const auto interval = std::chrono::microseconds(1'000'000 / std::max(1, m_options.writesPerSecond));
    auto next = std::chrono::steady_clock::now();
    for (qint64 n = 0; !stop.stop_requested(); ++n) {
        const QString key = QStringLiteral("scenario/%1").arg(n);
        const QByteArray value = QByteArrayLiteral("v") + QByteArray::number(n);
        if ((*client)->put(key, value)) {
            {
                std::lock_guard lock(m_mutex);
                m_acked.insert(key, value);
            }
            ++m_ackedCount;
            m_lastAckWallMs = m_options.cluster->clock().wallMs(); // the time tick() is given
        }
        // Paced like an application's traffic, not as fast as the cluster can go.
        next += interval;
        std::this_thread::sleep_until(next);
    }
}

sim::ScenarioScore ScenarioRunner::finish(qint64 nowWallMs)
{
    stopPlaying(nowWallMs);
    return score();
}

void ScenarioRunner::stopPlaying(qint64 nowWallMs)
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_writer.request_stop();
    if (m_writer.joinable())
        m_writer.join();
    m_faults->thawAll();
    trackOutages(nowWallMs);
    m_run.endWallMs = nowWallMs;
    m_readBack = m_options.cluster->clientOptions(m_options.app);
    m_readBack.failoverTimeoutMs = kReadBackTimeoutMs;
}

sim::ScenarioScore ScenarioRunner::score()
{
    const qint64 nowWallMs = m_run.endWallMs;
    QMap<QString, QByteArray> acked;
    {
        std::lock_guard lock(m_mutex);
        acked = m_acked;
    }
    m_run.ackedWrites = acked.size();
    // A write nobody can read at the end is lost to the application: without a primary, every
    // acknowledged write counts as lost, and the first failed read ends the check (each would
    // wait out the client's failover time).
    m_run.ackedWritesLost = acked.size();
    auto reader = sdk::Client::connect(m_readBack);
    if (!reader) {
        event(nowWallMs, QStringLiteral("read-back impossible: %1").arg(reader.error().message));
    } else {
        m_run.ackedWritesLost = 0;
        qint64 checked = 0;
        for (auto it = acked.cbegin(); it != acked.cend(); ++it, ++checked) {
            const auto read = (*reader)->get(it.key());
            if (!read) {
                event(nowWallMs, QStringLiteral("read-back stopped: %1").arg(read.error().message));
                m_run.ackedWritesLost += acked.size() - checked;
                break;
            }
            if (read->value != it.value())
                ++m_run.ackedWritesLost;
        }
    }
    if (const auto snapshot = m_options.engine->snapshot()) {
        for (const storage::JournalEntry &entry : snapshot->recentJournal) {
            if (entry.wallMs >= m_run.startWallMs)
                m_run.journal.append(entry);
        }
    }
    return sim::scoreScenario(m_options.scenario, m_run);
}

} // namespace foresight::training
