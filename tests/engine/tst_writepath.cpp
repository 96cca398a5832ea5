// The SDK's write path without QCborMap: a put or delete encoded entry by entry must be the very
// bytes the QCborMap it replaced encoded to, and a write-ack read field by field must mean what
// the generic decode() makes of it, falling back to decode() for anything but the usual shape.

#include <limits>

#include <QCborMap>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

#include "foresight/protocol/message.h"
#include "protocol/cborwriter.h"
#include "protocol/mapentries.h"
#include "protocol/writeack.h"
#include "transport/channel.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::protocol::MessageType;
namespace protocol = foresight::protocol;
namespace transport = foresight::transport;

namespace {

QByteArray header(MessageType type, quint8 version = protocol::kProtocolVersion)
{
    QByteArray h = protocol::encodeHeader(type);
    h[4] = char(version);
    return h;
}

// A put as the client built it before: a QCborMap filled in this order, the epoch only when
// known, then the channel's "id".
QByteArray putAsMap(
    const QString &app, const QString &key, const QByteArray &value, const QString &ack, qint64 epoch, qint64 id)
{
    QCborMap body;
    body.insert(u"app"_s, app);
    body.insert(u"key"_s, key);
    body.insert(u"value"_s, value);
    body.insert(u"ack"_s, ack);
    if (epoch != 0)
        body.insert(u"epoch"_s, epoch);
    body.insert(u"id"_s, id);
    return protocol::encodeBody(body);
}

QByteArray putAsEntries(protocol::MapEntries &entries,
                        const QString &app,
                        const QString &key,
                        const QByteArray &value,
                        const QString &ack,
                        qint64 epoch,
                        qint64 id)
{
    entries.clear();
    entries.addText("app"_L1, app);
    entries.addText("key"_L1, key);
    entries.addBytes("value"_L1, value);
    entries.addText("ack"_L1, QLatin1StringView(ack.toLatin1()));
    if (epoch != 0)
        entries.addInteger("epoch"_L1, epoch);
    QByteArray out;
    transport::appendRequestBody(out, entries, id);
    return out;
}

// A literal's bytes, embedded zeros included.
template<std::size_t N>
QByteArray raw(const char (&literal)[N])
{
    return QByteArray(literal, qsizetype(N - 1));
}

// For QVERIFY2, which evaluates its message even when the check passes.
template<typename T>
QByteArray errorText(const foresight::Result<T> &result)
{
    return result ? QByteArray() : result.error().message.toUtf8();
}

QByteArray ackBody(qint64 id, qint64 epoch, qint64 seq)
{
    return protocol::encodeBody(QCborMap{{u"id"_s, id}, {u"epoch"_s, epoch}, {u"seq"_s, seq}});
}

// What the channels made of a reply before (matchReply, then the fields read from the map) and
// what they make of it now (matchWriteAck) must agree: not an answer, the same error with the
// same error body, or the same epoch and seq.
void compareWithGeneric(const QByteArray &head, const QByteArray &body, qint64 id, bool untied)
{
    QCborMap genericErrorBody;
    QCborMap fastErrorBody;
    const auto generic = transport::matchReply(head, body, id, untied, &genericErrorBody);
    const auto fast = transport::matchWriteAck(head, body, id, untied, &fastErrorBody);
    QCOMPARE(fast.has_value(), generic.has_value());
    QCOMPARE(fastErrorBody, genericErrorBody);
    if (!generic)
        return;
    QCOMPARE(fast->has_value(), generic->has_value());
    if (!generic->has_value()) {
        QCOMPARE(int(fast->error().code), int(generic->error().code));
        QCOMPARE(fast->error().message, generic->error().message);
        return;
    }
    const protocol::WriteAck expected = protocol::writeAckFrom(**generic);
    QCOMPARE((*fast)->epoch, expected.epoch);
    QCOMPARE((*fast)->seq, expected.seq);
}

} // namespace

