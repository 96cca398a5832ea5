#include "foresight/storage/snapshotstore.h"

#include <algorithm>
#include <limits>

#include <QSet>
#include <QSqlQuery>
#include <QVariant>

#include "foresight/core/logging.h"
#include "storage/sqlitedatabase.h"

namespace foresight::storage {
namespace {

const QString kStore = QStringLiteral("snapshot store");

// Version 1: snapshots + snapshot_entries. Bump when the schema changes, and add the upgrade to
// schemaStatements().
constexpr int kSchemaVersion = 1;

constexpr auto kMaxStoredInteger = static_cast<std::uint64_t>(std::numeric_limits<qint64>::max());

storage::SqliteOptions options(const QString &path, const QString &connectionName)
{
    storage::SqliteOptions options;
    options.store = kStore;
    options.path = path;
    options.connectionName = connectionName;
    // FULL makes a committed save survive power loss, which is the point of the cold tier.
    options.synchronous = QStringLiteral("FULL");
    // A snapshot's entries go with it (ON DELETE CASCADE).
    options.foreignKeys = true;
    options.damageAdvice = QStringLiteral("move the file aside to start an empty store");
    return options;
}

// The store's connection, as initialize() opened it: the store keeps only its name.
SqliteDatabase database(const QString &path, const QString &connectionName)
{
    return SqliteDatabase(options(path, connectionName));
}

// The schema version the file holds (0: a new file), if this build can use it.
Result<int> inspect(const SqliteDatabase &db)
{
    auto header = db.readHeader();
    if (!header)
        return std::unexpected(header.error());
    const int version = header->userVersion;
    // Version 0 is a new file; a newer one is IoError here (the console store says InvalidArgument).
    if (auto status = db.checkVersion(version, 0, kSchemaVersion, ErrorCode::IoError); !status)
        return std::unexpected(status.error());
    return version;
}

// Only a new file needs statements: there is no older version to upgrade.
QStringList schemaStatements(int /*from*/)
{
    return {
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
    };
}

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

StoredRow readRow(const QSqlQuery &query, const QString &app)
{
    StoredRow row;
    row.id = query.value(0).toLongLong();
    row.info.app = app;
    row.info.epoch = readUnsigned(query.value(1), "epoch", &row.problem);
    row.info.seq = readUnsigned(query.value(2), "seq", &row.problem);
    if (!state::StateDigest::fromHex(query.value(3).toString(), &row.info.digest) && row.problem.isEmpty())
        row.problem = QStringLiteral("unreadable digest");
    row.info.takenAtMs = query.value(4).toLongLong();
    bool ok = false;
    row.info.entryCount = query.value(5).toLongLong(&ok);
    if (!ok && row.problem.isEmpty())
        row.problem = QStringLiteral("unreadable entry count");
    return row;
}

Result<QList<StoredRow>> readRows(const SqliteDatabase &db, const QString &app)
{
    return db.queryAll(QStringLiteral("SELECT id, epoch, seq, digest, taken_at_ms, entry_count "
                                      "FROM snapshots WHERE app = ? "
                                      "ORDER BY epoch DESC, seq DESC, id DESC"),
                       {app},
                       QStringLiteral("cannot read the snapshots of %1").arg(app),
                       [&app](const QSqlQuery &query) { return readRow(query, app); });
}

Result<QList<QPair<QString, QByteArray>>> readEntries(const SqliteDatabase &db, qint64 snapshotId)
{
    return db.queryAll(QStringLiteral("SELECT key, value FROM snapshot_entries WHERE snapshot_id = ? ORDER BY rowid"),
                       {snapshotId},
                       QStringLiteral("cannot read snapshot entries"),
                       [](const QSqlQuery &query) {
                           return QPair<QString, QByteArray>(query.value(0).toString(), query.value(1).toByteArray());
                       });
}

Status validateForSave(const state::Snapshot &snapshot)
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

