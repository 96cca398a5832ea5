#include "topology/topologyview.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <QFontMetrics>
#include <QGraphicsItem>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>
#include <QWidget>

#include "topology/linkitem.h"
#include "topology/topologyscene.h"

namespace foresight::widgets {

namespace {

// What the colours and marks mean, in the view's top-left corner. A widget over the viewport
// rather than foreground painting: it stays put while the scene scrolls under it, and it follows
// the palette (light or dark theme).
class LegendWidget final : public QWidget
{
public:
    explicit LegendWidget(QWidget *parent)
        : QWidget(parent)
    {
        setAttribute(Qt::WA_TransparentForMouseEvents);
        QFont small = font();
        small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
        setFont(small);
        resize(sizeHint());
    }

    QSize sizeHint() const override
    {
        const QFontMetrics metrics(font());
        int width = 0;
        for (const Row &row : rows())
            width = std::max(width, metrics.horizontalAdvance(row.label));
        return {kSample + 3 * kPad + width, int(rows().size()) * lineHeight() + 2 * kPad};
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        QColor base = palette().color(QPalette::Base);
        base.setAlpha(225);
        painter.setPen(palette().color(QPalette::Mid));
        painter.setBrush(base);
        painter.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);

        const int line = lineHeight();
        int y = kPad;
        for (const Row &row : rows()) {
            const QRectF sample(kPad, y + 2, kSample, line - 4);
            if (row.node) {
                painter.setPen(Qt::NoPen);
                painter.setBrush(row.colour);
                painter.drawRect(sample.adjusted(4, 1, -4, -1));
            } else {
                QPen pen(row.colour, row.width, row.style);
                pen.setCapStyle(Qt::FlatCap);
                painter.setPen(pen);
                painter.drawLine(QPointF(sample.left(), sample.center().y()),
                                 QPointF(sample.right(), sample.center().y()));
            }
            painter.setPen(palette().color(QPalette::Text));
            painter.drawText(QRect(kPad * 2 + kSample, y, width(), line), Qt::AlignLeft | Qt::AlignVCenter, row.label);
            y += line;
        }
    }

private:
    static constexpr int kPad = 6;
    static constexpr int kSample = 26;

    struct Row
    {
        QColor colour;
        QString label;
        qreal width = 2;
        Qt::PenStyle style = Qt::SolidLine;
        bool node = false;
    };

    int lineHeight() const { return QFontMetrics(font()).height() + 2; }

    QList<Row> rows() const
    {
        using State = TopologyScene::NodeState;
        const QColor neutral = palette().color(QPalette::Text);
        return {
            {TopologyScene::tierColor(Tier::Hot), TopologyView::tr("hot replica")},
            {TopologyScene::tierColor(Tier::Warm), TopologyView::tr("warm replica")},
            {TopologyScene::tierColor(Tier::Cold), TopologyView::tr("cold replica")},
            {neutral, TopologyView::tr("lagging (≥ %1 seqs)").arg(TopologyScene::kLaggingSeqs), 4.5},
            {TopologyScene::brokenLinkColor(), TopologyView::tr("disconnected"), 2.5, Qt::DashLine},
            {TopologyScene::brokenLinkColor(), TopologyView::tr("integrity mismatch"), 3, Qt::DashDotLine},
            {TopologyScene::shadowLinkColor(), TopologyView::tr("shadow → its primary"), 2.5, Qt::DotLine},
            // The staleness bands (Internal::linkStalenessColor), as wide as under a link.
            {Internal::linkStalenessColor(StalenessLevel::Within), TopologyView::tr("partitions within tolerance"), 8},
            {Internal::linkStalenessColor(StalenessLevel::Over), TopologyView::tr("partitions over tolerance"), 8},
            {Internal::linkStalenessColor(StalenessLevel::FarOver),
             TopologyView::tr("partitions far over tolerance"),
             8},
            {TopologyScene::nodeStateColor(State::Suspected),
             TopologyScene::nodeStateName(State::Suspected),
             0,
             Qt::SolidLine,
             true},
            {TopologyScene::nodeStateColor(State::NeverHeard),
             TopologyScene::nodeStateName(State::NeverHeard),
             0,
             Qt::SolidLine,
             true},
            {TopologyScene::nodeStateColor(State::Unwatchable),
             TopologyScene::nodeStateName(State::Unwatchable),
             0,
             Qt::SolidLine,
             true},
            {TopologyScene::nodeStateColor(State::Maintenance),
             TopologyScene::nodeStateName(State::Maintenance),
             0,
             Qt::SolidLine,
             true},
            {QColor(0xff, 0xc4, 0x00), TopologyView::tr("P: primary"), 0, Qt::SolidLine, true},
            {TopologyScene::shadowLinkColor(), TopologyView::tr("S: holds a shadow"), 0, Qt::SolidLine, true},
        };
    }
};

} // namespace

