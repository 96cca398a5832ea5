#pragma once

// A TCP forwarder in front of one agent, for partition and topology tests: while cut, it stops
// forwarding in both directions but keeps the connections open, the way a dead link or a
// dropped route looks (no RST, no FIN: the peers only notice silence). With a delay, every byte
// waits that long in each direction, the way a distant host looks. CURVE passes through it
// untouched, since it only moves bytes.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <thread>
#include <vector>

#include <QString>

namespace foresight::testing {

class TcpProxy
{
public:
    // Forwards a loopback port of its own to targetPort on 127.0.0.1.
    explicit TcpProxy(int targetPort)
        : m_targetPort(targetPort)
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        if (::bind(m_listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
            || ::listen(m_listener, 16) != 0) {
            ::close(m_listener);
            m_listener = -1;
            return;
        }
        socklen_t length = sizeof address;
        ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { run(); });
    }

    ~TcpProxy()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        for (const Pair &pair : m_pairs) {
            ::close(pair.client);
            ::close(pair.server);
        }
        if (m_listener >= 0)
            ::close(m_listener);
    }

    bool isListening() const { return m_port > 0; }
    QString url() const { return QStringLiteral("tcp://127.0.0.1:%1").arg(m_port); }
    static int portOf(const QString &url) { return url.section(QLatin1Char(':'), -1).toInt(); }

    // While cut, bytes wait in the proxy's buffers (and then the kernel's) instead of moving.
    void setCut(bool cut) { m_cut = cut; }
    // One-way delay added to everything forwarded from now on.
    void setDelayMs(int ms) { m_delayMs = ms; }

private:
    using Clock = std::chrono::steady_clock;
    struct Chunk
    {
        Clock::time_point due;
        std::vector<char> bytes;
    };
    struct Pair
    {
        int client = -1;
        int server = -1;
        std::deque<Chunk> toServer;
        std::deque<Chunk> toClient;
    };

    void run()
    {
        while (!m_stop) {
            std::vector<pollfd> fds;
            fds.push_back({m_listener, POLLIN, 0});
            if (!m_cut) {
                for (const Pair &pair : m_pairs) {
                    fds.push_back({pair.client, POLLIN, 0});
                    fds.push_back({pair.server, POLLIN, 0});
                }
            }
            const int ready = ::poll(fds.data(), fds.size(), m_delayMs > 0 ? 1 : 20);
            if (ready > 0 && (fds[0].revents & POLLIN))
                accept();
            for (std::size_t i = 1; ready > 0 && i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                Pair &pair = m_pairs[(i - 1) / 2];
                const bool fromClient = (i - 1) % 2 == 0;
                if (!receive(fromClient ? pair.client : pair.server, fromClient ? pair.toServer : pair.toClient))
                    close(pair);
            }
            if (!m_cut) {
                for (Pair &pair : m_pairs) {
                    if (pair.client >= 0 && (!flush(pair.toServer, pair.server) || !flush(pair.toClient, pair.client)))
                        close(pair);
                }
            }
            std::erase_if(m_pairs, [](const Pair &pair) { return pair.client < 0; });
        }
    }

    void accept()
    {
        const int client = ::accept(m_listener, nullptr, nullptr);
        if (client < 0)
            return;
        const int server = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(std::uint16_t(m_targetPort));
        if (::connect(server, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            ::close(client);
            ::close(server);
            return;
        }
        m_pairs.push_back({client, server, {}, {}});
    }

    static void close(Pair &pair)
    {
        ::close(pair.client);
        ::close(pair.server);
        pair.client = pair.server = -1;
    }

    bool receive(int from, std::deque<Chunk> &queue)
    {
        char buffer[65536];
        const ssize_t n = ::read(from, buffer, sizeof buffer);
        if (n <= 0)
            return false;
        queue.push_back({Clock::now() + std::chrono::milliseconds(m_delayMs.load()), {buffer, buffer + n}});
        return true;
    }

    // Writes the chunks whose time has come, in order.
    static bool flush(std::deque<Chunk> &queue, int to)
    {
        const Clock::time_point now = Clock::now();
        while (!queue.empty() && queue.front().due <= now) {
            const std::vector<char> &bytes = queue.front().bytes;
            for (std::size_t sent = 0; sent < bytes.size();) {
                const ssize_t w = ::write(to, bytes.data() + sent, bytes.size() - sent);
                if (w <= 0)
                    return false;
                sent += std::size_t(w);
            }
            queue.pop_front();
        }
        return true;
    }

    int m_targetPort = 0;
    int m_listener = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_cut{false};
    std::atomic<int> m_delayMs{0};
    std::vector<Pair> m_pairs; // owned by the proxy thread (and the destructor after the join)
    std::thread m_thread;
};

} // namespace foresight::testing
