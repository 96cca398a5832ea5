// foresight-example: a visit counter that keeps its state in Foresight. Each run reads the
// counter, adds one visit per --visits, stores a session token and the last visitor, and prints
// what the primary acknowledged. Kill the primary between runs, promote a replica, and the
// counter carries on where it was: the SDK finds the new primary by itself.
//
// With --serve it is a managed application's process instead (docs/managed-apps.md), as the
// demo runs it: an agent starts it, and it finds its application, its agent and its role in the
// environment. Active, it writes instance/beat every --interval ms; passive, it reads that key
// from its shadow's copy as often, and may not write. It runs until SIGTERM.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QUuid>

#include "foresight/sdk/client.h"
#include "foresight/transport/keys.h"

using namespace foresight;

namespace {

std::atomic<bool> g_stop{false};

void onSignal(int)
{
    g_stop.store(true);
}

// One write (active) or read (passive) of instance/beat per interval, until SIGTERM.
int serve(int intervalMs)
{
    auto options = sdk::ClientOptions::fromEnvironment();
    if (!options) {
        std::fprintf(stderr, "foresight-example: --serve: %s\n", qPrintable(options.error().message));
        return 2;
    }
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    const QString agent = qEnvironmentVariable("FORESIGHT_AGENT");
    // On stderr, which an agent's log keeps.
    std::fprintf(stderr,
                 "foresight-example: %s instance of %s on %s (pid %lld)\n",
                 options->passive ? "passive" : "active",
                 qPrintable(options->app),
                 qPrintable(agent),
                 static_cast<long long>(QCoreApplication::applicationPid()));
    auto client = sdk::Client::connect(*options);
    if (!client) {
        std::fprintf(stderr, "foresight-example: %s\n", qPrintable(client.error().message));
        return 1;
    }
    const QString key = QStringLiteral("instance/beat");
    QString lastError;
    for (qint64 beat = 1; !g_stop.load(); ++beat) {
        QString error;
        if (options->passive) {
            if (auto read = (*client)->get(key); !read)
                error = read.error().toString();
        } else {
            const QByteArray value = QStringLiteral("%1 on %2 at %3")
                                         .arg(beat)
                                         .arg(agent, QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
                                         .toUtf8();
            if (auto written = (*client)->put(key, value); !written)
                error = written.error().toString();
        }
        if (!error.isEmpty() && error != lastError)
            std::fprintf(stderr, "foresight-example: %s\n", qPrintable(error));
        lastError = error;
        for (int waited = 0; waited < intervalMs && !g_stop.load(); waited += 50)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
}

} // namespace

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
    const QCommandLineOption serveOpt(QStringLiteral("serve"),
                                      QStringLiteral("Run as a managed application's process, started by an agent "
                                                     "(FORESIGHT_APP, FORESIGHT_SDK_URL, FORESIGHT_ROLE), until "
                                                     "SIGTERM."));
    const QCommandLineOption intervalOpt(QStringLiteral("interval"),
                                         QStringLiteral("--serve: milliseconds between beats (default 2000)."),
                                         QStringLiteral("ms"),
                                         QStringLiteral("2000"));
    parser.addOptions({agentOpt, appOpt, keyOpt, visitsOpt, insecureOpt, serveOpt, intervalOpt});
    parser.process(app);
    if (parser.isSet(serveOpt)) {
        bool valid = false;
        const int intervalMs = parser.value(intervalOpt).toInt(&valid);
        if (!valid || intervalMs < 50) {
            std::fprintf(stderr, "foresight-example: --interval takes a whole number of ms, at least 50\n");
            return 1;
        }
        return serve(intervalMs);
    }

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
