#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <QCborMap>
#include <QString>

#include "foresight/agent/agentoptions.h"
#include "foresight/core/result.h"
#include "foresight/transport/keys.h"

namespace foresight::control {

struct ControlOptions
{
    QString url;                // the agent's listen endpoint, tcp://HOST:PORT
    QByteArray serverPublicKey; // the agent's public key (Z85), unless insecure
    KeyPair keys;               // this console's or foresightctl's key pair (role admin)
    bool insecure = false;
    int timeoutMs = 3000;
};

// Control commands to one agent, as docs/protocol.md describes them. Blocking; one instance per
// thread. Replies are the agent's CBOR bodies; errors carry the agent's code and message.
class ControlClient final
{
public:
    static Result<std::unique_ptr<ControlClient>> connect(const ControlOptions &options);
    ~ControlClient();
    ControlClient(const ControlClient &) = delete;
    ControlClient &operator=(const ControlClient &) = delete;

    Result<QCborMap> hello();
    Result<QCborMap> status(const QString &app = {});
    Result<QCborMap> assign(const AppAssignment &assignment);
    // leaseMs > 0 grants the new primary its first write lease with the promotion.
    Result<QCborMap> promote(const QString &app, std::optional<std::uint64_t> epoch = std::nullopt, int leaseMs = 0);
    Result<QCborMap> takeSnapshot(const QString &app);
    // Grants the primary of app at epoch a write lease of leaseMs, counted from its arrival.
    Result<QCborMap> grantLease(const QString &app, std::uint64_t epoch, int leaseMs);
    const QString &url() const;

private:
    class Impl;
    explicit ControlClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::control
