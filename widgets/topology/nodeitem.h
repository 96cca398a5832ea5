#pragma once

#include <QColor>
#include <QGraphicsItem>
#include <QList>
#include <QPair>
#include <QRectF>
#include <QString>
#include <QStringList>

#include "topology/topologyscene.h"

namespace foresight::widgets::Internal {

// A node's geometry, in scene units (pixels at zoom 1); links end at kNodeRect's border.
inline const QRectF kNodeRect(-75, -30, 150, 60);
inline const QRectF kBadgeRect(kNodeRect.right() - 34, kNodeRect.top() - 10, 40, 20);     // the primary's badge
inline const QRectF kShadowBadgeRect(kNodeRect.left() - 6, kNodeRect.top() - 10, 40, 20); // a shadow's badge

// A node state's signal colour: its block's colour when zoomed out, and the legend's.
QColor nodeStateFarColor(TopologyScene::NodeState state);

// What a node shows; compared from snapshot to snapshot so an unchanged node is not repainted.
struct NodeFacts
{
    QString agent;
    QString host;
    TopologyScene::NodeState state = TopologyScene::NodeState::Healthy;
    bool maintenance = false;
    QStringList primaryOf;
    QStringList shadowOf;                  // applications whose shadow it holds
    QList<QPair<QString, Tier>> replicaOf; // (app, tier), formatted only for the tooltip
    QString url;
    QString error;
    bool operator==(const NodeFacts &other) const = default;
};

// An agent: a rounded box with its name, its host when that differs, what is wrong with it, a
// badge when it is a primary and another when it holds a shadow. Painted by hand (no child text items) to stay cheap at 200 hosts.
class NodeItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 1 };

    NodeItem();

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

    // Returns whether anything changed.
    bool setFacts(NodeFacts facts);
    const NodeFacts &facts() const { return m_facts; }

private:
    void paintBadge(QPainter *painter, bool withText) const;
    void paintShadowBadge(QPainter *painter, bool withText) const;
    QString toolTipText() const;

    NodeFacts m_facts;
};

} // namespace foresight::widgets::Internal
