#include "foresight/prediction/failurepredictor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <xgboost/c_api.h>

#include "prediction/xgboostsupport.h"

namespace foresight::prediction {
namespace {

// The booster that train() or load() has just built, freed unless release()d.
struct BoosterGuard
{
    BoosterHandle handle = nullptr;
    BoosterGuard() = default;
    BoosterGuard(const BoosterGuard &) = delete;
    BoosterGuard &operator=(const BoosterGuard &) = delete;
    ~BoosterGuard()
    {
        if (handle)
            XGBoosterFree(handle);
    }
    BoosterHandle release() { return std::exchange(handle, nullptr); }
};

} // namespace

// One trained booster; immutable once published, so const calls may share it across threads
// (xgboost's in-place prediction is thread-safe).
struct FailurePredictor::Model
{
    BoosterHandle booster = nullptr;
    int features = 0;

    Model(BoosterHandle handle, int featureCount)
        : booster(handle)
        , features(featureCount)
    {}
    Model(const Model &) = delete;
    Model &operator=(const Model &) = delete;
    ~Model() { XGBoosterFree(booster); }
};

std::vector<float> horizonLabels(std::span<const int> incident, int horizon)
{
    const auto rows = incident.size();
    std::vector<float> labels(rows, 0.0f);
    const auto ahead = static_cast<std::size_t>(std::max(horizon, 0));
    for (std::size_t s = 0; s < rows; ++s) {
        if (incident[s] == 0)
            continue;
        labels[s] = 1.0f;
        const bool start = s == 0 || incident[s - 1] == 0;
        if (!start)
            continue;
        for (std::size_t t = s > ahead ? s - ahead : 0; t < s; ++t)
            labels[t] = 1.0f;
    }
    return labels;
}

Status FailurePredictorParams::validate() const
{
    auto bad = [](const QString &what) { return fail(ErrorCode::InvalidArgument, what); };
    if (rounds < 1 || rounds > 10000)
        return bad(QStringLiteral("rounds %1 is out of range (1 .. 10000)").arg(rounds));
    if (maxDepth < 1 || maxDepth > 20)
        return bad(QStringLiteral("maxDepth %1 is out of range (1 .. 20)").arg(maxDepth));
    if (!(eta > 0.0 && eta <= 1.0))
        return bad(QStringLiteral("eta %1 is out of range (0, 1]").arg(eta));
    if (!(subsample > 0.0 && subsample <= 1.0))
        return bad(QStringLiteral("subsample %1 is out of range (0, 1]").arg(subsample));
    if (!(colsampleByTree > 0.0 && colsampleByTree <= 1.0))
        return bad(QStringLiteral("colsampleByTree %1 is out of range (0, 1]").arg(colsampleByTree));
    if (!(minChildWeight >= 0.0) || !std::isfinite(minChildWeight))
        return bad(QStringLiteral("minChildWeight %1 must be >= 0").arg(minChildWeight));
    if (!(scalePosWeight >= 0.0) || !std::isfinite(scalePosWeight))
        return bad(QStringLiteral("scalePosWeight %1 must be >= 0 (0: balance the classes)").arg(scalePosWeight));
    if (threads < 0 || threads > 256)
        return bad(QStringLiteral("threads %1 is out of range (0 .. 256)").arg(threads));
    return {};
}

FailurePredictor::FailurePredictor() = default;
FailurePredictor::~FailurePredictor() = default;
FailurePredictor::FailurePredictor(FailurePredictor &&) noexcept = default;
FailurePredictor &FailurePredictor::operator=(FailurePredictor &&) noexcept = default;

bool FailurePredictor::isTrained() const
{
    return m_model != nullptr;
}

int FailurePredictor::featureCount() const
{
    return m_model ? m_model->features : 0;
}

Status FailurePredictor::train(const FeatureMatrix &features,
                               std::span<const float> labels,
                               const FailurePredictorParams &params)
{
    if (auto status = params.validate(); !status)
        return status;
    const std::size_t columns = features.columns();
    if (columns == 0)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("training data has no feature columns"));
    if (features.values.size() != features.rows * columns)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("feature matrix holds %1 values, not %2 rows x %3 columns")
                        .arg(features.values.size())
                        .arg(features.rows)
                        .arg(columns));
    if (labels.size() != features.rows)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 labels for %2 feature rows").arg(labels.size()).arg(features.rows));

    // Rows with a NaN label are left out (their outcome is unknown).
    std::vector<float> data;
    std::vector<float> kept;
    data.reserve(features.values.size());
    kept.reserve(labels.size());
    double positives = 0.0;
    for (std::size_t r = 0; r < features.rows; ++r) {
        if (std::isnan(labels[r]))
            continue;
        if (labels[r] != 0.0f && labels[r] != 1.0f)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("label of row %1 is %2; labels must be 0, 1 or NaN").arg(r).arg(labels[r]));
        const auto row = features.row(r);
        data.insert(data.end(), row.begin(), row.end());
        kept.push_back(labels[r]);
        positives += labels[r];
    }
    const auto rows = kept.size();
    if (rows == 0)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("no labelled training rows"));
    if (positives == 0.0 || positives == static_cast<double>(rows))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("training labels are all %1; the classifier needs both incidents and normal rows")
                        .arg(positives == 0.0 ? 0 : 1));

    XgbMatrix matrix;
    if (XGDMatrixCreateFromMat(data.data(),
                               static_cast<bst_ulong>(rows),
                               static_cast<bst_ulong>(columns),
                               std::numeric_limits<float>::quiet_NaN(),
                               &matrix.handle)
        != 0)
        return std::unexpected(xgbError(ErrorCode::Internal, QStringLiteral("creating the training matrix")));
    if (XGDMatrixSetFloatInfo(matrix.handle, "label", kept.data(), static_cast<bst_ulong>(rows)) != 0)
        return std::unexpected(xgbError(ErrorCode::Internal, QStringLiteral("setting the labels")));

    BoosterGuard booster;
    if (XGBoosterCreate(&matrix.handle, 1, &booster.handle) != 0)
        return std::unexpected(xgbError(ErrorCode::Internal, QStringLiteral("creating a booster")));
    const double scalePos = params.scalePosWeight > 0.0 ? params.scalePosWeight
                                                        : (static_cast<double>(rows) - positives) / positives;
    const std::pair<QByteArray, QByteArray> settings[] = {
        {"objective", "binary:logistic"},
        {"eval_metric", "logloss"},
        {"tree_method", "hist"},
        {"verbosity", "0"},
        {"max_depth", QByteArray::number(params.maxDepth)},
        {"eta", QByteArray::number(params.eta, 'g', 17)},
        {"subsample", QByteArray::number(params.subsample, 'g', 17)},
        {"colsample_bytree", QByteArray::number(params.colsampleByTree, 'g', 17)},
        {"min_child_weight", QByteArray::number(params.minChildWeight, 'g', 17)},
        {"scale_pos_weight", QByteArray::number(scalePos, 'g', 17)},
        {"nthread", QByteArray::number(params.threads)},
        {"seed", QByteArray::number(params.seed)},
    };
    for (const auto &[name, value] : settings) {
        if (XGBoosterSetParam(booster.handle, name.constData(), value.constData()) != 0)
            return std::unexpected(
                xgbError(ErrorCode::InvalidArgument,
                         QStringLiteral("setting %1 = %2").arg(QString::fromLatin1(name), QString::fromLatin1(value))));
    }
    for (int round = 0; round < params.rounds; ++round) {
        if (XGBoosterUpdateOneIter(booster.handle, round, matrix.handle) != 0)
            return std::unexpected(xgbError(ErrorCode::Internal, QStringLiteral("boosting round %1").arg(round)));
    }
    m_model = std::make_shared<const Model>(booster.release(), static_cast<int>(columns));
    return {};
}

