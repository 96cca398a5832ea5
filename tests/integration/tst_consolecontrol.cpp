// The console's control API (docs/protocol.md 15) driven by the real foresightctl binary, in
// front of a real failover engine watching real agents over CURVE: status with every candidate's
// terms, dry runs, refusals, maintenance, acknowledge, the journal with its actors, switchovers,
// bad raw messages, and CURVE authentication on a tcp:// control endpoint.

#include <functional>
#include <future>
#include <mutex>

#include <zmq.hpp>

#include <QCborArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "enginetesting.h"
#include "foresight/control/consolecontrol.h"
#include "foresight/protocol/message.h"
#include "foresight/storage/consolestore.h"
#include "programrun.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 30000;

template<typename T>
QString why(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

using Run = foresight::testing::ProgramRun;

Run ctl(const QStringList &args, int timeoutMs = 90000)
{
    // The variables foresightctl falls back on must not leak in from the environment.
    return foresight::testing::runProgram(QStringLiteral("foresightctl"),
                                          args,
                                          timeoutMs,
                                          foresight::testing::environmentWithout({"FORESIGHT_AGENT",
                                                                                  "FORESIGHT_AGENT_KEY",
                                                                                  "FORESIGHT_KEY",
                                                                                  "FORESIGHT_CONSOLE",
                                                                                  "FORESIGHT_CONSOLE_KEY"}));
}

AppConfig testAppConfig()
{
    AppConfig config;
    config.critical = {QStringLiteral("session/*")};
    config.syncReplicas = 1;
    config.snapshotIntervalMs = 3'600'000; // the cold replica lags: no snapshot for an hour
    return config;
}

QJsonObject appIn(const QJsonObject &status)
{
    for (const QJsonValue &app : status.value(QStringLiteral("apps")).toArray()) {
        if (app.toObject().value(QStringLiteral("name")).toString() == kTestApp)
            return app.toObject();
    }
    return {};
}

QJsonObject candidateIn(const QJsonObject &app, const QString &agent)
{
    for (const QJsonValue &candidate : app.value(QStringLiteral("candidates")).toArray()) {
        if (candidate.toObject().value(QStringLiteral("agent")).toString() == agent)
            return candidate.toObject();
    }
    return {};
}

// Waits, by the wall clock, until condition holds. For conditions that run foresightctl: QTRY_*
// counts its polls rather than time, so a slow condition would be retried far beyond its timeout.
bool eventually(const std::function<bool()> &condition, int timeoutMs = kTimeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(50);
    }
    return true;
}

// A raw DEALER on the control endpoint, for messages foresightctl would never send.
class RawPeer
{
public:
    explicit RawPeer(const QString &url)
        : m_socket(m_context, zmq::socket_type::dealer)
    {
        m_socket.set(zmq::sockopt::linger, 0);
        m_socket.connect(url.toStdString());
    }

    // Sends the frames and returns the decoded answer; an `error` with code "no-answer" if none
    // comes within 10 s.
    protocol::Message exchange(const QList<QByteArray> &frames)
    {
        for (qsizetype i = 0; i < frames.size(); ++i) {
            m_socket.send(zmq::const_buffer(frames[i].constData(), std::size_t(frames[i].size())),
                          i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
        }
        zmq::pollitem_t items[] = {{m_socket.handle(), 0, ZMQ_POLLIN, 0}};
        QList<QByteArray> reply;
        if (zmq::poll(items, 1, std::chrono::milliseconds(10000)) > 0) {
            zmq::message_t frame;
            do {
                (void) m_socket.recv(frame);
                reply.append(QByteArray(static_cast<const char *>(frame.data()), qsizetype(frame.size())));
            } while (frame.more());
        }
        if (reply.size() != 2)
            return protocol::Message{protocol::MessageType::Error,
                                     QCborMap{{QStringLiteral("code"), QStringLiteral("no-answer")}}};
        auto decoded = protocol::decode(reply[0], reply[1]);
        if (!decoded)
            return protocol::Message{protocol::MessageType::Error,
                                     QCborMap{{QStringLiteral("code"), QStringLiteral("undecodable")}}};
        return *decoded;
    }

    protocol::Message request(protocol::MessageType type, const QCborMap &body)
    {
        return exchange({protocol::encodeHeader(type), protocol::encodeBody(body)});
    }

private:
    zmq::context_t m_context{1};
    zmq::socket_t m_socket;
};

QString codeOf(const protocol::Message &reply)
{
    return reply.type == protocol::MessageType::Error ? reply.body.value(QStringLiteral("code")).toString()
                                                      : QStringLiteral("(no error)");
}

} // namespace

class TestConsoleControl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void statusShowsPhaseAndEveryCandidateTermByTerm();
    void statusOfAnUnknownApplicationIsRefused();
    void promoteDryRunSaysWhatWouldHappenAndChangesNothing();
    void promoteOfALaggingColdReplicaIsRefused();
    void maintenanceShowsInStatus();
    void hostRiskShowsInStatusAndBadValuesAreUsageErrors();
    void acknowledgeWithoutAFailoverIsAClearError();
    void journalShowsOperatorActionsWithTheActor();
    void incidentsListsNoneBeforeAFailover();
    void faultOnARealClusterIsRefusedAndJournaled();
    void faultGoesToTheDemosHandlerAndIsJournaled();
    void faultAndReportUsageErrorsNeedNoConsole();
    void badRawMessagesGetErrors_data();
    void badRawMessagesGetErrors();
    void usageErrorsNeedNoConsole();
    void importAndExportEditTheStore();
    void shadowStatusShowsCriticality();
    void partitionsOfAnApplicationAndTheirErrors();
    void shadowCommandsOfAnUnknownApplicationAreRefusedAndJournaled();
    void shadowUsageErrorsAndUpdateNeedNoConsole();
    void shadowDryRunsAreJournaledAndCreateThenRetire();
    void curveRefusesKeysThatAreNotAdmins();
    // Last: they change roles.
    void scheduledSwitchoverShowsInStatus();
    void switchoverSwapsRolesAndMeasuresThePause();

private:
    QStringList console() const { return {QStringLiteral("--console"), m_url}; }
    Run cluster(const QStringList &args) const
    {
        return ctl(QStringList{QStringLiteral("cluster")} + args + console());
    }
    Run shadow(const QStringList &args) const { return ctl(QStringList{QStringLiteral("shadow")} + args + console()); }
    Run partitions(const QStringList &args) const
    {
        return ctl(QStringList{QStringLiteral("partitions")} + args + console());
    }
    QList<storage::JournalEntry> journalEntries() const
    {
        auto store = storage::ConsoleStore::open(m_storePath);
        if (!store)
            return {};
        auto entries = (*store)->journal(0, 100000);
        return entries ? *entries : QList<storage::JournalEntry>();
    }
    bool journalHas(const QString &actor, const QString &text) const
    {
        for (const storage::JournalEntry &entry : journalEntries()) {
            if (entry.kind == QLatin1String("operator") && entry.actor == actor && entry.message.contains(text))
                return true;
        }
        return false;
    }

    QTemporaryDir m_dir;
    QString m_storePath;
    QString m_url;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;
    std::unique_ptr<control::ConsoleControlServer> m_server;
};

