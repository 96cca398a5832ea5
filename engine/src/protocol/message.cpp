#include "foresight/protocol/message.h"

#include <vector>

#include <QCborArray>
#include <QCborStreamReader>
#include <QCborValue>
#include <QHash>
#include <QtEndian>

#include "protocol/cborwriter.h"

namespace foresight::protocol {
namespace {

enum class Kind { Uint, Text, Bytes, Bool, Array, Map, Number };

struct Field
{
    const char *name;
    Kind kind;
    bool required;
    const char *requiredWith = nullptr; // an optional field that is required when this one is present
};

struct Schema
{
    const char *name;
    // Owning storage: a std::initializer_list member would point at a temporary array that dies
    // once the table below is built.
    std::vector<Field> fields;
};

// The schema of every message body. Unknown fields are ignored (forward compatibility); known
// fields must have the stated type. Keep in step with docs/protocol.md.
const QHash<std::uint16_t, Schema> &schemas()
{
    using MT = MessageType;
    static const QHash<std::uint16_t, Schema> table{
        {quint16(MT::Hello),
         {"hello",
          {{"id", Kind::Uint, true},
           {"version", Kind::Uint, true},
           {"peer", Kind::Text, true},
           {"name", Kind::Text, false}}}},
        {quint16(MT::HelloReply),
         {"hello-reply",
          {{"id", Kind::Uint, true},
           {"version", Kind::Uint, true},
           {"agent", Kind::Text, true},
           {"role", Kind::Text, true}}}},
        {quint16(MT::Error),
         {"error", {{"id", Kind::Uint, false}, {"code", Kind::Text, true}, {"message", Kind::Text, true}}}},
        {quint16(MT::Ok), {"ok", {{"id", Kind::Uint, true}}}},
        {quint16(MT::Put),
         {"put",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"key", Kind::Text, true},
           {"value", Kind::Bytes, true},
           {"ack", Kind::Text, false},
           {"epoch", Kind::Uint, false},
           {"local", Kind::Bool, false}}}},
        {quint16(MT::Delete),
         {"delete",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"key", Kind::Text, true},
           {"ack", Kind::Text, false},
           {"epoch", Kind::Uint, false},
           {"local", Kind::Bool, false}}}},
        {quint16(MT::WriteAck),
         {"write-ack", {{"id", Kind::Uint, true}, {"epoch", Kind::Uint, true}, {"seq", Kind::Uint, true}}}},
        {quint16(MT::Get),
         {"get",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"key", Kind::Text, true},
           {"local", Kind::Bool, false},
           {"forecast", Kind::Bool, false}}}},
        {quint16(MT::GetReply),
         {"get-reply",
          {{"id", Kind::Uint, true},
           {"found", Kind::Bool, true},
           {"value", Kind::Bytes, false},
           {"epoch", Kind::Uint, true},
           {"seq", Kind::Uint, true},
           {"predicted", Kind::Bool, false},
           {"confidence", Kind::Number, false},
           {"local", Kind::Bool, false},
           {"next-change-in-ms", Kind::Number, false},
           {"interval-ms", Kind::Number, false, "next-change-in-ms"},
           {"change-confidence", Kind::Number, false, "next-change-in-ms"}}}},
        {quint16(MT::MirrorSubscribe),
         {"mirror-subscribe",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"prefixes", Kind::Array, false},
           {"interval-ms", Kind::Uint, false}}}},
        {quint16(MT::MirrorReport),
         {"mirror-report",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"client", Kind::Text, false},
           {"metrics", Kind::Map, true}}}},
        {quint16(MT::MirrorEvent),
         {"mirror-event",
          {{"app", Kind::Text, true},
           {"subscription", Kind::Uint, true},
           {"event-seq", Kind::Uint, true},
           {"epoch", Kind::Uint, true},
           {"seq", Kind::Uint, true},
           {"keys", Kind::Array, true},
           {"overflow", Kind::Bool, false},
           {"end", Kind::Text, false}}}},
        {quint16(MT::ReplicaHello),
         {"replica-hello",
          {{"app", Kind::Text, true},
           {"agent", Kind::Text, true},
           {"tier", Kind::Text, true},
           {"epoch", Kind::Uint, true},
           {"seq", Kind::Uint, true},
           {"seq-epoch", Kind::Uint, true},
           {"former-seq", Kind::Uint, false},
           {"former-epoch", Kind::Uint, false}}}},
        {quint16(MT::ReplicaWelcome),
         {"replica-welcome",
          {{"app", Kind::Text, true},
           {"agent", Kind::Text, true},
           {"epoch", Kind::Uint, true},
           {"seq", Kind::Uint, true},
           {"mode", Kind::Text, true},
           {"sdk", Kind::Text, false},
           {"critical", Kind::Array, false},
           {"scheduled", Kind::Bool, false}}}},
        {quint16(MT::Deltas),
         {"deltas",
          {{"app", Kind::Text, true},
           {"epoch", Kind::Uint, true},
           {"upto", Kind::Uint, true},
           {"deltas", Kind::Array, true}}}},
        {quint16(MT::ReplicaAck),
         {"replica-ack",
          {{"app", Kind::Text, true},
           {"epoch", Kind::Uint, true},
           {"seq", Kind::Uint, true},
           {"digest", Kind::Text, true},
           {"scheduled", Kind::Uint, false}}}},
        {quint16(MT::SnapshotBegin),
         {"snapshot-begin",
          {{"app", Kind::Text, true},
           {"epoch", Kind::Uint, true},
           {"seq", Kind::Uint, true},
           {"digest", Kind::Text, true},
           {"entries", Kind::Uint, true},
           {"reason", Kind::Text, true}}}},
        {quint16(MT::SnapshotChunk),
         {"snapshot-chunk", {{"app", Kind::Text, true}, {"seq", Kind::Uint, true}, {"entries", Kind::Array, true}}}},
        {quint16(MT::SnapshotEnd), {"snapshot-end", {{"app", Kind::Text, true}, {"seq", Kind::Uint, true}}}},
        {quint16(MT::Ping),
         {"ping", {{"id", Kind::Uint, true}, {"agent", Kind::Text, true}, {"pad", Kind::Bytes, false}}}},
        {quint16(MT::Pong),
         {"pong", {{"id", Kind::Uint, true}, {"agent", Kind::Text, true}, {"bytes", Kind::Uint, true}}}},
        {quint16(MT::Forecasts),
         {"forecasts", {{"app", Kind::Text, true}, {"epoch", Kind::Uint, true}, {"keys", Kind::Array, true}}}},
        {quint16(MT::GapRequest),
         {"gap-request",
          {{"app", Kind::Text, true},
           {"epoch", Kind::Uint, true},
           {"gap-epoch", Kind::Uint, true},
           {"from", Kind::Uint, true},
           {"to", Kind::Uint, true}}}},
        {quint16(MT::GapDeltas),
         {"gap-deltas",
          {{"app", Kind::Text, true},
           {"agent", Kind::Text, true},
           {"gap-epoch", Kind::Uint, true},
           {"from", Kind::Uint, true},
           {"to", Kind::Uint, true},
           {"complete", Kind::Bool, true},
           {"deltas", Kind::Array, true}}}},
        {quint16(MT::ScheduledDeltas),
         {"scheduled-deltas",
          {{"app", Kind::Text, true},
           {"epoch", Kind::Uint, true},
           {"batch", Kind::Uint, true},
           {"deltas", Kind::Array, true}}}},
        {quint16(MT::Status),
         {"status",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, false},
           {"wait-seq", Kind::Uint, false, "wait-ms"},
           {"wait-ms", Kind::Uint, false}}}},
        {quint16(MT::StatusReply),
         {"status-reply", {{"id", Kind::Uint, true}, {"agent", Kind::Text, true}, {"apps", Kind::Array, true}}}},
        {quint16(MT::Assign),
         {"assign",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"role", Kind::Text, true},
           {"tier", Kind::Text, false},
           {"primary", Kind::Map, false},
           {"config", Kind::Map, false},
           {"shadow", Kind::Bool, false},
           {"impact", Kind::Array, false},
           {"keep-seq", Kind::Uint, false, "keep-digest"},
           {"keep-digest", Kind::Text, false}}}},
        {quint16(MT::Promote),
         {"promote",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"epoch", Kind::Uint, false},
           {"primary-seq", Kind::Uint, false},
           {"lease-ms", Kind::Uint, false},
           {"heartbeat", Kind::Uint, false, "incarnation"},
           {"incarnation", Kind::Uint, false},
           {"expect-seq", Kind::Uint, false},
           {"expect-digest", Kind::Text, false},
           {"process", Kind::Map, false},
           {"impact", Kind::Array, false}}}},
        {quint16(MT::TakeSnapshot), {"take-snapshot", {{"id", Kind::Uint, true}, {"app", Kind::Text, true}}}},
        {quint16(MT::Lease),
         {"lease",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"epoch", Kind::Uint, true},
           {"lease-ms", Kind::Uint, true},
           {"heartbeat", Kind::Uint, false, "incarnation"},
           {"incarnation", Kind::Uint, false},
           {"successor-sdk", Kind::Text, false}}}},
        {quint16(MT::Fault),
         {"fault", {{"id", Kind::Uint, true}, {"app", Kind::Text, true}, {"kind", Kind::Text, true}}}},
        {quint16(MT::Peers),
         {"peers",
          {{"id", Kind::Uint, true},
           {"peers", Kind::Array, true},
           {"interval-ms", Kind::Uint, false},
           {"bandwidth-interval-ms", Kind::Uint, false},
           {"bandwidth-bytes", Kind::Uint, false}}}},
        {quint16(MT::Release),
         {"release", {{"id", Kind::Uint, true}, {"app", Kind::Text, true}, {"replica", Kind::Text, false}}}},
        {quint16(MT::Validate),
         {"validate",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"ready-timeout-ms", Kind::Uint, false},
           {"timeout-ms", Kind::Uint, false},
           {"process", Kind::Map, false}}}},
        {quint16(MT::HostInventory), {"host-inventory", {{"id", Kind::Uint, true}}}},
        {quint16(MT::Subscribe),
         {"subscribe", {{"id", Kind::Uint, true}, {"interval-ms", Kind::Uint, true}, {"ttl-ms", Kind::Uint, false}}}},
        {quint16(MT::Heartbeat),
         {"heartbeat",
          {{"agent", Kind::Text, true},
           {"seq", Kind::Uint, true},
           {"incarnation", Kind::Uint, false},
           {"wall-ms", Kind::Uint, true},
           {"uptime-ms", Kind::Uint, true},
           {"time-scale", Kind::Number, false},
           {"interval-ms", Kind::Uint, true},
           {"host", Kind::Map, false},
           {"host-error", Kind::Text, false},
           {"inventory-version", Kind::Uint, false},
           {"apps", Kind::Array, true},
           {"peers", Kind::Array, false}}}},
        {quint16(MT::ConsoleStatus), {"console-status", {{"id", Kind::Uint, true}, {"app", Kind::Text, false}}}},
        {quint16(MT::ConsoleStatusReply),
         {"console-status-reply",
          {{"id", Kind::Uint, true},
           {"cluster", Kind::Text, true},
           {"taken-ms", Kind::Uint, true},
           {"journal-head", Kind::Uint, true},
           {"agents", Kind::Array, true},
           {"apps", Kind::Array, true}}}},
        {quint16(MT::ConsolePromote),
         {"console-promote",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"agent", Kind::Text, false},
           {"force", Kind::Bool, false},
           {"dry-run", Kind::Bool, false}}}},
        {quint16(MT::ConsoleSwitchover),
         {"console-switchover",
          {{"id", Kind::Uint, true},
           {"app", Kind::Text, true},
           {"agent", Kind::Text, false},
           {"dry-run", Kind::Bool, false},
           {"at-ms", Kind::Uint, false}}}},
        {quint16(MT::ConsoleMaintenance),
         {"console-maintenance", {{"id", Kind::Uint, true}, {"agent", Kind::Text, true}, {"on", Kind::Bool, true}}}},
        {quint16(MT::ConsoleAcknowledge),
         {"console-acknowledge", {{"id", Kind::Uint, true}, {"app", Kind::Text, true}}}},
        {quint16(MT::ConsoleJournal),
         {"console-journal",
          {{"id", Kind::Uint, true},
           {"after-id", Kind::Uint, false},
           {"limit", Kind::Uint, false},
           {"app", Kind::Text, false}}}},
        {quint16(MT::ConsoleJournalReply),
         {"console-journal-reply",
          {{"id", Kind::Uint, true}, {"entries", Kind::Array, true}, {"next-after-id", Kind::Uint, true}}}},
        {quint16(MT::ConsoleIncidents),
         {"console-incidents", {{"id", Kind::Uint, true}, {"app", Kind::Text, false}, {"limit", Kind::Uint, false}}}},
        {quint16(MT::ConsoleIncidentsReply),
         {"console-incidents-reply", {{"id", Kind::Uint, true}, {"incidents", Kind::Array, true}}}},
        {quint16(MT::ConsoleFault),
         {"console-fault",
          {{"id", Kind::Uint, true},
           {"fault", Kind::Text, true},
           {"target", Kind::Text, false},
           {"peer", Kind::Text, false},
           {"how", Kind::Text, false},
           {"for-ms", Kind::Uint, false}}}},
        {quint16(MT::ConsoleReport), {"console-report", {{"id", Kind::Uint, true}, {"incident", Kind::Uint, true}}}},
        {quint16(MT::ConsoleReportReply),
         {"console-report-reply", {{"id", Kind::Uint, true}, {"report", Kind::Map, true}}}},
        {quint16(MT::ConsoleShadow),
         {"console-shadow",
          {{"id", Kind::Uint, true},
           {"action", Kind::Text, true},
           {"app", Kind::Text, true},
           {"agent", Kind::Text, false},
           {"force", Kind::Bool, false},
           {"dry-run", Kind::Bool, false},
           {"process", Kind::Map, false}}}},
        // Exactly one of risk and clear: controlrequests.cpp checks the pair and risk's range.
        {quint16(MT::ConsoleHostRisk),
         {"console-host-risk",
          {{"id", Kind::Uint, true},
           {"agent", Kind::Text, true},
           {"risk", Kind::Number, false},
           {"clear", Kind::Bool, false}}}},
    };
    return table;
}

