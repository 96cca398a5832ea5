// Protocol fault injection against a real agent process: garbage, truncated, mis-framed,
// mistyped and oversized messages from a raw ZeroMQ DEALER. Each must get a clear error reply
// (or, beyond libzmq's limit, a dropped connection), be counted, and leave the agent answering.
// Also bad input through the SDK and bad agent configuration files.

#include <optional>

#include <zmq.hpp>

#include <QCborArray>
#include <QCborMap>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include "errorreply.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/protocol/message.h"

using namespace foresight;
using protocol::MessageType;

using Frames = QList<QByteArray>;

namespace {

const QString kApp = QStringLiteral("shop");
constexpr int kMaxMessageBytes = 64 * 1024; // the smallest limit the agent accepts
constexpr int kMaxValueBytes = 1024;
constexpr int kReplyTimeoutMs = 5000;

template<typename T>
QString why(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

QByteArray header(MessageType type, quint8 version = protocol::kProtocolVersion)
{
    QByteArray h = protocol::encodeHeader(type);
    h[4] = char(version);
    return h;
}

QByteArray rawHeader(const char magic[4], quint8 version, quint8 flags, quint16 type)
{
    QByteArray h(8, '\0');
    std::copy(magic, magic + 4, h.data());
    h[4] = char(version);
    h[5] = char(flags);
    qToBigEndian<quint16>(type, h.data() + 6);
    return h;
}

QByteArray cbor(const QCborMap &map)
{
    return protocol::encodeBody(map);
}

QByteArray statusBody(qint64 id)
{
    return cbor(QCborMap{{QStringLiteral("id"), id}});
}

// A DEALER to the agent, as a third-party client would open it.
class RawPeer
{
public:
    RawPeer(zmq::context_t &context,
            const QString &url,
            const transport::KeyPair *own = nullptr,
            const QByteArray &serverKey = {})
        : m_socket(context, zmq::socket_type::dealer)
        , m_monitor(context, zmq::socket_type::pair)
    {
        m_socket.set(zmq::sockopt::linger, 0);
        if (own) {
            m_socket.set(zmq::sockopt::curve_serverkey, serverKey.toStdString());
            m_socket.set(zmq::sockopt::curve_publickey, own->publicKey.toStdString());
            m_socket.set(zmq::sockopt::curve_secretkey, own->secretKey.toStdString());
        }
        static int counter = 0;
        const std::string monitorUrl = "inproc://tst-badinput-monitor-" + std::to_string(++counter);
        zmq_socket_monitor(m_socket.handle(),
                           monitorUrl.c_str(),
                           ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
        m_monitor.connect(monitorUrl);
        m_socket.connect(url.toStdString());
    }

    void send(const Frames &frames)
    {
        for (qsizetype i = 0; i < frames.size(); ++i) {
            const auto flags = i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
            m_socket.send(zmq::const_buffer(frames[i].constData(), std::size_t(frames[i].size())), flags);
        }
    }

    // The next whole message, or nullopt when none arrives in time.
    std::optional<Frames> receive(int timeoutMs)
    {
        zmq::pollitem_t item{m_socket.handle(), 0, ZMQ_POLLIN, 0};
        if (zmq::poll(&item, 1, std::chrono::milliseconds(timeoutMs)) <= 0)
            return std::nullopt;
        Frames frames;
        zmq::message_t frame;
        do {
            (void) m_socket.recv(frame);
            frames.append(QByteArray(static_cast<const char *>(frame.data()), qsizetype(frame.size())));
        } while (frame.more());
        return frames;
    }

    // Whether the monitor reported `event` (waiting up to timeoutMs for it).
    bool sawEvent(int event, int timeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (true) {
            zmq::pollitem_t item{m_monitor.handle(), 0, ZMQ_POLLIN, 0};
            const qint64 left = timeoutMs - timer.elapsed();
            if (left <= 0 || zmq::poll(&item, 1, std::chrono::milliseconds(left)) <= 0)
                return false;
            zmq::message_t id;
            zmq::message_t address;
            (void) m_monitor.recv(id);
            if (id.more())
                (void) m_monitor.recv(address);
            std::uint16_t got = 0;
            std::memcpy(&got, id.data(), 2);
            if (got == event)
                return true;
        }
    }

private:
    zmq::socket_t m_socket;
    zmq::socket_t m_monitor;
};

// Sends a status request until a status reply with its id comes back. Replies to other
// requests are collected in `others`. Retrying covers a reconnect after a dropped connection.
std::optional<protocol::Message> statusOf(RawPeer &peer, QList<protocol::Message> *others = nullptr)
{
    static qint64 nextId = 1000;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kReplyTimeoutMs) {
        const qint64 id = ++nextId;
        peer.send({header(MessageType::Status), statusBody(id)});
        while (auto frames = peer.receive(500)) {
            if (frames->size() != 2)
                return std::nullopt;
            auto decoded = protocol::decode(frames->at(0), frames->at(1));
            if (!decoded)
                return std::nullopt;
            if (decoded->type == MessageType::StatusReply && decoded->body.value(QStringLiteral("id")).toInteger() == id)
                return *decoded;
            if (others)
                others->append(*decoded);
        }
    }
    return std::nullopt;
}

QCborMap rejectedCounters(const protocol::Message &status)
{
    return status.body.value(QStringLiteral("rejected")).toMap();
}

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void badFrameGetsErrorReply_data();
    void badFrameGetsErrorReply();
    void messageBeyondTwiceTheLimitDropsTheConnection();
    void curvePeerGetsErrorReplyAndStrangerIsNeverParsed();
    void sdkRejectsBadKeysAndValues_data();
    void sdkRejectsBadKeysAndValues();
    void badConfigFileStopsTheAgent_data();
    void badConfigFileStopsTheAgent();

private:
    QString runAgentWithConfig(const QByteArray &config, int *exitCode);

    QTemporaryDir m_dir;
    zmq::context_t m_context{1};
    std::unique_ptr<cluster::AgentProcess> m_agent;
};

void TestBadInput::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString configFile = m_dir.filePath(QStringLiteral("agent.json"));
    {
        QFile file(configFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral(R"({"maxMessageBytes": %1, "maxValueBytes": %2})")
                       .arg(kMaxMessageBytes)
                       .arg(kMaxValueBytes)
                       .toUtf8());
    }
    cluster::AgentProcess::Options options;
    options.name = QStringLiteral("target");
    options.workDir = m_dir.filePath(QStringLiteral("target"));
    options.insecure = true;
    options.extraArgs = {QStringLiteral("--config"), configFile, QStringLiteral("--primary"), kApp};
    auto agent = cluster::AgentProcess::start(options);
    QVERIFY2(agent, qPrintable(why(agent)));
    m_agent = std::move(*agent);
}