Result<std::vector<float>> FailurePredictor::predict(const FeatureMatrix &features) const
{
    const auto model = m_model;
    if (!model)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the failure predictor has no model; train or load one"));
    const std::size_t columns = features.columns();
    if (columns != static_cast<std::size_t>(model->features))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("rows have %1 features, the model was trained on %2")
                        .arg(columns)
                        .arg(model->features));
    if (features.values.size() != features.rows * columns)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("feature matrix size does not match its shape"));
    if (features.rows == 0)
        return std::vector<float>{};

    // In-place prediction from a dense array (numpy's array interface): thread-safe, no DMatrix.
    const QByteArray array = QByteArrayLiteral("{\"data\":[")
                             + QByteArray::number(reinterpret_cast<quintptr>(features.values.data()))
                             + QByteArrayLiteral(",true],\"shape\":[") + QByteArray::number(features.rows)
                             + QByteArrayLiteral(",") + QByteArray::number(columns)
                             + QByteArrayLiteral("],\"typestr\":\"<f4\",\"version\":3}");
    const QByteArray config = QByteArrayLiteral(
        "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":false,"
        "\"cache_id\":0,\"missing\":NaN}");
    const bst_ulong *shape = nullptr;
    bst_ulong dimensions = 0;
    const float *result = nullptr;
    if (XGBoosterPredictFromDense(
            model->booster, array.constData(), config.constData(), nullptr, &shape, &dimensions, &result)
        != 0)
        return std::unexpected(xgbError(ErrorCode::Internal, QStringLiteral("prediction")));
    bst_ulong count = dimensions > 0 ? 1 : 0;
    for (bst_ulong d = 0; d < dimensions; ++d)
        count *= shape[d];
    if (count != features.rows)
        return fail(ErrorCode::Internal,
                    QStringLiteral("xgboost returned %1 predictions for %2 rows").arg(count).arg(features.rows));
    // The result buffer belongs to xgboost until its next call on this thread: copy it now.
    return std::vector<float>(result, result + count);
}

