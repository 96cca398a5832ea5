// Unit tests for the wire protocol: header and body framing, schema validation, the error each
// malformed frame gets, fuzzing, and the CBOR codecs of deltas and snapshot entries.

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

class TestProtocol final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headerLayout();
    void roundTrip_data();
    void roundTrip();
    void unknownFieldsAndOptionalFields();
    void badHeader_data();
    void badHeader();
    void versionMismatch_data();
    void versionMismatch();
    void bodyNotCbor_data();
    void bodyNotCbor();
    void bodyNotMap_data();
    void bodyNotMap();
    void missingRequiredField_data();
    void missingRequiredField();
    void fieldOfWrongType_data();
    void fieldOfWrongType();
    void randomBytesNeverCrash();
    void mutatedPutNeverCrashes();
    void makeErrorAndOk();
    void deltaRoundTrip_data();
    void deltaRoundTrip();
    void deltaFromCborRejects_data();
    void deltaFromCborRejects();
    void entriesRoundTrip_data();
    void entriesRoundTrip();
    void entriesFromCborRejects_data();
    void entriesFromCborRejects();
};

void TestProtocol::headerLayout()
{
    const QByteArray h = protocol::encodeHeader(MessageType::SnapshotChunk);
    QCOMPARE(h.size(), protocol::kHeaderSize);
    QCOMPARE(h, QByteArray("FSGT\x01\x00\x02\x06", 8));
    QCOMPARE(h, header("FSGT", protocol::kProtocolVersion, 0, 0x0206));
    QVERIFY(protocol::isKnownMessageType(0x0101));
    QVERIFY(!protocol::isKnownMessageType(0x0000));
    QVERIFY(!protocol::isKnownMessageType(0x0999));
    QCOMPARE(protocol::messageTypeName(MessageType::Put), u"put"_s);
    QCOMPARE(protocol::messageTypeName(MessageType(0x0999)), u"unknown(0x0999)"_s);
}

