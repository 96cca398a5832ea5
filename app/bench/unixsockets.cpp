#include "unixsockets.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <QFile>
#include <QTemporaryDir>

namespace foresight::bench {

namespace {
constexpr int kReplyTimeoutMs = 5000;
}

Descriptor::~Descriptor()
{
    if (fd >= 0)
        ::close(fd);
}

Error systemError(const QString &baseline, const QString &what)
{
    return Error{ErrorCode::Network,
                 QStringLiteral("%1: %2: %3").arg(baseline, what, QString::fromLocal8Bit(std::strerror(errno)))};
}

Result<sockaddr_un> unixSocketAddress(const QTemporaryDir &dir, const QString &name)
{
    const QByteArray path = QFile::encodeName(dir.filePath(name));
    sockaddr_un address{};
    if (path.size() >= qsizetype(sizeof address.sun_path))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the temporary socket path is too long"));
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.constData(), std::size_t(path.size()));
    return address;
}

Result<WriteOnce> connectUnixWriter(const QString &baseline,
                                    const sockaddr_un &address,
                                    const QByteArray &request,
                                    qsizetype replyBytes)
{
    auto socket = std::make_shared<Descriptor>(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (socket->fd < 0 || ::connect(socket->fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
        return std::unexpected(systemError(baseline, QStringLiteral("connect")));
    const timeval timeout{kReplyTimeoutMs / 1000, 0};
    ::setsockopt(socket->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(socket->fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    return WriteOnce([socket, request, replyBytes, baseline]() -> Result<bool> {
        if (::send(socket->fd, request.constData(), std::size_t(request.size()), MSG_NOSIGNAL) != request.size())
            return std::unexpected(systemError(baseline, QStringLiteral("request")));
        char reply[4096];
        qsizetype got = 0;
        while (got < replyBytes) {
            const ssize_t n = ::read(socket->fd, reply, std::size_t(qMin<qsizetype>(sizeof reply, replyBytes - got)));
            if (n <= 0)
                return std::unexpected(systemError(baseline, QStringLiteral("no reply within 5 s")));
            got += n;
        }
        return true;
    });
}

Status UnixListener::listen(const QString &baseline, const sockaddr_un &address)
{
    m_listen = std::make_unique<Descriptor>(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    m_epoll = std::make_unique<Descriptor>(::epoll_create1(EPOLL_CLOEXEC));
    if (m_listen->fd < 0 || m_epoll->fd < 0)
        return std::unexpected(systemError(baseline, QStringLiteral("socket")));
    if (::bind(m_listen->fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0
        || ::listen(m_listen->fd, 128) != 0)
        return std::unexpected(systemError(baseline, QStringLiteral("bind")));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_listen->fd;
    if (::epoll_ctl(m_epoll->fd, EPOLL_CTL_ADD, m_listen->fd, &event) != 0)
        return std::unexpected(systemError(baseline, QStringLiteral("epoll_ctl")));
    return {};
}

void UnixListener::acceptAll()
{
    for (int client; (client = ::accept4(m_listen->fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = client;
        ::epoll_ctl(m_epoll->fd, EPOLL_CTL_ADD, client, &event);
    }
}

} // namespace foresight::bench
