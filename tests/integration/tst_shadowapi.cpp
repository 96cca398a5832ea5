// The console's HTTP API (docs/api.md) as a client sees it: the real ShadowApiServer on its own
// thread in front of a real failover engine watching real agents, asked through real sockets by
// QNetworkAccessManager. Authentication (no token, a wrong one), every endpoint, malformed
// bodies, unknown fields and applications, the token file, the loopback default and TLS, and a
// shadow's life cycle (create, promote and retire dry runs, retire, swap) through the API.

#include <optional>

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "apijson.h"
#include "apitoken.h"
#include "clusterprobe.h"
#include "enginetesting.h"
#include "foresight/storage/consolestore.h"
#include "shadowapi.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 30000;

template<typename T>
QString why(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

struct HttpReply
{
    int status = 0;
    QByteArray raw;
    QJsonObject json;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    QMap<QByteArray, QByteArray> headers;

    QString errorCode() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
    QString errorField() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString();
    }
    QString errorMessage() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    }
    QString describe() const
    {
        return QStringLiteral("HTTP %1 %2 (%3)").arg(status).arg(QString::fromUtf8(raw), errorString);
    }
};

} // namespace

class TestShadowApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void tokenFileIsOwnerOnlyAndTheDefaultIsLoopback();
    void nonLoopbackWithoutTlsIsRefused();
    void aTakenPortIsANetworkError();
    void requestsWithoutTheRightTokenAre401_data();
    void requestsWithoutTheRightTokenAre401();
    void statusListsEveryApplicationWithItsCriticality();
    void statusOfOneApplicationAndItsErrors();
    void badBodiesGet400NamingTheField_data();
    void badBodiesGet400NamingTheField();
    void aBodyThatIsNotJsonIs415();
    void anOversizedBodyIs413();
    void aHugeRequestIsDroppedAndTheServerCarriesOn();
    void unknownApplicationsAre404_data();
    void unknownApplicationsAre404();
    void refusalsAreJournaledWithTheActor();
    void updateOfAnApplicationWithoutAProcessIsRefused();
    void wrongMethodsAre405WithAllow();
    void unknownPathsAre404();
    void tlsServesHttpsWithTheConfiguredCertificate();
    void hostRiskIsSetAndClearedWithItsErrors();
    void partitionsOfAnApplicationAndTheirErrors();
    // Need the engine's shadow commands.
    void createDryRunChangesNothing();
    void shadowLifeCycle();

private:
    HttpReply request(const QByteArray &verb,
                      const QString &path,
                      const QByteArray &body = {},
                      std::optional<QByteArray> token = std::nullopt,
                      const QByteArray &contentType = QByteArrayLiteral("application/json"),
                      const QString &base = {},
                      const QSslConfiguration *tls = nullptr);
    HttpReply post(const QString &path, const QByteArray &body) { return request("POST", path, body); }
    QJsonObject shopStatus()
    {
        const HttpReply reply = request("GET", QStringLiteral("/shadow/status?app=") + kTestApp);
        return reply.json.value(QStringLiteral("apps")).toArray().first().toObject();
    }

    QTemporaryDir m_dir;
    QString m_storePath;
    QString m_tokenPath;
    QByteArray m_token;
    QString m_base;
    QNetworkAccessManager m_network;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;
    std::unique_ptr<api::ShadowApiServer> m_server;
};