void TestProtocol::roundTrip_data()
{
    QTest::addColumn<MessageType>("type");
    QTest::addColumn<QCborMap>("body");

    QTest::newRow("hello") << MessageType::Hello
                           << QCborMap{{u"id"_s, 1},
                                       {u"version"_s, 1},
                                       {u"peer"_s, u"console"_s},
                                       {u"name"_s, u"noc-1"_s}};
    QTest::newRow("put") << MessageType::Put << putBody();
    QTest::newRow("put with empty value")
        << MessageType::Put
        << QCborMap{{u"id"_s, 0}, {u"app"_s, u"a"_s}, {u"key"_s, u"k"_s}, {u"value"_s, QByteArray()}};
    QTest::newRow("delete") << MessageType::Delete
                            << QCborMap{{u"id"_s, 2}, {u"app"_s, u"shop"_s}, {u"key"_s, u"ключ"_s}};
    QTest::newRow("get-reply") << MessageType::GetReply
                               << QCborMap{{u"id"_s, 3}, {u"found"_s, false}, {u"epoch"_s, 2}, {u"seq"_s, 9}};
    // Client mirrors (docs/protocol.md 7.4, 7.5, 7.7, 7.8).
    QTest::newRow("get asking for a forecast")
        << MessageType::Get
        << QCborMap{{u"id"_s, 11}, {u"app"_s, u"shop"_s}, {u"key"_s, u"cart/1"_s}, {u"forecast"_s, true}};
    QTest::newRow("get-reply with a forecast") << MessageType::GetReply
                                               << QCborMap{{u"id"_s, 11},
                                                           {u"found"_s, true},
                                                           {u"value"_s, QByteArray("42")},
                                                           {u"epoch"_s, 2},
                                                           {u"seq"_s, 9},
                                                           {u"next-change-in-ms"_s, -40},
                                                           {u"interval-ms"_s, 1000.0},
                                                           {u"change-confidence"_s, 0.9}};
    QTest::newRow("mirror-subscribe") << MessageType::MirrorSubscribe
                                      << QCborMap{{u"id"_s, 12},
                                                  {u"app"_s, u"shop"_s},
                                                  {u"prefixes"_s, QCborArray{u"cart/"_s}},
                                                  {u"interval-ms"_s, 500}};
    QTest::newRow("mirror-event") << MessageType::MirrorEvent
                                  << QCborMap{{u"app"_s, u"shop"_s},
                                              {u"subscription"_s, 3},
                                              {u"event-seq"_s, 7},
                                              {u"epoch"_s, 2},
                                              {u"seq"_s, 1050},
                                              {u"keys"_s, QCborArray{u"cart/42"_s}}};
    QTest::newRow("mirror-event ending") << MessageType::MirrorEvent
                                         << QCborMap{{u"app"_s, u"shop"_s},
                                                     {u"subscription"_s, 3},
                                                     {u"event-seq"_s, 8},
                                                     {u"epoch"_s, 2},
                                                     {u"seq"_s, 1050},
                                                     {u"keys"_s, QCborArray{}},
                                                     {u"overflow"_s, true},
                                                     {u"end"_s, u"fenced"_s}};
    QTest::newRow("deltas") << MessageType::Deltas
                            << QCborMap{{u"app"_s, u"shop"_s},
                                        {u"epoch"_s, 3},
                                        {u"upto"_s, 8},
                                        {u"deltas"_s,
                                         QCborArray{protocol::deltaToCbor(makeDelta(7, DeltaOp::Put, u"a"_s, "1")),
                                                    protocol::deltaToCbor(makeDelta(8, DeltaOp::Delete, u"b"_s, {}))}}};
    QTest::newRow("snapshot-chunk") << MessageType::SnapshotChunk
                                    << QCborMap{{u"app"_s, u"shop"_s},
                                                {u"seq"_s, 8},
                                                {u"entries"_s,
                                                 protocol::entriesToCbor({{u"a"_s, "1"}, {u"b"_s, "2"}}, 0, 2)}};
    QTest::newRow("assign") << MessageType::Assign
                            << QCborMap{{u"id"_s, 4},
                                        {u"app"_s, u"shop"_s},
                                        {u"role"_s, u"replica"_s},
                                        {u"primary"_s, QCborMap{{u"agent"_s, u"h1"_s}}},
                                        {u"config"_s, QCborMap{}}};
    QTest::newRow("lease anchored to a heartbeat") << MessageType::Lease
                                                   << QCborMap{{u"id"_s, 9},
                                                               {u"app"_s, u"shop"_s},
                                                               {u"epoch"_s, 3},
                                                               {u"lease-ms"_s, 1000},
                                                               {u"heartbeat"_s, 8812},
                                                               {u"incarnation"_s, std::numeric_limits<qint64>::max()}};
    QTest::newRow("promote anchored to a heartbeat") << MessageType::Promote
                                                     << QCborMap{{u"id"_s, 5},
                                                                 {u"app"_s, u"shop"_s},
                                                                 {u"lease-ms"_s, 1000},
                                                                 {u"heartbeat"_s, 1},
                                                                 {u"incarnation"_s, 1}};
    // Prediction between agents (docs/protocol.md 7.9 to 7.11).
    QTest::newRow("forecasts") << MessageType::Forecasts
                               << QCborMap{{u"app"_s, u"shop"_s},
                                           {u"epoch"_s, 3},
                                           {u"keys"_s,
                                            QCborArray{QCborMap{{u"key"_s, u"gauge/g0"_s},
                                                                {u"seq"_s, 41},
                                                                {u"next-ms"_s, qint64(1'700'000'000'000)},
                                                                {u"value"_s, 1410.5},
                                                                {u"change"_s, 10.0},
                                                                {u"interval-ms"_s, 1000.0}}}}};
    QTest::newRow("scheduled-deltas") << MessageType::ScheduledDeltas
                                      << QCborMap{{u"app"_s, u"shop"_s},
                                                  {u"epoch"_s, 4},
                                                  {u"batch"_s, 12},
                                                  {u"deltas"_s, QCborArray{}}};
    QTest::newRow("gap-request") << MessageType::GapRequest
                                 << QCborMap{{u"app"_s, u"shop"_s},
                                             {u"epoch"_s, 4},
                                             {u"gap-epoch"_s, 3},
                                             {u"from"_s, 361},
                                             {u"to"_s, 366}};
    QTest::newRow("gap-deltas") << MessageType::GapDeltas
                                << QCborMap{{u"app"_s, u"shop"_s},
                                            {u"agent"_s, u"alpha"_s},
                                            {u"gap-epoch"_s, 3},
                                            {u"from"_s, 7},
                                            {u"to"_s, 7},
                                            {u"complete"_s, true},
                                            {u"deltas"_s,
                                             QCborArray{
                                                 protocol::deltaToCbor(makeDelta(7, DeltaOp::Put, u"a"_s, "1"))}}};
    QTest::newRow("get-reply with a predicted value") << MessageType::GetReply
                                                      << QCborMap{{u"id"_s, 6},
                                                                  {u"found"_s, true},
                                                                  {u"value"_s, QByteArray("1420")},
                                                                  {u"epoch"_s, 4},
                                                                  {u"seq"_s, 360},
                                                                  {u"predicted"_s, true},
                                                                  {u"confidence"_s, 0.75}};
    // Without `heartbeat`, `incarnation` is optional and ignored.
    QTest::newRow("lease with incarnation alone")
        << MessageType::Lease
        << QCborMap{{u"id"_s, 9}, {u"app"_s, u"shop"_s}, {u"epoch"_s, 3}, {u"lease-ms"_s, 0}, {u"incarnation"_s, 7}};
    QTest::newRow("heartbeat with incarnation") << MessageType::Heartbeat << heartbeatBody();
    // Host inventories, mirrored by the console (docs/protocol.md 9.7, 9.14).
    {
        QCborMap body = heartbeatBody();
        body.insert(u"inventory-version"_s, qint64((1ULL << 53) - 1));
        QTest::newRow("heartbeat with inventory-version") << MessageType::Heartbeat << body;
    }
    QTest::newRow("host-inventory") << MessageType::HostInventory << QCborMap{{u"id"_s, 12}};
    QTest::newRow("large id") << MessageType::Ok << QCborMap{{u"id"_s, std::numeric_limits<qint64>::max()}};
    QTest::newRow("error") << MessageType::Error << protocol::makeError(5, {ErrorCode::NotPrimary, u"go to h2"_s}).body;
    // The console's control API (docs/protocol.md 15).
    QTest::newRow("console-status") << MessageType::ConsoleStatus << QCborMap{{u"id"_s, 1}, {u"app"_s, u"shop"_s}};
    QTest::newRow("console-status-reply")
        << MessageType::ConsoleStatusReply
        << QCborMap{{u"id"_s, 1},
                    {u"cluster"_s, u"prod"_s},
                    {u"taken-ms"_s, qint64(1'700'000'000'000)},
                    {u"journal-head"_s, 42},
                    {u"agents"_s, QCborArray{QCborMap{{u"name"_s, u"a"_s}, {u"heard-ms-ago"_s, -1}}}},
                    {u"apps"_s, QCborArray{}}};
    QTest::newRow("console-promote") << MessageType::ConsolePromote
                                     << QCborMap{{u"id"_s, 2},
                                                 {u"app"_s, u"shop"_s},
                                                 {u"agent"_s, u"b"_s},
                                                 {u"force"_s, false},
                                                 {u"dry-run"_s, true}};
    QTest::newRow("console-switchover") << MessageType::ConsoleSwitchover
                                        << QCborMap{{u"id"_s, 3},
                                                    {u"app"_s, u"shop"_s},
                                                    {u"at-ms"_s, qint64(1'700'000'000'000)},
                                                    {u"dry-run"_s, false}};
    QTest::newRow("console-maintenance") << MessageType::ConsoleMaintenance
                                         << QCborMap{{u"id"_s, 4}, {u"agent"_s, u"c"_s}, {u"on"_s, true}};
    QTest::newRow("console-acknowledge") << MessageType::ConsoleAcknowledge
                                         << QCborMap{{u"id"_s, 5}, {u"app"_s, u"shop"_s}};
    QTest::newRow("console-journal") << MessageType::ConsoleJournal
                                     << QCborMap{{u"id"_s, 6},
                                                 {u"after-id"_s, 10},
                                                 {u"limit"_s, 5},
                                                 {u"app"_s, u"shop"_s}};
    QTest::newRow("console-journal-reply")
        << MessageType::ConsoleJournalReply
        << QCborMap{{u"id"_s, 6}, {u"entries"_s, QCborArray{}}, {u"next-after-id"_s, 10}};
    QTest::newRow("console-incidents") << MessageType::ConsoleIncidents << QCborMap{{u"id"_s, 7}, {u"limit"_s, 3}};
    QTest::newRow("console-incidents-reply")
        << MessageType::ConsoleIncidentsReply << QCborMap{{u"id"_s, 7}, {u"incidents"_s, QCborArray{}}};
    QTest::newRow("console-shadow") << MessageType::ConsoleShadow
                                    << QCborMap{{u"id"_s, 8},
                                                {u"action"_s, u"promote"_s},
                                                {u"app"_s, u"shop"_s},
                                                {u"agent"_s, u"delta"_s},
                                                {u"force"_s, true},
                                                {u"dry-run"_s, false}};
    QTest::newRow("console-host-risk") << MessageType::ConsoleHostRisk
                                       << QCborMap{{u"id"_s, 9}, {u"agent"_s, u"bravo"_s}, {u"risk"_s, 0.8}};
    QTest::newRow("console-host-risk clear")
        << MessageType::ConsoleHostRisk << QCborMap{{u"id"_s, 10}, {u"agent"_s, u"bravo"_s}, {u"clear"_s, true}};
}

