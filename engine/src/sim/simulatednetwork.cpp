#include "foresight/sim/simulatednetwork.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QUrl>

namespace foresight::sim {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadBytes = 64 * 1024;
// While more than this waits in one direction (a slow or cut link), the network stops reading
// from the sender, whose kernel buffers then fill: TCP's flow control.
constexpr std::size_t kHoldBytes = 1024 * 1024;
// With a bandwidth limit, reads are cut into segments of this size, each sent in its turn.
constexpr std::size_t kSegmentBytes = 16 * 1024;
constexpr std::chrono::microseconds kMaxWait{50'000};

using HostPair = QPair<QString, QString>;

HostPair ordered(const QString &a, const QString &b)
{
    return a < b ? HostPair{a, b} : HostPair{b, a};
}

Result<sockaddr_in> parseAddress(const QString &ip, int port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(std::uint16_t(port));
    if (::inet_pton(AF_INET, ip.toLatin1().constData(), &address.sin_addr) != 1)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not an IPv4 address").arg(ip));
    return address;
}

QString addressText(const sockaddr_in &address)
{
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
    return QString::fromLatin1(text);
}

void setNonBlocking(int fd)
{
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void setNoDelay(int fd)
{
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

struct Chunk
{
    Clock::time_point due;
    std::vector<char> bytes;
    std::size_t offset = 0;
};

// One direction of one connection: bytes read from `from` wait here until their link lets
// them go to `to`.
struct Direction
{
    int from = -1;
    int to = -1;
    QString fromHost;
    QString toHost;
    std::deque<Chunk> queue;
    std::size_t queued = 0;
    Clock::time_point lastDue;
    bool eof = false;      // `from` has closed its side
    bool shutDown = false; // ... and that reached `to`
    bool blocked = false;  // `to` would block: wait for POLLOUT
};

struct Connection
{
    int client = -1;
    int server = -1;
    Direction up;   // client -> server
    Direction down; // server -> client
    bool dead = false;
};

struct Front
{
    int listener = -1;
    QString host;
    sockaddr_in target{};
};

} // namespace

class SimulatedNetwork::Impl
{
public:
    // Guarded by m_mutex: everything the cluster's thread sets and reads.
    mutable std::mutex m_mutex;
    QList<QPair<QString, QString>> m_hosts; // name, address; consoleHost() first
    std::map<HostPair, LinkModel> m_links;  // by ordered pair
    LinkModel m_defaultLink;
    std::vector<Front> m_newFronts; // handed to the thread
    Stats m_stats;
    std::atomic<quint64> m_version{1}; // bumped on every link change

    // Owned by the network thread (and the destructor after the join).
    std::vector<Front> m_fronts;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::map<QPair<QString, QString>, Clock::time_point> m_txFree; // by (from, to): link busy until
    std::map<HostPair, LinkModel> m_linkCopy;
    LinkModel m_defaultCopy;
    quint64 m_copyVersion = 0;
    std::mt19937 m_random;

    int m_wake = -1; // eventfd
    std::atomic<bool> m_stop{false};
    std::thread m_thread;

    void wake() const
    {
        const std::uint64_t one = 1;
        (void) !::write(m_wake, &one, sizeof one);
    }

    QString hostOfAddress(const QString &address) const
    {
        std::lock_guard lock(m_mutex);
        for (const auto &[name, hostAddress] : m_hosts) {
            if (hostAddress == address)
                return name;
        }
        return {};
    }

    bool hasHost(const QString &name) const
    {
        return std::any_of(m_hosts.begin(), m_hosts.end(), [&](const auto &host) { return host.first == name; });
    }

    const LinkModel &linkOf(const QString &from, const QString &to) const
    {
        if (from.isEmpty() || to.isEmpty())
            return m_defaultCopy;
        const auto it = m_linkCopy.find(ordered(from, to));
        return it == m_linkCopy.end() ? m_defaultCopy : it->second;
    }

    void refreshLinks()
    {
        if (m_copyVersion == m_version.load())
            return;
        std::lock_guard lock(m_mutex);
        m_copyVersion = m_version.load();
        m_linkCopy = m_links;
        m_defaultCopy = m_defaultLink;
        for (Front &front : m_newFronts)
            m_fronts.push_back(front);
        m_newFronts.clear();
    }

    void run();
    void accept(const Front &front);
    bool receive(Direction &direction);
    bool flush(Direction &direction, Clock::time_point now);
    void updateStats();
    static void close(Connection &connection);
};

void SimulatedNetwork::Impl::run()
{
    ::pthread_setname_np(::pthread_self(), "fs-simnet");
    // The kernel may wake a timed ppoll() up to the thread's timer slack (50 us by default) late;
    // with a link's latency in the hundreds of microseconds that would be a visible error.
    ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    std::vector<pollfd> fds;
    while (!m_stop.load()) {
        refreshLinks();
        const Clock::time_point now = Clock::now();
        std::chrono::microseconds timeout = kMaxWait; // ppoll: sub-millisecond latencies stay exact
        fds.clear();
        fds.push_back({m_wake, POLLIN, 0});
        for (const Front &front : m_fronts)
            fds.push_back({front.listener, POLLIN, 0});
        for (const auto &connection : m_connections) {
            for (Direction *direction : {&connection->up, &connection->down}) {
                // Entries without events get fd -1 (ignored by poll), so that a socket shut down
                // both ways, which reports POLLHUP for ever, does not spin this loop.
                const bool reading = !direction->eof && direction->queued < kHoldBytes;
                fds.push_back({reading ? direction->from : -1, POLLIN, 0});
                const bool open = !linkOf(direction->fromHost, direction->toHost).partitioned;
                if (open && direction->blocked) {
                    fds.push_back({direction->to, POLLOUT, 0});
                } else {
                    fds.push_back({-1, 0, 0});
                    if (open && !direction->queue.empty()) {
                        const auto wait = std::chrono::ceil<std::chrono::microseconds>(direction->queue.front().due
                                                                                       - now);
                        timeout = std::clamp(wait, std::chrono::microseconds(0), timeout);
                    }
                }
            }
        }
        const timespec pollWait{time_t(timeout.count() / 1'000'000), long(timeout.count() % 1'000'000) * 1000};
        if (::ppoll(fds.data(), fds.size(), &pollWait, nullptr) < 0 && errno != EINTR)
            break;
        if (fds[0].revents & POLLIN) {
            std::uint64_t count = 0;
            (void) !::read(m_wake, &count, sizeof count);
        }
        std::size_t at = 1;
        const std::size_t frontCount = m_fronts.size();
        for (std::size_t i = 0; i < frontCount; ++i, ++at) {
            if (fds[at].revents & POLLIN)
                accept(m_fronts[i]);
        }
        const Clock::time_point after = Clock::now();
        const std::size_t connectionCount = (fds.size() - at) / 4;
        for (std::size_t i = 0; i < connectionCount; ++i) {
            Connection &connection = *m_connections[i];
            for (Direction *direction : {&connection.up, &connection.down}) {
                const pollfd &read = fds[at++];
                const pollfd &write = fds[at++];
                if (connection.dead)
                    continue;
                if ((read.revents & (POLLIN | POLLHUP | POLLERR)) && !receive(*direction))
                    connection.dead = true;
                if (write.revents & POLLOUT)
                    direction->blocked = false;
                if (write.revents & POLLERR)
                    connection.dead = true;
            }
        }
        for (const auto &connection : m_connections) {
            if (!connection->dead && (!flush(connection->up, after) || !flush(connection->down, after)))
                connection->dead = true;
            if (!connection->dead && connection->up.shutDown && connection->down.shutDown)
                connection->dead = true;
            if (connection->dead)
                close(*connection);
        }
        std::erase_if(m_connections, [](const auto &connection) { return connection->dead; });
        updateStats();
    }
}

void SimulatedNetwork::Impl::accept(const Front &front)
{
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    const int client = ::accept4(front.listener, reinterpret_cast<sockaddr *>(&peer), &length, SOCK_NONBLOCK);
    if (client < 0)
        return;
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    // Loopback connects complete (or are refused: the agent is down) at once.
    if (server < 0 || ::connect(server, reinterpret_cast<const sockaddr *>(&front.target), sizeof front.target) != 0) {
        ::close(client);
        if (server >= 0)
            ::close(server);
        return;
    }
    setNonBlocking(server);
    setNoDelay(client);
    setNoDelay(server);
    auto connection = std::make_unique<Connection>();
    connection->client = client;
    connection->server = server;
    const QString source = hostOfAddress(addressText(peer));
    connection->up = Direction{client, server, source, front.host, {}, 0, {}, false, false, false};
    connection->down = Direction{server, client, front.host, source, {}, 0, {}, false, false, false};
    m_connections.push_back(std::move(connection));
    std::lock_guard lock(m_mutex);
    ++m_stats.connections;
}

// Reads what `from` sent and queues it with the time its link delivers it. False on an error.
bool SimulatedNetwork::Impl::receive(Direction &direction)
{
    char buffer[kReadBytes];
    const ssize_t n = ::recv(direction.from, buffer, sizeof buffer, 0);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (n == 0) {
        direction.eof = true;
        return true;
    }
    const LinkModel &link = linkOf(direction.fromHost, direction.toHost);
    const Clock::time_point now = Clock::now();
    const auto latency = std::chrono::microseconds(qint64(link.latencyMs * 1000.0));
    const std::size_t segment = link.bandwidthBytesPerSec > 0 ? kSegmentBytes : std::size_t(n);
    for (std::size_t offset = 0; offset < std::size_t(n); offset += segment) {
        const std::size_t size = std::min(segment, std::size_t(n) - offset);
        Clock::time_point sent = now;
        if (link.bandwidthBytesPerSec > 0) {
            // The link sends one segment after the other, whichever connection they belong to.
            Clock::time_point &free = m_txFree[{direction.fromHost, direction.toHost}];
            const auto transmit = std::chrono::microseconds(qint64(size) * 1'000'000 / link.bandwidthBytesPerSec);
            sent = std::max(now, free) + transmit;
            free = sent;
        }
        Clock::time_point due = sent + latency;
        if (link.loss > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(m_random) < link.loss)
            due += std::chrono::milliseconds(SimulatedNetwork::kRetransmitTimeoutMs);
        due = std::max(due, direction.lastDue); // a stream keeps its order
        direction.lastDue = due;
        direction.queue.push_back(Chunk{due, std::vector<char>(buffer + offset, buffer + offset + size), 0});
        direction.queued += size;
    }
    return true;
}

// Writes what is due, in order, unless the link is cut. False on an error.
bool SimulatedNetwork::Impl::flush(Direction &direction, Clock::time_point now)
{
    if (linkOf(direction.fromHost, direction.toHost).partitioned || direction.blocked)
        return true;
    qint64 forwarded = 0;
    while (!direction.queue.empty() && direction.queue.front().due <= now) {
        Chunk &chunk = direction.queue.front();
        const ssize_t w
            = ::send(direction.to, chunk.bytes.data() + chunk.offset, chunk.bytes.size() - chunk.offset, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                direction.blocked = true;
                break;
            }
            if (errno == EINTR)
                continue;
            return false;
        }
        chunk.offset += std::size_t(w);
        direction.queued -= std::size_t(w);
        forwarded += w;
        if (chunk.offset == chunk.bytes.size())
            direction.queue.pop_front();
    }
    if (forwarded > 0) {
        std::lock_guard lock(m_mutex);
        m_stats.bytesForwarded += forwarded;
    }
    if (direction.eof && direction.queue.empty() && !direction.shutDown) {
        ::shutdown(direction.to, SHUT_WR);
        direction.shutDown = true;
    }
    return true;
}

void SimulatedNetwork::Impl::updateStats()
{
    qint64 held = 0;
    for (const auto &connection : m_connections)
        held += qint64(connection->up.queued + connection->down.queued);
    std::lock_guard lock(m_mutex);
    m_stats.openConnections = qint64(m_connections.size());
    m_stats.bytesHeld = held;
}

void SimulatedNetwork::Impl::close(Connection &connection)
{
    if (connection.client >= 0)
        ::close(connection.client);
    if (connection.server >= 0)
        ::close(connection.server);
    connection.client = connection.server = -1;
    connection.dead = true;
}

Status LinkModel::validate() const
{
    if (!(latencyMs >= 0 && latencyMs <= 60'000))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a link's latency must be 0 to 60000 ms"));
    if (bandwidthBytesPerSec < 0)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a link's bandwidth must be 0 (unlimited) or more bytes per second"));
    if (!(loss >= 0 && loss <= 1))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a link's loss must be from 0 to 1"));
    return {};
}

QString SimulatedNetwork::consoleHost()
{
    return QStringLiteral("console");
}

SimulatedNetwork::SimulatedNetwork(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{}

Result<std::unique_ptr<SimulatedNetwork>> SimulatedNetwork::create(const LinkModel &defaultLink, quint32 seed)
{
    if (auto ok = defaultLink.validate(); !ok)
        return std::unexpected(ok.error());
    auto impl = std::make_unique<Impl>();
    impl->m_wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (impl->m_wake < 0)
        return fail(ErrorCode::Network, QStringLiteral("simulated network: cannot create an eventfd"));
    impl->m_hosts.append({consoleHost(), QStringLiteral("127.0.0.1")});
    impl->m_defaultLink = defaultLink;
    impl->m_random.seed(seed);
    std::unique_ptr<SimulatedNetwork> network(new SimulatedNetwork(std::move(impl)));
    Impl *raw = network->d.get();
    raw->m_thread = std::thread([raw] { raw->run(); });
    return network;
}

SimulatedNetwork::~SimulatedNetwork()
{
    d->m_stop = true;
    d->wake();
    if (d->m_thread.joinable())
        d->m_thread.join();
    for (const auto &connection : d->m_connections)
        Impl::close(*connection);
    for (const Front &front : d->m_fronts)
        ::close(front.listener);
    for (const Front &front : d->m_newFronts)
        ::close(front.listener);
    ::close(d->m_wake);
}

Status SimulatedNetwork::addHost(const QString &name, const QString &address)
{
    auto parsed = parseAddress(address, 0);
    if (!parsed)
        return std::unexpected(parsed.error());
    const quint32 ip = ntohl(parsed->sin_addr.s_addr);
    if ((ip >> 24) != 127 || ip == INADDR_LOOPBACK)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("simulated host '%1': %2 is not a loopback address other than 127.0.0.1")
                        .arg(name, address));
    std::lock_guard lock(d->m_mutex);
    for (const auto &[hostName, hostAddress] : std::as_const(d->m_hosts)) {
        if (hostName == name || hostAddress == address)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("simulated host '%1' at %2: the name or address is taken").arg(name, address));
    }
    d->m_hosts.append({name, address});
    return {};
}

QStringList SimulatedNetwork::hosts() const
{
    std::lock_guard lock(d->m_mutex);
    QStringList names;
    for (const auto &host : d->m_hosts)
        names << host.first;
    return names;
}

QString SimulatedNetwork::address(const QString &host) const
{
    std::lock_guard lock(d->m_mutex);
    for (const auto &[name, hostAddress] : d->m_hosts) {
        if (name == host)
            return hostAddress;
    }
    return {};
}

Result<QString> SimulatedNetwork::addFront(const QString &host, const QString &targetUrl)
{
    const QString hostAddress = address(host);
    if (hostAddress.isEmpty())
        return fail(ErrorCode::NotFound, QStringLiteral("simulated network: no host '%1'").arg(host));
    const QUrl url(targetUrl);
    if (url.scheme() != QLatin1String("tcp") || url.port() <= 0)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("simulated network: '%1' is not tcp://IPv4:PORT").arg(targetUrl));
    auto target = parseAddress(url.host(), url.port());
    auto bindTo = parseAddress(hostAddress, 0);
    if (!target || !bindTo)
        return std::unexpected(!target ? target.error() : bindTo.error());

    Front front;
    front.host = host;
    front.target = *target;
    front.listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    socklen_t length = sizeof *bindTo;
    if (front.listener < 0 || ::bind(front.listener, reinterpret_cast<const sockaddr *>(&*bindTo), length) != 0
        || ::listen(front.listener, 64) != 0
        || ::getsockname(front.listener, reinterpret_cast<sockaddr *>(&*bindTo), &length) != 0) {
        const int error = errno;
        if (front.listener >= 0)
            ::close(front.listener);
        return fail(ErrorCode::Network,
                    QStringLiteral("simulated network: cannot listen on %1 for host '%2': %3")
                        .arg(hostAddress, host, QString::fromLocal8Bit(::strerror(error))));
    }
    const int port = ntohs(bindTo->sin_port);
    {
        std::lock_guard lock(d->m_mutex);
        d->m_newFronts.push_back(front);
        ++d->m_version;
    }
    d->wake();
    return QStringLiteral("tcp://%1:%2").arg(hostAddress).arg(port);
}

Status SimulatedNetwork::setLink(const QString &a, const QString &b, const LinkModel &link)
{
    if (auto ok = link.validate(); !ok)
        return ok;
    std::lock_guard lock(d->m_mutex);
    for (const QString &host : {a, b}) {
        if (!d->hasHost(host))
            return fail(ErrorCode::NotFound, QStringLiteral("simulated network: no host '%1'").arg(host));
    }
    if (a == b)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("simulated network: a link joins two hosts"));
    d->m_links[ordered(a, b)] = link;
    ++d->m_version;
    d->wake();
    return {};
}

LinkModel SimulatedNetwork::link(const QString &a, const QString &b) const
{
    std::lock_guard lock(d->m_mutex);
    const auto it = d->m_links.find(ordered(a, b));
    return it == d->m_links.end() ? d->m_defaultLink : it->second;
}

Status SimulatedNetwork::setPartitioned(const QString &a, const QString &b, bool partitioned)
{
    LinkModel model = link(a, b);
    model.partitioned = partitioned;
    return setLink(a, b, model);
}

void SimulatedNetwork::setDefaultLink(const LinkModel &link)
{
    if (!link.validate())
        return;
    std::lock_guard lock(d->m_mutex);
    d->m_defaultLink = link;
    ++d->m_version;
    d->wake();
}

LinkModel SimulatedNetwork::defaultLink() const
{
    std::lock_guard lock(d->m_mutex);
    return d->m_defaultLink;
}

void SimulatedNetwork::healAll()
{
    std::lock_guard lock(d->m_mutex);
    for (auto &entry : d->m_links)
        entry.second.partitioned = false;
    d->m_defaultLink.partitioned = false;
    ++d->m_version;
    d->wake();
}

QList<QPair<QString, QString>> SimulatedNetwork::partitions() const
{
    std::lock_guard lock(d->m_mutex);
    QList<QPair<QString, QString>> cut;
    for (const auto &[pair, model] : d->m_links) {
        if (model.partitioned)
            cut.append(pair);
    }
    return cut;
}

SimulatedNetwork::Stats SimulatedNetwork::stats() const
{
    std::lock_guard lock(d->m_mutex);
    return d->m_stats;
}

} // namespace foresight::sim
