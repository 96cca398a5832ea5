// Unit tests for applications' impact functions (docs/cluster-config.md, apps[i].impact): the
// rules parsed from the cluster file, every kind of bad rule refused with an error naming its
// field, and keys classified by the first rule that matches. Line numbers in errors are
// tst_clusterconfig's (errorsNameTheLine).

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "foresight/config/clusterconfig.h"
#include "foresight/config/impactfunction.h"
#include "resulttext.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::config::ClusterConfig;
using foresight::config::Impact;
using foresight::config::ImpactClass;
using foresight::config::ImpactFunction;
using foresight::config::ImpactRule;
using foresight::testing::errorText;

namespace {

// One application whose `impact` is the given value.
QByteArray configWithImpact(const QJsonValue &impact)
{
    // No replicas, so no synchronous acknowledgements.
    QJsonObject app{{u"name"_s, u"shop"_s},
                    {u"primary"_s, u"alpha"_s},
                    {u"config"_s, QJsonObject{{u"syncReplicas"_s, 0}}}};
    if (!impact.isUndefined())
        app.insert(u"impact"_s, impact);
    const QJsonObject json{{u"insecure"_s, true},
                           {u"agents"_s,
                            QJsonArray{QJsonObject{{u"name"_s, u"alpha"_s}, {u"url"_s, u"ipc:///tmp/alpha.sock"_s}}}},
                           {u"apps"_s, QJsonArray{app}}};
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

QJsonObject rule(const QJsonValue &keys, const QString &impactClass)
{
    return QJsonObject{{u"keys"_s, keys}, {u"class"_s, impactClass}};
}

QJsonObject rule(const QJsonValue &keys, const QString &impactClass, const QJsonValue &toleratedMs)
{
    QJsonObject object = rule(keys, impactClass);
    object.insert(u"tolerated-staleness-ms"_s, toleratedMs);
    return object;
}

} // namespace

class TestImpactConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void absentMeansNoRules();
    void classDefaults();
    void badImpact_data();
    void badImpact();
    void firstMatchWins();
    void unmatchedKeysAreLow();
    void patternDialect_data();
    void patternDialect();
    void compileNamesThePath();
};

void TestImpactConfig::absentMeansNoRules()
{
    const auto config = ClusterConfig::fromJson(configWithImpact(QJsonValue::Undefined), u"cluster.json"_s);
    QVERIFY2(config, qPrintable(errorText(config)));
    QVERIFY(config->apps.at(0).impact.isEmpty());
    QVERIFY(config->toJson().value(u"apps"_s)[0][u"impact"_s].toArray().isEmpty());
}