void TestConsoleControl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QCoreApplication::applicationDirPath() + QStringLiteral("/foresightctl")).isExecutable(),
             "foresightctl is not built beside the test");
    cluster::LocalCluster::Options options;
    options.workDir = m_dir.filePath(QStringLiteral("cluster"));
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, qPrintable(why(cluster)));
    m_cluster = std::move(*cluster);

    m_storePath = m_dir.filePath(QStringLiteral("console.db"));
    failover::ClusterEngineOptions engineOptions;
    engineOptions.config
        = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}, {2, Tier::Warm}, {3, Tier::Cold}}, testAppConfig());
    engineOptions.keys = m_cluster->adminKeys();
    engineOptions.storePath = m_storePath;
    auto engine = failover::ClusterEngine::start(engineOptions);
    QVERIFY2(engine, qPrintable(why(engine)));
    m_engine = std::move(*engine);

    control::ConsoleControlOptions control;
    control.url = QStringLiteral("ipc://") + m_dir.filePath(QStringLiteral("console.sock"));
    control.storePath = m_storePath;
    auto server = control::ConsoleControlServer::start(*m_engine, control);
    QVERIFY2(server, qPrintable(why(server)));
    m_server = std::move(*server);
    m_url = m_server->endpoint();
    QCOMPARE(m_url, control.url);
    // Only this user may connect.
    QCOMPARE(QFileInfo(m_dir.filePath(QStringLiteral("console.sock"))).permissions()
                 & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther),
             QFileDevice::Permissions());
    // A second console cannot take the endpoint over.
    auto second = control::ConsoleControlServer::start(*m_engine, control);
    QVERIFY(!second);
    QVERIFY2(second.error().message.contains(QStringLiteral("already listens")), qPrintable(second.error().message));

    QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(*m_cluster, 0).value(QStringLiteral("writable")).toBool(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(linkCount(*m_cluster, 0) == 3, kTimeoutMs);
    // Every replica has joined, the cold one too: it gets no changes from now on, so it lags.
    auto client = m_cluster->client(kTestApp);
    QVERIFY2(client, qPrintable(why(client)));
    QCOMPARE(writeMany(**client, QStringLiteral("c"), 30), QString());
    // ... and the engine has heard that the hot replica holds everything, the cold one not.
    const auto settled = [this] {
        const auto snapshot = m_engine->snapshot();
        const failover::AppView *app = appOf(snapshot);
        if (!app || app->seq < 30 || app->candidates.size() != 3)
            return false;
        bool hotCaughtUp = false, coldLags = false;
        for (const failover::ReplicaView &replica : app->replicas) {
            if (replica.agent == QLatin1String("bravo"))
                hotCaughtUp = replica.seq == app->seq && replica.lag == 0;
        }
        for (const failover::RankedCandidate &candidate : app->candidates) {
            if (candidate.facts.agent == QLatin1String("delta"))
                coldLags = candidate.seqBehind > 0;
        }
        return hotCaughtUp && coldLags;
    };
    QTRY_VERIFY_WITH_TIMEOUT(settled(), kTimeoutMs);
}

void TestConsoleControl::cleanupTestCase()
{
    m_server.reset(); // before the engine it calls into
    m_engine.reset();
    m_cluster.reset();
}

void TestConsoleControl::statusShowsPhaseAndEveryCandidateTermByTerm()
{
    const Run human = cluster({QStringLiteral("status")});
    QVERIFY2(human.exitCode == 0, qPrintable(human.describe()));
    for (const QString &text : {QStringLiteral("cluster 'test'"),
                                QStringLiteral("APP shop  [healthy]"),
                                QStringLiteral("primary alpha"),
                                QStringLiteral("failover score"),
                                QStringLiteral("REPLICA"),
                                QStringLiteral("SEQ-BEHIND"),
                                QStringLiteral("FAILURE-RISK"),
                                QStringLiteral("the console's choice"),
                                QStringLiteral("below bravo: hot before warm"),
                                QStringLiteral("below charlie: warm before cold"),
                                QStringLiteral("why bravo over charlie: hot before warm")})
        QVERIFY2(human.out.contains(text), qPrintable(text + QStringLiteral(" missing in:\n") + human.out));

    const Run json = cluster({QStringLiteral("status"), kTestApp, QStringLiteral("--json")});
    QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
    const QJsonObject status = json.json();
    QCOMPARE(status.value(QStringLiteral("agents")).toArray().size(), 4);
    const QJsonObject app = appIn(status);
    QCOMPARE(app.value(QStringLiteral("phase")).toString(), QStringLiteral("healthy"));
    QCOMPARE(app.value(QStringLiteral("primary")).toString(), QStringLiteral("alpha"));
    QCOMPARE(app.value(QStringLiteral("replicas")).toArray().size(), 3);
    QCOMPARE(app.value(QStringLiteral("choice-reason")).toString(), QStringLiteral("hot before warm"));
    const QJsonArray candidates = app.value(QStringLiteral("candidates")).toArray();
    QCOMPARE(candidates.size(), 3);
    const QJsonObject first = candidates.at(0).toObject();
    QCOMPARE(first.value(QStringLiteral("agent")).toString(), QStringLiteral("bravo"));
    QCOMPARE(first.value(QStringLiteral("rank")).toInt(), 1);
    QVERIFY(first.value(QStringLiteral("eligible")).toBool());
    QStringList termNames;
    for (const QJsonValue &term : first.value(QStringLiteral("terms")).toArray())
        termNames << term.toObject().value(QStringLiteral("name")).toString();
    QCOMPARE(termNames.mid(0, 3),
             (QStringList{QStringLiteral("tier"), QStringLiteral("seq"), QStringLiteral("seq-behind")}));
    QVERIFY(termNames.contains(QStringLiteral("failure-risk")));
    QCOMPARE(candidateIn(app, QStringLiteral("delta")).value(QStringLiteral("rank-reason")).toString(),
             QStringLiteral("warm before cold"));
    QVERIFY(app.value(QStringLiteral("score")).toObject().contains(QStringLiteral("threshold")));

    // Topology: once the agents have measured their links, status shows the round trips between
    // them, each replica's round trip to the primary, and where the hot tier stands.
    const auto humanStatus = [this] { return cluster({QStringLiteral("status")}).out; };
    QTRY_VERIFY_WITH_TIMEOUT(humanStatus().contains(QStringLiteral("LINKS (round trip)")), 30000);
    const QString withLinks = humanStatus();
    QVERIFY2(withLinks.contains(QStringLiteral("hot tier: ")), qPrintable(withLinks));
    QVERIFY2(withLinks.contains(QStringLiteral(" ms")), qPrintable(withLinks));
    const Run linksJson = cluster({QStringLiteral("status"), kTestApp, QStringLiteral("--json")});
    const QJsonArray agents = linksJson.json().value(QStringLiteral("agents")).toArray();
    QVERIFY(!agents.isEmpty());
    QVERIFY(agents.at(0).toObject().value(QStringLiteral("peers")).isArray());
}

void TestConsoleControl::statusOfAnUnknownApplicationIsRefused()
{
    const Run run = cluster({QStringLiteral("status"), QStringLiteral("nope")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("no application named 'nope'")), qPrintable(run.describe()));
}

void TestConsoleControl::promoteDryRunSaysWhatWouldHappenAndChangesNothing()
{
    const std::uint64_t epoch = appOf(m_engine->snapshot())->epoch;
    const Run run = cluster({QStringLiteral("promote"), kTestApp, QStringLiteral("--dry-run")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QVERIFY2(run.out.contains(QStringLiteral("dry run: would")) && run.out.contains(QStringLiteral("promote bravo")),
             qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("candidate: bravo (rank 1)")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("as ") + control::ConsoleControlServer::localActor()), qPrintable(run.out));

    const Run json = cluster({QStringLiteral("promote"),
                              kTestApp,
                              QStringLiteral("bravo"),
                              QStringLiteral("--dry-run"),
                              QStringLiteral("--json")});
    QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
    const QJsonObject details = json.json().value(QStringLiteral("details")).toObject();
    QVERIFY(details.value(QStringLiteral("dry-run")).toBool());
    QCOMPARE(details.value(QStringLiteral("seqs-behind")).toInt(-1), 0);
    QCOMPARE(details.value(QStringLiteral("epoch")).toInteger(), qint64(epoch + 1));

    // Nothing changed.
    QCOMPARE(primaryOf(*m_engine), QStringLiteral("alpha"));
    QCOMPARE(phaseOf(*m_engine), failover::AppPhase::Healthy);
    QCOMPARE(appOf(m_engine->snapshot())->epoch, epoch);
    QCOMPARE(textOf(*m_cluster, 1, QStringLiteral("role")), QStringLiteral("replica"));
    // The dry run is audited.
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(control::ConsoleControlServer::localActor(), QStringLiteral("dry run: would")),
                             kTimeoutMs);
}

