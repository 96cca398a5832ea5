#include "foresight/vocabulary/processspec.h"

#include <algorithm>

#include <QJsonArray>

namespace foresight {

namespace {

std::unexpected<Error> invalidField(const QString &where, const char *field, const QString &what)
{
    return fail(ErrorCode::InvalidArgument, QStringLiteral("%1.%2: %3").arg(where, QLatin1String(field), what));
}

Status readString(const QJsonObject &json, const char *field, const QString &where, QString *out)
{
    const QJsonValue value = json.value(QLatin1String(field));
    if (value.isUndefined())
        return {};
    if (!value.isString())
        return invalidField(where, field, QStringLiteral("must be a string"));
    *out = value.toString();
    return {};
}

// An array of strings; `program` also requires a first element that is not empty.
Status readStrings(const QJsonObject &json, const char *field, const QString &where, bool program, QStringList *out)
{
    const QJsonValue value = json.value(QLatin1String(field));
    if (value.isUndefined())
        return {};
    if (!value.isArray())
        return invalidField(where, field, QStringLiteral("must be an array of strings"));
    QStringList list;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return invalidField(where, field, QStringLiteral("must be an array of strings"));
        list.append(item.toString());
    }
    if (program && !list.isEmpty() && list.constFirst().isEmpty())
        return invalidField(where,
                            field,
                            QStringLiteral("the first element is the program to run and must not be empty"));
    *out = list;
    return {};
}

Status readInt(const QJsonObject &json, const char *field, const QString &where, int min, int max, int *out)
{
    const QJsonValue value = json.value(QLatin1String(field));
    if (value.isUndefined())
        return {};
    const double number = value.toDouble();
    if (!value.isDouble() || number != double(qint64(number)) || number < min || number > max)
        return invalidField(where, field, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
    *out = int(number);
    return {};
}

QJsonArray stringArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

QString ProcessSpec::commandLine() const
{
    QStringList words{command};
    for (const QString &argument : arguments) {
        const bool plain = !argument.isEmpty() && std::none_of(argument.begin(), argument.end(), [](QChar c) {
            return c.isSpace() || c == u'\'' || c == u'"';
        });
        words.append(plain ? argument
                           : QStringLiteral("'%1'").arg(QString(argument).replace(u'\'', QStringLiteral("'\\''"))));
    }
    return words.join(u' ');
}

QJsonObject ProcessSpec::toJson() const
{
    QJsonObject env;
    for (const auto &[name, value] : environment)
        env.insert(name, value);
    return QJsonObject{{QStringLiteral("command"), command},
                       {QStringLiteral("arguments"), stringArray(arguments)},
                       {QStringLiteral("environment"), env},
                       {QStringLiteral("workingDirectory"), workingDirectory},
                       {QStringLiteral("healthCommand"), stringArray(healthCommand)},
                       {QStringLiteral("healthIntervalMs"), healthIntervalMs},
                       {QStringLiteral("healthTimeoutMs"), healthTimeoutMs},
                       {QStringLiteral("validateCommand"), stringArray(validateCommand)},
                       {QStringLiteral("validateTimeoutMs"), validateTimeoutMs},
                       {QStringLiteral("stopTimeoutMs"), stopTimeoutMs},
                       {QStringLiteral("restartDelayMs"), restartDelayMs},
                       {QStringLiteral("restartDelayMaxMs"), restartDelayMaxMs},
                       {QStringLiteral("crashLoopRestarts"), crashLoopRestarts},
                       {QStringLiteral("crashLoopWindowMs"), crashLoopWindowMs}};
}

Result<ProcessSpec> ProcessSpec::fromJson(const QJsonValue &json, const QString &where)
{
    if (!json.isObject())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: must be an object with at least \"command\" (or null: no process)").arg(where));
    const QJsonObject object = json.toObject();
    static const QStringList known{QStringLiteral("command"),
                                   QStringLiteral("arguments"),
                                   QStringLiteral("environment"),
                                   QStringLiteral("workingDirectory"),
                                   QStringLiteral("healthCommand"),
                                   QStringLiteral("healthIntervalMs"),
                                   QStringLiteral("healthTimeoutMs"),
                                   QStringLiteral("validateCommand"),
                                   QStringLiteral("validateTimeoutMs"),
                                   QStringLiteral("stopTimeoutMs"),
                                   QStringLiteral("restartDelayMs"),
                                   QStringLiteral("restartDelayMaxMs"),
                                   QStringLiteral("crashLoopRestarts"),
                                   QStringLiteral("crashLoopWindowMs")};
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("%1.%2: unknown key; expected one of %3")
                            .arg(where, it.key(), known.join(QStringLiteral(", "))));
    }
    ProcessSpec spec;
    if (!object.value(QLatin1String("command")).isString()
        || object.value(QLatin1String("command")).toString().isEmpty())
        return invalidField(where, "command", QStringLiteral("missing or empty: the program to run is required"));
    const QJsonValue env = object.value(QLatin1String("environment"));
    if (!env.isUndefined() && !env.isObject())
        return invalidField(where, "environment", QStringLiteral("must be an object of NAME: \"value\" strings"));
    const QJsonObject envObject = env.toObject();
    for (auto it = envObject.begin(); it != envObject.end(); ++it) {
        const QString path = QStringLiteral("environment.") + it.key();
        if (it.key().isEmpty() || it.key().contains(QLatin1Char('=')))
            return invalidField(where, "environment", QStringLiteral("'%1' is not a variable name").arg(it.key()));
        if (it.key().startsWith(QLatin1String("FORESIGHT_")))
            return invalidField(where,
                                qPrintable(path),
                                QStringLiteral("FORESIGHT_ variables are set by the agent (docs/managed-apps.md)"));
        if (!it.value().isString())
            return invalidField(where, qPrintable(path), QStringLiteral("must be a string"));
        spec.environment.append({it.key(), it.value().toString()});
    }
    const Status status[] = {
        readString(object, "command", where, &spec.command),
        readStrings(object, "arguments", where, false, &spec.arguments),
        readString(object, "workingDirectory", where, &spec.workingDirectory),
        readStrings(object, "healthCommand", where, true, &spec.healthCommand),
        readInt(object, "healthIntervalMs", where, 100, 86'400'000, &spec.healthIntervalMs),
        readInt(object, "healthTimeoutMs", where, 10, 600'000, &spec.healthTimeoutMs),
        readStrings(object, "validateCommand", where, true, &spec.validateCommand),
        readInt(object, "validateTimeoutMs", where, 100, 3'600'000, &spec.validateTimeoutMs),
        readInt(object, "stopTimeoutMs", where, 10, 600'000, &spec.stopTimeoutMs),
        readInt(object, "restartDelayMs", where, 0, 600'000, &spec.restartDelayMs),
        readInt(object, "restartDelayMaxMs", where, 0, 3'600'000, &spec.restartDelayMaxMs),
        readInt(object, "crashLoopRestarts", where, 0, 1000, &spec.crashLoopRestarts),
        readInt(object, "crashLoopWindowMs", where, 1, 86'400'000, &spec.crashLoopWindowMs),
    };
    for (const Status &one : status) {
        if (!one)
            return std::unexpected(one.error());
    }
    if (spec.restartDelayMaxMs < spec.restartDelayMs)
        return invalidField(where,
                            "restartDelayMaxMs",
                            QStringLiteral("%1 is below restartDelayMs (%2)")
                                .arg(spec.restartDelayMaxMs)
                                .arg(spec.restartDelayMs));
    return spec;
}

} // namespace foresight