HttpReply TestShadowApi::request(const QByteArray &verb,
                                 const QString &path,
                                 const QByteArray &body,
                                 std::optional<QByteArray> token,
                                 const QByteArray &contentType,
                                 const QString &base,
                                 const QSslConfiguration *tls)
{
    QNetworkRequest request(QUrl((base.isEmpty() ? m_base : base) + path));
    const QByteArray bearer = token ? *token : m_token;
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer);
    if (!body.isEmpty() && !contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    if (tls)
        request.setSslConfiguration(*tls);
    request.setTransferTimeout(150000);
    QNetworkReply *reply = m_network.sendCustomRequest(request, verb, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(150000);
    HttpReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.raw = reply->readAll();
    result.json = QJsonDocument::fromJson(result.raw).object();
    result.error = reply->error();
    result.errorString = reply->errorString();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        result.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return result;
}

void TestShadowApi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    cluster::LocalCluster::Options options;
    options.workDir = m_dir.filePath(QStringLiteral("cluster"));
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, qPrintable(why(cluster)));
    m_cluster = std::move(*cluster);
    m_storePath = m_dir.filePath(QStringLiteral("data/console.db"));
    QDir().mkpath(m_dir.filePath(QStringLiteral("data")));
    AppConfig appConfig;
    appConfig.syncReplicas = 1;
    m_engine = startTestEngine(*m_cluster,
                               clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}, {2, Tier::Warm}}, appConfig),
                               m_storePath);
    QVERIFY(m_engine);

    api::ShadowApiOptions apiOptions;
    apiOptions.port = 0; // any free port
    apiOptions.tokenPath = api::defaultTokenPath(m_storePath);
    apiOptions.storePath = m_storePath;
    m_tokenPath = apiOptions.tokenPath;
    QVERIFY(!QFile::exists(m_tokenPath));
    auto server = api::ShadowApiServer::start(*m_engine, apiOptions);
    QVERIFY2(server, qPrintable(why(server)));
    m_server = std::move(*server);
    QVERIFY(m_server->port() != 0);
    m_base = m_server->url();
    QFile tokenFile(m_tokenPath);
    QVERIFY(tokenFile.open(QIODevice::ReadOnly));
    m_token = tokenFile.readAll().trimmed();
    QCOMPARE(m_token.size(), 43);

    QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(linkCount(*m_cluster, 0) == 2, kTimeoutMs);
}

void TestShadowApi::cleanupTestCase()
{
    m_server.reset();
    m_engine.reset();
    m_cluster.reset();
}

void TestShadowApi::tokenFileIsOwnerOnlyAndTheDefaultIsLoopback()
{
    QCOMPARE(m_tokenPath, m_dir.filePath(QStringLiteral("data/api-token")));
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther
                                            | QFileDevice::WriteOther;
    QCOMPARE(QFile::permissions(m_tokenPath) & others, QFileDevice::Permissions());
    QVERIFY(QFile::permissions(m_tokenPath) & QFileDevice::ReadOwner);
    QVERIFY2(m_base.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(m_base));
    const api::ShadowApiOptions defaults;
    QCOMPARE(defaults.address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(defaults.port, api::kDefaultApiPort);
    QVERIFY(!m_server->tls());
}

void TestShadowApi::nonLoopbackWithoutTlsIsRefused()
{
    api::ShadowApiOptions options;
    options.address = QHostAddress(QHostAddress::Any);
    options.port = 0;
    options.tokenPath = m_tokenPath;
    auto refused = api::ShadowApiServer::start(*m_engine, options);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(refused.error().message.contains(QStringLiteral("TLS")), qPrintable(refused.error().message));

    api::ShadowApiOptions halfTls;
    halfTls.port = 0;
    halfTls.tokenPath = m_tokenPath;
    halfTls.certificatePath = m_dir.filePath(QStringLiteral("cert.pem"));
    QCOMPARE(api::ShadowApiServer::start(*m_engine, halfTls).error().code, ErrorCode::InvalidArgument);
}

void TestShadowApi::aTakenPortIsANetworkError()
{
    api::ShadowApiOptions options;
    options.port = m_server->port();
    options.tokenPath = m_tokenPath;
    auto second = api::ShadowApiServer::start(*m_engine, options);
    QVERIFY(!second);
    QCOMPARE(second.error().code, ErrorCode::Network);
    QVERIFY2(second.error().message.contains(QString::number(options.port)), qPrintable(second.error().message));
}

void TestShadowApi::requestsWithoutTheRightTokenAre401_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    const QByteArray body = R"({"app": "shop"})";
    QTest::newRow("status") << QByteArray("GET") << "/shadow/status" << QByteArray();
    QTest::newRow("create") << QByteArray("POST") << "/shadow/create" << body;
    QTest::newRow("promote") << QByteArray("POST") << "/shadow/promote" << body;
    QTest::newRow("swap") << QByteArray("POST") << "/shadow/swap" << body;
    QTest::newRow("update") << QByteArray("POST") << "/shadow/update" << body;
    QTest::newRow("retire") << QByteArray("DELETE") << "/shadow/shop" << QByteArray();
    QTest::newRow("partitions") << QByteArray("GET") << "/partitions?app=shop" << QByteArray();
    QTest::newRow("unknown path") << QByteArray("GET") << "/secret" << QByteArray();
}

