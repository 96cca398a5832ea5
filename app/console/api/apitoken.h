#pragma once

// The HTTP API's bearer token (docs/api.md, "Authentication"): a random secret in a file only the
// console's user may read, created on first use.

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include "foresight/core/result.h"

namespace foresight::api {

// "<directory of the console store>/api-token": the token lives beside the store it guards.
QString defaultTokenPath(const QString &storePath);

// The token in `path`. A missing file is created (with its directory) holding a new token: 32
// bytes from the system's random source, base64url without padding (43 characters), mode 0600,
// created with those permissions so no other user ever sees it readable. An existing file must
// be readable by its owner only (else IoError: "chmod 600 ...") and hold one token of at least 32
// characters (surrounding whitespace ignored; else InvalidArgument). IoError when it cannot be
// read or written.
Result<QByteArray> loadOrCreateToken(const QString &path);

// Whether `given` equals `expected`, in time that depends on their lengths only, never on where
// they differ (so the time of a refusal tells nothing about the token).
bool tokenMatches(QByteArrayView expected, QByteArrayView given);

// The token of an `Authorization: Bearer <token>` header value; empty when the header is absent
// or not a bearer one.
QByteArray bearerToken(const QByteArray &authorization);

} // namespace foresight::api