void TestBadInput::cleanupTestCase()
{
    m_agent.reset();
}

void TestBadInput::badFrameGetsErrorReply_data()
{
    QTest::addColumn<Frames>("frames");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message"); // a part of the error message naming the problem
    QTest::addColumn<QString>("counter"); // the rejected.* counter that must grow by one
    QTest::addColumn<qint64>("id");       // the request id the reply must echo, or -1

    const QByteArray status = header(MessageType::Status);
    const QByteArray put = header(MessageType::Put);
    const QByteArray goodStatus = statusBody(7);
    const QString protocolError = QStringLiteral("protocol-error");

    QTest::newRow("garbage single frame")
        << Frames{"this is not foresight"} << protocolError
        << QStringLiteral("expected 2 frames (header, body) after the routing id, got 1") << QStringLiteral("malformed")
        << qint64(-1);
    QTest::newRow("empty single frame") << Frames{QByteArray()} << protocolError << QStringLiteral("got 1")
                                        << QStringLiteral("malformed") << qint64(-1);
    QTest::newRow("three frames") << Frames{status, goodStatus, "extra"} << protocolError << QStringLiteral("got 3")
                                  << QStringLiteral("malformed") << qint64(-1);
    QTest::newRow("short header") << Frames{status.left(5), goodStatus} << protocolError
                                  << QStringLiteral("header frame has 5 bytes, expected 8")
                                  << QStringLiteral("malformed") << qint64(7);
    QTest::newRow("long header") << Frames{status + "xx", goodStatus} << protocolError
                                 << QStringLiteral("header frame has 10 bytes") << QStringLiteral("malformed")
                                 << qint64(7);
    QTest::newRow("wrong magic") << Frames{rawHeader("HTTP", 1, 0, 0x0301), goodStatus} << protocolError
                                 << QStringLiteral("magic \"FSGT\"") << QStringLiteral("malformed") << qint64(7);
    QTest::newRow("flags set") << Frames{rawHeader("FSGT", 1, 0x80, 0x0301), goodStatus} << protocolError
                               << QStringLiteral("flags must be 0, got 128") << QStringLiteral("malformed")
                               << qint64(7);
    QTest::newRow("unknown type") << Frames{rawHeader("FSGT", 1, 0, 0x7abc), goodStatus} << protocolError
                                  << QStringLiteral("unknown message type 0x7abc") << QStringLiteral("malformed")
                                  << qint64(7);
    QTest::newRow("wrong version") << Frames{header(MessageType::Status, 2), goodStatus}
                                   << QStringLiteral("version-mismatch")
                                   << QStringLiteral("peer speaks protocol version 2, this side speaks version 1")
                                   << QStringLiteral("version-mismatch") << qint64(7);
    QTest::newRow("version zero") << Frames{header(MessageType::Hello, 0), goodStatus}
                                  << QStringLiteral("version-mismatch") << QStringLiteral("protocol version 0")
                                  << QStringLiteral("version-mismatch") << qint64(7);
    const QByteArray putBody = cbor(QCborMap{{QStringLiteral("id"), 9},
                                             {QStringLiteral("app"), kApp},
                                             {QStringLiteral("key"), QStringLiteral("k")},
                                             {QStringLiteral("value"), QByteArray(200, 'v')}});
    QTest::newRow("truncated CBOR body") << Frames{put, putBody.left(putBody.size() - 50)} << protocolError
                                         << QStringLiteral("put: body is not valid CBOR") << QStringLiteral("malformed")
                                         << qint64(9);
    QTest::newRow("empty body") << Frames{status, QByteArray()} << protocolError
                                << QStringLiteral("status: body is not valid CBOR") << QStringLiteral("malformed")
                                << qint64(-1);
    QTest::newRow("bytes after the body")
        << Frames{status, goodStatus + "\x01"} << protocolError << QStringLiteral("1 bytes after the first item")
        << QStringLiteral("malformed") << qint64(7);
    QTest::newRow("body is a CBOR array")
        << Frames{status, QCborValue(QCborArray{7, QStringLiteral("shop")}).toCbor()} << protocolError
        << QStringLiteral("status: body must be a CBOR map") << QStringLiteral("malformed") << qint64(-1);
    QTest::newRow("put without key") << Frames{put,
                                               cbor(QCborMap{{QStringLiteral("id"), 11},
                                                             {QStringLiteral("app"), kApp},
                                                             {QStringLiteral("value"), QByteArray("v")}})}
                                     << protocolError << QStringLiteral("put: required field 'key' is missing")
                                     << QStringLiteral("malformed") << qint64(11);
    QTest::newRow("put with text value") << Frames{put,
                                                   cbor(QCborMap{{QStringLiteral("id"), 12},
                                                                 {QStringLiteral("app"), kApp},
                                                                 {QStringLiteral("key"), QStringLiteral("k")},
                                                                 {QStringLiteral("value"),
                                                                  QStringLiteral("text, not bytes")}})}
                                         << protocolError << QStringLiteral("put: field 'value' must be a byte string")
                                         << QStringLiteral("malformed") << qint64(12);
    QTest::newRow("negative id") << Frames{status, cbor(QCborMap{{QStringLiteral("id"), -5}})} << protocolError
                                 << QStringLiteral("status: field 'id' must be an unsigned integer")
                                 << QStringLiteral("malformed") << qint64(-1);
    QTest::newRow("reply type as request")
        << Frames{header(MessageType::WriteAck),
                  cbor(QCborMap{{QStringLiteral("id"), 13}, {QStringLiteral("epoch"), 1}, {QStringLiteral("seq"), 1}})}
        << protocolError << QStringLiteral("write-ack is not a request an agent accepts") << QStringLiteral("malformed")
        << qint64(13);
    // Between the agent's limit and twice the limit: received, refused with the limit named.
    const QByteArray big = cbor(
        QCborMap{{QStringLiteral("id"), 14}, {QStringLiteral("pad"), QByteArray(kMaxMessageBytes + 1000, 'x')}});
    QTest::newRow("oversized, under twice the limit")
        << Frames{status, big} << QStringLiteral("invalid-argument")
        << QStringLiteral("exceeds the agent's limit of %1 bytes").arg(kMaxMessageBytes) << QStringLiteral("oversized")
        << qint64(14);
}