bool hasKind(const QCborValue &value, Kind kind)
{
    switch (kind) {
    case Kind::Uint:
        return value.isInteger() && value.toInteger() >= 0;
    case Kind::Text:
        return value.isString();
    case Kind::Bytes:
        return value.isByteArray();
    case Kind::Bool:
        return value.isBool();
    case Kind::Array:
        return value.isArray();
    case Kind::Map:
        return value.isMap();
    case Kind::Number:
        return value.isInteger() || value.isDouble();
    }
    return false;
}

const char *kindName(Kind kind)
{
    switch (kind) {
    case Kind::Uint:
        return "an unsigned integer";
    case Kind::Text:
        return "a text string";
    case Kind::Bytes:
        return "a byte string";
    case Kind::Bool:
        return "a boolean";
    case Kind::Array:
        return "an array";
    case Kind::Map:
        return "a map";
    case Kind::Number:
        return "a number";
    }
    return "?";
}

} // namespace

QString messageTypeName(MessageType type)
{
    const auto it = schemas().constFind(quint16(type));
    if (it == schemas().cend())
        return QStringLiteral("unknown(0x%1)").arg(quint16(type), 4, 16, QLatin1Char('0'));
    return QString::fromLatin1(it->name);
}

bool isKnownMessageType(std::uint16_t value)
{
    return schemas().contains(value);
}

