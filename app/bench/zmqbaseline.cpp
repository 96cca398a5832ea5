#include "zmqbaseline.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "zmqechoserver.h"
#include "zmqsupport.h"

namespace foresight::bench {

namespace {

constexpr auto kReplyTimeout = std::chrono::milliseconds(5000);

const QString kBaseline = QStringLiteral("ZeroMQ baseline");

} // namespace

Result<LoadResult> runZmqReqRepLoad(const LoadSpec &spec)
{
    if (spec.valueBytes < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("valueBytes must be positive"));
    std::optional<CurveKeys> serverKeys;
    if (spec.curve) {
        auto keys = makeCurveKeys();
        if (!keys)
            return std::unexpected(keys.error());
        serverKeys = std::move(*keys);
    }

    ZmqEchoServer server(serverKeys);
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
                    return std::unexpected(zmqError(kBaseline + QStringLiteral(": request"), e));
                }
            });
        } catch (const zmq::error_t &e) {
            return std::unexpected(zmqError(kBaseline + QStringLiteral(": client socket"), e));
        }
    };

    auto result = runWriters(spec, factory);
    server.stop();
    if (result && server.error())
        return std::unexpected(*server.error());
    return result;
}

} // namespace foresight::bench
