#include "topology/topologyscene.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <utility>

#include <QFont>
#include <QFontMetricsF>
#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QGraphicsSceneHelpEvent>
#include <QGraphicsSimpleTextItem>
#include <QLineF>
#include <QPainter>
#include <QPainterPathStroker>
#include <QPen>
#include <QSet>
#include <QStyleOptionGraphicsItem>
#include <QToolTip>

namespace foresight::widgets {

namespace {

using NodeState = TopologyScene::NodeState;
using LinkState = TopologyScene::LinkState;

// Geometry, in scene units (pixels at zoom 1).
const QRectF kNodeRect(-75, -30, 150, 60);
const QRectF kBadgeRect(kNodeRect.right() - 34, kNodeRect.top() - 10, 40, 20); // the primary's badge
constexpr qreal kCellWidth = 190;                                              // grid pitch
constexpr qreal kCellHeight = 110;
constexpr qreal kAspect = 1.6; // the grid's target width : height, a typical dock
constexpr qreal kEdgeGap = 4;  // between a node's border and an edge's end
constexpr qreal kArrowLength = 11;
constexpr qreal kSceneMargin = 40;
// Below this zoom a node is drawn as a coloured block without text: at 200 hosts the states stay
// visible when the labels would only be noise.
constexpr qreal kFarLevelOfDetail = TopologyScene::kFarZoom;

// Fixed colours inside nodes (they carry their own background, so text contrast does not depend
// on the theme); mid-luminance colours for edges, which lie on the view's light or dark base.
struct NodeStyle
{
    QColor fill;
    QColor border;
    QColor text;
    QColor far; // the block's colour when zoomed out
    qreal borderWidth = 1.5;
    Qt::PenStyle borderStyle = Qt::SolidLine;
};

NodeStyle styleOf(NodeState state)
{
    switch (state) {
    case NodeState::Healthy:
        return {QColor(0xec, 0xef, 0xf1), QColor(0x54, 0x6e, 0x7a), QColor(0x21, 0x21, 0x21), QColor(0x90, 0xa4, 0xae)};
    case NodeState::Maintenance:
        return {QColor(0xff, 0xf8, 0xe1),
                QColor(0xff, 0x8f, 0x00),
                QColor(0x21, 0x21, 0x21),
                QColor(0xff, 0xb3, 0x00),
                2.5,
                Qt::DashDotLine};
    case NodeState::Unwatchable:
        return {QColor(0xff, 0xf3, 0xe0),
                QColor(0xe6, 0x51, 0x00),
                QColor(0xbf, 0x36, 0x0c),
                QColor(0xfb, 0x8c, 0x00),
                3};
    case NodeState::NeverHeard:
        return {QColor(0xe0, 0xe0, 0xe0),
                QColor(0x75, 0x75, 0x75),
                QColor(0x61, 0x61, 0x61),
                QColor(0xbd, 0xbd, 0xbd),
                2.5,
                Qt::DashLine};
    case NodeState::Suspected:
        return {QColor(0xff, 0xcd, 0xd2),
                QColor(0xd5, 0x00, 0x00),
                QColor(0xb7, 0x1c, 0x1c),
                QColor(0xd5, 0x00, 0x00),
                5};
    }
    return {};
}

QString stateWord(NodeState state)
{
    switch (state) {
    case NodeState::Healthy:
        return {};
    case NodeState::Suspected:
        return TopologyScene::tr("⚠ SUSPECTED");
    default:
        return TopologyScene::nodeStateName(state);
    }
}

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

QString hostOf(const AgentView &agent)
{
    return agent.host.isEmpty() ? agent.name : agent.host;
}

// Where the line from center towards `towards` leaves the node's rectangle (plus a gap).
QPointF borderPoint(const QPointF &center, const QPointF &towards)
{
    const QPointF d = towards - center;
    const qreal hw = kNodeRect.width() / 2 + kEdgeGap;
    const qreal hh = kNodeRect.height() / 2 + kEdgeGap;
    qreal t = 1;
    if (!qFuzzyIsNull(d.x()))
        t = std::min(t, hw / std::abs(d.x()));
    if (!qFuzzyIsNull(d.y()))
        t = std::min(t, hh / std::abs(d.y()));
    return center + d * t;
}

// A quadratic curve from the replica to the primary with an arrowhead at the primary. The bend
// sits on the left of the direction of travel, so links in both directions between two agents
// take different sides; parallel links (several applications) bend further out.
QPainterPath edgePath(const QPointF &from, const QPointF &to, int parallel)
{
    const QLineF line(from, to);
    const qreal length = line.length();
    if (length < 1)
        return {};
    const QPointF dir = (to - from) / length;
    const QPointF normal(-dir.y(), dir.x());
    const qreal bend = std::clamp(0.2 * length, 20.0, 160.0) + 26.0 * parallel;
    const QPointF control = (from + to) / 2 + normal * bend;
    const QPointF start = borderPoint(from, control);
    const QPointF end = borderPoint(to, control);
    QPainterPath path(start);
    path.quadTo(control, end);
    const QLineF tangent(control, end);
    if (tangent.length() > 0) {
        const QPointF unit = (end - control) / tangent.length();
        const QPointF side(-unit.y(), unit.x());
        const QPointF back = end - unit * kArrowLength;
        path.moveTo(back + side * kArrowLength * 0.45);
        path.lineTo(end);
        path.lineTo(back - side * kArrowLength * 0.45);
    }
    return path;
}

QPen linkPen(Tier tier, LinkState state)
{
    QPen pen(TopologyScene::tierColor(tier), 2);
    pen.setCosmetic(true); // links stay visible when zoomed out over 200 hosts
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    switch (state) {
    case LinkState::Ok:
        break;
    case LinkState::Lagging:
        pen.setWidthF(4.5);
        break;
    case LinkState::Disconnected:
        pen.setColor(TopologyScene::brokenLinkColor());
        pen.setWidthF(2.5);
        pen.setStyle(Qt::DashLine);
        break;
    case LinkState::Mismatch:
        pen.setColor(TopologyScene::brokenLinkColor());
        pen.setWidthF(3);
        pen.setStyle(Qt::DashDotLine);
        break;
    }
    return pen;
}

QString listed(QStringList names)
{
    constexpr qsizetype kShown = 8;
    if (names.size() <= kShown)
        return names.join(QStringLiteral(", "));
    const qsizetype more = names.size() - kShown;
    names.resize(kShown);
    return TopologyScene::tr("%1 and %n more", nullptr, int(more)).arg(names.join(QStringLiteral(", ")));
}

// A replication link: its hit area is the stroke only, not the region the open curve encloses.
class EdgeItem final : public QGraphicsPathItem
{
public:
    using QGraphicsPathItem::QGraphicsPathItem;

