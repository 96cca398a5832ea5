#include "foresight/sdk/client.h"

#include <algorithm>
#include <thread>

#include <zmq.hpp>

#include <QCborArray>

#include "foresight/core/clock.h"
#include "foresight/core/logging.h"
#include "protocol/mapentries.h"
#include "protocol/writeack.h"
#include "transport/channel.h"
#include "transport/wire.h"

namespace foresight::sdk {

using protocol::Message;
using protocol::MessageType;
using namespace Qt::Literals::StringLiterals;

namespace {

// The epoch a successful reply carries, read as it always was (absent: 0).
std::uint64_t replyEpoch(const Message &reply)
{
    return std::uint64_t(reply.body.value(QStringLiteral("epoch")).toInteger());
}

std::uint64_t replyEpoch(const protocol::WriteAck &reply)
{
    return reply.epoch;
}

QLatin1StringView ackName(Ack ack)
{
    return ack == Ack::Replicated ? "replicated"_L1 : "primary"_L1;
}

} // namespace

class Client::Impl
{
public:
    explicit Impl(const ClientOptions &options)
        : m_options(options)
    {}

    // Sends one request to the primary, following redirects and failing over until one answers:
    // attempt() sends it on m_channel and returns the channel's answer.
    template<typename Attempt>
    auto request(Attempt attempt) -> decltype(attempt());
    // A put or delete: fill() adds the body's entries but the id and epoch, which are added here
    // and by the channel, on every attempt.
    template<typename Fill>
    Result<protocol::WriteAck> write(MessageType type, Fill fill);

    ClientOptions m_options;
    std::unique_ptr<transport::Channel> m_channel;
    int m_current = 0;
    int m_redirects = 0;
    std::uint64_t m_epoch = 0;      // highest epoch seen: proves an old primary stale if it answers
    std::uint64_t m_generation = 0; // connections opened
    MirrorEventHandler m_mirrorEvents;
    protocol::MapEntries m_entries; // the write being sent, kept for its buffer's capacity

    void deliverMirrorEvent(const Message &message) const;
    // Hands the current channel's pushes to deliverMirrorEvent.
    void listenForMirrorEvents()
    {
        m_channel->setPushHandler([this](const Message &message) { deliverMirrorEvent(message); });
    }

private:
    Status open(int index);
    void moveTo(int index);
    void backOffAfterFullRound(int attemptsWithoutPrimary) const;
};

Status Client::Impl::open(int index)
{
    m_channel.reset();
    const AgentEndpoint &endpoint = m_options.agents[index];
    transport::ChannelOptions options{endpoint.url,
                                      endpoint.serverPublicKey,
                                      transport::KeyPair{m_options.publicKey, m_options.secretKey},
                                      m_options.insecure};
    // A refused or dropped connection means a dead agent: say so at once, try the next agent.
    options.failFast = true;
    auto channel = transport::openChannel(transport::sharedClientContext(), options);
    if (!channel)
        return std::unexpected(channel.error());
    m_channel = std::move(*channel);
    m_current = index;
    ++m_generation;
    if (m_mirrorEvents)
        listenForMirrorEvents();
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

void Client::Impl::backOffAfterFullRound(int attemptsWithoutPrimary) const
{
    // A full round of the agents found no primary. A switchover leaves none for a millisecond or
    // two, a failover for a few hundred: start short and double, up to 50 ms between rounds.
    const int agents = int(m_options.agents.size());
    if (attemptsWithoutPrimary % agents != 0)
        return;
    const int round = attemptsWithoutPrimary / agents;
    constexpr int kShortRounds = 8; // about a switchover's length at 1 ms each
    const int ms = round <= kShortRounds ? 1 : std::min(50, 1 << std::min(round - kShortRounds, 6));
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void Client::Impl::moveTo(int index)
{
    m_channel.reset();
    m_current = index % int(m_options.agents.size());
    ++m_redirects;
}

template<typename Attempt>
auto Client::Impl::request(Attempt attempt) -> decltype(attempt())
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
                backOffAfterFullRound(++attemptsWithoutPrimary);
                continue;
            }
        }
        auto reply = attempt();
        if (reply) {
            m_epoch = qMax<std::uint64_t>(m_epoch, replyEpoch(*reply));
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
            backOffAfterFullRound(++attemptsWithoutPrimary);
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

template<typename Fill>
Result<protocol::WriteAck> Client::Impl::write(MessageType type, Fill fill)
{
    return request([&] {
        m_entries.clear();
        fill(m_entries);
        if (m_epoch > 0)
            m_entries.addInteger("epoch"_L1, qint64(m_epoch));
        return m_channel->callWrite(type, m_entries, m_options.requestTimeoutMs);
    });
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
            && (!transport::isZ85Key(agent.serverPublicKey) || !transport::isZ85Key(options.publicKey)
                || !transport::isZ85Key(options.secretKey))) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral(
                            "%1 is tcp:// with CURVE: the agent's public key and this client's key pair are needed")
                            .arg(agent.url));
        }
    }
    return std::unique_ptr<Client>(new Client(std::make_unique<Impl>(options)));
}