void TestShadowApi::requestsWithoutTheRightTokenAre401()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    const HttpReply none = request(verb, path, body, QByteArray());
    QCOMPARE(none.status, 401);
    QCOMPARE(none.errorCode(), QStringLiteral("unauthorized"));
    QVERIFY2(none.errorMessage().contains(QStringLiteral("no bearer token")), qPrintable(none.describe()));
    QVERIFY(none.header("WWW-Authenticate").startsWith("Bearer"));

    QByteArray wrong = m_token;
    wrong[wrong.size() - 1] = wrong.back() == 'A' ? 'B' : 'A';
    const HttpReply refused = request(verb, path, body, wrong);
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.errorMessage().contains(QStringLiteral("wrong bearer token")), qPrintable(refused.describe()));
    QVERIFY(refused.header("WWW-Authenticate").contains("invalid_token"));
    QCOMPARE(request(verb, path, body, m_token + m_token).status, 401);
}

void TestShadowApi::statusListsEveryApplicationWithItsCriticality()
{
    const HttpReply reply = request("GET", QStringLiteral("/shadow/status"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(reply.json.value(QStringLiteral("cluster")).toString(), QStringLiteral("test"));
    QVERIFY(reply.json.value(QStringLiteral("taken-ms")).toDouble() > 0);
    const QJsonArray apps = reply.json.value(QStringLiteral("apps")).toArray();
    QCOMPARE(apps.size(), 1);
    const QJsonObject shop = apps.first().toObject();
    QCOMPARE(shop.value(QStringLiteral("app")).toString(), kTestApp);
    QCOMPARE(shop.value(QStringLiteral("criticality")).toString(), QStringLiteral("medium"));
    QCOMPARE(shop.value(QStringLiteral("primary")).toString(), m_cluster->agent(0).name());
    QCOMPARE(shop.value(QStringLiteral("phase")).toString(), QStringLiteral("healthy"));
    QVERIFY(shop.contains(QStringLiteral("shadow")));
}

void TestShadowApi::statusOfOneApplicationAndItsErrors()
{
    const HttpReply one = request("GET", QStringLiteral("/shadow/status?app=shop"));
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json.value(QStringLiteral("apps")).toArray().size(), 1);
    const HttpReply unknown = request("GET", QStringLiteral("/shadow/status?app=nope"));
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), QStringLiteral("not-found"));
    QVERIFY(unknown.errorMessage().contains(QStringLiteral("nope")));
    const HttpReply other = request("GET", QStringLiteral("/shadow/status?application=shop"));
    QCOMPARE(other.status, 400);
    QCOMPARE(other.errorField(), QStringLiteral("application"));
}

void TestShadowApi::badBodiesGet400NamingTheField_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");
    QTest::newRow("malformed JSON") << "/shadow/create" << QByteArray("{\"app\": ") << "malformed-json"
                                    << "";
    QTest::newRow("not an object") << "/shadow/swap" << QByteArray("[1, 2]") << "malformed-json"
                                   << "";
    QTest::newRow("unknown field") << "/shadow/create" << QByteArray(R"({"app": "shop", "host": "x"})")
                                   << "unknown-field"
                                   << "host";
    QTest::newRow("force on swap") << "/shadow/swap" << QByteArray(R"({"app": "shop", "force": true})")
                                   << "unknown-field"
                                   << "force";
    QTest::newRow("app a number") << "/shadow/promote" << QByteArray(R"({"app": 3})") << "invalid-field"
                                  << "app";
    QTest::newRow("dry-run a string") << "/shadow/create" << QByteArray(R"({"app": "shop", "dry-run": "true"})")
                                      << "invalid-field"
                                      << "dry-run";
    QTest::newRow("force a string") << "/shadow/promote" << QByteArray(R"({"app": "shop", "force": "no"})")
                                    << "invalid-field"
                                    << "force";
    QTest::newRow("no app") << "/shadow/create" << QByteArray(R"({"dry-run": true})") << "missing-field"
                            << "app";
    QTest::newRow("update without process") << "/shadow/update" << QByteArray(R"({"app": "shop"})") << "missing-field"
                                            << "process";
    QTest::newRow("process a string") << "/shadow/update" << QByteArray(R"({"app": "shop", "process": "v2"})")
                                      << "invalid-field"
                                      << "process";
    QTest::newRow("process empty") << "/shadow/update" << QByteArray(R"({"app": "shop", "process": {}})")
                                   << "invalid-field"
                                   << "process";
    QTest::newRow("process on swap") << "/shadow/swap" << QByteArray(R"({"app": "shop", "process": {"command": "x"}})")
                                     << "unknown-field"
                                     << "process";
}

