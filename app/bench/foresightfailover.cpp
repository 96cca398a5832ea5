#include "foresightfailover.h"

#include <functional>
#include <thread>

#include <QDateTime>
#include <QDir>
#include <QTemporaryDir>

#include "benchreport.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/config/clusterconfig.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/sdk/client.h"
#include "foresight/storage/consolestore.h"

namespace foresight::bench {

namespace {

using namespace std::chrono_literals;

const QString kApp = QStringLiteral("bench");
const QString kActor = QStringLiteral("bench");
constexpr int kStartDeadlineMs = 60'000;
constexpr int kReadyDeadlineMs = 60'000;
constexpr int kFailoverDeadlineMs = 30'000;
// A client gives up on a write after this long without a primary; far beyond any failover.
constexpr int kWriterFailoverTimeoutMs = 60'000;
constexpr auto kPoll = 5ms;
constexpr int kJournalLinesOnProblem = 40;

// Every agent of the cluster, and the application: primary, two hot replicas, one warm.
config::ClusterConfig benchConfig(cluster::LocalCluster &cluster)
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
        config.agents.append(agent);
    }
    config::ClusterApp app;
    app.name = kApp;
    app.primary = cluster.agent(0).name();
    app.replicas = {{cluster.agent(1).name(), Tier::Hot},
                    {cluster.agent(2).name(), Tier::Hot},
                    {cluster.agent(3).name(), Tier::Warm}};
    app.config.syncReplicas = 1;
    config.apps.append(app);
    return config; // failover settings: the defaults
}

