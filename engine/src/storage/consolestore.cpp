#include "foresight/storage/consolestore.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include "foresight/core/logging.h"
#include "storage/consoleschema.h"

namespace foresight {
namespace {

using storage::kSchemaVersion;
using storage::schemaVersion1;
using storage::upgradeFrom;

// PRAGMA application_id ("FSCT"): tells a console store from any other SQLite file, such as an
// agent's snapshot store, which a mistyped path could otherwise adopt.
constexpr int kApplicationId = 0x46534354;
// How long a statement waits for another connection's write lock (the engine and foresightctl
// share the file) before it fails with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 5000;

// SQLite's primary result codes that mean the file itself is bad.
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteNotADatabase = 26;

Error storeError(const QString &path, const QString &what, const QSqlError &sqlError)
{
    // The QSQLITE driver reports sqlite3_errcode() as the native code; mask off any extended bits.
    bool ok = false;
    const int code = sqlError.nativeErrorCode().toInt(&ok) & 0xff;
    if (ok && (code == kSqliteCorrupt || code == kSqliteNotADatabase)) {
        return Error{ErrorCode::Corruption,
                     QStringLiteral("console store %1 is damaged or not a SQLite database (%2: %3); move the "
                                    "file aside to start an empty store, then import the cluster configuration "
                                    "again")
                         .arg(path, what, sqlError.text())};
    }
    return Error{ErrorCode::IoError, QStringLiteral("console store %1: %2: %3").arg(path, what, sqlError.text())};
}

// A NOT NULL text column: QtSql binds a null QString as SQL NULL, so bind an empty one instead.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QString compactJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// One SQLite transaction, rolled back unless commit() succeeds. BEGIN IMMEDIATE takes the write
// lock up front, so two processes never deadlock upgrading read locks.
class WriteTransaction
{
public:
    WriteTransaction(QSqlDatabase db, const QString &path)
        : m_db(std::move(db))
        , m_path(path)
    {}
    ~WriteTransaction()
    {
        if (!m_active)
            return;
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("ROLLBACK")))
            qCWarning(lcStorage).noquote()
                << "console store" << m_path << ": rollback failed:" << query.lastError().text();
    }
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

    Status begin()
    {
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return std::unexpected(storeError(m_path, QStringLiteral("cannot begin a transaction"), query.lastError()));
        m_active = true;
        return {};
    }

    Status commit()
    {
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("COMMIT")))
            return std::unexpected(storeError(m_path, QStringLiteral("cannot commit"), query.lastError()));
        m_active = false;
        return {};
    }

private:
    QSqlDatabase m_db;
    QString m_path;
    bool m_active = false;
};

JournalEntry readJournalEntry(const QSqlQuery &query, const QString &path)
{
    JournalEntry entry;
    entry.id = query.value(0).toLongLong();
    entry.wallMs = query.value(1).toLongLong();
    entry.kind = query.value(2).toString();
    entry.app = query.value(3).toString();
    entry.agent = query.value(4).toString();
    entry.actor = query.value(5).toString();
    entry.message = query.value(6).toString();
    QJsonParseError error;
    const QJsonDocument details = QJsonDocument::fromJson(query.value(7).toString().toUtf8(), &error);
    // Unreadable extras cost that entry its details, not the operator the whole journal.
    if (error.error != QJsonParseError::NoError || !details.isObject()) {
        qCWarning(lcStorage).noquote() << QStringLiteral("console store %1: journal entry %2 has unreadable details")
                                              .arg(path)
                                              .arg(entry.id);
    }
    entry.details = details.object();
    return entry;
}

constexpr auto kIncidentColumns = "id, app, old_primary, new_primary, former_tier, epoch, detected_ms, decided_ms, "
                                  "promoted_ms, first_ack_ms, acked_writes_lost, seq_gap, summary, acknowledged, "
                                  "predicted, predictions_right, predictions_wrong";

