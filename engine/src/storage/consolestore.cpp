#include "foresight/storage/consolestore.h"

#include <algorithm>
#include <limits>

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

#include "foresight/core/logging.h"
#include "storage/consoleschema.h"
#include "storage/consolestoreimpl.h"
#include "storage/sqlitedatabase.h"

namespace foresight::storage {
namespace {

const QString kStore = QStringLiteral("console store");
// PRAGMA application_id ("FSCT"): tells a console store from any other SQLite file, such as an
// agent's snapshot store, which a mistyped path could otherwise adopt.
constexpr int kApplicationId = 0x46534354;
// How long a statement waits for another connection's write lock (the engine and foresightctl
// share the file) before it fails with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 5000;

// A NOT NULL text column: QtSql binds a null QString as SQL NULL, so bind an empty one instead.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QString compactJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// What the file holds: nothing yet (0), or a console store this build can use (its version).
// Anything else is an error, so that a mistyped path never turns another program's database into
// a console store.
Result<int> inspect(const SqliteDatabase &db)
{
    auto header = db.readHeader();
    if (!header)
        return std::unexpected(header.error());
    const int version = header->userVersion;
    if (header->applicationId == kApplicationId) {
        if (auto status = db.checkVersion(version, 1, kSchemaVersion, ErrorCode::InvalidArgument); !status)
            return std::unexpected(status.error());
        return version;
    }
    if (header->applicationId == 0 && version == 0 && header->schemaObjects == 0)
        return 0;
    return fail(ErrorCode::Corruption,
                QStringLiteral("%1 is a SQLite database but not a Foresight console store (application id %2, "
                               "%3 schema objects); give the console another path, or move the file aside")
                    .arg(db.path())
                    .arg(header->applicationId)
                    .arg(header->schemaObjects));
}

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

// Every column but id, in the order of kIncidentColumns.
QVariantList incidentValues(const Incident &incident)
{
    return {
        text(incident.app),
        text(incident.oldPrimary),
        text(incident.newPrimary),
        text(incident.formerTier),
        static_cast<qint64>(incident.epoch),
        incident.detectedMs,
        incident.decidedMs,
        incident.promotedMs,
        incident.firstAckMs,
        incident.ackedWritesLost,
        incident.seqGap,
        text(incident.summary),
        incident.acknowledged ? 1 : 0,
        incident.predicted,
        incident.predictionsRight,
        incident.predictionsWrong,
    };
}

HostSample readHostSample(const QSqlQuery &query, const QString &agent)
{
    HostSample sample;
    sample.agent = agent;
    sample.wallMs = query.value(0).toLongLong();
    sample.cpuBusy = query.value(1).toDouble();
    sample.memUsedFraction = query.value(2).toDouble();
    sample.diskIoBusyFraction = query.value(3).toDouble();
    sample.load1 = query.value(4).toDouble();
    sample.netErrorsPerSec = query.value(5).toDouble();
    sample.netDropsPerSec = query.value(6).toDouble();
    sample.failureRisk = query.value(7).toDouble();
    sample.anomaly = query.value(8).toDouble();
    return sample;
}

} // namespace

ConsoleStore::ConsoleStore(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

ConsoleStore::~ConsoleStore() = default;

Result<std::unique_ptr<ConsoleStore>> ConsoleStore::open(const QString &path, const Clock &clock)
{
    auto file = SqliteDatabase::filePath(kStore, path);
    if (!file)
        return std::unexpected(file.error());
    storage::SqliteOptions options;
    options.store = kStore;
    options.path = *file;
    options.connectionName = SqliteDatabase::uniqueConnectionName(QStringLiteral("foresight.consolestore"));
    options.busyTimeoutMs = kBusyTimeoutMs;
    // FULL makes a committed journal entry (an audited operator action) survive power loss; the
    // console writes little, so it is cheap.
    options.synchronous = QStringLiteral("FULL");
    options.damageAdvice = QStringLiteral("move the file aside to start an empty store, then import the cluster "
                                          "configuration again");
    storage::SqliteSchema schema;
    schema.version = kSchemaVersion;
    schema.applicationId = kApplicationId;
    schema.inspect = inspect;
    schema.statements = storage::statementsFrom;
    auto db = SqliteDatabase::open(options, schema);
    if (!db)
        return std::unexpected(db.error());
    return std::unique_ptr<ConsoleStore>(new ConsoleStore(std::make_unique<Impl>(std::move(*db), clock)));
}

const QString &ConsoleStore::path() const
{
    return m_impl->m_db.path();
}

Status ConsoleStore::saveConfig(const config::ClusterConfig &config)
{
    if (auto status = config.validate(); !status) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("refusing to store an invalid cluster configuration: %1").arg(status.error().message));
    }
    // One statement, so the old configuration is replaced atomically.
    return m_impl->m_db.exec(QStringLiteral("INSERT OR REPLACE INTO config (id, json, saved_ms) VALUES (1, ?, ?)"),
                             {compactJson(config.toJson()), static_cast<qint64>(m_impl->m_clock.wallMs())},
                             QStringLiteral("cannot save the cluster configuration"));
}

