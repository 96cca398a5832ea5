#include "foresight/prediction/deltatrace.h"

#include <cmath>
#include <limits>
#include <optional>

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSaveFile>
#include <QStringDecoder>

namespace foresight::prediction {
namespace {

// JSON numbers are doubles: integers are exact only up to 2^53.
constexpr double kMaxExactInteger = 9007199254740992.0;

// Per application: the last record's seq and epoch, for the ordering checks.
struct AppCursor
{
    int index = 0;
    std::uint64_t seq = 0;
    std::uint64_t epoch = 0;
};

std::optional<double> integerMember(const QJsonObject &object, QLatin1StringView name)
{
    const QJsonValue value = object.value(name);
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || number != std::floor(number) || std::fabs(number) > kMaxExactInteger)
        return std::nullopt;
    return number;
}

bool isValidUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    return !decoder.hasError();
}

} // namespace

Result<QList<DeltaTrace>> parseDeltaTraces(QByteArrayView text, const QString &sourceName)
{
    QList<DeltaTrace> traces;
    QHash<QString, AppCursor> cursors;
    qsizetype start = 0;
    int lineNumber = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        ++lineNumber;
        const QByteArrayView line = text.sliced(start, end - start).trimmed();
        start = end + 1;
        if (line.isEmpty())
            continue;

        auto bad = [&](const QString &what) {
            return fail(ErrorCode::Corruption, QStringLiteral("%1:%2: %3").arg(sourceName).arg(lineNumber).arg(what));
        };
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return bad(
                QStringLiteral("not JSON (%1 at column %2)").arg(parseError.errorString()).arg(parseError.offset + 1));
        if (!document.isObject())
            return bad(QStringLiteral("a record must be a JSON object"));
        const QJsonObject record = document.object();

        const QString application = record.value(QLatin1StringView("app")).toString();
        if (application.isEmpty())
            return bad(QStringLiteral("\"app\" is missing or not a non-empty string"));
        const auto epoch = integerMember(record, QLatin1StringView("epoch"));
        if (!epoch || *epoch < 0)
            return bad(QStringLiteral("\"epoch\" is missing or not an integer >= 0"));
        const auto seq = integerMember(record, QLatin1StringView("seq"));
        if (!seq || *seq < 1)
            return bad(QStringLiteral("\"seq\" is missing or not an integer >= 1"));
        const auto timestamp = integerMember(record, QLatin1StringView("ts"));
        if (!timestamp)
            return bad(QStringLiteral("\"ts\" is missing or not an integer (milliseconds since 1970)"));
        const QString key = record.value(QLatin1StringView("key")).toString();
        if (key.isEmpty())
            return bad(QStringLiteral("\"key\" is missing or not a non-empty string"));
        const QString op = record.value(QLatin1StringView("op")).toString();
        const bool hasText = record.contains(QLatin1StringView("value"));
        const bool hasBase64 = record.contains(QLatin1StringView("value_b64"));

        state::StateDelta delta;
        delta.epoch = static_cast<std::uint64_t>(*epoch);
        delta.seq = static_cast<std::uint64_t>(*seq);
        delta.timestampMs = static_cast<std::int64_t>(*timestamp);
        delta.key = key;
        if (op == QLatin1String("put")) {
            delta.op = state::DeltaOp::Put;
            if (hasText == hasBase64)
                return bad(QStringLiteral("a put needs exactly one of \"value\" and \"value_b64\""));
            if (hasText) {
                const QJsonValue value = record.value(QLatin1StringView("value"));
                if (!value.isString())
                    return bad(QStringLiteral("\"value\" must be a string (numbers as decimal text: \"42\")"));
                delta.value = value.toString().toUtf8();
            } else {
                const QJsonValue value = record.value(QLatin1StringView("value_b64"));
                const auto decoded = QByteArray::fromBase64Encoding(value.toString().toLatin1(),
                                                                    QByteArray::AbortOnBase64DecodingErrors);
                if (!value.isString() || !decoded)
                    return bad(QStringLiteral("\"value_b64\" is not a base64 string"));
                delta.value = *decoded;
            }
        } else if (op == QLatin1String("delete")) {
            delta.op = state::DeltaOp::Delete;
            if (hasText || hasBase64)
                return bad(QStringLiteral("a delete carries no value"));
        } else {
            return bad(QStringLiteral("\"op\" must be \"put\" or \"delete\", not \"%1\"").arg(op));
        }

        auto cursor = cursors.find(application);
        if (cursor == cursors.end()) {
            cursor = cursors.insert(application, AppCursor{static_cast<int>(traces.size()), 0, 0});
            traces.append(DeltaTrace{application, {}});
        } else {
            if (delta.seq <= cursor->seq)
                return bad(QStringLiteral("seq %1 is not greater than the previous seq %2 of app %3")
                               .arg(delta.seq)
                               .arg(cursor->seq)
                               .arg(application));
            if (delta.epoch < cursor->epoch)
                return bad(QStringLiteral("epoch %1 is lower than the previous epoch %2 of app %3")
                               .arg(delta.epoch)
                               .arg(cursor->epoch)
                               .arg(application));
        }
        cursor->seq = delta.seq;
        cursor->epoch = delta.epoch;
        traces[cursor->index].deltas.push_back(std::move(delta));
    }
    return traces;
}

