#pragma once

// Private: the one place the engine's SQLite stores (console, snapshot, model) open their file,
// check and upgrade its schema, run statements and turn QtSql's errors into Result. The stores
// keep what differs between them (pragmas, schema, which errors they report how) in the options
// and the schema they pass to open().

#include <functional>
#include <optional>
#include <type_traits>

#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>

#include "foresight/core/result.h"

class QSqlError;

namespace foresight::storage {

class SqliteDatabase;

// How a store opens its file and how its errors read. What is left unset keeps SQLite's (or the
// QSQLITE driver's) default, so each store states exactly the settings it has always had.
struct SqliteOptions
{
    QString store;                    // what the file is, in every message: "console store"
    QString path;                     // the file, as every message names it
    QString connectionName;           // the QtSql connection; open() refuses one that exists
    std::optional<int> busyTimeoutMs; // QSQLITE_BUSY_TIMEOUT
    QString synchronous;              // PRAGMA synchronous, e.g. "FULL"
    bool foreignKeys = false;         // PRAGMA foreign_keys=ON
    // Advice for a file SQLite reports damaged or not a database (SQLITE_CORRUPT,
    // SQLITE_NOTADB): such errors are then Corruption, with this advice. Unset: they are
    // IoError like any other failure.
    std::optional<QString> damageAdvice;
};

// What the first page of a file says about it (0 for each in a new, empty file).
struct SqliteHeader
{
    int applicationId = 0; // PRAGMA application_id
    int userVersion = 0;   // PRAGMA user_version: the schema version
    int schemaObjects = 0; // tables, indexes, ... in sqlite_master
};

// A store's schema as open() creates and upgrades it.
struct SqliteSchema
{
    int version = 1;       // the newest; open() writes it to user_version
    int applicationId = 0; // open() writes it to a new file's application_id; 0 writes none
    // Which schema version the file holds, 0 for a new file; an error for a file the store must
    // not touch (newer, damaged, another program's). Runs before anything writes to the file,
    // and again under the write lock before an upgrade.
    std::function<Result<int>(const SqliteDatabase &db)> inspect;
    // The statements that take a file from version `from` (0: a new file) to `version`; open()
    // adds the application_id and user_version stamps.
    std::function<QStringList(int from)> statements;
};

// A handle on one store's QtSql connection: its name and how its errors read, never a
// QSqlDatabase, so close() can remove the connection without QtSql warning that it is still in
// use. Cheap to copy; belongs to the thread that opened it, as the connection does.
class SqliteDatabase final
{
public:
    // The absolute path of a store's file, its parent directory created. `store` names it in the
    // errors: InvalidArgument for an empty path, IoError for a directory or an uncreatable parent.
    static Result<QString> filePath(const QString &store, const QString &path);
    // A connection name no other store instance in the process uses: prefix.N.
    static QString uniqueConnectionName(const QString &prefix);

    // Adds and opens the connection, checks the file with schema.inspect, switches to WAL, sets
    // the pragmas and creates or upgrades the schema in one write transaction. On failure the
    // connection is removed again (unless it existed before: that is InvalidArgument).
    static Result<SqliteDatabase> open(const SqliteOptions &options, const SqliteSchema &schema);
    // A handle on the connection open() made with these options, for a store that keeps only the
    // connection's name.
    explicit SqliteDatabase(SqliteOptions options);

    // Closes and removes the connection. No QSqlQuery on it may be alive any more.
    void close() const;

    const QString &path() const { return m_options.path; }
    // A QSqlDatabase handle on the connection; let it go before close().
    QSqlDatabase connection() const;

    // An error naming the store, its file and what failed (Corruption or IoError, see
    // SqliteOptions::damageAdvice).
    Error error(const QString &what, const QSqlError &sqlError) const;

