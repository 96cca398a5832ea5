#include "topology/topologyscene.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QGraphicsSceneHelpEvent>
#include <QGraphicsSimpleTextItem>
#include <QLocale>
#include <QPen>
#include <QSet>
#include <QToolTip>

#include "topology/farlinksitem.h"
#include "topology/linkitem.h"
#include "topology/nodeitem.h"

namespace foresight::widgets {

using Internal::FarLinksItem;
using Internal::kNodeRect;
using Internal::LinkItem;
using Internal::NodeFacts;
using Internal::NodeItem;

namespace {

// The layout, in scene units (pixels at zoom 1).
constexpr qreal kCellWidth = 190; // grid pitch
constexpr qreal kCellHeight = 110;
constexpr qreal kAspect = 1.6; // the grid's target width : height, a typical dock
constexpr qreal kSceneMargin = 40;

// "host2" before "host10": operators number their machines.
int naturalCompare(const QString &a, const QString &b)
{
    const auto isDigit = [](QChar c) { return c >= u'0' && c <= u'9'; };
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (isDigit(a[i]) && isDigit(b[j])) {
            qsizetype iEnd = i, jEnd = j;
            while (iEnd < a.size() && isDigit(a[iEnd]))
                ++iEnd;
            while (jEnd < b.size() && isDigit(b[jEnd]))
                ++jEnd;
            QStringView da = QStringView(a).sliced(i, iEnd - i);
            QStringView db = QStringView(b).sliced(j, jEnd - j);
            while (da.size() > 1 && da.front() == u'0')
                da = da.sliced(1);
            while (db.size() > 1 && db.front() == u'0')
                db = db.sliced(1);
            if (da.size() != db.size())
                return da.size() < db.size() ? -1 : 1;
            if (const int c = da.compare(db))
                return c;
            i = iEnd;
            j = jEnd;
            continue;
        }
        if (a[i] != b[j])
            return a[i] < b[j] ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size() || j < b.size())
        return i < a.size() ? 1 : -1;
    return a.compare(b);
}

QString hostOf(const failover::AgentView &agent)
{
    return agent.host.isEmpty() ? agent.name : agent.host;
}

} // namespace

TopologyScene::TopologyScene(QObject *parent)
    : QGraphicsScene(parent)
{
    setObjectName(QStringLiteral("topologyScene"));
    // No index: with one, every frame walked a BSP tree of all items, hidden links included, for
    // a scene that is usually drawn whole (fitted, zoomed out): a seventh of a far frame at 500
    // hosts (foresight-bench gui). Hit tests (a pointer, a tooltip) go through the items one by
    // one instead, fast enough at 2,500.
    setItemIndexMethod(NoIndex);
    setSceneRect(QRectF(-200, -150, 400, 300));
    m_farLinks = new FarLinksItem;
    addItem(m_farLinks);
}

TopologyScene::~TopologyScene() = default;

void TopologyScene::setFarView(bool far)
{
    if (far == m_far)
        return;
    m_far = far;
    for (const Edge &edge : std::as_const(m_edges)) {
        if (!far)
            styleLinkItem(edge); // snapshots taken while far left it as it was
        edge.item->setVisible(!far);
    }
    if (far)
        updateFarLinks();
    m_farLinks->setActive(far);
}

QColor TopologyScene::tierColor(Tier tier)
{
    switch (tier) {
    case Tier::Hot:
        return QColor(0xe8, 0x71, 0x0a); // orange
    case Tier::Warm:
        return QColor(0xb0, 0x8f, 0x00); // mustard
    case Tier::Cold:
        return QColor(0x1a, 0x73, 0xe8); // blue
    case Tier::None:
        break;
    }
    return QColor(0x9e, 0x9e, 0x9e);
}

QColor TopologyScene::brokenLinkColor()
{
    return QColor(0xd5, 0x00, 0x00);
}

QColor TopologyScene::shadowLinkColor()
{
    return QColor(0x8e, 0x24, 0xaa); // violet: apart from the tiers' colours and the broken red
}

