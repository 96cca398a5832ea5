// The engine thread: one zmq_poll loop over every agent link, a command queue for operators,
// and a snapshot published at a bounded rate. The decisions live in failoverflow.cpp.

#include "failover/engineimpl.h"
#include "failover/partitionsstatus.h"
#include "foresight/core/logging.h"

namespace foresight::failover {

using protocol::MessageType;

namespace {
// The loop wakes at least this often, so suspicion (phi) and lease deadlines are evaluated
// within a few milliseconds of becoming true even when no message arrives.
constexpr int kTickMs = 5;
} // namespace

QString appPhaseName(AppPhase phase)
{
    switch (phase) {
    case AppPhase::Starting:
        return QStringLiteral("starting");
    case AppPhase::Healthy:
        return QStringLiteral("healthy");
    case AppPhase::Investigating:
        return QStringLiteral("investigating");
    case AppPhase::CutOff:
        return QStringLiteral("cut-off");
    case AppPhase::AwaitingLease:
        return QStringLiteral("awaiting-lease");
    case AppPhase::Promoting:
        return QStringLiteral("promoting");
    case AppPhase::Blocked:
        return QStringLiteral("blocked");
    case AppPhase::NoPrimary:
        return QStringLiteral("no-primary");
    case AppPhase::SwitchingOver:
        return QStringLiteral("switching-over");
    }
    return QStringLiteral("unknown");
}

ClusterEngine::Impl::Impl(ClusterEngineOptions options)
    : m_options(std::move(options))
    , m_clock(m_options.clock ? *m_options.clock : SystemClock::instance())
    , m_settings(m_options.config.failover)
{}

ClusterEngine::Impl::~Impl()
{
    stopThread();
}

Status ClusterEngine::Impl::startThread()
{
    if (auto ok = m_options.config.validate(); !ok)
        return ok;
    auto started = m_started.get_future();
    m_thread = std::thread([this] { run(); });
    Status status = started.get();
    if (!status)
        stopThread();
    return status;
}

void ClusterEngine::Impl::stopThread()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

void ClusterEngine::Impl::run()
{
    auto store = storage::StoreWriter::open(m_options.storePath, m_clock);
    if (!store) {
        m_started.set_value(std::unexpected(store.error()));
        return;
    }
    m_store = std::move(store->writer);
    m_lastIncidentId = store->lastIncidentId;
    startRiskWorker();
    m_startedMs = now();
    openLinks();
    for (const config::ClusterApp &config : m_options.config.apps) {
        AppRuntime &app = m_apps[config.name];
        app.config = config;
        app.config.config.leaseMs = m_settings.leaseMs;
    }
    journal(QStringLiteral("engine"),
            {},
            {},
            QStringLiteral("engine started: %1 agents, %2 applications").arg(m_agents.size()).arg(m_apps.size()));
    m_started.set_value({});

    while (!m_stop) {
        pollOnce(kTickMs);
        runCommands();
        journalRiskEvents();
        flushHostHistory(false);
        expireRequests();
        updateSuspicion();
        for (auto &[name, app] : m_apps)
            evaluate(app);
        tendShadows();
        publishSnapshot(false);
    }
    m_pending.clear();
    m_agents.clear();
    m_risk.reset();
    flushHostHistory(true);
    flushShadowHistory(true);
    journal(QStringLiteral("engine"), {}, {}, QStringLiteral("engine stopped"));
    m_store.reset();
}

void ClusterEngine::Impl::openLinks()
{
    detection::PhiSettings phi;
    phi.expectedIntervalMs = m_settings.heartbeatIntervalMs;
    phi.threshold = m_settings.phiThreshold;
    for (const config::ClusterAgent &config : m_options.config.agents) {
        AgentRuntime &agent = m_agents[config.name];
        agent.config = config;
        agent.phi = detection::PhiAccrualDetector(phi);
        AgentLink::Options options;
        options.url = config.url;
        options.serverPublicKey = config.publicKey;
        options.keys = m_options.keys;
        options.insecure = m_options.config.insecure;
        options.intervalMs = m_settings.heartbeatIntervalMs;
        options.ttlMs = qMax(1500, 10 * m_settings.heartbeatIntervalMs);
        auto link = AgentLink::open(options, m_clock);
        if (!link) {
            agent.error = link.error().message;
            journal(QStringLiteral("agent"), {}, config.name, QStringLiteral("cannot watch: %1").arg(agent.error));
            continue;
        }
        agent.link = std::move(*link);
    }
}

void ClusterEngine::Impl::pollOnce(int timeoutMs)
{
    std::vector<zmq::pollitem_t> items;
    std::vector<AgentRuntime *> owners;
    for (auto &[name, agent] : m_agents) {
        if (!agent.link)
            continue;
        // Say why an agent cannot be watched once, in the journal and in the snapshot; a heartbeat
        // clears it (onHeartbeat).
        if (const QString problem = agent.link->connectionProblem();
            !problem.isEmpty() && problem != agent.error && (!agent.last || agent.suspected)) {
            agent.error = problem;
            journal(QStringLiteral("agent"), {}, name, QStringLiteral("cannot watch: %1").arg(problem));
        }
        agent.link->maintainSubscription();
        items.push_back({agent.link->socket().handle(), 0, ZMQ_POLLIN, 0});
        owners.push_back(&agent);
    }
    // timeoutMs is on the engine's clock; the wait is real (shorter with a scaled clock).
    const auto realWait = std::chrono::milliseconds(m_clock.realWaitMs(timeoutMs));
    try {
        if (items.empty())
            std::this_thread::sleep_for(realWait);
        else
            zmq::poll(items.data(), items.size(), realWait);
    } catch (const zmq::error_t &e) {
        if (e.num() != EINTR)
            qCWarning(lcFailover) << "poll failed:" << e.what();
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!(items[i].revents & ZMQ_POLLIN))
            continue;
        AgentLink::Inbox inbox;
        owners[i]->link->drain(inbox);
        if (owners[i]->link->subscribeError() != owners[i]->error && !owners[i]->link->subscribeError().isEmpty()) {
            owners[i]->error = owners[i]->link->subscribeError();
            journal(QStringLiteral("agent"),
                    {},
                    owners[i]->config.name,
                    QStringLiteral("refused the console's subscription: %1").arg(owners[i]->error));
        }
        for (const monitor::Heartbeat &heartbeat : inbox.heartbeats)
            onHeartbeat(*owners[i], heartbeat);
        for (const AgentLink::Reply &reply : inbox.replies)
            onReply(owners[i]->config.name, reply);
    }
}