    QRectF boundingRect() const override { return QGraphicsPathItem::boundingRect().adjusted(-4, -4, 4, 4); }

    // Zoomed far out this item is hidden and EdgeBatchItem draws the link (TopologyScene::setFarView).
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override
    {
        painter->setRenderHint(QPainter::Antialiasing); // the view does not restore hints (DontSavePainterState)
        QGraphicsPathItem::paint(painter, option, widget);
    }

    QPainterPath shape() const override
    {
        QPainterPathStroker stroker;
        stroker.setWidth(std::max<qreal>(pen().widthF(), 6));
        return stroker.createStroke(path());
    }
};

// Zoomed far out over hundreds of links, thousands of antialiased curve items cost most of a
// frame (foresight-bench gui: 180 ms at 2,000 links). This one item draws them all instead as
// straight, thin, aliased lines, one drawLines() per pen: what matters at that size stays, the
// tier's colour, the lagging link's weight and the broken link's dash.
class EdgeBatchItem final : public QGraphicsItem
{
public:
    using ForEachEdge = std::function<void(const std::function<void(const QGraphicsPathItem &)> &)>;

    explicit EdgeBatchItem(ForEachEdge forEachEdge)
        : m_forEachEdge(std::move(forEachEdge))
    {
        setZValue(0.25); // over healthy links' (invisible) items, under problems' and nodes
        setAcceptedMouseButtons(Qt::NoButton);
        setAcceptHoverEvents(false);
    }

    // The scene's extent: every link lies inside it.
    void setExtent(const QRectF &rect)
    {
        if (rect == m_extent)
            return;
        prepareGeometryChange();
        m_extent = rect;
    }
    QRectF boundingRect() const override { return m_extent; }
    QPainterPath shape() const override { return {}; } // never hit

