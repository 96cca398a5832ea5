#include "core/jsonfields.h"

#include <QJsonValue>

namespace foresight {

Result<int> intField(const QJsonObject &json, const char *name, int current, int min, int max, const QString &where)
{
    const QJsonValue value = json.value(QLatin1String(name));
    if (value.isUndefined())
        return current;
    if (!value.isDouble() || value.toDouble() != double(qint64(value.toDouble())) || value.toDouble() < min
        || value.toDouble() > max) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: '%2' must be a whole number from %3 to %4")
                        .arg(where, QLatin1String(name))
                        .arg(min)
                        .arg(max));
    }
    return int(value.toDouble());
}

Result<QString> stringField(const QJsonObject &json, const char *name, const QString &current, const QString &where)
{
    const QJsonValue value = json.value(QLatin1String(name));
    if (value.isUndefined())
        return current;
    if (!value.isString())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: '%2' must be a string").arg(where, QLatin1String(name)));
    return value.toString();
}

} // namespace foresight
