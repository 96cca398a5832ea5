// An application's staleness partitions as operators get them: foresightctl's table and status
// line (app/ctl/partitionsformat.h) from console-status-reply's `partitions` (docs/protocol.md
// 15.4), its --json, and the HTTP API's GET /partitions (app/console/api/partitionsjson.h), which
// must answer the same JSON. tests/integration/tst_shadowapi.cpp asks the real server.

#include <QCborArray>
#include <QJsonArray>
#include <QTest>

#include "clusterformat.h"
#include "control/snapshotcbor.h"
#include "partitionsformat.h"
#include "partitionsjson.h"
#include "statusformat.h"

using namespace foresight;

namespace {

constexpr qint64 kNow = 1'700'000'060'000;

failover::PartitionsView samplePartitions()
{
    failover::PartitionsView partitions;
    partitions.algorithm = QStringLiteral("kmeans");
    partitions.clusteredWallMs = kNow - 12'000;
    partitions.clusters = 2;
    partitions.quality = 0.62;
    partitions.trackedKeys = 15;

    failover::PartitionView critical;
    critical.id = 7;
    critical.impactClass = config::ImpactClass::Critical;
    critical.toleratedMs = 1000;
    critical.keys = 12;
    critical.bytes = 4096;
    critical.sample = {QStringLiteral("session:1")};
    critical.rate = 31.25;
    critical.lastAccessWallMs = kNow - 250;
    critical.lastChangeWallMs = kNow - 300;
    critical.score = 96.5;
    critical.replicas = {{QStringLiteral("bravo"), Tier::Hot, true, 0, 0},
                         {QStringLiteral("charlie"), Tier::Warm, true, 1200, 96.5}};

    failover::PartitionView low;
    low.id = 9;
    low.impactClass = config::ImpactClass::Low;
    low.toleratedMs = 600'000;
    low.keys = 3;
    low.bytes = 30;
    low.rate = 2;
    low.replicas = {{QStringLiteral("bravo"), Tier::Hot, true, 40, 0.1},
                    {QStringLiteral("charlie"), Tier::Warm, false, 0, 0}};

    failover::PartitionView cold;
    cold.id = -3;
    cold.cold = true;
    cold.impactClass = config::ImpactClass::Critical;
    cold.toleratedMs = 1000;
    cold.keys = 5000;
    cold.bytes = 1 << 20;
    cold.rate = 0.5;
    cold.lastAccessWallMs = kNow - 90'000;
    partitions.list = {critical, low, cold};
    return partitions;
}

failover::ClusterSnapshot snapshotWith(std::optional<failover::PartitionsView> partitions,
                                       const QString &primary = QStringLiteral("alpha"))
{
    failover::ClusterSnapshot snapshot;
    snapshot.clusterName = QStringLiteral("test");
    snapshot.takenWallMs = kNow;
    failover::AppView app;
    app.name = QStringLiteral("shop");
    app.primary = primary;
    app.partitions = partitions;
    snapshot.apps.append(app);
    failover::AppView other;
    other.name = QStringLiteral("other");
    snapshot.apps.append(other);
    return snapshot;
}

// What foresightctl receives: console-status-reply for app shop, and shop's map in it.
struct Reply
{
    QCborMap status;
    QCborMap app;
};
Reply replyOf(const failover::ClusterSnapshot &snapshot)
{
    Reply reply;
    reply.status = control::snapshotToCbor(snapshot, QStringLiteral("shop"));
    reply.app = reply.status.value(QStringLiteral("apps")).toArray().first().toMap();
    return reply;
}

} // namespace

