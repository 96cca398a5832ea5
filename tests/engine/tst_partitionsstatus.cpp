// An application's staleness partitions from the primary's status (docs/protocol.md 9.2) to the
// snapshot, and on into console-status-reply (15.4): the decoder on crafted CBOR, complete,
// with fields missing and of the wrong kind, and the round trip through the reply's encoding.

#include <QCborArray>
#include <QJsonArray>
#include <QTest>

#include "control/snapshotcbor.h"
#include "failover/partitionsstatus.h"

using namespace foresight;
using namespace foresight::failover;

namespace {

constexpr qint64 kClusteredMs = 1'700'000'000'000;

// A partitions map as a primary reports it: one clustered critical partition held by a hot and
// a warm replica, one clustered low one the warm replica does not hold, and the cold low one.
QCborMap completePartitions()
{
    const QCborArray criticalReplicas{QCborMap{{QStringLiteral("agent"), QStringLiteral("bravo")},
                                               {QStringLiteral("tier"), QStringLiteral("hot")},
                                               {QStringLiteral("held"), true},
                                               {QStringLiteral("staleness-ms"), 0},
                                               {QStringLiteral("score"), 0}},
                                      QCborMap{{QStringLiteral("agent"), QStringLiteral("charlie")},
                                               {QStringLiteral("tier"), QStringLiteral("warm")},
                                               {QStringLiteral("held"), true},
                                               {QStringLiteral("staleness-ms"), 1250},
                                               {QStringLiteral("score"), 96.5}}};
    const QCborArray lowReplicas{QCborMap{{QStringLiteral("agent"), QStringLiteral("charlie")},
                                          {QStringLiteral("tier"), QStringLiteral("warm")},
                                          {QStringLiteral("held"), false},
                                          {QStringLiteral("staleness-ms"), 0},
                                          {QStringLiteral("score"), 0}}};
    const QCborArray list{QCborMap{{QStringLiteral("id"), 7},
                                   {QStringLiteral("cold"), false},
                                   {QStringLiteral("class"), QStringLiteral("critical")},
                                   {QStringLiteral("tolerated-ms"), 1000},
                                   {QStringLiteral("keys"), 12},
                                   {QStringLiteral("bytes"), 4096},
                                   {QStringLiteral("sample"),
                                    QCborArray{QStringLiteral("session:1"), QStringLiteral("session:2")}},
                                   {QStringLiteral("rate"), 31.25},
                                   {QStringLiteral("last-access-ms"), kClusteredMs + 900},
                                   {QStringLiteral("last-change-ms"), kClusteredMs + 800},
                                   {QStringLiteral("score"), 96.5},
                                   {QStringLiteral("replicas"), criticalReplicas}},
                          QCborMap{{QStringLiteral("id"), 9},
                                   {QStringLiteral("cold"), false},
                                   {QStringLiteral("class"), QStringLiteral("low")},
                                   {QStringLiteral("tolerated-ms"), 600000},
                                   {QStringLiteral("keys"), 3},
                                   {QStringLiteral("bytes"), 30},
                                   {QStringLiteral("sample"), QCborArray{QStringLiteral("history:1")}},
                                   {QStringLiteral("rate"), 2}, // an integral number arrives as a CBOR integer
                                   {QStringLiteral("last-access-ms"), 0},
                                   {QStringLiteral("last-change-ms"), 0},
                                   {QStringLiteral("score"), 0},
                                   {QStringLiteral("replicas"), lowReplicas}},
                          QCborMap{{QStringLiteral("id"), 0},
                                   {QStringLiteral("cold"), true},
                                   {QStringLiteral("class"), QStringLiteral("low")},
                                   {QStringLiteral("tolerated-ms"), 600000},
                                   {QStringLiteral("keys"), 5000},
                                   {QStringLiteral("bytes"), 1 << 20},
                                   {QStringLiteral("sample"), QCborArray{}},
                                   {QStringLiteral("rate"), 0.5},
                                   {QStringLiteral("last-access-ms"), kClusteredMs},
                                   {QStringLiteral("last-change-ms"), kClusteredMs},
                                   {QStringLiteral("score"), 0},
                                   {QStringLiteral("replicas"), QCborArray{}}}};
    return QCborMap{{QStringLiteral("algorithm"), QStringLiteral("kmeans")},
                    {QStringLiteral("clustered-ms"), kClusteredMs},
                    {QStringLiteral("clusters"), 2},
                    {QStringLiteral("quality"), 0.62},
                    {QStringLiteral("tracked-keys"), 15},
                    {QStringLiteral("list"), list},
                    {QStringLiteral("error"), QStringLiteral("clustering took longer than 2000 ms")}};
}

QCborMap statusWith(const QCborValue &partitions)
{
    return QCborMap{{QStringLiteral("app"), QStringLiteral("shop")},
                    {QStringLiteral("role"), QStringLiteral("primary")},
                    {QStringLiteral("partitions"), partitions}};
}

// The map with one field of one partition (index) replaced, or removed when value is undefined.
QCborMap withPartitionField(int index, const QString &key, const QCborValue &value)
{
    QCborMap partitions = completePartitions();
    QCborArray list = partitions.value(QStringLiteral("list")).toArray();
    QCborMap partition = list[index].toMap();
    if (value.isUndefined())
        partition.remove(key);
    else
        partition.insert(key, value);
    list[index] = partition;
    partitions.insert(QStringLiteral("list"), list);
    return partitions;
}

} // namespace

class TestPartitionsStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aCompleteMapIsReadField()
    {
        QString problem = QStringLiteral("left over");
        const auto partitions = partitionsFromStatus(statusWith(completePartitions()), &problem);
        QVERIFY2(partitions, qPrintable(problem));
        QVERIFY(problem.isEmpty());
        QCOMPARE(partitions->algorithm, QStringLiteral("kmeans"));
        QCOMPARE(partitions->clusteredWallMs, kClusteredMs);
        QCOMPARE(partitions->clusters, 2);
        QCOMPARE(partitions->quality, std::optional<double>(0.62));
        QCOMPARE(partitions->trackedKeys, 15);
        QCOMPARE(partitions->error, QStringLiteral("clustering took longer than 2000 ms"));
        QCOMPARE(partitions->list.size(), 3);

        const PartitionView &critical = partitions->list[0];
        QCOMPARE(critical.id, 7);
        QVERIFY(!critical.cold);
        QCOMPARE(critical.impactClass, config::ImpactClass::Critical);
        QCOMPARE(critical.toleratedMs, 1000);
        QCOMPARE(critical.keys, 12);
        QCOMPARE(critical.bytes, 4096);
        QCOMPARE(critical.sample, (QStringList{QStringLiteral("session:1"), QStringLiteral("session:2")}));
        QCOMPARE(critical.rate, 31.25);
        QCOMPARE(critical.lastAccessWallMs, kClusteredMs + 900);
        QCOMPARE(critical.lastChangeWallMs, kClusteredMs + 800);
        QCOMPARE(critical.score, 96.5);
        QCOMPARE(critical.replicas.size(), 2);
        QCOMPARE(critical.replicas[1].agent, QStringLiteral("charlie"));
        QCOMPARE(critical.replicas[1].tier, Tier::Warm);
        QVERIFY(critical.replicas[1].held);
        QCOMPARE(critical.replicas[1].stalenessMs, 1250);
        QCOMPARE(critical.replicas[1].score, 96.5);

        QCOMPARE(partitions->list[1].rate, 2.0);
        QVERIFY(!partitions->list[1].replicas[0].held);
        const PartitionView &cold = partitions->list[2];
        QCOMPARE(cold.id, 0);
        QVERIFY(cold.cold);
        QCOMPARE(cold.bytes, 1 << 20);
        QVERIFY(cold.sample.isEmpty());
    }

    void anOlderAgentOrAReplicaHasNone()
    {
        QString problem = QStringLiteral("left over");
        QVERIFY(!partitionsFromStatus(QCborMap{{QStringLiteral("role"), QStringLiteral("primary")}}, &problem));
        QVERIFY2(problem.isEmpty(), qPrintable(problem)); // absent is not malformed: nothing to log
        QVERIFY(!partitionsFromStatus(QCborMap{}));
    }

    void absentFieldsTakeTheirDefaults()
    {
        // Not clustered yet, no quality (dbscan), one cold critical partition with its id only.
        const QCborMap minimal{{QStringLiteral("algorithm"), QStringLiteral("dbscan")},
                               {QStringLiteral("list"), QCborArray{QCborMap{{QStringLiteral("id"), -3}}}}};
        QString problem;
        const auto partitions = partitionsFromStatus(statusWith(minimal), &problem);
        QVERIFY2(partitions, qPrintable(problem));
        QCOMPARE(partitions->clusteredWallMs, 0);
        QCOMPARE(partitions->clusters, 0);
        QVERIFY(!partitions->quality);
        QCOMPARE(partitions->list.size(), 1);
        const PartitionView &cold = partitions->list[0];
        QCOMPARE(cold.id, -3);
        QVERIFY(cold.cold);                                        // by its id
        QCOMPARE(cold.impactClass, config::ImpactClass::Critical); // by its id, as 9.2 numbers them
        QCOMPARE(cold.keys, 0);
        QVERIFY(cold.replicas.isEmpty());

        // An empty list: partitions reported, none yet (the state is empty).
        const auto empty = partitionsFromStatus(statusWith(QCborMap{}));
        QVERIFY(empty);
        QVERIFY(empty->list.isEmpty());
    }

    void coldPartitionsTakeTheirClassFromTheirId_data()
    {
        QTest::addColumn<int>("id");
        QTest::addColumn<int>("impactClass");
        QTest::newRow("0 low") << 0 << int(config::ImpactClass::Low);
        QTest::newRow("-1 medium") << -1 << int(config::ImpactClass::Medium);
        QTest::newRow("-2 high") << -2 << int(config::ImpactClass::High);
        QTest::newRow("-3 critical") << -3 << int(config::ImpactClass::Critical);
    }

    void coldPartitionsTakeTheirClassFromTheirId()
    {
        QFETCH(int, id);
        QFETCH(int, impactClass);
        auto map = withPartitionField(2, QStringLiteral("class"), QCborValue());
        QCborArray list = map.value(QStringLiteral("list")).toArray();
        QCborMap cold = list[2].toMap();
        cold.insert(QStringLiteral("id"), id);
        list[2] = cold;
        map.insert(QStringLiteral("list"), list);
        const auto partitions = partitionsFromStatus(statusWith(map));
        QVERIFY(partitions);
        QCOMPARE(partitions->list[2].id, qint64(id));
        QVERIFY(partitions->list[2].cold);
        QCOMPARE(int(partitions->list[2].impactClass), impactClass);
    }

    void anUnknownTierIsKeptAsNone()
    {
        auto map = completePartitions();
        QCborArray list = map.value(QStringLiteral("list")).toArray();
        QCborMap partition = list[0].toMap();
        QCborArray replicas = partition.value(QStringLiteral("replicas")).toArray();
        QCborMap replica = replicas[0].toMap();
        replica.insert(QStringLiteral("tier"), QStringLiteral("lukewarm"));
        replicas[0] = replica;
        partition.insert(QStringLiteral("replicas"), replicas);
        list[0] = partition;
        map.insert(QStringLiteral("list"), list);
        const auto partitions = partitionsFromStatus(statusWith(map));
        QVERIFY(partitions);
        QCOMPARE(partitions->list[0].replicas[0].tier, Tier::None);
        QCOMPARE(partitions->list[0].replicas[0].agent, QStringLiteral("bravo"));
    }

    void malformedMapsGiveNoneAndSayWhy_data()
    {
        QTest::addColumn<QCborValue>("partitions");
        QTest::addColumn<QString>("named"); // what the problem must name

        const auto top = [](const QString &key, const QCborValue &value) {
            QCborMap map = completePartitions();
            map.insert(key, value);
            return QCborValue(map);
        };
        QTest::newRow("not a map") << QCborValue(QStringLiteral("kmeans")) << "partitions is not a map";
        QTest::newRow("list not an array") << top(QStringLiteral("list"), QCborMap{}) << "partitions.list";
        QTest::newRow("an item not a map") << top(QStringLiteral("list"), QCborArray{1, 2}) << "partitions.list[0]";
        QTest::newRow("algorithm a number") << top(QStringLiteral("algorithm"), 1) << "partitions.algorithm";
        QTest::newRow("clustered-ms text")
            << top(QStringLiteral("clustered-ms"), QStringLiteral("now")) << "partitions.clustered-ms";
        QTest::newRow("clusters negative") << top(QStringLiteral("clusters"), -1) << "partitions.clusters";
        QTest::newRow("error a map") << top(QStringLiteral("error"), QCborMap{}) << "partitions.error";
        QTest::newRow("quality text") << top(QStringLiteral("quality"), QStringLiteral("good")) << "partitions.quality";
        QTest::newRow("id missing") << QCborValue(withPartitionField(1, QStringLiteral("id"), QCborValue()))
                                    << "partitions.list[1].id is missing";
        QTest::newRow("id a float") << QCborValue(withPartitionField(1, QStringLiteral("id"), 1.5))
                                    << "partitions.list[1].id";
        QTest::newRow("class unknown") << QCborValue(
            withPartitionField(0, QStringLiteral("class"), QStringLiteral("urgent")))
                                       << "'urgent' is not an impact class";
        QTest::newRow("class missing on a clustered one")
            << QCborValue(withPartitionField(0, QStringLiteral("class"), QCborValue())) << "partitions.list[0].class";
        QTest::newRow("cold a number") << QCborValue(withPartitionField(0, QStringLiteral("cold"), 0))
                                       << "partitions.list[0].cold";
        QTest::newRow("keys negative") << QCborValue(withPartitionField(0, QStringLiteral("keys"), -4))
                                       << "partitions.list[0].keys";
        QTest::newRow("bytes a float") << QCborValue(withPartitionField(0, QStringLiteral("bytes"), 2.5))
                                       << "partitions.list[0].bytes";
        QTest::newRow("rate text") << QCborValue(withPartitionField(0, QStringLiteral("rate"), QStringLiteral("fast")))
                                   << "partitions.list[0].rate";
        QTest::newRow("sample not text") << QCborValue(
            withPartitionField(0, QStringLiteral("sample"), QCborArray{QStringLiteral("a"), 3}))
                                         << "partitions.list[0].sample";
        QTest::newRow("replicas a map") << QCborValue(withPartitionField(0, QStringLiteral("replicas"), QCborMap{}))
                                        << "partitions.list[0].replicas";
        QTest::newRow("a replica's staleness text") << QCborValue(
            withPartitionField(0,
                               QStringLiteral("replicas"),
                               QCborArray{QCborMap{{QStringLiteral("agent"), QStringLiteral("bravo")},
                                                   {QStringLiteral("staleness-ms"), QStringLiteral("1s")}}}))
                                                    << "partitions.list[0].replicas[0].staleness-ms";
        QTest::newRow("a replica's held a number") << QCborValue(
            withPartitionField(0, QStringLiteral("replicas"), QCborArray{QCborMap{{QStringLiteral("held"), 1}}}))
                                                   << "partitions.list[0].replicas[0].held";
    }

    void malformedMapsGiveNoneAndSayWhy()
    {
        QFETCH(QCborValue, partitions);
        QFETCH(QString, named);
        QString problem;
        QVERIFY(!partitionsFromStatus(statusWith(partitions), &problem));
        QVERIFY2(problem.contains(named), qPrintable(problem));
        // The problem is optional: without it, the same answer.
        QVERIFY(!partitionsFromStatus(statusWith(partitions)));
    }

    // console-status-reply's `partitions` carries 9.2's field names: what the console encodes
    // reads back, with the agent's decoder, as the view it came from.
    void theConsoleReplyRoundTrips()
    {
        const auto partitions = partitionsFromStatus(statusWith(completePartitions()));
        QVERIFY(partitions);
        AppView app;
        app.name = QStringLiteral("shop");
        QVERIFY(!control::appToCbor(app).contains(QStringLiteral("partitions"))); // unset: absent
        app.partitions = partitions;
        const QCborMap reply = control::appToCbor(app);
        QVERIFY(reply.value(QStringLiteral("partitions")).isMap());
        const auto back = partitionsFromStatus(reply);
        QVERIFY(back);
        QCOMPARE(back->list.size(), partitions->list.size());
        QVERIFY(*back == *partitions);
        // Integers stay integers on the wire (3: uint fields are CBOR integers).
        const QCborMap first
            = reply.value(QStringLiteral("partitions")).toMap().value(QStringLiteral("list")).toArray().first().toMap();
        QVERIFY(first.value(QStringLiteral("keys")).isInteger());
        QVERIFY(first.value(QStringLiteral("last-access-ms")).isInteger());
        QCOMPARE(first.value(QStringLiteral("class")).toString(), QStringLiteral("critical"));
        // A replica that does not hold a partition has no staleness (9.2), and reads back as 0.
        const QCborMap notHeld = reply.value(QStringLiteral("partitions"))
                                     .toMap()
                                     .value(QStringLiteral("list"))
                                     .toArray()[1]
                                     .toMap()
                                     .value(QStringLiteral("replicas"))
                                     .toArray()
                                     .first()
                                     .toMap();
        QVERIFY(!notHeld.value(QStringLiteral("held")).toBool());
        QVERIFY(!notHeld.contains(QStringLiteral("staleness-ms")));
        QVERIFY(!notHeld.contains(QStringLiteral("score")));
        QVERIFY(first.value(QStringLiteral("replicas")).toArray()[1].toMap().contains(QStringLiteral("staleness-ms")));

        // Without a quality (dbscan) the key is absent, not 0.
        PartitionsView dbscan = *partitions;
        dbscan.algorithm = QStringLiteral("dbscan");
        dbscan.quality.reset();
        dbscan.error.clear();
        QVERIFY(!partitionsJson(dbscan).contains(QStringLiteral("quality")));
        QVERIFY(!partitionsJson(dbscan).contains(QStringLiteral("error")));
        app.partitions = dbscan;
        QVERIFY(*partitionsFromStatus(control::appToCbor(app)) == dbscan);
    }
};

QTEST_GUILESS_MAIN(TestPartitionsStatus)
#include "tst_partitionsstatus.moc"
