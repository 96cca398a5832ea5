#pragma once

#include <QGraphicsPathItem>
#include <QPainterPath>
#include <QPen>
#include <QPointF>

#include "topology/topologyscene.h"

namespace foresight::widgets::Internal {

// A replication link's curve from the replica's node (centred at `from`) to the primary's (at
// `to`), ending in an arrowhead at the primary. Element 0 is where the curve starts and element 3
// where it ends (FarLinksItem draws the straight line between them).
QPainterPath linkPath(const QPointF &from, const QPointF &to, int parallel);
// The pen of a link of the tier in the state, near and zoomed in. A shadow's link (from an
// application's shadow to its primary) is dotted violet while it works; a broken one is drawn
// broken like any other.
QPen linkPen(Tier tier, TopologyScene::LinkState state, bool shadow = false);

// A replication link: its hit area is the stroke only, not the region the open curve encloses.
// Zoomed far out this item is hidden and FarLinksItem draws the link (TopologyScene::setFarView).
class LinkItem final : public QGraphicsPathItem
{
public:
    using QGraphicsPathItem::QGraphicsPathItem;

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;
};

} // namespace foresight::widgets::Internal
