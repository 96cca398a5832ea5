#include "foresight/training/faultinjector.h"

#include <algorithm>
#include <utility>

#include "foresight/control/controlclient.h"

namespace foresight::training {

FaultInjector::FaultInjector(Options options)
    : m_options(std::move(options))
{}

Result<std::unique_ptr<FaultInjector>> FaultInjector::create(Options options, qint64 nowWallMs)
{
    if (!options.cluster)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("fault injector: needs a cluster"));
    std::unique_ptr<FaultInjector> injector(new FaultInjector(std::move(options)));
    cluster::LocalCluster &cluster = *injector->m_options.cluster;
    const QString hostsDir = cluster.options().hostsDir;
    if (!hostsDir.isEmpty()) {
        for (int i = 0; i < cluster.size(); ++i) {
            sim::SimulatedHostSettings settings;
            const QString name = cluster.agent(i).name();
            settings.root = hostsDir + QLatin1Char('/') + name;
            settings.seed = quint32(i + 1);
            auto host = sim::SimulatedHost::create(settings, nowWallMs);
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

namespace {

// Takes out, in order, each entry of `timed` whose time (atWallMs, 0: none) has come, and hands
// it to `due` at once: what `due` does may look at the entries still there.
template<typename Timed, typename Due>
void takeEachDue(QList<Timed> &timed, qint64 nowWallMs, Due &&due)
{
    for (qsizetype i = 0; i < timed.size();) {
        if (timed[i].atWallMs > 0 && timed[i].atWallMs <= nowWallMs)
            due(timed.takeAt(i));
        else
            ++i;
    }
}

const QString kNoNetwork = QStringLiteral("the cluster has no simulated network to partition "
                                          "(LocalCluster::Options::simulatedNetwork)");

bool samePair(const QString &a, const QString &b, const QString &c, const QString &d)
{
    return (a == c && b == d) || (a == d && b == c);
}

} // namespace

bool FaultInjector::hasSimulatedNetwork() const
{
    return m_options.cluster->network() != nullptr;
}

QString FaultInjector::resolveHost(const QString &target) const
{
    if (target == sim::SimulatedNetwork::consoleHost())
        return target;
    return resolve(target);
}

void FaultInjector::healCut(const Cut &cut)
{
    const bool stillCut = std::any_of(m_cuts.begin(), m_cuts.end(), [&](const Cut &other) {
        return samePair(other.a, other.b, cut.a, cut.b);
    });
    if (!stillCut)
        (void) m_options.cluster->network()->setPartitioned(cut.a, cut.b, false);
}

// Only the slow fault's bandwidth and latency go back: a partition made or healed meanwhile is
// another fault's business and stays as it is.
void FaultInjector::restoreLink(const SlowLink &slow)
{
    sim::SimulatedNetwork *network = m_options.cluster->network();
    sim::LinkModel link = network->link(slow.a, slow.b);
    link.bandwidthBytesPerSec = slow.before.bandwidthBytesPerSec;
    link.latencyMs = slow.before.latencyMs;
    (void) network->setLink(slow.a, slow.b, link);
}

Result<sim::AppliedFault> FaultInjector::slow(const sim::ScenarioFault &fault, const QString &agent, qint64 nowWallMs)
{
    const QString what = QStringLiteral("slow %1").arg(
        agent == fault.target ? agent : QStringLiteral("%1 (%2)").arg(agent, fault.target));
    sim::SimulatedNetwork *network = m_options.cluster->network();
    if (!network)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 skipped: %2").arg(what, kNoNetwork));
    const QString peer = resolveHost(fault.peer);
    if (peer.isEmpty())
        return fail(ErrorCode::NotFound, QStringLiteral("%1 skipped: nobody is %2 now").arg(what, fault.peer));
    if (peer == agent)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 skipped: %2 is %3 itself").arg(what, fault.peer, agent));
    // A second slow fault on a pair replaces the first, and its end restores what the pair had
    // before either, not the first one's narrowing.
    sim::LinkModel before = network->link(agent, peer);
    for (qsizetype i = 0; i < m_slowLinks.size(); ++i) {
        if (samePair(m_slowLinks[i].a, m_slowLinks[i].b, agent, peer)) {
            before = m_slowLinks.takeAt(i).before;
            break;
        }
    }
    sim::LinkModel link = network->link(agent, peer);
    link.bandwidthBytesPerSec = fault.bandwidthBytesPerSec;
    if (fault.latencyMs >= 0)
        link.latencyMs = double(fault.latencyMs);
    if (auto ok = network->setLink(agent, peer, link); !ok)
        return fail(ok.error().code, QStringLiteral("%1 failed: %2").arg(what, ok.error().message));
    m_slowLinks.append(SlowLink{fault.durationMs > 0 ? nowWallMs + fault.durationMs : 0, agent, peer, before});
    return sim::AppliedFault{nowWallMs, fault.kind, agent, peer, fault.line};
}

Status FaultInjector::setLink(const QString &a, const QString &b, const sim::LinkModel &link)
{
    sim::SimulatedNetwork *network = m_options.cluster->network();
    if (!network)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("link %1 %2 not set: %3").arg(a, b, kNoNetwork));
    const QString hostA = resolveHost(a);
    const QString hostB = resolveHost(b);
    if (hostA.isEmpty() || hostB.isEmpty())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("link %1 %2 not set: nobody is %3 now").arg(a, b, hostA.isEmpty() ? a : b));
    if (auto ok = network->setLink(hostA, hostB, link); !ok)
        return fail(ok.error().code, QStringLiteral("link %1 %2 not set: %3").arg(a, b, ok.error().message));
    m_cuts.removeIf([&](const Cut &cut) { return samePair(cut.a, cut.b, hostA, hostB); });
    // A link set by hand is what the instructor wants now: no slow fault's end may undo it.
    m_slowLinks.removeIf([&](const SlowLink &slow) { return samePair(slow.a, slow.b, hostA, hostB); });
    if (link.partitioned)
        m_cuts.append(Cut{0, hostA, hostB}); // healed by heal() or thawAll(), like any cut of ours
    return {};
}

Status FaultInjector::heal(const QString &a, const QString &b)
{
    sim::SimulatedNetwork *network = m_options.cluster->network();
    if (!network)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("heal skipped: %1").arg(kNoNetwork));
    if (a.isEmpty()) {
        m_cuts.clear();
        network->healAll();
        return {};
    }
    const QString hostA = resolveHost(a);
    const QString hostB = b.isEmpty() ? QString() : resolveHost(b);
    if (hostA.isEmpty() || (!b.isEmpty() && hostB.isEmpty()))
        return fail(ErrorCode::NotFound, QStringLiteral("heal skipped: nobody is %1 now").arg(hostA.isEmpty() ? a : b));
    for (const auto &[first, second] : network->partitions()) {
        const bool matches = hostB.isEmpty() ? (first == hostA || second == hostA)
                                             : samePair(first, second, hostA, hostB);
        if (!matches)
            continue;
        m_cuts.removeIf([&](const Cut &cut) { return samePair(cut.a, cut.b, first, second); });
        if (auto ok = network->setPartitioned(first, second, false); !ok)
            return ok;
    }
    return {};
}

