#include "unixbaseline.h"

#include <atomic>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

#include <QTemporaryDir>

#include "unixsockets.h"

namespace foresight::bench {

namespace {

constexpr int kStopPollMs = 50;

const QString kBaseline = QStringLiteral("unix stream baseline");

// Echoes whatever each connection sends, on one thread, until stopped.
class EchoServer final
{
public:
    ~EchoServer() { stop(); }

    Status start(const sockaddr_un &address)
    {
        if (auto ok = m_listener.listen(kBaseline, address); !ok)
            return ok;
        m_thread = std::jthread([this] { run(); });
        return {};
    }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    void run()
    {
        char buffer[4096];
        while (!m_stop) {
            m_listener.poll(kStopPollMs, [&](int fd) {
                const ssize_t got = ::read(fd, buffer, sizeof buffer);
                if (got <= 0) {
                    ::close(fd);
                    return;
                }
                // A 100-byte echo always fits the socket buffer of a client that waits for it.
                (void) ::send(fd, buffer, std::size_t(got), MSG_NOSIGNAL);
            });
        }
    }

    UnixListener m_listener;
    std::atomic<bool> m_stop{false};
    std::jthread m_thread; // last: joined before the members it uses go away
};

} // namespace

Result<LoadResult> runUnixEchoLoad(const LoadSpec &spec)
{
    if (spec.valueBytes < 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("valueBytes must be positive"));
    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(ErrorCode::IoError, QStringLiteral("cannot create a temporary directory"));
    const auto address = unixSocketAddress(dir, QStringLiteral("echo.sock"));
    if (!address)
        return std::unexpected(address.error());

    EchoServer server;
    if (auto ok = server.start(*address); !ok)
        return std::unexpected(ok.error());

    const QByteArray payload(spec.valueBytes, 'v');
    auto factory = [&](int) { return connectUnixWriter(kBaseline, *address, payload, payload.size()); };
    auto result = runWriters(spec, factory);
    server.stop();
    return result;
}

} // namespace foresight::bench
