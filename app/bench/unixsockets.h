#pragma once

#include <memory>

#include <sys/epoll.h>
#include <sys/un.h>

#include <QByteArray>
#include <QString>

#include "foresight/core/result.h"
#include "writeload.h"

class QTemporaryDir;

namespace foresight::bench {

// A file descriptor, closed when this goes away.
struct Descriptor
{
    explicit Descriptor(int value)
        : fd(value)
    {}
    ~Descriptor();
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;
    int fd;
};

// "<baseline>: <what>: <strerror(errno)>", for a failed system call.
Error systemError(const QString &baseline, const QString &what);

// The address of a socket named `name` in `dir`; an error if the path does not fit sun_path.
Result<sockaddr_un> unixSocketAddress(const QTemporaryDir &dir, const QString &name);

// The Unix baselines' writer: a blocking connection to `address`; each call writes `request`
// and reads `replyBytes` bytes back, with a 5 s timeout on both.
Result<WriteOnce> connectUnixWriter(const QString &baseline,
                                    const sockaddr_un &address,
                                    const QByteArray &request,
                                    qsizetype replyBytes);

// A listening Unix stream socket whose clients share one epoll set, polled on one thread.
class UnixListener final
{
public:
    Status listen(const QString &baseline, const sockaddr_un &address);
    // The epoll set's descriptor: readable when a client has input or a new one waits.
    int epollFd() const { return m_epoll->fd; }

    // Waits up to `timeoutMs` for input, accepts new clients, and calls onReadable(fd) for each
    // client with input (the callee reads, and closes the fd at end of stream).
    template<typename OnReadable>
    void poll(int timeoutMs, OnReadable onReadable)
    {
        epoll_event events[64];
        const int ready = ::epoll_wait(m_epoll->fd, events, 64, timeoutMs);
        for (int i = 0; i < ready; ++i) {
            if (events[i].data.fd == m_listen->fd)
                acceptAll();
            else
                onReadable(events[i].data.fd);
        }
    }

private:
    void acceptAll();

    std::unique_ptr<Descriptor> m_listen;
    std::unique_ptr<Descriptor> m_epoll;
};

} // namespace foresight::bench