class TestPartitionsOutput final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compactUnits_data()
    {
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QString>("bytes");
        QTest::addColumn<QString>("duration");
        QTest::newRow("0") << qint64(0) << "0B"
                           << "0ms";
        QTest::newRow("999") << qint64(999) << "999B"
                             << "999ms";
        QTest::newRow("1000") << qint64(1000) << "1000B"
                              << "1s";
        QTest::newRow("1024") << qint64(1024) << "1.0KiB"
                              << "1.0s";
        QTest::newRow("1300") << qint64(1300) << "1.3KiB"
                              << "1.3s";
        QTest::newRow("42 s") << qint64(42'000) << "41KiB"
                              << "42s";
        QTest::newRow("10 min") << qint64(600'000) << "586KiB"
                                << "10min";
        QTest::newRow("1 MiB") << qint64(1 << 20) << "1.0MiB"
                               << "17min";
        QTest::newRow("3 h") << qint64(3 * 3'600'000) << "10MiB"
                             << "3h";
        QTest::newRow("2 days") << qint64(2 * 86'400'000) << "165MiB"
                                << "2d";
        QTest::newRow("negative") << qint64(-5) << "0B"
                                  << "0ms";
    }

    void compactUnits()
    {
        QFETCH(qint64, value);
        QFETCH(QString, bytes);
        QFETCH(QString, duration);
        QCOMPARE(compactBytes(value), bytes);
        QCOMPARE(compactDuration(value), duration);
    }

    void tableHasARowPerPartitionAndEachReplica()
    {
        const Reply reply = replyOf(snapshotWith(samplePartitions()));
        const QString table = formatPartitions(QStringLiteral("shop"),
                                               QStringLiteral("alpha"),
                                               reply.app.value(QStringLiteral("partitions")).toMap(),
                                               kNow);
        const QStringList lines = table.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 5); // header, column titles, three partitions
        QVERIFY2(lines[0].startsWith(QStringLiteral("shop (primary alpha): 3 partitions; kmeans, clustered 12s "
                                                    "ago: 2 clusters, quality 0.62; 15 tracked keys")),
                 qPrintable(lines[0]));
        QVERIFY(lines[1].contains(QStringLiteral("tolerated")));
        QVERIFY(lines[1].contains(QStringLiteral("last access")));

        const auto cells = [](const QString &line) { return line.simplified().split(QLatin1Char(' ')); };
        QCOMPARE(cells(lines[2]),
                 (QStringList{QStringLiteral("7"),
                              QStringLiteral("critical"),
                              QStringLiteral("1s"),
                              QStringLiteral("12"),
                              QStringLiteral("4.0KiB"),
                              QStringLiteral("31.25"),
                              QStringLiteral("250ms"),
                              QStringLiteral("ago"),
                              QStringLiteral("96.5"),
                              QStringLiteral("bravo:0ms"),
                              QStringLiteral("charlie:1.2s")}));
        QCOMPARE(cells(lines[3]),
                 (QStringList{QStringLiteral("9"),
                              QStringLiteral("low"),
                              QStringLiteral("10min"),
                              QStringLiteral("3"),
                              QStringLiteral("30B"),
                              QStringLiteral("2.00"),
                              QStringLiteral("never"),
                              QStringLiteral("0.0"),
                              QStringLiteral("bravo:40ms"),
                              QStringLiteral("charlie:not"),
                              QStringLiteral("held")}));
        // The cold partition shows its class in its id, and no replica column entry.
        QVERIFY2(lines[4].trimmed().startsWith(QStringLiteral("cold/critical")), qPrintable(lines[4]));
        QVERIFY(lines[4].contains(QStringLiteral("1.0MiB")));
        QVERIFY(lines[4].contains(QStringLiteral("1min ago")));
        QVERIFY(lines[4].trimmed().endsWith(QStringLiteral(" -")));
        // Columns line up: every row's class starts where the title's does.
        const qsizetype classColumn = lines[1].indexOf(QStringLiteral("class"));
        QCOMPARE(lines[2].indexOf(QStringLiteral("critical")), classColumn);
        QCOMPARE(lines[3].indexOf(QStringLiteral("low")), classColumn);
    }

    void headerBeforeTheFirstClusteringAndWithoutQuality()
    {
        failover::PartitionsView partitions = samplePartitions();
        partitions.algorithm = QStringLiteral("dbscan");
        partitions.clusteredWallMs = 0;
        partitions.quality.reset();
        const Reply reply = replyOf(snapshotWith(partitions));
        const QString header = formatPartitions(QStringLiteral("shop"),
                                                QStringLiteral("alpha"),
                                                reply.app.value(QStringLiteral("partitions")).toMap(),
                                                kNow)
                                   .section(QLatin1Char('\n'), 0, 0);
        QVERIFY2(header.contains(QStringLiteral("dbscan, not clustered yet (every key is in a cold partition)")),
                 qPrintable(header));
        QVERIFY(!header.contains(QStringLiteral("quality")));

        // A failed clustering says so under the header; the partitions before it stay.
        partitions.error = QStringLiteral("clustering took longer than 2000 ms");
        const QString failed
            = formatPartitions(QStringLiteral("shop"),
                               QStringLiteral("alpha"),
                               replyOf(snapshotWith(partitions)).app.value(QStringLiteral("partitions")).toMap(),
                               kNow);
        QCOMPARE(failed.section(QLatin1Char('\n'), 1, 1),
                 QStringLiteral("  the last clustering failed (the partitions before it stay): clustering took longer "
                                "than 2000 ms"));
        QCOMPARE(failed.count(QLatin1Char('\n')), 5);
    }

    void statusLineNamesTheStalestCriticalReplica()
    {
        const Reply reply = replyOf(snapshotWith(samplePartitions()));
        const QCborMap partitions = reply.app.value(QStringLiteral("partitions")).toMap();
        QCOMPARE(partitionsSummary(partitions),
                 QStringLiteral("partitions: 3 (2 critical), stalest critical: charlie 1.2s"));

        // The low partition's staleness does not count; current critical ones say so.
        failover::PartitionsView current = samplePartitions();
        current.list[0].replicas[1].stalenessMs = 0;
        QCOMPARE(partitionsSummary(replyOf(snapshotWith(current)).app.value(QStringLiteral("partitions")).toMap()),
                 QStringLiteral("partitions: 3 (2 critical), critical ones current on every replica holding them"));

        failover::PartitionsView lowOnly = samplePartitions();
        lowOnly.list = {lowOnly.list[1]};
        QCOMPARE(partitionsSummary(replyOf(snapshotWith(lowOnly)).app.value(QStringLiteral("partitions")).toMap()),
                 QStringLiteral("partitions: 1 (0 critical)"));
        QVERIFY(partitionsSummary(QCborMap{}).isEmpty()); // none reported: no line
    }

    // The same line in `cluster status` (from 15.4) and in an agent's `status` (from 9.2, which
    // carries the same map), and none for an application without partitions.
    void statusesCarryTheLine()
    {
        const QString line = QStringLiteral("partitions: 3 (2 critical), stalest critical: charlie 1.2s");
        const Reply reply = replyOf(snapshotWith(samplePartitions()));
        QVERIFY2(formatClusterStatus(reply.status).contains(QStringLiteral("\n  ") + line),
                 qPrintable(formatClusterStatus(reply.status)));
        QVERIFY(
            !formatClusterStatus(replyOf(snapshotWith(std::nullopt)).status).contains(QStringLiteral("partitions:")));

        const QCborMap agentApp{{QStringLiteral("app"), QStringLiteral("shop")},
                                {QStringLiteral("role"), QStringLiteral("primary")},
                                {QStringLiteral("partitions"), reply.app.value(QStringLiteral("partitions"))}};
        const QCborMap agentStatus{{QStringLiteral("agent"), QStringLiteral("alpha")},
                                   {QStringLiteral("apps"), QCborArray{agentApp}}};
        QVERIFY2(formatStatus(agentStatus).contains(QStringLiteral("\n    ") + line),
                 qPrintable(formatStatus(agentStatus)));
    }

    // foresightctl partitions --json reads the console's reply; GET /partitions the snapshot: the
    // same JSON, field for field.
    void ctlJsonIsTheApisJson()
    {
        const failover::ClusterSnapshot snapshot = snapshotWith(samplePartitions());
        const Reply reply = replyOf(snapshot);
        const auto api = api::partitionsStatusJson(snapshot, QStringLiteral("shop"));
        QVERIFY(api);
        const QJsonObject ctl = partitionsReplyJson(reply.status, reply.app);
        QCOMPARE(ctl, *api);
        QCOMPARE(ctl.value(QStringLiteral("app")).toString(), QStringLiteral("shop"));
        QCOMPARE(ctl.value(QStringLiteral("primary")).toString(), QStringLiteral("alpha"));
        const QJsonObject partitions = ctl.value(QStringLiteral("partitions")).toObject();
        QCOMPARE(partitions.value(QStringLiteral("algorithm")).toString(), QStringLiteral("kmeans"));
        QCOMPARE(partitions.value(QStringLiteral("quality")).toDouble(), 0.62);
        const QJsonArray list = partitions.value(QStringLiteral("list")).toArray();
        QCOMPARE(list.size(), 3);
        const QJsonObject cold = list[2].toObject();
        QCOMPARE(cold.value(QStringLiteral("id")).toInteger(), -3);
        QVERIFY(cold.value(QStringLiteral("cold")).toBool());
        QCOMPARE(cold.value(QStringLiteral("class")).toString(), QStringLiteral("critical"));
        const QJsonObject charlie = list[0].toObject().value(QStringLiteral("replicas")).toArray()[1].toObject();
        QCOMPARE(charlie.value(QStringLiteral("agent")).toString(), QStringLiteral("charlie"));
        QCOMPARE(charlie.value(QStringLiteral("tier")).toString(), QStringLiteral("warm"));
        QCOMPARE(charlie.value(QStringLiteral("staleness-ms")).toInteger(), 1200);
        QVERIFY(charlie.value(QStringLiteral("held")).toBool());
    }

    void noPartitionsYetIsNullWithAReason()
    {
        const failover::ClusterSnapshot snapshot = snapshotWith(std::nullopt);
        const Reply reply = replyOf(snapshot);
        QVERIFY(!reply.app.contains(QStringLiteral("partitions"))); // 15.4: absent until reported
        const QString why = noPartitionsReason(reply.app);
        QVERIFY2(why.startsWith(QStringLiteral("no partitions reported yet for shop: its primary alpha")),
                 qPrintable(why));
        const auto api = api::partitionsStatusJson(snapshot, QStringLiteral("shop"));
        QVERIFY(api);
        QVERIFY(api->value(QStringLiteral("partitions")).isNull());
        QVERIFY(api->value(QStringLiteral("reason")).toString().contains(QStringLiteral("alpha")));

        const failover::ClusterSnapshot headless = snapshotWith(std::nullopt, QString());
        QVERIFY(noPartitionsReason(replyOf(headless).app).contains(QStringLiteral("shop has no primary")));
        QVERIFY(api::partitionsStatusJson(headless, QStringLiteral("shop"))
                    ->value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("no primary")));
    }

    void apiQueryAndUnknownApplications_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status"); // 0: parsed
        QTest::addColumn<QString>("field");
        QTest::newRow("app") << "app=shop" << 0 << "";
        QTest::newRow("encoded") << "app=my%20app" << 0 << "";
        QTest::newRow("none") << "" << 400 << "app";
        QTest::newRow("empty") << "app=" << 400 << "app";
        QTest::newRow("too long") << QStringLiteral("app=") + QString(300, QLatin1Char('a')) << 400 << "app";
        QTest::newRow("other parameter") << "app=shop&limit=3" << 400 << "limit";
    }

    void apiQueryAndUnknownApplications()
    {
        QFETCH(QString, query);
        QFETCH(int, status);
        QFETCH(QString, field);
        const auto parsed = api::parsePartitionsQuery(QUrlQuery(query));
        if (status == 0) {
            QVERIFY(parsed);
            QVERIFY(!parsed->isEmpty());
            QVERIFY(!parsed->contains(QLatin1Char('%')));
            return;
        }
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().status, status);
        QCOMPARE(parsed.error().field, field);
    }

    void apiUnknownApplicationIs404NamingIt()
    {
        const auto unknown = api::partitionsStatusJson(snapshotWith(samplePartitions()), QStringLiteral("nope"));
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().status, 404);
        QCOMPARE(unknown.error().code, QStringLiteral("not-found"));
        QVERIFY(unknown.error().message.contains(QStringLiteral("'nope'")));
        QCOMPARE(unknown.error().field, QStringLiteral("app"));
    }
};

QTEST_GUILESS_MAIN(TestPartitionsOutput)
#include "tst_partitionsoutput.moc"
