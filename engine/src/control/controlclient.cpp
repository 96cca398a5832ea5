#include "foresight/control/controlclient.h"

#include <limits>

#include <zmq.hpp>

#include <QCborArray>

#include "transport/requestchannel.h"
#include "transport/wire.h"

namespace foresight::control {

using protocol::MessageType;

namespace {

// Adds a grant's anchor to a `lease` or `promote` body; refuses an anchor without an incarnation,
// which an agent that sends none would not check (it would count the lease from arrival).
Status insertAnchor(QCborMap &body, const std::optional<LeaseAnchor> &anchor)
{
    if (!anchor)
        return {};
    if (anchor->incarnation == 0 || anchor->incarnation > std::uint64_t(std::numeric_limits<qint64>::max())
        || anchor->heartbeat > std::uint64_t(std::numeric_limits<qint64>::max())) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a lease anchor needs a heartbeat seq and a non-zero incarnation below 2^63, "
                                   "as the agent's heartbeats carry them (agents that send no incarnation take "
                                   "no anchored lease)"));
    }
    body.insert(QStringLiteral("heartbeat"), qint64(anchor->heartbeat));
    body.insert(QStringLiteral("incarnation"), qint64(anchor->incarnation));
    return {};
}

} // namespace

class ControlClient::Impl
{
public:
    explicit Impl(const ControlOptions &options)
        : m_options(options)
    {}

    Result<QCborMap> call(MessageType type, const QCborMap &body)
    {
        auto reply = m_channel->call(type, body, m_options.timeoutMs);
        if (!reply)
            return std::unexpected(reply.error());
        return reply->body;
    }

    ControlOptions m_options;
    std::unique_ptr<transport::RequestChannel> m_channel;
};

ControlClient::ControlClient(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}
ControlClient::~ControlClient() = default;

Result<std::unique_ptr<ControlClient>> ControlClient::connect(const ControlOptions &options)
{
    auto impl = std::make_unique<Impl>(options);
    auto channel = transport::RequestChannel::open(transport::sharedClientContext(),
                                                   transport::ChannelOptions{options.url,
                                                                             options.serverPublicKey,
                                                                             options.keys,
                                                                             options.insecure});
    if (!channel)
        return std::unexpected(channel.error());
    impl->m_channel = std::move(*channel);
    return std::unique_ptr<ControlClient>(new ControlClient(std::move(impl)));
}

Result<QCborMap> ControlClient::hello()
{
    QCborMap body;
    body.insert(QStringLiteral("version"), protocol::kProtocolVersion);
    body.insert(QStringLiteral("peer"), QStringLiteral("control"));
    return m_impl->call(MessageType::Hello, body);
}

Result<QCborMap> ControlClient::status(const QString &app)
{
    QCborMap body;
    if (!app.isEmpty())
        body.insert(QStringLiteral("app"), app);
    return m_impl->call(MessageType::Status, body);
}

Result<QCborMap> ControlClient::assign(const AppAssignment &assignment)
{
    if (auto ok = assignment.validate(); !ok)
        return std::unexpected(ok.error());
    QCborMap body;
    body.insert(QStringLiteral("app"), assignment.app);
    body.insert(QStringLiteral("role"), roleName(assignment.role));
    if (assignment.role == Role::Replica) {
        body.insert(QStringLiteral("tier"), tierName(assignment.tier));
        body.insert(QStringLiteral("primary"),
                    QCborMap{{QStringLiteral("url"), assignment.primaryUrl},
                             {QStringLiteral("public-key"), QString::fromLatin1(assignment.primaryPublicKey)}});
    }
    body.insert(QStringLiteral("config"), QCborMap::fromJsonObject(assignment.config.toJson()));
    if (assignment.shadow)
        body.insert(QStringLiteral("shadow"), true);
    return m_impl->call(MessageType::Assign, body);
}

Result<QCborMap> ControlClient::promote(const QString &app,
                                        std::optional<std::uint64_t> epoch,
                                        int leaseMs,
                                        std::optional<LeaseAnchor> anchor,
                                        std::optional<std::uint64_t> primarySeq)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), app);
    if (epoch)
        body.insert(QStringLiteral("epoch"), qint64(*epoch));
    if (primarySeq)
        body.insert(QStringLiteral("primary-seq"), qint64(*primarySeq));
    if (leaseMs > 0) {
        body.insert(QStringLiteral("lease-ms"), leaseMs);
        if (auto ok = insertAnchor(body, anchor); !ok)
            return std::unexpected(ok.error());
    }
    return m_impl->call(MessageType::Promote, body);
}

Result<QCborMap> ControlClient::grantLease(const QString &app,
                                           std::uint64_t epoch,
                                           int leaseMs,
                                           std::optional<LeaseAnchor> anchor)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), app);
    body.insert(QStringLiteral("epoch"), qint64(epoch));
    body.insert(QStringLiteral("lease-ms"), leaseMs);
    if (auto ok = insertAnchor(body, anchor); !ok)
        return std::unexpected(ok.error());
    return m_impl->call(MessageType::Lease, body);
}

Result<QCborMap> ControlClient::takeSnapshot(const QString &app)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), app);
    return m_impl->call(MessageType::TakeSnapshot, body);
}

Result<QCborMap> ControlClient::injectFault(const QString &app, const QString &kind)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), app);
    body.insert(QStringLiteral("kind"), kind);
    return m_impl->call(MessageType::Fault, body);
}

Result<QCborMap> ControlClient::release(const QString &app, const QString &replica)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), app);
    if (!replica.isEmpty())
        body.insert(QStringLiteral("replica"), replica);
    return m_impl->call(MessageType::Release, body);
}

Result<QCborMap> ControlClient::validate(const QString &app,
                                         const std::optional<ProcessSpec> &process,
                                         int readyTimeoutMs)
{
    QCborMap body{{QStringLiteral("app"), app}, {QStringLiteral("ready-timeout-ms"), readyTimeoutMs}};
    if (process)
        body.insert(QStringLiteral("process"), QCborMap::fromJsonObject(process->toJson()));
    return m_impl->call(MessageType::Validate, body);
}

Result<QCborMap> ControlClient::hostInventory()
{
    return m_impl->call(MessageType::HostInventory, {});
}

Result<QCborMap> ControlClient::setPeers(const QCborArray &peers, int intervalMs, int bandwidthIntervalMs)
{
    QCborMap body;
    body.insert(QStringLiteral("peers"), peers);
    body.insert(QStringLiteral("interval-ms"), intervalMs);
    body.insert(QStringLiteral("bandwidth-interval-ms"), bandwidthIntervalMs);
    return m_impl->call(MessageType::Peers, body);
}

const QString &ControlClient::url() const
{
    return m_impl->m_options.url;
}

} // namespace foresight::control
