#include "config/configfields.h"

#include <cmath>

#include <QLocale>

namespace foresight::config {

std::unexpected<Error> invalid(const QString &path, const QString &what)
{
    return fail(ErrorCode::InvalidArgument, path + QStringLiteral(": ") + what);
}

QString childPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

QString itemPath(const QString &path, qsizetype index)
{
    return QStringLiteral("%1[%2]").arg(path).arg(index);
}

QString formatNumber(double value)
{
    if (std::isfinite(value) && std::trunc(value) == value && std::abs(value) < 1e15)
        return QString::number(static_cast<qint64>(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return formatNumber(value.toDouble());
    case QJsonValue::String:
        return QStringLiteral("'%1'").arg(value.toString());
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

Status checkRange(const QString &path, double value, IntRange range)
{
    if (value < range.min || value > range.max)
        return invalid(
            path, QStringLiteral("%1 is out of range %2..%3").arg(formatNumber(value)).arg(range.min).arg(range.max));
    return {};
}

Result<QJsonObject> objectItem(const QJsonArray &array, qsizetype index, const QString &path)
{
    if (!array.at(index).isObject())
        return invalid(path, QStringLiteral("must be an object, not %1").arg(describe(array.at(index))));
    return array.at(index).toObject();
}

Status all(std::initializer_list<Status> statuses)
{
    for (const Status &status : statuses) {
        if (!status)
            return status;
    }
    return {};
}

QString nameProblem(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("must not be empty");
    if (name.toUtf8().size() > 100 || name.contains(QLatin1Char('/')))
        return QStringLiteral("'%1' must be 1 to 100 bytes without '/'").arg(name);
    return {};
}

QString endpointProblem(const QString &url, bool sdk)
{
    if (sdk && url.startsWith(QLatin1String("unix://"))) {
        if (url.size() == 7)
            return QStringLiteral("'%1' names no socket path: unix://PATH").arg(url);
        return {};
    }
    if (url.startsWith(QLatin1String("ipc://"))) {
        if (url.size() == 6)
            return QStringLiteral("'%1' names no socket path: ipc://PATH").arg(url);
        return {};
    }
    if (!url.startsWith(QLatin1String("tcp://")))
        return sdk ? QStringLiteral("'%1' is not a unix://, tcp:// or ipc:// endpoint").arg(url)
                   : QStringLiteral("'%1' is not a tcp:// or ipc:// endpoint").arg(url);
    const QString rest = url.mid(6);
    const qsizetype colon = rest.lastIndexOf(QLatin1Char(':'));
    const QString host = colon < 0 ? rest : rest.left(colon);
    if (host.isEmpty() || host == QLatin1String("*"))
        return QStringLiteral("'%1' names no host to connect to: tcp://HOST:PORT").arg(url);
    bool ok = false;
    const int port = colon < 0 ? 0 : rest.mid(colon + 1).toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        return QStringLiteral("'%1' needs a port from 1 to 65535: tcp://HOST:PORT").arg(url);
    return {};
}

} // namespace foresight::config