void TestProtocol::roundTrip()
{
    QFETCH(MessageType, type);
    QFETCH(QCborMap, body);

    const auto result = protocol::decode(protocol::encodeHeader(type), protocol::encodeBody(body));
    QVERIFY2(result.has_value(), qPrintable(describe(result)));
    QCOMPARE(result->type, type);
    QCOMPARE(result->body, body);
}

void TestProtocol::unknownFieldsAndOptionalFields()
{
    QCborMap body = putBody();
    body.remove(u"ack"_s);
    body.insert(u"future-field"_s, QCborArray{1, 2, 3});
    body.insert(42, u"integer key"_s);
    const auto result = protocol::decode(protocol::encodeHeader(MessageType::Put), protocol::encodeBody(body));
    QVERIFY2(result.has_value(), qPrintable(describe(result)));
    QCOMPARE(result->body, body);
}

void TestProtocol::badHeader_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QString>("expectedText");

    const QByteArray good = protocol::encodeHeader(MessageType::Put);
    QTest::newRow("empty header") << QByteArray() << u"0 bytes"_s;
    QTest::newRow("short header") << good.left(7) << u"7 bytes"_s;
    QTest::newRow("long header") << good + '\0' << u"9 bytes"_s;
    QTest::newRow("header and body in one frame") << good + protocol::encodeBody(putBody()) << u"expected 8"_s;
    QTest::newRow("wrong magic") << header("FSGX", 1, 0, 0x0101) << u"magic"_s;
    QTest::newRow("lower-case magic") << header("fsgt", 1, 0, 0x0101) << u"magic"_s;
    QTest::newRow("flags 1") << header("FSGT", 1, 1, 0x0101) << u"flags"_s;
    QTest::newRow("flags 0x80") << header("FSGT", 1, 0x80, 0x0101) << u"flags"_s;
    QTest::newRow("type 0") << header("FSGT", 1, 0, 0x0000) << u"unknown message type 0x0000"_s;
    QTest::newRow("unknown type") << header("FSGT", 1, 0, 0x0999) << u"unknown message type 0x0999"_s;
}