Result<float> FailurePredictor::predictRow(std::span<const float> row) const
{
    FeatureMatrix one;
    one.rows = 1;
    one.values.assign(row.begin(), row.end());
    for (std::size_t c = 0; c < row.size(); ++c)
        one.names << QString();
    auto result = predict(one);
    if (!result)
        return std::unexpected(result.error());
    return result->front();
}

Result<QByteArray> FailurePredictor::serialize() const
{
    const auto model = m_model;
    if (!model)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the failure predictor has no model to save"));
    bst_ulong length = 0;
    const char *bytes = nullptr;
    if (XGBoosterSaveModelToBuffer(model->booster, "{\"format\":\"ubj\"}", &length, &bytes) != 0)
        return std::unexpected(xgbError(ErrorCode::Internal, QStringLiteral("saving the model")));
    // Copied at once: the buffer is reused by xgboost's next call.
    return QByteArray(bytes, static_cast<qsizetype>(length));
}

Status FailurePredictor::load(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return fail(ErrorCode::Corruption, QStringLiteral("the model bytes are empty"));
    BoosterGuard booster;
    if (XGBoosterCreate(nullptr, 0, &booster.handle) != 0)
        return std::unexpected(xgbError(ErrorCode::Internal, QStringLiteral("creating a booster")));
    if (XGBoosterLoadModelFromBuffer(booster.handle, bytes.constData(), static_cast<bst_ulong>(bytes.size())) != 0)
        return std::unexpected(
            xgbError(ErrorCode::Corruption,
                     QStringLiteral("reading a %1-byte model (not an xgboost model, or damaged)").arg(bytes.size())));
    bst_ulong features = 0;
    if (XGBoosterGetNumFeature(booster.handle, &features) != 0)
        return std::unexpected(xgbError(ErrorCode::Corruption, QStringLiteral("reading the model's feature count")));
    int rounds = 0;
    if (XGBoosterBoostedRounds(booster.handle, &rounds) != 0)
        return std::unexpected(xgbError(ErrorCode::Corruption, QStringLiteral("reading the model's rounds")));
    if (features == 0 || rounds <= 0)
        return fail(ErrorCode::Corruption,
                    QStringLiteral("the model bytes hold an empty model (%1 features, %2 rounds)")
                        .arg(features)
                        .arg(rounds));
    // The objective decides what predictions mean: only a binary:logistic model gives P(incident).
    bst_ulong configLength = 0;
    const char *config = nullptr;
    if (XGBoosterSaveJsonConfig(booster.handle, &configLength, &config) != 0)
        return std::unexpected(xgbError(ErrorCode::Corruption, QStringLiteral("reading the model's configuration")));
    if (!QByteArray(config, static_cast<qsizetype>(configLength)).contains("binary:logistic"))
        return fail(ErrorCode::Corruption,
                    QStringLiteral("the model is not a binary:logistic classifier, so it cannot give failure "
                                   "probabilities"));
    if (XGBoosterSetParam(booster.handle, "nthread", "1") != 0)
        return std::unexpected(xgbError(ErrorCode::Internal, QStringLiteral("setting nthread")));
    m_model = std::make_shared<const Model>(booster.release(), static_cast<int>(features));
    return {};
}

} // namespace foresight::prediction
