// Applications' impact functions reach the agents (issue 20; docs/protocol.md 9.3 `impact`):
// real agents take the rules an `assign` carries and report how many they hold (`impact-rules`),
// primary and replicas alike; a bad rule refuses the whole assign with an error naming the field
// and changes nothing; an assign without `impact` keeps the rules, an empty array clears them;
// a promote carries them too (9.4); and the ClusterEngine sends every agent of an application the
// rules of its configuration, so that a replica promoted by a console started with new rules
// serves with those.

#include <QCborArray>
#include <QCborMap>
#include <QTemporaryDir>
#include <QTest>

#include "enginetesting.h"
#include "foresight/cluster/demoworkload.h"
#include "foresight/cluster/localcluster.h"
#include "transport/channel.h"
#include "transport/wire.h"

using namespace foresight;
using namespace foresight::testing;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 15000;
const QString kApp = u"rules"_s; // assigned by hand; the engine's application is kTestApp

QCborMap rule(const QStringList &keys, const QString &impactClass)
{
    return QCborMap{{u"keys"_s, QCborArray::fromStringList(keys)}, {u"class"_s, impactClass}};
}

const QCborArray kTwoRules{rule({u"session/*"_s}, u"critical"_s), rule({u"cart/*"_s, u"basket/*"_s}, u"high"_s)};

} // namespace

class TestImpactAssign : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void primaryAndReplicaKeepTheRules();
    void badRulesRefuseTheAssignAndChangeNothing_data();
    void badRulesRefuseTheAssignAndChangeNothing();
    void absentKeepsTheRulesAndEmptyClearsThem();
    void promoteCarriesTheRules();
    void engineSendsTheConfiguredRulesToEveryAgent();
    void aNewConsolesRulesReachThePromotedReplica();

private:
    // A request as a third-party console would send it, with the cluster's admin key.
    Result<protocol::Message> call(int agent, protocol::MessageType type, QCborMap body) const;
    Result<protocol::Message> assign(int agent, QCborMap body) const
    {
        return call(agent, protocol::MessageType::Assign, std::move(body));
    }
    QCborMap primaryBody(const QCborValue &impact) const;
    QCborMap replicaBody(const QCborValue &impact) const;
    // The number of rules the agent reports for app (`impact-rules`); -1 when it reports none.
    qint64 impactRules(int agent, const QString &app) const;

    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
};

void TestImpactAssign::initTestCase()
{
    QVERIFY(m_dir.isValid());
    cluster::LocalCluster::Options options;
    options.workDir = m_dir.filePath(u"cluster"_s);
    options.agentNames = {u"alpha"_s, u"bravo"_s, u"charlie"_s};
    auto cluster = cluster::LocalCluster::start(options);
    QVERIFY2(cluster, cluster ? "" : qPrintable(cluster.error().message));
    m_cluster = std::move(*cluster);
}

void TestImpactAssign::cleanupTestCase()
{
    m_cluster.reset();
}

Result<protocol::Message> TestImpactAssign::call(int agent, protocol::MessageType type, QCborMap body) const
{
    transport::ChannelOptions options;
    options.url = m_cluster->listenUrl(agent);
    options.serverPublicKey = m_cluster->agent(agent).publicKey();
    options.keys = m_cluster->adminKeys();
    options.insecure = !m_cluster->curve();
    auto channel = transport::openChannel(transport::sharedClientContext(), options);
    if (!channel)
        return std::unexpected(channel.error());
    return (*channel)->call(type, std::move(body), 5000);
}

QCborMap TestImpactAssign::primaryBody(const QCborValue &impact) const
{
    QCborMap body{{u"app"_s, kApp}, {u"role"_s, u"primary"_s}, {u"config"_s, QCborMap{{u"syncReplicas"_s, 0}}}};
    if (!impact.isUndefined())
        body.insert(u"impact"_s, impact);
    return body;
}

QCborMap TestImpactAssign::replicaBody(const QCborValue &impact) const
{
    QCborMap body{{u"app"_s, kApp},
                  {u"role"_s, u"replica"_s},
                  {u"tier"_s, u"hot"_s},
                  {u"primary"_s,
                   QCborMap{{u"url"_s, m_cluster->listenUrl(0)},
                            {u"public-key"_s, QString::fromLatin1(m_cluster->agent(0).publicKey())}}}};
    if (!impact.isUndefined())
        body.insert(u"impact"_s, impact);
    return body;
}

