// Smoke tests of every executable as a user runs it: --help tells the truth, bad usage exits 2,
// and the main job (the demo) and the example application work end to end.

#include <csignal>

#include <QCborArray>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#ifdef FORESIGHT_TEST_WINDOW
#include <QImage>
#endif
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "enginetesting.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/transport/keys.h"
#include "programrun.h"

using namespace foresight;

namespace {

using Run = foresight::testing::ProgramRun;

Run run(const QString &program,
        const QStringList &args,
        int timeoutMs = 60000,
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    return foresight::testing::runProgram(program, args, timeoutMs, environment);
}

} // namespace

class TestExecutables : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpDescribesEachProgram_data();
    void helpDescribesEachProgram();
    void badUsageExitsWithTwo_data();
    void badUsageExitsWithTwo();
    void demoShowsEveryTierInSync();
    void aKilledDemoLeavesNoAgentRunning();
    void headlessRunsTheEngineOnACluster();
    void headlessWithoutConfigurationSaysWhatToDo();
#ifdef FORESIGHT_TEST_WINDOW
    void windowSaysWhyItCannotStart();
    void demoWindowRendersAScreenshot();
#endif
    void exampleCountsVisitsAcrossAPromotion();
};

void TestExecutables::helpDescribesEachProgram_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("agent") << QStringLiteral("foresight-agent")
                           << QStringList{QStringLiteral("--listen"),
                                          QStringLiteral("--insecure"),
                                          QStringLiteral("allowFile"),
                                          QStringLiteral("syncReplicas"),
                                          QStringLiteral("--time-scale")};
    QTest::newRow("ctl") << QStringLiteral("foresightctl")
                         << QStringList{QStringLiteral("status"),
                                        QStringLiteral("promote"),
                                        QStringLiteral("keygen"),
                                        QStringLiteral("cluster status"),
                                        QStringLiteral("cluster switchover"),
                                        QStringLiteral("--console"),
                                        QStringLiteral("Exit codes")};
    QTest::newRow("console") << QStringLiteral("foresight")
                             << QStringList{QStringLiteral("--demo"),
                                            QStringLiteral("--headless"),
                                            QStringLiteral("--control"),
                                            QStringLiteral("--control-allow"),
                                            QStringLiteral("--time-scale")};
    QTest::newRow("example") << QStringLiteral("foresight-example")
                             << QStringList{QStringLiteral("--agent"), QStringLiteral("--visits")};
}

