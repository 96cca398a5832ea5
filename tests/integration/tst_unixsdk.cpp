// The agent's unix:// SDK endpoint against a real agent process: the SDK writes and reads over
// it; bad frames from a raw stream client get a clear error, are counted, and leave the agent
// (and, where the stream can go on, the same connection) answering; a client that leaves half a
// frame behind harms no one; the same application also works over the ZeroMQ ipc:// endpoint.

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <QCborArray>
#include <QCborMap>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include "errorreply.h"
#include "foresight/cluster/agentprocess.h"
#include "foresight/sdk/client.h"
#include "transport/streamframing.h"

using namespace foresight;
using protocol::Message;
using protocol::MessageType;

namespace {

const QString kApp = QStringLiteral("shop");
constexpr int kMaxMessageBytes = 64 * 1024; // the smallest limit the agent accepts
constexpr int kReplyTimeoutMs = 5000;

template<typename T>
QString why(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

QByteArray lengthPrefix(quint32 length)
{
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(length, out.data());
    return out;
}

// One framed message from a raw header and body, as a careless client might build it.
QByteArray rawFrame(const QByteArray &header, const QByteArray &body)
{
    return lengthPrefix(quint32(header.size() + body.size())) + header + body;
}

// User plus system CPU time a process has used, in clock ticks; -1 when unreadable.
qint64 cpuTicks(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return fields[11].toLongLong() + fields[12].toLongLong();
}

QByteArray statusFrame(qint64 id)
{
    QByteArray out;
    transport::appendStreamMessage(out, Message{MessageType::Status, QCborMap{{QStringLiteral("id"), id}}});
    return out;
}

// A Unix stream to the agent, as a third-party client would open it.
class RawStream
{
public:
    explicit RawStream(const QString &url)
        : m_reader(64 * 1024 * 1024)
    {
        const QByteArray path = QFile::encodeName(url.mid(7));
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, path.constData(), std::size_t(path.size()));
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~RawStream() { close(); }
    bool isOpen() const { return m_fd >= 0; }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

    bool send(const QByteArray &bytes)
    {
        qsizetype sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.constData() + sent, std::size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n <= 0) {
                m_peerClosed = n < 0 && (errno == EPIPE || errno == ECONNRESET);
                return false;
            }
            sent += n;
        }
        return true;
    }

    // The next message, or nullopt at a time-out or the end of the stream (then atEnd()).
    std::optional<Message> receive(int timeoutMs = kReplyTimeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (true) {
            transport::StreamFrameReader::Frame frame;
            if (m_reader.next(&frame) == transport::StreamFrameReader::Event::Message) {
                auto decoded = protocol::decode(frame.header, frame.body);
                if (decoded)
                    return *decoded;
                return std::nullopt;
            }
            const qint64 left = timeoutMs - timer.elapsed();
            pollfd item{m_fd, POLLIN, 0};
            if (left <= 0 || ::poll(&item, 1, int(left)) <= 0)
                return std::nullopt;
            char buffer[4096];
            const ssize_t got = ::read(m_fd, buffer, sizeof buffer);
            if (got <= 0) {
                m_atEnd = true;
                return std::nullopt;
            }
            m_reader.append(buffer, got);
        }
    }
    bool atEnd() const { return m_atEnd; }
    // The last send() failed because the agent had closed the stream.
    bool peerClosed() const { return m_peerClosed; }

private:
    int m_fd = -1;
    transport::StreamFrameReader m_reader;
    bool m_atEnd = false;
    bool m_peerClosed = false;
};

// Sends a status request and waits for the status reply with its id.
std::optional<Message> statusOf(RawStream &stream)
{
    static qint64 nextId = 1000;
    const qint64 id = ++nextId;
    if (!stream.send(statusFrame(id)))
        return std::nullopt;
    while (auto reply = stream.receive()) {
        if (reply->type == MessageType::StatusReply && reply->body.value(QStringLiteral("id")).toInteger() == id)
            return reply;
    }
    return std::nullopt;
}