QColor TopologyScene::nodeStateColor(NodeState state)
{
    return Internal::nodeStateFarColor(state);
}

QString TopologyScene::nodeStateName(NodeState state)
{
    switch (state) {
    case NodeState::Healthy:
        return tr("healthy");
    case NodeState::Maintenance:
        return tr("maintenance");
    case NodeState::Unwatchable:
        return tr("cannot watch");
    case NodeState::NeverHeard:
        return tr("never heard");
    case NodeState::Suspected:
        return tr("SUSPECTED");
    }
    return {};
}

QString TopologyScene::linkStateName(LinkState state)
{
    switch (state) {
    case LinkState::Ok:
        return tr("ok");
    case LinkState::Lagging:
        return tr("lagging");
    case LinkState::Disconnected:
        return tr("disconnected");
    case LinkState::Mismatch:
        return tr("integrity mismatch");
    }
    return {};
}

QGraphicsItem *TopologyScene::node(const QString &agent) const
{
    return m_nodes.value(agent);
}

QGraphicsPathItem *TopologyScene::edge(const QString &app, const QString &agent) const
{
    const auto it = m_edges.constFind({app, agent});
    if (it == m_edges.cend())
        return nullptr;
    if (m_far)
        styleLinkItem(*it); // snapshots taken while far left it as it was
    return it->item;
}

QGraphicsRectItem *TopologyScene::hostFrame(const QString &host) const
{
    return m_frames.value(host);
}

std::optional<TopologyScene::NodeState> TopologyScene::nodeState(const QString &agent) const
{
    if (const NodeItem *item = m_nodes.value(agent))
        return item->facts().state;
    return std::nullopt;
}

std::optional<StalenessLevel> TopologyScene::linkStaleness(const QString &app, const QString &agent) const
{
    const auto it = m_edges.constFind({app, agent});
    if (it == m_edges.cend() || !it->worst)
        return std::nullopt;
    return it->worst->level;
}

std::optional<TopologyScene::LinkState> TopologyScene::linkState(const QString &app, const QString &agent) const
{
    const auto it = m_edges.constFind({app, agent});
    if (it == m_edges.cend())
        return std::nullopt;
    return it->state;
}

QStringList TopologyScene::primaryOf(const QString &agent) const
{
    if (const NodeItem *item = m_nodes.value(agent))
        return item->facts().primaryOf;
    return {};
}

QStringList TopologyScene::shadowOf(const QString &agent) const
{
    if (const NodeItem *item = m_nodes.value(agent))
        return item->facts().shadowOf;
    return {};
}

bool TopologyScene::isShadowLink(const QString &app, const QString &agent) const
{
    const auto it = m_edges.constFind({app, agent});
    return it != m_edges.cend() && it->shadow;
}

QString TopologyScene::agentAt(const QPointF &scenePos) const
{
    for (const QGraphicsItem *item : items(scenePos)) { // topmost first
        if (item->data(KindKey).toInt() == NodeKind)
            return item->data(AgentKey).toString();
    }
    return {};
}

void TopologyScene::setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    m_snapshot = snapshot;
    if (!snapshot) {
        const bool hadItems = !m_nodes.isEmpty();
        clearAll();
        if (hadItems)
            Q_EMIT layoutChanged();
        return;
    }
    bool layoutKeyChanged = false;
    const bool copiesAsBefore = sameCopies(*snapshot);
    bool structural = updateNodes(*snapshot, copiesAsBefore, &layoutKeyChanged);
    const bool moved = layoutKeyChanged && updateLayout();
    structural = updateEdges(*snapshot, structural, moved, copiesAsBefore) || structural;
    if (moved)
        updateFrames();
    if (structural || moved) {
        m_contents = QRectF();
        if (!m_nodes.isEmpty()) {
            // Every item but the batch of links, whose extent follows the scene rect set here.
            for (const QGraphicsItem *item : items()) {
                if (item != m_farLinks && !item->parentItem())
                    m_contents |= item->sceneBoundingRect();
            }
        }
        setSceneRect(m_contents.isEmpty()
                         ? QRectF(-200, -150, 400, 300)
                         : m_contents.adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin));
        m_farLinks->setExtent(sceneRect());
    }
    if (m_far)
        updateFarLinks();
    if (moved)
        Q_EMIT layoutChanged();
}

