// The simulated network of the demo/training cluster with plain sockets: bytes pass intact and in
// order, latency shows in the round trip, a partition holds both directions until healed, loss
// shows as retransmission delay, a bandwidth limit slows a bulk transfer, a connection from an
// address no host has takes the default link, and bad settings are refused.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include <QTest>
#include <QUrl>

#include "foresight/sim/simulatednetwork.h"

using namespace foresight;
using namespace foresight::sim;
using namespace Qt::StringLiterals;

namespace {

using SteadyClock = std::chrono::steady_clock;

sockaddr_in addressOf(const QString &ip, int port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(std::uint16_t(port));
    ::inet_pton(AF_INET, ip.toLatin1().constData(), &address.sin_addr);
    return address;
}

void nonBlocking(int fd)
{
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A TCP server on 127.0.0.1 standing in for an agent.
class Server
{
public:
    Server()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address = addressOf(u"127.0.0.1"_s, 0);
        socklen_t length = sizeof address;
        ::bind(m_fd, reinterpret_cast<sockaddr *>(&address), length);
        ::listen(m_fd, 16);
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length);
        m_port = ntohs(address.sin_port);
    }
    ~Server() { ::close(m_fd); }
    QString url() const { return u"tcp://127.0.0.1:%1"_s.arg(m_port); }
    // The next connection the network forwards here; -1 after timeoutMs.
    int accept(int timeoutMs = 5000) const
    {
        pollfd item{m_fd, POLLIN, 0};
        if (::poll(&item, 1, timeoutMs) != 1)
            return -1;
        const int fd = ::accept(m_fd, nullptr, nullptr);
        nonBlocking(fd);
        return fd;
    }

private:
    int m_fd = -1;
    int m_port = 0;
};

// A connection to url from the local address `source`.
int connectFrom(const QString &source, const QString &url)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in local = addressOf(source, 0);
    const QUrl parsed(url);
    sockaddr_in remote = addressOf(parsed.host(), parsed.port());
    if (::bind(fd, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0
        || ::connect(fd, reinterpret_cast<sockaddr *>(&remote), sizeof remote) != 0) {
        ::close(fd);
        return -1;
    }
    nonBlocking(fd);
    return fd;
}

// Sends `bytes` on `from` and reads them on `to` (both non-blocking, one thread); what arrived.
QByteArray transfer(int from, int to, const QByteArray &bytes, int timeoutMs = 20000)
{
    QByteArray received;
    qsizetype sent = 0;
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeoutMs);
    while (received.size() < bytes.size() && SteadyClock::now() < deadline) {
        pollfd items[2] = {{from, short(sent < bytes.size() ? POLLOUT : 0), 0}, {to, POLLIN, 0}};
        ::poll(items, 2, 20);
        if (items[0].revents & POLLOUT) {
            const ssize_t n = ::send(from, bytes.constData() + sent, std::size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n > 0)
                sent += n;
        }
        if (items[1].revents & POLLIN) {
            char buffer[65536];
            const ssize_t n = ::recv(to, buffer, sizeof buffer, 0);
            if (n <= 0)
                break;
            received.append(buffer, n);
        }
    }
    return received;
}

// Everything readable on fd within waitMs.
QByteArray readFor(int fd, int waitMs)
{
    QByteArray received;
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(waitMs);
    while (SteadyClock::now() < deadline) {
        pollfd item{fd, POLLIN, 0};
        ::poll(&item, 1, 10);
        char buffer[4096];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0)
            received.append(buffer, n);
    }
    return received;
}

// The median of `rounds` one-byte round trips from client to server and back, in ms.
double roundTripMs(int client, int server, int rounds = 7)
{
    std::vector<double> times;
    for (int i = 0; i < rounds; ++i) {
        const auto start = SteadyClock::now();
        if (transfer(client, server, "p", 5000).size() != 1 || transfer(server, client, "q", 5000).size() != 1)
            return -1;
        times.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 7 + i / 251) & 0xff);
    return bytes;
}

} // namespace

class TestSimulatedNetwork : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimulatedNetwork> m_network;
    QString m_front; // host b's front, forwarding to m_server
    std::unique_ptr<Server> m_server;
    int m_client = -1; // from host a
    int m_accepted = -1;

    static constexpr auto kA = "127.0.0.21";

    void connectAtoB()
    {
        m_client = connectFrom(QString::fromLatin1(kA), m_front);
        QVERIFY(m_client >= 0);
        m_accepted = m_server->accept();
        QVERIFY(m_accepted >= 0);
    }