sim::SimulatedHost *FaultInjector::host(const QString &agent)
{
    const auto it = m_hosts.find(agent);
    return it == m_hosts.end() ? nullptr : &it->second;
}

QString FaultInjector::resolve(const QString &target) const
{
    if (!sim::scenarioRoles().contains(target))
        return target;
    const auto snapshot = m_options.engine ? m_options.engine->snapshot() : nullptr;
    const failover::AppView *app = snapshot ? snapshot->app(m_options.app) : nullptr;
    if (!app)
        return {};
    if (target == QLatin1String("primary"))
        return app->primary;
    const Tier tier = target == QLatin1String("hot-replica")    ? Tier::Hot
                      : target == QLatin1String("warm-replica") ? Tier::Warm
                                                                : Tier::Cold;
    QString first;
    for (const failover::ReplicaView &replica : app->replicas) {
        if (replica.tier == tier && (first.isEmpty() || replica.agent < first))
            first = replica.agent;
    }
    return first;
}

Result<sim::AppliedFault> FaultInjector::inject(const sim::ScenarioFault &fault, qint64 nowWallMs)
{
    const QString kind = sim::faultKindName(fault.kind);
    const QString agent = resolve(fault.target);
    const int index = agent.isEmpty() ? -1 : m_options.cluster->indexOf(agent);
    if (index < 0) {
        return fail(ErrorCode::NotFound,
                    agent.isEmpty() ? QStringLiteral("%1 skipped: nobody is %2 now").arg(kind, fault.target)
                                    : QStringLiteral("%1 skipped: no agent '%2' in this cluster").arg(kind, agent));
    }
    const QString what = kind + QLatin1Char(' ')
                         + (agent == fault.target ? agent : QStringLiteral("%1 (%2)").arg(agent, fault.target));
    cluster::AgentProcess &process = m_options.cluster->agent(index);
    switch (fault.kind) {
    case sim::FaultKind::Crash:
        process.kill();
        break;
    case sim::FaultKind::Freeze:
        process.freeze();
        m_thaws.append(Thaw{fault.durationMs > 0 ? nowWallMs + fault.durationMs : 0, index});
        break;
    case sim::FaultKind::Degrade: {
        sim::SimulatedHost *simulated = host(agent);
        if (!simulated)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 skipped: its host is not simulated").arg(what));
        simulated->degrade(fault.degradation, nowWallMs, fault.durationMs);
        break;
    }
    case sim::FaultKind::Corrupt: {
        auto control = m_options.cluster->control(index);
        auto corrupted = control ? (*control)->injectFault(m_options.app, QStringLiteral("corrupt"))
                                 : Result<QCborMap>(std::unexpected(control.error()));
        if (!corrupted)
            return fail(corrupted.error().code, QStringLiteral("%1 failed: %2").arg(what, corrupted.error().message));
        break;
    }
    case sim::FaultKind::Partition: {
        sim::SimulatedNetwork *network = m_options.cluster->network();
        if (!network)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 skipped: %2").arg(what, kNoNetwork));
        QStringList peers;
        if (fault.peer.isEmpty()) {
            peers = network->hosts();
            peers.removeAll(agent);
        } else {
            const QString peer = resolveHost(fault.peer);
            if (peer.isEmpty())
                return fail(ErrorCode::NotFound, QStringLiteral("%1 skipped: nobody is %2 now").arg(what, fault.peer));
            if (peer == agent)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("%1 skipped: %2 is %3 itself").arg(what, fault.peer, agent));
            peers << peer;
        }
        for (const QString &peer : std::as_const(peers)) {
            if (auto ok = network->setPartitioned(agent, peer, true); !ok)
                return fail(ok.error().code, QStringLiteral("%1 failed: %2").arg(what, ok.error().message));
            m_cuts.append(Cut{fault.durationMs > 0 ? nowWallMs + fault.durationMs : 0, agent, peer});
        }
        return sim::AppliedFault{nowWallMs,
                                 fault.kind,
                                 agent,
                                 fault.peer.isEmpty() ? QStringLiteral("the rest") : peers.first(),
                                 fault.line};
    }
    case sim::FaultKind::Slow:
        return slow(fault, agent, nowWallMs);
    }
    return sim::AppliedFault{nowWallMs,
                             fault.kind,
                             agent,
                             fault.peer.isEmpty() ? QString() : resolve(fault.peer),
                             fault.line};
}

