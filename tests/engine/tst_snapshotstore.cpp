// Unit and fault-injection tests for SnapshotStore, the cold tier's SQLite snapshot store: round
// trips, reopening, retention, refusal of inconsistent snapshots, corrupt rows and files,
// unusable paths, failed transactions and a writer killed mid-save.

#include <algorithm>
#include <cstdio>
#include <limits>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/core/result.h"
#include "foresight/state/snapshot.h"
#include "foresight/storage/snapshotstore.h"
#include "resulttext.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::state::Snapshot;
using foresight::storage::SnapshotStore;
using foresight::testing::errorText;

Q_DECLARE_METATYPE(foresight::state::Snapshot)
Q_DECLARE_METATYPE(foresight::ErrorCode)

namespace {

constexpr char kChildEnv[] = "FORESIGHT_SNAPSHOTSTORE_WRITER";

using Entries = QList<QPair<QString, QByteArray>>;

Snapshot makeSnapshot(const QString &app, std::uint64_t epoch, std::uint64_t seq, Entries entries)
{
    Snapshot snapshot;
    snapshot.app = app;
    snapshot.epoch = epoch;
    snapshot.seq = seq;
    snapshot.takenAtMs = 1'700'000'000'000 + static_cast<std::int64_t>(seq % 1'000'000);
    snapshot.entries = std::move(entries);
    snapshot.digest = snapshot.computeDigest();
    return snapshot;
}

// count entries whose values depend on seq, so every snapshot of a series differs.
Snapshot numberedSnapshot(const QString &app, std::uint64_t epoch, std::uint64_t seq, int count = 4)
{
    Entries entries;
    for (int i = 0; i < count; ++i)
        entries.append({u"k%1"_s.arg(i), u"value %1 at seq %2"_s.arg(i).arg(seq).toUtf8()});
    return makeSnapshot(app, epoch, seq, std::move(entries));
}

void compareSnapshots(const Snapshot &actual, const Snapshot &expected)
{
    QCOMPARE(actual.app, expected.app);
    QCOMPARE(actual.epoch, expected.epoch);
    QCOMPARE(actual.seq, expected.seq);
    QCOMPARE(actual.digest.toHex(), expected.digest.toHex());
    QCOMPARE(actual.takenAtMs, expected.takenAtMs);
    QCOMPARE(actual.entries.size(), expected.entries.size());
    for (qsizetype i = 0; i < expected.entries.size(); ++i) {
        QCOMPARE(actual.entries.at(i).first, expected.entries.at(i).first);
        QCOMPARE(actual.entries.at(i).second, expected.entries.at(i).second);
    }
    QCOMPARE(actual.computeDigest().toHex(), expected.digest.toHex());
}

// A second, independent connection to a store's file: what a disk fault, another process or an
// operator with the sqlite3 shell would do to it.
class RawDb
{
public:
    explicit RawDb(const QString &path)
        : m_name(u"tst.raw.%1"_s.arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        m_open = db.open();
    }
    ~RawDb()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;

    bool isOpen() const { return m_open; }

    // Empty on success, else the error text.
    QString exec(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.prepare(sql))
            return sql + u": "_s + query.lastError().text();
        for (qsizetype i = 0; i < binds.size(); ++i)
            query.bindValue(int(i), binds.at(i));
        if (!query.exec())
            return sql + u": "_s + query.lastError().text();
        return {};
    }

    QVariant scalar(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        query.prepare(sql);
        for (qsizetype i = 0; i < binds.size(); ++i)
            query.bindValue(int(i), binds.at(i));
        if (!query.exec() || !query.next())
            return {};
        return query.value(0);
    }

    qint64 count(const QString &table) { return scalar(u"SELECT count(*) FROM "_s + table).toLongLong(); }
    qint64 snapshotId(std::uint64_t seq)
    {
        return scalar(u"SELECT id FROM snapshots WHERE seq = ?"_s, {qint64(seq)}).toLongLong();
    }

private:
    static inline int s_count = 0;
    QString m_name;
    bool m_open = false;
};

