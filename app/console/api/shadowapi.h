#pragma once

#include <memory>

#include <QHostAddress>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/failover/clusterengine.h"

namespace foresight::api {

inline constexpr quint16 kDefaultApiPort = 7480;

struct ShadowApiOptions
{
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = kDefaultApiPort; // 0: any free port (tests)
    QString tokenPath;              // the bearer token's file (apitoken.h); created 0600 when absent
    // The console store the engine writes: the API journals the dry runs and refusals the engine
    // does not journal itself (a connection of its own, on its thread). Empty: no audit (tests).
    QString storePath;
    // TLS: both or neither. Without them the API speaks plain HTTP, and only on a loopback address.
    QString certificatePath; // PEM
    QString keyPath;         // PEM, unencrypted
    int maxPending = 32;     // engine commands in flight; more are answered 503
    // How long an engine command may take before the client gets 504 (the engine still finishes
    // it: a swap is not abandoned half way because a client stopped waiting).
    int commandTimeoutMs = 120'000;
    // POST /shadow/update's, when above commandTimeoutMs: restart, validation, swap.
    static constexpr int kUpdateTimeoutMs = 180'000;
};

// "HOST:PORT" ("127.0.0.1:7480", "[::1]:7480", "localhost:7480"; PORT 0 picks a free port) into
// options.address and options.port. InvalidArgument naming what is wrong.
Status parseApiListen(const QString &text, ShadowApiOptions &options);

// The console's HTTP API (docs/api.md): Qt HttpServer on a thread of its own ("fs-api", with its
// event loop, so it works the same under the window, which must never wait, and under the
// headless console, whose main thread runs no event loop). Every request needs the bearer token;
// shadow commands go to the engine's thread-safe API, and their futures are polled on the API
// thread every 5 ms, so a swap that takes seconds holds up neither the GUI nor other requests.
//
// The engine must outlive the server. Destroying the server stops its thread and closes every
// connection; commands in progress are still carried out by the engine, unanswered.
class ShadowApiServer final
{
public:
    // Reads (or creates) the token, loads the certificate and key, opens the store, binds and
    // starts answering.
    // Errors: InvalidArgument (a non-loopback address without TLS: the token would cross the
    // network in clear; a certificate without a key or the reverse; an unreadable or invalid
    // PEM), IoError (the token file; the store), Network (cannot listen: the message names the
    // address).
    static Result<std::unique_ptr<ShadowApiServer>> start(failover::ClusterEngine &engine, ShadowApiOptions options);
    ~ShadowApiServer();
    ShadowApiServer(const ShadowApiServer &) = delete;
    ShadowApiServer &operator=(const ShadowApiServer &) = delete;

    quint16 port() const;
    bool tls() const;
    // "https://127.0.0.1:7480" or "http://[::1]:7480": where clients find it.
    QString url() const;
    const QString &tokenPath() const;

    class Impl;

private:
    explicit ShadowApiServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::api
