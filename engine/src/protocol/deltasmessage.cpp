#include "protocol/deltasmessage.h"

#include <QCborArray>

#include "foresight/protocol/codecs.h"
#include "protocol/cborreader.h"

namespace foresight::protocol {
namespace {

// One delta map, held to what deltaFromCbor() accepts (and a "value" only on a put).
bool readDelta(QCborStreamReader &reader, state::StateDelta &delta)
{
    constexpr unsigned Seq = 1, Epoch = 2, Ts = 4, Key = 8, Op = 16, Value = 32;
    QString op;
    const std::optional<unsigned> seen = readFields(reader, [&](const FieldName &name) -> unsigned {
        if (name == QLatin1StringView("seq"))
            return readUnsigned(reader, delta.seq) && delta.seq > 0 ? Seq : 0;
        if (name == QLatin1StringView("epoch"))
            return readUnsigned(reader, delta.epoch) ? Epoch : 0;
        if (name == QLatin1StringView("ts")) {
            std::int64_t ts = 0;
            const bool ok = readInteger(reader, ts);
            delta.timestampMs = ts;
            return ok ? Ts : 0;
        }
        if (name == QLatin1StringView("key"))
            return readText(reader, delta.key) && !delta.key.isEmpty() ? Key : 0;
        if (name == QLatin1StringView("op")) {
            const bool ok = readText(reader, op)
                            && (op == QLatin1StringView("put") || op == QLatin1StringView("delete"));
            return ok ? Op : 0;
        }
        if (name == QLatin1StringView("value"))
            return readBytes(reader, delta.value) ? Value : 0;
        return 0;
    });
    const unsigned required = Seq | Epoch | Ts | Key | Op;
    if (!seen || (*seen & required) != required)
        return false;
    delta.op = op == QLatin1StringView("put") ? state::DeltaOp::Put : state::DeltaOp::Delete;
    return (delta.op == state::DeltaOp::Put) == bool(*seen & Value);
}

} // namespace

std::optional<DeltasMessage> decodeDeltasFast(const QByteArray &header, const QByteArray &body)
{
    if (wellFormedHeaderType(header) != MessageType::Deltas)
        return std::nullopt;
    QCborStreamReader reader(body);
    DeltasMessage message;
    constexpr unsigned App = 1, Epoch = 2, Upto = 4, Deltas = 8;
    // An unknown, repeated or ill-typed field gives up: the generic decode decides.
    const std::optional<unsigned> seen = readFields(reader, [&](const FieldName &name) -> unsigned {
        if (name == QLatin1StringView("app"))
            return readText(reader, message.app) ? App : 0;
        if (name == QLatin1StringView("epoch"))
            return readUnsigned(reader, message.epoch) ? Epoch : 0;
        if (name == QLatin1StringView("upto"))
            return readUnsigned(reader, message.upto) ? Upto : 0;
        if (name != QLatin1StringView("deltas") || !reader.isArray() || !reader.isLengthKnown())
            return 0;
        message.deltas.reserve(qsizetype(reader.length()));
        bool ok = reader.enterContainer();
        while (ok && reader.hasNext()) {
            state::StateDelta delta;
            ok = readDelta(reader, delta);
            message.deltas.append(std::move(delta));
        }
        return ok && reader.leaveContainer() ? Deltas : 0;
    });
    if (seen != (App | Epoch | Upto | Deltas) || reader.lastError() != QCborError::NoError
        || reader.currentOffset() != body.size())
        return std::nullopt;
    return message;
}

DeltasMessage deltasMessageFrom(const Message &message)
{
    DeltasMessage result;
    result.app = message.body.value(QStringLiteral("app")).toString();
    result.epoch = std::uint64_t(message.body.value(QStringLiteral("epoch")).toInteger());
    result.upto = std::uint64_t(message.body.value(QStringLiteral("upto")).toInteger());
    for (const QCborValue &value : message.body.value(QStringLiteral("deltas")).toArray()) {
        auto delta = deltaFromCbor(value);
        if (!delta) {
            result.badDelta = delta.error();
            break;
        }
        result.deltas.append(std::move(*delta));
    }
    return result;
}

} // namespace foresight::protocol
