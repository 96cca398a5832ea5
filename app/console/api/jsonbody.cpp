#include "jsonbody.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace foresight::api {

std::unexpected<ApiError> apiFail(int status, const QString &code, const QString &message, const QString &field)
{
    return std::unexpected(ApiError{status, code, message, field});
}

QString jsonKindOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

ApiResult<QJsonObject> jsonObjectBody(const QByteArray &body, const QString &example)
{
    if (body.size() > kMaxBodyBytes)
        return apiFail(413,
                       QStringLiteral("body-too-large"),
                       QStringLiteral("the body has %1 bytes; at most %2 are accepted")
                           .arg(body.size())
                           .arg(kMaxBodyBytes));
    if (body.trimmed().isEmpty())
        return apiFail(400,
                       QStringLiteral("malformed-json"),
                       QStringLiteral("the body is empty: send a JSON object such as %1").arg(example));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return apiFail(400,
                       QStringLiteral("malformed-json"),
                       QStringLiteral("the body is not JSON: %1 at byte %2")
                           .arg(parseError.errorString())
                           .arg(parseError.offset));
    if (!document.isObject())
        return apiFail(400,
                       QStringLiteral("malformed-json"),
                       QStringLiteral("the body must be a JSON object such as %1").arg(example));
    return document.object();
}

} // namespace foresight::api
