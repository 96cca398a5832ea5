// Unit tests for the wire protocol's fast paths: the hand-written CBOR writer and direct
// encoders against Qt's, and the fast decoders of writes and deltas against the generic decoder
// (same result, or a decline), fuzzed with mutated frames.

#include <limits>

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

#include "foresight/protocol/codecs.h"
#include "foresight/protocol/message.h"
#include "protocol/cborwriter.h"
#include "protocol/deltasmessage.h"
#include "protocol/writerequest.h"
#include "protocoltesting.h"

using namespace protocoltesting;

class TestFastCodecs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cborWriterMatchesQt();
    void directEncodersMatchMaps();
    void fastWriteDecodeMatchesGeneric_data();
    void fastWriteDecodeMatchesGeneric();
    void fastWriteDecodeDeclines_data();
    void fastWriteDecodeDeclines();
    void fastDeltasDecodeMatchesGeneric();
    void fastDeltasDecodeDeclines_data();
    void fastDeltasDecodeDeclines();
    void mutatedDeltasNeverCrash();
};

namespace {

QCborValue randomValue(QRandomGenerator &random, int depth)
{
    switch (random.bounded(depth > 2 ? 6 : 8)) {
    case 0: {
        // Integers around every head-size boundary, both signs.
        static const qint64 edges[]
            = {0, 23, 24, 255, 256, 65535, 65536, 4294967295LL, 4294967296LL, std::numeric_limits<qint64>::max()};
        const qint64 n = edges[random.bounded(10)] - qint64(random.bounded(2));
        return random.bounded(2) ? QCborValue(n) : QCborValue(-n - 1);
    }
    case 1: {
        QByteArray bytes(random.bounded(300), Qt::Uninitialized);
        for (char &c : bytes)
            c = char(random.bounded(256));
        return bytes;
    }
    case 2: {
        QString text;
        for (int i = int(random.bounded(40)); i > 0; --i)
            text += QChar(char16_t(random.bounded(2) ? 0x20 + random.bounded(90) : 0x400 + random.bounded(200)));
        return text;
    }
    case 3:
        return QCborValue(random.bounded(2) == 1);
    case 4:
        return QCborValue(QCborValue::Null);
    case 5:
        return QCborValue(random.generateDouble() * 1e6 - 5e5);
    case 6: {
        QCborArray array;
        for (int i = int(random.bounded(30)); i > 0; --i)
            array.append(randomValue(random, depth + 1));
        return array;
    }
    default: {
        QCborMap map;
        for (int i = int(random.bounded(30)); i > 0; --i)
            map.insert(QStringLiteral("k%1").arg(i), randomValue(random, depth + 1));
        return map;
    }
    }
}

} // namespace

void TestFastCodecs::cborWriterMatchesQt()
{
    // The hand-written encoder must produce Qt's bytes exactly, for every kind the protocol uses.
    QRandomGenerator random(20261123);
    for (int i = 0; i < 2000; ++i) {
        const QCborValue value = randomValue(random, 0);
        QByteArray ours;
        foresight::protocol::appendCbor(ours, value);
        QCOMPARE(ours.toHex(), value.toCbor().toHex());
    }
}

void TestFastCodecs::directEncodersMatchMaps()
{
    // The write path encodes deltas and acknowledgements without a QCborMap; a receiver must see
    // exactly the bytes the map would have given.
    const QList<StateDelta> deltas{makeDelta(1, DeltaOp::Put, u"cart/42"_s, QByteArray("\x00\xff v", 4)),
                                   makeDelta(Q_UINT64_C(1) << 40, DeltaOp::Delete, u"ключ"_s, {}),
                                   StateDelta{0, 7, -5, u"k"_s, DeltaOp::Put, QByteArray(300, 'v')}};
    for (const StateDelta &delta : deltas) {
        QByteArray direct;
        protocol::appendDeltaCbor(direct, delta);
        QCOMPARE(direct.toHex(), protocol::encodeBody(protocol::deltaToCbor(delta)).toHex());
    }
    const QCborMap ack{{u"id"_s, 70000}, {u"epoch"_s, 3}, {u"seq"_s, Q_INT64_C(1) << 33}};
    QCOMPARE(protocol::writeAckBody(70000, 3, Q_UINT64_C(1) << 33).toHex(), protocol::encodeBody(ack).toHex());
}

