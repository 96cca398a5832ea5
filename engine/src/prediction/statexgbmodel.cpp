// The xgboost family of the Predictive State Engine: two regressors on lag features, one for the
// normalised next change of the value and one for the log ratio of the next interval. They are
// refitted in batch as history grows; between fits the model is fixed.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include <xgboost/c_api.h>

#include <QByteArray>

#include "prediction/xgboostsupport.h"
#include "statemodel.h"

namespace foresight::prediction::Internal {
namespace {

std::unexpected<Error> xgbFailure(const QString &step)
{
    return std::unexpected(xgbError(ErrorCode::Internal, step));
}

class Booster final
{
public:
    Booster() = default;
    explicit Booster(BoosterHandle handle)
        : m_handle(handle)
    {}
    Booster(Booster &&other) noexcept
        : m_handle(std::exchange(other.m_handle, nullptr))
    {}
    Booster &operator=(Booster &&other) noexcept
    {
        std::swap(m_handle, other.m_handle);
        return *this;
    }
    Booster(const Booster &) = delete;
    Booster &operator=(const Booster &) = delete;
    ~Booster()
    {
        if (m_handle)
            XGBoosterFree(m_handle);
    }
    BoosterHandle handle() const { return m_handle; }
    explicit operator bool() const { return m_handle != nullptr; }

private:
    BoosterHandle m_handle = nullptr;
};

// Fits one regressor on rows x columns features. The exact greedy tree method: with "hist", rows
// whose features sat on a bin edge were predicted far from what the same rows were fitted to on
// small training sets (seen on a synthetic cyclic key: +4 predicted for a target of -1), and the
// training sets here are small (hundreds to tens of thousands of rows). Pseudo-Huber loss (slope 1, in the key's own
// scale): the targets have heavy tails (a gauge that jumps, a burst of writes) and the figure we
// are judged on is the mean absolute error, which squared error serves badly. base_score 0
// because xgboost 1.7 does not estimate it and the normalised targets centre on 0.
Result<Booster> fitRegressor(const std::vector<float> &features,
                             const std::vector<float> &targets,
                             int columns,
                             const StatePredictorParams &params)
{
    const auto rows = static_cast<bst_ulong>(targets.size());
    XgbMatrix matrix;
    if (XGDMatrixCreateFromMat(features.data(),
                               rows,
                               static_cast<bst_ulong>(columns),
                               std::numeric_limits<float>::quiet_NaN(),
                               &matrix.handle)
        != 0)
        return xgbFailure(QStringLiteral("creating the training matrix"));
    if (XGDMatrixSetFloatInfo(matrix.handle, "label", targets.data(), rows) != 0)
        return xgbFailure(QStringLiteral("setting the targets"));
    BoosterHandle raw = nullptr;
    if (XGBoosterCreate(&matrix.handle, 1, &raw) != 0)
        return xgbFailure(QStringLiteral("creating a booster"));
    Booster booster(raw);
    const std::pair<QByteArray, QByteArray> settings[] = {
        {"objective", "reg:pseudohubererror"},
        {"huber_slope", "1"},
        {"base_score", "0"},
        {"tree_method", "exact"},
        {"verbosity", "0"},
        {"max_depth", QByteArray::number(params.xgbMaxDepth)},
        {"eta", QByteArray::number(params.xgbEta, 'g', 17)},
        {"min_child_weight", "2"},
        {"nthread", QByteArray::number(params.xgbThreads)},
        {"seed", QByteArray::number(params.seed)},
    };
    for (const auto &[name, value] : settings) {
        if (XGBoosterSetParam(booster.handle(), name.constData(), value.constData()) != 0)
            return xgbFailure(QStringLiteral("setting %1").arg(QString::fromLatin1(name)));
    }
    for (int round = 0; round < params.xgbRounds; ++round) {
        if (XGBoosterUpdateOneIter(booster.handle(), round, matrix.handle) != 0)
            return xgbFailure(QStringLiteral("boosting round %1").arg(round));
    }
    return booster;
}

// One row through a booster with in-place prediction (no DMatrix per call).
std::optional<float> predictRow(const Booster &booster, std::span<const float> row)
{
    const QByteArray array = QByteArrayLiteral("{\"data\":[")
                             + QByteArray::number(reinterpret_cast<quintptr>(row.data()))
                             + QByteArrayLiteral(",true],\"shape\":[1,") + QByteArray::number(row.size())
                             + QByteArrayLiteral("],\"typestr\":\"<f4\",\"version\":3}");
    static const char config[] = "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
                                 "\"strict_shape\":false,\"cache_id\":0,\"missing\":NaN}";
    const bst_ulong *shape = nullptr;
    bst_ulong dimensions = 0;
    const float *result = nullptr;
    if (XGBoosterPredictFromDense(booster.handle(), array.constData(), config, nullptr, &shape, &dimensions, &result)
        != 0)
        return std::nullopt;
    return result[0];
}

std::pair<double, double> rangeOf(const std::vector<float> &targets)
{
    if (targets.empty())
        return {0.0, 0.0};
    const auto [low, high] = std::minmax_element(targets.begin(), targets.end());
    return {*low, *high};
}

class XgboostStateModel final : public StateModel
{
public:
    XgboostStateModel(const StatePredictorParams &params, int features)
        : m_params(params)
        , m_columns(features)
    {}

