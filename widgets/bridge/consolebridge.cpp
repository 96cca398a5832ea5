#include "bridge/consolebridge.h"

#include <unistd.h>

#include <optional>

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace foresight::widgets {

ConsoleBridge::ConsoleBridge(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<CommandResult>();
    qRegisterMetaType<std::shared_ptr<const failover::ClusterSnapshot>>();
}

ConsoleBridge::~ConsoleBridge() = default;

void ConsoleBridge::setEngine(failover::ClusterEngine *engine)
{
    m_engine = engine;
}

QString ConsoleBridge::actor()
{
    return QStringLiteral("console:%1").arg(::getuid());
}

void ConsoleBridge::publish(std::shared_ptr<const failover::ClusterSnapshot> snapshot)
{
    {
        std::lock_guard lock(m_mutex);
        m_pending = std::move(snapshot);
        if (m_deliveryQueued)
            return; // the queued delivery will take the newest one
        m_deliveryQueued = true;
    }
    QMetaObject::invokeMethod(this, &ConsoleBridge::deliver, Qt::QueuedConnection);
}

void ConsoleBridge::deliver()
{
    std::shared_ptr<const failover::ClusterSnapshot> next;
    {
        std::lock_guard lock(m_mutex);
        next = std::move(m_pending);
        m_deliveryQueued = false;
    }
    if (!next)
        return;
    m_current = std::move(next);
    Q_EMIT snapshotChanged(m_current);
}

quint64 ConsoleBridge::run(const QString &command,
                           std::function<std::future<Result<failover::OperatorOutcome>>(failover::ClusterEngine &)> call)
{
    const quint64 id = m_nextId++;
    if (!m_engine) {
        const CommandResult result{id, command, false, tr("No cluster is open: open a cluster configuration first."), {}};
        QMetaObject::invokeMethod(
            this, [this, result] { Q_EMIT commandFinished(result); }, Qt::QueuedConnection);
        return id;
    }
    // The engine answers through a std::future; waiting for it is a one-shot job off the GUI
    // thread, and the watcher (owned by this object) brings the result back.
    auto future = std::make_shared<std::future<Result<failover::OperatorOutcome>>>(call(*m_engine));
    auto *watcher = new QFutureWatcher<CommandResult>(this);
    connect(watcher, &QFutureWatcher<CommandResult>::finished, this, [this, watcher] {
        Q_EMIT commandFinished(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([id, command, future] {
        std::optional<Result<failover::OperatorOutcome>> answered;
        try {
            answered.emplace(future->get());
        } catch (const std::future_error &) {
            // The engine stopped before answering.
            return CommandResult{id, command, false, QStringLiteral("the engine stopped before it answered"), {}};
        }
        const Result<failover::OperatorOutcome> &outcome = *answered;
        if (!outcome)
            return CommandResult{id, command, false, outcome.error().message, {}};
        return CommandResult{id, command, true, outcome->summary, outcome->details};
    }));
    return id;
}

quint64 ConsoleBridge::promote(const failover::PromoteRequest &request)
{
    failover::PromoteRequest withActor = request;
    withActor.actor = actor();
    return run(QStringLiteral("promote"),
               [withActor](failover::ClusterEngine &engine) { return engine.promote(withActor); });
}

quint64 ConsoleBridge::switchover(const failover::SwitchoverRequest &request)
{
    failover::SwitchoverRequest withActor = request;
    withActor.actor = actor();
    return run(QStringLiteral("switchover"),
               [withActor](failover::ClusterEngine &engine) { return engine.switchover(withActor); });
}

quint64 ConsoleBridge::setMaintenance(const QString &agent, bool on)
{
    return run(QStringLiteral("maintenance"),
               [agent, on](failover::ClusterEngine &engine) { return engine.setMaintenance(agent, on, actor()); });
}

quint64 ConsoleBridge::acknowledge(const QString &app)
{
    return run(QStringLiteral("acknowledge"),
               [app](failover::ClusterEngine &engine) { return engine.acknowledge(app, actor()); });
}

quint64 ConsoleBridge::createShadow(const failover::ShadowRequest &request)
{
    failover::ShadowRequest withActor = request;
    withActor.actor = actor();
    return run(QStringLiteral("shadow-create"),
               [withActor](failover::ClusterEngine &engine) { return engine.createShadow(withActor); });
}

quint64 ConsoleBridge::swapShadow(const failover::ShadowRequest &request)
{
    failover::ShadowRequest withActor = request;
    withActor.actor = actor();
    return run(QStringLiteral("shadow-swap"),
               [withActor](failover::ClusterEngine &engine) { return engine.swapShadow(withActor); });
}

quint64 ConsoleBridge::promoteShadow(const failover::ShadowRequest &request)
{
    failover::ShadowRequest withActor = request;
    withActor.actor = actor();
    return run(QStringLiteral("shadow-promote"),
               [withActor](failover::ClusterEngine &engine) { return engine.promoteShadow(withActor); });
}

quint64 ConsoleBridge::retireShadow(const failover::ShadowRequest &request)
{
    failover::ShadowRequest withActor = request;
    withActor.actor = actor();
    return run(QStringLiteral("shadow-retire"),
               [withActor](failover::ClusterEngine &engine) { return engine.retireShadow(withActor); });
}

quint64 ConsoleBridge::updateShadow(const failover::ShadowUpdateRequest &request)
{
    failover::ShadowUpdateRequest withActor = request;
    withActor.actor = actor();
    return run(QStringLiteral("shadow-update"),
               [withActor](failover::ClusterEngine &engine) { return engine.updateShadow(withActor); });
}

} // namespace foresight::widgets
