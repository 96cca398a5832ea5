#include "topology/nodeitem.h"

#include <algorithm>
#include <utility>

#include <QFont>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QPen>
#include <QStyleOptionGraphicsItem>

namespace foresight::widgets::Internal {

namespace {

using NodeState = TopologyScene::NodeState;

// Below this zoom a node is drawn as a coloured block without text: at 200 hosts the states stay
// visible when the labels would only be noise.
constexpr qreal kFarLevelOfDetail = TopologyScene::kFarZoom;
const QColor kBadgeColor(0xff, 0xc4, 0x00); // the primary's badge

// Fixed colours inside nodes: they carry their own background, so text contrast does not depend
// on the theme.
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

QString listed(QStringList names)
{
    constexpr qsizetype kShown = 8;
    if (names.size() <= kShown)
        return names.join(QStringLiteral(", "));
    const qsizetype more = names.size() - kShown;
    names.resize(kShown);
    return TopologyScene::tr("%1 and %n more", nullptr, int(more)).arg(names.join(QStringLiteral(", ")));
}

} // namespace

QColor nodeStateFarColor(NodeState state)
{
    return styleOf(state).far;
}

NodeItem::NodeItem()
{
    setFlag(ItemIsSelectable);
    setZValue(1);
    setData(TopologyScene::KindKey, int(TopologyScene::NodeKind));
}

QRectF NodeItem::boundingRect() const
{
    return kNodeRect.adjusted(-10, -12, 10, 10).united(kBadgeRect).united(kShadowBadgeRect);
}

QPainterPath NodeItem::shape() const
{
    QPainterPath path;
    path.addRoundedRect(kNodeRect, 8, 8);
    if (!m_facts.primaryOf.isEmpty())
        path.addRoundedRect(kBadgeRect, 10, 10);
    if (!m_facts.shadowOf.isEmpty())
        path.addRoundedRect(kShadowBadgeRect, 10, 10);
    return path;
}

bool NodeItem::setFacts(NodeFacts facts)
{
    if (facts == m_facts)
        return false;
    const bool reshaped = facts.primaryOf.isEmpty() != m_facts.primaryOf.isEmpty()
                          || facts.shadowOf.isEmpty() != m_facts.shadowOf.isEmpty();
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

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
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
        // Plain blocks, a few pixels each: nothing to smooth. Filled rectangles are the raster
        // engine's fastest shape; outlined and rounded ones cost twice a frame's budget over 500
        // hosts (foresight-bench gui). A healthy block needs no outline to stand out.
        painter->setRenderHint(QPainter::Antialiasing, false);
        if (m_facts.state == NodeState::Healthy) {
            painter->fillRect(kNodeRect, style.far);
        } else {
            QPen border(style.border, 1);
            border.setCosmetic(true);
            painter->setPen(border);
            painter->setBrush(style.far);
            painter->drawRect(kNodeRect);
        }
        if (!m_facts.primaryOf.isEmpty())
            painter->fillRect(kBadgeRect, kBadgeColor);
        if (!m_facts.shadowOf.isEmpty())
            painter->fillRect(kShadowBadgeRect, TopologyScene::shadowLinkColor());
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
        lines.append({TopologyScene::tr("primary: %1").arg(m_facts.primaryOf.constFirst()), smallFont, style.text, 3});
    else if (m_facts.primaryOf.size() > 1)
        lines.append(
            {TopologyScene::tr("primary of %n apps", nullptr, int(m_facts.primaryOf.size())), smallFont, style.text, 3});
    constexpr int kMaxLines = 3;
    while (lines.size() > kMaxLines) {
        lines.removeAt(
            std::max_element(lines.cbegin(), lines.cend(), [](const Line &a, const Line &b) { return a.rank < b.rank; })
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
    paintShadowBadge(painter, true);
}

void NodeItem::paintShadowBadge(QPainter *painter, bool withText) const
{
    if (m_facts.shadowOf.isEmpty())
        return;
    const QColor colour = TopologyScene::shadowLinkColor();
    QPen pen(colour.darker(150), 1);
    pen.setCosmetic(true);
    painter->setPen(pen);
    painter->setBrush(colour);
    painter->drawRoundedRect(kShadowBadgeRect, 10, 10);
    if (!withText)
        return;
    QFont font = painter->font();
    font.setPointSizeF(8);
    font.setBold(true);
    painter->setFont(font);
    painter->setPen(Qt::white);
    const int count = int(m_facts.shadowOf.size());
    painter->drawText(kShadowBadgeRect,
                      Qt::AlignCenter,
                      count == 1 ? TopologyScene::tr("S", "badge: shadow")
                                 : TopologyScene::tr("S%1", "badge: shadow of n apps").arg(count));
}

void NodeItem::paintBadge(QPainter *painter, bool withText) const
{
    if (m_facts.primaryOf.isEmpty())
        return;
    QPen pen(QColor(0x6d, 0x4c, 0x00), 1);
    pen.setCosmetic(true);
    painter->setPen(pen);
    painter->setBrush(kBadgeColor);
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

QString NodeItem::toolTipText() const
{
    QStringList lines{m_facts.host == m_facts.agent ? m_facts.agent
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
    if (!m_facts.shadowOf.isEmpty())
        lines.append(TopologyScene::tr("Shadow of: %1").arg(listed(m_facts.shadowOf)));
    if (!m_facts.replicaOf.isEmpty()) {
        QStringList copies;
        for (const auto &[app, tier] : m_facts.replicaOf)
            copies.append(TopologyScene::tr("%1 (%2)").arg(app, tierName(tier)));
        lines.append(TopologyScene::tr("Replica of: %1").arg(listed(copies)));
    }
    return lines.join(u'\n');
}

} // namespace foresight::widgets::Internal
