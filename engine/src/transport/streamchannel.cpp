#include "transport/streamchannel.h"

#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <QFile>

#include "foresight/core/clock.h"

namespace foresight::transport {

using protocol::Message;

StreamChannel::StreamChannel(int fd, const ChannelOptions &options)
    : m_fd(fd)
    , m_options(options)
    , m_reader(options.maxMessageBytes)
{}

StreamChannel::~StreamChannel()
{
    ::close(m_fd);
}

Result<std::unique_ptr<StreamChannel>> StreamChannel::open(const ChannelOptions &options)
{
    const QByteArray path = QFile::encodeName(options.url.mid(int(std::strlen(kUnixScheme))));
    sockaddr_un address{};
    if (path.isEmpty() || path.size() >= qsizetype(sizeof address.sun_path))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' needs a socket path of 1 to %2 bytes")
                        .arg(options.url)
                        .arg(sizeof address.sun_path - 1));
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.constData(), std::size_t(path.size()));
    // Non-blocking: a blocking connect would wait, without a time-out, while the agent's backlog
    // is full (an agent at its client limit, or stopped).
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to %1: %2")
                        .arg(options.url, QString::fromLocal8Bit(std::strerror(errno))));
    // A Unix connect completes at once, or fails at once: no agent is listening, or its backlog
    // is full.
    int result = 0;
    do {
        result = ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address);
    } while (result != 0 && errno == EINTR);
    if (result != 0) {
        const int error = errno;
        ::close(fd);
        if (error == ENOENT || error == ECONNREFUSED)
            return connectionRefused(options.url);
        if (error == EAGAIN)
            return fail(ErrorCode::Network,
                        QStringLiteral("cannot connect to %1: the agent takes no more connections now (its backlog "
                                       "is full)")
                            .arg(options.url));
        return fail(ErrorCode::Network,
                    QStringLiteral("cannot connect to %1: %2")
                        .arg(options.url, QString::fromLocal8Bit(std::strerror(error))));
    }
    return std::unique_ptr<StreamChannel>(new StreamChannel(fd, options));
}

std::unexpected<Error> StreamChannel::lost(bool waiting)
{
    m_gone = true;
    return connectionLost(m_options.url, waiting);
}

template<typename Reply, typename Match>
Result<Reply> StreamChannel::exchange(protocol::MessageType type, const QByteArray &body, int timeoutMs, Match match)
{
    m_out.resize(0); // not clear(), which frees the buffer the next request needs again
    appendStreamMessage(m_out, type, body);

    const std::int64_t deadline = SystemClock::instance().monotonicMs() + timeoutMs;
    qsizetype written = 0;
    char buffer[16 * 1024];
    while (true) {
        // Write first; the reply cannot come before the whole request is out.
        while (written < m_out.size()) {
            const ssize_t sent = ::send(m_fd,
                                        m_out.constData() + written,
                                        std::size_t(m_out.size() - written),
                                        MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    break;
                return lost(written > 0);
            }
            written += sent;
        }
        // Whole replies already read: the one with this id, or an error the agent could not tie
        // to a request (a frame it refused before reading the id), which answers this one.
        StreamFrameReader::Frame frame;
        while (true) {
            const StreamFrameReader::Event event = m_reader.next(&frame);
            if (event == StreamFrameReader::Event::None)
                break;
            if (event != StreamFrameReader::Event::Message) {
                m_gone = true;
                return fail(ErrorCode::ProtocolError,
                            QStringLiteral("the agent at %1 sent a frame of %2 bytes, which is not a valid message")
                                .arg(m_options.url)
                                .arg(m_reader.announcedLength()));
            }
            if (deliverPush(frame))
                continue;
            if (auto answer = match(frame.header, frame.body)) {
                // Refused before it was all sent (too large): the rest would be read as the
                // start of the next message, so this connection is done.
                if (written < m_out.size())
                    m_gone = true;
                return *answer;
            }
        }
        const std::int64_t left = deadline - SystemClock::instance().monotonicMs();
        if (left <= 0)
            break;
        pollfd item{m_fd, short(POLLIN | (written < m_out.size() ? POLLOUT : 0)), 0};
        const int ready = ::poll(&item, 1, int(qMin<std::int64_t>(left, 1000)));
        if (ready < 0 && errno != EINTR)
            return fail(ErrorCode::Network,
                        QStringLiteral("cannot wait for %1: %2")
                            .arg(m_options.url, QString::fromLocal8Bit(std::strerror(errno))));
        if (ready <= 0 || !(item.revents & (POLLIN | POLLERR | POLLHUP)))
            continue;
        const ssize_t got = ::read(m_fd, buffer, sizeof buffer);
        if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
            return lost(true);
        if (got > 0)
            m_reader.append(buffer, qsizetype(got));
    }
    if (written < m_out.size())
        m_gone = true; // half a request went out: the stream is no longer at a message boundary
    return fail(ErrorCode::Timeout, QStringLiteral("no answer from %1 within %2 ms").arg(m_options.url).arg(timeoutMs));
}

bool StreamChannel::deliverPush(const StreamFrameReader::Frame &frame)
{
    if (!isPush(frame.header))
        return false;
    if (m_push) {
        if (auto message = protocol::decode(frame.header, frame.body))
            m_push(*message);
    }
    return true;
}

Status StreamChannel::pollPushed()
{
    if (m_gone)
        return lost(false);
    char buffer[16 * 1024];
    bool closed = false; // what came before the close is still delivered
    while (true) {
        const ssize_t got = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) {
            m_reader.append(buffer, qsizetype(got));
            if (got < ssize_t(sizeof buffer))
                break;
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        closed = got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
        break;
    }
    StreamFrameReader::Frame frame;
    while (true) {
        const StreamFrameReader::Event event = m_reader.next(&frame);
        if (event == StreamFrameReader::Event::None)
            return closed ? Status(lost(false)) : Status{};
        if (event != StreamFrameReader::Event::Message) {
            m_gone = true;
            return fail(ErrorCode::ProtocolError,
                        QStringLiteral("the agent at %1 sent a frame of %2 bytes, which is not a valid message")
                            .arg(m_options.url)
                            .arg(m_reader.announcedLength()));
        }
        // Anything else between calls is a late reply to a request that timed out: dropped.
        deliverPush(frame);
    }
}

Result<Message> StreamChannel::call(protocol::MessageType type, QCborMap body, int timeoutMs)
{
    if (m_gone)
        return lost(false);
    const qint64 id = m_nextId++;
    body.insert(QStringLiteral("id"), id);
    return exchange<Message>(type,
                             protocol::encodeBody(body),
                             timeoutMs,
                             [&](const QByteArray &header, const QByteArray &reply) {
                                 return matchReply(header, reply, id, true, &m_lastErrorBody);
                             });
}

Result<protocol::WriteAck> StreamChannel::callWrite(protocol::MessageType type,
                                                    const protocol::MapEntries &entries,
                                                    int timeoutMs)
{
    if (m_gone)
        return lost(false);
    const qint64 id = m_nextId++;
    m_body.resize(0);
    appendRequestBody(m_body, entries, id);
    return exchange<protocol::WriteAck>(type, m_body, timeoutMs, [&](const QByteArray &header, const QByteArray &reply) {
        return matchWriteAck(header, reply, id, true, &m_lastErrorBody);
    });
}

} // namespace foresight::transport
