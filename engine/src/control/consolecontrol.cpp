// The console's control API: a ROUTER socket on its own thread in front of the ClusterEngine.
// Commands go to the engine's thread-safe API; their futures are kept and polled by the loop,
// so a switchover that takes seconds holds up nobody's status request.

#include "foresight/control/consolecontrol.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <zmq.hpp>

#include <QCborArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>

#include "control/snapshotcbor.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/report/incidentreport.h"
#include "foresight/storage/consolestore.h"
#include "transport/wire.h"

Q_LOGGING_CATEGORY(lcControl, "foresight.control", QtInfoMsg)

namespace foresight {

using protocol::Message;
using protocol::MessageType;

namespace {

constexpr int kDefaultJournalLimit = 100;
constexpr int kDefaultIncidentLimit = 20;
constexpr int kMaxLimit = 1000;
// A journal request scans at most this many entries for matches of its `app` filter; the reply's
// next-after-id says where the scan stopped.
constexpr int kMaxJournalScan = 200'000;
// A switchover's at-ms this far in the past is taken as a mistake, not as "now".
constexpr qint64 kPastToleranceMs = 60'000;
// libzmq drops frames above this multiple of maxRequestBytes; between the two, an error reply.
constexpr qsizetype kTransportFactor = 16;

struct Route
{
    QList<QByteArray> routing;
    qint64 id = -1;
};

// A command the engine is still working on.
struct Pending
{
    Route route;
    QString what; // "promote shop to bravo (dry run)", for the audit trail
    QString app;  // journal fields
    QString agent;
    QString actor;
    bool dryRun = false;
    std::future<Result<OperatorOutcome>> future;
    // The journal kind under which a success is recorded here; empty when the engine journals
    // the command itself.
    QString journalKind = {};
};

qint64 wallNow()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString wallTime(qint64 wallMs)
{
    return QDateTime::fromMSecsSinceEpoch(wallMs).toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

// Whether something already accepts connections on a unix socket path: another console.
// (libzmq unlinks the path before binding, which would silently take the endpoint over.)
Result<bool> liveListenerAt(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat info
    {};
    if (::lstat(native.constData(), &info) != 0)
        return false;
    if (!S_ISSOCK(info.st_mode))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 exists and is not a socket; choose another control endpoint").arg(path));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (std::size_t(native.size()) >= sizeof address.sun_path)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the socket path %1 is longer than %2 bytes")
                        .arg(path)
                        .arg(sizeof address.sun_path - 1));
    std::memcpy(address.sun_path, native.constData(), std::size_t(native.size()));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const bool live = ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
    ::close(fd);
    return live;
}

QString describeBool(bool on)
{
    return on ? QStringLiteral("on") : QStringLiteral("off");
}

} // namespace