private Q_SLOTS:
    void init()
    {
        auto network = SimulatedNetwork::create();
        QVERIFY2(network, network ? "" : qPrintable(network.error().message));
        m_network = std::move(*network);
        QVERIFY(m_network->addHost(u"a"_s, QString::fromLatin1(kA)));
        QVERIFY(m_network->addHost(u"b"_s, u"127.0.0.22"_s));
        m_server = std::make_unique<Server>();
        auto front = m_network->addFront(u"b"_s, m_server->url());
        QVERIFY2(front, front ? "" : qPrintable(front.error().message));
        QVERIFY(front->startsWith(u"tcp://127.0.0.22:"_s));
        m_front = *front;
    }

    void cleanup()
    {
        m_network.reset(); // closes its side of every connection first
        for (int *fd : {&m_client, &m_accepted}) {
            if (*fd >= 0)
                ::close(*fd);
            *fd = -1;
        }
        m_server.reset();
    }

    void bytesArriveIntactAndInOrder()
    {
        connectAtoB();
        const QByteArray up = pattern(3 * 1024 * 1024 + 17);
        QCOMPARE(transfer(m_client, m_accepted, up), up);
        const QByteArray down = pattern(1024 * 1024 + 5).toBase64();
        QCOMPARE(transfer(m_accepted, m_client, down), down);
        QTRY_COMPARE(m_network->stats().bytesForwarded, qint64(up.size() + down.size()));
        QCOMPARE(m_network->stats().connections, qint64(1));
    }

    void roundTripReflectsLatency()
    {
        connectAtoB();
        const double fast = roundTripMs(m_client, m_accepted);
        QVERIFY2(fast >= 0, "round trip failed");
        LinkModel slow;
        slow.latencyMs = 25;
        QVERIFY(m_network->setLink(u"b"_s, u"a"_s, slow));
        QCOMPARE(m_network->link(u"a"_s, u"b"_s), slow);
        const double measured = roundTripMs(m_client, m_accepted);
        // Two one-way latencies at least; the upper bound is generous for a busy machine.
        QVERIFY2(measured >= 48 && measured < 1000, qPrintable(u"round trip %1 ms"_s.arg(measured)));
        QVERIFY2(measured > fast + 40, qPrintable(u"round trip %1 ms vs %2 ms unshaped"_s.arg(measured).arg(fast)));
    }

    void partitionHoldsBothWaysAndHealDeliversEverything()
    {
        connectAtoB();
        QVERIFY(m_network->setPartitioned(u"a"_s, u"b"_s, true));
        QCOMPARE(m_network->partitions().size(), 1);
        QVERIFY(::send(m_client, "up-1", 4, MSG_NOSIGNAL) == 4);
        QVERIFY(::send(m_accepted, "down-1", 6, MSG_NOSIGNAL) == 6);
        QTRY_COMPARE(m_network->stats().bytesHeld, qint64(10)); // both directions are in the network
        QVERIFY(readFor(m_accepted, 300).isEmpty());
        QVERIFY(readFor(m_client, 50).isEmpty());
        QVERIFY(::send(m_client, "up-2", 4, MSG_NOSIGNAL) == 4);
        QTRY_COMPARE(m_network->stats().bytesHeld, qint64(14));
        QCOMPARE(m_network->stats().openConnections, qint64(1)); // kept open, like a dead link

        m_network->healAll();
        QVERIFY(m_network->partitions().isEmpty());
        QByteArray up;
        QTRY_VERIFY((up += readFor(m_accepted, 20)).size() >= 8);
        QCOMPARE(up, QByteArray("up-1up-2"));
        QByteArray down;
        QTRY_VERIFY((down += readFor(m_client, 20)).size() >= 6);
        QCOMPARE(down, QByteArray("down-1"));
        // The same connection carries on.
        QCOMPARE(transfer(m_client, m_accepted, "after"), QByteArray("after"));
    }

    void theConsolesHostIsLoopbackOne()
    {
        QCOMPARE(m_network->hosts().first(), SimulatedNetwork::consoleHost());
        const int console = connectFrom(u"127.0.0.1"_s, m_front);
        QVERIFY(console >= 0);
        const int accepted = m_server->accept();
        QVERIFY(accepted >= 0);
        // Cutting a from b leaves the console's link alone; cutting the console's holds it.
        QVERIFY(m_network->setPartitioned(u"a"_s, u"b"_s, true));
        QCOMPARE(transfer(console, accepted, "hello"), QByteArray("hello"));
        QVERIFY(m_network->setPartitioned(SimulatedNetwork::consoleHost(), u"b"_s, true));
        QVERIFY(::send(console, "held", 4, MSG_NOSIGNAL) == 4);
        QVERIFY(readFor(accepted, 200).isEmpty());
        QVERIFY(m_network->setPartitioned(u"b"_s, SimulatedNetwork::consoleHost(), false));
        QByteArray got;
        QTRY_VERIFY((got += readFor(accepted, 20)).size() >= 4);
        QCOMPARE(got, QByteArray("held"));
        ::close(console);
        ::close(accepted);
    }

    void anUnknownSourceTakesTheDefaultLink()
    {
        LinkModel slow;
        slow.latencyMs = 30;
        m_network->setDefaultLink(slow);
        LinkModel fast;
        fast.latencyMs = 0.2;
        QVERIFY(m_network->setLink(u"a"_s, u"b"_s, fast));
        const int stranger = connectFrom(u"127.0.0.99"_s, m_front);
        QVERIFY(stranger >= 0);
        const int accepted = m_server->accept();
        QVERIFY(accepted >= 0);
        const QByteArray bytes = pattern(200'000);
        QCOMPARE(transfer(stranger, accepted, bytes), bytes);
        const double measured = roundTripMs(stranger, accepted);
        QVERIFY2(measured >= 58 && measured < 1000, qPrintable(u"round trip %1 ms"_s.arg(measured)));
        ::close(stranger);
        ::close(accepted);
    }

    void lossShowsAsRetransmissionDelay()
    {
        connectAtoB();
        LinkModel lossy;
        lossy.loss = 1.0; // every chunk waits one retransmission timeout
        QVERIFY(m_network->setLink(u"a"_s, u"b"_s, lossy));
        const double measured = roundTripMs(m_client, m_accepted, 3);
        QVERIFY2(measured >= 2 * SimulatedNetwork::kRetransmitTimeoutMs - 5 && measured < 3000,
                 qPrintable(u"round trip %1 ms"_s.arg(measured)));
        const QByteArray bytes = pattern(300'000);
        QCOMPARE(transfer(m_client, m_accepted, bytes), bytes); // delayed, never lost
    }

    void aBandwidthLimitSlowsABulkTransfer()
    {
        connectAtoB();
        const QByteArray bytes = pattern(512 * 1024);
        auto start = SteadyClock::now();
        QCOMPARE(transfer(m_client, m_accepted, bytes), bytes);
        const double unlimitedMs = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();

        LinkModel narrow;
        narrow.bandwidthBytesPerSec = 1024 * 1024; // the transfer should take about 500 ms
        QVERIFY(m_network->setLink(u"a"_s, u"b"_s, narrow));
        start = SteadyClock::now();
        QCOMPARE(transfer(m_client, m_accepted, bytes), bytes);
        const double limitedMs = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
        QVERIFY2(limitedMs >= 350 && limitedMs > 3 * unlimitedMs,
                 qPrintable(u"%1 ms limited, %2 ms unlimited"_s.arg(limitedMs).arg(unlimitedMs)));
    }

    void badSettingsAreRefused()
    {
        QCOMPARE(m_network->addHost(u"c"_s, u"127.0.0.1"_s).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(m_network->addHost(u"c"_s, u"10.0.0.1"_s).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(m_network->addHost(u"c"_s, u"nonsense"_s).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(m_network->addHost(u"a"_s, u"127.0.0.30"_s).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(m_network->addHost(u"c"_s, QString::fromLatin1(kA)).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(m_network->setLink(u"a"_s, u"nobody"_s, {}).error().code, ErrorCode::NotFound);
        QCOMPARE(m_network->setLink(u"a"_s, u"a"_s, {}).error().code, ErrorCode::InvalidArgument);
        LinkModel bad;
        bad.loss = 2;
        QCOMPARE(m_network->setLink(u"a"_s, u"b"_s, bad).error().code, ErrorCode::InvalidArgument);
        bad = {};
        bad.latencyMs = -1;
        QVERIFY(!bad.validate());
        QCOMPARE(m_network->addFront(u"nobody"_s, m_server->url()).error().code, ErrorCode::NotFound);
        QCOMPARE(m_network->addFront(u"a"_s, u"ipc:///tmp/x"_s).error().code, ErrorCode::InvalidArgument);
    }

    void aClosedConnectionIsClosedOnTheOtherSide()
    {
        connectAtoB();
        QCOMPARE(transfer(m_client, m_accepted, "last words"), QByteArray("last words"));
        ::close(m_client);
        m_client = -1;
        // The FIN travels through: the server reads the end of the stream.
        char byte = 0;
        QTRY_VERIFY_WITH_TIMEOUT(::recv(m_accepted, &byte, 1, MSG_DONTWAIT) == 0, 5000);
        ::close(m_accepted);
        m_accepted = -1;
        QTRY_COMPARE(m_network->stats().openConnections, qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestSimulatedNetwork)
#include "tst_simulatednetwork.moc"