// A rule that leaves out tolerated-staleness-ms gets its class's, written out by toJson().
void TestImpactConfig::classDefaults()
{
    const QJsonArray rules{rule(u"a"_s, u"critical"_s),
                           rule(u"b"_s, u"high"_s),
                           rule(u"c"_s, u"medium"_s),
                           rule(u"d"_s, u"low"_s)};
    const auto config = ClusterConfig::fromJson(configWithImpact(rules), u"cluster.json"_s);
    QVERIFY2(config, qPrintable(errorText(config)));
    const QList<ImpactRule> &impact = config->apps.at(0).impact;
    QCOMPARE(impact.size(), 4);
    QCOMPARE(impact.at(0).toleratedStalenessMs, 1000);
    QCOMPARE(impact.at(1).toleratedStalenessMs, 5000);
    QCOMPARE(impact.at(2).toleratedStalenessMs, 60'000);
    QCOMPARE(impact.at(3).toleratedStalenessMs, 600'000);
    QCOMPARE(impact.at(0).impactClass, ImpactClass::Critical);
    QCOMPARE(impact.at(3).impactClass, ImpactClass::Low);
    const QJsonValue written = config->toJson().value(u"apps"_s)[0][u"impact"_s][0];
    QCOMPARE(written[u"tolerated-staleness-ms"_s].toInt(), 1000);
    QCOMPARE(written[u"keys"_s].toString(), u"a"_s); // one pattern: a string, as it was read
}

void TestImpactConfig::badImpact_data()
{
    QTest::addColumn<QJsonValue>("impact");
    QTest::addColumn<QString>("expected");

    const QString catchAll = u"*"_s;
    QTest::newRow("not an array") << QJsonValue(QJsonObject{}) << u"apps[0].impact: must be an array, not an object"_s;
    QTest::newRow("rule not an object") << QJsonValue(QJsonArray{42})
                                        << u"apps[0].impact[0]: must be an object, not 42"_s;
    QTest::newRow("no keys") << QJsonValue(QJsonArray{QJsonObject{{u"class"_s, u"low"_s}}})
                             << u"apps[0].impact[0].keys: missing"_s;
    QTest::newRow("no class") << QJsonValue(QJsonArray{QJsonObject{{u"keys"_s, u"a/*"_s}}})
                              << u"apps[0].impact[0].class: missing"_s;
    QTest::newRow("unknown class") << QJsonValue(QJsonArray{rule(u"a/*"_s, u"urgent"_s)})
                                   << u"apps[0].impact[0].class: 'urgent' is not critical, high, medium or low"_s;
    QTest::newRow("negative staleness") << QJsonValue(QJsonArray{rule(u"a/*"_s, u"high"_s, -5)})
                                        << u"apps[0].impact[0].tolerated-staleness-ms: -5 is out of range 1..604800000"_s;
    QTest::newRow("zero staleness") << QJsonValue(QJsonArray{rule(u"a/*"_s, u"critical"_s, 0)})
                                    << u"apps[0].impact[0].tolerated-staleness-ms: 0 is out of range"_s;
    QTest::newRow("staleness fraction") << QJsonValue(QJsonArray{rule(u"a/*"_s, u"low"_s, 1.5)})
                                        << u"apps[0].impact[0].tolerated-staleness-ms: must be a whole number"_s;
    QTest::newRow("staleness as text") << QJsonValue(QJsonArray{rule(u"a/*"_s, u"low"_s, u"5s"_s)})
                                       << u"apps[0].impact[0].tolerated-staleness-ms: must be a whole number"_s;
    QJsonObject typo = rule(u"a/*"_s, u"low"_s);
    typo.insert(u"tolerated-staleness"_s, 5);
    QTest::newRow("unknown rule key") << QJsonValue(QJsonArray{typo})
                                      << u"apps[0].impact[0].tolerated-staleness: unknown key; expected one of keys"_s;
    QTest::newRow("keys a number") << QJsonValue(QJsonArray{rule(42, u"low"_s)})
                                   << u"apps[0].impact[0].keys: must be a key pattern or an array of them, not 42"_s;
    QTest::newRow("keys item a number") << QJsonValue(QJsonArray{rule(QJsonArray{u"a"_s, 1}, u"low"_s)})
                                        << u"apps[0].impact[0].keys[1]: must be a key pattern (a string), not 1"_s;
    QTest::newRow("no patterns") << QJsonValue(QJsonArray{rule(QJsonArray{}, u"low"_s)})
                                 << u"apps[0].impact[0].keys: names no key pattern"_s;
    QTest::newRow("empty pattern") << QJsonValue(QJsonArray{rule(u""_s, u"low"_s)})
                                   << u"apps[0].impact[0].keys: an empty pattern matches no key"_s;
    QTest::newRow("character class") << QJsonValue(QJsonArray{rule(u"cart/[0-9]*"_s, u"critical"_s)})
                                     << u"apps[0].impact[0].keys: 'cart/[0-9]*': '[...]' is a character class"_s;
    QTest::newRow("alternatives") << QJsonValue(QJsonArray{rule(QJsonArray{u"a"_s, u"{cart,session}/*"_s}, u"high"_s)})
                                  << u"apps[0].impact[0].keys[1]: '{cart,session}/*': '{a,b}' alternatives"_s;
    QTest::newRow("escape") << QJsonValue(QJsonArray{rule(u"cart/\\*"_s, u"high"_s)})
                            << u"apps[0].impact[0].keys: 'cart/\\*': '\\' escapes nothing here"_s;
    QTest::newRow("longer than any key") << QJsonValue(QJsonArray{rule(QString(1025, u'k'), u"low"_s)})
                                         << u"apps[0].impact[0].keys: the pattern needs keys longer than 1024 bytes"_s;
    QTest::newRow("duplicate pattern")
        << QJsonValue(QJsonArray{rule(u"cart/*"_s, u"critical"_s), rule(QJsonArray{u"x"_s, u"cart/*"_s}, u"low"_s)})
        << u"apps[0].impact[1].keys[1]: 'cart/*' is already apps[0].impact[0].keys; the first match wins"_s;
    QTest::newRow("rule after catch-all")
        << QJsonValue(QJsonArray{rule(catchAll, u"low"_s), rule(u"cart/*"_s, u"critical"_s)})
        << u"apps[0].impact[1]: never applies: apps[0].impact[0].keys is '*', which matches every key first"_s;
    QJsonArray many;
    for (int i = 0; i <= foresight::config::kMaxImpactRules; ++i)
        many.append(rule(u"k%1/*"_s.arg(i), u"low"_s));
    QTest::newRow("too many rules") << QJsonValue(many) << u"apps[0].impact: 257 rules; at most 256"_s;
}

void TestImpactConfig::badImpact()
{
    QFETCH(QJsonValue, impact);
    QFETCH(QString, expected);

    const auto config = ClusterConfig::fromJson(configWithImpact(impact), u"cluster.json"_s);
    QVERIFY2(!config, "a bad impact function was accepted");
    QCOMPARE(config.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(config.error().message.startsWith(u"cluster.json:1: "_s + expected), qPrintable(config.error().message));
}

// Rules are tried in order: a key both rules match takes the first one's class.
void TestImpactConfig::firstMatchWins()
{
    const auto function = ImpactFunction::compile({{{u"cart/gift-*"_s}, ImpactClass::Low, 30'000},
                                                   {{u"cart/*"_s, u"session/?"_s}, ImpactClass::Critical, 500},
                                                   {{u"*"_s}, ImpactClass::Medium, 20'000}},
                                                  u"impact"_s);
    QVERIFY2(function, qPrintable(errorText(function)));
    QCOMPARE(function->classify(u"cart/gift-42"_s), (Impact{ImpactClass::Low, 30'000, 0}));
    QCOMPARE(function->classify(u"cart/42"_s), (Impact{ImpactClass::Critical, 500, 1}));
    QCOMPARE(function->classify(u"session/a"_s), (Impact{ImpactClass::Critical, 500, 1}));
    // '?' is exactly one character; the catch-all takes the rest.
    QCOMPARE(function->classify(u"session/ab"_s), (Impact{ImpactClass::Medium, 20'000, 2}));
    QCOMPARE(function->classify(u"history/1"_s), (Impact{ImpactClass::Medium, 20'000, 2}));
}

void TestImpactConfig::unmatchedKeysAreLow()
{
    QCOMPARE(ImpactFunction().classify(u"anything"_s), (Impact{ImpactClass::Low, 600'000, -1}));
    const auto function = ImpactFunction::compile({{{u"cart/*"_s}, ImpactClass::High, 2000}}, u"impact"_s);
    QVERIFY(function);
    QCOMPARE(function->classify(u"carts"_s), foresight::config::unmatchedImpact());
    QCOMPARE(function->classify(u"cart/"_s).impactClass, ImpactClass::High); // '*' matches nothing too
}

// The dialect of config.critical: '*' crosses '/', everything but '*' and '?' is literal.
void TestImpactConfig::patternDialect_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("matches");

    QTest::newRow("star crosses slash") << u"user/*"_s << u"user/7/cart/1"_s << true;
    QTest::newRow("anchored at the end") << u"user/*/name"_s << u"user/7/name/x"_s << false;
    QTest::newRow("anchored at the start") << u"cart"_s << u"my-cart"_s << false;
    QTest::newRow("dot is literal") << u"a.b"_s << u"aXb"_s << false;
    QTest::newRow("plus is literal") << u"a+"_s << u"aa"_s << false;
    QTest::newRow("lone bracket is literal") << u"list[*"_s << u"list[3"_s << true;
    QTest::newRow("question mark one char") << u"v?"_s << u"v12"_s << false;
    QTest::newRow("non-ASCII") << u"caf\u00e9/*"_s << u"caf\u00e9/1"_s << true;
}

void TestImpactConfig::patternDialect()
{
    QFETCH(QString, pattern);
    QFETCH(QString, key);
    QFETCH(bool, matches);

    const auto function = ImpactFunction::compile({{{pattern}, ImpactClass::Critical, 100}}, u"impact"_s);
    QVERIFY2(function, qPrintable(errorText(function)));
    QCOMPARE(function->classify(key).rule == 0, matches);
}

// Functions built in code (the partitioning module's, the tests') are checked as the file's are.
void TestImpactConfig::compileNamesThePath()
{
    const auto tooStale = ImpactFunction::compile({{{u"a"_s}, ImpactClass::Low, 0}}, u"apps[3].impact"_s);
    QVERIFY(!tooStale);
    QVERIFY2(tooStale.error().message.startsWith(u"apps[3].impact[0].tolerated-staleness-ms: 0 is out of range"_s),
             qPrintable(tooStale.error().message));

    ClusterConfig config;
    config.insecure = true;
    config.agents.append({u"alpha"_s, u"alpha"_s, u"ipc:///tmp/a.sock"_s, {}, {}, 0, false, false});
    foresight::config::ClusterApp app;
    app.name = u"shop"_s;
    app.primary = u"alpha"_s;
    app.config.syncReplicas = 0;
    app.impact.append({{}, ImpactClass::High, 100});
    config.apps.append(app);
    const auto status = config.validate();
    QVERIFY(!status);
    QVERIFY2(status.error().message.startsWith(u"apps[0].impact[0].keys: names no key pattern"_s),
             qPrintable(status.error().message));
}

QTEST_GUILESS_MAIN(TestImpactConfig)
#include "tst_impactconfig.moc"
