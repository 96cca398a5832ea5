// The console HTTP API's pure side (app/console/api/apijson.h, apitoken.h): routes, request bodies
// and the 4xx each bad one gets, the engine's errors as HTTP statuses, the answers' JSON, and the
// token: its file (created 0600, refused when others may read it) and its comparison.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include "apijson.h"
#include "apitoken.h"

using namespace foresight;
using namespace foresight::api;

class TestApiJson final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void routes_data();
    void routes();
    void goodBodies();
    void badBodies_data();
    void badBodies();
    void retireAndStatusQueries();
    void engineErrorsMapToStatuses_data();
    void engineErrorsMapToStatuses();
    void contentTypes();
    void statusJsonListsShadowsAndCriticality();
    void errorJsonNamesTheField();
    void refusalsAndDryRunsAreAudited();
    void tokenFileIsCreatedOwnerOnlyAndReadBack();
    void tokenFileOpenToOthersIsRefused();
    void tokenComparison();
    void bearerHeader();
};

void TestApiJson::routes_data()
{
    QTest::addColumn<int>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status"); // 0: routed
    QTest::addColumn<int>("action");
    QTest::addColumn<QString>("app");

    const int get = int(HttpMethod::Get), post = int(HttpMethod::Post), del = int(HttpMethod::Delete);
    QTest::newRow("status") << get << "/shadow/status" << 0 << int(ShadowAction::Status) << "";
    QTest::newRow("create") << post << "/shadow/create" << 0 << int(ShadowAction::Create) << "";
    QTest::newRow("promote") << post << "/shadow/promote" << 0 << int(ShadowAction::Promote) << "";
    QTest::newRow("swap") << post << "/shadow/swap" << 0 << int(ShadowAction::Swap) << "";
    QTest::newRow("update") << post << "/shadow/update" << 0 << int(ShadowAction::Update) << "";
    QTest::newRow("retire") << del << "/shadow/shop" << 0 << int(ShadowAction::Retire) << "shop";
    QTest::newRow("retire, encoded") << del << "/shadow/my%20app" << 0 << int(ShadowAction::Retire) << "my app";
    QTest::newRow("create by GET") << get << "/shadow/create" << 405 << 0 << "";
    QTest::newRow("status by POST") << post << "/shadow/status" << 405 << 0 << "";
    QTest::newRow("DELETE a fixed endpoint") << del << "/shadow/status" << 405 << 0 << "";
    QTest::newRow("retire by POST") << post << "/shadow/shop" << 405 << 0 << "";
    QTest::newRow("unknown path") << get << "/shadows" << 404 << 0 << "";
    QTest::newRow("nested id") << del << "/shadow/a/b" << 404 << 0 << "";
    QTest::newRow("root") << get << "/" << 404 << 0 << "";
}

