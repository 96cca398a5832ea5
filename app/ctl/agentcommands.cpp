#include "agentcommands.h"

#include <cstdio>
#include <optional>

#include <QCborMap>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "ctlerrors.h"
#include "exitcodes.h"
#include "foresight/control/controlclient.h"
#include "statusformat.h"

using namespace foresight;

namespace {

void printJson(const QCborMap &map)
{
    std::printf("%s\n", QJsonDocument(map.toJsonObject()).toJson(QJsonDocument::Indented).constData());
}

QString envOr(const QCommandLineParser &parser, const QString &option, const char *env)
{
    if (parser.isSet(option))
        return parser.value(option);
    return qEnvironmentVariable(env);
}

} // namespace

int runKeygen(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("out")))
        return usage(QStringLiteral("keygen needs --out FILE"));
    const QString out = parser.value(QStringLiteral("out"));
    if (QFileInfo::exists(out))
        return usage(QStringLiteral("%1 exists; refusing to overwrite a key").arg(out));
    auto pair = transport::generateKeyPair();
    if (!pair)
        return reportError(pair.error(), InvalidArgumentIs::Usage);
    if (auto ok = transport::saveKeyPair(*pair, out); !ok)
        return reportError(ok.error(), InvalidArgumentIs::Usage);
    if (parser.isSet(QStringLiteral("json")))
        printJson(QCborMap{{QStringLiteral("public-key"), QString::fromLatin1(pair->publicKey)},
                           {QStringLiteral("secret-file"), out},
                           {QStringLiteral("public-file"), QString(out + QStringLiteral(".pub"))}});
    else
        std::printf("wrote %s (secret, mode 0600) and %s.pub\npublic key: %s\n",
                    qPrintable(out),
                    qPrintable(out),
                    pair->publicKey.constData());
    return ExitOk;
}

