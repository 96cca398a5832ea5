// Unit tests for storage::SqliteDatabase, the SQLite helper under the console, snapshot and model
// stores: creating and upgrading a schema (and backing out of a failed upgrade), what its errors
// say, which connections it leaves behind, and its transactions.

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "resulttext.h"
#include "storage/sqlitedatabase.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::Result;
using foresight::storage::SqliteDatabase;
using foresight::storage::SqliteOptions;
using foresight::storage::SqliteSchema;
using foresight::storage::SqliteTransaction;
using foresight::testing::errorText;

namespace {

constexpr int kApplicationId = 0x54455354; // "TEST"

// A second connection to the file, as another process or the sqlite3 shell would have. It never
// waits for a lock, so a test that meets one fails at once.
class RawDb
{
public:
    explicit RawDb(const QString &path)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=0"_s);
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
    QString exec(const QString &sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        return query.exec(sql) ? QString() : query.lastError().text();
    }

    QVariant scalar(const QString &sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql) || !query.next())
            return {};
        return query.value(0);
    }

private:
    QString m_name = u"tst.raw"_s;
    bool m_open = false;
};

SqliteOptions optionsFor(const QString &path)
{
    SqliteOptions options;
    options.store = u"test store"_s;
    options.path = path;
    options.connectionName = SqliteDatabase::uniqueConnectionName(u"tst.sqlitedatabase"_s);
    options.busyTimeoutMs = 1000;
    options.synchronous = u"FULL"_s;
    options.foreignKeys = true;
    options.damageAdvice = u"move the file aside"_s;
    return options;
}

// Three versions: 1 has `one`, 2 adds `two`, 3 adds `three`. A file with our application id is
// ours at its user_version; an empty file is new (0); anything else is refused.
struct VersionedSchema
{
    QList<int> statementsAskedFrom; // each call of statements(), with its `from`

    SqliteSchema schema(int version = 3)
    {
        SqliteSchema schema;
        schema.version = version;
        schema.applicationId = kApplicationId;
        schema.inspect = [](const SqliteDatabase &db) -> Result<int> {
            auto header = db.readHeader();
            if (!header)
                return std::unexpected(header.error());
            if (header->applicationId == kApplicationId)
                return header->userVersion;
            if (header->applicationId == 0 && header->schemaObjects == 0)
                return 0;
            return foresight::fail(ErrorCode::Corruption, u"not a test store"_s);
        };
        schema.statements = [this, version](int from) {
            statementsAskedFrom.append(from);
            const QStringList steps{u"CREATE TABLE one (x INTEGER NOT NULL)"_s,
                                    u"CREATE TABLE two (x)"_s,
                                    u"CREATE TABLE three (x)"_s};
            return steps.mid(from, version - from);
        };
        return schema;
    }
};

QStringList tables(RawDb &raw)
{
    QStringList names;
    for (const QString &name : {u"one"_s, u"two"_s, u"three"_s}) {
        if (raw.scalar(u"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%1'"_s.arg(name)).toInt())
            names.append(name);
    }
    return names;
}

bool connectionsLeft()
{
    for (const QString &name : QSqlDatabase::connectionNames()) {
        if (name.startsWith(u"tst.sqlitedatabase."_s))
            return true;
    }
    return false;
}

} // namespace

class tst_SqliteDatabase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void createsANewFile();
    void upgradesAnOlderVersion();
    void failedUpgradeChangesNothing();
    void looksAgainUnderTheWriteLock();
    void inspectRefusalLeavesTheFileAlone();
    void checkVersion();
    void damagedFile();
    void unopenablePath();
    void filePath();
    void refusesAConnectionInUse();
    void statementErrorsNameTheirPurpose();
    void queries();
    void transactionRollsBackUnlessCommitted();

