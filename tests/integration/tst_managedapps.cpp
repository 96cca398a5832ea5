// Managed applications with real agents (docs/managed-apps.md): the agent on the primary's host
// runs the active instance with the documented environment, the one holding a shadow a passive
// instance (which reads its local copy and may not write), other replicas none; a promotion
// restarts the passive instance as active, fencing stops the old one, a release stops it with
// SIGTERM and, for a process that ignores it, SIGKILL after the stop timeout; a crash loop is
// reported and not restarted forever, and the engine journals what it sees in heartbeats.
// The instances are small shell scripts that write what they see into files the test reads.

#include <csignal>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "enginetesting.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/control/controlclient.h"
#include "foresight/sdk/client.h"
#include "transport/channel.h"
#include "transport/wire.h"

using namespace foresight;
using namespace foresight::testing;
using namespace Qt::StringLiterals;

namespace {

// Writes its FORESIGHT_ variables to <dir>/<agent>.<app>.<role>.env (complete when it appears,
// and then its SIGTERM trap is set), its pid to <agent>.<app>.<role>.pid, and "term" to
// <agent>.<app>.term on SIGTERM; exits on it unless IGNORE_TERM is set.
const char kScript[] = R"(#!/bin/sh
dir="$1"
base="$dir/$FORESIGHT_AGENT.$FORESIGHT_APP"
trap 'echo term >> "$base.term"; [ -n "$IGNORE_TERM" ] || exit 0' TERM
echo $$ > "$base.$FORESIGHT_ROLE.pid"
env | grep '^FORESIGHT_' | sort > "$base.$FORESIGHT_ROLE.env.tmp"
mv "$base.$FORESIGHT_ROLE.env.tmp" "$base.$FORESIGHT_ROLE.env"
while :; do sleep 0.05; done
)";

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool alive(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

QCborMap instanceOf(const cluster::LocalCluster &cluster, int agent, const QString &app)
{
    auto status = cluster.appStatus(agent, app);
    return status ? status->value(u"instance"_s).toMap() : QCborMap();
}

QString stateOf(const cluster::LocalCluster &cluster, int agent, const QString &app)
{
    return instanceOf(cluster, agent, app).value(u"state"_s).toString();
}

} // namespace

class TestManagedApps : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void activeOnPrimaryPassiveOnShadowNoneElsewhere();
    void passiveInstanceReadsLocallyAndMayNotWrite();
    void promotionRestartsPassiveAsActiveAndFencingStopsTheOld();
    void releaseSendsTermThenKillAfterTheTimeout();
    void crashLoopAndHealthAreReportedAndJournaled();
    void removingTheProcessStopsTheInstance();
    void agentsTakeTheirInstancesWithThem();

private:
    AppConfig managed(const QString &app, int stopTimeoutMs = 2000) const;
    Status assignShadow(const QString &app, int agent, int primary);
    QString file(int agent, const QString &app, const QString &suffix) const
    {
        return m_out.filePath(u"%1.%2.%3"_s.arg(m_cluster->agent(agent).name(), app, suffix));
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_out;
    QString m_script;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
};

void TestManagedApps::initTestCase()
{
    m_script = m_dir.filePath(u"instance.sh"_s);
    QFile script(m_script);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(kScript);
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    cluster::LocalCluster::Options options;
    options.workDir = m_dir.filePath(u"cluster"_s);
    options.agentNames = {u"alpha"_s, u"bravo"_s, u"charlie"_s};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, cluster ? "" : qPrintable(cluster.error().message));
    m_cluster = std::move(*cluster);
}

void TestManagedApps::cleanupTestCase()
{
    m_cluster.reset();
}

AppConfig TestManagedApps::managed(const QString &app, int stopTimeoutMs) const
{
    Q_UNUSED(app);
    AppConfig config;
    config.process.command = m_script;
    config.process.arguments = {m_out.path()};
    config.process.stopTimeoutMs = stopTimeoutMs;
    return config;
}

Status TestManagedApps::assignShadow(const QString &app, int agent, int primary)
{
    auto ctl = m_cluster->control(agent);
    if (!ctl)
        return std::unexpected(ctl.error());
    AppAssignment assignment;
    assignment.app = app;
    assignment.role = Role::Replica;
    assignment.tier = Tier::Hot;
    assignment.primaryUrl = m_cluster->listenUrl(primary);
    assignment.primaryPublicKey = m_cluster->agent(primary).publicKey();
    assignment.config = managed(app);
    assignment.shadow = true;
    auto ok = (*ctl)->assign(assignment);
    if (!ok)
        return std::unexpected(ok.error());
    return {};
}