QList<std::uint64_t> listedSeqs(SnapshotStore &store, const QString &app)
{
    QList<std::uint64_t> seqs;
    const auto infos = store.list(app);
    if (!infos)
        return {std::numeric_limits<std::uint64_t>::max()};
    for (const auto &info : *infos)
        seqs.append(info.seq);
    return seqs;
}

} // namespace

class tst_SnapshotStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void roundTrip_data();
    void roundTrip();
    void emptyStore();
    void survivesReopen();
    void createsParentDirectories();
    void twoStoresAtOnce();
    void retention_data();
    void retention();
    void retentionIsPerApp();
    void newerEpochWins();
    void sameSeqReplaces();
    void refusesInvalidSnapshot_data();
    void refusesInvalidSnapshot();
    void corruptNewestFallsBack_data();
    void corruptNewestFallsBack();
    void allCorrupt();
    void garbageFile_data();
    void garbageFile();
    void unusablePath_data();
    void unusablePath();
    void futureSchemaVersion();
    void failedSaveLeavesNothing_data();
    void failedSaveLeavesNothing();
    void killDuringWrite();
    void writerChild(); // helper process for killDuringWrite; skipped in a normal run

private:
    QString storePath() const { return m_dir->filePath(u"cold/snapshots.db"_s); }
    std::unique_ptr<SnapshotStore> openStore(const QString &path);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_SnapshotStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // Any warning a test does not expect (including QtSql's "connection still in use") fails it.
    QTest::failOnWarning(QRegularExpression(u".*"_s));
}

void tst_SnapshotStore::cleanup()
{
    m_dir.reset();
}

std::unique_ptr<SnapshotStore> tst_SnapshotStore::openStore(const QString &path)
{
    auto store = SnapshotStore::open(path);
    if (!store) {
        qWarning("open failed: %s", qPrintable(store.error().toString()));
        return nullptr;
    }
    return std::move(*store);
}

void tst_SnapshotStore::roundTrip_data()
{
    QTest::addColumn<Snapshot>("snapshot");

    QTest::newRow("no entries") << makeSnapshot(u"empty"_s, 1, 1, {});
    QTest::newRow("one entry") << makeSnapshot(u"cart"_s, 3, 17, {{u"total"_s, "42"_ba}});
    QTest::newRow("binary and empty values") << makeSnapshot(u"bin"_s,
                                                             2,
                                                             9,
                                                             {{u"zeros"_s, QByteArray(16, '\0')},
                                                              {u"empty"_s, QByteArray("")},
                                                              {u"null"_s, QByteArray()},
                                                              {u"high"_s, "\xff\xfe\x80\x01"_ba}});
    QTest::newRow("unicode keys") << makeSnapshot(u"intl"_s,
                                                  1,
                                                  5,
                                                  {{u"session/Åsa"_s, "1"_ba},
                                                   {u"ключ"_s, "2"_ba},
                                                   {u"键/🔑"_s, "3"_ba}});
    Entries many;
    for (int i = 999; i >= 0; --i) // descending: order must survive, not be re-sorted
        many.append({u"key/%1"_s.arg(i), QByteArray::number(i * 7919)});
    QTest::newRow("1000 entries") << makeSnapshot(u"many"_s, 4, 1000, many);
    QByteArray big(1 << 20, '\0');
    QRandomGenerator random(7);
    for (char &c : big)
        c = char(random.bounded(256));
    QTest::newRow("1 MiB value") << makeSnapshot(u"big"_s, 1, 2, {{u"blob"_s, big}});
    const auto maxStored = std::uint64_t(std::numeric_limits<qint64>::max());
    QTest::newRow("largest epoch and seq") << makeSnapshot(u"max"_s, maxStored, maxStored, {{u"a"_s, "b"_ba}});
}