// Writes at a steady rate through its own SDK client, on its own thread, until destroyed.
class SdkWriter final
{
public:
    SdkWriter(sdk::ClientOptions options, const FailoverSpec &spec, WriteLog &log)
        : m_thread([this, options, spec, &log](std::stop_token stop) { run(stop, options, spec, log); })
    {}
    void stop()
    {
        m_thread.request_stop();
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    static void run(std::stop_token stop, sdk::ClientOptions options, FailoverSpec spec, WriteLog &log)
    {
        options.name = QStringLiteral("bench-writer");
        options.failoverTimeoutMs = kWriterFailoverTimeoutMs;
        auto client = sdk::Client::connect(options);
        if (!client) {
            log.fatal(client.error().toString());
            return;
        }
        Pacer pacer(spec.writesPerSecond);
        for (qint64 index = 0; !stop.stop_requested(); ++index) {
            pacer.wait();
            auto receipt = (*client)->put(failoverKey(index),
                                          failoverValue(index, spec.valueBytes),
                                          sdk::Ack::Replicated);
            const auto at = FailoverClock::now();
            if (receipt)
                log.accepted(index, receipt->epoch, true, at);
            else
                log.failed(receipt.error().toString());
        }
    }

    std::jthread m_thread;
};

// Where the application stands, when it is ready for the next round.
struct Ready
{
    QString primary;
    std::uint64_t epoch = 0;
};

// Healthy, writable, every agent heard, and every desired replica in place: connected to the
// primary, at its epoch, on an agent that is heard.
std::optional<Ready> readyState(const failover::ClusterSnapshot &snapshot, QString *why)
{
    const failover::AppView *app = snapshot.app(kApp);
    if (!app) {
        *why = QStringLiteral("the engine does not list the application");
        return std::nullopt;
    }
    if (app->phase != failover::AppPhase::Healthy || app->primary.isEmpty() || !app->writable) {
        *why = QStringLiteral("phase %1, primary '%2', writable %3: %4")
                   .arg(failover::appPhaseName(app->phase), app->primary)
                   .arg(app->writable)
                   .arg(app->reason);
        return std::nullopt;
    }
    for (const failover::AgentView &agent : snapshot.agents) {
        if (!agent.heard || agent.suspected || agent.heardMsAgo > 1000) {
            *why = QStringLiteral("agent %1 not heard (last %2 ms ago)").arg(agent.name).arg(agent.heardMsAgo);
            return std::nullopt;
        }
    }
    int hot = 0, warm = 0, cold = 0;
    QStringList replicas;
    for (const failover::ReplicaView &replica : app->replicas) {
        replicas << QStringLiteral("%1 %2%3 epoch %4")
                        .arg(replica.agent, tierName(replica.tier))
                        .arg(replica.connected ? QString() : QStringLiteral(" disconnected"))
                        .arg(replica.epoch);
        if (!replica.connected || replica.epoch != app->epoch)
            continue;
        hot += replica.tier == Tier::Hot ? 1 : 0;
        warm += replica.tier == Tier::Warm ? 1 : 0;
        cold += replica.tier == Tier::Cold ? 1 : 0;
    }
    if (hot < app->desiredHot || warm < app->desiredWarm || cold < app->desiredCold) {
        *why = QStringLiteral("replicas of %1 at epoch %2: %3")
                   .arg(app->primary)
                   .arg(app->epoch)
                   .arg(replicas.isEmpty() ? QStringLiteral("none") : replicas.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    return Ready{app->primary, app->epoch};
}

bool waitFor(int deadlineMs, const std::function<bool()> &done)
{
    const auto deadline = FailoverClock::now() + std::chrono::milliseconds(deadlineMs);
    while (!done()) {
        if (FailoverClock::now() > deadline)
            return false;
        std::this_thread::sleep_for(kPoll);
    }
    return true;
}

// The console journal's entries since wallMs (all of them for 0), newest last, one per line.
QString journalSince(const QString &storePath, qint64 wallMs)
{
    auto store = storage::ConsoleStore::open(storePath);
    if (!store)
        return QStringLiteral("(cannot open the console store: %1)").arg(store.error().toString());
    auto entries = (*store)->journal(0, 100'000);
    if (!entries)
        return QStringLiteral("(cannot read the journal: %1)").arg(entries.error().toString());
    QStringList lines;
    for (const storage::JournalEntry &entry : *entries) {
        if (entry.wallMs < wallMs)
            continue;
        lines << QStringLiteral("%1 [%2] %3 %4: %5")
                     .arg(QDateTime::fromMSecsSinceEpoch(entry.wallMs).toUTC().toString(QStringLiteral("HH:mm:ss.zzz")),
                          entry.kind,
                          entry.app,
                          entry.agent,
                          entry.message);
    }
    if (lines.size() > kJournalLinesOnProblem)
        lines = lines.mid(lines.size() - kJournalLinesOnProblem);
    return lines.join(QLatin1Char('\n'));
}

// Reads every durable write back through a client that knows every agent.
Status readBack(const cluster::LocalCluster &cluster,
                const WriteLog &log,
                const FailoverSpec &spec,
                FailoverOutcome &outcome)
{
    auto client = cluster.client(kApp, kWriterFailoverTimeoutMs);
    if (!client)
        return std::unexpected(client.error());
    qint64 lost = 0;
    QStringList examples;
    for (const qint64 index : log.durableIndexes()) {
        auto read = (*client)->get(failoverKey(index));
        if (!read)
            return fail(read.error().code,
                        QStringLiteral("reading %1 back: %2").arg(failoverKey(index), read.error().message));
        if (!read->value || *read->value != failoverValue(index, spec.valueBytes)) {
            if (++lost <= 5)
                examples << failoverKey(index);
        }
    }
    outcome.lostWrites = lost;
    if (lost > 0)
        outcome.notes << QStringLiteral("Foresight lost %1 acknowledged writes, e.g. %2")
                             .arg(lost)
                             .arg(examples.join(QStringLiteral(", ")));
    return {};
}

} // namespace

Result<FailoverOutcome> runForesightFailover(const FailoverSpec &spec)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create a temporary directory: %1").arg(dir.errorString()));
    cluster::LocalCluster::Options clusterOptions;
    clusterOptions.workDir = QDir(dir.path()).filePath(QStringLiteral("cluster"));
    clusterOptions.agentNames = {QStringLiteral("alpha"),
                                 QStringLiteral("bravo"),
                                 QStringLiteral("charlie"),
                                 QStringLiteral("delta"),
                                 QStringLiteral("echo")};
    auto started = cluster::LocalCluster::start(clusterOptions);
    if (!started)
        return std::unexpected(started.error());
    cluster::LocalCluster &cluster = **started;

    failover::ClusterEngineOptions engineOptions;
    engineOptions.config = benchConfig(cluster);
    engineOptions.keys = cluster.adminKeys();
    engineOptions.storePath = QDir(dir.path()).filePath(QStringLiteral("console.db"));
    const QString storePath = engineOptions.storePath;
    auto engine = failover::ClusterEngine::start(engineOptions);
    if (!engine)
        return std::unexpected(engine.error());

    FailoverOutcome outcome;
    outcome.roundsPlanned = spec.rounds;
    outcome.setup = QStringLiteral("5 agents: primary, 2 hot (1 sync ack), 1 warm, 1 spare; default settings; "
                                   "acknowledged after each round");

    QString why;
    if (!waitFor(kStartDeadlineMs, [&] {
            const auto snapshot = (*engine)->snapshot();
            return snapshot && readyState(*snapshot, &why).has_value();
        }))
        return fail(ErrorCode::Timeout,
                    QStringLiteral("the engine did not deploy the application within %1 ms: %2\n%3")
                        .arg(kStartDeadlineMs)
                        .arg(why, journalSince(storePath, 0)));

    WriteLog log;
    const auto writerStarted = FailoverClock::now();
    SdkWriter writer(cluster.clientOptions(kApp), spec, log);
    const auto problem = [&](int round, const QString &what, qint64 sinceWallMs) {
        outcome.stopped = QStringLiteral("round %1: %2").arg(round).arg(what);
        const QString journal = journalSince(storePath, sinceWallMs);
        logProgress(QStringLiteral("failover: Foresight %1\nconsole journal:\n%2").arg(outcome.stopped, journal));
        outcome.notes << QStringLiteral("console journal around round %1: %2")
                             .arg(round)
                             .arg(QString(journal).replace(QLatin1Char('\n'), QStringLiteral(" | ")));
    };

    qint64 roundStartWallMs = QDateTime::currentMSecsSinceEpoch();
    std::uint64_t expectedEpoch = 0; // after the last failover this benchmark caused
    int unprovoked = 0;
    for (int round = 1; round <= spec.rounds; ++round) {
        std::optional<Ready> ready;
        const bool settled = waitFor(kReadyDeadlineMs, [&] {
            if (!log.fatalError().isEmpty())
                return true;
            const auto snapshot = (*engine)->snapshot();
            ready = snapshot ? readyState(*snapshot, &why) : std::nullopt;
            if (ready && (log.currentGeneration() != ready->epoch || log.durableRun() < spec.settleWrites())) {
                why = QStringLiteral("the writer has %1 acknowledged writes in a row at epoch %2 (engine: %3); "
                                     "last write error: %4")
                          .arg(log.durableRun())
                          .arg(log.currentGeneration())
                          .arg(ready->epoch)
                          .arg(log.lastFailure());
                ready.reset();
            }
            return ready.has_value();
        });
        if (!log.fatalError().isEmpty()) {
            problem(round, QStringLiteral("the writer stopped: %1").arg(log.fatalError()), roundStartWallMs);
            break;
        }
        if (!settled) {
            problem(round,
                    QStringLiteral("not ready for a kill within %1 ms: %2").arg(kReadyDeadlineMs).arg(why),
                    roundStartWallMs);
            break;
        }
        // A failover nobody caused: on a loaded machine a stall of the whole host longer than the
        // detector's threshold (about 200 ms at the defaults) looks like a dead primary to the
        // console and to the replicas alike. It is counted and acknowledged, or anti-flapping
        // would rightly block the next, measured, failover.
        if (expectedEpoch != 0 && ready->epoch > expectedEpoch) {
            unprovoked += int(ready->epoch - expectedEpoch);
            logProgress(QStringLiteral("failover: before round %1: %2 failover(s) without a kill (epoch %3, expected "
                                       "%4); acknowledged")
                            .arg(round)
                            .arg(ready->epoch - expectedEpoch)
                            .arg(ready->epoch)
                            .arg(expectedEpoch));
            if (auto acknowledged = (*engine)->acknowledge(kApp, kActor).get(); !acknowledged) {
                problem(round,
                        QStringLiteral("acknowledging an unprovoked failover failed: %1")
                            .arg(acknowledged.error().toString()),
                        roundStartWallMs);
                break;
            }
        }
        const int victim = cluster.indexOf(ready->primary);
        if (victim < 0) {
            problem(round,
                    QStringLiteral("the engine names an unknown primary '%1'").arg(ready->primary),
                    roundStartWallMs);
            break;
        }

        roundStartWallMs = QDateTime::currentMSecsSinceEpoch();
        const auto killedAt = FailoverClock::now();
        cluster.agent(victim).kill();
        std::optional<FailoverClock::time_point> firstAck;
        if (!waitFor(kFailoverDeadlineMs, [&] {
                firstAck = log.firstAcceptedAfter(killedAt, ready->epoch);
                return firstAck.has_value();
            })) {
            problem(round,
                    QStringLiteral("killed primary %1 at epoch %2; no write acknowledged at a higher epoch within "
                                   "%3 ms (last write error: %4)")
                        .arg(ready->primary)
                        .arg(ready->epoch)
                        .arg(kFailoverDeadlineMs)
                        .arg(log.lastFailure()),
                    roundStartWallMs);
            break;
        }
        const qint64 us = std::chrono::duration_cast<std::chrono::microseconds>(*firstAck - killedAt).count();
        outcome.failoverUs.append(us);

        // The engine records the promotion when the promote reply arrives, which may be just
        // after the first write on the new primary was acknowledged.
        QString promoted;
        if (!waitFor(kFailoverDeadlineMs, [&] {
                const auto snapshot = (*engine)->snapshot();
                const failover::AppView *app = snapshot ? snapshot->app(kApp) : nullptr;
                if (app && app->epoch > ready->epoch && !app->primary.isEmpty() && app->primary != ready->primary) {
                    promoted = app->primary;
                    expectedEpoch = app->epoch;
                }
                return !promoted.isEmpty();
            })) {
            problem(round,
                    QStringLiteral("writes are acknowledged at a higher epoch, but the engine does not report a "
                                   "new primary within %1 ms")
                        .arg(kFailoverDeadlineMs),
                    roundStartWallMs);
            break;
        }
        logProgress(QStringLiteral("failover: Foresight round %1/%2: killed %3 (epoch %4), first acknowledged "
                                   "write on %5 after %6 ms")
                        .arg(round)
                        .arg(spec.rounds)
                        .arg(ready->primary)
                        .arg(ready->epoch)
                        .arg(promoted)
                        .arg(double(us) / 1000.0, 0, 'f', 1));
        if (auto acknowledged = (*engine)->acknowledge(kApp, kActor).get(); !acknowledged) {
            problem(round,
                    QStringLiteral("acknowledging the failover failed: %1").arg(acknowledged.error().toString()),
                    roundStartWallMs);
            break;
        }
        if (auto restarted = cluster.agent(victim).restart(); !restarted) {
            problem(round,
                    QStringLiteral("restarting %1 failed: %2").arg(ready->primary, restarted.error().toString()),
                    roundStartWallMs);
            break;
        }
    }

    if (unprovoked > 0)
        outcome.notes << QStringLiteral("Foresight: %1 failover(s) happened between rounds without a kill (host stalls "
                                        "past the detector's threshold on a loaded machine); each was acknowledged "
                                        "before the next round")
                             .arg(unprovoked);
    writer.stop();
    outcome.writerMs
        = std::chrono::duration_cast<std::chrono::milliseconds>(FailoverClock::now() - writerStarted).count();
    outcome.durableWrites = log.durableIndexes().size();
    outcome.failedWrites = log.failedCount();
    if (outcome.failedWrites > 0)
        outcome.notes << QStringLiteral("Foresight: %1 write attempts failed (not acknowledged; the last: %2)")
                             .arg(outcome.failedWrites)
                             .arg(log.lastFailure());
    if (outcome.stopped.isEmpty()) {
        // The last round's restart: let the cluster heal before reading back.
        if (!waitFor(kReadyDeadlineMs, [&] {
                const auto snapshot = (*engine)->snapshot();
                return snapshot && readyState(*snapshot, &why).has_value();
            }))
            outcome.notes << QStringLiteral("Foresight: not healed after the last round: %1").arg(why);
    }
    logProgress(QStringLiteral("failover: Foresight: reading %1 acknowledged writes back").arg(outcome.durableWrites));
    if (auto read = readBack(cluster, log, spec, outcome); !read)
        outcome.notes << QStringLiteral("Foresight: could not read the acknowledged writes back: %1")
                             .arg(read.error().toString());
    engine->reset(); // before the agents it watches
    return outcome;
}

} // namespace foresight::bench