QStringList FaultInjector::tick(qint64 nowWallMs, QStringList *healed, QStringList *restored)
{
    takeEachDue(m_slowLinks, nowWallMs, [&](const SlowLink &slow) {
        restoreLink(slow);
        if (restored)
            *restored << slow.a + QLatin1Char('-') + slow.b;
    });
    takeEachDue(m_cuts, nowWallMs, [&](const Cut &cut) {
        healCut(cut);
        if (healed)
            *healed << cut.a + QLatin1Char('-') + cut.b;
    });
    for (auto &[name, simulated] : m_hosts)
        (void) simulated.advanceTo(nowWallMs); // a failed write shows as the agent's host-error
    QStringList thawed;
    takeEachDue(m_thaws, nowWallMs, [&](const auto &thaw) {
        cluster::AgentProcess &process = m_options.cluster->agent(thaw.agent);
        process.thaw();
        thawed << process.name();
    });
    return thawed;
}

Status FaultInjector::repair(const QString &agent)
{
    sim::SimulatedHost *simulated = host(agent);
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
    const QList<Cut> cuts = std::exchange(m_cuts, {});
    for (const Cut &cut : cuts)
        healCut(cut);
    const QList<SlowLink> slowLinks = std::exchange(m_slowLinks, {});
    for (const SlowLink &slow : slowLinks)
        restoreLink(slow);
}

} // namespace foresight::training