void TestProtocol::badHeader()
{
    QFETCH(QByteArray, head);
    QFETCH(QString, expectedText);

    const auto result = protocol::decode(head, protocol::encodeBody(putBody()));
    QVERIFY(!result.has_value());
    QCOMPARE(result.error().code, ErrorCode::ProtocolError);
    QVERIFY2(result.error().message.contains(expectedText), qPrintable(result.error().message));
}

void TestProtocol::versionMismatch_data()
{
    QTest::addColumn<int>("version");
    QTest::newRow("0") << 0;
    QTest::newRow("2") << 2;
    QTest::newRow("255") << 255;
}

void TestProtocol::versionMismatch()
{
    QFETCH(int, version);

    // Reported as a version mismatch even when the rest would be wrong for this version.
    for (const quint16 type : {quint16(0x0101), quint16(0x0999)}) {
        const auto result = protocol::decode(header("FSGT", quint8(version), 0, type), QByteArray("junk"));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, ErrorCode::VersionMismatch);
        const QString message = result.error().message;
        QVERIFY2(message.contains(u"version %1"_s.arg(version)), qPrintable(message));
        QVERIFY2(message.contains(u"version %1"_s.arg(protocol::kProtocolVersion)), qPrintable(message));
    }
}

void TestProtocol::bodyNotCbor_data()
{
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("empty body") << QByteArray();
    QTest::newRow("break code alone") << QByteArray("\xff", 1);
    QTest::newRow("reserved additional info") << QByteArray("\x1c", 1);
    QTest::newRow("unterminated indefinite map") << QByteArray("\xbf", 1);
    QTest::newRow("unterminated indefinite bytes") << QByteArray("\x5f\x41\x00", 3);
    QTest::newRow("map with missing value") << QByteArray("\xa1\x62id", 4);
    QTest::newRow("byte string longer than the body") << QByteArray("\xa1\x61k\x5a\xff\xff\xff\xff", 8);
    QTest::newRow("text") << QByteArray("hello, world");
    const QByteArray valid = protocol::encodeBody(putBody());
    // The body frame holds exactly one item: trailing bytes are not silently ignored.
    QTest::newRow("put plus a zero byte") << valid + '\0';
    QTest::newRow("put plus a break code") << valid + '\xff';
    QTest::newRow("two puts") << valid + valid;
    for (qsizetype length = 0; length < valid.size(); ++length)
        QTest::addRow("put truncated to %lld bytes", qlonglong(length)) << valid.left(length);
}

void TestProtocol::bodyNotCbor()
{
    QFETCH(QByteArray, body);

    const auto result = protocol::decode(protocol::encodeHeader(MessageType::Put), body);
    QVERIFY(!result.has_value());
    QCOMPARE(result.error().code, ErrorCode::ProtocolError);
    QVERIFY2(result.error().message.contains(u"CBOR"_s), qPrintable(result.error().message));
    QVERIFY2(result.error().message.startsWith(u"put:"_s), qPrintable(result.error().message));
}

void TestProtocol::bodyNotMap_data()
{
    QTest::addColumn<QCborValue>("body");
    QTest::newRow("array") << QCborValue(QCborArray{u"id"_s, 1, u"app"_s, u"shop"_s});
    QTest::newRow("integer") << QCborValue(17);
    QTest::newRow("text") << QCborValue(u"put"_s);
    QTest::newRow("bytes") << QCborValue(QByteArray("x"));
    QTest::newRow("null") << QCborValue(nullptr);
    QTest::newRow("tagged map") << QCborValue(QCborKnownTags::Signature, QCborValue(putBody()));
}

void TestProtocol::bodyNotMap()
{
    QFETCH(QCborValue, body);

    const auto result = protocol::decode(protocol::encodeHeader(MessageType::Put), body.toCbor());
    QVERIFY(!result.has_value());
    QCOMPARE(result.error().code, ErrorCode::ProtocolError);
    QVERIFY2(result.error().message.contains(u"map"_s), qPrintable(result.error().message));
}