void TestConsoleControl::promoteOfALaggingColdReplicaIsRefused()
{
    const Run run = cluster({QStringLiteral("promote"), kTestApp, QStringLiteral("delta")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("seqs behind")) && run.err.contains(QStringLiteral("force")),
             qPrintable(run.describe()));
    QCOMPARE(primaryOf(*m_engine), QStringLiteral("alpha"));
    QCOMPARE(phaseOf(*m_engine), failover::AppPhase::Healthy);
    // A dry run of the same says the same.
    const Run dry = cluster({QStringLiteral("promote"), kTestApp, QStringLiteral("delta"), QStringLiteral("--dry-run")});
    QCOMPARE(dry.exitCode, 1);
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(control::ConsoleControlServer::localActor(),
                                        QStringLiteral("promote shop to delta refused")),
                             kTimeoutMs);
}

void TestConsoleControl::maintenanceShowsInStatus()
{
    const Run on = cluster({QStringLiteral("maintenance"), QStringLiteral("charlie"), QStringLiteral("on")});
    QVERIFY2(on.exitCode == 0, qPrintable(on.describe()));
    QVERIFY2(on.out.contains(QStringLiteral("charlie is in maintenance")), qPrintable(on.out));
    const auto excluded = [this] {
        const QJsonObject status = cluster({QStringLiteral("status"), QStringLiteral("--json")}).json();
        const QJsonObject charlie = candidateIn(appIn(status), QStringLiteral("charlie"));
        return charlie.value(QStringLiteral("excluded-because")).toString();
    };
    QVERIFY(eventually([&] { return excluded() == QLatin1String("host in maintenance"); }));
    const Run human = cluster({QStringLiteral("status")});
    QVERIFY2(human.out.contains(QStringLiteral("excluded: host in maintenance")), qPrintable(human.out));
    QVERIFY2(human.out.contains(QStringLiteral("why bravo over delta: hot before cold")), qPrintable(human.out));

    const Run unknown = cluster({QStringLiteral("maintenance"), QStringLiteral("zulu"), QStringLiteral("on")});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains(QStringLiteral("no agent named 'zulu'")), qPrintable(unknown.describe()));

    const Run off = cluster({QStringLiteral("maintenance"), QStringLiteral("charlie"), QStringLiteral("off")});
    QVERIFY2(off.exitCode == 0, qPrintable(off.describe()));
    QVERIFY(eventually([&] { return excluded().isEmpty(); }));
}

void TestConsoleControl::hostRiskShowsInStatusAndBadValuesAreUsageErrors()
{
    const auto host = [this](const QStringList &args) {
        return ctl(QStringList{QStringLiteral("host"), QStringLiteral("risk")} + args + console());
    };
    const auto externalRisk = [this] {
        const QJsonObject status = cluster({QStringLiteral("status"), QStringLiteral("--json")}).json();
        for (const QJsonValue &agent : status.value(QStringLiteral("agents")).toArray()) {
            if (agent.toObject().value(QStringLiteral("name")).toString() == QLatin1String("charlie"))
                return agent.toObject().value(QStringLiteral("external-risk")).toDouble(-1);
        }
        return -2.0;
    };
    const Run set = host({QStringLiteral("charlie"), QStringLiteral("0.8")});
    QVERIFY2(set.exitCode == 0, qPrintable(set.describe()));
    QVERIFY2(set.out.contains(QStringLiteral("external failure risk of charlie set to 0.80")), qPrintable(set.out));
    QVERIFY(eventually([&] { return externalRisk() == 0.8; }));
    const Run human = cluster({QStringLiteral("status")});
    QVERIFY2(human.out.contains(QStringLiteral("ext 0.80")), qPrintable(human.out));

    const Run unknown = host({QStringLiteral("zulu"), QStringLiteral("0.5")});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains(QStringLiteral("no agent named 'zulu'")), qPrintable(unknown.describe()));
    const Run notANumber = host({QStringLiteral("charlie"), QStringLiteral("high")});
    QCOMPARE(notANumber.exitCode, 2);
    QVERIFY2(notANumber.err.contains(QStringLiteral("'high' is not a number")), qPrintable(notANumber.describe()));
    QCOMPARE(host({QStringLiteral("charlie"), QStringLiteral("nan")}).exitCode, 2);
    const Run outOfRange = host({QStringLiteral("charlie"), QStringLiteral("1.5")});
    QCOMPARE(outOfRange.exitCode, 2);
    QVERIFY2(outOfRange.err.contains(QStringLiteral("1.5 is out of range")), qPrintable(outOfRange.describe()));
    QCOMPARE(host({QStringLiteral("charlie")}).exitCode, 2);
    QCOMPARE(host({QStringLiteral("charlie"), QStringLiteral("0.5"), QStringLiteral("--dry-run")}).exitCode, 2);
    QCOMPARE(ctl(QStringList{QStringLiteral("host"), QStringLiteral("fate")} + console()).exitCode, 2);
    QCOMPARE(externalRisk(), 0.8); // none of those changed it

    // The host's inventory as the console mirrors it (docs/mirrors.md), this machine's /proc here.
    const auto inventory = [this](const QString &agent) {
        return ctl(QStringList{QStringLiteral("host"), QStringLiteral("inventory"), agent} + console());
    };
    QVERIFY(eventually([&] { return inventory(QStringLiteral("charlie")).out.contains(QStringLiteral(" CPUs")); }));
    QVERIFY2(inventory(QStringLiteral("charlie")).out.contains(QStringLiteral("copy current")),
             qPrintable(inventory(QStringLiteral("charlie")).out));
    QCOMPARE(inventory(QStringLiteral("zulu")).exitCode, 1);

    const Run clear = host({QStringLiteral("charlie"), QStringLiteral("clear")});
    QVERIFY2(clear.exitCode == 0, qPrintable(clear.describe()));
    QVERIFY2(clear.out.contains(QStringLiteral("external failure risk of charlie cleared")), qPrintable(clear.out));
    QVERIFY(eventually([&] { return externalRisk() == -1; }));
    const Run help = ctl({QStringLiteral("--help")});
    QVERIFY2(help.out.contains(QStringLiteral("host risk AGENT VALUE|clear")), qPrintable(help.out));
}

void TestConsoleControl::acknowledgeWithoutAFailoverIsAClearError()
{
    const Run run = cluster({QStringLiteral("ack"), kTestApp});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("has not failed over: nothing to acknowledge")),
             qPrintable(run.describe()));
}

