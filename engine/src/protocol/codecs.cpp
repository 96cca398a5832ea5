#include "foresight/protocol/codecs.h"

#include "protocol/cborwriter.h"

namespace foresight::protocol {

QCborMap deltaToCbor(const state::StateDelta &delta)
{
    QCborMap map;
    map.insert(QStringLiteral("seq"), qint64(delta.seq));
    map.insert(QStringLiteral("epoch"), qint64(delta.epoch));
    map.insert(QStringLiteral("ts"), qint64(delta.timestampMs));
    map.insert(QStringLiteral("key"), delta.key);
    map.insert(QStringLiteral("op"), delta.op == state::DeltaOp::Put ? QStringLiteral("put") : QStringLiteral("delete"));
    if (delta.op == state::DeltaOp::Put)
        map.insert(QStringLiteral("value"), delta.value);
    return map;
}

void appendDeltaCbor(QByteArray &out, const state::StateDelta &delta)
{
    const bool put = delta.op == state::DeltaOp::Put;
    appendHead(out, CborMajor::Map, put ? 6 : 5);
    appendText(out, QLatin1StringView("seq"));
    appendUnsigned(out, delta.seq);
    appendText(out, QLatin1StringView("epoch"));
    appendUnsigned(out, delta.epoch);
    appendText(out, QLatin1StringView("ts"));
    appendInteger(out, delta.timestampMs); // signed: a clock before 1970 stays encodable
    appendText(out, QLatin1StringView("key"));
    appendText(out, delta.key);
    appendText(out, QLatin1StringView("op"));
    appendText(out, put ? QLatin1StringView("put") : QLatin1StringView("delete"));
    if (put) {
        appendText(out, QLatin1StringView("value"));
        appendBytes(out, delta.value);
    }
}

Result<state::StateDelta> deltaFromCbor(const QCborValue &value)
{
    if (!value.isMap())
        return fail(ErrorCode::ProtocolError, QStringLiteral("delta must be a CBOR map"));
    const QCborMap map = value.toMap();
    const QCborValue seq = map.value(QStringLiteral("seq"));
    const QCborValue epoch = map.value(QStringLiteral("epoch"));
    const QCborValue ts = map.value(QStringLiteral("ts"));
    const QCborValue key = map.value(QStringLiteral("key"));
    const QCborValue op = map.value(QStringLiteral("op"));
    if (!seq.isInteger() || seq.toInteger() <= 0 || !epoch.isInteger() || epoch.toInteger() < 0 || !ts.isInteger()
        || !key.isString() || key.toString().isEmpty() || !op.isString()) {
        return fail(ErrorCode::ProtocolError, QStringLiteral("delta needs seq (>0), epoch, ts, a non-empty key and op"));
    }
    state::StateDelta delta;
    delta.seq = std::uint64_t(seq.toInteger());
    delta.epoch = std::uint64_t(epoch.toInteger());
    delta.timestampMs = ts.toInteger();
    delta.key = key.toString();
    const QString opName = op.toString();
    if (opName == QLatin1String("put")) {
        const QCborValue v = map.value(QStringLiteral("value"));
        if (!v.isByteArray())
            return fail(ErrorCode::ProtocolError,
                        QStringLiteral("put delta %1 needs a byte-string value").arg(delta.seq));
        delta.op = state::DeltaOp::Put;
        delta.value = v.toByteArray();
    } else if (opName == QLatin1String("delete")) {
        delta.op = state::DeltaOp::Delete;
    } else {
        return fail(ErrorCode::ProtocolError,
                    QStringLiteral("delta op must be \"put\" or \"delete\", got \"%1\"").arg(opName));
    }
    return delta;
}

QCborArray entriesToCbor(const QList<QPair<QString, QByteArray>> &entries, qsizetype from, qsizetype count)
{
    QCborArray array;
    const qsizetype end = qMin(entries.size(), from + count);
    for (qsizetype i = from; i < end; ++i)
        array.append(QCborArray{entries[i].first, entries[i].second});
    return array;
}

Result<QList<QPair<QString, QByteArray>>> entriesFromCbor(const QCborValue &value)
{
    if (!value.isArray())
        return fail(ErrorCode::ProtocolError, QStringLiteral("snapshot entries must be an array"));
    QList<QPair<QString, QByteArray>> entries;
    const QCborArray array = value.toArray();
    entries.reserve(array.size());
    for (const QCborValue &item : array) {
        const QCborArray pair = item.toArray();
        if (!item.isArray() || pair.size() != 2 || !pair[0].isString() || pair[0].toString().isEmpty()
            || !pair[1].isByteArray()) {
            return fail(ErrorCode::ProtocolError,
                        QStringLiteral("snapshot entry must be [non-empty text key, byte-string value]"));
        }
        entries.append({pair[0].toString(), pair[1].toByteArray()});
    }
    return entries;
}

QByteArray writeAckBody(std::uint64_t id, std::uint64_t epoch, std::uint64_t seq)
{
    QByteArray out;
    out.reserve(40);
    appendHead(out, CborMajor::Map, 3);
    appendText(out, QLatin1StringView("id"));
    appendUnsigned(out, id);
    appendText(out, QLatin1StringView("epoch"));
    appendUnsigned(out, epoch);
    appendText(out, QLatin1StringView("seq"));
    appendUnsigned(out, seq);
    return out;
}

} // namespace foresight::protocol