void TestShadowApi::badBodiesGet400NamingTheField()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, field);
    const HttpReply reply = post(path, body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), code);
    QCOMPARE(reply.errorField(), field);
    QVERIFY2(!reply.errorMessage().isEmpty(), qPrintable(reply.describe()));
}

void TestShadowApi::aBodyThatIsNotJsonIs415()
{
    const HttpReply reply = request("POST", QStringLiteral("/shadow/create"), "app=shop", std::nullopt, "text/plain");
    QCOMPARE(reply.status, 415);
    QCOMPARE(reply.errorCode(), QStringLiteral("unsupported-media-type"));
}

void TestShadowApi::anOversizedBodyIs413()
{
    const QByteArray body = R"({"app": ")" + QByteArray(api::kMaxBodyBytes + 10, 'x') + "\"}";
    const HttpReply reply = post(QStringLiteral("/shadow/create"), body);
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.errorCode(), QStringLiteral("body-too-large"));
}

void TestShadowApi::aHugeRequestIsDroppedAndTheServerCarriesOn()
{
    // Past 16 times the body limit the connection is cut before the body is read in full.
    const QByteArray body = R"({"app": ")" + QByteArray(20 * api::kMaxBodyBytes, 'x') + "\"}";
    const HttpReply dropped = post(QStringLiteral("/shadow/create"), body);
    QCOMPARE(dropped.status, 0);
    QVERIFY2(dropped.error != QNetworkReply::NoError, qPrintable(dropped.describe()));
    m_network.clearConnectionCache();
    QCOMPARE(request("GET", QStringLiteral("/shadow/status")).status, 200);
}

void TestShadowApi::unknownApplicationsAre404_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("create") << QByteArray("POST") << "/shadow/create" << QByteArray(R"({"app": "nope"})");
    QTest::newRow("promote") << QByteArray("POST") << "/shadow/promote" << QByteArray(R"({"app": "nope"})");
    QTest::newRow("swap") << QByteArray("POST") << "/shadow/swap" << QByteArray(R"({"app": "nope", "dry-run": true})");
    QTest::newRow("retire") << QByteArray("DELETE") << "/shadow/nope" << QByteArray();
    QTest::newRow("retire, percent-encoded") << QByteArray("DELETE") << "/shadow/nope%2520x" << QByteArray();
}

void TestShadowApi::unknownApplicationsAre404()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    const HttpReply reply = request(verb, path, body);
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.errorCode(), QStringLiteral("not-found"));
    if (path.contains(QLatin1Char('%'))) // decoded once, not twice: the application is "nope%20x"
        QVERIFY2(reply.errorMessage().contains(QStringLiteral("'nope%20x'")), qPrintable(reply.describe()));
    else
        QVERIFY2(reply.errorMessage().contains(QStringLiteral("'nope'")), qPrintable(reply.describe()));
}

