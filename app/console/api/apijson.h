#pragma once

// The console's HTTP API (docs/api.md) as pure functions: which route a method and path name,
// what a request body means, how an engine error becomes an HTTP status, and the JSON of every
// answer. No socket, no thread, no engine call: shadowapi.cpp receives, calls the engine and
// sends what these return. Tested in tests/app/tst_apijson.cpp.

#include <expected>
#include <optional>

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include "foresight/core/result.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/failover/clustersnapshot.h"
#include "foresight/storage/consolestore.h"

namespace foresight::api {

// What went wrong with a request, as the client sees it: the HTTP status, a kebab-case code
// (`invalid-field`, `not-found`, ... ; docs/api.md lists them all), one sentence naming the problem,
// and the field it is about (empty when none).
struct ApiError
{
    int status = 500;
    QString code;
    QString message;
    QString field;

    QJsonObject toJson() const;
};

template<typename T>
using ApiResult = std::expected<T, ApiError>;

enum class ShadowAction { Status, Create, Promote, Swap, Update, Retire };
QString shadowActionName(ShadowAction action); // "create", "promote", ...

enum class HttpMethod { Get, Post, Delete, Other };

// The route of a request: the action, and for DELETE /shadow/{id} the application it names.
struct Route
{
    ShadowAction action = ShadowAction::Status;
    QString app; // Retire: the {id} of the path (percent-decoded); empty otherwise
};

// 404 `no-such-endpoint` for a path the API does not have, 405 `method-not-allowed` (with the
// allowed method in the message) for a known path asked with another method. `path` is as sent,
// percent-encoded.
ApiResult<Route> routeOf(HttpMethod method, const QString &path);
// The Allow header's value for a path that routeOf() answered 405, empty otherwise.
QByteArray allowedMethods(const QString &path);

inline constexpr qsizetype kMaxBodyBytes = 64 * 1024;
inline constexpr int kMaxNameLength = 256;

// Whether a Content-Type header announces JSON (`application/json`, parameters allowed).
bool isJsonContentType(const QByteArray &contentType);

// The shadow request a POST body asks for: the fields docs/api.md lists for the action, each of
// its kind; anything else is a 400 naming the field. actor: who asks (journaled by the engine).
ApiResult<failover::ShadowRequest> parseShadowBody(ShadowAction action, const QByteArray &body, const QString &actor);
// DELETE /shadow/{id}?dry-run=true|false&agent=NAME: the query's fields, checked like a body's.
// POST /shadow/update's `process`: the keys of config.process that change (non-empty object).
// The body must have passed parseShadowBody(ShadowAction::Update, ...) first.
ApiResult<QJsonObject> parseUpdateProcess(const QByteArray &body);
ApiResult<failover::ShadowRequest> parseRetireQuery(const QString &app, const QUrlQuery &query, const QString &actor);
// GET /shadow/status[?app=NAME]: the application asked for, empty for all of them.
ApiResult<QString> parseStatusQuery(const QUrlQuery &query);

// How an engine error is answered: InvalidArgument 409 (the request is well formed, the
// cluster's state refuses it), NotFound 404, Unauthorized 403, Timeout 504, anything else 500.
ApiError errorFromEngine(const Error &error);

// What the console store's journal records of a command's outcome, as the control endpoint does
// for console-shadow (docs/protocol.md 15.2): a refusal always ("shadow swap shop refused: ..."),
// a dry run with its summary; nothing for a command carried out (the engine journals those).
std::optional<storage::JournalEntry> auditEntry(ShadowAction action,
                                                const failover::ShadowRequest &request,
                                                const Result<failover::OperatorOutcome> &outcome);

// 200 bodies.
QJsonObject outcomeJson(ShadowAction action,
                        const failover::ShadowRequest &request,
                        const failover::OperatorOutcome &outcome);
QJsonObject shadowViewJson(const failover::ShadowView &shadow);
QJsonObject appShadowJson(const failover::AppView &app);
// Every application's shadow, or app's only (404 `not-found` when the snapshot has no such one).
ApiResult<QJsonObject> shadowStatusJson(const failover::ClusterSnapshot &snapshot, const QString &app);

} // namespace foresight::api
