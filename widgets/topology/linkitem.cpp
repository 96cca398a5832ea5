#include "topology/linkitem.h"

#include <algorithm>
#include <cmath>

#include <QLineF>
#include <QPainter>
#include <QPainterPathStroker>

#include "topology/nodeitem.h"

namespace foresight::widgets::Internal {

namespace {

using LinkState = TopologyScene::LinkState;

constexpr qreal kEdgeGap = 4; // between a node's border and a link's end
constexpr qreal kArrowLength = 11;
constexpr qreal kHitWidth = 6; // the stroke a pointer hits, at least

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

} // namespace

// A quadratic curve from the replica to the primary with an arrowhead at the primary. The bend
// sits on the left of the direction of travel, so links in both directions between two agents
// take different sides; parallel links (several applications) bend further out.
QPainterPath linkPath(const QPointF &from, const QPointF &to, int parallel)
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

QPen linkPen(Tier tier, LinkState state, bool shadow)
{
    QPen pen(shadow ? TopologyScene::shadowLinkColor() : TopologyScene::tierColor(tier), shadow ? 2.5 : 2);
    if (shadow)
        pen.setStyle(Qt::DotLine);
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
        pen.setWidthF(shadow ? 3 : 2.5);
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

QColor linkStalenessColor(std::optional<StalenessLevel> level)
{
    if (!level)
        return {};
    QColor color = Staleness::levelColor(*level);
    // Enough to tell at a glance, little enough to leave the tier's colour readable on top.
    switch (*level) {
    case StalenessLevel::Current:
    case StalenessLevel::Within:
        color.setAlpha(60);
        break;
    case StalenessLevel::Over:
        color.setAlpha(120);
        break;
    case StalenessLevel::FarOver:
        color.setAlpha(160);
        break;
    }
    return color;
}

void LinkItem::setStaleness(std::optional<StalenessLevel> level)
{
    if (level == m_staleness)
        return;
    prepareGeometryChange(); // the band widens the bounding rect
    m_staleness = level;
    update();
}

qreal LinkItem::bandWidth() const
{
    return m_staleness ? pen().widthF() + 6 : 0;
}

QRectF LinkItem::boundingRect() const
{
    // QGraphicsPathItem's own bounding rect strokes the path through shape(), and the scene asks
    // for it whenever a pen or a path changes: at 2,000 links that stroking was a third of a
    // snapshot's update (foresight-bench gui). The control points plus the widest stroke (hit
    // area, pen or staleness band) and the antialiasing margin cover the same area.
    const qreal margin = std::max({pen().widthF(), kHitWidth, bandWidth()}) / 2 + 4;
    return path().controlPointRect().adjusted(-margin, -margin, margin, margin);
}

QPainterPath LinkItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(std::max<qreal>(pen().widthF(), kHitWidth));
    return stroker.createStroke(path());
}

void LinkItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    painter->setRenderHint(QPainter::Antialiasing); // the view does not restore hints (DontSavePainterState)
    // The colour is taken when painting, so the band follows a change of theme.
    if (const QColor band = linkStalenessColor(m_staleness); band.isValid()) {
        QPen bandPen(band, bandWidth());
        bandPen.setCosmetic(true); // as wide as the link's own pen at every zoom
        bandPen.setCapStyle(Qt::RoundCap);
        bandPen.setJoinStyle(Qt::RoundJoin);
        painter->strokePath(path(), bandPen);
    }
    QGraphicsPathItem::paint(painter, option, widget);
}

} // namespace foresight::widgets::Internal
