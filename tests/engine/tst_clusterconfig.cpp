// Unit tests for ClusterConfig: parsing the documented JSON format, refusing every kind of bad
// configuration with a message that names the offending field's path, round trips through
// toJson(), and reading files.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/config/clusterconfig.h"
#include "foresight/core/result.h"
#include "resulttext.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::ProcessSpec;
using foresight::Tier;
using foresight::config::ClusterApp;
using foresight::config::ClusterConfig;
using foresight::testing::errorText;

namespace {

// Two valid Z85 public keys (the ZeroMQ reference's example keys).
const QString kKeyA = u"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"_s;
const QString kKeyB = u"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"_s;

// The example from docs/cluster-config.md. Escaped, not a raw string: moc 6.4 does not
// understand raw string literals and loses the class.
constexpr char kDocumentedExample[]
    = "{\n"
      "  \"name\": \"prod\",\n"
      "  \"insecure\": false,\n"
      "  \"agents\": [\n"
      "    {\"name\": \"alpha\", \"host\": \"host-a\", \"url\": \"tcp://10.0.0.5:7400\",\n"
      "     \"public-key\": \"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID\",\n"
      "     \"sdk\": \"unix:///run/foresight/alpha.sock\", \"priority\": 10},\n"
      "    {\"name\": \"bravo\", \"host\": \"host-b\", \"url\": \"tcp://10.0.0.6:7400\",\n"
      "     \"public-key\": \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"},\n"
      "    {\"name\": \"charlie\", \"url\": \"ipc:///run/foresight/charlie.sock\", \"never-promote\": true}\n"
      "  ],\n"
      "  \"apps\": [\n"
      "    {\"name\": \"shop\", \"primary\": \"alpha\",\n"
      "     \"replicas\": [{\"agent\": \"bravo\", \"tier\": \"hot\"}, {\"agent\": \"charlie\", \"tier\": \"warm\"}],\n"
      "     \"config\": {\"syncReplicas\": 1, \"critical\": [\"session/*\", \"cart/*\"]},\n"
      "     \"impact\": [\n"
      "       {\"keys\": [\"session/*\", \"cart/*\"], \"class\": \"critical\", \"tolerated-staleness-ms\": 500},\n"
      "       {\"keys\": \"catalog/*\", \"class\": \"medium\"},\n"
      "       {\"keys\": \"history/*\", \"class\": \"low\", \"tolerated-staleness-ms\": 3600000}]}\n"
      "  ],\n"
      "  \"failover\": {\n"
      "    \"heartbeat-interval-ms\": 100, \"phi-threshold\": 8, \"lease-ms\": 500, \"lease-margin-ms\": 50,\n"
      "    \"investigation-ms\": 300, \"flap-window-ms\": 300000,\n"
      "    \"weights\": {\"heartbeat\": 0.6, \"divergence\": 0.2, \"integrity\": 0.2},\n"
      "    \"score-threshold\": 0.5, \"pre-failover-hook\": \"/usr/local/bin/fence-old-primary\",\n"
      "    \"post-failover-hook\": \"\", \"hook-timeout-ms\": 5000, \"auto-failover\": true\n"
      "  },\n"
      "  \"topology\": {\n"
      "    \"probe-interval-ms\": 1000, \"bandwidth-probe-interval-ms\": 30000, \"rebalance-hot\": true,\n"
      "    \"min-gain-ms\": 2, \"min-gain-ratio\": 0.3, \"hold-ms\": 30000, \"cooldown-ms\": 600000,\n"
      "    \"move-timeout-ms\": 60000\n"
      "  }\n"
      "}";

// A valid configuration that every bad case changes in one place.
QJsonObject baseConfig()
{
    const QJsonArray agents{
        QJsonObject{{u"name"_s, u"alpha"_s}, {u"url"_s, u"tcp://10.0.0.5:7400"_s}, {u"public-key"_s, kKeyA}},
        QJsonObject{{u"name"_s, u"bravo"_s}, {u"url"_s, u"tcp://10.0.0.6:7400"_s}, {u"public-key"_s, kKeyB}},
        QJsonObject{{u"name"_s, u"charlie"_s}, {u"url"_s, u"ipc:///tmp/charlie.sock"_s}},
    };
    const QJsonArray apps{
        QJsonObject{{u"name"_s, u"shop"_s},
                    {u"primary"_s, u"alpha"_s},
                    {u"replicas"_s,
                     QJsonArray{QJsonObject{{u"agent"_s, u"bravo"_s}, {u"tier"_s, u"hot"_s}},
                                QJsonObject{{u"agent"_s, u"charlie"_s}, {u"tier"_s, u"warm"_s}}}},
                    {u"config"_s, QJsonObject{{u"syncReplicas"_s, 1}}}},
        QJsonObject{{u"name"_s, u"blog"_s},
                    {u"primary"_s, u"bravo"_s},
                    {u"replicas"_s, QJsonArray{QJsonObject{{u"agent"_s, u"alpha"_s}, {u"tier"_s, u"cold"_s}}}},
                    {u"config"_s, QJsonObject{{u"syncReplicas"_s, 0}}}},
    };
    return QJsonObject{{u"name"_s, u"prod"_s},
                       {u"agents"_s, agents},
                       {u"apps"_s, apps},
                       {u"failover"_s, QJsonObject{{u"lease-ms"_s, 500}}}};
}

