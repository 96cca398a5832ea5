#pragma once

#include <optional>

#include <QColor>
#include <QGraphicsPathItem>
#include <QPainterPath>
#include <QPen>
#include <QPointF>

#include "models/staleness.h"
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

// The band drawn under a link whose replica's partitions are reported, from its worst partition's
// staleness against tolerance (Staleness::worst): the theme's good, warning or critical colour,
// translucent, so the link keeps its tier's colour and dash on top and the band only tints it;
// fainter within tolerance than over it. Invalid (no band) without a level: the primary reports
// no partitions, or the replica holds none. Follows the palette (light or dark theme).
QColor linkStalenessColor(std::optional<StalenessLevel> level);

// A replication link: its hit area is the stroke only, not the region the open curve encloses.
// Zoomed far out this item is hidden and FarLinksItem draws the link (TopologyScene::setFarView),
// without the staleness band: at that size it would be a blur over the tiers' colours.
class LinkItem final : public QGraphicsPathItem
{
public:
    using QGraphicsPathItem::QGraphicsPathItem;

    // The staleness band's level (see linkStalenessColor); nullopt: none.
    void setStaleness(std::optional<StalenessLevel> level);
    std::optional<StalenessLevel> staleness() const { return m_staleness; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    qreal bandWidth() const;

    std::optional<StalenessLevel> m_staleness;
};

} // namespace foresight::widgets::Internal