private:
    QString path() const { return m_dir->filePath(u"test.db"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_SqliteDatabase::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_SqliteDatabase::cleanup()
{
    QVERIFY(!connectionsLeft());
    m_dir.reset();
}

void tst_SqliteDatabase::createsANewFile()
{
    VersionedSchema versions;
    auto db = SqliteDatabase::open(optionsFor(path()), versions.schema());
    QVERIFY2(db, qPrintable(errorText(db)));
    auto synchronous = db->queryValue(u"PRAGMA synchronous"_s, {}, u"cannot read synchronous"_s);
    auto foreignKeys = db->queryValue(u"PRAGMA foreign_keys"_s, {}, u"cannot read foreign_keys"_s);
    QVERIFY(synchronous && *synchronous && foreignKeys && *foreignKeys);
    QCOMPARE((*synchronous)->toInt(), 2); // FULL
    QCOMPARE((*foreignKeys)->toInt(), 1);
    db->close();

    QCOMPARE(versions.statementsAskedFrom, QList<int>{0});
    RawDb raw(path());
    QCOMPARE(raw.scalar(u"PRAGMA application_id"_s).toInt(), kApplicationId);
    QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), 3);
    QCOMPARE(raw.scalar(u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    QCOMPARE(tables(raw), (QStringList{u"one"_s, u"two"_s, u"three"_s}));
}

void tst_SqliteDatabase::upgradesAnOlderVersion()
{
    {
        VersionedSchema versions;
        auto db = SqliteDatabase::open(optionsFor(path()), versions.schema(1));
        QVERIFY2(db, qPrintable(errorText(db)));
        QVERIFY(db->exec(u"INSERT INTO one (x) VALUES (42)"_s, {}, u"cannot insert"_s));
        db->close();
    }
    VersionedSchema versions;
    auto db = SqliteDatabase::open(optionsFor(path()), versions.schema(3));
    QVERIFY2(db, qPrintable(errorText(db)));
    db->close();
    QCOMPARE(versions.statementsAskedFrom, QList<int>{1});

    {
        RawDb raw(path());
        QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), 3);
        QCOMPARE(tables(raw), (QStringList{u"one"_s, u"two"_s, u"three"_s}));
        QCOMPARE(raw.scalar(u"SELECT x FROM one"_s).toInt(), 42); // the upgrade kept the data
    }

    // Current now: opening again runs nothing.
    VersionedSchema again;
    auto reopened = SqliteDatabase::open(optionsFor(path()), again.schema(3));
    QVERIFY2(reopened, qPrintable(errorText(reopened)));
    reopened->close();
    QVERIFY(again.statementsAskedFrom.isEmpty());
}

void tst_SqliteDatabase::failedUpgradeChangesNothing()
{
    {
        VersionedSchema versions;
        auto db = SqliteDatabase::open(optionsFor(path()), versions.schema(1));
        QVERIFY2(db, qPrintable(errorText(db)));
        db->close();
    }
    VersionedSchema versions;
    SqliteSchema schema = versions.schema(3);
    // The second step fails after the first one ran.
    schema.statements = [](int) { return QStringList{u"CREATE TABLE two (x)"_s, u"CREATE TABLE one (x)"_s}; };
    const auto db = SqliteDatabase::open(optionsFor(path()), schema);
    QVERIFY(!db);
    QCOMPARE(db.error().code, ErrorCode::IoError);
    QVERIFY2(db.error().message.contains(u"test store %1: cannot upgrade schema version 1 to 3"_s.arg(path())),
             qPrintable(db.error().message));
    QVERIFY2(db.error().message.contains(u"already exists"_s), qPrintable(db.error().message));

    RawDb raw(path());
    QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), 1);
    QCOMPARE(tables(raw), QStringList{u"one"_s});
}

void tst_SqliteDatabase::looksAgainUnderTheWriteLock()
{
    // Another process creates the store between the first look and the write lock: the schema
    // must not be created twice.
    VersionedSchema versions;
    SqliteSchema schema = versions.schema(1);
    int looks = 0;
    QString otherErrors;
    const auto inspect = schema.inspect;
    schema.inspect = [&](const SqliteDatabase &db) {
        auto found = inspect(db);
        if (++looks == 1) {
            RawDb other(path());
            for (const QString &sql : {u"CREATE TABLE one (x)"_s,
                                       u"PRAGMA application_id = %1"_s.arg(kApplicationId),
                                       u"PRAGMA user_version = 1"_s})
                otherErrors += other.exec(sql);
        }
        return found;
    };
    auto db = SqliteDatabase::open(optionsFor(path()), schema);
    QVERIFY2(db, qPrintable(errorText(db)));
    db->close();
    QCOMPARE(otherErrors, QString());
    QCOMPARE(looks, 2);
    QVERIFY(versions.statementsAskedFrom.isEmpty());
}

void tst_SqliteDatabase::inspectRefusalLeavesTheFileAlone()
{
    {
        RawDb raw(path());
        QCOMPARE(raw.exec(u"CREATE TABLE theirs (x)"_s), QString());
    }
    QFile file(path());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();

    VersionedSchema versions;
    const auto db = SqliteDatabase::open(optionsFor(path()), versions.schema());
    QVERIFY(!db);
    QCOMPARE(db.error().code, ErrorCode::Corruption);
    QCOMPARE(db.error().message, u"not a test store"_s);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before); // not even switched to WAL
    QVERIFY(!QFile::exists(path() + u"-wal"_s));
}

