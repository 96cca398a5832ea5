#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <QCborArray>
#include <QCborMap>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/transport/keys.h"
#include "foresight/vocabulary/appconfig.h"
#include "foresight/vocabulary/processspec.h"

namespace foresight::control {

struct ControlOptions
{
    QString url;                // the agent's listen endpoint, tcp://HOST:PORT
    QByteArray serverPublicKey; // the agent's public key (Z85), unless insecure
    transport::KeyPair keys;    // this console's or foresightctl's key pair (role admin)
    bool insecure = false;
    int timeoutMs = 3000;
};

// The heartbeat a write-lease grant answers (docs/protocol.md 9.8): copy both fields from a
// Heartbeat received from the agent (AgentWatch). An anchored lease runs from the moment the agent
// sent that heartbeat, so a grant delayed on its way (a stopped process, a slow link) cannot
// extend it; this is the only kind of lease that automated failover may rely on.
struct LeaseAnchor
{
    std::uint64_t heartbeat = 0;   // Heartbeat::seq
    std::uint64_t incarnation = 0; // Heartbeat::incarnation; 0 (an agent that sends none) is refused
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
    // leaseMs > 0 grants the new primary its first write lease with the promotion: anchored to a
    // heartbeat of the promoted agent, or without an anchor counted from the promotion's arrival
    // (manual use only). The reply's `lease-left-ms` is the lease the new primary holds: 0 when the
    // anchor is not a recent heartbeat of the agent (`lease-refused` then says why); the promotion
    // happens all the same. primarySeq: the old primary's last known sequence number; a replica
    // behind it serves its model's predictions for the gap, marked as such (the reply's
    // `predicted` counts them).
    Result<QCborMap> promote(const QString &app,
                             std::optional<std::uint64_t> epoch = std::nullopt,
                             int leaseMs = 0,
                             std::optional<LeaseAnchor> anchor = std::nullopt,
                             std::optional<std::uint64_t> primarySeq = std::nullopt);
    Result<QCborMap> takeSnapshot(const QString &app);
    // Grants the primary of app at epoch a write lease of leaseMs: with an anchor, until the anchor
    // heartbeat's send time plus leaseMs, never shortening the lease it holds; without one, counted
    // from the grant's arrival (manual use only: a delayed grant would give a fresh lease).
    // invalid-argument when the anchor is not a recent heartbeat of the agent's current process;
    // the reply's `lease-left-ms` is the lease the primary holds after the grant.
    Result<QCborMap> grantLease(const QString &app,
                                std::uint64_t epoch,
                                int leaseMs,
                                std::optional<LeaseAnchor> anchor = std::nullopt);
    // Fault injection (agents started with --allow-fault-injection): kind "corrupt".
    Result<QCborMap> injectFault(const QString &app, const QString &kind);
    // Without replica: the agent drops its replica of app (refused for a serving primary). With
    // replica: the agent, primary of app, stops streaming to that replica, refused (not-enough-
    // replicas) while an acknowledged write would then be held by it alone.
    Result<QCborMap> release(const QString &app, const QString &replica = {});
    // The agents this agent measures its links to (each map: agent, url, public-key), pinging
    // each every intervalMs; the measurements travel in its heartbeats' `peers`.
    Result<QCborMap> setPeers(const QCborArray &peers, int intervalMs, int bandwidthIntervalMs = 0);
    // Runs app's validation command against its instance here (docs/protocol.md 9.13); process,
    // if set, is the version the instance must be assigned. Answered when the validation has
    // ended: the client's timeout must exceed readyTimeoutMs plus the command's time.
    Result<QCborMap> validate(const QString &app, const std::optional<ProcessSpec> &process, int readyTimeoutMs);
    // The agent's host inventory (host-inventory, 9.14): {agent, version, inventory}.
    Result<QCborMap> hostInventory();
    const QString &url() const;

private:
    class Impl;
    explicit ControlClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::control