    // Whether it draws: only while the links' own items are hidden (TopologyScene::setFarView).
    void setActive(bool active)
    {
        m_active = active;
        update();
    }

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        if (!m_active)
            return; // near: each link paints its own curve
        struct Group
        {
            QPen pen;
            QList<QLineF> lines;
        };
        QHash<QString, Group> groups;
        m_forEachEdge([&groups](const QGraphicsPathItem &edge) {
            const QPainterPath &curve = edge.path();
            if (curve.elementCount() < 4)
                return;
            QPen pen = edge.pen();
            pen.setWidthF(pen.widthF() > 2 ? 2 : 1);
            pen.setCapStyle(Qt::FlatCap);
            const QString key
                = QStringLiteral("%1/%2/%3").arg(pen.color().rgba()).arg(pen.widthF()).arg(int(pen.style()));
            Group &group = groups[key];
            group.pen = pen;
            group.lines.append(QLineF(curve.elementAt(0), curve.elementAt(3))); // the curve's two ends
        });
        painter->setRenderHint(QPainter::Antialiasing, false);
        for (const Group &group : std::as_const(groups)) {
            painter->setPen(group.pen);
            painter->drawLines(group.lines);
        }
    }

private:
    ForEachEdge m_forEachEdge;
    QRectF m_extent;
    bool m_active = false;
};

} // namespace