void tst_SnapshotStore::roundTrip()
{
    QFETCH(Snapshot, snapshot);
    auto store = openStore(storePath());
    QVERIFY(store);

    const auto saved = store->save(snapshot);
    QVERIFY2(saved, qPrintable(errorText(saved)));
    const auto loaded = store->latest(snapshot.app);
    QVERIFY2(loaded, qPrintable(errorText(loaded)));
    QVERIFY(loaded->has_value());
    compareSnapshots(**loaded, snapshot);

    const auto infos = store->list(snapshot.app);
    QVERIFY(infos);
    QCOMPARE(infos->size(), 1);
    QCOMPARE(infos->first().app, snapshot.app);
    QCOMPARE(infos->first().epoch, snapshot.epoch);
    QCOMPARE(infos->first().seq, snapshot.seq);
    QCOMPARE(infos->first().digest.toHex(), snapshot.digest.toHex());
    QCOMPARE(infos->first().takenAtMs, snapshot.takenAtMs);
    QCOMPARE(infos->first().entryCount, qint64(snapshot.entries.size()));
    QCOMPARE(store->apps(), QStringList{snapshot.app});
}

void tst_SnapshotStore::emptyStore()
{
    auto store = openStore(storePath());
    QVERIFY(store);
    const auto loaded = store->latest(u"nobody"_s);
    QVERIFY(loaded);
    QVERIFY(!loaded->has_value());
    const auto infos = store->list(u"nobody"_s);
    QVERIFY(infos);
    QVERIFY(infos->isEmpty());
    QVERIFY(store->apps().isEmpty());
    QCOMPARE(store->retention(), SnapshotStore::kDefaultRetention);
}

void tst_SnapshotStore::survivesReopen()
{
    const Snapshot cart = numberedSnapshot(u"cart"_s, 2, 40, 50);
    const Snapshot auth = numberedSnapshot(u"auth"_s, 1, 7, 3);
    {
        auto store = openStore(storePath());
        QVERIFY(store);
        QVERIFY(store->save(numberedSnapshot(u"cart"_s, 2, 39, 50)));
        QVERIFY(store->save(cart));
        QVERIFY(store->save(auth));
    }
    auto store = openStore(storePath());
    QVERIFY(store);
    QCOMPARE(store->apps(), (QStringList{u"auth"_s, u"cart"_s}));
    QCOMPARE(listedSeqs(*store, u"cart"_s), (QList<std::uint64_t>{40, 39}));
    const auto loadedCart = store->latest(u"cart"_s);
    QVERIFY(loadedCart && loadedCart->has_value());
    compareSnapshots(**loadedCart, cart);
    const auto loadedAuth = store->latest(u"auth"_s);
    QVERIFY(loadedAuth && loadedAuth->has_value());
    compareSnapshots(**loadedAuth, auth);

    RawDb raw(storePath());
    QVERIFY(raw.isOpen());
    QCOMPARE(raw.scalar(u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), 1);
}

void tst_SnapshotStore::createsParentDirectories()
{
    const QString path = m_dir->filePath(u"a/b/c/store.db"_s);
    auto store = openStore(path);
    QVERIFY(store);
    QVERIFY(store->save(numberedSnapshot(u"app"_s, 1, 1)));
    QVERIFY(QFile::exists(path));
    QCOMPARE(store->path(), path);
}

void tst_SnapshotStore::twoStoresAtOnce()
{
    // Distinct connections: two files at once, and two stores on one file.
    auto first = openStore(m_dir->filePath(u"one.db"_s));
    auto second = openStore(m_dir->filePath(u"two.db"_s));
    auto sameFile = openStore(m_dir->filePath(u"one.db"_s));
    QVERIFY(first && second && sameFile);
    QVERIFY(first->save(numberedSnapshot(u"a"_s, 1, 1)));
    QVERIFY(second->save(numberedSnapshot(u"b"_s, 1, 2)));
    QCOMPARE(first->apps(), QStringList{u"a"_s});
    QCOMPARE(second->apps(), QStringList{u"b"_s});
    QCOMPARE(sameFile->apps(), QStringList{u"a"_s});
    first.reset();
    const auto loaded = sameFile->latest(u"a"_s);
    QVERIFY(loaded && loaded->has_value());
    QCOMPARE((*loaded)->seq, std::uint64_t(1));
    QVERIFY(second->save(numberedSnapshot(u"b"_s, 1, 3)));
}