void TestProtocol::missingRequiredField_data()
{
    QTest::addColumn<MessageType>("type");
    QTest::addColumn<QCborMap>("body");
    QTest::addColumn<QString>("field");

    for (const QString &field : {u"id"_s, u"app"_s, u"key"_s, u"value"_s}) {
        QCborMap body = putBody();
        body.remove(field);
        QTest::addRow("put without %s", qPrintable(field)) << MessageType::Put << body << field;
    }
    QTest::newRow("deltas without deltas")
        << MessageType::Deltas << QCborMap{{u"app"_s, u"a"_s}, {u"epoch"_s, 1}, {u"upto"_s, 2}} << u"deltas"_s;
    QTest::newRow("error without code") << MessageType::Error << QCborMap{{u"message"_s, u"x"_s}} << u"code"_s;
    QTest::newRow("ok with empty body") << MessageType::Ok << QCborMap{} << u"id"_s;
    // A field under another key type does not count.
    QTest::newRow("id as integer key") << MessageType::Ok << QCborMap{{0, 1}} << u"id"_s;
    QTest::newRow("replica-hello without seq-epoch")
        << MessageType::ReplicaHello
        << QCborMap{{u"app"_s, u"a"_s}, {u"agent"_s, u"h"_s}, {u"tier"_s, u"hot"_s}, {u"epoch"_s, 1}, {u"seq"_s, 2}}
        << u"seq-epoch"_s;
    QTest::newRow("mirror-event without event-seq")
        << MessageType::MirrorEvent
        << QCborMap{{u"app"_s, u"a"_s}, {u"subscription"_s, 1}, {u"epoch"_s, 1}, {u"seq"_s, 2}, {u"keys"_s, QCborArray{}}}
        << u"event-seq"_s;
    QTest::newRow("get-reply interval without a next change")
        << MessageType::GetReply
        << QCborMap{{u"id"_s, 1}, {u"found"_s, false}, {u"epoch"_s, 1}, {u"seq"_s, 2}, {u"interval-ms"_s, 10.0}}
        << u"next-change-in-ms"_s;
    // A lease anchor names the agent process as well as the heartbeat.
    QTest::newRow("lease heartbeat without incarnation")
        << MessageType::Lease
        << QCborMap{{u"id"_s, 1}, {u"app"_s, u"a"_s}, {u"epoch"_s, 1}, {u"lease-ms"_s, 100}, {u"heartbeat"_s, 3}}
        << u"incarnation"_s;
    QTest::newRow("promote heartbeat without incarnation")
        << MessageType::Promote << QCborMap{{u"id"_s, 1}, {u"app"_s, u"a"_s}, {u"lease-ms"_s, 100}, {u"heartbeat"_s, 3}}
        << u"incarnation"_s;
    QTest::newRow("console-promote without app") << MessageType::ConsolePromote << QCborMap{{u"id"_s, 1}} << u"app"_s;
    QTest::newRow("console-shadow without action")
        << MessageType::ConsoleShadow << QCborMap{{u"id"_s, 1}, {u"app"_s, u"shop"_s}} << u"action"_s;
    QTest::newRow("console-host-risk without agent")
        << MessageType::ConsoleHostRisk << QCborMap{{u"id"_s, 1}, {u"risk"_s, 0.5}} << u"agent"_s;
    QTest::newRow("console-maintenance without on")
        << MessageType::ConsoleMaintenance << QCborMap{{u"id"_s, 1}, {u"agent"_s, u"c"_s}} << u"on"_s;
    QTest::newRow("console-journal-reply without next-after-id")
        << MessageType::ConsoleJournalReply << QCborMap{{u"id"_s, 1}, {u"entries"_s, QCborArray{}}}
        << u"next-after-id"_s;
}

void TestProtocol::missingRequiredField()
{
    QFETCH(MessageType, type);
    QFETCH(QCborMap, body);
    QFETCH(QString, field);

    const auto result = protocol::decode(protocol::encodeHeader(type), protocol::encodeBody(body));
    QVERIFY(!result.has_value());
    QCOMPARE(result.error().code, ErrorCode::ProtocolError);
    const QString message = result.error().message;
    QVERIFY2(message.contains(u'\'' + field + u'\''), qPrintable(message));
    QVERIFY2(message.contains(u"missing"_s), qPrintable(message));
    QVERIFY2(message.startsWith(protocol::messageTypeName(type) + u':'), qPrintable(message));
}

void TestProtocol::fieldOfWrongType_data()
{
    QTest::addColumn<MessageType>("type");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QCborValue>("value");
    QTest::addColumn<QString>("expectedKind");

    QTest::newRow("id as text") << MessageType::Put << u"id"_s << QCborValue(u"17"_s) << u"unsigned integer"_s;
    QTest::newRow("id negative") << MessageType::Put << u"id"_s << QCborValue(-1) << u"unsigned integer"_s;
    QTest::newRow("id most negative") << MessageType::Put << u"id"_s << QCborValue(std::numeric_limits<qint64>::min())
                                      << u"unsigned integer"_s;
    QTest::newRow("id as double") << MessageType::Put << u"id"_s << QCborValue(17.0) << u"unsigned integer"_s;
    QTest::newRow("id as bool") << MessageType::Put << u"id"_s << QCborValue(true) << u"unsigned integer"_s;
    QTest::newRow("app as bytes") << MessageType::Put << u"app"_s << QCborValue(QByteArray("shop")) << u"text string"_s;
    QTest::newRow("key as null") << MessageType::Put << u"key"_s << QCborValue(nullptr) << u"text string"_s;
    QTest::newRow("value as text") << MessageType::Put << u"value"_s << QCborValue(u"payload"_s) << u"byte string"_s;
    QTest::newRow("optional ack as integer") << MessageType::Put << u"ack"_s << QCborValue(1) << u"text string"_s;
    QTest::newRow("write-ack epoch negative")
        << MessageType::WriteAck << u"epoch"_s << QCborValue(-5) << u"unsigned integer"_s;
    QTest::newRow("write-ack seq negative")
        << MessageType::WriteAck << u"seq"_s << QCborValue(-1) << u"unsigned integer"_s;
    QTest::newRow("get-reply found as int") << MessageType::GetReply << u"found"_s << QCborValue(1) << u"boolean"_s;
    QTest::newRow("deltas as map") << MessageType::Deltas << u"deltas"_s << QCborValue(QCborMap{}) << u"array"_s;
    QTest::newRow("assign primary as array")
        << MessageType::Assign << u"primary"_s << QCborValue(QCborArray{}) << u"map"_s;
    QTest::newRow("heartbeat inventory-version as text")
        << MessageType::Heartbeat << u"inventory-version"_s << QCborValue(u"3"_s) << u"unsigned integer"_s;
    for (const MessageType type : {MessageType::Lease, MessageType::Promote}) {
        const QString name = protocol::messageTypeName(type);
        for (const QString &field : {u"heartbeat"_s, u"incarnation"_s}) {
            QTest::addRow("%s %s as text", qPrintable(name), qPrintable(field))
                << type << field << QCborValue(u"12"_s) << u"unsigned integer"_s;
            QTest::addRow("%s %s negative", qPrintable(name), qPrintable(field))
                << type << field << QCborValue(-12) << u"unsigned integer"_s;
            QTest::addRow("%s %s as double", qPrintable(name), qPrintable(field))
                << type << field << QCborValue(12.0) << u"unsigned integer"_s;
            QTest::addRow("%s %s as bytes", qPrintable(name), qPrintable(field))
                << type << field << QCborValue(QByteArray("\x0c")) << u"unsigned integer"_s;
            QTest::addRow("%s %s as null", qPrintable(name), qPrintable(field))
                << type << field << QCborValue(nullptr) << u"unsigned integer"_s;
        }
    }
    QTest::newRow("heartbeat incarnation as text")
        << MessageType::Heartbeat << u"incarnation"_s << QCborValue(u"5804279233170942337"_s) << u"unsigned integer"_s;
    QTest::newRow("heartbeat incarnation negative")
        << MessageType::Heartbeat << u"incarnation"_s << QCborValue(-1) << u"unsigned integer"_s;
    QTest::newRow("heartbeat incarnation tagged bignum")
        << MessageType::Heartbeat << u"incarnation"_s
        << QCborValue(QCborKnownTags::PositiveBignum, QByteArray("\x01\x00\x00\x00\x00\x00\x00\x00\x00", 9))
        << u"unsigned integer"_s;
}