void TestExecutables::helpDescribesEachProgram()
{
    QFETCH(QString, program);
    QFETCH(QStringList, mentions);
    const Run r = run(program, {QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    for (const QString &word : mentions)
        QVERIFY2(r.out.contains(word), qPrintable(program + QStringLiteral(" --help does not mention ") + word));
}

void TestExecutables::badUsageExitsWithTwo_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("names");
    QTest::newRow("agent: stray argument")
        << QStringLiteral("foresight-agent") << QStringList{QStringLiteral("oops")} << QStringLiteral("oops");
    QTest::newRow("agent: no keys") << QStringLiteral("foresight-agent")
                                    << QStringList{QStringLiteral("--listen"), QStringLiteral("tcp://127.0.0.1:*")}
                                    << QStringLiteral("--insecure");
    QTest::newRow("agent: time scale below 1")
        << QStringLiteral("foresight-agent")
        << QStringList{QStringLiteral("--insecure"), QStringLiteral("--time-scale"), QStringLiteral("0.5")}
        << QStringLiteral("time scale");
    QTest::newRow("ctl: unknown command")
        << QStringLiteral("foresightctl") << QStringList{QStringLiteral("frobnicate")} << QStringLiteral("frobnicate");
#ifdef FORESIGHT_TEST_WINDOW
    QTest::newRow("console: window with a terminal option")
        << QStringLiteral("foresight") << QStringList{QStringLiteral("--plain")} << QStringLiteral("--headless");
#else
    QTest::newRow("console: no mode") << QStringLiteral("foresight") << QStringList{} << QStringLiteral("--headless");
#endif
    QTest::newRow("console: --cluster without --headless")
        << QStringLiteral("foresight")
        << QStringList{QStringLiteral("--demo"), QStringLiteral("--cluster"), QStringLiteral("x.json")}
        << QStringLiteral("--cluster");
    QTest::newRow("console: bad writers")
        << QStringLiteral("foresight")
        << QStringList{QStringLiteral("--demo"), QStringLiteral("--writers"), QStringLiteral("0")}
        << QStringLiteral("--writers");
    QTest::newRow("console: bad time scale")
        << QStringLiteral("foresight")
        << QStringList{QStringLiteral("--demo"), QStringLiteral("--time-scale"), QStringLiteral("fast")}
        << QStringLiteral("--time-scale");
    QTest::newRow("console: time scale without --demo")
        << QStringLiteral("foresight")
        << QStringList{QStringLiteral("--headless"), QStringLiteral("--time-scale"), QStringLiteral("4")}
        << QStringLiteral("--time-scale");
}

void TestExecutables::badUsageExitsWithTwo()
{
    QFETCH(QString, program);
    QFETCH(QStringList, args);
    QFETCH(QString, names);
    const Run r = run(program, args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(names), qPrintable(r.err));
}

void TestExecutables::demoShowsEveryTierInSync()
{
    // The README's main job, as CI runs it without a terminal: plain blocks, a fixed duration.
    const Run r
        = run(QStringLiteral("foresight"),
              {QStringLiteral("--demo"), QStringLiteral("--duration"), QStringLiteral("4"), QStringLiteral("--plain")},
              120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QStringList blocks = r.out.split(QStringLiteral("\n\n\n"), Qt::SkipEmptyParts);
    QVERIFY(!blocks.isEmpty());
    for (const QString &word :
         {QStringLiteral("primary"), QStringLiteral("hot"), QStringLiteral("warm"), QStringLiteral("cold")})
        QVERIFY2(r.out.contains(word), qPrintable(r.out));
    // Four applications of different kinds, each with its primary on another agent.
    for (const QString &app :
         {QStringLiteral("shop"), QStringLiteral("arena"), QStringLiteral("prefs"), QStringLiteral("audit")}) {
        const QRegularExpression primaryRow(QStringLiteral("^%1\\s+\\w+\\s+primary\\s.*writable, 3 replica").arg(app),
                                            QRegularExpression::MultilineOption);
        QVERIFY2(primaryRow.match(r.out).hasMatch(), qPrintable(app + QStringLiteral(": ") + r.out.right(3000)));
    }
    // Some view during the run shows the hot replica at the primary's digest.
    QVERIFY2(r.out.contains(QStringLiteral("in sync (digest matches)")), qPrintable(r.out.right(3000)));
    QVERIFY2(r.out.contains(QStringLiteral("stored in SQLite")), qPrintable(r.out.right(3000)));
    QVERIFY2(!r.out.contains(QStringLiteral("MISMATCH")), qPrintable(r.out.right(3000)));
    QVERIFY2(r.err.contains(QStringLiteral("writes acknowledged, 0 failed")), qPrintable(r.err));
}

namespace {

// The processes whose parent is pid, from /proc.
QList<qint64> childrenOf(qint64 pid)
{
    QList<qint64> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool number = false;
        const qint64 child = entry.toLongLong(&number);
        if (!number)
            continue;
        QFile status(QStringLiteral("/proc/%1/status").arg(child));
        if (!status.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("PPid:") && line.mid(5).trimmed().toLongLong() == pid)
                children << child;
        }
    }
    return children;
}

// Running: it exists and is not a zombie waiting for a parent that does not reap it.
bool processRunning(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close >= 0 && close + 2 < text.size() && text[close + 2] != 'Z';
}

} // namespace

void TestExecutables::aKilledDemoLeavesNoAgentRunning()
{
    QProcess demo;
    demo.start(QCoreApplication::applicationDirPath() + QStringLiteral("/foresight"),
               {QStringLiteral("--demo"), QStringLiteral("--headless"), QStringLiteral("--plain")});
    QVERIFY2(demo.waitForStarted(), qPrintable(demo.errorString()));
    QList<qint64> agents;
    QTRY_VERIFY_WITH_TIMEOUT((agents = childrenOf(demo.processId())).size() == 4, 60000);
    ::kill(pid_t(demo.processId()), SIGKILL); // no handler runs: only the kernel can clean up
    QVERIFY(demo.waitForFinished(10000));
    for (const qint64 agent : std::as_const(agents))
        QTRY_VERIFY2_WITH_TIMEOUT(!processRunning(agent), qPrintable(QStringLiteral("agent %1").arg(agent)), 10000);
}