Incident readIncident(const QSqlQuery &query)
{
    Incident incident;
    incident.id = query.value(0).toLongLong();
    incident.app = query.value(1).toString();
    incident.oldPrimary = query.value(2).toString();
    incident.newPrimary = query.value(3).toString();
    incident.formerTier = query.value(4).toString();
    incident.epoch = static_cast<std::uint64_t>(std::max<qint64>(query.value(5).toLongLong(), 0));
    incident.detectedMs = query.value(6).toLongLong();
    incident.decidedMs = query.value(7).toLongLong();
    incident.promotedMs = query.value(8).toLongLong();
    incident.firstAckMs = query.value(9).toLongLong();
    incident.ackedWritesLost = query.value(10).toLongLong();
    incident.seqGap = query.value(11).toLongLong();
    incident.summary = query.value(12).toString();
    incident.acknowledged = query.value(13).toBool();
    incident.predicted = query.value(14).toLongLong();
    incident.predictionsRight = query.value(15).toLongLong();
    incident.predictionsWrong = query.value(16).toLongLong();
    return incident;
}

Status validateIncident(const Incident &incident)
{
    if (incident.app.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("an incident needs the application it happened to"));
    if (incident.epoch > static_cast<std::uint64_t>(std::numeric_limits<qint64>::max())) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("incident of %1: epoch %2 exceeds 2^63 - 1").arg(incident.app).arg(incident.epoch));
    }
    return {};
}

// Binds every column but id, in the order of kIncidentColumns, from position first on.
void bindIncident(QSqlQuery &query, const Incident &incident, int first)
{
    query.bindValue(first + 0, text(incident.app));
    query.bindValue(first + 1, text(incident.oldPrimary));
    query.bindValue(first + 2, text(incident.newPrimary));
    query.bindValue(first + 3, text(incident.formerTier));
    query.bindValue(first + 4, static_cast<qint64>(incident.epoch));
    query.bindValue(first + 5, incident.detectedMs);
    query.bindValue(first + 6, incident.decidedMs);
    query.bindValue(first + 7, incident.promotedMs);
    query.bindValue(first + 8, incident.firstAckMs);
    query.bindValue(first + 9, incident.ackedWritesLost);
    query.bindValue(first + 10, incident.seqGap);
    query.bindValue(first + 11, text(incident.summary));
    query.bindValue(first + 12, incident.acknowledged ? 1 : 0);
    query.bindValue(first + 13, incident.predicted);
    query.bindValue(first + 14, incident.predictionsRight);
    query.bindValue(first + 15, incident.predictionsWrong);
}

} // namespace

class ConsoleStore::Impl
{
public:
    Impl(QString path, QString connectionName, const Clock &clock)
        : m_path(std::move(path))
        , m_connectionName(std::move(connectionName))
        , m_clock(clock)
    {}
    ~Impl()
    {
        {
            QSqlDatabase db = database();
            if (db.isOpen())
                db.close();
        }
        // Every QSqlDatabase handle to the connection is gone by now, so removal does not warn.
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    Impl(const Impl &) = delete;
    Impl &operator=(const Impl &) = delete;

    QSqlDatabase database() const { return QSqlDatabase::database(m_connectionName, /*open=*/false); }

    Status initialize();

    // A query on this store's connection, prepared; errors name the store.
    Result<QSqlQuery> prepare(const QString &sql) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true);
        if (!query.prepare(sql))
            return std::unexpected(storeError(m_path, QStringLiteral("cannot prepare a statement"), query.lastError()));
        return query;
    }

    Status exec(QSqlQuery &query, const QString &what) const
    {
        if (!query.exec())
            return std::unexpected(storeError(m_path, what, query.lastError()));
        return {};
    }

    // Reads after next() returned false: a step that failed (rather than ended) sets lastError.
    Status finished(const QSqlQuery &query, const QString &what) const
    {
        if (query.lastError().isValid())
            return std::unexpected(storeError(m_path, what, query.lastError()));
        return {};
    }

    QString m_path;
    QString m_connectionName;
    const Clock &m_clock;

private:
    // 0 for an empty file, else the schema version (1..kSchemaVersion) of a console store.
    Result<int> inspect();
    Result<int> pragma(const QString &name);
};

Result<int> ConsoleStore::Impl::pragma(const QString &sql)
{
    QSqlQuery query(database());
    if (!query.exec(sql))
        return std::unexpected(storeError(m_path, QStringLiteral("cannot read the file header"), query.lastError()));
    return query.next() ? query.value(0).toInt() : 0;
}

