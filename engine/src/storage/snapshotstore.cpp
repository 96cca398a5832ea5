#include "foresight/storage/snapshotstore.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include "foresight/core/logging.h"

namespace foresight {
namespace {

// Version 1: snapshots + snapshot_entries. Bump when the schema changes, and migrate in
// SnapshotStore::initialize().
constexpr int kSchemaVersion = 1;

constexpr auto kMaxStoredInteger = static_cast<std::uint64_t>(std::numeric_limits<qint64>::max());

// SQLite's primary result codes that mean the file itself is bad.
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteNotADatabase = 26;

QSqlDatabase connection(const QString &name)
{
    return QSqlDatabase::database(name, /*open=*/false);
}

Error storeError(const QString &path, const QString &what, const QSqlError &sqlError)
{
    // The QSQLITE driver reports sqlite3_errcode() as the native code; mask off any extended bits.
    bool ok = false;
    const int code = sqlError.nativeErrorCode().toInt(&ok) & 0xff;
    if (ok && (code == kSqliteCorrupt || code == kSqliteNotADatabase)) {
        return Error{ErrorCode::Corruption,
                     QStringLiteral("snapshot store %1 is damaged or not a SQLite database (%2: %3); "
                                    "move the file aside to start an empty store")
                         .arg(path, what, sqlError.text())};
    }
    return Error{ErrorCode::IoError, QStringLiteral("snapshot store %1: %2: %3").arg(path, what, sqlError.text())};
}

Status exec(QSqlQuery &query, const QString &path, const QString &what)
{
    if (!query.exec())
        return std::unexpected(storeError(path, what, query.lastError()));
    return {};
}

Status exec(QSqlQuery &query, const QString &sql, const QString &path, const QString &what)
{
    if (!query.exec(sql))
        return std::unexpected(storeError(path, what, query.lastError()));
    return {};
}

Status prepare(QSqlQuery &query, const QString &sql, const QString &path)
{
    if (!query.prepare(sql))
        return std::unexpected(storeError(path, QStringLiteral("cannot prepare a statement"), query.lastError()));
    return {};
}

// One SQLite transaction, rolled back unless commit() succeeds. Writers take the write lock at
// BEGIN (IMMEDIATE) so that two processes never deadlock upgrading read locks.
class Transaction
{
public:
    enum class Kind { Read, Write };

    Transaction(QSqlDatabase db, const QString &path)
        : m_db(std::move(db))
        , m_path(path)
    {}
    ~Transaction()
    {
        if (!m_active)
            return;
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("ROLLBACK")))
            qCWarning(lcStorage).noquote()
                << "snapshot store" << m_path << ": rollback failed:" << query.lastError().text();
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    Status begin(Kind kind)
    {
        QSqlQuery query(m_db);
        const QString sql = kind == Kind::Write ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
        if (auto status = exec(query, sql, m_path, QStringLiteral("cannot begin a transaction")); !status)
            return status;
        m_active = true;
        return {};
    }

    Status commit()
    {
        QSqlQuery query(m_db);
        if (auto status = exec(query, QStringLiteral("COMMIT"), m_path, QStringLiteral("cannot commit")); !status) {
            return status; // the destructor rolls back
        }
        m_active = false;
        return {};
    }

private:
    QSqlDatabase m_db;
    QString m_path;
    bool m_active = false;
};

// One row of the snapshots table, read leniently: problem says what is unreadable, if anything.
struct StoredRow
{
    qint64 id = 0;
    SnapshotInfo info;
    QString problem;
};

std::uint64_t readUnsigned(const QVariant &value, const char *column, QString *problem)
{
    bool ok = false;
    const qint64 number = value.toLongLong(&ok);
    if (!ok || number < 0) {
        if (problem->isEmpty())
            *problem = QStringLiteral("unreadable %1").arg(QLatin1StringView(column));
        return 0;
    }
    return static_cast<std::uint64_t>(number);
}

Result<QList<StoredRow>> readRows(QSqlDatabase db, const QString &path, const QString &app)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (auto status = prepare(query,
                              QStringLiteral("SELECT id, epoch, seq, digest, taken_at_ms, entry_count "
                                             "FROM snapshots WHERE app = ? "
                                             "ORDER BY epoch DESC, seq DESC, id DESC"),
                              path);
        !status) {
        return std::unexpected(status.error());
    }
    query.bindValue(0, app);
    if (auto status = exec(query, path, QStringLiteral("cannot list the snapshots of %1").arg(app)); !status)
        return std::unexpected(status.error());