namespace Internal {

// What a node shows; compared from snapshot to snapshot so an unchanged node is not repainted.
struct NodeFacts
{
    QString agent;
    QString host;
    NodeState state = NodeState::Healthy;
    bool maintenance = false;
    QStringList primaryOf;
    QList<QPair<QString, Tier>> replicaOf; // (app, tier), formatted only for the tooltip
    QString url;
    QString error;
    bool operator==(const NodeFacts &other) const = default;
};

// An agent: a rounded box with its name, its host when that differs, what is wrong with it, and a
// badge when it is a primary. Painted by hand (no child text items) to stay cheap at 200 hosts.
class NodeItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 1 };

    NodeItem()
    {
        setFlag(ItemIsSelectable);
        setZValue(1);
        setData(TopologyScene::KindKey, int(TopologyScene::NodeKind));
    }

    int type() const override { return Type; }
    QRectF boundingRect() const override { return kNodeRect.adjusted(-10, -12, 10, 10).united(kBadgeRect); }
    QPainterPath shape() const override
    {
        QPainterPath path;
        path.addRoundedRect(kNodeRect, 8, 8);
        if (!m_facts.primaryOf.isEmpty())
            path.addRoundedRect(kBadgeRect, 10, 10);
        return path;
    }

    // Returns whether anything changed.
    bool setFacts(NodeFacts facts)
    {
        if (facts == m_facts)
            return false;
        const bool reshaped = facts.primaryOf.isEmpty() != m_facts.primaryOf.isEmpty();
        if (reshaped)
            prepareGeometryChange();
        m_facts = std::move(facts);
        setData(TopologyScene::AgentKey, m_facts.agent);
        setData(TopologyScene::HostKey, m_facts.host);
        setData(TopologyScene::StateKey, int(m_facts.state));
        // Worse states on top, so a suspected host is never hidden under a neighbour's links.
        setZValue(m_facts.state == NodeState::Suspected ? 3 : m_facts.state == NodeState::Healthy ? 1 : 2);
        setToolTip(toolTipText());
        update();
        return true;
    }
    const NodeFacts &facts() const { return m_facts; }

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *) override
    {
        const NodeStyle style = styleOf(m_facts.state);
        const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
        const bool selected = option->state.testFlag(QStyle::State_Selected);
        painter->setRenderHint(QPainter::Antialiasing);

        if (m_facts.state == NodeState::Suspected) {
            painter->setPen(Qt::NoPen);
            painter->setBrush(QColor(0xd5, 0x00, 0x00, 80));
            painter->drawRoundedRect(kNodeRect.adjusted(-9, -9, 9, 9), 14, 14);
        }
        if (selected) {
            QPen highlight(option->palette.highlight().color(), 3);
            highlight.setCosmetic(true);
            painter->setPen(highlight);
            painter->setBrush(Qt::NoBrush);
            painter->drawRoundedRect(kNodeRect.adjusted(-5, -5, 5, 5), 11, 11);
        }
        if (lod < kFarLevelOfDetail) {
            painter->setRenderHint(QPainter::Antialiasing, false); // a plain block: nothing to smooth
            QPen border(style.border, 1);
            border.setCosmetic(true);
            painter->setPen(border);
            painter->setBrush(style.far);
            painter->drawRect(kNodeRect);
            paintBadge(painter, false);
            return;
        }

        QPen border(style.border, style.borderWidth, style.borderStyle);
        painter->setPen(border);
        painter->setBrush(style.fill);
        painter->drawRoundedRect(kNodeRect, 8, 8);
        if (m_facts.maintenance) {
            painter->setPen(Qt::NoPen);
            painter->setBrush(QBrush(QColor(0xff, 0x8f, 0x00, 110), Qt::BDiagPattern));
            painter->drawRoundedRect(kNodeRect, 8, 8);
        }

        const QRectF text = kNodeRect.adjusted(8, 4, -8, -4);
        QFont nameFont = painter->font();
        nameFont.setPointSizeF(10);
        nameFont.setBold(true);
        QFont smallFont = painter->font();
        smallFont.setPointSizeF(8);
        QFont stateFont = smallFont;
        stateFont.setBold(m_facts.state != NodeState::Healthy);

        // Three lines fit: the name, then what is wrong, then the host, then the primary's
        // applications (the badge says "primary" when there is no room for them).
        struct Line
        {
            QString text;
            QFont font;
            QColor colour;
            int rank = 0; // lower is kept first
        };
        QList<Line> lines{{m_facts.agent, nameFont, style.text, 0}};
        if (m_facts.host != m_facts.agent)
            lines.append({m_facts.host, smallFont, style.text, 2});
        QStringList status;
        if (const QString word = stateWord(m_facts.state); !word.isEmpty())
            status.append(word);
        if (m_facts.maintenance && m_facts.state != NodeState::Maintenance)
            status.append(TopologyScene::nodeStateName(NodeState::Maintenance));
        if (!status.isEmpty())
            lines.append({status.join(QStringLiteral(" · ")), stateFont, style.border.darker(110), 1});
        if (m_facts.primaryOf.size() == 1)
            lines.append(
                {TopologyScene::tr("primary: %1").arg(m_facts.primaryOf.constFirst()), smallFont, style.text, 3});
        else if (m_facts.primaryOf.size() > 1)
            lines.append({TopologyScene::tr("primary of %n apps", nullptr, int(m_facts.primaryOf.size())),
                          smallFont,
                          style.text,
                          3});
        constexpr int kMaxLines = 3;
        while (lines.size() > kMaxLines) {
            lines.removeAt(std::max_element(lines.cbegin(),
                                            lines.cend(),
                                            [](const Line &a, const Line &b) { return a.rank < b.rank; })
                           - lines.cbegin());
        }

        qreal height = 0;
        for (const Line &line : lines)
            height += QFontMetricsF(line.font).height();
        qreal y = text.center().y() - height / 2;
        for (const Line &line : lines) {
            const QFontMetricsF metrics(line.font);
            painter->setFont(line.font);
            painter->setPen(line.colour);
            const QString elided = metrics.elidedText(line.text,
                                                      line.rank == 0 ? Qt::ElideMiddle : Qt::ElideRight,
                                                      text.width());
            painter->drawText(QRectF(text.left(), y, text.width(), metrics.height()), Qt::AlignCenter, elided);
            y += metrics.height();
        }
        paintBadge(painter, true);
    }