void tst_SnapshotStore::retention_data()
{
    QTest::addColumn<int>("retention"); // 0: leave the default
    QTest::addColumn<int>("expected");

    QTest::newRow("default") << 0 << 3;
    QTest::newRow("one") << 1 << 1;
    QTest::newRow("two") << 2 << 2;
    QTest::newRow("more than saved") << 10 << 6;
    QTest::newRow("negative clamps to one") << -5 << 1;
}

void tst_SnapshotStore::retention()
{
    QFETCH(int, retention);
    QFETCH(int, expected);
    auto store = openStore(storePath());
    QVERIFY(store);
    if (retention != 0)
        store->setRetention(retention);
    QCOMPARE(store->retention(), std::max(retention == 0 ? 3 : retention, 1));

    for (std::uint64_t seq = 1; seq <= 6; ++seq)
        QVERIFY(store->save(numberedSnapshot(u"app"_s, 1, seq * 10, 5)));

    QList<std::uint64_t> kept;
    for (int i = 0; i < expected; ++i)
        kept.append(std::uint64_t(60 - 10 * i));
    QCOMPARE(listedSeqs(*store, u"app"_s), kept);

    // The entries of pruned snapshots went with them.
    RawDb raw(storePath());
    QCOMPARE(raw.count(u"snapshot_entries"_s), 5 * expected);
    QCOMPARE(raw.scalar(u"SELECT count(*) FROM snapshot_entries WHERE snapshot_id NOT IN "
                        "(SELECT id FROM snapshots)"_s)
                 .toLongLong(),
             0);
}

void tst_SnapshotStore::retentionIsPerApp()
{
    auto store = openStore(storePath());
    QVERIFY(store);
    store->setRetention(2);
    for (std::uint64_t seq = 1; seq <= 4; ++seq) {
        QVERIFY(store->save(numberedSnapshot(u"a"_s, 1, seq)));
        if (seq == 1)
            QVERIFY(store->save(numberedSnapshot(u"b"_s, 1, 100)));
    }
    QCOMPARE(listedSeqs(*store, u"a"_s), (QList<std::uint64_t>{4, 3}));
    QCOMPARE(listedSeqs(*store, u"b"_s), (QList<std::uint64_t>{100}));
}

void tst_SnapshotStore::newerEpochWins()
{
    // After a promotion the new primary's history supersedes the deposed one's, even at a lower seq.
    auto store = openStore(storePath());
    QVERIFY(store);
    QVERIFY(store->save(numberedSnapshot(u"app"_s, 1, 10)));
    const Snapshot promoted = numberedSnapshot(u"app"_s, 2, 8);
    QVERIFY(store->save(promoted));
    QVERIFY(store->save(numberedSnapshot(u"app"_s, 1, 12))); // a late arrival from epoch 1
    const auto loaded = store->latest(u"app"_s);
    QVERIFY(loaded && loaded->has_value());
    compareSnapshots(**loaded, promoted);
    QCOMPARE(listedSeqs(*store, u"app"_s), (QList<std::uint64_t>{8, 12, 10}));
}

void tst_SnapshotStore::sameSeqReplaces()
{
    auto store = openStore(storePath());
    QVERIFY(store);
    QVERIFY(store->save(numberedSnapshot(u"app"_s, 1, 5, 3)));
    const Snapshot again = makeSnapshot(u"app"_s, 1, 5, {{u"only"_s, "one"_ba}});
    QVERIFY(store->save(again));
    const auto loaded = store->latest(u"app"_s);
    QVERIFY(loaded && loaded->has_value());
    compareSnapshots(**loaded, again);
    RawDb raw(storePath());
    QCOMPARE(raw.count(u"snapshots"_s), 1);
    QCOMPARE(raw.count(u"snapshot_entries"_s), 1);
}