// What the file holds: nothing yet (0), or a console store this build can use (its version).
// Anything else is an error, so that a mistyped path never turns another program's database into
// a console store.
Result<int> ConsoleStore::Impl::inspect()
{
    auto applicationId = pragma(QStringLiteral("PRAGMA application_id"));
    if (!applicationId)
        return std::unexpected(applicationId.error());
    auto version = pragma(QStringLiteral("PRAGMA user_version"));
    if (!version)
        return std::unexpected(version.error());
    if (*applicationId == kApplicationId) {
        if (*version > kSchemaVersion) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("console store %1 has schema version %2, newer than the %3 this build "
                                       "understands; open it with a newer Foresight or use another path")
                            .arg(m_path)
                            .arg(*version)
                            .arg(kSchemaVersion));
        }
        if (*version < 1) {
            return fail(ErrorCode::Corruption,
                        QStringLiteral("console store %1 has an impossible schema version %2; move the file aside "
                                       "to start an empty store")
                            .arg(m_path)
                            .arg(*version));
        }
        return *version;
    }
    auto objects = pragma(QStringLiteral("SELECT count(*) FROM sqlite_master"));
    if (!objects)
        return std::unexpected(objects.error());
    if (*applicationId == 0 && *version == 0 && *objects == 0)
        return 0;
    return fail(ErrorCode::Corruption,
                QStringLiteral("%1 is a SQLite database but not a Foresight console store (application id %2, "
                               "%3 schema objects); give the console another path, or move the file aside")
                    .arg(m_path)
                    .arg(*applicationId)
                    .arg(*objects));
}

Status ConsoleStore::Impl::initialize()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!db.isValid()) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot open console store %1: the Qt SQLite driver (QSQLITE) is not "
                                   "available; install libqt6sql6-sqlite")
                        .arg(m_path));
    }
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!db.open())
        return std::unexpected(storeError(m_path, QStringLiteral("cannot open"), db.lastError()));

    // SQLite opens lazily: reading the header is the first thing that notices a file that is not
    // a database, so do it before anything can write to the file.
    auto found = inspect();
    if (!found)
        return std::unexpected(found.error());

    // WAL lets foresightctl read while the engine writes. FULL makes a committed journal entry
    // (an audited operator action) survive power loss; the console writes little, so it is cheap.
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
        return std::unexpected(storeError(m_path, QStringLiteral("cannot switch to WAL mode"), query.lastError()));
    const QString journalMode = query.next() ? query.value(0).toString() : QString();
    query.finish();
    if (journalMode.compare(QStringLiteral("wal"), Qt::CaseInsensitive) != 0) {
        qCWarning(lcStorage).noquote() << "console store" << m_path << ": WAL mode unavailable, using" << journalMode
                                       << "journal";
    }
    if (!query.exec(QStringLiteral("PRAGMA synchronous=FULL")))
        return std::unexpected(storeError(m_path, QStringLiteral("cannot configure the connection"), query.lastError()));

    if (*found == kSchemaVersion)
        return {};

    // A new file, or an older schema. Create or upgrade it under the write lock, looking again in
    // case another process did it meanwhile.
    WriteTransaction transaction(db, m_path);
    if (auto status = transaction.begin(); !status)
        return status;
    found = inspect();
    if (!found)
        return std::unexpected(found.error());
    if (*found == kSchemaVersion)
        return {}; // the transaction rolls back, having changed nothing
    QStringList statements;
    if (*found == 0)
        statements = schemaVersion1();
    for (int version = qMax(*found, 1); version < kSchemaVersion; ++version)
        statements += upgradeFrom(version);
    if (*found == 0)
        statements.append(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId));
    statements.append(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion));
    for (const QString &sql : std::as_const(statements)) {
        if (!query.exec(sql)) {
            return std::unexpected(
                storeError(m_path,
                           *found == 0
                               ? QStringLiteral("cannot create the schema")
                               : QStringLiteral("cannot upgrade schema version %1 to %2").arg(*found).arg(kSchemaVersion),
                           query.lastError()));
        }
    }
    if (*found > 0) {
        qCInfo(lcStorage).noquote() << "console store" << m_path << ": upgraded schema version" << *found << "to"
                                    << kSchemaVersion;
    }
    return transaction.commit();
}