qint64 rejected(const Message &status, const QString &counter)
{
    return status.body.value(QStringLiteral("rejected")).toMap().value(counter).toInteger(-1);
}

} // namespace

class TestUnixSdk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void sdkWritesAndReadsOverUnix();
    void badFrameGetsErrorAndTheConnectionGoesOn_data();
    void badFrameGetsErrorAndTheConnectionGoesOn();
    void lengthShorterThanAHeaderClosesOnlyThatConnection();
    void halfAFrameLeftBehindHarmsNoOne();
    void clientThatNeverReadsIsDropped();
    void outOfDescriptorsNewClientsWaitUntilOneLeaves();
    void outOfDescriptorsWithNoClientNeitherSpinsNorStopsListening();
    void noAgentListeningFailsAtOnce();
    void sameApplicationOverIpc();

private:
    sdk::ClientOptions clientOptions(const QString &url) const;
    // An insecure agent named `name`, working in its own folder, primary of kApp.
    cluster::AgentProcess::Options primaryAgent(const QString &name) const;

    QTemporaryDir m_dir;
    std::unique_ptr<cluster::AgentProcess> m_agent;
};

void TestUnixSdk::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString configFile = m_dir.filePath(QStringLiteral("agent.json"));
    {
        QFile file(configFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral(R"({"maxMessageBytes": %1})").arg(kMaxMessageBytes).toUtf8());
    }
    cluster::AgentProcess::Options options = primaryAgent(QStringLiteral("target"));
    options.extraArgs.append({QStringLiteral("--config"), configFile});
    auto agent = cluster::AgentProcess::start(options);
    QVERIFY2(agent, qPrintable(why(agent)));
    m_agent = std::move(*agent);
    QVERIFY2(m_agent->sdkUrl().startsWith(QLatin1String("unix://")), qPrintable(m_agent->sdkUrl()));
}

void TestUnixSdk::cleanupTestCase()
{
    m_agent.reset();
}

cluster::AgentProcess::Options TestUnixSdk::primaryAgent(const QString &name) const
{
    cluster::AgentProcess::Options options;
    options.name = name;
    options.workDir = m_dir.filePath(name);
    options.insecure = true;
    options.extraArgs = {QStringLiteral("--primary"), kApp};
    return options;
}

sdk::ClientOptions TestUnixSdk::clientOptions(const QString &url) const
{
    sdk::ClientOptions options;
    options.app = kApp;
    options.agents = {sdk::AgentEndpoint{url, {}}};
    options.requestTimeoutMs = kReplyTimeoutMs;
    options.failoverTimeoutMs = kReplyTimeoutMs;
    return options;
}

void TestUnixSdk::sdkWritesAndReadsOverUnix()
{
    auto client = sdk::Client::connect(clientOptions(m_agent->sdkUrl()));
    QVERIFY2(client, qPrintable(why(client)));
    for (int i = 0; i < 50; ++i) {
        auto receipt = (*client)->put(QStringLiteral("cart/%1").arg(i), QByteArray::number(i * i), sdk::Ack::Primary);
        QVERIFY2(receipt, qPrintable(why(receipt)));
    }
    QVERIFY((*client)->remove(QStringLiteral("cart/7"), sdk::Ack::Primary));
    auto read = (*client)->get(QStringLiteral("cart/49"));
    QVERIFY2(read, qPrintable(why(read)));
    QCOMPARE(read->value.value_or(QByteArray()), QByteArray::number(49 * 49));
    auto removed = (*client)->get(QStringLiteral("cart/7"));
    QVERIFY2(removed, qPrintable(why(removed)));
    QVERIFY(!removed->value);
    // A value over the agent's message limit is refused with the limit named, also one far larger
    // than the socket buffers (refused while the client is still sending it); the client goes on.
    for (const qsizetype size : {qsizetype(2 * kMaxMessageBytes), qsizetype(8 * 1024 * 1024)}) {
        auto tooBig = (*client)->put(QStringLiteral("cart/big"), QByteArray(size, 'x'), sdk::Ack::Primary);
        QVERIFY(!tooBig);
        QVERIFY2(tooBig.error().message.contains(QLatin1String("limit")), qPrintable(tooBig.error().toString()));
        auto next = (*client)->put(QStringLiteral("cart/after-big"), QByteArray::number(size), sdk::Ack::Primary);
        QVERIFY2(next, qPrintable(why(next)));
    }
}