void tst_SnapshotStore::refusesInvalidSnapshot_data()
{
    QTest::addColumn<Snapshot>("snapshot");
    QTest::addColumn<QString>("messagePart");

    Snapshot wrongDigest = numberedSnapshot(u"app"_s, 1, 2);
    wrongDigest.entries[1].second = "tampered"_ba;
    QTest::newRow("entries do not match digest") << wrongDigest << u"refusing"_s;

    Snapshot digestOfOther = numberedSnapshot(u"app"_s, 1, 2);
    digestOfOther.digest = numberedSnapshot(u"app"_s, 1, 3).digest;
    QTest::newRow("digest of another state") << digestOfOther << digestOfOther.digest.toHex();

    Snapshot missingEntry = numberedSnapshot(u"app"_s, 1, 2);
    missingEntry.entries.removeLast();
    QTest::newRow("entry missing") << missingEntry << u"refusing"_s;

    QTest::newRow("no application") << numberedSnapshot(QString(), 1, 2) << u"application name"_s;
    QTest::newRow("duplicate key") << makeSnapshot(u"app"_s, 1, 2, {{u"k"_s, "1"_ba}, {u"k"_s, "2"_ba}})
                                   << u"more than once"_s;
    QTest::newRow("empty key") << makeSnapshot(u"app"_s, 1, 2, {{QString(), "1"_ba}}) << u"empty key"_s;
    QTest::newRow("seq beyond 2^63-1") << numberedSnapshot(u"app"_s,
                                                           1,
                                                           std::uint64_t(std::numeric_limits<qint64>::max()) + 1)
                                       << u"2^63"_s;
}

void tst_SnapshotStore::refusesInvalidSnapshot()
{
    QFETCH(Snapshot, snapshot);
    QFETCH(QString, messagePart);
    auto store = openStore(storePath());
    QVERIFY(store);
    const Snapshot good = numberedSnapshot(u"app"_s, 1, 1);
    QVERIFY(store->save(good));

    const auto saved = store->save(snapshot);
    QVERIFY(!saved);
    QCOMPARE(saved.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(saved.error().message.contains(messagePart), qPrintable(saved.error().message));

    // Nothing of the refused snapshot was stored.
    QCOMPARE(listedSeqs(*store, u"app"_s), QList<std::uint64_t>{1});
    QCOMPARE(store->apps(), QStringList{u"app"_s});
    const auto loaded = store->latest(u"app"_s);
    QVERIFY(loaded && loaded->has_value());
    compareSnapshots(**loaded, good);
    RawDb raw(storePath());
    QCOMPARE(raw.count(u"snapshot_entries"_s), good.entries.size());
}

void tst_SnapshotStore::corruptNewestFallsBack_data()
{
    // %1 is the id of the newest snapshot; "flip" flips one bit of one stored value instead.
    QTest::addColumn<QString>("damage");

    const QString firstEntry = u"(SELECT min(rowid) FROM snapshot_entries WHERE snapshot_id = %1)"_s;
    QTest::newRow("bit flipped in a value") << u"flip"_s;
    QTest::newRow("value replaced") << u"UPDATE snapshot_entries SET value = X'DEADBEEF' WHERE rowid = "_s + firstEntry;
    QTest::newRow("value emptied") << u"UPDATE snapshot_entries SET value = X'' WHERE rowid = "_s + firstEntry;
    QTest::newRow("key renamed") << u"UPDATE snapshot_entries SET key = key || '~' WHERE rowid = "_s + firstEntry;
    QTest::newRow("entry lost") << u"DELETE FROM snapshot_entries WHERE rowid = "_s + firstEntry;
    QTest::newRow("entry lost, count adjusted")
        << u"DELETE FROM snapshot_entries WHERE rowid = "_s + firstEntry
               + u"; UPDATE snapshots SET entry_count = entry_count - 1 WHERE id = %1"_s;
    QTest::newRow("entry added") << u"INSERT INTO snapshot_entries VALUES (%1, 'intruder', X'01')"_s;
    QTest::newRow("all entries lost") << u"DELETE FROM snapshot_entries WHERE snapshot_id = %1"_s;
    QTest::newRow("entry count wrong") << u"UPDATE snapshots SET entry_count = entry_count + 1 WHERE id = %1"_s;
    QTest::newRow("digest of another state")
        << u"UPDATE snapshots SET digest = '0123456789abcdef0123456789abcdef' WHERE id = %1"_s;
    QTest::newRow("digest unreadable") << u"UPDATE snapshots SET digest = 'not a digest' WHERE id = %1"_s;
}

void tst_SnapshotStore::corruptNewestFallsBack()
{
    QFETCH(QString, damage);
    auto store = openStore(storePath());
    QVERIFY(store);
    Snapshot previous;
    for (std::uint64_t seq = 1; seq <= 3; ++seq) {
        const Snapshot snapshot = numberedSnapshot(u"app"_s, 1, seq, 6);
        QVERIFY(store->save(snapshot));
        if (seq == 2)
            previous = snapshot;
    }

    {
        RawDb raw(storePath());
        QVERIFY(raw.isOpen());
        const qint64 newest = raw.snapshotId(3);
        QVERIFY(newest > 0);
        if (damage == u"flip"_s) {
            const qint64 rowid
                = raw.scalar(u"SELECT min(rowid) FROM snapshot_entries WHERE snapshot_id = ?"_s, {newest}).toLongLong();
            QByteArray value
                = raw.scalar(u"SELECT value FROM snapshot_entries WHERE rowid = ?"_s, {rowid}).toByteArray();
            QVERIFY(!value.isEmpty());
            value[value.size() / 2] = char(value.at(value.size() / 2) ^ 0x04);
            const QString error = raw.exec(u"UPDATE snapshot_entries SET value = ? WHERE rowid = ?"_s, {value, rowid});
            QVERIFY2(error.isEmpty(), qPrintable(error));
        } else {
            for (const QString &statement : damage.arg(newest).split(u';')) {
                const QString error = raw.exec(statement.trimmed());
                QVERIFY2(error.isEmpty(), qPrintable(error));
            }
        }
    }

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"snapshot of app at epoch 1 seq 3 is corrupt"_s));
    const auto loaded = store->latest(u"app"_s);
    QVERIFY2(loaded, qPrintable(errorText(loaded)));
    QVERIFY(loaded->has_value());
    compareSnapshots(**loaded, previous);
    // list() reports what is stored without checking it.
    if (!damage.contains(u"not a digest"_s)) {
        QCOMPARE(listedSeqs(*store, u"app"_s), (QList<std::uint64_t>{3, 2, 1}));
    }

    // A good newer snapshot takes over again (and retention drops the corrupt one in time).
    const Snapshot next = numberedSnapshot(u"app"_s, 1, 4, 6);
    QVERIFY(store->save(next));
    const auto reloaded = store->latest(u"app"_s);
    QVERIFY(reloaded && reloaded->has_value());
    compareSnapshots(**reloaded, next);
}