Status ClusterEngine::Impl::request(const QString &agentName,
                                    MessageType type,
                                    const QCborMap &body,
                                    int timeoutMs,
                                    std::function<void(Result<QCborMap>)> done)
{
    auto it = m_agents.find(agentName);
    if (it == m_agents.end() || !it->second.link)
        return fail(ErrorCode::NotFound, QStringLiteral("no link to agent '%1'").arg(agentName));
    auto id = it->second.link->send(type, body);
    if (!id)
        return std::unexpected(id.error());
    m_pending[{agentName, *id}] = failover::PendingRequest{agentName, type, now() + timeoutMs, std::move(done)};
    return {};
}

void ClusterEngine::Impl::onReply(const QString &agent, const AgentLink::Reply &reply)
{
    auto it = m_pending.find({agent, reply.id});
    if (it == m_pending.end())
        return; // a reply after its time-out, or to a request that needed none
    auto done = std::move(it->second.done);
    m_pending.erase(it);
    if (!done)
        return;
    if (reply.message.type == MessageType::Error) {
        done(fail(errorCodeFromName(reply.message.body.value(QStringLiteral("code")).toString()),
                  reply.message.body.value(QStringLiteral("message")).toString()));
    } else {
        done(reply.message.body);
    }
}

void ClusterEngine::Impl::expireRequests()
{
    const std::int64_t t = now();
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->second.deadlineMs > t) {
            ++it;
            continue;
        }
        auto done = std::move(it->second.done);
        const QString what = protocol::messageTypeName(it->second.type);
        const QString agent = it->second.agent;
        it = m_pending.erase(it);
        if (done)
            done(fail(ErrorCode::Timeout, QStringLiteral("%1 to '%2' got no answer").arg(what, agent)));
    }
}