void TestShadowApi::refusalsAreJournaledWithTheActor()
{
    QCOMPARE(post(QStringLiteral("/shadow/swap"), R"({"app": "nope", "agent": "delta", "dry-run": true})").status, 404);
    const auto journaled = [this] {
        auto store = storage::ConsoleStore::open(m_storePath);
        if (!store)
            return false;
        auto entries = (*store)->journal(0, 100000);
        if (!entries)
            return false;
        for (const storage::JournalEntry &entry : *entries) {
            if (entry.kind == QLatin1String("operator") && entry.actor == QLatin1String("http:127.0.0.1")
                && entry.message
                       == QLatin1String("shadow swap nope (delta) (dry run) refused: no application 'nope' "
                                        "in the cluster configuration")
                && entry.details.value(QStringLiteral("error-code")).toString() == QLatin1String("not-found"))
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(journaled(), kTimeoutMs);
}

void TestShadowApi::updateOfAnApplicationWithoutAProcessIsRefused()
{
    // This cluster's applications hold state only: there is no process to update, and the engine
    // says so before anything changes (the update itself: tst_shadowupdate).
    const HttpReply reply = post(QStringLiteral("/shadow/update"),
                                 R"({"app": "shop", "process": {"arguments": ["--release", "2"]}})");
    QCOMPARE(reply.status, 409);
    QCOMPARE(reply.errorCode(), QStringLiteral("invalid-argument"));
    QVERIFY2(reply.errorMessage().contains(QStringLiteral("'shop' runs no process")), qPrintable(reply.describe()));
}

void TestShadowApi::partitionsOfAnApplicationAndTheirErrors()
{
    const HttpReply shop = request("GET", QStringLiteral("/partitions?app=") + kTestApp);
    QCOMPARE(shop.status, 200);
    QCOMPARE(shop.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(shop.json.value(QStringLiteral("cluster")).toString(), QStringLiteral("test"));
    QCOMPARE(shop.json.value(QStringLiteral("app")).toString(), kTestApp);
    QCOMPARE(shop.json.value(QStringLiteral("primary")).toString(), m_cluster->agent(0).name());
    QVERIFY(shop.json.value(QStringLiteral("taken-ms")).toDouble() > 0);
    // Until the primary reports partitions (9.2: once it has accepted a write or linked a warm replica):
    // null with why; afterwards the map, whose list every report carries.
    const QJsonValue partitions = shop.json.value(QStringLiteral("partitions"));
    if (partitions.isNull())
        QVERIFY2(shop.json.value(QStringLiteral("reason")).toString().contains(m_cluster->agent(0).name()),
                 qPrintable(shop.describe()));
    else
        QVERIFY2(partitions.toObject().value(QStringLiteral("list")).isArray(), qPrintable(shop.describe()));

    const HttpReply unknown = request("GET", QStringLiteral("/partitions?app=nope"));
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), QStringLiteral("not-found"));
    QVERIFY2(unknown.errorMessage().contains(QStringLiteral("'nope'")), qPrintable(unknown.describe()));
    QCOMPARE(unknown.errorField(), QStringLiteral("app"));

    const HttpReply missing = request("GET", QStringLiteral("/partitions"));
    QCOMPARE(missing.status, 400);
    QCOMPARE(missing.errorCode(), QStringLiteral("missing-field"));
    QCOMPARE(missing.errorField(), QStringLiteral("app"));
    QCOMPARE(request("GET", QStringLiteral("/partitions?app=shop&x=1")).errorField(), QStringLiteral("x"));

    const HttpReply posted = post(QStringLiteral("/partitions"), R"({"app": "shop"})");
    QCOMPARE(posted.status, 405);
    QCOMPARE(posted.header("Allow"), QByteArray("GET"));
}

void TestShadowApi::wrongMethodsAre405WithAllow()
{
    const HttpReply get = request("GET", QStringLiteral("/shadow/create"));
    QCOMPARE(get.status, 405);
    QCOMPARE(get.header("Allow"), QByteArray("POST"));
    QCOMPARE(get.errorCode(), QStringLiteral("method-not-allowed"));
    const HttpReply post = request("POST", QStringLiteral("/shadow/shop"), R"({"app": "shop"})");
    QCOMPARE(post.status, 405);
    QCOMPARE(post.header("Allow"), QByteArray("DELETE"));
    const HttpReply put = request("PUT", QStringLiteral("/shadow/status"), "{}");
    QCOMPARE(put.status, 405);
    QCOMPARE(put.header("Allow"), QByteArray("GET"));
}

void TestShadowApi::unknownPathsAre404()
{
    const HttpReply reply = request("GET", QStringLiteral("/shadows"));
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.errorCode(), QStringLiteral("no-such-endpoint"));
    QVERIFY(reply.errorMessage().contains(QStringLiteral("/shadow/status")));
    QVERIFY(reply.errorMessage().contains(QStringLiteral("/partitions")));
}

