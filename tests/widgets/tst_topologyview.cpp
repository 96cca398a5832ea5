// TopologyScene and TopologyView from synthetic snapshots: one node per agent and one edge per
// replica, tier colours and link states, node states through the query API (not pixels), items
// reused and positions kept across snapshots, removal, zoom, fit, activation, and a 200-host
// cluster built, updated and rendered; the staleness band under a link from its replica's worst
// partition against tolerance (issue 20), with its tooltip line.

#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>

#include "models/staleness.h"
#include "partitionsnapshots.h"
#include "topology/linkitem.h"
#include "topology/topologyscene.h"
#include "topology/topologyview.h"

using namespace foresight;
using foresight::widgets::Staleness;
using foresight::widgets::StalenessLevel;
using foresight::widgets::TopologyScene;
using foresight::widgets::TopologyView;
using foresight::widgets::Internal::LinkItem;
using foresight::widgets::Internal::linkStalenessColor;
using NodeState = TopologyScene::NodeState;
using LinkState = TopologyScene::LinkState;

Q_DECLARE_METATYPE(foresight::widgets::TopologyScene::NodeState)

namespace {

failover::AgentView agent(const QString &name, const QString &host = {})
{
    failover::AgentView view;
    view.name = name;
    view.host = host.isEmpty() ? name : host;
    view.heard = true;
    view.heardMsAgo = 40;
    return view;
}

failover::ReplicaView replica(const QString &agent, Tier tier, quint64 lag = 0, bool connected = true)
{
    failover::ReplicaView view;
    view.agent = agent;
    view.tier = tier;
    view.lag = lag;
    view.connected = connected;
    view.rttMs = 0.4;
    return view;
}

failover::AppView app(const QString &name, const QString &primary, QList<failover::ReplicaView> replicas)
{
    failover::AppView view;
    view.name = name;
    view.primary = primary;
    view.writable = true;
    view.phase = failover::AppPhase::Healthy;
    view.replicas = std::move(replicas);
    return view;
}

std::shared_ptr<const failover::ClusterSnapshot> snapshot(QList<failover::AgentView> agents,
                                                          QList<failover::AppView> apps)
{
    auto s = std::make_shared<failover::ClusterSnapshot>();
    s->clusterName = QStringLiteral("test");
    s->agents = std::move(agents);
    s->apps = std::move(apps);
    return s;
}

const QString kA = QStringLiteral("a");
const QString kB = QStringLiteral("b");
const QString kC = QStringLiteral("c");
const QString kShop = QStringLiteral("shop");
const QString kBlog = QStringLiteral("blog");

// a primary of shop (b hot, c cold), b primary of blog (a warm).
std::shared_ptr<const failover::ClusterSnapshot> threeAgents(quint64 shopHotLag = 0)
{
    return snapshot({agent(kA), agent(kB), agent(kC)},
                    {app(kShop, kA, {replica(kB, Tier::Hot, shopHotLag), replica(kC, Tier::Cold)}),
                     app(kBlog, kB, {replica(kA, Tier::Warm)})});
}

// hosts hosts, one agent each ("agent-001" on "host-001"); apps applications, each with a primary
// and three replicas (hot, warm, cold) on the following hosts.
std::shared_ptr<const failover::ClusterSnapshot> bigCluster(int hosts, int apps, quint64 lagSeed)
{
    QList<failover::AgentView> agents;
    for (int i = 0; i < hosts; ++i) {
        const QString number = QStringLiteral("%1").arg(i + 1, 3, 10, QLatin1Char('0'));
        agents.append(agent(QStringLiteral("agent-") + number, QStringLiteral("host-") + number));
    }
    agents[7].suspected = true;
    agents[9].heard = false;
    QList<failover::AppView> views;
    for (int i = 0; i < apps; ++i) {
        const auto on = [&](int offset) { return agents[(i * 2 + offset) % hosts].name; };
        views.append(app(QStringLiteral("app-%1").arg(i),
                         on(0),
                         {replica(on(1), Tier::Hot, (lagSeed * 7 + quint64(i)) % 1500),
                          replica(on(2), Tier::Warm, lagSeed + quint64(i)),
                          replica(on(3), Tier::Cold, 10, (i + int(lagSeed)) % 11 != 0)}));
    }
    return snapshot(agents, views);
}

// foresight::testing::shopApp() with its replica links connected, drawn plainly.
failover::AppView connectedShop(qint64 charlieCriticalMs = 400, bool withPartitions = true)
{
    failover::AppView view = foresight::testing::shopApp(charlieCriticalMs, withPartitions);
    for (failover::ReplicaView &replica : view.replicas)
        replica.connected = true;
    return view;
}

QColor penColour(const TopologyScene &scene, const QString &app, const QString &agent)
{
    const QGraphicsPathItem *edge = scene.edge(app, agent);
    return edge ? edge->pen().color() : QColor();
}

} // namespace