std::future<Result<OperatorOutcome>> ClusterEngine::Impl::post(std::function<Result<OperatorOutcome>(Impl &)> command)
{
    auto promise = std::make_shared<std::promise<Result<OperatorOutcome>>>();
    auto future = promise->get_future();
    std::lock_guard lock(m_mutex);
    if (m_stop) {
        promise->set_value(fail(ErrorCode::Internal, QStringLiteral("the engine has stopped")));
        return future;
    }
    m_commands.push_back([promise, command = std::move(command)](Impl &impl) {
        Result<OperatorOutcome> result = command(impl);
        impl.publishSnapshot(true); // the caller sees the command's effect in the next snapshot it reads
        promise->set_value(std::move(result));
    });
    return future;
}

void ClusterEngine::Impl::runCommands()
{
    std::deque<std::function<void(Impl &)>> commands;
    {
        std::lock_guard lock(m_mutex);
        commands.swap(m_commands);
    }
    for (auto &command : commands)
        command(*this);
}

void ClusterEngine::Impl::journal(const QString &kind,
                                  const QString &app,
                                  const QString &agent,
                                  const QString &message,
                                  const QJsonObject &details,
                                  const QString &actor)
{
    qCInfo(lcFailover).noquote() << kind << (app.isEmpty() ? QString() : app) << (agent.isEmpty() ? QString() : agent)
                                 << message;
    storage::JournalEntry entry;
    entry.wallMs = wallNow();
    entry.kind = kind;
    entry.app = app;
    entry.agent = agent;
    entry.actor = actor;
    entry.message = message;
    entry.details = details;
    m_recentJournal.append(entry);
    if (m_recentJournal.size() > kRecentJournal)
        m_recentJournal.remove(0, m_recentJournal.size() - kRecentJournal);
    ++m_journalCount;
    if (!m_store)
        return;
    m_store->post([entry, head = m_journalHead](storage::ConsoleStore &store) {
        if (auto id = store.appendJournal(entry))
            head->store(*id);
        else
            qCWarning(lcFailover).noquote() << "cannot write the journal:" << id.error().toString();
    });
}

void ClusterEngine::Impl::saveIncident(AppRuntime &app)
{
    if (!app.incident || !m_store)
        return;
    const bool create = app.incident->id == 0;
    if (create) {
        app.incident->id = ++m_lastIncidentId;
        app.incidentId = app.incident->id;
    }
    m_store->post([incident = *app.incident, create](storage::ConsoleStore &store) {
        Status ok;
        if (create) {
            if (auto id = store.createIncident(incident); !id)
                ok = std::unexpected(id.error());
        } else {
            ok = store.updateIncident(incident);
        }
        if (!ok)
            qCWarning(lcFailover).noquote() << "cannot record incident" << incident.id << ":" << ok.error().toString();
    });
}

std::shared_ptr<const ClusterSnapshot> ClusterEngine::Impl::snapshot() const
{
    std::lock_guard lock(m_mutex);
    return m_snapshot;
}

std::optional<PartitionsView> ClusterEngine::Impl::primaryPartitions(AppRuntime &app, const QCborMap &status)
{
    QString problem;
    auto partitions = partitionsFromStatus(status, &problem);
    // An agent that sends a malformed map sends it in every heartbeat: one line per new problem.
    if (!problem.isEmpty() && problem != app.partitionsProblem)
        qCWarning(lcFailover).noquote() << QStringLiteral("%1's partitions from %2 are ignored: %3")
                                               .arg(app.config.name, app.primary, problem);
    app.partitionsProblem = problem;
    return partitions;
}

