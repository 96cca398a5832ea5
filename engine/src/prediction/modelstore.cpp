#include "foresight/prediction/modelstore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

#include "foresight/core/logging.h"
#include "storage/sqlitedatabase.h"

namespace foresight::prediction {
namespace {

using storage::SqliteDatabase;

// PRAGMA application_id ("FSMD"): a model store, not any other SQLite file.
constexpr int kApplicationId = 0x46534d44;
constexpr int kSchemaVersion = 1;
constexpr int kBusyTimeoutMs = 5000;

constexpr auto kColumns = "version, kind, feature_names, train_start_ms, train_end_ms, evaluation, created_ms, "
                          "bytes, sha256";

// 0 for a new file, else the schema version of a model store this build reads.
Result<int> inspect(const SqliteDatabase &db)
{
    auto header = db.readHeader();
    if (!header) {
        return fail(ErrorCode::Corruption,
                    QStringLiteral("%1 is not a readable SQLite database (%2); move it aside or use another path")
                        .arg(db.path(), header.error().message));
    }
    if (header->applicationId == kApplicationId) {
        if (header->userVersion != kSchemaVersion) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("model store %1 has schema version %2; this build reads version %3")
                            .arg(db.path())
                            .arg(header->userVersion)
                            .arg(kSchemaVersion));
        }
        return header->userVersion;
    }
    if (header->applicationId != 0 || header->schemaObjects != 0) {
        return fail(ErrorCode::Corruption,
                    QStringLiteral("%1 is a SQLite database but not a Foresight model store (application id %2); "
                                   "use another path")
                        .arg(db.path())
                        .arg(header->applicationId));
    }
    return 0;
}

// Only a new file needs statements: there is no older version to upgrade.
QStringList schemaStatements(int /*from*/)
{
    return {
        // AUTOINCREMENT: a version is never reused, even after the newest row is deleted.
        QStringLiteral("CREATE TABLE IF NOT EXISTS models ("
                       " version INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " kind TEXT NOT NULL,"
                       " feature_names TEXT NOT NULL,"
                       " train_start_ms INTEGER NOT NULL,"
                       " train_end_ms INTEGER NOT NULL,"
                       " evaluation TEXT NOT NULL,"
                       " created_ms INTEGER NOT NULL,"
                       " bytes BLOB NOT NULL,"
                       " sha256 BLOB NOT NULL)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS models_kind ON models (kind, version)"),
    };
}

QByteArray digest(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

struct Row
{
    StoredModel model;
    QByteArray sha256;
};

Row readRow(const QSqlQuery &query)
{
    Row row;
    row.model.version = query.value(0).toLongLong();
    row.model.kind = query.value(1).toString();
    const QJsonArray names = QJsonDocument::fromJson(query.value(2).toString().toUtf8()).array();
    for (const auto &name : names)
        row.model.featureNames << name.toString();
    row.model.trainStartMs = query.value(3).toLongLong();
    row.model.trainEndMs = query.value(4).toLongLong();
    row.model.evaluation = QJsonDocument::fromJson(query.value(5).toString().toUtf8()).object();
    row.model.createdMs = query.value(6).toLongLong();
    row.model.bytes = query.value(7).toByteArray();
    row.sha256 = query.value(8).toByteArray();
    return row;
}

} // namespace

class ModelStore::Impl
{
public:
    explicit Impl(SqliteDatabase db)
        : m_db(std::move(db))
    {}
    ~Impl() { m_db.close(); }
    Impl(const Impl &) = delete;
    Impl &operator=(const Impl &) = delete;

    Result<QList<Row>> rows(const QString &where, const QVariant &value) const
    {
        return m_db.queryAll(QStringLiteral("SELECT %1 FROM models WHERE %2 ORDER BY version DESC")
                                 .arg(QString::fromLatin1(kColumns), where),
                             {value},
                             QStringLiteral("cannot read models"),
                             readRow);
    }
    // The row checked against its checksum and loaded into a predictor.
    Result<LoadedModel> decode(Row row) const
    {
        const QString which = QStringLiteral("model store %1: version %2 (%3)")
                                  .arg(m_db.path())
                                  .arg(row.model.version)
                                  .arg(row.model.kind);
        if (digest(row.model.bytes) != row.sha256)
            return fail(ErrorCode::Corruption,
                        QStringLiteral("%1 is damaged: its %2 model bytes do not match their SHA-256; retrain or "
                                       "use an older version")
                            .arg(which)
                            .arg(row.model.bytes.size()));
        LoadedModel loaded;
        if (auto status = loaded.predictor.load(row.model.bytes); !status)
            return fail(ErrorCode::Corruption,
                        QStringLiteral("%1 does not load: %2").arg(which, status.error().message));
        if (!row.model.featureNames.isEmpty() && row.model.featureNames.size() != loaded.predictor.featureCount())
            return fail(ErrorCode::Corruption,
                        QStringLiteral("%1 lists %2 feature names but the model expects %3 features")
                            .arg(which)
                            .arg(row.model.featureNames.size())
                            .arg(loaded.predictor.featureCount()));
        loaded.stored = std::move(row.model);
        return loaded;
    }

