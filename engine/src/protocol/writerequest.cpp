#include "protocol/writerequest.h"

#include "protocol/cborreader.h"

namespace foresight::protocol {

std::optional<WriteRequest> decodeWriteFast(const QByteArray &header, const QByteArray &body)
{
    const std::optional<MessageType> type = wellFormedHeaderType(header);
    if (type != MessageType::Put && type != MessageType::Delete)
        return std::nullopt;

    QCborStreamReader reader(body);
    if (!reader.isMap() || !reader.isLengthKnown() || !reader.enterContainer())
        return std::nullopt;
    WriteRequest request;
    request.type = *type;
    enum Seen : unsigned { Id = 1, App = 2, Key = 4, Value = 8, Ack = 16, Epoch = 32 };
    unsigned seen = 0;
    FieldName name;
    while (reader.hasNext()) {
        if (!readFieldName(reader, name))
            return std::nullopt;
        unsigned field = 0;
        bool ok = false;
        if (name == QLatin1StringView("id")) {
            field = Id;
            ok = readUnsigned(reader, request.id);
        } else if (name == QLatin1StringView("app")) {
            field = App;
            ok = readText(reader, request.app);
        } else if (name == QLatin1StringView("key")) {
            field = Key;
            ok = readText(reader, request.key);
        } else if (name == QLatin1StringView("value") && *type == MessageType::Put) {
            field = Value;
            ok = readBytes(reader, request.value);
        } else if (name == QLatin1StringView("ack")) {
            field = Ack;
            QString ack;
            ok = readText(reader, ack);
            request.ack = ack;
        } else if (name == QLatin1StringView("epoch")) {
            field = Epoch;
            std::uint64_t epoch = 0;
            ok = readUnsigned(reader, epoch);
            request.epoch = epoch;
        }
        if (!ok || (seen & field))
            return std::nullopt; // unknown, repeated or ill-typed: the generic decode decides
        seen |= field;
    }
    const unsigned required = Id | App | Key | (*type == MessageType::Put ? unsigned(Value) : 0u);
    if ((seen & required) != required || !reader.leaveContainer() || reader.lastError() != QCborError::NoError
        || reader.currentOffset() != body.size())
        return std::nullopt;
    return request;
}

WriteRequest writeRequestFrom(const Message &message)
{
    WriteRequest request;
    request.type = message.type;
    request.id = std::uint64_t(message.body.value(QStringLiteral("id")).toInteger());
    request.app = message.body.value(QStringLiteral("app")).toString();
    request.key = message.body.value(QStringLiteral("key")).toString();
    request.value = message.body.value(QStringLiteral("value")).toByteArray();
    if (const QCborValue ack = message.body.value(QStringLiteral("ack")); ack.isString())
        request.ack = ack.toString();
    if (const QCborValue epoch = message.body.value(QStringLiteral("epoch")); epoch.isInteger())
        request.epoch = std::uint64_t(epoch.toInteger());
    return request;
}

} // namespace foresight::protocol
