#include "storage/sqlitedatabase.h"

#include <atomic>

#include <QDir>
#include <QFileInfo>
#include <QSqlError>

#include "foresight/core/logging.h"

namespace foresight::storage {
namespace {

// SQLite's primary result codes that mean the file itself is bad.
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteNotADatabase = 26;

bool isDamage(const QSqlError &sqlError)
{
    // The QSQLITE driver reports sqlite3_errcode() as the native code; mask off any extended bits.
    bool ok = false;
    const int code = sqlError.nativeErrorCode().toInt(&ok) & 0xff;
    return ok && (code == kSqliteCorrupt || code == kSqliteNotADatabase);
}

int toInt(const std::optional<QVariant> &value)
{
    return value ? value->toInt() : 0;
}

} // namespace

Result<QString> SqliteDatabase::filePath(const QString &store, const QString &path)
{
    if (path.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the %1 path is empty").arg(store));
    const QFileInfo info(path);
    if (info.isDir())
        return fail(ErrorCode::IoError,
                    QStringLiteral("%1 %2 is a directory; give the path of a file").arg(store, path));
    const QString directory = info.absolutePath();
    if (!QDir().mkpath(directory)) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create directory %1 for %2 %3; check that every parent is a writable "
                                   "directory")
                        .arg(directory, store, path));
    }
    return info.absoluteFilePath();
}

QString SqliteDatabase::uniqueConnectionName(const QString &prefix)
{
    static std::atomic<quint64> next{0};
    return QStringLiteral("%1.%2").arg(prefix).arg(next.fetch_add(1));
}

Result<SqliteDatabase> SqliteDatabase::open(const SqliteOptions &options, const SqliteSchema &schema)
{
    // Someone else's connection: removing it on failure (below) would pull it from under them.
    if (QSqlDatabase::contains(options.connectionName)) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a database connection named %1 is already open").arg(options.connectionName));
    }
    SqliteDatabase db(options);
    if (auto status = db.initialize(schema); !status) {
        db.close(); // initialize()'s QSqlDatabase and QSqlQuery objects are gone by now
        return std::unexpected(status.error());
    }
    return db;
}

SqliteDatabase::SqliteDatabase(SqliteOptions options)
    : m_options(std::move(options))
{}

void SqliteDatabase::close() const
{
    {
        QSqlDatabase db = connection();
        if (db.isOpen())
            db.close();
    }
    // The handle above is gone, so removal does not warn that the connection is still in use.
    QSqlDatabase::removeDatabase(m_options.connectionName);
}

QSqlDatabase SqliteDatabase::connection() const
{
    return QSqlDatabase::database(m_options.connectionName, /*open=*/false);
}

Error SqliteDatabase::error(const QString &what, const QSqlError &sqlError) const
{
    if (m_options.damageAdvice && isDamage(sqlError)) {
        return Error{ErrorCode::Corruption,
                     QStringLiteral("%1 %2 is damaged or not a SQLite database (%3: %4); %5")
                         .arg(m_options.store, m_options.path, what, sqlError.text(), *m_options.damageAdvice)};
    }
    return Error{ErrorCode::IoError,
                 QStringLiteral("%1 %2: %3: %4").arg(m_options.store, m_options.path, what, sqlError.text())};
}

Result<QSqlQuery> SqliteDatabase::prepare(const QString &sql, const QString &what) const
{
    QSqlQuery query(connection());
    query.setForwardOnly(true); // rows are read once, in order: no caching of what was read
    if (!query.prepare(sql))
        return std::unexpected(error(what + QStringLiteral(": cannot prepare the statement"), query.lastError()));
    return query;
}

Status SqliteDatabase::exec(QSqlQuery &query, const QVariantList &values, const QString &what) const
{
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values.at(i));
    if (!query.exec())
        return std::unexpected(error(what, query.lastError()));
    return {};
}

Result<QSqlQuery> SqliteDatabase::run(const QString &sql, const QVariantList &values, const QString &what) const
{
    auto query = prepare(sql, what);
    if (!query)
        return query;
    if (auto status = exec(*query, values, what); !status)
        return std::unexpected(status.error());
    return query;
}

Status SqliteDatabase::exec(const QString &sql, const QVariantList &values, const QString &what) const
{
    auto query = run(sql, values, what);
    if (!query)
        return std::unexpected(query.error());
    return {};
}

Result<qint64> SqliteDatabase::insert(const QString &sql, const QVariantList &values, const QString &what) const
{
    auto query = run(sql, values, what);
    if (!query)
        return std::unexpected(query.error());
    return query->lastInsertId().toLongLong();
}

Result<qint64> SqliteDatabase::change(const QString &sql, const QVariantList &values, const QString &what) const
{
    auto query = run(sql, values, what);
    if (!query)
        return std::unexpected(query.error());
    return static_cast<qint64>(query->numRowsAffected());
}

Status SqliteDatabase::finished(const QSqlQuery &query, const QString &what) const
{
    if (query.lastError().isValid())
        return std::unexpected(error(what, query.lastError()));
    return {};
}

Result<std::optional<QVariant>> SqliteDatabase::queryValue(const QString &sql,
                                                           const QVariantList &values,
                                                           const QString &what) const
{
    return queryOne(sql, values, what, [](const QSqlQuery &query) { return query.value(0); });
}