void writeHeader(char *out, MessageType type)
{
    std::copy(std::begin(kMagic), std::end(kMagic), out);
    out[4] = char(kProtocolVersion);
    out[5] = 0;
    qToBigEndian<quint16>(quint16(type), out + 6);
}

QByteArray encodeHeader(MessageType type)
{
    QByteArray header(kHeaderSize, Qt::Uninitialized);
    writeHeader(header.data(), type);
    return header;
}

QByteArray encodeBody(const QCborMap &body)
{
    QByteArray out;
    out.reserve(128);
    appendCbor(out, QCborValue(body));
    return out;
}

Result<Message> decode(const QByteArray &header, const QByteArray &body)
{
    if (header.size() != kHeaderSize) {
        return fail(ErrorCode::ProtocolError,
                    QStringLiteral("header frame has %1 bytes, expected %2").arg(header.size()).arg(kHeaderSize));
    }
    if (!std::equal(std::begin(kMagic), std::end(kMagic), header.constData()))
        return fail(ErrorCode::ProtocolError, QStringLiteral("header frame does not start with the magic \"FSGT\""));
    const auto version = quint8(header[4]);
    if (version != kProtocolVersion) {
        return fail(ErrorCode::VersionMismatch,
                    QStringLiteral("peer speaks protocol version %1, this side speaks version %2")
                        .arg(version)
                        .arg(kProtocolVersion));
    }
    if (header[5] != 0)
        return fail(ErrorCode::ProtocolError, QStringLiteral("header flags must be 0, got %1").arg(quint8(header[5])));
    const quint16 typeValue = qFromBigEndian<quint16>(header.constData() + 6);
    const auto schema = schemas().constFind(typeValue);
    if (schema == schemas().cend())
        return fail(ErrorCode::ProtocolError,
                    QStringLiteral("unknown message type 0x%1").arg(typeValue, 4, 16, QLatin1Char('0')));

    QCborStreamReader reader(body);
    const QCborValue value = QCborValue::fromCbor(reader);
    if (const QCborError error = reader.lastError(); error != QCborError::NoError) {
        return fail(ErrorCode::ProtocolError,
                    QStringLiteral("%1: body is not valid CBOR (%2 at byte %3)")
                        .arg(QLatin1String(schema->name), error.toString())
                        .arg(reader.currentOffset()));
    }
    // The body frame is exactly one data item; bytes after it mean a broken or forged sender.
    if (reader.currentOffset() != body.size()) {
        return fail(ErrorCode::ProtocolError,
                    QStringLiteral("%1: body is not valid CBOR (%2 bytes after the first item)")
                        .arg(QLatin1String(schema->name))
                        .arg(body.size() - reader.currentOffset()));
    }
    if (!value.isMap())
        return fail(ErrorCode::ProtocolError,
                    QStringLiteral("%1: body must be a CBOR map").arg(QLatin1String(schema->name)));

    Message message{MessageType(typeValue), value.toMap()};
    for (const Field &field : schema->fields) {
        const QCborValue fieldValue = message.body.value(QLatin1String(field.name));
        if (fieldValue.isUndefined()) {
            if (field.required) {
                return fail(ErrorCode::ProtocolError,
                            QStringLiteral("%1: required field '%2' is missing")
                                .arg(QLatin1String(schema->name), QLatin1String(field.name)));
            }
            continue;
        }
        if (!hasKind(fieldValue, field.kind)) {
            return fail(ErrorCode::ProtocolError,
                        QStringLiteral("%1: field '%2' must be %3")
                            .arg(QLatin1String(schema->name),
                                 QLatin1String(field.name),
                                 QLatin1String(kindName(field.kind))));
        }
        if (field.requiredWith && message.body.value(QLatin1String(field.requiredWith)).isUndefined()) {
            return fail(ErrorCode::ProtocolError,
                        QStringLiteral("%1: required field '%2' is missing (it must accompany '%3')")
                            .arg(QLatin1String(schema->name),
                                 QLatin1String(field.requiredWith),
                                 QLatin1String(field.name)));
        }
    }
    return message;
}

Message makeError(std::int64_t requestId, const Error &error)
{
    QCborMap body;
    if (requestId >= 0)
        body.insert(QStringLiteral("id"), qint64(requestId));
    body.insert(QStringLiteral("code"), errorCodeName(error.code));
    body.insert(QStringLiteral("message"), error.message);
    return Message{MessageType::Error, body};
}

Message makeOk(std::int64_t requestId)
{
    QCborMap body;
    body.insert(QStringLiteral("id"), qint64(requestId));
    return Message{MessageType::Ok, body};
}

} // namespace foresight::protocol