void TestApiJson::routes()
{
    QFETCH(int, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(int, action);
    QFETCH(QString, app);
    const auto route = routeOf(HttpMethod(method), path);
    if (status == 0) {
        QVERIFY2(route, qPrintable(route ? QString() : route.error().message));
        QCOMPARE(int(route->action), action);
        QCOMPARE(route->app, app);
        return;
    }
    QVERIFY(!route);
    QCOMPARE(route.error().status, status);
    if (status == 405)
        QVERIFY(!allowedMethods(path).isEmpty());
    QVERIFY(!route.error().message.isEmpty());
}

void TestApiJson::goodBodies()
{
    auto create = parseShadowBody(ShadowAction::Create, R"({"app": "shop"})", QStringLiteral("http:127.0.0.1"));
    QVERIFY(create);
    QCOMPARE(create->app, QStringLiteral("shop"));
    QVERIFY(create->agent.isEmpty());
    QVERIFY(!create->dryRun);
    QCOMPARE(create->actor, QStringLiteral("http:127.0.0.1"));

    auto promote = parseShadowBody(ShadowAction::Promote,
                                   R"({"app": "shop", "agent": "delta", "force": true, "dry-run": true})",
                                   QStringLiteral("a"));
    QVERIFY(promote);
    QCOMPARE(promote->agent, QStringLiteral("delta"));
    QVERIFY(promote->force);
    QVERIFY(promote->dryRun);

    const QByteArray updateBody = R"({"app": "shop", "process": {"arguments": ["--release", "2"]}, "dry-run": true})";
    auto update = parseShadowBody(ShadowAction::Update, updateBody, QStringLiteral("a"));
    QVERIFY(update);
    QCOMPARE(update->app, QStringLiteral("shop"));
    QVERIFY(update->dryRun);
    auto process = parseUpdateProcess(updateBody);
    QVERIFY(process);
    QCOMPARE(process->value(QStringLiteral("arguments")).toArray().at(1).toString(), QStringLiteral("2"));

    auto swap = parseShadowBody(ShadowAction::Swap, R"({"app": "shop", "dry-run": false})", QStringLiteral("a"));
    QVERIFY(swap);
    QVERIFY(!swap->dryRun);
}

void TestApiJson::badBodies_data()
{
    QTest::addColumn<int>("action");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");

    const int create = int(ShadowAction::Create), promote = int(ShadowAction::Promote), swap = int(ShadowAction::Swap);
    QTest::newRow("empty") << create << QByteArray() << 400 << "malformed-json"
                           << "";
    QTest::newRow("not JSON") << create << QByteArray("{app: shop}") << 400 << "malformed-json"
                              << "";
    QTest::newRow("truncated") << create << QByteArray(R"({"app": "sh)") << 400 << "malformed-json"
                               << "";
    QTest::newRow("an array") << create << QByteArray(R"(["shop"])") << 400 << "malformed-json"
                              << "";
    QTest::newRow("no app") << create << QByteArray(R"({"agent": "delta"})") << 400 << "missing-field"
                            << "app";
    QTest::newRow("app a number") << create << QByteArray(R"({"app": 7})") << 400 << "invalid-field"
                                  << "app";
    QTest::newRow("app empty") << create << QByteArray(R"({"app": ""})") << 400 << "invalid-field"
                               << "app";
    QTest::newRow("app null") << swap << QByteArray(R"({"app": null})") << 400 << "invalid-field"
                              << "app";
    QTest::newRow("agent a bool") << swap << QByteArray(R"({"app": "shop", "agent": true})") << 400 << "invalid-field"
                                  << "agent";
    QTest::newRow("agent empty") << swap << QByteArray(R"({"app": "shop", "agent": ""})") << 400 << "invalid-field"
                                 << "agent";
    QTest::newRow("dry-run a string") << create << QByteArray(R"({"app": "shop", "dry-run": "yes"})") << 400
                                      << "invalid-field"
                                      << "dry-run";
    QTest::newRow("force a number") << promote << QByteArray(R"({"app": "shop", "force": 1})") << 400 << "invalid-field"
                                    << "force";
    QTest::newRow("force on create") << create << QByteArray(R"({"app": "shop", "force": true})") << 400
                                     << "unknown-field"
                                     << "force";
    QTest::newRow("unknown field") << swap << QByteArray(R"({"app": "shop", "dryrun": true})") << 400 << "unknown-field"
                                   << "dryrun";
    QTest::newRow("too large") << create << QByteArray(R"({"app": ")") + QByteArray(kMaxBodyBytes, 'a') + "\"}" << 413
                               << "body-too-large"
                               << "";
    QTest::newRow("app too long") << create << QByteArray(R"({"app": ")") + QByteArray(kMaxNameLength + 1, 'a') + "\"}"
                                  << 400 << "invalid-field"
                                  << "app";
}

void TestApiJson::badBodies()
{
    QFETCH(int, action);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, field);
    const auto parsed = parseShadowBody(ShadowAction(action), body, QStringLiteral("a"));
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().status, status);
    QCOMPARE(parsed.error().code, code);
    QCOMPARE(parsed.error().field, field);
    if (!field.isEmpty())
        QVERIFY2(parsed.error().message.contains(field), qPrintable(parsed.error().message));
}

