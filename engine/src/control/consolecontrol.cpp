// The console's control API: a ROUTER socket on its own thread in front of the ClusterEngine.
// This file is the socket side: binding, the poll loop, the envelope checks (frames, size, who
// may ask) and routing each request to its handler. Commands go to the engine's thread-safe API;
// their futures are kept and polled by the loop, so a switchover that takes seconds holds up
// nobody's status request. What a request means (its checks, the engine call, the audit entry
// and the reply body) is controlrequests.h; journal paging is journalpager.h; the ipc:// socket
// file is ipcsocketpath.h.

#include "foresight/control/consolecontrol.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>
#include <unistd.h>
#include <vector>

#include <zmq.hpp>

#include <QCborArray>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>

#include "control/controlrequests.h"
#include "control/ipcsocketpath.h"
#include "control/journalpager.h"
#include "control/snapshotcbor.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/report/incidentreport.h"
#include "foresight/storage/consolestore.h"
#include "transport/wire.h"

Q_LOGGING_CATEGORY(lcControl, "foresight.control", QtInfoMsg)

namespace foresight::control {

using protocol::Message;
using protocol::MessageType;

namespace {

constexpr int kDefaultJournalLimit = 100;
constexpr int kDefaultIncidentLimit = 20;
// libzmq drops frames above this multiple of maxRequestBytes; between the two, an error reply.
constexpr qsizetype kTransportFactor = 16;

struct Route
{
    QList<QByteArray> routing;
    qint64 id = -1;
};

// A command the engine (or a demo's fault handler) is still working on.
struct Pending
{
    Route route;
    control::Command command;
    std::future<Result<failover::OperatorOutcome>> future;
};

} // namespace

class ConsoleControlServer::Impl
{
public:
    Impl(failover::ClusterEngine &engine, ConsoleControlOptions options)
        : m_engine(engine)
        , m_options(std::move(options))
        , m_context(1)
    {}

    ~Impl() { stop(); }

    Status start()
    {
        std::promise<Status> started;
        auto future = started.get_future();
        m_thread = std::thread([this, started = std::move(started)]() mutable { run(started); });
        Status status = future.get();
        if (!status)
            stop();
        return status;
    }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    QString endpoint() const { return m_endpoint; }

private:
    bool isTcp() const { return transport::isTcp(m_options.url); }

    void run(std::promise<Status> &started)
    {
        // The socket, the ZAP handler and the store connection belong to this thread: created,
        // used and closed here.
        Status opened = open();
        started.set_value(opened);
        if (opened)
            loop();
        close();
    }

    Status open()
    {
        auto store = storage::ConsoleStore::open(m_options.storePath);
        if (!store)
            return std::unexpected(store.error());
        m_store = std::move(*store);
        try {
            // The ZAP handler must exist before the CURVE socket binds (design.md).
            if (isTcp())
                m_zap = std::make_unique<transport::ZapHandler>(m_context, m_options.allowlist);
            m_socket = std::make_unique<zmq::socket_t>(m_context, zmq::socket_type::router);
            transport::configureCommon(*m_socket, m_options.maxRequestBytes * kTransportFactor);
            m_socket->set(zmq::sockopt::router_mandatory, 1);
            if (isTcp()) {
                if (auto ok = transport::configureCurveServer(*m_socket, m_options.keys); !ok)
                    return ok;
            } else if (auto ok = prepareIpcPath(ipcPath()); !ok) {
                return ok;
            }
            m_socket->bind(m_options.url.toStdString());
            m_endpoint = QString::fromStdString(m_socket->get(zmq::sockopt::last_endpoint));
        } catch (const zmq::error_t &e) {
            return fail(ErrorCode::Network,
                        QStringLiteral("cannot listen on %1: %2").arg(m_options.url, QString::fromUtf8(e.what())));
        }
        if (!isTcp())
            m_ipcPath = ipcPath(); // ours now: removed when the server stops
        if (!m_ipcPath.isEmpty()) {
            // Only the console's user may connect. The filter closes the moment between the bind
            // and the chmod; the mode is what a person inspecting the file sees.
            if (auto ok = control::makeSocketPrivate(m_ipcPath); !ok)
                return ok;
        }
        qCInfo(lcControl).noquote() << "console control API on" << m_endpoint;
        return {};
    }