void TestBadInput::badFrameGetsErrorReply()
{
    QFETCH(Frames, frames);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, counter);
    QFETCH(qint64, id);

    RawPeer peer(m_context, m_agent->listenUrl());
    const auto before = statusOf(peer);
    QVERIFY(before);

    peer.send(frames);
    const auto reply = peer.receive(kReplyTimeoutMs);
    QVERIFY2(reply, "no reply to a bad message");
    QCOMPARE(reply->size(), 2);
    auto decoded = protocol::decode(reply->at(0), reply->at(1));
    QVERIFY2(decoded, qPrintable(why(decoded)));
    const QString mismatch = testing::errorReplyMismatch(*decoded, code, message, id);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));

    // The agent still answers, correctly, and counted exactly this message.
    const auto after = statusOf(peer);
    QVERIFY2(after, "the agent stopped answering after a bad message");
    QCOMPARE(after->body.value(QStringLiteral("agent")).toString(), QStringLiteral("target"));
    QCOMPARE(after->body.value(QStringLiteral("apps")).toArray().first().toMap().value(QStringLiteral("app")).toString(),
             kApp);
    const QCborMap was = rejectedCounters(*before);
    const QCborMap now = rejectedCounters(*after);
    for (const QString &name : {QStringLiteral("malformed"),
                                QStringLiteral("version-mismatch"),
                                QStringLiteral("oversized"),
                                QStringLiteral("unauthorized")}) {
        const qint64 expected = was.value(name).toInteger() + (name == counter ? 1 : 0);
        QVERIFY2(now.value(name).toInteger() == expected,
                 qPrintable(QStringLiteral("rejected.%1 is %2, expected %3")
                                .arg(name)
                                .arg(now.value(name).toInteger())
                                .arg(expected)));
    }
    QVERIFY(m_agent->isRunning());
}

