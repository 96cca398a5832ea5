#include "foresight/sdk/client.h"

#include <thread>

#include <zmq.hpp>

#include "foresight/core/clock.h"
#include "foresight/core/logging.h"
#include "transport/channel.h"
#include "transport/wire.h"

namespace foresight::sdk {

using protocol::Message;
using protocol::MessageType;

class Client::Impl
{
public:
    explicit Impl(const ClientOptions &options)
        : m_options(options)
    {}

    Result<Message> request(MessageType type, const QCborMap &body);

    ClientOptions m_options;
    std::unique_ptr<transport::Channel> m_channel;
    int m_current = 0;
    int m_redirects = 0;
    std::uint64_t m_epoch = 0; // highest epoch seen: proves an old primary stale if it answers

private:
    Status open(int index);
    void moveTo(int index);
};

Status Client::Impl::open(int index)
{
    m_channel.reset();
    const AgentEndpoint &endpoint = m_options.agents[index];
    transport::ChannelOptions options{endpoint.url,
                                      endpoint.serverPublicKey,
                                      KeyPair{m_options.publicKey, m_options.secretKey},
                                      m_options.insecure};
    // A refused or dropped connection means a dead agent: say so at once, try the next agent.
    options.failFast = true;
    auto channel = transport::openChannel(transport::sharedClientContext(), options);
    if (!channel)
        return std::unexpected(channel.error());
    m_channel = std::move(*channel);
    m_current = index;
    // The hello checks the protocol version once per connection.
    QCborMap hello;
    hello.insert(QStringLiteral("version"), protocol::kProtocolVersion);
    hello.insert(QStringLiteral("peer"), QStringLiteral("sdk"));
    hello.insert(QStringLiteral("name"), m_options.name);
    auto reply = m_channel->call(MessageType::Hello, hello, m_options.requestTimeoutMs);
    if (!reply) {
        m_channel.reset();
        return std::unexpected(reply.error());
    }
    return {};
}

void Client::Impl::moveTo(int index)
{
    m_channel.reset();
    m_current = index % int(m_options.agents.size());
    ++m_redirects;
}

Result<Message> Client::Impl::request(MessageType type, const QCborMap &body)
{
    const std::int64_t deadline = SystemClock::instance().monotonicMs() + m_options.failoverTimeoutMs;
    Error last{ErrorCode::Timeout, QStringLiteral("no agent answered as primary of '%1'").arg(m_options.app)};
    int attemptsWithoutPrimary = 0;
    while (SystemClock::instance().monotonicMs() < deadline) {
        if (!m_channel) {
            if (auto ok = open(m_current); !ok) {
                last = ok.error();
                if (last.code == ErrorCode::VersionMismatch || last.code == ErrorCode::Unauthorized
                    || last.code == ErrorCode::InvalidArgument)
                    return std::unexpected(last);
                moveTo(m_current + 1);
                if (++attemptsWithoutPrimary % m_options.agents.size() == 0)
                    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // a full round failed: back off
                continue;
            }
        }
        QCborMap withEpoch = body;
        if (m_epoch > 0 && type != MessageType::Get)
            withEpoch.insert(QStringLiteral("epoch"), qint64(m_epoch));
        auto reply = m_channel->call(type, withEpoch, m_options.requestTimeoutMs);
        if (reply) {
            m_epoch = qMax<std::uint64_t>(m_epoch, reply->body.value(QStringLiteral("epoch")).toInteger());
            return reply;
        }
        last = reply.error();
        const QCborMap &errorBody = m_channel->lastErrorBody();
        switch (last.code) {
        case ErrorCode::NotPrimary:
        case ErrorCode::StaleEpoch:
        case ErrorCode::NotFound: // this agent holds no copy of the application: try the others
        case ErrorCode::Fenced: {
            m_epoch = qMax<std::uint64_t>(m_epoch, errorBody.value(QStringLiteral("epoch")).toInteger());
            // Follow the redirect if the agent named a primary this client knows.
            const QString hint = errorBody.value(QStringLiteral("primary-sdk")).toString();
            int next = -1;
            for (int i = 0; i < m_options.agents.size(); ++i) {
                if (!hint.isEmpty() && m_options.agents[i].url == hint && i != m_current)
                    next = i;
            }
            moveTo(next >= 0 ? next : m_current + 1);
            if (++attemptsWithoutPrimary % m_options.agents.size() == 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        case ErrorCode::Timeout:
        case ErrorCode::Network:
            moveTo(m_current + 1);
            continue;
        default:
            return std::unexpected(last);
        }
    }
    // A dead agent refuses connections at once, so the last attempt may have failed so; to the
    // application that is still no primary answering in time.
    if (last.code == ErrorCode::Network) {
        return fail(ErrorCode::Timeout,
                    QStringLiteral("no agent answered as primary of '%1' within %2 ms (last: %3)")
                        .arg(m_options.app)
                        .arg(m_options.failoverTimeoutMs)
                        .arg(last.message));
    }
    return std::unexpected(last);
}

Client::Client(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::connect(const ClientOptions &options)
{
    if (options.app.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("ClientOptions.app is empty: name the application"));
    if (options.agents.isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("ClientOptions.agents is empty: name at least one agent endpoint"));
    for (const AgentEndpoint &agent : options.agents) {
        if (agent.url.startsWith(QLatin1String("tcp://")) && !options.insecure
            && (!isZ85Key(agent.serverPublicKey) || !isZ85Key(options.publicKey) || !isZ85Key(options.secretKey))) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral(
                            "%1 is tcp:// with CURVE: the agent's public key and this client's key pair are needed")
                            .arg(agent.url));
        }
    }
    return std::unique_ptr<Client>(new Client(std::make_unique<Impl>(options)));
}

Result<WriteReceipt> Client::put(const QString &key, const QByteArray &value, Ack ack)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), m_impl->m_options.app);
    body.insert(QStringLiteral("key"), key);
    body.insert(QStringLiteral("value"), value);
    body.insert(QStringLiteral("ack"),
                ack == Ack::Replicated ? QStringLiteral("replicated") : QStringLiteral("primary"));
    auto reply = m_impl->request(MessageType::Put, body);
    if (!reply)
        return std::unexpected(reply.error());
    return WriteReceipt{std::uint64_t(reply->body.value(QStringLiteral("epoch")).toInteger()),
                        std::uint64_t(reply->body.value(QStringLiteral("seq")).toInteger())};
}