private:
    void paintBadge(QPainter *painter, bool withText) const
    {
        if (m_facts.primaryOf.isEmpty())
            return;
        QPen pen(QColor(0x6d, 0x4c, 0x00), 1);
        pen.setCosmetic(true);
        painter->setPen(pen);
        painter->setBrush(QColor(0xff, 0xc4, 0x00));
        painter->drawRoundedRect(kBadgeRect, 10, 10);
        if (!withText)
            return;
        QFont font = painter->font();
        font.setPointSizeF(8);
        font.setBold(true);
        painter->setFont(font);
        painter->setPen(QColor(0x3e, 0x27, 0x00));
        const int count = int(m_facts.primaryOf.size());
        painter->drawText(kBadgeRect,
                          Qt::AlignCenter,
                          count == 1 ? TopologyScene::tr("P", "badge: primary")
                                     : TopologyScene::tr("P%1", "badge: primary of n apps").arg(count));
    }

    QString toolTipText() const
    {
        QStringList lines{m_facts.host == m_facts.agent
                              ? m_facts.agent
                              : TopologyScene::tr("%1 on %2").arg(m_facts.agent, m_facts.host)};
        lines.append(TopologyScene::tr("State: %1").arg(TopologyScene::nodeStateName(m_facts.state)));
        if (m_facts.maintenance && m_facts.state != NodeState::Maintenance)
            lines.append(TopologyScene::tr("In maintenance"));
        if (!m_facts.error.isEmpty())
            lines.append(TopologyScene::tr("Cannot watch: %1").arg(m_facts.error));
        if (!m_facts.url.isEmpty())
            lines.append(m_facts.url);
        if (!m_facts.primaryOf.isEmpty())
            lines.append(TopologyScene::tr("Primary of: %1").arg(listed(m_facts.primaryOf)));
        if (!m_facts.replicaOf.isEmpty()) {
            QStringList copies;
            for (const auto &[app, tier] : m_facts.replicaOf)
                copies.append(TopologyScene::tr("%1 (%2)").arg(app, tierName(tier)));
            lines.append(TopologyScene::tr("Replica of: %1").arg(listed(copies)));
        }
        return lines.join(u'\n');
    }

    NodeFacts m_facts;
};

} // namespace Internal

using Internal::NodeFacts;
using Internal::NodeItem;

TopologyScene::TopologyScene(QObject *parent)
    : QGraphicsScene(parent)
{
    setObjectName(QStringLiteral("topologyScene"));
    // Items move only when the layout changes; the BSP index pays off for hit tests and for
    // painting only the visible part of a large cluster.
    setItemIndexMethod(BspTreeIndex);
    setSceneRect(QRectF(-200, -150, 400, 300));
    auto *batch = new EdgeBatchItem([this](const std::function<void(const QGraphicsPathItem &)> &visit) {
        for (const Edge &edge : std::as_const(m_edges))
            visit(*edge.item);
    });
    addItem(batch);
    m_edgeBatch = batch;
}

TopologyScene::~TopologyScene() = default;

