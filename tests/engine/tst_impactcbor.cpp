// Unit tests for the impact rules' CBOR form, the `impact` field of `assign` (docs/protocol.md
// 9.3): what the console encodes the agent decodes to the same rules; every malformed shape is
// refused with invalid-argument naming the field; rules that decode but do not compile are
// refused by impactFunctionFromCbor() with compile()'s message.

#include <QCborArray>
#include <QCborMap>
#include <QTest>

#include "foresight/config/impactcbor.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::config::ImpactClass;
using foresight::config::ImpactRule;
namespace config = foresight::config;

namespace {

const QString kPath = u"assign.impact"_s;

QCborMap rule(const QCborValue &keys, const QCborValue &impactClass)
{
    QCborMap map;
    if (!keys.isUndefined())
        map.insert(u"keys"_s, keys);
    if (!impactClass.isUndefined())
        map.insert(u"class"_s, impactClass);
    return map;
}

QCborMap rule(const QCborValue &keys, const QCborValue &impactClass, const QCborValue &toleratedMs)
{
    QCborMap map = rule(keys, impactClass);
    map.insert(u"tolerated-staleness-ms"_s, toleratedMs);
    return map;
}

const QCborMap kGoodRule = rule(QCborArray{u"session/*"_s}, u"critical"_s);

} // namespace

