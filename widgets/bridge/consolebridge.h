#pragma once

#include <functional>
#include <future>
#include <memory>
#include <mutex>

#include <QJsonObject>
#include <QObject>
#include <QString>

#include "foresight/failover/clusterengine.h"
#include "foresight/failover/clustersnapshot.h"

namespace foresight::widgets {

// What an operator command came to, delivered on the GUI thread.
struct CommandResult
{
    quint64 id = 0;  // what the call that asked for it returned
    QString command; // "promote", "switchover", "maintenance", "acknowledge", "shadow-create",
                     // "shadow-swap", "shadow-promote", "shadow-retire", "shadow-update"
    bool ok = false;
    QString summary; // the engine's sentence, or the error's message
    QJsonObject details;
};

// The window's only way to the engine. Snapshots arrive from the engine's thread and reach the
// GUI thread by a queued call (at most one pending: a slow frame skips to the newest snapshot
// instead of queueing them up). Commands go to the engine, whose futures are waited on by one-shot
// QtConcurrent jobs, so the GUI thread never waits for the engine or the network; results come
// back as commandFinished. Views and models see snapshots and results, never the engine itself.
class ConsoleBridge final : public QObject
{
    Q_OBJECT

public:
    explicit ConsoleBridge(QObject *parent = nullptr);
    ~ConsoleBridge() override;

    // The engine commands go to; nullptr: read-only (no cluster open, or synthetic snapshots).
    // The engine must outlive its use here (reset it to nullptr before destroying the engine).
    void setEngine(failover::ClusterEngine *engine);
    bool hasEngine() const { return m_engine != nullptr; }

    // Thread-safe: hand over a snapshot from any thread.
    void publish(std::shared_ptr<const failover::ClusterSnapshot> snapshot);
    // GUI thread: the latest snapshot delivered (may be null before the first).
    std::shared_ptr<const failover::ClusterSnapshot> snapshot() const { return m_current; }

    // GUI thread. Each returns an id and ends in exactly one commandFinished carrying it.
    quint64 promote(const failover::PromoteRequest &request);
    quint64 switchover(const failover::SwitchoverRequest &request);
    quint64 setMaintenance(const QString &agent, bool on);
    quint64 acknowledge(const QString &app);
    // An application's shadow: create (agent empty: the engine picks the host), swap the primary
    // onto it (ends when the swap has), promote it, retire it. Each honours request.dryRun.
    quint64 createShadow(const failover::ShadowRequest &request);
    quint64 swapShadow(const failover::ShadowRequest &request);
    quint64 promoteShadow(const failover::ShadowRequest &request);
    quint64 retireShadow(const failover::ShadowRequest &request);
    // A validated update: answered when it has been swapped in or has failed (after its validation).
    quint64 updateShadow(const failover::ShadowUpdateRequest &request);

    // Who the journal names as the operator of this window's commands.
    static QString actor();

Q_SIGNALS:
    void snapshotChanged(std::shared_ptr<const failover::ClusterSnapshot> snapshot);
    void commandFinished(const foresight::widgets::CommandResult &result);

private:
    void deliver();
    quint64 run(const QString &command,
                std::function<std::future<Result<failover::OperatorOutcome>>(failover::ClusterEngine &)> call);

    failover::ClusterEngine *m_engine = nullptr;
    std::shared_ptr<const failover::ClusterSnapshot> m_current;
    std::mutex m_mutex; // guards m_pending and m_deliveryQueued
    std::shared_ptr<const failover::ClusterSnapshot> m_pending;
    bool m_deliveryQueued = false;
    quint64 m_nextId = 1;
};

} // namespace foresight::widgets

Q_DECLARE_METATYPE(foresight::widgets::CommandResult)
Q_DECLARE_METATYPE(std::shared_ptr<const foresight::failover::ClusterSnapshot>)