TopologyScene::NodeState TopologyScene::nodeStateOf(const failover::AgentView &agent)
{
    if (agent.suspected)
        return NodeState::Suspected;
    if (!agent.heard)
        return NodeState::NeverHeard;
    if (!agent.error.isEmpty())
        return NodeState::Unwatchable;
    if (agent.maintenance)
        return NodeState::Maintenance;
    return NodeState::Healthy;
}

bool TopologyScene::sameAgents(const failover::ClusterSnapshot &snapshot) const
{
    return snapshot.agents.size() == m_agentOrder.size()
           && std::equal(snapshot.agents.cbegin(),
                         snapshot.agents.cend(),
                         m_agentOrder.cbegin(),
                         [](const failover::AgentView &agent, const AgentNode &known) {
                             return agent.name == known.name;
                         })
           && snapshot.apps.size() == m_appPrimaries.size()
           && std::equal(snapshot.apps.cbegin(),
                         snapshot.apps.cend(),
                         m_appPrimaries.cbegin(),
                         [](const failover::AppView &app, const QPair<QString, QString> &known) {
                             return app.name == known.first && app.primary == known.second;
                         })
           && std::equal(snapshot.apps.cbegin(),
                         snapshot.apps.cend(),
                         m_appShadows.cbegin(),
                         [](const failover::AppView &app, const QString &known) {
                             return (app.shadow ? app.shadow->agent : QString()) == known;
                         });
}

bool TopologyScene::updateNodes(const failover::ClusterSnapshot &snapshot, bool copiesAsBefore, bool *layoutKeyChanged)
{
    // Usually the same agents in the same order, and the same copies: then what each node is
    // primary or replica of is what it was, and only its own state can have changed. Collecting
    // those lists through hashes for 500 nodes was most of the scene's update.
    if (copiesAsBefore && sameAgents(snapshot)) {
        for (qsizetype i = 0; i < m_agentOrder.size(); ++i) {
            NodeItem *item = m_agentOrder[i].item;
            if (!item)
                continue; // a nameless or repeated agent, skipped as before
            const failover::AgentView &agent = snapshot.agents[i];
            const NodeFacts &known = item->facts();
            const QString host = hostOf(agent);
            const NodeState state = nodeStateOf(agent);
            if (known.host == host && known.state == state && known.maintenance == agent.maintenance
                && known.url == agent.url && known.error == agent.error)
                continue;
            if (known.host != host)
                *layoutKeyChanged = true;
            NodeFacts facts = known;
            facts.host = host;
            facts.state = state;
            facts.maintenance = agent.maintenance;
            facts.url = agent.url;
            facts.error = agent.error;
            item->setFacts(std::move(facts));
        }
        return false;
    }

    QHash<QString, QStringList> primaries;
    QHash<QString, QStringList> shadows;
    QHash<QString, QList<QPair<QString, Tier>>> replicas;
    m_appPrimaries.clear();
    m_appShadows.clear();
    for (const failover::AppView &app : snapshot.apps) {
        m_appPrimaries.append({app.name, app.primary});
        m_appShadows.append(app.shadow ? app.shadow->agent : QString());
        if (!app.primary.isEmpty())
            primaries[app.primary].append(app.name);
        if (app.shadow && !app.shadow->agent.isEmpty())
            shadows[app.shadow->agent].append(app.name);
        for (const failover::ReplicaView &replica : app.replicas)
            replicas[replica.agent].append({app.name, replica.tier});
    }

    bool structural = false;
    QSet<QString> seen;
    m_agentOrder.clear();
    m_agentOrder.reserve(snapshot.agents.size());
    for (const failover::AgentView &agent : snapshot.agents) {
        if (agent.name.isEmpty() || seen.contains(agent.name)) {
            m_agentOrder.append({agent.name, nullptr});
            continue;
        }
        seen.insert(agent.name);
        NodeFacts facts;
        facts.agent = agent.name;
        facts.host = hostOf(agent);
        facts.maintenance = agent.maintenance;
        facts.url = agent.url;
        facts.error = agent.error;
        facts.state = nodeStateOf(agent);
        facts.primaryOf = primaries.value(agent.name);
        facts.shadowOf = shadows.value(agent.name);
        for (QStringList *apps : {&facts.primaryOf, &facts.shadowOf}) {
            std::sort(apps->begin(), apps->end(), [](const QString &a, const QString &b) {
                return naturalCompare(a, b) < 0;
            });
        }
        facts.replicaOf = replicas.value(agent.name);

        NodeItem *&item = m_nodes[agent.name];
        if (!item) {
            item = new NodeItem;
            addItem(item);
            structural = true;
        } else if (item->facts().host != facts.host) {
            *layoutKeyChanged = true;
        }
        item->setFacts(std::move(facts));
        m_agentOrder.append({agent.name, item});
    }
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (seen.contains(it.key())) {
            ++it;
            continue;
        }
        delete it.value();
        it = m_nodes.erase(it);
        structural = true;
    }
    *layoutKeyChanged = *layoutKeyChanged || structural;
    return structural;
}

