#include "zmqechoserver.h"

#include <chrono>
#include <iterator>
#include <vector>

#include <zmq_addon.hpp>

namespace foresight::bench {

namespace {

constexpr auto kStopPoll = std::chrono::milliseconds(50);

} // namespace

Result<std::string> ZmqEchoServer::start()
{
    std::promise<Result<std::string>> bound;
    auto boundFuture = bound.get_future();
    m_thread = std::jthread([this, &bound] { run(bound); });
    return boundFuture.get();
}

void ZmqEchoServer::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

void ZmqEchoServer::run(std::promise<Result<std::string>> &bound)
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
            if (frames.back().size() > m_maxLastFrameBytes)
                frames.back() = zmq::message_t(frames.back().data(), m_maxLastFrameBytes);
            zmq::send_multipart(router, frames);
        }
    } catch (const zmq::error_t &e) {
        const Error error = zmqError(QStringLiteral("ZeroMQ echo server"), e);
        if (announced)
            m_error = error;
        else
            bound.set_value(std::unexpected(error));
    }
}

} // namespace foresight::bench