void TestUnixSdk::badFrameGetsErrorAndTheConnectionGoesOn_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message"); // a part of the error message naming the problem
    QTest::addColumn<QString>("counter"); // the rejected.* counter that must grow by one
    QTest::addColumn<qint64>("id");       // the request id the reply must echo, or -1

    const QByteArray status = protocol::encodeHeader(MessageType::Status);
    const QByteArray goodStatus = protocol::encodeBody(QCborMap{{QStringLiteral("id"), 7}});
    QByteArray wrongMagic = status;
    wrongMagic.replace(0, 4, "HTTP");
    QByteArray wrongVersion = status;
    wrongVersion[4] = char(2);
    const QByteArray put = protocol::encodeHeader(MessageType::Put);
    const QByteArray putBody = protocol::encodeBody(QCborMap{{QStringLiteral("id"), 9},
                                                             {QStringLiteral("app"), kApp},
                                                             {QStringLiteral("key"), QStringLiteral("k")},
                                                             {QStringLiteral("value"), QByteArray(200, 'v')}});

    QTest::newRow("wrong magic") << rawFrame(wrongMagic, goodStatus) << QStringLiteral("protocol-error")
                                 << QStringLiteral("magic \"FSGT\"") << QStringLiteral("malformed") << qint64(7);
    QTest::newRow("wrong version") << rawFrame(wrongVersion, goodStatus) << QStringLiteral("version-mismatch")
                                   << QStringLiteral("peer speaks protocol version 2")
                                   << QStringLiteral("version-mismatch") << qint64(7);
    QTest::newRow("truncated CBOR body") << rawFrame(put, putBody.left(putBody.size() - 50))
                                         << QStringLiteral("protocol-error")
                                         << QStringLiteral("put: body is not valid CBOR") << QStringLiteral("malformed")
                                         << qint64(9);
    QTest::newRow("garbage of a plausible length")
        << rawFrame("GET / HTTP/1.1\r\n", "Host: x\r\n\r\n") << QStringLiteral("protocol-error")
        << QStringLiteral("magic") << QStringLiteral("malformed") << qint64(-1);
    // Sent whole: the agent skips it as it arrives and never holds it.
    const QByteArray big = protocol::encodeBody(
        QCborMap{{QStringLiteral("id"), 14}, {QStringLiteral("pad"), QByteArray(4 * kMaxMessageBytes, 'x')}});
    QTest::newRow("oversized") << rawFrame(status, big) << QStringLiteral("invalid-argument")
                               << QStringLiteral("exceeds the agent's limit of %1 bytes").arg(kMaxMessageBytes)
                               << QStringLiteral("oversized") << qint64(-1);
}

void TestUnixSdk::badFrameGetsErrorAndTheConnectionGoesOn()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, counter);
    QFETCH(qint64, id);

    RawStream stream(m_agent->sdkUrl());
    QVERIFY(stream.isOpen());
    const auto before = statusOf(stream);
    QVERIFY2(before, "no status over unix://");

    QVERIFY(stream.send(bytes));
    const auto reply = stream.receive();
    QVERIFY2(reply, "no reply to a bad frame");
    const QString mismatch = testing::errorReplyMismatch(*reply, code, message, id);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));

    // The same connection is still read, message by message, and exactly this one was counted.
    const auto after = statusOf(stream);
    QVERIFY2(after, "the connection stopped being answered after a bad frame");
    for (const QString &name :
         {QStringLiteral("malformed"), QStringLiteral("version-mismatch"), QStringLiteral("oversized")})
        QCOMPARE(rejected(*after, name), rejected(*before, name) + (name == counter ? 1 : 0));
    QVERIFY(m_agent->isRunning());
}

