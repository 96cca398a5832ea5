#pragma once

#include <memory>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/prediction/failurepredictor.h"

namespace foresight::prediction {

// One stored model: what it is, what it was trained on and how well it did, and its bytes
// (FailurePredictor::serialize()).
struct StoredModel
{
    qint64 version = 0;       // assigned by save(): 1, 2, ... across all kinds, never reused
    QString kind;             // what the model predicts, e.g. "failure-h30"; not empty
    QStringList featureNames; // the columns the model expects, in order
    qint64 trainStartMs = 0;  // the training window, ms since the epoch (UTC)
    qint64 trainEndMs = 0;
    QJsonObject evaluation; // evaluation figures (precision, recall, F1, lead time, ...)
    qint64 createdMs = 0;   // set by save() when 0
    QByteArray bytes;       // the serialized model
};

// A stored model whose bytes loaded, ready to predict.
struct LoadedModel
{
    StoredModel stored;
    FailurePredictor predictor;
    // For latestUsable(): why each newer version of the kind was passed over, newest first.
    QStringList skipped;
};

// Failure-prediction models in a SQLite file (WAL), through QtSql on a connection of its own.
// Versions only grow; rows are never rewritten, so a model that once loaded keeps its version.
// Each row keeps a SHA-256 of its bytes, so damage that xgboost would still accept (a flipped
// split value) is caught too.
//
// Errors: IoError when the file cannot be opened or written; Corruption when the file is not a
// model store, or a row's bytes do not match their checksum or do not load as a model (the
// message names the version and kind); NotFound for no such version or no model of a kind.
//
// Threading: a ModelStore and its QtSql connection belong to the thread that opened it; use it
// from that thread only (the console's SQLite writer thread).
class ModelStore final
{
public:
    // Opens (creating when absent) the store at path. connectionName defaults to a unique one.
    static Result<std::unique_ptr<ModelStore>> open(const QString &path, const QString &connectionName = {});
    ~ModelStore();
    ModelStore(const ModelStore &) = delete;
    ModelStore &operator=(const ModelStore &) = delete;

    QString path() const;

    // Stores a model and returns its version. InvalidArgument for an empty kind or bytes; the
    // bytes are stored as given (load() validates them).
    Result<qint64> save(const StoredModel &model);
    // The newest row of a kind, as stored (its bytes not checked). NotFound when there is none.
    Result<StoredModel> latest(const QString &kind) const;
    // A version, checked and loaded. Corruption naming the version when its bytes are damaged.
    Result<LoadedModel> load(qint64 version) const;
    // The newest version of a kind that loads; the newer ones that do not are listed in
    // LoadedModel::skipped and logged. NotFound when no version of the kind loads (the message
    // then says why each was skipped).
    Result<LoadedModel> latestUsable(const QString &kind) const;
    // Every version of a kind, oldest first.
    Result<QList<qint64>> versions(const QString &kind) const;

private:
    class Impl;
    explicit ModelStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::prediction