Result<config::ClusterConfig> ConsoleStore::loadConfig() const
{
    auto json = m_impl->m_db.queryValue(QStringLiteral("SELECT json FROM config WHERE id = 1"),
                                        {},
                                        QStringLiteral("cannot read the cluster configuration"));
    if (!json)
        return std::unexpected(json.error());
    if (!*json) {
        return fail(ErrorCode::NotFound,
                    QStringLiteral("console store %1 holds no cluster configuration yet; import one with "
                                   "foresightctl")
                        .arg(path()));
    }
    auto config = config::ClusterConfig::fromJson((*json)->toString().toUtf8(), QStringLiteral("stored configuration"));
    if (!config) {
        // It was valid when saved, so the row was damaged (or edited by hand) since.
        return fail(ErrorCode::Corruption,
                    QStringLiteral("console store %1: %2; import the cluster configuration again")
                        .arg(path(), config.error().message));
    }
    return config;
}

Result<qint64> ConsoleStore::configSavedMs() const
{
    auto savedMs = m_impl->m_db.queryValue(QStringLiteral("SELECT saved_ms FROM config WHERE id = 1"),
                                           {},
                                           QStringLiteral("cannot read the cluster configuration"));
    if (!savedMs)
        return std::unexpected(savedMs.error());
    if (!*savedMs)
        return fail(ErrorCode::NotFound,
                    QStringLiteral("console store %1 holds no cluster configuration yet").arg(path()));
    return (*savedMs)->toLongLong();
}