void TestManagedApps::activeOnPrimaryPassiveOnShadowNoneElsewhere()
{
    const QString app = u"web"_s;
    // alpha primary, charlie a plain hot replica, bravo the shadow.
    QVERIFY(m_cluster->deploy(app, 0, {{2, Tier::Hot}}, managed(app)));
    QVERIFY(assignShadow(app, 1, 0));

    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(file(0, app, u"active.env"_s)), 10000);
    const auto hasVariables = [](const QByteArray &env, const QStringList &lines) {
        for (const QString &line : lines) {
            if (!env.contains(QByteArray(line.toUtf8() + '\n')))
                return false;
        }
        return true;
    };
    const QByteArray active = readAll(file(0, app, u"active.env"_s));
    QVERIFY2(hasVariables(active,
                          {u"FORESIGHT_AGENT=alpha"_s,
                           u"FORESIGHT_APP=web"_s,
                           u"FORESIGHT_ROLE=active"_s,
                           u"FORESIGHT_SDK_URL="_s + m_cluster->sdkUrl(0)}),
             active.constData());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(file(1, app, u"passive.env"_s)), 10000);
    const QByteArray passive = readAll(file(1, app, u"passive.env"_s));
    QVERIFY2(hasVariables(passive,
                          {u"FORESIGHT_AGENT=bravo"_s,
                           u"FORESIGHT_APP=web"_s,
                           u"FORESIGHT_ROLE=passive"_s,
                           u"FORESIGHT_SDK_URL="_s + m_cluster->sdkUrl(1)}),
             passive.constData());

    // The status (and so the heartbeats) say so.
    const QCborMap instance = instanceOf(*m_cluster, 0, app);
    QCOMPARE(instance.value(u"state"_s).toString(), u"running"_s);
    QCOMPARE(instance.value(u"role"_s).toString(), u"active"_s);
    QCOMPARE(instance.value(u"restarts"_s).toInteger(), 0);
    QCOMPARE(instance.value(u"pid"_s).toInteger(), readAll(file(0, app, u"active.pid"_s)).trimmed().toLongLong());
    QVERIFY(alive(instance.value(u"pid"_s).toInteger()));
    auto bravo = m_cluster->appStatus(1, app);
    QVERIFY(bravo);
    QCOMPARE(bravo->value(u"shadow"_s).toBool(), true);
    QCOMPARE(bravo->value(u"instance"_s).toMap().value(u"role"_s).toString(), u"passive"_s);

    // A replica that is no shadow runs nothing.
    auto charlie = m_cluster->appStatus(2, app);
    QVERIFY(charlie);
    QVERIFY(!charlie->contains(u"instance"_s));
    QVERIFY(!charlie->contains(u"shadow"_s));
    QVERIFY(QDir(m_out.path()).entryList({u"charlie.*"_s}).isEmpty());
}