void TestShadowApi::hostRiskIsSetAndClearedWithItsErrors()
{
    // On the warm replica's host, not the primary's: a risky primary would draw a shadow.
    const QString agent = m_cluster->agent(2).name();
    const auto externalRisk = [this, &agent] {
        const auto snapshot = m_engine->snapshot();
        const failover::AgentView *view = snapshot ? snapshot->agent(agent) : nullptr;
        return view ? view->externalRisk : -2.0;
    };
    const QString path = QStringLiteral("/hosts/risk");
    const HttpReply set = post(path, QStringLiteral(R"({"agent": "%1", "risk": 0.8})").arg(agent).toUtf8());
    QCOMPARE(set.status, 200);
    QCOMPARE(set.json.value(QStringLiteral("risk")).toDouble(), 0.8);
    QCOMPARE(set.json.value(QStringLiteral("actor")).toString(), QStringLiteral("http:127.0.0.1"));
    QVERIFY2(set.json.value(QStringLiteral("summary")).toString().contains(QStringLiteral("0.80")),
             qPrintable(set.describe()));
    QTRY_COMPARE_WITH_TIMEOUT(externalRisk(), 0.8, kTimeoutMs);

    const HttpReply outOfRange = post(path, QStringLiteral(R"({"agent": "%1", "risk": 1.5})").arg(agent).toUtf8());
    QCOMPARE(outOfRange.status, 400);
    QCOMPARE(outOfRange.errorCode(), QStringLiteral("invalid-field"));
    QCOMPARE(outOfRange.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString(),
             QStringLiteral("risk"));
    const HttpReply unknown = post(path, R"({"agent": "nope", "risk": 0.5})");
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString(),
             QStringLiteral("agent"));
    const HttpReply get = request("GET", path);
    QCOMPARE(get.status, 405);
    QCOMPARE(get.header("Allow"), QByteArray("POST"));
    const HttpReply text = request("POST", path, "agent=x", std::nullopt, QByteArrayLiteral("text/plain"));
    QCOMPARE(text.status, 415);
    const HttpReply noToken = request("POST", path, R"({"agent": "nope", "risk": 0.5})", QByteArray());
    QCOMPARE(noToken.status, 401);
    QCOMPARE(externalRisk(), 0.8); // none of those changed it

    const HttpReply clear = post(path, QStringLiteral(R"({"agent": "%1", "risk": null})").arg(agent).toUtf8());
    QCOMPARE(clear.status, 200);
    QVERIFY(clear.json.value(QStringLiteral("risk")).isNull());
    QTRY_COMPARE_WITH_TIMEOUT(externalRisk(), -1.0, kTimeoutMs);
}

void TestShadowApi::tlsServesHttpsWithTheConfiguredCertificate()
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        QSKIP("openssl is not installed: no certificate to test TLS with");
    const QString certificate = m_dir.filePath(QStringLiteral("cert.pem"));
    const QString key = m_dir.filePath(QStringLiteral("key.pem"));
    QProcess process;
    process.start(openssl,
                  {QStringLiteral("req"),
                   QStringLiteral("-x509"),
                   QStringLiteral("-newkey"),
                   QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:prime256v1"),
                   QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"),
                   key,
                   QStringLiteral("-out"),
                   certificate,
                   QStringLiteral("-days"),
                   QStringLiteral("1"),
                   QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"),
                   QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1")});
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());

    api::ShadowApiOptions options;
    options.port = 0;
    options.tokenPath = m_tokenPath;
    options.certificatePath = certificate;
    options.keyPath = key;
    auto server = api::ShadowApiServer::start(*m_engine, options);
    QVERIFY2(server, qPrintable(why(server)));
    QVERIFY((*server)->tls());
    const QString base = (*server)->url();
    QVERIFY2(base.startsWith(QStringLiteral("https://127.0.0.1:")), qPrintable(base));

    QFile pem(certificate);
    QVERIFY(pem.open(QIODevice::ReadOnly));
    QSslConfiguration trust = QSslConfiguration::defaultConfiguration();
    trust.setCaCertificates(QSslCertificate::fromData(pem.readAll(), QSsl::Pem));
    const HttpReply status = request("GET", QStringLiteral("/shadow/status"), {}, std::nullopt, {}, base, &trust);
    QVERIFY2(status.status == 200, qPrintable(status.describe()));
    QCOMPARE(status.json.value(QStringLiteral("apps")).toArray().size(), 1);
    // The token is checked over TLS as over plain HTTP.
    QCOMPARE(request("GET", QStringLiteral("/shadow/status"), {}, QByteArray("x"), {}, base, &trust).status, 401);
    // A client that does not trust the certificate gets no answer at all (a new connection: the
    // trusted one would be reused otherwise).
    m_network.clearConnectionCache();
    const HttpReply untrusted = request("GET", QStringLiteral("/shadow/status"), {}, std::nullopt, {}, base);
    QCOMPARE(untrusted.status, 0);
    QCOMPARE(untrusted.error, QNetworkReply::SslHandshakeFailedError);

    // A key that is not PEM is refused at start, naming the file.
    options.keyPath = certificate;
    auto refused = api::ShadowApiServer::start(*m_engine, options);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(certificate), qPrintable(refused.error().message));
}

