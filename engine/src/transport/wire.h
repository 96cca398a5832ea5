#pragma once

// Private: ZeroMQ framing and socket security shared by the agent, the SDK and the control
// client. No public header includes this file, so zmq types stay out of the engine's API.

#include <optional>

#include <zmq.hpp>

#include <QByteArray>
#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/protocol/message.h"
#include "foresight/transport/keys.h"

namespace foresight::transport {

// Missing from the 4.3.4 header, implemented by Debian's libzmq (see design.md).
inline constexpr int kZapEnforceDomain = 93;
inline constexpr int kReconnectStop = 109;
inline constexpr int kReconnectStopHandshakeFailed = 0x2;
inline constexpr const char *kZapDomain = "foresight";
inline constexpr const char *kZapNameProperty = "Name";

struct Incoming
{
    QList<QByteArray> routing; // ROUTER identity frame(s); empty on DEALER sockets
    QByteArray header;
    QByteArray body;
    QString userId; // role granted by ZAP ("admin", "agent", "client"); empty without CURVE
    // Who the peer is, from ZAP metadata: its allowlist entry's name, or "key:<z85>" when the
    // entry has none; empty without CURVE. The console journals it as the operator.
    QString peerName;
    qsizetype bytes = 0;
    int frameCount = 0;
};

// Receives one whole multipart message without blocking; nullopt when none is waiting.
// routingFrames is 1 for ROUTER sockets, 0 for DEALER sockets. frameCount tells the caller
// whether the rest had the expected header and body.
std::optional<Incoming> receive(zmq::socket_t &socket, int routingFrames);

// Sends without blocking; false when the peer is unknown (ROUTER_MANDATORY) or the queue is full.
bool send(zmq::socket_t &socket, const QList<QByteArray> &routing, const protocol::Message &message);
// The same, with a body already encoded as CBOR.
bool send(zmq::socket_t &socket, const QList<QByteArray> &routing, protocol::MessageType type, const QByteArray &body);

void configureCommon(zmq::socket_t &socket, qsizetype maxMessageBytes);

// One context (one I/O thread) for every client socket of the process. A context per client
// would add an I/O thread per client: with 16 writers on 2 cores the context switches, not the
// work, set the pace. Created on first use and deliberately never destroyed, because sockets
// may still be closing during static destruction.
zmq::context_t &sharedClientContext();
Status configureCurveServer(zmq::socket_t &socket, const KeyPair &keys);
Status configureCurveClient(zmq::socket_t &socket, const KeyPair &own, const QByteArray &serverPublicKey);
bool isTcp(const QString &url);

// Answers ZAP requests for CURVE sockets of one context from an allowlist. Bind it before any
// CURVE server socket binds: without a handler, CURVE admits every client that knows the key.
// An admitted peer's messages carry its role as the ZAP user id and its name as the metadata
// property kZapNameProperty (Incoming::userId, Incoming::peerName).
class ZapHandler final
{
public:
    ZapHandler(zmq::context_t &context, const Allowlist &allowlist);
    zmq::socket_t &socket() { return m_socket; }
    // Handles every request waiting on the socket.
    void handlePending();
    qint64 refused() const { return m_refused; }

private:
    zmq::socket_t m_socket;
    const Allowlist &m_allowlist;
    qint64 m_refused = 0;
};

} // namespace foresight::transport
