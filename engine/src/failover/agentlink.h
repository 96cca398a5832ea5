#pragma once

// Private: the engine's connection to one agent. One DEALER socket carries the heartbeat
// subscription and the engine's asynchronous requests (lease, promote, assign, status), so the
// engine thread can watch every agent in one zmq_poll loop and never blocks on a slow or dead
// agent: a request is sent, and its reply (or its time-out, tracked by the caller) comes later.

#include <memory>

#include <zmq.hpp>

#include <QList>

#include "foresight/core/clock.h"
#include "foresight/core/result.h"
#include "foresight/monitor/agentwatch.h"
#include "foresight/protocol/message.h"
#include "foresight/transport/keys.h"

namespace foresight::failover {

class AgentLink final
{
public:
    struct Options
    {
        QString url;
        QByteArray serverPublicKey;
        transport::KeyPair keys;
        bool insecure = false;
        int intervalMs = 100;
        int ttlMs = 1500;
    };

    struct Reply
    {
        qint64 id = 0;
        protocol::Message message;
    };

    struct Inbox
    {
        QList<monitor::Heartbeat> heartbeats;
        QList<Reply> replies;
    };

    static Result<std::unique_ptr<AgentLink>> open(const Options &options, Clock &clock);

    zmq::socket_t &socket() { return m_socket; }
    // Renews the heartbeat subscription when due (a third of the ttl), or retries a failed one.
    void maintainSubscription();
    // Receives everything waiting, without blocking.
    void drain(Inbox &inbox);
    // Sends a request (its "id" is filled in); the id, or an error when the agent is not
    // connected (ZMQ_IMMEDIATE: nothing is queued for an agent that is not there, so a command
    // never reaches an agent minutes after the engine gave up on it).
    Result<qint64> send(protocol::MessageType type, QCborMap body);

    const QString &subscribeError() const { return m_subscribeError; }
    qint64 malformed() const { return m_malformed; }

    // Reads the socket's connection events (ZeroMQ's socket monitor), without blocking, and
    // returns why the link does not work, in words an operator can act on: the agent refused this
    // console's key, the handshake failed (a wrong public key for the agent), or nobody answers.
    // Empty once the CURVE handshake succeeded.
    QString connectionProblem();

    ~AgentLink();

private:
    AgentLink(const Options &options, Clock &clock);

    Options m_options;
    Clock &m_clock;
    zmq::socket_t m_socket;
    qint64 m_nextId = 1;
    std::int64_t m_lastSubscribeMs = 0;
    bool m_subscribed = false;
    QList<qint64> m_subscribeIds;
    QString m_subscribeError;
    qint64 m_malformed = 0;
    std::unique_ptr<zmq::socket_t> m_monitor; // PAIR end of the socket monitor
    bool m_handshakeSucceeded = false;
    bool m_everConnected = false;
    QString m_problem;
};

} // namespace foresight::failover
