#pragma once

#include <QCborMap>
#include <QJsonObject>
#include <QString>

// `foresightctl mirrors`' text (docs/mirrors.md): an application's client mirrors as its primary
// reports them in the console's status (docs/protocol.md 15.4, `mirrors`).

// The table: the primary's subscriptions and events, then one line per client that reported.
QString formatMirrors(const QString &app, const QString &primary, const QCborMap &mirrors);
// Why there is nothing to show for `app` (the console-status app map).
QString noMirrorsReason(const QCborMap &app);
// --json: {"app", "primary", "taken-ms", "mirrors"} with the map as the primary reported it.
QJsonObject mirrorsReplyJson(const QCborMap &reply, const QCborMap &app);
