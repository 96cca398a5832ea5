#pragma once

#include <memory>

#include <QList>

#include "foresight/failover/clustersnapshot.h"
#include "models/keyedtablemodel.h"

namespace foresight::widgets {

// One row per client that reports its mirrors to an application's primary (issue 21 section 2;
// docs/mirrors.md): how many of its reads the copies served (each a poll saved), how old the
// copies were when they did, how fast a refresh was, how its forecasts fared, and what it may
// have served stale or missed. A thin adapter over AppView::mirrors: rows are matched by
// (application, client, and which of that name) from one snapshot to the next, changes arrive
// as ranges.
class MirrorsModel final : public KeyedTableModel
{
    Q_OBJECT

public:
    enum Column {
        Application,
        Client,
        Reads,
        HitRatio,
        PollsSaved, // reads served from a copy
        Copies,     // keys mirrored now
        MeanAge,    // the copies' mean age at the hits: freshness
        RefreshP99,
        Forecasts,  // refreshes ahead of a forecast change: accuracy, right of judged
        StaleReads, // changes found by an age refresh that no event or forecast announced
        Fallbacks,  // reads sent to the source because the key was out of sync
        MissedEvents,
        Resyncs,
        Events, // live or off
        Reported,
        ColumnCount
    };
    enum Roles {
        AppRole = Qt::UserRole + 1, // QString
        ClientRole,                 // QString, may be empty
        NumberRole,                 // the column's figure as a number (qint64 or double), for sorting
    };

    explicit MirrorsModel(QObject *parent = nullptr);

    void setSnapshot(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The row of a client of an application (the first of that name), -1 if none.
    int rowOf(const QString &app, const QString &client) const;

private:
    struct Row
    {
        QString app;
        QString client;
        int occurrence = 0; // clients may share a name (or have none): the n-th of it in the report
        qint64 reportedMsAgo = 0;
        qint64 reads = 0;
        qint64 hits = 0;
        double hitRatio = 0;
        qint64 copies = -1; // -1: not reported
        double meanAgeMs = 0;
        qint64 refreshP99Us = 0;
        qint64 forecastsRight = 0;
        qint64 forecastsMissed = 0;
        qint64 unannounced = 0;
        qint64 outOfSync = 0;
        qint64 missedEvents = 0;
        qint64 resyncs = 0;
        bool eventsLive = false;
        bool operator==(const Row &other) const = default;
    };
    static Row makeRow(const QString &app, const failover::MirrorClientView &client, int occurrence);
    QVariant display(const Row &row, int column) const;
    QVariant number(const Row &row, int column) const;

    QList<Row> m_rows;
};

} // namespace foresight::widgets