void TestBadInput::messageBeyondTwiceTheLimitDropsTheConnection()
{
    RawPeer peer(m_context, m_agent->listenUrl());
    const auto before = statusOf(peer);
    QVERIFY(before);

    const QByteArray huge = cbor(
        QCborMap{{QStringLiteral("id"), 21}, {QStringLiteral("pad"), QByteArray(2 * kMaxMessageBytes + 1000, 'x')}});
    peer.send({header(MessageType::Status), huge});
    // libzmq on the agent's side refuses the frame and closes the connection.
    QVERIFY2(peer.sawEvent(ZMQ_EVENT_DISCONNECTED, kReplyTimeoutMs), "the agent did not drop the connection");

    // The DEALER reconnects by itself; the agent answers and never replied to the huge message
    // (it would have come before the status reply).
    QList<protocol::Message> others;
    const auto after = statusOf(peer, &others);
    QVERIFY2(after, "the agent stopped answering after an oversized message");
    QVERIFY2(others.isEmpty(),
             qPrintable(others.isEmpty() ? QString() : protocol::messageTypeName(others.first().type)));
    // Dropped by libzmq before the agent saw it: nothing to count.
    QCOMPARE(rejectedCounters(*after), rejectedCounters(*before));
    QVERIFY(m_agent->isRunning());
}