bool TopologyScene::updateLayout()
{
    QList<QPair<QString, QString>> key;
    key.reserve(m_nodes.size());
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it)
        key.append({it.value()->facts().host, it.key()});
    std::sort(key.begin(), key.end(), [](const auto &a, const auto &b) {
        if (const int c = naturalCompare(a.first, b.first))
            return c < 0;
        return naturalCompare(a.second, b.second) < 0;
    });
    if (key == m_layoutKey)
        return false;
    m_layoutKey = key;

    const qsizetype n = key.size();
    m_circle = n <= kCircleMaxAgents;
    if (m_circle) {
        // Small clusters on a circle, clockwise from the top: no link crosses a node.
        const qreal radius = n < 2 ? 0 : std::max<qreal>(130, n * kCellWidth / (2 * std::numbers::pi));
        for (qsizetype i = 0; i < n; ++i) {
            const qreal angle = -std::numbers::pi / 2 + 2 * std::numbers::pi * qreal(i) / qreal(n);
            m_nodes.value(key[i].second)->setPos(radius * std::cos(angle), radius * std::sin(angle));
        }
        return true;
    }

    // Larger ones in rows about kAspect times wider than tall, each host's agents side by side on
    // one row (a host with more agents than a row holds gets rows of its own).
    const int columns = std::max(1, int(std::ceil(std::sqrt(kAspect * qreal(n) * kCellHeight / kCellWidth))));
    int row = 0;
    int column = 0;
    for (qsizetype begin = 0; begin < n;) {
        qsizetype end = begin + 1;
        while (end < n && key[end].first == key[begin].first)
            ++end;
        const int size = int(end - begin);
        if (column > 0 && column + size > columns) {
            ++row;
            column = 0;
        }
        for (int i = 0; i < size; ++i) {
            const int r = row + (column + i) / columns;
            const int c = (column + i) % columns;
            m_nodes.value(key[begin + i].second)->setPos(c * kCellWidth, r * kCellHeight);
        }
        if (column + size > columns) {
            row += (column + size + columns - 1) / columns;
            column = 0;
        } else {
            column += size;
        }
        begin = end;
    }
    return true;
}