    QList<StoredRow> rows;
    while (query.next()) {
        StoredRow row;
        row.id = query.value(0).toLongLong();
        row.info.app = app;
        row.info.epoch = readUnsigned(query.value(1), "epoch", &row.problem);
        row.info.seq = readUnsigned(query.value(2), "seq", &row.problem);
        if (!StateDigest::fromHex(query.value(3).toString(), &row.info.digest) && row.problem.isEmpty())
            row.problem = QStringLiteral("unreadable digest");
        row.info.takenAtMs = query.value(4).toLongLong();
        bool ok = false;
        row.info.entryCount = query.value(5).toLongLong(&ok);
        if (!ok && row.problem.isEmpty())
            row.problem = QStringLiteral("unreadable entry count");
        rows.append(std::move(row));
    }
    if (query.lastError().isValid())
        return std::unexpected(
            storeError(path, QStringLiteral("cannot read the snapshots of %1").arg(app), query.lastError()));
    return rows;
}

Result<QList<QPair<QString, QByteArray>>> readEntries(QSqlDatabase db, const QString &path, qint64 snapshotId)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (auto status = prepare(query,
                              QStringLiteral("SELECT key, value FROM snapshot_entries "
                                             "WHERE snapshot_id = ? ORDER BY rowid"),
                              path);
        !status) {
        return std::unexpected(status.error());
    }
    query.bindValue(0, snapshotId);
    if (auto status = exec(query, path, QStringLiteral("cannot read snapshot entries")); !status)
        return std::unexpected(status.error());

    QList<QPair<QString, QByteArray>> entries;
    while (query.next())
        entries.append({query.value(0).toString(), query.value(1).toByteArray()});
    if (query.lastError().isValid())
        return std::unexpected(storeError(path, QStringLiteral("cannot read snapshot entries"), query.lastError()));
    return entries;
}

Status validateForSave(const Snapshot &snapshot)
{
    const QString where
        = QStringLiteral("snapshot of %1 at epoch %2 seq %3").arg(snapshot.app).arg(snapshot.epoch).arg(snapshot.seq);
    if (snapshot.app.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("cannot store a snapshot without an application name"));
    if (snapshot.epoch > kMaxStoredInteger || snapshot.seq > kMaxStoredInteger)
        return fail(ErrorCode::InvalidArgument, where + QStringLiteral(": epoch or seq exceeds 2^63 - 1"));

    QSet<QString> keys;
    keys.reserve(snapshot.entries.size());
    for (const auto &entry : snapshot.entries) {
        if (entry.first.isEmpty())
            return fail(ErrorCode::InvalidArgument, where + QStringLiteral(" has an entry with an empty key"));
        if (keys.contains(entry.first)) {
            return fail(ErrorCode::InvalidArgument,
                        where + QStringLiteral(" holds key \"%1\" more than once").arg(entry.first));
        }
        keys.insert(entry.first);
    }

    const StateDigest computed = snapshot.computeDigest();
    if (computed != snapshot.digest) {
        return fail(ErrorCode::InvalidArgument,
                    where
                        + QStringLiteral(": its entries digest to %1 but it claims %2; refusing to store it")
                              .arg(computed.toHex(), snapshot.digest.toHex()));
    }
    return {};
}

} // namespace

SnapshotStore::SnapshotStore(QString path, QString connectionName)
    : m_path(std::move(path))
    , m_connectionName(std::move(connectionName))
{}