void TestUnixSdk::lengthShorterThanAHeaderClosesOnlyThatConnection()
{
    RawStream bystander(m_agent->sdkUrl());
    const auto before = statusOf(bystander);
    QVERIFY(before);

    RawStream stream(m_agent->sdkUrl());
    QVERIFY(stream.send(lengthPrefix(3) + "abc" + statusFrame(5)));
    const auto reply = stream.receive();
    QVERIFY2(reply, "no reply to a frame shorter than a header");
    QCOMPARE(reply->body.value(QStringLiteral("code")).toString(), QStringLiteral("protocol-error"));
    const QString text = reply->body.value(QStringLiteral("message")).toString();
    QVERIFY2(text.contains(QLatin1String("3 bytes is shorter than the 8-byte header")), qPrintable(text));
    // The good request behind it is not read: the stream has no trustworthy boundary any more.
    QVERIFY(!stream.receive());
    QVERIFY2(stream.atEnd(), "the agent kept the connection open");

    const auto after = statusOf(bystander);
    QVERIFY2(after, "another client stopped being answered");
    QCOMPARE(rejected(*after, QStringLiteral("malformed")), rejected(*before, QStringLiteral("malformed")) + 1);
}

void TestUnixSdk::halfAFrameLeftBehindHarmsNoOne()
{
    RawStream bystander(m_agent->sdkUrl());
    const auto before = statusOf(bystander);
    QVERIFY(before);
    {
        RawStream quitter(m_agent->sdkUrl());
        const QByteArray frame = statusFrame(3);
        QVERIFY(quitter.send(frame.left(frame.size() / 2)));
        // Leaves with half a request sent.
    }
    const auto after = statusOf(bystander);
    QVERIFY2(after, "the agent stopped answering after a client left half a frame");
    for (const QString &name :
         {QStringLiteral("malformed"), QStringLiteral("version-mismatch"), QStringLiteral("oversized")})
        QCOMPARE(rejected(*after, name), rejected(*before, name));
    // And the SDK still connects and writes.
    auto client = sdk::Client::connect(clientOptions(m_agent->sdkUrl()));
    QVERIFY2(client, qPrintable(why(client)));
    QVERIFY((*client)->put(QStringLiteral("cart/after"), "1", sdk::Ack::Primary));
}