bool TopologyScene::updateEdges(const failover::ClusterSnapshot &snapshot,
                                bool nodesChanged,
                                bool layoutMoved,
                                bool copiesAsBefore)
{
    // Usually the snapshot lists the same copies in the same order as the last one, over the same
    // nodes: then every link is where it was and only its state can have changed. Matching the
    // copies by key through hashes cost most of the scene's update at 2,000 links.
    if (!nodesChanged && !layoutMoved && copiesAsBefore) {
        qsizetype i = 0;
        for (const failover::AppView &app : snapshot.apps) {
            for (const failover::ReplicaView &replica : app.replicas) {
                if (Edge *edge = m_copies[i++].edge)
                    takeReplica(*edge, app, replica);
            }
        }
        return false;
    }

    struct Wanted
    {
        const failover::AppView *app;
        const failover::ReplicaView *replica;
    };
    QHash<CopyKey, Wanted> wanted;
    QHash<QPair<QString, QString>, QStringList> parallel; // (from, to) -> applications
    for (const failover::AppView &app : snapshot.apps) {
        if (!m_nodes.contains(app.primary))
            continue; // no primary, or one the snapshot does not list: nothing to point at
        for (const failover::ReplicaView &replica : app.replicas) {
            if (replica.agent == app.primary || !m_nodes.contains(replica.agent))
                continue;
            if (wanted.contains({app.name, replica.agent}))
                continue;
            wanted.insert({app.name, replica.agent}, {&app, &replica});
            parallel[{replica.agent, app.primary}].append(app.name);
        }
    }
    for (QStringList &apps : parallel)
        std::sort(apps.begin(), apps.end());

    bool structural = false;
    for (auto it = m_edges.begin(); it != m_edges.end();) {
        if (wanted.contains(it.key())) {
            ++it;
            continue;
        }
        delete it->item;
        it = m_edges.erase(it);
        m_farLinksStale = true;
        structural = true;
    }

    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        const failover::AppView &app = *it->app;
        const failover::ReplicaView &replica = *it->replica;
        EdgeKey key{replica.agent, app.primary, 0};
        key.parallel = int(parallel.value({replica.agent, app.primary}).indexOf(app.name));

        Edge &edge = m_edges[it.key()];
        if (!edge.item) {
            edge.item = new LinkItem;
            edge.item->setVisible(!m_far);
            edge.item->setData(KindKey, int(EdgeKind));
            edge.item->setData(AppKey, app.name);
            edge.item->setData(AgentKey, replica.agent);
            addItem(edge.item);
            edge.app = app.name;
            edge.tier = replica.tier;
            edge.shadow = isShadow(app, replica);
            if (!m_far)
                styleLinkItem(edge);
            edge.item->setPath(
                Internal::linkPath(m_nodes.value(key.from)->pos(), m_nodes.value(key.to)->pos(), key.parallel));
            edge.key = key;
            m_farLinksStale = true;
            structural = true;
        } else if (layoutMoved || !(edge.key == key)) {
            edge.key = key;
            edge.item->setPath(
                Internal::linkPath(m_nodes.value(key.from)->pos(), m_nodes.value(key.to)->pos(), key.parallel));
            m_farLinksStale = true;
            structural = true;
        }
        takeReplica(edge, app, replica);
    }

    // The copies in this snapshot's order, for the next snapshot's comparison; taken after the
    // last insertion into m_edges, so the pointers into it stay valid until the next update.
    m_copies.clear();
    for (const failover::AppView &app : snapshot.apps) {
        for (const failover::ReplicaView &replica : app.replicas) {
            const auto it = wanted.constFind({app.name, replica.agent});
            const bool drawn = it != wanted.cend() && it->replica == &replica; // not a duplicate
            m_copies.append({app.name,
                             app.primary,
                             replica.agent,
                             replica.tier,
                             isShadow(app, replica),
                             drawn ? &m_edges[it.key()] : nullptr});
        }
    }
    return structural;
}

bool TopologyScene::sameCopies(const failover::ClusterSnapshot &snapshot) const
{
    qsizetype i = 0;
    for (const failover::AppView &app : snapshot.apps) {
        for (const failover::ReplicaView &replica : app.replicas) {
            if (i >= m_copies.size())
                return false;
            const Copy &copy = m_copies[i++];
            // A shadow coming or going changes its node's badge, not only its link: the full update.
            if (copy.agent != replica.agent || copy.app != app.name || copy.primary != app.primary
                || copy.tier != replica.tier || copy.shadow != isShadow(app, replica))
                return false;
        }
    }
    return i == m_copies.size();
}

