#include "consolesession.h"

#include <QStandardPaths>

#include "apitoken.h"

using namespace foresight;

QString defaultStorePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/console.db");
}

QString defaultKeyPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/console.key");
}

namespace {

// The HTTP API as the options ask: null when it is off, or when the default address is taken.
Result<std::unique_ptr<api::ShadowApiServer>> startApi(const SessionOptions &options, failover::ClusterEngine &engine)
{
    if (options.apiListen == QLatin1String("off"))
        return nullptr;
    api::ShadowApiOptions apiOptions;
    if (!options.apiListen.isEmpty()) {
        if (auto parsed = api::parseApiListen(options.apiListen, apiOptions); !parsed)
            return std::unexpected(parsed.error());
    }
    apiOptions.tokenPath = options.apiTokenFile.isEmpty() ? api::defaultTokenPath(options.storePath)
                                                          : options.apiTokenFile;
    apiOptions.storePath = options.storePath;
    apiOptions.certificatePath = options.apiCertFile;
    apiOptions.keyPath = options.apiKeyFile;
    auto server = api::ShadowApiServer::start(engine, apiOptions);
    if (!server && options.apiListen.isEmpty() && server.error().code == ErrorCode::Network)
        return nullptr;
    if (!server)
        return fail(server.error().code, QStringLiteral("cannot start the HTTP API: %1").arg(server.error().message));
    return std::move(*server);
}

} // namespace

ConsoleSession::~ConsoleSession() = default;

Result<std::unique_ptr<ConsoleSession>> ConsoleSession::open(
    const SessionOptions &options, std::function<void(std::shared_ptr<const failover::ClusterSnapshot>)> onSnapshot)
{
    std::unique_ptr<ConsoleSession> session(new ConsoleSession);
    auto store = storage::ConsoleStore::open(options.storePath);
    if (!store)
        return std::unexpected(store.error());
    session->m_store = std::move(*store);

    if (!options.clusterFile.isEmpty()) {
        auto config = config::ClusterConfig::fromFile(options.clusterFile);
        if (!config)
            return std::unexpected(config.error());
        if (auto ok = session->m_store->saveConfig(*config); !ok)
            return std::unexpected(ok.error());
        session->m_notes << QStringLiteral("imported %1 into %2").arg(options.clusterFile, options.storePath);
    }
    auto config = session->m_store->loadConfig();
    if (!config) {
        if (config.error().code == ErrorCode::NotFound)
            return fail(ErrorCode::NotFound,
                        QStringLiteral("%1 holds no cluster configuration: import one with --cluster FILE "
                                       "(format: docs/cluster-config.md)")
                            .arg(options.storePath));
        return std::unexpected(config.error());
    }

    failover::ClusterEngineOptions engineOptions;
    engineOptions.config = *config;
    engineOptions.storePath = options.storePath;
    engineOptions.onSnapshot = std::move(onSnapshot);
    if (!config->insecure) {
        auto keys = transport::loadKeyPair(options.keyFile);
        if (!keys)
            return fail(keys.error().code,
                        QStringLiteral("%1\nthe console needs a key pair: `foresightctl keygen %2`, then add %2.pub "
                                       "to every agent's allowlist with the role admin")
                            .arg(keys.error().message, options.keyFile));
        engineOptions.keys = *keys;
    } else {
        session->m_notes << QStringLiteral("WARNING: the cluster is insecure: plain TCP to the agents, no "
                                           "authentication");
    }
    control::ConsoleControlOptions controlOptions;
    controlOptions.url = options.controlUrl.isEmpty() ? control::defaultConsoleControlUrl() : options.controlUrl;
    controlOptions.storePath = options.storePath;
    const bool tcp = controlOptions.url.startsWith(QLatin1String("tcp://"));
    if (tcp) {
        if (options.controlAllowFile.isEmpty())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("a tcp:// control endpoint needs --control-allow FILE: the operators' public "
                                       "keys with the role admin (format: docs/protocol.md 4.3)"));
        auto allowlist = transport::Allowlist::load(options.controlAllowFile);
        if (!allowlist)
            return std::unexpected(allowlist.error());
        auto keys = transport::loadKeyPair(options.keyFile);
        if (!keys)
            return fail(keys.error().code,
                        QStringLiteral("%1\na tcp:// control endpoint needs the console's key pair (--key)")
                            .arg(keys.error().message));
        controlOptions.allowlist = *allowlist;
        controlOptions.keys = *keys;
    } else if (!options.controlAllowFile.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--control-allow goes with a tcp:// control endpoint; an ipc:// one admits the "
                                   "console's own user only"));
    }

    auto engine = failover::ClusterEngine::start(engineOptions);
    if (!engine)
        return std::unexpected(engine.error());
    session->m_engine = std::move(*engine);
    auto control = control::ConsoleControlServer::start(*session->m_engine, controlOptions);
    if (!control)
        return fail(control.error().code,
                    QStringLiteral("cannot start the control API: %1").arg(control.error().message));
    session->m_control = std::move(*control);
    session->m_controlLine
        = QStringLiteral("control API on %1 (%2)")
              .arg(session->m_control->endpoint(),
                   tcp ? QStringLiteral("CURVE; the keys of %1 with the role admin").arg(options.controlAllowFile)
                       : QStringLiteral("socket mode 0600: this user only"));
    if (auto api = startApi(options, *session->m_engine); !api) {
        return std::unexpected(api.error());
    } else if (*api) {
        session->m_api = std::move(*api);
        session->m_apiLine = QStringLiteral("HTTP API on %1 (bearer token in %2)")
                                 .arg(session->m_api->url(), session->m_api->tokenPath());
    } else if (options.apiListen != QLatin1String("off")) {
        session->m_notes << QStringLiteral("WARNING: no HTTP API: %1 is taken; choose an address with --api-listen "
                                           "HOST:PORT (or --api-listen off)")
                                .arg(QStringLiteral("127.0.0.1:%1").arg(api::kDefaultApiPort));
    }
    return session;
}
