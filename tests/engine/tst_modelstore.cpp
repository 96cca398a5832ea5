// Unit tests for ModelStore on a real SQLite file: versions grow, latest() per kind, load()
// restores a predictor, a damaged row is reported and latestUsable() falls back to the last good
// version, and everything survives closing and reopening the store.

#include <random>

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/prediction/modelstore.h"

using foresight::ErrorCode;
using foresight::prediction::FailurePredictor;
using foresight::prediction::FailurePredictorParams;
using foresight::prediction::FeatureMatrix;
using foresight::prediction::ModelStore;
using foresight::prediction::StoredModel;

namespace {

FeatureMatrix features(size_t rows, unsigned seed, std::vector<float> *labels = nullptr)
{
    std::mt19937 generator(seed);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    FeatureMatrix matrix;
    matrix.names = {QStringLiteral("cpu.level"), QStringLiteral("cpu.z"), QStringLiteral("deviating")};
    matrix.rows = rows;
    for (size_t r = 0; r < rows; ++r) {
        const float a = uniform(generator), b = uniform(generator), c = uniform(generator);
        matrix.values.insert(matrix.values.end(), {a, b, c});
        if (labels)
            labels->push_back(a > 0.5f ? 1.0f : 0.0f);
    }
    return matrix;
}

// A small model trained with the given seed, so each version predicts a little differently.
StoredModel model(const QString &kind, int seed)
{
    std::vector<float> labels;
    const FeatureMatrix training = features(300, static_cast<unsigned>(seed), &labels);
    FailurePredictor predictor;
    FailurePredictorParams params;
    params.rounds = 5 + seed;
    if (auto status = predictor.train(training, labels, params); !status)
        qFatal("train failed: %s", qPrintable(status.error().toString()));
    StoredModel stored;
    stored.kind = kind;
    stored.featureNames = training.names;
    stored.trainStartMs = 1000 * seed;
    stored.trainEndMs = 1000 * seed + 500;
    stored.evaluation = QJsonObject{{QStringLiteral("f1"), 0.5 + seed / 100.0}};
    stored.bytes = *predictor.serialize();
    return stored;
}

// Runs one statement on the file through a connection of the test's own.
void tamper(const QString &path, const QString &sql, const QVariantList &values)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.prepare(sql));
        for (const QVariant &value : values)
            query.addBindValue(value);
        QVERIFY(query.exec());
        QCOMPARE(query.numRowsAffected(), 1);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
}

} // namespace

