#pragma once

// A TCP forwarder between the console and one agent, for partition tests: while cut, it stops
// forwarding in both directions but keeps the connections open, the way a dead link or a
// dropped route looks (no RST, no FIN: the peers only notice silence). CURVE passes through it
// untouched, since it only moves bytes.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
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

private:
    struct Pair
    {
        int client = -1;
        int server = -1;
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
            if (::poll(fds.data(), fds.size(), 20) <= 0)
                continue;
            if (fds[0].revents & POLLIN)
                accept();
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                Pair &pair = m_pairs[(i - 1) / 2];
                const bool fromClient = (i - 1) % 2 == 0;
                if (!forward(fromClient ? pair.client : pair.server, fromClient ? pair.server : pair.client)) {
                    ::close(pair.client);
                    ::close(pair.server);
                    pair.client = pair.server = -1;
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
        m_pairs.push_back({client, server});
    }

    static bool forward(int from, int to)
    {
        char buffer[65536];
        const ssize_t n = ::read(from, buffer, sizeof buffer);
        if (n <= 0)
            return false;
        for (ssize_t sent = 0; sent < n;) {
            const ssize_t w = ::write(to, buffer + sent, std::size_t(n - sent));
            if (w <= 0)
                return false;
            sent += w;
        }
        return true;
    }

    int m_targetPort = 0;
    int m_listener = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_cut{false};
    std::vector<Pair> m_pairs; // owned by the proxy thread (and the destructor after the join)
    std::thread m_thread;
};

} // namespace foresight::testing
