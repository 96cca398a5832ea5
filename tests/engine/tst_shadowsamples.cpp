// The console store's shadow discrepancy history (issue 19): appended in batches, read back per
// application (the newest maxPoints, oldest first), refused whole when a sample is incomplete,
// pruned by age; a version 4 store's samples read back with their keys and bytes unknown.

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/storage/consolestore.h"
#include "storage/consoleschema.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::storage::ConsoleStore;

class TestShadowSamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }
    void roundTripRefusedAndPruned();
    void upgradeLeavesOlderSamplesKeysAndBytesUnknown();

private:
    QString storePath(const QString &name = u"console.db"_s) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    foresight::ManualClock m_clock{1'700'000'000'000};
};

void TestShadowSamples::roundTripRefusedAndPruned()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
    ConsoleStore &console = **store;
    const QList<foresight::storage::ShadowSample> samples{
        {u"shop"_s, u"charlie"_s, 1000, 40, 900, -1, 0, 12, 4096, 1},
        {u"shop"_s, u"charlie"_s, 2000, 3, 12, 1, 0.25, 2, 180, 0},
        {u"shop"_s, u"delta"_s, 3000, 0, 0, 0, 0.5, 0, 0, 0},
        {u"cart"_s, u"bravo"_s, 2500, 7, 30, 1, 0, -1, -1, 0},
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
        {{u"shop"_s, u"charlie"_s, 4000, 1, 1, 1, 0, 1, 8, 0}, {u"shop"_s, {}, 5000, 1, 1, 1, 0, 1, 8, 0}});
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(console.shadowSamples(u"shop"_s, 0, 10'000)->size(), 3);

    auto pruned = console.pruneShadowSamples(2500);
    QVERIFY(pruned);
    QCOMPARE(*pruned, 2);
    QCOMPARE(console.shadowSamples(u"shop"_s, 0, 10'000)->size(), 1);
    QCOMPARE(console.shadowSamples(u"cart"_s, 0, 10'000)->size(), 1);
}

void TestShadowSamples::upgradeLeavesOlderSamplesKeysAndBytesUnknown()
{
    // A store as version 4 wrote it (its own schema statements), with one shadow sample in it.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tst.v4"_s);
        db.setDatabaseName(storePath(u"version4.db"_s));
        QVERIFY(db.open());
        QStringList statements = foresight::storage::schemaVersion1();
        for (int version = 1; version < 4; ++version)
            statements += foresight::storage::upgradeFrom(version);
        statements << u"INSERT INTO shadow_samples VALUES ('shop', 1000, 'charlie', 3, 12, 1, 0.25)"_s
                   << u"PRAGMA application_id = 1179861844"_s << u"PRAGMA user_version = 4"_s;
        for (const QString &sql : statements) {
            QSqlQuery query(db);
            QVERIFY2(query.exec(sql), qPrintable(sql + u": "_s + query.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"tst.v4"_s);

    auto store = ConsoleStore::open(storePath(u"version4.db"_s), m_clock);
    QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
    const foresight::storage::ShadowSample old{u"shop"_s, u"charlie"_s, 1000, 3, 12, 1, 0.25, -1, -1, 0};
    const foresight::storage::ShadowSample fresh{u"shop"_s, u"charlie"_s, 2000, 5, 20, 1, 0, 4, 640, 1};
    QVERIFY((*store)->appendShadowSamples({fresh}));
    const auto samples = (*store)->shadowSamples(u"shop"_s, 0, 10'000);
    QVERIFY2(samples, qPrintable(samples ? QString() : samples.error().toString()));
    QCOMPARE(*samples, (QList<foresight::storage::ShadowSample>{old, fresh}));
}

QTEST_GUILESS_MAIN(TestShadowSamples)
#include "tst_shadowsamples.moc"