void TestUnixSdk::clientThatNeverReadsIsDropped()
{
    RawStream bystander(m_agent->sdkUrl());
    QVERIFY(statusOf(bystander));

    // Requests without end, answers never read: the agent holds at most twice its message limit
    // plus 1 MiB for this client (docs/protocol.md 2.2), then lets it go.
    RawStream hog(m_agent->sdkUrl());
    constexpr int kRequests = 20'000;
    QByteArray requests;
    for (int i = 0; i < kRequests; ++i)
        requests += statusFrame(100'000 + i);
    // The agent may let it go before the last request is even written (a slow sanitized test
    // process): then the send fails with the stream closed, which is the outcome asked for.
    QVERIFY2(hog.send(requests) || hog.peerClosed(), std::strerror(errno));
    // Meanwhile others are served.
    QVERIFY2(statusOf(bystander), "the agent stopped answering others while one client did not read");

    // The hog finds the end of its stream after far fewer answers than it asked for.
    int answers = 0;
    while (hog.receive())
        ++answers;
    QVERIFY2(hog.atEnd(), "the agent kept a client that never reads");
    QVERIFY2(answers < kRequests, qPrintable(QString::number(answers)));
    QVERIFY(statusOf(bystander));
    QVERIFY(m_agent->isRunning());
}

void TestUnixSdk::outOfDescriptorsNewClientsWaitUntilOneLeaves()
{
    // An agent near its descriptor limit: it keeps 64 descriptors for itself, the clients beyond
    // the rest wait in the kernel's backlog instead of spinning the agent's loop (or leaving it
    // without descriptors for its own sockets), and get in as others leave.
    auto agent = cluster::AgentProcess::start(primaryAgent(QStringLiteral("scarce")));
    QVERIFY2(agent, qPrintable(why(agent)));
    // What the agent holds is counted once it runs (a sanitizer build holds more); on top, the
    // 64 it keeps for itself and room for about 20 clients.
    const auto pid = pid_t((*agent)->pid());
    const auto open = rlim_t(QDir(QStringLiteral("/proc/%1/fd").arg(pid))
                                 .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                                 .size());
    const rlimit limit{open + 84, open + 84};
    QVERIFY2(::prlimit(pid, RLIMIT_NOFILE, &limit, nullptr) == 0, std::strerror(errno));

    constexpr int kClients = 100; // more than the room for clients, fewer than the backlog of 128
    std::vector<std::unique_ptr<RawStream>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<RawStream>((*agent)->sdkUrl()));
        QVERIFY(clients.back()->isOpen());
        QVERIFY(clients.back()->send(statusFrame(500 + i)));
    }
    // Those the agent could take are answered; the others wait.
    QList<int> waiting;
    QList<int> answered;
    for (int i = 0; i < kClients; ++i) {
        if (clients[std::size_t(i)]->receive(i == 0 ? kReplyTimeoutMs : 50))
            answered.append(i);
        else
            waiting.append(i);
    }
    QVERIFY2(!answered.isEmpty() && !waiting.isEmpty(),
             qPrintable(QStringLiteral("%1 answered, %2 waiting").arg(answered.size()).arg(waiting.size())));
    // Said once, not once per loop round: the agent stopped listening instead of spinning on it.
    QCOMPARE((*agent)->stderrLog().count(QLatin1String("cannot accept more clients on")), 1);
    for (const int i : std::as_const(answered))
        clients[std::size_t(i)]->close();
    // Those answered have left: every waiting client gets in and is answered.
    for (const int i : std::as_const(waiting)) {
        const auto reply = clients[std::size_t(i)]->receive();
        QVERIFY2(reply, qPrintable(QStringLiteral("client %1 was never answered").arg(i)));
        QCOMPARE(reply->body.value(QStringLiteral("id")).toInteger(), qint64(500 + i));
        clients[std::size_t(i)]->close();
    }
    QVERIFY((*agent)->isRunning());
}

void TestUnixSdk::outOfDescriptorsWithNoClientNeitherSpinsNorStopsListening()
{
    // The agent's own descriptors fill its limit, so not even one client can be accepted. With no
    // client to leave and free one, the agent must neither spin on its readable listening socket
    // nor stop listening for good: it tries again now and then, and takes the client once
    // descriptors are to be had.
    auto agent = cluster::AgentProcess::start(primaryAgent(QStringLiteral("starved")));
    QVERIFY2(agent, qPrintable(why(agent)));
    const auto pid = pid_t((*agent)->pid());
    // Below what the agent already holds (a soft limit may be), so no accept can succeed. Only
    // the soft limit moves: raising it back needs no privilege.
    rlimit usual{};
    QVERIFY2(::prlimit(pid, RLIMIT_NOFILE, nullptr, &usual) == 0, std::strerror(errno));
    const rlimit none{8, usual.rlim_max};
    QVERIFY2(::prlimit(pid, RLIMIT_NOFILE, &none, nullptr) == 0, std::strerror(errno));

    RawStream client((*agent)->sdkUrl()); // in the backlog: connecting needs no accept
    QVERIFY(client.isOpen());
    QVERIFY(client.send(statusFrame(900)));
    QTRY_VERIFY_WITH_TIMEOUT((*agent)->stderrLog().contains(QLatin1String("with 0 clients")), kReplyTimeoutMs);

    // A rate, so measured over a fixed window: spinning takes most of a core even on a busy
    // machine; retrying ten times a second between 20 ms loop rounds takes next to nothing.
    const qint64 ticksPerSecond = ::sysconf(_SC_CLK_TCK);
    const qint64 before = cpuTicks(pid);
    QElapsedTimer window;
    window.start();
    QTest::qWait(1000);
    const qint64 used = cpuTicks(pid) - before;
    const qint64 elapsedTicks = window.elapsed() * ticksPerSecond / 1000;
    QVERIFY(before >= 0);
    QVERIFY2(used * 4 < elapsedTicks,
             qPrintable(
                 QStringLiteral("the agent used %1 of %2 ticks while out of descriptors").arg(used).arg(elapsedTicks)));
    QCOMPARE((*agent)->stderrLog().count(QLatin1String("cannot accept more clients on")), 1);

    QVERIFY2(::prlimit(pid, RLIMIT_NOFILE, &usual, nullptr) == 0, std::strerror(errno));
    const auto reply = client.receive();
    QVERIFY2(reply, "the waiting client was never answered once descriptors were free again");
    QCOMPARE(reply->body.value(QStringLiteral("id")).toInteger(), qint64(900));
    QVERIFY((*agent)->isRunning());
}

