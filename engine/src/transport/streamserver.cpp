#include "transport/streamserver.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "foresight/core/logging.h"

namespace foresight::transport {

namespace {

// Past this many clients the agent stops accepting until one leaves (they wait in the backlog):
// each costs a descriptor, and the agent also needs descriptors for its files and peers.
constexpr std::size_t kMaxConnections = 1000;
// Descriptors clients never take, whatever the limit: the agent's own sockets (libzmq aborts
// when it cannot make a socket's signalling pair), SQLite, the /proc files host metrics read,
// and the sanitizers' own checks (they test memory through a pipe).
constexpr rlim_t kReservedDescriptors = 64;
constexpr qint64 kLimitWarningIntervalMs = 60'000;
// Out of descriptors with no client connected, no client can leave to free one: listening
// resumes after this long instead, so the loop neither spins on the readable listening socket
// nor stops accepting for good.
constexpr qint64 kAcceptRetryMs = 100;
constexpr qsizetype kReadChunk = 64 * 1024;
constexpr int kReadsPerRound = 4; // then the other connections get their turn
constexpr int kEventsPerRound = 256;
constexpr std::uint64_t kListenTag = 0; // connection ids start at 1

// Linux hands out the lowest free descriptor, so an accepted one this close to the limit means
// fewer than kReservedDescriptors are left.
bool withinReserve(int fd)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return false;
    return limit.rlim_cur <= kReservedDescriptors || rlim_t(fd) >= limit.rlim_cur - kReservedDescriptors;
}

} // namespace

StreamServer::StreamServer(int listenFd, int epollFd, const QString &url, qsizetype maxMessageBytes)
    : m_listenFd(listenFd)
    , m_epollFd(epollFd)
    , m_url(url)
    , m_maxMessageBytes(maxMessageBytes)
{}

StreamServer::~StreamServer()
{
    for (auto &[id, connection] : m_connections)
        ::close(connection->fd);
    ::close(m_listenFd);
    ::close(m_epollFd);
    QFile::remove(m_url.mid(int(std::strlen(kUnixScheme))));
}

Result<std::unique_ptr<StreamServer>> StreamServer::listen(const QString &url, qsizetype maxMessageBytes)
{
    const QString path = url.mid(int(std::strlen(kUnixScheme)));
    const QByteArray native = QFile::encodeName(path);
    sockaddr_un address{};
    if (path.isEmpty() || native.size() >= qsizetype(sizeof address.sun_path))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' needs a socket path of 1 to %2 bytes")
                        .arg(url)
                        .arg(sizeof address.sun_path - 1));
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, native.constData(), std::size_t(native.size()));
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile::remove(path); // a stale socket file from a crashed agent would block the bind

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot listen on %1: %2").arg(url, QString::fromLocal8Bit(std::strerror(errno))));
    const int epollFd = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kListenTag;
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0 || ::listen(fd, 128) != 0
        || epollFd < 0 || ::epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &event) != 0) {
        const int error = errno;
        ::close(fd);
        if (epollFd >= 0)
            ::close(epollFd);
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot listen on %1: %2").arg(url, QString::fromLocal8Bit(std::strerror(error))));
    }
    return std::unique_ptr<StreamServer>(
        new StreamServer(fd, epollFd, QString::fromLatin1(kUnixScheme) + path, maxMessageBytes));
}

void StreamServer::watch(int fd, std::uint64_t id, std::uint32_t events, int operation)
{
    epoll_event event{};
    event.events = events;
    event.data.u64 = id;
    if (::epoll_ctl(m_epollFd, operation, fd, &event) != 0)
        qCWarning(lcNet) << "epoll_ctl failed on" << m_url << ":" << std::strerror(errno);
}

void StreamServer::handleReady(const std::function<void(StreamIncoming &)> &deliver)
{
    epoll_event events[kEventsPerRound];
    const int ready = ::epoll_wait(m_epollFd, events, kEventsPerRound, 0);
    bool listenReady = false;
    for (int i = 0; i < ready; ++i) {
        const std::uint64_t id = events[i].data.u64;
        if (id == kListenTag) {
            listenReady = true;
            continue;
        }
        const auto it = m_connections.find(id);
        if (it == m_connections.end())
            continue;
        Connection &connection = *it->second;
        const std::uint32_t what = events[i].events;
        // A hang-up comes with EPOLLHUP or EPOLLERR; reading then finds the end after any data.
        bool alive = true;
        if ((what & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !connection.closing)
            alive = readFrom(id, connection, deliver);
        else if (what & (EPOLLHUP | EPOLLERR))
            alive = false;
        if (alive && (what & EPOLLOUT))
            alive = writeTo(connection) && !(connection.closing && connection.out.isEmpty());
        if (alive)
            watchOutput(id, connection);
        else
            close(id);
    }
    if (listenReady)
        accept();
}

void StreamServer::accept()
{
    while (m_connections.size() < kMaxConnections) {
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                // Out of descriptors (the process's or the system's): the listening socket would
                // stay readable and spin the loop. Stop listening for a while (below).
                warnOfDescriptors(std::strerror(errno));
                break;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                qCWarning(lcNet) << "cannot accept on" << m_url << ":" << std::strerror(errno);
            return;
        }
        const std::uint64_t id = m_nextId++;
        m_connections.emplace(id, std::make_unique<Connection>(fd, m_maxMessageBytes));
        watch(fd, id, EPOLLIN, EPOLL_CTL_ADD);
        if (withinReserve(fd)) {
            // This client is in; the next would eat into what the agent needs for itself.
            warnOfDescriptors("the rest are kept for the agent itself");
            break;
        }
    }
    // At the limit: stop listening for more until one leaves (they wait in the backlog) or, with
    // none to leave, until retryAcceptIfDue() finds the retry time has passed.
    m_accepting = false;
    watch(m_listenFd, kListenTag, 0, EPOLL_CTL_MOD);
    if (m_connections.empty())
        m_acceptRetry.start();
}