int runAgentCommand(const QCommandLineParser &parser, const QStringList &args)
{
    const QString command = args.first();
    control::ControlOptions options;
    options.url = envOr(parser, QStringLiteral("agent"), "FORESIGHT_AGENT");
    options.insecure = parser.isSet(QStringLiteral("insecure"));
    bool timeoutOk = false;
    options.timeoutMs = parser.value(QStringLiteral("timeout-ms")).toInt(&timeoutOk);
    if (!timeoutOk || options.timeoutMs <= 0)
        return usage(QStringLiteral("--timeout-ms must be a positive whole number"));
    if (options.url.isEmpty())
        return usage(QStringLiteral("name the agent with --agent tcp://HOST:PORT or FORESIGHT_AGENT"));
    if (!options.insecure && options.url.startsWith(QLatin1String("tcp://"))) {
        const QString agentKey = envOr(parser, QStringLiteral("agent-key"), "FORESIGHT_AGENT_KEY");
        const QString keyFile = envOr(parser, QStringLiteral("key"), "FORESIGHT_KEY");
        if (agentKey.isEmpty() || keyFile.isEmpty())
            return usage(QStringLiteral(
                "CURVE needs --agent-key (the agent's public key) and --key (this side's key pair), or --insecure"));
        auto serverKey = transport::loadPublicKey(agentKey);
        if (!serverKey)
            return inputError(serverKey.error());
        auto pair = transport::loadKeyPair(keyFile);
        if (!pair)
            return inputError(pair.error());
        options.serverPublicKey = *serverKey;
        options.keys = *pair;
    }
    auto client = control::ControlClient::connect(options);
    if (!client)
        return reportError(client.error(), InvalidArgumentIs::Usage);

    Result<QCborMap> reply = fail(ErrorCode::Internal, QStringLiteral("no command ran"));
    if (command == QLatin1String("status")) {
        reply = (*client)->status(args.value(1));
    } else if (command == QLatin1String("assign")) {
        if (args.size() != 2)
            return usage(QStringLiteral("assign takes one application name"));
        AppAssignment assignment;
        assignment.app = args[1];
        const auto role = roleFromName(parser.value(QStringLiteral("role")));
        if (!role)
            return usage(QStringLiteral("assign needs --role primary or --role replica"));
        assignment.role = *role;
        if (assignment.role == Role::Replica) {
            const auto tier = tierFromName(parser.value(QStringLiteral("tier")));
            if (!tier || *tier == Tier::None)
                return usage(QStringLiteral("a replica needs --tier hot, warm or cold"));
            assignment.tier = *tier;
            assignment.primaryUrl = parser.value(QStringLiteral("primary-url"));
            if (parser.isSet(QStringLiteral("primary-key"))) {
                auto key = transport::loadPublicKey(parser.value(QStringLiteral("primary-key")));
                if (!key)
                    return inputError(key.error());
                assignment.primaryPublicKey = *key;
            }
        }
        QJsonObject config;
        if (parser.isSet(QStringLiteral("critical")))
            config.insert(QStringLiteral("critical"),
                          QJsonArray::fromStringList(
                              parser.value(QStringLiteral("critical")).split(QLatin1Char(','), Qt::SkipEmptyParts)));
        const auto intOption = [&](const QString &option, const char *name) -> bool {
            if (!parser.isSet(option))
                return true;
            bool ok = false;
            const int value = parser.value(option).toInt(&ok);
            if (ok)
                config.insert(QLatin1String(name), value);
            return ok;
        };
        if (!intOption(QStringLiteral("sync-replicas"), "syncReplicas")
            || !intOption(QStringLiteral("ack-timeout-ms"), "ackTimeoutMs")
            || !intOption(QStringLiteral("snapshot-interval-ms"), "snapshotIntervalMs"))
            return usage(QStringLiteral("numeric options take whole numbers"));
        if (auto ok = assignment.config.mergeJson(config, QStringLiteral("assign")); !ok)
            return inputError(ok.error());
        if (auto ok = assignment.validate(); !ok)
            return inputError(ok.error());
        if (assignment.role == Role::Replica && assignment.primaryUrl.startsWith(QLatin1String("tcp://"))
            && !options.insecure && assignment.primaryPublicKey.isEmpty())
            return usage(QStringLiteral(
                "a replica of a tcp:// primary needs --primary-key (the primary agent's public key or .pub file)"));
        reply = (*client)->assign(assignment);
    } else if (command == QLatin1String("promote")) {
        if (args.size() != 2)
            return usage(QStringLiteral("promote takes one application name"));
        std::optional<std::uint64_t> epoch;
        if (parser.isSet(QStringLiteral("epoch"))) {
            bool ok = false;
            epoch = parser.value(QStringLiteral("epoch")).toULongLong(&ok);
            if (!ok)
                return usage(QStringLiteral("--epoch takes a whole number"));
        }
        reply = (*client)->promote(args[1], epoch);
    } else if (command == QLatin1String("snapshot")) {
        if (args.size() != 2)
            return usage(QStringLiteral("snapshot takes one application name"));
        reply = (*client)->takeSnapshot(args[1]);
    }
    if (!reply)
        return reportError(reply.error(), InvalidArgumentIs::Refusal);

    QCborMap body = *reply;
    body.remove(QStringLiteral("id"));
    if (parser.isSet(QStringLiteral("json"))) {
        printJson(body);
    } else if (command == QLatin1String("status")) {
        std::printf("%s\n", qPrintable(formatStatus(body)));
    } else if (command == QLatin1String("promote")) {
        std::printf("promoted %s to primary: epoch %lld, sequence %lld (was %s replica)\n",
                    qPrintable(args[1]),
                    body.value(QStringLiteral("epoch")).toInteger(),
                    body.value(QStringLiteral("seq")).toInteger(),
                    qPrintable(body.value(QStringLiteral("former-tier")).toString()));
    } else if (command == QLatin1String("snapshot")) {
        std::printf("snapshot of %s at sequence %lld sent to %lld cold replica(s)\n",
                    qPrintable(args[1]),
                    body.value(QStringLiteral("seq")).toInteger(),
                    body.value(QStringLiteral("cold-replicas")).toInteger());
    } else {
        std::printf("assigned %s\n", qPrintable(args[1]));
    }
    return ExitOk;
}