void TopologyScene::takeReplica(Edge &edge, const failover::AppView &app, const failover::ReplicaView &replica)
{
    const bool shadow = isShadow(app, replica);
    LinkState state = LinkState::Ok;
    if (!replica.integrityOk)
        state = LinkState::Mismatch;
    else if (!replica.connected)
        state = LinkState::Disconnected;
    else if (replica.lag >= kLaggingSeqs)
        state = LinkState::Lagging;
    // The worst partition's figures change with every snapshot while it is stale; the link is
    // restyled only when its level does.
    std::optional<Staleness::Worst> worst;
    if (app.partitions)
        worst = Staleness::worst(*app.partitions, replica.agent);
    const auto levelOf = [](const std::optional<Staleness::Worst> &w) {
        return w ? std::optional<StalenessLevel>(w->level) : std::nullopt;
    };
    const bool restyle = levelOf(worst) != levelOf(edge.worst);
    edge.partitionsReported = app.partitions.has_value();
    edge.worst = worst;
    if (restyle || edge.state != state || edge.tier != replica.tier || edge.shadow != shadow) {
        edge.state = state;
        edge.tier = replica.tier;
        edge.shadow = shadow;
        if (!m_far)
            styleLinkItem(edge);
        m_farLinksStale = true;
    }
    // What the tooltip says, composed only when someone points at the link (toolTipOf):
    // formatting 2,000 of them per snapshot cost a third of a frame.
    edge.lag = replica.lag;
    edge.rttMs = replica.rttMs;
    edge.integrityNote = replica.integrityOk ? QString() : replica.integrityNote;
    edge.shadowState = shadow ? app.shadow->state : QString();
}

void TopologyScene::styleLinkItem(const Edge &edge)
{
    // Every link's item is a LinkItem (updateEdges makes them).
    static_cast<LinkItem *>(edge.item)->setStaleness(edge.worst ? std::optional(edge.worst->level) : std::nullopt);
    const QPen pen = Internal::linkPen(edge.tier, edge.state, edge.shadow);
    if (edge.item->pen() == pen && edge.item->data(StateKey).toInt() == int(edge.state))
        return;
    edge.item->setPen(pen);
    edge.item->setData(StateKey, int(edge.state));
    edge.item->setZValue(edge.state == LinkState::Ok ? 0 : 0.5); // problems drawn over healthy links
}

void TopologyScene::updateFarLinks()
{
    if (!m_farLinksStale)
        return;
    m_farLinksStale = false;
    QList<FarLinksItem::Link> links;
    links.reserve(m_edges.size());
    for (const Edge &edge : std::as_const(m_edges)) {
        const QPainterPath &curve = edge.item->path();
        if (curve.elementCount() >= 4) // the curve's two ends (linkPath)
            links.append({QLineF(curve.elementAt(0), curve.elementAt(3)), edge.tier, edge.state, edge.shadow});
    }
    m_farLinks->setLinks(links);
}

QString TopologyScene::stalenessTip(const std::optional<Staleness::Worst> &worst)
{
    if (!worst)
        return tr("Staleness: it holds none of the partitions");
    if (worst->level == StalenessLevel::Current)
        return tr("Staleness: every partition it holds is current");
    return tr("Staleness: worst partition %1, %2 behind, %3 tolerated (%4×): %5")
        .arg(Staleness::partitionName(worst->partition, worst->cold, worst->impactClass),
             Staleness::durationText(worst->stalenessMs),
             Staleness::durationText(worst->toleratedMs),
             QLocale().toString(worst->ratio, 'f', 1),
             Staleness::levelText(worst->level));
}

