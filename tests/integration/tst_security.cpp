// Authentication and authorisation with real agent processes over CURVE on loopback: allowlists
// (ZAP), roles, outsiders trying to replicate, wrong server keys, and refusing to start without
// keys.

#include <QCborArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/cluster/localcluster.h"

using namespace foresight;

namespace {

const QString kApp = QStringLiteral("shop");

template<typename T>
QString why(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

QString why(const Status &status)
{
    return status ? QString() : status.error().toString();
}

} // namespace

class TestSecurity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void sdkClientWithUnknownKeyIsRefusedAtOnce();
    void controlClientWithUnknownKeyIsRefused();
    void clientRoleCannotSendAdminCommands();
    void agentRoleCannotSendAdminCommands();
    void outsiderAgentCannotJoinAsReplica();
    void wrongServerKeyFailsWithinTheTimeout_data();
    void wrongServerKeyFailsWithinTheTimeout();
    void agentRefusesToStartWithoutKeys_data();
    void agentRefusesToStartWithoutKeys();

private:
    // The admin's view of agent `index`'s status, or an empty map (the test then fails).
    QCborMap agentStatus(int index) const;
    qint64 rejected(int index, const char *counter) const;
    std::unique_ptr<control::ControlClient> controlWith(int index,
                                                        const transport::KeyPair &keys,
                                                        int timeoutMs = 3000) const;

    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
};

void TestSecurity::initTestCase()
{
    QVERIFY(m_dir.isValid());
    cluster::LocalCluster::Options options;
    options.workDir = m_dir.filePath(QStringLiteral("cluster"));
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo")};
    options.sdkEndpoint = cluster::LocalCluster::Options::SdkEndpoint::Tcp;
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, qPrintable(why(cluster)));
    m_cluster = std::move(*cluster);
    const auto deployed = m_cluster->deploy(kApp, 0, {{1, Tier::Hot}});
    QVERIFY2(deployed, qPrintable(why(deployed)));
    QTRY_COMPARE_WITH_TIMEOUT(
        m_cluster->appStatus(0, kApp).value_or(QCborMap()).value(QStringLiteral("replicas")).toArray().size(), 1, 10000);
}

void TestSecurity::cleanupTestCase()
{
    m_cluster.reset();
}

QCborMap TestSecurity::agentStatus(int index) const
{
    auto ctl = m_cluster->control(index);
    if (!ctl)
        return {};
    auto status = (*ctl)->status();
    if (!status) {
        qWarning() << "status of agent" << index << "failed:" << why(status);
        return {};
    }
    return *status;
}

qint64 TestSecurity::rejected(int index, const char *counter) const
{
    return agentStatus(index).value(QStringLiteral("rejected")).toMap().value(QLatin1String(counter)).toInteger(-1);
}

std::unique_ptr<control::ControlClient> TestSecurity::controlWith(int index,
                                                                  const transport::KeyPair &keys,
                                                                  int timeoutMs) const
{
    cluster::AgentProcess &agent = m_cluster->agent(index);
    auto ctl = control::ControlClient::connect(
        control::ControlOptions{agent.listenUrl(), agent.publicKey(), keys, false, timeoutMs});
    return ctl ? std::move(*ctl) : nullptr;
}

void TestSecurity::sdkClientWithUnknownKeyIsRefusedAtOnce()
{
    const qint64 refusedBefore = rejected(0, "zap-refused");
    QCOMPARE_GE(refusedBefore, 0);
    QVERIFY(m_cluster->agent(0).sdkUrl().startsWith(QLatin1String("tcp://")));

    auto stranger = transport::generateKeyPair();
    QVERIFY(stranger);
    sdk::ClientOptions options = m_cluster->clientOptions(kApp);
    options.publicKey = stranger->publicKey;
    options.secretKey = stranger->secretKey;
    options.requestTimeoutMs = 2000;
    options.failoverTimeoutMs = 10000;
    auto client = sdk::Client::connect(options);
    QVERIFY2(client, qPrintable(why(client)));

    QElapsedTimer timer;
    timer.start();
    auto put = (*client)->put(QStringLiteral("k"), "v");
    const qint64 elapsed = timer.elapsed();
    QVERIFY(!put);
    QCOMPARE(put.error().code, ErrorCode::Unauthorized);
    QVERIFY2(put.error().message.contains(QLatin1String("allowlist")), qPrintable(put.error().message));
    // Refused by the handshake, not given up on after a request time-out or a failover search.
    QVERIFY2(elapsed < options.requestTimeoutMs, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));
    QTRY_VERIFY_WITH_TIMEOUT(rejected(0, "zap-refused") > refusedBefore, 5000);

    // The same agent and endpoint with the allowlisted client key works.
    auto allowed = m_cluster->client(kApp);
    QVERIFY2(allowed, qPrintable(why(allowed)));
    auto ok = (*allowed)->put(QStringLiteral("k"), "v");
    QVERIFY2(ok, qPrintable(why(ok)));
    auto read = (*allowed)->get(QStringLiteral("k"));
    QVERIFY2(read, qPrintable(why(read)));
    QCOMPARE(read->value.value_or(QByteArray()), QByteArray("v"));
}

