#pragma once

// Private to the agent: measures the round-trip time and bandwidth from this agent to the peers
// a console names (the `peers` message, docs/protocol.md 9.10), so the console can place hot
// replicas on the hosts closest to their primary. One DEALER socket per peer, polled by the
// agent's own loop; everything here runs on the agent's thread.

#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include <zmq.hpp>

#include <QByteArray>
#include <QCborArray>
#include <QString>

#include "foresight/core/clock.h"
#include "foresight/core/result.h"
#include "foresight/transport/keys.h"

namespace foresight::agent {

struct PeerTarget
{
    QString agent;
    QString url;
    QByteArray publicKey; // Z85; empty for ipc:// or an insecure cluster
};

struct ProbeSettings
{
    int intervalMs = 1000;           // one small ping per peer per interval
    int bandwidthIntervalMs = 30000; // one padded ping per peer per interval; 0: never
    int bandwidthBytes = 256 * 1024; // the largest padding of that ping (see paddingFor())
};

class PeerProber final
{
public:
    // sourceAddress: the local IPv4 address pings leave from (AgentOptions::sourceAddress); empty:
    // the kernel's choice.
    PeerProber(zmq::context_t &context,
               QString self,
               transport::KeyPair keys,
               bool insecure,
               qsizetype maxMessageBytes,
               Clock &clock,
               QString sourceAddress = {});
    ~PeerProber();
    PeerProber(const PeerProber &) = delete;
    PeerProber &operator=(const PeerProber &) = delete;

    // Replaces the peers and settings. Measurements of peers that stay (same agent and url) are
    // kept. Fails, changing nothing, when a peer's socket cannot be set up.
    Status configure(const QList<PeerTarget> &peers, const ProbeSettings &settings);

    // Appends one poll item per peer, in a fixed order that readable() takes back.
    void appendPollItems(std::vector<zmq::pollitem_t> &items);
    // Reads the pongs waiting on the sockets whose items (from appendPollItems) are readable.
    void readable(const zmq::pollitem_t *items, std::size_t count);
    // Sends the pings that are due and counts those that went unanswered.
    void tick();
    // Milliseconds until the next ping is due; -1 with no peers.
    std::int64_t nextDueInMs() const;
    // One map per peer, as the heartbeat's `peers` field carries it.
    QCborArray report() const;
    // The link to one peer as measured: bandwidth (bytes/s) and smoothed round trip (ms), each
    // 0 while not measured (or for an agent that is not a peer).
    struct LinkFigures
    {
        double bandwidthBytesPerSecond = 0;
        double roundTripMs = 0;
    };
    LinkFigures linkTo(const QString &agent) const;

private:
    struct Peer;
    void ping(Peer &peer, bool padded);
    qsizetype paddingFor(const Peer &peer) const; // probesizing.h
    void onPong(Peer &peer);

    zmq::context_t &m_context;
    QString m_self;
    transport::KeyPair m_keys;
    bool m_insecure = false;
    qsizetype m_maxMessageBytes = 0;
    Clock &m_clock;
    QString m_sourceAddress;
    ProbeSettings m_settings;
    std::map<QString, std::unique_ptr<Peer>> m_peers; // by agent name
    std::uint64_t m_nextId = 1;
};

} // namespace foresight::agent
