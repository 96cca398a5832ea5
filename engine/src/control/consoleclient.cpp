#include "foresight/control/consoleclient.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

#include <QFile>

#include "transport/requestchannel.h"
#include "transport/wire.h"

namespace foresight::control {

using protocol::MessageType;

namespace {

constexpr int kSwitchoverTimeoutMs = 60'000;
// A validated update: the instance's restart, the validation (60 s by default) and the swap.
constexpr int kUpdateTimeoutMs = 180'000;

// For ipc://: whether something accepts connections on the socket file (a plain connect and
// close, which the console's ROUTER does not notice as a peer). Network when nothing does.
Status ipcListening(const QString &url)
{
    if (!url.startsWith(QLatin1String("ipc://")))
        return {};
    const QByteArray path = QFile::encodeName(url.mid(6));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.isEmpty() || std::size_t(path.size()) >= sizeof address.sun_path)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not a usable ipc:// endpoint").arg(url));
    std::memcpy(address.sun_path, path.constData(), std::size_t(path.size()));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return {}; // cannot tell: let the request find out
    const bool connected = ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
    const int error = errno;
    ::close(fd);
    if (connected)
        return {};
    return fail(ErrorCode::Network,
                QStringLiteral("no console listens at %1 (%2): is `foresight --headless` running, with --control %1?")
                    .arg(url, QString::fromLocal8Bit(std::strerror(error))));
}

} // namespace

class ConsoleClient::Impl
{
public:
    explicit Impl(const ConsoleClientOptions &options)
        : m_options(options)
    {}

    Result<QCborMap> call(MessageType type, const QCborMap &body, int timeoutMs)
    {
        const qint64 lastErrorId = m_channel->lastErrorBody().value(QStringLiteral("id")).toInteger(-1);
        auto reply = m_channel->call(type, body, timeoutMs);
        if (!reply) {
            // An error reply from the console (a new error body) says what it means; errors of
            // the channel itself speak of "the agent" and get words for a console.
            const bool fromConsole = m_channel->lastErrorBody().value(QStringLiteral("id")).toInteger(-1)
                                     != lastErrorId;
            if (fromConsole)
                return std::unexpected(reply.error());
            return std::unexpected(local(reply.error(), timeoutMs));
        }
        QCborMap result = reply->body;
        result.remove(QStringLiteral("id"));
        return result;
    }

    Error local(const Error &error, int timeoutMs) const
    {
        const QString &url = m_options.url;
        switch (error.code) {
        case ErrorCode::Unauthorized:
            return {error.code,
                    QStringLiteral("the console at %1 refused this side's key (is its public key in the console's "
                                   "--control-allow file, and is --console-key the console's public key?)")
                        .arg(url)};
        case ErrorCode::Network:
            return {error.code,
                    QStringLiteral("lost the connection to the console at %1 (did it stop?): %2")
                        .arg(url, error.message)};
        case ErrorCode::Timeout:
            return {error.code,
                    transport::isTcp(url)
                        ? QStringLiteral("no answer from the console at %1 within %2 ms (is it running? is "
                                         "--console-key its public key?)")
                              .arg(url)
                              .arg(timeoutMs)
                        : QStringLiteral("no answer from the console at %1 within %2 ms").arg(url).arg(timeoutMs)};
        default:
            return error;
        }
    }

    ConsoleClientOptions m_options;
    std::unique_ptr<transport::RequestChannel> m_channel;
};

ConsoleClient::ConsoleClient(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}
ConsoleClient::~ConsoleClient() = default;

Result<std::unique_ptr<ConsoleClient>> ConsoleClient::connect(const ConsoleClientOptions &options)
{
    if (!transport::isTcp(options.url) && !options.url.startsWith(QLatin1String("ipc://")))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is not a console control endpoint: use ipc://PATH or tcp://HOST:PORT")
                        .arg(options.url));
    if (options.timeoutMs <= 0)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the time-out must be positive"));
    auto impl = std::make_unique<Impl>(options);
    transport::ChannelOptions channel;
    channel.url = options.url;
    channel.serverPublicKey = options.serverPublicKey;
    channel.keys = options.keys;
    // A console that is not running is said at once, not after the time-out.
    if (auto listening = ipcListening(options.url); !listening)
        return std::unexpected(listening.error());
    auto opened = transport::RequestChannel::open(transport::sharedClientContext(), channel);
    if (!opened)
        return std::unexpected(opened.error());
    impl->m_channel = std::move(*opened);
    return std::unique_ptr<ConsoleClient>(new ConsoleClient(std::move(impl)));
}

Result<QCborMap> ConsoleClient::status(const QString &app)
{
    QCborMap body;
    if (!app.isEmpty())
        body.insert(QStringLiteral("app"), app);
    return m_impl->call(MessageType::ConsoleStatus, body, m_impl->m_options.timeoutMs);
}

