#pragma once

#include <QCborMap>
#include <QList>
#include <QString>

// One agent's status as the terminal view shows it; reachable == false when the agent did not
// answer (error says why).
struct AgentRow
{
    QString agent;
    bool reachable = false;
    QString error;
    QCborMap status; // the agent's status-reply body
};

struct ViewHeader
{
    QString title;
    QString workload;
    QString hint;
};

// Renders the cluster as a fixed-width table: one row per (application, agent), with role,
// tier, epoch, sequence, lag and digests, and a verdict that compares each replica with what
// its tier should hold (the primary's digest, or its critical digest for warm replicas).
QString renderClusterTable(const ViewHeader &header, const QList<AgentRow> &agents);