void TestManagedApps::passiveInstanceReadsLocallyAndMayNotWrite()
{
    const QString app = u"web"_s;
    sdk::ClientOptions writerOptions = m_cluster->clientOptions(app);
    auto writer = sdk::Client::connect(writerOptions);
    QVERIFY(writer);
    QVERIFY((*writer)->put(u"greeting"_s, "hello"));

    // As the passive instance would, from its environment.
    qputenv("FORESIGHT_APP", "web");
    qputenv("FORESIGHT_SDK_URL", m_cluster->sdkUrl(1).toUtf8());
    qputenv("FORESIGHT_ROLE", "passive");
    auto options = sdk::ClientOptions::fromEnvironment();
    qunsetenv("FORESIGHT_APP");
    qunsetenv("FORESIGHT_SDK_URL");
    qunsetenv("FORESIGHT_ROLE");
    QVERIFY2(options, options ? "" : qPrintable(options.error().message));
    QVERIFY(options->passive);
    auto passive = sdk::Client::connect(*options);
    QVERIFY(passive);
    // The shadow's copy, read on bravo itself (it catches up within moments).
    QTRY_COMPARE_WITH_TIMEOUT((*passive)->get(u"greeting"_s).value_or(sdk::ReadResult{}).value,
                              std::optional<QByteArray>("hello"),
                              10000);
    const auto read = (*passive)->get(u"greeting"_s);
    QVERIFY(read->local);
    QCOMPARE((*passive)->currentAgentUrl(), m_cluster->sdkUrl(1)); // no redirect to the primary
    const auto write = (*passive)->put(u"greeting"_s, "overwritten");
    QVERIFY(!write);
    QCOMPARE(write.error().code, ErrorCode::NotPrimary);
    QVERIFY2(write.error().message.contains(u"is passive (FORESIGHT_ROLE=passive)"_s),
             qPrintable(write.error().message));
    QVERIFY(!(*passive)->remove(u"greeting"_s));
    QCOMPARE((*writer)->get(u"greeting"_s)->value, std::optional<QByteArray>("hello"));

    // The agent refuses too, for clients that are not this SDK: a write marked local gets no
    // redirect to the primary, where an unmarked one does.
    transport::ChannelOptions channelOptions;
    channelOptions.url = m_cluster->sdkUrl(1);
    auto channel = transport::openChannel(transport::sharedClientContext(), channelOptions);
    QVERIFY2(channel, channel ? "" : qPrintable(channel.error().message));
    const QCborMap put{{u"app"_s, app}, {u"key"_s, u"greeting"_s}, {u"value"_s, QByteArray("raw")}};
    QCborMap localPut = put;
    localPut.insert(u"local"_s, true);
    const auto refused = (*channel)->call(protocol::MessageType::Put, localPut, 3000);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::NotPrimary);
    QVERIFY2(refused.error().message.contains(u"a passive instance reads this copy and may not write"_s),
             qPrintable(refused.error().message));
    QVERIFY(!(*channel)->lastErrorBody().contains(u"primary-sdk"_s));
    const auto redirected = (*channel)->call(protocol::MessageType::Put, put, 3000);
    QVERIFY(!redirected);
    QCOMPARE(redirected.error().code, ErrorCode::NotPrimary);
    QCOMPARE((*channel)->lastErrorBody().value(u"primary-sdk"_s).toString(), m_cluster->sdkUrl(0));
    QCOMPARE((*writer)->get(u"greeting"_s)->value, std::optional<QByteArray>("hello"));
}

void TestManagedApps::promotionRestartsPassiveAsActiveAndFencingStopsTheOld()
{
    const QString app = u"web"_s;
    const qint64 passivePid = instanceOf(*m_cluster, 1, app).value(u"pid"_s).toInteger();
    const qint64 oldActivePid = instanceOf(*m_cluster, 0, app).value(u"pid"_s).toInteger();
    QVERIFY(alive(passivePid));
    auto bravo = m_cluster->control(1);
    QVERIFY(bravo);
    QVERIFY((*bravo)->promote(app));
    // Restarted with the new role: that is how the process learns of it.
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(file(1, app, u"active.env"_s)), 10000);
    QVERIFY(readAll(file(1, app, u"active.env"_s)).contains("FORESIGHT_ROLE=active\n"));
    QTRY_VERIFY(!alive(passivePid));
    QVERIFY(readAll(file(1, app, u"term"_s)).startsWith("term")); // stopped with SIGTERM first
    QCOMPARE(instanceOf(*m_cluster, 1, app).value(u"role"_s).toString(), u"active"_s);
    QCOMPARE(instanceOf(*m_cluster, 1, app).value(u"restarts"_s).toInteger(), 0); // not a crash

    // The old primary, fenced once it hears of the newer epoch (from charlie, which follows
    // bravo for a moment and then says hello to alpha again), stops its active instance: never two.
    const auto follow = [&](int primary) {
        AppAssignment replica;
        replica.app = app;
        replica.role = Role::Replica;
        replica.tier = Tier::Hot;
        replica.primaryUrl = m_cluster->listenUrl(primary);
        replica.primaryPublicKey = m_cluster->agent(primary).publicKey();
        replica.config = managed(app);
        auto charlie = m_cluster->control(2);
        return charlie && (*charlie)->assign(replica).has_value();
    };
    QVERIFY(follow(1));
    QTRY_VERIFY_WITH_TIMEOUT(m_cluster->appStatus(2, app).value_or(QCborMap()).value(u"epoch"_s).toInteger() >= 2,
                             10000);
    QVERIFY(follow(0));
    QTRY_VERIFY_WITH_TIMEOUT(m_cluster->appStatus(0, app).value_or(QCborMap()).contains(u"fenced"_s), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*m_cluster, 0, app), u"stopped"_s, 10000);
    QVERIFY(!alive(oldActivePid));
    QVERIFY(instanceOf(*m_cluster, 0, app).value(u"last-exit"_s).toMap().value(u"requested"_s).toBool());
    QVERIFY(follow(1));

    // Demoted to a replica that is no shadow, it runs nothing.
    AppAssignment demoted;
    demoted.app = app;
    demoted.role = Role::Replica;
    demoted.tier = Tier::Hot;
    demoted.primaryUrl = m_cluster->listenUrl(1);
    demoted.primaryPublicKey = m_cluster->agent(1).publicKey();
    demoted.config = managed(app);
    auto alpha = m_cluster->control(0);
    QVERIFY(alpha);
    QVERIFY((*alpha)->assign(demoted));
    QCOMPARE(stateOf(*m_cluster, 0, app), u"stopped"_s);
    // ... and as a shadow it runs a passive one again.
    QVERIFY(assignShadow(app, 0, 1));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(file(0, app, u"passive.env"_s)), 10000);
    QTRY_COMPARE(stateOf(*m_cluster, 0, app), u"running"_s);
    QCOMPARE(instanceOf(*m_cluster, 0, app).value(u"role"_s).toString(), u"passive"_s);
}

