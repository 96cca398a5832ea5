// Client-side mirrors against real agent processes on loopback (issue 21, section 3): a read is
// served from the mirror while it is good and refreshed when it is stale; a change event
// invalidates a copy at once; a silent or lost feed is noticed; a fresh read always reads the
// primary; opt-outs are honoured; a client reads its own writes; the agent sends the state
// engine's forecast with a mirror's read; after a failover every copy is read again from the new
// primary before it is served, and none is older than the client's last acknowledged write.
// The client's time is a ManualClock driven by the test, so ages are exact.

#include <QCborArray>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "control/snapshotcbor.h"
#include "enginetesting.h"
#include "foresight/cluster/demoworkload.h"
#include "foresight/cluster/localcluster.h"
#include "foresight/control/controlclient.h"
#include "foresight/sdk/mirroredclient.h"

using namespace foresight;
using namespace foresight::testing;
using mirror::RefreshCause;

namespace {

const QString &kApp = testing::kTestApp;
constexpr int kTimeoutMs = 20000;

template<typename T>
QString why(const Result<T> &result)
{
    return result ? QString() : result.error().toString();
}

std::int64_t refreshes(const sdk::MirroredClient &client, RefreshCause cause)
{
    return client.metrics().refreshes[std::size_t(cause)];
}

} // namespace

class TestMirrors : public QObject
{
    Q_OBJECT

    cluster::LocalCluster *start(int agents,
                                 cluster::LocalCluster::Options::SdkEndpoint endpoint
                                 = cluster::LocalCluster::Options::SdkEndpoint::Unix)
    {
        m_dir = std::make_unique<QTemporaryDir>();
        cluster::LocalCluster::Options options;
        options.workDir = m_dir->path();
        options.sdkEndpoint = endpoint;
        options.agentNames = QStringList{QStringLiteral("alpha"), QStringLiteral("bravo")}.mid(0, agents);
        auto cluster = cluster::LocalCluster::start(options);
        if (!cluster) {
            qWarning().noquote() << "cannot start the cluster:" << cluster.error().toString();
            return nullptr;
        }
        m_cluster = std::move(*cluster);
        return m_cluster.get();
    }

