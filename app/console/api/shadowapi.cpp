// The console's HTTP API: Qt HttpServer on its own thread in front of the ClusterEngine. This
// file is the transport side: TLS, the token check, routing, the engine calls and their
// futures. What a request means and what the answers say is apijson.h.
//
// Routing goes through QHttpServer's missing handler rather than its router: Qt 6.4's router
// answers a path asked with the wrong method, or an unknown path, with an empty 404 of its own,
// and offers no hook before routing, while the API must check the token before anything else and
// answer every error in JSON (405 with Allow, 404 naming the endpoints).

#include "shadowapi.h"

#include <chrono>
#include <future>
#include <vector>

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include "apijson.h"
#include "apitoken.h"
#include "hostriskjson.h"
#include "partitionsjson.h"

Q_LOGGING_CATEGORY(lcApi, "foresight.api", QtInfoMsg)

namespace foresight::api {

namespace {

constexpr int kPollMs = 5;
// What one connection may send before its request is complete (headers and body); see
// Worker::guardNewConnections().
constexpr qint64 kMaxConnectionBytes = 16 * kMaxBodyBytes;
constexpr const char *kGuardedProperty = "foresightApiGuarded";
constexpr const char *kBytesProperty = "foresightApiBytes";

using StatusCode = QHttpServerResponder::StatusCode;

HttpMethod methodOf(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return HttpMethod::Get;
    case QHttpServerRequest::Method::Post:
        return HttpMethod::Post;
    case QHttpServerRequest::Method::Delete:
        return HttpMethod::Delete;
    default:
        return HttpMethod::Other;
    }
}

// Writes a complete JSON answer. Callers check first that the connection is still there.
void send(QHttpServerResponder &responder,
          int status,
          const QJsonObject &body,
          const QList<std::pair<QByteArray, QByteArray>> &headers = {})
{
    const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n';
    responder.writeStatusLine(static_cast<StatusCode>(status));
    responder.writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(json.size()));
    responder.writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
    for (const auto &[name, value] : headers)
        responder.writeHeader(name, value);
    responder.writeBody(json);
}

void sendError(QHttpServerResponder &responder,
               const ApiError &error,
               const QList<std::pair<QByteArray, QByteArray>> &headers = {})
{
    send(responder, error.status, error.toJson(), headers);
}

bool isLoopback(const QHostAddress &address)
{
    return address.isLoopback();
}

Result<QSslConfiguration> loadTls(const QString &certificatePath, const QString &keyPath)
{
    QFile certificateFile(certificatePath);
    if (!certificateFile.open(QIODevice::ReadOnly))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("cannot read the API certificate %1: %2")
                        .arg(certificatePath, certificateFile.errorString()));
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certificateFile.readAll(), QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 holds no PEM certificate").arg(certificatePath));
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("cannot read the API key %1: %2").arg(keyPath, keyFile.errorString()));
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Opaque}) {
        key = QSslKey(pem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 holds no unencrypted PEM private key (RSA or EC)").arg(keyPath));
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate by token
    return configuration;
}

// A shadow command (or, with hostRisk, a host risk) the engine is working on, and the connection
// waiting for its answer.
struct Pending
{
    ShadowAction action;
    failover::ShadowRequest request;
    std::optional<HostRiskRequest> hostRisk; // POST /hosts/risk: action and request unused
    std::future<Result<failover::OperatorOutcome>> future;
    std::unique_ptr<QHttpServerResponder> responder;
    QPointer<QTcpSocket> socket; // the responder's; gone when the client hung up
    std::chrono::steady_clock::time_point deadline;
    bool answered = false; // the client got its answer (a 504); the outcome is still to be audited
};

// Lives on the API thread: the HTTP server, its connections and the commands in flight. Nothing
// here is touched from another thread once started.
class Worker final : public QObject
{
public:
    Worker(failover::ClusterEngine &engine,
           QByteArray token,
           ShadowApiOptions options,
           std::optional<QSslConfiguration> tls)
        : m_engine(engine)
        , m_token(std::move(token))
        , m_options(std::move(options))
        , m_tls(std::move(tls))
    {}

    Result<quint16> listen()
    {
        if (!m_options.storePath.isEmpty()) { // opened here: a SQLite connection stays on its thread
            auto store = storage::ConsoleStore::open(m_options.storePath);
            if (!store)
                return fail(store.error().code,
                            QStringLiteral("the HTTP API cannot open the console store: %1").arg(store.error().message));
            m_store = std::move(*store);
        }
        m_server = new QHttpServer(this);
        m_server->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handle(request, std::move(responder));
        });
        QTcpServer *tcp = nullptr;
        if (m_tls) {
            auto *ssl = new QSslServer(this);
            ssl->setSslConfiguration(*m_tls);
            tcp = ssl;
        } else {
            tcp = new QTcpServer(this);
        }
        if (!tcp->listen(m_options.address, m_options.port)) {
            const QString why = tcp->errorString();
            delete tcp;
            return fail(ErrorCode::Network,
                        QStringLiteral("the HTTP API cannot listen on %1:%2: %3")
                            .arg(m_options.address.toString())
                            .arg(m_options.port)
                            .arg(why));
        }
        // Connected before bind(), so it runs before the HTTP server takes each new connection.
        connect(tcp, &QTcpServer::pendingConnectionAvailable, this, [this, tcp] { guardNewConnections(tcp); });
        m_server->bind(tcp); // takes it as a child
        m_poll.setInterval(kPollMs);
        connect(&m_poll, &QTimer::timeout, this, [this] { poll(); });
        return tcp->serverPort();
    }

