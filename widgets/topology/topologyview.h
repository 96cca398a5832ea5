#pragma once

#include <memory>

#include <QGraphicsView>

#include "foresight/failover/clustersnapshot.h"

namespace foresight::widgets {

class TopologyScene;

// The cluster map: a TopologyScene in a view that zooms (Ctrl+wheel, +/-, 0 for 1:1), pans (drag
// the background, scroll bars, arrow keys) and fits the whole cluster (F, fitToContents()). Until
// the operator zooms or pans, the view keeps the cluster fitted as it grows, shrinks or is
// resized; F returns to that. A node's double-click, or Enter on the selected node, activates its
// agent.
//
// GUI thread only; snapshots in, agentActivated out. The view owns its scene.
class TopologyView final : public QGraphicsView
{
    Q_OBJECT

public:
    static constexpr qreal kMinZoom = 0.02;
    static constexpr qreal kMaxZoom = 8;
    static constexpr qreal kMaxFitZoom = 1; // fitting never magnifies a small cluster beyond 1:1

    explicit TopologyView(QWidget *parent = nullptr);
    ~TopologyView() override;

    void setSnapshot(std::shared_ptr<const failover::ClusterSnapshot> snapshot);
    TopologyScene *topologyScene() const { return m_scene; }

    // The scale from scene to view (1: one scene unit per pixel).
    qreal zoom() const;
    // Clamped to [kMinZoom, kMaxZoom], anchored under the mouse when it is over the view.
    void setZoom(qreal zoom);
    void zoomIn();
    void zoomOut();
    // Shows the whole cluster, centred; turns automatic fitting back on.
    void fitToContents();
    bool autoFit() const { return m_autoFit; }

    // The tier and link legend in the corner (on by default).
    void setLegendVisible(bool visible);
    bool legendVisible() const { return m_legendVisible; }

Q_SIGNALS:
    void agentActivated(const QString &agent);
    void zoomChanged(qreal zoom);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    void applyZoom(qreal zoom);

    TopologyScene *m_scene = nullptr;
    QWidget *m_legend = nullptr;
    bool m_autoFit = true;
    bool m_legendVisible = true;
    bool m_pressedOnBackground = false;
};

} // namespace foresight::widgets
