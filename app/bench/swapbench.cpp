#include "swapbench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <QCborArray>
#include <QDir>
#include <QTemporaryDir>

#include "failoverload.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/config/clusterconfig.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/sdk/client.h"
#include "writeload.h"

namespace foresight::bench {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const QString kBench = QStringLiteral("swap");
const QString kApp = QStringLiteral("bench");
const QString kActor = QStringLiteral("bench");
constexpr int kWriters = 2;
constexpr int kWritesPerSecond = 2000; // per writer: an acknowledgement every 0.5 ms when nothing pauses
constexpr int kValueBytes = 32;
constexpr int kLoaders = 8;
constexpr int kDefaultSwaps = 20; // back and forth
constexpr int kQuickSwaps = 4;
constexpr int kDefaultCopies = 5;
constexpr int kQuickCopies = 2;
constexpr int kReadyDeadlineMs = 120'000;
constexpr int kSteadyAcksBetweenSwaps = 400; // per writer, between two measured pauses
constexpr double kP99TargetMs = 10.0;        // at 1M keys
constexpr double kRatioTarget = 100.0;       // stop-and-copy over swap, at 1M keys
constexpr int kTargetKeys = 1'000'000;

std::int64_t nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

bool waitFor(int deadlineMs, const std::function<bool()> &done, std::chrono::milliseconds poll = 5ms)
{
    const auto deadline = Clock::now() + std::chrono::milliseconds(deadlineMs);
    while (!done()) {
        if (Clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(poll);
    }
    return true;
}

// Four agents: alpha primary, bravo and charlie hot (one synchronous acknowledgement), delta spare
// (the stop-and-copy's empty replica). Failover settings: the defaults.
config::ClusterConfig benchConfig(cluster::LocalCluster &cluster, const AppConfig &appConfig)
{
    config::ClusterConfig config;
    config.name = QStringLiteral("bench");
    config.insecure = !cluster.curve();
    for (int i = 0; i < cluster.size(); ++i) {
        config::ClusterAgent agent;
        agent.name = cluster.agent(i).name();
        agent.host = agent.name;
        agent.url = cluster.agent(i).listenUrl();
        agent.publicKey = cluster.agent(i).publicKey();
        agent.sdkUrl = cluster.agent(i).sdkUrl();
        // delta takes part only in the stop-and-copy: never a candidate, never assigned by the engine.
        agent.maintenance = i == 3;
        config.agents.append(agent);
    }
    config::ClusterApp app;
    app.name = kApp;
    app.primary = cluster.agent(0).name();
    app.replicas = {{cluster.agent(1).name(), Tier::Hot}, {cluster.agent(2).name(), Tier::Hot}};
    app.config = appConfig;
    config.apps.append(app);
    // The stop-and-copy stalls the primary's loop while it encodes the whole state (seconds at 1M
    // keys): no automatic failover may turn a baseline round into something else. Switchovers are
    // an operator's command and unaffected.
    config.failover.autoFailover = false;
    config.topology.rebalanceHot = false;
    return config;
}

// Writers at a steady rate, each through its own SDK client on its own thread; every
// acknowledgement's time is kept, and every acknowledged key and value, for the read-back.
class Writers final
{
public:
    explicit Writers(const sdk::ClientOptions &options)
    {
        m_acks.resize(kWriters);
        for (int w = 0; w < kWriters; ++w)
            m_threads.emplace_back([this, options, w](std::stop_token stop) { run(stop, options, w); });
    }
    ~Writers() { stop(); }
    void stop()
    {
        for (auto &thread : m_threads) {
            thread.request_stop();
            if (thread.joinable())
                thread.join();
        }
    }
    // Stops writing (for the stop-and-copy) and returns once no write is in flight; resume()
    // starts again.
    void pause()
    {
        m_paused = true;
        waitFor(
            60'000, [&] { return m_inFlight.load() == 0; }, 1ms);
    }
    void resume() { m_paused = false; }
    qint64 ackedBy(int writer) const
    {
        std::lock_guard lock(m_mutex);
        return qint64(m_acks[std::size_t(writer)].size());
    }
    qint64 failed() const { return m_failed.load(); }
    QString fatal() const
    {
        std::lock_guard lock(m_mutex);
        return m_fatal;
    }
    // The longest gap between two consecutive acknowledgements of one writer that overlaps
    // [fromUs, toUs], over every writer: the pause a writer saw across that window.
    std::optional<std::int64_t> longestGapUs(std::int64_t fromUs, std::int64_t toUs) const
    {
        std::lock_guard lock(m_mutex);
        std::optional<std::int64_t> longest;
        for (const std::vector<std::int64_t> &acks : m_acks) {
            auto it = std::lower_bound(acks.begin(), acks.end(), fromUs);
            if (it == acks.begin() || it == acks.end())
                continue; // no acknowledgement before the window, or none after it yet
            for (--it; it + 1 != acks.end() && *it <= toUs; ++it) {
                const std::int64_t gap = *(it + 1) - *it;
                longest = std::max(longest.value_or(0), gap);
            }
        }
        return longest;
    }
    // The first acknowledgement after atUs of any writer, if there is one yet.
    std::optional<std::int64_t> firstAckAfterUs(std::int64_t atUs) const
    {
        std::lock_guard lock(m_mutex);
        std::optional<std::int64_t> first;
        for (const std::vector<std::int64_t> &acks : m_acks) {
            auto it = std::upper_bound(acks.begin(), acks.end(), atUs);
            if (it != acks.end())
                first = std::min(first.value_or(*it), *it);
        }
        return first;
    }
    QList<QPair<QString, QByteArray>> ackedWrites() const
    {
        std::lock_guard lock(m_mutex);
        return m_acked;
    }

private:
    void run(std::stop_token stop, sdk::ClientOptions options, int writer)
    {
        options.name = QStringLiteral("swap-writer-%1").arg(writer);
        options.failoverTimeoutMs = 60'000;
        auto client = sdk::Client::connect(options);
        if (!client) {
            std::lock_guard lock(m_mutex);
            m_fatal = client.error().toString();
            return;
        }
        Pacer pacer(kWritesPerSecond);
        for (qint64 n = 0; !stop.stop_requested(); ++n) {
            while (m_paused && !stop.stop_requested())
                std::this_thread::sleep_for(1ms);
            ++m_inFlight;
            if (m_paused) { // paused between the check and the increment: do not write
                --m_inFlight;
                --n;
                continue;
            }
            pacer.wait();
            const QString key = QStringLiteral("w%1/%2").arg(writer).arg(n);
            QByteArray value = key.toUtf8().leftJustified(kValueBytes, '.');
            auto receipt = (*client)->put(key, value, sdk::Ack::Replicated);
            const std::int64_t at = nowUs();
            --m_inFlight;
            if (!receipt) {
                ++m_failed;
                continue;
            }
            std::lock_guard lock(m_mutex);
            m_acks[std::size_t(writer)].push_back(at);
            m_acked.append({key, value});
        }
    }

    mutable std::mutex m_mutex; // guards the three members below
    std::vector<std::vector<std::int64_t>> m_acks;
    QList<QPair<QString, QByteArray>> m_acked;
    QString m_fatal;
    std::atomic<bool> m_paused{false};
    std::atomic<int> m_inFlight{0};
    std::atomic<qint64> m_failed{0};
    std::vector<std::jthread> m_threads;
};

// Writes `keys` keys through kLoaders clients, each write replicated (so the hot replicas keep up).
Status load(const cluster::LocalCluster &cluster, int keys)
{
    std::atomic<int> next{0};
    std::mutex mutex;
    QString error;
    std::vector<std::jthread> loaders;
    for (int l = 0; l < kLoaders; ++l) {
        loaders.emplace_back([&, l] {
            sdk::ClientOptions options = cluster.clientOptions(kApp);
            options.name = QStringLiteral("swap-loader-%1").arg(l);
            auto client = sdk::Client::connect(options);
            if (!client) {
                std::lock_guard lock(mutex);
                error = client.error().toString();
                return;
            }
            for (int i = next++; i < keys; i = next++) {
                const QString key = QStringLiteral("k/%1").arg(i, 7, 10, QLatin1Char('0'));
                auto receipt = (*client)->put(key, key.toUtf8().leftJustified(kValueBytes, '-'), sdk::Ack::Replicated);
                if (!receipt) {
                    std::lock_guard lock(mutex);
                    error = QStringLiteral("%1: %2").arg(key, receipt.error().toString());
                    return;
                }
            }
        });
    }
    loaders.clear(); // joins
    if (!error.isEmpty())
        return fail(ErrorCode::Internal, QStringLiteral("loading the keys: %1").arg(error));
    return {};
}

struct Ready
{
    QString primary;
    std::uint64_t epoch = 0;
};

// Healthy and writable, with both other members of the pair hot, connected at the primary's epoch
// and caught up as the engine last heard.
std::optional<Ready> readyState(const failover::ClusterEngine &engine, QString *why)
{
    const auto snapshot = engine.snapshot();
    const failover::AppView *app = snapshot ? snapshot->app(kApp) : nullptr;
    if (!app) {
        *why = QStringLiteral("no snapshot yet");
        return std::nullopt;
    }
    if (app->phase != failover::AppPhase::Healthy || !app->writable) {
        *why = QStringLiteral("phase %1, writable %2: %3")
                   .arg(failover::appPhaseName(app->phase))
                   .arg(app->writable)
                   .arg(app->reason);
        return std::nullopt;
    }
    int hot = 0;
    for (const failover::ReplicaView &replica : app->replicas) {
        if (replica.tier == Tier::Hot && replica.connected && replica.epoch == app->epoch && replica.lag < 1000)
            ++hot;
    }
    if (hot < 2) {
        *why = QStringLiteral("%1 of 2 hot replicas caught up").arg(hot);
        return std::nullopt;
    }
    for (const failover::AgentView &agent : snapshot->agents) {
        if (agent.name != QLatin1String("delta") && (agent.suspected || agent.heardMsAgo > 300)) {
            *why = QStringLiteral("%1 not heard for %2 ms").arg(agent.name).arg(agent.heardMsAgo);
            return std::nullopt;
        }
    }
    return Ready{app->primary, app->epoch};
}

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

std::optional<double> percentileMs(const QList<qint64> &us, double percent)
{
    const auto value = percentileNs(us, percent); // unit-free nearest rank
    return value ? std::optional<double>(*value / 1000.0) : std::nullopt;
}

struct CaseResult
{
    QList<qint64> enginePauseUs;
    QList<qint64> writerPauseUs;
    QList<qint64> copyUs;
    QList<double> revokeMs, catchUpMs, digestMs, promoteMs;
    QList<double> resumeMs; // switchover answered to the first write acknowledged after it
    qint64 acked = 0;
    qint64 lost = 0;
    qint64 failedWrites = 0;
    int failedSwaps = 0; // refused or rolled back (the host stalled): retried, not in the figures
    QStringList notes;
    QString stopped;
};

// One stop-and-copy: writes stopped, delta (empty) assigned as a hot replica of the primary and
// timed until it holds the primary's position (by snapshot: the primary's log no longer holds
// the history from the start), writes resumed. delta is then released again.
Result<qint64> stopAndCopy(cluster::LocalCluster &cluster, Writers &writers, const Ready &ready, const AppConfig &config)
{
    const int primary = cluster.indexOf(ready.primary);
    constexpr int kDelta = 3;
    auto control = cluster.control(kDelta, 30'000);
    if (!control)
        return std::unexpected(control.error());
    writers.pause();
    const std::int64_t startUs = nowUs();
    auto position = cluster.appStatus(primary, kApp);
    if (!position) {
        writers.resume();
        return std::unexpected(position.error());
    }
    const qint64 seq = position->value(QStringLiteral("seq")).toInteger();
    if (auto assigned = cluster.assignReplica(kApp, kDelta, Tier::Hot, primary, config); !assigned) {
        writers.resume();
        return std::unexpected(assigned.error());
    }
    QString mode;
    const bool copied = waitFor(
        600'000,
        [&] {
            auto status = (*control)->status(kApp);
            if (!status)
                return false;
            const QCborMap app = status->value(QStringLiteral("apps")).toArray().first().toMap();
            mode = app.value(QStringLiteral("primary")).toMap().value(QStringLiteral("catch-up")).toString();
            return app.value(QStringLiteral("seq")).toInteger() >= seq;
        },
        1ms);
    const std::int64_t endUs = nowUs();
    writers.resume();
    (void) (*control)->release(kApp);
    if (!copied)
        return fail(ErrorCode::Timeout, QStringLiteral("delta did not receive the state within 600 s"));
    if (mode != QLatin1String("snapshot"))
        return fail(ErrorCode::Internal,
                    QStringLiteral("delta caught up by '%1', not by a snapshot of the state").arg(mode));
    return endUs - startUs;
}

CaseResult runCase(int keys, int swaps, int copies)
{
    CaseResult result;
    QTemporaryDir dir;
    if (!dir.isValid()) {
        result.stopped = QStringLiteral("cannot create a temporary directory");
        return result;
    }
    cluster::LocalCluster::Options clusterOptions;
    clusterOptions.workDir = QDir(dir.path()).filePath(QStringLiteral("cluster"));
    clusterOptions.agentNames
        = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie"), QStringLiteral("delta")};
    auto started = cluster::LocalCluster::start(clusterOptions);
    if (!started) {
        result.stopped = started.error().toString();
        return result;
    }
    cluster::LocalCluster &cluster = **started;
    AppConfig appConfig;
    appConfig.syncReplicas = 1;
    // A log shorter than the history, so the stop-and-copy's empty replica gets the state itself
    // (a snapshot), not a replay of every change since the first.
    appConfig.logMaxDeltas = std::min(100'000, keys / 2);
    failover::ClusterEngineOptions engineOptions;
    engineOptions.config = benchConfig(cluster, appConfig);
    engineOptions.keys = cluster.adminKeys();
    engineOptions.storePath = QDir(dir.path()).filePath(QStringLiteral("console.db"));
    auto engine = failover::ClusterEngine::start(engineOptions);
    if (!engine) {
        result.stopped = engine.error().toString();
        return result;
    }
    QString why;
    std::optional<Ready> ready;
    const auto settle = [&] {
        return waitFor(kReadyDeadlineMs, [&] { return (ready = readyState(**engine, &why)).has_value(); });
    };
    if (!settle()) {
        result.stopped = QStringLiteral("not deployed: %1").arg(why);
        return result;
    }
    logProgress(QStringLiteral("swap: %1 keys: loading").arg(keys));
    const std::int64_t loadStart = nowUs();
    if (auto loaded = load(cluster, keys); !loaded) {
        result.stopped = loaded.error().toString();
        return result;
    }
    result.notes << QStringLiteral("loaded %1 keys of %2 bytes in %3 s")
                        .arg(keys)
                        .arg(kValueBytes)
                        .arg(double(nowUs() - loadStart) / 1e6, 0, 'f', 1);

    Writers writers(cluster.clientOptions(kApp));
    const auto steady = [&] {
        std::vector<qint64> from(kWriters);
        for (int w = 0; w < kWriters; ++w)
            from[std::size_t(w)] = writers.ackedBy(w);
        return waitFor(kReadyDeadlineMs, [&] {
            for (int w = 0; w < kWriters; ++w) {
                if (writers.ackedBy(w) < from[std::size_t(w)] + kSteadyAcksBetweenSwaps)
                    return false;
            }
            return true;
        });
    };

    for (int round = 1; round <= swaps && result.stopped.isEmpty(); ++round) {
        if (!settle() || !steady()) {
            result.stopped = QStringLiteral("swap %1: not ready: %2 %3").arg(round).arg(why, writers.fatal());
            break;
        }
        const QString target = ready->primary == QLatin1String("alpha") ? QStringLiteral("bravo")
                                                                        : QStringLiteral("alpha");
        logProgress(QStringLiteral("swap: %1 keys: swap %2 of %3, %4 -> %5")
                        .arg(keys)
                        .arg(round)
                        .arg(swaps)
                        .arg(ready->primary, target));
        const std::int64_t startUs = nowUs();
        auto outcome = (*engine)->switchover(failover::SwitchoverRequest{kApp, target, false, 0, kActor}).get();
        const std::int64_t doneUs = nowUs();
        if (!outcome) {
            // On a host stalled by its neighbours the engine may find the target unheard, or time
            // a step out and roll back: said in a note, and the swap is tried again.
            result.notes << QStringLiteral("swap %1 failed and was retried: %2")
                                .arg(round)
                                .arg(outcome.error().toString());
            if (++result.failedSwaps > 5) {
                result.stopped = QStringLiteral("more than 5 swaps failed");
                break;
            }
            --round;
            continue;
        }
        const QJsonObject &details = outcome->details;
        result.enginePauseUs << details.value(QStringLiteral("pause-us")).toInteger();
        result.revokeMs << details.value(QStringLiteral("revoke-ms")).toDouble();
        result.catchUpMs << details.value(QStringLiteral("catch-up-ms")).toDouble();
        result.digestMs << details.value(QStringLiteral("digest-ms")).toDouble();
        result.promoteMs << details.value(QStringLiteral("promote-ms")).toDouble();
        // The writers' view: wait until both have been acknowledged again, then take the longest
        // gap that overlaps the switchover.
        if (!steady()) {
            result.stopped = QStringLiteral("swap %1: writers did not resume: %2").arg(round).arg(writers.fatal());
            break;
        }
        if (const auto gap = writers.longestGapUs(startUs, doneUs))
            result.writerPauseUs << *gap;
        if (const auto first = writers.firstAckAfterUs(doneUs))
            result.resumeMs << double(*first - doneUs) / 1000.0;
    }

    for (int round = 1; round <= copies && result.stopped.isEmpty(); ++round) {
        if (!settle() || !steady()) {
            result.stopped = QStringLiteral("copy %1: not ready: %2").arg(round).arg(why);
            break;
        }
        logProgress(QStringLiteral("swap: %1 keys: stop-and-copy %2 of %3").arg(keys).arg(round).arg(copies));
        auto copied = stopAndCopy(cluster, writers, *ready, appConfig);
        if (!copied) {
            result.stopped = QStringLiteral("copy %1: %2").arg(round).arg(copied.error().toString());
            break;
        }
        result.copyUs << *copied;
        // delta is released: wait until the primary no longer counts it.
        waitFor(10'000, [&] {
            auto status = cluster.appStatus(cluster.indexOf(ready->primary), kApp);
            return status && status->value(QStringLiteral("replicas")).toArray().size() == 2;
        });
    }

    writers.stop();
    result.failedWrites = writers.failed();
    // Every acknowledged write, read back through a client that knows every agent.
    const auto acked = writers.ackedWrites();
    result.acked = acked.size();
    auto client = cluster.client(kApp, 60'000);
    if (!client) {
        result.notes << QStringLiteral("read-back: %1").arg(client.error().toString());
        result.lost = -1;
    } else {
        for (const auto &[key, value] : acked) {
            auto read = (*client)->get(key);
            if (!read || !read->value || *read->value != value)
                ++result.lost;
        }
    }
    return result;
}

} // namespace

int runSwapBench(const BenchOptions &options)
{
    const int swaps = options.rounds > 0 ? options.rounds : (options.quick ? kQuickSwaps : kDefaultSwaps);
    const int copies = options.quick ? kQuickCopies : kDefaultCopies;
    const QList<int> sizes = options.quick ? QList<int>{10'000, 100'000} : QList<int>{10'000, 100'000, 1'000'000};
    printNote(kBench,
              QStringLiteral("method"),
              QStringLiteral(
                  "4 agents on loopback (CURVE): primary, 2 hot replicas (1 synchronous acknowledgement), 1 spare; "
                  "console engine with the default settings; %1 SDK writers at %2 replicated writes/s each. Swap: "
                  "%3 switchovers per state size onto the caught-up hot replica, back and forth; engine pause = "
                  "revoke sent to promote answered (its journal's pause-us); writer pause = the longest gap between "
                  "two consecutive acknowledgements of one writer overlapping the switchover. Baseline, same run "
                  "and cluster: stop-and-copy x%4, i.e. writers stopped, the spare agent assigned as an empty hot "
                  "replica and timed until it holds the primary's position (the agents' snapshot path), writers "
                  "resumed; the role change itself is not counted, which favours the baseline. p99 is nearest-rank: "
                  "with fewer than 100 rounds it is the maximum")
                  .arg(kWriters)
                  .arg(kWritesPerSecond)
                  .arg(swaps)
                  .arg(copies));
    const QString baseline = QStringLiteral("stop-and-copy (writes stopped, whole state by snapshot to an empty "
                                            "replica)");
    int exitCode = 0;
    for (int keys : sizes) {
        const CaseResult result = runCase(keys, swaps, copies);
        const QString caseName = QStringLiteral("%1 keys, %2 writers").arg(keys).arg(kWriters);
        for (const QString &note : result.notes)
            printNote(kBench, caseName, note);
        if (!result.stopped.isEmpty()) {
            printNote(kBench, caseName, QStringLiteral("stopped early: %1").arg(result.stopped));
            exitCode = 1;
        }
        printNote(kBench,
                  caseName,
                  QStringLiteral("engine pause breakdown, medians: revoke %1 ms, catch-up %2 ms, digest %3 ms, "
                                 "promote %4 ms; then %9 ms (median, max %10 ms) from the promote's answer to the "
                                 "first write acknowledged by the new primary (clients redirected, re-pointed hot "
                                 "replicas connected and welcomed); %5 swaps, %6 copies; %7 writes acknowledged, "
                                 "%8 attempts not acknowledged (refused while paused, then retried)")
                      .arg(median(result.revokeMs), 0, 'f', 3)
                      .arg(median(result.catchUpMs), 0, 'f', 3)
                      .arg(median(result.digestMs), 0, 'f', 3)
                      .arg(median(result.promoteMs), 0, 'f', 3)
                      .arg(result.enginePauseUs.size())
                      .arg(result.copyUs.size())
                      .arg(result.acked)
                      .arg(result.failedWrites)
                      .arg(median(result.resumeMs), 0, 'f', 2)
                      .arg(result.resumeMs.isEmpty() ? 0.0
                                                     : *std::max_element(result.resumeMs.begin(), result.resumeMs.end()),
                           0,
                           'f',
                           2));
        const bool atTarget = keys == kTargetKeys;
        const std::optional<double> copyP50 = percentileMs(result.copyUs, 50);
        const std::optional<double> copyP99 = percentileMs(result.copyUs, 99);
        struct Line
        {
            const char *figure;
            const QList<qint64> *samples;
            double percent;
        };
        const Line lines[] = {{"engine_pause_p50_ms", &result.enginePauseUs, 50},
                              {"engine_pause_p99_ms", &result.enginePauseUs, 99},
                              {"writer_pause_p50_ms", &result.writerPauseUs, 50},
                              {"writer_pause_p99_ms", &result.writerPauseUs, 99}};
        for (const Line &line : lines) {
            Figure figure;
            figure.bench = kBench;
            figure.caseName = caseName;
            figure.figure = QLatin1String(line.figure);
            figure.unit = QStringLiteral("ms");
            figure.better = Better::Lower;
            figure.decimals = 2;
            figure.value = percentileMs(*line.samples, line.percent);
            const bool p99 = line.percent > 50;
            if (copyP50) {
                Figure withBaseline = figure;
                withBaseline.baseline = baseline;
                withBaseline.baselineValue = p99 ? copyP99 : copyP50;
                if (p99 && atTarget)
                    withBaseline.target = kRatioTarget;
                printFigure(withBaseline);
            }
            if (p99 && atTarget) {
                figure.target = kP99TargetMs;
                printFigure(figure);
            } else if (!copyP50) {
                printFigure(figure);
            }
        }
        Figure lost;
        lost.bench = kBench;
        lost.caseName = caseName;
        lost.figure = QStringLiteral("acked_writes_lost");
        lost.unit = QStringLiteral("writes");
        lost.better = Better::Lower;
        lost.decimals = 0;
        lost.value = result.lost >= 0 ? std::optional<double>(double(result.lost)) : std::nullopt;
        lost.target = 0;
        printFigure(lost);
        if (result.lost != 0)
            exitCode = 1;
    }
    return exitCode;
}

} // namespace foresight::bench