Result<ClientOptions> ClientOptions::fromEnvironment()
{
    ClientOptions options;
    options.app = qEnvironmentVariable("FORESIGHT_APP");
    const QString url = qEnvironmentVariable("FORESIGHT_SDK_URL");
    const QString role = qEnvironmentVariable("FORESIGHT_ROLE");
    if (options.app.isEmpty() || url.isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("FORESIGHT_APP and FORESIGHT_SDK_URL are not set: is this process run by a "
                                   "Foresight agent (docs/managed-apps.md)?"));
    if (role != QLatin1String("active") && role != QLatin1String("passive"))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("FORESIGHT_ROLE is '%1', not active or passive").arg(role));
    options.passive = role == QLatin1String("passive");
    options.agents = {AgentEndpoint{url, qEnvironmentVariable("FORESIGHT_SDK_PUBLIC_KEY").toLatin1()}};
    options.name = options.app + QLatin1Char(' ') + role;
    return options;
}

namespace {

std::unexpected<Error> refusePassiveWrite(const QString &app)
{
    return fail(ErrorCode::NotPrimary,
                QStringLiteral("this instance of '%1' is passive (FORESIGHT_ROLE=passive): it reads its shadow's "
                               "state and may not write; writes go to the active instance")
                    .arg(app));
}

} // namespace

Result<WriteReceipt> Client::put(const QString &key, const QByteArray &value, Ack ack)
{
    if (m_impl->m_options.passive)
        return refusePassiveWrite(m_impl->m_options.app);
    // The entries, in this order, that the QCborMap this replaced held: the bytes are the same.
    auto reply = m_impl->write(MessageType::Put, [&](protocol::MapEntries &entries) {
        entries.addText("app"_L1, m_impl->m_options.app);
        entries.addText("key"_L1, key);
        entries.addBytes("value"_L1, value);
        entries.addText("ack"_L1, ackName(ack));
    });
    if (!reply)
        return std::unexpected(reply.error());
    return WriteReceipt{reply->epoch, reply->seq};
}

Result<WriteReceipt> Client::remove(const QString &key, Ack ack)
{
    if (m_impl->m_options.passive)
        return refusePassiveWrite(m_impl->m_options.app);
    auto reply = m_impl->write(MessageType::Delete, [&](protocol::MapEntries &entries) {
        entries.addText("app"_L1, m_impl->m_options.app);
        entries.addText("key"_L1, key);
        entries.addText("ack"_L1, ackName(ack));
    });
    if (!reply)
        return std::unexpected(reply.error());
    return WriteReceipt{reply->epoch, reply->seq};
}