void TestShadowApi::createDryRunChangesNothing()
{
    const HttpReply reply = post(QStringLiteral("/shadow/create"), R"({"app": "shop", "dry-run": true})");
    QVERIFY2(reply.status == 200, qPrintable(reply.describe()));
    QCOMPARE(reply.json.value(QStringLiteral("action")).toString(), QStringLiteral("create"));
    QCOMPARE(reply.json.value(QStringLiteral("dry-run")).toBool(), true);
    QVERIFY(!reply.json.value(QStringLiteral("summary")).toString().isEmpty());
    QVERIFY(reply.json.value(QStringLiteral("actor")).toString().startsWith(QStringLiteral("http:")));
    QVERIFY(shopStatus().value(QStringLiteral("shadow")).isNull());
}

void TestShadowApi::shadowLifeCycle()
{
    const HttpReply created = post(QStringLiteral("/shadow/create"), R"({"app": "shop"})");
    QVERIFY2(created.status == 200, qPrintable(created.describe()));
    // The shadow catches up, then shows as ready (swappable) in the status.
    QTRY_COMPARE_WITH_TIMEOUT(
        shopStatus().value(QStringLiteral("shadow")).toObject().value(QStringLiteral("state")).toString(),
        QStringLiteral("ready"),
        kTimeoutMs);
    const QJsonObject shadow = shopStatus().value(QStringLiteral("shadow")).toObject();
    const QString shadowAgent = shadow.value(QStringLiteral("agent")).toString();
    QVERIFY(!shadowAgent.isEmpty());
    QVERIFY(shadowAgent != m_cluster->agent(0).name());
    QVERIFY(shadow.value(QStringLiteral("swappable")).toBool());

    const HttpReply promoteDry = post(QStringLiteral("/shadow/promote"), R"({"app": "shop", "dry-run": true})");
    QVERIFY2(promoteDry.status == 200, qPrintable(promoteDry.describe()));
    QCOMPARE(promoteDry.json.value(QStringLiteral("dry-run")).toBool(), true);

    // Retire: a dry run changes nothing, then the shadow goes.
    const HttpReply retireDry = request("DELETE", QStringLiteral("/shadow/shop?dry-run=true"));
    QVERIFY2(retireDry.status == 200, qPrintable(retireDry.describe()));
    QVERIFY(!shopStatus().value(QStringLiteral("shadow")).isNull());
    const HttpReply retired = request("DELETE", QStringLiteral("/shadow/shop"));
    QVERIFY2(retired.status == 200, qPrintable(retired.describe()));
    QTRY_VERIFY_WITH_TIMEOUT(shopStatus().value(QStringLiteral("shadow")).isNull(), kTimeoutMs);

    // A swap onto a new shadow: the primary moves to the shadow's agent, the pause measured.
    QCOMPARE(post(QStringLiteral("/shadow/create"), R"({"app": "shop"})").status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(
        shopStatus().value(QStringLiteral("shadow")).toObject().value(QStringLiteral("state")).toString(),
        QStringLiteral("ready"),
        kTimeoutMs);
    const QString target
        = shopStatus().value(QStringLiteral("shadow")).toObject().value(QStringLiteral("agent")).toString();
    const HttpReply swapDry = post(QStringLiteral("/shadow/swap"), R"({"app": "shop", "dry-run": true})");
    QVERIFY2(swapDry.status == 200, qPrintable(swapDry.describe()));
    QCOMPARE(shopStatus().value(QStringLiteral("primary")).toString(), m_cluster->agent(0).name());
    const HttpReply swapped = post(QStringLiteral("/shadow/swap"), R"({"app": "shop"})");
    QVERIFY2(swapped.status == 200, qPrintable(swapped.describe()));
    QVERIFY(swapped.json.value(QStringLiteral("details")).toObject().contains(QStringLiteral("pause-ms")));
    QTRY_COMPARE_WITH_TIMEOUT(shopStatus().value(QStringLiteral("primary")).toString(), target, kTimeoutMs);
}

QTEST_GUILESS_MAIN(TestShadowApi)
#include "tst_shadowapi.moc"
