#pragma once

#include <QGraphicsItem>
#include <QImage>
#include <QLineF>
#include <QList>
#include <QPen>
#include <QRect>
#include <QRectF>
#include <QTransform>

#include "topology/topologyscene.h"

namespace foresight::widgets::Internal {

// Zoomed far out over hundreds of links, thousands of antialiased curve items cost most of a
// frame (foresight-bench gui: 180 ms at 2,000 links). This one item draws them all instead as
// straight, one-pixel, aliased lines: what matters at that size stays, the tier's colour, the
// lagging link's weight (a second line beside it), the broken link's dash and the shadow's dots.
//
// It keeps the lines grouped by pen between frames: the scene hands them over (setLinks) only
// when a link was added, removed, moved or changed state, and it keeps what it drew in an image
// until the links or the view's zoom or position change, so a frame in which no link changed
// costs one image copy.
class FarLinksItem final : public QGraphicsItem
{
public:
    struct Link
    {
        QLineF line; // from the replica's end of the curve to the primary's
        Tier tier = Tier::None;
        TopologyScene::LinkState state = TopologyScene::LinkState::Ok;
        bool shadow = false; // a shadow's link: dotted in the shadow's colour while it works
    };

    FarLinksItem();

    // The scene's extent: every link lies inside it.
    void setExtent(const QRectF &rect);
    // Whether it draws: only while the links' own items are hidden (TopologyScene::setFarView).
    void setActive(bool active);
    void setLinks(const QList<Link> &links);

    QRectF boundingRect() const override { return m_extent; }
    QPainterPath shape() const override { return {}; } // never hit
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    // Draws the lines with the painter (when the image cannot be used) or into the image.
    void drawLines(QPainter *painter) const;
    void plotLines(const QTransform &toImage);

    struct Group
    {
        QPen pen;           // one pixel wide
        bool heavy = false; // drawn two pixels wide (lagging or broken)
        QList<QLineF> lines;
    };
    QList<Group> m_groups; // in drawing order: healthy links first, broken ones on top
    QRectF m_extent;
    bool m_active = false;
    QImage m_cache; // the lines as last drawn, in device pixels over m_cacheRect
    QTransform m_cacheTransform;
    QRect m_cacheRect;
};

} // namespace foresight::widgets::Internal