void StreamServer::retryAcceptIfDue()
{
    if (!m_accepting && m_acceptRetry.isValid() && m_acceptRetry.hasExpired(kAcceptRetryMs))
        resumeAccepting();
}

void StreamServer::resumeAccepting()
{
    m_accepting = true;
    m_acceptRetry.invalidate();
    watch(m_listenFd, kListenTag, EPOLLIN, EPOLL_CTL_MOD);
}

void StreamServer::warnOfDescriptors(const char *why)
{
    if (m_descriptorWarning.isValid() && !m_descriptorWarning.hasExpired(kLimitWarningIntervalMs))
        return;
    m_descriptorWarning.start();
    qCWarning(lcNet).nospace() << "cannot accept more clients on " << m_url << ": the agent is near its descriptor "
                               << "limit (" << why << ") with " << m_connections.size()
                               << " clients; new ones wait in the backlog until there is room (raise the limit: "
                               << "ulimit -n, or "
                               << "LimitNOFILE= in the service unit)";
}

bool StreamServer::readFrom(std::uint64_t id,
                            Connection &connection,
                            const std::function<void(StreamIncoming &)> &deliver)
{
    char buffer[kReadChunk];
    bool open = true;
    for (int round = 0; round < kReadsPerRound; ++round) {
        const ssize_t got = ::read(connection.fd, buffer, sizeof buffer);
        if (got == 0) {
            open = false;
            break;
        }
        if (got < 0) {
            if (errno == EINTR)
                continue;
            open = errno == EAGAIN || errno == EWOULDBLOCK;
            break;
        }
        connection.reader.append(buffer, qsizetype(got));
        if (got < qsizetype(sizeof buffer))
            break;
    }
    // Whole messages that arrived before the client closed are still handled: a write is
    // applied, as on a ZeroMQ socket, though its answer has nowhere to go.
    StreamFrameReader::Frame frame;
    while (!connection.closing) {
        const StreamFrameReader::Event event = connection.reader.next(&frame);
        if (event == StreamFrameReader::Event::None)
            break;
        StreamIncoming in;
        in.connection = id;
        in.announcedLength = connection.reader.announcedLength();
        if (event == StreamFrameReader::Event::Message) {
            in.header = std::move(frame.header);
            in.body = std::move(frame.body);
        } else if (event == StreamFrameReader::Event::Oversized) {
            in.kind = StreamIncoming::Kind::Oversized;
        } else {
            in.kind = StreamIncoming::Kind::Broken;
            connection.closing = true; // the stream cannot be resynchronised
            watch(connection.fd, id, connection.watchingOut ? std::uint32_t(EPOLLOUT) : 0U, EPOLL_CTL_MOD);
            if (!connection.queued) {
                connection.queued = true;
                m_pending.push_back(id);
            }
        }
        deliver(in);
    }
    return open;
}

bool StreamServer::send(std::uint64_t connection, const protocol::Message &message)
{
    return send(connection, message.type, protocol::encodeBody(message.body));
}

bool StreamServer::send(std::uint64_t connection, protocol::MessageType type, const QByteArray &body)
{
    const auto it = m_connections.find(connection);
    if (it == m_connections.end())
        return false;
    appendStreamMessage(it->second->out, type, body);
    if (!it->second->queued) {
        it->second->queued = true;
        m_pending.push_back(connection);
    }
    return true;
}

bool StreamServer::writeTo(Connection &connection)
{
    while (connection.outOffset < connection.out.size()) {
        const ssize_t sent = ::send(connection.fd,
                                    connection.out.constData() + connection.outOffset,
                                    std::size_t(connection.out.size() - connection.outOffset),
                                    MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return false;
            // What went out is dropped now and then, so a slow but steady reader does not make
            // the buffer grow by everything ever sent to it.
            if (connection.outOffset >= 64 * 1024) {
                connection.out.remove(0, connection.outOffset);
                connection.outOffset = 0;
            }
            // A client that sends requests but never reads its answers is dropped, not buffered for.
            return connection.out.size() - connection.outOffset <= 2 * m_maxMessageBytes + 1024 * 1024;
        }
        connection.outOffset += sent;
    }
    connection.out.clear();
    connection.outOffset = 0;
    return true;
}

void StreamServer::flush()
{
    std::vector<std::uint64_t> pending;
    pending.swap(m_pending);
    for (const std::uint64_t id : pending) {
        const auto it = m_connections.find(id);
        if (it == m_connections.end())
            continue;
        Connection &connection = *it->second;
        connection.queued = false;
        if (!writeTo(connection) || (connection.closing && connection.out.isEmpty())) {
            close(id);
            continue;
        }
        watchOutput(id, connection);
    }
}

void StreamServer::watchOutput(std::uint64_t id, Connection &connection)
{
    // What the socket did not take goes when it is writable again.
    const bool waiting = !connection.out.isEmpty();
    if (waiting == connection.watchingOut)
        return;
    connection.watchingOut = waiting;
    const std::uint32_t read = connection.closing ? 0U : std::uint32_t(EPOLLIN);
    watch(connection.fd, id, waiting ? (read | std::uint32_t(EPOLLOUT)) : read, EPOLL_CTL_MOD);
}

void StreamServer::close(std::uint64_t id)
{
    const auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    ::close(it->second->fd); // closing also takes it out of the epoll set
    m_connections.erase(it);
    if (!m_accepting)
        resumeAccepting();
}

} // namespace foresight::transport
