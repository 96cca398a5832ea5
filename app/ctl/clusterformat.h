#pragma once

#include <QCborMap>
#include <QList>
#include <QString>
#include <QStringList>

// Human-readable rendering of the console's control replies (docs/protocol.md section 15), for
// terminals. Each takes the reply body without its id.

// console-status-reply: agents; per application its phase and why, replicas, and every candidate
// with its ranking terms in a table, term by term, and why the choice beats the runner-up.
QString formatClusterStatus(const QCborMap &status);
// ok of promote, switchover, maintenance and acknowledge: the summary and the details that matter.
QString formatOutcome(const QCborMap &reply);
QString formatJournal(const QCborMap &reply);
QString formatIncidents(const QCborMap &reply);
// Columns padded to their widest cell, each line starting with indent; the last column is left
// as it is.
QStringList alignedTable(const QList<QStringList> &rows, const QString &indent);
