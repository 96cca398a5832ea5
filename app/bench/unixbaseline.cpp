#include "unixbaseline.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <QFile>
#include <QTemporaryDir>

namespace foresight::bench {

namespace {

constexpr int kReplyTimeoutMs = 5000;
constexpr int kStopPollMs = 50;

Error unixError(const QString &what)
{
    return Error{ErrorCode::Network,
                 QStringLiteral("unix stream baseline: %1: %2").arg(what, QString::fromLocal8Bit(std::strerror(errno)))};
}

struct Descriptor
{
    explicit Descriptor(int value)
        : fd(value)
    {}
    ~Descriptor()
    {
        if (fd >= 0)
            ::close(fd);
    }
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;
    int fd;
};

// Echoes whatever each connection sends, on one thread, until stopped.
class EchoServer final
{
public:
    ~EchoServer() { stop(); }

    Status start(const sockaddr_un &address)
    {
        m_listen = std::make_unique<Descriptor>(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        m_epoll = std::make_unique<Descriptor>(::epoll_create1(EPOLL_CLOEXEC));
        if (m_listen->fd < 0 || m_epoll->fd < 0)
            return std::unexpected(unixError(QStringLiteral("socket")));
        if (::bind(m_listen->fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0
            || ::listen(m_listen->fd, 128) != 0)
            return std::unexpected(unixError(QStringLiteral("bind")));
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = m_listen->fd;
        if (::epoll_ctl(m_epoll->fd, EPOLL_CTL_ADD, m_listen->fd, &event) != 0)
            return std::unexpected(unixError(QStringLiteral("epoll_ctl")));
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
        epoll_event events[64];
        char buffer[4096];
        while (!m_stop) {
            const int ready = ::epoll_wait(m_epoll->fd, events, 64, kStopPollMs);
            for (int i = 0; i < ready; ++i) {
                const int fd = events[i].data.fd;
                if (fd == m_listen->fd) {
                    for (int client; (client = ::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
                        epoll_event event{};
                        event.events = EPOLLIN;
                        event.data.fd = client;
                        ::epoll_ctl(m_epoll->fd, EPOLL_CTL_ADD, client, &event);
                    }
                    continue;
                }
                const ssize_t got = ::read(fd, buffer, sizeof buffer);
                if (got <= 0) {
                    ::close(fd);
                    continue;
                }
                // A 100-byte echo always fits the socket buffer of a client that waits for it.
                (void) ::send(fd, buffer, std::size_t(got), MSG_NOSIGNAL);
            }
        }
    }

    std::unique_ptr<Descriptor> m_listen;
    std::unique_ptr<Descriptor> m_epoll;
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
    const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("echo.sock")));
    sockaddr_un address{};
    if (path.size() >= qsizetype(sizeof address.sun_path))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the temporary socket path is too long"));
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.constData(), std::size_t(path.size()));

    EchoServer server;
    if (auto ok = server.start(address); !ok)
        return std::unexpected(ok.error());

    const QByteArray payload(spec.valueBytes, 'v');
    auto factory = [&](int) -> Result<WriteOnce> {
        auto socket = std::make_shared<Descriptor>(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (socket->fd < 0 || ::connect(socket->fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
            return std::unexpected(unixError(QStringLiteral("connect")));
        const timeval timeout{kReplyTimeoutMs / 1000, 0};
        ::setsockopt(socket->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(socket->fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        return WriteOnce([socket, &payload]() -> Result<bool> {
            if (::send(socket->fd, payload.constData(), std::size_t(payload.size()), MSG_NOSIGNAL) != payload.size())
                return std::unexpected(unixError(QStringLiteral("request")));
            char echo[4096];
            qsizetype got = 0;
            while (got < payload.size()) {
                const ssize_t n = ::read(socket->fd,
                                         echo,
                                         std::size_t(qMin<qsizetype>(sizeof echo, payload.size() - got)));
                if (n <= 0)
                    return std::unexpected(unixError(QStringLiteral("no echo within 5 s")));
                got += n;
            }
            return true;
        });
    };
    auto result = runWriters(spec, factory);
    server.stop();
    return result;
}

} // namespace foresight::bench