QString TopologyScene::toolTipOf(const QGraphicsItem *item) const
{
    if (!item || item->data(KindKey).toInt() != EdgeKind)
        return item ? item->toolTip() : QString();
    const auto it = m_edges.constFind({item->data(AppKey).toString(), item->data(AgentKey).toString()});
    if (it == m_edges.cend())
        return {};
    const Edge &edge = *it;
    QStringList
        tip{tr("%1: %2 replica on %3 → primary %4").arg(edge.app, tierName(edge.tier), edge.key.from, edge.key.to),
            tr("Lag: %1 seqs").arg(edge.lag),
            edge.rttMs < 0 ? tr("Round trip: not measured") : tr("Round trip: %1 ms").arg(edge.rttMs, 0, 'f', 2)};
    if (edge.shadow)
        tip.insert(1, tr("Shadow of %1, %2").arg(edge.app, edge.shadowState));
    if (edge.state != LinkState::Ok)
        tip.append(tr("Link: %1").arg(linkStateName(edge.state)));
    if (!edge.integrityNote.isEmpty())
        tip.append(edge.integrityNote);
    if (edge.partitionsReported)
        tip.append(stalenessTip(edge.worst));
    return tip.join(u'\n');
}

void TopologyScene::helpEvent(QGraphicsSceneHelpEvent *event)
{
    // The links' tooltips are composed on demand (toolTipOf); nodes carry theirs.
    for (const QGraphicsItem *item : items(event->scenePos())) {
        const QString text = toolTipOf(item);
        if (text.isEmpty())
            continue;
        QToolTip::showText(event->screenPos(), text, event->widget());
        event->setAccepted(true);
        return;
    }
    QToolTip::hideText();
    event->setAccepted(false);
}

void TopologyScene::updateFrames()
{
    // Only the grid shows host frames; on the circle the node's own label names its host.
    QHash<QString, QRectF> wanted;
    if (!m_circle) {
        for (const auto &[host, agent] : std::as_const(m_layoutKey)) {
            const QRectF rect = kNodeRect.translated(m_nodes.value(agent)->pos());
            const auto it = wanted.find(host);
            if (it == wanted.end())
                wanted.insert(host, rect);
            else
                *it = it->united(rect);
        }
        for (auto it = wanted.begin(); it != wanted.end();) {
            const bool shared = it->width() > kNodeRect.width() || it->height() > kNodeRect.height();
            it = shared ? std::next(it) : wanted.erase(it);
        }
    }
    for (auto it = m_frames.begin(); it != m_frames.end();) {
        if (wanted.contains(it.key())) {
            ++it;
            continue;
        }
        delete it.value();
        it = m_frames.erase(it);
    }
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        QGraphicsRectItem *&frame = m_frames[it.key()];
        if (!frame) {
            // Mid grey at low alpha and a mid-grey label: readable on a light or a dark base.
            frame = new QGraphicsRectItem;
            frame->setZValue(-1);
            frame->setPen(QPen(QColor(0x80, 0x80, 0x80), 1, Qt::DashLine));
            frame->setBrush(QColor(0x80, 0x80, 0x80, 28));
            frame->setData(KindKey, int(HostKind));
            frame->setData(HostKey, it.key());
            frame->setToolTip(tr("Host %1").arg(it.key()));
            auto *label = new QGraphicsSimpleTextItem(it.key(), frame);
            label->setBrush(QColor(0x80, 0x80, 0x80));
            addItem(frame);
        }
        const QRectF rect = it->adjusted(-8, -24, 8, 8);
        frame->setRect(rect);
        if (auto *label = static_cast<QGraphicsSimpleTextItem *>(frame->childItems().value(0)))
            label->setPos(rect.left() + 6, rect.top() + 3);
    }
}

void TopologyScene::clearAll()
{
    qDeleteAll(m_frames);
    m_frames.clear();
    for (const Edge &edge : std::as_const(m_edges))
        delete edge.item;
    m_edges.clear();
    qDeleteAll(m_nodes);
    m_nodes.clear();
    m_agentOrder.clear();
    m_appPrimaries.clear();
    m_appShadows.clear();
    m_layoutKey.clear();
    m_contents = QRectF();
    setSceneRect(QRectF(-200, -150, 400, 300));
    m_farLinks->setExtent({});
    m_farLinks->setLinks({});
    m_farLinksStale = false;
    m_copies.clear();
}

} // namespace foresight::widgets