    QString ipcPath() const { return m_options.url.mid(int(std::strlen("ipc://"))); }

    Status prepareIpcPath(const QString &path)
    {
        if (auto ok = control::claimSocketPath(path); !ok)
            return ok;
        // Otherwise any file there was left by a console that died; libzmq replaces it.
        // Deprecated in libzmq but implemented on Linux (SO_PEERCRED): peers of other uids are
        // disconnected at accept.
        const int uid = int(::getuid());
        if (zmq_setsockopt(m_socket->handle(), ZMQ_IPC_FILTER_UID, &uid, sizeof uid) != 0)
            qCDebug(lcControl) << "libzmq has no IPC_FILTER_UID; the socket file's mode 0600 still applies";
        return {};
    }

    void close()
    {
        m_pending.clear();
        m_socket.reset();
        m_zap.reset();
        m_store.reset();
        if (!m_ipcPath.isEmpty())
            QFile::remove(m_ipcPath);
    }

    void loop()
    {
        while (!m_stop.load()) {
            zmq::pollitem_t items[] = {{m_socket->handle(), 0, ZMQ_POLLIN, 0},
                                       {m_zap ? m_zap->socket().handle() : nullptr, 0, ZMQ_POLLIN, 0}};
            // Short while the engine works on a command, so its answer goes out at once.
            const auto timeout = std::chrono::milliseconds(m_pending.empty() ? 100 : 5);
            try {
                zmq::poll(items, m_zap ? 2 : 1, timeout);
            } catch (const zmq::error_t &e) {
                if (e.num() == EINTR)
                    continue;
                qCWarning(lcControl) << "poll failed:" << e.what();
                return;
            }
            // cppzmq throws on failures the helpers do not catch (the ZAP handler's replies);
            // nothing may leave this thread.
            try {
                if (m_zap && (items[1].revents & ZMQ_POLLIN))
                    m_zap->handlePending();
                if (items[0].revents & ZMQ_POLLIN)
                    drain();
            } catch (const zmq::error_t &e) {
                qCWarning(lcControl) << "control socket:" << e.what();
            }
            finishReady();
        }
    }

    void drain()
    {
        // ZMQ_FD is edge-triggered: read everything waiting (bounded, so commands get answered).
        for (int i = 0; i < 1000; ++i) {
            auto in = transport::receive(*m_socket, 1);
            if (!in)
                return;
            handle(*in);
        }
    }

    void reply(const Route &route, const Message &message)
    {
        if (!route.routing.isEmpty())
            transport::send(*m_socket, route.routing, message);
    }

    void replyError(const Route &route, ErrorCode code, const QString &text)
    {
        reply(route, protocol::makeError(route.id, Error{code, text}));
    }

    void replyOk(const Route &route, MessageType type, QCborMap body)
    {
        body.insert(QStringLiteral("id"), route.id);
        reply(route, Message{type, body});
    }

    void audit(const storage::JournalEntry &entry)
    {
        if (auto id = m_store->appendJournal(entry); !id)
            qCWarning(lcControl).noquote() << "cannot audit" << entry.message << ":" << id.error().toString();
    }

