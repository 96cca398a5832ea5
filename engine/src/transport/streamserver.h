#pragma once

// Private: the agent's unix:// SDK endpoint. A Unix stream socket that the agent's own thread
// accepts, reads and writes. Its descriptors sit in an epoll set whose descriptor joins the
// agent's zmq_poll, so a round costs the same whether ten or a thousand clients are connected. A ZeroMQ socket
// hands every message across its I/O thread on both sides; on a small VM those thread wake-ups,
// not the work, bounded the local write path (docs/benchmarks.md, replication). Here a request
// costs the client one write and one read, and the agent one read and one write per poll round.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <zmq.hpp>

#include <QElapsedTimer>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/protocol/message.h"
#include "transport/streamframing.h"

namespace foresight::transport {

// What arrived on a connection: a whole message, or a framing problem the agent answers and
// counts (Oversized: skipped, the connection goes on; Broken: the connection is closed once the
// answer is written).
struct StreamIncoming
{
    enum class Kind { Message, Oversized, Broken };
    Kind kind = Kind::Message;
    std::uint64_t connection = 0;
    QByteArray header;
    QByteArray body;
    std::uint32_t announcedLength = 0; // Oversized, Broken
};

class StreamServer final
{
public:
    // Binds unix://PATH (a stale socket file left by a crashed agent is replaced).
    static Result<std::unique_ptr<StreamServer>> listen(const QString &url, qsizetype maxMessageBytes);
    ~StreamServer();
    StreamServer(const StreamServer &) = delete;
    StreamServer &operator=(const StreamServer &) = delete;

    const QString &url() const { return m_url; }
    std::size_t connections() const { return m_connections.size(); }

    // The descriptor to add to a zmq_poll set (POLLIN): readable when a client needs attention.
    int pollDescriptor() const { return m_epollFd; }
    // Accepts, reads and writes whatever is ready, without blocking; whole messages and framing
    // problems go to `deliver`, in the order they arrived on each connection.
    void handleReady(const std::function<void(StreamIncoming &)> &deliver);
    // Queues a message for a connection; false when the connection is gone (the client left).
    bool send(std::uint64_t connection, const protocol::Message &message);
    // The same, with a body already encoded as CBOR.
    bool send(std::uint64_t connection, protocol::MessageType type, const QByteArray &body);
    // Writes what is queued, as far as the sockets take it without blocking.
    void flush();
    // Listens again after a pause for lack of descriptors with no client connected (a client
    // leaving ends the other pauses); call it every loop round.
    void retryAcceptIfDue();

private:
    struct Connection
    {
        Connection(int descriptor, qsizetype maxMessageBytes)
            : fd(descriptor)
            , reader(maxMessageBytes)
        {}
        int fd;
        StreamFrameReader reader;
        QByteArray out;
        qsizetype outOffset = 0;
        bool closing = false;     // write what is queued, then close
        bool watchingOut = false; // registered for EPOLLOUT: a write was cut short
        bool queued = false;      // in m_pending
    };

    StreamServer(int listenFd, int epollFd, const QString &url, qsizetype maxMessageBytes);
    void accept();
    void watch(int fd, std::uint64_t id, std::uint32_t events, int operation);
    // Registers for EPOLLOUT while output waits, and stops when it is written.
    void watchOutput(std::uint64_t id, Connection &connection);
    // Reads what is waiting; false when the peer closed or the connection failed.
    bool readFrom(std::uint64_t id, Connection &connection, const std::function<void(StreamIncoming &)> &deliver);
    // false when the connection failed or holds too much unread output.
    bool writeTo(Connection &connection);
    void close(std::uint64_t id);
    void resumeAccepting();
    // Logs that new clients must wait for descriptors, at most once a minute.
    void warnOfDescriptors(const char *why);

    int m_listenFd;
    int m_epollFd;
    QString m_url;
    qsizetype m_maxMessageBytes;
    std::map<std::uint64_t, std::unique_ptr<Connection>> m_connections;
    std::uint64_t m_nextId = 1;           // never reused: a late reply cannot reach a newer client
    bool m_accepting = true;              // false while at the connection or descriptor limit
    QElapsedTimer m_acceptRetry;          // valid while paused with no client that could leave
    QElapsedTimer m_descriptorWarning;    // when the descriptor limit was last reported (once a minute)
    std::vector<std::uint64_t> m_pending; // connections with output queued, or to be closed
};

} // namespace foresight::transport