SnapshotStore::~SnapshotStore()
{
    {
        QSqlDatabase db = connection(m_connectionName);
        if (db.isOpen())
            db.close();
    }
    // Every QSqlDatabase handle to the connection is gone by now, so removal does not warn.
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<SnapshotStore>> SnapshotStore::open(const QString &path)
{
    if (path.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the snapshot store path is empty"));

    const QFileInfo info(path);
    if (info.isDir()) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("snapshot store %1 is a directory; give the path of a file").arg(path));
    }
    const QString directory = info.absolutePath();
    if (!QDir().mkpath(directory)) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create directory %1 for snapshot store %2; check that every "
                                   "parent is a writable directory")
                        .arg(directory, path));
    }

    static std::atomic<quint64> nextConnection{0};
    const QString name = QStringLiteral("foresight.snapshotstore.%1").arg(nextConnection.fetch_add(1));
    // Owned from here on, so every early return below removes the connection again.
    std::unique_ptr<SnapshotStore> store(new SnapshotStore(info.absoluteFilePath(), name));
    if (auto status = store->initialize(); !status)
        return std::unexpected(status.error());
    return store;
}

Status SnapshotStore::initialize()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!db.isValid()) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot open snapshot store %1: the Qt SQLite driver (QSQLITE) is not "
                                   "available; install libqt6sql6-sqlite")
                        .arg(m_path));
    }
    db.setDatabaseName(m_path);
    if (!db.open())
        return std::unexpected(storeError(m_path, QStringLiteral("cannot open"), db.lastError()));

    // SQLite opens lazily: reading the header is the first thing that notices a file that is not
    // a database, so do it before anything can write to the file.
    QSqlQuery query(db);
    auto readVersion = [&]() -> Result<int> {
        if (auto status = exec(query,
                               QStringLiteral("PRAGMA user_version"),
                               m_path,
                               QStringLiteral("cannot read the schema version"));
            !status) {
            return std::unexpected(status.error());
        }
        const int version = query.next() ? query.value(0).toInt() : 0;
        query.finish();
        return version;
    };
    auto version = readVersion();
    if (!version)
        return std::unexpected(version.error());

    auto checkVersion = [&](int found) -> Status {
        if (found > kSchemaVersion) {
            return fail(ErrorCode::IoError,
                        QStringLiteral("snapshot store %1 has schema version %2, newer than the %3 this "
                                       "build understands; open it with a newer Foresight or use another path")
                            .arg(m_path)
                            .arg(found)
                            .arg(kSchemaVersion));
        }
        if (found < 0) {
            return fail(ErrorCode::Corruption,
                        QStringLiteral("snapshot store %1 has an impossible schema version %2; move the "
                                       "file aside to start an empty store")
                            .arg(m_path)
                            .arg(found));
        }
        return {};
    };
    if (auto status = checkVersion(*version); !status)
        return status;

    // WAL lets readers (foresightctl, a console) look while the replica writes; FULL makes a
    // committed save survive power loss, which is the point of the cold tier.
    if (auto status
        = exec(query, QStringLiteral("PRAGMA journal_mode=WAL"), m_path, QStringLiteral("cannot switch to WAL mode"));
        !status) {
        return status;
    }
    const QString journalMode = query.next() ? query.value(0).toString() : QString();
    query.finish();
    if (journalMode.compare(QStringLiteral("wal"), Qt::CaseInsensitive) != 0) {
        qCWarning(lcStorage).noquote() << "snapshot store" << m_path << ": WAL mode unavailable, using" << journalMode
                                       << "journal";
    }
    for (const QString &pragma : {QStringLiteral("PRAGMA synchronous=FULL"), QStringLiteral("PRAGMA foreign_keys=ON")}) {
        if (auto status = exec(query, pragma, m_path, QStringLiteral("cannot configure the connection")); !status)
            return status;
    }

    if (*version == kSchemaVersion)
        return {};

    // Version 0: a new (or empty) file. Create the schema under the write lock, looking at the
    // version again in case another process created it meanwhile.
    Transaction transaction(db, m_path);
    if (auto status = transaction.begin(Transaction::Kind::Write); !status)
        return status;
    version = readVersion();
    if (!version)
        return std::unexpected(version.error());
    if (auto status = checkVersion(*version); !status)
        return status;
    if (*version == 0) {
        const QString statements[] = {
            QStringLiteral("CREATE TABLE IF NOT EXISTS snapshots ("
                           " id INTEGER PRIMARY KEY,"
                           " app TEXT NOT NULL,"
                           " epoch INTEGER NOT NULL,"
                           " seq INTEGER NOT NULL,"
                           " digest TEXT NOT NULL,"
                           " taken_at_ms INTEGER NOT NULL,"
                           " entry_count INTEGER NOT NULL,"
                           " UNIQUE (app, epoch, seq))"),
            QStringLiteral("CREATE TABLE IF NOT EXISTS snapshot_entries ("
                           " snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,"
                           " key TEXT NOT NULL,"
                           " value BLOB NOT NULL,"
                           " UNIQUE (snapshot_id, key))"),
            QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion),
        };
        for (const QString &sql : statements) {
            if (auto status = exec(query, sql, m_path, QStringLiteral("cannot create the schema")); !status)
                return status;
        }
    }
    return transaction.commit();
}