qint64 TestImpactAssign::impactRules(int agent, const QString &app) const
{
    const auto status = m_cluster->appStatus(agent, app);
    return status ? status->value(u"impact-rules"_s).toInteger(-1) : -1;
}

void TestImpactAssign::primaryAndReplicaKeepTheRules()
{
    auto primary = assign(0, primaryBody(kTwoRules));
    QVERIFY2(primary, primary ? "" : qPrintable(primary.error().toString()));
    QCOMPARE(impactRules(0, kApp), 2);
    // A replica holds them too: promoted, it has them from its first write.
    auto replica = assign(1, replicaBody(kTwoRules));
    QVERIFY2(replica, replica ? "" : qPrintable(replica.error().toString()));
    QCOMPARE(impactRules(1, kApp), 2);
}

void TestImpactAssign::badRulesRefuseTheAssignAndChangeNothing_data()
{
    QTest::addColumn<QCborValue>("impact");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("error");
    QTest::newRow("not an array") << QCborValue(rule({u"a/*"_s}, u"low"_s)) << u"protocol-error"_s
                                  << u"assign: field 'impact' must be an array"_s;
    QTest::newRow("rule not a map") << QCborValue(QCborArray{kTwoRules.at(0), u"cart/*"_s}) << u"invalid-argument"_s
                                    << u"assign.impact[1]: must be a rule"_s;
    QCborMap misspelt = rule({u"a/*"_s}, u"low"_s);
    misspelt.insert(u"staleness-ms"_s, 5);
    QTest::newRow("unknown key") << QCborValue(QCborArray{misspelt}) << u"invalid-argument"_s
                                 << u"assign.impact[0].staleness-ms: unknown key"_s;
    QTest::newRow("unknown class") << QCborValue(QCborArray{rule({u"a/*"_s}, u"urgent"_s)}) << u"invalid-argument"_s
                                   << u"assign.impact[0].class: 'urgent' is not critical, high, medium or low"_s;
    QTest::newRow("foreign glob") << QCborValue(QCborArray{kTwoRules.at(0), rule({u"cart/[0-9]*"_s}, u"high"_s)})
                                  << u"invalid-argument"_s << u"assign.impact[1].keys: 'cart/[0-9]*'"_s;
}

void TestImpactAssign::badRulesRefuseTheAssignAndChangeNothing()
{
    QFETCH(QCborValue, impact);
    QFETCH(QString, code);
    QFETCH(QString, error);
    QCOMPARE(impactRules(0, kApp), 2);
    // With a change of configuration that would show in the status: a lease makes the primary
    // report lease-left-ms, and unwritable until it holds one.
    QCborMap body = primaryBody(impact);
    body.insert(u"config"_s, QCborMap{{u"syncReplicas"_s, 0}, {u"leaseMs"_s, 1000}});
    const auto refused = assign(0, body);
    QVERIFY(!refused);
    QCOMPARE(errorCodeName(refused.error().code), code);
    QVERIFY2(refused.error().message.contains(error), qPrintable(refused.error().message));

    const auto status = m_cluster->appStatus(0, kApp);
    QVERIFY(status);
    QCOMPARE(status->value(u"impact-rules"_s).toInteger(), 2);
    QVERIFY(!status->contains(u"lease-left-ms"_s));
    QVERIFY(status->value(u"writable"_s).toBool());
    // A refused assign of an application the agent does not hold creates nothing.
    body.insert(u"app"_s, u"never"_s);
    QVERIFY(!assign(0, body));
    QCOMPARE(m_cluster->appStatus(0, u"never"_s).error().code, ErrorCode::NotFound);
}