ConsoleStore::ConsoleStore(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

ConsoleStore::~ConsoleStore() = default;

Result<std::unique_ptr<ConsoleStore>> ConsoleStore::open(const QString &path, const Clock &clock)
{
    if (path.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the console store path is empty"));
    const QFileInfo info(path);
    if (info.isDir()) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("console store %1 is a directory; give the path of a file").arg(path));
    }
    const QString directory = info.absolutePath();
    if (!QDir().mkpath(directory)) {
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create directory %1 for console store %2; check that every parent is a "
                                   "writable directory")
                        .arg(directory, path));
    }

    static std::atomic<quint64> nextConnection{0};
    const QString name = QStringLiteral("foresight.consolestore.%1").arg(nextConnection.fetch_add(1));
    // Owned from here on, so every early return below removes the connection again.
    auto impl = std::make_unique<Impl>(info.absoluteFilePath(), name, clock);
    if (auto status = impl->initialize(); !status)
        return std::unexpected(status.error());
    return std::unique_ptr<ConsoleStore>(new ConsoleStore(std::move(impl)));
}

const QString &ConsoleStore::path() const
{
    return m_impl->m_path;
}

Status ConsoleStore::saveConfig(const ClusterConfig &config)
{
    if (auto status = config.validate(); !status) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("refusing to store an invalid cluster configuration: %1").arg(status.error().message));
    }
    // One statement, so the old configuration is replaced atomically.
    auto query = m_impl->prepare(QStringLiteral("INSERT OR REPLACE INTO config (id, json, saved_ms) VALUES (1, ?, ?)"));
    if (!query)
        return std::unexpected(query.error());
    query->bindValue(0, compactJson(config.toJson()));
    query->bindValue(1, static_cast<qint64>(m_impl->m_clock.wallMs()));
    return m_impl->exec(*query, QStringLiteral("cannot save the cluster configuration"));
}

Result<ClusterConfig> ConsoleStore::loadConfig() const
{
    auto query = m_impl->prepare(QStringLiteral("SELECT json FROM config WHERE id = 1"));
    if (!query)
        return std::unexpected(query.error());
    const QString what = QStringLiteral("cannot read the cluster configuration");
    if (auto status = m_impl->exec(*query, what); !status)
        return std::unexpected(status.error());
    if (!query->next()) {
        if (auto status = m_impl->finished(*query, what); !status)
            return std::unexpected(status.error());
        return fail(ErrorCode::NotFound,
                    QStringLiteral("console store %1 holds no cluster configuration yet; import one with "
                                   "foresightctl")
                        .arg(m_impl->m_path));
    }
    const QByteArray json = query->value(0).toString().toUtf8();
    auto config = ClusterConfig::fromJson(json, QStringLiteral("stored configuration"));
    if (!config) {
        // It was valid when saved, so the row was damaged (or edited by hand) since.
        return fail(ErrorCode::Corruption,
                    QStringLiteral("console store %1: %2; import the cluster configuration again")
                        .arg(m_impl->m_path, config.error().message));
    }
    return config;
}

Result<qint64> ConsoleStore::configSavedMs() const
{
    auto query = m_impl->prepare(QStringLiteral("SELECT saved_ms FROM config WHERE id = 1"));
    if (!query)
        return std::unexpected(query.error());
    const QString what = QStringLiteral("cannot read the cluster configuration");
    if (auto status = m_impl->exec(*query, what); !status)
        return std::unexpected(status.error());
    if (!query->next()) {
        if (auto status = m_impl->finished(*query, what); !status)
            return std::unexpected(status.error());
        return fail(ErrorCode::NotFound,
                    QStringLiteral("console store %1 holds no cluster configuration yet").arg(m_impl->m_path));
    }
    return query->value(0).toLongLong();
}

