// Both paths run the same client and server code on blocking sockets with TCP_NODELAY; only where
// the client connects differs. The server thread accepts one connection per measurement, so the
// forwarded path's connection is a fresh one of the network's each time, as the cluster's are.
// CPU time: the whole process (CLOCK_PROCESS_CPUTIME_ID: client, server and, when forwarding,
// the network's thread, kernel time included) beside the same for the direct path, and the
// network's thread alone (/proc/self/task/<tid>/schedstat, in nanoseconds).

#include "simnetbench.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <QByteArray>
#include <QList>
#include <QUrl>

#include "foresight/core/result.h"
#include "foresight/sim/simulatednetwork.h"
#include "writeload.h"

namespace foresight::bench {

namespace {

using Clock = std::chrono::steady_clock;

const QString kBench = QStringLiteral("simnet");
const QString kBaseline = QStringLiteral("direct loopback TCP (no network)");
constexpr const char *kClientAddress = "127.0.0.11"; // the client's simulated host
constexpr const char *kFrontAddress = "127.0.0.12";  // the server's simulated host, where the front listens
constexpr std::size_t kMessageBytes = 64;
constexpr std::size_t kBulkChunkBytes = 256 * 1024;
constexpr int kBulkRepeats = 3;
constexpr int kIoTimeoutMs = 10'000;
constexpr double kMiB = 1024.0 * 1024.0;

Error systemError(const QString &what)
{
    return Error{ErrorCode::Network, QStringLiteral("%1: %2").arg(what, QString::fromLocal8Bit(std::strerror(errno)))};
}

// An owned file descriptor.
class Socket
{
public:
    Socket() = default;
    explicit Socket(int fd)
        : m_fd(fd)
    {}
    Socket(Socket &&other) noexcept
        : m_fd(std::exchange(other.m_fd, -1))
    {}
    Socket &operator=(Socket &&other) noexcept
    {
        std::swap(m_fd, other.m_fd);
        return *this;
    }
    Socket(const Socket &) = delete;
    Socket &operator=(const Socket &) = delete;
    ~Socket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int fd() const { return m_fd; }

private:
    int m_fd = -1;
};

void setTimeouts(int fd)
{
    const timeval timeout{kIoTimeoutMs / 1000, (kIoTimeoutMs % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

void setNoDelay(int fd)
{
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

sockaddr_in ipv4(const char *ip, int port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(std::uint16_t(port));
    ::inet_pton(AF_INET, ip, &address.sin_addr);
    return address;
}

// A listener on 127.0.0.1, port of the kernel's choosing; accept() times out after kIoTimeoutMs.
Result<std::pair<Socket, int>> listenOnLoopback()
{
    Socket listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address = ipv4("127.0.0.1", 0);
    socklen_t length = sizeof address;
    if (listener.fd() < 0 || ::bind(listener.fd(), reinterpret_cast<const sockaddr *>(&address), length) != 0
        || ::listen(listener.fd(), 16) != 0
        || ::getsockname(listener.fd(), reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return std::unexpected(systemError(QStringLiteral("cannot listen on 127.0.0.1")));
    setTimeouts(listener.fd());
    return std::pair{std::move(listener), int(ntohs(address.sin_port))};
}

// A connection from `source` (port of the kernel's choosing) to `target`.
Result<Socket> connectFrom(const char *source, const sockaddr_in &target)
{
    Socket socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const sockaddr_in from = ipv4(source, 0);
    if (socket.fd() < 0 || ::bind(socket.fd(), reinterpret_cast<const sockaddr *>(&from), sizeof from) != 0)
        return std::unexpected(
            systemError(QStringLiteral("cannot bind a client socket to %1").arg(QLatin1String(source))));
    if (::connect(socket.fd(), reinterpret_cast<const sockaddr *>(&target), sizeof target) != 0)
        return std::unexpected(systemError(QStringLiteral("cannot connect from %1").arg(QLatin1String(source))));
    setNoDelay(socket.fd());
    setTimeouts(socket.fd());
    return socket;
}

Status sendAll(int fd, const char *data, std::size_t size)
{
    while (size > 0) {
        const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            return std::unexpected(systemError(QStringLiteral("send")));
        }
        data += sent;
        size -= std::size_t(sent);
    }
    return {};
}

// Reads exactly `size` bytes. False when the peer closed before the first byte.
Result<bool> receiveAll(int fd, char *data, std::size_t size)
{
    std::size_t got = 0;
    while (got < size) {
        const ssize_t n = ::recv(fd, data + got, size - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return std::unexpected(systemError(QStringLiteral("recv")));
        }
        if (n == 0) {
            if (got == 0)
                return false;
            return fail(ErrorCode::ProtocolError, QStringLiteral("the peer closed in the middle of a message"));
        }
        got += std::size_t(n);
    }
    return true;
}

// Accepts one connection on `listener` and runs `serve` on it, on a thread of its own.
class Server
{
public:
    Server(int listener, std::function<Status(int)> serve)
        : m_thread([this, listener, serve = std::move(serve)] {
            Socket connection(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
            if (connection.fd() < 0) {
                m_status = std::unexpected(systemError(QStringLiteral("accept")));
                return;
            }
            setNoDelay(connection.fd());
            setTimeouts(connection.fd());
            m_status = serve(connection.fd());
        })
    {}
    Server(const Server &) = delete;
    Server &operator=(const Server &) = delete;
    ~Server()
    {
        if (m_thread.joinable())
            m_thread.join();
    }
    Status join()
    {
        m_thread.join();
        return m_status;
    }

private:
    Status m_status;
    std::thread m_thread;
};

qint64 processCpuNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

QByteArray readProcFile(const QByteArray &path)
{
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    char buffer[256];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    ::close(fd);
    return n > 0 ? QByteArray(buffer, int(n)) : QByteArray();
}

// The id of this process's thread called `name`, waiting up to a second for it to name itself.
std::optional<int> threadNamed(const QByteArray &name)
{
    const auto deadline = Clock::now() + std::chrono::seconds(1);
    do {
        if (DIR *tasks = ::opendir("/proc/self/task")) {
            std::optional<int> found;
            while (const dirent *entry = ::readdir(tasks)) {
                const QByteArray tid(entry->d_name);
                if (readProcFile("/proc/self/task/" + tid + "/comm").trimmed() == name)
                    found = tid.toInt();
            }
            ::closedir(tasks);
            if (found)
                return found;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (Clock::now() < deadline);
    return std::nullopt;
}

// The CPU time thread `tid` of this process has run, in nanoseconds (schedstat's first field).
std::optional<qint64> threadCpuNs(std::optional<int> tid)
{
    if (!tid)
        return std::nullopt;
    const QByteArray text = readProcFile("/proc/self/task/" + QByteArray::number(*tid) + "/schedstat");
    bool ok = false;
    const qint64 ns = text.split(' ').value(0).toLongLong(&ok);
    return ok ? std::optional<qint64>(ns) : std::nullopt;
}

std::optional<qint64> difference(std::optional<qint64> before, std::optional<qint64> after)
{
    return before && after ? std::optional<qint64>(*after - *before) : std::nullopt;
}

struct PingPongRun
{
    QList<qint64> roundTripsNs; // recorded ones only
    qint64 processCpuNs = 0;
    std::optional<qint64> forwarderCpuNs;
};

// kMessageBytes-byte messages echoed one at a time: warmupMs unrecorded, then durationMs, or
// exactly `rounds` round trips when rounds > 0.
Result<PingPongRun> pingPong(int listener,
                             const sockaddr_in &target,
                             const BenchOptions &options,
                             std::optional<int> forwarder)
{
    Server server(listener, [](int fd) -> Status {
        char message[kMessageBytes];
        for (;;) {
            const Result<bool> received = receiveAll(fd, message, sizeof message);
            if (!received)
                return std::unexpected(received.error());
            if (!*received)
                return {};
            if (Status sent = sendAll(fd, message, sizeof message); !sent)
                return sent;
        }
    });
    Result<Socket> client = connectFrom(kClientAddress, target);
    if (!client)
        return std::unexpected(client.error());
    const int fd = client->fd();
    char message[kMessageBytes];
    std::memset(message, 'p', sizeof message);
    auto roundTrip = [&]() -> Status {
        if (Status sent = sendAll(fd, message, sizeof message); !sent)
            return sent;
        const Result<bool> received = receiveAll(fd, message, sizeof message);
        if (!received)
            return std::unexpected(received.error());
        if (!*received)
            return fail(ErrorCode::ProtocolError, QStringLiteral("the echo server closed the connection"));
        return {};
    };

    const auto warmupEnd = Clock::now() + std::chrono::milliseconds(options.warmupMs);
    while (Clock::now() < warmupEnd) {
        if (Status done = roundTrip(); !done)
            return std::unexpected(done.error());
    }
    PingPongRun run;
    run.roundTripsNs.reserve(options.rounds > 0 ? options.rounds : 100'000);
    const std::optional<qint64> forwarderBefore = threadCpuNs(forwarder);
    const qint64 cpuBefore = processCpuNs();
    const auto began = Clock::now();
    const auto end = began + std::chrono::milliseconds(options.durationMs);
    for (auto now = began; options.rounds > 0 ? run.roundTripsNs.size() < options.rounds : now < end;) {
        if (Status done = roundTrip(); !done)
            return std::unexpected(done.error());
        const auto after = Clock::now();
        run.roundTripsNs.append(std::chrono::duration_cast<std::chrono::nanoseconds>(after - now).count());
        now = after;
    }
    run.processCpuNs = processCpuNs() - cpuBefore;
    run.forwarderCpuNs = difference(forwarderBefore, threadCpuNs(forwarder));
    ::shutdown(fd, SHUT_WR);
    if (Status served = server.join(); !served)
        return std::unexpected(served.error());
    return run;
}

struct BulkRun
{
    double seconds = 0; // first byte sent to the server's "all received"
    qint64 processCpuNs = 0;
    std::optional<qint64> forwarderCpuNs;
};

// `bytes` one way on a fresh connection; the server answers one byte once it has read them all.
Result<BulkRun> bulk(int listener, const sockaddr_in &target, qint64 bytes, std::optional<int> forwarder)
{
    qint64 received = 0;
    Server server(listener, [&received](int fd) -> Status {
        std::vector<char> buffer(kBulkChunkBytes);
        for (;;) {
            const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return std::unexpected(systemError(QStringLiteral("recv")));
            }
            if (n == 0)
                break;
            received += n;
        }
        const char done = 1;
        return sendAll(fd, &done, 1);
    });
    Result<Socket> client = connectFrom(kClientAddress, target);
    if (!client)
        return std::unexpected(client.error());
    const int fd = client->fd();
    const std::vector<char> chunk(kBulkChunkBytes, 'b');

    BulkRun run;
    const std::optional<qint64> forwarderBefore = threadCpuNs(forwarder);
    const qint64 cpuBefore = processCpuNs();
    const auto began = Clock::now();
    for (qint64 left = bytes; left > 0;) {
        const std::size_t size = std::size_t(std::min<qint64>(left, qint64(chunk.size())));
        if (Status sent = sendAll(fd, chunk.data(), size); !sent)
            return std::unexpected(sent.error());
        left -= qint64(size);
    }
    ::shutdown(fd, SHUT_WR);
    char done = 0;
    const Result<bool> answered = receiveAll(fd, &done, 1);
    run.seconds = std::chrono::duration<double>(Clock::now() - began).count();
    run.processCpuNs = processCpuNs() - cpuBefore;
    run.forwarderCpuNs = difference(forwarderBefore, threadCpuNs(forwarder));
    if (!answered)
        return std::unexpected(answered.error());
    if (Status served = server.join(); !served)
        return std::unexpected(served.error());
    if (!*answered || received != bytes)
        return fail(ErrorCode::ProtocolError, QStringLiteral("the server read %1 of %2 bytes").arg(received).arg(bytes));
    return run;
}

// What one path measured in the bulk case, over its recorded transfers.
struct BulkTotals
{
    QList<double> bytesPerSecond;
    qint64 processCpuNs = 0;
    std::optional<qint64> forwarderCpuNs = 0;
    qint64 bytes = 0;

    void add(const BulkRun &run, qint64 transferred)
    {
        bytesPerSecond.append(double(transferred) / run.seconds);
        processCpuNs += run.processCpuNs;
        forwarderCpuNs = forwarderCpuNs && run.forwarderCpuNs
                             ? std::optional<qint64>(*forwarderCpuNs + *run.forwarderCpuNs)
                             : std::nullopt;
        bytes += transferred;
    }
    std::optional<double> medianBytesPerSecond() const
    {
        if (bytesPerSecond.isEmpty())
            return std::nullopt;
        QList<double> sorted = bytesPerSecond;
        std::sort(sorted.begin(), sorted.end());
        return sorted[sorted.size() / 2];
    }
    std::optional<double> cpuUsPerMiB(std::optional<qint64> ns) const
    {
        return ns && bytes > 0 ? std::optional<double>(double(*ns) / 1e3 / (double(bytes) / kMiB)) : std::nullopt;
    }
};

std::optional<double> percentileUs(const QList<qint64> &valuesNs, double percent)
{
    const std::optional<double> ns = percentileNs(valuesNs, percent);
    return ns ? std::optional<double>(*ns / 1e3) : std::nullopt;
}

std::optional<double> perRoundUs(std::optional<qint64> ns, const QList<qint64> &rounds)
{
    return ns && !rounds.isEmpty() ? std::optional<double>(double(*ns) / 1e3 / double(rounds.size())) : std::nullopt;
}

// The network's figures for one ping-pong case, beside the direct path's when given.
void printPingPong(const QString &caseName, const PingPongRun &forwarded, const std::optional<PingPongRun> &direct)
{
    const QString baseline = direct ? kBaseline : QString();
    const QList<qint64> none;
    const QList<qint64> &directRounds = direct ? direct->roundTripsNs : none;
    for (const auto &[figure, percent] :
         {std::pair{QStringLiteral("round_trip_p50_us"), 50}, std::pair{QStringLiteral("round_trip_p99_us"), 99}}) {
        printFigure({kBench,
                     caseName,
                     figure,
                     QStringLiteral("us"),
                     Better::Lower,
                     1,
                     percentileUs(forwarded.roundTripsNs, percent),
                     baseline,
                     direct ? percentileUs(directRounds, percent) : std::nullopt,
                     {}});
    }
    printFigure({kBench,
                 caseName,
                 QStringLiteral("process_cpu_us_per_round_trip"),
                 QStringLiteral("us"),
                 Better::Lower,
                 1,
                 perRoundUs(forwarded.processCpuNs, forwarded.roundTripsNs),
                 baseline,
                 direct ? perRoundUs(direct->processCpuNs, directRounds) : std::nullopt,
                 {}});
    if (forwarded.forwarderCpuNs) {
        printFigure({kBench,
                     caseName,
                     QStringLiteral("forwarder_cpu_us_per_round_trip"),
                     QStringLiteral("us"),
                     Better::Lower,
                     1,
                     perRoundUs(forwarded.forwarderCpuNs, forwarded.roundTripsNs),
                     {},
                     {},
                     {}});
    }
}

void printBulk(const QString &caseName, const BulkTotals &forwarded, const std::optional<BulkTotals> &direct)
{
    const QString baseline = direct ? kBaseline : QString();
    printFigure({kBench,
                 caseName,
                 QStringLiteral("throughput_bytes_per_s"),
                 QStringLiteral("B/s"),
                 Better::Higher,
                 0,
                 forwarded.medianBytesPerSecond(),
                 baseline,
                 direct ? direct->medianBytesPerSecond() : std::nullopt,
                 {}});
    printFigure({kBench,
                 caseName,
                 QStringLiteral("process_cpu_us_per_mib"),
                 QStringLiteral("us/MiB"),
                 Better::Lower,
                 1,
                 forwarded.cpuUsPerMiB(forwarded.processCpuNs),
                 baseline,
                 direct ? direct->cpuUsPerMiB(direct->processCpuNs) : std::nullopt,
                 {}});
    if (forwarded.forwarderCpuNs) {
        printFigure({kBench,
                     caseName,
                     QStringLiteral("forwarder_cpu_us_per_mib"),
                     QStringLiteral("us/MiB"),
                     Better::Lower,
                     1,
                     forwarded.cpuUsPerMiB(forwarded.forwarderCpuNs),
                     {},
                     {},
                     {}});
    }
}

} // namespace

int runSimnetBench(const BenchOptions &options)
{
    const qint64 bulkBytes = qint64(options.quick ? 16 : 64) * 1024 * 1024;
    const QString mib = QString::number(bulkBytes / (1024 * 1024));
    const QString pingCase = QStringLiteral("64-byte ping-pong, link latency 0");
    const QString pingModelCase = QStringLiteral("64-byte ping-pong, link latency 0.3 ms (the default link)");
    const QString bulkCase = QStringLiteral("%1 MiB one way, link latency 0").arg(mib);
    const QString bulkModelCase = QStringLiteral("%1 MiB one way, link latency 0.3 ms (the default link)").arg(mib);
    const QString setupCase = QStringLiteral("set-up");

    auto listening = listenOnLoopback();
    if (!listening) {
        printNote(kBench, setupCase, listening.error().toString());
        return 1;
    }
    const int listener = listening->first.fd();
    const sockaddr_in directTarget = ipv4("127.0.0.1", listening->second);

    const sim::LinkModel modelled; // the default link: 0.3 ms one way
    sim::LinkModel instant;
    instant.latencyMs = 0;
    auto network = sim::SimulatedNetwork::create(modelled);
    if (!network) {
        printNote(kBench, setupCase, network.error().toString());
        return 1;
    }
    sim::SimulatedNetwork &net = **network;
    Result<QString> front;
    if (Status added = net.addHost(QStringLiteral("client"), QLatin1String(kClientAddress)); !added)
        front = std::unexpected(added.error());
    else if (Status serverAdded = net.addHost(QStringLiteral("server"), QLatin1String(kFrontAddress)); !serverAdded)
        front = std::unexpected(serverAdded.error());
    else
        front = net.addFront(QStringLiteral("server"), QStringLiteral("tcp://127.0.0.1:%1").arg(listening->second));
    if (!front) {
        printNote(kBench, setupCase, front.error().toString());
        return 1;
    }
    const QUrl frontUrl(*front);
    const sockaddr_in forwardedTarget = ipv4(kFrontAddress, frontUrl.port());
    const std::optional<int> forwarder = threadNamed("fs-simnet");
    if (!forwarder)
        printNote(kBench,
                  setupCase,
                  QStringLiteral("the network's thread (fs-simnet) was not found in /proc/self/task: "
                                 "no forwarder CPU figures"));
    auto setLink = [&](const sim::LinkModel &link) {
        const Status set = net.setLink(QStringLiteral("client"), QStringLiteral("server"), link);
        // The network applies it within a few milliseconds, also to connections already open.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return set;
    };
    if (Status set = setLink(instant); !set) {
        printNote(kBench, setupCase, set.error().toString());
        return 1;
    }
    int status = 0;

    // Ping-pong: the direct path, then the network with latency 0, then with the default link.
    logProgress(QStringLiteral("simnet: 64-byte ping-pong, direct loopback TCP"));
    std::optional<PingPongRun> directPing;
    if (auto run = pingPong(listener, directTarget, options, std::nullopt); run)
        directPing = std::move(*run);
    else
        printNote(kBench, pingCase, kBaseline + QStringLiteral(" could not run: ") + run.error().toString());
    logProgress(QStringLiteral("simnet: 64-byte ping-pong through a front, link latency 0"));
    const qint64 connectionsBefore = net.stats().connections;
    if (auto run = pingPong(listener, forwardedTarget, options, forwarder); run) {
        printPingPong(pingCase, *run, directPing);
        if (net.stats().connections == connectionsBefore) {
            printNote(kBench, pingCase, QStringLiteral("the network accepted no connection: nothing was forwarded"));
            status = 1;
        }
    } else {
        printNote(kBench, pingCase, run.error().toString());
        status = 1;
    }
    logProgress(QStringLiteral("simnet: 64-byte ping-pong through a front, link latency 0.3 ms"));
    if (Status set = setLink(modelled); !set) {
        printNote(kBench, pingModelCase, set.error().toString());
        status = 1;
    } else if (auto run = pingPong(listener, forwardedTarget, options, forwarder); run) {
        printPingPong(pingModelCase, *run, std::nullopt);
        const std::optional<double> p50 = percentileUs(run->roundTripsNs, 50);
        const std::optional<double> directP50 = directPing ? percentileUs(directPing->roundTripsNs, 50) : std::nullopt;
        if (p50 && directP50) {
            const double modelledUs = 2 * modelled.latencyMs * 1000;
            printNote(kBench,
                      pingModelCase,
                      QStringLiteral("the link models %1 us per round trip; p50 is the direct path's p50 (%2 us) "
                                     "+ %1 us + %3 us")
                          .arg(modelledUs, 0, 'f', 0)
                          .arg(*directP50, 0, 'f', 1)
                          .arg(*p50 - *directP50 - modelledUs, 0, 'f', 1));
        }
    } else {
        printNote(kBench, pingModelCase, run.error().toString());
        status = 1;
    }

    // Bulk: one unrecorded transfer of a quarter of the size per path, then the recorded ones,
    // the direct path and the latency-0 link alternately so that a change of load hits both.
    struct BulkPath
    {
        const sockaddr_in *target;
        std::optional<int> forwarder;
        std::optional<BulkTotals> totals = BulkTotals{};
        QString error;
    };
    auto transfer = [&](BulkPath &path, qint64 bytes, bool record) {
        if (!path.totals)
            return;
        if (auto run = bulk(listener, *path.target, bytes, path.forwarder); !run) {
            path.totals.reset();
            path.error = run.error().toString();
        } else if (record) {
            path.totals->add(*run, bytes);
        }
    };
    logProgress(QStringLiteral("simnet: %1 MiB one way, direct and through a front with link latency 0").arg(mib));
    BulkPath direct{&directTarget, std::nullopt, BulkTotals{}, {}};
    BulkPath forwarded{&forwardedTarget, forwarder, BulkTotals{}, {}};
    if (Status set = setLink(instant); !set) {
        forwarded.totals.reset();
        forwarded.error = set.error().toString();
    }
    transfer(direct, bulkBytes / 4, false);
    transfer(forwarded, bulkBytes / 4, false);
    for (int i = 0; i < kBulkRepeats; ++i) {
        transfer(direct, bulkBytes, true);
        transfer(forwarded, bulkBytes, true);
    }
    if (!direct.totals)
        printNote(kBench, bulkCase, kBaseline + QStringLiteral(" could not run: ") + direct.error);
    if (forwarded.totals) {
        printBulk(bulkCase, *forwarded.totals, direct.totals);
    } else {
        printNote(kBench, bulkCase, forwarded.error);
        status = 1;
    }

    logProgress(QStringLiteral("simnet: %1 MiB one way through a front, link latency 0.3 ms").arg(mib));
    BulkPath slow{&forwardedTarget, forwarder, BulkTotals{}, {}};
    if (Status set = setLink(modelled); !set) {
        slow.totals.reset();
        slow.error = set.error().toString();
    }
    transfer(slow, bulkBytes / 4, false);
    for (int i = 0; i < kBulkRepeats; ++i)
        transfer(slow, bulkBytes, true);
    if (slow.totals) {
        printBulk(bulkModelCase, *slow.totals, std::nullopt);
    } else {
        printNote(kBench, bulkModelCase, slow.error);
        status = 1;
    }
    return status;
}

} // namespace foresight::bench