void TestProtocol::fieldOfWrongType()
{
    QFETCH(MessageType, type);
    QFETCH(QString, field);
    QFETCH(QCborValue, value);
    QFETCH(QString, expectedKind);

    // A body that is valid for the type except for the field under test.
    QCborMap body;
    switch (type) {
    case MessageType::Put:
        body = putBody();
        break;
    case MessageType::WriteAck:
        body = {{u"id"_s, 1}, {u"epoch"_s, 1}, {u"seq"_s, 1}};
        break;
    case MessageType::GetReply:
        body = {{u"id"_s, 1}, {u"found"_s, true}, {u"epoch"_s, 1}, {u"seq"_s, 1}};
        break;
    case MessageType::Deltas:
        body = {{u"app"_s, u"a"_s}, {u"epoch"_s, 1}, {u"upto"_s, 1}, {u"deltas"_s, QCborArray{}}};
        break;
    case MessageType::Assign:
        body = {{u"id"_s, 1}, {u"app"_s, u"a"_s}, {u"role"_s, u"replica"_s}};
        break;
    case MessageType::Lease:
        body = {{u"id"_s, 1},
                {u"app"_s, u"a"_s},
                {u"epoch"_s, 1},
                {u"lease-ms"_s, 100},
                {u"heartbeat"_s, 3},
                {u"incarnation"_s, 77}};
        break;
    case MessageType::Promote:
        body = {{u"id"_s, 1}, {u"app"_s, u"a"_s}, {u"lease-ms"_s, 100}, {u"heartbeat"_s, 3}, {u"incarnation"_s, 77}};
        break;
    case MessageType::Heartbeat:
        body = heartbeatBody();
        break;
    default:
        QFAIL("no base body for this type");
    }
    const auto valid = protocol::decode(protocol::encodeHeader(type), protocol::encodeBody(body));
    QVERIFY2(valid.has_value(), qPrintable(describe(valid)));

    body.insert(field, value);
    const auto result = protocol::decode(protocol::encodeHeader(type), protocol::encodeBody(body));
    QVERIFY(!result.has_value());
    QCOMPARE(result.error().code, ErrorCode::ProtocolError);
    const QString message = result.error().message;
    QVERIFY2(message.contains(u'\'' + field + u'\''), qPrintable(message));
    QVERIFY2(message.contains(expectedKind), qPrintable(message));
}

void TestProtocol::randomBytesNeverCrash()
{
    QRandomGenerator rng(0xf5a7);
    const QList<quint16> types{0x0001, 0x0003, 0x0004, 0x0101, 0x0102, 0x0105, 0x0203, 0x0206, 0x0303};
    int decoded = 0;
    for (int i = 0; i < 5000; ++i) {
        // Mostly valid headers, so that most inputs reach the CBOR parser and the schema check.
        QByteArray head;
        switch (rng.bounded(4)) {
        case 0:
            head.resize(rng.bounded(12));
            for (char &c : head)
                c = char(rng.bounded(256));
            break;
        default:
            head = header("FSGT", 1, 0, types[rng.bounded(int(types.size()))]);
            break;
        }
        QByteArray body(rng.bounded(64), Qt::Uninitialized);
        for (char &c : body)
            c = char(rng.bounded(256));
        // Start a third of them like a map so the parser goes deeper.
        if (!body.isEmpty() && rng.bounded(3) == 0)
            body[0] = char(0xa0 + rng.bounded(6));
        checkDecodeIsSafe(head, body, &decoded);
        if (QTest::currentTestFailed()) {
            qWarning("input %d: header %s body %s", i, head.toHex().constData(), body.toHex().constData());
            return;
        }
    }
    // Valid maps of an optional-only schema are possible but rare; the point is to get here.
    QVERIFY(decoded < 5000);
}