void tst_SqliteDatabase::checkVersion()
{
    const SqliteDatabase db(optionsFor(path()));
    QVERIFY(db.checkVersion(1, 1, 3, ErrorCode::IoError));
    QVERIFY(db.checkVersion(3, 1, 3, ErrorCode::IoError));

    const auto newer = db.checkVersion(4, 1, 3, ErrorCode::InvalidArgument);
    QVERIFY(!newer);
    QCOMPARE(newer.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(newer.error().message,
             u"test store %1 has schema version 4, newer than the 3 this build understands; open it with a newer "
             "Foresight or use another path"_s.arg(path()));

    const auto older = db.checkVersion(0, 1, 3, ErrorCode::InvalidArgument);
    QVERIFY(!older);
    QCOMPARE(older.error().code, ErrorCode::Corruption);
    QVERIFY2(older.error().message.contains(u"impossible schema version 0"_s), qPrintable(older.error().message));
}

void tst_SqliteDatabase::damagedFile()
{
    {
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("not a database\n").repeated(300));
    }
    VersionedSchema versions;
    SqliteOptions options = optionsFor(path());
    const auto damaged = SqliteDatabase::open(options, versions.schema());
    QVERIFY(!damaged);
    QCOMPARE(damaged.error().code, ErrorCode::Corruption);
    const QString message = damaged.error().message;
    QVERIFY2(message.startsWith(
                 u"test store %1 is damaged or not a SQLite database (cannot read the file header: "_s.arg(path())),
             qPrintable(message));
    QVERIFY2(message.endsWith(u"; move the file aside"_s), qPrintable(message));

    // Without advice a damaged file is an I/O error like any other (the model store's choice).
    options.damageAdvice.reset();
    const auto plain = SqliteDatabase::open(options, versions.schema());
    QVERIFY(!plain);
    QCOMPARE(plain.error().code, ErrorCode::IoError);
    QVERIFY2(plain.error().message.startsWith(u"test store %1: cannot read the file header: "_s.arg(path())),
             qPrintable(plain.error().message));
}

void tst_SqliteDatabase::unopenablePath()
{
    // A regular file where the parent directory should be: unusable even for root.
    const QString blocker = m_dir->filePath(u"plain.txt"_s);
    {
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("I am a file");
    }
    const QString unusable = blocker + u"/test.db"_s;
    VersionedSchema versions;
    const SqliteOptions options = optionsFor(unusable);
    const auto db = SqliteDatabase::open(options, versions.schema());
    QVERIFY(!db);
    QCOMPARE(db.error().code, ErrorCode::IoError);
    QVERIFY2(db.error().message.startsWith(u"test store %1: cannot open: "_s.arg(unusable)),
             qPrintable(db.error().message));
    QVERIFY(!QSqlDatabase::contains(options.connectionName));
}

void tst_SqliteDatabase::filePath()
{
    const auto empty = SqliteDatabase::filePath(u"test store"_s, QString());
    QVERIFY(!empty);
    QCOMPARE(empty.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(empty.error().message, u"the test store path is empty"_s);

    const auto directory = SqliteDatabase::filePath(u"test store"_s, m_dir->path());
    QVERIFY(!directory);
    QCOMPARE(directory.error().code, ErrorCode::IoError);
    QVERIFY2(directory.error().message.contains(m_dir->path()), qPrintable(directory.error().message));

    const QString nested = m_dir->filePath(u"a/b/test.db"_s);
    const auto created = SqliteDatabase::filePath(u"test store"_s, nested);
    QVERIFY2(created, qPrintable(errorText(created)));
    QCOMPARE(*created, nested);
    QVERIFY(QFileInfo(m_dir->filePath(u"a/b"_s)).isDir());
}

void tst_SqliteDatabase::refusesAConnectionInUse()
{
    VersionedSchema versions;
    SqliteOptions options = optionsFor(path());
    auto first = SqliteDatabase::open(options, versions.schema());
    QVERIFY2(first, qPrintable(errorText(first)));
    const auto second = SqliteDatabase::open(options, versions.schema());
    QVERIFY(!second);
    QCOMPARE(second.error().code, ErrorCode::InvalidArgument);
    QVERIFY(second.error().message.contains(options.connectionName));
    // The refusal left the first store's connection alone.
    QVERIFY(QSqlDatabase::contains(options.connectionName));
    QVERIFY(first->exec(u"INSERT INTO one (x) VALUES (1)"_s, {}, u"cannot insert"_s));
    first->close();
}

void tst_SqliteDatabase::statementErrorsNameTheirPurpose()
{
    VersionedSchema versions;
    auto db = SqliteDatabase::open(optionsFor(path()), versions.schema());
    QVERIFY2(db, qPrintable(errorText(db)));

    // Failing to prepare (no such table) and failing to run (a constraint) both name the store,
    // the file and the statement's purpose.
    const auto unprepared = db->exec(u"INSERT INTO missing (x) VALUES (?)"_s, {1}, u"cannot record a widget"_s);
    QVERIFY(!unprepared);
    QCOMPARE(unprepared.error().code, ErrorCode::IoError);
    QVERIFY2(unprepared.error().message.startsWith(u"test store %1: cannot record a widget: "_s.arg(path())),
             qPrintable(unprepared.error().message));
    QVERIFY2(unprepared.error().message.contains(u"missing"_s), qPrintable(unprepared.error().message));

    const auto refused = db->insert(u"INSERT INTO one (x) VALUES (?)"_s, {QVariant()}, u"cannot record a gadget"_s);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::IoError);
    QVERIFY2(refused.error().message.startsWith(u"test store %1: cannot record a gadget: "_s.arg(path())),
             qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(u"NOT NULL"_s), qPrintable(refused.error().message));
    db->close();
}