void tst_SnapshotStore::allCorrupt()
{
    auto store = openStore(storePath());
    QVERIFY(store);
    for (std::uint64_t seq = 1; seq <= 3; ++seq)
        QVERIFY(store->save(numberedSnapshot(u"cart"_s, 1, seq)));
    QVERIFY(store->save(numberedSnapshot(u"other"_s, 1, 9)));
    {
        RawDb raw(storePath());
        const QString error = raw.exec(u"UPDATE snapshot_entries SET value = X'00' WHERE snapshot_id IN "
                                       "(SELECT id FROM snapshots WHERE app = 'cart')"_s);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cart at epoch 1 seq \\d is corrupt"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cart at epoch 1 seq \\d is corrupt"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cart at epoch 1 seq \\d is corrupt"_s));
    const auto loaded = store->latest(u"cart"_s);
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().code, ErrorCode::Corruption);
    QVERIFY2(loaded.error().message.contains(u"cart"_s), qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(u"3, 2, 1"_s), qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(storePath()), qPrintable(loaded.error().message));

    // Other applications are unaffected.
    const auto other = store->latest(u"other"_s);
    QVERIFY(other && other->has_value());
}

void tst_SnapshotStore::garbageFile_data()
{
    QTest::addColumn<QByteArray>("content");

    QRandomGenerator random(20240611);
    auto randomBytes = [&random](qsizetype size) {
        QByteArray bytes(size, '\0');
        for (char &c : bytes)
            c = char(random.bounded(256));
        return bytes;
    };
    QTest::newRow("4 KiB of random bytes") << randomBytes(4096);
    QTest::newRow("100 random bytes") << randomBytes(100);
    QTest::newRow("a short text file") << "not a database\n"_ba;
    QTest::newRow("8 KiB of zeros") << QByteArray(8192, '\0');
    QTest::newRow("SQLite magic, then garbage") << QByteArray("SQLite format 3\0", 16) + randomBytes(4080);
}