void TestSecurity::controlClientWithUnknownKeyIsRefused()
{
    const qint64 refusedBefore = rejected(0, "zap-refused");
    auto stranger = transport::generateKeyPair();
    QVERIFY(stranger);
    auto ctl = controlWith(0, *stranger);
    QVERIFY(ctl);
    QElapsedTimer timer;
    timer.start();
    auto status = ctl->status();
    QVERIFY(!status);
    QCOMPARE(status.error().code, ErrorCode::Unauthorized);
    QVERIFY(timer.elapsed() < 3000);
    auto promote = ctl->promote(kApp);
    QVERIFY(!promote);
    QCOMPARE(promote.error().code, ErrorCode::Unauthorized);
    QTRY_VERIFY_WITH_TIMEOUT(rejected(0, "zap-refused") > refusedBefore, 5000);
    // Nothing changed on the agent.
    QCOMPARE(m_cluster->appStatus(1, kApp).value_or(QCborMap()).value(QStringLiteral("role")).toString(),
             QStringLiteral("replica"));
}

void TestSecurity::clientRoleCannotSendAdminCommands()
{
    const qint64 before = rejected(1, "unauthorized");
    QCOMPARE_GE(before, 0);
    auto ctl = controlWith(1, m_cluster->clientKeys());
    QVERIFY(ctl);

    // Status is open to clients: it proves the key passed ZAP and the refusals below are by role.
    auto status = ctl->status(kApp);
    QVERIFY2(status, qPrintable(why(status)));

    auto promote = ctl->promote(kApp);
    QVERIFY(!promote);
    QCOMPARE(promote.error().code, ErrorCode::Unauthorized);
    QVERIFY2(promote.error().message.contains(QLatin1String("'client'"))
                 && promote.error().message.contains(QLatin1String("promote")),
             qPrintable(promote.error().message));

    AppAssignment assignment;
    assignment.app = QStringLiteral("hijack");
    auto assign = ctl->assign(assignment);
    QVERIFY(!assign);
    QCOMPARE(assign.error().code, ErrorCode::Unauthorized);
    QVERIFY2(assign.error().message.contains(QLatin1String("assign")), qPrintable(assign.error().message));

    auto snapshot = ctl->takeSnapshot(kApp);
    QVERIFY(!snapshot);
    QCOMPARE(snapshot.error().code, ErrorCode::Unauthorized);

    QCOMPARE(rejected(1, "unauthorized"), before + 3);
    // The refused commands had no effect.
    const QCborMap after = agentStatus(1);
    QCOMPARE(after.value(QStringLiteral("apps")).toArray().size(), 1);
    QCOMPARE(m_cluster->appStatus(1, kApp).value_or(QCborMap()).value(QStringLiteral("role")).toString(),
             QStringLiteral("replica"));
}

void TestSecurity::agentRoleCannotSendAdminCommands()
{
    // Another agent's key (role agent) may replicate and read status, not give orders.
    auto bravoKeys = transport::loadKeyPair(QDir(m_cluster->workDir()).filePath(QStringLiteral("bravo.key")));
    QVERIFY2(bravoKeys, qPrintable(why(bravoKeys)));
    const qint64 before = rejected(0, "unauthorized");
    auto ctl = controlWith(0, *bravoKeys);
    QVERIFY(ctl);
    AppAssignment demote;
    demote.app = kApp;
    demote.role = Role::Replica;
    demote.tier = Tier::Hot;
    demote.primaryUrl = m_cluster->agent(1).listenUrl();
    demote.primaryPublicKey = m_cluster->agent(1).publicKey();
    auto assign = ctl->assign(demote);
    QVERIFY(!assign);
    QCOMPARE(assign.error().code, ErrorCode::Unauthorized);
    QVERIFY2(assign.error().message.contains(QLatin1String("'agent'")), qPrintable(assign.error().message));
    QCOMPARE(rejected(0, "unauthorized"), before + 1);
    QCOMPARE(m_cluster->appStatus(0, kApp).value_or(QCborMap()).value(QStringLiteral("role")).toString(),
             QStringLiteral("primary"));
}

