#include "zmqbaseline.h"

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace foresight::bench {

namespace {

constexpr auto kReplyTimeout = std::chrono::milliseconds(5000);
constexpr auto kStopPoll = std::chrono::milliseconds(50);

struct CurveKeys
{
    std::string publicKey;
    std::string secretKey;
};

Result<CurveKeys> makeCurveKeys()
{
    std::array<char, 41> pub{};
    std::array<char, 41> sec{};
    if (zmq_curve_keypair(pub.data(), sec.data()) != 0)
        return fail(ErrorCode::Internal,
                    QStringLiteral("zmq_curve_keypair failed: %1")
                        .arg(QString::fromLocal8Bit(zmq_strerror(zmq_errno()))));
    return CurveKeys{std::string(pub.data(), 40), std::string(sec.data(), 40)};
}

Error zmqError(const char *what, const zmq::error_t &e)
{
    return Error{ErrorCode::Network,
                 QStringLiteral("ZeroMQ baseline: %1: %2").arg(QLatin1String(what), QString::fromLocal8Bit(e.what()))};
}

// Echoes every request back on a ROUTER socket until `stop` is set. Owns its socket.
class EchoServer final
{
public:
    explicit EchoServer(std::optional<CurveKeys> keys)
        : m_keys(std::move(keys))
    {}
    ~EchoServer() { stop(); }
    EchoServer(const EchoServer &) = delete;
    EchoServer &operator=(const EchoServer &) = delete;

    // Starts the thread and returns the endpoint it bound, once bound.
    Result<std::string> start()
    {
        std::promise<Result<std::string>> bound;
        auto boundFuture = bound.get_future();
        m_thread = std::jthread([this, &bound] { run(bound); });
        return boundFuture.get();
    }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    // Valid after stop(): the error that ended the server early, if any.
    const std::optional<Error> &error() const { return m_error; }

private:
    void run(std::promise<Result<std::string>> &bound)
    {
        bool announced = false;
        try {
            zmq::socket_t router(m_context, zmq::socket_type::router);
            router.set(zmq::sockopt::linger, 0);
            router.set(zmq::sockopt::rcvtimeo, static_cast<int>(kStopPoll.count()));
            if (m_keys) {
                router.set(zmq::sockopt::curve_server, 1);
                router.set(zmq::sockopt::curve_secretkey, m_keys->secretKey);
            }
            router.bind("tcp://127.0.0.1:*");
            bound.set_value(router.get(zmq::sockopt::last_endpoint));
            announced = true;

            std::vector<zmq::message_t> frames;
            frames.reserve(4);
            while (!m_stop) {
                frames.clear();
                if (!zmq::recv_multipart(router, std::back_inserter(frames)))
                    continue; // timed out: look at m_stop again
                zmq::send_multipart(router, frames);
            }
        } catch (const zmq::error_t &e) {
            const Error error = zmqError("echo server", e);
            if (announced)
                m_error = error;
            else
                bound.set_value(std::unexpected(error));
        }
    }

    zmq::context_t m_context{1};
    std::optional<CurveKeys> m_keys;
    std::atomic<bool> m_stop{false};
    std::optional<Error> m_error; // written by the server thread, read after join
    std::jthread m_thread;        // last: joined before the members it uses go away
};

} // namespace

Result<LoadResult> runZmqReqRepLoad(const LoadSpec &spec)
{
    if (spec.valueBytes < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("valueBytes must be positive"));
    std::optional<CurveKeys> serverKeys;
    if (spec.curve) {
        if (!zmq_has("curve"))
            return fail(ErrorCode::Network, QStringLiteral("this libzmq was built without CURVE support"));
        auto keys = makeCurveKeys();
        if (!keys)
            return std::unexpected(keys.error());
        serverKeys = std::move(*keys);
    }

    EchoServer server(serverKeys);
    const auto endpoint = server.start();
    if (!endpoint)
        return std::unexpected(endpoint.error());

    zmq::context_t clientContext(1);
    const std::string payload(static_cast<std::size_t>(spec.valueBytes), 'v');

    auto factory = [&](int) -> Result<WriteOnce> {
        try {
            auto socket = std::make_shared<zmq::socket_t>(clientContext, zmq::socket_type::req);
            socket->set(zmq::sockopt::linger, 0);
            socket->set(zmq::sockopt::rcvtimeo, static_cast<int>(kReplyTimeout.count()));
            socket->set(zmq::sockopt::sndtimeo, static_cast<int>(kReplyTimeout.count()));
            if (serverKeys) {
                auto keys = makeCurveKeys();
                if (!keys)
                    return std::unexpected(keys.error());
                socket->set(zmq::sockopt::curve_serverkey, serverKeys->publicKey);
                socket->set(zmq::sockopt::curve_publickey, keys->publicKey);
                socket->set(zmq::sockopt::curve_secretkey, keys->secretKey);
            }
            socket->connect(*endpoint);
            return WriteOnce([socket, &payload]() -> Result<bool> {
                try {
                    if (!socket->send(zmq::buffer(payload), zmq::send_flags::none))
                        return fail(ErrorCode::Timeout, QStringLiteral("ZeroMQ baseline: request not sent in time"));
                    zmq::message_t reply;
                    if (!socket->recv(reply, zmq::recv_flags::none))
                        return fail(ErrorCode::Timeout, QStringLiteral("ZeroMQ baseline: no echo within 5 s"));
                    return reply.size() == payload.size();
                } catch (const zmq::error_t &e) {
                    return std::unexpected(zmqError("request", e));
                }
            });
        } catch (const zmq::error_t &e) {
            return std::unexpected(zmqError("client socket", e));
        }
    };

    auto result = runWriters(spec, factory);
    server.stop();
    if (result && server.error())
        return std::unexpected(*server.error());
    return result;
}

} // namespace foresight::bench