void TestConsoleControl::journalShowsOperatorActionsWithTheActor()
{
    const QString actor = control::ConsoleControlServer::localActor();
    const auto hasEntry = [&](const QString &text) {
        const Run run = cluster(
            {QStringLiteral("journal"), QStringLiteral("--limit"), QStringLiteral("1000"), QStringLiteral("--json")});
        for (const QJsonValue &value : run.json().value(QStringLiteral("entries")).toArray()) {
            const QJsonObject entry = value.toObject();
            if (entry.value(QStringLiteral("kind")).toString() == QLatin1String("operator")
                && entry.value(QStringLiteral("actor")).toString() == actor
                && entry.value(QStringLiteral("message")).toString().contains(text))
                return true;
        }
        return false;
    };
    QVERIFY(eventually([&] { return hasEntry(QStringLiteral("charlie is in maintenance")); }));
    QVERIFY(eventually([&] { return hasEntry(QStringLiteral("charlie is out of maintenance")); }));
    QVERIFY(hasEntry(QStringLiteral("dry run: would")));
    QVERIFY(hasEntry(QStringLiteral("acknowledge shop refused")));

    // Human output, one application's entries only, the newest few.
    const Run human = cluster(
        {QStringLiteral("journal"), QStringLiteral("--app"), kTestApp, QStringLiteral("--limit"), QStringLiteral("3")});
    QVERIFY2(human.exitCode == 0, qPrintable(human.describe()));
    QCOMPARE(human.out.trimmed().split(QLatin1Char('\n')).size(), 4); // header and 3 entries
    QVERIFY2(human.out.contains(QStringLiteral("ACTOR")) && human.out.contains(actor), qPrintable(human.out));
    QVERIFY2(!human.out.contains(QStringLiteral("charlie is in maintenance")), qPrintable(human.out));

    // Tailing from an id.
    const Run all = cluster({QStringLiteral("journal"),
                             QStringLiteral("--after-id"),
                             QStringLiteral("0"),
                             QStringLiteral("--limit"),
                             QStringLiteral("2"),
                             QStringLiteral("--json")});
    QVERIFY2(all.exitCode == 0, qPrintable(all.describe()));
    const QJsonArray entries = all.json().value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("engine"));
    QCOMPARE(all.json().value(QStringLiteral("next-after-id")).toInteger(),
             entries.at(1).toObject().value(QStringLiteral("id")).toInteger());
}

void TestConsoleControl::incidentsListsNoneBeforeAFailover()
{
    const Run run = cluster({QStringLiteral("incidents"), kTestApp});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QCOMPARE(run.out.trimmed(), QStringLiteral("no incidents"));
    const Run json = cluster({QStringLiteral("incidents"), QStringLiteral("--json")});
    QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
    QVERIFY(json.json().value(QStringLiteral("incidents")).isArray());
}

void TestConsoleControl::faultOnARealClusterIsRefusedAndJournaled()
{
    const Run run = cluster({QStringLiteral("fault"), QStringLiteral("crash"), QStringLiteral("alpha")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("faults can be injected only into a demo")), qPrintable(run.describe()));
    QVERIFY(eventually([&] {
        return journalHas(control::ConsoleControlServer::localActor(), QStringLiteral("fault crash alpha refused"));
    }));
    QVERIFY(statusOf(*m_cluster, 0).value(QStringLiteral("writable")).toBool()); // nothing happened to alpha
}

void TestConsoleControl::faultGoesToTheDemosHandlerAndIsJournaled()
{
    // A demo's handler runs on its cluster's thread and answers later; this one answers at once,
    // and refuses corrupt the way the demo refuses a role nobody holds.
    std::mutex mutex;
    QList<control::FaultRequest> received;
    control::ConsoleControlOptions control;
    control.url = QStringLiteral("ipc://") + m_dir.filePath(QStringLiteral("demo.sock"));
    control.storePath = m_storePath;
    control.faults = [&](const control::FaultRequest &request) {
        const std::lock_guard lock(mutex);
        received.append(request);
        std::promise<Result<failover::OperatorOutcome>> answer;
        if (request.fault == QLatin1String("corrupt"))
            answer.set_value(fail(ErrorCode::NotFound, QStringLiteral("corrupt skipped: nobody is warm-replica now")));
        else
            answer.set_value(failover::OperatorOutcome{QStringLiteral("froze %1 for 2 s").arg(request.target),
                                                       QJsonObject{{QStringLiteral("agent"), request.target}}});
        return answer.get_future();
    };
    auto server = control::ConsoleControlServer::start(*m_engine, control);
    QVERIFY2(server, qPrintable(why(server)));
    const QStringList demo{QStringLiteral("--console"), control.url};

    const Run froze = ctl(QStringList{QStringLiteral("cluster"),
                                      QStringLiteral("fault"),
                                      QStringLiteral("freeze"),
                                      QStringLiteral("bravo"),
                                      QStringLiteral("--for"),
                                      QStringLiteral("2s")}
                          + demo);
    QVERIFY2(froze.exitCode == 0, qPrintable(froze.describe()));
    QVERIFY2(froze.out.contains(QStringLiteral("froze bravo for 2 s")), qPrintable(froze.describe()));
    const Run refused = ctl(QStringList{QStringLiteral("cluster"),
                                        QStringLiteral("fault"),
                                        QStringLiteral("corrupt"),
                                        QStringLiteral("warm-replica")}
                            + demo);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QStringLiteral("nobody is warm-replica now")), qPrintable(refused.describe()));
    {
        const std::lock_guard lock(mutex);
        QCOMPARE(received.size(), 2);
        QCOMPARE(received[0].fault, QStringLiteral("freeze"));
        QCOMPARE(received[0].target, QStringLiteral("bravo"));
        QCOMPARE(received[0].forMs, 2000);
        QCOMPARE(received[0].actor, control::ConsoleControlServer::localActor());
        QCOMPARE(received[1].fault, QStringLiteral("corrupt"));
    }
    // A fault that was applied is journaled as one, with its actor; a refused one as a refusal.
    const auto faultEntry = [&] {
        for (const storage::JournalEntry &entry : journalEntries()) {
            if (entry.kind == QLatin1String("fault") && entry.actor == control::ConsoleControlServer::localActor()
                && entry.message == QLatin1String("froze bravo for 2 s") && entry.agent == QLatin1String("bravo"))
                return true;
        }
        return false;
    };
    QVERIFY(eventually(faultEntry));
    QVERIFY(eventually([&] {
        return journalHas(control::ConsoleControlServer::localActor(),
                          QStringLiteral("fault corrupt warm-replica refused: corrupt skipped"));
    }));
}

