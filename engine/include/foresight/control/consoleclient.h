#pragma once

#include <memory>

#include <QCborMap>
#include <QJsonObject>
#include <QString>

#include "foresight/control/consolecontrol.h"
#include "foresight/core/result.h"
#include "foresight/transport/keys.h"

namespace foresight::control {

struct ConsoleClientOptions
{
    QString url;                // the console's control endpoint: ipc://PATH or tcp://HOST:PORT
    QByteArray serverPublicKey; // tcp: the console's public key (Z85)
    transport::KeyPair keys;    // tcp: this side's key pair (role admin in the console's allowlist)
    int timeoutMs = 3000;       // per request; a switchover waits at least 60 s (it completes when done)
};

// The console's control API (docs/protocol.md section 15), for foresightctl and scripts. Blocking;
// one instance per thread. Replies are the console's CBOR bodies without the request id; errors
// carry the console's code and message. Errors this side makes: Network (nothing listens at the
// endpoint, or the connection dropped), Timeout (no answer in time; over tcp:// also a wrong
// console public key), Unauthorized (the console refused this side's key).
class ConsoleClient final
{
public:
    static Result<std::unique_ptr<ConsoleClient>> connect(const ConsoleClientOptions &options);
    ~ConsoleClient();
    ConsoleClient(const ConsoleClient &) = delete;
    ConsoleClient &operator=(const ConsoleClient &) = delete;

    Result<QCborMap> status(const QString &app = {});
    Result<QCborMap> promote(const QString &app, const QString &agent, bool force, bool dryRun);
    // atWallMs: Unix ms to start at, 0 for now.
    Result<QCborMap> switchover(const QString &app, const QString &agent, bool dryRun, qint64 atWallMs);
    Result<QCborMap> maintenance(const QString &agent, bool on);
    Result<QCborMap> acknowledge(const QString &app);
    // afterId < 0: the newest `limit` entries; else those after afterId. limit 0: the console's default.
    Result<QCborMap> journal(qint64 afterId, int limit, const QString &app);
    Result<QCborMap> incidents(const QString &app, int limit);
    // Incident `incident`'s report: the reply's `report` is its JSON export (docs/reports.md).
    Result<QCborMap> report(qint64 incident);
    // A fault into a demo's simulated cluster (request.actor is ignored: the console decides it).
    Result<QCborMap> fault(const FaultRequest &request);
    // console-shadow (docs/protocol.md 15.18): action create, swap, promote or retire; agent empty:
    // the engine's choice (create) or whichever the shadow is (the others); force: promote only.
    // A swap is answered when it is over: it waits at least 60 s, like a switchover.
    // update: process holds the keys of config.process that change; answered once the update has
    // been swapped in or has failed (waits at least 180 s).
    Result<QCborMap> shadow(const QString &action,
                            const QString &app,
                            const QString &agent,
                            bool force,
                            bool dryRun,
                            const QJsonObject &process = {});
    const QString &url() const;

private:
    class Impl;
    explicit ConsoleClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::control
