#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <QByteArray>
#include <QCborMap>
#include <QList>
#include <QString>

#include "foresight/core/clock.h"
#include "foresight/core/result.h"
#include "foresight/transport/keys.h"

namespace foresight::monitor {

// What an agent measured of its link to one peer (docs/protocol.md 9.10).
struct PeerLinkReport
{
    QString agent;
    std::optional<double> rttMs;    // smoothed round trip; absent until a first pong
    std::optional<double> rttMinMs; // the lowest seen
    std::optional<double> bandwidthBytesPerS;
    qint64 lost = 0; // pings that went unanswered
    QString error;   // why the last ping failed, if it did
};

// One heartbeat as an agent sends it (docs/protocol.md, "heartbeat").
struct Heartbeat
{
    QString agent;
    std::uint64_t seq = 0;
    // The agent process's random id (0 from agents that do not send it). With seq it anchors a
    // write lease to this heartbeat (control::LeaseAnchor); a restarted agent has a new one.
    std::uint64_t incarnation = 0;
    std::int64_t wallMs = 0; // the agent's wall clock when it sent the heartbeat
    std::int64_t uptimeMs = 0;
    double timeScale = 1.0; // how fast the agent's clock runs (simulations: foresight-agent --time-scale)
    int intervalMs = 0;
    QCborMap host;                      // host metrics, when the agent could read them
    QString hostError;                  // why not, otherwise
    std::uint64_t inventoryVersion = 0; // the version of its host inventory; 0: none announced
    QList<QCborMap> apps;               // one status map per application (as in status-reply)
    QList<PeerLinkReport> peers;        // links to the peers the console named, once it has
    std::int64_t receivedMs = 0;        // this side's monotonic clock on arrival
};

// A heartbeat's fields from its body (already validated by protocol::decode).
Heartbeat heartbeatFromCbor(const QCborMap &body, std::int64_t receivedMs);

// Watches one agent: subscribes to its heartbeats (renewing the subscription before it lapses)
// and collects them. Owned by one thread, which calls poll(); the engine's monitoring thread
// runs one per agent.
class AgentWatch final
{
public:
    struct Options
    {
        QString url;                // the agent's listen endpoint
        QByteArray serverPublicKey; // unless insecure
        transport::KeyPair keys;    // an admin key of the agent's allowlist
        bool insecure = false;
        int intervalMs = 100; // heartbeat interval asked for
        int ttlMs = 3000;     // the subscription lapses unless renewed within this
    };

    static Result<std::unique_ptr<AgentWatch>> start(const Options &options, Clock &clock = SystemClock::instance());
    ~AgentWatch();
    AgentWatch(const AgentWatch &) = delete;
    AgentWatch &operator=(const AgentWatch &) = delete;

    // Waits up to timeoutMs for traffic, renews the subscription when due, and returns the
    // heartbeats that arrived (possibly none). Errors only for a broken socket.
    Result<QList<Heartbeat>> poll(int timeoutMs);

    // The agent's last answer to subscribe: empty while it accepts, else its error.
    const QString &subscribeError() const { return m_subscribeError; }
    std::optional<std::int64_t> lastHeartbeatMs() const { return m_lastHeartbeatMs; }
    qint64 malformed() const { return m_malformed; } // heartbeats dropped as invalid

private:
    AgentWatch(const Options &options, Clock &clock);
    void subscribe();

    class Socket;
    Options m_options;
    Clock &m_clock;
    std::unique_ptr<Socket> m_socket;
    std::int64_t m_lastSubscribeMs = -1'000'000;
    qint64 m_nextId = 1;
    QString m_subscribeError;
    std::optional<std::int64_t> m_lastHeartbeatMs;
    qint64 m_malformed = 0;
};

} // namespace foresight::monitor