TopologyView::TopologyView(QWidget *parent)
    : QGraphicsView(parent)
    , m_scene(new TopologyScene(this))
    , m_legend(new LegendWidget(this))
{
    setObjectName(QStringLiteral("topologyView"));
    setAccessibleName(tr("Cluster topology"));
    setAccessibleDescription(tr("Agents as nodes and replication links as arrows from each replica to its primary."));
    setScene(m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    // Items set the hints they need themselves, so the view need not save and restore the painter
    // around each of thousands of items (foresight-bench gui).
    setOptimizationFlags(QGraphicsView::DontSavePainterState);
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    setFocusPolicy(Qt::StrongFocus);

    m_legend->setObjectName(QStringLiteral("topologyLegend"));
    m_legend->move(viewport()->pos() + QPoint(8, 8));

    // Keep the cluster fitted as it changes until the operator takes over the zoom.
    connect(m_scene, &QGraphicsScene::sceneRectChanged, this, [this] {
        if (m_autoFit)
            fitToContents();
    });
}

TopologyView::~TopologyView() = default;

void TopologyView::setSnapshot(std::shared_ptr<const failover::ClusterSnapshot> snapshot)
{
    m_scene->setSnapshot(std::move(snapshot));
}

qreal TopologyView::zoom() const
{
    return transform().m11();
}

void TopologyView::setZoom(qreal zoom)
{
    m_autoFit = false;
    applyZoom(zoom);
}

void TopologyView::zoomIn()
{
    setZoom(zoom() * 1.25);
}

void TopologyView::zoomOut()
{
    setZoom(zoom() / 1.25);
}

void TopologyView::applyZoom(qreal zoom)
{
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    if (qFuzzyCompare(zoom, this->zoom()))
        return;
    setTransform(QTransform::fromScale(zoom, zoom));
    m_scene->setFarView(zoom < TopologyScene::kFarZoom);
    Q_EMIT zoomChanged(zoom);
}

void TopologyView::fitToContents()
{
    m_autoFit = true;
    const QRectF target = m_scene->sceneRect();
    // A little inside the viewport, so rounding never calls for scroll bars.
    const QRectF available = QRectF(viewport()->rect()).adjusted(2, 2, -2, -2);
    if (target.isEmpty() || available.isEmpty())
        return;
    const qreal zoom = std::min(available.width() / target.width(), available.height() / target.height());
    applyZoom(std::min(zoom, kMaxFitZoom));
    centerOn(target.center());
}

void TopologyView::setLegendVisible(bool visible)
{
    m_legendVisible = visible;
    m_legend->setVisible(visible);
}

void TopologyView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers().testFlag(Qt::ControlModifier)) {
        // 120 units (one notch) zoom by about a fifth; touchpads send smaller steps.
        setZoom(zoom() * std::pow(1.0015, event->angleDelta().y()));
        event->accept();
        return;
    }
    m_autoFit = false;
    QGraphicsView::wheelEvent(event);
}

void TopologyView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: // + without shift on most layouts
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_0:
        setZoom(1);
        return;
    case Qt::Key_F:
        fitToContents();
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter: {
        const QList<QGraphicsItem *> selected = m_scene->selectedItems();
        for (const QGraphicsItem *item : selected) {
            if (item->data(TopologyScene::KindKey).toInt() == TopologyScene::NodeKind) {
                Q_EMIT agentActivated(item->data(TopologyScene::AgentKey).toString());
                return;
            }
        }
        break;
    }
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
    case Qt::Key_PageUp:
    case Qt::Key_PageDown:
        m_autoFit = false;
        break;
    default:
        break;
    }
    QGraphicsView::keyPressEvent(event);
}

void TopologyView::mousePressEvent(QMouseEvent *event)
{
    m_pressedOnBackground = m_scene->agentAt(mapToScene(event->position().toPoint())).isEmpty();
    QGraphicsView::mousePressEvent(event);
}

void TopologyView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_pressedOnBackground && event->buttons().testFlag(Qt::LeftButton))
        m_autoFit = false; // the operator is panning
    QGraphicsView::mouseMoveEvent(event);
}

void TopologyView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const QString agent = m_scene->agentAt(mapToScene(event->position().toPoint()));
    if (agent.isEmpty()) {
        QGraphicsView::mouseDoubleClickEvent(event);
        return;
    }
    event->accept();
    Q_EMIT agentActivated(agent);
}

void TopologyView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    m_legend->move(viewport()->pos() + QPoint(8, 8));
    if (m_autoFit)
        fitToContents();
}

void TopologyView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QGraphicsView::drawForeground(painter, rect);
    if (m_scene->nodeCount() > 0)
        return;
    // In scene coordinates, where the empty scene's rectangle is centred on the origin.
    painter->setPen(palette().color(QPalette::PlaceholderText));
    painter->drawText(m_scene->sceneRect(),
                      Qt::AlignCenter | Qt::TextWordWrap,
                      m_scene->snapshot() ? tr("The cluster has no agents.") : tr("No cluster open."));
}

} // namespace foresight::widgets
