#pragma once

#include <memory>
#include <optional>

#include <QColor>
#include <QGraphicsScene>
#include <QHash>
#include <QPair>
#include <QPointF>
#include <QString>
#include <QStringList>

#include "foresight/failover/clustersnapshot.h"
#include "models/staleness.h"

class QGraphicsItem;
class QGraphicsPathItem;
class QGraphicsRectItem;

namespace foresight::widgets {

namespace Internal {
class FarLinksItem;
class NodeItem;
} // namespace Internal

// The cluster as a graph, from the engine's snapshots: one node per agent, one edge per replica
// (from the replica's agent to its application's primary; a shadow's edge dotted violet, its
// node badged "S"; where the primary reports staleness partitions, a band under the edge tinted
// by the replica's worst partition against its tolerance), a frame around agents that share a host. Items are keyed by agent, (application, agent) and host and updated in place from one
// snapshot to the next; a snapshot that changes nothing touches no item. Positions depend only on
// the set of (host, agent) names, so nodes stay put while the cluster does.
//
// GUI thread only. The scene owns its items; pointers returned by node(), edge() and hostFrame()
// stay valid until the agent, the copy or the host leaves a snapshot.
class TopologyScene final : public QGraphicsScene
{
    Q_OBJECT

public:
    // The worst thing about an agent, in increasing severity.
    enum class NodeState {
        Healthy,
        Maintenance, // drained by an operator
        Unwatchable, // the engine cannot watch it (AgentView::error)
        NeverHeard,  // no heartbeat since the engine started
        Suspected,   // phi at or above the threshold
    };
    // The worst thing about a replication link, in increasing severity.
    enum class LinkState {
        Ok,
        Lagging,      // ReplicaView::lag at or beyond kLaggingSeqs
        Disconnected, // the replica does not hear its primary
        Mismatch,     // the replica's integrity check failed
    };
    // Keys of QGraphicsItem::data() on the scene's items.
    enum DataKey {
        KindKey = 0, // int, ItemKind
        AgentKey,    // QString: a node's agent, an edge's replica agent
        AppKey,      // QString: an edge's application
        StateKey,    // int: a node's NodeState, an edge's LinkState
        HostKey,     // QString: a node's or a host frame's host
    };
    enum ItemKind { NodeKind = 1, EdgeKind, HostKind };

    // Lag at or beyond this many seqs counts as lagging (the same as ReplicasModel::kLaggingSeqs).
    static constexpr quint64 kLaggingSeqs = 1000;
    // Up to this many agents stand on a circle; more fill rows, hosts kept together.
    static constexpr int kCircleMaxAgents = 10;
    // Below this zoom nodes are drawn as blocks and the links all at once as straight lines.
    static constexpr qreal kFarZoom = 0.4;

    // The view is zoomed out below kFarZoom: the links' own items are hidden (thousands of them
    // cost most of a frame just to traverse) and one item draws them all; a link's tooltip then
    // is not offered. While far, snapshots leave the hidden items' pens, z-order and state data
    // alone (restyling thousands of items per snapshot cost a third of a frame); they catch up
    // when the view zooms back in, and edge() brings the one it returns up to date. Called by
    // TopologyView when its zoom crosses kFarZoom.
    void setFarView(bool far);
    bool farView() const { return m_far; }

    // An item's tooltip: a node's own; a link's composed from the latest snapshot when asked (the
    // scene's help event shows it), so 2,000 links do not format tooltips ten times a second.
    QString toolTipOf(const QGraphicsItem *item) const;

protected:
    void helpEvent(QGraphicsSceneHelpEvent *event) override;

public:
    explicit TopologyScene(QObject *parent = nullptr);
    ~TopologyScene() override;

    // Brings the items in line with the snapshot; nullptr empties the scene.
    void setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);
    std::shared_ptr<const failover::ClusterSnapshot> snapshot() const { return m_snapshot; }

    int nodeCount() const { return int(m_nodes.size()); }
    int edgeCount() const { return int(m_edges.size()); }
    int hostFrameCount() const { return int(m_frames.size()); }

    QGraphicsItem *node(const QString &agent) const;
    QGraphicsPathItem *edge(const QString &app, const QString &agent) const;
    QGraphicsRectItem *hostFrame(const QString &host) const;

    // Empty when the agent is not in the current snapshot.
    std::optional<NodeState> nodeState(const QString &agent) const;
    std::optional<LinkState> linkState(const QString &app, const QString &agent) const;
    // The staleness of the copy's worst partition against its tolerance, which tints its link;
    // nullopt when the primary reports no partitions, the replica holds none, or there is no link.
    std::optional<StalenessLevel> linkStaleness(const QString &app, const QString &agent) const;
    // The applications the agent is primary of, sorted.
    QStringList primaryOf(const QString &agent) const;
    // The applications the agent holds the shadow of, sorted.
    QStringList shadowOf(const QString &agent) const;
    // Whether the agent's copy of app is the application's shadow (drawn as a shadow's link).
    bool isShadowLink(const QString &app, const QString &agent) const;
    // The agent whose node is at scenePos (its label, frame or badge), or empty.
    QString agentAt(const QPointF &scenePos) const;

