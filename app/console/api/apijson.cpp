// The HTTP API's requests and answers (see apijson.h; the contract is docs/api.md).

#include "apijson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>
#include <QUrl>

#include "foresight/config/clusterconfig.h"
#include "foresight/shadow/shadowplanner.h"
#include "foresight/vocabulary/roles.h"
#include "jsonbody.h"

namespace foresight::api {

namespace {

const QString kApp = QStringLiteral("app");
const QString kAgent = QStringLiteral("agent");
const QString kForce = QStringLiteral("force");
const QString kDryRun = QStringLiteral("dry-run");
const QString kProcess = QStringLiteral("process");

// The fields a POST body of each action may carry; "app" is always required.
QStringList allowedFields(ShadowAction action)
{
    switch (action) {
    case ShadowAction::Create:
    case ShadowAction::Swap:
    case ShadowAction::Retire:
        return {kApp, kAgent, kDryRun};
    case ShadowAction::Promote:
        return {kApp, kAgent, kForce, kDryRun};
    case ShadowAction::Update:
        return {kApp, kAgent, kProcess, kDryRun};
    case ShadowAction::Status:
        break;
    }
    return {};
}

// An application or agent name: a non-empty string of at most kMaxNameLength characters.
ApiResult<QString> nameOf(const QString &field, const QJsonValue &value)
{
    if (!value.isString())
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       QStringLiteral("'%1' must be a string, got %2").arg(field, jsonKindOf(value)),
                       field);
    const QString name = value.toString();
    if (name.isEmpty())
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       field == kAgent
                           ? QStringLiteral("'agent' must not be empty: leave it out for the engine's choice")
                           : QStringLiteral("'%1' must not be empty").arg(field),
                       field);
    if (name.size() > kMaxNameLength)
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       QStringLiteral("'%1' is longer than %2 characters").arg(field).arg(kMaxNameLength),
                       field);
    return name;
}

ApiResult<bool> flagOf(const QString &field, const QJsonValue &value)
{
    if (!value.isBool())
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       QStringLiteral("'%1' must be true or false, got %2").arg(field, jsonKindOf(value)),
                       field);
    return value.toBool();
}

// A query parameter's boolean: true/false, 1/0.
ApiResult<bool> queryFlag(const QString &field, const QString &text)
{
    if (text == QLatin1String("true") || text == QLatin1String("1"))
        return true;
    if (text == QLatin1String("false") || text == QLatin1String("0"))
        return false;
    return apiFail(400,
                   QStringLiteral("invalid-field"),
                   QStringLiteral("'%1' must be true or false, got '%2'").arg(field, text),
                   field);
}

// The one allowed method of each path, for 405 answers.
struct Endpoint
{
    QString path;
    HttpMethod method;
    ShadowAction action;
};

const QList<Endpoint> &endpoints()
{
    static const QList<Endpoint> list{
        {QStringLiteral("/shadow/status"), HttpMethod::Get, ShadowAction::Status},
        {QStringLiteral("/shadow/create"), HttpMethod::Post, ShadowAction::Create},
        {QStringLiteral("/shadow/promote"), HttpMethod::Post, ShadowAction::Promote},
        {QStringLiteral("/shadow/swap"), HttpMethod::Post, ShadowAction::Swap},
        {QStringLiteral("/shadow/update"), HttpMethod::Post, ShadowAction::Update},
    };
    return list;
}

QString methodName(HttpMethod method)
{
    switch (method) {
    case HttpMethod::Get:
        return QStringLiteral("GET");
    case HttpMethod::Post:
        return QStringLiteral("POST");
    case HttpMethod::Delete:
        return QStringLiteral("DELETE");
    case HttpMethod::Other:
        break;
    }
    return QStringLiteral("?");
}

