#include "foresight/sim/faultinjector.h"

#include "foresight/control/controlclient.h"

namespace foresight::sim {

FaultInjector::FaultInjector(Options options)
    : m_options(std::move(options))
{}

Result<std::unique_ptr<FaultInjector>> FaultInjector::create(Options options, qint64 nowWallMs)
{
    if (!options.cluster)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("fault injector: needs a cluster"));
    std::unique_ptr<FaultInjector> injector(new FaultInjector(std::move(options)));
    LocalCluster &cluster = *injector->m_options.cluster;
    const QString hostsDir = cluster.options().hostsDir;
    if (!hostsDir.isEmpty()) {
        for (int i = 0; i < cluster.size(); ++i) {
            SimulatedHostSettings settings;
            const QString name = cluster.agent(i).name();
            settings.root = hostsDir + QLatin1Char('/') + name;
            settings.seed = quint32(i + 1);
            auto host = SimulatedHost::create(settings, nowWallMs);
            if (!host)
                return std::unexpected(host.error());
            injector->m_hosts.emplace(name, std::move(*host));
        }
    }
    return injector;
}

FaultInjector::~FaultInjector()
{
    thawAll();
}

SimulatedHost *FaultInjector::host(const QString &agent)
{
    const auto it = m_hosts.find(agent);
    return it == m_hosts.end() ? nullptr : &it->second;
}

QString FaultInjector::resolve(const QString &target) const
{
    if (!scenarioRoles().contains(target))
        return target;
    const auto snapshot = m_options.engine ? m_options.engine->snapshot() : nullptr;
    const AppView *app = snapshot ? snapshot->app(m_options.app) : nullptr;
    if (!app)
        return {};
    if (target == QLatin1String("primary"))
        return app->primary;
    const Tier tier = target == QLatin1String("hot-replica")    ? Tier::Hot
                      : target == QLatin1String("warm-replica") ? Tier::Warm
                                                                : Tier::Cold;
    QString first;
    for (const ReplicaView &replica : app->replicas) {
        if (replica.tier == tier && (first.isEmpty() || replica.agent < first))
            first = replica.agent;
    }
    return first;
}

Result<AppliedFault> FaultInjector::inject(const ScenarioFault &fault, qint64 nowWallMs)
{
    const QString kind = faultKindName(fault.kind);
    const QString agent = resolve(fault.target);
    const int index = agent.isEmpty() ? -1 : m_options.cluster->indexOf(agent);
    if (index < 0) {
        return fail(ErrorCode::NotFound,
                    agent.isEmpty() ? QStringLiteral("%1 skipped: nobody is %2 now").arg(kind, fault.target)
                                    : QStringLiteral("%1 skipped: no agent '%2' in this cluster").arg(kind, agent));
    }
    const QString what = kind + QLatin1Char(' ')
                         + (agent == fault.target ? agent : QStringLiteral("%1 (%2)").arg(agent, fault.target));
    AgentProcess &process = m_options.cluster->agent(index);
    switch (fault.kind) {
    case FaultKind::Crash:
        process.kill();
        break;
    case FaultKind::Freeze:
        process.freeze();
        m_thaws.append(Thaw{fault.durationMs > 0 ? nowWallMs + fault.durationMs : 0, index});
        break;
    case FaultKind::Degrade: {
        SimulatedHost *simulated = host(agent);
        if (!simulated)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 skipped: its host is not simulated").arg(what));
        simulated->degrade(fault.degradation, nowWallMs, fault.durationMs);
        break;
    }
    case FaultKind::Corrupt: {
        auto control = m_options.cluster->control(index);
        auto corrupted = control ? (*control)->injectFault(m_options.app, QStringLiteral("corrupt"))
                                 : Result<QCborMap>(std::unexpected(control.error()));
        if (!corrupted)
            return fail(corrupted.error().code, QStringLiteral("%1 failed: %2").arg(what, corrupted.error().message));
        break;
    }
    case FaultKind::Partition:
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 skipped: partitions need the simulated network, which this version does not "
                                   "have yet")
                        .arg(what));
    }
    return AppliedFault{nowWallMs, fault.kind, agent, fault.peer.isEmpty() ? QString() : resolve(fault.peer), fault.line};
}

QStringList FaultInjector::tick(qint64 nowWallMs)
{
    for (auto &[name, simulated] : m_hosts)
        (void) simulated.advanceTo(nowWallMs); // a failed write shows as the agent's host-error
    QStringList thawed;
    for (qsizetype i = 0; i < m_thaws.size();) {
        if (m_thaws[i].atWallMs > 0 && m_thaws[i].atWallMs <= nowWallMs) {
            AgentProcess &process = m_options.cluster->agent(m_thaws[i].agent);
            process.thaw();
            thawed << process.name();
            m_thaws.removeAt(i);
        } else {
            ++i;
        }
    }
    return thawed;
}

Status FaultInjector::repair(const QString &agent)
{
    SimulatedHost *simulated = host(agent);
    if (!simulated)
        return fail(ErrorCode::NotFound, QStringLiteral("repair %1 skipped: its host is not simulated").arg(agent));
    simulated->clearDegradations();
    return {};
}

void FaultInjector::thawAll()
{
    for (const Thaw &thaw : std::as_const(m_thaws))
        m_options.cluster->agent(thaw.agent).thaw();
    m_thaws.clear();
}

} // namespace foresight::sim