void ClusterEngine::Impl::publishSnapshot(bool force)
{
    const std::int64_t t = now();
    if (!force && m_snapshot && t - m_lastSnapshotMs < m_options.snapshotIntervalMs)
        return;
    m_lastSnapshotMs = t;
    auto snapshot = std::make_shared<ClusterSnapshot>();
    snapshot->takenWallMs = wallNow();
    snapshot->clusterName = m_options.config.name;
    snapshot->journalHead = m_journalHead->load();
    snapshot->recentJournal = m_recentJournal; // implicitly shared: no copy until the next entry
    snapshot->journalCount = m_journalCount;
    if (m_riskTable)
        snapshot->prediction = m_riskTable->view;
    for (const auto &[name, agent] : m_agents) {
        AgentView view;
        view.name = name;
        view.host = agent.config.host;
        view.url = agent.config.url;
        view.heard = agent.last.has_value();
        view.suspected = agent.suspected;
        view.phi = agent.last ? agent.phi.phi(t) : 0;
        view.heardMsAgo = agent.last ? t - agent.last->receivedMs : -1;
        view.maintenance = agent.config.maintenance;
        view.neverPromote = agent.config.neverPromote;
        view.priority = agent.config.priority;
        view.error = agent.error;
        view.externalRisk = m_externalRisk.value(name, -1);
        if (agent.last) {
            view.hostMetrics = agent.last->host;
            view.peers = agent.last->peers;
        }
        view.inventory = agent.inventory;
        view.inventoryCurrent = agent.inventoryCopy.current();
        view.inventoryFetches = agent.inventoryCopy.fetches();
        view.inventoryPollsSaved = agent.inventoryCopy.pollsSaved();
        view.inventoryError = agent.inventoryError;
        if (m_riskTable) {
            if (const auto risk = m_riskTable->hosts.find(name); risk != m_riskTable->hosts.end()) {
                view.failureRisk = risk->second.risk;
                view.anomaly = risk->second.anomaly;
                view.anomalyMetric = risk->second.worstMetric;
                view.riskModelVersion = risk->second.modelVersion;
            }
        }
        snapshot->agents.append(view);
    }
    for (auto &[name, app] : m_apps) {
        AppView view;
        view.name = name;
        view.primary = app.primary;
        view.epoch = app.epoch;
        view.phase = app.phase;
        view.reason = app.reason;
        view.blockedUntilWallMs = app.blockedUntilWallMs;
        view.score = score(app);
        view.scoreExplained = view.score.explain(m_settings);
        view.candidates = candidates(app);
        view.desiredHot = app.config.desired(Tier::Hot);
        view.desiredWarm = app.config.desired(Tier::Warm);
        view.desiredCold = app.config.desired(Tier::Cold);
        view.lastIncident = app.incidentId;
        view.topology = app.hotMove ? app.hotMove->note : app.placement.explanation();
        view.criticality = app.config.criticality;
        view.process = app.config.config.process;
        view.shadow = shadowView(app);
        if (app.scheduledSwitchover) {
            view.scheduledSwitchoverWallMs = app.scheduledSwitchover->atWallMs;
            view.scheduledSwitchoverTo = app.scheduledSwitchover->agent;
        }
        if (auto status = appStatus(app.primary, name)) {
            view.seq = std::uint64_t(status->value(QStringLiteral("seq")).toInteger());
            view.digest = status->value(QStringLiteral("digest")).toString();
            view.writable = status->value(QStringLiteral("writable")).toBool();
            view.leaseLeftMs = status->value(QStringLiteral("lease-left-ms")).toInteger();
            if (isPrimaryStatus(*status)) {
                view.partitions = primaryPartitions(app, *status);
                view.mirrors = mirrorsFromStatus(*status);
            }
        }
        for (const auto &[agentName, agent] : m_agents) {
            if (agentName == app.primary)
                continue;
            auto status = appStatus(agentName, name);
            if (!status || status->value(QStringLiteral("role")).toString() != QLatin1String("replica"))
                continue;
            ReplicaView replica;
            replica.agent = agentName;
            replica.tier = tierFromName(status->value(QStringLiteral("tier")).toString()).value_or(Tier::None);
            replica.seq = std::uint64_t(status->value(QStringLiteral("seq")).toInteger());
            replica.epoch = std::uint64_t(status->value(QStringLiteral("epoch")).toInteger());
            replica.digest = status->value(QStringLiteral("digest")).toString();
            replica.lag = view.seq > replica.seq ? view.seq - replica.seq : 0;
            replica.connected
                = status->value(QStringLiteral("primary")).toMap().value(QStringLiteral("connected")).toBool();
            replica.integrityOk = !app.integrityFailures.contains(agentName);
            replica.integrityNote = app.integrityFailures.value(agentName);
            replica.divergence = app.divergence.value(agentName);
            replica.rttMs = rttMs(app.primary, agentName).value_or(-1);
            view.replicas.append(replica);
        }
        snapshot->apps.append(view);
    }
    std::shared_ptr<const ClusterSnapshot> published = snapshot;
    {
        std::lock_guard lock(m_mutex);
        m_snapshot = published;
    }
    if (m_options.onSnapshot)
        m_options.onSnapshot(published);
}

