#include "relaybaseline.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#include <QTemporaryDir>

#include <zmq.hpp>

#include "unixsockets.h"
#include "zmqechoserver.h"
#include "zmqsupport.h"

namespace foresight::bench {

namespace {

const QString kBaseline = QStringLiteral("relay floor baseline");
constexpr auto kStopPoll = std::chrono::milliseconds(50);
constexpr qsizetype kReplyBytes = 32; // about a Foresight write-ack with its stream framing

// The primary's part: gathers the writers' requests into batches for the replica and answers
// each batch's writers when the replica has answered it.
class Relay final
{
public:
    ~Relay() { stop(); }

    // Listens on `address` and connects to the replica at `replicaEndpoint` (as a CURVE client of
    // `replicaPublicKey` when given), then starts the relay thread.
    Status start(const sockaddr_un &address,
                 const std::string &replicaEndpoint,
                 const std::optional<std::string> &replicaPublicKey,
                 qsizetype requestBytes)
    {
        if (auto ok = m_listener.listen(kBaseline, address); !ok)
            return ok;
        try {
            m_dealer.set(zmq::sockopt::linger, 0);
            if (replicaPublicKey) {
                auto keys = makeCurveKeys();
                if (!keys)
                    return std::unexpected(keys.error());
                m_dealer.set(zmq::sockopt::curve_serverkey, *replicaPublicKey);
                m_dealer.set(zmq::sockopt::curve_publickey, keys->publicKey);
                m_dealer.set(zmq::sockopt::curve_secretkey, keys->secretKey);
            }
            m_dealer.connect(replicaEndpoint);
        } catch (const zmq::error_t &e) {
            return std::unexpected(zmqError(kBaseline + QStringLiteral(": dealer"), e));
        }
        m_requestBytes = requestBytes;
        // The socket moves to the relay thread here; starting a thread is the full barrier
        // ZeroMQ asks for when a socket changes threads.
        m_thread = std::jthread([this] { run(); });
        return {};
    }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    // Valid after stop(): the error that ended the relay early, if any.
    const std::optional<Error> &error() const { return m_error; }

private:
    struct Batch
    {
        quint64 number = 0;
        std::vector<int> writers;
    };

    void run()
    {
        try {
            relay();
        } catch (const zmq::error_t &e) {
            m_error = zmqError(kBaseline, e);
        }
    }

    void relay()
    {
        const QByteArray reply(kReplyBytes, 'a');
        std::deque<Batch> inFlight;          // oldest first: one DEALER-ROUTER pipe keeps the order
        std::vector<qsizetype> pendingBytes; // of each writer's current request, by descriptor
        QByteArray message;
        Batch next;
        while (!m_stop) {
            zmq::pollitem_t items[] = {{m_dealer.handle(), 0, ZMQ_POLLIN, 0},
                                       {nullptr, m_listener.epollFd(), ZMQ_POLLIN, 0}};
            zmq::poll(items, 2, kStopPoll);

            zmq::message_t answer;
            while (m_dealer.recv(answer, zmq::recv_flags::dontwait)) {
                quint64 number = 0;
                if (answer.size() >= sizeof number)
                    std::memcpy(&number, answer.data(), sizeof number);
                if (inFlight.empty() || inFlight.front().number != number) {
                    m_error = Error{ErrorCode::ProtocolError,
                                    QStringLiteral("%1: the replica answered a batch out of order").arg(kBaseline)};
                    return;
                }
                for (const int fd : inFlight.front().writers)
                    (void) ::send(fd, reply.constData(), std::size_t(reply.size()), MSG_NOSIGNAL);
                inFlight.pop_front();
            }

            message.resize(sizeof next.number);
            m_listener.poll(0, [&](int fd) {
                char buffer[4096];
                const ssize_t got = ::read(fd, buffer, sizeof buffer);
                if (got <= 0) {
                    // A writer leaves only between writes, so none of its requests is in flight.
                    ::close(fd);
                    if (std::size_t(fd) < pendingBytes.size())
                        pendingBytes[std::size_t(fd)] = 0; // for whoever gets the descriptor next
                    return;
                }
                message.append(buffer, got);
                if (std::size_t(fd) >= pendingBytes.size())
                    pendingBytes.resize(std::size_t(fd) + 1, 0);
                pendingBytes[std::size_t(fd)] += got;
                if (pendingBytes[std::size_t(fd)] >= m_requestBytes) {
                    pendingBytes[std::size_t(fd)] = 0;
                    next.writers.push_back(fd);
                }
            });
            if (next.writers.empty())
                continue;
            ++next.number;
            std::memcpy(message.data(), &next.number, sizeof next.number);
            m_dealer.send(zmq::buffer(message.constData(), std::size_t(message.size())), zmq::send_flags::none);
            inFlight.push_back(next);
            next.writers.clear();
        }
    }

    UnixListener m_listener;
    zmq::context_t m_context{1};
    zmq::socket_t m_dealer{m_context, zmq::socket_type::dealer};
    qsizetype m_requestBytes = 0;
    std::atomic<bool> m_stop{false};
    std::optional<Error> m_error; // written by the relay thread, read after join
    std::jthread m_thread;        // last: joined before the members it uses go away
};

} // namespace

Result<LoadResult> runRelayFloorLoad(const LoadSpec &spec)
{
    if (spec.valueBytes < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("valueBytes must be positive"));
    std::optional<CurveKeys> replicaKeys;
    if (spec.curve) {
        auto keys = makeCurveKeys();
        if (!keys)
            return std::unexpected(keys.error());
        replicaKeys = std::move(*keys);
    }
    // The replica answers a batch with its first 8 bytes: the batch's number.
    ZmqEchoServer replica(replicaKeys, sizeof(quint64));
    const auto replicaEndpoint = replica.start();
    if (!replicaEndpoint)
        return std::unexpected(replicaEndpoint.error());

    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(ErrorCode::IoError, QStringLiteral("cannot create a temporary directory"));
    const auto address = unixSocketAddress(dir, QStringLiteral("relay.sock"));
    if (!address)
        return std::unexpected(address.error());
    Relay relay;
    const auto replicaPublicKey = replicaKeys ? std::optional(replicaKeys->publicKey) : std::nullopt;
    if (auto ok = relay.start(*address, *replicaEndpoint, replicaPublicKey, spec.valueBytes); !ok)
        return std::unexpected(ok.error());

    const QByteArray request(spec.valueBytes, 'v');
    auto result = runWriters(spec, [&](int) { return connectUnixWriter(kBaseline, *address, request, kReplyBytes); });
    relay.stop();
    replica.stop();
    if (result && relay.error())
        return std::unexpected(*relay.error());
    if (result && replica.error())
        return std::unexpected(*replica.error());
    return result;
}

} // namespace foresight::bench