    const state::StateDigest computed = snapshot.computeDigest();
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
    database(m_path, m_connectionName).close();
}

Result<std::unique_ptr<SnapshotStore>> SnapshotStore::open(const QString &path)
{
    auto file = SqliteDatabase::filePath(kStore, path);
    if (!file)
        return std::unexpected(file.error());
    // A failed initialize() has removed its connection again, so the store just goes.
    std::unique_ptr<SnapshotStore> store(
        new SnapshotStore(*file, SqliteDatabase::uniqueConnectionName(QStringLiteral("foresight.snapshotstore"))));
    if (auto status = store->initialize(); !status)
        return std::unexpected(status.error());
    return store;
}

Status SnapshotStore::initialize()
{
    storage::SqliteSchema schema;
    schema.version = kSchemaVersion;
    schema.inspect = inspect;
    schema.statements = schemaStatements;
    auto db = SqliteDatabase::open(options(m_path, m_connectionName), schema);
    if (!db)
        return std::unexpected(db.error());
    return {};
}

Status SnapshotStore::save(const state::Snapshot &snapshot)
{
    if (auto status = validateForSave(snapshot); !status)
        return status;

    const SqliteDatabase db = database(m_path, m_connectionName);
    SqliteTransaction transaction(db);
    if (auto status = transaction.begin(SqliteTransaction::Kind::Write); !status)
        return status;

    const QVariant app(snapshot.app);
    const QVariant epoch(static_cast<qint64>(snapshot.epoch));
    const QVariant seq(static_cast<qint64>(snapshot.seq));
    const QString what = QStringLiteral("cannot save the snapshot of %1 at seq %2").arg(snapshot.app).arg(snapshot.seq);

    // A snapshot re-sent for the same position replaces the stored one (its entries go by cascade).
    if (auto status = db.exec(QStringLiteral("DELETE FROM snapshots WHERE app = ? AND epoch = ? AND seq = ?"),
                              {app, epoch, seq},
                              what);
        !status) {
        return status;
    }
    const auto snapshotId = db.insert(QStringLiteral(
                                          "INSERT INTO snapshots (app, epoch, seq, digest, taken_at_ms, entry_count)"
                                          " VALUES (?, ?, ?, ?, ?, ?)"),
                                      {app,
                                       epoch,
                                       seq,
                                       snapshot.digest.toHex(),
                                       static_cast<qint64>(snapshot.takenAtMs),
                                       static_cast<qint64>(snapshot.entries.size())},
                                      what);
    if (!snapshotId)
        return std::unexpected(snapshotId.error());
    {
        auto insertEntry = db.prepare(QStringLiteral(
                                          "INSERT INTO snapshot_entries (snapshot_id, key, value) VALUES (?, ?, ?)"),
                                      what);
        if (!insertEntry)
            return std::unexpected(insertEntry.error());
        for (const auto &[key, value] : snapshot.entries) {
            // A null QByteArray would bind as SQL NULL; an empty value is a zero-length blob.
            if (auto status = db.exec(*insertEntry,
                                      {*snapshotId, key, value.isNull() ? QByteArray("", 0) : value},
                                      what);
                !status) {
                return status;
            }
        }
    }
    if (auto status = db.exec(QStringLiteral("DELETE FROM snapshots WHERE app = ? AND id NOT IN ("
                                             " SELECT id FROM snapshots WHERE app = ?"
                                             " ORDER BY epoch DESC, seq DESC, id DESC LIMIT ?)"),
                              {app, app, m_retention},
                              QStringLiteral("cannot delete old snapshots of %1").arg(snapshot.app));
        !status) {
        return status;
    }
    return transaction.commit();
}

Result<std::optional<state::Snapshot>> SnapshotStore::latest(const QString &app)
{
    const SqliteDatabase db = database(m_path, m_connectionName);
    // One read transaction, so a writer in another process cannot change the rows mid-way.
    SqliteTransaction transaction(db);
    if (auto status = transaction.begin(SqliteTransaction::Kind::Read); !status)
        return std::unexpected(status.error());

    auto rows = readRows(db, app);
    if (!rows)
        return std::unexpected(rows.error());
    if (rows->isEmpty())
        return std::optional<state::Snapshot>();

    QStringList corruptSeqs;
    for (const StoredRow &row : std::as_const(*rows)) {
        QString problem = row.problem;
        state::Snapshot snapshot;
        if (problem.isEmpty()) {
            auto entries = readEntries(db, row.id);
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
                } else if (const state::StateDigest computed = snapshot.computeDigest(); computed != snapshot.digest) {
                    problem = QStringLiteral("entries digest to %1, %2 recorded")
                                  .arg(computed.toHex(), snapshot.digest.toHex());
                }
            }
        }
        if (problem.isEmpty())
            return std::optional<state::Snapshot>(std::move(snapshot));

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
    auto rows = readRows(database(m_path, m_connectionName), app);
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
    auto apps = database(m_path, m_connectionName)
                    .queryAll(QStringLiteral("SELECT DISTINCT app FROM snapshots ORDER BY app"),
                              {},
                              QStringLiteral("cannot list applications"),
                              [](const QSqlQuery &query) { return query.value(0).toString(); });
    if (!apps) {
        qCWarning(lcStorage).noquote() << apps.error().toString();
        return {};
    }
    return *apps;
}

void SnapshotStore::setRetention(int count)
{
    m_retention = std::max(count, 1);
}

} // namespace foresight::storage