Result<SqliteHeader> SqliteDatabase::readHeader() const
{
    const QString what = QStringLiteral("cannot read the file header");
    SqliteHeader header;
    auto applicationId = queryValue(QStringLiteral("PRAGMA application_id"), {}, what);
    if (!applicationId)
        return std::unexpected(applicationId.error());
    header.applicationId = toInt(*applicationId);
    auto userVersion = queryValue(QStringLiteral("PRAGMA user_version"), {}, what);
    if (!userVersion)
        return std::unexpected(userVersion.error());
    header.userVersion = toInt(*userVersion);
    auto objects = queryValue(QStringLiteral("SELECT count(*) FROM sqlite_master"), {}, what);
    if (!objects)
        return std::unexpected(objects.error());
    header.schemaObjects = toInt(*objects);
    return header;
}

Status SqliteDatabase::checkVersion(int version, int oldest, int newest, ErrorCode newerCode) const
{
    if (version > newest) {
        return fail(newerCode,
                    QStringLiteral("%1 %2 has schema version %3, newer than the %4 this build understands; open it "
                                   "with a newer Foresight or use another path")
                        .arg(m_options.store, m_options.path, QString::number(version), QString::number(newest)));
    }
    if (version < oldest) {
        return fail(ErrorCode::Corruption,
                    QStringLiteral("%1 %2 has an impossible schema version %3; move the file aside to start an "
                                   "empty store")
                        .arg(m_options.store, m_options.path, QString::number(version)));
    }
    return {};
}

Status SqliteDatabase::initialize(const SqliteSchema &schema) const
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_options.connectionName);
        if (!db.isValid()) {
            return fail(ErrorCode::IoError,
                        QStringLiteral("cannot open %1 %2: the Qt SQLite driver (QSQLITE) is not available; install "
                                       "libqt6sql6-sqlite")
                            .arg(m_options.store, m_options.path));
        }
        db.setDatabaseName(m_options.path);
        if (m_options.busyTimeoutMs)
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(*m_options.busyTimeoutMs));
        if (!db.open())
            return std::unexpected(error(QStringLiteral("cannot open"), db.lastError()));
    }

    // SQLite opens lazily: reading the header is the first thing that notices a file that is not
    // a database, so do it before anything (even a pragma) can write to the file.
    auto found = schema.inspect(*this);
    if (!found)
        return std::unexpected(found.error());
    if (auto status = configure(); !status)
        return status;
    if (*found == schema.version)
        return {};
    return upgrade(schema);
}

Status SqliteDatabase::configure() const
{
    // WAL lets readers (foresightctl, a console) look while the owner writes.
    auto mode = queryValue(QStringLiteral("PRAGMA journal_mode=WAL"), {}, QStringLiteral("cannot switch to WAL mode"));
    if (!mode)
        return std::unexpected(mode.error());
    const QString journalMode = mode->value_or(QVariant()).toString();
    if (journalMode.compare(QStringLiteral("wal"), Qt::CaseInsensitive) != 0) {
        qCWarning(lcStorage).noquote() << m_options.store << m_options.path << ": WAL mode unavailable, using"
                                       << journalMode << "journal";
    }
    QStringList pragmas;
    if (!m_options.synchronous.isEmpty())
        pragmas.append(QStringLiteral("PRAGMA synchronous=%1").arg(m_options.synchronous));
    if (m_options.foreignKeys)
        pragmas.append(QStringLiteral("PRAGMA foreign_keys=ON"));
    for (const QString &pragma : std::as_const(pragmas)) {
        if (auto status = exec(pragma, {}, QStringLiteral("cannot configure the connection")); !status)
            return status;
    }
    return {};
}

// A new file, or an older schema: create or upgrade it under the write lock, looking again in
// case another process did it meanwhile.
Status SqliteDatabase::upgrade(const SqliteSchema &schema) const
{
    SqliteTransaction transaction(*this);
    if (auto status = transaction.begin(SqliteTransaction::Kind::Write); !status)
        return status;
    auto found = schema.inspect(*this);
    if (!found)
        return std::unexpected(found.error());
    if (*found == schema.version)
        return {}; // the transaction rolls back, having changed nothing

    QStringList statements = schema.statements(*found);
    if (*found == 0 && schema.applicationId != 0)
        statements.append(QStringLiteral("PRAGMA application_id = %1").arg(schema.applicationId));
    statements.append(QStringLiteral("PRAGMA user_version = %1").arg(schema.version));
    const QString what = *found == 0
                             ? QStringLiteral("cannot create the schema")
                             : QStringLiteral("cannot upgrade schema version %1 to %2").arg(*found).arg(schema.version);
    for (const QString &sql : std::as_const(statements)) {
        if (auto status = exec(sql, {}, what); !status)
            return status;
    }
    if (*found > 0) {
        qCInfo(lcStorage).noquote() << m_options.store << m_options.path << ": upgraded schema version" << *found
                                    << "to" << schema.version;
    }
    return transaction.commit();
}

SqliteTransaction::SqliteTransaction(SqliteDatabase db)
    : m_db(std::move(db))
{}

SqliteTransaction::~SqliteTransaction()
{
    if (!m_active)
        return;
    QSqlQuery query(m_db.connection());
    if (!query.exec(QStringLiteral("ROLLBACK"))) {
        qCWarning(lcStorage).noquote() << m_db.error(QStringLiteral("rollback failed"), query.lastError()).message;
    }
}

Status SqliteTransaction::begin(Kind kind)
{
    const QString sql = kind == Kind::Write ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    if (auto status = m_db.exec(sql, {}, QStringLiteral("cannot begin a transaction")); !status)
        return status;
    m_active = true;
    return {};
}

Status SqliteTransaction::commit()
{
    if (auto status = m_db.exec(QStringLiteral("COMMIT"), {}, QStringLiteral("cannot commit")); !status)
        return status; // still active: the destructor rolls back
    m_active = false;
    return {};
}

} // namespace foresight::storage