// node with the value at path ("apps[0].replicas[1].agent") replaced, created, or (for an
// undefined value) removed.
QJsonValue withValue(const QJsonValue &node, QStringView path, const QJsonValue &value)
{
    if (path.isEmpty())
        return value;
    if (path.startsWith(u'[')) {
        const qsizetype close = path.indexOf(u']');
        const qsizetype index = path.mid(1, close - 1).toInt();
        QStringView rest = path.mid(close + 1);
        if (rest.startsWith(u'.'))
            rest = rest.mid(1);
        QJsonArray array = node.toArray();
        if (rest.isEmpty() && value.isUndefined()) {
            array.removeAt(index);
        } else {
            while (array.size() <= index)
                array.append(QJsonValue());
            array[index] = withValue(array.at(index), rest, value);
        }
        return array;
    }
    qsizetype end = 0;
    while (end < path.size() && path[end] != u'.' && path[end] != u'[')
        ++end;
    const QString key = path.left(end).toString();
    QStringView rest = path.mid(end);
    if (rest.startsWith(u'.'))
        rest = rest.mid(1);
    QJsonObject object = node.toObject();
    if (rest.isEmpty() && value.isUndefined())
        object.remove(key);
    else
        object.insert(key, withValue(object.value(key), rest, value));
    return object;
}

QByteArray toBytes(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(contents) == contents.size();
}

} // namespace

class TestClusterConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void baseIsValid();
    void documentedExample();
    void defaults();
    void badConfig_data();
    void badConfig();
    void malformedJson_data();
    void malformedJson();
    void insecureAllowsKeylessTcp();
    void roundTrip();
    void validateProgrammatic();
    void lookups();
    void fromFile();
};

void TestClusterConfig::baseIsValid()
{
    const auto config = ClusterConfig::fromJson(toBytes(baseConfig()), u"cluster.json"_s);
    QVERIFY2(config, qPrintable(errorText(config)));
    QCOMPARE(config->agents.size(), 3);
    QCOMPARE(config->apps.size(), 2);
}