Result<ReadResult> Client::get(const QString &key, const GetOptions &options)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), m_impl->m_options.app);
    body.insert(QStringLiteral("key"), key);
    if (m_impl->m_options.passive)
        body.insert(QStringLiteral("local"), true);
    if (options.forecast)
        body.insert(QStringLiteral("forecast"), true);
    auto reply = m_impl->request(
        [&] { return m_impl->m_channel->call(MessageType::Get, body, m_impl->m_options.requestTimeoutMs); });
    if (!reply)
        return std::unexpected(reply.error());
    ReadResult result;
    if (reply->body.value(QStringLiteral("found")).toBool())
        result.value = reply->body.value(QStringLiteral("value")).toByteArray();
    result.epoch = std::uint64_t(reply->body.value(QStringLiteral("epoch")).toInteger());
    result.seq = std::uint64_t(reply->body.value(QStringLiteral("seq")).toInteger());
    result.predicted = reply->body.value(QStringLiteral("predicted")).toBool();
    result.confidence = result.predicted ? reply->body.value(QStringLiteral("confidence")).toDouble() : 0.0;
    result.local = reply->body.value(QStringLiteral("local")).toBool();
    if (const QCborValue next = reply->body.value(QStringLiteral("next-change-in-ms")); next.isInteger()) {
        result.forecast = mirror::ChangeForecast{next.toInteger(),
                                                 reply->body.value(QStringLiteral("interval-ms")).toDouble(),
                                                 reply->body.value(QStringLiteral("change-confidence")).toDouble()};
    }
    return result;
}

void Client::Impl::deliverMirrorEvent(const Message &message) const
{
    if (message.type != MessageType::MirrorEvent || !m_mirrorEvents)
        return;
    const QCborMap &body = message.body;
    if (body.value(QStringLiteral("app")).toString() != m_options.app)
        return;
    MirrorEventMessage event;
    event.subscription = std::uint64_t(body.value(QStringLiteral("subscription")).toInteger());
    event.event.eventSeq = std::uint64_t(body.value(QStringLiteral("event-seq")).toInteger());
    event.event.epoch = std::uint64_t(body.value(QStringLiteral("epoch")).toInteger());
    event.event.seq = std::uint64_t(body.value(QStringLiteral("seq")).toInteger());
    for (const QCborValue &key : body.value(QStringLiteral("keys")).toArray())
        event.event.keys.append(key.toString());
    event.event.overflow = body.value(QStringLiteral("overflow")).toBool();
    event.end = body.value(QStringLiteral("end")).toString();
    m_mirrorEvents(event);
}

Result<MirrorSubscription> Client::subscribeMirror(const QStringList &prefixes,
                                                   int intervalMs,
                                                   MirrorEventHandler handler)
{
    m_impl->m_mirrorEvents = std::move(handler);
    if (m_impl->m_channel)
        m_impl->listenForMirrorEvents();
    QCborMap body;
    body.insert(QStringLiteral("app"), m_impl->m_options.app);
    if (!prefixes.isEmpty())
        body.insert(QStringLiteral("prefixes"), QCborArray::fromStringList(prefixes));
    body.insert(QStringLiteral("interval-ms"), intervalMs);
    auto reply = m_impl->request([&] {
        return m_impl->m_channel->call(MessageType::MirrorSubscribe, body, m_impl->m_options.requestTimeoutMs);
    });
    if (!reply)
        return std::unexpected(reply.error());
    MirrorSubscription subscription;
    subscription.subscription = std::uint64_t(reply->body.value(QStringLiteral("subscription")).toInteger());
    subscription.epoch = std::uint64_t(reply->body.value(QStringLiteral("epoch")).toInteger());
    subscription.seq = std::uint64_t(reply->body.value(QStringLiteral("seq")).toInteger());
    subscription.intervalMs = int(reply->body.value(QStringLiteral("interval-ms")).toInteger());
    subscription.connection = m_impl->m_generation;
    return subscription;
}

Status Client::pollEvents()
{
    if (!m_impl->m_channel)
        return {};
    return m_impl->m_channel->pollPushed();
}

Status Client::reportMirror(const QCborMap &metrics)
{
    QCborMap body;
    body.insert(QStringLiteral("app"), m_impl->m_options.app);
    body.insert(QStringLiteral("client"), m_impl->m_options.name);
    body.insert(QStringLiteral("metrics"), metrics);
    auto reply = m_impl->request(
        [&] { return m_impl->m_channel->call(MessageType::MirrorReport, body, m_impl->m_options.requestTimeoutMs); });
    if (!reply)
        return std::unexpected(reply.error());
    return {};
}

std::uint64_t Client::connectionGeneration() const
{
    return m_impl->m_generation;
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