void TestApiJson::retireAndStatusQueries()
{
    auto retire = parseRetireQuery(QStringLiteral("shop"),
                                   QUrlQuery(QStringLiteral("dry-run=true")),
                                   QStringLiteral("a"));
    QVERIFY(retire);
    QCOMPARE(retire->app, QStringLiteral("shop"));
    QVERIFY(retire->dryRun);
    auto bad = parseRetireQuery(QStringLiteral("shop"), QUrlQuery(QStringLiteral("dry-run=maybe")), QStringLiteral("a"));
    QVERIFY(!bad);
    QCOMPARE(bad.error().field, QStringLiteral("dry-run"));
    auto unknown = parseRetireQuery(QStringLiteral("shop"), QUrlQuery(QStringLiteral("force=1")), QStringLiteral("a"));
    QVERIFY(!unknown);
    QCOMPARE(unknown.error().code, QStringLiteral("unknown-field"));
    QCOMPARE(unknown.error().field, QStringLiteral("force"));

    auto all = parseStatusQuery(QUrlQuery());
    QVERIFY(all);
    QVERIFY(all->isEmpty());
    auto one = parseStatusQuery(QUrlQuery(QStringLiteral("app=shop")));
    QVERIFY(one);
    QCOMPARE(*one, QStringLiteral("shop"));
    auto empty = parseStatusQuery(QUrlQuery(QStringLiteral("app=")));
    QVERIFY(!empty);
    QCOMPARE(empty.error().field, QStringLiteral("app"));
    auto other = parseStatusQuery(QUrlQuery(QStringLiteral("application=shop")));
    QVERIFY(!other);
    QCOMPARE(other.error().field, QStringLiteral("application"));
}

void TestApiJson::engineErrorsMapToStatuses_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<int>("status");
    QTest::newRow("invalid-argument: the state refuses") << int(ErrorCode::InvalidArgument) << 409;
    QTest::newRow("not-found") << int(ErrorCode::NotFound) << 404;
    QTest::newRow("unauthorized") << int(ErrorCode::Unauthorized) << 403;
    QTest::newRow("timeout") << int(ErrorCode::Timeout) << 504;
    QTest::newRow("internal") << int(ErrorCode::Internal) << 500;
    QTest::newRow("network") << int(ErrorCode::Network) << 500;
}

void TestApiJson::engineErrorsMapToStatuses()
{
    QFETCH(int, code);
    QFETCH(int, status);
    const ApiError error = errorFromEngine(Error{ErrorCode(code), QStringLiteral("why")});
    QCOMPARE(error.status, status);
    QCOMPARE(error.code, errorCodeName(ErrorCode(code)));
    QCOMPARE(error.message, QStringLiteral("why"));
}

void TestApiJson::contentTypes()
{
    QVERIFY(isJsonContentType("application/json"));
    QVERIFY(isJsonContentType("Application/JSON; charset=utf-8"));
    QVERIFY(!isJsonContentType(""));
    QVERIFY(!isJsonContentType("text/plain"));
    QVERIFY(!isJsonContentType("application/x-www-form-urlencoded"));
}

void TestApiJson::statusJsonListsShadowsAndCriticality()
{
    failover::ClusterSnapshot snapshot;
    snapshot.clusterName = QStringLiteral("test");
    failover::AppView shop;
    shop.name = QStringLiteral("shop");
    shop.primary = QStringLiteral("alpha");
    shop.criticality = config::Criticality::Critical;
    failover::ShadowView shadow;
    shadow.agent = QStringLiteral("delta");
    shadow.host = QStringLiteral("host-d");
    shadow.state = QStringLiteral("ready");
    shadow.swapMaxLag = 10;
    shadow.discrepancy.seqGap = 3;
    shadow.discrepancy.digestAgrees = true;
    shadow.history = {shadow.discrepancy};
    shop.shadow = shadow;
    failover::AppView audit;
    audit.name = QStringLiteral("audit");
    snapshot.apps = {shop, audit};

    auto all = shadowStatusJson(snapshot, {});
    QVERIFY(all);
    const QJsonArray apps = all->value(QStringLiteral("apps")).toArray();
    QCOMPARE(apps.size(), 2);
    const QJsonObject first = apps[0].toObject();
    QCOMPARE(first.value(QStringLiteral("criticality")).toString(), QStringLiteral("critical"));
    const QJsonObject json = first.value(QStringLiteral("shadow")).toObject();
    QCOMPARE(json.value(QStringLiteral("agent")).toString(), QStringLiteral("delta"));
    QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("ready"));
    QCOMPARE(json.value(QStringLiteral("swappable")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("discrepancy")).toObject().value(QStringLiteral("seq-gap")).toInt(), 3);
    QCOMPARE(json.value(QStringLiteral("history")).toArray().size(), 1);
    QVERIFY(apps[1].toObject().value(QStringLiteral("shadow")).isNull());

    auto one = shadowStatusJson(snapshot, QStringLiteral("audit"));
    QVERIFY(one);
    QCOMPARE(one->value(QStringLiteral("apps")).toArray().size(), 1);
    auto none = shadowStatusJson(snapshot, QStringLiteral("nope"));
    QVERIFY(!none);
    QCOMPARE(none.error().status, 404);
}