void TestFastCodecs::fastWriteDecodeMatchesGeneric_data()
{
    QTest::addColumn<MessageType>("type");
    QTest::addColumn<QCborMap>("body");
    QTest::newRow("put") << MessageType::Put << putBody();
    QCborMap withEpoch = putBody();
    withEpoch.remove(u"ack"_s);
    withEpoch.insert(u"epoch"_s, 9);
    QTest::newRow("put, no ack, epoch") << MessageType::Put << withEpoch;
    QCborMap emptyAck = putBody();
    emptyAck.insert(u"ack"_s, QString(u""_s));
    QTest::newRow("put, empty ack") << MessageType::Put << emptyAck; // an ack given, and wrong
    QTest::newRow("delete") << MessageType::Delete
                            << QCborMap{{u"id"_s, 0}, {u"app"_s, u"a"_s}, {u"key"_s, u"ключ"_s}, {u"epoch"_s, 2}};
}

void TestFastCodecs::fastWriteDecodeMatchesGeneric()
{
    QFETCH(MessageType, type);
    QFETCH(QCborMap, body);
    const QByteArray head = protocol::encodeHeader(type);
    const QByteArray bytes = protocol::encodeBody(body);
    const auto fast = protocol::decodeWriteFast(head, bytes);
    QVERIFY(fast.has_value());
    const auto generic = protocol::decode(head, bytes);
    QVERIFY2(generic.has_value(), qPrintable(describe(generic)));
    const protocol::WriteRequest expected = protocol::writeRequestFrom(*generic);
    QVERIFY(sameRequest(*fast, expected));
    QCOMPARE(fast->ack.has_value(), body.contains(u"ack"_s));
    QCOMPARE(fast->epoch.has_value(), body.contains(u"epoch"_s));
}

void TestFastCodecs::fastWriteDecodeDeclines_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("body");
    const QByteArray put = protocol::encodeHeader(MessageType::Put);
    auto bodyWith = [](const QString &field, const QCborValue &value) {
        QCborMap body = putBody();
        body.insert(field, value);
        return protocol::encodeBody(body);
    };
    QCborMap noValue = putBody();
    noValue.remove(u"value"_s);
    QTest::newRow("unknown field") << put << bodyWith(u"colour"_s, 1);
    QTest::newRow("id of wrong type") << put << bodyWith(u"id"_s, u"17"_s);
    QTest::newRow("negative epoch") << put << bodyWith(u"epoch"_s, -1);
    QTest::newRow("missing value") << put << protocol::encodeBody(noValue);
    QTest::newRow("trailing byte") << put << protocol::encodeBody(putBody()) + QByteArray(1, '\0');
    // {"id": 2^64 - 1, ...}: QCborValue cannot hold it as an integer, so the generic path decides.
    QByteArray hugeId = QByteArray::fromHex("a46269641bffffffffffffffff");
    hugeId += QByteArray::fromHex("636170706173") + QByteArray::fromHex("636b65796162")
              + QByteArray::fromHex("6576616c756540");
    QTest::newRow("id beyond int64") << put << hugeId;
    // {"id": 1, "id": 2, "app": "a", "key": "b", "value": h''}
    QTest::newRow("repeated field") << put
                                    << QByteArray::fromHex("a5626964016269640263617070616163")
                                           + QByteArray::fromHex("6b65796162") + QByteArray::fromHex("6576616c756540");
    QTest::newRow("indefinite map") << put
                                    << QByteArray::fromHex("bf6269640163617070616163")
                                           + QByteArray::fromHex("6b657961626576616c756540ff");
    QTest::newRow("get") << protocol::encodeHeader(MessageType::Get) << protocol::encodeBody(putBody());
    QTest::newRow("value in a delete") << protocol::encodeHeader(MessageType::Delete)
                                       << protocol::encodeBody(putBody());
    QTest::newRow("version 2") << header("FSGT", 2, 0, quint16(MessageType::Put)) << protocol::encodeBody(putBody());
    QTest::newRow("not CBOR") << put << QByteArray("\xa5\x62", 2);
}

void TestFastCodecs::fastWriteDecodeDeclines()
{
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, body);
    QVERIFY(!protocol::decodeWriteFast(head, body).has_value());
}