Status SnapshotStore::save(const Snapshot &snapshot)
{
    if (auto status = validateForSave(snapshot); !status)
        return status;

    QSqlDatabase db = connection(m_connectionName);
    Transaction transaction(db, m_path);
    if (auto status = transaction.begin(Transaction::Kind::Write); !status)
        return status;

    const QVariant app(snapshot.app);
    const QVariant epoch(static_cast<qint64>(snapshot.epoch));
    const QVariant seq(static_cast<qint64>(snapshot.seq));
    const QString what = QStringLiteral("cannot save the snapshot of %1 at seq %2").arg(snapshot.app).arg(snapshot.seq);

    QSqlQuery query(db);
    // A snapshot re-sent for the same position replaces the stored one (its entries go by cascade).
    if (auto status = prepare(query,
                              QStringLiteral("DELETE FROM snapshots WHERE app = ? AND epoch = ? AND seq = ?"),
                              m_path);
        !status) {
        return status;
    }
    query.bindValue(0, app);
    query.bindValue(1, epoch);
    query.bindValue(2, seq);
    if (auto status = exec(query, m_path, what); !status)
        return status;

    if (auto status = prepare(query,
                              QStringLiteral("INSERT INTO snapshots (app, epoch, seq, digest, taken_at_ms, entry_count)"
                                             " VALUES (?, ?, ?, ?, ?, ?)"),
                              m_path);
        !status) {
        return status;
    }
    query.bindValue(0, app);
    query.bindValue(1, epoch);
    query.bindValue(2, seq);
    query.bindValue(3, snapshot.digest.toHex());
    query.bindValue(4, static_cast<qint64>(snapshot.takenAtMs));
    query.bindValue(5, static_cast<qint64>(snapshot.entries.size()));
    if (auto status = exec(query, m_path, what); !status)
        return status;
    const qint64 snapshotId = query.lastInsertId().toLongLong();

    if (auto status = prepare(query,
                              QStringLiteral("INSERT INTO snapshot_entries (snapshot_id, key, value) VALUES (?, ?, ?)"),
                              m_path);
        !status) {
        return status;
    }
    for (const auto &[key, value] : snapshot.entries) {
        query.bindValue(0, snapshotId);
        query.bindValue(1, key);
        // A null QByteArray would bind as SQL NULL; an empty value is a zero-length blob.
        query.bindValue(2, value.isNull() ? QByteArray("", 0) : value);
        if (auto status = exec(query, m_path, what); !status)
            return status;
    }

    if (auto status = prepare(query,
                              QStringLiteral("DELETE FROM snapshots WHERE app = ? AND id NOT IN ("
                                             " SELECT id FROM snapshots WHERE app = ?"
                                             " ORDER BY epoch DESC, seq DESC, id DESC LIMIT ?)"),
                              m_path);
        !status) {
        return status;
    }
    query.bindValue(0, app);
    query.bindValue(1, app);
    query.bindValue(2, m_retention);
    if (auto status = exec(query, m_path, QStringLiteral("cannot delete old snapshots of %1").arg(snapshot.app));
        !status) {
        return status;
    }
    query.finish();

    return transaction.commit();
}