// DELETE /shadow/{id}: one non-empty segment after /shadow/ that is not a fixed endpoint.
std::optional<QString> retireTarget(const QString &path)
{
    const QString prefix = QStringLiteral("/shadow/");
    if (!path.startsWith(prefix))
        return std::nullopt;
    const QString id = path.mid(prefix.size());
    if (id.isEmpty() || id.contains(QLatin1Char('/')))
        return std::nullopt;
    for (const Endpoint &endpoint : endpoints()) {
        if (endpoint.path == path)
            return std::nullopt;
    }
    return QUrl::fromPercentEncoding(id.toUtf8());
}

} // namespace

QJsonObject ApiError::toJson() const
{
    QJsonObject error{{QStringLiteral("status"), status},
                      {QStringLiteral("code"), code},
                      {QStringLiteral("message"), message}};
    if (!field.isEmpty())
        error.insert(QStringLiteral("field"), field);
    return QJsonObject{{QStringLiteral("error"), error}};
}

QString shadowActionName(ShadowAction action)
{
    switch (action) {
    case ShadowAction::Status:
        return QStringLiteral("status");
    case ShadowAction::Create:
        return QStringLiteral("create");
    case ShadowAction::Promote:
        return QStringLiteral("promote");
    case ShadowAction::Swap:
        return QStringLiteral("swap");
    case ShadowAction::Update:
        return QStringLiteral("update");
    case ShadowAction::Retire:
        return QStringLiteral("retire");
    }
    return QString();
}

ApiResult<Route> routeOf(HttpMethod method, const QString &path)
{
    for (const Endpoint &endpoint : endpoints()) {
        if (endpoint.path != path)
            continue;
        if (endpoint.method != method)
            return apiFail(405,
                           QStringLiteral("method-not-allowed"),
                           QStringLiteral("%1 takes %2 only").arg(path, methodName(endpoint.method)));
        return Route{endpoint.action, {}};
    }
    if (auto app = retireTarget(path)) {
        if (method != HttpMethod::Delete)
            return apiFail(405,
                           QStringLiteral("method-not-allowed"),
                           QStringLiteral(
                               "/shadow/{id} takes DELETE only (it retires the shadow of application {id})"));
        if (app->isEmpty() || app->size() > kMaxNameLength)
            return apiFail(400,
                           QStringLiteral("invalid-field"),
                           QStringLiteral("the {id} of /shadow/{id} must be an application name of 1 to %1 characters")
                               .arg(kMaxNameLength),
                           QStringLiteral("id"));
        return Route{ShadowAction::Retire, *app};
    }
    return apiFail(404,
                   QStringLiteral("no-such-endpoint"),
                   QStringLiteral(
                       "no endpoint %1: the API has /shadow/status, /shadow/create, /shadow/promote, "
                       "/shadow/swap, /shadow/update, /shadow/{id}, /hosts/risk and /partitions (docs/api.md)")
                       .arg(path));
}

QByteArray allowedMethods(const QString &path)
{
    for (const Endpoint &endpoint : endpoints()) {
        if (endpoint.path == path)
            return methodName(endpoint.method).toLatin1();
    }
    return retireTarget(path) ? QByteArrayLiteral("DELETE") : QByteArray();
}

bool isJsonContentType(const QByteArray &contentType)
{
    const QByteArray mediaType = contentType.split(';').constFirst().trimmed().toLower();
    return mediaType == "application/json";
}

