#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <QByteArray>
#include <QCborMap>
#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/mirror/mirrortable.h"

namespace foresight::sdk {

// Where an agent's SDK endpoint is. unix:// (the agents' default, the fastest local path) and
// ipc:// endpoints need no keys; tcp:// endpoints use CURVE unless insecure is set, and then
// need the agent's public key.
struct AgentEndpoint
{
    QString url;                // "unix:///run/foresight/agent.sock", "ipc://..." or "tcp://10.0.0.5:7401"
    QByteArray serverPublicKey; // Z85, for tcp:// with CURVE
};

struct ClientOptions
{
    QString app;                 // the application whose state this client reads and writes
    QList<AgentEndpoint> agents; // every agent that may be (or become) the primary
    QByteArray publicKey;        // this client's CURVE key pair (Z85), for tcp://
    QByteArray secretKey;
    bool insecure = false;         // plain TCP; the agent must run with --insecure too
    int requestTimeoutMs = 3000;   // per attempt; above the agents' ackTimeoutMs (2000) so a
                                   // not-enough-replicas answer arrives before we give up
    int failoverTimeoutMs = 10000; // how long to keep looking for a primary
    QString name;                  // shown in the agent's logs
    // A passive instance of a managed application (FORESIGHT_ROLE=passive, docs/managed-apps.md):
    // get() reads the copy held by the first agent in `agents` (its shadow, which may lag the
    // primary: ReadResult::local), never following redirects; put() and remove() are refused by
    // the client itself with NotPrimary and never sent.
    bool passive = false;

    // The options a process run by an agent finds in its environment: FORESIGHT_APP,
    // FORESIGHT_SDK_URL, FORESIGHT_ROLE (active or passive) and, for a tcp:// endpoint,
    // FORESIGHT_SDK_PUBLIC_KEY. InvalidArgument naming the variable when one is missing or bad.
    static Result<ClientOptions> fromEnvironment();
};

// What a write's acknowledgement means. Either way, delivery is at least once: an agent that
// dies with a write in flight (the connection drops, or no answer comes in time) may have
// applied, and replicated, it first. The client cannot tell, so it sends the write again to the
// next agent that answers as primary (a replica answers not-primary until it is promoted). A
// write may so be applied twice, and one whose call failed may still be there after a failover.
enum class Ack {
    Replicated, // the primary and its synchronous (hot) replicas hold it: survives the primary
    Primary,    // the primary holds it (faster; lost if the primary dies before replicating)
};

struct WriteReceipt
{
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;
};

struct ReadResult
{
    std::optional<QByteArray> value; // nullopt when the key does not exist
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0; // the state's position when it was read
    // The value is the Predictive State Engine's prediction, not a write: this primary was
    // promoted with a gap and the key probably changed in it. Speculative until a write or the
    // gap's real deltas replace it; confidence 0..1 is the model's track record on this key.
    bool predicted = false;
    double confidence = 0;
    // Read from the agent's own copy by a passive client: a replica's, possibly behind the primary.
    bool local = false;
    // Asked for with GetOptions::forecast (mirrors do): when the key will next change, as the
    // primary's state engine forecasts it; nullopt when it has no forecast for the key.
    std::optional<mirror::ChangeForecast> forecast;
    // Served by a MirroredClient from its copy, not by the agent: the copy is ageMs old (read
    // from the primary then, at epoch/seq), and no change event has named the key since.
    bool fromMirror = false;
    std::int64_t ageMs = 0;
};

struct GetOptions
{
    bool forecast = false; // ask for ReadResult::forecast
};

// A change event for mirrors (docs/protocol.md 7.8), as Client hands it over.
struct MirrorEventMessage
{
    std::uint64_t subscription = 0;
    mirror::ChangeEvent event;
    QString end; // not empty: the subscription ended, and why
};
using MirrorEventHandler = std::function<void(const MirrorEventMessage &)>;

// The agent's answer to a mirror subscription.
struct MirrorSubscription
{
    std::uint64_t subscription = 0;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;        // the state's position when events began
    int intervalMs = 0;           // the feed's keep-alive interval
    std::uint64_t connection = 0; // connectionGeneration() it lives on
};

// A connection to an application's primary. Blocking calls; one Client per thread (it owns a
// ZeroMQ socket, which must stay on one thread). When the agent it talks to is not (or no
// longer) the primary, the client follows the redirect or tries the other agents until one
// answers as primary, within failoverTimeoutMs, without the application's help.
//
// An agent that dies with a request in flight costs no time-out: the dropped connection (or,
// for an agent already gone, the refused one) sends the client to the next agent at once.
//
// Errors: Timeout (no primary answered in time), NotEnoughReplicas (the write reached the
// primary but not enough hot replicas acknowledged it: it may or may not survive a failover),
// InvalidArgument (bad key or options), Unauthorized (key not allowed), VersionMismatch.
class Client final
{
public:
    static Result<std::unique_ptr<Client>> connect(const ClientOptions &options);
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    Result<WriteReceipt> put(const QString &key, const QByteArray &value, Ack ack = Ack::Replicated);
    Result<WriteReceipt> remove(const QString &key, Ack ack = Ack::Replicated);
    Result<ReadResult> get(const QString &key, const GetOptions &options = {});

    // The agent currently believed to be primary, and how many times the client moved.
    QString currentAgentUrl() const;
    int redirects() const;
    // Counts the connections this client has opened (0: none yet); a subscription lives on one.
    std::uint64_t connectionGeneration() const;

    // Change events for mirrors on the primary's connection (docs/protocol.md 7.7): keys under
    // `prefixes` (empty: every key), keep-alives every intervalMs. `handler` is called from
    // within this client's calls and pollEvents(), as the connection reads the events. Only a
    // unix:// connection carries them: on others the agent answers InvalidArgument. The
    // subscription ends with its connection (connectionGeneration() changes).
    Result<MirrorSubscription> subscribeMirror(const QStringList &prefixes, int intervalMs, MirrorEventHandler handler);
    // Reads the events that have arrived, without waiting. Network when the connection dropped.
    Status pollEvents();
    // Tells the primary what this client's mirrors did (mirror-report, docs/protocol.md 7.9),
    // under ClientOptions::name, for the console.
    Status reportMirror(const QCborMap &metrics);

private:
    class Impl;
    explicit Client(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace foresight::sdk