    void handle(transport::Incoming &in)
    {
        Route route{in.routing, -1};
        if (in.frameCount != 2) {
            replyError(route,
                       ErrorCode::ProtocolError,
                       QStringLiteral("expected 2 frames (header, body) after the routing id, got %1")
                           .arg(in.frameCount));
            return;
        }
        if (in.bytes > m_options.maxRequestBytes) {
            route.id = control::readableId(in.body);
            replyError(route,
                       ErrorCode::InvalidArgument,
                       QStringLiteral("message of %1 bytes exceeds the console's limit of %2 bytes")
                           .arg(in.bytes)
                           .arg(m_options.maxRequestBytes));
            return;
        }
        auto decoded = protocol::decode(in.header, in.body);
        if (!decoded) {
            route.id = control::readableId(in.body);
            replyError(route, decoded.error().code, decoded.error().message);
            return;
        }
        const Message &message = *decoded;
        route.id = message.body.value(QStringLiteral("id")).toInteger(-1);

        // ipc://: the socket file admits the console's own user only. tcp://: ZAP admitted the
        // key; its allowlist role must be admin.
        QString actor = ConsoleControlServer::localActor();
        if (isTcp()) {
            actor = in.peerName.isEmpty() ? QStringLiteral("unknown") : in.peerName;
            if (in.userId != QLatin1String("admin")) {
                const QString text = QStringLiteral(
                                         "the key of '%1' has the role '%2'; only the role admin may use the "
                                         "console's control API")
                                         .arg(actor, in.userId);
                storage::JournalEntry refused;
                refused.kind = QStringLiteral("operator");
                refused.actor = actor;
                refused.message = QStringLiteral("refused %1: %2").arg(protocol::messageTypeName(message.type), text);
                audit(refused);
                replyError(route, ErrorCode::Unauthorized, text);
                return;
            }
        }

        if (control::isCommand(message.type)) {
            command(route, message, actor);
            return;
        }
        switch (message.type) {
        case MessageType::ConsoleStatus:
            status(route, message.body);
            return;
        case MessageType::ConsoleJournal:
            journal(route, message.body);
            return;
        case MessageType::ConsoleIncidents:
            incidents(route, message.body);
            return;
        case MessageType::ConsoleReport:
            incidentReport(route, message.body);
            return;
        default:
            replyError(route,
                       ErrorCode::ProtocolError,
                       QStringLiteral("%1 is not a request the console accepts (see docs/protocol.md section 15)")
                           .arg(protocol::messageTypeName(message.type)));
        }
    }

    void status(const Route &route, const QCborMap &body)
    {
        auto app = control::nameField(body, "app", false);
        if (!app)
            return replyError(route, app.error().code, app.error().message);
        const auto snapshot = m_engine.snapshot();
        if (!snapshot)
            return replyError(route,
                              ErrorCode::NotFound,
                              QStringLiteral("the engine is starting and has no snapshot yet; try again in a moment"));
        if (!app->isEmpty() && !snapshot->app(*app))
            return replyError(route,
                              ErrorCode::NotFound,
                              QStringLiteral("no application named '%1' in the cluster configuration").arg(*app));
        replyOk(route, MessageType::ConsoleStatusReply, control::snapshotToCbor(*snapshot, *app));
    }

    bool admit(const Route &route)
    {
        if (int(m_pending.size()) < m_options.maxPending)
            return true;
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("the console is busy with %1 commands; try again when they have finished")
                       .arg(m_pending.size()));
        return false;
    }

    void command(const Route &route, const Message &message, const QString &actor)
    {
        auto command = control::parseCommand(message.type, message.body, actor, QDateTime::currentMSecsSinceEpoch());
        if (!command)
            return replyError(route, command.error().code, command.error().message);
        if (std::holds_alternative<FaultRequest>(command->request) && !m_options.faults) {
            const QString text = QStringLiteral(
                "this console watches a real cluster: faults can be injected only into a demo's simulated cluster "
                "(foresight --demo)");
            storage::JournalEntry refused;
            refused.kind = QStringLiteral("operator");
            refused.agent = command->agent;
            refused.actor = actor;
            refused.message = QStringLiteral("%1 refused: %2").arg(command->what, text);
            audit(refused);
            return replyError(route, ErrorCode::InvalidArgument, text);
        }
        // An application the configuration does not have: refused (and audited) here, as the HTTP
        // API does, rather than queued for the engine's thread.
        if (const auto *shadow = std::get_if<ShadowCommand>(&command->request)) {
            const auto snapshot = m_engine.snapshot();
            if (snapshot && !snapshot->app(shadow->request.app)) {
                const Result<failover::OperatorOutcome> refused
                    = fail(ErrorCode::NotFound,
                           QStringLiteral("no application '%1' in the cluster configuration").arg(shadow->request.app));
                if (auto entry = control::auditEntry(*command, refused))
                    audit(*entry);
                return replyError(route, refused.error().code, refused.error().message);
            }
        }
        if (!admit(route))
            return;
        auto future = start(*command);
        m_pending.push_back(Pending{route, std::move(*command), std::move(future)});
    }