void tst_SnapshotStore::garbageFile()
{
    QFETCH(QByteArray, content);
    const QString path = m_dir->filePath(u"garbage.db"_s);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), content.size());
    }

    const auto store = SnapshotStore::open(path);
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::Corruption);
    QVERIFY2(store.error().message.contains(path), qPrintable(store.error().message));

    // The file is left exactly as it was: nothing writes to a file it does not understand.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), content);
}

void tst_SnapshotStore::unusablePath_data()
{
    QTest::addColumn<QString>("relativePath");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("parent is a file") << u"plain.txt/store.db"_s << ErrorCode::IoError;
    QTest::newRow("ancestor is a file") << u"plain.txt/sub/dir/store.db"_s << ErrorCode::IoError;
    QTest::newRow("path is a directory") << u"adir"_s << ErrorCode::IoError;
    QTest::newRow("empty path") << QString() << ErrorCode::InvalidArgument;
}

void tst_SnapshotStore::unusablePath()
{
    QFETCH(QString, relativePath);
    QFETCH(ErrorCode, code);
    {
        QFile file(m_dir->filePath(u"plain.txt"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("I am a file");
    }
    QVERIFY(QDir(m_dir->path()).mkdir(u"adir"_s));

    const QString path = relativePath.isEmpty() ? QString() : m_dir->filePath(relativePath);
    const auto store = SnapshotStore::open(path);
    QVERIFY(!store);
    QCOMPARE(store.error().code, code);
    if (!path.isEmpty())
        QVERIFY2(store.error().message.contains(path), qPrintable(store.error().message));
}

void tst_SnapshotStore::futureSchemaVersion()
{
    {
        auto store = openStore(storePath());
        QVERIFY(store);
        QVERIFY(store->save(numberedSnapshot(u"app"_s, 1, 1)));
    }
    {
        RawDb raw(storePath());
        QVERIFY(raw.exec(u"PRAGMA user_version = 99"_s).isEmpty());
    }
    const auto store = SnapshotStore::open(storePath());
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::IoError);
    QVERIFY2(store.error().message.contains(storePath()), qPrintable(store.error().message));
    QVERIFY2(store.error().message.contains(u"99"_s), qPrintable(store.error().message));
}

void tst_SnapshotStore::failedSaveLeavesNothing_data()
{
    // A trigger installed through another connection makes SQLite abort the save at a chosen
    // point, as a full disk or an I/O error would; the save must roll back completely.
    QTest::addColumn<QString>("trigger");

    QTest::newRow("snapshot row refused")
        << u"CREATE TRIGGER fault BEFORE INSERT ON snapshots BEGIN SELECT RAISE(ABORT, 'injected'); END"_s;
    QTest::newRow("half the entries written")
        << u"CREATE TRIGGER fault BEFORE INSERT ON snapshot_entries WHEN NEW.key = 'k5' "
           "BEGIN SELECT RAISE(ABORT, 'injected'); END"_s;
    QTest::newRow("all written, pruning fails")
        << u"CREATE TRIGGER fault BEFORE DELETE ON snapshots BEGIN SELECT RAISE(ABORT, 'injected'); END"_s;
}

void tst_SnapshotStore::failedSaveLeavesNothing()
{
    QFETCH(QString, trigger);
    auto store = openStore(storePath());
    QVERIFY(store);
    store->setRetention(2);
    const Snapshot older = numberedSnapshot(u"app"_s, 1, 1, 10);
    const Snapshot newer = numberedSnapshot(u"app"_s, 1, 2, 10);
    QVERIFY(store->save(older));
    QVERIFY(store->save(newer));

    RawDb raw(storePath());
    QVERIFY(raw.isOpen());
    const qint64 entriesBefore = raw.count(u"snapshot_entries"_s);
    QString error = raw.exec(trigger);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const auto saved = store->save(numberedSnapshot(u"app"_s, 1, 3, 10));
    QVERIFY(!saved);
    QCOMPARE(saved.error().code, ErrorCode::IoError);
    QVERIFY2(saved.error().message.contains(u"injected"_s), qPrintable(saved.error().message));

    QCOMPARE(listedSeqs(*store, u"app"_s), (QList<std::uint64_t>{2, 1}));
    QCOMPARE(raw.count(u"snapshots"_s), 2);
    QCOMPARE(raw.count(u"snapshot_entries"_s), entriesBefore);
    const auto loaded = store->latest(u"app"_s);
    QVERIFY(loaded && loaded->has_value());
    compareSnapshots(**loaded, newer);

    // The store is not left inside a transaction: once the fault clears, saving works.
    error = raw.exec(u"DROP TRIGGER fault"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Snapshot latest = numberedSnapshot(u"app"_s, 1, 3, 10);
    const auto retried = store->save(latest);
    QVERIFY2(retried, qPrintable(errorText(retried)));
    QCOMPARE(listedSeqs(*store, u"app"_s), (QList<std::uint64_t>{3, 2}));
    const auto reloaded = store->latest(u"app"_s);
    QVERIFY(reloaded && reloaded->has_value());
    compareSnapshots(**reloaded, latest);
}

void tst_SnapshotStore::killDuringWrite()
{
    // A child process saves snapshots as fast as it can, printing each seq after save() returns;
    // it is killed (SIGKILL) while saving. Every acknowledged snapshot must have survived and
    // no partial snapshot may be visible.
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(kChildEnv), storePath());
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {u"writerChild"_s});
    QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));

    std::uint64_t acknowledged = 0;
    while (acknowledged < 20) {
        if (!child.canReadLine() && !child.waitForReadyRead(60'000))
            QFAIL("the writer process stopped reporting saves");
        while (child.canReadLine()) {
            const QByteArray line = child.readLine().trimmed();
            if (line.startsWith("saved "))
                acknowledged = line.mid(6).toULongLong();
        }
    }
    child.kill();
    QVERIFY(child.waitForFinished(60'000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    auto store = openStore(storePath());
    QVERIFY(store);
    const auto loaded = store->latest(u"app"_s);
    QVERIFY2(loaded, qPrintable(errorText(loaded)));
    QVERIFY(loaded->has_value());
    QVERIFY2((*loaded)->seq >= acknowledged,
             qPrintable(u"latest seq %1, acknowledged %2"_s.arg((*loaded)->seq).arg(acknowledged)));
    compareSnapshots(**loaded, numberedSnapshot(u"app"_s, 1, (*loaded)->seq, 200));

    RawDb raw(storePath());
    QCOMPARE(raw.scalar(u"PRAGMA integrity_check"_s).toString(), u"ok"_s);
    QCOMPARE(raw.scalar(u"SELECT count(*) FROM snapshots s WHERE entry_count <> "
                        "(SELECT count(*) FROM snapshot_entries e WHERE e.snapshot_id = s.id)"_s)
                 .toLongLong(),
             0);
    QVERIFY(raw.count(u"snapshots"_s) <= SnapshotStore::kDefaultRetention);
}

void tst_SnapshotStore::writerChild()
{
    const QString path = qEnvironmentVariable(kChildEnv);
    if (path.isEmpty())
        QSKIP("helper process for killDuringWrite");
    auto store = openStore(path);
    QVERIFY(store);
    // Bounded, so an orphaned writer cannot run forever.
    for (std::uint64_t seq = 1; seq <= 1'000'000; ++seq) {
        const auto saved = store->save(numberedSnapshot(u"app"_s, 1, seq, 200));
        QVERIFY2(saved, qPrintable(errorText(saved)));
        std::printf("saved %llu\n", static_cast<unsigned long long>(seq));
        std::fflush(stdout);
    }
}

QTEST_GUILESS_MAIN(tst_SnapshotStore)
#include "tst_snapshotstore.moc"
