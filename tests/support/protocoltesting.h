#pragma once

// The wire-protocol tests' shared fixtures (tst_protocol, tst_fastcodecs): sample bodies, a
// header with chosen bytes, comparisons of decoded requests, and the check that any input decodes
// safely.

#include <QCborArray>
#include <QCborMap>
#include <QTest>
#include <QtEndian>

#include "foresight/protocol/codecs.h"
#include "foresight/protocol/message.h"
#include "protocol/deltasmessage.h"
#include "protocol/writerequest.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::protocol::MessageType;
using foresight::state::DeltaOp;
using foresight::state::StateDelta;
namespace protocol = foresight::protocol;

Q_DECLARE_METATYPE(foresight::protocol::MessageType)
Q_DECLARE_METATYPE(foresight::state::StateDelta)

namespace protocoltesting {

using Entries = QList<QPair<QString, QByteArray>>;

inline QByteArray header(const char *magic, quint8 version, quint8 flags, quint16 type)
{
    QByteArray h(magic, 4);
    h.append(char(version));
    h.append(char(flags));
    char typeBytes[2];
    qToBigEndian<quint16>(type, typeBytes);
    h.append(typeBytes, 2);
    return h;
}

inline QCborMap putBody()
{
    return QCborMap{{u"id"_s, 17},
                    {u"app"_s, u"shop"_s},
                    {u"key"_s, u"cart/42"_s},
                    {u"value"_s, QByteArray("\x00\x01\xfe\xff payload", 12)},
                    {u"ack"_s, u"sync"_s}};
}

inline QCborMap heartbeatBody()
{
    return QCborMap{{u"agent"_s, u"alpha"_s},
                    {u"seq"_s, 41},
                    {u"incarnation"_s, Q_INT64_C(5804279233170942337)},
                    {u"wall-ms"_s, Q_INT64_C(1700000000000)},
                    {u"uptime-ms"_s, 4100},
                    {u"interval-ms"_s, 100},
                    {u"apps"_s, QCborArray{}}};
}

inline StateDelta makeDelta(std::uint64_t seq, DeltaOp op, const QString &key, const QByteArray &value)
{
    return StateDelta{3, seq, 1'700'000'000'123, key, op, value};
}

inline QString describe(const foresight::Result<protocol::Message> &result)
{
    return result.has_value() ? u"decoded as %1"_s.arg(protocol::messageTypeName(result->type))
                              : result.error().toString();
}

// What a successfully decoded put must look like, whatever bytes it came from.
inline bool isValidPut(const QCborMap &body)
{
    return body.value(u"id"_s).isInteger() && body.value(u"id"_s).toInteger() >= 0 && body.value(u"app"_s).isString()
           && body.value(u"key"_s).isString() && body.value(u"value"_s).isByteArray()
           && (body.value(u"ack"_s).isUndefined() || body.value(u"ack"_s).isString());
}

inline bool sameRequest(const protocol::WriteRequest &a, const protocol::WriteRequest &b)
{
    return a.type == b.type && a.id == b.id && a.app == b.app && a.key == b.key && a.value == b.value && a.ack == b.ack
           && a.epoch == b.epoch;
}

inline bool sameDeltas(const protocol::DeltasMessage &a, const protocol::DeltasMessage &b)
{
    return a.app == b.app && a.epoch == b.epoch && a.upto == b.upto && a.deltas == b.deltas
           && a.badDelta.has_value() == b.badDelta.has_value();
}

inline QCborMap deltasBody(const QList<StateDelta> &deltas)
{
    QCborArray array;
    for (const StateDelta &delta : deltas)
        array.append(protocol::deltaToCbor(delta));
    return QCborMap{{u"app"_s, u"shop"_s}, {u"epoch"_s, 3}, {u"upto"_s, 12}, {u"deltas"_s, array}};
}

// Decoding must not crash; it yields either a message that re-encodes and decodes to itself,
// or a protocol error with a message. The fast write decoder may decline anything, but what it
// accepts the generic decoder accepts too, with the same fields.
inline void checkDecodeIsSafe(const QByteArray &head, const QByteArray &body, int *decoded)
{
    const auto result = protocol::decode(head, body);
    if (const auto fast = protocol::decodeWriteFast(head, body)) {
        QVERIFY2(result.has_value(), qPrintable(describe(result)));
        QVERIFY(sameRequest(*fast, protocol::writeRequestFrom(*result)));
    }
    if (const auto fast = protocol::decodeDeltasFast(head, body)) {
        QVERIFY2(result.has_value(), qPrintable(describe(result)));
        QVERIFY(sameDeltas(*fast, protocol::deltasMessageFrom(*result)));
    }
    if (!result) {
        QVERIFY(result.error().code == ErrorCode::ProtocolError || result.error().code == ErrorCode::VersionMismatch);
        QVERIFY(!result.error().message.isEmpty());
        return;
    }
    ++*decoded;
    QVERIFY(protocol::isKnownMessageType(quint16(result->type)));
    QCOMPARE(head.size(), protocol::kHeaderSize);
    if (result->type == MessageType::Put)
        QVERIFY(isValidPut(result->body));
    const auto again = protocol::decode(protocol::encodeHeader(result->type), protocol::encodeBody(result->body));
    QVERIFY2(again.has_value(), qPrintable(describe(again)));
    QCOMPARE(again->type, result->type);
    QCOMPARE(again->body, result->body);
}

} // namespace protocoltesting