class TestWritePath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void putEncodesAsTheMapDid_data()
    {
        QTest::addColumn<QString>("app");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("ack");
        QTest::addColumn<qint64>("epoch");
        QTest::addColumn<qint64>("id");

        QTest::newRow("first write, no epoch yet")
            << u"shop"_s << u"cart/42"_s << QByteArray("v") << u"replicated"_s << qint64(0) << qint64(1);
        QTest::newRow("binary value, primary ack") << u"shop"_s << u"k"_s << QByteArray("\x00\x01\xfe\xff payload", 12)
                                                   << u"primary"_s << qint64(3) << qint64(23);
        QTest::newRow("empty value and key")
            << u"a"_s << QString() << QByteArray() << u"replicated"_s << qint64(24) << qint64(24);
        QTest::newRow("non-ASCII key and app") << u"caf\u00e9"_s << u"\u043a\u043b\u044e\u0447/\U0001F600"_s
                                               << QByteArray(300, 'x') << u"primary"_s << qint64(255) << qint64(256);
        QTest::newRow("long value, wide integers")
            << u"shop"_s << QString(70, u'k') << QByteArray(70000, '\xab') << u"replicated"_s
            << Q_INT64_C(1099511627776) << Q_INT64_C(4294967296);
        QTest::newRow("largest epoch") << u"shop"_s << u"k"_s << QByteArray("v") << u"replicated"_s
                                       << std::numeric_limits<qint64>::max() << qint64(65535);
        // An epoch the client only read from an error body, never validated: the map wrote it
        // as a negative integer, and so must the entries.
        QTest::newRow("negative epoch") << u"shop"_s << u"k"_s << QByteArray("v") << u"primary"_s << qint64(-5)
                                        << qint64(7);
    }

    void putEncodesAsTheMapDid()
    {
        QFETCH(QString, app);
        QFETCH(QString, key);
        QFETCH(QByteArray, value);
        QFETCH(QString, ack);
        QFETCH(qint64, epoch);
        QFETCH(qint64, id);
        protocol::MapEntries entries;
        // Something else first: clear() must leave nothing of it behind.
        entries.addText("stale"_L1, u"left over"_s);
        const QByteArray expected = putAsMap(app, key, value, ack, epoch, id);
        QCOMPARE(putAsEntries(entries, app, key, value, ack, epoch, id), expected);
        QCOMPARE(entries.count(), quint64(epoch != 0 ? 5 : 4));
        if (epoch >= 0) {
            auto decoded = protocol::decode(protocol::encodeHeader(MessageType::Put), expected);
            QVERIFY2(decoded.has_value(), errorText(decoded).constData());
        }
    }

    void deleteEncodesAsTheMapDid()
    {
        QCborMap map;
        map.insert(u"app"_s, u"shop"_s);
        map.insert(u"key"_s, u"cart/42"_s);
        map.insert(u"ack"_s, u"primary"_s);
        map.insert(u"epoch"_s, qint64(9));
        map.insert(u"id"_s, qint64(1000));
        protocol::MapEntries entries;
        entries.addText("app"_L1, u"shop"_s);
        entries.addText("key"_L1, u"cart/42"_s);
        entries.addText("ack"_L1, "primary"_L1);
        entries.addInteger("epoch"_L1, 9);
        QByteArray out;
        transport::appendRequestBody(out, entries, 1000);
        QCOMPARE(out, protocol::encodeBody(map));
    }

    void writeAckIsReadWithoutDecode_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<quint64>("epoch");
        QTest::addColumn<quint64>("seq");

        QTest::newRow("small") << ackBody(7, 3, 1042) << quint64(3) << quint64(1042);
        QTest::newRow("zeros") << ackBody(7, 0, 0) << quint64(0) << quint64(0);
        QTest::newRow("head boundaries") << ackBody(7, 23, 24) << quint64(23) << quint64(24);
        QTest::newRow("wide") << ackBody(7, Q_INT64_C(4294967296), std::numeric_limits<qint64>::max())
                              << quint64(4294967296ULL) << quint64(std::numeric_limits<qint64>::max());
        QTest::newRow("other order") << protocol::encodeBody(QCborMap{{u"seq"_s, 5}, {u"id"_s, 7}, {u"epoch"_s, 2}})
                                     << quint64(2) << quint64(5);
        // 0x18 0x05: 5 in a longer head than needed; still well-formed CBOR and a uint.
        QTest::newRow("non-shortest head") << raw("\xa3\x62id\x07\x65"
                                                  "epoch\x18\x05\x63seq\x01")
                                           << quint64(5) << quint64(1);
    }

    void writeAckIsReadWithoutDecode()
    {
        QFETCH(QByteArray, body);
        QFETCH(quint64, epoch);
        QFETCH(quint64, seq);
        const QByteArray head = header(MessageType::WriteAck);
        const auto ack = protocol::decodeWriteAck(head, body);
        QVERIFY(ack.has_value());
        QCOMPARE(ack->id, quint64(7));
        QCOMPARE(ack->epoch, epoch);
        QCOMPARE(ack->seq, seq);
        auto decoded = protocol::decode(head, body);
        QVERIFY2(decoded.has_value(), errorText(decoded).constData());
        QCOMPARE(protocol::writeAckFrom(*decoded).epoch, epoch);
        QCOMPARE(protocol::writeAckFrom(*decoded).seq, seq);
        compareWithGeneric(head, body, 7, true);
        compareWithGeneric(head, body, 7, false);
        // Another request's acknowledgement is not the answer.
        QVERIFY(!transport::matchWriteAck(head, body, 8, true, nullptr).has_value());
    }

    void otherRepliesFallBack_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("outcome"); // 0: not an answer, 1: an acknowledgement, 2: an error
        QTest::addColumn<QString>("message");

        const QByteArray ack = header(MessageType::WriteAck);
        QTest::newRow("unknown field is ignored")
            << ack << protocol::encodeBody(QCborMap{{u"id"_s, 7}, {u"epoch"_s, 2}, {u"seq"_s, 5}, {u"new"_s, u"x"_s}})
            << 1 << QString();
        QTest::newRow("indefinite-length map") << ack
                                               << raw("\xbf\x62id\x07\x65"
                                                      "epoch\x02\x63seq\x05\xff")
                                               << 1 << QString();
        QTest::newRow("wrong kind") << ack
                                    << protocol::encodeBody(QCborMap{{u"id"_s, 7}, {u"epoch"_s, 2}, {u"seq"_s, u"5"_s}})
                                    << 0 << u"write-ack: field 'seq' must be an unsigned integer"_s;
        QTest::newRow("negative epoch") << ack << ackBody(7, -2, 5) << 0
                                        << u"write-ack: field 'epoch' must be an unsigned integer"_s;
        QTest::newRow("missing field") << ack << protocol::encodeBody(QCborMap{{u"id"_s, 7}, {u"epoch"_s, 2}}) << 0
                                       << u"write-ack: required field 'seq' is missing"_s;
        QTest::newRow("duplicate field") << ack
                                         << raw("\xa3\x62id\x07\x62id\x07\x65"
                                                "epoch\x02")
                                         << -1 << QString();
        QTest::newRow("beyond qint64") << ack
                                       << raw("\xa3\x62id\x07\x65"
                                              "epoch\x1b\xff\xff\xff\xff\xff\xff\xff\xff"
                                              "\x63seq\x05")
                                       << -1 << QString();
        QTest::newRow("trailing bytes") << ack << ackBody(7, 2, 5) + QByteArray(1, '\x00') << 0
                                        << u"write-ack: body is not valid CBOR (1 bytes after the first item)"_s;
        QTest::newRow("truncated") << ack << ackBody(7, 2, 300).chopped(1) << -1 << QString();
        QTest::newRow("version mismatch") << header(MessageType::WriteAck, 2) << ackBody(7, 2, 5) << 2
                                          << u"peer speaks protocol version 2, this side speaks version 1"_s;
        QTest::newRow("error reply") << header(MessageType::Error)
                                     << protocol::encodeBody(QCborMap{{u"id"_s, 7},
                                                                      {u"code"_s, u"not-enough-replicas"_s},
                                                                      {u"message"_s, u"only 0 of 1"_s}})
                                     << 2 << u"only 0 of 1"_s;
        QTest::newRow("redirect with hint")
            << header(MessageType::Error)
            << protocol::encodeBody(QCborMap{{u"id"_s, 7},
                                             {u"code"_s, u"not-primary"_s},
                                             {u"message"_s, u"ask beta"_s},
                                             {u"epoch"_s, 4},
                                             {u"primary-sdk"_s, u"unix:///run/beta.sock"_s}})
            << 2 << u"ask beta"_s;
        // Not a write-ack, but the answer to this id: read as before, epoch and seq 0.
        QTest::newRow("ok reply") << header(MessageType::Ok) << protocol::encodeBody(QCborMap{{u"id"_s, 7}}) << 1
                                  << QString();
    }

    void otherRepliesFallBack()
    {
        QFETCH(QByteArray, head);
        QFETCH(QByteArray, body);
        QFETCH(int, outcome);
        QFETCH(QString, message);
        QVERIFY(!protocol::decodeWriteAck(head, body).has_value());
        compareWithGeneric(head, body, 7, false);
        compareWithGeneric(head, body, 7, true);
        QCborMap errorBody;
        const auto answer = transport::matchWriteAck(head, body, 7, true, &errorBody);
        if (outcome < 0)
            return; // whatever decode() says, compareWithGeneric checked the fast path agrees
        auto decoded = protocol::decode(head, body);
        switch (outcome) {
        case 0:
            QVERIFY(!answer.has_value());
            QVERIFY(!decoded.has_value());
            QCOMPARE(decoded.error().message, message);
            break;
        case 1:
            QVERIFY(answer.has_value() && answer->has_value());
            QCOMPARE((*answer)->epoch, head == header(MessageType::Ok) ? quint64(0) : quint64(2));
            QCOMPARE((*answer)->seq, head == header(MessageType::Ok) ? quint64(0) : quint64(5));
            break;
        default:
            QVERIFY(answer.has_value() && !answer->has_value());
            QCOMPARE(answer->error().message, message);
            if (decoded)
                QCOMPARE(errorBody, decoded->body);
            break;
        }
    }

    // Bytes flipped, cut or inserted anywhere in a write-ack: the fast path and the generic one
    // still agree on every one.
    void mutatedRepliesAgree()
    {
        QRandomGenerator random(20261124);
        const QByteArray head = header(MessageType::WriteAck);
        const QByteArray original = ackBody(7, 70000, 300);
        int fastHits = 0;
        for (int round = 0; round < 5000; ++round) {
            QByteArray body = original;
            const int edits = 1 + random.bounded(3);
            for (int e = 0; e < edits && !body.isEmpty(); ++e) {
                const int at = random.bounded(int(body.size()));
                switch (random.bounded(3)) {
                case 0:
                    body[at] = char(random.bounded(256));
                    break;
                case 1:
                    body.remove(at, 1);
                    break;
                default:
                    body.insert(at, char(random.bounded(256)));
                    break;
                }
            }
            compareWithGeneric(head, body, 7, true);
            if (QTest::currentTestFailed()) {
                qWarning("body: %s", body.toHex().constData());
                return;
            }
            if (protocol::decodeWriteAck(head, body))
                ++fastHits;
        }
        QVERIFY(fastHits > 0); // some mutations keep the usual shape (a changed value)
    }
};

QTEST_GUILESS_MAIN(TestWritePath)
#include "tst_writepath.moc"