void TestProtocol::mutatedPutNeverCrashes()
{
    QRandomGenerator rng(0xbeef);
    const QByteArray head = protocol::encodeHeader(MessageType::Put);
    const QByteArray body = protocol::encodeBody(putBody());
    const QByteArray frame = head + body;
    int decoded = 0;
    for (int i = 0; i < 5000; ++i) {
        QByteArray mutated = frame;
        const int position = rng.bounded(int(mutated.size()));
        const char original = mutated[position];
        do {
            mutated[position] = char(rng.bounded(256));
        } while (mutated[position] == original);
        checkDecodeIsSafe(mutated.left(protocol::kHeaderSize), mutated.mid(protocol::kHeaderSize), &decoded);
        if (QTest::currentTestFailed()) {
            qWarning("mutation %d: byte %d to 0x%02x", i, position, quint8(mutated[position]));
            return;
        }
    }
    // Some mutations (inside the value bytes, say) leave a valid put; most do not.
    QVERIFY(decoded > 0);
    QVERIFY(decoded < 5000);
}

void TestProtocol::makeErrorAndOk()
{
    const protocol::Message error = protocol::makeError(9, {ErrorCode::StaleEpoch, u"epoch 2 < 3"_s});
    QCOMPARE(error.type, MessageType::Error);
    QCOMPARE(error.body.value(u"id"_s).toInteger(), 9);
    QCOMPARE(error.body.value(u"code"_s).toString(), u"stale-epoch"_s);
    QCOMPARE(foresight::errorCodeFromName(error.body.value(u"code"_s).toString()), ErrorCode::StaleEpoch);
    QCOMPARE(error.body.value(u"message"_s).toString(), u"epoch 2 < 3"_s);

    // No request id (a frame too broken to have one): the id field is left out, not -1.
    const protocol::Message anonymous = protocol::makeError(-1, {ErrorCode::ProtocolError, u"bad"_s});
    QVERIFY(!anonymous.body.contains(u"id"_s));
    const auto decoded = protocol::decode(protocol::encodeHeader(anonymous.type), protocol::encodeBody(anonymous.body));
    QVERIFY2(decoded.has_value(), qPrintable(describe(decoded)));

    const protocol::Message ok = protocol::makeOk(12);
    QCOMPARE(ok.type, MessageType::Ok);
    QCOMPARE(ok.body.value(u"id"_s).toInteger(), 12);
    QVERIFY(protocol::decode(protocol::encodeHeader(ok.type), protocol::encodeBody(ok.body)).has_value());
}

void TestProtocol::deltaRoundTrip_data()
{
    QTest::addColumn<StateDelta>("delta");

    QTest::newRow("put") << makeDelta(1, DeltaOp::Put, u"cart/42"_s, "three items");
    QTest::newRow("put binary") << makeDelta(2, DeltaOp::Put, u"bin"_s, QByteArray("\x00\xff\x00", 3));
    QTest::newRow("put empty value") << makeDelta(3, DeltaOp::Put, u"empty"_s, QByteArray());
    QTest::newRow("put non-ascii key") << makeDelta(4, DeltaOp::Put, u"ключ/😀"_s, "v");
    QTest::newRow("delete") << makeDelta(5, DeltaOp::Delete, u"cart/42"_s, QByteArray());
    StateDelta big = makeDelta(std::uint64_t(1) << 62, DeltaOp::Put, u"k"_s, "v");
    big.epoch = std::uint64_t(1) << 40;
    big.timestampMs = -5;
    QTest::newRow("large numbers") << big;
}

void TestProtocol::deltaRoundTrip()
{
    QFETCH(StateDelta, delta);

    const QCborMap map = protocol::deltaToCbor(delta);
    QCOMPARE(map.value(u"op"_s).toString(), delta.op == DeltaOp::Put ? u"put"_s : u"delete"_s);
    QCOMPARE(map.contains(u"value"_s), delta.op == DeltaOp::Put);

    // Through bytes on the wire, as a receiver sees it.
    const QCborValue wire = QCborValue::fromCbor(QCborValue(map).toCbor());
    const auto decoded = protocol::deltaFromCbor(wire);
    QVERIFY2(decoded.has_value(), decoded ? "" : qPrintable(decoded.error().toString()));
    QCOMPARE(decoded->seq, delta.seq);
    QCOMPARE(decoded->epoch, delta.epoch);
    QCOMPARE(decoded->timestampMs, delta.timestampMs);
    QCOMPARE(decoded->key, delta.key);
    QCOMPARE(decoded->op, delta.op);
    QCOMPARE(decoded->value, delta.value);
}