ApiResult<failover::ShadowRequest> parseShadowBody(ShadowAction action, const QByteArray &body, const QString &actor)
{
    auto parsed = jsonObjectBody(body, QStringLiteral("{\"app\": \"shop\"}"));
    if (!parsed)
        return std::unexpected(parsed.error());
    const QJsonObject object = *parsed;
    const QStringList allowed = allowedFields(action);
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (allowed.contains(it.key()))
            continue;
        const QString hint = it.key() == kForce
                                 ? QStringLiteral(": 'force' applies to /shadow/promote only")
                                 : QStringLiteral(": /shadow/%1 takes %2")
                                       .arg(shadowActionName(action), allowed.join(QStringLiteral(", ")));
        return apiFail(400,
                       QStringLiteral("unknown-field"),
                       QStringLiteral("unknown field '%1'%2").arg(it.key(), hint),
                       it.key());
    }
    failover::ShadowRequest request;
    request.actor = actor;
    if (!object.contains(kApp))
        return apiFail(400,
                       QStringLiteral("missing-field"),
                       QStringLiteral("'app' is required: the application whose shadow to %1")
                           .arg(shadowActionName(action)),
                       kApp);
    auto app = nameOf(kApp, object.value(kApp));
    if (!app)
        return std::unexpected(app.error());
    request.app = *app;
    if (object.contains(kAgent)) {
        auto agent = nameOf(kAgent, object.value(kAgent));
        if (!agent)
            return std::unexpected(agent.error());
        request.agent = *agent;
    }
    if (object.contains(kForce)) {
        auto force = flagOf(kForce, object.value(kForce));
        if (!force)
            return std::unexpected(force.error());
        request.force = *force;
    }
    if (object.contains(kDryRun)) {
        auto dryRun = flagOf(kDryRun, object.value(kDryRun));
        if (!dryRun)
            return std::unexpected(dryRun.error());
        request.dryRun = *dryRun;
    }
    return request;
}

ApiResult<QJsonObject> parseUpdateProcess(const QByteArray &body)
{
    // parseShadowBody() has checked the body is a JSON object with known fields.
    const QJsonValue process = QJsonDocument::fromJson(body).object().value(kProcess);
    if (process.isUndefined())
        return apiFail(400,
                       QStringLiteral("missing-field"),
                       QStringLiteral("'process' is required: the keys of the application's config.process that "
                                      "change, e.g. {\"arguments\": [\"--version\", \"2\"]}"),
                       kProcess);
    if (!process.isObject() || process.toObject().isEmpty())
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       QStringLiteral("'process' must be a non-empty JSON object of config.process keys, not %1")
                           .arg(jsonKindOf(process)),
                       kProcess);
    return process.toObject();
}

ApiResult<failover::ShadowRequest> parseRetireQuery(const QString &app, const QUrlQuery &query, const QString &actor)
{
    failover::ShadowRequest request;
    request.app = app;
    request.actor = actor;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == kDryRun) {
            auto dryRun = queryFlag(kDryRun, value);
            if (!dryRun)
                return std::unexpected(dryRun.error());
            request.dryRun = *dryRun;
        } else if (key == kAgent) {
            auto agent = nameOf(kAgent, value);
            if (!agent)
                return std::unexpected(agent.error());
            request.agent = *agent;
        } else {
            return apiFail(400,
                           QStringLiteral("unknown-field"),
                           QStringLiteral("unknown query parameter '%1': DELETE /shadow/{id} takes dry-run and agent")
                               .arg(key),
                           key);
        }
    }
    return request;
}

ApiResult<QString> parseStatusQuery(const QUrlQuery &query)
{
    QString app;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key != kApp)
            return apiFail(400,
                           QStringLiteral("unknown-field"),
                           QStringLiteral("unknown query parameter '%1': /shadow/status takes app only").arg(key),
                           key);
        auto name = nameOf(kApp, value);
        if (!name)
            return std::unexpected(name.error());
        app = *name;
    }
    return app;
}

ApiError errorFromEngine(const Error &error)
{
    int status = 500;
    switch (error.code) {
    case ErrorCode::InvalidArgument:
        status = 409;
        break;
    case ErrorCode::NotFound:
        status = 404;
        break;
    case ErrorCode::Unauthorized:
        status = 403;
        break;
    case ErrorCode::Timeout:
        status = 504;
        break;
    default:
        break;
    }
    return ApiError{status, errorCodeName(error.code), error.message, {}};
}

