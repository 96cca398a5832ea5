// Shadows in the running engine (issue 19, seeds 10110502 and 11531531), with real agents on
// loopback, each reading its host metrics from a simulated host of its own: a host whose risk
// rises gets its primaries shadowed on healthy hosts, critical applications first; the host's
// crash promotes the shadow; an automatic swap happens only where the application's policy allows
// it; idle shadows retire; an operator's swap under concurrent writers loses no acknowledged write.
//
// The risk is set as an external figure (ClusterEngine::setHostRisk), not raised through a
// degrading host's anomaly score: that score is a noisy spike whose timing on a loaded machine
// ranged from seconds to never within minutes, which no test can wait on. The path from host
// metrics to risk is tst_prediction's; from risk to shadows, this test's.

#include <algorithm>
#include <limits>
#include <map>

#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "enginetesting.h"
#include "foresight/sim/simulatedhost.h"
#include "resulttext.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 60000;
const QString kCritical = QStringLiteral("pay");
const QString kLow = QStringLiteral("logs");

const failover::AppView *appNamed(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot, const QString &name)
{
    return snapshot ? snapshot->app(name) : nullptr;
}

QString shadowAgentOf(const failover::ClusterEngine &engine, const QString &app)
{
    const auto snapshot = engine.snapshot();
    const failover::AppView *view = appNamed(snapshot, app);
    return view && view->shadow ? view->shadow->agent : QString();
}

QString shadowStateOf(const failover::ClusterEngine &engine, const QString &app)
{
    const auto snapshot = engine.snapshot();
    const failover::AppView *view = appNamed(snapshot, app);
    return view && view->shadow ? view->shadow->state : QString();
}

QString primaryOfApp(const failover::ClusterEngine &engine, const QString &app)
{
    const auto snapshot = engine.snapshot();
    const failover::AppView *view = appNamed(snapshot, app);
    return view ? view->primary : QString();
}

// The journal's entries of one kind, oldest first, as "app: message".
QStringList journalOf(const failover::ClusterEngine &engine, const QString &kind)
{
    QStringList entries;
    const auto snapshot = engine.snapshot();
    if (!snapshot)
        return entries;
    for (const storage::JournalEntry &entry : snapshot->recentJournal) {
        if (entry.kind == kind)
            entries.append(entry.app + QStringLiteral(": ") + entry.message);
    }
    return entries;
}

} // namespace