void TopologyScene::setFarView(bool far)
{
    if (far == m_far)
        return;
    m_far = far;
    for (const Edge &edge : std::as_const(m_edges))
        edge.item->setVisible(!far);
    static_cast<EdgeBatchItem *>(m_edgeBatch)->setActive(far);
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

QColor TopologyScene::nodeStateColor(NodeState state)
{
    return styleOf(state).far;
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
    return m_edges.value({app, agent}).item;
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

QString TopologyScene::agentAt(const QPointF &scenePos) const
{
    for (const QGraphicsItem *item : items(scenePos)) { // topmost first
        if (item->data(KindKey).toInt() == NodeKind)
            return item->data(AgentKey).toString();
    }
    return {};
}

void TopologyScene::setSnapshot(const std::shared_ptr<const ClusterSnapshot> &snapshot)
{
    m_snapshot = snapshot;
    if (!snapshot) {
        const bool hadItems = !m_nodes.isEmpty();
        clearAll();
        if (hadItems)
            Q_EMIT layoutChanged();
        return;
    }
    bool structural = updateNodes(*snapshot);
    const bool moved = updateLayout();
    structural = updateEdges(*snapshot, moved) || structural;
    if (moved)
        updateFrames();
    if (structural || moved) {
        m_contents = QRectF();
        if (!m_nodes.isEmpty()) {
            // Every item but the batch of links, whose extent follows the scene rect set here.
            for (const QGraphicsItem *item : items()) {
                if (item != m_edgeBatch && !item->parentItem())
                    m_contents |= item->sceneBoundingRect();
            }
        }
        setSceneRect(m_contents.isEmpty()
                         ? QRectF(-200, -150, 400, 300)
                         : m_contents.adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin));
        static_cast<EdgeBatchItem *>(m_edgeBatch)->setExtent(sceneRect());
    }
    if (moved)
        Q_EMIT layoutChanged();
}

bool TopologyScene::updateNodes(const ClusterSnapshot &snapshot)
{
    QHash<QString, QStringList> primaries;
    QHash<QString, QList<QPair<QString, Tier>>> replicas;
    for (const AppView &app : snapshot.apps) {
        if (!app.primary.isEmpty())
            primaries[app.primary].append(app.name);
        for (const ReplicaView &replica : app.replicas)
            replicas[replica.agent].append({app.name, replica.tier});
    }

    bool structural = false;
    QSet<QString> seen;
    for (const AgentView &agent : snapshot.agents) {
        if (agent.name.isEmpty() || seen.contains(agent.name))
            continue;
        seen.insert(agent.name);
        NodeFacts facts;
        facts.agent = agent.name;
        facts.host = hostOf(agent);
        facts.maintenance = agent.maintenance;
        facts.url = agent.url;
        facts.error = agent.error;
        if (agent.suspected)
            facts.state = NodeState::Suspected;
        else if (!agent.heard)
            facts.state = NodeState::NeverHeard;
        else if (!agent.error.isEmpty())
            facts.state = NodeState::Unwatchable;
        else if (agent.maintenance)
            facts.state = NodeState::Maintenance;
        facts.primaryOf = primaries.value(agent.name);
        std::sort(facts.primaryOf.begin(), facts.primaryOf.end(), [](const QString &a, const QString &b) {
            return naturalCompare(a, b) < 0;
        });
        facts.replicaOf = replicas.value(agent.name);

        NodeItem *&item = m_nodes[agent.name];
        if (!item) {
            item = new NodeItem;
            addItem(item);
            structural = true;
        }
        item->setFacts(std::move(facts));
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

bool TopologyScene::updateEdges(const ClusterSnapshot &snapshot, bool layoutMoved)
{
    struct Wanted
    {
        const AppView *app;
        const ReplicaView *replica;
    };
    QHash<CopyKey, Wanted> wanted;
    QHash<QPair<QString, QString>, QStringList> parallel; // (from, to) -> applications
    for (const AppView &app : snapshot.apps) {
        if (!m_nodes.contains(app.primary))
            continue; // no primary, or one the snapshot does not list: nothing to point at
        for (const ReplicaView &replica : app.replicas) {
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
        structural = true;
    }

    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        const AppView &app = *it->app;
        const ReplicaView &replica = *it->replica;
        EdgeKey key{replica.agent, app.primary, 0};
        key.parallel = int(parallel.value({replica.agent, app.primary}).indexOf(app.name));

        LinkState state = LinkState::Ok;
        if (!replica.integrityOk)
            state = LinkState::Mismatch;
        else if (!replica.connected)
            state = LinkState::Disconnected;
        else if (replica.lag >= kLaggingSeqs)
            state = LinkState::Lagging;

        Edge &edge = m_edges[it.key()];
        const bool created = edge.item == nullptr;
        if (created) {
            edge.item = new EdgeItem;
            edge.item->setVisible(!m_far);
            edge.item->setData(KindKey, int(EdgeKind));
            edge.item->setData(AppKey, app.name);
            edge.item->setData(AgentKey, replica.agent);
            addItem(edge.item);
            structural = true;
        }
        if (created || edge.state != state || edge.tier != replica.tier) {
            edge.state = state;
            edge.tier = replica.tier;
            edge.item->setPen(linkPen(edge.tier, state));
            edge.item->setData(StateKey, int(state));
            edge.item->setZValue(state == LinkState::Ok ? 0 : 0.5); // problems drawn over healthy links
        }
        if (created || layoutMoved || !(edge.key == key)) {
            edge.key = key;
            edge.item->setPath(edgePath(m_nodes.value(key.from)->pos(), m_nodes.value(key.to)->pos(), key.parallel));
            structural = true;
        }
        // What the tooltip says, composed only when someone points at the link (toolTipOf):
        // formatting 2,000 of them per snapshot cost a third of a frame.
        edge.app = app.name;
        edge.lag = replica.lag;
        edge.rttMs = replica.rttMs;
        edge.integrityNote = replica.integrityOk ? QString() : replica.integrityNote;
    }
    return structural;
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
    if (edge.state != LinkState::Ok)
        tip.append(tr("Link: %1").arg(linkStateName(edge.state)));
    if (!edge.integrityNote.isEmpty())
        tip.append(edge.integrityNote);
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
    m_layoutKey.clear();
    m_contents = QRectF();
    setSceneRect(QRectF(-200, -150, 400, 300));
    static_cast<EdgeBatchItem *>(m_edgeBatch)->setExtent({});
}

} // namespace foresight::widgets