Result<qint64> ConsoleStore::appendJournal(const JournalEntry &entry)
{
    if (entry.kind.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a journal entry needs a kind"));
    auto query = m_impl->prepare(
        QStringLiteral("INSERT INTO journal (wall_ms, kind, app, agent, actor, message, details)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)"));
    if (!query)
        return std::unexpected(query.error());
    query->bindValue(0, entry.wallMs != 0 ? entry.wallMs : static_cast<qint64>(m_impl->m_clock.wallMs()));
    query->bindValue(1, text(entry.kind));
    query->bindValue(2, text(entry.app));
    query->bindValue(3, text(entry.agent));
    query->bindValue(4, text(entry.actor));
    query->bindValue(5, text(entry.message));
    query->bindValue(6, compactJson(entry.details));
    if (auto status = m_impl->exec(*query, QStringLiteral("cannot append a %1 entry to the journal").arg(entry.kind));
        !status) {
        return std::unexpected(status.error());
    }
    return query->lastInsertId().toLongLong();
}

Result<QList<JournalEntry>> ConsoleStore::journal(qint64 afterId, int limit) const
{
    QList<JournalEntry> entries;
    if (limit <= 0)
        return entries;
    auto query = m_impl->prepare(
        QStringLiteral("SELECT id, wall_ms, kind, app, agent, actor, message, details FROM journal"
                       " WHERE id > ? ORDER BY id LIMIT ?"));
    if (!query)
        return std::unexpected(query.error());
    query->bindValue(0, afterId);
    query->bindValue(1, limit);
    const QString what = QStringLiteral("cannot read the journal");
    if (auto status = m_impl->exec(*query, what); !status)
        return std::unexpected(status.error());
    while (query->next())
        entries.append(readJournalEntry(*query, m_impl->m_path));
    if (auto status = m_impl->finished(*query, what); !status)
        return std::unexpected(status.error());
    return entries;
}

Result<QList<JournalEntry>> ConsoleStore::journalAbout(
    const QString &app, const QStringList &agents, qint64 fromMs, qint64 toMs, int limit) const
{
    QList<JournalEntry> entries;
    if (limit <= 0 || toMs < fromMs)
        return entries;
    QString agentFilter;
    if (!agents.isEmpty()) {
        QStringList marks;
        for (qsizetype i = 0; i < agents.size(); ++i)
            marks.append(QStringLiteral("?"));
        agentFilter = QStringLiteral(" OR (app = '' AND agent IN (%1))").arg(marks.join(u','));
    }
    auto query = m_impl->prepare(
        QStringLiteral("SELECT id, wall_ms, kind, app, agent, actor, message, details FROM journal"
                       " WHERE wall_ms BETWEEN ? AND ? AND (app = ?%1) ORDER BY wall_ms, id LIMIT ?")
            .arg(agentFilter));
    if (!query)
        return std::unexpected(query.error());
    int position = 0;
    query->bindValue(position++, fromMs);
    query->bindValue(position++, toMs);
    query->bindValue(position++, text(app));
    for (const QString &agent : agents)
        query->bindValue(position++, text(agent));
    query->bindValue(position, limit);
    const QString what = QStringLiteral("cannot read the journal of %1").arg(app);
    if (auto status = m_impl->exec(*query, what); !status)
        return std::unexpected(status.error());
    while (query->next())
        entries.append(readJournalEntry(*query, m_impl->m_path));
    if (auto status = m_impl->finished(*query, what); !status)
        return std::unexpected(status.error());
    return entries;
}

Result<qint64> ConsoleStore::createIncident(const Incident &incident)
{
    if (auto status = validateIncident(incident); !status)
        return std::unexpected(status.error());
    // An id chosen by the caller (the engine numbers incidents itself, so that it never waits
    // for the disk) is kept; otherwise SQLite assigns the next one.
    auto query = m_impl->prepare(
        QStringLiteral("INSERT INTO incidents (app, old_primary, new_primary, former_tier, epoch, detected_ms,"
                       " decided_ms, promoted_ms, first_ack_ms, acked_writes_lost, seq_gap, summary, acknowledged,"
                       " predicted, predictions_right, predictions_wrong, id)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    if (!query)
        return std::unexpected(query.error());
    bindIncident(*query, incident, 0);
    query->bindValue(16, incident.id > 0 ? QVariant(incident.id) : QVariant());
    if (auto status = m_impl->exec(*query, QStringLiteral("cannot record an incident of %1").arg(incident.app));
        !status) {
        return std::unexpected(status.error());
    }
    return query->lastInsertId().toLongLong();
}

Status ConsoleStore::updateIncident(const Incident &incident)
{
    if (auto status = validateIncident(incident); !status)
        return status;
    auto query = m_impl->prepare(
        QStringLiteral("UPDATE incidents SET app = ?, old_primary = ?, new_primary = ?, former_tier = ?, epoch = ?,"
                       " detected_ms = ?, decided_ms = ?, promoted_ms = ?, first_ack_ms = ?, acked_writes_lost = ?,"
                       " seq_gap = ?, summary = ?, acknowledged = ?, predicted = ?, predictions_right = ?,"
                       " predictions_wrong = ? WHERE id = ?"));
    if (!query)
        return std::unexpected(query.error());
    bindIncident(*query, incident, 0);
    query->bindValue(16, incident.id);
    if (auto status = m_impl->exec(*query, QStringLiteral("cannot update incident %1").arg(incident.id)); !status)
        return status;
    if (query->numRowsAffected() < 1) {
        return fail(ErrorCode::NotFound,
                    QStringLiteral("console store %1 has no incident %2").arg(m_impl->m_path).arg(incident.id));
    }
    return {};
}

Result<Incident> ConsoleStore::incident(qint64 id) const
{
    auto query = m_impl->prepare(
        QStringLiteral("SELECT %1 FROM incidents WHERE id = ?").arg(QLatin1StringView(kIncidentColumns)));
    if (!query)
        return std::unexpected(query.error());
    query->bindValue(0, id);
    const QString what = QStringLiteral("cannot read incident %1").arg(id);
    if (auto status = m_impl->exec(*query, what); !status)
        return std::unexpected(status.error());
    if (!query->next()) {
        if (auto status = m_impl->finished(*query, what); !status)
            return std::unexpected(status.error());
        return fail(ErrorCode::NotFound,
                    QStringLiteral("console store %1 has no incident %2").arg(m_impl->m_path).arg(id));
    }
    return readIncident(*query);
}

Result<QList<Incident>> ConsoleStore::incidents(const QString &app, int limit) const
{
    QList<Incident> result;
    if (limit <= 0)
        return result;
    // Newest first by id: detection times may be unknown (0) and ids follow creation order.
    const QString filter = app.isEmpty() ? QString() : QStringLiteral(" WHERE app = ?");
    auto query = m_impl->prepare(QStringLiteral("SELECT %1 FROM incidents%2 ORDER BY id DESC LIMIT ?")
                                     .arg(QLatin1StringView(kIncidentColumns), filter));
    if (!query)
        return std::unexpected(query.error());
    int position = 0;
    if (!app.isEmpty())
        query->bindValue(position++, app);
    query->bindValue(position, limit);
    const QString what = QStringLiteral("cannot list incidents");
    if (auto status = m_impl->exec(*query, what); !status)
        return std::unexpected(status.error());
    while (query->next())
        result.append(readIncident(*query));
    if (auto status = m_impl->finished(*query, what); !status)
        return std::unexpected(status.error());
    return result;
}

Status ConsoleStore::appendHostSamples(const QList<HostSample> &samples)
{
    if (samples.isEmpty())
        return {};
    for (const HostSample &sample : samples) {
        if (sample.agent.isEmpty() || sample.wallMs <= 0) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("a host sample needs an agent and a time; got agent '%1' at %2 ms")
                            .arg(sample.agent)
                            .arg(sample.wallMs));
        }
    }
    // One transaction for the batch: one fsync, however many agents.
    WriteTransaction transaction(m_impl->database(), m_impl->m_path);
    if (auto status = transaction.begin(); !status)
        return status;
    auto query = m_impl->prepare(
        QStringLiteral("INSERT OR REPLACE INTO host_samples (agent, wall_ms, cpu_busy, mem_used, disk_busy, load1,"
                       " net_errors, net_drops, failure_risk, anomaly) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    if (!query)
        return std::unexpected(query.error());
    for (const HostSample &sample : samples) {
        query->bindValue(0, sample.agent);
        query->bindValue(1, sample.wallMs);
        query->bindValue(2, sample.cpuBusy);
        query->bindValue(3, sample.memUsedFraction);
        query->bindValue(4, sample.diskIoBusyFraction);
        query->bindValue(5, sample.load1);
        query->bindValue(6, sample.netErrorsPerSec);
        query->bindValue(7, sample.netDropsPerSec);
        query->bindValue(8, sample.failureRisk);
        query->bindValue(9, sample.anomaly);
        if (auto status = m_impl->exec(*query, QStringLiteral("cannot record host metrics of %1").arg(sample.agent));
            !status) {
            return status;
        }
    }
    query->finish();
    return transaction.commit();
}

Result<QList<HostSample>> ConsoleStore::hostSamples(const QString &agent, qint64 fromMs, qint64 toMs, int maxPoints) const
{
    QList<HostSample> samples;
    if (maxPoints <= 0 || toMs < fromMs)
        return samples;
    const QString what = QStringLiteral("cannot read the host metrics of %1").arg(agent);
    auto count = m_impl->prepare(
        QStringLiteral("SELECT count(*) FROM host_samples WHERE agent = ? AND wall_ms BETWEEN ? AND ?"));
    if (!count)
        return std::unexpected(count.error());
    count->bindValue(0, text(agent));
    count->bindValue(1, fromMs);
    count->bindValue(2, toMs);
    if (auto status = m_impl->exec(*count, what); !status)
        return std::unexpected(status.error());
    const qint64 rows = count->next() ? count->value(0).toLongLong() : 0;
    count->finish();

    // Few enough: every row as it is. Otherwise one row per bucket of the range.
    const bool decimate = rows > maxPoints;
    const qint64 span = toMs - fromMs + 1;
    const qint64 bucketMs = qMax<qint64>(1, (span + maxPoints - 1) / maxPoints);
    auto query = m_impl->prepare(
        decimate ? QStringLiteral("SELECT CAST(AVG(wall_ms) AS INTEGER), AVG(cpu_busy), AVG(mem_used), AVG(disk_busy),"
                                  " AVG(load1), AVG(net_errors), AVG(net_drops), MAX(failure_risk), MAX(anomaly)"
                                  " FROM host_samples WHERE agent = ? AND wall_ms BETWEEN ? AND ?"
                                  " GROUP BY (wall_ms - ?) / ? ORDER BY 1")
                 : QStringLiteral("SELECT wall_ms, cpu_busy, mem_used, disk_busy, load1, net_errors, net_drops,"
                                  " failure_risk, anomaly FROM host_samples"
                                  " WHERE agent = ? AND wall_ms BETWEEN ? AND ? ORDER BY wall_ms"));
    if (!query)
        return std::unexpected(query.error());
    query->bindValue(0, text(agent));
    query->bindValue(1, fromMs);
    query->bindValue(2, toMs);
    if (decimate) {
        query->bindValue(3, fromMs);
        query->bindValue(4, bucketMs);
    }
    if (auto status = m_impl->exec(*query, what); !status)
        return std::unexpected(status.error());
    while (query->next()) {
        HostSample sample;
        sample.agent = agent;
        sample.wallMs = query->value(0).toLongLong();
        sample.cpuBusy = query->value(1).toDouble();
        sample.memUsedFraction = query->value(2).toDouble();
        sample.diskIoBusyFraction = query->value(3).toDouble();
        sample.load1 = query->value(4).toDouble();
        sample.netErrorsPerSec = query->value(5).toDouble();
        sample.netDropsPerSec = query->value(6).toDouble();
        sample.failureRisk = query->value(7).toDouble();
        sample.anomaly = query->value(8).toDouble();
        samples.append(std::move(sample));
    }
    if (auto status = m_impl->finished(*query, what); !status)
        return std::unexpected(status.error());
    return samples;
}

Result<qint64> ConsoleStore::pruneHostSamples(qint64 beforeMs)
{
    auto query = m_impl->prepare(QStringLiteral("DELETE FROM host_samples WHERE wall_ms < ?"));
    if (!query)
        return std::unexpected(query.error());
    query->bindValue(0, beforeMs);
    if (auto status = m_impl->exec(*query, QStringLiteral("cannot prune the host metrics history")); !status)
        return std::unexpected(status.error());
    return static_cast<qint64>(query->numRowsAffected());
}

} // namespace foresight