    SqliteDatabase m_db;
};

ModelStore::ModelStore(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

ModelStore::~ModelStore() = default;

Result<std::unique_ptr<ModelStore>> ModelStore::open(const QString &path, const QString &connectionName)
{
    if (path.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the model store needs a file path"));
    storage::SqliteOptions options;
    options.store = QStringLiteral("model store");
    options.path = path;
    options.connectionName = connectionName.isEmpty()
                                 ? SqliteDatabase::uniqueConnectionName(QStringLiteral("foresight.models"))
                                 : connectionName;
    options.busyTimeoutMs = kBusyTimeoutMs;
    storage::SqliteSchema schema;
    schema.version = kSchemaVersion;
    schema.applicationId = kApplicationId;
    schema.inspect = inspect;
    schema.statements = schemaStatements;
    auto db = SqliteDatabase::open(options, schema);
    if (!db)
        return std::unexpected(db.error());
    return std::unique_ptr<ModelStore>(new ModelStore(std::make_unique<Impl>(std::move(*db))));
}

QString ModelStore::path() const
{
    return m_impl->m_db.path();
}

Result<qint64> ModelStore::save(const StoredModel &model)
{
    if (model.kind.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a stored model needs a kind"));
    if (model.bytes.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("model of kind %1 has no bytes").arg(model.kind));
    const qint64 created = model.createdMs != 0 ? model.createdMs : QDateTime::currentMSecsSinceEpoch();
    return m_impl->m_db
        .insert(QStringLiteral(
                    "INSERT INTO models (kind, feature_names, train_start_ms, train_end_ms, evaluation, created_ms,"
                    " bytes, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                {model.kind,
                 QString::fromUtf8(
                     QJsonDocument(QJsonArray::fromStringList(model.featureNames)).toJson(QJsonDocument::Compact)),
                 model.trainStartMs,
                 model.trainEndMs,
                 QString::fromUtf8(QJsonDocument(model.evaluation).toJson(QJsonDocument::Compact)),
                 created,
                 model.bytes,
                 digest(model.bytes)},
                QStringLiteral("cannot save a model of kind %1").arg(model.kind));
}

Result<StoredModel> ModelStore::latest(const QString &kind) const
{
    auto rows = m_impl->rows(QStringLiteral("kind = ?"), kind);
    if (!rows)
        return std::unexpected(rows.error());
    if (rows->isEmpty())
        return fail(ErrorCode::NotFound, QStringLiteral("model store %1 has no model of kind %2").arg(path(), kind));
    return rows->front().model;
}

Result<LoadedModel> ModelStore::load(qint64 version) const
{
    auto rows = m_impl->rows(QStringLiteral("version = ?"), version);
    if (!rows)
        return std::unexpected(rows.error());
    if (rows->isEmpty())
        return fail(ErrorCode::NotFound, QStringLiteral("model store %1 has no version %2").arg(path()).arg(version));
    return m_impl->decode(rows->front());
}

Result<LoadedModel> ModelStore::latestUsable(const QString &kind) const
{
    auto rows = m_impl->rows(QStringLiteral("kind = ?"), kind);
    if (!rows)
        return std::unexpected(rows.error());
    QStringList skipped;
    for (Row &row : *rows) {
        auto loaded = m_impl->decode(std::move(row));
        if (loaded) {
            loaded->skipped = skipped;
            return loaded;
        }
        qCWarning(lcStorage).noquote() << loaded.error().message + QStringLiteral("; trying an older version");
        skipped << loaded.error().message;
    }
    if (skipped.isEmpty())
        return fail(ErrorCode::NotFound, QStringLiteral("model store %1 has no model of kind %2").arg(path(), kind));
    return fail(ErrorCode::NotFound,
                QStringLiteral("no model of kind %1 loads: %2").arg(kind, skipped.join(QStringLiteral("; "))));
}

Result<QList<qint64>> ModelStore::versions(const QString &kind) const
{
    auto rows = m_impl->rows(QStringLiteral("kind = ?"), kind);
    if (!rows)
        return std::unexpected(rows.error());
    QList<qint64> found;
    for (auto it = rows->crbegin(); it != rows->crend(); ++it)
        found << it->model.version;
    return found;
}

} // namespace foresight::prediction
