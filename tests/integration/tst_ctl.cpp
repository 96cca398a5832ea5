// The real foresightctl binary against real agents: key generation, status (JSON and human),
// assign, promote, snapshot, and the documented exit codes.

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QCborArray>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/cluster/localcluster.h"
#include "programrun.h"

using namespace foresight;

namespace {

const QString kApp = QStringLiteral("shop");

template<typename T>
QString why(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

using Run = foresight::testing::ProgramRun;

// A loopback TCP port nobody listens on (bound, read back, closed).
int closedPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

Run ctl(const QStringList &args, int timeoutMs = 20000)
{
    // The variables foresightctl falls back on must not leak in from the environment.
    return foresight::testing::runProgram(QStringLiteral("foresightctl"),
                                          args,
                                          timeoutMs,
                                          foresight::testing::environmentWithout(
                                              {"FORESIGHT_AGENT", "FORESIGHT_AGENT_KEY", "FORESIGHT_KEY"}));
}

} // namespace

class TestCtl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void keygenWritesAKeyPairAndRefusesToOverwrite();
    void assignBuildsAReplicatedApp();
    void statusJsonParses();
    void statusForPeopleShowsRolesAndTiers();
    void snapshotReachesColdReplicas();
    void exitCodes_data();
    void exitCodes();
    // Last: it changes roles.
    void promoteRaisesTheEpoch();

private:
    // --agent, --agent-key and --key for agent `index`, as the admin.
    QStringList target(int index) const;
    Result<QCborMap> appStatus(int index) const { return m_cluster->appStatus(index, kApp); }

    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    QString m_strangerKey; // a key pair that no allowlist knows
};

void TestCtl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QCoreApplication::applicationDirPath() + QStringLiteral("/foresightctl")).isExecutable(),
             "foresightctl is not built beside the test");
    cluster::LocalCluster::Options options;
    options.workDir = m_dir.filePath(QStringLiteral("cluster"));
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, qPrintable(why(cluster)));
    m_cluster = std::move(*cluster);
    m_strangerKey = m_dir.filePath(QStringLiteral("stranger.key"));
}

void TestCtl::cleanupTestCase()
{
    m_cluster.reset();
}

QStringList TestCtl::target(int index) const
{
    cluster::AgentProcess &agent = m_cluster->agent(index);
    return {QStringLiteral("--agent"),
            agent.listenUrl(),
            QStringLiteral("--agent-key"),
            QString::fromLatin1(agent.publicKey()),
            QStringLiteral("--key"),
            QDir(m_cluster->workDir()).filePath(QStringLiteral("admin.key"))};
}

void TestCtl::keygenWritesAKeyPairAndRefusesToOverwrite()
{
    const Run run = ctl({QStringLiteral("keygen"), QStringLiteral("--out"), m_strangerKey});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    struct stat secret
    {};
    QCOMPARE(::stat(QFile::encodeName(m_strangerKey).constData(), &secret), 0);
    QCOMPARE(secret.st_mode & 0777, 0600u);
    QVERIFY(QFileInfo::exists(m_strangerKey + QStringLiteral(".pub")));

    auto pair = transport::loadKeyPair(m_strangerKey);
    QVERIFY2(pair, qPrintable(why(pair)));
    auto publicOnly = transport::loadPublicKey(m_strangerKey + QStringLiteral(".pub"));
    QVERIFY2(publicOnly, qPrintable(why(publicOnly)));
    QCOMPARE(*publicOnly, pair->publicKey);
    QVERIFY2(run.out.contains(QString::fromLatin1(pair->publicKey)), qPrintable(run.out));
    QFile pub(m_strangerKey + QStringLiteral(".pub"));
    QVERIFY(pub.open(QIODevice::ReadOnly));
    QVERIFY2(!pub.readAll().contains(pair->secretKey), "the .pub file holds the secret key");

    // A second run must not destroy the key.
    const Run again = ctl({QStringLiteral("keygen"), QStringLiteral("--out"), m_strangerKey});
    QCOMPARE(again.exitCode, 2);
    QVERIFY2(again.err.contains(QLatin1String("refusing to overwrite")), qPrintable(again.describe()));
    auto unchanged = transport::loadKeyPair(m_strangerKey);
    QVERIFY(unchanged);
    QCOMPARE(unchanged->secretKey, pair->secretKey);

    const Run json = ctl({QStringLiteral("keygen"),
                          QStringLiteral("--json"),
                          QStringLiteral("--out"),
                          m_dir.filePath(QStringLiteral("second.key"))});
    QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
    const QJsonObject object = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(object.value(QLatin1String("public-key")).toString().size(), 40);
    QVERIFY(object.value(QLatin1String("public-key")).toString() != QString::fromLatin1(pair->publicKey));
}