void TestExecutables::headlessRunsTheEngineOnACluster()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    cluster::LocalCluster::Options options;
    options.workDir = dir.filePath(QStringLiteral("cluster"));
    options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    const config::ClusterConfig config = testing::clusterConfigFor(**cluster, 0, {{1, Tier::Hot}, {2, Tier::Cold}});
    const QString configFile = dir.filePath(QStringLiteral("cluster.json"));
    QFile file(configFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(config.toJson()).toJson());
    file.close();
    const QString keyFile = dir.filePath(QStringLiteral("console.key"));
    QVERIFY(transport::saveKeyPair((*cluster)->adminKeys(), keyFile));
    const QString controlUrl = QStringLiteral("ipc://") + dir.filePath(QStringLiteral("console.sock"));

    // A real console process, driven by the real foresightctl while it runs.
    QProcess console;
    console.start(QCoreApplication::applicationDirPath() + QStringLiteral("/foresight"),
                  {QStringLiteral("--headless"),
                   QStringLiteral("--cluster"),
                   configFile,
                   QStringLiteral("--store"),
                   dir.filePath(QStringLiteral("console.db")),
                   QStringLiteral("--key"),
                   keyFile,
                   // Its own control endpoint: the default one may be taken by a console of this user.
                   QStringLiteral("--control"),
                   controlUrl,
                   // And its own HTTP API port, for the same reason.
                   QStringLiteral("--api-listen"),
                   QStringLiteral("127.0.0.1:0"),
                   QStringLiteral("--plain")});
    QVERIFY(console.waitForStarted());
    const auto ctl = [&controlUrl](QStringList args) {
        args << QStringLiteral("--console") << controlUrl;
        return run(QStringLiteral("foresightctl"), args, 30000);
    };
    const auto clusterStatus = [&ctl] { return ctl({QStringLiteral("cluster"), QStringLiteral("status")}).out; };
    // Healthy, with its replicas deployed and ranked.
    QTRY_VERIFY_WITH_TIMEOUT(clusterStatus().contains(QStringLiteral("the console's choice")), 60000);
    const Run status = ctl({QStringLiteral("cluster"), QStringLiteral("status"), QStringLiteral("shop")});
    QCOMPARE(status.exitCode, 0);
    QVERIFY2(status.out.contains(QStringLiteral("primary alpha")), qPrintable(status.out));
    QVERIFY2(status.out.contains(QStringLiteral("the console's choice")), qPrintable(status.out));
    const Run maintenance = ctl(
        {QStringLiteral("cluster"), QStringLiteral("maintenance"), QStringLiteral("charlie"), QStringLiteral("on")});
    QVERIFY2(maintenance.exitCode == 0, qPrintable(maintenance.err + maintenance.out));
    QTRY_VERIFY_WITH_TIMEOUT(clusterStatus().contains(QStringLiteral("maintenance")), 30000);
    // The journal is read back from the console store, which the engine's store thread writes a
    // moment after the snapshot shows the change: wait for it rather than race it.
    Run journal;
    QTRY_VERIFY_WITH_TIMEOUT((journal = ctl({QStringLiteral("cluster"), QStringLiteral("journal")}))
                                 .out.contains(QStringLiteral("local:")), // the actor
                             30000);
    QCOMPARE(journal.exitCode, 0);
    // Refusals come back as exit code 1 with the console's reason.
    const Run refused = ctl({QStringLiteral("cluster"), QStringLiteral("ack"), QStringLiteral("shop")});
    QVERIFY2(refused.exitCode == 1, qPrintable(refused.err + refused.out));
    const Run shadows = ctl({QStringLiteral("shadow"), QStringLiteral("status")});
    QVERIFY2(shadows.exitCode == 0 && shadows.out.contains(QStringLiteral("shop (criticality medium)")),
             qPrintable(shadows.err + shadows.out));

    // The HTTP API: where it listens is on stderr, its token beside the store, mode 0600.
    QString errSoFar;
    static const QRegularExpression apiLine(
        QStringLiteral("HTTP API on (http://127\\.0\\.0\\.1:\\d+) \\(bearer token in (.+)\\)"));
    QRegularExpressionMatch api;
    QTRY_VERIFY_WITH_TIMEOUT((api = apiLine.match(errSoFar += QString::fromUtf8(console.readAllStandardError())))
                                 .hasMatch(),
                             30000);
    const QString tokenPath = api.captured(2);
    QCOMPARE(tokenPath, dir.filePath(QStringLiteral("api-token")));
    QCOMPARE(QFile::permissions(tokenPath) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    QFile tokenFile(tokenPath);
    QVERIFY(tokenFile.open(QIODevice::ReadOnly));
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(api.captured(1) + QStringLiteral("/shadow/status?app=shop")));
    request.setRawHeader("Authorization", "Bearer " + tokenFile.readAll().trimmed());
    QNetworkReply *reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(30000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonObject shop
        = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("apps")).toArray().first().toObject();
    QCOMPARE(shop.value(QStringLiteral("primary")).toString(), QStringLiteral("alpha"));
    reply->deleteLater();

    // Its own view (one block a second) shows the same.
    QString out;
    const auto consoleOut = [&console, &out] {
        out += QString::fromUtf8(console.readAllStandardOutput());
        return out;
    };
    QTRY_VERIFY_WITH_TIMEOUT(consoleOut().contains(QStringLiteral("1. bravo (hot")), 30000);

    console.terminate(); // SIGTERM: the console stops cleanly
    QVERIFY(console.waitForFinished(30000));
    QCOMPARE(console.exitStatus(), QProcess::NormalExit);
    QCOMPARE(console.exitCode(), 0);
    out += QString::fromUtf8(console.readAllStandardOutput());
    const QString err = errSoFar + QString::fromUtf8(console.readAllStandardError());
    // The engine deployed the configured roles and showed the application healthy with its lease.
    QVERIFY2(out.contains(QStringLiteral("journal: deploy")), qPrintable(out.right(3000)));
    QVERIFY2(out.contains(QStringLiteral("APP shop: primary alpha")), qPrintable(out.right(3000)));
    QVERIFY2(out.contains(QStringLiteral("[healthy]")), qPrintable(out.right(3000)));
    QVERIFY2(out.contains(QStringLiteral("1. bravo (hot")), qPrintable(out.right(3000)));
    // It said where foresightctl finds it, and removed the socket when it stopped.
    QVERIFY2(err.contains(QStringLiteral("control API on ") + controlUrl), qPrintable(err));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("console.sock"))));
    QCOMPARE((*cluster)->appStatus(0, QStringLiteral("shop"))->value(QStringLiteral("role")).toString(),
             QStringLiteral("primary"));
}