class tst_ModelStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionsAndLatest()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("models.db"));
        auto store = ModelStore::open(path);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
        auto none = (*store)->latest(QStringLiteral("failure"));
        QVERIFY(!none);
        QCOMPARE(none.error().code, ErrorCode::NotFound);

        QCOMPARE(*(*store)->save(model(QStringLiteral("failure"), 1)), 1);
        QCOMPARE(*(*store)->save(model(QStringLiteral("other"), 2)), 2);
        const StoredModel third = model(QStringLiteral("failure"), 3);
        QCOMPARE(*(*store)->save(third), 3);

        auto latest = (*store)->latest(QStringLiteral("failure"));
        QVERIFY(latest);
        QCOMPARE(latest->version, 3);
        QCOMPARE(latest->featureNames, third.featureNames);
        QCOMPARE(latest->trainStartMs, 3000);
        QCOMPARE(latest->trainEndMs, 3500);
        QCOMPARE(latest->evaluation, third.evaluation);
        QVERIFY(latest->createdMs > 0);
        QCOMPARE(latest->bytes, third.bytes);
        QCOMPARE(*(*store)->versions(QStringLiteral("failure")), (QList<qint64>{1, 3}));

        auto loaded = (*store)->load(3);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
        FailurePredictor original;
        QVERIFY(original.load(third.bytes));
        const FeatureMatrix probe = features(50, 99);
        QCOMPARE(*loaded->predictor.predict(probe), *original.predict(probe));
        auto missing = (*store)->load(42);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(!(*store)->save(StoredModel{}));
    }

    void damagedRowsFallBackToLastGood()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("models.db"));
        auto store = ModelStore::open(path);
        QVERIFY(store);
        for (int seed = 1; seed <= 4; ++seed)
            QVERIFY((*store)->save(model(QStringLiteral("failure"), seed)));

        // Version 4: one flipped byte (its checksum no longer matches). Version 3: garbage with a
        // matching checksum, so it is xgboost that refuses it.
        const QByteArray four = (*store)->latest(QStringLiteral("failure"))->bytes;
        QByteArray flipped = four;
        flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x20);
        tamper(path, QStringLiteral("UPDATE models SET bytes = ? WHERE version = 4"), {flipped});
        const QByteArray garbage(300, 'x');
        tamper(path,
               QStringLiteral("UPDATE models SET bytes = ?, sha256 = ? WHERE version = 3"),
               {garbage, QCryptographicHash::hash(garbage, QCryptographicHash::Sha256)});

        auto four_ = (*store)->load(4);
        QVERIFY(!four_);
        QCOMPARE(four_.error().code, ErrorCode::Corruption);
        QVERIFY(four_.error().message.contains(QStringLiteral("version 4")));
        qInfo().noquote() << four_.error().toString();
        auto three = (*store)->load(3);
        QVERIFY(!three);
        QCOMPARE(three.error().code, ErrorCode::Corruption);
        QVERIFY(three.error().message.contains(QStringLiteral("does not load")));
        qInfo().noquote() << three.error().toString();

        auto usable = (*store)->latestUsable(QStringLiteral("failure"));
        QVERIFY2(usable, qPrintable(usable ? QString() : usable.error().toString()));
        QCOMPARE(usable->stored.version, 2);
        QCOMPARE(usable->skipped.size(), 2);
        QVERIFY(usable->predictor.isTrained());
        QVERIFY(usable->predictor.predict(features(10, 7)));

        // Nothing usable at all: NotFound naming the reasons.
        tamper(path, QStringLiteral("UPDATE models SET sha256 = x'00' WHERE version = 1"), {});
        tamper(path, QStringLiteral("UPDATE models SET sha256 = x'00' WHERE version = 2"), {});
        auto nothing = (*store)->latestUsable(QStringLiteral("failure"));
        QVERIFY(!nothing);
        QCOMPARE(nothing.error().code, ErrorCode::NotFound);
        QVERIFY(nothing.error().message.contains(QStringLiteral("version 1")));
    }

    void reopenPersists()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("models.db"));
        StoredModel second = model(QStringLiteral("failure"), 2);
        {
            auto store = ModelStore::open(path, QStringLiteral("first"));
            QVERIFY(store);
            QVERIFY((*store)->save(model(QStringLiteral("failure"), 1)));
            QVERIFY((*store)->save(second));
        }
        QVERIFY(!QSqlDatabase::contains(QStringLiteral("first")));
        auto store = ModelStore::open(path, QStringLiteral("second"));
        QVERIFY(store);
        auto latest = (*store)->latest(QStringLiteral("failure"));
        QVERIFY(latest);
        QCOMPARE(latest->version, 2);
        QCOMPARE(latest->bytes, second.bytes);
        QCOMPARE(*(*store)->versions(QStringLiteral("failure")), (QList<qint64>{1, 2}));
        QCOMPARE(*(*store)->save(model(QStringLiteral("failure"), 3)), 3);
        QVERIFY((*store)->latestUsable(QStringLiteral("failure")));
    }

    void refusesOtherFiles()
    {
        QTemporaryDir dir;
        const QString other = dir.filePath(QStringLiteral("other.db"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
            db.setDatabaseName(other);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("CREATE TABLE t (x)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        auto store = ModelStore::open(other);
        QVERIFY(!store);
        QCOMPARE(store.error().code, ErrorCode::Corruption);

        const QString text = dir.filePath(QStringLiteral("text.db"));
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'n'));
        file.close();
        auto notSqlite = ModelStore::open(text);
        QVERIFY(!notSqlite);
        qInfo().noquote() << notSqlite.error().toString();
    }
};

QTEST_GUILESS_MAIN(tst_ModelStore)
#include "tst_modelstore.moc"