    // The engine call (or the demo's fault handler) a checked command becomes.
    std::future<Result<failover::OperatorOutcome>> start(const control::Command &command)
    {
        const auto &request = command.request;
        if (const auto *promote = std::get_if<failover::PromoteRequest>(&request))
            return m_engine.promote(*promote);
        if (const auto *switchover = std::get_if<failover::SwitchoverRequest>(&request))
            return m_engine.switchover(*switchover);
        if (const auto *maintenance = std::get_if<control::MaintenanceRequest>(&request))
            return m_engine.setMaintenance(maintenance->agent, maintenance->on, command.actor);
        if (const auto *acknowledge = std::get_if<control::AcknowledgeRequest>(&request))
            return m_engine.acknowledge(acknowledge->app, command.actor);
        if (const auto *shadow = std::get_if<control::ShadowCommand>(&request)) {
            switch (shadow->action) {
            case control::ShadowAction::Create:
                return m_engine.createShadow(shadow->request);
            case control::ShadowAction::Swap:
                return m_engine.swapShadow(shadow->request);
            case control::ShadowAction::Promote:
                return m_engine.promoteShadow(shadow->request);
            case control::ShadowAction::Retire:
                return m_engine.retireShadow(shadow->request);
            case control::ShadowAction::Update:
                return m_engine.updateShadow({shadow->request.app,
                                              shadow->request.agent,
                                              shadow->process,
                                              shadow->request.dryRun,
                                              shadow->request.actor});
            }
        }
        return m_options.faults(std::get<FaultRequest>(request));
    }