Result<qint64> ConsoleStore::appendJournal(const JournalEntry &entry)
{
    if (entry.kind.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a journal entry needs a kind"));
    return m_impl->m_db.insert(QStringLiteral("INSERT INTO journal (wall_ms, kind, app, agent, actor, message, details)"
                                              " VALUES (?, ?, ?, ?, ?, ?, ?)"),
                               {entry.wallMs != 0 ? entry.wallMs : static_cast<qint64>(m_impl->m_clock.wallMs()),
                                text(entry.kind),
                                text(entry.app),
                                text(entry.agent),
                                text(entry.actor),
                                text(entry.message),
                                compactJson(entry.details)},
                               QStringLiteral("cannot append a %1 entry to the journal").arg(entry.kind));
}

Result<QList<JournalEntry>> ConsoleStore::journal(qint64 afterId, int limit) const
{
    if (limit <= 0)
        return QList<JournalEntry>();
    return m_impl->m_db.queryAll(QStringLiteral(
                                     "SELECT id, wall_ms, kind, app, agent, actor, message, details FROM journal"
                                     " WHERE id > ? ORDER BY id LIMIT ?"),
                                 {afterId, limit},
                                 QStringLiteral("cannot read the journal"),
                                 [this](const QSqlQuery &query) { return readJournalEntry(query, path()); });
}

Result<QList<JournalEntry>> ConsoleStore::journalAbout(
    const QString &app, const QStringList &agents, qint64 fromMs, qint64 toMs, int limit) const
{
    if (limit <= 0 || toMs < fromMs)
        return QList<JournalEntry>();
    QString agentFilter;
    if (!agents.isEmpty()) {
        QStringList marks;
        for (qsizetype i = 0; i < agents.size(); ++i)
            marks.append(QStringLiteral("?"));
        agentFilter = QStringLiteral(" OR (app = '' AND agent IN (%1))").arg(marks.join(u','));
    }
    QVariantList values{fromMs, toMs, text(app)};
    for (const QString &agent : agents)
        values.append(text(agent));
    values.append(limit);
    return m_impl->m_db.queryAll(QStringLiteral(
                                     "SELECT id, wall_ms, kind, app, agent, actor, message, details FROM journal"
                                     " WHERE wall_ms BETWEEN ? AND ? AND (app = ?%1) ORDER BY wall_ms, id LIMIT ?")
                                     .arg(agentFilter),
                                 values,
                                 QStringLiteral("cannot read the journal of %1").arg(app),
                                 [this](const QSqlQuery &query) { return readJournalEntry(query, path()); });
}

Result<qint64> ConsoleStore::createIncident(const Incident &incident)
{
    if (auto status = validateIncident(incident); !status)
        return std::unexpected(status.error());
    // An id chosen by the caller (the engine numbers incidents itself, so that it never waits
    // for the disk) is kept; otherwise SQLite assigns the next one.
    QVariantList values = incidentValues(incident);
    values.append(incident.id > 0 ? QVariant(incident.id) : QVariant());
    return m_impl->m_db
        .insert(QStringLiteral(
                    "INSERT INTO incidents (app, old_primary, new_primary, former_tier, epoch, detected_ms,"
                    " decided_ms, promoted_ms, first_ack_ms, acked_writes_lost, seq_gap, summary, acknowledged,"
                    " predicted, predictions_right, predictions_wrong, id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                values,
                QStringLiteral("cannot record an incident of %1").arg(incident.app));
}

Status ConsoleStore::updateIncident(const Incident &incident)
{
    if (auto status = validateIncident(incident); !status)
        return status;
    QVariantList values = incidentValues(incident);
    values.append(incident.id);
    auto changed = m_impl->m_db.change(
        QStringLiteral("UPDATE incidents SET app = ?, old_primary = ?, new_primary = ?, former_tier = ?, epoch = ?,"
                       " detected_ms = ?, decided_ms = ?, promoted_ms = ?, first_ack_ms = ?, acked_writes_lost = ?,"
                       " seq_gap = ?, summary = ?, acknowledged = ?, predicted = ?, predictions_right = ?,"
                       " predictions_wrong = ? WHERE id = ?"),
        values,
        QStringLiteral("cannot update incident %1").arg(incident.id));
    if (!changed)
        return std::unexpected(changed.error());
    if (*changed < 1)
        return fail(ErrorCode::NotFound,
                    QStringLiteral("console store %1 has no incident %2").arg(path()).arg(incident.id));
    return {};
}

Result<Incident> ConsoleStore::incident(qint64 id) const
{
    auto found = m_impl->m_db.queryOne(QStringLiteral("SELECT %1 FROM incidents WHERE id = ?")
                                           .arg(QLatin1StringView(kIncidentColumns)),
                                       {id},
                                       QStringLiteral("cannot read incident %1").arg(id),
                                       readIncident);
    if (!found)
        return std::unexpected(found.error());
    if (!*found)
        return fail(ErrorCode::NotFound, QStringLiteral("console store %1 has no incident %2").arg(path()).arg(id));
    return std::move(**found);
}

Result<QList<Incident>> ConsoleStore::incidents(const QString &app, int limit) const
{
    if (limit <= 0)
        return QList<Incident>();
    // Newest first by id: detection times may be unknown (0) and ids follow creation order.
    const QString filter = app.isEmpty() ? QString() : QStringLiteral(" WHERE app = ?");
    QVariantList values;
    if (!app.isEmpty())
        values.append(app);
    values.append(limit);
    return m_impl->m_db.queryAll(QStringLiteral("SELECT %1 FROM incidents%2 ORDER BY id DESC LIMIT ?")
                                     .arg(QLatin1StringView(kIncidentColumns), filter),
                                 values,
                                 QStringLiteral("cannot list incidents"),
                                 readIncident);
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
    const SqliteDatabase &db = m_impl->m_db;
    // One transaction for the batch: one fsync, however many agents.
    SqliteTransaction transaction(db);
    if (auto status = transaction.begin(); !status)
        return status;
    auto query
        = db.prepare(QStringLiteral(
                         "INSERT OR REPLACE INTO host_samples (agent, wall_ms, cpu_busy, mem_used, disk_busy, load1,"
                         " net_errors, net_drops, failure_risk, anomaly) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                     QStringLiteral("cannot record host metrics"));
    if (!query)
        return std::unexpected(query.error());
    for (const HostSample &sample : samples) {
        const QVariantList values{sample.agent,
                                  sample.wallMs,
                                  sample.cpuBusy,
                                  sample.memUsedFraction,
                                  sample.diskIoBusyFraction,
                                  sample.load1,
                                  sample.netErrorsPerSec,
                                  sample.netDropsPerSec,
                                  sample.failureRisk,
                                  sample.anomaly};
        if (auto status = db.exec(*query, values, QStringLiteral("cannot record host metrics of %1").arg(sample.agent));
            !status) {
            return status;
        }
    }
    query->finish();
    return transaction.commit();
}

Result<QList<HostSample>> ConsoleStore::hostSamples(const QString &agent, qint64 fromMs, qint64 toMs, int maxPoints) const
{
    if (maxPoints <= 0 || toMs < fromMs)
        return QList<HostSample>();
    const QString what = QStringLiteral("cannot read the host metrics of %1").arg(agent);
    auto count
        = m_impl->m_db.queryValue(QStringLiteral(
                                      "SELECT count(*) FROM host_samples WHERE agent = ? AND wall_ms BETWEEN ? AND ?"),
                                  {text(agent), fromMs, toMs},
                                  what);
    if (!count)
        return std::unexpected(count.error());
    const qint64 rows = count->value_or(QVariant()).toLongLong();

    // Few enough: every row as it is. Otherwise one row per bucket of the range.
    const bool decimate = rows > maxPoints;
    const qint64 span = toMs - fromMs + 1;
    const qint64 bucketMs = qMax<qint64>(1, (span + maxPoints - 1) / maxPoints);
    QVariantList values{text(agent), fromMs, toMs};
    if (decimate)
        values << fromMs << bucketMs;
    return m_impl->m_db
        .queryAll(decimate
                      ? QStringLiteral(
                          "SELECT CAST(AVG(wall_ms) AS INTEGER), AVG(cpu_busy), AVG(mem_used), AVG(disk_busy),"
                          " AVG(load1), AVG(net_errors), AVG(net_drops), MAX(failure_risk), MAX(anomaly)"
                          " FROM host_samples WHERE agent = ? AND wall_ms BETWEEN ? AND ?"
                          " GROUP BY (wall_ms - ?) / ? ORDER BY 1")
                      : QStringLiteral("SELECT wall_ms, cpu_busy, mem_used, disk_busy, load1, net_errors, net_drops,"
                                       " failure_risk, anomaly FROM host_samples"
                                       " WHERE agent = ? AND wall_ms BETWEEN ? AND ? ORDER BY wall_ms"),
                  values,
                  what,
                  [&agent](const QSqlQuery &query) { return readHostSample(query, agent); });
}

Result<qint64> ConsoleStore::pruneHostSamples(qint64 beforeMs)
{
    return m_impl->m_db.change(QStringLiteral("DELETE FROM host_samples WHERE wall_ms < ?"),
                               {beforeMs},
                               QStringLiteral("cannot prune the host metrics history"));
}

} // namespace foresight::storage