void TestFastCodecs::fastDeltasDecodeMatchesGeneric()
{
    const QList<StateDelta> deltas{makeDelta(11, DeltaOp::Put, u"cart/42"_s, QByteArray("\x00\xff v", 4)),
                                   makeDelta(12, DeltaOp::Delete, u"ключ"_s, {}),
                                   StateDelta{0, 13, -5, u"k"_s, DeltaOp::Put, QByteArray(300, 'v')},
                                   StateDelta{0, 14, std::numeric_limits<qint64>::min(), u"k"_s, DeltaOp::Delete, {}}};
    for (const QCborMap &body : {deltasBody(deltas), deltasBody({})}) {
        const QByteArray head = protocol::encodeHeader(MessageType::Deltas);
        const QByteArray bytes = protocol::encodeBody(body);
        const auto fast = protocol::decodeDeltasFast(head, bytes);
        QVERIFY(fast.has_value());
        const auto generic = protocol::decode(head, bytes);
        QVERIFY2(generic.has_value(), qPrintable(describe(generic)));
        const protocol::DeltasMessage expected = protocol::deltasMessageFrom(*generic);
        QVERIFY(!expected.badDelta);
        QCOMPARE(fast->deltas.size(), expected.deltas.size());
        for (qsizetype i = 0; i < fast->deltas.size(); ++i) {
            const StateDelta &a = fast->deltas[i];
            const StateDelta &b = expected.deltas[i];
            QCOMPARE(a.seq, b.seq);
            QCOMPARE(a.epoch, b.epoch);
            QCOMPARE(a.timestampMs, b.timestampMs);
            QCOMPARE(a.key, b.key);
            QCOMPARE(a.op, b.op);
            QCOMPARE(a.value, b.value);
        }
        QVERIFY(sameDeltas(*fast, expected));
        QCOMPARE(fast->deltas.size(), body.value(u"deltas"_s).toArray().size());
    }
}

void TestFastCodecs::fastDeltasDecodeDeclines_data()
{
    QTest::addColumn<QCborMap>("body");
    QTest::addColumn<int>("goodDeltas"); // read by the generic path before the bad one; -1: none is bad,
                                         // -2: the generic decode refuses the whole message
    const StateDelta good = makeDelta(11, DeltaOp::Put, u"a"_s, "v");
    auto withDelta = [&](const QString &field, const QCborValue &value) {
        QCborMap delta = protocol::deltaToCbor(makeDelta(12, DeltaOp::Put, u"b"_s, "w"));
        if (value.isUndefined())
            delta.remove(field);
        else
            delta.insert(field, value);
        QCborMap body = deltasBody({good});
        QCborArray array = body.value(u"deltas"_s).toArray();
        array.append(delta);
        body.insert(u"deltas"_s, array);
        return body;
    };
    QTest::newRow("seq 0") << withDelta(u"seq"_s, 0) << 1;
    QTest::newRow("empty key") << withDelta(u"key"_s, u""_s) << 1;
    QTest::newRow("op rename") << withDelta(u"op"_s, u"rename"_s) << 1;
    QTest::newRow("put without value") << withDelta(u"value"_s, QCborValue()) << 1;
    QTest::newRow("value as text") << withDelta(u"value"_s, u"w"_s) << 1;
    QTest::newRow("unknown delta field") << withDelta(u"colour"_s, 1) << -1;
    QCborMap extra = deltasBody({good});
    extra.insert(u"colour"_s, 1);
    QTest::newRow("unknown message field") << extra << -1;
    QCborMap stringEpoch = deltasBody({good});
    stringEpoch.insert(u"epoch"_s, u"3"_s);
    QTest::newRow("epoch as text") << stringEpoch << -2;
}

void TestFastCodecs::fastDeltasDecodeDeclines()
{
    QFETCH(QCborMap, body);
    QFETCH(int, goodDeltas);
    const QByteArray head = protocol::encodeHeader(MessageType::Deltas);
    const QByteArray bytes = protocol::encodeBody(body);
    QVERIFY(!protocol::decodeDeltasFast(head, bytes).has_value());
    // What the replica then falls back on.
    const auto generic = protocol::decode(head, bytes);
    QCOMPARE(generic.has_value(), goodDeltas != -2);
    if (!generic)
        return;
    const protocol::DeltasMessage fallback = protocol::deltasMessageFrom(*generic);
    QCOMPARE(fallback.badDelta.has_value(), goodDeltas >= 0);
    const auto sent = body.value(u"deltas"_s).toArray().size();
    QCOMPARE(fallback.deltas.size(), goodDeltas >= 0 ? goodDeltas : sent);
}

void TestFastCodecs::mutatedDeltasNeverCrash()
{
    QRandomGenerator rng(0xde17a);
    const QByteArray head = protocol::encodeHeader(MessageType::Deltas);
    const QByteArray body = protocol::encodeBody(
        deltasBody({makeDelta(11, DeltaOp::Put, u"a"_s, "v"), makeDelta(12, DeltaOp::Delete, u"b"_s, {})}));
    int decoded = 0;
    for (int i = 0; i < 5000; ++i) {
        QByteArray mutated = body;
        const int position = rng.bounded(int(mutated.size()));
        mutated[position] = char(mutated[position] ^ char(1 + rng.bounded(255)));
        checkDecodeIsSafe(head, mutated, &decoded);
        if (QTest::currentTestFailed()) {
            qWarning("mutation %d: byte %d to 0x%02x", i, position, quint8(mutated[position]));
            return;
        }
    }
    QVERIFY(decoded > 0);
}

QTEST_GUILESS_MAIN(TestFastCodecs)
#include "tst_fastcodecs.moc"