void TestBadInput::curvePeerGetsErrorReplyAndStrangerIsNeverParsed()
{
    cluster::LocalCluster::Options options;
    options.workDir = m_dir.filePath(QStringLiteral("curve"));
    options.agentNames = {QStringLiteral("secure")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, qPrintable(why(cluster)));
    cluster::AgentProcess &agent = (*cluster)->agent(0);

    // An allowlisted peer sending garbage gets the same clear error as over plain TCP.
    RawPeer admin(m_context, agent.listenUrl(), &(*cluster)->adminKeys(), agent.publicKey());
    const auto before = statusOf(admin);
    QVERIFY2(before, "no status over CURVE");
    admin.send({"garbage over curve"});
    const auto reply = admin.receive(kReplyTimeoutMs);
    QVERIFY(reply && reply->size() == 2);
    auto decoded = protocol::decode(reply->at(0), reply->at(1));
    QVERIFY2(decoded, qPrintable(why(decoded)));
    QCOMPARE(decoded->body.value(QStringLiteral("code")).toString(), QStringLiteral("protocol-error"));
    QVERIFY(decoded->body.value(QStringLiteral("message")).toString().contains(QLatin1String("got 1")));

    // A peer whose key is not allowlisted never gets as far as the parser: refused by ZAP,
    // no reply, nothing counted as malformed.
    auto strangerKeys = transport::generateKeyPair();
    QVERIFY(strangerKeys);
    RawPeer stranger(m_context, agent.listenUrl(), &*strangerKeys, agent.publicKey());
    stranger.send({"garbage from a stranger"});
    QVERIFY2(stranger.sawEvent(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, kReplyTimeoutMs),
             "the stranger's handshake was not refused");
    QVERIFY(!stranger.receive(0));

    const auto after = statusOf(admin);
    QVERIFY(after);
    QCOMPARE(rejectedCounters(*after).value(QStringLiteral("malformed")).toInteger(),
             rejectedCounters(*before).value(QStringLiteral("malformed")).toInteger() + 1);
    QCOMPARE_GE(rejectedCounters(*after).value(QStringLiteral("zap-refused")).toInteger(),
                rejectedCounters(*before).value(QStringLiteral("zap-refused")).toInteger() + 1);
}

void TestBadInput::sdkRejectsBadKeysAndValues_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("valueBytes");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty key") << QString() << 1 << QStringLiteral("keys must be 1 to 1024 bytes");
    QTest::newRow("key over 1024 bytes") << QString(1025, QLatin1Char('k')) << 1
                                         << QStringLiteral("keys must be 1 to 1024 bytes");
    QTest::newRow("value over maxValueBytes")
        << QStringLiteral("k") << kMaxValueBytes + 1
        << QStringLiteral("value of %1 bytes exceeds the limit of %2 bytes").arg(kMaxValueBytes + 1).arg(kMaxValueBytes);
    QTest::newRow("message over maxMessageBytes")
        << QStringLiteral("k") << kMaxMessageBytes + 100
        << QStringLiteral("exceeds the agent's limit of %1 bytes").arg(kMaxMessageBytes);
}