void TestImpactAssign::absentKeepsTheRulesAndEmptyClearsThem()
{
    // As with config's fields: an assign that does not mention impact leaves it as it is.
    QVERIFY(assign(0, primaryBody(QCborValue())));
    QCOMPARE(impactRules(0, kApp), 2);
    QVERIFY(assign(1, replicaBody(QCborValue())));
    QCOMPARE(impactRules(1, kApp), 2);
    // An empty array is no rules: every key low.
    QVERIFY(assign(0, primaryBody(QCborArray{})));
    QCOMPARE(impactRules(0, kApp), 0);
    QVERIFY(assign(1, replicaBody(QCborArray{})));
    QCOMPARE(impactRules(1, kApp), 0);
    // And new rules replace the old ones whole.
    QVERIFY(assign(0, primaryBody(QCborArray{rule({u"*"_s}, u"medium"_s)})));
    QCOMPARE(impactRules(0, kApp), 1);
}

void TestImpactAssign::promoteCarriesTheRules()
{
    // bravo's replica holds none (above); a promote brings the console's current rules, checked
    // before anything changes like an assign's.
    QCOMPARE(impactRules(1, kApp), 0);
    QCborMap body{{u"app"_s, kApp}, {u"impact"_s, QCborArray{rule({u"a/*"_s}, u"urgent"_s)}}};
    const auto refused = call(1, protocol::MessageType::Promote, body);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(refused.error().message.contains(u"promote.impact[0].class: 'urgent'"_s),
             qPrintable(refused.error().message));
    QCOMPARE(m_cluster->appStatus(1, kApp)->value(u"role"_s).toString(), u"replica"_s);

    body.insert(u"impact"_s, kTwoRules);
    const auto promoted = call(1, protocol::MessageType::Promote, body);
    QVERIFY2(promoted, promoted ? "" : qPrintable(promoted.error().toString()));
    QCOMPARE(m_cluster->appStatus(1, kApp)->value(u"role"_s).toString(), u"primary"_s);
    QCOMPARE(impactRules(1, kApp), 2);
}

void TestImpactAssign::engineSendsTheConfiguredRulesToEveryAgent()
{
    // charlie primary, alpha hot, bravo cold; the web shop's rules (three).
    config::ClusterConfig config = clusterConfigFor(*m_cluster, 2, {{0, Tier::Hot}, {1, Tier::Cold}}, AppConfig());
    config.apps[0].impact = cluster::impactRulesOf(cluster::WorkloadShape::WebShop);
    const qint64 count = config.apps[0].impact.size();
    QCOMPARE(count, 3);
    auto engine = startTestEngine(*m_cluster, config, m_dir.filePath(u"console.sqlite"_s));
    QVERIFY(engine);
    for (int agent : {2, 0, 1}) {
        QTRY_COMPARE_WITH_TIMEOUT(impactRules(agent, kTestApp), count, kTimeoutMs);
    }
}

void TestImpactAssign::aNewConsolesRulesReachThePromotedReplica()
{
    // A console started with other rules adopts the running application (the engine above is
    // gone; its agents hold the web shop's three rules). Adopting assigns the primary only, so
    // the replicas still hold the old rules until something assigns them...
    config::ClusterConfig config = clusterConfigFor(*m_cluster, 2, {{0, Tier::Hot}, {1, Tier::Cold}}, AppConfig());
    config.apps[0].impact = cluster::impactRulesOf(cluster::WorkloadShape::UserSettings);
    const qint64 count = config.apps[0].impact.size();
    QCOMPARE(count, 2);
    auto engine = startTestEngine(*m_cluster, config, m_dir.filePath(u"console-2.sqlite"_s));
    QVERIFY(engine);
    QTRY_COMPARE_WITH_TIMEOUT(impactRules(2, kTestApp), count, kTimeoutMs);
    QCOMPARE(impactRules(0, kTestApp), 3);

    // ... and the promote of a failover brings them: the new primary ranks by the current rules.
    m_cluster->agent(2).kill();
    QTRY_VERIFY_WITH_TIMEOUT(m_cluster->appStatus(0, kTestApp)
                                 && m_cluster->appStatus(0, kTestApp)->value(u"role"_s).toString() == u"primary"_s,
                             kTimeoutMs);
    QCOMPARE(impactRules(0, kTestApp), count);
    // The replica re-pointed at it gets them with that assign.
    QTRY_COMPARE_WITH_TIMEOUT(impactRules(1, kTestApp), count, kTimeoutMs);
}

QTEST_GUILESS_MAIN(TestImpactAssign)
#include "tst_impactassign.moc"
