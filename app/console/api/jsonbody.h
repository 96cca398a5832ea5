#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include "apijson.h"

// What every POST body of the HTTP API is checked for first (docs/api.md, "Requests"), shared by
// the /shadow and /hosts routes so that they answer bad bodies alike.
namespace foresight::api {

std::unexpected<ApiError> apiFail(int status, const QString &code, const QString &message, const QString &field = {});

// "null", "a boolean", "a number", "a string", "an array", "an object", "nothing": for messages.
QString jsonKindOf(const QJsonValue &value);

// The body as a JSON object: 413 over kMaxBodyBytes, 400 malformed-json when empty, not JSON
// (with the parser's error and byte offset) or not an object. example: a body to show, e.g.
// {"app": "shop"}.
ApiResult<QJsonObject> jsonObjectBody(const QByteArray &body, const QString &example);

} // namespace foresight::api