Result<WriteReceipt> Client::remove(const QString &key, Ack ack)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), m_impl->m_options.app);
    body.insert(QStringLiteral("key"), key);
    body.insert(QStringLiteral("ack"),
                ack == Ack::Replicated ? QStringLiteral("replicated") : QStringLiteral("primary"));
    auto reply = m_impl->request(MessageType::Delete, body);
    if (!reply)
        return std::unexpected(reply.error());
    return WriteReceipt{std::uint64_t(reply->body.value(QStringLiteral("epoch")).toInteger()),
                        std::uint64_t(reply->body.value(QStringLiteral("seq")).toInteger())};
}

Result<ReadResult> Client::get(const QString &key)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), m_impl->m_options.app);
    body.insert(QStringLiteral("key"), key);
    auto reply = m_impl->request(MessageType::Get, body);
    if (!reply)
        return std::unexpected(reply.error());
    ReadResult result;
    if (reply->body.value(QStringLiteral("found")).toBool())
        result.value = reply->body.value(QStringLiteral("value")).toByteArray();
    result.epoch = std::uint64_t(reply->body.value(QStringLiteral("epoch")).toInteger());
    result.seq = std::uint64_t(reply->body.value(QStringLiteral("seq")).toInteger());
    result.predicted = reply->body.value(QStringLiteral("predicted")).toBool();
    result.confidence = result.predicted ? reply->body.value(QStringLiteral("confidence")).toDouble() : 0.0;
    return result;
}

QString Client::currentAgentUrl() const
{
    return m_impl->m_options.agents.value(m_impl->m_current).url;
}

int Client::redirects() const
{
    return m_impl->m_redirects;
}

} // namespace foresight::sdk
