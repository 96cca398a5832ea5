// foresightctl mirrors' text and JSON (app/ctl/mirrorsformat.cpp) from a console-status app map.

#include <QCborArray>
#include <QJsonArray>
#include <QTest>

#include "mirrorsformat.h"

namespace {

QCborMap mirrorsMap(bool withClient)
{
    QCborArray clients;
    if (withClient) {
        clients.append(QCborMap{{QStringLiteral("client"), QStringLiteral("web-1")},
                                {QStringLiteral("reported-ms-ago"), 2500},
                                {QStringLiteral("metrics"),
                                 QCborMap{{QStringLiteral("reads"), 12000},
                                          {QStringLiteral("hit-ratio"), 0.9512},
                                          {QStringLiteral("mirrored"), 40},
                                          {QStringLiteral("mean-hit-age-ms"), 830.4},
                                          {QStringLiteral("refresh-p99-us"), 255},
                                          {QStringLiteral("forecasts-right"), 17},
                                          {QStringLiteral("forecasts-missed"), 3},
                                          {QStringLiteral("unannounced-changes"), 2},
                                          {QStringLiteral("missed-events"), 1},
                                          {QStringLiteral("resyncs"), 1},
                                          {QStringLiteral("events-live"), true}}}});
    }
    return QCborMap{{QStringLiteral("subscriptions"), 2},
                    {QStringLiteral("events-sent"), 1234},
                    {QStringLiteral("clients"), clients}};
}

} // namespace

class TestMirrorsOutput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tableNamesEveryFigure()
    {
        const QString text = formatMirrors(QStringLiteral("shop"), QStringLiteral("alpha"), mirrorsMap(true));
        QVERIFY2(text.startsWith(QLatin1String("Mirrors of shop (primary alpha): 2 change-event subscription(s), "
                                               "1,234 event(s) sent, 1 client(s) reporting")),
                 qPrintable(text));
        const QString row = text.split(QLatin1Char('\n')).last();
        for (const char *part : {"web-1", "12,000", "95.1", "40", "830 ms", "255 us", "17/3", "live", "2.5 s ago"})
            QVERIFY2(row.contains(QLatin1String(part)),
                     qPrintable(QStringLiteral("%1 not in: %2").arg(QLatin1String(part), row)));
    }

    // A client's name longer than the column widens it: the name and its reads stay apart.
    void aLongClientNameWidensItsColumn()
    {
        QCborMap mirrors = mirrorsMap(true);
        QCborArray clients = mirrors.value(QStringLiteral("clients")).toArray();
        QCborMap client = clients.first().toMap();
        client.insert(QStringLiteral("client"), QStringLiteral("demo-settings-reader"));
        clients[0] = client;
        mirrors.insert(QStringLiteral("clients"), clients);
        const QString row
            = formatMirrors(QStringLiteral("prefs"), QStringLiteral("charlie"), mirrors).split(u'\n').last();
        QVERIFY2(row.startsWith(QLatin1String("demo-settings-reader  12,000")), qPrintable(row));
    }

    void withoutReportsSaysSo()
    {
        const QString text = formatMirrors(QStringLiteral("shop"), QStringLiteral("alpha"), mirrorsMap(false));
        QVERIFY(text.contains(QLatin1String("No client has reported")));
        const QString reason = noMirrorsReason(QCborMap{{QStringLiteral("name"), QStringLiteral("shop")}});
        QVERIFY2(reason.contains(QLatin1String("no primary")), qPrintable(reason));
    }

    void jsonKeepsTheMapAsReported()
    {
        const QCborMap app{{QStringLiteral("name"), QStringLiteral("shop")},
                           {QStringLiteral("primary"), QStringLiteral("alpha")},
                           {QStringLiteral("mirrors"), mirrorsMap(true)}};
        const QJsonObject json = mirrorsReplyJson(QCborMap{{QStringLiteral("taken-ms"), 99}}, app);
        QCOMPARE(json.value(QStringLiteral("app")).toString(), QStringLiteral("shop"));
        QCOMPARE(json.value(QStringLiteral("taken-ms")).toInteger(), 99);
        const QJsonObject mirrors = json.value(QStringLiteral("mirrors")).toObject();
        QCOMPARE(mirrors.value(QStringLiteral("events-sent")).toInteger(), 1234);
        QCOMPARE(mirrors.value(QStringLiteral("clients")).toArray().size(), 1);
    }
};

QTEST_APPLESS_MAIN(TestMirrorsOutput)
#include "tst_mirrorsoutput.moc"
