#include "protocol/writerequest.h"

#include "protocol/cborreader.h"

namespace foresight::protocol {

std::optional<WriteRequest> decodeWriteFast(const QByteArray &header, const QByteArray &body)
{
    const std::optional<MessageType> type = wellFormedHeaderType(header);
    if (type != MessageType::Put && type != MessageType::Delete)
        return std::nullopt;

    QCborStreamReader reader(body);
    WriteRequest request;
    request.type = *type;
    constexpr unsigned Id = 1, App = 2, Key = 4, Value = 8, Ack = 16, Epoch = 32;
    // An unknown, repeated or ill-typed field gives up: the generic decode decides.
    const std::optional<unsigned> seen = readFields(reader, [&](const FieldName &name) -> unsigned {
        if (name == QLatin1StringView("id"))
            return readUnsigned(reader, request.id) ? Id : 0;
        if (name == QLatin1StringView("app"))
            return readText(reader, request.app) ? App : 0;
        if (name == QLatin1StringView("key"))
            return readText(reader, request.key) ? Key : 0;
        if (name == QLatin1StringView("value") && *type == MessageType::Put)
            return readBytes(reader, request.value) ? Value : 0;
        if (name == QLatin1StringView("ack")) {
            QString ack;
            const bool ok = readText(reader, ack);
            request.ack = ack;
            return ok ? Ack : 0;
        }
        if (name == QLatin1StringView("epoch")) {
            std::uint64_t epoch = 0;
            const bool ok = readUnsigned(reader, epoch);
            request.epoch = epoch;
            return ok ? Epoch : 0;
        }
        return 0;
    });
    const unsigned required = Id | App | Key | (*type == MessageType::Put ? Value : 0u);
    if (!seen || (*seen & required) != required || reader.lastError() != QCborError::NoError
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
    request.local = message.body.value(QStringLiteral("local")).toBool();
    return request;
}

} // namespace foresight::protocol