    std::unique_ptr<sdk::MirroredClient> mirroredClient(const mirror::MirrorPolicy &policy,
                                                        const QList<int> &agents = {0},
                                                        int timeoutMs = kTimeoutMs)
    {
        sdk::ClientOptions options = m_cluster->clientOptions(kApp);
        const QList<sdk::AgentEndpoint> all = options.agents;
        options.agents.clear();
        for (int agent : agents)
            options.agents.append(all.at(agent));
        options.failoverTimeoutMs = timeoutMs;
        options.requestTimeoutMs = std::min(timeoutMs, 3000);
        options.name = QStringLiteral("tst_mirrors");
        auto client = sdk::MirroredClient::connect(options, policy, m_clock);
        if (!client) {
            qWarning().noquote() << "cannot connect:" << client.error().toString();
            return nullptr;
        }
        return std::move(*client);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    ManualClock m_clock;

private Q_SLOTS:
    void cleanup()
    {
        qunsetenv("FORESIGHT_MIRRORS");
        m_cluster.reset();
        m_dir.reset();
    }

    // Without change events (turned off here), a copy is good for its max age.
    void servesTheMirrorWhileValidAndRefreshesWhenStale()
    {
        QVERIFY(start(1));
        QVERIFY(m_cluster->deploy(kApp, 0, {}));
        auto writer = clientOf(*m_cluster, {0}, 3000, kTimeoutMs);
        QVERIFY(writer);
        QVERIFY((*writer)->put(QStringLiteral("cart/1"), "v1", sdk::Ack::Primary));

        mirror::MirrorPolicy policy;
        policy.maxAgeMs = 1000;
        policy.changeEvents = false;
        auto client = mirroredClient(policy);
        QVERIFY(client);
        auto read = client->get(QStringLiteral("cart/1"));
        QVERIFY2(read, qPrintable(why(read)));
        QVERIFY(!read->fromMirror);
        QCOMPARE(*read->value, QByteArray("v1"));
        QVERIFY(!client->eventsLive());

        // Changed at the source, but the copy is younger than its max age: served, marked, aged.
        QVERIFY((*writer)->put(QStringLiteral("cart/1"), "v2", sdk::Ack::Primary));
        m_clock.advance(400);
        read = client->get(QStringLiteral("cart/1"));
        QVERIFY(read && read->fromMirror);
        QCOMPARE(*read->value, QByteArray("v1"));
        QCOMPARE(read->ageMs, 400);

        // A fresh read always goes to the primary, and refreshes the copy.
        read = client->get(QStringLiteral("cart/1"), sdk::Freshness::Source);
        QVERIFY(read && !read->fromMirror);
        QCOMPARE(*read->value, QByteArray("v2"));
        read = client->get(QStringLiteral("cart/1"));
        QVERIFY(read && read->fromMirror);
        QCOMPARE(*read->value, QByteArray("v2"));

        // Past the max age the next read refreshes it.
        QVERIFY((*writer)->put(QStringLiteral("cart/1"), "v3", sdk::Ack::Primary));
        m_clock.advance(1000);
        read = client->get(QStringLiteral("cart/1"));
        QVERIFY(read && !read->fromMirror);
        QCOMPARE(*read->value, QByteArray("v3"));
        QCOMPARE(refreshes(*client, RefreshCause::Expired), 1);
        QCOMPARE(client->metrics().unannouncedChanges, 1);
        QCOMPARE(client->metrics().hits, 2);
        QCOMPARE(client->metrics().reads, 4); // the fresh read is not a mirror lookup

        // A key that does not exist is mirrored as absent.
        read = client->get(QStringLiteral("cart/none"));
        QVERIFY(read && !read->value);
        read = client->get(QStringLiteral("cart/none"));
        QVERIFY(read && read->fromMirror && !read->value);
    }

    void ownWritesAreReadBack()
    {
        QVERIFY(start(1));
        QVERIFY(m_cluster->deploy(kApp, 0, {}));
        auto client = mirroredClient({});
        QVERIFY(client);
        auto read = client->get(QStringLiteral("cart/7"));
        QVERIFY(read && !read->value);
        const auto receipt = client->put(QStringLiteral("cart/7"), "mine", sdk::Ack::Primary);
        QVERIFY2(receipt, qPrintable(why(receipt)));
        read = client->get(QStringLiteral("cart/7"));
        QVERIFY(read && read->fromMirror);
        QCOMPARE(*read->value, QByteArray("mine"));
        QCOMPARE(read->seq, receipt->seq);
        QVERIFY(client->remove(QStringLiteral("cart/7"), sdk::Ack::Primary));
        read = client->get(QStringLiteral("cart/7"));
        QVERIFY(read && read->fromMirror && !read->value);
    }

    void optOutsAreHonoured()
    {
        QVERIFY(start(1));
        QVERIFY(m_cluster->deploy(kApp, 0, {}));
        mirror::MirrorPolicy policy;
        policy.excludedPrefixes = {QStringLiteral("ticker/")};
        auto client = mirroredClient(policy);
        QVERIFY(client);
        for (int i = 0; i < 3; ++i) {
            auto read = client->get(QStringLiteral("ticker/eur"));
            QVERIFY(read && !read->fromMirror);
        }
        QCOMPARE(client->metrics().sourceReads, 3);
        QCOMPARE(client->mirrored(), 0);

        // Off for the whole application, from the environment.
        qputenv("FORESIGHT_MIRRORS", "off");
        auto off = mirroredClient({});
        QVERIFY(off);
        QVERIFY(!off->policy().enabled);
        for (int i = 0; i < 2; ++i) {
            auto read = off->get(QStringLiteral("cart/1"));
            QVERIFY(read && !read->fromMirror);
        }
        QCOMPARE(off->mirrored(), 0);

        // A value it does not know, and a bad policy, are refused by name.
        qputenv("FORESIGHT_MIRRORS", "sometimes");
        auto bad = sdk::MirroredClient::connect(m_cluster->clientOptions(kApp), {}, m_clock);
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QLatin1String("FORESIGHT_MIRRORS")), qPrintable(bad.error().message));
        qunsetenv("FORESIGHT_MIRRORS");
        mirror::MirrorPolicy badPolicy;
        badPolicy.windowProbes = 0;
        bad = sdk::MirroredClient::connect(m_cluster->clientOptions(kApp), badPolicy, m_clock);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        QVERIFY(bad.error().message.contains(QLatin1String("windowProbes")));
    }

    // The primary's state engine learns the key's rhythm; a mirror's read carries its forecast.
    void theAgentSendsTheForecastWithAMirrorsRead()
    {
        QVERIFY(start(1));
        QVERIFY(m_cluster->deploy(kApp, 0, {}));
        auto client = mirroredClient({});
        QVERIFY(client);
        for (int i = 0; i < 12; ++i)
            QVERIFY(client->put(QStringLiteral("gauge/1"), QByteArray::number(100 + i), sdk::Ack::Primary));
        // Its model publishes every 100 ms: ask until the forecast is there.
        std::optional<mirror::ChangeForecast> forecast;
        QVERIFY(QTest::qWaitFor(
            [&] {
                auto read = client->client().get(QStringLiteral("gauge/1"), sdk::GetOptions{true});
                if (read)
                    forecast = read->forecast;
                return forecast.has_value();
            },
            kTimeoutMs));
        QVERIFY(forecast->intervalMs >= 0);
        QVERIFY(forecast->confidence >= 0 && forecast->confidence <= 1);
        QVERIFY2(forecast->nextChangeInMs > -600'000 && forecast->nextChangeInMs < 600'000,
                 qPrintable(QString::number(forecast->nextChangeInMs)));
        // A plain read does not carry it.
        auto plain = client->client().get(QStringLiteral("gauge/1"));
        QVERIFY(plain && !plain->forecast);
    }

    // The console's engine reads the primary's mirrors from its heartbeats into the snapshot, and
    // its status (what foresightctl mirrors prints) carries them with 9.2's field names.
    void theConsoleSeesTheClientsMirrors()
    {
        QVERIFY(start(1));
        AppConfig config;
        config.syncReplicas = 0; // one agent: no hot replica to acknowledge
        auto engine = startTestEngine(*m_cluster,
                                      clusterConfigFor(*m_cluster, 0, {}, config),
                                      m_dir->filePath(QStringLiteral("console.db")));
        QVERIFY(engine);
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(*m_cluster, 0).value(QStringLiteral("writable")).toBool(), kTimeoutMs);
        mirror::MirrorPolicy policy;
        policy.reportIntervalMs = 1000;
        auto client = mirroredClient(policy);
        QVERIFY(client);
        QVERIFY(client->put(QStringLiteral("cart/1"), "v1", sdk::Ack::Primary));
        for (int i = 0; i < 3; ++i)
            QVERIFY(client->get(QStringLiteral("cart/1")));
        m_clock.advance(1000);
        QVERIFY(client->get(QStringLiteral("cart/1"))); // sends the report

        const auto reported = [&] {
            const auto snapshot = engine->snapshot();
            const failover::AppView *app = snapshot ? snapshot->app(kApp) : nullptr;
            return app && app->mirrors && !app->mirrors->clients.isEmpty();
        };
        QTRY_VERIFY_WITH_TIMEOUT(reported(), kTimeoutMs);
        const auto snapshot = engine->snapshot();
        const failover::MirrorsView &mirrors = *snapshot->app(kApp)->mirrors;
        QCOMPARE(mirrors.subscriptions, 1);
        QCOMPARE(mirrors.clients.first().client, QStringLiteral("tst_mirrors"));
        QCOMPARE(mirrors.clients.first().metrics.value(QStringLiteral("reads")).toInteger(), 3);

        const QCborMap status = control::snapshotToCbor(*snapshot, kApp);
        const QCborMap app = status.value(QStringLiteral("apps")).toArray().first().toMap();
        const QCborMap carried = app.value(QStringLiteral("mirrors")).toMap();
        QCOMPARE(carried.value(QStringLiteral("subscriptions")).toInteger(), 1);
        QCOMPARE(carried.value(QStringLiteral("clients")).toArray().size(), 1);
    }

    // A change by another client invalidates the copy as soon as its event is read: the copy
    // is served until then (bounded by the event's way), never after.
    void aChangeEventInvalidatesTheCopyAtOnce()
    {
        QVERIFY(start(1));
        QVERIFY(m_cluster->deploy(kApp, 0, {}));
        auto writer = clientOf(*m_cluster, {0}, 3000, kTimeoutMs);
        QVERIFY(writer);
        QVERIFY((*writer)->put(QStringLiteral("cart/1"), "v1", sdk::Ack::Primary));
        mirror::MirrorPolicy policy;
        policy.maxAgeMs = 1000;
        auto client = mirroredClient(policy);
        QVERIFY(client);
        auto read = client->get(QStringLiteral("cart/1"));
        QVERIFY2(read, qPrintable(why(read)));
        QVERIFY2(client->eventsLive(), qPrintable(client->eventsError()));
        // Past the max age without events, within three keep-alive intervals: still good.
        m_clock.advance(2000);
        read = client->get(QStringLiteral("cart/1"));
        QVERIFY(read && read->fromMirror);
        QVERIFY((*writer)->put(QStringLiteral("cart/1"), "v2", sdk::Ack::Primary));
        // qWaitFor, not QTRY_VERIFY, which would read once more when done.
        QVERIFY(QTest::qWaitFor(
            [&] {
                read = client->get(QStringLiteral("cart/1"));
                return read && read->value == QByteArray("v2");
            },
            kTimeoutMs));
        QVERIFY(!read->fromMirror);
        QCOMPARE(refreshes(*client, RefreshCause::Invalidated), 1);
        QCOMPARE(client->metrics().eventInvalidations, 1);
        QCOMPARE(refreshes(*client, RefreshCause::Expired), 0);
        // Served from the mirror again, at its new value.
        read = client->get(QStringLiteral("cart/1"));
        QVERIFY(read && read->fromMirror);
        QCOMPARE(*read->value, QByteArray("v2"));
        QVERIFY(client->metrics().events >= 1);
    }

    // The client reports its metrics to the primary, whose status (and so every heartbeat)
    // carries them with its own count of subscriptions and events, for the console.
    void thePrimaryCarriesTheClientsReport()
    {
        QVERIFY(start(1));
        QVERIFY(m_cluster->deploy(kApp, 0, {}));
        mirror::MirrorPolicy policy;
        policy.reportIntervalMs = 1000;
        auto client = mirroredClient(policy);
        QVERIFY(client);
        QVERIFY(client->put(QStringLiteral("cart/1"), "v1", sdk::Ack::Primary));
        for (int i = 0; i < 5; ++i)
            QVERIFY(client->get(QStringLiteral("cart/1")));
        QVERIFY(client->eventsLive());
        m_clock.advance(1000);
        auto read = client->get(QStringLiteral("cart/1")); // a hit, and the report is due
        QVERIFY(read && read->fromMirror);

        const QCborMap mirrors = statusOf(*m_cluster, 0).value(QStringLiteral("mirrors")).toMap();
        QCOMPARE(mirrors.value(QStringLiteral("subscriptions")).toInteger(), 1);
        QVERIFY(mirrors.value(QStringLiteral("events-sent")).toInteger() >= 1);
        const QCborArray clients = mirrors.value(QStringLiteral("clients")).toArray();
        QCOMPARE(clients.size(), 1);
        const QCborMap report = clients.first().toMap();
        QCOMPARE(report.value(QStringLiteral("client")).toString(), QStringLiteral("tst_mirrors"));
        const QCborMap metrics = report.value(QStringLiteral("metrics")).toMap();
        // Reported before the read that sent it was counted: the five reads before it.
        QCOMPARE(metrics.value(QStringLiteral("reads")).toInteger(), 5);
        QVERIFY(metrics.value(QStringLiteral("hits")).toInteger() >= 3);
        QVERIFY(metrics.value(QStringLiteral("events-live")).toBool());
        QCOMPARE(metrics.value(QStringLiteral("mirrored")).toInteger(), 1);
        QCOMPARE(metrics.value(QStringLiteral("writes-through")).toInteger(), 1);
    }

    // The demo's user-settings application is read through a mirror, as a front end reads
    // settings: its reader shows in the primary's report (the demo's Mirrors panel), mostly hits.
    void theDemosSettingsAreReadThroughAMirror()
    {
        QVERIFY(start(2)); // its writers ask for a hot replica's acknowledgement
        QVERIFY(m_cluster->deploy(kApp, 0, {{1, Tier::Hot}}));
        QTRY_COMPARE_WITH_TIMEOUT(linkCount(*m_cluster, 0), 1, kTimeoutMs);
        cluster::DemoWorkload workload(m_cluster->clientOptions(kApp), 1, 20, cluster::WorkloadShape::UserSettings);
        workload.start();
        const auto reader = [&] {
            const QCborMap mirrors = statusOf(*m_cluster, 0).value(QStringLiteral("mirrors")).toMap();
            for (const QCborValue &client : mirrors.value(QStringLiteral("clients")).toArray()) {
                if (client.toMap().value(QStringLiteral("client")).toString() == QLatin1String("demo-settings-reader"))
                    return client.toMap().value(QStringLiteral("metrics")).toMap();
            }
            return QCborMap();
        };
        // Reports go every 5 s on the real clock.
        QTRY_VERIFY_WITH_TIMEOUT(reader().value(QStringLiteral("reads")).toInteger() >= 100, kTimeoutMs);
        workload.stop();
        QVERIFY2(workload.lastError().isEmpty(), qPrintable(workload.lastError()));
        QVERIFY(workload.reads() >= 100);
        const QCborMap metrics = reader();
        QVERIFY2(metrics.value(QStringLiteral("hit-ratio")).toDouble() > 0.3,
                 qPrintable(QString::number(metrics.value(QStringLiteral("hit-ratio")).toDouble())));
        QVERIFY(metrics.value(QStringLiteral("events-live")).toBool());
    }

    // A primary that falls silent (frozen) stops vouching for the copies: after three keep-alive
    // intervals the feed is taken as lost, the copies are read again, and the client says why.
    void aSilentFeedIsTakenAsLost()
    {
        QVERIFY(start(1));
        QVERIFY(m_cluster->deploy(kApp, 0, {}));
        mirror::MirrorPolicy policy;
        policy.eventIntervalMs = 200;
        auto client = mirroredClient(policy, {0}, 500);
        QVERIFY(client);
        QVERIFY(client->get(QStringLiteral("cart/1")));
        QVERIFY2(client->eventsLive(), qPrintable(client->eventsError()));
        m_cluster->agent(0).freeze();
        // What it sent before it froze is read first; then nothing comes.
        auto read = client->get(QStringLiteral("cart/1"));
        QVERIFY(read && read->fromMirror);
        m_clock.advance(601);
        read = client->get(QStringLiteral("cart/1"));
        QVERIFY(!read); // the copy is not served; the frozen primary does not answer
        QVERIFY(!client->eventsLive());
        QVERIFY2(client->eventsError().contains(QLatin1String("no change event")), qPrintable(client->eventsError()));
        m_cluster->agent(0).thaw();
        read = client->get(QStringLiteral("cart/1"));
        QVERIFY2(read, qPrintable(why(read)));
        QVERIFY(!read->fromMirror);
    }

    // Over ZeroMQ the agent offers no events: the client says so and mirrors by max age alone.
    void withoutEventsOnZeroMqCopiesLiveTheirMaxAge()
    {
        QVERIFY(start(1, cluster::LocalCluster::Options::SdkEndpoint::Ipc));
        QVERIFY(m_cluster->deploy(kApp, 0, {}));
        mirror::MirrorPolicy policy;
        policy.maxAgeMs = 1000;
        auto client = mirroredClient(policy);
        QVERIFY(client);
        QVERIFY(client->get(QStringLiteral("cart/1")));
        QVERIFY(!client->eventsLive());
        QVERIFY2(client->eventsError().contains(QLatin1String("unix://")), qPrintable(client->eventsError()));
        m_clock.advance(999);
        auto read = client->get(QStringLiteral("cart/1"));
        QVERIFY(read && read->fromMirror);
        m_clock.advance(1);
        read = client->get(QStringLiteral("cart/1"));
        QVERIFY(read && !read->fromMirror);
    }

    // The primary dies; its hot replica is promoted. The lost connection ends the feed at once:
    // no copy read from the old primary is served again before it is read from the new one,
    // which the client subscribes to, and whose changes it then hears of.
    void afterAFailoverEveryCopyIsReadAgain()
    {
        QVERIFY(start(2));
        AppConfig config;
        config.syncReplicas = 1;
        QVERIFY(m_cluster->deploy(kApp, 0, {{1, Tier::Hot}}, config));
        QTRY_COMPARE_WITH_TIMEOUT(linkCount(*m_cluster, 0), 1, kTimeoutMs);
        auto client = mirroredClient({}, {0, 1});
        QVERIFY(client);
        QVERIFY(client->get(QStringLiteral("cart/b"))); // subscribes
        QVERIFY(client->eventsLive());
        QVERIFY(client->put(QStringLiteral("cart/a"), "a1"));
        QVERIFY(client->put(QStringLiteral("cart/b"), "b1"));
        auto read = client->get(QStringLiteral("cart/b"));
        QVERIFY(read && read->fromMirror);

        m_cluster->agent(0).kill();
        auto ctl = m_cluster->control(1);
        QVERIFY(ctl);
        auto promoted = (*ctl)->promote(kApp);
        QVERIFY2(promoted, qPrintable(why(promoted)));

        // The client's last acknowledged write is what it reads, from the new primary.
        read = client->get(QStringLiteral("cart/a"));
        QVERIFY2(read, qPrintable(why(read)));
        QVERIFY(!read->fromMirror);
        QCOMPARE(*read->value, QByteArray("a1"));
        QCOMPARE(client->client().currentAgentUrl(), m_cluster->sdkUrl(1));
        QVERIFY(client->metrics().resyncs >= 1);
        read = client->get(QStringLiteral("cart/b"));
        QVERIFY(read && !read->fromMirror);
        QCOMPARE(*read->value, QByteArray("b1"));
        QCOMPARE(refreshes(*client, RefreshCause::Resync), 2); // both copies

        // Subscribed to the new primary: its changes reach the copy.
        QVERIFY2(client->eventsLive(), qPrintable(client->eventsError()));
        auto writer = clientOf(*m_cluster, {1}, 3000, kTimeoutMs);
        QVERIFY(writer);
        QVERIFY((*writer)->put(QStringLiteral("cart/b"), "b2", sdk::Ack::Primary));
        QVERIFY(QTest::qWaitFor(
            [&] {
                read = client->get(QStringLiteral("cart/b"));
                return read && read->value == QByteArray("b2");
            },
            kTimeoutMs));
        QVERIFY(!read->fromMirror);
        QCOMPARE(refreshes(*client, RefreshCause::Invalidated), 1);
    }
};

QTEST_GUILESS_MAIN(TestMirrors)
#include "tst_mirrors.moc"
