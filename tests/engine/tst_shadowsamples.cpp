// The console store's shadow discrepancy history (issue 19): appended in batches, read back per
// application (the newest maxPoints, oldest first), refused whole when a sample is incomplete,
// pruned by age.

#include <QTemporaryDir>
#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/storage/consolestore.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::storage::ConsoleStore;

class TestShadowSamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }
    void roundTripRefusedAndPruned();

private:
    QString storePath() const { return m_dir.filePath(u"console.db"_s); }

    QTemporaryDir m_dir;
    foresight::ManualClock m_clock{1'700'000'000'000};
};

void TestShadowSamples::roundTripRefusedAndPruned()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
    ConsoleStore &console = **store;
    const QList<foresight::storage::ShadowSample> samples{
        {u"shop"_s, u"charlie"_s, 1000, 40, 900, -1, 0},
        {u"shop"_s, u"charlie"_s, 2000, 3, 12, 1, 0.25},
        {u"shop"_s, u"delta"_s, 3000, 0, 0, 0, 0.5},
        {u"cart"_s, u"bravo"_s, 2500, 7, 30, 1, 0},
    };
    QVERIFY2(console.appendShadowSamples(samples), "appending shadow samples failed");
    auto shop = console.shadowSamples(u"shop"_s, 0, 10'000);
    QVERIFY2(shop, qPrintable(shop ? QString() : shop.error().toString()));
    QCOMPARE(*shop, (QList<foresight::storage::ShadowSample>{samples.at(0), samples.at(1), samples.at(2)}));
    // At most maxPoints, the newest kept, oldest first.
    auto newest = console.shadowSamples(u"shop"_s, 0, 10'000, 2);
    QVERIFY(newest);
    QCOMPARE(*newest, (QList<foresight::storage::ShadowSample>{samples.at(1), samples.at(2)}));
    QCOMPARE(console.shadowSamples(u"shop"_s, 1500, 2500)->size(), 1);

    // A sample without an application, an agent or a time is refused, and nothing of its batch is written.
    const auto refused = console.appendShadowSamples(
        {{u"shop"_s, u"charlie"_s, 4000, 1, 1, 1, 0}, {u"shop"_s, {}, 5000, 1, 1, 1, 0}});
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(console.shadowSamples(u"shop"_s, 0, 10'000)->size(), 3);

    auto pruned = console.pruneShadowSamples(2500);
    QVERIFY(pruned);
    QCOMPARE(*pruned, 2);
    QCOMPARE(console.shadowSamples(u"shop"_s, 0, 10'000)->size(), 1);
    QCOMPARE(console.shadowSamples(u"cart"_s, 0, 10'000)->size(), 1);
}

QTEST_GUILESS_MAIN(TestShadowSamples)
#include "tst_shadowsamples.moc"