void TestConsoleControl::faultAndReportUsageErrorsNeedNoConsole()
{
    const struct
    {
        QStringList args;
        QString says;
    } cases[] = {
        {{QStringLiteral("fault")}, QStringLiteral("needs a kind")},
        {{QStringLiteral("fault"), QStringLiteral("melt"), QStringLiteral("alpha")},
         QStringLiteral("unknown fault 'melt'")},
        {{QStringLiteral("fault"), QStringLiteral("crash")}, QStringLiteral("takes one target")},
        {{QStringLiteral("fault"), QStringLiteral("partition")}, QStringLiteral("takes a target")},
        {{QStringLiteral("fault"), QStringLiteral("degrade"), QStringLiteral("alpha")}, QStringLiteral("memory-leak")},
        {{QStringLiteral("fault"),
          QStringLiteral("crash"),
          QStringLiteral("alpha"),
          QStringLiteral("--for"),
          QStringLiteral("5s")},
         QStringLiteral("--for goes with freeze")},
        {{QStringLiteral("fault"),
          QStringLiteral("freeze"),
          QStringLiteral("alpha"),
          QStringLiteral("--for"),
          QStringLiteral("5x")},
         QStringLiteral("--for 5x")},
        {{QStringLiteral("status"), QStringLiteral("--for"), QStringLiteral("5s")},
         QStringLiteral("--for goes with cluster fault")},
    };
    const QStringList nowhere{QStringLiteral("--console"),
                              QStringLiteral("ipc://") + m_dir.filePath(QStringLiteral("nobody.sock"))};
    for (const auto &bad : cases) {
        const Run run = ctl(QStringList{QStringLiteral("cluster")} + bad.args + nowhere);
        QVERIFY2(run.exitCode == 2 && run.err.contains(bad.says),
                 qPrintable(bad.args.join(QLatin1Char(' ')) + QStringLiteral(": ") + run.describe()));
    }
    const struct
    {
        QStringList args;
        QString says;
    } reports[] = {
        {{QStringLiteral("report")}, QStringLiteral("report export INCIDENT")},
        {{QStringLiteral("report"), QStringLiteral("export"), QStringLiteral("latest")},
         QStringLiteral("one incident id")},
        {{QStringLiteral("report"),
          QStringLiteral("export"),
          QStringLiteral("1"),
          QStringLiteral("--format"),
          QStringLiteral("docx")},
         QStringLiteral("--format docx")},
        {{QStringLiteral("report"),
          QStringLiteral("export"),
          QStringLiteral("1"),
          QStringLiteral("--out"),
          QStringLiteral("-")},
         QStringLiteral("a PDF goes to a file")},
        {{QStringLiteral("report"),
          QStringLiteral("export"),
          QStringLiteral("1"),
          QStringLiteral("--limit"),
          QStringLiteral("5")},
         QStringLiteral("--limit does not go with report export")},
    };
    for (const auto &bad : reports) {
        const Run run = ctl(bad.args + nowhere);
        QVERIFY2(run.exitCode == 2 && run.err.contains(bad.says),
                 qPrintable(bad.args.join(QLatin1Char(' ')) + QStringLiteral(": ") + run.describe()));
    }
}