void TestApiJson::errorJsonNamesTheField()
{
    const QJsonObject json
        = ApiError{400, QStringLiteral("invalid-field"), QStringLiteral("'app' ..."), QStringLiteral("app")}.toJson();
    const QJsonObject error = json.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("status")).toInt(), 400);
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("invalid-field"));
    QCOMPARE(error.value(QStringLiteral("field")).toString(), QStringLiteral("app"));
    const ApiError withoutField{404, QStringLiteral("x"), QStringLiteral("y"), {}};
    QVERIFY(!withoutField.toJson().value(QStringLiteral("error")).toObject().contains(QStringLiteral("field")));
}

void TestApiJson::refusalsAndDryRunsAreAudited()
{
    failover::ShadowRequest request;
    request.app = QStringLiteral("shop");
    request.agent = QStringLiteral("delta");
    request.force = true;
    request.actor = QStringLiteral("http:127.0.0.1");
    const auto refused = auditEntry(ShadowAction::Promote,
                                    request,
                                    fail(ErrorCode::InvalidArgument, QStringLiteral("delta lags")));
    QVERIFY(refused);
    QCOMPARE(refused->kind, QStringLiteral("operator"));
    QCOMPARE(refused->actor, QStringLiteral("http:127.0.0.1"));
    QCOMPARE(refused->message, QStringLiteral("shadow promote shop (delta) (forced) refused: delta lags"));
    QCOMPARE(refused->details.value(QStringLiteral("error-code")).toString(), QStringLiteral("invalid-argument"));
    QVERIFY(!auditEntry(ShadowAction::Promote, request, failover::OperatorOutcome{QStringLiteral("promoted"), {}}));
    request.dryRun = true;
    const auto dryRun = auditEntry(ShadowAction::Create,
                                   request,
                                   failover::OperatorOutcome{QStringLiteral("would"), {}});
    QVERIFY(dryRun);
    QCOMPARE(dryRun->message, QStringLiteral("would"));
}

void TestApiJson::tokenFileIsCreatedOwnerOnlyAndReadBack()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString store = dir.filePath(QStringLiteral("data/console.db"));
    const QString path = defaultTokenPath(store);
    QCOMPARE(path, dir.filePath(QStringLiteral("data/api-token")));
    auto created = loadOrCreateToken(path);
    QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
    QCOMPARE(created->size(), 43); // 32 random bytes, base64url
    QCOMPARE(QFile::permissions(path) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    auto again = loadOrCreateToken(path);
    QVERIFY(again);
    QCOMPARE(*again, *created);
    QTemporaryDir other;
    auto different = loadOrCreateToken(other.filePath(QStringLiteral("api-token")));
    QVERIFY(different);
    QVERIFY(*different != *created);
}

void TestApiJson::tokenFileOpenToOthersIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("api-token"));
    QVERIFY(loadOrCreateToken(path));
    QVERIFY(QFile::setPermissions(path, QFile::permissions(path) | QFileDevice::ReadGroup));
    auto refused = loadOrCreateToken(path);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(QStringLiteral("chmod 600")), qPrintable(refused.error().message));

    const QString shortPath = dir.filePath(QStringLiteral("short"));
    QFile file(shortPath);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    file.write("secret\n");
    file.close();
    QCOMPARE(loadOrCreateToken(shortPath).error().code, ErrorCode::InvalidArgument);
}

void TestApiJson::tokenComparison()
{
    const QByteArray token = "0123456789abcdef0123456789abcdef";
    QVERIFY(tokenMatches(token, token));
    QVERIFY(!tokenMatches(token, "0123456789abcdef0123456789abcdeF"));
    QVERIFY(!tokenMatches(token, "0123456789abcdef0123456789abcde"));
    QVERIFY(!tokenMatches(token, QByteArray(token + 'x')));
    QVERIFY(!tokenMatches(token, ""));
    QVERIFY(!tokenMatches("", ""));
}

void TestApiJson::bearerHeader()
{
    QCOMPARE(bearerToken("Bearer abc"), QByteArray("abc"));
    QCOMPARE(bearerToken("bearer   abc  "), QByteArray("abc"));
    QCOMPARE(bearerToken("Basic abc"), QByteArray());
    QCOMPARE(bearerToken("Bearer "), QByteArray());
    QCOMPARE(bearerToken(""), QByteArray());
}

QTEST_GUILESS_MAIN(TestApiJson)
#include "tst_apijson.moc"