#ifdef FORESIGHT_TEST_WINDOW
void TestExecutables::windowSaysWhyItCannotStart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A --cluster that cannot be opened fails before any window appears.
    const Run bad = run(QStringLiteral("foresight"),
                        {QStringLiteral("--cluster"),
                         dir.filePath(QStringLiteral("missing.json")),
                         QStringLiteral("--store"),
                         dir.filePath(QStringLiteral("console.db"))});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains(QStringLiteral("does not exist")), qPrintable(bad.err));
    // Without a display the window cannot open: it says what to run instead.
    QProcessEnvironment noDisplay = QProcessEnvironment::systemEnvironment();
    for (const QString &name :
         {QStringLiteral("DISPLAY"), QStringLiteral("WAYLAND_DISPLAY"), QStringLiteral("QT_QPA_PLATFORM")})
        noDisplay.remove(name);
    const Run headless = run(QStringLiteral("foresight"), {}, 60000, noDisplay);
    QCOMPARE(headless.exitCode, 2);
    QVERIFY2(headless.err.contains(QStringLiteral("foresight --headless")), qPrintable(headless.err));
}
#endif

#ifdef FORESIGHT_TEST_WINDOW
void TestExecutables::demoWindowRendersAScreenshot()
{
    // The window demo end to end, as scripts/screenshot.sh runs it: four agents, the engine, the
    // workload and the window (offscreen here), saved once the application is healthy with writes
    // flowing.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath(QStringLiteral("console.png"));
    const Run r = run(QStringLiteral("foresight"),
                      {QStringLiteral("--demo"), QStringLiteral("--screenshot"), png},
                      120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("saved the window to")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral(", 0 failed")), qPrintable(r.err));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 600);
}
#endif

void TestExecutables::headlessWithoutConfigurationSaysWhatToDo()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Run r
        = run(QStringLiteral("foresight"),
              {QStringLiteral("--headless"), QStringLiteral("--store"), dir.filePath(QStringLiteral("empty.db"))});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("holds no cluster configuration"))
                 && r.err.contains(QStringLiteral("--cluster")),
             qPrintable(r.err));
}

void TestExecutables::exampleCountsVisitsAcrossAPromotion()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY(cluster);
    cluster::LocalCluster &c = **cluster;
    QVERIFY(c.deploy(QStringLiteral("shop"), 0, {{1, Tier::Hot}, {2, Tier::Hot}}));
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(0, QStringLiteral("shop"))->value(QStringLiteral("replicas")).toArray().size(),
                              2,
                              10000);

    QStringList args{QStringLiteral("--app"), QStringLiteral("shop"), QStringLiteral("--visits"), QStringLiteral("5")};
    for (int i = 0; i < c.size(); ++i)
        args << QStringLiteral("--agent") << c.agent(i).sdkUrl();
    Run r = run(QStringLiteral("foresight-example"), args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("counter is 5 after 5 visit(s)")), qPrintable(r.out));

    // The primary dies; a hot replica is promoted and given the other as its hot replica.
    c.agent(0).kill();
    auto ctl = c.control(1);
    QVERIFY(ctl);
    QVERIFY((*ctl)->promote(QStringLiteral("shop")));
    QVERIFY(c.assignReplica(QStringLiteral("shop"), 2, Tier::Hot, 1));
    QTRY_COMPARE_WITH_TIMEOUT(c.appStatus(1, QStringLiteral("shop"))->value(QStringLiteral("replicas")).toArray().size(),
                              1,
                              10000);

    r = run(QStringLiteral("foresight-example"), args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("counter is 10 after 5 visit(s)")), qPrintable(r.out));
}

QTEST_GUILESS_MAIN(TestExecutables)
#include "tst_executables.moc"