void TestCtl::assignBuildsAReplicatedApp()
{
    Run run = ctl(target(0)
                  + QStringList{QStringLiteral("assign"),
                                kApp,
                                QStringLiteral("--role"),
                                QStringLiteral("primary"),
                                QStringLiteral("--critical"),
                                QStringLiteral("session/*")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QVERIFY2(run.out.contains(QLatin1String("assigned shop")), qPrintable(run.out));

    const QString primaryUrl = m_cluster->agent(0).listenUrl();
    // The primary's key by .pub file, as an operator would pass it.
    const QString alphaPub = QDir(m_cluster->workDir()).filePath(QStringLiteral("alpha.key.pub"));
    QVERIFY(QFileInfo::exists(alphaPub));
    run = ctl(target(1)
              + QStringList{QStringLiteral("assign"),
                            kApp,
                            QStringLiteral("--role"),
                            QStringLiteral("replica"),
                            QStringLiteral("--tier"),
                            QStringLiteral("hot"),
                            QStringLiteral("--primary-url"),
                            primaryUrl,
                            QStringLiteral("--primary-key"),
                            alphaPub});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    run = ctl(target(2)
              + QStringList{QStringLiteral("assign"),
                            kApp,
                            QStringLiteral("--role"),
                            QStringLiteral("replica"),
                            QStringLiteral("--tier"),
                            QStringLiteral("cold"),
                            QStringLiteral("--primary-url"),
                            primaryUrl,
                            QStringLiteral("--primary-key"),
                            QString::fromLatin1(m_cluster->agent(0).publicKey()),
                            QStringLiteral("--snapshot-interval-ms"),
                            QStringLiteral("3600000")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));

    QTRY_COMPARE_WITH_TIMEOUT(appStatus(0).value_or(QCborMap()).value(QStringLiteral("replicas")).toArray().size(),
                              2,
                              10000);
    QCOMPARE(appStatus(1).value_or(QCborMap()).value(QStringLiteral("tier")).toString(), QStringLiteral("hot"));
    QCOMPARE(appStatus(2).value_or(QCborMap()).value(QStringLiteral("tier")).toString(), QStringLiteral("cold"));

    auto client = m_cluster->client(kApp);
    QVERIFY(client);
    for (int i = 0; i < 20; ++i) {
        auto put = (*client)->put(QStringLiteral("session/%1").arg(i), QByteArray::number(i));
        QVERIFY2(put, qPrintable(why(put)));
    }
    QTRY_COMPARE_WITH_TIMEOUT(appStatus(1).value_or(QCborMap()).value(QStringLiteral("seq")).toInteger(), 20, 10000);

    // A replica without its primary's endpoint is bad usage, refused before anything is sent.
    run = ctl(target(1)
              + QStringList{QStringLiteral("assign"),
                            QStringLiteral("other"),
                            QStringLiteral("--role"),
                            QStringLiteral("replica"),
                            QStringLiteral("--tier"),
                            QStringLiteral("lukewarm")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QLatin1String("--tier")), qPrintable(run.describe()));
}

void TestCtl::statusJsonParses()
{
    const Run run = ctl(target(0) + QStringList{QStringLiteral("status"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + QStringLiteral(": ") + run.out));
    const QJsonObject status = doc.object();
    QCOMPARE(status.value(QLatin1String("agent")).toString(), QStringLiteral("alpha"));
    QCOMPARE(status.value(QLatin1String("public-key")).toString(), QString::fromLatin1(m_cluster->agent(0).publicKey()));
    QVERIFY(!status.contains(QLatin1String("id")));
    const QJsonArray apps = status.value(QLatin1String("apps")).toArray();
    QCOMPARE(apps.size(), 1);
    const QJsonObject app = apps.first().toObject();
    QCOMPARE(app.value(QLatin1String("app")).toString(), kApp);
    QCOMPARE(app.value(QLatin1String("role")).toString(), QStringLiteral("primary"));
    QCOMPARE(app.value(QLatin1String("seq")).toInteger(), 20);
    QCOMPARE(app.value(QLatin1String("replicas")).toArray().size(), 2);

    // Status of one application on the replica.
    const Run one = ctl(target(1) + QStringList{QStringLiteral("status"), kApp, QStringLiteral("--json")});
    QVERIFY2(one.exitCode == 0, qPrintable(one.describe()));
    const QJsonObject replica
        = QJsonDocument::fromJson(one.out.toUtf8()).object().value(QLatin1String("apps")).toArray().first().toObject();
    QCOMPARE(replica.value(QLatin1String("tier")).toString(), QStringLiteral("hot"));
    QCOMPARE(replica.value(QLatin1String("primary")).toObject().value(QLatin1String("agent")).toString(),
             QStringLiteral("alpha"));
}

void TestCtl::statusForPeopleShowsRolesAndTiers()
{
    Run run = ctl(target(0) + QStringList{QStringLiteral("status")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QVERIFY2(run.out.contains(QLatin1String("agent alpha")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("shop: primary")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("bravo")) && run.out.contains(QLatin1String("charlie")),
             qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("hot")) && run.out.contains(QLatin1String("cold")), qPrintable(run.out));

    run = ctl(target(1) + QStringList{QStringLiteral("status")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QVERIFY2(run.out.contains(QLatin1String("shop: replica (hot)")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("primary alpha")) && run.out.contains(QLatin1String("connected")),
             qPrintable(run.out));
    // The replica's state model (issue 4 part 3), trying both families on the deltas it learnt.
    QVERIFY2(run.out.contains(QLatin1String("learnt from 20 deltas (0 skipped)")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("family trial:")), qPrintable(run.out));

    run = ctl(target(2) + QStringList{QStringLiteral("status")});
    QVERIFY2(run.out.contains(QLatin1String("shop: replica (cold)")), qPrintable(run.out));
}

void TestCtl::snapshotReachesColdReplicas()
{
    const qint64 seq = appStatus(0).value_or(QCborMap()).value(QStringLiteral("seq")).toInteger();
    QCOMPARE(seq, 20);
    // The cold replica's interval is an hour: only the command can make it store this sequence.
    const Run run = ctl(target(0) + QStringList{QStringLiteral("snapshot"), kApp});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QVERIFY2(run.out.contains(QStringLiteral("snapshot of shop at sequence %1 sent to 1 cold replica(s)").arg(seq)),
             qPrintable(run.out));
    QTRY_COMPARE_WITH_TIMEOUT(appStatus(2)
                                  .value_or(QCborMap())
                                  .value(QStringLiteral("stored-snapshot"))
                                  .toMap()
                                  .value(QStringLiteral("seq"))
                                  .toInteger(),
                              seq,
                              10000);

    // Snapshots come from the primary; a replica refuses.
    const Run refused = ctl(target(1) + QStringList{QStringLiteral("snapshot"), kApp});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QLatin1String("primary")), qPrintable(refused.describe()));
}

void TestCtl::promoteRaisesTheEpoch()
{
    const qint64 epoch = appStatus(1).value_or(QCborMap()).value(QStringLiteral("epoch")).toInteger();
    QCOMPARE(epoch, 1);
    const Run run = ctl(target(1) + QStringList{QStringLiteral("promote"), kApp});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QVERIFY2(run.out.contains(QLatin1String("promoted shop to primary: epoch 2, sequence 20 (was hot replica)")),
             qPrintable(run.out));
    const QCborMap promoted = appStatus(1).value_or(QCborMap());
    QCOMPARE(promoted.value(QStringLiteral("role")).toString(), QStringLiteral("primary"));
    QCOMPARE(promoted.value(QStringLiteral("epoch")).toInteger(), 2);

    // --json gives the reply for scripts.
    const Run json = ctl(target(2)
                         + QStringList{QStringLiteral("promote"),
                                       kApp,
                                       QStringLiteral("--epoch"),
                                       QStringLiteral("7"),
                                       QStringLiteral("--json")});
    QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
    const QJsonObject reply = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(reply.value(QLatin1String("epoch")).toInteger(), 7);
    QCOMPARE(reply.value(QLatin1String("former-tier")).toString(), QStringLiteral("cold"));
}

void TestCtl::exitCodes_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message"); // a part of stderr

    const QString adminKey = QDir(m_cluster->workDir()).filePath(QStringLiteral("admin.key"));
    const QString closedUrl = QStringLiteral("tcp://127.0.0.1:%1").arg(closedPort());
    QVERIFY(!closedUrl.endsWith(QLatin1String(":0")));
    // A secret key file others can read.
    const QString leakyKey = m_dir.filePath(QStringLiteral("leaky.key"));
    if (!QFileInfo::exists(leakyKey)) {
        QVERIFY(QFile::copy(adminKey, leakyKey));
        QVERIFY(QFile::setPermissions(leakyKey,
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
    }

    QTest::newRow("no command") << QStringList() << 2 << QStringLiteral("no command given");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("explode")} << 2
                                     << QStringLiteral("unknown command 'explode'");
    QTest::newRow("missing --agent") << QStringList{QStringLiteral("status")} << 2 << QStringLiteral("--agent");
    QTest::newRow("missing keys") << QStringList{QStringLiteral("status"),
                                                 QStringLiteral("--agent"),
                                                 m_cluster->agent(0).listenUrl()}
                                  << 2 << QStringLiteral("--agent-key");
    QTest::newRow("bad timeout") << target(0)
                                        + QStringList{QStringLiteral("status"),
                                                      QStringLiteral("--timeout-ms"),
                                                      QStringLiteral("soon")}
                                 << 2 << QStringLiteral("--timeout-ms");
    QTest::newRow("keygen without --out") << QStringList{QStringLiteral("keygen")} << 2 << QStringLiteral("--out");
    QTest::newRow("promote without app") << target(0) + QStringList{QStringLiteral("promote")} << 2
                                         << QStringLiteral("one application");
    QTest::newRow("assign without role") << target(0) + QStringList{QStringLiteral("assign"), kApp} << 2
                                         << QStringLiteral("--role");
    QTest::newRow("unreachable agent") << QStringList{QStringLiteral("status"),
                                                      QStringLiteral("--agent"),
                                                      closedUrl,
                                                      QStringLiteral("--agent-key"),
                                                      QString::fromLatin1(m_cluster->agent(0).publicKey()),
                                                      QStringLiteral("--key"),
                                                      adminKey,
                                                      QStringLiteral("--timeout-ms"),
                                                      QStringLiteral("300")}
                                       << 3 << QStringLiteral("no answer from %1").arg(closedUrl);
    QTest::newRow("key not allowlisted") << QStringList{QStringLiteral("status"),
                                                        QStringLiteral("--agent"),
                                                        m_cluster->agent(0).listenUrl(),
                                                        QStringLiteral("--agent-key"),
                                                        QString::fromLatin1(m_cluster->agent(0).publicKey()),
                                                        QStringLiteral("--key"),
                                                        m_strangerKey}
                                         << 4 << QStringLiteral("allowlist");
    QTest::newRow("promote of an unknown app")
        << target(0) + QStringList{QStringLiteral("promote"), QStringLiteral("nosuchapp")} << 1
        << QStringLiteral("no application 'nosuchapp'");
    QTest::newRow("status of an unknown app")
        << target(0) + QStringList{QStringLiteral("status"), QStringLiteral("nosuchapp")} << 1
        << QStringLiteral("no application 'nosuchapp'");
    QTest::newRow("missing key file") << QStringList{QStringLiteral("status"),
                                                     QStringLiteral("--agent"),
                                                     m_cluster->agent(0).listenUrl(),
                                                     QStringLiteral("--agent-key"),
                                                     QString::fromLatin1(m_cluster->agent(0).publicKey()),
                                                     QStringLiteral("--key"),
                                                     m_dir.filePath(QStringLiteral("nope.key"))}
                                      << 2 << QStringLiteral("nope.key");
    QTest::newRow("world-readable key file") << QStringList{QStringLiteral("status"),
                                                            QStringLiteral("--agent"),
                                                            m_cluster->agent(0).listenUrl(),
                                                            QStringLiteral("--agent-key"),
                                                            QString::fromLatin1(m_cluster->agent(0).publicKey()),
                                                            QStringLiteral("--key"),
                                                            leakyKey}
                                             << 2 << QStringLiteral("chmod 600");
    QTest::newRow("bad agent key") << QStringList{QStringLiteral("status"),
                                                  QStringLiteral("--agent"),
                                                  m_cluster->agent(0).listenUrl(),
                                                  QStringLiteral("--agent-key"),
                                                  QStringLiteral("not-a-key"),
                                                  QStringLiteral("--key"),
                                                  adminKey}
                                   << 2 << QStringLiteral("not-a-key");
    QTest::newRow("replica without primary url") << target(2)
                                                        + QStringList{QStringLiteral("assign"),
                                                                      QStringLiteral("other"),
                                                                      QStringLiteral("--role"),
                                                                      QStringLiteral("replica"),
                                                                      QStringLiteral("--tier"),
                                                                      QStringLiteral("warm")}
                                                 << 2 << QStringLiteral("primary's endpoint");
    QTest::newRow("replica without primary key") << target(2)
                                                        + QStringList{QStringLiteral("assign"),
                                                                      QStringLiteral("other"),
                                                                      QStringLiteral("--role"),
                                                                      QStringLiteral("replica"),
                                                                      QStringLiteral("--tier"),
                                                                      QStringLiteral("warm"),
                                                                      QStringLiteral("--primary-url"),
                                                                      m_cluster->agent(0).listenUrl()}
                                                 << 2 << QStringLiteral("--primary-key");
    // The agent refusing a well-formed command is 1, even when it calls the argument invalid.
    QTest::newRow("promote of a primary")
        << target(0) + QStringList{QStringLiteral("promote"), kApp} << 1 << QStringLiteral("already primary");
    QTest::newRow("demote a replica to primary by assign")
        << target(2) + QStringList{QStringLiteral("assign"), kApp, QStringLiteral("--role"), QStringLiteral("primary")}
        << 1 << QStringLiteral("use promote");
}

void TestCtl::exitCodes()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const Run run = ctl(args);
    QVERIFY2(run.exitCode == exitCode, qPrintable(run.describe()));
    QVERIFY2(run.err.contains(message), qPrintable(run.describe()));
    QVERIFY2(run.out.isEmpty(), qPrintable(run.describe()));
    // Refusals and usage errors are immediate; only the unreachable agent waits for its timeout.
    QVERIFY2(run.elapsedMs < 5000, qPrintable(QStringLiteral("took %1 ms").arg(run.elapsedMs)));
}

QTEST_GUILESS_MAIN(TestCtl)
#include "tst_ctl.moc"