// --- public face ---

ClusterEngine::ClusterEngine(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

ClusterEngine::~ClusterEngine() = default;

Result<std::unique_ptr<ClusterEngine>> ClusterEngine::start(ClusterEngineOptions options)
{
    if (options.storePath.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the engine needs a console store path"));
    if (!options.config.insecure
        && (!transport::isZ85Key(options.keys.publicKey) || !transport::isZ85Key(options.keys.secretKey)))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the engine needs the console's CURVE key pair"));
    auto impl = std::make_unique<Impl>(std::move(options));
    if (auto ok = impl->startThread(); !ok)
        return std::unexpected(ok.error());
    return std::unique_ptr<ClusterEngine>(new ClusterEngine(std::move(impl)));
}

std::shared_ptr<const ClusterSnapshot> ClusterEngine::snapshot() const
{
    return m_impl->snapshot();
}

std::future<Result<OperatorOutcome>> ClusterEngine::promote(const PromoteRequest &request)
{
    return m_impl->post([request](Impl &impl) { return impl.doPromote(request); });
}

std::future<Result<OperatorOutcome>> ClusterEngine::switchover(const SwitchoverRequest &request)
{
    auto promise = std::make_shared<std::promise<Result<OperatorOutcome>>>();
    auto future = promise->get_future();
    // The command itself answers later (when the switchover is done), so it fulfils the promise
    // and the queue's own promise is dropped.
    (void) m_impl->post([request, promise](Impl &impl) -> Result<OperatorOutcome> {
        impl.doSwitchover(request, promise);
        return OperatorOutcome{};
    });
    return future;
}

std::future<Result<OperatorOutcome>> ClusterEngine::createShadow(const ShadowRequest &request)
{
    return m_impl->post([request](Impl &impl) { return impl.doCreateShadow(request); });
}

std::future<Result<OperatorOutcome>> ClusterEngine::swapShadow(const ShadowRequest &request)
{
    auto promise = std::make_shared<std::promise<Result<OperatorOutcome>>>();
    auto future = promise->get_future();
    (void) m_impl->post([request, promise](Impl &impl) -> Result<OperatorOutcome> {
        impl.doSwapShadow(request, promise);
        return OperatorOutcome{};
    });
    return future;
}

std::future<Result<OperatorOutcome>> ClusterEngine::updateShadow(const ShadowUpdateRequest &request)
{
    auto promise = std::make_shared<std::promise<Result<OperatorOutcome>>>();
    auto future = promise->get_future();
    (void) m_impl->post([request, promise](Impl &impl) -> Result<OperatorOutcome> {
        impl.doUpdateShadow(request, promise);
        return OperatorOutcome{};
    });
    return future;
}

std::future<Result<OperatorOutcome>> ClusterEngine::promoteShadow(const ShadowRequest &request)
{
    return m_impl->post([request](Impl &impl) { return impl.doPromoteShadow(request); });
}

std::future<Result<OperatorOutcome>> ClusterEngine::retireShadow(const ShadowRequest &request)
{
    return m_impl->post([request](Impl &impl) { return impl.doRetireShadow(request); });
}

std::future<Result<OperatorOutcome>> ClusterEngine::setMaintenance(const QString &agent, bool on, const QString &actor)
{
    return m_impl->post([=](Impl &impl) { return impl.doMaintenance(agent, on, actor); });
}

std::future<Result<OperatorOutcome>> ClusterEngine::acknowledge(const QString &app, const QString &actor)
{
    return m_impl->post([=](Impl &impl) { return impl.doAcknowledge(app, actor); });
}

std::future<Result<OperatorOutcome>> ClusterEngine::setHostRisk(const QString &agent, double risk, const QString &actor)
{
    return m_impl->post([=](Impl &impl) { return impl.doHostRisk(agent, risk, actor); });
}

std::future<Result<OperatorOutcome>> ClusterEngine::setDivergence(const QString &app,
                                                                  const QString &agent,
                                                                  double divergence)
{
    return m_impl->post([=](Impl &impl) { return impl.doDivergence(app, agent, divergence); });
}

} // namespace foresight::failover
