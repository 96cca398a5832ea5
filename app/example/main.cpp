// foresight-example: a visit counter that keeps its state in Foresight. Each run reads the
// counter, adds one visit per --visits, stores a session token and the last visitor, and prints
// what the primary acknowledged. Kill the primary between runs, promote a replica, and the
// counter carries on where it was: the SDK finds the new primary by itself.

#include <cstdio>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QUuid>

#include "foresight/sdk/client.h"
#include "foresight/transport/keys.h"

using namespace foresight;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("foresight-example"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A visit counter whose state lives in Foresight agents."));
    parser.addHelpOption();
    const QCommandLineOption agentOpt(QStringLiteral("agent"),
                                      QStringLiteral(
                                          "An agent's SDK endpoint (repeatable): unix://PATH, ipc://PATH, or "
                                          "tcp://HOST:PORT[=PUBLIC-KEY-OR-FILE]."),
                                      QStringLiteral("url"));
    const QCommandLineOption appOpt(QStringLiteral("app"),
                                    QStringLiteral("Application name (default: shop)."),
                                    QStringLiteral("name"),
                                    QStringLiteral("shop"));
    const QCommandLineOption keyOpt(QStringLiteral("key"),
                                    QStringLiteral("This client's key pair, for tcp:// endpoints with CURVE."),
                                    QStringLiteral("file"));
    const QCommandLineOption visitsOpt(QStringLiteral("visits"),
                                       QStringLiteral("Visits to count (default 10)."),
                                       QStringLiteral("n"),
                                       QStringLiteral("10"));
    const QCommandLineOption insecureOpt(QStringLiteral("insecure"), QStringLiteral("tcp:// without CURVE."));
    parser.addOptions({agentOpt, appOpt, keyOpt, visitsOpt, insecureOpt});
    parser.process(app);

    const auto fail = [](const QString &message) {
        std::fprintf(stderr, "foresight-example: %s\n", qPrintable(message));
        return 1;
    };
    sdk::ClientOptions options;
    options.app = parser.value(appOpt);
    options.insecure = parser.isSet(insecureOpt);
    options.name = QStringLiteral("example");
    for (const QString &value : parser.values(agentOpt)) {
        sdk::AgentEndpoint endpoint;
        endpoint.url = value.section(QLatin1Char('='), 0, 0);
        if (value.contains(QLatin1Char('='))) {
            auto key = transport::loadPublicKey(value.section(QLatin1Char('='), 1));
            if (!key)
                return fail(key.error().message);
            endpoint.serverPublicKey = *key;
        }
        options.agents.append(endpoint);
    }
    if (parser.isSet(keyOpt)) {
        auto pair = transport::loadKeyPair(parser.value(keyOpt));
        if (!pair)
            return fail(pair.error().message);
        options.publicKey = pair->publicKey;
        options.secretKey = pair->secretKey;
    }
    bool ok = false;
    const int visits = parser.value(visitsOpt).toInt(&ok);
    if (!ok || visits < 0)
        return fail(QStringLiteral("--visits takes a whole number"));

    auto client = sdk::Client::connect(options);
    if (!client)
        return fail(client.error().message);

    const QString counterKey = QStringLiteral("visits/total");
    auto current = (*client)->get(counterKey);
    if (!current)
        return fail(QStringLiteral("cannot read %1: %2").arg(counterKey, current.error().toString()));
    qint64 count = current->value ? current->value->toLongLong() : 0;
    std::printf("counter is %lld (primary at epoch %llu, sequence %llu)\n",
                count,
                static_cast<unsigned long long>(current->epoch),
                static_cast<unsigned long long>(current->seq));

    for (int i = 0; i < visits; ++i) {
        ++count;
        // The session token is a critical key when the application's patterns say so
        // ("session/*"): warm replicas receive it too.
        const QString session = QStringLiteral("session/%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        for (const auto &[key, value] :
             {std::pair{counterKey, QByteArray::number(count)},
              std::pair{session, QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8()}}) {
            auto receipt = (*client)->put(key, value);
            if (!receipt)
                return fail(QStringLiteral("write of %1 not acknowledged: %2").arg(key, receipt.error().toString()));
        }
    }
    auto final = (*client)->get(counterKey);
    if (!final)
        return fail(final.error().toString());
    std::printf("counter is %s after %d visit(s); %d redirect(s) to find the primary (%s)\n",
                final->value.value_or(QByteArray("0")).constData(),
                visits,
                (*client)->redirects(),
                qPrintable((*client)->currentAgentUrl()));
    return 0;
}
