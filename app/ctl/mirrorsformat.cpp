#include "mirrorsformat.h"

#include <algorithm>

#include <QCborArray>
#include <QLocale>
#include <QStringList>

namespace {

qint64 number(const QCborMap &map, const char *key)
{
    return map.value(QLatin1String(key)).toInteger();
}

QString column(const QString &text, int width)
{
    return text.leftJustified(width);
}

} // namespace

QString formatMirrors(const QString &app, const QString &primary, const QCborMap &mirrors)
{
    QLocale locale = QLocale::c();
    locale.setNumberOptions(QLocale::DefaultNumberOptions);
    const QCborArray clients = mirrors.value(QStringLiteral("clients")).toArray();
    QStringList lines;
    lines << QStringLiteral("Mirrors of %1 (primary %2): %3 change-event subscription(s), %4 event(s) sent, %5 "
                            "client(s) reporting")
                 .arg(app, primary)
                 .arg(number(mirrors, "subscriptions"))
                 .arg(locale.toString(number(mirrors, "events-sent")))
                 .arg(clients.size());
    if (clients.isEmpty()) {
        lines << QStringLiteral("No client has reported its mirrors in the last minute (clients report every "
                                "reportIntervalMs, 5 s by default).");
        return lines.join(QLatin1Char('\n'));
    }
    // As wide as the longest client name, and a space more: names are the clients' own.
    int nameWidth = 16;
    for (const QCborValue &entry : clients)
        nameWidth = std::max(nameWidth, int(entry.toMap().value(QStringLiteral("client")).toString().size()) + 2);
    lines << QString();
    lines << column(QStringLiteral("CLIENT"), nameWidth) + column(QStringLiteral("READS"), 11)
                 + column(QStringLiteral("HIT%"), 7) + column(QStringLiteral("COPIES"), 8)
                 + column(QStringLiteral("MEAN AGE"), 10) + column(QStringLiteral("REFRESH P99"), 13)
                 + column(QStringLiteral("FORECASTS R/M"), 15) + column(QStringLiteral("UNANNOUNCED"), 13)
                 + column(QStringLiteral("MISSED EV"), 11) + column(QStringLiteral("RESYNCS"), 9)
                 + QStringLiteral("EVENTS");
    for (const QCborValue &entry : clients) {
        const QCborMap client = entry.toMap();
        const QCborMap m = client.value(QStringLiteral("metrics")).toMap();
        const QString name = client.value(QStringLiteral("client")).toString();
        const bool live = m.value(QStringLiteral("events-live")).toBool();
        lines << column(name.isEmpty() ? QStringLiteral("(unnamed)") : name, nameWidth)
                     + column(locale.toString(number(m, "reads")), 11)
                     + column(QString::number(100 * m.value(QStringLiteral("hit-ratio")).toDouble(), 'f', 1), 7)
                     + column(QString::number(number(m, "mirrored")), 8)
                     + column(QStringLiteral("%1 ms").arg(m.value(QStringLiteral("mean-hit-age-ms")).toDouble(),
                                                          0,
                                                          'f',
                                                          0),
                              10)
                     + column(QStringLiteral("%1 us").arg(number(m, "refresh-p99-us")), 13)
                     + column(QStringLiteral("%1/%2")
                                  .arg(number(m, "forecasts-right"))
                                  .arg(number(m, "forecasts-missed")),
                              15)
                     + column(QString::number(number(m, "unannounced-changes")), 13)
                     + column(QString::number(number(m, "missed-events")), 11)
                     + column(QString::number(number(m, "resyncs")), 9)
                     + (live ? QStringLiteral("live") : QStringLiteral("off"))
                     + QStringLiteral("  (reported %1 s ago)")
                           .arg(double(client.value(QStringLiteral("reported-ms-ago")).toInteger()) / 1000, 0, 'f', 1);
    }
    return lines.join(QLatin1Char('\n'));
}

QString noMirrorsReason(const QCborMap &app)
{
    const QString name = app.value(QStringLiteral("name")).toString();
    const QString primary = app.value(QStringLiteral("primary")).toString();
    if (primary.isEmpty())
        return QStringLiteral("%1 has no primary: mirrors are reported by the primary's status").arg(name);
    return QStringLiteral("no mirrors of %1 yet: its primary %2 serves no change-event subscription and no client "
                          "has reported its mirrors (clients that use sdk::MirroredClient do; docs/mirrors.md)")
        .arg(name, primary);
}

QJsonObject mirrorsReplyJson(const QCborMap &reply, const QCborMap &app)
{
    return QJsonObject{{QStringLiteral("app"), app.value(QStringLiteral("name")).toString()},
                       {QStringLiteral("primary"), app.value(QStringLiteral("primary")).toString()},
                       {QStringLiteral("taken-ms"), reply.value(QStringLiteral("taken-ms")).toInteger()},
                       {QStringLiteral("mirrors"), app.value(QStringLiteral("mirrors")).toMap().toJsonObject()}};
}