void TestClusterConfig::documentedExample()
{
    const auto config = ClusterConfig::fromJson(QByteArray(kDocumentedExample), u"cluster.json"_s);
    QVERIFY2(config, qPrintable(errorText(config)));
    QCOMPARE(config->name, u"prod"_s);
    QCOMPARE(config->insecure, false);
    QCOMPARE(config->agents.size(), 3);
    const auto &alpha = config->agents.at(0);
    QCOMPARE(alpha.name, u"alpha"_s);
    QCOMPARE(alpha.host, u"host-a"_s);
    QCOMPARE(alpha.url, u"tcp://10.0.0.5:7400"_s);
    QCOMPARE(alpha.publicKey, kKeyA.toLatin1());
    QCOMPARE(alpha.sdkUrl, u"unix:///run/foresight/alpha.sock"_s);
    QCOMPARE(alpha.priority, 10);
    QVERIFY(!alpha.neverPromote);
    QVERIFY(config->agents.at(2).neverPromote);
    QCOMPARE(config->agents.at(2).host, u"charlie"_s); // defaults to the name

    const ClusterApp &shop = config->apps.at(0);
    QCOMPARE(shop.primary, u"alpha"_s);
    QCOMPARE(shop.replicas.size(), 2);
    QCOMPARE(shop.replicas.at(1).agent, u"charlie"_s);
    QCOMPARE(shop.replicas.at(1).tier, Tier::Warm);
    QCOMPARE(shop.config.syncReplicas, 1);
    QCOMPARE(shop.config.critical, QStringList({u"session/*"_s, u"cart/*"_s}));
    QCOMPARE(shop.config.leaseMs, 0); // the engine sets it from failover.lease-ms
    using foresight::config::ImpactClass;
    using foresight::config::ImpactRule;
    const QList<ImpactRule> impact{{{u"session/*"_s, u"cart/*"_s}, ImpactClass::Critical, 500},
                                   {{u"catalog/*"_s}, ImpactClass::Medium, 60'000}, // the class's default
                                   {{u"history/*"_s}, ImpactClass::Low, 3'600'000}};
    QCOMPARE(shop.impact, impact);

    QCOMPARE(config->failover.preFailoverHook, u"/usr/local/bin/fence-old-primary"_s);
    QCOMPARE(config->failover.scoreThreshold, 0.5);
    QCOMPARE(config->topology.probeIntervalMs, 1000);
    QCOMPARE(config->topology.minGainRatio, 0.3);
    QCOMPARE(config->topology.cooldownMs, 600'000);
}

void TestClusterConfig::defaults()
{
    QJsonObject json = baseConfig();
    json.remove(u"failover"_s);
    json = withValue(json, u"apps[0].replicas[0].tier", QJsonValue(QJsonValue::Undefined)).toObject();
    const auto config = ClusterConfig::fromJson(toBytes(json), u"cluster.json"_s);
    QVERIFY2(config, qPrintable(errorText(config)));
    const foresight::config::FailoverSettings defaults;
    QCOMPARE(config->failover.heartbeatIntervalMs, defaults.heartbeatIntervalMs);
    QCOMPARE(config->failover.leaseMs, defaults.leaseMs);
    QCOMPARE(config->failover.weightHeartbeat, defaults.weightHeartbeat);
    QCOMPARE(config->failover.autoFailover, true);
    const foresight::config::TopologySettings topologyDefaults;
    QCOMPARE(config->topology.holdMs, topologyDefaults.holdMs);
    QCOMPARE(config->topology.rebalanceHot, true);
    QCOMPARE(config->apps.at(0).replicas.at(0).tier, Tier::Hot);
    QCOMPARE(config->agents.at(0).host, u"alpha"_s);
    QCOMPARE(config->agents.at(0).priority, 0);
    // Shadows: medium criticality (10,000 writes of swap lag), shadowed, never swapped on its own.
    QCOMPARE(config->apps.at(0).criticality, foresight::config::Criticality::Medium);
    QCOMPARE(config->apps.at(0).swapMaxLag(), 10'000);
    QCOMPARE(config->apps.at(0).shadow.enabled, true);
    QCOMPARE(config->apps.at(0).shadow.autoSwap, false);
    QCOMPARE(config->shadows.deployRisk, 0.5);
    QCOMPARE(config->shadows.imminentRisk, 0.9);

    const auto empty = ClusterConfig::fromJson("{}", u"cluster.json"_s);
    QVERIFY2(empty, qPrintable(errorText(empty)));
    QCOMPARE(empty->name, u"cluster"_s);
    QVERIFY(empty->agents.isEmpty());
}

void TestClusterConfig::badConfig_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");

    const QJsonValue remove(QJsonValue::Undefined);

    // Unknown keys: typos must not pass silently.
    QTest::newRow("unknown top-level key") << u"agnets"_s << QJsonValue(QJsonArray()) << u"agnets: unknown key"_s;
    QTest::newRow("unknown agent key") << u"agents[0].pubic-key"_s << QJsonValue(kKeyA)
                                       << u"agents[0].pubic-key: unknown key"_s;
    QTest::newRow("unknown app key") << u"apps[0].replica"_s << QJsonValue(QJsonArray())
                                     << u"apps[0].replica: unknown key"_s;
    QTest::newRow("unknown replica key") << u"apps[0].replicas[0].teir"_s << QJsonValue(u"hot"_s)
                                         << u"apps[0].replicas[0].teir: unknown key"_s;
    QTest::newRow("unknown app config key")
        << u"apps[1].config.syncReplica"_s << QJsonValue(1) << u"apps[1].config.syncReplica: unknown key"_s;
    QTest::newRow("unknown partitioning")
        << u"apps[0].config.partitioning"_s << QJsonValue(u"hierarchical"_s)
        << u"apps[0].config.partitioning: must be \"kmeans\" or \"dbscan\", not \"hierarchical\""_s;
    QTest::newRow("lease per app") << u"apps[0].config.leaseMs"_s << QJsonValue(500)
                                   << u"apps[0].config.leaseMs: the write lease is set"_s;
    QTest::newRow("unknown failover key")
        << u"failover.heartbeat-interval"_s << QJsonValue(100) << u"failover.heartbeat-interval: unknown key"_s;
    QTest::newRow("unknown weight") << u"failover.weights.hearbeat"_s << QJsonValue(0.5)
                                    << u"failover.weights.hearbeat: unknown key"_s;

    // Types.
    QTest::newRow("cluster name type") << u"name"_s << QJsonValue(5) << u"name: must be a string, not 5"_s;
    QTest::newRow("insecure type") << u"insecure"_s << QJsonValue(u"no"_s)
                                   << u"insecure: must be true or false, not 'no'"_s;
    QTest::newRow("agents not an array") << u"agents"_s << QJsonValue(QJsonObject())
                                         << u"agents: must be an array, not an object"_s;
    QTest::newRow("agent not an object") << u"agents[1]"_s << QJsonValue(42)
                                         << u"agents[1]: must be an object, not 42"_s;
    QTest::newRow("priority type") << u"agents[0].priority"_s << QJsonValue(u"high"_s)
                                   << u"agents[0].priority: must be a whole number, not 'high'"_s;
    QTest::newRow("priority fraction") << u"agents[0].priority"_s << QJsonValue(1.5)
                                       << u"agents[0].priority: must be a whole number, not 1.5"_s;
    QTest::newRow("maintenance type") << u"agents[2].maintenance"_s << QJsonValue(u"yes"_s)
                                      << u"agents[2].maintenance: must be true or false"_s;
    QTest::newRow("replicas type") << u"apps[0].replicas"_s << QJsonValue(u"bravo"_s)
                                   << u"apps[0].replicas: must be an array, not 'bravo'"_s;
    QTest::newRow("config type") << u"apps[0].config"_s << QJsonValue(QJsonArray())
                                 << u"apps[0].config: must be an object, not an array"_s;
    QTest::newRow("failover type") << u"failover"_s << QJsonValue(true) << u"failover: must be an object, not true"_s;
    QTest::newRow("auto-failover type") << u"failover.auto-failover"_s << QJsonValue(1)
                                        << u"failover.auto-failover: must be true or false, not 1"_s;
    QTest::newRow("hook type") << u"failover.pre-failover-hook"_s << QJsonValue(QJsonValue::Null)
                               << u"failover.pre-failover-hook: must be a string, not null"_s;

    // Names and references.
    QTest::newRow("empty cluster name") << u"name"_s << QJsonValue(u""_s) << u"name: the cluster needs a name"_s;
    QTest::newRow("agent name missing") << u"agents[1].name"_s << remove << u"agents[1].name: missing"_s;
    QTest::newRow("agent name slash") << u"agents[0].name"_s << QJsonValue(u"a/b"_s)
                                      << u"agents[0].name: 'a/b' must be 1 to 100 bytes without '/'"_s;
    QTest::newRow("duplicate agent") << u"agents[2].name"_s << QJsonValue(u"alpha"_s)
                                     << u"agents[2].name: 'alpha' is also the name of agents[0]"_s;
    QTest::newRow("duplicate app") << u"apps[1].name"_s << QJsonValue(u"shop"_s)
                                   << u"apps[1].name: 'shop' is also the name of apps[0]"_s;
    QTest::newRow("app name missing") << u"apps[0].name"_s << remove << u"apps[0].name: missing"_s;
    QTest::newRow("primary missing") << u"apps[0].primary"_s << remove << u"apps[0].primary: missing"_s;
    QTest::newRow("unknown primary") << u"apps[1].primary"_s << QJsonValue(u"zulu"_s)
                                     << u"apps[1].primary: no agent named 'zulu'"_s;
    QTest::newRow("unknown replica agent") << u"apps[0].replicas[1].agent"_s << QJsonValue(u"zulu"_s)
                                           << u"apps[0].replicas[1].agent: no agent named 'zulu'"_s;
    QTest::newRow("replica agent missing")
        << u"apps[0].replicas[1].agent"_s << remove << u"apps[0].replicas[1].agent: missing"_s;
    QTest::newRow("replica is primary") << u"apps[0].replicas[0].agent"_s << QJsonValue(u"alpha"_s)
                                        << u"apps[0].replicas[0].agent: 'alpha' is the primary of 'shop'"_s;
    QTest::newRow("replica twice") << u"apps[0].replicas[1].agent"_s << QJsonValue(u"bravo"_s)
                                   << u"apps[0].replicas[1].agent: 'bravo' already holds a replica of 'shop'"_s;
    QTest::newRow("bad tier") << u"apps[0].replicas[1].tier"_s << QJsonValue(u"lukewarm"_s)
                              << u"apps[0].replicas[1].tier: 'lukewarm' is not hot, warm or cold"_s;
    QTest::newRow("tier none") << u"apps[0].replicas[0].tier"_s << QJsonValue(u"none"_s)
                               << u"apps[0].replicas[0].tier: 'none' is not hot, warm or cold"_s;
    QTest::newRow("more sync acks than hot replicas")
        << u"apps[0].config.syncReplicas"_s << QJsonValue(2) << u"apps[0].config.syncReplicas: 2 acknowledgement"_s;
    QTest::newRow("app config value") << u"apps[0].config.ackTimeoutMs"_s << QJsonValue(0)
                                      << u"apps[0].config: 'ackTimeoutMs' must be a whole number from 1"_s;
    // A managed application's process (docs/cluster-config.md, `config.process`).
    const auto process = [](QJsonObject extra) {
        extra.insert(u"command"_s, u"/usr/bin/shop"_s);
        return QJsonValue(extra);
    };
    QTest::newRow("process not an object")
        << u"apps[0].config.process"_s << QJsonValue(5) << u"apps[0].config.process: must be an object"_s;
    QTest::newRow("process without command") << u"apps[0].config.process"_s << QJsonValue(QJsonObject())
                                             << u"apps[0].config.process.command: missing or empty"_s;
    QTest::newRow("process command type")
        << u"apps[0].config.process"_s << QJsonValue(QJsonObject{{u"command"_s, QJsonArray{u"/bin/x"_s}}})
        << u"apps[0].config.process.command: missing or empty"_s;
    QTest::newRow("unknown process key") << u"apps[0].config.process"_s << process({{u"stopTimeout"_s, 100}})
                                         << u"apps[0].config.process.stopTimeout: unknown key"_s;
    QTest::newRow("process arguments type") << u"apps[0].config.process"_s << process({{u"arguments"_s, u"-v"_s}})
                                            << u"apps[0].config.process.arguments: must be an array of strings"_s;
    QTest::newRow("process stop timeout") << u"apps[0].config.process"_s << process({{u"stopTimeoutMs"_s, 5}})
                                          << u"apps[0].config.process.stopTimeoutMs: must be a whole number from 10"_s;
    QTest::newRow("process reserved variable")
        << u"apps[0].config.process"_s << process({{u"environment"_s, QJsonObject{{u"FORESIGHT_ROLE"_s, u"active"_s}}}})
        << u"apps[0].config.process.environment.FORESIGHT_ROLE: FORESIGHT_ variables are set by the agent"_s;
    QTest::newRow("process variable type")
        << u"apps[0].config.process"_s << process({{u"environment"_s, QJsonObject{{u"PORT"_s, 8080}}}})
        << u"apps[0].config.process.environment.PORT: must be a string"_s;
    QTest::newRow("process health program")
        << u"apps[0].config.process"_s << process({{u"healthCommand"_s, QJsonArray{u""_s, u"-c"_s}}})
        << u"apps[0].config.process.healthCommand: the first element is the program"_s;
    QTest::newRow("process back-off order")
        << u"apps[0].config.process"_s << process({{u"restartDelayMs"_s, 500}, {u"restartDelayMaxMs"_s, 100}})
        << u"apps[0].config.process.restartDelayMaxMs: 100 is below restartDelayMs (500)"_s;
    QTest::newRow("critical pattern") << u"apps[0].config.critical"_s << QJsonValue(QJsonArray{u""_s})
                                      << u"apps[0].config: 'critical' patterns must be non-empty"_s;

    // Endpoints and keys.
    QTest::newRow("url scheme") << u"agents[2].url"_s << QJsonValue(u"http://x"_s)
                                << u"agents[2].url: 'http://x' is not a tcp:// or ipc:// endpoint"_s;
    QTest::newRow("url missing") << u"agents[0].url"_s << remove << u"agents[0].url: missing"_s;
    QTest::newRow("url without port") << u"agents[0].url"_s << QJsonValue(u"tcp://host-a"_s)
                                      << u"agents[0].url: 'tcp://host-a' needs a port"_s;
    QTest::newRow("url port range") << u"agents[0].url"_s << QJsonValue(u"tcp://host-a:70000"_s)
                                    << u"agents[0].url: 'tcp://host-a:70000' needs a port from 1 to 65535"_s;
    QTest::newRow("url wildcard host") << u"agents[0].url"_s << QJsonValue(u"tcp://*:7400"_s)
                                       << u"agents[0].url: 'tcp://*:7400' names no host"_s;
    QTest::newRow("ipc without path") << u"agents[2].url"_s << QJsonValue(u"ipc://"_s)
                                      << u"agents[2].url: 'ipc://' names no socket path"_s;
    QTest::newRow("sdk scheme") << u"agents[1].sdk"_s << QJsonValue(u"udp://x:1"_s)
                                << u"agents[1].sdk: 'udp://x:1' is not a unix://, tcp:// or ipc:// endpoint"_s;
    QTest::newRow("tcp without key") << u"agents[1].public-key"_s << remove
                                     << u"agents[1].public-key: missing: a tcp:// agent needs"_s;
    QTest::newRow("bad key") << u"agents[0].public-key"_s << QJsonValue(u"short"_s)
                             << u"agents[0].public-key: 'short' is not a 40-character Z85 public key"_s;
    QTest::newRow("bad key on ipc") << u"agents[2].public-key"_s << QJsonValue(QString(40, u'~'))
                                    << u"agents[2].public-key: '"_s;
    QTest::newRow("host empty") << u"agents[0].host"_s << QJsonValue(u""_s) << u"agents[0].host: must not be empty"_s;
    QTest::newRow("priority range") << u"agents[0].priority"_s << QJsonValue(2'000'000)
                                    << u"agents[0].priority: 2000000 is out of range -1000000..1000000"_s;

    // Failover ranges.
    QTest::newRow("heartbeat low") << u"failover.heartbeat-interval-ms"_s << QJsonValue(9)
                                   << u"failover.heartbeat-interval-ms: 9 is out of range 10..10000"_s;
    QTest::newRow("heartbeat high") << u"failover.heartbeat-interval-ms"_s << QJsonValue(10'001)
                                    << u"failover.heartbeat-interval-ms: 10001 is out of range 10..10000"_s;
    QTest::newRow("phi low") << u"failover.phi-threshold"_s << QJsonValue(0.5)
                             << u"failover.phi-threshold: 0.5 is out of range 1..50"_s;
    QTest::newRow("phi high") << u"failover.phi-threshold"_s << QJsonValue(51)
                              << u"failover.phi-threshold: 51 is out of range 1..50"_s;
    QTest::newRow("phi type") << u"failover.phi-threshold"_s << QJsonValue(u"8"_s)
                              << u"failover.phi-threshold: must be a number, not '8'"_s;
    QTest::newRow("lease low") << u"failover.lease-ms"_s << QJsonValue(49)
                               << u"failover.lease-ms: 49 is out of range 50..600000"_s;
    QTest::newRow("lease high") << u"failover.lease-ms"_s << QJsonValue(600'001)
                                << u"failover.lease-ms: 600001 is out of range 50..600000"_s;
    QTest::newRow("lease not above heartbeat")
        << u"failover.lease-ms"_s << QJsonValue(100)
        << u"failover.lease-ms: 100 must be longer than heartbeat-interval-ms (100)"_s;
    QTest::newRow("margin negative") << u"failover.lease-margin-ms"_s << QJsonValue(-1)
                                     << u"failover.lease-margin-ms: -1 is out of range 0..10000"_s;
    QTest::newRow("margin high") << u"failover.lease-margin-ms"_s << QJsonValue(10'001)
                                 << u"failover.lease-margin-ms: 10001 is out of range 0..10000"_s;
    QTest::newRow("investigation high") << u"failover.investigation-ms"_s << QJsonValue(60'001)
                                        << u"failover.investigation-ms: 60001 is out of range 0..60000"_s;
    QTest::newRow("flap window negative") << u"failover.flap-window-ms"_s << QJsonValue(-1)
                                          << u"failover.flap-window-ms: -1 is out of range 0..86400000"_s;
    QTest::newRow("flap window high") << u"failover.flap-window-ms"_s << QJsonValue(86'400'001)
                                      << u"failover.flap-window-ms: 86400001 is out of range 0..86400000"_s;
    QTest::newRow("negative weight") << u"failover.weights.divergence"_s << QJsonValue(-0.1)
                                     << u"failover.weights.divergence: -0.1 must not be negative"_s;
    QTest::newRow("zero weights") << u"failover.weights"_s
                                  << QJsonValue(QJsonObject{{u"heartbeat"_s, 0},
                                                            {u"divergence"_s, 0},
                                                            {u"integrity"_s, 0},
                                                            {u"risk"_s, 0}})
                                  << u"failover.weights: the weights sum to 0"_s;
    QTest::newRow("threshold zero") << u"failover.score-threshold"_s << QJsonValue(0)
                                    << u"failover.score-threshold: 0 must be above 0 and at most 1"_s;
    QTest::newRow("threshold above one") << u"failover.score-threshold"_s << QJsonValue(1.5)
                                         << u"failover.score-threshold: 1.5 must be above 0 and at most 1"_s;
    QTest::newRow("hook timeout low") << u"failover.hook-timeout-ms"_s << QJsonValue(99)
                                      << u"failover.hook-timeout-ms: 99 is out of range 100..600000"_s;
    QTest::newRow("hook timeout high") << u"failover.hook-timeout-ms"_s << QJsonValue(600'001)
                                       << u"failover.hook-timeout-ms: 600001 is out of range 100..600000"_s;
    QTest::newRow("unknown topology key") << u"topology.hold"_s << QJsonValue(1) << u"topology.hold: unknown key"_s;
    QTest::newRow("topology not an object") << u"topology"_s << QJsonValue(3) << u"topology: must be an object"_s;
    QTest::newRow("probe interval low") << u"topology.probe-interval-ms"_s << QJsonValue(99)
                                        << u"topology.probe-interval-ms: 99 is out of range 100..60000"_s;
    QTest::newRow("bandwidth probe too often") << u"topology.bandwidth-probe-interval-ms"_s << QJsonValue(500)
                                               << u"topology.bandwidth-probe-interval-ms: 500 must be 0 (never)"_s;
    QTest::newRow("gain ratio one") << u"topology.min-gain-ratio"_s << QJsonValue(1.0)
                                    << u"topology.min-gain-ratio: 1 must be at least 0 and below 1"_s;
    QTest::newRow("negative gain") << u"topology.min-gain-ms"_s << QJsonValue(-1)
                                   << u"topology.min-gain-ms: -1 must not be negative"_s;
    QTest::newRow("rebalance not bool") << u"topology.rebalance-hot"_s << QJsonValue(u"yes"_s)
                                        << u"topology.rebalance-hot: must be"_s;
    QTest::newRow("unknown prediction key")
        << u"prediction.horizon"_s << QJsonValue(1) << u"prediction.horizon: unknown key"_s;
    QTest::newRow("horizon below sample interval")
        << u"prediction.horizon-ms"_s << QJsonValue(500)
        << u"prediction.horizon-ms: 500 is shorter than sample-interval-ms (1000)"_s;
    QTest::newRow("training window below horizon")
        << u"prediction.training-window-ms"_s << QJsonValue(30'000)
        << u"prediction.training-window-ms: 30000 is shorter than horizon-ms (60000)"_s;
    QTest::newRow("alert risk one") << u"prediction.alert-risk"_s << QJsonValue(1.0)
                                    << u"prediction.alert-risk: 1 must be above 0 and below 1"_s;
    QTest::newRow("no boosting rounds") << u"prediction.rounds"_s << QJsonValue(0)
                                        << u"prediction.rounds: 0 is out of range 1..10000"_s;
    QTest::newRow("prediction not bool") << u"prediction.enabled"_s << QJsonValue(u"no"_s)
                                         << u"prediction.enabled: must be"_s;

    // Shadows.
    QTest::newRow("unknown criticality") << u"apps[0].criticality"_s << QJsonValue(u"urgent"_s)
                                         << u"apps[0].criticality: 'urgent' is not low, medium, high or critical"_s;
    QTest::newRow("unknown shadow policy key")
        << u"apps[0].shadow.autoswap"_s << QJsonValue(true) << u"apps[0].shadow.autoswap: unknown key"_s;
    QTest::newRow("auto-swap not bool") << u"apps[0].shadow.auto-swap"_s << QJsonValue(1)
                                        << u"apps[0].shadow.auto-swap: must be true or false"_s;
    QTest::newRow("swap lag fraction") << u"apps[0].shadow.max-swap-lag"_s << QJsonValue(1.5)
                                       << u"apps[0].shadow.max-swap-lag: 1.5 must be a whole number from -1"_s;
    QTest::newRow("swap lag negative") << u"apps[0].shadow.max-swap-lag"_s << QJsonValue(-2)
                                       << u"apps[0].shadow.max-swap-lag: -2 must be a whole number from -1"_s;
    QTest::newRow("unknown shadows key") << u"shadows.deploy"_s << QJsonValue(0.5) << u"shadows.deploy: unknown key"_s;
    QTest::newRow("deploy risk zero") << u"shadows.deploy-risk"_s << QJsonValue(0)
                                      << u"shadows.deploy-risk: 0 must be above 0 and at most 1"_s;
    QTest::newRow("imminent below deploy")
        << u"shadows.imminent-risk"_s << QJsonValue(0.4) << u"shadows.imminent-risk: 0.4 is below deploy-risk (0.5)"_s;
    QTest::newRow("no room for shadows") << u"shadows.max-shadows-per-agent"_s << QJsonValue(0)
                                         << u"shadows.max-shadows-per-agent: 0 is out of range 1..10000"_s;
}

void TestClusterConfig::badConfig()
{
    QFETCH(QString, path);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);

    const QJsonObject json = withValue(baseConfig(), path, value).toObject();
    const auto config = ClusterConfig::fromJson(toBytes(json), u"cluster.json"_s);
    QVERIFY2(!config, "a bad configuration was accepted");
    QCOMPARE(config.error().code, ErrorCode::InvalidArgument);
    const QString message = config.error().message;
    // Compact JSON is one line: the line is 1; tst_sourcelines checks lines that differ.
    QVERIFY2(message.startsWith(u"cluster.json:1: "_s + expected), qPrintable(message));
}

void TestClusterConfig::malformedJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");

    QTest::newRow("truncated") << QByteArray("{\"name\": \"prod\", \"agents\": [")
                               << u"cluster.json:1: not valid JSON at offset 28: "_s;
    QTest::newRow("trailing comma") << QByteArray("{\"name\": \"prod\",}")
                                    << u"cluster.json:1: not valid JSON at offset"_s;
    QTest::newRow("empty") << QByteArray() << u"cluster.json:1: not valid JSON at offset 0"_s;
    QTest::newRow("array") << QByteArray("[]") << u"cluster.json: the cluster configuration must be a JSON object"_s;
}

void TestClusterConfig::malformedJson()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);

    const auto config = ClusterConfig::fromJson(json, u"cluster.json"_s);
    QVERIFY(!config);
    QCOMPARE(config.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(config.error().message.startsWith(expected), qPrintable(config.error().message));
}

void TestClusterConfig::insecureAllowsKeylessTcp()
{
    QJsonObject json = withValue(baseConfig(), u"agents[0].public-key", QJsonValue(QJsonValue::Undefined)).toObject();
    QVERIFY(!ClusterConfig::fromJson(toBytes(json), u"cluster.json"_s));
    json.insert(u"insecure"_s, true);
    const auto config = ClusterConfig::fromJson(toBytes(json), u"cluster.json"_s);
    QVERIFY2(config, qPrintable(errorText(config)));
    QVERIFY(config->insecure);
    QVERIFY(config->agents.at(0).publicKey.isEmpty());

    // Insecure excuses a missing key, not a malformed one.
    json = withValue(json, u"agents[0].public-key", QJsonValue(u"not a key"_s)).toObject();
    QVERIFY(!ClusterConfig::fromJson(toBytes(json), u"cluster.json"_s));
}

void TestClusterConfig::roundTrip()
{
    auto original = ClusterConfig::fromJson(QByteArray(kDocumentedExample), u"cluster.json"_s);
    QVERIFY2(original, qPrintable(errorText(original)));
    // Every field away from its default, so a field toJson() forgot cannot pass unnoticed.
    original->insecure = true;
    original->agents[1].maintenance = true;
    original->agents[1].priority = -3;
    original->apps[0].config.ackTimeoutMs = 1234;
    original->apps[0].config.snapshotIntervalMs = 777;
    original->apps[0].config.logMaxDeltas = 4321;
    original->apps[0].config.logMaxBytes = 65'536;
    original->apps[0].config.partitioning = u"dbscan"_s;
    ProcessSpec &process = original->apps[0].config.process;
    process.command = u"/usr/bin/shop"_s;
    process.arguments = {u"--port"_s, u"8080"_s};
    process.environment = {{u"A"_s, u"1"_s}, {u"B"_s, u"two words"_s}};
    process.workingDirectory = u"/srv/shop"_s;
    process.healthCommand = {u"/usr/bin/shop-check"_s, u"--quick"_s};
    process.healthIntervalMs = 700;
    process.healthTimeoutMs = 300;
    process.validateCommand = {u"/usr/bin/shop-validate"_s};
    process.stopTimeoutMs = 900;
    process.restartDelayMs = 50;
    process.restartDelayMaxMs = 5000;
    process.crashLoopRestarts = 3;
    process.crashLoopWindowMs = 10'000;
    auto &failover = original->failover;
    failover.heartbeatIntervalMs = 150;
    failover.phiThreshold = 9.5;
    failover.leaseMs = 900;
    failover.leaseMarginMs = 75;
    failover.investigationMs = 450;
    failover.flapWindowMs = 60'000;
    failover.weightHeartbeat = 0.5;
    failover.weightDivergence = 0.25;
    failover.weightIntegrity = 0.125;
    failover.scoreThreshold = 0.75;
    failover.postFailoverHook = u"/usr/local/bin/notify"_s;
    failover.hookTimeoutMs = 2500;
    failover.autoFailover = false;
    auto &topology = original->topology;
    topology.probeIntervalMs = 250;
    topology.bandwidthProbeIntervalMs = 0;
    topology.rebalanceHot = false;
    topology.minGainMs = 1.5;
    topology.minGainRatio = 0.25;
    topology.holdMs = 5000;
    topology.cooldownMs = 7000;
    topology.moveTimeoutMs = 9000;
    failover.weightRisk = 0.3;
    auto &prediction = original->prediction;
    prediction.enabled = false;
    prediction.sampleIntervalMs = 2000;
    prediction.horizonMs = 120'000;
    prediction.shortWindow = 6;
    prediction.longWindow = 60;
    prediction.trainingWindowMs = 3'600'000;
    prediction.trainingStride = 2;
    prediction.maxRowsPerHost = 500;
    prediction.retrainIntervalMs = 60'000;
    prediction.minIncidents = 3;
    prediction.rounds = 20;
    prediction.maxDepth = 3;
    prediction.alertRisk = 0.7;
    original->apps[0].criticality = foresight::config::Criticality::Critical;
    original->apps[0].shadow.enabled = false;
    original->apps[0].shadow.autoSwap = true;
    original->apps[0].shadow.maxSwapLag = 42;
    original->apps[0].impact.append({{u"a/?"_s, u"b/*"_s}, foresight::config::ImpactClass::High, 250});
    auto &shadows = original->shadows;
    shadows.enabled = false;
    shadows.deployRisk = 0.4;
    shadows.imminentRisk = 0.8;
    shadows.retireIdleMs = 1234;
    shadows.maxShadowsPerAgent = 2;
    QVERIFY2(original->validate(), qPrintable(errorText(original->validate())));

    const QJsonObject json = original->toJson();
    const auto copy = ClusterConfig::fromJson(toBytes(json), u"round trip"_s);
    QVERIFY2(copy, qPrintable(errorText(copy)));
    QCOMPARE(copy->toJson(), json);
    QCOMPARE(copy->apps[0].config.process, process);
    // No process is written as null, so that an assign built from it takes a process away.
    QVERIFY(foresight::AppConfig().toJson().value(u"process"_s).isNull());
    foresight::AppConfig cleared = original->apps[0].config;
    QVERIFY(cleared.mergeJson(foresight::AppConfig().toJson(), u"assign"_s));
    QVERIFY(!cleared.process.isSet());
    foresight::AppConfig kept = original->apps[0].config; // absent: kept
    QVERIFY(kept.mergeJson(QJsonObject{{u"syncReplicas"_s, 1}}, u"assign"_s));
    QCOMPARE(kept.process, process);

    QCOMPARE(copy->name, original->name);
    QCOMPARE(copy->insecure, true);
    QCOMPARE(copy->agents.size(), original->agents.size());
    for (qsizetype i = 0; i < original->agents.size(); ++i) {
        const auto &a = original->agents.at(i);
        const auto &b = copy->agents.at(i);
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.host, a.host);
        QCOMPARE(b.url, a.url);
        QCOMPARE(b.publicKey, a.publicKey);
        QCOMPARE(b.sdkUrl, a.sdkUrl);
        QCOMPARE(b.priority, a.priority);
        QCOMPARE(b.neverPromote, a.neverPromote);
        QCOMPARE(b.maintenance, a.maintenance);
    }
    const ClusterApp &app = copy->apps.at(0);
    QCOMPARE(app.replicas.size(), 2);
    QCOMPARE(app.replicas.at(1).tier, Tier::Warm);
    QCOMPARE(app.config.toJson(), original->apps.at(0).config.toJson());
    QCOMPARE(copy->failover.phiThreshold, 9.5);
    QCOMPARE(copy->failover.leaseMs, 900);
    QCOMPARE(copy->failover.leaseMarginMs, 75);
    QCOMPARE(copy->failover.investigationMs, 450);
    QCOMPARE(copy->failover.flapWindowMs, 60'000);
    QCOMPARE(copy->failover.weightIntegrity, 0.125);
    QCOMPARE(copy->failover.scoreThreshold, 0.75);
    QCOMPARE(copy->failover.preFailoverHook, original->failover.preFailoverHook);
    QCOMPARE(copy->failover.postFailoverHook, u"/usr/local/bin/notify"_s);
    QCOMPARE(copy->failover.hookTimeoutMs, 2500);
    QCOMPARE(copy->failover.autoFailover, false);
    QCOMPARE(copy->topology.probeIntervalMs, 250);
    QCOMPARE(copy->topology.bandwidthProbeIntervalMs, 0);
    QCOMPARE(copy->topology.rebalanceHot, false);
    QCOMPARE(copy->topology.minGainMs, 1.5);
    QCOMPARE(copy->topology.minGainRatio, 0.25);
    QCOMPARE(copy->topology.holdMs, 5000);
    QCOMPARE(copy->topology.cooldownMs, 7000);
    QCOMPARE(copy->topology.moveTimeoutMs, 9000);
    QCOMPARE(copy->failover.weightRisk, 0.3);
    QCOMPARE(copy->prediction.enabled, false);
    QCOMPARE(copy->prediction.sampleIntervalMs, 2000);
    QCOMPARE(copy->prediction.horizonMs, 120'000);
    QCOMPARE(copy->prediction.shortWindow, 6);
    QCOMPARE(copy->prediction.longWindow, 60);
    QCOMPARE(copy->prediction.trainingWindowMs, 3'600'000);
    QCOMPARE(copy->prediction.trainingStride, 2);
    QCOMPARE(copy->prediction.maxRowsPerHost, 500);
    QCOMPARE(copy->prediction.retrainIntervalMs, 60'000);
    QCOMPARE(copy->prediction.minIncidents, 3);
    QCOMPARE(copy->prediction.rounds, 20);
    QCOMPARE(copy->prediction.maxDepth, 3);
    QCOMPARE(copy->prediction.alertRisk, 0.7);
    QCOMPARE(app.criticality, foresight::config::Criticality::Critical);
    QCOMPARE(app.shadow.enabled, false);
    QCOMPARE(app.shadow.autoSwap, true);
    QCOMPARE(app.swapMaxLag(), 42);
    QCOMPARE(app.impact, original->apps.at(0).impact);
    QCOMPARE(copy->shadows.enabled, false);
    QCOMPARE(copy->shadows.deployRisk, 0.4);
    QCOMPARE(copy->shadows.imminentRisk, 0.8);
    QCOMPARE(copy->shadows.retireIdleMs, 1234);
    QCOMPARE(copy->shadows.maxShadowsPerAgent, 2);
}

void TestClusterConfig::validateProgrammatic()
{
    QVERIFY(ClusterConfig().validate());
    QVERIFY(foresight::config::FailoverSettings().validate());

    foresight::config::FailoverSettings settings;
    settings.phiThreshold = std::numeric_limits<double>::quiet_NaN();
    QVERIFY(!settings.validate());
    QVERIFY(settings.validate().error().message.startsWith(u"failover.phi-threshold: "_s));

    auto config = ClusterConfig::fromJson(toBytes(baseConfig()), u"cluster.json"_s);
    QVERIFY(config);
    config->agents[0].host.clear();
    const auto status = config->validate();
    QVERIFY(!status);
    // validate() has no file to name: the message starts with the path.
    QVERIFY2(status.error().message.startsWith(u"agents[0].host: "_s), qPrintable(status.error().message));

    config = ClusterConfig::fromJson(toBytes(baseConfig()), u"cluster.json"_s);
    config->apps[0].replicas[0].tier = Tier::None;
    QVERIFY(!config->validate());
    QVERIFY(config->validate().error().message.startsWith(u"apps[0].replicas[0].tier: "_s));
}

void TestClusterConfig::lookups()
{
    const auto config = ClusterConfig::fromJson(QByteArray(kDocumentedExample), u"cluster.json"_s);
    QVERIFY(config);
    QVERIFY(config->agent(u"bravo"_s));
    QCOMPARE(config->agent(u"bravo"_s)->url, u"tcp://10.0.0.6:7400"_s);
    QCOMPARE(config->agent(u"zulu"_s), nullptr);
    QVERIFY(config->app(u"shop"_s));
    QCOMPARE(config->app(u"shop"_s)->primary, u"alpha"_s);
    QCOMPARE(config->app(u"blog"_s), nullptr);

    const ClusterApp &shop = *config->app(u"shop"_s);
    QCOMPARE(shop.desired(Tier::Hot), 1);
    QCOMPARE(shop.desired(Tier::Warm), 1);
    QCOMPARE(shop.desired(Tier::Cold), 0);
    QCOMPARE(shop.desired(Tier::None), 0);
}

void TestClusterConfig::fromFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    const QString missing = dir.filePath(u"missing.json"_s);
    auto config = ClusterConfig::fromFile(missing);
    QVERIFY(!config);
    QCOMPARE(config.error().code, ErrorCode::NotFound);
    QVERIFY2(config.error().message.contains(missing), qPrintable(config.error().message));

    config = ClusterConfig::fromFile(dir.path());
    QVERIFY(!config);
    QCOMPARE(config.error().code, ErrorCode::IoError);
    QVERIFY2(config.error().message.contains(dir.path()), qPrintable(config.error().message));

    const QString good = dir.filePath(u"cluster.json"_s);
    QVERIFY(writeFile(good, kDocumentedExample));
    config = ClusterConfig::fromFile(good);
    QVERIFY2(config, qPrintable(errorText(config)));
    QCOMPARE(config->agents.size(), 3);

    const QString bad = dir.filePath(u"bad.json"_s);
    QVERIFY(writeFile(bad, toBytes(withValue(baseConfig(), u"agents[2].url", QJsonValue(u"http://x"_s)).toObject())));
    config = ClusterConfig::fromFile(bad);
    QVERIFY(!config);
    QCOMPARE(config.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(config.error().message, bad + u":1: agents[2].url: 'http://x' is not a tcp:// or ipc:// endpoint"_s);

    const QString garbage = dir.filePath(u"garbage.json"_s);
    QVERIFY(writeFile(garbage, "{\"name\": \"prod\" \"agents\": []}"));
    config = ClusterConfig::fromFile(garbage);
    QVERIFY(!config);
    QVERIFY2(config.error().message.startsWith(garbage + u":1: not valid JSON at offset 17: "_s),
             qPrintable(config.error().message));
}

QTEST_GUILESS_MAIN(TestClusterConfig)
#include "tst_clusterconfig.moc"