    StateModelKind kind() const override { return StateModelKind::Xgboost; }
    bool ready() const override { return static_cast<bool>(m_interval); }
    double trainSeconds() const override { return m_trainSeconds; }
    std::int64_t fits() const override { return m_fits; }

    Status learn(int, std::span<const float> features, float valueTarget, float intervalTarget) override
    {
        m_intervalRows.insert(m_intervalRows.end(), features.begin(), features.end());
        m_intervalTargets.push_back(intervalTarget);
        if (!std::isnan(valueTarget)) {
            m_valueRows.insert(m_valueRows.end(), features.begin(), features.end());
            m_valueTargets.push_back(valueTarget);
        }
        ++m_samples;
        const bool first = m_fittedAt == 0 && m_samples >= m_params.xgbMinSamples;
        const bool grown = m_fittedAt > 0
                           && static_cast<double>(m_samples)
                                  >= static_cast<double>(m_fittedAt) * (1.0 + m_params.xgbRefitGrowth);
        if (!first && !grown)
            return {};
        return fit();
    }

    NormalisedForecast forecast(int, std::span<const float> features, const KeyHistory &history) override
    {
        NormalisedForecast out = naiveForecast(StateModelKind::LastValue, history);
        // A sum of trees can leave the range its targets came from on rows unlike the training
        // rows; the interval is exponentiated afterwards, so such a miss would be enormous.
        if (m_interval) {
            if (const auto interval = predictRow(m_interval, features))
                out.interval = std::clamp(static_cast<double>(*interval), m_intervalRange.first, m_intervalRange.second);
        }
        if (m_value) {
            if (const auto value = predictRow(m_value, features))
                out.value = std::clamp(static_cast<double>(*value), m_valueRange.first, m_valueRange.second);
        }
        return out;
    }

private:
    // Keeps the latest xgbMaxSamples rows of one data set.
    void trim(std::vector<float> &rows, std::vector<float> &targets) const
    {
        const auto keep = static_cast<std::size_t>(m_params.xgbMaxSamples);
        if (targets.size() <= keep)
            return;
        const std::size_t drop = targets.size() - keep;
        targets.erase(targets.begin(), targets.begin() + static_cast<std::ptrdiff_t>(drop));
        rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(drop * static_cast<std::size_t>(m_columns)));
    }

    Status fit()
    {
        const auto started = std::chrono::steady_clock::now();
        m_fittedAt = m_samples;
        trim(m_intervalRows, m_intervalTargets);
        trim(m_valueRows, m_valueTargets);
        // Both fits are made before either is published, so the two never come from different
        // histories; a failure keeps the previous pair.
        auto interval = fitRegressor(m_intervalRows, m_intervalTargets, m_columns, m_params);
        if (!interval)
            return std::unexpected(interval.error());
        Booster value;
        if (m_valueTargets.size() >= 10) {
            auto fitted = fitRegressor(m_valueRows, m_valueTargets, m_columns, m_params);
            if (!fitted)
                return std::unexpected(fitted.error());
            value = std::move(*fitted);
        }
        m_interval = std::move(*interval);
        m_value = std::move(value);
        m_intervalRange = rangeOf(m_intervalTargets);
        m_valueRange = rangeOf(m_valueTargets);
        ++m_fits;
        m_trainSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return {};
    }

    StatePredictorParams m_params;
    int m_columns = 0;
    std::vector<float> m_intervalRows;
    std::vector<float> m_intervalTargets;
    std::vector<float> m_valueRows;
    std::vector<float> m_valueTargets;
    std::int64_t m_samples = 0;
    std::int64_t m_fittedAt = 0;
    std::int64_t m_fits = 0;
    double m_trainSeconds = 0.0;
    Booster m_interval;
    Booster m_value;
    std::pair<double, double> m_intervalRange{0.0, 0.0};
    std::pair<double, double> m_valueRange{0.0, 0.0};
};

} // namespace

std::unique_ptr<StateModel> makeXgboostStateModel(const StatePredictorParams &params, int features)
{
    return std::make_unique<XgboostStateModel>(params, features);
}

} // namespace foresight::prediction::Internal
