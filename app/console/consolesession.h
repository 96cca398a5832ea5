#pragma once

#include <functional>
#include <memory>

#include <QString>

#include "foresight/control/consolecontrol.h"
#include "foresight/core/result.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/storage/consolestore.h"
#include "shadowapi.h"

struct SessionOptions
{
    QString clusterFile;      // imported into the store first, when given
    QString storePath;        // the console store
    QString keyFile;          // the console's key pair (CURVE)
    QString controlUrl;       // the control API's endpoint (foresightctl cluster ...); empty: the default
    QString controlAllowFile; // tcp:// control endpoint: the operators' keys (allowlist, role admin)
    // The HTTP API (docs/api.md): HOST:PORT; empty: 127.0.0.1:7480, and a console that cannot bind
    // that default starts without the API (with a note) rather than not at all; "off": no API.
    QString apiListen;
    QString apiTokenFile; // empty: api-token beside the store
    QString apiCertFile;  // TLS: certificate and key (PEM), both or neither
    QString apiKeyFile;
};

QString defaultStorePath();
QString defaultKeyPath();

// What a running console holds, in both its modes (headless and window): the store, the engine
// on its cluster and the control API in front of it. Opening it imports the configuration (if a
// file is given), loads the console's keys and starts both threads; every failure is a message a
// person can act on.
class ConsoleSession final
{
public:
    // onSnapshot: called on the engine's thread with every snapshot (ClusterEngineOptions).
    static foresight::Result<std::unique_ptr<ConsoleSession>> open(
        const SessionOptions &options,
        std::function<void(std::shared_ptr<const foresight::failover::ClusterSnapshot>)> onSnapshot = {});
    ~ConsoleSession();

    foresight::failover::ClusterEngine &engine() { return *m_engine; }
    foresight::storage::ConsoleStore &store() { return *m_store; }
    // Where foresightctl finds this console, and how it is protected.
    const QString &controlLine() const { return m_controlLine; }
    // Where the HTTP API listens and where its token is; empty when it is off.
    const QString &apiLine() const { return m_apiLine; }
    // Notes for the operator from opening (an import, an insecure cluster, no HTTP API).
    const QStringList &notes() const { return m_notes; }

private:
    ConsoleSession() = default;
    std::unique_ptr<foresight::storage::ConsoleStore> m_store;
    std::unique_ptr<foresight::failover::ClusterEngine> m_engine;
    // Declared after the engine, so destroyed before it: the server calls into the engine.
    std::unique_ptr<foresight::control::ConsoleControlServer> m_control;
    std::unique_ptr<foresight::api::ShadowApiServer> m_api; // calls into the engine too
    QString m_controlLine;
    QString m_apiLine;
    QStringList m_notes;
};