Result<std::optional<Snapshot>> SnapshotStore::latest(const QString &app)
{
    QSqlDatabase db = connection(m_connectionName);
    // One read transaction, so a writer in another process cannot change the rows mid-way.
    Transaction transaction(db, m_path);
    if (auto status = transaction.begin(Transaction::Kind::Read); !status)
        return std::unexpected(status.error());

    auto rows = readRows(db, m_path, app);
    if (!rows)
        return std::unexpected(rows.error());
    if (rows->isEmpty())
        return std::optional<Snapshot>();

    QStringList corruptSeqs;
    for (const StoredRow &row : std::as_const(*rows)) {
        QString problem = row.problem;
        Snapshot snapshot;
        if (problem.isEmpty()) {
            auto entries = readEntries(db, m_path, row.id);
            if (!entries) {
                // A damaged page only condemns this snapshot; anything else is an I/O failure.
                if (entries.error().code != ErrorCode::Corruption)
                    return std::unexpected(entries.error());
                problem = entries.error().message;
            } else {
                snapshot.app = app;
                snapshot.epoch = row.info.epoch;
                snapshot.seq = row.info.seq;
                snapshot.digest = row.info.digest;
                snapshot.takenAtMs = row.info.takenAtMs;
                snapshot.entries = std::move(*entries);
                if (snapshot.entries.size() != row.info.entryCount) {
                    problem = QStringLiteral("%1 entries stored, %2 recorded")
                                  .arg(snapshot.entries.size())
                                  .arg(row.info.entryCount);
                } else if (const StateDigest computed = snapshot.computeDigest(); computed != snapshot.digest) {
                    problem = QStringLiteral("entries digest to %1, %2 recorded")
                                  .arg(computed.toHex(), snapshot.digest.toHex());
                }
            }
        }
        if (problem.isEmpty())
            return std::optional<Snapshot>(std::move(snapshot));

        corruptSeqs.append(QString::number(row.info.seq));
        qCWarning(lcStorage).noquote() << QStringLiteral(
                                              "snapshot store %1: snapshot of %2 at epoch %3 seq %4 is corrupt (%5); "
                                              "trying an older one")
                                              .arg(m_path, app)
                                              .arg(row.info.epoch)
                                              .arg(row.info.seq)
                                              .arg(problem);
    }
    return fail(ErrorCode::Corruption,
                QStringLiteral("snapshot store %1 holds no intact snapshot of %2: the snapshots at seq %3 "
                               "are all corrupt; resynchronise this replica from the primary")
                    .arg(m_path, app, corruptSeqs.join(QStringLiteral(", "))));
}

Result<QList<SnapshotInfo>> SnapshotStore::list(const QString &app)
{
    auto rows = readRows(connection(m_connectionName), m_path, app);
    if (!rows)
        return std::unexpected(rows.error());
    QList<SnapshotInfo> infos;
    infos.reserve(rows->size());
    for (const StoredRow &row : std::as_const(*rows)) {
        if (!row.problem.isEmpty()) {
            qCWarning(lcStorage).noquote() << QStringLiteral("snapshot store %1: snapshot row %2 of %3: %4")
                                                  .arg(m_path)
                                                  .arg(row.id)
                                                  .arg(app, row.problem);
        }
        infos.append(row.info);
    }
    return infos;
}

QStringList SnapshotStore::apps()
{
    QSqlQuery query(connection(m_connectionName));
    query.setForwardOnly(true);
    QStringList result;
    if (!query.exec(QStringLiteral("SELECT DISTINCT app FROM snapshots ORDER BY app"))) {
        qCWarning(lcStorage).noquote() << storeError(m_path,
                                                     QStringLiteral("cannot list applications"),
                                                     query.lastError())
                                              .toString();
        return result;
    }
    while (query.next())
        result.append(query.value(0).toString());
    return result;
}

void SnapshotStore::setRetention(int count)
{
    m_retention = std::max(count, 1);
}

} // namespace foresight