void TestSecurity::outsiderAgentCannotJoinAsReplica()
{
    // Data the outsider must never receive.
    auto client = m_cluster->client(kApp);
    QVERIFY(client);
    for (int i = 0; i < 5; ++i) {
        auto put = (*client)->put(QStringLiteral("secret/%1").arg(i), "classified");
        QVERIFY2(put, qPrintable(why(put)));
    }
    const qint64 primarySeq
        = m_cluster->appStatus(0, kApp).value_or(QCborMap()).value(QStringLiteral("seq")).toInteger();
    QCOMPARE_GE(primarySeq, 5);

    // The outsider has its own key; its allowlist trusts our admin and alpha, but alpha's
    // allowlist does not know the outsider.
    const QString outsiderDir = m_dir.filePath(QStringLiteral("outsider"));
    QVERIFY(QDir().mkpath(outsiderDir));
    auto keys = transport::generateKeyPair();
    QVERIFY(keys);
    const QString keyFile = QDir(outsiderDir).filePath(QStringLiteral("outsider.key"));
    QVERIFY(transport::saveKeyPair(*keys, keyFile));
    const QString allowFile = QDir(outsiderDir).filePath(QStringLiteral("allowlist"));
    {
        QFile file(allowFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(m_cluster->adminKeys().publicKey + " admin admin\n" + m_cluster->agent(0).publicKey()
                   + " agent alpha\n");
    }
    cluster::AgentProcess::Options options;
    options.name = QStringLiteral("outsider");
    options.workDir = outsiderDir;
    options.keyFile = keyFile;
    options.allowFile = allowFile;
    auto outsider = cluster::AgentProcess::start(options);
    QVERIFY2(outsider, qPrintable(why(outsider)));

    auto ctl = control::ControlClient::connect(
        control::ControlOptions{(*outsider)->listenUrl(), (*outsider)->publicKey(), m_cluster->adminKeys(), false, 3000});
    QVERIFY(ctl);
    const qint64 refusedBefore = rejected(0, "zap-refused");
    AppAssignment assignment;
    assignment.app = kApp;
    assignment.role = Role::Replica;
    assignment.tier = Tier::Hot;
    assignment.primaryUrl = m_cluster->agent(0).listenUrl();
    assignment.primaryPublicKey = m_cluster->agent(0).publicKey();
    auto assigned = (*ctl)->assign(assignment);
    QVERIFY2(assigned, qPrintable(why(assigned)));

    // alpha's ZAP handler refuses the outsider's key.
    QTRY_VERIFY_WITH_TIMEOUT(rejected(0, "zap-refused") > refusedBefore, 10000);
    // Let alpha move on: a write that the legitimate hot replica acknowledges proves alpha has
    // handled replication traffic since the refusal.
    auto later = (*client)->put(QStringLiteral("secret/late"), "classified");
    QVERIFY2(later, qPrintable(why(later)));
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster->appStatus(0, kApp)
                                  .value_or(QCborMap())
                                  .value(QStringLiteral("replicas"))
                                  .toArray()
                                  .first()
                                  .toMap()
                                  .value(QStringLiteral("acked-seq"))
                                  .toInteger(),
                              qint64(later->seq),
                              10000);
    qInfo() << "alpha refused" << rejected(0, "zap-refused") - refusedBefore << "handshakes from the outsider";
    const auto outsiderApp = [&] {
        auto status = (*ctl)->status(kApp);
        return status ? status->value(QStringLiteral("apps")).toArray().first().toMap() : QCborMap();
    };
    const QCborMap seen = outsiderApp();
    QCOMPARE(seen.value(QStringLiteral("role")).toString(), QStringLiteral("replica"));
    QCOMPARE(seen.value(QStringLiteral("primary")).toMap().value(QStringLiteral("connected")).toBool(true), false);
    QCOMPARE(seen.value(QStringLiteral("seq")).toInteger(-1), 0);
    QCOMPARE(seen.value(QStringLiteral("keys")).toInteger(-1), 0);

    const QCborArray replicas
        = m_cluster->appStatus(0, kApp).value_or(QCborMap()).value(QStringLiteral("replicas")).toArray();
    QCOMPARE(replicas.size(), 1);
    QCOMPARE(replicas.first().toMap().value(QStringLiteral("agent")).toString(), QStringLiteral("bravo"));
    QVERIFY((*outsider)->isRunning());
}