    void finishReady()
    {
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            if (it->future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
                ++it;
                continue;
            }
            Result<failover::OperatorOutcome> outcome = fail(ErrorCode::Internal, QString());
            try {
                outcome = it->future.get();
            } catch (const std::future_error &) {
                outcome = fail(ErrorCode::Internal, QStringLiteral("the engine stopped before it answered"));
            }
            answer(*it, outcome);
            it = m_pending.erase(it);
        }
    }

    void answer(const Pending &pending, const Result<failover::OperatorOutcome> &outcome)
    {
        if (auto entry = control::auditEntry(pending.command, outcome))
            audit(*entry);
        if (!outcome)
            return replyError(pending.route, outcome.error().code, outcome.error().message);
        replyOk(pending.route, MessageType::Ok, control::outcomeReply(*outcome, pending.command.actor));
    }

    void journal(const Route &route, const QCborMap &body)
    {
        auto app = control::nameField(body, "app", false);
        if (!app)
            return replyError(route, app.error().code, app.error().message);
        auto count = control::limitField(body, kDefaultJournalLimit);
        if (!count)
            return replyError(route, count.error().code, count.error().message);
        const control::JournalPager pager(*m_store);
        const QCborValue after = body.value(QStringLiteral("after-id"));
        auto found = after.isUndefined() ? pager.newest(journalHead(), *app, *count)
                                         : pager.after(after.toInteger(), *app, *count);
        if (!found)
            return replyError(route, found.error().code, found.error().message);
        QCborArray entries;
        for (const storage::JournalEntry &entry : found->entries)
            entries.append(control::journalEntryToCbor(entry));
        replyOk(route,
                MessageType::ConsoleJournalReply,
                QCborMap{{QStringLiteral("entries"), entries}, {QStringLiteral("next-after-id"), found->nextAfterId}});
    }

    qint64 journalHead() const
    {
        const auto snapshot = m_engine.snapshot();
        return snapshot ? snapshot->journalHead : 0;
    }

    void incidents(const Route &route, const QCborMap &body)
    {
        auto app = control::nameField(body, "app", false);
        if (!app)
            return replyError(route, app.error().code, app.error().message);
        auto count = control::limitField(body, kDefaultIncidentLimit);
        if (!count)
            return replyError(route, count.error().code, count.error().message);
        auto found = m_store->incidents(*app, *count);
        if (!found)
            return replyError(route, found.error().code, found.error().message);
        QCborArray list;
        for (const storage::Incident &incident : *found)
            list.append(control::incidentToCbor(incident));
        replyOk(route, MessageType::ConsoleIncidentsReply, QCborMap{{QStringLiteral("incidents"), list}});
    }

    // The incident's report as its JSON export (docs/reports.md), read from the store here: a
    // client renders it (foresightctl report export writes JSON, HTML or PDF).
    void incidentReport(const Route &route, const QCborMap &body)
    {
        const qint64 id = body.value(QStringLiteral("incident")).toInteger();
        auto built = report::IncidentReport::build(*m_store, id);
        if (!built)
            return replyError(route, built.error().code, built.error().message);
        const QJsonObject json = QJsonDocument::fromJson(report::toJson(*built)).object();
        replyOk(route, MessageType::ConsoleReportReply, QCborMap{{QStringLiteral("report"), control::jsonToCbor(json)}});
    }

    failover::ClusterEngine &m_engine;
    const ConsoleControlOptions m_options;
    zmq::context_t m_context;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    QString m_endpoint; // written by the thread before start() returns, read-only afterwards
    // Owned by the thread:
    std::unique_ptr<transport::ZapHandler> m_zap;
    std::unique_ptr<zmq::socket_t> m_socket;
    std::unique_ptr<storage::ConsoleStore> m_store;
    std::vector<Pending> m_pending;
    QString m_ipcPath; // the socket file this server created, removed when it stops
};

QString defaultConsoleControlUrl()
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QFileInfo(runtime).isDir())
        return QStringLiteral("ipc://%1/foresight-console.sock").arg(runtime);
    return QStringLiteral("ipc:///tmp/foresight-console-%1.sock").arg(::getuid());
}

ConsoleControlServer::ConsoleControlServer(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

ConsoleControlServer::~ConsoleControlServer() = default;

Result<std::unique_ptr<ConsoleControlServer>> ConsoleControlServer::start(failover::ClusterEngine &engine,
                                                                          ConsoleControlOptions options)
{
    if (options.url.isEmpty())
        options.url = defaultConsoleControlUrl();
    if (transport::isTcp(options.url)) {
        if (!transport::isZ85Key(options.keys.publicKey) || !transport::isZ85Key(options.keys.secretKey))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("a tcp:// control endpoint needs the console's CURVE key pair"));
        if (options.allowlist.size() == 0)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("a tcp:// control endpoint needs an allowlist with the operators' keys "
                                       "(role admin)"));
    } else if (!options.url.startsWith(QLatin1String("ipc://"))) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is not a control endpoint: use ipc://PATH or tcp://HOST:PORT").arg(options.url));
    }
    if (options.storePath.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the control API needs the console store's path"));
    if (options.maxRequestBytes < 1024 || options.maxPending < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("maxRequestBytes and maxPending are too small"));
    auto impl = std::make_unique<Impl>(engine, std::move(options));
    if (auto ok = impl->start(); !ok)
        return std::unexpected(ok.error());
    return std::unique_ptr<ConsoleControlServer>(new ConsoleControlServer(std::move(impl)));
}

QString ConsoleControlServer::endpoint() const
{
    return m_impl->endpoint();
}

QString ConsoleControlServer::localActor()
{
    return QStringLiteral("local:%1").arg(::getuid());
}

} // namespace foresight::control