Result<QCborMap> ConsoleClient::promote(const QString &app, const QString &agent, bool force, bool dryRun)
{
    QCborMap body{{QStringLiteral("app"), app}, {QStringLiteral("force"), force}, {QStringLiteral("dry-run"), dryRun}};
    if (!agent.isEmpty())
        body.insert(QStringLiteral("agent"), agent);
    return m_impl->call(MessageType::ConsolePromote, body, m_impl->m_options.timeoutMs);
}

Result<QCborMap> ConsoleClient::switchover(const QString &app, const QString &agent, bool dryRun, qint64 atWallMs)
{
    QCborMap body{{QStringLiteral("app"), app}, {QStringLiteral("dry-run"), dryRun}};
    if (!agent.isEmpty())
        body.insert(QStringLiteral("agent"), agent);
    if (atWallMs > 0)
        body.insert(QStringLiteral("at-ms"), atWallMs);
    // Answered when the switchover is over: the primary has paused, the target caught up.
    return m_impl->call(MessageType::ConsoleSwitchover, body, qMax(m_impl->m_options.timeoutMs, kSwitchoverTimeoutMs));
}

Result<QCborMap> ConsoleClient::shadow(
    const QString &action, const QString &app, const QString &agent, bool force, bool dryRun, const QJsonObject &process)
{
    QCborMap body{{QStringLiteral("action"), action}, {QStringLiteral("app"), app}, {QStringLiteral("dry-run"), dryRun}};
    if (!agent.isEmpty())
        body.insert(QStringLiteral("agent"), agent);
    if (force)
        body.insert(QStringLiteral("force"), true);
    if (!process.isEmpty())
        body.insert(QStringLiteral("process"), QCborMap::fromJsonObject(process));
    int timeoutMs = m_impl->m_options.timeoutMs;
    if (action == QLatin1String("swap") && !dryRun)
        timeoutMs = qMax(timeoutMs, kSwitchoverTimeoutMs);
    else if (action == QLatin1String("update") && !dryRun)
        timeoutMs = qMax(timeoutMs, kUpdateTimeoutMs);
    return m_impl->call(MessageType::ConsoleShadow, body, timeoutMs);
}

Result<QCborMap> ConsoleClient::maintenance(const QString &agent, bool on)
{
    return m_impl->call(MessageType::ConsoleMaintenance,
                        QCborMap{{QStringLiteral("agent"), agent}, {QStringLiteral("on"), on}},
                        m_impl->m_options.timeoutMs);
}

Result<QCborMap> ConsoleClient::acknowledge(const QString &app)
{
    return m_impl->call(MessageType::ConsoleAcknowledge,
                        QCborMap{{QStringLiteral("app"), app}},
                        m_impl->m_options.timeoutMs);
}

Result<QCborMap> ConsoleClient::journal(qint64 afterId, int limit, const QString &app)
{
    QCborMap body;
    if (afterId >= 0)
        body.insert(QStringLiteral("after-id"), afterId);
    if (limit > 0)
        body.insert(QStringLiteral("limit"), limit);
    if (!app.isEmpty())
        body.insert(QStringLiteral("app"), app);
    return m_impl->call(MessageType::ConsoleJournal, body, m_impl->m_options.timeoutMs);
}

Result<QCborMap> ConsoleClient::incidents(const QString &app, int limit)
{
    QCborMap body;
    if (!app.isEmpty())
        body.insert(QStringLiteral("app"), app);
    if (limit > 0)
        body.insert(QStringLiteral("limit"), limit);
    return m_impl->call(MessageType::ConsoleIncidents, body, m_impl->m_options.timeoutMs);
}

Result<QCborMap> ConsoleClient::report(qint64 incident)
{
    return m_impl->call(MessageType::ConsoleReport,
                        QCborMap{{QStringLiteral("incident"), incident}},
                        m_impl->m_options.timeoutMs);
}

Result<QCborMap> ConsoleClient::fault(const FaultRequest &request)
{
    QCborMap body{{QStringLiteral("fault"), request.fault}};
    for (const auto &[field, value] : {std::pair{QStringLiteral("target"), request.target},
                                       std::pair{QStringLiteral("peer"), request.peer},
                                       std::pair{QStringLiteral("how"), request.how}}) {
        if (!value.isEmpty())
            body.insert(field, value);
    }
    if (request.forMs > 0)
        body.insert(QStringLiteral("for-ms"), request.forMs);
    return m_impl->call(MessageType::ConsoleFault, body, m_impl->m_options.timeoutMs);
}

const QString &ConsoleClient::url() const
{
    return m_impl->m_options.url;
}

} // namespace foresight::control
