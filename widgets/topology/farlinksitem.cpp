#include "topology/farlinksitem.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <QPainter>
#include <QTransform>

#include "topology/linkitem.h"

namespace foresight::widgets::Internal {

namespace {

using LinkState = TopologyScene::LinkState;

constexpr int kTiers = int(Tier::Cold) + 1;
constexpr int kLinkStates = int(LinkState::Mismatch) + 1;
constexpr qint64 kMaxCachePixels = 4096 * 4096;

// The near pen, thinned to one pixel; heavier links are drawn twice instead (drawLines()).
QPen farPen(Tier tier, LinkState state, bool shadow)
{
    QPen pen = linkPen(tier, state, shadow);
    pen.setWidthF(1);
    pen.setCapStyle(Qt::FlatCap);
    return pen;
}

// Whether the near pen is heavier than a healthy link's: lagging and broken links stay heavier.
bool heavy(Tier tier, LinkState state)
{
    return linkPen(tier, state).widthF() > 2;
}

// A one-pixel line from a to b (device pixels) straight into the image (Bresenham), clipped to
// it. Bit i % period of pattern says whether the line's i-th pixel is drawn (a dash pattern).
void plotLine(QImage &image, QPoint a, const QPoint &b, QRgb colour, quint32 pattern, int period)
{
    auto *pixels = reinterpret_cast<QRgb *>(image.bits());
    const qsizetype stride = image.bytesPerLine() / qsizetype(sizeof(QRgb));
    const int width = image.width();
    const int height = image.height();
    const int dx = std::abs(b.x() - a.x());
    const int dy = -std::abs(b.y() - a.y());
    const int stepX = a.x() < b.x() ? 1 : -1;
    const int stepY = a.y() < b.y() ? 1 : -1;
    int error = dx + dy;
    for (int i = 0;; ++i) {
        if (a.x() >= 0 && a.x() < width && a.y() >= 0 && a.y() < height && (pattern >> (i % period) & 1))
            pixels[a.y() * stride + a.x()] = colour;
        if (a == b)
            return;
        const int twice = 2 * error;
        if (twice >= dy) {
            error += dy;
            a.rx() += stepX;
        }
        if (twice <= dx) {
            error += dx;
            a.ry() += stepY;
        }
    }
}

// Qt's one-pixel cosmetic dashes, as plotLine() patterns: (bits, period).
std::pair<quint32, int> dashPattern(Qt::PenStyle style)
{
    switch (style) {
    case Qt::DashLine:
        return {0b001111, 6}; // 4 on, 2 off
    case Qt::DashDotLine:
        return {0b001001111, 9}; // 4 on, 2 off, 1 on, 2 off
    case Qt::DotLine:
        return {0b0011, 4}; // 2 on, 2 off: dots that stay visible one pixel wide
    default:
        return {1, 1};
    }
}

} // namespace

FarLinksItem::FarLinksItem()
{
    setZValue(0.25); // over healthy links' (invisible) items, under problems' and nodes
    setAcceptedMouseButtons(Qt::NoButton);
    setAcceptHoverEvents(false);
}

void FarLinksItem::setExtent(const QRectF &rect)
{
    if (rect == m_extent)
        return;
    prepareGeometryChange();
    m_extent = rect;
    m_cache = QImage();
}

void FarLinksItem::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    update();
}

void FarLinksItem::setLinks(const QList<Link> &links)
{
    // Indexed by state, then shadow or not, then tier: the drawing order.
    const auto slot = [](int state, bool shadow, int tier) {
        return size_t((state * 2 + (shadow ? 1 : 0)) * kTiers + tier);
    };
    std::array<QList<QLineF>, kLinkStates * 2 * kTiers> byPen;
    for (const Link &link : links)
        byPen[slot(int(link.state), link.shadow, int(link.tier))].append(link.line);
    m_groups.clear();
    for (int state = 0; state < kLinkStates; ++state) {
        for (const bool shadow : {false, true}) {
            for (int tier = 0; tier < kTiers; ++tier) {
                QList<QLineF> &lines = byPen[slot(state, shadow, tier)];
                if (!lines.isEmpty())
                    m_groups.append({farPen(Tier(tier), LinkState(state), shadow),
                                     heavy(Tier(tier), LinkState(state)),
                                     std::move(lines)});
            }
        }
    }
    m_cache = QImage();
    update();
}

void FarLinksItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    if (!m_active)
        return; // near: each link paints its own curve
    const QTransform toDevice = painter->worldTransform();
    const QRect target = toDevice.mapRect(m_extent).toAlignedRect();
    // The view only scales and pans; the image is bounded (a far zoom keeps it about the
    // viewport's size, panning a large cluster could make it bigger).
    if (toDevice.type() > QTransform::TxScale || target.isEmpty()
        || qint64(target.width()) * target.height() > kMaxCachePixels) {
        drawLines(painter);
        return;
    }
    // Redrawn only when a link or the view's zoom or position changed: the scene's own repaint
    // after a snapshot, or scrolling a table, only copies the image.
    if (m_cache.isNull() || m_cacheTransform != toDevice || m_cacheRect != target) {
        m_cache = QImage(target.size(), QImage::Format_ARGB32_Premultiplied);
        m_cache.fill(Qt::transparent);
        plotLines(toDevice * QTransform::fromTranslate(-target.left(), -target.top()));
        m_cacheTransform = toDevice;
        m_cacheRect = target;
    }
    painter->setWorldTransform(QTransform());
    painter->drawImage(target.topLeft(), m_cache);
    painter->setWorldTransform(toDevice); // the view does not restore it (DontSavePainterState)
}

void FarLinksItem::plotLines(const QTransform &toImage)
{
    // The raster engine's one-pixel line stroker blends pixel by pixel: 2,750 lines were most of
    // a 13 ms far frame (foresight-bench gui), with or without an image to draw into. Writing the
    // pixels of opaque, aliased lines directly costs about a third of that.
    for (const Group &group : std::as_const(m_groups)) {
        const QRgb colour = qPremultiply(group.pen.color().rgba());
        const auto [pattern, period] = dashPattern(group.pen.style());
        for (const QLineF &line : group.lines) {
            const QPoint from = toImage.map(line.p1()).toPoint();
            const QPoint to = toImage.map(line.p2()).toPoint();
            plotLine(m_cache, from, to, colour, pattern, period);
            if (group.heavy) {
                // Beside, not along: below a flat line, to the right of a steep one.
                const QPoint beside = std::abs(to.x() - from.x()) >= std::abs(to.y() - from.y()) ? QPoint(0, 1)
                                                                                                 : QPoint(1, 0);
                plotLine(m_cache, from + beside, to + beside, colour, pattern, period);
            }
        }
    }
}

void FarLinksItem::drawLines(QPainter *painter) const
{
    painter->setRenderHint(QPainter::Antialiasing, false);
    // One device pixel in scene units, to draw a heavy link's second line beside the first.
    const qreal pixel = 1 / std::max<qreal>(painter->worldTransform().m11(), 1e-6);
    for (const Group &group : m_groups) {
        painter->setPen(group.pen);
        painter->drawLines(group.lines);
        if (!group.heavy)
            continue;
        QList<QLineF> beside;
        beside.reserve(group.lines.size());
        for (const QLineF &line : group.lines) {
            // Beside, not along: below a flat line, to the right of a steep one.
            const bool flat = std::abs(line.dx()) >= std::abs(line.dy());
            beside.append(line.translated(flat ? QPointF(0, pixel) : QPointF(pixel, 0)));
        }
        painter->drawLines(beside);
    }
}

} // namespace foresight::widgets::Internal