void TestConsoleControl::badRawMessagesGetErrors_data()
{
    using MT = protocol::MessageType;
    QTest::addColumn<QList<QByteArray>>("frames");
    QTest::addColumn<QString>("code");
    QTest::addColumn<qint64>("id"); // -1: the error carries none
    QTest::addColumn<QString>("words");

    const auto message = [](MT type, const QCborMap &body) {
        return QList<QByteArray>{protocol::encodeHeader(type), protocol::encodeBody(body)};
    };
    QTest::newRow("one frame") << QList<QByteArray>{protocol::encodeHeader(MT::ConsoleStatus)}
                               << QStringLiteral("protocol-error") << qint64(-1) << QStringLiteral("expected 2 frames");
    QTest::newRow("three frames") << (message(MT::ConsoleStatus, {{QStringLiteral("id"), 1}}) << QByteArray("x"))
                                  << QStringLiteral("protocol-error") << qint64(-1)
                                  << QStringLiteral("expected 2 frames");
    QTest::newRow("bad magic") << QList<QByteArray>{QByteArray("XXXX\x01\x00\x05\x01", 8),
                                                    protocol::encodeBody({{QStringLiteral("id"), 2}})}
                               << QStringLiteral("protocol-error") << qint64(2) << QStringLiteral("magic");
    QTest::newRow("body not CBOR") << QList<QByteArray>{protocol::encodeHeader(MT::ConsoleStatus),
                                                        QByteArray("\xff\xff\xff", 3)}
                                   << QStringLiteral("protocol-error") << qint64(-1)
                                   << QStringLiteral("not valid CBOR");
    QTest::newRow("unknown type") << QList<QByteArray>{QByteArray("FSGT\x01\x00\x05\x99", 8),
                                                       protocol::encodeBody({{QStringLiteral("id"), 3}})}
                                  << QStringLiteral("protocol-error") << qint64(3)
                                  << QStringLiteral("unknown message type");
    QTest::newRow("missing app") << message(MT::ConsolePromote, {{QStringLiteral("id"), 4}})
                                 << QStringLiteral("protocol-error") << qint64(4)
                                 << QStringLiteral("required field 'app' is missing");
    QTest::newRow("fault without a kind")
        << message(MT::ConsoleFault, {{QStringLiteral("id"), 12}, {QStringLiteral("target"), QStringLiteral("alpha")}})
        << QStringLiteral("protocol-error") << qint64(12) << QStringLiteral("required field 'fault' is missing");
    QTest::newRow("fault for-ms negative")
        << message(MT::ConsoleFault,
                   {{QStringLiteral("id"), 13},
                    {QStringLiteral("fault"), QStringLiteral("freeze")},
                    {QStringLiteral("for-ms"), -5}})
        << QStringLiteral("protocol-error") << qint64(13) << QStringLiteral("for-ms");
    QTest::newRow("shadow without an action")
        << message(MT::ConsoleShadow, {{QStringLiteral("id"), 16}, {QStringLiteral("app"), kTestApp}})
        << QStringLiteral("protocol-error") << qint64(16) << QStringLiteral("required field 'action' is missing");
    QTest::newRow("shadow with an unknown action")
        << message(MT::ConsoleShadow,
                   {{QStringLiteral("id"), 17},
                    {QStringLiteral("action"), QStringLiteral("clone")},
                    {QStringLiteral("app"), kTestApp}})
        << QStringLiteral("invalid-argument") << qint64(17) << QStringLiteral("'action' must be create, swap");
    QTest::newRow("shadow swap forced") << message(MT::ConsoleShadow,
                                                   {{QStringLiteral("id"), 18},
                                                    {QStringLiteral("action"), QStringLiteral("swap")},
                                                    {QStringLiteral("app"), kTestApp},
                                                    {QStringLiteral("force"), true}})
                                        << QStringLiteral("invalid-argument") << qint64(18)
                                        << QStringLiteral("'force' goes with the action promote");
    QTest::newRow("shadow of an unknown application")
        << message(MT::ConsoleShadow,
                   {{QStringLiteral("id"), 19},
                    {QStringLiteral("action"), QStringLiteral("retire")},
                    {QStringLiteral("app"), QStringLiteral("nope")}})
        << QStringLiteral("not-found") << qint64(19) << QStringLiteral("'nope'");
    QTest::newRow("report without an incident")
        << message(MT::ConsoleReport, {{QStringLiteral("id"), 14}}) << QStringLiteral("protocol-error") << qint64(14)
        << QStringLiteral("required field 'incident' is missing");
    QTest::newRow("report of an unknown incident")
        << message(MT::ConsoleReport, {{QStringLiteral("id"), 15}, {QStringLiteral("incident"), 999}})
        << QStringLiteral("not-found") << qint64(15) << QStringLiteral("999");
    QTest::newRow("app not text") << message(MT::ConsoleAcknowledge,
                                             {{QStringLiteral("id"), 5}, {QStringLiteral("app"), 7}})
                                  << QStringLiteral("protocol-error") << qint64(5)
                                  << QStringLiteral("field 'app' must be a text string");
    QTest::newRow("on not bool") << message(MT::ConsoleMaintenance,
                                            {{QStringLiteral("id"), 6},
                                             {QStringLiteral("agent"), QStringLiteral("charlie")},
                                             {QStringLiteral("on"), QStringLiteral("yes")}})
                                 << QStringLiteral("protocol-error") << qint64(6)
                                 << QStringLiteral("must be a boolean");
    QTest::newRow("host risk as text") << message(MT::ConsoleHostRisk,
                                                  {{QStringLiteral("id"), 21},
                                                   {QStringLiteral("agent"), QStringLiteral("charlie")},
                                                   {QStringLiteral("risk"), QStringLiteral("0.8")}})
                                       << QStringLiteral("protocol-error") << qint64(21)
                                       << QStringLiteral("field 'risk' must be a number");
    QTest::newRow("host risk out of range")
        << message(MT::ConsoleHostRisk,
                   {{QStringLiteral("id"), 22},
                    {QStringLiteral("agent"), QStringLiteral("charlie")},
                    {QStringLiteral("risk"), 2}})
        << QStringLiteral("invalid-argument") << qint64(22) << QStringLiteral("'risk' must be between 0 and 1, got 2");
    QTest::newRow("host risk of an unknown agent")
        << message(MT::ConsoleHostRisk,
                   {{QStringLiteral("id"), 23},
                    {QStringLiteral("agent"), QStringLiteral("zulu")},
                    {QStringLiteral("clear"), true}})
        << QStringLiteral("not-found") << qint64(23) << QStringLiteral("no agent named 'zulu'");
    QTest::newRow("empty app") << message(MT::ConsolePromote,
                                          {{QStringLiteral("id"), 7}, {QStringLiteral("app"), QString()}})
                               << QStringLiteral("invalid-argument") << qint64(7)
                               << QStringLiteral("must not be empty");
    QTest::newRow("limit 0") << message(MT::ConsoleJournal, {{QStringLiteral("id"), 8}, {QStringLiteral("limit"), 0}})
                             << QStringLiteral("invalid-argument") << qint64(8)
                             << QStringLiteral("'limit' must be between");
    QTest::newRow("at-ms in the past") << message(MT::ConsoleSwitchover,
                                                  {{QStringLiteral("id"), 9},
                                                   {QStringLiteral("app"), kTestApp},
                                                   {QStringLiteral("at-ms"), 1000}})
                                       << QStringLiteral("invalid-argument") << qint64(9)
                                       << QStringLiteral("in the past");
    QTest::newRow("a reply type") << message(MT::ConsoleStatusReply,
                                             {{QStringLiteral("id"), 10},
                                              {QStringLiteral("cluster"), QStringLiteral("x")},
                                              {QStringLiteral("taken-ms"), 1},
                                              {QStringLiteral("journal-head"), 1},
                                              {QStringLiteral("agents"), QCborArray()},
                                              {QStringLiteral("apps"), QCborArray()}})
                                  << QStringLiteral("protocol-error") << qint64(10)
                                  << QStringLiteral("not a request the console accepts");
    QTest::newRow("an agent request") << message(MT::Status, {{QStringLiteral("id"), 11}})
                                      << QStringLiteral("protocol-error") << qint64(11)
                                      << QStringLiteral("not a request the console accepts");
    QTest::newRow("oversized") << message(MT::ConsoleStatus,
                                          {{QStringLiteral("id"), 12},
                                           {QStringLiteral("app"), QString(200'000, QLatin1Char('x'))}})
                               << QStringLiteral("invalid-argument") << qint64(12)
                               << QStringLiteral("exceeds the console's limit");
}

void TestConsoleControl::badRawMessagesGetErrors()
{
    QFETCH(QList<QByteArray>, frames);
    QFETCH(QString, code);
    QFETCH(qint64, id);
    QFETCH(QString, words);
    RawPeer peer(m_url);
    const protocol::Message reply = peer.exchange(frames);
    QCOMPARE(codeOf(reply), code);
    QCOMPARE(reply.body.value(QStringLiteral("id")).toInteger(-1), id);
    QVERIFY2(reply.body.value(QStringLiteral("message")).toString().contains(words),
             qPrintable(reply.body.value(QStringLiteral("message")).toString()));
    // The console still answers, on the same connection.
    const protocol::Message status = peer.request(protocol::MessageType::ConsoleStatus, {{QStringLiteral("id"), 99}});
    QCOMPARE(status.type, protocol::MessageType::ConsoleStatusReply);
    QCOMPARE(status.body.value(QStringLiteral("id")).toInteger(), 99);
}

void TestConsoleControl::usageErrorsNeedNoConsole()
{
    const QString nowhere = QStringLiteral("ipc://") + m_dir.filePath(QStringLiteral("nobody.sock"));
    const Run unreachable = ctl(
        {QStringLiteral("cluster"), QStringLiteral("status"), QStringLiteral("--console"), nowhere});
    QCOMPARE(unreachable.exitCode, 3);
    QVERIFY2(unreachable.err.contains(QStringLiteral("no console listens")), qPrintable(unreachable.describe()));
    QCOMPARE(cluster({QStringLiteral("frobnicate")}).exitCode, 2);
    QCOMPARE(cluster({QStringLiteral("maintenance"), QStringLiteral("charlie"), QStringLiteral("maybe")}).exitCode, 2);
    const Run misplaced = cluster({QStringLiteral("status"), QStringLiteral("--force")});
    QCOMPARE(misplaced.exitCode, 2);
    QVERIFY2(misplaced.err.contains(QStringLiteral("--force goes with cluster promote")),
             qPrintable(misplaced.describe()));
    QCOMPARE(cluster({QStringLiteral("switchover"), kTestApp, QStringLiteral("--at"), QStringLiteral("soon")}).exitCode,
             2);
    const Run tcpWithoutKeys = ctl({QStringLiteral("cluster"),
                                    QStringLiteral("status"),
                                    QStringLiteral("--console"),
                                    QStringLiteral("tcp://127.0.0.1:1")});
    QCOMPARE(tcpWithoutKeys.exitCode, 2);
    QVERIFY2(tcpWithoutKeys.err.contains(QStringLiteral("--console-key")), qPrintable(tcpWithoutKeys.describe()));
}

void TestConsoleControl::shadowStatusShowsCriticality()
{
    const Run json = shadow({QStringLiteral("status"), kTestApp, QStringLiteral("--json")});
    QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
    const QJsonObject app = appIn(json.json());
    QCOMPARE(app.value(QStringLiteral("criticality")).toString(), QStringLiteral("medium"));
    QVERIFY(!app.contains(QStringLiteral("shadow"))); // none yet: the key is absent (15.4)
    const Run human = shadow({QStringLiteral("status")});
    QVERIFY2(human.exitCode == 0, qPrintable(human.describe()));
    QVERIFY2(human.out.contains(QStringLiteral("shop (criticality medium): primary alpha")), qPrintable(human.out));
    QVERIFY2(human.out.contains(QStringLiteral("no shadow")), qPrintable(human.out));
    // cluster status carries the same fields.
    QCOMPARE(appIn(cluster({QStringLiteral("status"), QStringLiteral("--json")}).json())
                 .value(QStringLiteral("criticality"))
                 .toString(),
             QStringLiteral("medium"));
}

void TestConsoleControl::partitionsOfAnApplicationAndTheirErrors()
{
    const Run unknown = partitions({QStringLiteral("nope")});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains(QStringLiteral("'nope'")), qPrintable(unknown.describe()));

    // Until the primary reports partitions (docs/protocol.md 9.2: once it has accepted a write
    // or linked a warm replica) the command says so and fails; afterwards it prints the table.
    const Run shop = partitions({kTestApp});
    if (shop.exitCode == 0) {
        QVERIFY2(shop.out.startsWith(QStringLiteral("shop (primary alpha): ")), qPrintable(shop.describe()));
        const Run json = partitions({kTestApp, QStringLiteral("--json")});
        QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
        QVERIFY(json.json().value(QStringLiteral("partitions")).toObject().value(QStringLiteral("list")).isArray());
    } else {
        QCOMPARE(shop.exitCode, 1);
        QVERIFY2(shop.err.contains(QStringLiteral("no partitions reported yet for shop: its primary alpha")),
                 qPrintable(shop.describe()));
        QCOMPARE(partitions({kTestApp, QStringLiteral("--json")}).exitCode, 1);
    }

    // Usage errors need no console.
    const QString nowhere = QStringLiteral("ipc://") + m_dir.filePath(QStringLiteral("nobody.sock"));
    QCOMPARE(ctl({QStringLiteral("partitions"), QStringLiteral("--console"), nowhere}).exitCode, 2);
    QCOMPARE(ctl({QStringLiteral("partitions"), kTestApp, QStringLiteral("other"), QStringLiteral("--console"), nowhere})
                 .exitCode,
             2);
    const Run misplaced = ctl(
        {QStringLiteral("partitions"), kTestApp, QStringLiteral("--force"), QStringLiteral("--console"), nowhere});
    QCOMPARE(misplaced.exitCode, 2);
    QVERIFY2(misplaced.err.contains(QStringLiteral("--force does not go with partitions")),
             qPrintable(misplaced.describe()));
}

void TestConsoleControl::shadowCommandsOfAnUnknownApplicationAreRefusedAndJournaled()
{
    for (const QString &action : {QStringLiteral("create"), QStringLiteral("swap"), QStringLiteral("promote")}) {
        const Run run = shadow({action, QStringLiteral("nope")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("no application 'nope'")), qPrintable(run.describe()));
    }
    const Run retire = shadow({QStringLiteral("retire"), QStringLiteral("nope"), QStringLiteral("--dry-run")});
    QCOMPARE(retire.exitCode, 1);
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(control::ConsoleControlServer::localActor(),
                                        QStringLiteral("shadow swap nope refused: no application 'nope'")),
                             kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(control::ConsoleControlServer::localActor(),
                                        QStringLiteral("shadow retire nope (dry run) refused")),
                             kTimeoutMs);
}

void TestConsoleControl::shadowUsageErrorsAndUpdateNeedNoConsole()
{
    const QString nowhere = QStringLiteral("ipc://") + m_dir.filePath(QStringLiteral("nobody-here.sock"));
    const auto nowhereRun = [&](const QStringList &args) {
        return ctl(QStringList{QStringLiteral("shadow")} + args + QStringList{QStringLiteral("--console"), nowhere});
    };
    // An update needs --process, and only an update takes it; a bad one is refused before connecting.
    const Run update = nowhereRun({QStringLiteral("update"), kTestApp});
    QCOMPARE(update.exitCode, 2);
    QVERIFY2(update.err.contains(QStringLiteral("shadow update needs --process")), qPrintable(update.describe()));
    const Run notJson = nowhereRun(
        {QStringLiteral("update"), kTestApp, QStringLiteral("--process"), QStringLiteral("{args")});
    QCOMPARE(notJson.exitCode, 2);
    QVERIFY2(notJson.err.contains(QStringLiteral("--process: not JSON")), qPrintable(notJson.describe()));
    const Run noFile = nowhereRun(
        {QStringLiteral("update"), kTestApp, QStringLiteral("--process"), QStringLiteral("@/nonexistent.json")});
    QCOMPARE(noFile.exitCode, 2);
    QVERIFY2(noFile.err.contains(QStringLiteral("cannot read /nonexistent.json")), qPrintable(noFile.describe()));
    QCOMPARE(nowhereRun({QStringLiteral("swap"), kTestApp, QStringLiteral("--process"), QStringLiteral("{}")}).exitCode,
             2);
    QCOMPARE(nowhereRun({}).exitCode, 2);
    QCOMPARE(nowhereRun({QStringLiteral("clone"), kTestApp}).exitCode, 2);
    QCOMPARE(nowhereRun({QStringLiteral("swap")}).exitCode, 2);
    QCOMPARE(nowhereRun({QStringLiteral("retire"), kTestApp, QStringLiteral("delta")}).exitCode, 2);
    const Run forced = nowhereRun({QStringLiteral("swap"), kTestApp, QStringLiteral("--force")});
    QCOMPARE(forced.exitCode, 2);
    QVERIFY2(forced.err.contains(QStringLiteral("--force goes with shadow promote")), qPrintable(forced.describe()));
    QCOMPARE(nowhereRun({QStringLiteral("status"), QStringLiteral("--dry-run")}).exitCode, 2);
    QCOMPARE(nowhereRun({QStringLiteral("create"), kTestApp, QStringLiteral("--limit"), QStringLiteral("3")}).exitCode,
             2);
    // A well-formed command with no console to answer it: unreachable.
    QCOMPARE(nowhereRun({QStringLiteral("status")}).exitCode, 3);
    const Run help = ctl({QStringLiteral("--help")});
    QVERIFY2(help.out.contains(QStringLiteral("shadow swap APP [AGENT] [--dry-run]")), qPrintable(help.out));
    QVERIFY2(help.out.contains(QStringLiteral("shadow update APP")), qPrintable(help.out));
}

void TestConsoleControl::shadowDryRunsAreJournaledAndCreateThenRetire()
{
    const Run dry = shadow({QStringLiteral("create"), kTestApp, QStringLiteral("--dry-run")});
    QVERIFY2(dry.exitCode == 0, qPrintable(dry.describe()));
    QVERIFY2(dry.out.contains(QStringLiteral("(as local:")), qPrintable(dry.out));
    QVERIFY(
        !appIn(shadow({QStringLiteral("status"), QStringLiteral("--json")}).json()).contains(QStringLiteral("shadow")));
    QTRY_VERIFY_WITH_TIMEOUT(journalEntries().size() > 0, kTimeoutMs);

    const Run created = shadow({QStringLiteral("create"), kTestApp});
    QVERIFY2(created.exitCode == 0, qPrintable(created.describe()));
    const auto shadowState = [this] {
        const QJsonObject app = appIn(shadow({QStringLiteral("status"), QStringLiteral("--json")}).json());
        return app.value(QStringLiteral("shadow")).toObject().value(QStringLiteral("state")).toString();
    };
    QVERIFY(eventually([&] { return shadowState() == QLatin1String("ready"); }));
    const Run human = shadow({QStringLiteral("status"), kTestApp});
    QVERIFY2(human.out.contains(QStringLiteral(": ready,")), qPrintable(human.out));
    const Run swapDry = shadow({QStringLiteral("swap"), kTestApp, QStringLiteral("--dry-run")});
    QVERIFY2(swapDry.exitCode == 0, qPrintable(swapDry.describe()));
    QCOMPARE(primaryOf(*m_engine), QStringLiteral("alpha"));
    const Run retired = shadow({QStringLiteral("retire"), kTestApp});
    QVERIFY2(retired.exitCode == 0, qPrintable(retired.describe()));
    QVERIFY(eventually([&] { return shadowState().isEmpty(); }));
}

void TestConsoleControl::importAndExportEditTheStore()
{
    const QString configFile = m_dir.filePath(QStringLiteral("cluster.json"));
    QFile file(configFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}}).toJson()).toJson());
    file.close();
    const QString store = m_dir.filePath(QStringLiteral("other.db"));

    const Run missing = ctl({QStringLiteral("cluster"), QStringLiteral("export"), QStringLiteral("--store"), store});
    QCOMPARE(missing.exitCode, 2);
    const Run imported = ctl(
        {QStringLiteral("cluster"), QStringLiteral("import"), configFile, QStringLiteral("--store"), store});
    QVERIFY2(imported.exitCode == 0, qPrintable(imported.describe()));
    QVERIFY2(imported.out.contains(QStringLiteral("next start")), qPrintable(imported.out));
    const Run exported = ctl({QStringLiteral("cluster"), QStringLiteral("export"), QStringLiteral("--store"), store});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.describe()));
    auto config = config::ClusterConfig::fromJson(exported.out.toUtf8(), QStringLiteral("export"));
    QVERIFY2(config, qPrintable(why(config)));
    QCOMPARE(config->agents.size(), 4);
    QCOMPARE(config->apps.first().primary, QStringLiteral("alpha"));
    // Audited in that store's journal.
    auto opened = storage::ConsoleStore::open(store);
    QVERIFY(opened);
    auto entries = (*opened)->journal(0, 10);
    QVERIFY(entries && !entries->isEmpty());
    QCOMPARE(entries->last().actor, control::ConsoleControlServer::localActor());

    QFile broken(m_dir.filePath(QStringLiteral("broken.json")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"agents\": 3}");
    broken.close();
    const Run bad = ctl(
        {QStringLiteral("cluster"), QStringLiteral("import"), broken.fileName(), QStringLiteral("--store"), store});
    QCOMPARE(bad.exitCode, 2);
    QCOMPARE(ctl({QStringLiteral("cluster"), QStringLiteral("import"), configFile}).exitCode, 2); // no --store
}