void TestManagedApps::releaseSendsTermThenKillAfterTheTimeout()
{
    const QString app = u"stubborn"_s;
    AppConfig config = managed(app, 1500); // room for the trap to run on a busy machine
    config.process.environment = {{u"IGNORE_TERM"_s, u"1"_s}};
    QVERIFY(m_cluster->deploy(app, 0, {}));
    auto charlie = m_cluster->control(2);
    QVERIFY(charlie);
    AppAssignment shadow;
    shadow.app = app;
    shadow.role = Role::Replica;
    shadow.tier = Tier::Hot;
    shadow.primaryUrl = m_cluster->listenUrl(0);
    shadow.primaryPublicKey = m_cluster->agent(0).publicKey();
    shadow.config = config;
    shadow.shadow = true;
    QVERIFY((*charlie)->assign(shadow));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(file(2, app, u"passive.env"_s)), 10000);
    const qint64 pid = readAll(file(2, app, u"passive.pid"_s)).trimmed().toLongLong();
    QVERIFY(alive(pid));

    QElapsedTimer sinceRelease;
    sinceRelease.start();
    QVERIFY((*charlie)->release(app));
    QTRY_VERIFY(readAll(file(2, app, u"term"_s)).startsWith("term")); // SIGTERM, which it ignores
    QVERIFY(alive(pid));
    QTRY_VERIFY_WITH_TIMEOUT(!alive(pid), 10000); // SIGKILL
    QVERIFY2(sinceRelease.elapsed() >= 1500, qPrintable(QString::number(sinceRelease.elapsed())));
}