void TestSecurity::wrongServerKeyFailsWithinTheTimeout_data()
{
    QTest::addColumn<bool>("sdk");
    QTest::newRow("control") << false;
    QTest::newRow("sdk") << true;
}

void TestSecurity::wrongServerKeyFailsWithinTheTimeout()
{
    QFETCH(bool, sdk);
    // alpha's endpoint, bravo's public key: the handshake cannot succeed.
    cluster::AgentProcess &alpha = m_cluster->agent(0);
    const QByteArray wrongKey = m_cluster->agent(1).publicKey();
    QVERIFY(wrongKey != alpha.publicKey());
    const int timeoutMs = 1500;

    QElapsedTimer timer;
    Error error;
    if (sdk) {
        sdk::ClientOptions options = m_cluster->clientOptions(kApp);
        options.agents = {sdk::AgentEndpoint{alpha.sdkUrl(), wrongKey}};
        options.requestTimeoutMs = timeoutMs;
        options.failoverTimeoutMs = timeoutMs;
        auto client = sdk::Client::connect(options);
        QVERIFY2(client, qPrintable(why(client)));
        timer.start();
        auto put = (*client)->put(QStringLiteral("k"), "v");
        QVERIFY(!put);
        error = put.error();
    } else {
        auto ctl = control::ControlClient::connect(
            control::ControlOptions{alpha.listenUrl(), wrongKey, m_cluster->adminKeys(), false, timeoutMs});
        QVERIFY(ctl);
        timer.start();
        auto status = (*ctl)->status();
        QVERIFY(!status);
        error = status.error();
    }
    const qint64 elapsed = timer.elapsed();
    qInfo() << "wrong server key:" << error.toString() << "after" << elapsed << "ms";
    QVERIFY2(error.code == ErrorCode::Unauthorized || error.code == ErrorCode::Timeout, qPrintable(error.toString()));
    // The message must point at the key, whatever the code.
    QVERIFY2(error.message.contains(QLatin1String("public key")), qPrintable(error.message));
    QVERIFY2(elapsed < 2 * timeoutMs + 500, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));
}

void TestSecurity::agentRefusesToStartWithoutKeys_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    const QString key = QDir(m_cluster->workDir()).filePath(QStringLiteral("alpha.key"));
    const QString allow = QDir(m_cluster->workDir()).filePath(QStringLiteral("allowlist"));
    QTest::newRow("no key, no allowlist") << QStringList() << QStringLiteral("--insecure");
    QTest::newRow("key only") << QStringList{QStringLiteral("--key"), key} << QStringLiteral("--insecure");
    QTest::newRow("allowlist only") << QStringList{QStringLiteral("--allow"), allow} << QStringLiteral("--insecure");
    QTest::newRow("missing key file") << QStringList{QStringLiteral("--key"),
                                                     m_dir.filePath(QStringLiteral("nope.key")),
                                                     QStringLiteral("--allow"),
                                                     allow}
                                      << QStringLiteral("nope.key");
}

void TestSecurity::agentRefusesToStartWithoutKeys()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    QProcess agent;
    agent.setProgram(cluster::AgentProcess::defaultBinary());
    agent.setArguments(QStringList{QStringLiteral("--name"),
                                   QStringLiteral("keyless"),
                                   QStringLiteral("--listen"),
                                   QStringLiteral("tcp://127.0.0.1:*"),
                                   QStringLiteral("--sdk"),
                                   QStringLiteral("ipc://%1/keyless.sock").arg(m_dir.path()),
                                   QStringLiteral("--data-dir"),
                                   m_dir.filePath(QStringLiteral("keyless-data"))}
                       + args);
    agent.start();
    QVERIFY2(agent.waitForFinished(10000), "the agent did not exit");
    const QString err = QString::fromUtf8(agent.readAllStandardError());
    const QString out = QString::fromUtf8(agent.readAllStandardOutput());
    QCOMPARE(agent.exitStatus(), QProcess::NormalExit);
    QVERIFY2(agent.exitCode() != 0, qPrintable(err));
    QVERIFY2(err.contains(expected), qPrintable(err));
    QVERIFY2(!out.contains(QLatin1String("ready")), qPrintable(out));
}

QTEST_GUILESS_MAIN(TestSecurity)
#include "tst_security.moc"