class TestShadows : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_hostsDir;
    std::map<QString, sim::SimulatedHost> m_hosts; // one per agent
    QTimer m_hostClock;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;

    // alpha holds both applications as primary, bravo their hot replica; charlie and delta are
    // free. The critical one may be swapped automatically, the low one may not.
    config::ClusterConfig configuration() const
    {
        config::ClusterConfig config = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}});
        config::ClusterApp critical = config.apps.first();
        critical.name = kCritical;
        critical.criticality = config::Criticality::Critical;
        critical.shadow.autoSwap = true;
        config::ClusterApp low = config.apps.first();
        low.name = kLow;
        low.criticality = config::Criticality::Low;
        // The low one is listed first: the order of deployment must come from criticality.
        config.apps = {config.apps.first(), low, critical};
        config.prediction.sampleIntervalMs = 100;
        config.prediction.horizonMs = 2000;
        config.prediction.shortWindow = 4;
        config.prediction.longWindow = 30;
        config.prediction.trainingStride = 1;
        config.shadows.deployRisk = 0.8;
        config.shadows.imminentRisk = 0.95;
        config.shadows.retireIdleMs = 1500;
        return config;
    }

    void startCluster()
    {
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster"));
        options.hostsDir = m_hostsDir;
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(errorText(cluster)));
        m_cluster = std::move(*cluster);
    }

    void startEngine(const config::ClusterConfig &config)
    {
        m_engine = startTestEngine(*m_cluster, config, m_dir.filePath(QStringLiteral("console.sqlite")));
        QVERIFY(m_engine);
        for (const config::ClusterApp &app : config.apps) {
            QTRY_VERIFY_WITH_TIMEOUT(appNamed(m_engine->snapshot(), app.name)
                                         && appNamed(m_engine->snapshot(), app.name)->phase
                                                == failover::AppPhase::Healthy
                                         && appNamed(m_engine->snapshot(), app.name)->writable,
                                     kTimeoutMs);
        }
    }

    double riskOf(const QString &agent) const
    {
        const auto snapshot = m_engine->snapshot();
        const failover::AgentView *view = snapshot ? snapshot->agent(agent) : nullptr;
        return view ? std::max(view->failureRisk, view->anomaly) : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_hostsDir = m_dir.filePath(QStringLiteral("hosts"));
        quint32 seed = 1;
        for (const QString &name :
             {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie"), QStringLiteral("delta")}) {
            sim::SimulatedHostSettings settings;
            settings.root = m_hostsDir + QLatin1Char('/') + name;
            settings.seed = seed++;
            auto host = sim::SimulatedHost::create(settings, SystemClock::instance().wallMs());
            QVERIFY2(host, qPrintable(errorText(host)));
            m_hosts.emplace(name, std::move(*host));
        }
        // The test's event loop runs while it waits (QTRY_*), so the hosts keep time with it.
        connect(&m_hostClock, &QTimer::timeout, this, [this] {
            for (auto &[name, host] : m_hosts)
                QVERIFY(host.advanceTo(SystemClock::instance().wallMs()));
        });
        m_hostClock.start(200);
    }

    void init()
    {
        for (auto &[name, host] : m_hosts)
            host.clearDegradations();
    }

    void cleanup()
    {
        m_engine.reset();
        m_cluster.reset();
    }

    void operatorShadowSwapsUnderWritersWithNothingLost()
    {
        startCluster();
        config::ClusterConfig config = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}});
        startEngine(config);

        // Nothing to swap onto yet: the error says what to do.
        auto none = m_engine->swapShadow({kTestApp, {}, false, false, QStringLiteral("test")}).get();
        QVERIFY(!none);
        QCOMPARE(none.error().code, ErrorCode::NotFound);
        QVERIFY2(none.error().message.contains(QStringLiteral("create one first")), qPrintable(none.error().message));
        // A shadow on the primary's own host is refused, naming why.
        auto onPrimary
            = m_engine->createShadow({kTestApp, QStringLiteral("alpha"), false, false, QStringLiteral("test")}).get();
        QVERIFY(!onPrimary);
        QCOMPARE(onPrimary.error().code, ErrorCode::InvalidArgument);

        // Dry run: the plan, nothing done.
        auto dry = m_engine->createShadow({kTestApp, {}, false, true, QStringLiteral("test")}).get();
        QVERIFY2(dry, qPrintable(errorText(dry)));
        QVERIFY2(dry->summary.startsWith(QStringLiteral("dry run: would assign")), qPrintable(dry->summary));
        QCOMPARE(shadowAgentOf(*m_engine, kTestApp), QString());

        ContinuousWriter writer(m_cluster->clientOptions(kTestApp), 1);
        auto created = m_engine->createShadow({kTestApp, {}, false, false, QStringLiteral("test")}).get();
        QVERIFY2(created, qPrintable(errorText(created)));
        const QString shadowAgent = created->details.value(QStringLiteral("agent")).toString();
        // A fresh agent (charlie or delta), not bravo, which already holds a copy.
        QVERIFY2(shadowAgent == QLatin1String("charlie") || shadowAgent == QLatin1String("delta"),
                 qPrintable(shadowAgent));
        QTRY_COMPARE_WITH_TIMEOUT(shadowStateOf(*m_engine, kTestApp), QStringLiteral("ready"), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(writer.acked() > 50, kTimeoutMs);
        // Its history (one figure a second) has a measured figure before the swap.
        const auto measuredInHistory = [&] {
            const auto snapshot = m_engine->snapshot();
            const failover::AppView *view = appNamed(snapshot, kTestApp);
            return view && view->shadow
                   && std::any_of(view->shadow->history.begin(),
                                  view->shadow->history.end(),
                                  [](const shadow::Discrepancy &d) { return d.known(); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(measuredInHistory(), kTimeoutMs);
        {
            const auto snapshot = m_engine->snapshot();
            const failover::ShadowView &shadow = *appNamed(snapshot, kTestApp)->shadow;
            QCOMPARE(shadow.origin, shadow::ShadowOrigin::Operator);
            QVERIFY(shadow.discrepancy.known());
            QVERIFY(shadow.discrepancy.digestAgrees.value_or(true));
            // The primary's agent counts the keys and bytes the shadow lacks (lag-keys, lag-bytes):
            // none when it has caught up, otherwise at least one key and at most one per write behind.
            const shadow::Discrepancy &d = shadow.discrepancy;
            QVERIFY2(d.keysDiffering >= 0 && d.bytesDiffering >= 0, qPrintable(d.describe()));
            QVERIFY2(d.seqGap > 0 ? (d.keysDiffering > 0 || d.differingPartial) && d.keysDiffering <= d.seqGap
                                  : d.keysDiffering == 0 && d.bytesDiffering == 0,
                     qPrintable(d.describe()));
            QCOMPARE(shadow.swapMaxLag, 10'000); // medium criticality
            // The shadow does not count towards the configured tiers: nothing is released or added.
            QCOMPARE(appNamed(snapshot, kTestApp)->desiredHot, 1);
        }

        auto swapped = m_engine->swapShadow({kTestApp, {}, false, false, QStringLiteral("test")}).get();
        QVERIFY2(swapped, qPrintable(errorText(swapped)));
        QVERIFY(swapped->details.contains(QStringLiteral("pause-ms")));
        QCOMPARE(primaryOfApp(*m_engine, kTestApp), shadowAgent);
        QTRY_VERIFY_WITH_TIMEOUT(journalHas(*m_engine, QStringLiteral("shadow"), QStringLiteral("is now the primary")),
                                 kTimeoutMs);
        QCOMPARE(shadowAgentOf(*m_engine, kTestApp), QString()); // the shadow became the primary
        const int ackedAtSwap = writer.acked();
        QTRY_VERIFY_WITH_TIMEOUT(writer.acked() > ackedAtSwap + 20, kTimeoutMs);
        writer.stop();
        QCOMPARE(writer.fatal(), QString());

        const QString lost = lostAckedWrites(*m_cluster, writer.ackedWrites());
        QVERIFY2(lost.isEmpty(), qPrintable(lost));

        // The shadow's discrepancy history outlives the engine, in the console store.
        m_engine.reset();
        auto store = storage::ConsoleStore::open(m_dir.filePath(QStringLiteral("console.sqlite")));
        QVERIFY2(store, qPrintable(errorText(store)));
        auto history = (*store)->shadowSamples(kTestApp, 0, std::numeric_limits<qint64>::max());
        QVERIFY2(history, qPrintable(errorText(history)));
        QVERIFY(!history->isEmpty());
        QCOMPARE(history->last().agent, shadowAgent);
        // Measured while it was a shadow (unknown, -1, once the roles began to change).
        QVERIFY(std::any_of(history->begin(), history->end(), [](const storage::ShadowSample &sample) {
            return sample.seqGap >= 0 && sample.digestAgrees != 0;
        }));
        QVERIFY(std::any_of(history->begin(), history->end(), [](const storage::ShadowSample &sample) {
            return sample.seqGap >= 0 && sample.keysDiffering >= 0 && sample.bytesDiffering >= 0;
        }));
    }

    void operatorRetiresAShadowAndTheCopyIsReleased()
    {
        startCluster();
        startEngine(clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}, {2, Tier::Warm}}));
        // Only charlie (warm) may hold it: it is raised to hot, and goes back to warm on retirement.
        auto created
            = m_engine->createShadow({kTestApp, QStringLiteral("charlie"), false, false, QStringLiteral("test")}).get();
        QVERIFY2(created, qPrintable(errorText(created)));
        QCOMPARE(created->details.value(QStringLiteral("prior-tier")).toString(), QStringLiteral("warm"));
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 2, QStringLiteral("tier")), QStringLiteral("hot"), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(shadowStateOf(*m_engine, kTestApp), QStringLiteral("ready"), kTimeoutMs);

        auto twice = m_engine->createShadow({kTestApp, {}, false, false, QStringLiteral("test")}).get();
        QVERIFY(!twice);
        QVERIFY2(twice.error().message.contains(QStringLiteral("already has a shadow on charlie")),
                 qPrintable(twice.error().message));

        auto retired = m_engine->retireShadow({kTestApp, {}, false, false, QStringLiteral("test")}).get();
        QVERIFY2(retired, qPrintable(errorText(retired)));
        QCOMPARE(shadowAgentOf(*m_engine, kTestApp), QString());
        QTRY_COMPARE_WITH_TIMEOUT(textOf(*m_cluster, 2, QStringLiteral("tier")), QStringLiteral("warm"), kTimeoutMs);

        // A fresh agent's copy is released altogether.
        created
            = m_engine->createShadow({kTestApp, QStringLiteral("delta"), false, false, QStringLiteral("test")}).get();
        QVERIFY2(created, qPrintable(errorText(created)));
        QTRY_COMPARE_WITH_TIMEOUT(shadowStateOf(*m_engine, kTestApp), QStringLiteral("ready"), kTimeoutMs);
        retired = m_engine->retireShadow({kTestApp, {}, false, false, QStringLiteral("test")}).get();
        QVERIFY2(retired, qPrintable(errorText(retired)));
        QTRY_VERIFY_WITH_TIMEOUT(!m_cluster->appStatus(3, kTestApp), kTimeoutMs);
    }

    void risingRiskShadowsCriticalFirstThenTheCrashPromotesTheShadow()
    {
        startCluster();
        config::ClusterConfig config = configuration();
        for (config::ClusterApp &app : config.apps)
            app.shadow.autoSwap = false; // this test lets the host die
        startEngine(config);
        QVERIFY(journalOf(*m_engine, QStringLiteral("shadow")).isEmpty());

        auto raised = m_engine->setHostRisk(QStringLiteral("alpha"), 0.85, QStringLiteral("test")).get();
        QVERIFY2(raised, qPrintable(errorText(raised)));
        QTRY_VERIFY_WITH_TIMEOUT(!shadowAgentOf(*m_engine, kCritical).isEmpty()
                                     && !shadowAgentOf(*m_engine, kLow).isEmpty()
                                     && !shadowAgentOf(*m_engine, kTestApp).isEmpty(),
                                 kTimeoutMs);
        const QStringList deployed = journalOf(*m_engine, QStringLiteral("shadow"));
        QVERIFY2(deployed.size() >= 3, qPrintable(deployed.join(QLatin1Char('\n'))));
        QVERIFY2(deployed.at(0).startsWith(kCritical + QStringLiteral(": shadow deployed")),
                 qPrintable(deployed.join(QLatin1Char('\n'))));
        QVERIFY2(deployed.at(1).startsWith(kTestApp + QStringLiteral(": shadow deployed")),
                 qPrintable(deployed.join(QLatin1Char('\n'))));
        QVERIFY2(deployed.at(2).startsWith(kLow + QStringLiteral(": shadow deployed")),
                 qPrintable(deployed.join(QLatin1Char('\n'))));
        QVERIFY(deployed.at(0).contains(QStringLiteral("failure risk 0.85")));
        // Never on the risky host, nor on bravo while free agents exist.
        const QString criticalShadow = shadowAgentOf(*m_engine, kCritical);
        QVERIFY2(criticalShadow == QLatin1String("charlie") || criticalShadow == QLatin1String("delta"),
                 qPrintable(criticalShadow));
        QTRY_COMPARE_WITH_TIMEOUT(shadowStateOf(*m_engine, kCritical), QStringLiteral("ready"), kTimeoutMs);
        // Below imminent-risk, nothing swaps on its own even where the policy would allow it.
        QCOMPARE(primaryOfApp(*m_engine, kCritical), QStringLiteral("alpha"));

        // alpha dies: the shadow, not bravo (an equally complete hot replica), takes over.
        m_cluster->agent(0).kill();
        QTRY_COMPARE_WITH_TIMEOUT(primaryOfApp(*m_engine, kCritical), criticalShadow, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(journalHas(*m_engine, QStringLiteral("shadow"), QStringLiteral("is now the primary")),
                                 kTimeoutMs);
    }

    void automaticSwapOnlyWhereAllowedAndIdleShadowsRetire()
    {
        startCluster();
        startEngine(configuration());
        auto raised = m_engine->setHostRisk(QStringLiteral("alpha"), 0.97, QStringLiteral("test")).get();
        QVERIFY2(raised, qPrintable(errorText(raised)));
        // Past imminent-risk: the critical application (auto-swap) moves before alpha fails; the
        // others keep alpha as primary, with their shadows standing by.
        QTRY_VERIFY_WITH_TIMEOUT(primaryOfApp(*m_engine, kCritical) != QLatin1String("alpha")
                                     && !primaryOfApp(*m_engine, kCritical).isEmpty(),
                                 kTimeoutMs);
        QVERIFY(journalHas(*m_engine, QStringLiteral("shadow"), QStringLiteral("swapping before the failure")));
        QVERIFY(journalHas(*m_engine, QStringLiteral("shadow"), QStringLiteral("risk 0.97")));
        QTRY_VERIFY_WITH_TIMEOUT(!shadowAgentOf(*m_engine, kLow).isEmpty()
                                     && !shadowAgentOf(*m_engine, kTestApp).isEmpty(),
                                 kTimeoutMs);
        QCOMPARE(primaryOfApp(*m_engine, kLow), QStringLiteral("alpha"));
        QCOMPARE(primaryOfApp(*m_engine, kTestApp), QStringLiteral("alpha"));

        // The risk passes: once alpha has stayed calm for retire-idle-ms, the shadows go.
        auto cleared = m_engine->setHostRisk(QStringLiteral("alpha"), -1, QStringLiteral("test")).get();
        QVERIFY2(cleared, qPrintable(errorText(cleared)));
        QTRY_VERIFY_WITH_TIMEOUT(shadowAgentOf(*m_engine, kLow).isEmpty()
                                     && shadowAgentOf(*m_engine, kTestApp).isEmpty(),
                                 kTimeoutMs);
        QVERIFY(journalHas(*m_engine, QStringLiteral("shadow"), QStringLiteral("retired")));
        QCOMPARE(primaryOfApp(*m_engine, kLow), QStringLiteral("alpha"));

        // Bad input is refused, naming it.
        auto unknown = m_engine->setHostRisk(QStringLiteral("zulu"), 0.5, QStringLiteral("test")).get();
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::NotFound);
        auto tooHigh = m_engine->setHostRisk(QStringLiteral("alpha"), 1.5, QStringLiteral("test")).get();
        QVERIFY(!tooHigh);
        QCOMPARE(tooHigh.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestShadows)
#include "tst_shadows.moc"
