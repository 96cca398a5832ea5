#include "foresight/agent/agentoptions.h"

#include <arpa/inet.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QStandardPaths>
#include <QSysInfo>

#include "core/jsonfields.h"
#include "foresight/core/clock.h"

namespace foresight::agent {

Result<AgentOptions> AgentOptions::fromJson(const QJsonObject &json, const QString &sourceName)
{
    AgentOptions options;
    auto name = stringField(json, "name", options.name, sourceName);
    auto listen = stringField(json, "listen", options.listenUrl, sourceName);
    auto sdk = stringField(json, "sdk", options.sdkUrl, sourceName);
    auto key = stringField(json, "keyFile", options.keyFile, sourceName);
    auto allow = stringField(json, "allowFile", options.allowFile, sourceName);
    auto dataDir = stringField(json, "dataDir", options.dataDir, sourceName);
    auto procRoot = stringField(json, "procRoot", options.procRoot, sourceName);
    auto source = stringField(json, "sourceAddress", options.sourceAddress, sourceName);
    for (const auto *result : {&name, &listen, &sdk, &key, &allow, &dataDir, &procRoot, &source}) {
        if (!*result)
            return std::unexpected(result->error());
    }
    options.name = *name;
    options.listenUrl = *listen;
    options.sdkUrl = *sdk;
    options.keyFile = *key;
    options.allowFile = *allow;
    options.dataDir = *dataDir;
    options.procRoot = *procRoot;
    options.sourceAddress = *source;
    if (json.contains(QLatin1String("insecure"))) {
        if (!json.value(QLatin1String("insecure")).isBool())
            return fail(ErrorCode::InvalidArgument, sourceName + QStringLiteral(": 'insecure' must be true or false"));
        options.insecure = json.value(QLatin1String("insecure")).toBool();
    }
    if (json.contains(QLatin1String("allowFaultInjection"))) {
        if (!json.value(QLatin1String("allowFaultInjection")).isBool())
            return fail(ErrorCode::InvalidArgument,
                        sourceName + QStringLiteral(": 'allowFaultInjection' must be true or false"));
        options.allowFaultInjection = json.value(QLatin1String("allowFaultInjection")).toBool();
    }
    if (json.contains(QLatin1String("usageProfile"))) {
        if (!json.value(QLatin1String("usageProfile")).isBool())
            return fail(ErrorCode::InvalidArgument,
                        sourceName + QStringLiteral(": 'usageProfile' must be true or false"));
        options.usageProfile = json.value(QLatin1String("usageProfile")).toBool();
    }
    auto maxMessage
        = intField(json, "maxMessageBytes", int(options.maxMessageBytes), 64 * 1024, 1'000'000'000, sourceName);
    auto maxValue = intField(json, "maxValueBytes", int(options.maxValueBytes), 1, 512 * 1024 * 1024, sourceName);
    // At most 1 s: replicas re-introduce themselves after 3 s of silence, primaries drop links after 5 s.
    auto ackInterval = intField(json, "replicaAckIntervalMs", options.replicaAckIntervalMs, 1, 1000, sourceName);
    auto predictionRate = intField(json, "predictionRate", options.predictionRate, 0, 100'000, sourceName);
    for (const auto *result : {&maxMessage, &maxValue, &ackInterval, &predictionRate}) {
        if (!*result)
            return std::unexpected(result->error());
    }
    options.maxMessageBytes = *maxMessage;
    options.maxValueBytes = *maxValue;
    options.replicaAckIntervalMs = *ackInterval;
    options.predictionRate = *predictionRate;
    if (json.contains(QLatin1String("timeScale"))) {
        if (!json.value(QLatin1String("timeScale")).isDouble())
            return fail(ErrorCode::InvalidArgument,
                        sourceName
                            + QStringLiteral(": 'timeScale' must be a number from 1 to %1").arg(ScaledClock::kMaxScale));
        options.timeScale = json.value(QLatin1String("timeScale")).toDouble();
    }
    if (json.contains(QLatin1String("timeOrigin"))) {
        const QJsonValue origin = json.value(QLatin1String("timeOrigin"));
        if (!origin.isDouble() || origin.toDouble() < 0 || origin.toDouble() != double(qint64(origin.toDouble())))
            return fail(ErrorCode::InvalidArgument,
                        sourceName + QStringLiteral(": 'timeOrigin' must be a Unix time in whole milliseconds"));
        options.timeOriginWallMs = qint64(origin.toDouble());
    }

    const QJsonValue apps = json.value(QLatin1String("apps"));
    if (!apps.isUndefined() && !apps.isArray())
        return fail(ErrorCode::InvalidArgument, sourceName + QStringLiteral(": 'apps' must be an array"));
    const QJsonArray appArray = apps.toArray();
    for (qsizetype i = 0; i < appArray.size(); ++i) {
        const QString where = QStringLiteral("%1: apps[%2]").arg(sourceName).arg(i);
        if (!appArray[i].isObject())
            return fail(ErrorCode::InvalidArgument, where + QStringLiteral(" must be an object"));
        const QJsonObject app = appArray[i].toObject();
        AppAssignment assignment;
        assignment.app = app.value(QLatin1String("name")).toString();
        const auto role = roleFromName(app.value(QLatin1String("role")).toString(QStringLiteral("primary")));
        const auto tier = tierFromName(app.value(QLatin1String("tier")).toString(QStringLiteral("none")));
        if (!role)
            return fail(ErrorCode::InvalidArgument, where + QStringLiteral(": 'role' must be primary or replica"));
        if (!tier)
            return fail(ErrorCode::InvalidArgument, where + QStringLiteral(": 'tier' must be hot, warm or cold"));
        assignment.role = *role;
        assignment.tier = *tier;
        const QJsonObject primary = app.value(QLatin1String("primary")).toObject();
        assignment.primaryUrl = primary.value(QLatin1String("url")).toString();
        assignment.primaryPublicKey = primary.value(QLatin1String("publicKey")).toString().toLatin1();
        if (auto ok = assignment.config.mergeJson(app.value(QLatin1String("config")).toObject(),
                                                  where + QStringLiteral(".config"));
            !ok)
            return std::unexpected(ok.error());
        if (auto ok = assignment.validate(); !ok)
            return fail(ErrorCode::InvalidArgument, where + QStringLiteral(": ") + ok.error().message);
        options.apps.append(assignment);
    }
    return options;
}

Result<AgentOptions> AgentOptions::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::NotFound,
                    QStringLiteral("cannot read configuration %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(16 * 1024 * 1024), &error);
    if (error.error != QJsonParseError::NoError) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: not valid JSON at offset %2: %3")
                        .arg(path)
                        .arg(error.offset)
                        .arg(error.errorString()));
    }
    if (!doc.isObject())
        return fail(ErrorCode::InvalidArgument, path + QStringLiteral(": the configuration must be a JSON object"));
    return fromJson(doc.object(), path);
}

QString AgentOptions::connectUrl(const QString &url) const
{
    if (sourceAddress.isEmpty() || !url.startsWith(QLatin1String("tcp://")))
        return url;
    return QStringLiteral("tcp://%1:0;%2").arg(sourceAddress, url.mid(6));
}

Status AgentOptions::finalize()
{
    if (name.isEmpty())
        name = QSysInfo::machineHostName();
    if (name.isEmpty() || name.toUtf8().size() > 100 || name.contains(QLatin1Char('/')))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the agent name must be 1 to 100 bytes without '/'"));
    if (procRoot.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("procRoot must name a folder (default /proc)"));
    if (auto ok = ScaledClock::validateScale(timeScale); !ok)
        return ok;
    if (timeOriginWallMs != 0) {
        // An origin far back would start a fast clock far ahead of real time; a month covers
        // the longest simulation whose agents restart with the origin they were first given.
        constexpr qint64 kMaxOriginAgeMs = 30LL * 24 * 3600 * 1000;
        const qint64 realNow = SystemClock::instance().wallMs();
        if (timeOriginWallMs > realNow + 1000 || timeOriginWallMs < realNow - kMaxOriginAgeMs)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("the time origin %1 must be a Unix time in milliseconds within the last 30 days")
                            .arg(timeOriginWallMs));
    }
    if (!listenUrl.startsWith(QLatin1String("tcp://")) && !listenUrl.startsWith(QLatin1String("ipc://")))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("listen endpoint '%1' must be tcp://HOST:PORT or ipc://PATH").arg(listenUrl));
    in_addr parsed{};
    if (!sourceAddress.isEmpty() && ::inet_pton(AF_INET, sourceAddress.toLatin1().constData(), &parsed) != 1)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("source address '%1' must be an IPv4 address of this host, e.g. 127.0.0.11")
                        .arg(sourceAddress));
    if (sdkUrl.isEmpty()) {
        QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
        if (runtime.isEmpty())
            runtime = QDir::tempPath();
        sdkUrl = QStringLiteral("unix://%1/foresight-%2.sock").arg(runtime, name);
    }
    if (!sdkUrl.startsWith(QLatin1String("tcp://")) && !sdkUrl.startsWith(QLatin1String("ipc://"))
        && !sdkUrl.startsWith(QLatin1String("unix://")))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("SDK endpoint '%1' must be unix://PATH, ipc://PATH or tcp://HOST:PORT").arg(sdkUrl));
    if (dataDir.isEmpty())
        dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/foresight/")
                  + name;
    if (!insecure) {
        if (keyFile.isEmpty() || allowFile.isEmpty()) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral(
                            "CURVE needs --key (this agent's key pair) and --allow (the allowlist); "
                            "make keys with 'foresightctl keygen', or pass --insecure for a lab without encryption"));
        }
        auto pair = transport::loadKeyPair(keyFile);
        if (!pair)
            return std::unexpected(pair.error());
        keys = *pair;
        auto list = transport::Allowlist::load(allowFile);
        if (!list)
            return std::unexpected(list.error());
        allowlist = *list;
    }
    QSet<QString> names;
    for (const AppAssignment &app : apps) {
        if (names.contains(app.app))
            return fail(ErrorCode::InvalidArgument, QStringLiteral("application '%1' is configured twice").arg(app.app));
        names.insert(app.app);
        if (app.role == Role::Replica && !insecure && !transport::isZ85Key(app.primaryPublicKey)) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("application '%1': a replica needs its primary's public key (primary.publicKey)")
                            .arg(app.app));
        }
    }
    return {};
}

} // namespace foresight::agent