void TestUnixSdk::noAgentListeningFailsAtOnce()
{
    // Nothing listens: every attempt is refused at once, so the SDK gives up after its failover
    // time-out naming the endpoint and the likely cause, not after a request time-out per try.
    const QString url = QStringLiteral("unix://%1").arg(m_dir.filePath(QStringLiteral("nobody.sock")));
    sdk::ClientOptions options = clientOptions(url);
    options.requestTimeoutMs = 60'000;
    options.failoverTimeoutMs = 300;
    auto client = sdk::Client::connect(options);
    QVERIFY2(client, qPrintable(why(client)));
    QElapsedTimer timer;
    timer.start();
    auto receipt = (*client)->put(QStringLiteral("cart/1"), "1", sdk::Ack::Primary);
    QVERIFY(!receipt);
    QVERIFY2(timer.elapsed() < 10'000, qPrintable(QString::number(timer.elapsed())));
    const QString text = receipt.error().message;
    QVERIFY2(text.contains(url) && text.contains(QLatin1String("is the agent running?")), qPrintable(text));

    // An endpoint of no known scheme is refused as such, at the first request.
    auto wrong = sdk::Client::connect(clientOptions(QStringLiteral("udp://127.0.0.1:9")));
    QVERIFY2(wrong, qPrintable(why(wrong)));
    auto refused = (*wrong)->put(QStringLiteral("cart/1"), "1", sdk::Ack::Primary);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(refused.error().message.contains(QLatin1String("unix://")), qPrintable(refused.error().toString()));
}

void TestUnixSdk::sameApplicationOverIpc()
{
    cluster::AgentProcess::Options options = primaryAgent(QStringLiteral("zmq"));
    options.sdkUrl = QStringLiteral("ipc://%1").arg(m_dir.filePath(QStringLiteral("zmq.sock")));
    auto agent = cluster::AgentProcess::start(options);
    QVERIFY2(agent, qPrintable(why(agent)));
    QVERIFY((*agent)->sdkUrl().startsWith(QLatin1String("ipc://")));
    auto client = sdk::Client::connect(clientOptions((*agent)->sdkUrl()));
    QVERIFY2(client, qPrintable(why(client)));
    QVERIFY((*client)->put(QStringLiteral("cart/1"), "over zeromq", sdk::Ack::Primary));
    auto read = (*client)->get(QStringLiteral("cart/1"));
    QVERIFY2(read, qPrintable(why(read)));
    QCOMPARE(read->value.value_or(QByteArray()), QByteArray("over zeromq"));
}

QTEST_GUILESS_MAIN(TestUnixSdk)
#include "tst_unixsdk.moc"