private:
    void audit(ShadowAction action,
               const failover::ShadowRequest &request,
               const Result<failover::OperatorOutcome> &outcome)
    {
        if (!m_store)
            return;
        const auto entry = auditEntry(action, request, outcome);
        if (!entry)
            return;
        if (auto id = m_store->appendJournal(*entry); !id)
            qCWarning(lcApi).noquote() << "cannot audit" << entry->message << ":" << id.error().toString();
    }

    QString actorOf(const QHttpServerRequest &request) const
    {
        return QStringLiteral("http:%1").arg(request.remoteAddress().toString());
    }

    // Qt 6.4's HttpServer reads a whole request into memory before any handler sees it, however
    // large its Content-Length. Each connection's bytes since its last complete request are
    // counted here, on readyRead before the server reads them (it reads all there is each time),
    // and a connection past kMaxConnectionBytes is dropped without an answer, as the control
    // socket drops frames libzmq will not take. Requests between kMaxBodyBytes and that get their
    // 413 from handle().
    void guardNewConnections(QTcpServer *tcp)
    {
        for (QTcpSocket *socket : tcp->findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly)) {
            if (socket->property(kGuardedProperty).toBool())
                continue;
            socket->setProperty(kGuardedProperty, true);
            connect(socket, &QTcpSocket::readyRead, this, [socket] {
                const qint64 received = socket->property(kBytesProperty).toLongLong() + socket->bytesAvailable();
                socket->setProperty(kBytesProperty, received);
                if (received > kMaxConnectionBytes) {
                    qCWarning(lcApi).noquote() << "dropped a connection from" << socket->peerAddress().toString()
                                               << "that sent" << received << "bytes without completing a request";
                    socket->abort(); // the read buffer goes too: the server parses nothing more
                }
            });
        }
    }

    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
    {
        if (QTcpSocket *socket = responder.socket()) // a complete request: its bytes no longer count
            socket->setProperty(kBytesProperty, 0);
        // The token first: without it nothing about the API is revealed, not even its paths.
        const QByteArray given = bearerToken(request.value(QByteArrayLiteral("authorization")));
        if (given.isEmpty()) {
            sendError(responder,
                      ApiError{401,
                               QStringLiteral("unauthorized"),
                               QStringLiteral("no bearer token: send `Authorization: Bearer <token>` with the token "
                                              "of the console's token file (docs/api.md)"),
                               {}},
                      {{QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"foresight\"")}});
            return;
        }
        if (!tokenMatches(m_token, given)) {
            qCWarning(lcApi).noquote() << "refused a request with a wrong token from"
                                       << request.remoteAddress().toString();
            sendError(responder,
                      ApiError{401,
                               QStringLiteral("unauthorized"),
                               QStringLiteral("wrong bearer token: use the one in the console's token file"),
                               {}},
                      {{QByteArrayLiteral("WWW-Authenticate"),
                        QByteArrayLiteral("Bearer realm=\"foresight\", error=\"invalid_token\"")}});
            return;
        }
        // Still percent-encoded: routeOf() decodes the {id} of /shadow/{id} once, itself.
        const QString path = request.url().path(QUrl::FullyEncoded);
        if (path == kHostRiskPath) {
            answerHostRisk(request, responder);
            return;
        }
        if (path == kPartitionsPath) {
            answerPartitions(request, responder);
            return;
        }
        auto route = routeOf(methodOf(request.method()), path);
        if (!route) {
            QList<std::pair<QByteArray, QByteArray>> headers;
            if (route.error().status == 405)
                headers.append({QByteArrayLiteral("Allow"), allowedMethods(path)});
            sendError(responder, route.error(), headers);
            return;
        }
        switch (route->action) {
        case ShadowAction::Status:
            answerStatus(request, responder);
            return;
        case ShadowAction::Retire: {
            if (!request.body().isEmpty()) {
                sendError(responder,
                          ApiError{400,
                                   QStringLiteral("unexpected-body"),
                                   QStringLiteral("DELETE /shadow/{id} takes no body: pass dry-run and agent in the "
                                                  "query (?dry-run=true)"),
                                   {}});
                return;
            }
            auto parsed = parseRetireQuery(route->app, request.query(), actorOf(request));
            if (!parsed) {
                sendError(responder, parsed.error());
                return;
            }
            command(route->action, *parsed, responder);
            return;
        }
        case ShadowAction::Create:
        case ShadowAction::Promote:
        case ShadowAction::Swap:
        case ShadowAction::Update: {
            if (request.body().size() > kMaxBodyBytes) {
                sendError(responder,
                          ApiError{413,
                                   QStringLiteral("body-too-large"),
                                   QStringLiteral("the body has %1 bytes; at most %2 are accepted")
                                       .arg(request.body().size())
                                       .arg(kMaxBodyBytes),
                                   {}});
                return;
            }
            if (!isJsonContentType(request.value(QByteArrayLiteral("content-type")))) {
                sendError(responder,
                          ApiError{415,
                                   QStringLiteral("unsupported-media-type"),
                                   QStringLiteral("send the body as JSON with `Content-Type: application/json` (got "
                                                  "'%1')")
                                       .arg(QString::fromLatin1(request.value(QByteArrayLiteral("content-type")))),
                                   {}});
                return;
            }
            auto parsed = parseShadowBody(route->action, request.body(), actorOf(request));
            if (!parsed) {
                sendError(responder, parsed.error());
                return;
            }
            QJsonObject process;
            if (route->action == ShadowAction::Update) {
                auto changes = parseUpdateProcess(request.body());
                if (!changes) {
                    sendError(responder, changes.error());
                    return;
                }
                process = *changes;
            }
            command(route->action, *parsed, responder, process);
            return;
        }
        }
    }

    // POST /hosts/risk: an external failure risk for an agent's host, or null to clear it.
    void answerHostRisk(const QHttpServerRequest &request, QHttpServerResponder &responder)
    {
        if (methodOf(request.method()) != HttpMethod::Post) {
            sendError(responder,
                      ApiError{405,
                               QStringLiteral("method-not-allowed"),
                               QStringLiteral("%1 takes POST only").arg(kHostRiskPath),
                               {}},
                      {{QByteArrayLiteral("Allow"), QByteArrayLiteral("POST")}});
            return;
        }
        // As the shadow commands: a body too large first (413, from the parser), then its type.
        if (request.body().size() <= kMaxBodyBytes
            && !isJsonContentType(request.value(QByteArrayLiteral("content-type")))) {
            sendError(responder,
                      ApiError{415,
                               QStringLiteral("unsupported-media-type"),
                               QStringLiteral("send the body as JSON with `Content-Type: application/json` (got '%1')")
                                   .arg(QString::fromLatin1(request.value(QByteArrayLiteral("content-type")))),
                               {}});
            return;
        }
        auto parsed = parseHostRiskBody(request.body(), actorOf(request));
        if (!parsed) {
            sendError(responder, parsed.error());
            return;
        }
        // An agent the configuration does not have is refused here, as the engine would.
        if (const auto snapshot = m_engine.snapshot(); snapshot && !snapshot->agent(parsed->agent)) {
            const QString why = QStringLiteral("no agent '%1' in the cluster configuration").arg(parsed->agent);
            auditHostRisk(*parsed, fail(ErrorCode::NotFound, why));
            sendError(responder, ApiError{404, QStringLiteral("not-found"), why, QStringLiteral("agent")});
            return;
        }
        if (refusedAsBusy(responder))
            return;
        Pending pending;
        pending.action = ShadowAction::Status; // unused: hostRisk says what this is
        pending.hostRisk = *parsed;
        pending.future = m_engine.setHostRisk(parsed->agent, parsed->risk.value_or(-1), parsed->actor);
        pending.socket = responder.socket();
        pending.responder = std::make_unique<QHttpServerResponder>(std::move(responder));
        pending.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_options.commandTimeoutMs);
        m_pending.push_back(std::move(pending));
        if (!m_poll.isActive())
            m_poll.start();
        poll();
    }

    void auditHostRisk(const HostRiskRequest &request, const Result<failover::OperatorOutcome> &outcome)
    {
        if (!m_store)
            return;
        const auto entry = hostRiskAuditEntry(request, outcome);
        if (!entry)
            return;
        if (auto id = m_store->appendJournal(*entry); !id)
            qCWarning(lcApi).noquote() << "cannot audit" << entry->message << ":" << id.error().toString();
    }

    // GET /partitions?app=NAME: the application's staleness partitions, from the latest snapshot.
    void answerPartitions(const QHttpServerRequest &request, QHttpServerResponder &responder)
    {
        if (methodOf(request.method()) != HttpMethod::Get) {
            sendError(responder,
                      ApiError{405,
                               QStringLiteral("method-not-allowed"),
                               QStringLiteral("%1 takes GET only").arg(kPartitionsPath),
                               {}},
                      {{QByteArrayLiteral("Allow"), QByteArrayLiteral("GET")}});
            return;
        }
        answerFromSnapshot(request,
                           responder,
                           QStringLiteral("GET /partitions takes no body: name the application with ?app=NAME"),
                           parsePartitionsQuery,
                           partitionsStatusJson);
    }

    // A GET answered from the latest snapshot: no body, the application from the query, 503
    // before the first snapshot, then what `render` makes of it.
    void answerFromSnapshot(const QHttpServerRequest &request,
                            QHttpServerResponder &responder,
                            const QString &noBody,
                            ApiResult<QString> (*parse)(const QUrlQuery &),
                            ApiResult<QJsonObject> (*render)(const failover::ClusterSnapshot &, const QString &))
    {
        if (!request.body().isEmpty()) {
            sendError(responder, ApiError{400, QStringLiteral("unexpected-body"), noBody, {}});
            return;
        }
        auto app = parse(request.query());
        if (!app) {
            sendError(responder, app.error());
            return;
        }
        const auto snapshot = m_engine.snapshot();
        if (!snapshot) {
            sendStarting(responder);
            return;
        }
        auto json = render(*snapshot, *app);
        if (!json) {
            sendError(responder, json.error());
            return;
        }
        send(responder, 200, *json);
    }

    // 503 before the engine's first snapshot.
    void sendStarting(QHttpServerResponder &responder)
    {
        sendError(responder,
                  ApiError{503,
                           QStringLiteral("starting"),
                           QStringLiteral("the engine has not published its first snapshot yet; ask again in a "
                                          "moment"),
                           {}},
                  {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")}});
    }

    void answerStatus(const QHttpServerRequest &request, QHttpServerResponder &responder)
    {
        answerFromSnapshot(request,
                           responder,
                           QStringLiteral("GET /shadow/status takes no body: ask for one application with ?app=NAME"),
                           parseStatusQuery,
                           shadowStatusJson);
    }

    // Too many commands waiting for the engine: 503 with Retry-After, and true.
    bool refusedAsBusy(QHttpServerResponder &responder)
    {
        if (int(m_pending.size()) < m_options.maxPending)
            return false;
        sendError(responder,
                  ApiError{503,
                           QStringLiteral("busy"),
                           QStringLiteral("%1 commands are waiting for the engine; ask again when they are done")
                               .arg(m_pending.size()),
                           {}},
                  {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")}});
        return true;
    }

    // process: the update's changes (ShadowAction::Update only).
    void command(ShadowAction action,
                 const failover::ShadowRequest &request,
                 QHttpServerResponder &responder,
                 const QJsonObject &process = {})
    {
        // An application the configuration does not have is refused here, with the same answer
        // the engine gives, so the client need not wait for the engine's thread.
        if (const auto snapshot = m_engine.snapshot(); snapshot && !snapshot->app(request.app)) {
            const QString why = QStringLiteral("no application '%1' in the cluster configuration").arg(request.app);
            audit(action, request, fail(ErrorCode::NotFound, why));
            sendError(responder, ApiError{404, QStringLiteral("not-found"), why, QStringLiteral("app")});
            return;
        }
        if (refusedAsBusy(responder))
            return;
        Pending pending;
        pending.action = action;
        pending.request = request;
        switch (action) {
        case ShadowAction::Create:
            pending.future = m_engine.createShadow(request);
            break;
        case ShadowAction::Promote:
            pending.future = m_engine.promoteShadow(request);
            break;
        case ShadowAction::Swap:
            pending.future = m_engine.swapShadow(request);
            break;
        case ShadowAction::Retire:
            pending.future = m_engine.retireShadow(request);
            break;
        case ShadowAction::Update:
            pending.future = m_engine.updateShadow({request.app, request.agent, process, request.dryRun, request.actor});
            break;
        case ShadowAction::Status:
            return; // answered by handle()
        }
        pending.socket = responder.socket();
        pending.responder = std::make_unique<QHttpServerResponder>(std::move(responder));
        // An update waits for the instance's restart and its validation (60 s by default) before the swap.
        const int timeoutMs = action == ShadowAction::Update
                                  ? std::max(m_options.commandTimeoutMs, ShadowApiOptions::kUpdateTimeoutMs)
                                  : m_options.commandTimeoutMs;
        pending.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        m_pending.push_back(std::move(pending));
        if (!m_poll.isActive())
            m_poll.start();
        poll(); // a refusal is often ready at once
    }

    // Answers and audits every command whose future is ready, and answers 504 to clients whose
    // time ran out; on the API thread, every kPollMs while any is in flight. A command whose
    // client hung up stays until the engine's outcome is audited.
    void poll()
    {
        const auto now = std::chrono::steady_clock::now();
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            Pending &pending = *it;
            const bool connected = pending.socket && pending.socket->state() == QAbstractSocket::ConnectedState;
            const bool waiting = connected && !pending.answered; // the client still waits for this answer
            if (pending.future.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
                Result<failover::OperatorOutcome> outcome = fail(ErrorCode::Internal, QString());
                try {
                    outcome = pending.future.get();
                } catch (const std::future_error &) { // the engine stopped with the command queued
                    outcome = fail(ErrorCode::Internal, QStringLiteral("the engine stopped before it answered"));
                }
                // Audited whether or not anyone still waits: the engine did (or refused) it.
                if (pending.hostRisk)
                    auditHostRisk(*pending.hostRisk, outcome);
                else
                    audit(pending.action, pending.request, outcome);
                if (waiting && outcome)
                    send(*pending.responder,
                         200,
                         pending.hostRisk ? hostRiskOutcomeJson(*pending.hostRisk, *outcome)
                                          : outcomeJson(pending.action, pending.request, *outcome));
                else if (waiting)
                    sendError(*pending.responder, errorFromEngine(outcome.error()));
                it = m_pending.erase(it);
                continue;
            }
            if (waiting && now >= pending.deadline) {
                // The client's answer; the command stays here until the engine's outcome is audited.
                sendError(*pending.responder,
                          ApiError{504,
                                   QStringLiteral("timeout"),
                                   QStringLiteral(
                                       "the engine has not answered %1 %2 within %3 s; it may still carry it "
                                       "out: see GET /shadow/status and the journal")
                                       .arg(pending.hostRisk ? QStringLiteral("host risk")
                                                             : shadowActionName(pending.action),
                                            pending.hostRisk ? pending.hostRisk->agent : pending.request.app)
                                       .arg(m_options.commandTimeoutMs / 1000),
                                   {}});
                pending.answered = true;
            }
            ++it;
        }
        if (m_pending.empty())
            m_poll.stop();
    }

    failover::ClusterEngine &m_engine;
    const QByteArray m_token;
    const ShadowApiOptions m_options;
    const std::optional<QSslConfiguration> m_tls;
    std::unique_ptr<storage::ConsoleStore> m_store; // the API thread's own connection; may be null
    QHttpServer *m_server = nullptr;
    QTimer m_poll{this};
    std::vector<Pending> m_pending;
};

} // namespace

Status parseApiListen(const QString &text, ShadowApiOptions &options)
{
    const auto bad = [&text](const QString &why) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--api-listen '%1': %2 (HOST:PORT, e.g. 127.0.0.1:7480 or [::1]:7480; off: no HTTP "
                                   "API)")
                        .arg(text, why));
    };
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return bad(QStringLiteral("no port"));
    QString host = text.left(colon);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return bad(QStringLiteral("the port must be a number from 0 to 65535"));
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    QHostAddress address;
    if (host == QLatin1String("localhost"))
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return bad(QStringLiteral("'%1' is not an IP address").arg(host));
    options.address = address;
    options.port = quint16(port);
    return {};
}

