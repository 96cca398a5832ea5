// The shadow planner (seeds 10110502 and 11531531): which applications get a shadow ahead of a
// predicted failure and in what order, where the shadow goes, when an idle one retires, and when
// the engine swaps onto one on its own. Pure logic: time is whatever each call says.

#include <QTest>

#include "foresight/shadow/shadowplanner.h"

using namespace foresight;
using shadow::ShadowAction;

namespace {

shadow::AgentFacts agent(const QString &name, const QString &host, double risk = 0, double load = 0)
{
    shadow::AgentFacts facts;
    facts.agent = name;
    facts.host = host;
    facts.risk = risk;
    facts.load = load;
    return facts;
}

shadow::AppFacts app(const QString &name, const QString &primary, config::Criticality criticality)
{
    shadow::AppFacts facts;
    facts.app = name;
    facts.primary = primary;
    facts.criticality = criticality;
    facts.settled = true;
    facts.swapMaxLag = 100;
    return facts;
}

shadow::Discrepancy caughtUp()
{
    shadow::Discrepancy d;
    d.seqGap = 0;
    d.digestAgrees = true;
    return d;
}

QStringList describe(const QList<ShadowAction> &actions)
{
    QStringList out;
    for (const ShadowAction &action : actions)
        out.append(QStringLiteral("%1 %2 %3").arg(shadow::shadowActionKindName(action.kind), action.app, action.agent));
    return out;
}

} // namespace

class TestShadowPlanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noShadowBelowDeployRisk()
    {
        const config::ShadowSettings settings; // deploy 0.5
        const QList<shadow::AgentFacts> agents{agent(QStringLiteral("a"), QStringLiteral("h1"), 0.49),
                                               agent(QStringLiteral("b"), QStringLiteral("h2"))};
        QVERIFY(shadow::planShadows({app(QStringLiteral("shop"), QStringLiteral("a"), config::Criticality::Critical)},
                                    agents,
                                    settings,
                                    0)
                    .isEmpty());
    }

    void deploysInOrderOfRiskTimesCriticality()
    {
        const config::ShadowSettings settings;
        // Host h1 at 0.8, h2 at 0.6: a critical app on h2 (1 x 0.6) goes before a medium one on h1
        // (0.5 x 0.8) and a low one on h1 (0.25 x 0.8), whatever the input order.
        const QList<shadow::AgentFacts> agents{agent(QStringLiteral("a"), QStringLiteral("h1"), 0.8),
                                               agent(QStringLiteral("b"), QStringLiteral("h2"), 0.6),
                                               agent(QStringLiteral("c"), QStringLiteral("h3"))};
        const QList<shadow::AppFacts>
            apps{app(QStringLiteral("logs"), QStringLiteral("a"), config::Criticality::Low),
                 app(QStringLiteral("pay"), QStringLiteral("b"), config::Criticality::Critical),
                 app(QStringLiteral("cart"), QStringLiteral("a"), config::Criticality::Medium)};
        const auto actions = shadow::planShadows(apps, agents, settings, 0);
        // pay 0.6, cart 0.4, logs 0.2; pay cannot go to b's own host, so c; the others to b or c.
        QCOMPARE(describe(actions).size(), 3);
        QCOMPARE(actions.at(0).app, QStringLiteral("pay"));
        QCOMPARE(actions.at(0).agent, QStringLiteral("c"));
        QCOMPARE(actions.at(1).app, QStringLiteral("cart"));
        QCOMPARE(actions.at(2).app, QStringLiteral("logs"));
        for (const ShadowAction &action : actions) {
            QCOMPARE(action.kind, ShadowAction::Kind::Deploy);
            QVERIFY2(action.agent != QStringLiteral("b") || action.app != QStringLiteral("pay"), "never on the primary");
        }
        // b itself is at 0.6, above deploy-risk: nothing lands on a risky host.
        for (const ShadowAction &action : actions)
            QCOMPARE(action.agent, QStringLiteral("c"));
        QVERIFY(actions.at(0).why.contains(QStringLiteral("0.60")));
    }

    void imminentHostsComeFirstCriticalAppsFirstAmongThem()
    {
        const config::ShadowSettings settings; // imminent 0.9
        const QList<shadow::AgentFacts> agents{agent(QStringLiteral("a"), QStringLiteral("h1"), 0.95),
                                               agent(QStringLiteral("b"), QStringLiteral("h2"), 0.7),
                                               agent(QStringLiteral("c"), QStringLiteral("h3")),
                                               agent(QStringLiteral("d"), QStringLiteral("h4"))};
        const QList<shadow::AppFacts>
            apps{app(QStringLiteral("big-b"), QStringLiteral("b"), config::Criticality::Critical),
                 app(QStringLiteral("low-a"), QStringLiteral("a"), config::Criticality::Low),
                 app(QStringLiteral("crit-a"), QStringLiteral("a"), config::Criticality::Critical)};
        const auto actions = shadow::planShadows(apps, agents, settings, 0);
        QCOMPARE(actions.size(), 3);
        // crit-a (imminent, critical), low-a (imminent), then big-b (0.7, although 0.7 > 0.95 x 0.25).
        QCOMPARE(actions.at(0).app, QStringLiteral("crit-a"));
        QCOMPARE(actions.at(1).app, QStringLiteral("low-a"));
        QCOMPARE(actions.at(2).app, QStringLiteral("big-b"));
        QVERIFY(actions.at(0).why.contains(QStringLiteral("imminent")));
    }

    void choosesAnotherHostAFreshAgentThenTheClosestThenTheLeastLoaded()
    {
        config::ShadowSettings settings;
        const QList<shadow::AgentFacts> agents{agent(QStringLiteral("p"), QStringLiteral("h1"), 0.8),
                                               agent(QStringLiteral("same-host"), QStringLiteral("h1")),
                                               agent(QStringLiteral("warm"), QStringLiteral("h2")),
                                               agent(QStringLiteral("far"), QStringLiteral("h3"), 0, 0.1),
                                               agent(QStringLiteral("near-busy"), QStringLiteral("h4"), 0, 0.9),
                                               agent(QStringLiteral("near-idle"), QStringLiteral("h5"), 0, 0.2)};
        shadow::AppFacts shop = app(QStringLiteral("shop"), QStringLiteral("p"), config::Criticality::High);
        shop.replicas = {{QStringLiteral("warm"), Tier::Warm}};
        shop.rttMs = {{QStringLiteral("same-host"), 0.05},
                      {QStringLiteral("warm"), 0.1},
                      {QStringLiteral("far"), 9.0},
                      {QStringLiteral("near-busy"), 0.5},
                      {QStringLiteral("near-idle"), 0.5}};
        auto placed = shadow::placeShadow(shop, agents, settings);
        QVERIFY(placed);
        QCOMPARE(placed->agent, QStringLiteral("near-idle")); // same-host excluded, warm holds a copy
        QCOMPARE(placed->priorTier, Tier::None);

        // Without fresh agents the warm replica is raised, and says so.
        const QList<shadow::AgentFacts> fewer{agents.at(0), agents.at(1), agents.at(2)};
        placed = shadow::placeShadow(shop, fewer, settings);
        QVERIFY(placed);
        QCOMPARE(placed->agent, QStringLiteral("warm"));
        QCOMPARE(placed->priorTier, Tier::Warm);
        QVERIFY(placed->why.contains(QStringLiteral("warm replica raised to hot")));

        // Room: an agent holding maxShadowsPerAgent shadows takes no more.
        settings.maxShadowsPerAgent = 1;
        QList<shadow::AgentFacts> full = fewer;
        full[2].shadowsHeld = 1;
        placed = shadow::placeShadow(shop, full, settings);
        QVERIFY(!placed);
        QCOMPARE(placed.error().code, ErrorCode::NotFound);
        QVERIFY2(placed.error().message.contains(QStringLiteral("primary's host h1")),
                 qPrintable(placed.error().message));
    }

    void roomIsSharedWithinOnePlan()
    {
        config::ShadowSettings settings;
        settings.maxShadowsPerAgent = 1;
        const QList<shadow::AgentFacts> agents{agent(QStringLiteral("a"), QStringLiteral("h1"), 0.8),
                                               agent(QStringLiteral("b"), QStringLiteral("h2")),
                                               agent(QStringLiteral("c"), QStringLiteral("h3"))};
        const QList<shadow::AppFacts> apps{app(QStringLiteral("x"), QStringLiteral("a"), config::Criticality::High),
                                           app(QStringLiteral("y"), QStringLiteral("a"), config::Criticality::High),
                                           app(QStringLiteral("z"), QStringLiteral("a"), config::Criticality::High)};
        const auto actions = shadow::planShadows(apps, agents, settings, 0);
        QCOMPARE(describe(actions), (QStringList{QStringLiteral("deploy x b"), QStringLiteral("deploy y c")}));
    }

    void unsettledOrOptedOutAppsAreNotShadowed()
    {
        const config::ShadowSettings settings;
        const QList<shadow::AgentFacts> agents{agent(QStringLiteral("a"), QStringLiteral("h1"), 0.8),
                                               agent(QStringLiteral("b"), QStringLiteral("h2"))};
        shadow::AppFacts failing = app(QStringLiteral("f"), QStringLiteral("a"), config::Criticality::Critical);
        failing.settled = false;
        shadow::AppFacts optedOut = app(QStringLiteral("o"), QStringLiteral("a"), config::Criticality::Critical);
        optedOut.policy.enabled = false;
        QVERIFY(shadow::planShadows({failing, optedOut}, agents, settings, 0).isEmpty());
        config::ShadowSettings off;
        off.enabled = false;
        QVERIFY(shadow::planShadows({app(QStringLiteral("x"), QStringLiteral("a"), config::Criticality::Critical)},
                                    agents,
                                    off,
                                    0)
                    .isEmpty());
    }

    void idlePredictedShadowsRetireOperatorOnesStay()
    {
        config::ShadowSettings settings;
        settings.retireIdleMs = 60'000;
        const QList<shadow::AgentFacts> agents{agent(QStringLiteral("a"), QStringLiteral("h1"), 0.1),
                                               agent(QStringLiteral("b"), QStringLiteral("h2"))};
        shadow::AppFacts predicted = app(QStringLiteral("p"), QStringLiteral("a"), config::Criticality::High);
        predicted.shadowAgent = QStringLiteral("b");
        predicted.calmSinceMs = 1000;
        shadow::AppFacts asked = predicted;
        asked.app = QStringLiteral("q");
        asked.origin = shadow::ShadowOrigin::Operator;
        QVERIFY(shadow::planShadows({predicted, asked}, agents, settings, 60'999).isEmpty());
        const auto actions = shadow::planShadows({predicted, asked}, agents, settings, 61'000);
        QCOMPARE(describe(actions), QStringList{QStringLiteral("retire p b")});
        QVERIFY(actions.at(0).why.contains(QStringLiteral("60 s")));
        // Not calm (risk back up): never retired for idleness.
        predicted.calmSinceMs = -1;
        QVERIFY(shadow::planShadows({predicted}, agents, settings, 1'000'000).isEmpty());
    }

    void aShadowOnAnAgentUnavailableForLongIsRetired()
    {
        const config::ShadowSettings settings;
        QList<shadow::AgentFacts> agents{agent(QStringLiteral("a"), QStringLiteral("h1"), 0.8),
                                         agent(QStringLiteral("b"), QStringLiteral("h2")),
                                         agent(QStringLiteral("c"), QStringLiteral("h3"))};
        agents[1].available = false;
        agents[1].unavailableForMs = shadow::kUnavailableShadowRetireMs - 1;
        shadow::AppFacts shop = app(QStringLiteral("shop"), QStringLiteral("a"), config::Criticality::High);
        shop.shadowAgent = QStringLiteral("b");
        QVERIFY2(shadow::planShadows({shop}, agents, settings, 0).isEmpty(), "a short silence is ridden out");
        agents[1].unavailableForMs = shadow::kUnavailableShadowRetireMs;
        const auto actions = shadow::planShadows({shop}, agents, settings, 0);
        QCOMPARE(describe(actions), QStringList{QStringLiteral("retire shop b")});
        QVERIFY(actions.at(0).why.contains(QStringLiteral("unavailable for 5 s")));
    }

    void swapsAutomaticallyOnlyWhenAllowedImminentAndCaughtUp()
    {
        const config::ShadowSettings settings;
        const QList<shadow::AgentFacts> agents{agent(QStringLiteral("a"), QStringLiteral("h1"), 0.93),
                                               agent(QStringLiteral("b"), QStringLiteral("h2"))};
        shadow::AppFacts shop = app(QStringLiteral("shop"), QStringLiteral("a"), config::Criticality::Critical);
        shop.shadowAgent = QStringLiteral("b");
        shop.discrepancy = caughtUp();
        QVERIFY2(shadow::planShadows({shop}, agents, settings, 0).isEmpty(), "auto-swap is off by default");

        shop.policy.autoSwap = true;
        auto actions = shadow::planShadows({shop}, agents, settings, 0);
        QCOMPARE(describe(actions), QStringList{QStringLiteral("swap shop b")});
        QVERIFY(actions.at(0).why.contains(QStringLiteral("0.93")));

        shadow::AppFacts tried = shop;
        tried.swapTried = true;
        QVERIFY(shadow::planShadows({tried}, agents, settings, 0).isEmpty());

        shadow::AppFacts behind = shop;
        behind.discrepancy.seqGap = 101; // over swapMaxLag 100
        QVERIFY(shadow::planShadows({behind}, agents, settings, 0).isEmpty());

        shadow::AppFacts differs = shop;
        differs.discrepancy.digestAgrees = false;
        QVERIFY(shadow::planShadows({differs}, agents, settings, 0).isEmpty());

        QList<shadow::AgentFacts> notImminent = agents;
        notImminent[0].risk = 0.89;
        QVERIFY(shadow::planShadows({shop}, notImminent, settings, 0).isEmpty());
    }

    void discrepancyDescribesItself()
    {
        shadow::Discrepancy d;
        QCOMPARE(d.describe(), QStringLiteral("not yet measured"));
        QVERIFY(!d.swappable(1'000'000));
        d.seqGap = 3;
        d.lagMs = 12;
        d.digestAgrees = true;
        QCOMPARE(d.describe(), QStringLiteral("3 writes behind (12 ms), digest agrees"));
        QVERIFY(d.swappable(3));
        QVERIFY(!d.swappable(2));
        QCOMPARE(d.toJson().value(QStringLiteral("seq-gap")).toInteger(), 3);
        // Unknown keys and bytes (an older agent) are left out of the text and the JSON.
        QVERIFY(!d.toJson().contains(QStringLiteral("keys-differing")));

        d.keysDiffering = 2;
        d.bytesDiffering = 180;
        QCOMPARE(d.describe(), QStringLiteral("3 writes behind (12 ms), 2 keys, 180 bytes, digest agrees"));
        QCOMPARE(d.toJson().value(QStringLiteral("keys-differing")).toInteger(), 2);
        QCOMPARE(d.toJson().value(QStringLiteral("bytes-differing")).toInteger(), 180);
        QCOMPARE(d.toJson().value(QStringLiteral("differing-partial")).toBool(), false);
        d.keysDiffering = 1;
        d.differingPartial = true;
        QCOMPARE(d.describe(),
                 QStringLiteral("3 writes behind (12 ms), at least 1 key, at least 180 bytes, digest agrees"));
        d.seqGap = 0;
        d.keysDiffering = 0;
        d.bytesDiffering = 0;
        d.differingPartial = false;
        QCOMPARE(d.describe(), QStringLiteral("caught up, digest agrees"));
    }
};

QTEST_GUILESS_MAIN(TestShadowPlanner)
#include "tst_shadowplanner.moc"
