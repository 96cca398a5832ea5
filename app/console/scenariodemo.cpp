#include "scenariodemo.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

#include "demofaults.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/core/clock.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/training/faultinjector.h"
#include "foresight/training/scenariorunner.h"
#include "snapshotview.h"

using namespace foresight;

namespace {

constexpr int kHealthyTimeoutMs = 60'000;
constexpr int kTickMs = 50;
constexpr qsizetype kJournalLines = 8;

int failWith(const QString &message)
{
    std::fprintf(stderr, "foresight: %s\n", qPrintable(message));
    return 1;
}

QString renderView(const failover::ClusterEngine &engine,
                   const DemoWorkloads &workload,
                   const sim::Scenario &scenario,
                   qint64 elapsedMs,
                   const QStringList &events)
{
    QStringList parts;
    if (const auto snapshot = engine.snapshot())
        parts << renderSnapshot(*snapshot,
                                snapshot->recentJournal.mid(qMax(0, snapshot->recentJournal.size() - kJournalLines)));
    parts << QStringLiteral("demo workload: %1 acknowledged, %2 failed%3")
                 .arg(workload.acked())
                 .arg(workload.failed())
                 .arg(workload.lastError().isEmpty() ? QString()
                                                     : QStringLiteral("  (last error: %1)").arg(workload.lastError()));
    parts << renderScenarioProgress(scenario, elapsedMs, events);
    parts << QStringLiteral("the scenario ends by itself; Ctrl-C cuts it short and scores what happened so far");
    return parts.join(QStringLiteral("\n\n"));
}

} // namespace

bool writeScoreJson(const QString &path, const QJsonObject &score)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(QJsonDocument(score).toJson(QJsonDocument::Compact) + '\n') < 0) {
        std::fprintf(stderr,
                     "foresight: cannot write the score to %s: %s\n",
                     qPrintable(path),
                     qPrintable(file.errorString()));
        return false;
    }
    return true;
}

int runHeadlessScenario(const DemoOptions &options,
                        const ScenarioChoice &choice,
                        const QString &scoreJsonPath,
                        const std::atomic<bool> &stop)
{
    QTemporaryDir temporary;
    const QString workDir = options.workDir.isEmpty() ? temporary.path() : options.workDir;
    const std::unique_ptr<cluster::LocalCluster> cluster = startDemoCluster(options, workDir);
    if (!cluster)
        return 1;
    const QString appName = demoApp();
    const auto wallNow = [&cluster] { return cluster->clock().wallMs(); }; // faster with --time-scale

    // The engine deploys the application and fails it over, as in the window demo.
    auto engine = failover::ClusterEngine::start(demoEngineOptions(*cluster, workDir));
    if (!engine)
        return failWith(QStringLiteral("cannot start the engine: %1").arg(engine.error().message));

    std::fprintf(stderr, "foresight: waiting for the demo application to be healthy before the scenario starts\n");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kHealthyTimeoutMs);
    while (!demoAppsHealthy(**engine) && !stop.load()) {
        if (std::chrono::steady_clock::now() > deadline)
            return failWith(
                QStringLiteral("the demo application was not healthy after %1 s; the scenario did not start")
                    .arg(kHealthyTimeoutMs / 1000));
        pumpEvents(kTickMs);
    }
    if (stop.load())
        return failWith(QStringLiteral("stopped before the scenario started"));

    auto injector = training::FaultInjector::create({cluster.get(), engine->get(), appName}, wallNow());
    if (!injector)
        return failWith(QStringLiteral("cannot simulate the demo's hosts: %1").arg(injector.error().message));
    DemoWorkloads workload(*cluster, options.writers, options.writesPerSecond);
    workload.start();
    training::ScenarioRunner::Options runnerOptions;
    runnerOptions.scenario = choice.scenario;
    runnerOptions.cluster = cluster.get();
    runnerOptions.engine = engine->get();
    runnerOptions.app = appName;
    runnerOptions.faults = injector->get(); // shared with foresightctl's faults
    auto runner = training::ScenarioRunner::start(runnerOptions, wallNow());
    if (!runner) {
        workload.stop();
        return failWith(QStringLiteral("cannot play %1: %2").arg(choice.source, runner.error().message));
    }
    // foresightctl cluster fault: applied on this thread between ticks, recorded by the runner as
    // a fault by hand (it counts in the score).
    auto faultDesk = std::make_unique<QObject>();
    auto control
        = startDemoControl(options,
                           **engine,
                           workDir,
                           demoFaultHandler(faultDesk.get(),
                                            {cluster.get(), injector->get(), [&](const sim::ScenarioFault &fault) {
                                                 return (*runner)->injectByHand(fault, wallNow());
                                             }}));
    std::fprintf(stderr,
                 "foresight: scenario '%s' started (%s)\n",
                 qPrintable(choice.scenario.name),
                 qPrintable(choice.source));

    const qint64 startWallMs = wallNow();
    qint64 nextViewWallMs = startWallMs;
    qsizetype printedEvents = 0;
    bool complete = false;
    while (!stop.load()) {
        const qint64 now = wallNow();
        complete = !(*runner)->tick(now);
        const QStringList &events = (*runner)->events();
        if (!options.ansi) { // a log: every scenario event once, as it comes
            for (; printedEvents < events.size(); ++printedEvents)
                std::printf("scenario: %s\n", qPrintable(events[printedEvents]));
        }
        if (now >= nextViewWallMs || complete) {
            const QString view = renderView(**engine, workload, choice.scenario, now - startWallMs, events);
            if (options.ansi)
                std::printf("\x1b[H\x1b[2J%s\n", qPrintable(view));
            else
                std::printf("%s\n\n\n", qPrintable(view));
            nextViewWallMs = now + options.refreshMs;
        }
        std::fflush(stdout);
        if (complete)
            break;
        pumpEvents(kTickMs);
    }

    control.reset(); // no more faults from foresightctl
    faultDesk.reset();
    workload.stop();
    const qint64 endWallMs = wallNow();
    const qint64 playedMs = complete ? choice.scenario.durationMs
                                     : std::min(endWallMs - startWallMs, choice.scenario.durationMs - 1);
    if (!complete)
        std::fprintf(stderr, "foresight: scenario cut short (Ctrl-C); reading back acknowledged writes to score it\n");
    const sim::ScenarioScore score = (*runner)->finish(endWallMs);
    const QStringList events = (*runner)->events();
    std::printf("\n%s\n", qPrintable(renderScenarioScore(choice.scenario, score, playedMs, events)));
    std::fflush(stdout);
    int exitCode = 0;
    if (!scoreJsonPath.isEmpty() && !writeScoreJson(scoreJsonPath, scenarioScoreJson(choice, score, playedMs, events)))
        exitCode = 1;
    runner->reset();   // before the injector, the engine and the cluster it plays on
    injector->reset(); // thaws what it froze, while the cluster is there
    engine->reset();   // before the cluster it watches
    std::fprintf(stderr,
                 "foresight: scenario %s: %d of %d points; demo workload %lld writes acknowledged, %lld failed\n",
                 complete ? "finished" : "cut short",
                 score.points,
                 score.maxPoints,
                 workload.acked(),
                 workload.failed());
    return exitCode;
}