    // `what` says what the statement is for ("cannot read the journal"); its errors start so.
    // A forward-only statement, prepared.
    Result<QSqlQuery> prepare(const QString &sql, const QString &what) const;
    // Binds values to a prepared statement, by position, and runs it (again).
    Status exec(QSqlQuery &query, const QVariantList &values, const QString &what) const;
    // Prepares, binds and runs; the query is positioned before its first row.
    Result<QSqlQuery> run(const QString &sql, const QVariantList &values, const QString &what) const;
    Status exec(const QString &sql, const QVariantList &values, const QString &what) const;
    // The id of the row an INSERT added.
    Result<qint64> insert(const QString &sql, const QVariantList &values, const QString &what) const;
    // How many rows an UPDATE or DELETE changed.
    Result<qint64> change(const QString &sql, const QVariantList &values, const QString &what) const;
    // After next() returned false: whether a step failed rather than reached the end.
    Status finished(const QSqlQuery &query, const QString &what) const;

    // The first row, read by read(const QSqlQuery &); nullopt when there is none.
    template<typename Read>
    auto queryOne(const QString &sql, const QVariantList &values, const QString &what, Read read) const
        -> Result<std::optional<std::decay_t<std::invoke_result_t<Read &, const QSqlQuery &>>>>;
    // Every row, in order, each read by read(const QSqlQuery &).
    template<typename Read>
    auto queryAll(const QString &sql, const QVariantList &values, const QString &what, Read read) const
        -> Result<QList<std::decay_t<std::invoke_result_t<Read &, const QSqlQuery &>>>>;
    // The first column of the first row; nullopt when there is no row.
    Result<std::optional<QVariant>> queryValue(const QString &sql,
                                               const QVariantList &values,
                                               const QString &what) const;

    // What the file's first page says; the first read of a file, so the first to notice one that
    // is not a database.
    Result<SqliteHeader> readHeader() const;
    // Whether a file's schema version is one this build reads: below `oldest` is Corruption;
    // above `newest` is `newerCode` (the stores differ there, and callers rely on it).
    Status checkVersion(int version, int oldest, int newest, ErrorCode newerCode) const;

private:
    Status initialize(const SqliteSchema &schema) const;
    Status configure() const;
    Status upgrade(const SqliteSchema &schema) const;

    SqliteOptions m_options;
};

// One transaction, rolled back (with a warning if that fails) unless commit() succeeds.
class SqliteTransaction final
{
public:
    // Write takes the write lock at BEGIN (IMMEDIATE), so two processes never deadlock upgrading
    // read locks; Read keeps a consistent view across several statements.
    enum class Kind { Read, Write };

    explicit SqliteTransaction(SqliteDatabase db);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction &) = delete;
    SqliteTransaction &operator=(const SqliteTransaction &) = delete;

    Status begin(Kind kind = Kind::Write);
    Status commit();

private:
    SqliteDatabase m_db;
    bool m_active = false;
};

template<typename Read>
auto SqliteDatabase::queryOne(const QString &sql, const QVariantList &values, const QString &what, Read read) const
    -> Result<std::optional<std::decay_t<std::invoke_result_t<Read &, const QSqlQuery &>>>>
{
    using Row = std::decay_t<std::invoke_result_t<Read &, const QSqlQuery &>>;
    auto query = run(sql, values, what);
    if (!query)
        return std::unexpected(query.error());
    if (query->next())
        return std::optional<Row>(read(std::as_const(*query)));
    if (auto status = finished(*query, what); !status)
        return std::unexpected(status.error());
    return std::optional<Row>();
}

template<typename Read>
auto SqliteDatabase::queryAll(const QString &sql, const QVariantList &values, const QString &what, Read read) const
    -> Result<QList<std::decay_t<std::invoke_result_t<Read &, const QSqlQuery &>>>>
{
    auto query = run(sql, values, what);
    if (!query)
        return std::unexpected(query.error());
    QList<std::decay_t<std::invoke_result_t<Read &, const QSqlQuery &>>> rows;
    while (query->next())
        rows.append(read(std::as_const(*query)));
    if (auto status = finished(*query, what); !status)
        return std::unexpected(status.error());
    return rows;
}

} // namespace foresight::storage