class ConsoleControlServer::Impl
{
public:
    Impl(ClusterEngine &engine, ConsoleControlOptions options)
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
        auto store = ConsoleStore::open(m_options.storePath);
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
            if (::chmod(QFile::encodeName(m_ipcPath).constData(), S_IRUSR | S_IWUSR) != 0)
                return fail(ErrorCode::IoError,
                            QStringLiteral("cannot make %1 private (mode 0600): %2")
                                .arg(m_ipcPath, QString::fromLocal8Bit(std::strerror(errno))));
        }
        qCInfo(lcControl).noquote() << "console control API on" << m_endpoint;
        return {};
    }

    QString ipcPath() const { return m_options.url.mid(int(std::strlen("ipc://"))); }

    Status prepareIpcPath(const QString &path)
    {
        if (path.isEmpty())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("the control endpoint ipc:// names no path"));
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return fail(ErrorCode::IoError,
                        QStringLiteral("cannot create the directory of the control socket %1").arg(path));
        auto live = liveListenerAt(path);
        if (!live)
            return std::unexpected(live.error());
        if (*live)
            return fail(ErrorCode::Network,
                        QStringLiteral("another console already listens on ipc://%1; stop it or give this one "
                                       "another --control endpoint")
                            .arg(path));
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

    static qint64 readableId(const QByteArray &body)
    {
        const QCborValue value = QCborValue::fromCbor(body);
        const QCborValue id = value.isMap() ? value.toMap().value(QStringLiteral("id")) : QCborValue();
        return id.isInteger() && id.toInteger() >= 0 ? id.toInteger() : -1;
    }

    void audit(const QString &app,
               const QString &agent,
               const QString &actor,
               const QString &text,
               QJsonObject details,
               const QString &kind = QStringLiteral("operator"))
    {
        JournalEntry entry;
        entry.kind = kind;
        entry.app = app;
        entry.agent = agent;
        entry.actor = actor;
        entry.message = text;
        entry.details = std::move(details);
        if (auto id = m_store->appendJournal(entry); !id)
            qCWarning(lcControl).noquote() << "cannot audit" << text << ":" << id.error().toString();
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
            route.id = readableId(in.body);
            replyError(route,
                       ErrorCode::InvalidArgument,
                       QStringLiteral("message of %1 bytes exceeds the console's limit of %2 bytes")
                           .arg(in.bytes)
                           .arg(m_options.maxRequestBytes));
            return;
        }
        auto decoded = protocol::decode(in.header, in.body);
        if (!decoded) {
            route.id = readableId(in.body);
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
                audit({},
                      {},
                      actor,
                      QStringLiteral("refused %1: %2").arg(protocol::messageTypeName(message.type), text),
                      {});
                replyError(route, ErrorCode::Unauthorized, text);
                return;
            }
        }

        switch (message.type) {
        case MessageType::ConsoleStatus:
            status(route, message.body);
            return;
        case MessageType::ConsolePromote:
            promote(route, message.body, actor);
            return;
        case MessageType::ConsoleSwitchover:
            switchover(route, message.body, actor);
            return;
        case MessageType::ConsoleMaintenance:
            maintenance(route, message.body, actor);
            return;
        case MessageType::ConsoleAcknowledge:
            acknowledge(route, message.body, actor);
            return;
        case MessageType::ConsoleJournal:
            journal(route, message.body);
            return;
        case MessageType::ConsoleIncidents:
            incidents(route, message.body);
            return;
        case MessageType::ConsoleFault:
            fault(route, message.body, actor);
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

    // A name field the schema checked as text: present ones must not be empty.
    static Result<QString> name(const QCborMap &body, const char *field, bool required)
    {
        const QCborValue value = body.value(QLatin1String(field));
        if (value.isUndefined() && !required)
            return QString();
        const QString text = value.toString();
        if (text.isEmpty())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("'%1' must not be empty").arg(QLatin1String(field)));
        return text;
    }

    static Result<int> limit(const QCborMap &body, int defaultLimit)
    {
        const QCborValue value = body.value(QStringLiteral("limit"));
        if (value.isUndefined())
            return defaultLimit;
        if (value.toInteger() < 1 || value.toInteger() > kMaxLimit)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'limit' must be between 1 and %1, got %2").arg(kMaxLimit).arg(value.toInteger()));
        return int(value.toInteger());
    }

    void status(const Route &route, const QCborMap &body)
    {
        auto app = name(body, "app", false);
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

    void promote(const Route &route, const QCborMap &body, const QString &actor)
    {
        auto app = name(body, "app", true);
        if (!app)
            return replyError(route, app.error().code, app.error().message);
        auto agent = name(body, "agent", false);
        if (!agent)
            return replyError(route, agent.error().code, agent.error().message);
        if (!admit(route))
            return;
        PromoteRequest request;
        request.app = *app;
        request.agent = *agent;
        request.force = body.value(QStringLiteral("force")).toBool(false);
        request.dryRun = body.value(QStringLiteral("dry-run")).toBool(false);
        request.actor = actor;
        const QString what = QStringLiteral("promote %1%2%3")
                                 .arg(*app,
                                      agent->isEmpty() ? QString() : QStringLiteral(" to %1").arg(*agent),
                                      request.force ? QStringLiteral(" (forced)") : QString());
        m_pending.push_back(Pending{route, what, *app, *agent, actor, request.dryRun, m_engine.promote(request)});
    }

    void switchover(const Route &route, const QCborMap &body, const QString &actor)
    {
        auto app = name(body, "app", true);
        if (!app)
            return replyError(route, app.error().code, app.error().message);
        auto agent = name(body, "agent", false);
        if (!agent)
            return replyError(route, agent.error().code, agent.error().message);
        SwitchoverRequest request;
        request.app = *app;
        request.agent = *agent;
        request.dryRun = body.value(QStringLiteral("dry-run")).toBool(false);
        request.atWallMs = body.value(QStringLiteral("at-ms")).toInteger(0);
        request.actor = actor;
        if (request.atWallMs > 0 && request.atWallMs < wallNow() - kPastToleranceMs)
            return replyError(route,
                              ErrorCode::InvalidArgument,
                              QStringLiteral("'at-ms' %1 (%2) is in the past")
                                  .arg(request.atWallMs)
                                  .arg(wallTime(request.atWallMs)));
        if (!admit(route))
            return;
        const QString what = QStringLiteral("switchover %1%2%3")
                                 .arg(*app,
                                      agent->isEmpty() ? QString() : QStringLiteral(" to %1").arg(*agent),
                                      request.atWallMs > 0 ? QStringLiteral(" at %1").arg(wallTime(request.atWallMs))
                                                           : QString());
        m_pending.push_back(Pending{route, what, *app, *agent, actor, request.dryRun, m_engine.switchover(request)});
    }

    void maintenance(const Route &route, const QCborMap &body, const QString &actor)
    {
        auto agent = name(body, "agent", true);
        if (!agent)
            return replyError(route, agent.error().code, agent.error().message);
        if (!admit(route))
            return;
        const bool on = body.value(QStringLiteral("on")).toBool();
        m_pending.push_back(Pending{route,
                                    QStringLiteral("maintenance %1 %2").arg(*agent, describeBool(on)),
                                    {},
                                    *agent,
                                    actor,
                                    false,
                                    m_engine.setMaintenance(*agent, on, actor)});
    }

    void acknowledge(const Route &route, const QCborMap &body, const QString &actor)
    {
        auto app = name(body, "app", true);
        if (!app)
            return replyError(route, app.error().code, app.error().message);
        if (!admit(route))
            return;
        m_pending.push_back(Pending{route,
                                    QStringLiteral("acknowledge %1").arg(*app),
                                    *app,
                                    {},
                                    actor,
                                    false,
                                    m_engine.acknowledge(*app, actor)});
    }

    void fault(const Route &route, const QCborMap &body, const QString &actor)
    {
        FaultRequest request;
        request.fault = body.value(QStringLiteral("fault")).toString();
        request.target = body.value(QStringLiteral("target")).toString();
        request.peer = body.value(QStringLiteral("peer")).toString();
        request.how = body.value(QStringLiteral("how")).toString();
        request.forMs = body.value(QStringLiteral("for-ms")).toInteger(0);
        request.actor = actor;
        QStringList words{QStringLiteral("fault"), request.fault, request.target, request.peer, request.how};
        words.removeAll(QString());
        const QString what = words.join(QLatin1Char(' '));
        if (!m_options.faults) {
            const QString text = QStringLiteral(
                "this console watches a real cluster: faults can be injected only into a demo's simulated cluster "
                "(foresight --demo)");
            audit({}, request.target, actor, QStringLiteral("%1 refused: %2").arg(what, text), {});
            return replyError(route, ErrorCode::InvalidArgument, text);
        }
        if (!admit(route))
            return;
        m_pending.push_back(
            Pending{route, what, {}, request.target, actor, false, m_options.faults(request), QStringLiteral("fault")});
    }

    void finishReady()
    {
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            if (it->future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
                ++it;
                continue;
            }
            Result<OperatorOutcome> outcome = fail(ErrorCode::Internal, QString());
            try {
                outcome = it->future.get();
            } catch (const std::future_error &) {
                outcome = fail(ErrorCode::Internal, QStringLiteral("the engine stopped before it answered"));
            }
            answer(*it, outcome);
            it = m_pending.erase(it);
        }
    }

    void answer(const Pending &pending, const Result<OperatorOutcome> &outcome)
    {
        if (!outcome) {
            // The engine journals what it does; what it refused is audited here.
            audit(pending.app,
                  pending.agent,
                  pending.actor,
                  QStringLiteral("%1%2 refused: %3")
                      .arg(pending.what,
                           pending.dryRun ? QStringLiteral(" (dry run)") : QString(),
                           outcome.error().message),
                  QJsonObject{{QStringLiteral("error-code"), errorCodeName(outcome.error().code)}});
            replyError(pending.route, outcome.error().code, outcome.error().message);
            return;
        }
        if (pending.dryRun)
            audit(pending.app, pending.agent, pending.actor, outcome->summary, outcome->details);
        else if (!pending.journalKind.isEmpty()) // with the agent a role resolved to, when the outcome names it
            audit(pending.app,
                  outcome->details.value(QStringLiteral("agent")).toString(pending.agent),
                  pending.actor,
                  outcome->summary,
                  outcome->details,
                  pending.journalKind);
        replyOk(pending.route,
                MessageType::Ok,
                QCborMap{{QStringLiteral("summary"), outcome->summary},
                         {QStringLiteral("details"), control::jsonToCbor(outcome->details)},
                         {QStringLiteral("actor"), pending.actor}});
    }

    void journal(const Route &route, const QCborMap &body)
    {
        auto app = name(body, "app", false);
        if (!app)
            return replyError(route, app.error().code, app.error().message);
        auto count = limit(body, kDefaultJournalLimit);
        if (!count)
            return replyError(route, count.error().code, count.error().message);
        const QCborValue after = body.value(QStringLiteral("after-id"));
        auto found = after.isUndefined() ? newestEntries(*app, *count) : entriesAfter(after.toInteger(), *app, *count);
        if (!found)
            return replyError(route, found.error().code, found.error().message);
        QCborArray entries;
        for (const JournalEntry &entry : found->entries)
            entries.append(control::journalEntryToCbor(entry));
        replyOk(route,
                MessageType::ConsoleJournalReply,
                QCborMap{{QStringLiteral("entries"), entries}, {QStringLiteral("next-after-id"), found->nextAfterId}});
    }

    struct JournalPage
    {
        QList<JournalEntry> entries;
        qint64 nextAfterId = 0; // every entry up to this id was looked at
    };

    static bool matches(const JournalEntry &entry, const QString &app) { return app.isEmpty() || entry.app == app; }

    // Entries after afterId, oldest first, at most limit.
    Result<JournalPage> entriesAfter(qint64 afterId, const QString &app, int limit) const
    {
        JournalPage page;
        page.nextAfterId = afterId;
        for (int scanned = 0; scanned < kMaxJournalScan && page.entries.size() < limit;) {
            auto batch = m_store->journal(page.nextAfterId, kMaxLimit);
            if (!batch)
                return std::unexpected(batch.error());
            if (batch->isEmpty())
                break;
            for (const JournalEntry &entry : *batch) {
                page.nextAfterId = entry.id;
                ++scanned;
                if (matches(entry, app) && page.entries.size() < limit)
                    page.entries.append(entry);
                if (page.entries.size() == limit)
                    break;
            }
        }
        return page;
    }

    // The newest limit entries, oldest first: a window back from the head, widened until it
    // holds enough matches (ids are increasing and almost dense).
    Result<JournalPage> newestEntries(const QString &app, int limit) const
    {
        qint64 head = 0;
        if (const auto snapshot = m_engine.snapshot())
            head = snapshot->journalHead;
        while (true) { // the snapshot's head may be behind the store
            auto newer = m_store->journal(head, kMaxLimit);
            if (!newer)
                return std::unexpected(newer.error());
            if (newer->isEmpty())
                break;
            head = newer->last().id;
        }
        JournalPage page;
        page.nextAfterId = head;
        for (qint64 window = app.isEmpty() ? limit : 4 * qint64(limit);; window *= 4) {
            const qint64 from = qMax<qint64>(0, head - window);
            QList<JournalEntry> found;
            for (qint64 after = from; after < head;) {
                auto batch = m_store->journal(after, kMaxLimit);
                if (!batch)
                    return std::unexpected(batch.error());
                if (batch->isEmpty())
                    break;
                for (const JournalEntry &entry : *batch) {
                    if (entry.id > head)
                        break;
                    if (matches(entry, app))
                        found.append(entry);
                }
                after = batch->last().id;
            }
            if (found.size() >= limit || from == 0 || window >= kMaxJournalScan) {
                page.entries = found.mid(qMax<qsizetype>(0, found.size() - limit));
                return page;
            }
        }
    }

    void incidents(const Route &route, const QCborMap &body)
    {
        auto app = name(body, "app", false);
        if (!app)
            return replyError(route, app.error().code, app.error().message);
        auto count = limit(body, kDefaultIncidentLimit);
        if (!count)
            return replyError(route, count.error().code, count.error().message);
        auto found = m_store->incidents(*app, *count);
        if (!found)
            return replyError(route, found.error().code, found.error().message);
        QCborArray list;
        for (const Incident &incident : *found)
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

    ClusterEngine &m_engine;
    const ConsoleControlOptions m_options;
    zmq::context_t m_context;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    QString m_endpoint; // written by the thread before start() returns, read-only afterwards
    // Owned by the thread:
    std::unique_ptr<transport::ZapHandler> m_zap;
    std::unique_ptr<zmq::socket_t> m_socket;
    std::unique_ptr<ConsoleStore> m_store;
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

Result<std::unique_ptr<ConsoleControlServer>> ConsoleControlServer::start(ClusterEngine &engine,
                                                                          ConsoleControlOptions options)
{
    if (options.url.isEmpty())
        options.url = defaultConsoleControlUrl();
    if (transport::isTcp(options.url)) {
        if (!isZ85Key(options.keys.publicKey) || !isZ85Key(options.keys.secretKey))
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

} // namespace foresight