class ShadowApiServer::Impl
{
public:
    ~Impl() { stop(); }

    void stop()
    {
        if (!m_thread.isRunning())
            return;
        // Deleted on its own thread, where its sockets and timers belong: a deferred delete posted
        // before quit() still runs as the thread finishes.
        m_worker->deleteLater();
        m_worker = nullptr;
        m_thread.quit();
        m_thread.wait();
    }

    ShadowApiOptions m_options;
    QThread m_thread;
    Worker *m_worker = nullptr;
    quint16 m_port = 0;
};

Result<std::unique_ptr<ShadowApiServer>> ShadowApiServer::start(failover::ClusterEngine &engine,
                                                                ShadowApiOptions options)
{
    if (options.certificatePath.isEmpty() != options.keyPath.isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("TLS for the HTTP API needs both a certificate (--api-cert) and its private key "
                                   "(--api-key)"));
    const bool tls = !options.certificatePath.isEmpty();
    if (!tls && !isLoopback(options.address))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the HTTP API listens on %1 only with TLS (--api-cert and --api-key): without it "
                                   "the bearer token would cross the network in clear; a loopback address needs none")
                        .arg(options.address.toString()));
    if (options.tokenPath.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the HTTP API needs a token file"));
    auto token = loadOrCreateToken(options.tokenPath);
    if (!token)
        return std::unexpected(token.error());
    std::optional<QSslConfiguration> configuration;
    if (tls) {
        auto loaded = loadTls(options.certificatePath, options.keyPath);
        if (!loaded)
            return std::unexpected(loaded.error());
        configuration = *loaded;
    }

    auto impl = std::make_unique<Impl>();
    impl->m_options = options;
    impl->m_thread.setObjectName(QStringLiteral("fs-api"));
    impl->m_worker = new Worker(engine, *token, options, configuration);
    impl->m_worker->moveToThread(&impl->m_thread);
    impl->m_thread.start();
    Result<quint16> port = fail(ErrorCode::Internal, QStringLiteral("the API thread did not start"));
    Worker *worker = impl->m_worker;
    QMetaObject::invokeMethod(
        worker, [&port, worker] { port = worker->listen(); }, Qt::BlockingQueuedConnection);
    if (!port)
        return std::unexpected(port.error()); // ~Impl stops the thread
    impl->m_port = *port;
    return std::unique_ptr<ShadowApiServer>(new ShadowApiServer(std::move(impl)));
}

ShadowApiServer::ShadowApiServer(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

ShadowApiServer::~ShadowApiServer() = default;

quint16 ShadowApiServer::port() const
{
    return m_impl->m_port;
}

bool ShadowApiServer::tls() const
{
    return !m_impl->m_options.certificatePath.isEmpty();
}

QString ShadowApiServer::url() const
{
    const QHostAddress &address = m_impl->m_options.address;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("%1://%2:%3")
        .arg(tls() ? QStringLiteral("https") : QStringLiteral("http"), host)
        .arg(m_impl->m_port);
}

const QString &ShadowApiServer::tokenPath() const
{
    return m_impl->m_options.tokenPath;
}

} // namespace foresight::api
