#pragma once

#include <algorithm>
#include <initializer_list>

#include <QJsonArray>
#include <QJsonObject>
#include <QLatin1StringView>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"

// Reading and checking the cluster file's JSON: the ranges every setting must lie in (shared by
// the parser and by ClusterConfig::validate(), so a file and a programmatic config obey the same
// limits) and a reader that names each field by its path in the file.
namespace foresight::config {

// The cluster file is written by people; anything this large is a mistake, not a cluster.
constexpr qint64 kMaxFileBytes = 16 * 1024 * 1024;

struct IntRange
{
    int min;
    int max;
};

inline constexpr IntRange kPriorityRange{-1'000'000, 1'000'000};
inline constexpr IntRange kHeartbeatRange{10, 10'000};
inline constexpr IntRange kLeaseRange{50, 600'000};
inline constexpr IntRange kLeaseMarginRange{0, 10'000};
inline constexpr IntRange kInvestigationRange{0, 60'000};
inline constexpr IntRange kFlapWindowRange{0, 86'400'000};
inline constexpr IntRange kHookTimeoutRange{100, 600'000};
inline constexpr IntRange kProbeIntervalRange{100, 60'000};
inline constexpr IntRange kBandwidthProbeRange{0, 3'600'000};
inline constexpr IntRange kHoldRange{0, 86'400'000};
inline constexpr IntRange kSampleIntervalRange{10, 3'600'000};
inline constexpr IntRange kHorizonRange{10, 86'400'000};
inline constexpr IntRange kFeatureWindowRange{2, 100'000};
inline constexpr IntRange kTrainingWindowRange{10, 2'000'000'000};
inline constexpr IntRange kStrideRange{1, 10'000};
inline constexpr IntRange kRowsPerHostRange{10, 1'000'000};
inline constexpr IntRange kRetrainRange{1000, 604'800'000};
inline constexpr IntRange kIncidentsRange{1, 10'000};
inline constexpr IntRange kRoundsRange{1, 10'000};
inline constexpr IntRange kDepthRange{1, 20};
inline constexpr IntRange kMoveTimeoutRange{1000, 3'600'000};
inline constexpr double kPhiMin = 1.0;
inline constexpr double kPhiMax = 50.0;

std::unexpected<Error> invalid(const QString &path, const QString &what);
QString childPath(const QString &path, const QString &key);
QString itemPath(const QString &path, qsizetype index);
// Whole numbers in full ("2000000", not "2e+06"); fractions as short as they go.
QString formatNumber(double value);
// What a wrong value was, for messages like "must be a string, not 42".
QString describe(const QJsonValue &value);
Status checkRange(const QString &path, double value, IntRange range);

// The fields of one JSON object, addressed by their path in the file. Absent optional fields
// leave the target untouched, so the struct's defaults are the documented defaults.
class Fields
{
public:
    Fields(QJsonObject object, QString path)
        : m_object(std::move(object))
        , m_path(std::move(path))
    {}

    QString path(QLatin1StringView key) const { return childPath(m_path, QString(key)); }

    // A key this build does not know is a typo or an option from another version; either way,
    // ignoring it would run the cluster with a setting the operator did not ask for.
    Status onlyKnown(std::initializer_list<QLatin1StringView> known) const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            if (std::find(known.begin(), known.end(), it.key()) != known.end())
                continue;
            QStringList names;
            for (QLatin1StringView name : known)
                names.append(name);
            return invalid(childPath(m_path, it.key()),
                           QStringLiteral("unknown key; expected one of %1").arg(names.join(QStringLiteral(", "))));
        }
        return {};
    }

    Status require(std::initializer_list<QLatin1StringView> keys) const
    {
        for (QLatin1StringView key : keys) {
            if (!m_object.contains(key))
                return invalid(path(key), QStringLiteral("missing"));
        }
        return {};
    }

    Status read(QLatin1StringView key, QString *out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return {};
        if (!value.isString())
            return invalid(path(key), QStringLiteral("must be a string, not %1").arg(describe(value)));
        *out = value.toString();
        return {};
    }

    Status read(QLatin1StringView key, bool *out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return {};
        if (!value.isBool())
            return invalid(path(key), QStringLiteral("must be true or false, not %1").arg(describe(value)));
        *out = value.toBool();
        return {};
    }

    Status read(QLatin1StringView key, int *out, IntRange range) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return {};
        const double number = value.toDouble();
        if (!value.isDouble() || std::trunc(number) != number)
            return invalid(path(key), QStringLiteral("must be a whole number, not %1").arg(describe(value)));
        if (auto status = checkRange(path(key), number, range); !status)
            return status;
        *out = static_cast<int>(number);
        return {};
    }

    Status read(QLatin1StringView key, double *out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return {};
        if (!value.isDouble())
            return invalid(path(key), QStringLiteral("must be a number, not %1").arg(describe(value)));
        *out = value.toDouble();
        return {};
    }

    Result<QJsonArray> array(QLatin1StringView key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return QJsonArray();
        if (!value.isArray())
            return invalid(path(key), QStringLiteral("must be an array, not %1").arg(describe(value)));
        return value.toArray();
    }

    Result<QJsonObject> object(QLatin1StringView key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return QJsonObject();
        if (!value.isObject())
            return invalid(path(key), QStringLiteral("must be an object, not %1").arg(describe(value)));
        return value.toObject();
    }

private:
    QJsonObject m_object;
    QString m_path;
};

Result<QJsonObject> objectItem(const QJsonArray &array, qsizetype index, const QString &path);
// Runs the reads in order and stops at the first failure.
Status all(std::initializer_list<Status> statuses);
// Agent names travel in ZeroMQ routing ids and application names with them (<= 255 bytes), the
// same rule AgentOptions and AppAssignment apply. Empty when the name is fine.
QString nameProblem(const QString &name);
// Empty when url is an endpoint the console can connect to, else what is wrong with it. An SDK
// endpoint may also be a unix:// stream (the agent's fast local endpoint; not for control).
QString endpointProblem(const QString &url, bool sdk = false);

} // namespace foresight::config