class TestTopologyView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nodesAndEdges()
    {
        TopologyScene scene;
        scene.setSnapshot(threeAgents());
        QCOMPARE(scene.nodeCount(), 3);
        QCOMPARE(scene.edgeCount(), 3);
        QVERIFY(scene.node(kA));
        QVERIFY(scene.edge(kShop, kB));
        QVERIFY(scene.edge(kShop, kC));
        QVERIFY(scene.edge(kBlog, kA));
        QVERIFY(!scene.edge(kBlog, kC));
        QCOMPARE(scene.primaryOf(kA), QStringList{kShop});
        QCOMPARE(scene.primaryOf(kB), QStringList{kBlog});
        QVERIFY(scene.primaryOf(kC).isEmpty());
        QVERIFY(scene.node(kA)->toolTip().contains(kShop));

        // Item data names what each item is.
        QCOMPARE(scene.node(kB)->data(TopologyScene::KindKey).toInt(), int(TopologyScene::NodeKind));
        QCOMPARE(scene.node(kB)->data(TopologyScene::AgentKey).toString(), kB);
        const QGraphicsPathItem *edge = scene.edge(kShop, kC);
        QCOMPARE(edge->data(TopologyScene::KindKey).toInt(), int(TopologyScene::EdgeKind));
        QCOMPARE(edge->data(TopologyScene::AppKey).toString(), kShop);
        QCOMPARE(edge->data(TopologyScene::AgentKey).toString(), kC);
        QVERIFY(scene.toolTipOf(edge).contains(QStringLiteral("cold")));
        QVERIFY(scene.toolTipOf(edge).contains(QStringLiteral("0.40 ms")));

        // The edge ends at the primary: its last point is nearer a's node than c's.
        const QPointF end = edge->path().currentPosition();
        QVERIFY(QLineF(end, scene.node(kA)->pos()).length() < QLineF(end, scene.node(kC)->pos()).length());

        // Nodes do not overlap, and agentAt finds them.
        QVERIFY(!scene.node(kA)->sceneBoundingRect().intersects(scene.node(kB)->sceneBoundingRect()));
        QCOMPARE(scene.agentAt(scene.node(kC)->pos()), kC);
        QCOMPARE(scene.agentAt(QPointF(0, 0)), QString()); // the circle's empty centre
    }

    void edgesWithoutEndsAreSkipped()
    {
        TopologyScene scene;
        failover::AppView orphan = app(QStringLiteral("orphan"), QString(), {replica(kB, Tier::Hot)});
        failover::AppView stranger = app(QStringLiteral("stranger"), kA, {replica(QStringLiteral("zz"), Tier::Hot)});
        scene.setSnapshot(snapshot({agent(kA), agent(kB)}, {orphan, stranger}));
        QCOMPARE(scene.nodeCount(), 2);
        QCOMPARE(scene.edgeCount(), 0);
    }

    void tiersHaveTheirOwnColours()
    {
        TopologyScene scene;
        scene.setSnapshot(threeAgents());
        const QColor hot = penColour(scene, kShop, kB);
        const QColor warm = penColour(scene, kBlog, kA);
        const QColor cold = penColour(scene, kShop, kC);
        QCOMPARE(hot, TopologyScene::tierColor(Tier::Hot));
        QCOMPARE(warm, TopologyScene::tierColor(Tier::Warm));
        QCOMPARE(cold, TopologyScene::tierColor(Tier::Cold));
        QVERIFY(hot != warm);
        QVERIFY(warm != cold);
        QVERIFY(hot != cold);
        QVERIFY(hot != TopologyScene::brokenLinkColor());
    }

    void linkStates_data()
    {
        QTest::addColumn<quint64>("lag");
        QTest::addColumn<bool>("connected");
        QTest::addColumn<bool>("integrityOk");
        QTest::addColumn<int>("state");
        QTest::newRow("ok") << quint64(999) << true << true << int(LinkState::Ok);
        QTest::newRow("lagging") << TopologyScene::kLaggingSeqs << true << true << int(LinkState::Lagging);
        QTest::newRow("disconnected") << quint64(0) << false << true << int(LinkState::Disconnected);
        QTest::newRow("disconnected outranks lag") << quint64(5000) << false << true << int(LinkState::Disconnected);
        QTest::newRow("mismatch") << quint64(0) << true << false << int(LinkState::Mismatch);
    }
    void linkStates()
    {
        QFETCH(quint64, lag);
        QFETCH(bool, connected);
        QFETCH(bool, integrityOk);
        QFETCH(int, state);
        failover::ReplicaView view = replica(kB, Tier::Hot, lag, connected);
        view.integrityOk = integrityOk;
        TopologyScene scene;
        scene.setSnapshot(snapshot({agent(kA), agent(kB)}, {app(kShop, kA, {view})}));
        QCOMPARE(int(scene.linkState(kShop, kB).value()), state);
        const QGraphicsPathItem *edge = scene.edge(kShop, kB);
        QCOMPARE(edge->data(TopologyScene::StateKey).toInt(), state);
        const QPen pen = edge->pen();
        switch (LinkState(state)) {
        case LinkState::Ok:
            QCOMPARE(pen.style(), Qt::SolidLine);
            QCOMPARE(pen.color(), TopologyScene::tierColor(Tier::Hot));
            QCOMPARE(pen.widthF(), 2.0);
            break;
        case LinkState::Lagging:
            QCOMPARE(pen.color(), TopologyScene::tierColor(Tier::Hot)); // still says the tier
            QVERIFY(pen.widthF() > 2.0);
            break;
        case LinkState::Disconnected:
        case LinkState::Mismatch:
            QCOMPARE(pen.color(), TopologyScene::brokenLinkColor());
            QVERIFY(pen.style() != Qt::SolidLine);
            QVERIFY(scene.toolTipOf(edge).contains(TopologyScene::linkStateName(LinkState(state))));
            break;
        }
    }

    void nodeStates_data()
    {
        QTest::addColumn<bool>("heard");
        QTest::addColumn<bool>("suspected");
        QTest::addColumn<bool>("maintenance");
        QTest::addColumn<QString>("error");
        QTest::addColumn<NodeState>("state");
        QTest::newRow("healthy") << true << false << false << QString() << NodeState::Healthy;
        QTest::newRow("suspected") << true << true << false << QString() << NodeState::Suspected;
        QTest::newRow("never heard") << false << false << false << QString() << NodeState::NeverHeard;
        QTest::newRow("maintenance") << true << false << true << QString() << NodeState::Maintenance;
        QTest::newRow("unwatchable") << true << false << false << QStringLiteral("bad key") << NodeState::Unwatchable;
        QTest::newRow("suspected outranks maintenance") << true << true << true << QString() << NodeState::Suspected;
    }
    void nodeStates()
    {
        QFETCH(bool, heard);
        QFETCH(bool, suspected);
        QFETCH(bool, maintenance);
        QFETCH(QString, error);
        QFETCH(NodeState, state);
        failover::AgentView view = agent(kB);
        view.heard = heard;
        view.suspected = suspected;
        view.maintenance = maintenance;
        view.error = error;
        TopologyScene scene;
        scene.setSnapshot(snapshot({agent(kA), view}, {app(kShop, kA, {replica(kB, Tier::Hot)})}));
        QCOMPARE(scene.nodeState(kB), std::optional(state));
        QCOMPARE(scene.nodeState(kA), std::optional(NodeState::Healthy));
        const QGraphicsItem *node = scene.node(kB);
        QCOMPARE(node->data(TopologyScene::StateKey).toInt(), int(state));
        QVERIFY(node->toolTip().contains(TopologyScene::nodeStateName(state)));
        if (state == NodeState::Suspected) {
            QVERIFY(node->toolTip().contains(QStringLiteral("SUSPECTED")));
            QVERIFY(node->zValue() > scene.node(kA)->zValue()); // never hidden under a neighbour
        }
        if (!error.isEmpty())
            QVERIFY(node->toolTip().contains(error));
        QVERIFY(!scene.nodeState(QStringLiteral("nobody")).has_value());
    }

    void itemsAreReusedAndStayPut()
    {
        TopologyScene scene;
        QSignalSpy layout(&scene, &TopologyScene::layoutChanged);
        scene.setSnapshot(threeAgents());
        QCOMPARE(layout.count(), 1);
        QGraphicsItem *nodeA = scene.node(kA);
        QGraphicsItem *nodeB = scene.node(kB);
        QGraphicsPathItem *hot = scene.edge(kShop, kB);
        const QPointF posA = nodeA->pos();
        const QPointF posB = nodeB->pos();
        const QPainterPath path = hot->path();
        const int items = int(scene.items().size());

        // b lags and is suspected: the same items change in place.
        auto next = std::make_shared<failover::ClusterSnapshot>(*threeAgents(4000));
        next->agents[1].suspected = true;
        scene.setSnapshot(next);
        QCOMPARE(layout.count(), 1); // nothing moved
        QCOMPARE(scene.node(kA), nodeA);
        QCOMPARE(scene.node(kB), nodeB);
        QCOMPARE(scene.edge(kShop, kB), hot);
        QCOMPARE(nodeA->pos(), posA);
        QCOMPARE(nodeB->pos(), posB);
        QCOMPARE(hot->path(), path);
        QCOMPARE(int(scene.items().size()), items);
        QCOMPARE(scene.linkState(kShop, kB), std::optional(LinkState::Lagging));
        QCOMPARE(scene.nodeState(kB), std::optional(NodeState::Suspected));
        QVERIFY(scene.toolTipOf(hot).contains(QStringLiteral("4000")));

        // The agents listed in another order land in the same places.
        auto shuffled = std::make_shared<failover::ClusterSnapshot>(*threeAgents());
        std::reverse(shuffled->agents.begin(), shuffled->agents.end());
        TopologyScene other;
        other.setSnapshot(shuffled);
        for (const QString &name : {kA, kB, kC})
            QCOMPARE(other.node(name)->pos(), scene.node(name)->pos());
    }

    // Most snapshots list the same agents and copies as the last one, and the scene then only
    // restyles; a change of primary, tier or host in an otherwise equal snapshot still shows.
    void whatANodeIsFollowsEverySnapshot()
    {
        const failover::AppView solo = app(QStringLiteral("solo"), kC, {}); // no replicas: no link to notice it by
        auto first = std::make_shared<failover::ClusterSnapshot>(*threeAgents());
        first->apps.append(solo);
        TopologyScene scene;
        scene.setSnapshot(first);
        QCOMPARE(scene.primaryOf(kC), QStringList{QStringLiteral("solo")});

        auto moved = std::make_shared<failover::ClusterSnapshot>(*first);
        moved->apps[2].primary = kA;
        scene.setSnapshot(moved);
        QCOMPARE(scene.primaryOf(kA), (QStringList{kShop, QStringLiteral("solo")}));
        QVERIFY(scene.primaryOf(kC).isEmpty());

        auto retiered = std::make_shared<failover::ClusterSnapshot>(*moved);
        retiered->apps[0].replicas[0].tier = Tier::Warm; // shop's copy on b
        scene.setSnapshot(retiered);
        QVERIFY2(scene.node(kB)->toolTip().contains(QStringLiteral("shop (%1)").arg(tierName(Tier::Warm))),
                 qPrintable(scene.node(kB)->toolTip()));

        auto rehosted = std::make_shared<failover::ClusterSnapshot>(*retiered);
        rehosted->agents[2].host = QStringLiteral("h9");
        scene.setSnapshot(rehosted);
        QVERIFY2(scene.node(kC)->toolTip().contains(QStringLiteral("h9")), qPrintable(scene.node(kC)->toolTip()));
        QCOMPARE(scene.nodeState(kC), std::optional(NodeState::Healthy));
    }

    void removalRemovesNodesAndTheirEdges()
    {
        TopologyScene scene;
        scene.setSnapshot(threeAgents());
        QGraphicsItem *nodeA = scene.node(kA);
        QSignalSpy layout(&scene, &TopologyScene::layoutChanged);

        // c leaves the cluster (and so shop's cold replica on it).
        scene.setSnapshot(
            snapshot({agent(kA), agent(kB)},
                     {app(kShop, kA, {replica(kB, Tier::Hot)}), app(kBlog, kB, {replica(kA, Tier::Warm)})}));
        QCOMPARE(layout.count(), 1);
        QCOMPARE(scene.nodeCount(), 2);
        QCOMPARE(scene.edgeCount(), 2);
        QVERIFY(!scene.node(kC));
        QVERIFY(!scene.edge(kShop, kC));
        QVERIFY(!scene.nodeState(kC).has_value());
        QCOMPARE(scene.node(kA), nodeA);
        QCOMPARE(int(scene.items().size()), 4 + 1); // and the item that draws all links when zoomed far out

        // An agent listed without its edges' agents: the edges go with the node.
        scene.setSnapshot(snapshot({agent(kB)}, {app(kShop, kA, {replica(kB, Tier::Hot)})}));
        QCOMPARE(scene.nodeCount(), 1);
        QCOMPARE(scene.edgeCount(), 0);

        scene.setSnapshot(nullptr);
        QCOMPARE(scene.nodeCount(), 0);
        QCOMPARE(scene.edgeCount(), 0);
        QCOMPARE(int(scene.items().size()), 1); // only the item that draws all links when far out
        QVERIFY(scene.contentsRect().isEmpty());
    }

    void hostsStayTogether()
    {
        // Past the circle's size the grid keeps a host's agents side by side in one frame.
        QList<failover::AgentView> agents;
        for (int i = 1; i <= 20; ++i)
            agents.append(agent(QStringLiteral("solo-%1").arg(i)));
        for (const QString &name : {QStringLiteral("db-1"), QStringLiteral("db-2"), QStringLiteral("db-3")})
            agents.append(agent(name, QStringLiteral("shared")));
        TopologyScene scene;
        scene.setSnapshot(snapshot(agents, {}));
        QCOMPARE(scene.nodeCount(), 23);
        const QPointF first = scene.node(QStringLiteral("db-1"))->pos();
        const QPointF second = scene.node(QStringLiteral("db-2"))->pos();
        const QPointF third = scene.node(QStringLiteral("db-3"))->pos();
        QCOMPARE(first.y(), second.y());
        QCOMPARE(second.y(), third.y());
        QVERIFY(first.x() < second.x() && second.x() < third.x());
        QCOMPARE(scene.hostFrameCount(), 1);
        const QGraphicsRectItem *frame = scene.hostFrame(QStringLiteral("shared"));
        QVERIFY(frame);
        QVERIFY(frame->rect().contains(scene.node(QStringLiteral("db-2"))->pos()));
        // Natural order: solo-2 before solo-10.
        const QPointF two = scene.node(QStringLiteral("solo-2"))->pos();
        const QPointF ten = scene.node(QStringLiteral("solo-10"))->pos();
        QVERIFY(two.y() < ten.y() || (two.y() == ten.y() && two.x() < ten.x()));
    }

    void viewZoomsPansAndFits()
    {
        TopologyView view;
        QVERIFY(!view.accessibleName().isEmpty());
        view.resize(800, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setSnapshot(bigCluster(200, 100, 1));
        QVERIFY(view.autoFit());
        const auto contentsFit = [&view] {
            const QRect mapped = view.mapFromScene(view.topologyScene()->contentsRect()).boundingRect();
            return view.viewport()->rect().contains(mapped);
        };
        QVERIFY(contentsFit());
        QVERIFY(view.zoom() < 1);

        QSignalSpy zoomed(&view, &TopologyView::zoomChanged);
        const qreal fitted = view.zoom();
        QTest::keyClick(&view, Qt::Key_Plus);
        QVERIFY(view.zoom() > fitted);
        QVERIFY(!view.autoFit());
        QVERIFY(!contentsFit());
        QTest::keyClick(&view, Qt::Key_Minus);
        QTest::keyClick(&view, Qt::Key_Minus);
        QVERIFY(view.zoom() < fitted);
        QCOMPARE(zoomed.count(), 3);

        // Ctrl+wheel zooms in.
        const qreal before = view.zoom();
        const QPointF centre = view.viewport()->rect().center();
        QWheelEvent wheel(centre,
                          view.viewport()->mapToGlobal(centre),
                          {},
                          QPoint(0, 120),
                          Qt::NoButton,
                          Qt::ControlModifier,
                          Qt::NoScrollPhase,
                          false);
        QCoreApplication::sendEvent(view.viewport(), &wheel);
        QVERIFY(view.zoom() > before);

        view.setZoom(1000);
        QCOMPARE(view.zoom(), TopologyView::kMaxZoom);
        view.setZoom(0);
        QCOMPARE(view.zoom(), TopologyView::kMinZoom);

        QTest::keyClick(&view, Qt::Key_F);
        QVERIFY(view.autoFit());
        QVERIFY(contentsFit());
        view.setZoom(2);
        view.fitToContents();
        QVERIFY(contentsFit());

        // A small cluster is not magnified past 1:1.
        view.setSnapshot(threeAgents());
        QVERIFY(contentsFit());
        QCOMPARE(view.zoom(), TopologyView::kMaxFitZoom);
    }

    void doubleClickActivatesTheAgent()
    {
        TopologyView view;
        view.resize(800, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setSnapshot(threeAgents());
        QSignalSpy activated(&view, &TopologyView::agentActivated);
        const QPoint onB = view.mapFromScene(view.topologyScene()->node(kB)->pos());
        QTest::mouseDClick(view.viewport(), Qt::LeftButton, {}, onB);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), kB);

        // On the background: nothing.
        const QPointF centre = view.mapFromScene(QPointF(0, 0));
        QMouseEvent background(QEvent::MouseButtonDblClick,
                               centre,
                               view.viewport()->mapToGlobal(centre),
                               Qt::LeftButton,
                               Qt::LeftButton,
                               Qt::NoModifier);
        QCoreApplication::sendEvent(view.viewport(), &background);
        QCOMPARE(activated.count(), 1);

        // Enter on the selected node.
        view.topologyScene()->node(kC)->setSelected(true);
        QTest::keyClick(&view, Qt::Key_Return);
        QCOMPARE(activated.count(), 2);
        QCOMPARE(activated.at(1).at(0).toString(), kC);
    }

    void twoHundredHosts()
    {
        TopologyView view;
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        TopologyScene *scene = view.topologyScene();
        view.setSnapshot(bigCluster(200, 100, 1));
        QCOMPARE(scene->nodeCount(), 200);
        QCOMPARE(scene->edgeCount(), 300);
        QCOMPARE(scene->nodeState(QStringLiteral("agent-008")), std::optional(NodeState::Suspected));
        QCOMPARE(scene->nodeState(QStringLiteral("agent-010")), std::optional(NodeState::NeverHeard));
        QCOMPARE(scene->primaryOf(QStringLiteral("agent-001")).size(), 1);

        // No two nodes overlap.
        QList<QRectF> rects;
        for (int i = 1; i <= 200; ++i) {
            const QString name = QStringLiteral("agent-%1").arg(i, 3, 10, QLatin1Char('0'));
            rects.append(scene->node(name)->sceneBoundingRect());
        }
        for (qsizetype i = 0; i < rects.size(); ++i) {
            for (qsizetype j = i + 1; j < rects.size(); ++j)
                QVERIFY2(!rects[i].intersects(rects[j]), qPrintable(QStringLiteral("%1 and %2").arg(i).arg(j)));
        }

        QHash<QString, QGraphicsItem *> before;
        for (int i = 1; i <= 200; ++i) {
            const QString name = QStringLiteral("agent-%1").arg(i, 3, 10, QLatin1Char('0'));
            before.insert(name, scene->node(name));
        }
        QGraphicsPathItem *edge = scene->edge(QStringLiteral("app-0"), QStringLiteral("agent-002"));
        for (quint64 round = 2; round < 30; ++round) {
            view.setSnapshot(bigCluster(200, 100, round));
            QCOMPARE(scene->nodeCount(), 200);
            QCOMPARE(scene->edgeCount(), 300);
        }
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            QCOMPARE(scene->node(it.key()), it.value());
        QCOMPARE(scene->edge(QStringLiteral("app-0"), QStringLiteral("agent-002")), edge);
        QCOMPARE(int(scene->items().size()), 200 + 300 + 0 + 1); // one agent per host: no frames; the links' batch
        // Zoomed far out, the links' own items are hidden and drawn at once; back near, they show.
        view.setZoom(TopologyScene::kFarZoom / 2);
        QVERIFY(scene->farView());
        int visibleEdges = 0;
        for (QGraphicsItem *item : scene->items())
            visibleEdges += item->data(TopologyScene::KindKey).toInt() == TopologyScene::EdgeKind && item->isVisible();
        QCOMPARE(visibleEdges, 0);
        view.setZoom(1);
        QVERIFY(!scene->farView());
        visibleEdges = 0;
        for (QGraphicsItem *item : scene->items())
            visibleEdges += item->data(TopologyScene::KindKey).toInt() == TopologyScene::EdgeKind && item->isVisible();
        QCOMPARE(visibleEdges, 300);

        // Rendered fitted (blocks) and zoomed in (labels).
        QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            view.render(&painter);
        }
        view.setZoom(1.5);
        view.centerOn(scene->node(QStringLiteral("agent-008")));
        {
            QPainter painter(&image);
            view.render(&painter);
        }
        QVERIFY(!view.grab().isNull());
    }

    void rendersEveryState()
    {
        // Every node and link state, the empty view and a null snapshot, painted near and far.
        TopologyView view;
        view.resize(640, 480);
        QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
        const auto render = [&] {
            image.fill(Qt::black);
            QPainter painter(&image);
            view.render(&painter);
        };
        render(); // no snapshot
        view.setSnapshot(snapshot({}, {}));
        render();
        QList<failover::AgentView> agents{agent(kA),
                                          agent(kB),
                                          agent(kC),
                                          agent(QStringLiteral("d"), QStringLiteral("far-host"))};
        agents[1].suspected = true;
        agents[2].heard = false;
        agents[3].maintenance = true;
        agents[3].error = QStringLiteral("subscription refused");
        failover::ReplicaView broken = replica(kC, Tier::Cold, 0, true);
        broken.integrityOk = false;
        broken.integrityNote = QStringLiteral("digest differs at seq 10");
        view.setSnapshot(
            snapshot(agents,
                     {app(kShop, kA, {replica(kB, Tier::Hot, 5000), broken}),
                      app(kBlog, kA, {replica(kB, Tier::Warm, 0, false), replica(QStringLiteral("d"), Tier::None)})}));
        QCOMPARE(view.topologyScene()->primaryOf(kA), (QStringList{kBlog, kShop}));
        QCOMPARE(view.topologyScene()->nodeState(QStringLiteral("d")), std::optional(NodeState::Unwatchable));
        render();
        view.topologyScene()->node(kB)->setSelected(true);
        view.setZoom(0.1);
        render();
        view.setLegendVisible(false);
        QVERIFY(!view.legendVisible());
        view.setZoom(4);
        render();
        view.setSnapshot(nullptr);
        render();
    }

    void linkBandsFollowTheLevel()
    {
        // No level, no band; within, over and far over each a colour of its own, stronger with
        // the level, in the theme's state colours.
        QVERIFY(!linkStalenessColor(std::nullopt).isValid());
        const QColor within = linkStalenessColor(StalenessLevel::Within);
        const QColor over = linkStalenessColor(StalenessLevel::Over);
        const QColor far = linkStalenessColor(StalenessLevel::FarOver);
        QCOMPARE(linkStalenessColor(StalenessLevel::Current), within);
        QVERIFY(within.rgb() != over.rgb());
        QVERIFY(over.rgb() != far.rgb());
        QVERIFY(within.alpha() < over.alpha());
        QVERIFY(over.alpha() < far.alpha());
        QVERIFY(far.alpha() < 255); // a tint: the tier's colour stays readable on top
        QCOMPARE(over.rgb(), Staleness::levelColor(StalenessLevel::Over).rgb());
        QCOMPARE(far.rgb(), Staleness::levelColor(StalenessLevel::FarOver).rgb());
    }

    void linksTakeTheirReplicasWorstPartition()
    {
        TopologyScene scene;
        // Without partitions: the links look as they always did, and the tooltip says nothing of it.
        scene.setSnapshot(foresight::testing::snapshotOf({connectedShop(0, false)}));
        const auto *charlie = dynamic_cast<const LinkItem *>(
            scene.edge(QStringLiteral("shop"), QStringLiteral("charlie")));
        QVERIFY(charlie);
        QVERIFY(!scene.linkStaleness(QStringLiteral("shop"), QStringLiteral("charlie")));
        QVERIFY(!charlie->staleness());
        const QRectF plain = charlie->boundingRect();
        QVERIFY(!scene.toolTipOf(charlie).contains(QStringLiteral("Staleness")));

        // Reported: charlie's worst is the cold critical partition, 3 s of 1 s; bravo is within.
        scene.setSnapshot(foresight::testing::snapshotOf({connectedShop(400)}, foresight::testing::kStartMs + 100));
        QCOMPARE(scene.linkStaleness(QStringLiteral("shop"), QStringLiteral("charlie")), StalenessLevel::Over);
        QCOMPARE(charlie->staleness(), StalenessLevel::Over);
        QVERIFY(charlie->boundingRect().contains(plain)); // the band widens it
        QCOMPARE(scene.linkStaleness(QStringLiteral("shop"), QStringLiteral("bravo")), StalenessLevel::Within);
        QVERIFY2(
            scene.toolTipOf(charlie).contains(QStringLiteral(
                "Staleness: worst partition cold · critical, 3.0 s behind, 1.0 s tolerated (3.0×): over tolerance")),
            qPrintable(scene.toolTipOf(charlie)));
        // The pen still says the tier.
        QCOMPARE(charlie->pen().color(), TopologyScene::tierColor(Tier::Warm));

        // Partition 1 falls far behind (15 s of 1 s): the link follows.
        scene.setSnapshot(foresight::testing::snapshotOf({connectedShop(15'000)}, foresight::testing::kStartMs + 200));
        QCOMPARE(charlie->staleness(), StalenessLevel::FarOver);
        QVERIFY(scene.toolTipOf(charlie).contains(
            QStringLiteral("worst partition 1, %1 behind").arg(Staleness::durationText(15'000))));

        // A replica that holds no partition has no band, and its tooltip says why.
        failover::AppView none = connectedShop();
        for (failover::PartitionView &p : none.partitions->list)
            p.replicas.last().held = false;
        scene.setSnapshot(foresight::testing::snapshotOf({none}, foresight::testing::kStartMs + 300));
        QVERIFY(!charlie->staleness());
        QVERIFY(scene.toolTipOf(charlie).contains(QStringLiteral("holds none of the partitions")));

        // Zoomed far out and back: the band is restored with the rest of the link's style.
        scene.setSnapshot(foresight::testing::snapshotOf({connectedShop(400)}, foresight::testing::kStartMs + 400));
        scene.setFarView(true);
        scene.setSnapshot(foresight::testing::snapshotOf({connectedShop(15'000)}, foresight::testing::kStartMs + 500));
        scene.setFarView(false);
        QCOMPARE(charlie->staleness(), StalenessLevel::FarOver);
    }
};

QTEST_MAIN(TestTopologyView)
#include "tst_topologyview.moc"
