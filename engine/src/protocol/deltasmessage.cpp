#include "protocol/deltasmessage.h"

#include <QCborArray>

#include "foresight/protocol/codecs.h"
#include "protocol/cborreader.h"

namespace foresight::protocol {
namespace {

// One delta map, held to what deltaFromCbor() accepts (and a "value" only on a put).
bool readDelta(QCborStreamReader &reader, StateDelta &delta)
{
    if (!reader.isMap() || !reader.isLengthKnown() || !reader.enterContainer())
        return false;
    enum Seen : unsigned { Seq = 1, Epoch = 2, Ts = 4, Key = 8, Op = 16, Value = 32 };
    unsigned seen = 0;
    FieldName name;
    QString op;
    while (reader.hasNext()) {
        if (!readFieldName(reader, name))
            return false;
        unsigned field = 0;
        bool ok = false;
        if (name == QLatin1StringView("seq")) {
            field = Seq;
            ok = readUnsigned(reader, delta.seq) && delta.seq > 0;
        } else if (name == QLatin1StringView("epoch")) {
            field = Epoch;
            ok = readUnsigned(reader, delta.epoch);
        } else if (name == QLatin1StringView("ts")) {
            field = Ts;
            std::int64_t ts = 0;
            ok = readInteger(reader, ts);
            delta.timestampMs = ts;
        } else if (name == QLatin1StringView("key")) {
            field = Key;
            ok = readText(reader, delta.key) && !delta.key.isEmpty();
        } else if (name == QLatin1StringView("op")) {
            field = Op;
            ok = readText(reader, op) && (op == QLatin1StringView("put") || op == QLatin1StringView("delete"));
        } else if (name == QLatin1StringView("value")) {
            field = Value;
            ok = readBytes(reader, delta.value);
        }
        if (!ok || (seen & field))
            return false;
        seen |= field;
    }
    const unsigned required = Seq | Epoch | Ts | Key | Op;
    if ((seen & required) != required || !reader.leaveContainer())
        return false;
    delta.op = op == QLatin1StringView("put") ? DeltaOp::Put : DeltaOp::Delete;
    return (delta.op == DeltaOp::Put) == bool(seen & Value);
}

} // namespace

std::optional<DeltasMessage> decodeDeltasFast(const QByteArray &header, const QByteArray &body)
{
    if (wellFormedHeaderType(header) != MessageType::Deltas)
        return std::nullopt;
    QCborStreamReader reader(body);
    if (!reader.isMap() || !reader.isLengthKnown() || !reader.enterContainer())
        return std::nullopt;
    DeltasMessage message;
    enum Seen : unsigned { App = 1, Epoch = 2, Upto = 4, Deltas = 8 };
    unsigned seen = 0;
    FieldName name;
    while (reader.hasNext()) {
        if (!readFieldName(reader, name))
            return std::nullopt;
        unsigned field = 0;
        bool ok = false;
        if (name == QLatin1StringView("app")) {
            field = App;
            ok = readText(reader, message.app);
        } else if (name == QLatin1StringView("epoch")) {
            field = Epoch;
            ok = readUnsigned(reader, message.epoch);
        } else if (name == QLatin1StringView("upto")) {
            field = Upto;
            ok = readUnsigned(reader, message.upto);
        } else if (name == QLatin1StringView("deltas") && reader.isArray() && reader.isLengthKnown()) {
            field = Deltas;
            message.deltas.reserve(qsizetype(reader.length()));
            ok = reader.enterContainer();
            while (ok && reader.hasNext()) {
                StateDelta delta;
                ok = readDelta(reader, delta);
                message.deltas.append(std::move(delta));
            }
            ok = ok && reader.leaveContainer();
        }
        if (!ok || (seen & field))
            return std::nullopt; // unknown, repeated or ill-typed: the generic decode decides
        seen |= field;
    }
    if (seen != (App | Epoch | Upto | Deltas) || !reader.leaveContainer() || reader.lastError() != QCborError::NoError
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
