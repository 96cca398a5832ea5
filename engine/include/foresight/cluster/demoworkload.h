#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <QByteArray>
#include <QRandomGenerator>
#include <QString>

#include "foresight/config/impactfunction.h"
#include "foresight/sdk/client.h"

namespace foresight::cluster {

// The kinds of application the demo cluster runs, each with the state shape and write pattern of
// its kind, so that replication, the tiers' critical keys and state prediction meet more than one
// kind of data:
enum class WorkloadShape {
    WebShop,      // session tokens (critical), carts that change often, a browsing history
    GameState,    // matches: numeric player positions and scores, a tick counter, many writes
    UserSettings, // one JSON document per user, rewritten now and then; security settings critical
    History,      // an append-only event log with a moving head; the oldest entries deleted
};
QString workloadShapeName(WorkloadShape shape);

// One write of a workload: a put, or a delete when value is empty (std::nullopt).
struct DemoWrite
{
    QString key;
    std::optional<QByteArray> value;
};

// The shape's n-th write (n counts from 1, per writer) for writer `writer`. Deterministic for a
// given generator state, so a test can check each shape's keys and values.
DemoWrite nextDemoWrite(WorkloadShape shape, QRandomGenerator &random, int writer, qint64 n);
// The glob patterns of the keys a warm replica of this shape needs (AppConfig::critical).
QStringList criticalKeysOf(WorkloadShape shape);
// The impact function of this shape's application (docs/cluster-config.md, apps[i].impact): how
// much a stale copy of each of its keys hurts, for the demo's applications, tests and benchmarks.
// Each key nextDemoWrite() writes matches a rule; the tolerances are the classes' defaults.
QList<config::ImpactRule> impactRulesOf(WorkloadShape shape);

// A steady demo workload through the SDK: writer threads, each with its own client, writing in
// the application's shape at a paced rate. A user-settings application is also read, the way a
// web front end reads settings: one reader through an sdk::MirroredClient (docs/mirrors.md), so
// the demo's Mirrors panel and `foresightctl mirrors` have a client to show. start() and stop()
// belong to the owning thread; the counters may be read from any thread.
class DemoWorkload final
{
public:
    DemoWorkload(const sdk::ClientOptions &options,
                 int writers,
                 int writesPerSecondPerWriter,
                 WorkloadShape shape = WorkloadShape::WebShop);
    ~DemoWorkload();

    void start();
    void stop();

    static constexpr int kMirroredReadsPerSecond = 200;

    qint64 acked() const { return m_acked.load(); }
    qint64 reads() const { return m_reads.load(); } // by the mirrored reader: found or not
    qint64 failed() const { return m_failed.load(); }
    QString lastError() const;
    WorkloadShape shape() const { return m_shape; }

private:
    void runWriter(int index);
    void runMirroredReader();
    void noteError(const QString &error);

    sdk::ClientOptions m_options;
    int m_writers;
    int m_rate;
    WorkloadShape m_shape;
    std::atomic<bool> m_stop{false};
    std::atomic<qint64> m_acked{0};
    std::atomic<qint64> m_failed{0};
    std::atomic<qint64> m_reads{0};
    mutable std::mutex m_errorMutex;
    QString m_lastError; // guarded by m_errorMutex
    std::vector<std::thread> m_threads;
};

} // namespace foresight::cluster