void TestProtocol::deltaFromCborRejects_data()
{
    QTest::addColumn<QCborValue>("value");
    QTest::addColumn<QString>("expectedText");

    const QCborMap put = protocol::deltaToCbor(makeDelta(7, DeltaOp::Put, u"k"_s, "v"));
    auto with = [&put](const QString &field, const QCborValue &v) {
        QCborMap m = put;
        m.insert(field, v);
        return QCborValue(m);
    };
    auto without = [&put](const QString &field) {
        QCborMap m = put;
        m.remove(field);
        return QCborValue(m);
    };
    QTest::newRow("not a map") << QCborValue(QCborArray{7, u"k"_s}) << u"map"_s;
    QTest::newRow("seq 0") << with(u"seq"_s, 0) << u"seq"_s;
    QTest::newRow("seq negative") << with(u"seq"_s, -1) << u"seq"_s;
    QTest::newRow("seq missing") << without(u"seq"_s) << u"seq"_s;
    QTest::newRow("seq as text") << with(u"seq"_s, u"7"_s) << u"seq"_s;
    QTest::newRow("epoch negative") << with(u"epoch"_s, -1) << u"epoch"_s;
    QTest::newRow("ts missing") << without(u"ts"_s) << u"ts"_s;
    QTest::newRow("empty key") << with(u"key"_s, QString()) << u"key"_s;
    QTest::newRow("key missing") << without(u"key"_s) << u"key"_s;
    QTest::newRow("key as bytes") << with(u"key"_s, QByteArray("k")) << u"key"_s;
    QTest::newRow("unknown op") << with(u"op"_s, u"upsert"_s) << u"upsert"_s;
    QTest::newRow("op in capitals") << with(u"op"_s, u"PUT"_s) << u"PUT"_s;
    QTest::newRow("op missing") << without(u"op"_s) << u"op"_s;
    QTest::newRow("op as number") << with(u"op"_s, 1) << u"op"_s;
    QTest::newRow("put without value") << without(u"value"_s) << u"value"_s;
    QTest::newRow("put with text value") << with(u"value"_s, u"v"_s) << u"value"_s;
}

void TestProtocol::deltaFromCborRejects()
{
    QFETCH(QCborValue, value);
    QFETCH(QString, expectedText);

    const auto result = protocol::deltaFromCbor(value);
    QVERIFY(!result.has_value());
    QCOMPARE(result.error().code, ErrorCode::ProtocolError);
    QVERIFY2(result.error().message.contains(expectedText), qPrintable(result.error().message));
}

void TestProtocol::entriesRoundTrip_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("expectedFrom");
    QTest::addColumn<int>("expectedCount");

    // Five entries.
    QTest::newRow("all") << 0 << 5 << 0 << 5;
    QTest::newRow("none") << 0 << 0 << 0 << 0;
    QTest::newRow("first two") << 0 << 2 << 0 << 2;
    QTest::newRow("middle") << 1 << 3 << 1 << 3;
    QTest::newRow("last") << 4 << 1 << 4 << 1;
    QTest::newRow("count past the end") << 3 << 100 << 3 << 2;
    QTest::newRow("from the end") << 5 << 10 << 5 << 0;
    QTest::newRow("from past the end") << 9 << 10 << 9 << 0;
}

void TestProtocol::entriesRoundTrip()
{
    QFETCH(int, from);
    QFETCH(int, count);
    QFETCH(int, expectedFrom);
    QFETCH(int, expectedCount);

    const Entries entries{{u"a"_s, "1"},
                          {u"ключ"_s, QByteArray("\x00\x01", 2)},
                          {u"empty"_s, QByteArray()},
                          {u"session/1"_s, QByteArray(1000, 'x')},
                          {u"z"_s, "last"}};
    const QCborArray array = protocol::entriesToCbor(entries, from, count);
    QCOMPARE(array.size(), expectedCount);

    const auto decoded = protocol::entriesFromCbor(QCborValue::fromCbor(QCborValue(array).toCbor()));
    QVERIFY2(decoded.has_value(), decoded ? "" : qPrintable(decoded.error().toString()));
    QCOMPARE(*decoded, entries.mid(expectedFrom, expectedCount));
}

void TestProtocol::entriesFromCborRejects_data()
{
    QTest::addColumn<QCborValue>("value");

    const QCborArray good{u"k"_s, QByteArray("v")};
    QTest::newRow("not an array") << QCborValue(QCborMap{{u"k"_s, QByteArray("v")}});
    QTest::newRow("entry not an array") << QCborValue(QCborArray{good, u"k"_s});
    QTest::newRow("entry a map") << QCborValue(QCborArray{QCborMap{{u"k"_s, QByteArray("v")}}});
    QTest::newRow("entry of one") << QCborValue(QCborArray{good, QCborArray{u"k"_s}});
    QTest::newRow("entry of three") << QCborValue(QCborArray{QCborArray{u"k"_s, QByteArray("v"), 1}});
    QTest::newRow("empty entry") << QCborValue(QCborArray{QCborArray{}});
    QTest::newRow("key as integer") << QCborValue(QCborArray{QCborArray{1, QByteArray("v")}});
    QTest::newRow("key as bytes") << QCborValue(QCborArray{QCborArray{QByteArray("k"), QByteArray("v")}});
    QTest::newRow("empty key") << QCborValue(QCborArray{QCborArray{QString(), QByteArray("v")}});
    QTest::newRow("value as text") << QCborValue(QCborArray{good, QCborArray{u"k2"_s, u"v"_s}});
    QTest::newRow("value null") << QCborValue(QCborArray{QCborArray{u"k"_s, nullptr}});
}

void TestProtocol::entriesFromCborRejects()
{
    QFETCH(QCborValue, value);

    const auto result = protocol::entriesFromCbor(value);
    QVERIFY(!result.has_value());
    QCOMPARE(result.error().code, ErrorCode::ProtocolError);
    QVERIFY(!result.error().message.isEmpty());
}

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
