#include "foresight/prediction/modelstore.h"

#include <atomic>

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include "foresight/core/logging.h"

namespace foresight::prediction {
namespace {

// PRAGMA application_id ("FSMD"): a model store, not any other SQLite file.
constexpr int kApplicationId = 0x46534d44;
constexpr int kSchemaVersion = 1;
constexpr int kBusyTimeoutMs = 5000;

constexpr auto kColumns = "version, kind, feature_names, train_start_ms, train_end_ms, evaluation, created_ms, "
                          "bytes, sha256";

Error sqlError(const QString &path, const QString &what, const QSqlError &error)
{
    return Error{ErrorCode::IoError, QStringLiteral("model store %1: %2: %3").arg(path, what, error.text())};
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
    Impl(QString path, QString connectionName)
        : m_path(std::move(path))
        , m_connectionName(std::move(connectionName))
    {}
    ~Impl()
    {
        {
            QSqlDatabase db = database();
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    Impl(const Impl &) = delete;
    Impl &operator=(const Impl &) = delete;

    QSqlDatabase database() const { return QSqlDatabase::database(m_connectionName, /*open=*/false); }

    Status initialize();
    Result<int> scalar(const QString &sql) const
    {
        QSqlQuery query(database());
        if (!query.exec(sql))
            return std::unexpected(sqlError(m_path, QStringLiteral("cannot read the file header"), query.lastError()));
        return query.next() ? query.value(0).toInt() : 0;
    }
    Result<QList<Row>> rows(const QString &where, const QVariant &value) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true);
        if (!query.prepare(QStringLiteral("SELECT %1 FROM models WHERE %2 ORDER BY version DESC")
                               .arg(QString::fromLatin1(kColumns), where)))
            return std::unexpected(sqlError(m_path, QStringLiteral("cannot prepare a query"), query.lastError()));
        query.addBindValue(value);
        if (!query.exec())
            return std::unexpected(sqlError(m_path, QStringLiteral("cannot read models"), query.lastError()));
        QList<Row> found;
        while (query.next())
            found << readRow(query);
        if (query.lastError().isValid())
            return std::unexpected(sqlError(m_path, QStringLiteral("cannot read models"), query.lastError()));
        return found;
    }
    // The row checked against its checksum and loaded into a predictor.
    Result<LoadedModel> decode(Row row) const
    {
        const QString which
            = QStringLiteral("model store %1: version %2 (%3)").arg(m_path).arg(row.model.version).arg(row.model.kind);
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

    QString m_path;
    QString m_connectionName;
};

Status ModelStore::Impl::initialize()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!db.isValid())
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot open model store %1: the Qt SQLite driver (QSQLITE) is not available; "
                                   "install libqt6sql6-sqlite")
                        .arg(m_path));
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!db.open())
        return std::unexpected(sqlError(m_path, QStringLiteral("cannot open"), db.lastError()));

    auto applicationId = scalar(QStringLiteral("PRAGMA application_id"));
    if (!applicationId)
        return fail(ErrorCode::Corruption,
                    QStringLiteral("%1 is not a readable SQLite database (%2); move it aside or use another path")
                        .arg(m_path, applicationId.error().message));
    auto objects = scalar(QStringLiteral("SELECT count(*) FROM sqlite_master"));
    if (!objects)
        return std::unexpected(objects.error());
    if (*applicationId == kApplicationId) {
        auto version = scalar(QStringLiteral("PRAGMA user_version"));
        if (!version)
            return std::unexpected(version.error());
        if (*version != kSchemaVersion)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("model store %1 has schema version %2; this build reads version %3")
                            .arg(m_path)
                            .arg(*version)
                            .arg(kSchemaVersion));
    } else if (*applicationId != 0 || *objects != 0) {
        return fail(ErrorCode::Corruption,
                    QStringLiteral("%1 is a SQLite database but not a Foresight model store (application id %2); "
                                   "use another path")
                        .arg(m_path)
                        .arg(*applicationId));
    }

    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
        return std::unexpected(sqlError(m_path, QStringLiteral("cannot switch to WAL mode"), query.lastError()));
    query.finish();
    if (*applicationId == kApplicationId)
        return {};
    // A new file: the schema and the header in one transaction.
    const QString statements[] = {
        QStringLiteral("BEGIN IMMEDIATE"),
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
        QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId),
        QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion),
        QStringLiteral("COMMIT"),
    };
    for (const QString &statement : statements) {
        if (!query.exec(statement)) {
            const Error error = sqlError(m_path, QStringLiteral("cannot create the schema"), query.lastError());
            QSqlQuery rollback(db);
            rollback.exec(QStringLiteral("ROLLBACK"));
            return std::unexpected(error);
        }
    }
    return {};
}

ModelStore::ModelStore(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

ModelStore::~ModelStore() = default;

Result<std::unique_ptr<ModelStore>> ModelStore::open(const QString &path, const QString &connectionName)
{
    static std::atomic<int> counter{0};
    if (path.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the model store needs a file path"));
    const QString name = connectionName.isEmpty() ? QStringLiteral("foresight.models.%1").arg(counter++)
                                                  : connectionName;
    if (QSqlDatabase::contains(name))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a database connection named %1 is already open").arg(name));
    auto impl = std::make_unique<Impl>(path, name);
    if (auto status = impl->initialize(); !status)
        return std::unexpected(status.error());
    return std::unique_ptr<ModelStore>(new ModelStore(std::move(impl)));
}

QString ModelStore::path() const
{
    return m_impl->m_path;
}

Result<qint64> ModelStore::save(const StoredModel &model)
{
    if (model.kind.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a stored model needs a kind"));
    if (model.bytes.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("model of kind %1 has no bytes").arg(model.kind));
    QSqlQuery query(m_impl->database());
    if (!query.prepare(QStringLiteral("INSERT INTO models (kind, feature_names, train_start_ms, train_end_ms, "
                                      "evaluation, created_ms, bytes, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")))
        return std::unexpected(sqlError(m_impl->m_path, QStringLiteral("cannot prepare the insert"), query.lastError()));
    const qint64 created = model.createdMs != 0 ? model.createdMs : QDateTime::currentMSecsSinceEpoch();
    query.addBindValue(model.kind);
    query.addBindValue(QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(model.featureNames)).toJson(QJsonDocument::Compact)));
    query.addBindValue(model.trainStartMs);
    query.addBindValue(model.trainEndMs);
    query.addBindValue(QString::fromUtf8(QJsonDocument(model.evaluation).toJson(QJsonDocument::Compact)));
    query.addBindValue(created);
    query.addBindValue(model.bytes);
    query.addBindValue(digest(model.bytes));
    if (!query.exec())
        return std::unexpected(sqlError(m_impl->m_path,
                                        QStringLiteral("cannot save a model of kind %1").arg(model.kind),
                                        query.lastError()));
    return query.lastInsertId().toLongLong();
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
