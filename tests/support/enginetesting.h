#pragma once

// Helpers for tests of the failover engine: a cluster configuration describing a LocalCluster,
// and a writer that keeps writing through the SDK and remembers every acknowledged write.

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <QList>
#include <QMap>
#include <QString>

#include "clusterprobe.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/config/clusterconfig.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/storage/consolestore.h"

namespace foresight::testing {

// Every agent of the cluster, and kTestApp with the given primary and replicas. urls replaces
// an agent's listen endpoint as the console sees it (a proxy in front of it).
inline config::ClusterConfig clusterConfigFor(cluster::LocalCluster &cluster,
                                              int primary,
                                              const QList<cluster::LocalCluster::Member> &replicas,
                                              const AppConfig &appConfig = {},
                                              const QMap<int, QString> &urls = {})
{
    config::ClusterConfig config = cluster.clusterConfig(kTestApp, primary, replicas, appConfig);
    config.name = QStringLiteral("test");
    for (auto it = urls.begin(); it != urls.end(); ++it)
        config.agents[it.key()].url = it.value();
    return config;
}

// An engine over the cluster, with the console's admin keys, the cluster's clock (faster than real
// time with LocalCluster::Options::timeScale) and its store at storePath. On failure the error is
// logged (so the test's output says why) and null is returned.
inline std::unique_ptr<failover::ClusterEngine> startTestEngine(const cluster::LocalCluster &cluster,
                                                                config::ClusterConfig config,
                                                                const QString &storePath,
                                                                bool deploy = true)
{
    failover::ClusterEngineOptions options;
    options.config = std::move(config);
    options.keys = cluster.adminKeys();
    options.clock = &cluster.clock();
    options.storePath = storePath;
    options.deploy = deploy;
    auto engine = failover::ClusterEngine::start(options);
    if (!engine) {
        qWarning().noquote() << "cannot start the engine:" << engine.error().toString();
        return nullptr;
    }
    return std::move(*engine);
}

// The newest incident of app in the console store at storePath (a connection of this thread's
// own, as the engine writes from another), if there is one yet.
inline std::optional<storage::Incident> lastIncident(const QString &storePath, const QString &app)
{
    auto store = storage::ConsoleStore::open(storePath);
    if (!store)
        return std::nullopt;
    auto incidents = (*store)->incidents(app, 1);
    if (!incidents || incidents->isEmpty())
        return std::nullopt;
    return incidents->first();
}

// Whether the engine's latest snapshot holds a journal entry of kind whose message contains text.
inline bool journalHas(const failover::ClusterEngine &engine, const QString &kind, const QString &text)
{
    const auto snapshot = engine.snapshot();
    if (!snapshot)
        return false;
    for (const storage::JournalEntry &entry : snapshot->recentJournal) {
        if (entry.kind == kind && entry.message.contains(text))
            return true;
    }
    return false;
}

inline const failover::AppView *appOf(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    return snapshot ? snapshot->app(kTestApp) : nullptr;
}

inline QString primaryOf(const failover::ClusterEngine &engine)
{
    const auto snapshot = engine.snapshot();
    const failover::AppView *app = appOf(snapshot);
    return app ? app->primary : QString();
}

inline failover::AppPhase phaseOf(const failover::ClusterEngine &engine)
{
    const auto snapshot = engine.snapshot();
    const failover::AppView *app = appOf(snapshot);
    return app ? app->phase : failover::AppPhase::Starting;
}

// Reads every acknowledged write back, with its value, from the primary the SDK finds now. Empty
// when all are there; otherwise what went wrong: a failed read, or how many were lost and the first.
inline QString lostAckedWrites(const cluster::LocalCluster &cluster, const QMap<QString, QByteArray> &acked)
{
    auto client = cluster.client(kTestApp);
    if (!client)
        return client.error().toString();
    int lost = 0;
    QString firstLost;
    for (auto it = acked.begin(); it != acked.end(); ++it) {
        auto read = (*client)->get(it.key());
        if (!read)
            return read.error().toString();
        if (!read->value || *read->value != it.value()) {
            if (lost++ == 0)
                firstLost = it.key();
        }
    }
    return lost == 0
               ? QString()
               : QStringLiteral("acknowledged %1, lost %2 (first: %3)").arg(acked.size()).arg(lost).arg(firstLost);
}

// Writes "w<writer>-<n>" keys until stopped, through its own SDK client on its own thread.
// A write counts as acknowledged only when put() returned a receipt.
class ContinuousWriter
{
public:
    ContinuousWriter(sdk::ClientOptions options, int writer)
        : m_thread([this, options, writer](std::stop_token stop) { run(stop, options, writer); })
    {}
    ~ContinuousWriter() { stop(); }

    void stop()
    {
        m_thread.request_stop();
        if (m_thread.joinable())
            m_thread.join();
    }
    int acked() const { return m_ackedCount.load(); }
    int ackedAtEpochAbove(std::uint64_t epoch) const
    {
        std::lock_guard lock(m_mutex);
        int n = 0;
        for (const Acked &write : m_acked)
            n += write.epoch > epoch ? 1 : 0;
        return n;
    }
    int failures() const { return m_failures.load(); }
    QString fatal() const
    {
        std::lock_guard lock(m_mutex);
        return m_fatal;
    }
    // Every acknowledged key and value, once the writer is stopped.
    QMap<QString, QByteArray> ackedWrites() const
    {
        std::lock_guard lock(m_mutex);
        QMap<QString, QByteArray> writes;
        for (const Acked &write : m_acked)
            writes.insert(write.key, write.value);
        return writes;
    }

private:
    struct Acked
    {
        QString key;
        QByteArray value;
        std::uint64_t epoch = 0;
    };

    void run(std::stop_token stop, sdk::ClientOptions options, int writer)
    {
        options.name = QStringLiteral("writer-%1").arg(writer);
        auto client = sdk::Client::connect(options);
        if (!client) {
            std::lock_guard lock(m_mutex);
            m_fatal = client.error().toString();
            return;
        }
        for (int n = 0; !stop.stop_requested(); ++n) {
            const QString key = QStringLiteral("w%1-%2").arg(writer).arg(n);
            const QByteArray value = key.toUtf8() + QByteArrayLiteral("-value");
            auto receipt = (*client)->put(key, value);
            if (!receipt) {
                ++m_failures;
                continue;
            }
            std::lock_guard lock(m_mutex);
            m_acked.append({key, value, receipt->epoch});
            ++m_ackedCount;
        }
    }

    mutable std::mutex m_mutex;
    QList<Acked> m_acked;
    QString m_fatal;
    std::atomic<int> m_ackedCount{0};
    std::atomic<int> m_failures{0};
    std::jthread m_thread;
};

} // namespace foresight::testing
