#pragma once

// Private: a request/reply connection to one agent (DEALER socket), used by the SDK client and
// the control client. Matches replies to requests by id, so a late reply to a timed-out request
// is never taken for the answer to the next one, and turns CURVE handshake failures into a
// clear Unauthorized error instead of a silent time-out.

#include <memory>

#include <zmq.hpp>

#include "foresight/protocol/message.h"
#include "foresight/transport/keys.h"

namespace foresight::transport {

struct ChannelOptions
{
    QString url;
    QByteArray serverPublicKey; // for tcp:// unless insecure
    KeyPair keys;               // this side's key pair, for tcp:// unless insecure
    bool insecure = false;
    qsizetype maxMessageBytes = 64 * 1024 * 1024;
};

class RequestChannel final
{
public:
    static Result<std::unique_ptr<RequestChannel>> open(zmq::context_t &context, const ChannelOptions &options);
    ~RequestChannel();

    // Sends a request (its "id" is filled in) and waits for the reply with the same id. An error
    // reply from the agent becomes an Error with the agent's code and message; its body is kept
    // in lastErrorBody() for fields like a redirect hint.
    Result<protocol::Message> call(protocol::MessageType type, QCborMap body, int timeoutMs);
    const QCborMap &lastErrorBody() const { return m_lastErrorBody; }
    const QString &url() const { return m_options.url; }

private:
    RequestChannel(zmq::context_t &context, const ChannelOptions &options);
    bool authFailed();
    std::unexpected<Error> keyRefused() const;

    ChannelOptions m_options;
    zmq::socket_t m_socket;
    zmq::socket_t m_monitor;
    qint64 m_nextId = 1;
    QCborMap m_lastErrorBody;
    bool m_authFailed = false;
    // The agent dropped the last CURVE handshake without a reason: what a wrong server key
    // looks like from this side (the server cannot decrypt our hello). Cleared by a success.
    bool m_handshakeDropped = false;
};

} // namespace foresight::transport