void tst_SqliteDatabase::queries()
{
    VersionedSchema versions;
    auto db = SqliteDatabase::open(optionsFor(path()), versions.schema());
    QVERIFY2(db, qPrintable(errorText(db)));

    QCOMPARE(*db->insert(u"INSERT INTO one (x) VALUES (?)"_s, {10}, u"cannot insert"_s), 1);
    QCOMPARE(*db->insert(u"INSERT INTO one (x) VALUES (?)"_s, {20}, u"cannot insert"_s), 2);
    QCOMPARE(*db->insert(u"INSERT INTO one (x) VALUES (?)"_s, {30}, u"cannot insert"_s), 3);

    const auto read = [](const QSqlQuery &query) { return query.value(0).toInt(); };
    const auto all = db->queryAll(u"SELECT x FROM one WHERE x > ? ORDER BY x"_s, {15}, u"cannot read"_s, read);
    QVERIFY2(all, qPrintable(errorText(all)));
    QCOMPARE(*all, (QList<int>{20, 30}));

    const auto one = db->queryOne(u"SELECT x FROM one WHERE x = ?"_s, {20}, u"cannot read"_s, read);
    QVERIFY(one && *one);
    QCOMPARE(**one, 20);
    const auto none = db->queryOne(u"SELECT x FROM one WHERE x = ?"_s, {99}, u"cannot read"_s, read);
    QVERIFY(none);
    QVERIFY(!*none);
    const auto value = db->queryValue(u"SELECT sum(x) FROM one"_s, {}, u"cannot sum"_s);
    QVERIFY(value && *value);
    QCOMPARE((*value)->toInt(), 60);

    const auto changed = db->change(u"DELETE FROM one WHERE x < ?"_s, {25}, u"cannot delete"_s);
    QVERIFY2(changed, qPrintable(errorText(changed)));
    QCOMPARE(*changed, 2);

    // A prepared statement runs again with new values.
    {
        auto query = db->prepare(u"INSERT INTO one (x) VALUES (?)"_s, u"cannot insert"_s);
        QVERIFY(query);
        for (int x : {40, 50})
            QVERIFY(db->exec(*query, {x}, u"cannot insert"_s));
    }
    QCOMPARE((*db->queryValue(u"SELECT count(*) FROM one"_s, {}, u"cannot count"_s))->toInt(), 3);
    db->close();
}

void tst_SqliteDatabase::transactionRollsBackUnlessCommitted()
{
    VersionedSchema versions;
    auto db = SqliteDatabase::open(optionsFor(path()), versions.schema());
    QVERIFY2(db, qPrintable(errorText(db)));
    const auto count = [&] { return (*db->queryValue(u"SELECT count(*) FROM one"_s, {}, u"cannot count"_s))->toInt(); };
    {
        SqliteTransaction transaction(*db);
        QVERIFY(transaction.begin());
        QVERIFY(db->exec(u"INSERT INTO one (x) VALUES (1)"_s, {}, u"cannot insert"_s));
        QCOMPARE(count(), 1);
    }
    QCOMPARE(count(), 0);
    {
        SqliteTransaction transaction(*db);
        QVERIFY(transaction.begin());
        QVERIFY(db->exec(u"INSERT INTO one (x) VALUES (2)"_s, {}, u"cannot insert"_s));
        QVERIFY(transaction.commit());
    }
    QCOMPARE(count(), 1);

    // A write transaction holds the write lock from BEGIN on: another writer cannot start one.
    SqliteTransaction transaction(*db);
    QVERIFY(transaction.begin(SqliteTransaction::Kind::Write));
    {
        RawDb other(path());
        QVERIFY2(other.exec(u"BEGIN IMMEDIATE"_s).contains(u"locked"_s), "a second writer got the lock");
    }
    QVERIFY(transaction.commit());
    db->close();
}

QTEST_GUILESS_MAIN(tst_SqliteDatabase)
#include "tst_sqlitedatabase.moc"