class TestImpactCbor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rulesSurviveTheRoundTrip()
    {
        const QList<ImpactRule> rules{{{u"session/*"_s, u"token/*"_s}, ImpactClass::Critical, 500},
                                      {{u"cart/*"_s}, ImpactClass::High, 5000},
                                      {{u"*"_s}, ImpactClass::Low, 3'600'000}};
        const QCborArray encoded = config::impactRulesToCbor(rules);
        // Every field is written, defaults too, and patterns always as an array.
        QCOMPARE(encoded.at(1).toMap(),
                 (QCborMap{{u"keys"_s, QCborArray{u"cart/*"_s}},
                           {u"class"_s, u"high"_s},
                           {u"tolerated-staleness-ms"_s, 5000}}));
        // Through bytes, as the wire carries it.
        const QCborValue wire = QCborValue::fromCbor(QCborValue(encoded).toCbor());
        const auto decoded = config::impactRulesFromCbor(wire, kPath);
        QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().toString()));
        QCOMPARE(*decoded, rules);
        const auto function = config::impactFunctionFromCbor(wire, kPath);
        QVERIFY(function);
        QCOMPARE(function->classify(u"token/7"_s).impactClass, ImpactClass::Critical);
        QCOMPARE(function->classify(u"other"_s).toleratedStalenessMs, 3'600'000);

        // An empty array is no rules (every key low), which is how rules are cleared.
        const auto none = config::impactFunctionFromCbor(QCborArray{}, kPath);
        QVERIFY(none);
        QVERIFY(none->rules().isEmpty());
        QCOMPARE(config::impactRulesToCbor({}), QCborArray{});
    }

    void missingToleranceIsTheClassDefault()
    {
        const auto decoded = config::impactRulesFromCbor(QCborArray{rule(QCborArray{u"a/*"_s}, u"medium"_s)}, kPath);
        QVERIFY(decoded);
        QCOMPARE(decoded->at(0).toleratedStalenessMs, 60'000);
    }

    void malformedShapesAreRefusedNamingTheField_data()
    {
        QTest::addColumn<QCborValue>("impact");
        QTest::addColumn<QString>("error");
        QTest::newRow("not an array") << QCborValue(QCborMap{})
                                      << u"assign.impact: must be an array of rules, not a map"_s;
        QTest::newRow("rule not a map") << QCborValue(QCborArray{kGoodRule, 5})
                                        << u"assign.impact[1]: must be a rule (a map of keys, class and "
                                           "tolerated-staleness-ms), not 5"_s;
        QCborMap misspelt = rule(QCborArray{u"a"_s}, u"low"_s);
        misspelt.insert(u"tolerance"_s, 5);
        QTest::newRow("unknown key") << QCborValue(QCborArray{misspelt})
                                     << u"assign.impact[0].tolerance: unknown key; expected keys, class, "
                                        "tolerated-staleness-ms"_s;
        QTest::newRow("no keys") << QCborValue(QCborArray{rule(QCborValue(), u"low"_s)})
                                 << u"assign.impact[0].keys: missing"_s;
        QTest::newRow("keys as text") << QCborValue(QCborArray{rule(u"a/*"_s, u"low"_s)})
                                      << u"assign.impact[0].keys: must be an array of key patterns, not 'a/*'"_s;
        QTest::newRow("a key not text") << QCborValue(QCborArray{rule(QCborArray{u"a/*"_s, 7}, u"low"_s)})
                                        << u"assign.impact[0].keys[1]: must be a key pattern (text), not 7"_s;
        QTest::newRow("no class") << QCborValue(QCborArray{rule(QCborArray{u"a"_s}, QCborValue())})
                                  << u"assign.impact[0].class: missing"_s;
        QTest::newRow("class not text") << QCborValue(QCborArray{rule(QCborArray{u"a"_s}, 3)})
                                        << u"assign.impact[0].class: must be critical, high, medium or low, not 3"_s;
        QTest::newRow("unknown class") << QCborValue(QCborArray{kGoodRule, rule(QCborArray{u"a"_s}, u"lowest"_s)})
                                       << u"assign.impact[1].class: 'lowest' is not critical, high, medium or low"_s;
        QTest::newRow("tolerance as text") << QCborValue(QCborArray{rule(QCborArray{u"a"_s}, u"low"_s, u"5"_s)})
                                           << u"assign.impact[0].tolerated-staleness-ms: must be a whole number, "
                                              "not '5'"_s;
        QTest::newRow("tolerance 0") << QCborValue(QCborArray{rule(QCborArray{u"a"_s}, u"low"_s, 0)})
                                     << u"assign.impact[0].tolerated-staleness-ms: 0 is out of range 1..604800000"_s;
        // Beyond an int: refused, not wrapped around into range.
        QTest::newRow("tolerance 2^32 + 5")
            << QCborValue(QCborArray{rule(QCborArray{u"a"_s}, u"low"_s, Q_INT64_C(4294967301))})
            << u"assign.impact[0].tolerated-staleness-ms: 4294967301 is out of range"_s;
        QCborArray many;
        for (int i = 0; i <= config::kMaxImpactRules; ++i)
            many.append(rule(QCborArray{u"k%1"_s.arg(i)}, u"low"_s));
        QTest::newRow("too many rules") << QCborValue(many) << u"assign.impact: 257 rules; at most 256"_s;
    }

    void malformedShapesAreRefusedNamingTheField()
    {
        QFETCH(QCborValue, impact);
        QFETCH(QString, error);
        const auto decoded = config::impactRulesFromCbor(impact, kPath);
        QVERIFY(!decoded);
        QCOMPARE(decoded.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(decoded.error().message.startsWith(error), qPrintable(decoded.error().message));
        QVERIFY(!config::impactFunctionFromCbor(impact, kPath));
    }

    // Well-formed rules that compile() refuses: its message, under the same path.
    void rulesThatDoNotCompileAreRefused()
    {
        const QCborArray bracket{kGoodRule, rule(QCborArray{u"cart/[0-9]*"_s}, u"high"_s)};
        QVERIFY(config::impactRulesFromCbor(bracket, kPath));
        const auto refused = config::impactFunctionFromCbor(bracket, kPath);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(refused.error().message.startsWith(u"assign.impact[1].keys: 'cart/[0-9]*': '[...]' is a character "
                                                    "class"_s),
                 qPrintable(refused.error().message));

        const auto duplicate = config::impactFunctionFromCbor(QCborArray{kGoodRule, kGoodRule}, kPath);
        QVERIFY(!duplicate);
        QVERIFY2(duplicate.error().message.startsWith(u"assign.impact[1].keys: 'session/*' is already "
                                                      "assign.impact[0].keys"_s),
                 qPrintable(duplicate.error().message));
    }
};

QTEST_GUILESS_MAIN(TestImpactCbor)
#include "tst_impactcbor.moc"
