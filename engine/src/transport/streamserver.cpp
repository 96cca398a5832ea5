#include "transport/streamserver.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
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
constexpr qsizetype kReadChunk = 64 * 1024;
constexpr int kReadsPerRound = 4; // then the other connections get their turn

} // namespace

StreamServer::StreamServer(int fd, const QString &url, qsizetype maxMessageBytes)
    : m_listenFd(fd)
    , m_url(url)
    , m_maxMessageBytes(maxMessageBytes)
{}

StreamServer::~StreamServer()
{
    for (auto &[id, connection] : m_connections)
        ::close(connection->fd);
    ::close(m_listenFd);
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
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0 || ::listen(fd, 128) != 0) {
        const int error = errno;
        ::close(fd);
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot listen on %1: %2").arg(url, QString::fromLocal8Bit(std::strerror(error))));
    }
    return std::unique_ptr<StreamServer>(new StreamServer(fd, QString::fromLatin1(kUnixScheme) + path, maxMessageBytes));
}

void StreamServer::appendPollItems(std::vector<zmq::pollitem_t> &items)
{
    m_pollListen = m_connections.size() < kMaxConnections;
    if (m_pollListen)
        items.push_back({nullptr, m_listenFd, ZMQ_POLLIN, 0});
    m_polled.clear();
    for (const auto &[id, connection] : m_connections) {
        short events = connection->closing ? 0 : ZMQ_POLLIN;
        if (connection->outOffset < connection->out.size())
            events |= ZMQ_POLLOUT;
        items.push_back({nullptr, connection->fd, events, 0});
        m_polled.push_back(id);
    }
}

void StreamServer::handlePoll(const zmq::pollitem_t *items, const std::function<void(StreamIncoming &)> &deliver)
{
    const bool listenReady = m_pollListen && (items[0].revents & ZMQ_POLLIN);
    const zmq::pollitem_t *item = items + (m_pollListen ? 1 : 0);
    for (const std::uint64_t id : m_polled) {
        const short revents = (item++)->revents;
        const auto it = m_connections.find(id);
        if (it == m_connections.end() || revents == 0)
            continue;
        Connection &connection = *it->second;
        // A hang-up shows as POLLERR; reading then finds the end of the stream after any data.
        bool alive = true;
        if ((revents & (ZMQ_POLLIN | ZMQ_POLLERR)) && !connection.closing)
            alive = readFrom(id, connection, deliver);
        else if ((revents & ZMQ_POLLERR) && connection.closing)
            alive = false;
        if (alive && (revents & ZMQ_POLLOUT))
            alive = writeTo(connection);
        if (!alive)
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
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                qCWarning(lcNet) << "cannot accept on" << m_url << ":" << std::strerror(errno);
            return;
        }
        m_connections.emplace(m_nextId++, std::make_unique<Connection>(fd, m_maxMessageBytes));
    }
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
        }
        deliver(in);
    }
    return open;
}

bool StreamServer::send(std::uint64_t connection, const protocol::Message &message)
{
    const auto it = m_connections.find(connection);
    if (it == m_connections.end())
        return false;
    appendStreamMessage(it->second->out, message);
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
    std::vector<std::uint64_t> done;
    for (auto &[id, connection] : m_connections) {
        if (connection->outOffset < connection->out.size() && !writeTo(*connection))
            done.push_back(id);
        else if (connection->closing && connection->out.isEmpty())
            done.push_back(id);
    }
    for (const std::uint64_t id : done)
        close(id);
}

void StreamServer::close(std::uint64_t id)
{
    const auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    ::close(it->second->fd);
    m_connections.erase(it);
}

} // namespace foresight::transport