void TestManagedApps::crashLoopAndHealthAreReportedAndJournaled()
{
    // An engine of its own, over one agent, deploys the application from the cluster file.
    QTemporaryDir dir;
    cluster::LocalCluster::Options options;
    options.workDir = dir.filePath(u"cluster"_s);
    options.agentNames = {u"alpha"_s};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, cluster ? "" : qPrintable(cluster.error().message));
    AppConfig config;
    config.process.command = u"/bin/sh"_s;
    config.process.arguments = {u"-c"_s, u"exit 3"_s};
    config.process.restartDelayMs = 400;
    config.process.restartDelayMaxMs = 800;
    config.process.crashLoopRestarts = 2;
    config.syncReplicas = 0; // no replicas
    config::ClusterConfig clusterConfig = clusterConfigFor(**cluster, 0, {}, config);
    // A second application whose process runs, with a health check that passes while a file exists.
    const QString healthFile = dir.filePath(u"healthy"_s);
    config::ClusterApp checked;
    checked.name = u"checked"_s;
    checked.primary = u"alpha"_s;
    checked.config.syncReplicas = 0;
    checked.config.process.command = u"/bin/sh"_s;
    checked.config.process.arguments = {u"-c"_s, u"while :; do sleep 0.05; done"_s};
    checked.config.process.healthCommand = {u"/bin/sh"_s, u"-c"_s, u"test -f '%1'"_s.arg(healthFile)};
    checked.config.process.healthIntervalMs = 100;
    clusterConfig.apps.append(checked);
    auto engine = startTestEngine(**cluster, clusterConfig, dir.filePath(u"store"_s));
    QVERIFY(engine);

    QTRY_COMPARE_WITH_TIMEOUT(instanceOf(**cluster, 0, kTestApp).value(u"state"_s).toString(), u"crash-loop"_s, 15000);
    const QCborMap instance = instanceOf(**cluster, 0, kTestApp);
    QCOMPARE(instance.value(u"restarts"_s).toInteger(), 2);
    QVERIFY(!instance.contains(u"pid"_s));
    QCOMPARE(instance.value(u"last-exit"_s).toMap().value(u"code"_s).toInteger(), 3);
    QVERIFY2(instance.value(u"error"_s).toString().contains(u"crash loop: 3 crashes within"_s),
             qPrintable(instance.value(u"error"_s).toString()));

    // The first crash can come before the engine's first heartbeat that shows the application;
    // the second comes after a 0.4 s back-off, which heartbeats every 0.1 s see.
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine,
                                        u"instance"_s,
                                        u"instance of shop on alpha crashed (exit 3), restart 2 in 0."_s),
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine, u"instance"_s, u"instance of shop on alpha: crash loop: 3 crashes"_s),
                             10000);
    QVERIFY(journalHas(*engine, u"instance"_s, u"restarts stopped"_s));
    // Reported, and left alone: the supervisor's tests drive the clock past any back-off.
    QCOMPARE(instanceOf(**cluster, 0, kTestApp).value(u"state"_s).toString(), u"crash-loop"_s);
    QCOMPARE(instanceOf(**cluster, 0, kTestApp).value(u"restarts"_s).toInteger(), 2);

    // Starts and health changes are journaled too.
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine, u"instance"_s, u"instance of checked on alpha started: active, pid "_s),
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine,
                                        u"instance"_s,
                                        u"instance of checked on alpha is unhealthy: health check: exit 1"_s),
                             10000);
    QVERIFY(QFile(healthFile).open(QIODevice::WriteOnly));
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(*engine, u"instance"_s, u"instance of checked on alpha is healthy again"_s),
                             10000);
    QCOMPARE(instanceOf(**cluster, 0, u"checked"_s).value(u"health"_s).toString(), u"healthy"_s);
}

void TestManagedApps::removingTheProcessStopsTheInstance()
{
    const QString app = u"removable"_s;
    QVERIFY(m_cluster->deploy(app, 2, {}, managed(app)));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*m_cluster, 2, app), u"running"_s, 10000);
    const qint64 pid = instanceOf(*m_cluster, 2, app).value(u"pid"_s).toInteger();
    // The same assign without a process (config.process null, as AppConfig writes it).
    QVERIFY(m_cluster->deploy(app, 2, {}, AppConfig()));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*m_cluster, 2, app), u"stopped"_s, 10000);
    QVERIFY(!alive(pid));
}

void TestManagedApps::agentsTakeTheirInstancesWithThem()
{
    const QString app = u"web"_s;
    // bravo runs web's active instance since the promotion, alpha its passive one.
    const qint64 active = instanceOf(*m_cluster, 1, app).value(u"pid"_s).toInteger();
    const qint64 passive = instanceOf(*m_cluster, 0, app).value(u"pid"_s).toInteger();
    QVERIFY(alive(active));
    QVERIFY(alive(passive));
    const qsizetype termsBefore = readAll(file(1, app, u"term"_s)).count("term");

    // A clean stop of the agent stops its instances cleanly: SIGTERM, waited for.
    QVERIFY(m_cluster->agent(1).terminate());
    QVERIFY(!alive(active));
    QCOMPARE(readAll(file(1, app, u"term"_s)).count("term"), termsBefore + 1);

    // An agent that dies takes its instances with it, as a failed host would.
    m_cluster->agent(0).kill();
    QTRY_VERIFY(!alive(passive));
}

QTEST_GUILESS_MAIN(TestManagedApps)
#include "tst_managedapps.moc"