Result<QList<DeltaTrace>> readDeltaTraceFile(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return fail(ErrorCode::NotFound, QStringLiteral("delta trace %1 does not exist").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::IoError, QStringLiteral("cannot read delta trace %1: %2").arg(path, file.errorString()));
    const QByteArray text = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return fail(ErrorCode::IoError, QStringLiteral("cannot read delta trace %1: %2").arg(path, file.errorString()));
    return parseDeltaTraces(text, path);
}

Result<QByteArray> formatDeltaTraces(const QList<DeltaTrace> &traces)
{
    QByteArray out;
    for (const DeltaTrace &trace : traces) {
        if (trace.application.isEmpty())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("a trace has no application name"));
        std::uint64_t previousSeq = 0;
        std::uint64_t previousEpoch = 0;
        for (std::size_t i = 0; i < trace.deltas.size(); ++i) {
            const state::StateDelta &delta = trace.deltas[i];
            auto bad = [&](const QString &what) {
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("delta %1 of app %2: %3").arg(i).arg(trace.application, what));
            };
            if (delta.key.isEmpty())
                return bad(QStringLiteral("empty key"));
            if (delta.seq <= previousSeq)
                return bad(QStringLiteral("seq %1 does not increase").arg(delta.seq));
            if (delta.epoch < previousEpoch)
                return bad(QStringLiteral("epoch %1 decreases").arg(delta.epoch));
            if (static_cast<double>(delta.seq) > kMaxExactInteger || static_cast<double>(delta.epoch) > kMaxExactInteger
                || std::fabs(static_cast<double>(delta.timestampMs)) > kMaxExactInteger)
                return bad(QStringLiteral("a number does not fit in a JSON integer"));
            if (delta.op == state::DeltaOp::Delete && !delta.value.isEmpty())
                return bad(QStringLiteral("a delete carries a value"));
            previousSeq = delta.seq;
            previousEpoch = delta.epoch;

            QJsonObject record;
            record.insert(QLatin1StringView("app"), trace.application);
            record.insert(QLatin1StringView("epoch"), static_cast<double>(delta.epoch));
            record.insert(QLatin1StringView("seq"), static_cast<double>(delta.seq));
            record.insert(QLatin1StringView("ts"), static_cast<double>(delta.timestampMs));
            record.insert(QLatin1StringView("key"), delta.key);
            if (delta.op == state::DeltaOp::Put) {
                record.insert(QLatin1StringView("op"), QStringLiteral("put"));
                if (isValidUtf8(delta.value))
                    record.insert(QLatin1StringView("value"), QString::fromUtf8(delta.value));
                else
                    record.insert(QLatin1StringView("value_b64"), QString::fromLatin1(delta.value.toBase64()));
            } else {
                record.insert(QLatin1StringView("op"), QStringLiteral("delete"));
            }
            out += QJsonDocument(record).toJson(QJsonDocument::Compact);
            out += '\n';
        }
    }
    return out;
}

Status writeDeltaTraceFile(const QString &path, const QList<DeltaTrace> &traces)
{
    auto text = formatDeltaTraces(traces);
    if (!text)
        return std::unexpected(text.error());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(ErrorCode::IoError, QStringLiteral("cannot write delta trace %1: %2").arg(path, file.errorString()));
    if (file.write(*text) != text->size() || !file.commit())
        return fail(ErrorCode::IoError, QStringLiteral("cannot write delta trace %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace foresight::prediction