std::optional<storage::JournalEntry> auditEntry(ShadowAction action,
                                                const failover::ShadowRequest &request,
                                                const Result<failover::OperatorOutcome> &outcome)
{
    if (outcome && !request.dryRun)
        return std::nullopt;
    storage::JournalEntry entry;
    entry.kind = QStringLiteral("operator");
    entry.app = request.app;
    entry.agent = request.agent;
    entry.actor = request.actor;
    if (outcome) {
        entry.message = outcome->summary;
        entry.details = outcome->details;
        return entry;
    }
    QString what = QStringLiteral("shadow %1 %2").arg(shadowActionName(action), request.app);
    if (!request.agent.isEmpty())
        what += (action == ShadowAction::Create ? QStringLiteral(" on %1") : QStringLiteral(" (%1)")).arg(request.agent);
    if (request.force)
        what += QStringLiteral(" (forced)");
    entry.message = QStringLiteral("%1%2 refused: %3")
                        .arg(what, request.dryRun ? QStringLiteral(" (dry run)") : QString(), outcome.error().message);
    entry.details = QJsonObject{{QStringLiteral("error-code"), errorCodeName(outcome.error().code)},
                                {QStringLiteral("via"), QStringLiteral("http")}};
    return entry;
}

QJsonObject outcomeJson(ShadowAction action,
                        const failover::ShadowRequest &request,
                        const failover::OperatorOutcome &outcome)
{
    return QJsonObject{{QStringLiteral("action"), shadowActionName(action)},
                       {kApp, request.app},
                       {kDryRun, request.dryRun},
                       {QStringLiteral("summary"), outcome.summary},
                       {QStringLiteral("details"), outcome.details},
                       {QStringLiteral("actor"), request.actor}};
}

QJsonObject shadowViewJson(const failover::ShadowView &shadow)
{
    QJsonArray history;
    for (const shadow::Discrepancy &point : shadow.history)
        history.append(point.toJson());
    return QJsonObject{{kAgent, shadow.agent},
                       {QStringLiteral("host"), shadow.host},
                       {QStringLiteral("state"), shadow.state},
                       {QStringLiteral("origin"), shadow::shadowOriginName(shadow.origin)},
                       {QStringLiteral("reason"), shadow.reason},
                       {QStringLiteral("created-ms"), shadow.createdWallMs},
                       {QStringLiteral("primary-host-risk"), shadow.primaryHostRisk},
                       {QStringLiteral("prior-tier"), tierName(shadow.priorTier)},
                       {QStringLiteral("discrepancy"), shadow.discrepancy.toJson()},
                       {QStringLiteral("discrepancy-text"), shadow.discrepancy.describe()},
                       {QStringLiteral("swap-max-lag"), shadow.swapMaxLag},
                       {QStringLiteral("swappable"), shadow.discrepancy.swappable(shadow.swapMaxLag)},
                       {QStringLiteral("last-swap"), shadow.lastSwap},
                       {QStringLiteral("version"), shadow.version},
                       {QStringLiteral("update"),
                        shadow.update ? QJsonValue(failover::shadowUpdateJson(*shadow.update)) : QJsonValue()},
                       {QStringLiteral("history"), history}};
}

QJsonObject appShadowJson(const failover::AppView &app)
{
    return QJsonObject{{kApp, app.name},
                       {QStringLiteral("criticality"), config::criticalityName(app.criticality)},
                       {QStringLiteral("primary"), app.primary},
                       {QStringLiteral("phase"), failover::appPhaseName(app.phase)},
                       {QStringLiteral("shadow"), app.shadow ? QJsonValue(shadowViewJson(*app.shadow)) : QJsonValue()}};
}

ApiResult<QJsonObject> shadowStatusJson(const failover::ClusterSnapshot &snapshot, const QString &app)
{
    QJsonArray apps;
    for (const failover::AppView &view : snapshot.apps) {
        if (app.isEmpty() || view.name == app)
            apps.append(appShadowJson(view));
    }
    if (!app.isEmpty() && apps.isEmpty())
        return apiFail(404,
                       QStringLiteral("not-found"),
                       QStringLiteral("no application '%1' in the cluster configuration").arg(app),
                       kApp);
    return QJsonObject{{QStringLiteral("cluster"), snapshot.clusterName},
                       {QStringLiteral("taken-ms"), snapshot.takenWallMs},
                       {QStringLiteral("apps"), apps}};
}

} // namespace foresight::api