void TestConsoleControl::curveRefusesKeysThatAreNotAdmins()
{
    auto consoleKeys = transport::generateKeyPair();
    auto operatorKeys = transport::generateKeyPair();
    auto viewerKeys = transport::generateKeyPair();
    auto strangerKeys = transport::generateKeyPair();
    QVERIFY(consoleKeys && operatorKeys && viewerKeys && strangerKeys);
    const QString operatorFile = m_dir.filePath(QStringLiteral("operator.key"));
    const QString viewerFile = m_dir.filePath(QStringLiteral("viewer.key"));
    const QString strangerFile = m_dir.filePath(QStringLiteral("stranger.key"));
    QVERIFY(transport::saveKeyPair(*operatorKeys, operatorFile));
    QVERIFY(transport::saveKeyPair(*viewerKeys, viewerFile));
    QVERIFY(transport::saveKeyPair(*strangerKeys, strangerFile));
    auto allowlist = transport::Allowlist::parse(QStringLiteral("%1 admin noc-1\n%2 client dashboard\n")
                                                     .arg(QString::fromLatin1(operatorKeys->publicKey),
                                                          QString::fromLatin1(viewerKeys->publicKey)),
                                                 QStringLiteral("test"));
    QVERIFY2(allowlist, qPrintable(why(allowlist)));

    control::ConsoleControlOptions options;
    options.url = QStringLiteral("tcp://127.0.0.1:*");
    options.keys = *consoleKeys;
    options.allowlist = *allowlist;
    options.storePath = m_storePath;
    auto server = control::ConsoleControlServer::start(*m_engine, options);
    QVERIFY2(server, qPrintable(why(server)));
    const QString url = (*server)->endpoint();
    QVERIFY2(url.startsWith(QStringLiteral("tcp://127.0.0.1:")) && !url.endsWith(QLatin1Char('*')), qPrintable(url));
    const auto as = [&](const QString &keyFile, const QStringList &args) {
        return ctl(QStringList{QStringLiteral("cluster")} + args
                   + QStringList{QStringLiteral("--console"),
                                 url,
                                 QStringLiteral("--console-key"),
                                 QString::fromLatin1(consoleKeys->publicKey),
                                 QStringLiteral("--key"),
                                 keyFile});
    };

    const Run stranger = as(strangerFile, {QStringLiteral("status")});
    QCOMPARE(stranger.exitCode, 4);
    QVERIFY2(stranger.err.contains(QStringLiteral("refused this side's key")), qPrintable(stranger.describe()));

    const Run viewer = as(viewerFile, {QStringLiteral("status")});
    QCOMPARE(viewer.exitCode, 4);
    QVERIFY2(viewer.err.contains(QStringLiteral("only the role admin")), qPrintable(viewer.describe()));

    const Run status = as(operatorFile, {QStringLiteral("status"), QStringLiteral("--json")});
    QVERIFY2(status.exitCode == 0, qPrintable(status.describe()));
    QCOMPARE(appIn(status.json()).value(QStringLiteral("phase")).toString(), QStringLiteral("healthy"));
    const Run on = as(operatorFile, {QStringLiteral("maintenance"), QStringLiteral("delta"), QStringLiteral("on")});
    QVERIFY2(on.exitCode == 0 && on.out.contains(QStringLiteral("(as noc-1)")), qPrintable(on.describe()));
    const Run off = as(operatorFile, {QStringLiteral("maintenance"), QStringLiteral("delta"), QStringLiteral("off")});
    QVERIFY2(off.exitCode == 0, qPrintable(off.describe()));
    // The engine journals the operator's name; the refusal names the viewer.
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(QStringLiteral("noc-1"), QStringLiteral("delta is in maintenance")), kTimeoutMs);
    QVERIFY(journalHas(QStringLiteral("dashboard"), QStringLiteral("only the role admin")));

    // A wrong console key: the handshake cannot succeed; a clear time-out.
    auto wrong = transport::generateKeyPair();
    QVERIFY(wrong);
    const Run wrongKey = ctl({QStringLiteral("cluster"),
                              QStringLiteral("status"),
                              QStringLiteral("--console"),
                              url,
                              QStringLiteral("--console-key"),
                              QString::fromLatin1(wrong->publicKey),
                              QStringLiteral("--key"),
                              operatorFile,
                              QStringLiteral("--timeout-ms"),
                              QStringLiteral("1500")});
    QCOMPARE(wrongKey.exitCode, 3);
    QVERIFY2(wrongKey.err.contains(QStringLiteral("--console-key")), qPrintable(wrongKey.describe()));
}

