// The demo applications' workload shapes: each writes the state its kind of application holds
// (the session tokens, game state, user settings and history), its critical-key patterns
// pick out part of it (so a warm replica holds a real subset), its impact function classifies
// every key it writes as intended, and the history's deletes only ever remove entries it wrote.

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include "foresight/cluster/demoworkload.h"
#include "foresight/state/keyvaluestate.h"

using namespace foresight;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kWrites = 4000;

QList<cluster::DemoWrite> writesOf(cluster::WorkloadShape shape, int writer = 0)
{
    QRandomGenerator random(42);
    QList<cluster::DemoWrite> writes;
    for (qint64 n = 1; n <= kWrites; ++n)
        writes.append(cluster::nextDemoWrite(shape, random, writer, n));
    return writes;
}

// The share of writes whose key the shape's critical patterns match.
double criticalShare(cluster::WorkloadShape shape, const QList<cluster::DemoWrite> &writes)
{
    state::KeyValueState state;
    if (!state.setCriticalPatterns(cluster::criticalKeysOf(shape)))
        return -1;
    qsizetype critical = 0;
    for (const cluster::DemoWrite &write : writes)
        critical += state.isCritical(write.key) ? 1 : 0;
    return double(critical) / double(writes.size());
}

// What each shape's keys should be, said from their shape rather than from the rules' patterns.
config::ImpactClass intendedImpact(cluster::WorkloadShape shape, const QString &key)
{
    using config::ImpactClass;
    switch (shape) {
    case cluster::WorkloadShape::WebShop:
        return key.startsWith(u"session/"_s) ? ImpactClass::Critical
               : key.startsWith(u"cart/"_s)  ? ImpactClass::High
                                             : ImpactClass::Low;
    case cluster::WorkloadShape::GameState:
        return key.contains(u"/score/"_s) ? ImpactClass::Critical
               : key.contains(u"/pos/"_s) ? ImpactClass::High
                                          : ImpactClass::Medium;
    case cluster::WorkloadShape::UserSettings:
        return key.endsWith(u"/security"_s) ? ImpactClass::Critical : ImpactClass::Medium;
    case cluster::WorkloadShape::History:
        return key.endsWith(u"/head"_s) ? ImpactClass::Critical : ImpactClass::Low;
    }
    return ImpactClass::Low;
}

} // namespace

class TestDemoWorkload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyShapeHasACriticalSubset_data()
    {
        QTest::addColumn<cluster::WorkloadShape>("shape");
        QTest::newRow("web shop") << cluster::WorkloadShape::WebShop;
        QTest::newRow("game state") << cluster::WorkloadShape::GameState;
        QTest::newRow("user settings") << cluster::WorkloadShape::UserSettings;
        QTest::newRow("history") << cluster::WorkloadShape::History;
    }

    void everyShapeHasACriticalSubset()
    {
        QFETCH(cluster::WorkloadShape, shape);
        const double share = criticalShare(shape, writesOf(shape));
        QVERIFY2(share > 0.05 && share < 0.5, qPrintable(u"critical share %1"_s.arg(share)));
        QVERIFY(!cluster::workloadShapeName(shape).isEmpty());
    }

    void impactFunctionClassifiesEveryKeyAsIntended_data() { everyShapeHasACriticalSubset_data(); }

    void impactFunctionClassifiesEveryKeyAsIntended()
    {
        QFETCH(cluster::WorkloadShape, shape);
        const QList<config::ImpactRule> rules = cluster::impactRulesOf(shape);
        auto function = config::ImpactFunction::compile(rules, u"demo"_s);
        QVERIFY2(function, function ? "" : qPrintable(function.error().toString()));
        state::KeyValueState state;
        QVERIFY(state.setCriticalPatterns(cluster::criticalKeysOf(shape)));
        QSet<qsizetype> used;
        for (const cluster::DemoWrite &write : writesOf(shape, 1)) {
            const config::Impact impact = function->classify(write.key);
            // Every key is declared: none falls through to the default for undeclared keys.
            QVERIFY2(impact.rule >= 0, qPrintable(write.key));
            QVERIFY2(impact.impactClass == intendedImpact(shape, write.key),
                     qPrintable(write.key + u" is "_s + config::impactClassName(impact.impactClass)));
            QCOMPARE(impact.toleratedStalenessMs, config::defaultToleratedStalenessMs(impact.impactClass));
            // What a warm replica holds (the critical keys) is what the impact function calls critical.
            QCOMPARE(state.isCritical(write.key), impact.impactClass == config::ImpactClass::Critical);
            used.insert(impact.rule);
        }
        QCOMPARE(used.size(), rules.size()); // no rule is dead weight
    }

    void gameStateIsNumeric()
    {
        static const QRegularExpression number(u"^-?\\d+(\\.\\d+)?$"_s);
        static const QRegularExpression position(u"^\\d+\\.\\d,\\d+\\.\\d$"_s);
        QSet<QString> keys;
        for (const cluster::DemoWrite &write : writesOf(cluster::WorkloadShape::GameState)) {
            QVERIFY(write.value.has_value());
            const QString value = QString::fromUtf8(*write.value);
            if (write.key.contains(u"/pos/"_s))
                QVERIFY2(position.match(value).hasMatch(), qPrintable(write.key + u" = "_s + value));
            else
                QVERIFY2(number.match(value).hasMatch(), qPrintable(write.key + u" = "_s + value));
            keys.insert(write.key);
        }
        // A bounded set of keys rewritten over and over: 8 matches' ticks, 4 scores and 4 positions.
        QVERIFY2(keys.size() <= 8 * 9 && keys.size() > 20, qPrintable(QString::number(keys.size())));
    }

    void userSettingsAreJsonDocuments()
    {
        qsizetype security = 0;
        for (const cluster::DemoWrite &write : writesOf(cluster::WorkloadShape::UserSettings)) {
            QVERIFY(write.value.has_value());
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(*write.value, &error);
            QVERIFY2(error.error == QJsonParseError::NoError && document.isObject(), qPrintable(write.key));
            if (write.key.endsWith(u"/security"_s)) {
                ++security;
                QVERIFY(document.object().contains(u"mfa"_s));
            } else {
                QVERIFY2(write.key.endsWith(u"/preferences"_s), qPrintable(write.key));
                QVERIFY(write.value->size() > 100);
            }
        }
        QVERIFY(security > 0);
    }

    void historyAppendsAndDeletesOnlyWhatItWrote()
    {
        QSet<QString> present;
        qint64 lastHead = 0;
        qsizetype deletes = 0;
        for (const cluster::DemoWrite &write : writesOf(cluster::WorkloadShape::History, 3)) {
            QVERIFY2(write.key.startsWith(u"log-3/"_s), qPrintable(write.key));
            if (write.key == u"log-3/head"_s) {
                const qint64 head = write.value->toLongLong();
                QVERIFY(head > lastHead);
                lastHead = head;
            } else if (!write.value) {
                QVERIFY2(present.remove(write.key), qPrintable(write.key + u" deleted but never written"_s));
                ++deletes;
            } else {
                QVERIFY2(!present.contains(write.key), qPrintable(write.key + u" written twice"_s));
                present.insert(write.key);
            }
        }
        QVERIFY(deletes > 100);
        // The log keeps a bounded window of recent events.
        QVERIFY2(present.size() < 600, qPrintable(QString::number(present.size())));
    }
};

QTEST_GUILESS_MAIN(TestDemoWorkload)
#include "tst_demoworkload.moc"