    // What the items cover, without margin; empty without agents.
    QRectF contentsRect() const { return m_contents; }

    // The pen colour of a tier's links, readable on light and dark backgrounds.
    static QColor tierColor(Tier tier);
    static QColor brokenLinkColor();
    // The colour of a shadow's link and badge.
    static QColor shadowLinkColor();
    // A node state's signal colour (its block's colour when zoomed out), for legends.
    static QColor nodeStateColor(NodeState state);
    static QString nodeStateName(NodeState state);
    static QString linkStateName(LinkState state);

Q_SIGNALS:
    // Nodes were added, removed or moved (not emitted for changes of state only).
    void layoutChanged();

private:
    struct EdgeKey
    {
        QString from;     // the replica's agent
        QString to;       // the primary
        int parallel = 0; // index among edges with the same (from, to), by application
        bool operator==(const EdgeKey &other) const = default;
    };
    struct Edge
    {
        QGraphicsPathItem *item = nullptr;
        EdgeKey key;
        LinkState state = LinkState::Ok;
        Tier tier = Tier::None;
        bool shadow = false; // the application's shadow's copy
        // For the tooltip, composed on demand.
        QString app;
        QString shadowState; // the engine's word ("ready"), for a shadow
        quint64 lag = 0;
        double rttMs = -1;
        QString integrityNote;
        // The replica's worst staleness partition, when its primary reports partitions
        // (partitionsReported) and it holds one: the link's band and a line of its tooltip.
        bool partitionsReported = false;
        std::optional<Staleness::Worst> worst;
    };
    using CopyKey = QPair<QString, QString>; // (application, agent)
    // A copy as the last snapshot listed it, and its link (nullptr: not drawn, e.g. a duplicate
    // or one whose primary is unknown).
    struct Copy
    {
        QString app;
        QString primary;
        QString agent;
        Tier tier = Tier::None;
        bool shadow = false;
        Edge *edge = nullptr; // into m_edges
    };
    // An agent of the last snapshot, in its order; no item for a nameless or repeated one.
    struct AgentNode
    {
        QString name;
        Internal::NodeItem *item = nullptr;
    };

    // Each returns whether items were added or removed. updateNodes also says whether the layout
    // could change (a node came, went or changed host); updateLayout whether a node moved.
    bool updateNodes(const failover::ClusterSnapshot &snapshot, bool copiesAsBefore, bool *layoutKeyChanged);
    bool updateLayout();
    bool updateEdges(const failover::ClusterSnapshot &snapshot,
                     bool nodesChanged,
                     bool layoutMoved,
                     bool copiesAsBefore);
    // Whether the snapshot lists the same copies (application, primary, agent, tier), in the same
    // order, as the one m_copies was taken from.
    bool sameCopies(const failover::ClusterSnapshot &snapshot) const;
    // Whether the snapshot lists the same agents and the same applications' primaries and shadows,
    // in the same order, as the last one.
    bool sameAgents(const failover::ClusterSnapshot &snapshot) const;
    static NodeState nodeStateOf(const failover::AgentView &agent);
    // Takes the replica's state, tier and tooltip facts into its link.
    void takeReplica(Edge &edge, const failover::AppView &app, const failover::ReplicaView &replica);
    static bool isShadow(const failover::AppView &app, const failover::ReplicaView &replica)
    {
        return app.shadow && app.shadow->agent == replica.agent;
    }
    // Gives a link's item the pen, z-order and state data of its link (the item is the scene's,
    // so a const scene may bring it up to date).
    static void styleLinkItem(const Edge &edge);
    // The tooltip's line about a link's worst partition.
    static QString stalenessTip(const std::optional<Staleness::Worst> &worst);
    void updateFarLinks();
    void updateFrames();
    void clearAll();

    std::shared_ptr<const failover::ClusterSnapshot> m_snapshot;
    QHash<QString, Internal::NodeItem *> m_nodes;
    QList<AgentNode> m_agentOrder;                 // the last snapshot's agents, for sameAgents()
    QList<QPair<QString, QString>> m_appPrimaries; // and its (application, primary) pairs
    QStringList m_appShadows;                      // and its applications' shadows' agents
    QHash<CopyKey, Edge> m_edges;
    QList<Copy> m_copies; // every replica of the last snapshot, in its order
    QHash<QString, QGraphicsRectItem *> m_frames;
    QList<QPair<QString, QString>> m_layoutKey; // (host, agent) in layout order
    bool m_circle = true;                       // the current layout's shape
    QRectF m_contents;
    Internal::FarLinksItem *m_farLinks = nullptr; // draws every link at once when zoomed far out (owned by the scene)
    bool m_farLinksStale = true;                  // a link was added, removed, moved or restyled since setLinks
    bool m_far = false;
};

} // namespace foresight::widgets