void TestBadInput::sdkRejectsBadKeysAndValues()
{
    QFETCH(QString, key);
    QFETCH(int, valueBytes);
    QFETCH(QString, message);

    sdk::ClientOptions options;
    options.app = kApp;
    options.agents = {sdk::AgentEndpoint{m_agent->sdkUrl(), {}}};
    options.failoverTimeoutMs = 5000;
    auto client = sdk::Client::connect(options);
    QVERIFY2(client, qPrintable(why(client)));

    QElapsedTimer timer;
    timer.start();
    auto put = (*client)->put(key, QByteArray(valueBytes, 'v'));
    QVERIFY(!put);
    QCOMPARE(put.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(put.error().message.contains(message), qPrintable(put.error().message));
    QVERIFY2(timer.elapsed() < options.requestTimeoutMs, "a refused write should be answered, not timed out");

    // The write left no trace and a good one still works.
    auto read = (*client)->get(key.isEmpty() ? QStringLiteral("k") : key);
    QVERIFY2(read, qPrintable(why(read)));
    QVERIFY(!read->value);
    auto good = (*client)->put(QStringLiteral("good/%1").arg(QString::fromLatin1(QTest::currentDataTag())),
                               "ok",
                               sdk::Ack::Primary);
    QVERIFY2(good, qPrintable(why(good)));
}

QString TestBadInput::runAgentWithConfig(const QByteArray &config, int *exitCode)
{
    const QString path = m_dir.filePath(
        QStringLiteral("bad-%1.json")
            .arg(QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-'))));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(config) != config.size())
        return QStringLiteral("cannot write %1").arg(path);
    file.close();
    QProcess agent;
    agent.setProgram(cluster::AgentProcess::defaultBinary());
    agent.setArguments({QStringLiteral("--config"),
                        path,
                        QStringLiteral("--insecure"),
                        QStringLiteral("--listen"),
                        QStringLiteral("tcp://127.0.0.1:*"),
                        QStringLiteral("--sdk"),
                        QStringLiteral("ipc://%1/bad.sock").arg(m_dir.path()),
                        QStringLiteral("--data-dir"),
                        m_dir.filePath(QStringLiteral("bad-data"))});
    agent.start();
    if (!agent.waitForFinished(10000)) {
        agent.kill();
        agent.waitForFinished();
        *exitCode = 0;
        return QStringLiteral("the agent kept running");
    }
    *exitCode = agent.exitStatus() == QProcess::NormalExit ? agent.exitCode() : -1;
    return QString::fromUtf8(agent.readAllStandardError()) + QString::fromUtf8(agent.readAllStandardOutput());
}

void TestBadInput::badConfigFileStopsTheAgent_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("message");

    QTest::newRow("not JSON") << QByteArray("name = \"agent\"\n") << QStringLiteral("not valid JSON at offset");
    QTest::newRow("truncated JSON") << QByteArray(R"({"name": "a", "maxMessageBytes": )")
                                    << QStringLiteral("not valid JSON");
    QTest::newRow("JSON array") << QByteArray("[1, 2]") << QStringLiteral("must be a JSON object");
    QTest::newRow("text for a number") << QByteArray(R"({"maxMessageBytes": "big"})")
                                       << QStringLiteral("'maxMessageBytes' must be a whole number");
    QTest::newRow("number below range") << QByteArray(R"({"maxMessageBytes": 10})")
                                        << QStringLiteral("'maxMessageBytes' must be a whole number from 65536");
    QTest::newRow("fraction") << QByteArray(R"({"replicaAckIntervalMs": 1.5})")
                              << QStringLiteral("'replicaAckIntervalMs'");
    QTest::newRow("negative prediction rate")
        << QByteArray(R"({"predictionRate": -1})") << QStringLiteral("'predictionRate' must be a whole number from 0");
    QTest::newRow("bool as text") << QByteArray(R"({"insecure": "yes"})")
                                  << QStringLiteral("'insecure' must be true or false");
    QTest::newRow("name not a string") << QByteArray(R"({"name": 5})") << QStringLiteral("'name' must be a string");
    QTest::newRow("apps not an array") << QByteArray(R"({"apps": {"name": "x"}})")
                                       << QStringLiteral("'apps' must be an array");
    QTest::newRow("bad role") << QByteArray(R"({"apps": [{"name": "x", "role": "boss"}]})")
                              << QStringLiteral("apps[0]: 'role' must be primary or replica");
    QTest::newRow("bad app config") << QByteArray(R"({"apps": [{"name": "x", "config": {"syncReplicas": -1}}]})")
                                    << QStringLiteral("apps[0].config: 'syncReplicas'");
    QTest::newRow("process without command")
        << QByteArray(R"({"apps": [{"name": "x", "config": {"process": {"arguments": ["-v"]}}}]})")
        << QStringLiteral("apps[0].config.process.command: missing or empty");
    QTest::newRow("process unknown key") << QByteArray(
        R"({"apps": [{"name": "x", "config": {"process": {"command": "/bin/true", "args": []}}}]})")
                                         << QStringLiteral("apps[0].config.process.args: unknown key");
}

void TestBadInput::badConfigFileStopsTheAgent()
{
    QFETCH(QByteArray, config);
    QFETCH(QString, message);
    int exitCode = 0;
    const QString output = runAgentWithConfig(config, &exitCode);
    QVERIFY2(exitCode != 0, qPrintable(output));
    QVERIFY2(output.contains(message), qPrintable(output));
    // The message names the file, so an operator with several configurations knows which.
    QVERIFY2(output.contains(
                 QStringLiteral("bad-%1.json")
                     .arg(QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-')))),
             qPrintable(output));
    QVERIFY2(!output.contains(QLatin1String("\"ready\"")), qPrintable(output));
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
