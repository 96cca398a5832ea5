#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "foresight/core/result.h"
#include "zmqsupport.h"

namespace foresight::bench {

// A ROUTER socket on tcp://127.0.0.1:*, with its own context and thread (as another process
// would have), that answers every message with its own frames until stopped; the last frame is
// cut to `maxLastFrameBytes`, so the answer can be a short acknowledgement that still carries
// the start of what it answers. With `keys`, a CURVE server (no ZAP handler: authentication
// costs nothing per message, only at the handshake).
class ZmqEchoServer final
{
public:
    explicit ZmqEchoServer(std::optional<CurveKeys> keys, std::size_t maxLastFrameBytes = SIZE_MAX)
        : m_keys(std::move(keys))
        , m_maxLastFrameBytes(maxLastFrameBytes)
    {}
    ~ZmqEchoServer() { stop(); }
    ZmqEchoServer(const ZmqEchoServer &) = delete;
    ZmqEchoServer &operator=(const ZmqEchoServer &) = delete;

    // Starts the thread and returns the endpoint it bound, once bound.
    Result<std::string> start();
    void stop();

    // Valid after stop(): the error that ended the server early, if any.
    const std::optional<Error> &error() const { return m_error; }

private:
    void run(std::promise<Result<std::string>> &bound);

    zmq::context_t m_context{1};
    std::optional<CurveKeys> m_keys;
    std::size_t m_maxLastFrameBytes;
    std::atomic<bool> m_stop{false};
    std::optional<Error> m_error; // written by the server thread, read after join
    std::jthread m_thread;        // last: joined before the members it uses go away
};

} // namespace foresight::bench