void TestConsoleControl::scheduledSwitchoverShowsInStatus()
{
    const Run dry = cluster({QStringLiteral("switchover"), kTestApp, QStringLiteral("--dry-run")});
    QVERIFY2(dry.exitCode == 0, qPrintable(dry.describe()));
    QVERIFY2(dry.out.contains(QStringLiteral("dry run: would revoke alpha")), qPrintable(dry.out));
    const Run toWarm = cluster({QStringLiteral("switchover"), kTestApp, QStringLiteral("charlie")});
    QCOMPARE(toWarm.exitCode, 1);
    QVERIFY2(toWarm.err.contains(QStringLiteral("needs a hot replica")), qPrintable(toWarm.describe()));

    const Run scheduled = cluster({QStringLiteral("switchover"),
                                   kTestApp,
                                   QStringLiteral("bravo"),
                                   QStringLiteral("--at"),
                                   QStringLiteral("+3600")});
    QVERIFY2(scheduled.exitCode == 0, qPrintable(scheduled.describe()));
    QVERIFY2(scheduled.out.contains(QStringLiteral("scheduled")), qPrintable(scheduled.out));
    QVERIFY(eventually(
        [&] { return cluster({QStringLiteral("status")}).out.contains(QStringLiteral("switchover scheduled at")); }));
    const QJsonObject app = appIn(cluster({QStringLiteral("status"), QStringLiteral("--json")}).json());
    const QJsonObject at = app.value(QStringLiteral("scheduled-switchover")).toObject();
    QCOMPARE(at.value(QStringLiteral("to")).toString(), QStringLiteral("bravo"));
    QVERIFY(at.value(QStringLiteral("at-ms")).toInteger() > QDateTime::currentMSecsSinceEpoch() + 3000 * 1000);
    QCOMPARE(primaryOf(*m_engine), QStringLiteral("alpha"));
}

void TestConsoleControl::switchoverSwapsRolesAndMeasuresThePause()
{
    const Run run = cluster({QStringLiteral("switchover"), kTestApp, QStringLiteral("bravo")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QVERIFY2(run.out.contains(QStringLiteral("writes paused for")), qPrintable(run.out));
    QCOMPARE(primaryOf(*m_engine), QStringLiteral("bravo"));
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(control::ConsoleControlServer::localActor(),
                                        QStringLiteral("switchover to bravo")),
                             kTimeoutMs);
}

QTEST_GUILESS_MAIN(TestConsoleControl)
#include "tst_consolecontrol.moc"
